"""Phones as a hostile tester typed them (hostile report 4.8): a country code written without "+" or "00"
("852-91234567", "(852) 9123 4567") is a country code, and a number typed as it is dialled at home is read by the
user's own region when that is 台湾, 香港 or 澳门."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.validation import Invalid, phone, phone_region
from tests.harness import BotHarness
from tests.test_report import answer_contact, enterprise_user, report_up_to_code


def test_a_country_code_without_a_plus_is_read_as_one():
    """ "852-91234567" and "(852) 9123 4567" were refused as no mainland number, the user asked to add the code
    they had typed. No mainland number starts with 852, 853 or 886 (mobiles start with 1, landlines with 0)."""
    assert phone("852-91234567") == phone("(852) 9123 4567") == "+852 9123 4567"
    assert phone("853 6612 3456") == "+853 6612 3456"
    assert phone("886 912 345 678") == phone("886-0912345678") == "+886 912 345 678"
    assert phone("13900010001") == "13900010001" and phone("86 139 0001 0001") == "13900010001"
    for bad in ("852 1234", "886 12"):
        with pytest.raises(Invalid):
            phone(bad)


def test_a_number_dialled_at_home_is_read_by_the_user_s_region():
    """With the user's region 台湾 (香港, 澳门) a plain "0912345678" ("91234567", "66123456") is that region's
    number; without a region, or in the mainland, the user is still asked for the code, and a mainland number stays
    a mainland number wherever the user lives."""
    assert phone_region("710000") == "TW" and phone_region("810103") == "HK" and phone_region("820000") == "MO"
    assert phone_region("330502") is None and phone_region(None) is None
    assert phone("0912345678", home="TW") == "+886 912 345 678"
    assert phone("9123 4567", home="HK") == "+852 9123 4567"
    assert phone("6612 3456", home="MO") == "+853 6612 3456"
    assert phone("13900010001", home="HK") == "13900010001"
    with pytest.raises(Invalid) as exc:
        phone("0912345678")
    assert exc.value.key == "validate.phone_country"


async def test_a_taiwan_user_s_plain_mobile_is_saved_at_the_contact_step(bot: BotHarness):
    """Hostile 4.8: with region 台湾省, "0912345678" at /report's phone step asked for the country code."""
    from db.models import Enterprise

    user = await enterprise_user(bot, 503, region="710000")
    kinds = await report_up_to_code(user, "台中某精密机械有限公司", "91330100799655058B", "请选择企业类型")
    user.press("专精特新", kinds)
    await answer_contact(user, "林先生", "0912345678")
    await user.expect("已记录电话：+886 912 345 678")
    await user.expect("请描述")
    async with bot.services.db.session() as session:
        [enterprise] = (await session.scalars(select(Enterprise))).all()
    assert enterprise.phone == "+886 912 345 678"


async def test_a_hong_kong_code_typed_without_a_plus_is_saved_at_the_contact_step(bot: BotHarness):
    user = await enterprise_user(bot, 504)
    kinds = await report_up_to_code(user, "湖州某铝业有限公司", "91330100799655058B", "请选择企业类型")
    user.press("专精特新", kinds)
    await answer_contact(user, "陈先生", "(852) 9123 4567")
    await user.expect("已记录电话：+852 9123 4567")

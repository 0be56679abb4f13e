"""What an English reader sees (hostile report 3.8): amounts written the English way, GB/T 4754 divisions by their
English names with the official Chinese beside them, course and competition regions in English."""

from __future__ import annotations

from decimal import Decimal

from db.models import Lang
from i18n import money
from runtime.sender import render
from services.outbox import Notice
from tests.harness import BotHarness
from tests.test_stats_export import CRAFTSMAN_USER, seed


def test_amounts_are_written_in_the_readers_way():
    assert money(Decimal(1_864_000), "en") == "¥1.86 million"
    assert money(Decimal(2_000_000), "en") == "¥2 million"
    assert money(Decimal(51_000), "en") == "¥51,000"
    assert money(Decimal("1200.50"), "en") == "¥1,200.50"
    assert money(Decimal(1_864_000), "zh-hans") == "186.4 万元"  # Chinese counts in ten-thousands
    assert money(Decimal(5_000), "zh-hans") == "5,000 元"
    assert money(Decimal(1_864_000), "zh-tw") == "186.4 萬元"
    assert money(Decimal(15_000), "en", exact=True) == "¥15,000.00"


async def test_an_english_craftsman_reads_his_benefit_in_yuan_not_in_tens_of_thousands(bot: BotHarness):
    await seed(bot)
    await bot.services.users.set_lang(CRAFTSMAN_USER, Lang.ENGLISH, chosen=True)
    craftsman = bot.user(CRAFTSMAN_USER, "Lu", language_code="en")
    craftsman.send("/stats me")
    record = (await craftsman.expect("service record"))["text"]
    assert "Economic benefit: ¥50,000" in record and "10k" not in record and "万" not in record, record


def test_a_resolution_notice_writes_the_benefit_in_the_recipients_way():
    notice = Notice(
        "follow.resolved_staff",
        values={"ticket": "ZQ-1", "name": "陆国强", "trained": 3},
        amounts={"benefit": "1864000"},
    )
    assert "about ¥1,864,000.00 of benefit" in render(notice.payload(), "en")[0]  # one case: as recorded
    assert "效益约 1,864,000.00 元" in render(notice.payload(), "zh-hans")[0]

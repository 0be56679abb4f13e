"""The demo stage's cast: one person for every role, so that `make run` can walk the programme's whole flow.

The console (`:as 周建华`) switches between them; services/demo/ gives each their record (a staff role, a craftsman
profile with a phone, an enterprise profile). DEMO_MEMBERS are more people of the demo's data (night-school
classmates) that nobody plays: the console's fake Telegram should know them too, so what the bot sends them arrives. Every name, phone and id here is invented; the Telegram ids lie in a
block real Telegram does not hand out to people (below 100000), so they can never meet a real account.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Role


@dataclass(frozen=True)
class DemoPerson:
    telegram_id: int
    name: str
    role: Role
    phone: str | None = None
    region_code: str = "330502"  # GB/T 2260: where they live or work (their profile's region)


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(10001, "王丽", Role.ENTERPRISE, "+8613900010001", "330502"),  # 技术科 of a Huzhou metalworks
    DemoPerson(10002, "陈志强", Role.ENTERPRISE, "+8613900010002", "440605"),  # 设备部 of a Foshan ceramics plant
    DemoPerson(10003, "周建华", Role.CRAFTSMAN, "+8613900010003", "330502"),  # 全国劳动模范, aluminium surfaces
    DemoPerson(10004, "李秀英", Role.CRAFTSMAN, "+8613900010004", "330502"),  # 浙江工匠, electrical automation
    DemoPerson(10005, "张敏", Role.STAFF, region_code="330500"),  # 湖州市总工会 劳动和经济工作部
    DemoPerson(10006, "赵刚", Role.ADMIN, region_code="330000"),  # the programme's administrator
    DemoPerson(10007, "刘洋", Role.WORKER, region_code="330502"),  # a young machinist
    DemoPerson(10008, "孙晓梅", Role.WORKER, region_code="330503"),  # a textile worker
)

DEMO_MEMBERS: tuple[DemoPerson, ...] = tuple(
    DemoPerson(telegram_id, name, Role.WORKER, region_code=region)
    for telegram_id, name, region in (
        (10101, "吴磊", "330502"),
        (10102, "郑晓东", "330502"),
        (10103, "钱佳琪", "330503"),
        (10104, "冯俊杰", "330521"),
        (10105, "陈雨婷", "330502"),
        (10106, "蒋浩", "330523"),
        (10107, "韩梦瑶", "330503"),
        (10108, "杨帆", "330502"),
    )
)


def demo_person(key: str) -> DemoPerson | None:
    """The cast member named ``key`` (a name or a Telegram id as typed), if any."""
    key = key.strip()
    for person in DEMO_PEOPLE:
        if key in (person.name, str(person.telegram_id)):
            return person
    return None

"""The demo stage's cast: one person for every role, so that `make run` can walk the programme's whole flow.

The console (`:as 周建华`) switches between them; services/demo.py gives each their record (a staff role, a craftsman
profile with a phone, an enterprise profile). Every name, phone and id here is invented; the Telegram ids lie in a
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


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(10001, "王丽", Role.ENTERPRISE, "+8613900010001"),   # 技术科 of a Huzhou metalworks
    DemoPerson(10002, "陈志强", Role.ENTERPRISE, "+8613900010002"),  # 设备部 of a Foshan ceramics plant
    DemoPerson(10003, "周建华", Role.CRAFTSMAN, "+8613900010003"),  # 全国劳动模范, CNC machining
    DemoPerson(10004, "李秀英", Role.CRAFTSMAN, "+8613900010004"),  # 浙江工匠, electrical automation
    DemoPerson(10005, "张敏", Role.STAFF),                          # 湖州市总工会 劳动和经济工作部
    DemoPerson(10006, "赵刚", Role.ADMIN),                          # the programme's administrator
    DemoPerson(10007, "刘洋", Role.WORKER),                         # a young machinist
    DemoPerson(10008, "孙晓梅", Role.WORKER),                       # a textile worker
)


def demo_person(key: str) -> DemoPerson | None:
    """The cast member named ``key`` (a name or a Telegram id as typed), if any."""
    key = key.strip()
    for person in DEMO_PEOPLE:
        if key in (person.name, str(person.telegram_id)):
            return person
    return None

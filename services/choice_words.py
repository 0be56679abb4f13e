"""Everyday phrasings of a choice question's answers (/report's urgency and service mode): "挺急的，客户下周就要货"
is urgent, "远程看看就行" remote guidance. A phrasing is read only when it says one choice and no other; anything
else is asked again (the chat names the choices). The words are read in simplified Chinese or English, case aside.

Longer words are read first and taken out of the text, so a negation wins over the word it negates: "不急" is
normal, never also the 急 of urgent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nlp.script import to_simplified

Words = Mapping[str, tuple[str, ...]]

URGENCY: Words = {
    "normal": (
        "不急",
        "不着急",
        "不太急",
        "不紧急",
        "不赶",
        "不用赶",
        "慢慢来",
        "没那么急",
        "不是很急",
        "not urgent",
        "no rush",
        "no hurry",
    ),
    "urgent": ("急", "尽快", "马上", "赶紧", "立刻", "越快越好", "等不了", "urgent", "asap", "as soon as possible"),
}
SERVICE_MODE: Words = {
    "onsite": ("现场", "上门", "到厂", "来厂", "到我们厂", "on-site", "onsite", "on site", "in person"),
    "remote": ("远程", "线上", "视频", "网上", "remote", "online", "video call"),
    "training": ("培训", "training"),
    "joint": ("联合攻关", "一起攻关", "共同攻关", "joint"),
}


def read_choice(text: str, words: Words) -> str | None:
    """The one choice ``text`` says in ``words`` (a choice's value → its phrasings); None when it says none, or
    more than one."""
    rest = to_simplified(text).casefold()
    said: set[str] = set()
    for word, value in sorted(((w, v) for v, ws in words.items() for w in ws), key=lambda p: -len(p[0])):
        if word in rest:
            said.add(value)
            rest = rest.replace(word, "\0")
    return said.pop() if len(said) == 1 else None


ENOUGH = (
    "完成",
    "就这些",
    "就这几个",
    "就这两个",
    "就这三个",
    "没别的",
    "没有别的",
    "没有其他",
    "就这样",
    "that's all",
    "no more",
    "done",
)
_DIGIT = re.compile(r"[0-9]")


def says_enough(text: str) -> bool:
    """Whether ``text`` says the answers given so far are all ("就这两个吧，没别的了", 完成): a phrase of
    :data:`ENOUGH`, and no digit (a line with a time in it is a time, whatever else it says)."""
    plain = to_simplified(text).casefold()
    return not _DIGIT.search(plain) and any(word in plain for word in ENOUGH)

"""The rules for text typed where the bot waits on a question (conversations/typed_replies.py): which slot on offer a
typed time names, how long after pressing 向工会工作人员咨询 a member's next text still adds to that question, and
which text typed where a place name is asked for is plainly no place (conversations/region_picker.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from nlp.intent import Intent, is_union_service
from services.everyday import window

ADD_WINDOW = timedelta(minutes=30)  # after asking staff, the details typed next belong to that question
MAX_PLACE = 12  # characters: a longer text no place matched is a sentence, not a place name mistyped
MAX_TIME_REPLY = 30  # characters: a longer text naming a day is a message of its own, not the pick of a slot


# a question of its own ("…怎么办", "…找谁", "…合唔合法？"), not the details of the one just filed
_ASKING = re.compile(
    r"[?？]|吗|嗎|怎么|怎麼|什么|甚麼|咩|点算|點算|找谁|找誰|哪|能不能|可不可以|是否|有没有|有冇|如何|合唔合|係唔係|可唔可以"
)


def adds_to_question(text: str, intent: Intent, asked_at: datetime, now: datetime) -> bool:
    """Whether a member's ``text`` typed ``now`` adds to the question they filed at ``asked_at`` (their last act:
    the caller knows; unanswered: the consultation's status): within ADD_WINDOW, and not a question of its own —
    a text the router reads as nothing is details; one it reads as a union matter or a demand is details unless it
    asks something ("一共欠了一万五" adds; "工地上欠了我两个月工钱找谁" is answered as a new question)."""
    if not timedelta(0) <= now - asked_at <= ADD_WINDOW:
        return False
    return intent is Intent.OTHER or not _ASKING.search(text)


def names_a_time(text: str, tz: ZoneInfo, now: datetime) -> bool:
    """Whether the short ``text`` names a day or a time ("周四上午可以", "明天9点行吗")."""
    return len(text.strip()) <= MAX_TIME_REPLY and window(text, tz, now) is not None


def slots_named(
    text: str, slots: Sequence[tuple[int, datetime]], tz: ZoneInfo, now: datetime
) -> list[tuple[int, datetime]]:
    """The slots (id, start) ``text`` names: those starting within the day, part of the day or hour it says. A
    weekday already past this week ("周四" on a Saturday) is the coming one."""
    span = window(text, tz, now) if len(text.strip()) <= MAX_TIME_REPLY else None
    if span is None:
        return []
    start, end = span
    local_now = now.astimezone(tz).replace(tzinfo=None)
    shifts = (timedelta(0), timedelta(days=7)) if end < local_now else (timedelta(0),)
    for shift in shifts:
        found = [(i, at) for i, at in slots if start + shift <= at.astimezone(tz).replace(tzinfo=None) <= end + shift]
        if found:
            return found
    return []


def no_place(text: str, intent: Intent, found: bool) -> bool:
    """Whether ``text`` typed at a region step is plainly not a place name, so it is not searched for (or its
    emptiness not reported as a place not found): a question, a union matter ("公司冇雙糧，合唔合法？"), or — when
    no place was ``found`` — a long text or one the intent router reads as something."""
    if "?" in text or "？" in text or is_union_service(intent):
        return True
    return not found and (len(text.strip()) > MAX_PLACE or intent is not Intent.OTHER)

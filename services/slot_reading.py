"""Reading the visit slots a craftsman types (专家问诊预约), one a line: each line is a slot kept, the same slot
again (one slot), or a line the bot cannot use, with its reason: unreadable, past, too far, a day its month lacks,
within :data:`VISIT_SPAN` of another visit of his already booked, the time the case is already booked for (a
reschedule), or one more than :data:`MAX_SLOTS`. No line is dropped without a word (stranger s5 items 2 and 12). A
span ("12月3日下午2点到4点") is read as its start, and a slot at night (22:00–06:00) is read, both said plainly. A time
typed in another zone ("tomorrow 2pm UTC", services/typed_zone.py) is read in it and converted, said plainly too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Appointment, AppointmentStatus, Demand, Match
from services.everyday import Moment, span_start
from services.local_time import parse_moment
from services.local_time import show as local
from services.typed_zone import typed_zone
from services.validation import Invalid

MAX_SLOTS = 6
NIGHT = (22, 6)  # a visit starting from 22:00 to before 06:00 is at night: read, and said so plainly
VISIT_SPAN = timedelta(hours=2)  # a visit is taken to last this long: no second visit of his starts within it


@dataclass(frozen=True)
class Booked:
    """A visit of the craftsman already booked, on another case."""

    at: datetime
    ticket: str


@dataclass(frozen=True)
class SlotLine:
    """One typed line: the slot it names (``assumed``: the hour taken for a part of the day) or why it is not one."""

    line: str
    at: datetime | None = None
    assumed: time | None = None
    refused: Invalid | None = None
    until: datetime | None = None  # a span was typed ("下午2点到4点"): the slot is its start, this its end
    night: bool = False  # the slot starts between 22:00 and 06:00 local: said plainly to the craftsman
    zone: str | None = None  # typed in another zone (its name), converted to local time: said plainly


@dataclass(frozen=True)
class SlotReading:
    """What the lines of one answer gave: every slot kept so far (earlier answers first), the lines read as new
    slots, and the lines that could not be used."""

    slots: tuple[datetime, ...]
    read: tuple[SlotLine, ...]
    unusable: tuple[SlotLine, ...]

    @property
    def full(self) -> bool:
        return len(self.slots) >= MAX_SLOTS

    @property
    def ask_again(self) -> bool:
        """Some lines cannot be used and there is still room for slots: those lines are asked again."""
        return bool(self.unusable) and not self.full


async def booked_elsewhere(session: AsyncSession, craftsman_id: int, match_id: int, now: datetime) -> list[Booked]:
    """The craftsman's visits booked on his cases other than ``match_id`` that have not ended yet, except those of
    the same enterprise as ``match_id``'s demand: one sitting serves two demands of one enterprise, so they are no
    clash (hostile4 item 4; docs/service-flow.md)."""
    mine = (
        await session.execute(
            select(Demand.enterprise_id, Demand.user_id)
            .join(Match, Match.demand_id == Demand.id)
            .where(Match.id == match_id)
        )
    ).first()
    rows = await session.execute(
        select(Appointment.starts_at, Demand.ticket, Demand.enterprise_id, Demand.user_id)
        .join(Match, Match.id == Appointment.match_id)
        .join(Demand, Demand.id == Match.demand_id)
        .where(
            Match.craftsman_id == craftsman_id,
            Appointment.match_id != match_id,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now - VISIT_SPAN,
        )
    )
    return [
        Booked(at, ticket or "")
        for at, ticket, enterprise_id, owner in rows.all()
        if mine is None or not same_enterprise((enterprise_id, owner), (mine.enterprise_id, mine.user_id))
    ]


def same_enterprise(one: tuple[int | None, int | None], other: tuple[int | None, int | None]) -> bool:
    """Whether two demands, each (enterprise id, owner's user id), are the same enterprise's: the same linked
    enterprise, or the same owner."""
    return (one[0] is not None and one[0] == other[0]) or (one[1] is not None and one[1] == other[1])


async def booked_at(session: AsyncSession, match_id: int, now: datetime) -> datetime | None:
    """When case ``match_id``'s visit is booked for, while it is still to come (a visit that has taken place is no
    booking to move)."""
    at: datetime | None = await session.scalar(
        select(Appointment.starts_at).where(
            Appointment.match_id == match_id,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
        )
    )
    return at


def clash(at: datetime, booked: Sequence[Booked]) -> Booked | None:
    """The booked visit ``at`` would overlap (starts within :data:`VISIT_SPAN` of it), if any."""
    return next((b for b in booked if abs(b.at - at) < VISIT_SPAN), None)


def clash_refusal(found: Booked, tz: ZoneInfo) -> Invalid:
    return Invalid("booking.slot_clash", at=local(found.at, tz), ticket=found.ticket, hours=VISIT_SPAN.seconds // 3600)


def night(at: datetime, tz: ZoneInfo) -> bool:
    """A visit starting at night (from :data:`NIGHT` [0] to [1] local): possible, but said plainly."""
    hour = at.astimezone(tz).hour
    return hour >= NIGHT[0] or hour < NIGHT[1]


def _moment(line: str, tz: ZoneInfo, now: datetime) -> tuple[Moment, str | None]:
    """One slot line: a moment, or a span's start ("12月3日下午2点到4点", "22点半到6点半"), with the name of the zone
    it was typed in when that is not ``tz``'s at that moment ("tomorrow 2pm UTC": read in UTC); the moment's or the
    zone's refusal when it is neither."""
    typed = typed_zone(line)
    if typed is None:
        return _local_moment(line, tz, now), None
    found = _local_moment(typed.rest, typed.zone, now)
    other = found.at.astimezone(typed.zone).utcoffset() != found.at.astimezone(tz).utcoffset()
    return found, typed.name if other else None


def _local_moment(line: str, tz: ZoneInfo, now: datetime) -> Moment:
    try:  # "2026-12-03 14:00", "12月3日下午2点", "下周二上午" (09:00, said); "3点" or a past time: asked again
        return parse_moment(line, tz, now, future=True)
    except Invalid as exc:
        if exc.key != "time.bad_datetime":
            raise
        found = span_start(line, tz, now, future=True)
        if found is None:
            raise
        return found


def read_slots(
    text: str,
    kept: Sequence[datetime],
    booked: Sequence[Booked],
    tz: ZoneInfo,
    now: datetime,
    standing: datetime | None = None,
    leave: date | None = None,
) -> SlotReading:
    """The slots in ``text`` (one a line) added to those ``kept`` from earlier answers; ``booked``: the
    craftsman's visits booked on his other cases; ``standing``: the time this case is booked for (a reschedule
    cannot offer it again); ``leave``: the last day of his leave (local), none of whose days he can offer (the
    slots he had offered in it were withdrawn when he took it, services/time_off.py)."""
    slots, read, unusable = list(kept), [], []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        try:
            found, zone = _moment(line, tz, now)
        except Invalid as exc:
            unusable.append(SlotLine(line, refused=exc))
            continue
        if found.at in slots:  # the same time again ("11-27 09:00" twice, or written two ways): one slot
            continue
        other = clash(found.at, booked)
        if leave is not None and found.at.astimezone(tz).date() <= leave:
            unusable.append(SlotLine(line, found.at, refused=Invalid("booking.slot_in_leave", until=leave.isoformat())))
        elif found.at == standing:
            unusable.append(
                SlotLine(line, found.at, refused=Invalid("booking.slot_same_as_booked", at=local(found.at, tz)))
            )
        elif other is not None:
            unusable.append(SlotLine(line, found.at, refused=clash_refusal(other, tz)))
        elif len(slots) >= MAX_SLOTS:
            unusable.append(SlotLine(line, found.at, refused=Invalid("booking.slot_over_max", max=MAX_SLOTS)))
        else:
            slots.append(found.at)
            read.append(
                SlotLine(line, found.at, found.assumed, until=found.until, night=night(found.at, tz), zone=zone)
            )
    return SlotReading(tuple(slots), tuple(read), tuple(unusable))

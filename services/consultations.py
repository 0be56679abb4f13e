"""Consultations: a member's own question (dues, welfare, wages, contracts …) asked of union staff with the
ask-staff button under a union-service answer. A consultation is a thread: staff see the ones waiting for them in
/queue and reply (as often as needed while it is open); the member gets each reply in their language with a
回复工会 button, and what they answer lands in the same consultation, back in /queue; staff end it and the member is
told. A consultation never reaches a craftsman.

Every staff action is checked here against the role read from the database; refusals are audited. An action
answers ``Done`` or raises ``Refused`` (services/results.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.union import AnswerConsultation, CloseConsultation, ReplyToUnion
from db.database import Database
from db.models import Consultation, ConsultationMessage, ConsultationStatus, Role, User
from db.results import rowcount
from i18n import shown
from nlp.intent import UNION_SERVICES, Intent
from services.audit import AuditLog
from services.clock import Clock
from services.outbox import Button, Notice, Outbox
from services.results import Done, Reason, Refused
from services.staff_scope import OUT_OF_REGION, StaffChats, covered, members_within, question_in_scope
from services.validation import Invalid, has_words

MAX_QUESTION = 2000
# What a member may ask staff about: a union matter, or ``other`` (a message the bot did not understand, passed on)
TOPICS = frozenset(intent.value for intent in (*UNION_SERVICES, Intent.OTHER))
# The member's notice (union.staff_answer) quotes the start of the question and the whole answer: QUOTED + MAX_ANSWER
# plus the longest template and topic fit Telegram's 4,096 in every language, even when every character is astral
# (two UTF-16 units, as Telegram may count them); tests/test_union.py checks the worst case.
QUOTED = 200
MAX_ANSWER = 1700
THREAD_LINES = 3  # the latest replies and follow-ups a /queue item shows under the question
OPEN_THREAD = (ConsultationStatus.OPEN, ConsultationStatus.ANSWERED)  # staff may reply, the member may answer


def quoted(question: str) -> str:
    """The start of the member's question, as the answer's notice quotes it."""
    return question if len(question) <= QUOTED else question[:QUOTED].rstrip() + "…"


@dataclass(frozen=True)
class ThreadLine:
    from_staff: bool
    text: str


@dataclass(frozen=True)
class ConsultationItem:
    id: int
    topic: str
    question: str
    name: str
    region_code: str | None
    thread: tuple[ThreadLine, ...] = ()  # the latest THREAD_LINES replies and follow-ups, oldest first


class Consultations:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, outbox: Outbox, staff: StaffChats) -> None:
        self.db, self.clock, self.audit, self.outbox, self.staff = db, clock, audit, outbox, staff

    async def _require_in_scope(self, actor: int, action: str, consultation_id: int) -> None:
        """Refused(OUT_OF_REGION), audited, unless the question's member lies where ``actor`` works."""
        if await question_in_scope(self.db, self.staff.regions, actor, consultation_id):
            return
        target = f"consultation:{consultation_id}"
        await self.audit.record(actor, action, target, allowed=False, reason=OUT_OF_REGION.value)
        raise Refused(OUT_OF_REGION, number=consultation_id)

    async def _tell_staff(
        self, region_code: str | None, event: str, key: str, consultation_id: int, topic: str, **said: str
    ) -> None:
        """Tell the staff covering the member's region of a consultation's ``event``, quoting the start of ``said``."""
        await self.outbox.put(
            await self.staff.covering(region_code),
            "notice",
            f"consultation:{consultation_id}:{event}",
            Notice(
                key,
                values={"number": consultation_id, **{name: quoted(text) for name, text in said.items()}},
                keys={"topic": f"union.topic.{topic}"},
                # staff answer or end it from the notice itself, as from its /queue item
                buttons=[
                    [
                        Button("union.answer_button", AnswerConsultation(consultation_id)),
                        Button("union.close_button", CloseConsultation(consultation_id)),
                    ]
                ],
            ),
        )

    async def ask(self, user_id: int, topic: str, question: str) -> Done:
        """File the member's question for staff; the same open question of the same member is filed once.
        ``values``: {"id": …, "new": bool} (False: filed before). Refused: NOT_FOUND (not one of TOPICS, no question or one without words),
        NOT_YOURS (no such member, or no consent yet)."""
        question = shown(question).strip()[:MAX_QUESTION]  # stored without NUL or other invisible controls
        if topic not in TOPICS or not has_words(question):  # nothing staff could answer (an old button's 😀😀😀)
            raise Refused(Reason.NOT_FOUND)
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            if user is None or user.consent_at is None:
                raise Refused(Reason.NOT_YOURS)
            same = await session.scalar(
                select(Consultation.id).where(
                    Consultation.user_id == user_id,
                    Consultation.topic == topic,
                    Consultation.question == question,
                    Consultation.status == ConsultationStatus.OPEN,
                )
            )
            if same is not None:
                return Done(values={"id": same, "new": False})
            row = Consultation(
                user_id=user_id,
                topic=topic,
                question=question,
                region_code=user.region_code,
                created_at=self.clock.now(),
            )
            session.add(row)
            await session.flush()
            consultation_id, region_code = row.id, row.region_code
        await self.audit.record(user_id, "consultation.ask", f"consultation:{consultation_id}", topic=topic)
        # the question, not who asked: staff see the member when they open /queue
        await self._tell_staff(
            region_code, "asked", "union.staff_new_question", consultation_id, topic, question=question
        )
        return Done(values={"id": consultation_id, "new": True})

    async def status(self, user_id: int, consultation_id: int) -> ConsultationStatus | None:
        """The status of one of the member's own consultations (None for anyone else's, or one erased)."""
        async with self.db.session() as session:
            # through a variable: with the return type as context mypy picks scalar()'s untyped overload
            status = await session.scalar(
                select(Consultation.status).where(Consultation.id == consultation_id, Consultation.user_id == user_id)
            )
        return status

    async def open_items(
        self, actor: int, role: Role | None, limit: int = 10
    ) -> tuple[int, int, list[ConsultationItem]]:
        """How many consultations wait for staff, how many staff replied to that are not ended yet (the member may
        still answer; staff end them), and the oldest ``limit`` of them, waiting ones first. Refused(NOT_STAFF) for
        anyone else (audited)."""
        await self.audit.require_staff(actor, role, "consultation.list", "queue")
        async with self.db.session() as session:
            mine = members_within(await covered(session, self.staff.regions, actor))  # the staffer's region's
            by_status = await session.execute(
                select(Consultation.status, func.count())
                .where(Consultation.status.in_(OPEN_THREAD), mine)
                .group_by(Consultation.status)
            )
            counts = {status: int(n) for status, n in by_status.all()}
            waiting_first = (Consultation.status != ConsultationStatus.OPEN).asc()  # False (waiting) sorts first
            rows = (
                await session.execute(
                    select(
                        Consultation.id,
                        Consultation.topic,
                        Consultation.question,
                        User.first_name,
                        User.last_name,
                        Consultation.region_code,
                    )
                    .outerjoin(User, User.id == Consultation.user_id)
                    .where(Consultation.status.in_(OPEN_THREAD), mine)
                    .order_by(waiting_first, Consultation.created_at, Consultation.id)
                    .limit(limit)
                )
            ).all()
            threads = await _threads(session, [row[0] for row in rows])
        items = [
            ConsultationItem(
                i, topic, question, " ".join(filter(None, [first, last])) or "—", region, threads.get(i, ())
            )
            for i, topic, question, first, last, region in rows
        ]
        return counts.get(ConsultationStatus.OPEN, 0), counts.get(ConsultationStatus.ANSWERED, 0), items

    async def may_answer(self, actor: int, role: Role | None, consultation_id: int) -> Done:
        """Whether staff may reply to the consultation now: asked before the reply is typed, so a closed one says so
        at the press. Refused: NOT_STAFF, OUT_OF_REGION (audited), NOT_FOUND, STALE (ended)."""
        await self.audit.require_staff(actor, role, "consultation.answer", f"consultation:{consultation_id}")
        await self._require_in_scope(actor, "consultation.answer", consultation_id)
        async with self.db.session() as session:
            status = await session.scalar(select(Consultation.status).where(Consultation.id == consultation_id))
        if status is None:
            raise Refused(Reason.NOT_FOUND)
        if status not in OPEN_THREAD:
            raise Refused(Reason.STALE, number=consultation_id)
        return Done(values={"number": consultation_id})

    async def answer(self, actor: int, role: Role | None, consultation_id: int, text: str) -> Done:
        """Staff's reply, as often as needed while the consultation is open: it waits for the member then, and the
        member is sent the reply (also when a colleague ended it after the ✍️ 回复 press: nothing typed is lost, the
        thread is open again and ``values["reopened"]`` says so), quoting the start of what they wrote last, in their language, with the 回复工会
        button. A reply longer than MAX_ANSWER raises Invalid (input.too_long) before anything is stored or sent.
        Refused: NOT_STAFF, OUT_OF_REGION (audited), NOT_FOUND, STALE (ended)."""
        text = shown(text).strip()
        if len(text) > MAX_ANSWER:
            raise Invalid("input.too_long", max=MAX_ANSWER, length=len(text))
        await self.audit.require_staff(actor, role, "consultation.answer", f"consultation:{consultation_id}")
        await self._require_in_scope(actor, "consultation.answer", consultation_id)
        now = self.clock.now()
        async with self.db.session() as session:
            row = await session.get(Consultation, consultation_id)
            if row is None:
                raise Refused(Reason.NOT_FOUND)
            reopened = row.status is ConsultationStatus.CLOSED
            moved = await session.execute(
                update(Consultation)
                .where(
                    Consultation.id == consultation_id,
                    # typed after a colleague ended it (the press was checked by may_answer): still sent, and the
                    # thread is open again; an erased member's (no user) stays closed
                    or_(Consultation.status.in_(OPEN_THREAD), Consultation.user_id.is_not(None)),
                )
                .values(
                    status=ConsultationStatus.ANSWERED,
                    answer=text,
                    answered_by=actor,
                    answered_at=func.coalesce(Consultation.answered_at, now),
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if rowcount(moved) != 1:
                raise Refused(Reason.STALE, number=consultation_id)
            said = await session.scalar(  # what the member wrote last: their question, or their answer to a reply
                select(ConsultationMessage.text)
                .where(
                    ConsultationMessage.consultation_id == consultation_id, ConsultationMessage.from_staff.is_(False)
                )
                .order_by(ConsultationMessage.id.desc())
                .limit(1)
            )
            message = ConsultationMessage(
                consultation_id=consultation_id, from_staff=True, author_id=actor, text=text, created_at=now
            )
            session.add(message)
            await session.flush()
            member, topic, question, message_id = row.user_id, row.topic, said or row.question, message.id
        if member is not None:
            await self.outbox.put(
                [member],
                "notice",
                f"consultation:{consultation_id}:answer:{message_id}",
                Notice(
                    "union.staff_answer",
                    values={"question": quoted(question), "answer": text},
                    keys={"topic": f"union.topic.{topic}"},
                    buttons=[[Button("union.reply_button", ReplyToUnion(consultation_id))]],
                ),
                urgent=True,
            )
        await self.audit.record(actor, "consultation.answer", f"consultation:{consultation_id}")
        return Done(values={"number": consultation_id, "reopened": reopened})

    async def may_follow_up(self, user_id: int, consultation_id: int) -> Done:
        """Whether the member may answer staff's reply now (asked before their text is typed); ``values["replied"]``:
        whether staff have replied yet (before: the member adds to the question). Refused: NOT_YOURS (not their
        consultation: audited), STALE (ended)."""
        async with self.db.session() as session:
            row = (
                await session.execute(
                    select(Consultation.status, Consultation.answered_at).where(
                        Consultation.id == consultation_id, Consultation.user_id == user_id
                    )
                )
            ).first()
        status, answered_at = row if row is not None else (None, None)
        if status is None:
            target = f"consultation:{consultation_id}"
            await self.audit.record(user_id, "consultation.follow_up", target, allowed=False)
            raise Refused(Reason.NOT_YOURS)
        if status not in OPEN_THREAD:
            raise Refused(Reason.STALE, number=consultation_id)
        return Done(values={"number": consultation_id, "replied": answered_at is not None})

    async def follow_up(self, user_id: int, consultation_id: int, text: str) -> Done:
        """The member's word in their consultation (an answer to staff's reply, or more about a question not yet
        answered): kept in the same consultation, which waits for staff again (back in /queue); staff of the member's
        region are told. Typed after staff ended it meanwhile, the text is not lost: it is filed as a new consultation
        on the same topic (``values["ended"]``: the ended one's number, ``values["number"]``: the new one's).
        Invalid (input.too_long) past MAX_QUESTION. Refused: NOT_YOURS (audited), NOT_FOUND (nothing typed)."""
        text = shown(text).strip()
        if len(text) > MAX_QUESTION:
            raise Invalid("input.too_long", max=MAX_QUESTION, length=len(text))
        if not text:
            raise Refused(Reason.NOT_FOUND)
        try:
            await self.may_follow_up(user_id, consultation_id)
        except Refused as refused:
            if refused.reason is not Reason.STALE:
                raise
            return await self._refile(user_id, consultation_id, text)
        now = self.clock.now()
        async with self.db.session() as session:
            moved = await session.execute(
                update(Consultation)
                .where(
                    Consultation.id == consultation_id,
                    Consultation.user_id == user_id,
                    Consultation.status.in_(OPEN_THREAD),
                )
                .values(status=ConsultationStatus.OPEN, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            ended = rowcount(moved) != 1  # ended between the check and now
            if not ended:
                message = ConsultationMessage(
                    consultation_id=consultation_id, from_staff=False, author_id=None, text=text, created_at=now
                )
                session.add(message)
                await session.flush()
                message_id = message.id
                topic, region_code = (
                    await session.execute(
                        select(Consultation.topic, Consultation.region_code).where(Consultation.id == consultation_id)
                    )
                ).one()
        if ended:
            return await self._refile(user_id, consultation_id, text)
        await self.audit.record(user_id, "consultation.follow_up", f"consultation:{consultation_id}")
        await self._tell_staff(
            region_code, f"follow_up:{message_id}", "union.staff_follow_up", consultation_id, topic, text=text
        )
        return Done(values={"number": consultation_id})

    async def _refile(self, user_id: int, ended_id: int, text: str) -> Done:
        """``text`` typed for consultation ``ended_id`` after it ended: filed as a new consultation on its topic."""
        async with self.db.session() as session:
            topic = await session.scalar(
                select(Consultation.topic).where(Consultation.id == ended_id, Consultation.user_id == user_id)
            )
        if topic is None:  # erased meanwhile
            raise Refused(Reason.NOT_YOURS)
        filed = await self.ask(user_id, topic, text)
        return Done(values={"number": filed.values["id"], "ended": ended_id})

    async def close(self, actor: int, role: Role | None, consultation_id: int) -> Done:
        """Staff end an open consultation (replied to or not); the member is told. Refused: NOT_STAFF,
        OUT_OF_REGION (audited), STALE (ended already)."""
        await self.audit.require_staff(actor, role, "consultation.close", f"consultation:{consultation_id}")
        await self._require_in_scope(actor, "consultation.close", consultation_id)
        now = self.clock.now()
        async with self.db.session() as session:
            moved = await session.execute(
                update(Consultation)
                .where(Consultation.id == consultation_id, Consultation.status.in_(OPEN_THREAD))
                .values(status=ConsultationStatus.CLOSED, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if rowcount(moved) != 1:
                raise Refused(Reason.STALE, number=consultation_id)
            member, topic = (
                await session.execute(
                    select(Consultation.user_id, Consultation.topic).where(Consultation.id == consultation_id)
                )
            ).one()
        if member is not None:
            await self.outbox.put(
                [member],
                "notice",
                f"consultation:{consultation_id}:closed",
                Notice(
                    "union.member_closed", values={"number": consultation_id}, keys={"topic": f"union.topic.{topic}"}
                ),
            )
        await self.audit.record(actor, "consultation.close", f"consultation:{consultation_id}")
        return Done(values={"number": consultation_id})


async def _threads(session: AsyncSession, consultation_ids: list[int]) -> dict[int, tuple[ThreadLine, ...]]:
    """The latest THREAD_LINES replies and follow-ups of each consultation, oldest first."""
    if not consultation_ids:
        return {}
    rows = (
        await session.execute(
            select(ConsultationMessage.consultation_id, ConsultationMessage.from_staff, ConsultationMessage.text)
            .where(ConsultationMessage.consultation_id.in_(consultation_ids))
            .order_by(ConsultationMessage.consultation_id, ConsultationMessage.id)
        )
    ).all()
    threads: dict[int, list[ThreadLine]] = {}
    for consultation_id, from_staff, text in rows:
        threads.setdefault(consultation_id, []).append(ThreadLine(from_staff, text))
    return {key: tuple(lines[-THREAD_LINES:]) for key, lines in threads.items()}

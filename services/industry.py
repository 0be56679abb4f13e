"""The industry step: record what the classifier proposed for a text, and the division the user settled on.

Every choice is checked here against the stored proposal: the chooser must be the user it was proposed to, the
division must exist in GB/T 4754-2017, and a proposal is settled once (a second press changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.database import Database
from db.models import Enterprise, IndustryChoice, User
from nlp.analyzer import Analysis
from nlp.industry import catalogue
from services.audit import AuditLog
from services.clock import Clock
from services.results import Reason, Refused

CONFIDENT = (
    0.6  # at or above: "识别为 …" with confirm / change; below: the top three and 其他行业 — or, when no word of
)
# the text speaks for any candidate, nothing to propose: the sections are shown
MIN_OFFERED = 0.05  # a candidate after the first with less probability and no word for it is not offered: noise
MAX_TEXT = 2000


@dataclass(frozen=True)
class Proposal:
    id: int
    user_id: int
    purpose: str
    text: str
    predicted: str
    confidence: float
    top: tuple[tuple[str, float, tuple[str, ...]], ...]  # (division, score, reasons), best first
    chosen: str | None

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT and bool(self.top)

    @property
    def browse(self) -> bool:
        """Nothing to propose: the user picks from the sections straight away."""
        return not self.top

    @property
    def top_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _, _ in self.top)

    def reasons_for(self, division: str) -> tuple[str, ...]:
        return next((reasons for code, _, reasons in self.top if code == division), ())


def _proposal(row: IndustryChoice) -> Proposal:
    top = tuple((c["division"], float(c["score"]), tuple(c["reasons"])) for c in row.top)
    return Proposal(
        row.id, row.user_id, row.purpose, row.text, row.predicted_division, row.confidence, top, row.chosen_division
    )


def division_label(code: str, lang: str | None = None) -> str:
    """ "C29 橡胶和塑料制品业" as stored and exported; for a reader of ``lang`` in their language (Division.label_in)."""
    division = catalogue().divisions[code]
    return division.label if lang is None else division.label_in(lang)


class IndustrySteps:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db, self.clock, self.audit = db, clock, audit

    async def propose(self, user_id: int, analysis: Analysis, purpose: str) -> Proposal:
        """Store what the classifier proposes. An unsure prediction never yields a default division: the prediction
        recorded is the first candidate shown, and when no word of the text speaks for any candidate none is shown."""
        p = analysis.industry
        top: list[dict[str, Any]] = [
            {"division": c.division, "score": round(c.score, 4), "reasons": list(c.reasons)}
            for i, c in enumerate(p.top)
            if i == 0 or c.score >= MIN_OFFERED or c.reasons
        ]
        predicted, spoken_for = p.division, any(c["reasons"] for c in top)
        if top and (p.confidence < CONFIDENT or not spoken_for):
            predicted = top[0]["division"]
            if p.evidence == 0 or not spoken_for:
                top = []  # no word of the text speaks for any candidate, however sure the model: its bias
        row = IndustryChoice(
            user_id=user_id,
            purpose=purpose,
            text=analysis.text[:MAX_TEXT],
            predicted_division=predicted,
            confidence=round(p.confidence, 4),
            top=top,
            created_at=self.clock.now(),
        )
        async with self.db.session() as session:
            session.add(row)
            await session.flush()
            return _proposal(row)

    async def prior_for(self, user_id: int) -> str | None:
        """The registered industry (division) of the enterprise the user files for: the classifier's prior."""
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            enterprise_id = user and (user.enterprise_id or user.pending_enterprise_id)
            enterprise = await session.get(Enterprise, enterprise_id) if enterprise_id else None
            return enterprise.industry if enterprise else None

    async def get(self, proposal_id: int) -> Proposal | None:
        async with self.db.session() as session:
            row = await session.get(IndustryChoice, proposal_id)
            return _proposal(row) if row else None

    async def open(self, proposal_id: int, user_id: int, purpose: str) -> Proposal:
        """The proposal ``user_id`` may still act on where ``purpose`` is served (a flow acts only on the proposals
        made for it, while it waits for them). Refused(NOT_FOUND) for no such proposal, Refused(NOT_YOURS) for
        another user's (audited), Refused(ALREADY, division=…) once settled, Refused(STALE) for a proposal of
        another purpose: a question of a flow that moved on (answered by a newer one), whose answer would be
        recorded nowhere."""
        proposal = await self.get(proposal_id)
        if proposal is None:
            raise Refused(Reason.NOT_FOUND)
        await self._may_settle(proposal.user_id, proposal.chosen, proposal_id, user_id)
        if proposal.purpose != purpose:
            raise Refused(Reason.STALE)
        return proposal

    async def choose(self, proposal_id: int, user_id: int, division: str, via: str, purpose: str) -> Proposal:
        """Settle the proposal on ``division`` where ``purpose`` is served: the settled proposal, or the refusals of
        :meth:`open` (a division that does not exist is NOT_FOUND too)."""
        if division not in catalogue().divisions:
            raise Refused(Reason.NOT_FOUND)
        async with self.db.session() as session:
            row = await session.get(IndustryChoice, proposal_id, with_for_update=True)
            if row is None:
                raise Refused(Reason.NOT_FOUND)
            owner, chosen, served = row.user_id, row.chosen_division, row.purpose == purpose
            if owner == user_id and chosen is None and served:
                row.chosen_division, row.chosen_via, row.chosen_at = division, via, self.clock.now()
            proposal = _proposal(row)
        await self._may_settle(owner, chosen, proposal_id, user_id)
        if not served:
            raise Refused(Reason.STALE)
        return proposal

    async def _may_settle(self, owner: int, chosen: str | None, proposal_id: int, user_id: int) -> None:
        """Refused(NOT_YOURS) unless ``user_id`` is the ``owner`` (audited, once the session is closed), then
        Refused(ALREADY, division=…) when a division was ``chosen`` before."""
        if owner != user_id:
            await self.audit.record(user_id, "industry.choose", f"industry_choice:{proposal_id}", allowed=False)
            raise Refused(Reason.NOT_YOURS)
        if chosen is not None:
            raise Refused(Reason.ALREADY, division=chosen)

    async def corrections(self) -> list[tuple[str, str, str]]:
        """(text, predicted, chosen) for every settled proposal where the user changed the prediction."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(IndustryChoice).where(
                    IndustryChoice.chosen_division.is_not(None),
                    IndustryChoice.chosen_division != IndustryChoice.predicted_division,
                )
            )
            return [(r.text, r.predicted_division, r.chosen_division) for r in rows if r.chosen_division is not None]

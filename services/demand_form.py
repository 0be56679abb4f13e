"""/report's rules, for any front end: what a demand draft still needs and in which order it is asked, the
form's progress (in the form's draft answers, which the form engine reads and writes once per update), and which
industry a demand takes.

What a demand needs is said once, by :meth:`DemandInfo.missing` (services/demands.py); :func:`next_field` adds
what the *form* asks besides — the kind first, the enterprise profile once (reused by later demands), the
description until the person says 完成 — in asking order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from db.models import DemandKind
from services.demand_info import DemandInfo
from services.demands import MIN_TEXT, Demands
from services.enterprise_links import filing_profile
from services.enterprises import EnterpriseInfo, Enterprises, Link, PendingLink
from services.industry import Proposal
from services.results import Reason, Refused
from services.validation import Invalid, says_nothing

FORM = "report"
PURPOSE = "demand"  # the industry step's proposals made for a demand (services/industry.py)
TRAINING_FIELDS = ("training_topic", "trainees", "preferred_dates")
PROFILE_FIELDS = ("region_code", "contact_name", "phone")
ON_DEMAND = ("contact_name", "contact_phone")  # copied from the profile when it is filed


def description_fault(text: str) -> Invalid | None:
    """Why a description cannot be settled with 完成 yet (too short, or it says nothing); None when it can."""
    length = len(text.strip())
    if length < MIN_TEXT:
        return Invalid("report.text_too_short", min=MIN_TEXT, length=length)
    return Invalid("report.text_says_nothing") if says_nothing(text) else None


@dataclass(frozen=True)
class Progress:
    """How far /report went with one draft."""

    demand_id: int
    asked: tuple[str, ...] = ()  # questions asked once and answered (or skipped): not asked again
    described: bool = False  # 完成 was pressed on the description
    text_changed: bool = False  # the description changed since the industry was proposed
    replace_text: bool = False  # the next text replaces the description (its ✏️), instead of adding to it
    editing: bool = False  # one field from the summary card: its answer goes back to the card
    aside: dict[str, Any] | None = None  # text kept aside in the description step {"n", "text"}
    claim: int | None = None  # another enterprise she named (a verified member of her own): asked for on submit

    @classmethod
    def read(cls, answers: dict[str, Any]) -> Progress | None:
        if not isinstance(answers.get("demand_id"), int):
            return None
        return cls(
            answers["demand_id"],
            tuple(answers.get("asked") or ()),
            bool(answers.get("described")),
            bool(answers.get("text_changed")),
            bool(answers.get("replace_text")),
            bool(answers.get("editing")),  # True, or the field the form engine's ✏️ names
            answers.get("aside") or None,
            answers.get("claim") if isinstance(answers.get("claim"), int) else None,
        )

    def stored(self) -> dict[str, Any]:
        return {
            "demand_id": self.demand_id,
            "asked": list(self.asked),
            "described": self.described,
            "text_changed": self.text_changed,
            "replace_text": self.replace_text,
            "editing": self.editing,
            "aside": self.aside,
            "claim": self.claim,
        }


def next_field(progress: Progress, draft: DemandInfo, enterprise: EnterpriseInfo | None) -> str | None:
    """The summary-card field to ask next, in asking order; None when everything is there."""
    if "kind" not in progress.asked:
        return "kind"
    needed = [f for f in draft.missing() if f not in ON_DEMAND]
    if not progress.described and "text" not in needed:
        needed.insert(len([f for f in needed if f in TRAINING_FIELDS]), "text")
    training = [f for f in needed if f in TRAINING_FIELDS]
    if draft.kind is DemandKind.TRAINING and training:
        return training[0]
    rest = [f for f in needed if f not in TRAINING_FIELDS]
    profile = _profile_missing(progress, enterprise)
    return profile or (rest[0] if rest else None)


def _profile_missing(progress: Progress, enterprise: EnterpriseInfo | None) -> str | None:
    if enterprise is not None and enterprise.pending:  # the record is not his: only his own contact is asked
        return next((f for f in ("contact_name", "phone") if not getattr(enterprise, f)), None)
    if enterprise is None or not enterprise.name:
        return "name"
    if "credit_code" not in progress.asked and not enterprise.credit_code and not enterprise.complete:
        return "credit_code"
    if "ent_kind" not in progress.asked and not enterprise.complete:
        return "ent_kind"
    return next((f for f in PROFILE_FIELDS if not getattr(enterprise, f)), None)


@dataclass(frozen=True)
class ReportState:
    """Everything a /report step needs: the progress, the draft and the profile it is filed with."""

    progress: Progress
    draft: DemandInfo
    enterprise: EnterpriseInfo | None

    @property
    def next(self) -> str | None:
        return next_field(self.progress, self.draft, self.enterprise)

    @property
    def missing(self) -> list[str]:
        """What the form asks next (the form engine's rule): nothing while one field is edited from the card."""
        field = None if self.progress.editing else self.next
        return [field] if field else []


class DemandForm:
    """The form's rules over its draft's answers (``answers``: the dict the form engine holds for the update and
    writes back once, conversations/form_draft.py — the only writer of the ``report`` draft)."""

    def __init__(self, demands: Demands, enterprises: Enterprises) -> None:
        self.demands, self.enterprises = demands, enterprises

    @staticmethod
    def begin(draft: DemandInfo, asked: tuple[str, ...] = ()) -> dict[str, Any]:
        """A new form's answers for this demand draft."""
        return Progress(draft.id, asked).stored()

    @staticmethod
    def take_up(draft: DemandInfo, kept: dict[str, Any] | None) -> dict[str, Any]:
        """The answers /report → 继续填写 goes on with, so that it asks the first step still unanswered: the form's own
        progress when it is this draft's (kept when another step set the form aside, or across a restart), else what
        the draft holds says how far it went (the form draft is dropped on /cancel → 保留草稿): the industry, urgency
        and mode are asked only after 完成 settled the description, so any of them set means it was settled."""
        progress = Progress.read(kept or {})
        if progress is not None and progress.demand_id == draft.id:
            return replace(progress, editing=False, replace_text=False).stored()
        settled = description_fault(draft.text) is None and any((draft.industry, draft.urgency, draft.service_mode))
        return Progress(draft.id, ("kind",), described=settled).stored()

    @staticmethod
    def progress(answers: dict[str, Any]) -> Progress | None:
        return Progress.read(answers)

    @staticmethod
    def note(answers: dict[str, Any], asked: str | None = None, **changes: Any) -> Progress | None:
        """Record progress in ``answers``: a question ``asked`` (answered or skipped), flags changed; None when no
        form is open."""
        progress = Progress.read(answers)
        if progress is None:
            return None
        extra: dict[str, Any] = (
            {"asked": (*progress.asked, asked)} if asked is not None and asked not in progress.asked else {}
        )
        progress = replace(progress, **changes, **extra)
        answers.update(progress.stored())
        return progress

    async def describe(self, user_id: int, answers: dict[str, Any], text: str) -> DemandInfo:
        """One message of the description: added to it, or replacing it after its ✏️. Raises
        Invalid("report.text_says_nothing") (…_kept: with a description so far) when ``text`` says nothing
        (services/validation.py :func:`says_nothing`; nothing is written, the draft stays as it was), ValueError past
        MAX_TEXT, Refused when the draft is gone."""
        progress = Progress.read(answers)
        if progress is None:
            raise Refused(Reason.NOT_FOUND)
        if says_nothing(text):  # never added, first text or not: what is there stays as it is
            draft = None if progress.replace_text else await self.draft(user_id, answers)
            if draft is not None and draft.text.strip():
                raise Invalid("report.text_says_nothing_kept", length=len(draft.text.strip()))
            raise Invalid("report.text_says_nothing")
        if progress.replace_text:
            draft = await self.demands.update(progress.demand_id, user_id, text=text)
        else:
            draft = await self.demands.add_text(progress.demand_id, user_id, text)
        self.note(answers, text_changed=True, replace_text=False)
        return draft

    async def draft(self, user_id: int, answers: dict[str, Any]) -> DemandInfo | None:
        """The form's draft while it is one (None once submitted, discarded or expired)."""
        progress = Progress.read(answers)
        if progress is None:
            return None
        demand = await self.demands.draft(progress.demand_id)
        return demand if demand is not None and demand.ticket is None and demand.user_id == user_id else None

    async def state(self, user_id: int, answers: dict[str, Any], draft: DemandInfo | None = None) -> ReportState | None:
        """The form as it stands (``draft``: the one just written, saves reading it again); None when it is gone."""
        progress = Progress.read(answers)
        if progress is None:
            return None
        if draft is None or draft.id != progress.demand_id:
            draft = await self.draft(user_id, answers)
        if draft is None:
            return None
        return ReportState(progress, draft, await self._profile(user_id, progress, draft))

    async def profile(self, user_id: int, answers: dict[str, Any], draft: DemandInfo | None) -> EnterpriseInfo | None:
        """The enterprise profile the draft is filed with (a pending link or a claim: with the user's own contact,
        from the draft)."""
        return await self._profile(user_id, Progress.read(answers), draft)

    async def _profile(
        self, user_id: int, progress: Progress | None, draft: DemandInfo | None
    ) -> EnterpriseInfo | None:
        own = await self.enterprises.of_user(user_id)
        if progress is not None and progress.claim is not None and (own is None or own.id != progress.claim):
            return filing_profile(await self.enterprises.requested_view(progress.claim), draft)
        return filing_profile(own, draft)

    async def set_profile(
        self, user_id: int, answers: dict[str, Any], field: str, value: object
    ) -> tuple[EnterpriseInfo, Link]:
        """Set an enterprise-profile answer of the form. Naming another enterprise (its code or exact name) while
        the user is a verified member of her own only records the claim in the form's ``answers`` (written by the
        form engine; services/enterprises.py writes nothing); naming her own again, or a code new to the pool, drops
        it. While a claim stands, the record's fields are not hers to change (PendingLink): contact and phone go on
        the draft."""
        progress = Progress.read(answers)
        claim = progress.claim if progress is not None else None
        if claim is not None and field not in ("credit_code", "name"):
            raise PendingLink(field)
        info, link = await self.enterprises.set_field(user_id, field, value)
        if link is Link.CLAIM:  # the other enterprise's contact is never hers: hers is asked next, for the draft
            self.note(answers, claim=info.id, editing=False)
        elif claim is not None:
            self.note(answers, claim=None)
        return info, link

    async def submitted(self, user_id: int, enterprise: EnterpriseInfo, answers: dict[str, Any]) -> None:
        """The draft was filed under ``enterprise``: a claim on it (in the form's ``answers``, as they were when it
        was filed) becomes the user's link request."""
        progress = Progress.read(answers)
        if progress is not None and progress.claim == enterprise.id and enterprise.pending:
            await self.enterprises.claim(user_id, enterprise.id)

    async def industry_chosen(self, user_id: int, answers: dict[str, Any], proposal: Proposal) -> DemandInfo | None:
        """A settled industry proposal: a demand's industry comes from a proposal made for a demand and confirmed
        by its owner; any other proposal changes nothing (None). Raises Refused / KeyError when the draft is gone."""
        if proposal.purpose != PURPOSE or proposal.chosen is None:
            return None
        progress = Progress.read(answers)
        if progress is None:
            raise KeyError("no report in progress")
        draft = await self.demands.set_industry(progress.demand_id, user_id, proposal)
        self.note(answers, asked="industry")
        return draft

"""The buttons of the form flows: /report (``rp:``), its intake question (``iq:``) and the engine's forms
(/new_competition, /new_course: ``<form>:skip|done|pick|publish|discard|edit``). The data strings are the ones the
flows always sent, so buttons already in people's chats keep working.

Values that name a choice (a demand kind, an urgency …) are carried as ``str`` and checked by the flow against
what the step allows, so a made-up value is answered "button no longer valid" by the step itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from typing import Any

from buttons import Action, action


class YesNo(str, enum.Enum):
    YES = "yes"
    NO = "no"


# ---------------------------------------------------------------------------- /report
@action("rp:kind")
class ReportKind(Action):
    value: str


@action("rp:urgency")
class ReportUrgency(Action):
    value: str


@action("rp:mode")
class ReportMode(Action):
    value: str


@action("rp:entkind")
class ReportEnterpriseKind(Action):
    value: str


REPORT_CHOICES: tuple[type[Action], ...] = (ReportKind, ReportUrgency, ReportMode, ReportEnterpriseKind)


@action("rp:described")
class ReportDescribed(Action):
    """完成: the description is complete."""


@action("rp:skipcode")
class ReportSkipCode(Action):
    """跳过 the credit code."""


@action("rp:edit")
class ReportEdit(Action):
    """✏️ one field of the summary card."""

    field: str


@action("rp:submit")
class ReportSubmit(Action):
    pass


@action("rp:resume")
class ReportResume(Action):
    """Continue the kept draft (yes) or start afresh (no)."""

    answer: YesNo


@action("rp:discard")
class ReportDiscard(Action):
    """/cancel: discard the draft (yes) or keep it (no)."""

    answer: YesNo


@action("rp:aside")
class ReportAside(Action):
    """加入描述: the text answered as something else goes into the description after all (the n-th kept aside)."""

    number: int


@action("iq")
class IntakeAnswer(Action):
    """The answer to "这是需要劳模工匠帮助的技术难题吗？": problem / training / no, for the n-th question."""

    choice: str
    number: int


# ---------------------------------------------------------------------------- the engine's forms
@dataclass(frozen=True)
class FormButtons:
    """One form's actions, made once per form name (the name is the prefix)."""

    skip: type[Action]
    done: type[Action]
    pick: type[Action]  # a choice's value ("" on the region step: any region)
    publish: type[Action]
    discard: type[Action]
    edit: type[Action]  # ✏️ one answer on the summary card (its field)


@cache
def form_buttons(name: str) -> FormButtons:
    def make(suffix: str, fields: dict[str, type] | None = None, **defaults: Any) -> type[Action]:
        cls = type(f"{name.title()}{suffix.title()}", (Action,), {"__annotations__": fields or {}, **defaults})
        return action(f"{name}:{suffix}")(cls)

    return FormButtons(
        make("skip", {"question": str}, question=""),  # the question it skips ("": sent before it said)
        make("done"),
        make("pick", {"value": str}),
        make("publish"),
        make("discard"),
        make("edit", {"field": str}),
    )


# ---------------------------------------------------------------------------- /profile
@action("pf:spec")
class ProfileSpecialities(Action):
    """✏️ the specialities (技术处方)."""


@action("pf:cap")
class ProfileCapacityMenu(Action):
    pass


@action("pf:c")
class ProfileCapacity(Action):
    capacity: int


@action("pf:modes")
class ProfileModesMenu(Action):
    pass


@action("pf:m")
class ProfileMode(Action):
    """Tick or untick a service mode; ``done`` saves the ticked ones."""

    value: str


@action("pf:pause")
class ProfilePauseMenu(Action):
    pass


@action("pf:p")
class ProfilePause(Action):
    days: int


@action("pf:resume")
class ProfileResume(Action):
    """End the 休假 now."""


# ---------------------------------------------------------------------------- /join
@action("jn:begin")
class JoinBegin(Action):
    """申请入库: the invitation's button, the same as typing /join."""


@action("jn:h")
class JoinHonour(Action):
    """Tick or untick an honour; ``done`` goes on."""

    value: str


@action("jn:s:done")
class JoinSpecialitiesDone(Action):
    pass


@action("jn:i")
class JoinIndustry(Action):
    """Tick or untick a division; ``done`` goes on; ``back`` shows the ticked list again."""

    value: str


@action("jn:secs")
class JoinSections(Action):
    """其他行业: the sections."""


@action("jn:sec")
class JoinSection(Action):
    """One page of a section's divisions."""

    section: str
    page: int


@action("jn:rg")
class JoinRegionPreset(Action):
    """The region of the person's profile: yes, or choose another."""

    answer: YesNo


@action("jn:t")
class JoinTeam(Action):
    """A service team's id, or ``none``."""

    value: str


@action("jn:c")
class JoinCapacity(Action):
    capacity: int


@action("jn:m")
class JoinMode(Action):
    """Tick or untick a service mode; ``done`` goes on."""

    value: str


@action("jn:submit")
class JoinSubmit(Action):
    pass


@action("jn:e")
class JoinEdit(Action):
    """✏️ one answer on the summary card (its field in services/join_form.py)."""

    field: str


# ---------------------------------------------------------------------------- /broadcast (staff)
class BroadcastStep(str, enum.Enum):
    NEXT = "next"  # the audience is chosen: ask for the message
    QUIT = "quit"
    SEND = "send"
    LATER = "later"  # 定时发送: ask for the time
    BACK = "back"  # from the preview back to the audience
    CLEAR = "clear"  # every filter off


def _broadcast_step(step: BroadcastStep) -> type[Action]:
    cls = type(f"Broadcast{step.name.title()}", (Action,), {"__doc__": f"bc:{step.value}"})
    return action(f"bc:{step.value}")(cls)


BROADCAST_STEPS: dict[BroadcastStep, type[Action]] = {step: _broadcast_step(step) for step in BroadcastStep}


@action("bc:e")
class BroadcastEdit(Action):
    """✏️ one answer on the preview (its field in services/broadcasts.py: ``content``)."""

    field: str


@action("bc:m")
class BroadcastMenu(Action):
    """A filter's sub-menu: role, region, section, competition, course."""

    menu: str


@action("bc:role")
class BroadcastRole(Action):
    """Tick or untick a role; ``done`` back to the menu."""

    value: str


@action("bc:section")
class BroadcastSection(Action):
    """A GB/T 4754 section, or ``any``."""

    value: str


@action("bc:competition")
class BroadcastCompetition(Action):
    """A competition's id, or ``any``."""

    value: str


@action("bc:course")
class BroadcastCourse(Action):
    """A course's id, or ``any``."""

    value: str


@action("bc:region:any")
class BroadcastAnyRegion(Action):
    pass

"""What /report and /my show: choice keyboards, the summary card with an ✏️ per field, and demand lines."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from buttons import Action
from buttons.forms import (
    ReportDescribed,
    ReportEdit,
    ReportEnterpriseKind,
    ReportKind,
    ReportMode,
    ReportSkipCode,
    ReportSubmit,
    ReportUrgency,
)
from conversations.keyboards import rows
from db.models import DemandKind, DemandStatus, EnterpriseKind
from i18n import Raw, t
from services.demand_info import DemandInfo
from services.demands import SERVICE_MODES, URGENCIES
from services.enterprises import EnterpriseInfo
from services.industry import division_label
from services.regions import RegionDirectory

# the summary's editable fields, in card order: (field, which record holds it)
CARD_FIELDS = (
    ("kind", "demand"),
    ("training_topic", "demand"),
    ("trainees", "demand"),
    ("preferred_dates", "demand"),
    ("text", "demand"),
    ("industry", "demand"),
    ("urgency", "demand"),
    ("service_mode", "demand"),
    ("name", "enterprise"),
    ("credit_code", "enterprise"),
    ("ent_kind", "enterprise"),
    ("region_code", "enterprise"),
    ("contact_name", "enterprise"),
    ("phone", "enterprise"),
)
TRAINING_ONLY = {"training_topic", "trainees", "preferred_dates"}
# the enterprise's own record: a user whose link is pending sees these but has no ✏️ for them (the credit code he
# may correct; contact and phone are his own, on the demand)
RECORD_FIELDS = {"name", "ent_kind", "region_code"}
NEXT_STEP = {
    DemandStatus.DRAFT: "my.next.draft",
    DemandStatus.SUBMITTED: "my.next.submitted",
    DemandStatus.MATCHED: "my.next.matched",
    DemandStatus.ACCEPTED: "my.next.accepted",
    DemandStatus.SCHEDULED: "my.next.scheduled",
    DemandStatus.IN_SERVICE: "my.next.in_service",
    DemandStatus.RESOLVED: "my.next.resolved",
    DemandStatus.ESCALATED: "my.next.submitted",
}


def choice_keyboard(
    press: type[Action], values: tuple[str, ...], label_prefix: str, lang: str, width: int = 2
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        rows(
            [InlineKeyboardButton(t(f"{label_prefix}.{v}", lang), callback_data=press(v).data()) for v in values], width
        )
    )


def kind_keyboard(lang: str) -> InlineKeyboardMarkup:
    return choice_keyboard(ReportKind, tuple(k.value for k in DemandKind), "demand.kind", lang)


def urgency_keyboard(lang: str) -> InlineKeyboardMarkup:
    return choice_keyboard(ReportUrgency, URGENCIES, "demand.urgency", lang)


def mode_keyboard(lang: str) -> InlineKeyboardMarkup:
    return choice_keyboard(ReportMode, SERVICE_MODES, "demand.mode", lang)


def enterprise_kind_keyboard(lang: str) -> InlineKeyboardMarkup:
    return choice_keyboard(
        ReportEnterpriseKind, tuple(k.value for k in EnterpriseKind), "enterprise.kind", lang, width=3
    )


def done_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("report.done_button", lang), callback_data=ReportDescribed().data())]]
    )


def skip_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("report.skip", lang), callback_data=ReportSkipCode().data())]])


def _value(field: str, d: DemandInfo, e: EnterpriseInfo | None, regions: RegionDirectory, lang: str) -> str:
    unset = t("report.unset", lang)
    if field == "kind":
        return t(f"demand.kind.{d.kind.value}", lang)
    if field == "industry":
        return division_label(d.industry, lang) if d.industry else unset
    if field == "urgency":
        return t(f"demand.urgency.{d.urgency}", lang) if d.urgency else unset
    if field == "service_mode":
        return t(f"demand.mode.{d.service_mode}", lang) if d.service_mode else unset
    if field == "text":
        extra = t("report.attachments", lang, count=len(d.attachments)) if d.attachments else ""
        return (d.text or unset) + extra
    if e is None:
        return unset
    if field == "ent_kind":
        return t(f"enterprise.kind.{e.kind.value}", lang)
    if field == "region_code":
        return regions.full_name(e.region_code, lang) or unset
    value = getattr(e if field in ("name", "credit_code", "contact_name", "phone") else d, field)
    return str(value) if value not in (None, "") else unset


def summary_card(
    d: DemandInfo, e: EnterpriseInfo | None, regions: RegionDirectory, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    fields = [f for f, _ in CARD_FIELDS if d.kind is DemandKind.TRAINING or f not in TRAINING_ONLY]
    lines = [t("report.summary_title", lang)]
    for field in fields:
        value = _value(field, d, e, regions, lang)
        lines.append(t("report.card_line", lang, field=t(f"field.{field}", lang), value=value))
    pending = e is not None and e.pending
    buttons = [
        InlineKeyboardButton("✏️ " + t(f"field.{field}", lang), callback_data=ReportEdit(field).data())
        for field in fields
        if not (pending and field in RECORD_FIELDS)
    ]
    keyboard = rows(buttons, 2)
    keyboard.append([InlineKeyboardButton(t("report.submit", lang), callback_data=ReportSubmit().data())])
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def demand_line(d: DemandInfo, lang: str, tz: ZoneInfo, next_step: dict[DemandStatus, str] = NEXT_STEP) -> str:
    """One line of /my: ticket (or draft), kind, status, the craftsman, the next step (``next_step``: the
    enterprise's words; staff have their own, conversations/my_demands.py)."""
    day = (d.submitted_at or d.created_at).astimezone(tz).strftime("%Y-%m-%d")
    when = t("my.submitted_on" if d.submitted_at else "my.created_on", lang, date=day)
    craftsmen = t("my.craftsmen", lang, names="、".join(d.craftsmen)) if d.craftsmen else ""
    next_key = next_step.get(d.status)
    kind = Raw(t(f"demand.kind.{d.kind.value}", lang))
    if d.ticket is None and d.status is DemandStatus.DRAFT:  # "Draft" once: no ticket yet, and that is its status
        line = t("my.draft_line", lang, kind=kind, when=Raw(when), craftsmen=Raw(craftsmen))
    else:
        line = t(
            "my.line",
            lang,
            ticket=d.ticket or t("my.draft", lang),
            kind=kind,
            status=Raw(t(f"demand.status.{d.status.value}", lang)),
            when=Raw(when),
            craftsmen=Raw(craftsmen),
        )
    return line + "\n   " + t(next_key, lang) if next_key else line  # a closed demand has no next step


def demand_detail(
    d: DemandInfo,
    e: EnterpriseInfo | None,
    regions: RegionDirectory,
    lang: str,
    tz: ZoneInfo,
    with_contact: bool,
    next_step: dict[DemandStatus, str] = NEXT_STEP,
) -> str:
    """The full view of a demand; contact details only when ``with_contact`` (its owner, staff)."""
    lines = [demand_line(d, lang, tz, next_step), ""]
    fields = [
        f
        for f, _ in CARD_FIELDS
        if f not in ("contact_name", "phone", "credit_code")
        and (d.kind is DemandKind.TRAINING or f not in TRAINING_ONLY)
    ]
    lines += [
        t("report.card_line", lang, field=t(f"field.{f}", lang), value=_value(f, d, e, regions, lang)) for f in fields
    ]
    if with_contact:
        unset = t("report.unset", lang)  # as every other field not filled in says
        lines.append(t("report.card_line", lang, field=t("field.contact_name", lang), value=d.contact_name or unset))
        lines.append(t("report.card_line", lang, field=t("field.phone", lang), value=d.contact_phone or unset))
    if d.history:
        lines.append("")
        lines += [
            t(
                "my.history_line",
                lang,
                when=step.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                status=Raw(t(step.key, lang)),
                note=step.note or "",
            )
            for step in d.history
        ]
    return "\n".join(lines)

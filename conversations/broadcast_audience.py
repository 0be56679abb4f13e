"""Staff: /broadcast's first step — the audience, combined from filters (roles, region, industry section, the
followers of a competition or a course) on one menu that shows how many people it reaches. The message, the
preview and the time are in conversations/broadcast.py; the half-made broadcast is the ``broadcast`` form draft in the database (conversations/form_draft.py).
Every press is checked: only staff act, and the service checks the role again."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from buttons import Action
from buttons.forms import (
    BROADCAST_STEPS,
    BroadcastAnyRegion,
    BroadcastCompetition,
    BroadcastCourse,
    BroadcastMenu,
    BroadcastRole,
    BroadcastSection,
    BroadcastStep,
)
from conversations.common import answer_stale, edit_message
from conversations.context import BotContext
from conversations.form_draft import answers, exists
from conversations.keyboards import rows
from conversations.refusals import answer_refusal, staff_gate
from conversations.region_picker import ask_region, region_button
from db.models import Role
from i18n import Raw
from nlp.industry import catalogue
from services.audience import Filters
from services.results import Reason, Refused
from services.staff_scope import own_region

AUDIENCE, REGION = "broadcast.audience", "broadcast.region"
KEY = "broadcast"
QUESTION = "broadcast.region_question"  # the picker's words here: the audience's region, not the user's own
ROLES = (Role.WORKER, Role.CRAFTSMAN, Role.ENTERPRISE, Role.STAFF)
EVENTS_SHOWN = 12


def draft_of(context: BotContext) -> dict[str, Any]:
    """The half-made broadcast: the ``broadcast`` form draft, open while the step's handler runs."""
    draft = answers(KEY)
    draft.setdefault("filters", {})
    draft.setdefault("labels", {})
    return draft


def filters_of(draft: dict[str, Any]) -> Filters:
    return Filters.from_json(draft["filters"])


async def summary(update: Update, context: BotContext, draft: dict[str, Any]) -> Raw:
    """The audience in words: '身份：职工；地区：江苏省苏州市' — as the service reaches it (a staffer with a region:
    her region when none is chosen). HTML made of catalogue messages, their values escaped once: ``Raw``, so the
    message it goes into does not escape it again (a competition named "<b>…</b>" showed as "&lt;b&gt;…")."""
    chosen = filters_of(draft)
    f = await context.services.broadcasts.scoped(update.effective_user.id, chosen)
    labels = draft["labels"]
    if f == replace(Filters(), region=f.region) and f.region and chosen.region is None:  # 全部: her whole region
        region = context.services.regions.full_name(f.region, context.lang) or f.region
        return Raw(context.t("broadcast.summary.everyone_in", region=region))
    parts = []
    if f.roles:
        roles = context.label("list.items").join(context.t(f"role.{r}") for r in f.roles)
        parts.append(context.t("broadcast.summary.roles", value=roles))
    if f.region:
        parts.append(
            context.t(
                "broadcast.summary.region",
                value=context.services.regions.full_name(f.region, context.lang) or f.region,
            )
        )
    if f.section:
        parts.append(
            context.t(
                "broadcast.summary.section",
                value=catalogue().sections[f.section].label_in(context.lang),
            )
        )
    for name in ("competition", "course"):
        if draft["filters"].get(f"{name}_id") is not None:
            parts.append(context.t(f"broadcast.summary.{name}", value=labels.get(name, "")))  # a title as typed
    return Raw(context.label("list.clauses").join(parts) if parts else context.t("broadcast.summary.everyone"))


async def count_audience(update: Update, context: BotContext, draft: dict[str, Any]) -> int | None:
    try:
        return await context.services.broadcasts.count(update.effective_user.id, context.role, filters_of(draft))
    except Refused as refused:  # not staff (any more), or a region outside hers kept from before
        await answer_refusal(update, context, refused)
        return None


def button(context: BotContext, key: str, press: Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(context.label(f"broadcast.button.{key}"), callback_data=press.data())


def step(name: BroadcastStep) -> Action:
    return BROADCAST_STEPS[name]()


async def show_menu(update: Update, context: BotContext, edit: bool = False) -> str | int:
    draft = draft_of(context)
    count = await count_audience(update, context, draft)
    if count is None:
        return ConversationHandler.END
    text = context.t("broadcast.audience", summary=await summary(update, context, draft), count=f"{count:,}")
    markup = InlineKeyboardMarkup(
        [
            [button(context, "role", BroadcastMenu("role")), button(context, "region", BroadcastMenu("region"))],
            [
                button(context, "section", BroadcastMenu("section")),
                button(context, "competition", BroadcastMenu("competition")),
            ],
            [button(context, "course", BroadcastMenu("course")), button(context, "clear", step(BroadcastStep.CLEAR))],
            [button(context, "next", step(BroadcastStep.NEXT))],
            [button(context, "quit", step(BroadcastStep.QUIT))],
        ]
    )
    if edit and update.callback_query is not None:
        await edit_message(update, text, markup)
    else:
        await update.effective_chat.send_message(text, reply_markup=markup)
    return AUDIENCE


async def refuse_or_stale(update: Update, context: BotContext) -> None:
    """A broadcast button that cannot act: refused (and logged) for non-staff, stale for staff."""
    if await staff_gate(update, context, "broadcast.press", update.callback_query.data):
        await answer_stale(update, context)


async def staff_press(update: Update, context: BotContext) -> bool:
    """Every press is checked: a non-staff user (a revoked staffer's old message) is refused and logged."""
    if context.is_staff and exists(KEY):
        return True
    await refuse_or_stale(update, context)
    return False


# the presses of the audience menu and its sub-menus
MENU_PRESSES: tuple[type[Action], ...] = (
    BroadcastMenu,
    BROADCAST_STEPS[BroadcastStep.CLEAR],
    BroadcastRole,
    BroadcastSection,
    BroadcastCompetition,
    BroadcastCourse,
)
EVENT_FILTERS = {BroadcastCompetition: "competition", BroadcastCourse: "course"}


async def pressed(update: Update, context: BotContext) -> str | int:
    """The audience menu and its sub-menus: a sub-menu, a filter's value, or every filter off."""
    query = update.callback_query
    if not await staff_press(update, context):
        return ConversationHandler.END
    press = next((p for kind in MENU_PRESSES if (p := kind.parse(query.data)) is not None), None)
    if press is None:
        await answer_stale(update, context)
        return AUDIENCE
    draft = draft_of(context)
    filters_ = draft["filters"]
    if isinstance(press, BroadcastMenu):
        return await _submenu(update, context, press.menu)
    await query.answer()
    if isinstance(press, BroadcastRole):
        if press.value == "done":
            return await show_menu(update, context, edit=True)
        roles = set(filters_.get("roles") or [])
        if press.value in {r.value for r in ROLES}:
            roles ^= {press.value}
        filters_["roles"] = sorted(roles)
        return await _role_menu(update, context)
    if isinstance(press, BroadcastSection):
        filters_["section"] = press.value if press.value in catalogue().sections else None
    elif type(press) in EVENT_FILTERS:
        return await _pick_event(update, context, EVENT_FILTERS[type(press)], press.value)
    else:  # every filter off
        draft["filters"], draft["labels"] = {}, {}
    return await show_menu(update, context, edit=True)


async def _submenu(update: Update, context: BotContext, menu: str) -> str | int:
    query = update.callback_query
    any_value = {"section": BroadcastSection, "competition": BroadcastCompetition, "course": BroadcastCourse}
    any_button = lambda name: button(context, "any", any_value[name]("any"))  # noqa: E731
    if menu == "role":
        await query.answer()
        return await _role_menu(update, context)
    if menu == "region":
        await query.answer()
        return await ask_region_filter(update, context)
    if menu == "section":
        await query.answer()
        sections = catalogue().sections.values()
        buttons = [
            InlineKeyboardButton(s.label_in(context.lang)[:40], callback_data=BroadcastSection(s.code).data())
            for s in sections
        ]
        await edit_message(
            update,
            context.t("broadcast.pick_section"),
            InlineKeyboardMarkup([*rows(buttons, 2), [any_button("section")]]),
        )
        return AUDIENCE
    if menu in ("competition", "course"):
        events = await _events(update, context, menu)
        if not events:
            await query.answer(context.t("broadcast.no_events"), show_alert=True)
            return AUDIENCE
        await query.answer()
        pick = BroadcastCompetition if menu == "competition" else BroadcastCourse
        buttons = [
            [InlineKeyboardButton(name[:60], callback_data=pick(str(event_id)).data())] for event_id, name in events
        ]
        await edit_message(
            update, context.t(f"broadcast.pick_{menu}"), InlineKeyboardMarkup([*buttons, [any_button(menu)]])
        )
        return AUDIENCE
    await answer_stale(update, context)
    return AUDIENCE


async def ask_region_filter(update: Update, context: BotContext) -> str:
    """The region filter: its own 不限 button, then the province → city → county picker (a staffer with a region:
    opened at hers, the places she may broadcast to)."""
    await update.effective_chat.send_message(
        context.t("broadcast.pick_region"),
        reply_markup=InlineKeyboardMarkup([[button(context, "any", BroadcastAnyRegion())]]),
    )
    own = await own_region(context.services.db, update.effective_user.id)  # a staffer's broadcasts stay in it
    await ask_region(update, context, own, question=QUESTION)
    return REGION


async def _role_menu(update: Update, context: BotContext) -> str:
    chosen = draft_of(context)["filters"].get("roles") or []
    buttons = [
        InlineKeyboardButton(
            ("✅ " if r.value in chosen else "▫️ ") + context.label(f"role.{r.value}"),
            callback_data=BroadcastRole(r.value).data(),
        )
        for r in ROLES
    ]
    await edit_message(
        update,
        context.t("broadcast.pick_roles"),
        InlineKeyboardMarkup([*rows(buttons, 2), [button(context, "done", BroadcastRole("done"))]]),
    )
    return AUDIENCE


async def _events(update: Update, context: BotContext, kind: str) -> list[tuple[int, str]]:
    services, user_id = context.services, update.effective_user.id
    if kind == "competition":
        listing = await services.competitions.listing(user_id, None, is_staff=True)
        return [(c.id, c.name) for c in listing.competitions[:EVENTS_SHOWN]]
    cards = await services.courses.cards(user_id, is_staff=True)
    return [(card.course.id, card.course.name) for card in cards[:EVENTS_SHOWN]]


async def _pick_event(update: Update, context: BotContext, kind: str, value: str) -> str | int:
    draft = draft_of(context)
    draft["filters"][f"{kind}_id"] = None
    draft["labels"].pop(kind, None)
    if value.isdigit():
        names = dict(await _events(update, context, kind))
        if int(value) in names:
            draft["filters"][f"{kind}_id"] = int(value)
            draft["labels"][kind] = names[int(value)]
    return await show_menu(update, context, edit=True)


async def region_picked(update: Update, context: BotContext) -> str | int:
    if not await staff_press(update, context):
        return ConversationHandler.END
    code = await region_button(update, context, QUESTION)
    if code is None:
        return REGION
    broadcasts, actor = context.services.broadcasts, update.effective_user.id
    try:
        await broadcasts.choose_region(actor, context.role, code)
    except Refused as refused:
        if refused.reason is not Reason.OUT_OF_REGION:
            await answer_refusal(update, context, refused)
            return ConversationHandler.END
        own = (await broadcasts.scoped(actor, Filters())).region  # hers: a region outside is refused only then
        name = context.services.regions.full_name(own, context.lang) or own
        await update.effective_chat.send_message(context.t("broadcast.region_outside", region=name))
        return await ask_region_filter(update, context)
    draft_of(context)["filters"]["region"] = code
    return await show_menu(update, context)


async def region_any(update: Update, context: BotContext) -> str | int:
    if not await staff_press(update, context):
        return ConversationHandler.END
    await update.callback_query.answer()
    draft_of(context)["filters"]["region"] = None
    return await show_menu(update, context)

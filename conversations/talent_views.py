"""How a craftsman is shown: the public card (no contact details) used by /join, /experts, /review and /profile.
What the craftsman typed (name, workplace, specialities) is shown as typed; industry, region and team names in the
reader's script."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.context import BotContext
from i18n import localise
from services.industry import division_label
from services.local_time import weekday_key


def card_text(
    name: str,
    workplace: str,
    honours: Sequence[str],
    specialities: Sequence[str],
    divisions: Sequence[str],
    region_code: str,
    team_name: str | None,
    capacity: int,
    modes: Sequence[str],
    context: BotContext,
) -> str:
    t, lang = context.t, context.lang
    sep = t("industry.separator")
    lines = [t("talent.card_title", name=name, workplace=workplace)]
    if honours:
        lines.append(t("talent.card_honours", honours=sep.join(t(f"honour.{h}") for h in honours)))
    lines.append(t("talent.card_specialities", specialities=sep.join(specialities)))
    lines.append(t("talent.card_industries", industries=sep.join(division_label(d, lang) for d in divisions)))
    lines.append(t("talent.card_region", region=context.services.regions.full_name(region_code, lang) or ""))
    if team_name:
        lines.append(t("talent.card_team", team=localise(team_name, lang)))
    lines.append(t("talent.card_service", capacity=capacity, modes=sep.join(t(f"demand.mode.{m}") for m in modes)))
    return "\n".join(lines)


def card_of(card, context: BotContext) -> str:
    """The public card of a :class:`services.talent.CraftsmanCard`, with its pause if any."""
    text = card_text(
        card.name,
        card.workplace,
        card.honours,
        card.specialities,
        card.divisions,
        card.region_code,
        card.team_name,
        card.capacity,
        card.service_modes,
        context,
    )
    if card.paused_until is not None:
        until = card.paused_until
        weekday = context.label(weekday_key(until))
        text += "\n" + context.t("talent.card_paused", until=until.isoformat(), weekday=weekday)
    return text

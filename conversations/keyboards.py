"""Inline keyboards shared by several flows: the role choice and the province → city → county picker.

Callback data carries only choices (a role name, a region code), never authority; every value is checked
against the server's own tables when it comes back. The helpers take the action a button sends (buttons/): a class
made from the one value chosen. A ``str`` prefix (``<prefix>:<value>``) is still taken for the form flows that
have not moved to actions yet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from buttons import Action, parse_any
from buttons.choices import DONE, YesNo
from buttons.regions import ROOT, PickRegion, RegionPage, ShowRegion
from i18n import label, t
from services.regions import Place, RegionDirectory
from services.users import SELF_SERVICE_ROLES

REGION_PAGE = 36
T = TypeVar("T")
Target = str | Callable[[Any], Action]  # the action made from one chosen value (or a form flow's old prefix)


def _data(target: Target, value: Any) -> str:
    if isinstance(target, str):
        return f"{target}:{value.value if isinstance(value, YesNo) else value}"
    return target(value).data()


def rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` items fill (at least one, shown empty)."""
    return max(1, -(-total // per_page))


def paginate(items: Sequence[T], page: int, per_page: int) -> tuple[int, int, Sequence[T]]:
    """Clamp ``page`` to the pages ``items`` fill; return (page, pages, the items on it)."""
    pages = page_count(len(items), per_page)
    page = min(max(page, 0), pages - 1)
    return page, pages, items[page * per_page : (page + 1) * per_page]


def page_nav(lang: str, page: int, pages: int, data_for: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """Previous / next buttons, as far as there is a page that way; ``data_for(n)`` is the data that shows page n."""
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(t("region.prev", lang), callback_data=data_for(page - 1)))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(t("region.next", lang), callback_data=data_for(page + 1)))
    return nav


def role_keyboard(target: Target, lang: str) -> InlineKeyboardMarkup:
    """One button per self-service role; ``target(role value)`` is what each sends."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(f"role.button.{r.value}", lang), callback_data=_data(target, r.value))]
            for r in SELF_SERVICE_ROLES
        ]
    )


def yes_no(target: Target, yes: str, no: str) -> InlineKeyboardMarkup:
    """Two buttons sending ``target(YesNo.YES)`` and ``target(YesNo.NO)``."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=_data(target, YesNo.YES)),
                InlineKeyboardButton(no, callback_data=_data(target, YesNo.NO)),
            ]
        ]
    )


def _place_action(regions: RegionDirectory, code: str) -> ShowRegion | PickRegion:
    """A place with places below it opens them; one without is picked."""
    return ShowRegion(code) if regions.children_of(code) else PickRegion(code)


def _place_button(regions: RegionDirectory, place: Place, lang: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(regions.name(place.code, lang), callback_data=_place_action(regions, place.code).data())


def region_keyboard(
    regions: RegionDirectory, parent: str | None, lang: str, page: int = 0, stop_at: str | None = None
) -> InlineKeyboardMarkup:
    """Children of ``parent`` (provinces for None), a page at a time, with 'just this one' and 'back'. ``stop_at``:
    the level a place is chosen at (a province for a provincial team): at such a place only 'just this one' and
    'back' are offered; by default 'just this one' at a city, beside its counties."""
    here = regions.get(parent)
    at_stop = stop_at is not None and here is not None and here.level == stop_at
    places = [] if at_stop else regions.provinces() if parent is None else regions.children_of(parent)
    page, pages, shown = paginate(places, page, REGION_PAGE)
    keyboard = rows([_place_button(regions, p, lang) for p in shown], 3)
    nav = page_nav(lang, page, pages, lambda n: RegionPage(parent or ROOT, n).data())
    if nav:
        keyboard.append(nav)
    if here is not None:
        if here.level == (stop_at or "city"):
            keyboard.append(
                [
                    InlineKeyboardButton(
                        label("region.pick_this", lang, name=regions.name(here.code, lang)),
                        callback_data=PickRegion(here.code).data(),
                    )
                ]
            )
        keyboard.append(
            [InlineKeyboardButton(t("region.back", lang), callback_data=ShowRegion(here.parent_code or ROOT).data())]
        )
    return InlineKeyboardMarkup(keyboard)


def search_keyboard(regions: RegionDirectory, places: list[Place], lang: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            regions.full_name(p.code, lang) or p.name, callback_data=_place_action(regions, p.code).data()
        )
        for p in places
    ]
    return InlineKeyboardMarkup(rows(buttons, 1))


@dataclass(frozen=True)
class RegionStep:
    """What a region-picker button asks for: show ``code``'s children (page), or pick ``code``."""

    action: str  # "go", "page" or "pick"
    code: str | None
    page: int = 0


REGION_ACTIONS = (ShowRegion, RegionPage, PickRegion)


def parse_region_data(regions: RegionDirectory, data: object) -> RegionStep | None:
    """Read a region-picker press; None when it is malformed or names no known region."""
    press = parse_any(data, *REGION_ACTIONS)
    if press is None:
        return None
    code = None if press.code == ROOT else press.code
    if code is not None and regions.get(code) is None:
        return None
    if isinstance(press, PickRegion):
        return RegionStep("pick", code) if code is not None else None
    if isinstance(press, RegionPage):
        return RegionStep("page", code, press.page) if press.page >= 0 else None
    return RegionStep("go", code)


def region_prompt(
    regions: RegionDirectory, parent: str | None, lang: str, question: str = "region.ask_province"
) -> str:
    """The picker's words: ``question`` (a catalogue key) at the top, the place chosen so far below it."""
    if parent is None:
        return t(question, lang)
    return t("region.ask_child", lang, parent=regions.full_name(parent, lang) or "")


def choice_buttons(target: Target, choices: list[tuple[str, str]], width: int = 2) -> InlineKeyboardMarkup:
    """One button per (value, label); each sends ``target(value)``."""
    return InlineKeyboardMarkup(
        rows([InlineKeyboardButton(text, callback_data=_data(target, value)) for value, text in choices], width)
    )


def toggle_buttons(
    target: Target, choices: list[tuple[str, str]], chosen: Sequence[str], done: str
) -> InlineKeyboardMarkup:
    """A multi-select: one ✅/▫️ button per (value, label) sending ``target(value)``, then ``target(DONE)``."""
    keyboard = rows(
        [
            InlineKeyboardButton(("✅ " if value in chosen else "▫️ ") + text, callback_data=_data(target, value))
            for value, text in choices
        ],
        2,
    )
    keyboard.append([InlineKeyboardButton(done, callback_data=_data(target, DONE))])
    return InlineKeyboardMarkup(keyboard)

"""Inline keyboards shared by several flows: the role choice and the province → city → county picker.

Callback data carries only choices (a role name, a region code), never authority; every value is checked
against the server's own tables when it comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from i18n import label, localise, t
from services.regions import Place, RegionDirectory
from services.users import SELF_SERVICE_ROLES

REGION_PAGE = 36
T = TypeVar("T")
ROOT = "0"


def rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` items fill (at least one, shown empty)."""
    return max(1, -(-total // per_page))


def paginate(items: Sequence[T], page: int, per_page: int) -> tuple[int, int, Sequence[T]]:
    """Clamp ``page`` to the pages ``items`` fill; return (page, pages, the items on it)."""
    pages = page_count(len(items), per_page)
    page = min(max(page, 0), pages - 1)
    return page, pages, items[page * per_page:(page + 1) * per_page]


def page_nav(lang: str, page: int, pages: int, data_for: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """Previous / next buttons, as far as there is a page that way; ``data_for(n)`` is the data that shows page n."""
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(t("region.prev", lang), callback_data=data_for(page - 1)))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(t("region.next", lang), callback_data=data_for(page + 1)))
    return nav


def role_keyboard(prefix: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(f"role.button.{r.value}", lang), callback_data=f"{prefix}:{r.value}")]
                                 for r in SELF_SERVICE_ROLES])


def yes_no(prefix: str, yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(yes, callback_data=f"{prefix}:yes"),
                                  InlineKeyboardButton(no, callback_data=f"{prefix}:no")]])


def _place_button(regions: RegionDirectory, place: Place, lang: str) -> InlineKeyboardButton:
    action = "go" if regions.children_of(place.code) else "pick"
    return InlineKeyboardButton(localise(place.name, lang), callback_data=f"rg:{action}:{place.code}")


def region_keyboard(regions: RegionDirectory, parent: str | None, lang: str, page: int = 0) -> InlineKeyboardMarkup:
    """Children of ``parent`` (provinces for None), a page at a time, with 'just this one' and 'back'."""
    places = regions.provinces() if parent is None else regions.children_of(parent)
    page, pages, shown = paginate(places, page, REGION_PAGE)
    keyboard = rows([_place_button(regions, p, lang) for p in shown], 3)
    nav = page_nav(lang, page, pages, lambda n: f"rg:page:{parent or ROOT}:{n}")
    if nav:
        keyboard.append(nav)
    here = regions.get(parent)
    if here is not None:
        if here.level == "city":
            keyboard.append([InlineKeyboardButton(label("region.pick_this", lang, name=localise(here.name, lang)),
                                                  callback_data=f"rg:pick:{here.code}")])
        keyboard.append([InlineKeyboardButton(t("region.back", lang), callback_data=f"rg:go:{here.parent_code or ROOT}")])
    return InlineKeyboardMarkup(keyboard)


def search_keyboard(regions: RegionDirectory, places: list[Place], lang: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(localise(regions.full_name(p.code) or p.name, lang),
                                    callback_data=f"rg:{'go' if regions.children_of(p.code) else 'pick'}:{p.code}")
               for p in places]
    return InlineKeyboardMarkup(rows(buttons, 1))


@dataclass(frozen=True)
class RegionStep:
    """What a region-picker button asks for: show ``code``'s children (page), or pick ``code``."""

    action: str  # "go", "page" or "pick"
    code: str | None
    page: int = 0


def parse_region_data(regions: RegionDirectory, data: str) -> RegionStep | None:
    """Decode ``rg:…`` callback data; None when it is malformed or names no known region."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != "rg" or parts[1] not in ("go", "page", "pick"):
        return None
    code = None if parts[2] == ROOT else parts[2]
    if code is not None and regions.get(code) is None:
        return None
    if parts[1] == "pick" and code is None:
        return None
    page = 0
    if parts[1] == "page":
        if len(parts) != 4 or not parts[3].isdigit():
            return None
        page = int(parts[3])
    return RegionStep(parts[1], code, page)


def region_prompt(regions: RegionDirectory, parent: str | None, lang: str) -> str:
    if parent is None:
        return t("region.ask_province", lang)
    return t("region.ask_child", lang, parent=localise(regions.full_name(parent) or "", lang))


def choice_buttons(prefix: str, choices: list[tuple[str, str]], width: int = 2) -> InlineKeyboardMarkup:
    """One button per (value, label); each sends ``<prefix>:<value>``."""
    return InlineKeyboardMarkup(rows([InlineKeyboardButton(text, callback_data=f"{prefix}:{value}")
                                      for value, text in choices], width))


def toggle_buttons(prefix: str, choices: list[tuple[str, str]], chosen: Sequence[str], done: str) -> InlineKeyboardMarkup:
    """A multi-select: one ✅/▫️ button per (value, label) sending ``<prefix>:<value>``, then ``<prefix>:done``."""
    keyboard = rows([InlineKeyboardButton(("✅ " if value in chosen else "▫️ ") + text, callback_data=f"{prefix}:{value}")
                     for value, text in choices], 2)
    keyboard.append([InlineKeyboardButton(done, callback_data=f"{prefix}:done")])
    return InlineKeyboardMarkup(keyboard)

"""The commands each audience sees: /help text and Telegram's command menus per scope, from one table."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from db.models import Role
from i18n import t

log = logging.getLogger(__name__)
EVERYONE = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.STAFF})
CRAFTSMEN = frozenset({Role.CRAFTSMAN})
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Command:
    name: str
    roles: frozenset[Role] = EVERYONE

    def describe(self, lang: str) -> str:
        return t(f"cmd.{self.name}", lang)


# In menu order. Later flows add their commands here, with the roles that may use them.
COMMANDS: list[Command] = [
    Command("start"),
    Command("help"),
    Command("settings"),
    Command("report"),
    Command("my"),
    Command("experts"),
    Command("teams"),
    Command("join"),
    Command("competitions"),
    Command("courses"),
    Command("subscriptions"),
    Command("profile", CRAFTSMEN),
    Command("tasks", CRAFTSMEN),
    Command("board", CRAFTSMEN),
    Command("queue", STAFF),
    Command("match_all", STAFF),
    Command("review", STAFF),
    Command("newteam", STAFF),
    Command("new_competition", STAFF),
    Command("new_course", STAFF),
    Command("import", STAFF),
    Command("template", STAFF),
    Command("stats", STAFF | CRAFTSMEN),
    Command("export", STAFF),
    Command("broadcast", STAFF),
    Command("broadcast_cancel", STAFF),
    Command("staff", STAFF),
    Command("audit", STAFF),
    Command("grant", ADMINS),
    Command("revoke", ADMINS),
    Command("staff_region", ADMINS),
    Command("classify"),
    Command("privacy"),
    Command("delete_me"),
    Command("cancel"),
]


def commands_for(role: Role | None) -> list[Command]:
    if role is None:
        return [c for c in COMMANDS if c.roles == EVERYONE]
    return [c for c in COMMANDS if role in c.roles]


def help_text(role: Role | None, lang: str) -> str:
    if role is None:
        return t("help.not_registered", lang)
    lines = [t("help.header", lang, role=t(f"role.{role.value}", lang))]
    lines += [f"/{c.name} — {c.describe(lang)}" for c in commands_for(role)]
    lines.append(t("help.footer", lang))
    return "\n".join(lines)


def _bot_commands(role: Role | None, lang: str) -> list[BotCommand]:
    return [BotCommand(c.name, c.describe(lang)) for c in commands_for(role)]


async def set_staff_menu(bot: Bot, user_id: int, role: Role) -> None:
    """A staffer's or admin's own command menu (in their private chat), Chinese and English."""
    try:
        await bot.set_my_commands(_bot_commands(role, "zh-hans"), scope=BotCommandScopeChat(user_id))
        await bot.set_my_commands(_bot_commands(role, "en"), scope=BotCommandScopeChat(user_id), language_code="en")
    except TelegramError as exc:  # a staffer who never opened the chat: their menu is set when they register
        log.info("staff menu not set", extra={"user_id": user_id, "error": str(exc)})


async def clear_staff_menu(bot: Bot, user_id: int) -> None:
    """A former staffer's chat falls back to the default menu."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
        await bot.delete_my_commands(scope=BotCommandScopeChat(user_id), language_code="en")
    except TelegramError as exc:
        log.info("staff menu not cleared", extra={"user_id": user_id, "error": str(exc)})


async def set_menus(bot: Bot, staff: list[tuple[int, Role]]) -> None:
    """Default menu for everyone (Chinese, and English for English clients); staff get theirs per chat."""
    await bot.set_my_commands(_bot_commands(Role.WORKER, "zh-hans"), scope=BotCommandScopeDefault())
    await bot.set_my_commands(_bot_commands(Role.WORKER, "en"), scope=BotCommandScopeDefault(), language_code="en")
    for user_id, role in staff:
        await set_staff_menu(bot, user_id, role)

"""The callback context every handler gets: the services, the user's profile and the language to answer in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from i18n import t

if TYPE_CHECKING:
    from services.container import Services
    from services.users import Profile


class BotContext(CallbackContext[ExtBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Set once per update by :func:`conversations.middleware.identify` (group -1)."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id, user_id)
        self.profile: Profile | None = None
        self.lang: str = "zh-hans"

    @property
    def services(self) -> "Services":
        return self.application.bot_data["services"]

    def t(self, key: str, /, **values: object) -> str:
        return t(key, self.lang, **values)

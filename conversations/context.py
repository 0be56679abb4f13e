"""The callback context every handler gets: the services, the user's profile and the language to answer in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from i18n import label, t
from services.language import MEMORY_KEY, answer_language

if TYPE_CHECKING:
    from db.models import Role
    from services.container import Services
    from services.users import Profile


# user_data: {"id": consultation, "at": ISO time} set by the press of 向工会工作人员咨询 (conversations/union.py) and
# taken off by the next update (conversations/middleware.py): text typed right after adds to that question
JUST_ASKED = "union_just_asked"


class BotContext(CallbackContext[ExtBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Set once per update by :func:`conversations.middleware.identify` (group -1)."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id, user_id)
        self.profile: Profile | None = None
        self.lang: str = "zh-hans"
        self.waiting: frozenset[int] | None = None  # the conversations open before the update (one_step.py)
        self.replied_to: list[int] = []  # the consultation a Telegram reply answers (union.py's data filter)
        self.just_asked: dict[str, Any] | None = None  # the question filed to staff by the update before (JUST_ASKED)

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def role(self) -> Role | None:
        return self.profile.role if self.profile else None

    @property
    def is_staff(self) -> bool:
        """Staff or admin, from the profile read from the database for this update (never from callback data)."""
        return self.profile is not None and self.profile.is_staff

    def t(self, key: str, /, **values: object) -> str:
        """Message text (HTML): values are escaped."""
        return t(key, self.lang, **values)

    def label(self, key: str, /, **values: object) -> str:
        """Button text (plain): values are not escaped."""
        return label(key, self.lang, **values)


def answer_lang(profile: Profile | None, language_code: str | None, user_data: dict) -> str:
    """The language to answer in: the /settings choice, else the rule over Telegram's language code and the script
    of what they typed (services/language.py)."""
    if profile is not None and profile.lang_chosen:
        return profile.reply_lang
    code = profile.language_code if profile is not None else language_code
    region = profile.region_code if profile is not None else None
    return answer_language(None, code, user_data.get(MEMORY_KEY, ""), region)

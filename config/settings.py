"""Settings, read once from the environment and an optional ``.env`` (pydantic-settings).

An invalid setting stops the bot at start with one line naming it: see :func:`load_settings`.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "zhuqi.sqlite3"
TOKEN_RE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


class SettingsError(Exception):
    """A setting is invalid; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str | None = Field(default=None, description="Telegram bot token from @BotFather")
    database_url: str = Field(default=f"sqlite+aiosqlite:///{DEFAULT_DB}")
    telegram_api_url: str = "https://api.telegram.org"
    telegram_file_url: str | None = None
    staff_chat_id: int | None = Field(default=None, description="chat that gets staff notices; unset: every staffer")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    # the bot's send budget, for replies and pushes together: Telegram allows ~30/s overall, ~1/s per chat
    delivery_rate: float = Field(default=25.0, gt=0)  # messages/s overall
    delivery_burst: float = Field(default=5.0, ge=1)
    delivery_chat_rate: float = Field(default=1.0, gt=0)  # messages/s per chat
    delivery_chat_burst: float = Field(default=3.0, ge=1)
    rate_limit_replies: bool = True  # false: replies ignore the budget (benchmarks)
    allow_paid_broadcast: bool = False  # Telegram's paid broadcasts (Stars): up to 1,000/s
    paid_broadcast_rate: float = Field(default=1000.0, gt=0, le=1000)
    # requests a delivery worker has on the wire at once: the rate × Telegram's round trip (1,000/s × 64 ms)
    delivery_in_flight: int = Field(default=64, ge=1, le=1024)
    flood_max_updates: int = Field(default=20, ge=1)
    flood_window_seconds: float = Field(default=10.0, gt=0)
    course_reminder_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)  # lead before a class (0: never sent)
    # webhook mode (bot.py --webhook URL): where the bot listens, and the secret Telegram sends with every update
    webhook_listen: str = "127.0.0.1"  # behind a reverse proxy that terminates TLS
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_secret: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_-]{16,256}$"
    )  # unset: derived from the token
    # console chat only: the stage's clock starts at this instant (ISO 8601 with its offset) and runs in real time
    console_clock: datetime | None = None

    @field_validator("console_clock")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2026-12-01T10:00+08:00")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not TOKEN_RE.match(value):
            raise ValueError("does not look like a bot token (digits, a colon, then 30+ letters, digits, _ or -)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value[len("sqlite:///") :]
        elif value.startswith(("postgresql://", "postgres://")):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("telegram_api_url", "telegram_file_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 12345,67890")
            return [int(p) for p in parts]
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_base_url(self) -> str:
        return f"{self.telegram_api_url}/bot"

    @property
    def bot_file_url(self) -> str:
        return f"{self.telegram_file_url or self.telegram_api_url}/file/bot"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise :class:`SettingsError` with one line naming the bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"configuration error: {name}: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()

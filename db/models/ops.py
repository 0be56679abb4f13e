"""Operational tables: the notification outbox, the audit log and the bot's persisted conversation state."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, str_enum, utcnow


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    WITHDRAWN = "withdrawn"  # the event changed or was cancelled before the message went out
    EXPIRED = "expired"  # no longer useful (the event began) when it could have gone out


class Notification(Base):
    """One message the bot owes one chat. ``dedupe_key`` makes writing it twice a no-op."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("dedupe_key", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(32))  # reminder, broadcast, notice …
    dedupe_key: Mapped[str] = mapped_column(String(128))  # e.g. competition:5:deadline-3d
    payload: Mapped[dict[str, Any]]  # text, parse_mode, reply_markup, photo …
    not_before: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # ignores quiet hours
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # 补发: fell due while the bot was down
    expires_at: Mapped[datetime | None]  # not sent after this (a reminder of a session that has begun)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    broadcast_id: Mapped[int | None] = mapped_column(Integer, index=True)
    interrupted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # in flight at a crash
    claimed_by: Mapped[int | None] = mapped_column(Integer)  # the process sending it (runtime/presence.py)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class MessageCopy(Base):
    """A message the bot sent that may show someone's words or contact details: a notice (``outbox_id``), or a
    reply about a demand (``demand_id``: staff's 打开 view, a /queue item, a /board list, the contact given to the
    craftsman who accepted). Erasing the person edits it (services/erasure.py); Telegram keeps what was sent."""

    __tablename__ = "message_copies"
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    outbox_id: Mapped[int | None] = mapped_column(Integer, index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BroadcastStatus(str, enum.Enum):
    SCHEDULED = "scheduled"  # written to the outbox, waiting for its send time
    SENDING = "sending"
    DONE = "done"  # every row ended; the report went to its author
    CANCELLED = "cancelled"  # /broadcast_cancel withdrew what was not sent yet


class Broadcast(Base):
    """A staff message to a filtered audience (群发). Its recipients are outbox rows with its id."""

    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger, index=True)
    audience: Mapped[dict[str, Any]]  # services.broadcasts.Filters as JSON
    text: Mapped[str] = mapped_column(Text, default="")  # HTML, as Telegram formats the staffer's message
    file_kind: Mapped[str | None] = mapped_column(String(16))  # photo, document
    file_id: Mapped[str | None] = mapped_column(String(256))
    paid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # allow_paid_broadcast
    status: Mapped[BroadcastStatus] = mapped_column(str_enum(BroadcastStatus), index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    send_at: Mapped[datetime]
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)  # the author's live progress message
    progress_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did (or was refused) what, when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(128))
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    details: Mapped[dict[str, Any] | None]
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class BotState(Base):
    """python-telegram-bot persistence: conversation states and per-user data, as JSON rows."""

    __tablename__ = "bot_state"
    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)  # "conv:<name>" or "user_data"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SendBudget(Base):
    """The bot-wide send budget shared by every process on PostgreSQL: a token bucket in one row."""

    __tablename__ = "send_budget"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    stamp: Mapped[float] = mapped_column(Float)  # epoch seconds of the last refill


class UpdateInbox(Base):
    """Every update the bot took from Telegram, written before Telegram is told it arrived (runtime/inbox.py).
    ``done_at`` is set (and the payload dropped) in the same transaction as the conversation state the update led
    to; an update still without it after a crash is handled again at the next start. Done rows, ids only, stay a
    day, so an update Telegram delivers twice is recognised."""

    __tablename__ = "update_inbox"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[Any | None] = mapped_column(JSON)  # the update as Telegram sent it; None once handled
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # starts that replayed it
    quarantined_at: Mapped[datetime | None]  # a poison update: replayed too often without finishing, never again


class FormDraft(Base):
    """A form in progress (/report, /new_competition …): one per person and form, its answers and its progress.

    The form engine (conversations/forms.py) keeps here what a step needs to go on after a restart; the conversation
    state (bot_state) only says which step waits. A demand's own fields live on its draft ``demands`` row; this row
    holds the draft's id and how far the questions went."""

    __tablename__ = "form_drafts"
    __table_args__ = (UniqueConstraint("user_id", "form"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

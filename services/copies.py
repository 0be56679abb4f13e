"""Where the bot's messages that may show someone's data went (db.models.MessageCopy), so that erasing the person
edits them (services/erasure.py): every notice the sender delivers (services/outbox.py records it), and the replies
about a demand a handler sends itself — staff's 打开 view, a /queue item, a /board list, the contact details given
to the craftsman who accepted. A message Telegram refused or that was deleted since simply fails to edit."""

from __future__ import annotations

from collections.abc import Iterable

from db.database import Database
from db.models import MessageCopy


class Copies:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(self, chat_id: int, message_id: int, demand_ids: Iterable[int]) -> None:
        """The message ``message_id`` in ``chat_id`` shows these demands' text or contact details."""
        async with self.db.session() as session:
            session.add_all(
                MessageCopy(chat_id=chat_id, message_id=message_id, demand_id=demand_id)
                for demand_id in dict.fromkeys(demand_ids)
            )

"""Sending broadcasts in the background: one task per process works through every open broadcast, oldest
first, edits its author's progress message as it goes ("已发送 3,200 / 10,000，失败 12") and, when no row is
left waiting, writes the final report. It is woken when a broadcast is written, every few seconds by a job (for
scheduled ones and rows held back by quiet hours) and at start, which is how a broadcast cut off by a crash
resumes: the rows it had not sent are still owed, and those in flight at the crash are named in the report."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from buttons.broadcasts import BroadcastFailures
from db.models import Broadcast, BroadcastStatus
from i18n import t
from runtime.ratelimit import SendLimiter
from runtime.sender import OutboxSender
from services.broadcasts import Counts
from services.container import Services
from services.outbox import Button, Notice

log = logging.getLogger(__name__)
PROGRESS_EVERY = 2.0  # seconds between edits of the progress message
MAX_BATCH = 500


def progress_text(broadcast_id: int, counts: Counts, lang: str, *, cancelled: bool = False) -> str:
    text = t(
        "broadcast.progress",
        lang,
        id=broadcast_id,
        sent=f"{counts.sent:,}",
        total=f"{counts.total:,}",
        failed=f"{counts.failed + counts.blocked:,}",
    )
    if cancelled:
        text += "\n" + t("broadcast.progress_cancelled", lang, withdrawn=f"{counts.withdrawn:,}")
    elif counts.finished:
        text += "\n" + t("broadcast.progress_done", lang)
    return text


def report(broadcast_id: int, counts: Counts, interrupted: list[int]) -> Notice:
    """The final report for the broadcast's author, with the button that downloads the failures CSV."""
    values = {
        "id": broadcast_id,
        "total": f"{counts.total:,}",
        "sent": f"{counts.sent:,}",
        "failed": f"{counts.failed:,}",
        "blocked": f"{counts.blocked:,}",
    }
    key = "broadcast.report"
    if counts.interrupted:
        key = "broadcast.report_interrupted"
        values.update(interrupted=counts.interrupted, ids="、".join(map(str, interrupted)))
    if counts.withdrawn:  # recipients who left its audience before it went out: the figures add up to the total
        key += "_withdrawn"
        values["withdrawn"] = f"{counts.withdrawn:,}"
    buttons = (
        [[Button("broadcast.button.failures", BroadcastFailures(broadcast_id))]]
        if counts.failed or counts.blocked or counts.interrupted
        else None
    )
    return Notice(key, values, buttons=buttons)


class BroadcastRunner:
    def __init__(
        self,
        services: Services,
        sender: OutboxSender,
        bot: Bot,
        limiter: SendLimiter,
        paid_limiter: SendLimiter | None = None,
    ) -> None:
        self.services, self.sender, self.bot = services, sender, bot
        self.limiter, self.paid_limiter = limiter, paid_limiter
        self._task: asyncio.Task | None = None
        self._again = False
        self._edited: dict[int, str] = {}  # broadcast id → the progress text last shown

    def wake(self) -> None:
        """Start sending open broadcasts, or make the running task look once more when it is done."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="broadcasts")
        else:
            self._again = True

    async def idle(self) -> None:
        """Wait until the running task (if any) has nothing left that is due."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        self._again = True
        while self._again:
            self._again = False
            try:
                for broadcast in await self.services.broadcasts.due():
                    await self.deliver(broadcast)
            except asyncio.CancelledError:
                raise
            except Exception:  # a database or programming error: logged, retried at the next wake
                log.exception("broadcast delivery stopped")
                return

    async def deliver(self, broadcast: Broadcast) -> None:
        services = self.services
        paid = broadcast.paid and self.paid_limiter is not None
        limiter = self.paid_limiter if paid else self.limiter
        batch = min(MAX_BATCH, self.sender.batch_size(limiter))
        await services.broadcasts.confine(broadcast)  # the author's region, as when it was written (services rule)
        content = await services.broadcasts.content(broadcast.id)
        loop = asyncio.get_running_loop()
        shown = 0.0
        while rows := await services.outbox.due(batch, broadcast_id=broadcast.id):
            await self.sender.send_rows(rows, limiter, content, paid=paid)
            if loop.time() - shown >= PROGRESS_EVERY:
                shown = loop.time()
                await self.show_progress(broadcast)
        counts = await self.show_progress(broadcast)
        if counts is None:  # cancelled meanwhile: /broadcast_cancel answered
            return
        if counts.finished:
            interrupted = await services.broadcasts.interrupted(broadcast.id)
            # the report is owed by the one finish() that marks the broadcast done, in the same transaction: a cancel
            # that lands after the status was read above leaves it cancelled, and nothing is reported as complete
            async with services.db.unit_of_work():
                done = await services.broadcasts.finish(broadcast.id)
                if done:
                    await services.outbox.put(
                        [broadcast.created_by],
                        "notice",
                        f"broadcast:{broadcast.id}:report",
                        report(broadcast.id, counts, interrupted),
                        urgent=True,
                    )
            if done:
                log.info(
                    "broadcast finished",
                    extra={
                        "broadcast": broadcast.id,
                        "sent": counts.sent,
                        "failed": counts.failed,
                        "blocked": counts.blocked,
                    },
                )
            await self.sender.flush()

    async def show_progress(self, broadcast: Broadcast) -> Counts | None:
        """Edit the author's progress message (skipped when nothing changed); return the counts it shows, or None
        if the broadcast was cancelled."""
        current = await self.services.broadcasts.get(broadcast.id)
        cancelled = current.status is BroadcastStatus.CANCELLED
        counts = await self.services.broadcasts.counts(broadcast.id)
        if current.progress_message_id is None:
            return None if cancelled else counts
        profile = await self.services.users.get(current.progress_chat_id)
        text = progress_text(broadcast.id, counts, profile.reply_lang if profile else "zh-hans", cancelled=cancelled)
        if self._edited.get(broadcast.id) != text:
            self._edited[broadcast.id] = text
            await self.limiter.acquire(current.progress_chat_id)
            try:
                await self.bot.edit_message_text(text, current.progress_chat_id, current.progress_message_id)
            except BadRequest as exc:  # not modified, or the staffer deleted the message
                log.info("progress message not edited", extra={"broadcast": broadcast.id, "error": str(exc)})
            except TelegramError as exc:
                log.warning("progress message not edited", extra={"broadcast": broadcast.id, "error": str(exc)})
        return None if cancelled else counts

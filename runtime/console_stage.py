"""What the console chat is given by the bot (the fake Bot API's console imports nothing of ours): its words from the
message catalogue in the console's language, the demo cast to type as, each person's role as the database has it,
and where received files go."""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from config.settings import ROOT
from fakebotapi.console_people import Person
from i18n import label
from nlp.script import Script, is_chinese_code, script_for_language_code, traditional_variant
from runtime.persistence import USER_DATA
from runtime.state_store import StateStore
from services.clock import Clock, ShiftedClock
from services.container import Services
from services.demo_people import DEMO_PEOPLE
from services.language import MEMORY_KEY
from services.users import Users


def console_language(environ: Mapping[str, str] = os.environ) -> str:
    """The terminal's locale (LANG) as a reply language: English for en…, traditional for zh_TW (Taiwan's forms),
    zh_HK / zh_MO (Hong Kong's) and zh_Hant, else simplified Chinese. The console speaks it, and so do its people
    until they pick their own language in /settings."""
    locale = environ.get("LANG", "").split(".")[0]
    if locale.lower().startswith("en"):
        return "en"
    if is_chinese_code(locale) and script_for_language_code(locale) is Script.TRADITIONAL:
        return traditional_variant(locale)
    return "zh-hans"


async def forget_typed_scripts(store: StateStore, user_ids: Sequence[int]) -> None:
    """Drop the typed-script memory (services/language.py) of ``user_ids``: the console's language changed since they
    last typed, and it stands for their Telegram's, so what they typed before no longer outweighs it (`LANG=en make
    run` after runs in Chinese answered those who had typed Chinese in Chinese)."""
    if not user_ids:
        return
    stored = await store.load(USER_DATA)
    changes: dict[tuple[str, str], object] = {}
    for user_id in user_ids:
        data = stored.get(str(user_id))
        if isinstance(data, dict) and MEMORY_KEY in data:
            changes[(USER_DATA, str(user_id))] = {k: v for k, v in data.items() if k != MEMORY_KEY} or None
    await store.write(changes)


STAGE_TIME = ("console", "stage_time")  # bot_state: the latest instant a run of the stage reached
STAGE_MOVED_BY = ("console", "stage_moved_by")  # bot_state: what took it there ahead of the real hour
SETTING, CLOCK_COMMAND = "CONSOLE_CLOCK", ":clock"


async def keep_stage_time(store: StateStore, clock: Clock, chosen: bool) -> tuple[datetime, str] | None:
    """The stage's time never runs back. A run with CONSOLE_CLOCK (``chosen``) or `:clock` may have taken it past
    the real hour: the demo's data, its owed notices and their quiet-hour releases are dated from there, so a later
    run on the real clock would see them in its future (王丽's first message waited hours in the outbox). Without
    CONSOLE_CLOCK the stage goes on from the latest instant an earlier run reached; returns it, with what took the
    stage there (CONSOLE_CLOCK or `:clock`), when the clock was moved so."""
    stored = await store.load(STAGE_TIME[0])
    last, by = stored.get(STAGE_TIME[1]), stored.get(STAGE_MOVED_BY[1])
    moved = None
    if not chosen and isinstance(last, str) and isinstance(clock, ShiftedClock):
        at = datetime.fromisoformat(last)
        if clock.now() < at:
            clock.go_on_from(at)
            moved = (at, by if by in (SETTING, CLOCK_COMMAND) else SETTING)
    await note_stage_time(store, clock, SETTING if chosen else None)
    return moved


async def note_stage_time(store: StateStore, clock: Clock, moved_by: str | None = None) -> None:
    """Write the stage's time (at start, after `:clock` and at :quit), never moving it back; ``moved_by`` names what
    set it (CONSOLE_CLOCK, `:clock`), for the banner of a later run that goes on from there."""
    stored = (await store.load(STAGE_TIME[0])).get(STAGE_TIME[1])
    now = clock.now()
    if not isinstance(stored, str) or datetime.fromisoformat(stored) < now:
        await store.put(*STAGE_TIME, now.isoformat())
        if moved_by is not None:
            await store.put(*STAGE_MOVED_BY, moved_by)


STEP = re.compile(r"\+\s*(?:(\d{1,3})\s*d)?\s*(?:(\d{1,4})\s*h)?\s*(?:(\d{1,5})\s*m(?:in)?)?", re.I)


def stage_step(text: str) -> timedelta | None:
    """``+1h``, ``+30m``, ``+1d3h``, ``+2h15m``: a step forward (None for anything else, a step back included)."""
    found = STEP.fullmatch(text.strip())
    if found is None or not any(found.groups()):
        return None
    days, hours, minutes = (int(g or 0) for g in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes) or None


def stage_clock(services: Services, lang: str, stage: StateStore | None = None) -> Callable[[str], Awaitable[str]]:
    """The console's ``:clock``: without words the stage's time; ``:clock +1h`` moves the stage on (never back), and
    what fell due meanwhile goes out — reminders worded for the new time, the service flow's sweep (offers that
    lapsed, visits that began, follow-ups) — as a leading process does when its time comes. The time reached is
    noted in ``stage`` as `:clock`'s doing (the next run's banner names it)."""

    def shown() -> str:
        return services.clock.now().astimezone(services.settings.tz).strftime("%Y-%m-%d %H:%M")

    async def clock(arguments: str) -> str:
        if not arguments:
            return label("console.clock_now", lang, time=shown())
        step = stage_step(arguments)
        if step is None or not isinstance(services.clock, ShiftedClock):
            return label("console.clock_usage", lang, time=shown())
        services.clock.go_on_from(services.clock.now() + step)
        if stage is not None:
            await note_stage_time(stage, services.clock, CLOCK_COMMAND)
        await services.reminders.clock_moved()
        if services.reminders.running:  # this process leads: the sweep is its duty too (runtime/leading.py)
            await services.sweep()
            if services.reminders.after_fire is not None:
                await services.reminders.after_fire()
        return label("console.clock_moved", lang, time=shown())

    return clock


def console_words(lang: str) -> Callable[..., str]:
    """``say(key, **values)``: the catalogue's ``console.<key>`` in ``lang``, as plain text."""
    return lambda key, **values: label(f"console.{key}", lang, **values)


def role_name(role: object, lang: str) -> str:
    return label(f"role.{getattr(role, 'value', role)}", lang)


def console_cast(lang: str) -> list[Person]:
    """The demo cast (services/demo_people.py) as the console's people; their Telegram speaks the console's language
    (``lang``), so that the bot answers them in it too."""
    return [Person(p.telegram_id, p.name, lang, role_name(p.role, lang), p.phone) for p in DEMO_PEOPLE]


def database_roles(users: Users, lang: str):
    """The role each of the given people has in the bot's database (the profile cache answers most of them)."""

    async def roles(user_ids: Sequence[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for user_id in user_ids:
            profile = await users.get(user_id)
            if profile is not None and profile.role is not None:
                found[user_id] = role_name(profile.role, lang)
        return found

    return roles


def console_files_dir(database_url: str) -> Path:
    """Where the console saves what the bot sends: data/console/ beside the SQLite file (else under the project)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / "console"
    return ROOT / "data" / "console"

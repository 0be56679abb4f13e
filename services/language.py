"""Which language and script to answer a person in — the one place that decides it.

In order: the language they picked in /settings (it always wins); else what Telegram's ``language_code`` says;
else a sustained pattern of what they type — never a single line. A line of Latin letters (an alarm code
"FANUC 0i-MF SV0436", an HTML snippet, an SQL-looking string, an address) does not turn a Chinese reader's bot
into English: someone whose ``language_code`` is Chinese is answered in Chinese until they pick English in
/settings. Someone without a Chinese ``language_code`` who keeps writing English (the last ``SUSTAINED`` texts
judged, all English) is answered in English; whoever keeps writing Chinese is answered in Chinese; whoever keeps
writing one script (traditional or simplified) gets that script. A traditional reader gets their region's forms
(Taiwan, Hong Kong / Macao, else OpenCC's standard), taken from ``language_code``; when that names no region
(zh-hans, zh-hant, en, none), from the region they registered in (台湾省 710000, 香港 810000, 澳门 820000).

What someone typed lately is kept as a short string of verdicts, one letter per text (``HISTORY`` at most),
in the conversation memory (``user_data``); nothing of the text itself is kept.
"""

from __future__ import annotations

from nlp.script import (
    HONG_KONG,
    TAIWAN,
    Script,
    detect_script,
    is_chinese_code,
    reply_language,
    script_for_language_code,
)

SUSTAINED = 3  # texts in a row that make a pattern of typing
HISTORY = 5  # verdicts kept (a pattern is read from the last SUSTAINED; a few more let a script show through English)
MEMORY_KEY = "typed_scripts"  # where the verdicts are kept in user_data
_LETTER = {Script.SIMPLIFIED: "s", Script.TRADITIONAL: "t", Script.ENGLISH: "e"}
_SCRIPT = {letter: script for script, letter in _LETTER.items()}
CHINESE = "st"
REGION_FORMS = {"71": TAIWAN, "81": HONG_KONG, "82": HONG_KONG}  # a region code's province -> its traditional forms


def remember(history: str, text: str) -> str:
    """``history`` with the verdict on one more typed text (unchanged when the text says nothing: no letters,
    only characters both scripts share, a command, an address)."""
    script = detect_script(text)
    if script is None:
        return history
    return (history + _LETTER[script])[-HISTORY:]


def _latest_run(verdicts: str, *groups: str) -> str | None:
    """The group (a string of verdict letters) of the latest SUSTAINED verdicts in a row that all fall in one
    group, or None: a pattern holds until another one replaces it, so one line never undoes it."""
    for end in range(len(verdicts), SUSTAINED - 1, -1):
        window = verdicts[end - SUSTAINED : end]
        for group in groups:
            if all(v in group for v in window):
                return group
    return None


def _typed_script(history: str) -> Script | None:
    """The Chinese script of the latest SUSTAINED Chinese texts in a row that agree on it."""
    run = _latest_run("".join(v for v in history if v in CHINESE), "s", "t")
    return _SCRIPT[run] if run else None


def answer_script(chosen: Script | None, code: str | None, history: str) -> Script:
    """The script (simplified, traditional, English) to answer in; see the module's docstring."""
    if chosen is not None:
        return chosen
    typed = _typed_script(history)
    if is_chinese_code(code):
        return typed or script_for_language_code(code)
    run = _latest_run(history, "e", "st")
    if run == "e":
        return Script.ENGLISH
    if run == "st":
        return typed or Script.SIMPLIFIED
    return script_for_language_code(code)


def reader_language(script: Script | str, code: str | None, region_code: str | None = None) -> str:
    """The reply language for a script: traditional in the forms of ``code``'s region, else of ``region_code``'s
    (the user's registered region), else OpenCC's standard forms."""
    language = reply_language(script, code)
    if language == Script.TRADITIONAL.value and region_code:  # the standard forms: no region in ``code``
        return REGION_FORMS.get(region_code[:2], language)
    return language


def answer_language(chosen: Script | None, code: str | None, history: str, region_code: str | None = None) -> str:
    """The reply language: zh-hans, en, or a traditional variant (zh-hant, zh-tw, zh-hk) by ``code``'s region, else
    by the user's registered ``region_code``."""
    return reader_language(answer_script(chosen, code, history), code, region_code)

"""A person's own settings (conversations/onboarding.py, user_settings.py, privacy.py, new_team.py): consent,
role, region preset, the /settings menu, quiet hours, industries, the erasure confirmation, a new team's level."""

from __future__ import annotations

import enum

from buttons import Action, action
from buttons.choices import YesNo


@action("ob:consent")
class Consent(Action):
    answer: YesNo


@action("ob:role")
class OnboardingRole(Action):
    role: str  # a self-service role's value, checked by the handler


@action("ob:preset")
class UsePreset(Action):
    answer: YesNo


class SettingsItem(enum.Enum):
    ROLE = "role"
    REGION = "region"
    LANG = "lang"
    QUIET = "quiet"
    NOTIFY = "notify"
    INDUSTRIES = "industries"
    DONE = "done"


@action("st")
class SettingsMenu(Action):
    item: SettingsItem


@action("st:setrole")
class SettingsRole(Action):
    role: str


@action("st:setlang")
class SettingsLang(Action):
    lang: str


@action("st:q")
class QuietHoursPreset(Action):
    start: int  # minutes after midnight; start == end: no quiet hours
    end: int


@action("st:ind")
class ToggleSection(Action):
    section: str  # a section letter, or buttons.choices.DONE


@action("pv:erase")
class EraseMe(Action):
    answer: YesNo


@action("tm")
class TeamLevelChoice(Action):
    level: str  # a TeamLevel value, checked by the handler

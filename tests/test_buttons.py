"""The button protocol (buttons/): each action's data, pattern and parser agree, and prefixes cannot collide."""

import enum
import re
import sys

import pytest
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, ConversationHandler, DictPersistence

from buttons import MAX_DATA, REGISTRY, Action, BigInt, action, any_of, family, parse_any, registry
from tests.test_button_presses import sample


class Verdict(enum.Enum):
    OK = "ok"
    NO = "no"


@action("zz:t")
class Sample(Action):
    item_id: int
    word: str
    verdict: Verdict


def test_data_pattern_and_parse_agree():
    pressed = Sample(7, "abc", Verdict.NO)
    assert pressed.data() == "zz:t:7:abc:no"
    assert re.match(Sample.pattern(), pressed.data())
    assert Sample.parse(pressed.data()) == pressed


@pytest.mark.parametrize(
    "data",
    [
        "zz:t:7:abc",
        "zz:t:x:abc:ok",
        "zz:t:7:abc:maybe",
        "zz:t:7:a:b:ok",
        "zz:tt:7:a:ok",
        None,
        42,
        "zz:t:7:abc:ok:extra",
    ],
)
def test_malformed_presses_parse_to_none(data):
    assert Sample.parse(data) is None
    if isinstance(data, str):
        assert not re.match(Sample.pattern(), data)


def test_str_fields_refuse_the_separator_and_data_stays_short():
    with pytest.raises(ValueError):
        Sample(1, "a:b", Verdict.OK).data()
    with pytest.raises(ValueError):
        Sample(1, "x" * MAX_DATA, Verdict.OK).data()


def test_a_prefix_is_defined_once():
    with pytest.raises(ValueError):

        @action("zz:t")
        class Again(Action):
            item_id: int

    assert REGISTRY["zz:t"] is Sample


@action("zz:o")
class Trailing(Action):
    item_id: int
    where: str = ""


@action("zz:b")
class Big(Action):
    user_id: BigInt
    item_id: int


def test_a_number_past_its_column_parses_to_none():
    assert Big.parse(f"zz:b:{2**40}:{2**31 - 1}") == Big(2**40, 2**31 - 1)
    assert Big.parse(f"zz:b:{2**40}:{2**31}") is None, "past PostgreSQL's INTEGER"
    assert Big.parse(f"zz:b:{2**63}:1") is None, "past BIGINT"
    assert Big.parse("zz:b:1:" + "9" * 400) is None


def test_a_field_with_a_default_is_optional_at_the_end():
    assert Trailing(7).data() == "zz:o:7"
    assert Trailing(7, "s").data() == "zz:o:7:s"
    assert Trailing.parse("zz:o:7") == Trailing(7)
    assert Trailing.parse("zz:o:7:3") == Trailing(7, "3")
    assert Trailing.parse("zz:o:7:3:4") is None


def test_one_handler_for_several_actions():
    assert re.match(any_of(Trailing, Big), "zz:b:1:2") and re.match(any_of(Trailing, Big), "zz:o:1")
    assert not re.match(any_of(Trailing, Big), "zz:t:7:abc:ok")
    assert parse_any("zz:o:1", Big, Trailing) == Trailing(1)
    assert parse_any("zz:x:1", Big, Trailing) is None
    assert re.match(family("zz"), "zz:o:1") and not re.match(family("zz"), "zzz:o:1")


# ---------------------------------------------------------------------- the bot's own buttons

FORM_FLOWS: set[str] = set()  # every flow reads its presses through actions (issue 21)


def _press_handlers() -> list[CallbackQueryHandler]:
    """Every CallbackQueryHandler the bot registers, inside conversations too, in the order bot.py wires them."""
    from bot import wire

    application = Application.builder().token("1:test").updater(None).persistence(DictPersistence()).build()
    wire(application)
    found: list[CallbackQueryHandler] = []

    def walk(handler: BaseHandler) -> None:
        if isinstance(handler, ConversationHandler):
            for inner in [
                *handler.entry_points,
                *[h for hs in handler.states.values() for h in hs],
                *handler.fallbacks,
            ]:
                walk(inner)
        elif isinstance(handler, CallbackQueryHandler):
            found.append(handler)

    for group in application.handlers.values():
        for handler in group:
            walk(handler)
    return found


def _made_of(text: str, patterns: set[str]) -> bool:
    """Whether ``text`` is one action's pattern or several joined by any_of."""
    return text in patterns or any(
        text.startswith(p + "|") and _made_of(text[len(p) + 1 :], patterns) for p in patterns
    )


def test_every_handler_pattern_outside_the_form_flows_comes_from_actions():
    handlers = _press_handlers()  # first: wiring makes the forms' actions (one family per form name)
    actions = registry()
    patterns = {kind.pattern() for kind in actions.values()}
    families = {
        module.FAMILY
        for name, module in sys.modules.items()
        if name.startswith("buttons.") and hasattr(module, "FAMILY")
    }  # families with a catch-all (refused or expired outside their flow)
    for handler in handlers:
        if handler.pattern is None or handler.callback.__module__ in FORM_FLOWS:
            continue  # the catch-all for expired buttons; the form flows' own (theirs to convert)
        text = handler.pattern.pattern
        family_of = re.fullmatch(r"\^([a-z]+):", text)
        exact = re.fullmatch(r"\^(.*)\$", text)  # one action's data exactly (e.g. the event forms' "any region")
        one_press = exact is not None and any(kind.parse(exact.group(1)) for kind in actions.values())
        assert (family_of and family_of.group(1) in families) or _made_of(text, patterns) or one_press, (
            f"{handler.callback.__module__}.{handler.callback.__name__}: {text!r} is not an action's pattern"
        )


def test_every_action_has_a_handler():
    handlers = _press_handlers()
    for prefix, kind in registry().items():
        if prefix.startswith("zz:"):
            continue  # this file's own examples
        data = sample(kind).data()
        assert any(h.pattern is not None and h.pattern.match(data) for h in handlers), f"nothing handles {prefix}"


def test_data_keeps_the_format_of_buttons_already_sent():
    """Outbox rows already stored and buttons already in chats carry these strings: they still parse, and the
    actions still write them."""
    from buttons.casework import AcceptOffer
    from buttons.enterprise_links import DecideLink, Decision
    from buttons.events import Enrol, FollowCompetition, UnfollowCompetition
    from buttons.follow_up import RateCase, SkipComment
    from buttons.people import QuietHoursPreset, SettingsItem, SettingsMenu
    from buttons.queue import MatchAllPlan, OfferTo, PlanAnswer
    from buttons.regions import RegionPage
    from buttons.talent import ExpertList

    for press, data in [
        (AcceptOffer(7), "tk:a:7"),
        (OfferTo(3, 9), "qu:ok:3:9"),
        (RateCase(4, 5), "fu:s:4:5"),
        (SkipComment(), "fu:skip"),
        (FollowCompetition(5), "cp:f:5"),
        (UnfollowCompetition(5, "s"), "cp:u:5:s"),
        (Enrol(2, "0"), "cs:j:2:0"),
        (DecideLink(Decision.CONFIRM, 7_000_000_001, 12), "el:ok:7000000001:12"),
        (MatchAllPlan(PlanAnswer.DISCARD), "ma:no"),
        (SettingsMenu(SettingsItem.ROLE), "st:role"),
        (QuietHoursPreset(1320, 420), "st:q:1320:420"),
        (RegionPage("0", 2), "rg:page:0:2"),
        (ExpertList("31", "all", 0), "ex:l:31:all:0"),
    ]:
        assert press.data() == data
        assert type(press).parse(data) == press

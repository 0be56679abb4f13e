"""The button protocol (buttons/): each action's data, pattern and parser agree, and prefixes cannot collide."""

import enum
import re

import pytest

from buttons import MAX_DATA, REGISTRY, Action, BigInt, action, any_of, family, parse_any


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


@pytest.mark.parametrize("data", ["zz:t:7:abc", "zz:t:x:abc:ok", "zz:t:7:abc:maybe", "zz:t:7:a:b:ok", "zz:tt:7:a:ok",
                                  None, 42, "zz:t:7:abc:ok:extra"])
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

"""The button protocol (buttons/): each action's data, pattern and parser agree, and prefixes cannot collide."""

import enum
import re

import pytest

from buttons import MAX_DATA, REGISTRY, Action, action


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

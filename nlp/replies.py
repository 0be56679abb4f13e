"""Short replies typed where a button waits: whether a craftsman's text says he takes an offer or cannot, and
whether a yes/no button's label was typed with a word of assent around it ("ok 同意", "好的，同意", "我同意").

Read only when an offer waits for his answer (conversations/typed_replies.py), and only ever to ask him to confirm
with the offer's own buttons: the words are everyday ones (接了, 没问题; 没空, 出差, 沒辦法), in either script. A
refusal wins over a yes in the same text ("好的，不过下周出差没办法" cannot take it); a long text is not a reply.
"""

from __future__ import annotations

import re
from enum import StrEnum

from nlp.script import folded, to_simplified

MAX_REPLY = 60  # characters: past this it is a message of its own (a question, a problem), not a yes or a no


class OfferAnswer(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


_DECLINE = re.compile(
    r"没办法|没法|不行|不能接|接不了|不接|不去|去不了|来不了|婉拒|拒绝|推掉|没空|没时间|抽不出|不方便|出差|"
    r"忙不过来|太忙|做不了|干不了|不擅长|不对口|不熟|算了|放弃|no\b|decline|can'?t|cannot|busy"
)
_ACCEPT = re.compile(
    r"接了|我接|接下|接受|接单|可以接|能接|好的|好啊|可以|没问题|行|同意|愿意|我来|我去|能去|收到|ok\b|okay|yes|accept|sure"
)


def offer_answer(text: str) -> OfferAnswer | None:
    """ACCEPT or DECLINE when the short ``text`` says so (DECLINE when it says both), else None."""
    plain = to_simplified(text.strip()).lower()  # punctuation kept (nlp.script.folded drops it)
    if not plain or len(plain) > MAX_REPLY:
        return None
    if _DECLINE.search(plain):
        return OfferAnswer.DECLINE
    if _ACCEPT.search(plain):
        return OfferAnswer.ACCEPT
    return None


# what may stand around a yes/no button's label typed instead of pressed ("ok 同意"); never a negation (不同意)
_FILLER = re.compile(r"(?:ok|okay|好的|好|嗯|是的|是|我|yes|了|的|啦|吧|呀|啊)*")


def says_with_assent(typed: str, label: str) -> bool:
    """Whether ``typed`` is the button ``label`` (nlp/script.py says_label's folding), words of assent aside."""
    text, word = folded(typed), folded(label)
    if not word or text.count(word) != 1:
        return False
    before, _, after = text.partition(word)
    return bool(_FILLER.fullmatch(before)) and bool(_FILLER.fullmatch(after))

"""Never guess silently: is the evidence that a text is a technical problem or a training need strong enough to
open a demand draft at once, or must the user be asked first?

One rule over what the analyzer found (nlp/analyzer.py): the text goes straight into /report only when the
industry classifier is reasonably sure, has features to go on, and the text holds industry vocabulary. Anything
weaker (e.g. "老板拖欠三个月工资怎么办", taken for a problem because of the cue 怎么办 and the stray word 三个,
with confidence 0.09) is asked about: "这是需要劳模工匠帮助的技术难题吗？".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from db.models import Role
from nlp.analyzer import Analysis, Analyzer
from nlp.intent import Intent, is_union_service

MIN_CONFIDENCE = 0.25  # the classifier's calibrated probability of its best division; below: it is guessing
MIN_EVIDENCE = 2  # features of the text the model knows; fewer: next to nothing to go on
MIN_DOMAIN_WORDS = 1  # industry-vocabulary words; none: the router saw a problem only by a cue such as 怎么办
MIN_TRAINING_INTENT = 0.8  # a training need the router is this sure of goes in: its industry step asks on its own
DEMAND_INTENTS = (Intent.PROBLEM, Intent.TRAINING)
# A registered worker's text is likelier a union question than an enterprise's (workers file few demands; the
# enterprise's 0.8 keeps technical questions ending in 有哪些 out of the union answers): a union matter the router
# ranks first wins at this probability without a cue word of its own (0.5 is also the floor cross-validation liked
# best over all phrasings, nlp/intent_cv.py). The same floor picks the union matter of a text its writer said is no
# technical problem ("不是，我有别的问题").
WORKER_UNION_FLOOR = 0.5

# What reads as a problem description rather than an enterprise's name (/report's 企业名称 step)
SENTENCE = re.compile(r"[，。！？；!?;]|\.\s+(?!(?:co|ltd|inc|llc|corp|limited)\b)\w", re.IGNORECASE)  # not "Co., Ltd."
COMPANY = re.compile(
    r"(?:公司|厂|廠|店|集团|集團|企业|企業|合作社|工作室|事务所|事務所|商行|经营部|經營部|门市部|門市部|农场|農場|中心"
    r"|co\.?|ltd\.?|inc\.?|llc|corp\.?|company|corporation|limited|group|factory|gmbh)$",
    re.IGNORECASE,
)
BRANCH = re.compile(r"\s*[（(][^（）()]*[）)]$")  # "（二厂）", "(Huzhou)"
MAX_NAME = 30  # characters: longer, without an enterprise's ending, it is a sentence
MIN_PROBLEM_WORDS = 2  # industry words that make a short text a problem ("数控机床主轴异响"), not "湖州注塑模具"


# The question "这是需要劳模工匠帮助的技术难题吗？" kept in the user's form draft ``intake`` (services/forms.py): "n" the
# number of the latest asked, "done" the numbers of the latest answered (pressed or a label typed), and while the
# latest waits its "text", "photo" and "message" (its message id). Numbers go on, so no old button ever answers a
# newer question.
WAITING, ANSWERED, STALE = "waiting", "answered", "stale"
DONE_KEPT = 20  # answered questions whose late presses are told so; an older one's is only stale


def asking(kept: Mapping[str, Any] | None, text: str, photo: str | None) -> dict[str, Any]:
    """A new question about ``text``: one number more than the last, answered or not (a newer one retires it)."""
    return {"n": int((kept or {}).get("n", 0)) + 1, "done": _done(kept), "text": text, "photo": photo}


def waiting(kept: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The question still waiting for an answer, if any."""
    return kept if kept and "text" in kept and kept.get("n") not in _done(kept) else None


def press_on(kept: Mapping[str, Any] | None, number: int) -> str:
    """What a press on question ``number``'s button is: the answer to the question ``WAITING``; ``ANSWERED`` when that
    question was answered already (typed, or pressed twice), told so and nothing done; else ``STALE`` (a newer
    question retired it unanswered, or none was kept)."""
    if number in _done(kept):
        return ANSWERED
    return WAITING if (question := waiting(kept)) is not None and question.get("n") == number else STALE


def answered(kept: Mapping[str, Any]) -> dict[str, Any]:
    """What is kept once the waiting question ``kept`` is answered: its number, among the answered."""
    return {"n": kept["n"], "done": [*_done(kept), kept["n"]][-DONE_KEPT:]}


def _done(kept: Mapping[str, Any] | None) -> list[int]:
    return list((kept or {}).get("done", []))


def union_floor(role: Role | None) -> float | None:
    """The intent router's floor for a union matter without a cue word, for a text written by ``role`` (None: the
    router's own)."""
    return WORKER_UNION_FLOOR if role is Role.WORKER else None


def not_a_demand(analyzer: Analyzer, text: str) -> Analysis:
    """``text`` once its writer said it is neither a technical problem nor a training need: the union matter the
    router ranks first for it (with its cue word, or at ``WORKER_UNION_FLOOR``), else ``other`` (not understood)."""
    analysis = analyzer.analyse(text)
    return replace(analysis, intent=analyzer.union_matter(text, WORKER_UNION_FLOOR) or Intent.OTHER)


CLAUSE = re.compile(r"[，,。.！!？?；;、\s]+")


def employer_reading(analyzer: Analyzer, analysis: Analysis) -> Analysis:
    """An enterprise's text the router took for a union matter (wages, a contract …) that also names a technical
    problem or training need in a clause of its own ("机器有点问题，工资也发不出来了") is read as that demand, so it
    is asked about (``sure_enough`` is not given the router's certainty): the union answers speak to a member about
    their own wages, not to the employer who pays them."""
    if not is_union_service(analysis.intent):
        return analysis
    clauses = [clause for clause in CLAUSE.split(analysis.text) if clause]
    if len(clauses) < 2:
        return analysis
    for clause in clauses:
        part = analyzer.analyse(clause)
        if is_demand(part):
            return replace(analysis, intent=part.intent, intent_confidence=0.0)
    return analysis


def is_demand(analysis: Analysis) -> bool:
    """The router took the text for a technical problem or a training need."""
    return analysis.intent in DEMAND_INTENTS


def sure_enough(analysis: Analysis) -> bool:
    """A problem or training text whose evidence is strong enough to open a draft without asking."""
    if analysis.intent is Intent.TRAINING and analysis.intent_confidence >= MIN_TRAINING_INTENT:
        return True
    p = analysis.industry
    return (
        is_demand(analysis)
        and p.confidence >= MIN_CONFIDENCE
        and p.evidence >= MIN_EVIDENCE
        and len(analysis.domain_words) >= MIN_DOMAIN_WORDS
    )


def reads_as_description(text: str, analyse: Callable[[str], Analysis] | None = None) -> bool:
    """``text``, typed as an enterprise's name, reads as a problem description: a sentence (its punctuation), long
    without an enterprise's ending (公司, 厂, 店, Co., Ltd. …), or a technical problem to the analyzer with at least
    ``MIN_PROBLEM_WORDS`` industry words. "湖州某制造有限公司", "杭州西湖区小明五金店", "Zhejiang ABC Co., Ltd." are
    names. ``analyse`` (the analyzer) runs only when punctuation, ending and length leave it open: a name answer is a
    step of /report's hot path."""
    name = BRANCH.sub("", text.strip())
    if SENTENCE.search(name):
        return True
    if COMPANY.search(name):
        return False
    if len(name) > MAX_NAME:
        return True
    if analyse is None:
        return False
    analysis = analyse(text)
    return is_demand(analysis) and len(analysis.domain_words) >= MIN_PROBLEM_WORDS

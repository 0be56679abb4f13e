"""Never guess silently: is the evidence that a text is a technical problem or a training need strong enough to
open a demand draft at once, or must the user be asked first?

One rule over what the analyzer found (nlp/analyzer.py): the text goes straight into /report only when the
industry classifier is reasonably sure, has features to go on, and the text holds industry vocabulary. Anything
weaker (e.g. "老板拖欠三个月工资怎么办", taken for a problem because of the cue 怎么办 and the stray word 三个,
with confidence 0.09) is asked about: "这是需要劳模工匠帮助的技术难题吗？".
"""

from __future__ import annotations

from nlp.analyzer import Analysis
from nlp.intent import Intent

MIN_CONFIDENCE = 0.25  # the classifier's calibrated probability of its best division; below: it is guessing
MIN_EVIDENCE = 2  # features of the text the model knows; fewer: next to nothing to go on
MIN_DOMAIN_WORDS = 1  # industry-vocabulary words; none: the router saw a problem only by a cue such as 怎么办
MIN_TRAINING_INTENT = 0.8  # a training need the router is this sure of goes in: its industry step asks on its own
DEMAND_INTENTS = (Intent.PROBLEM, Intent.TRAINING)


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

"""What no quoted sentence holds (types.Missing) -> the one sentence that tells the reader, checkably.

"The documents never mention “tanks”." is true of the whole library; "No passage gives a figure for
“exports”." of the passages shown below it; "The passages mention “migrants”, but none gives a
figure." when the target is there and its figure is not (grounding.py decided which). A reader can check each
by searching the documents or reading the passages.
"""

from __future__ import annotations

from collections.abc import Sequence

from .answer_types import LENGTH, TEMPERATURE, TIME, WEIGHT
from .instances import COUNT, MONEY, SHARE
from .types import ANSWER_TYPE, DATE, NAME, ORGANISATION, PERIOD, PERSON, PLACE, QUANTITY, TERM, Asks, Missing

# Returned without quoting anything as an answer when there is nothing more precise to say.
NOT_COVERED = "The documents do not appear to cover this question. The closest passages are listed below."
RELATED = "The closest passages are listed below: related to the question, not an answer to it."

INSTANCE_NAMES = {
    QUANTITY: "a figure",
    DATE: "a date",
    PERSON: "a person's name",
    NAME: "a name",
    ORGANISATION: "an organisation's name",
    PLACE: "a place",
}
# The figure a question wants in given units (answer_types.units): "none gives a sum of money".
UNIT_NAMES = {
    MONEY: "a sum of money",
    SHARE: "a percentage or share",
    COUNT: "a count",
    LENGTH: "a length",
    TIME: "a duration",
    TEMPERATURE: "a temperature",
    WEIGHT: "a weight",
}


def not_covered_text(missing: Sequence[Missing], asks: Asks | None, years: Sequence[int] = ()) -> str:
    """The not-covered answer: what is missing, in one sentence, then where the related passages are.
    `years`: the years the library names most, for a period it never names."""
    sentence = what_is_missing(missing, asks, years)
    return f"{sentence} {RELATED}" if sentence else NOT_COVERED


def what_is_missing(missing: Sequence[Missing], asks: Asks | None, years: Sequence[int] = ()) -> str:
    """One sentence for the first thing missing, in the order a reader can check them most easily:
    what the documents never mention, a period they never name, a missing figure (or date, name) of
    the target, a target or period no figure stands beside, a name no passage about it holds."""
    if not missing:
        return ""
    never = [m.text for m in missing if m.kind == TERM and not m.mentioned]
    if never:
        return f"The documents never mention {_joined(never, 'or')}."
    periods = [m.text for m in missing if m.kind == PERIOD and not m.mentioned]
    if periods:
        asked = _joined(periods, "or")
        if years:
            return f"The documents cover {_joined([str(y) for y in years], 'and', quoted=False)}, not {asked}."
        return f"The documents never mention {asked}."
    instance = ""
    if asks:
        instance = UNIT_NAMES.get(asks.units[0], "") if asks.units else ""
        instance = instance or INSTANCE_NAMES.get(asks.answer_type, "")
    target = list(asks.target) if asks else []
    lacks_instance = any(m.kind == ANSWER_TYPE for m in missing)
    terms = [m.text for m in missing if m.kind == TERM]
    absent_target = [t for t in target if t in terms]
    other_terms = [t for t in terms if t not in target]
    gaps = [m.text for m in missing if m.kind == PERIOD]
    of = _joined(target, "and") if target else ""
    if instance and (absent_target or (lacks_instance and not target)):
        return f"No passage gives {instance} for {of}." if of else f"No passage gives {instance}."
    if instance and lacks_instance:  # the target is there, its figure is not: a partial grounding
        return f"The passages mention {of}, but none gives {instance}."
    if gaps:
        return f"No passage gives {instance or 'an answer'} for {_joined(gaps, 'or')}."
    if other_terms:
        which = f"gives {instance}" if instance else "answers it"
        return f"No passage that {which} mentions {_joined(other_terms, 'or')}."
    return ""


def _joined(words: Sequence[str], conjunction: str, quoted: bool = True) -> str:
    """“tanks”, “tanks” or “exports”, “a”, “b” and “c”: the question's own words, quoted."""
    words = [f"“{w}”" if quoted else w for w in dict.fromkeys(words)]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"

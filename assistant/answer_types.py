"""A question -> the kind of answer it wants (a figure, a date, a name …), what that answer is of, and
the noun that only names its kind.

- **Answer type**: the first rule of _TYPE_RULES that matches, from the wh-word and the noun after
  it ("how many" a QUANTITY, "when" a DATE, "who leads" a PERSON, "which agency" an ORGANISATION).
- **Units**: "how wide", "how long", "how old", "what temperature" want a figure in units of length,
  time, degrees …: "20%" does not answer "How wide is the Strait?". "How much did it pay/spend/cost"
  wants a sum of money ("60 ships" does not answer it), "what share" a percentage or fraction, "how
  many people" a count ("$98 billion" does not answer it).
- **Target**: the nouns the figure, date or name is *of*: "exports" in "What share of Belarus's
  exports go to Russia?", "treaty" in "When was the Union State treaty signed?". An answer's figure
  must stand beside them, or it is a figure of something else; a forecast must say it is one ("is
  expected to be", "outlook"). A figure asked *per* something ("each ship", "per year", "in each of
  its offices") is of that too: "198 employees" is no count per office.
- **Heads**: the noun that says what kind of thing the answer is ("Which military *alliance*",
  "What *nickname*", "the *name* of the expert"): the answer is an instance of it, and need not say it.
"""

from __future__ import annotations

import re

from .instances import COUNT, MONEY, SHARE
from .lexical import terms
from .types import DATE, DESCRIPTION, LIST, NAME, ORGANISATION, PERSON, PLACE, QUANTITY, REASON
from .word_classes import MODIFIER, NOUN, QUESTION_VERBS, QUESTION_WORDS, VERB, WORD, bare, classes, is_modifier
from .word_classes import NAME as NAME_WORD

LENGTH, TIME, PAGES, TEMPERATURE, WEIGHT = "length", "time", "pages", "temperature", "weight"

_QUANTITY_NOUNS = (
    r"revenue|revenues|sales|income|profit|profits|loss|losses|earnings|eps|cost|costs|expense|expenses|"
    r"spending|price|prices|rate|rates|ratio|margin|margins|amount|total|number|value|size|share|"
    r"percentage|proportion|growth|debt|cash|assets|liabilities|equity|budget|funding|appropriations?|"
    r"population|capacity|volume|output|gdp|deficit|surplus|dividend|dividends|capex|salary|wages?|"
    r"compensation|capitali[sz]ation|valuation|fees?|tolls?|premiums?|payments?"
)
# Nouns and verbs that make "who" ask for a person's name; any other "who" may be answered by a
# company or an agency ("Who paid for the study?").
_PERSON_NOUNS = (
    r"authors?|experts?|officials?|ceo|cfo|president|leaders?|chair|chairman|chairwoman|head|director|"
    r"minister|secretary|founder|executive|judge|senator|spokes(?:man|woman|person)|governor|"
    r"commissioner|administrator|person|people|members? of (?:congress|parliament|the \w+)"
)
_PERSON_VERBS = r"leads|led|heads|headed|chairs|chaired|founded|runs|ran|signed"
_ORGANISATIONS = (
    r"company|companies|firm|firms|agency|agencies|organi[sz]ations?|bank|banks|institution|institutions|"
    r"department|ministry|body|bodies|entity|entities|customer|customers|foundry|supplier|suppliers|"
    r"distributor|distributors|auditor|carmaker|manufacturer|manufacturers"
)
_TYPE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (
            r"\bwhy\b|\bfor what reasons?\b|\bwhat (?:drove|drives|caused|causes|explains?|led to)\b|"
            r"\breasons? (?:for|behind|why)\b",
            REASON,
        ),
        (rf"\bname of (?:the|its|their) (?:\w+ ){{0,2}}(?:{_PERSON_NOUNS})\b", PERSON),
        (r"\bname of (?:the|its|their)\b", NAME),
        (
            # "how far" asks for a distance only as "how far is X from Y"; "how far does X follow" is no figure
            r"\bhow (?:many|much)\b|\bhow (?:large|big|high|low|fast|long|often|wide|tall|deep|heavy|old)\b|"
            r"\bhow far (?:is|are|was|were)\b|\bwhat (?:share|percentage|percent|proportion|fraction|portion)\b|"
            r"\bat what (?:temperature|price|rate|cost|level)\b",
            QUANTITY,
        ),
        (
            # "when" asking, not "When Amazon split its stock, what was …"
            r"\bwhen (?:was|were|did|does|do|is|are|has|have|had|will|would|can|could|should|might)\b|"
            r"\b(?:in |by |since )?(?:what|which) (?:year|date|month|day|quarter)\b|\b(?:since|until) when\b"
            r"|\bwhat (?:is|was|were) the (?:\w+ ){0,2}(?:year|date)\b",
            DATE,
        ),
        (
            rf"^\W*who(?:m|se)?\b.*\b(?:{_PERSON_NOUNS})(?![\w-])|^\W*who (?:{_PERSON_VERBS})\b|"
            rf"\b(?:which|what) (?:\w+ )?(?:{_PERSON_NOUNS})(?![\w-])",
            PERSON,
        ),
        # "who" that asks, not "people who borrow"
        (r"^\W*(?:and |but |so )?who(?:m|se)?\b|[,;:]\s*who(?:m|se)?\b", NAME),
        (rf"\b(?:which|what) (?:\w+ )?(?:{_ORGANISATIONS})\b", ORGANISATION),
        (
            r"\bwhere\b|\b(?:which|what) (?:\w+ )?(?:country|countries|city|cities|regions?|states?|places?|"
            r"locations?|provinces?|ports?|sites?)\b",
            PLACE,
        ),
        (rf"\bwhat (?:is|was|were|are|will be)\b[^?.]*?\b(?:{_QUANTITY_NOUNS})\b", QUANTITY),
        (rf"\bwhat (?!kinds?\b|types?\b|sorts?\b)(?:[\w-]+ ){{0,2}}(?:{_QUANTITY_NOUNS})\b", QUANTITY),
        # No wh-word at all ("Amazon's current ratio at the end of Q1 2023?"): a measure's name asks for it.
        (rf"^(?!.*\b(?:what|which|who|whom|when|where|why|how)\b).*\b(?:{_QUANTITY_NOUNS})\b", QUANTITY),
        (
            r"\b(?:which|what) (?:\w+ )?(?:countries|cities|regions|states|places|products|programs|programmes|"
            r"sectors|segments|minerals|members|types|kinds|factors|risks|steps|measures|options|areas)\b|"
            r"\bwhat are the\b|\blist\b|\bname the\b",
            LIST,
        ),
    )
)
_UNIT_RULES = (
    (re.compile(r"\bhow (?:wide|far|tall|deep|high)\b", re.IGNORECASE), (LENGTH,)),
    (re.compile(r"\bhow long\b", re.IGNORECASE), (LENGTH, TIME, PAGES)),
    (re.compile(r"\bhow old\b", re.IGNORECASE), (TIME,)),
    (re.compile(r"\bwhat temperature\b", re.IGNORECASE), (TEMPERATURE,)),
    (re.compile(r"\bhow heavy\b", re.IGNORECASE), (WEIGHT,)),
    (
        re.compile(
            r"\bhow much money\b|\bhow much\b.*\b(?:pays?|paid|paying|spends?|spent|spending|costs?|costing|"
            r"charges?|charged|charging|earns?|earned|earning|give|gives|gave|given|receives?|received|raised?|"
            r"borrow(?:s|ed)?|lend|lends|lent|owes?|owed|invest(?:s|ed)?|fund(?:s|ed)?|allocated?|"
            r"appropriated?|budget(?:s|ed)?|fined?|sell for|sold for)\b"
            r"|\b(?:at )?(?:what|which) (?:\w+ )?(?:price|cost|fee|toll|premium|payment)s?\b",
            re.IGNORECASE,
        ),
        (MONEY,),
    ),
    (
        re.compile(r"\bwhat (?:share|percentage|percent|proportion|fraction|portion)\b", re.IGNORECASE),
        (SHARE,),
    ),
    (re.compile(r"\bhow many\b(?!\s+(?:dollars|euros|pounds|rubles|yuan)\b)", re.IGNORECASE), (COUNT,)),
)

# A question that asks for a forecast wants one the answer says it is: a past quarter's revenue does not
# answer "What revenue does it forecast for the next quarter?". Not "expected": as often an estimate
# ("the years its video content is expected to remain in use") as a forecast.
FORECAST = "forecast"
_FORECAST = re.compile(
    r"\b(?:forecasts?|forecasted|outlook|guidance|guide[sd]?|predicts?|predicted|projected)\b",
    re.IGNORECASE,
)
# "each ship", "per year", "in each of its six regional offices": what a figure is asked per.
_PER = re.compile(
    r"\b(?:each|per|every)\s+(?:of\s+)?(?P<span>(?:[\w'’-]+\s+){0,4}?[\w'’-]+)(?=\s*(?:[?,.;]|$|\s+"
    r"(?:in|on|at|by|for|to|from|with|during|since|between|through|that|which|who|and|or|per|each)\b))",
    re.IGNORECASE,
)
# Where the noun phrase an answer is asked about stands, in the order tried: after "how many",
# "what share of", "what was", "which …", "when was", "how large was".
_ENDS = (
    r"(?:is|are|was|were|be|been|do|does|did|has|have|had|will|would|can|could|should|may|might|in|on|at|"
    r"by|for|to|from|with|as|during|since|between|through|into|over|under|per|each|that|which|who|whose|"
    r"when|where|after|before|about|if|and|or)\b"
)
_TARGETS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\bhow\s+(?:many|much)\s+(?:of\s+)?(?P<span>.*?)\s+{_ENDS}",
        r"\bwhat\s+(?:share|percentage|percent|proportion|fraction|portion|part|amount|number|total|value|"
        rf"level|size|sum)\s+of\s+(?P<span>.*?)\s+{_ENDS}",
        rf"\bwhat\s+(?:is|was|were|are)\s+(?:the\s+)?(?:name\s+of\s+(?:the\s+)?)?(?P<span>.*?)(?:\s+{_ENDS}|\?|$)",
        rf"\b(?:what|which)\s+(?P<span>.*?)\s+{_ENDS}",
        r"\bwhen\s+(?:was|were|did|does|do|is|are|has|have|will)\s+(?P<span>.*?)\s+(?:\w+ed|\w+en|begin|start|"
        r"end|take|come|become|sign|happen|occur|open|close|launch|publish|issue)\b",
        r"\bhow\s+(?:large|big|wide|long|high|fast|old|deep|heavy)\s+(?:a\s+|an\s+)?(?:is|was|were|are)\s+"
        rf"(?P<span>.*?)(?:\s+{_ENDS}|\?|$)",
    )
)
# Words that say what kind of answer is wanted, never what it is of.
_KIND_WORDS = frozenset(
    """share percentage percent proportion fraction portion part amount number total value level size sum year
    date month day quarter name kind kinds type types sort company firm person people country place city
    organisation organization organisations organizations""".split()
)
_MONEY_WORDS = frozenset("price prices cost costs fee fees toll tolls premium premiums payment payments".split())
_NAME_OF = re.compile(r"\bname of (?:the|its|their)\s+", re.IGNORECASE)
_KIND_OF = re.compile(r"\b(?:what|which)\s+(?:\w+\s+)?(?:kinds?|types?|sorts?)\s+of\s+", re.IGNORECASE)
_WHOSE = re.compile(r"\b(?:which|what)\s+([\w-]+)['’]s\b", re.IGNORECASE)  # "Which carmaker's vehicles …"
_WH = re.compile(r"\b(?:what|which)\s+", re.IGNORECASE)
_DETERMINERS = frozenset("the a an its their his her our your my this that these those own".split())


def answer_type(question: str) -> str:
    """The kind of answer the question wants (the first rule of _TYPE_RULES that matches); DESCRIPTION
    when none does."""
    for pattern, kind in _TYPE_RULES:
        if pattern.search(question):
            return kind
    return DESCRIPTION


def units(question: str) -> tuple[str, ...]:
    """The units a figure answering the question must be in ("how wide": LENGTH), or () for any."""
    return next((kinds for pattern, kinds in _UNIT_RULES if pattern.search(question)), ())


def heads(question: str) -> frozenset[str]:
    """The nouns (lower case) that name the kind of thing the answer is: the last noun of the phrase
    right after "what"/"which" ("alliance" in "Which military alliance do …", "bank" in "Which bank
    acted …"), after "what kind of" ("regimes") and "the name of the" ("expert" in "the name of the
    Russian expert who …"), and the owner in "Which carmaker's vehicles …"."""
    word_classes = classes(question)
    found = {m.group(1) for m in _WHOSE.finditer(question)}
    for match in [*_KIND_OF.finditer(question), *_NAME_OF.finditer(question), *_WH.finditer(question)]:
        nouns = []
        for word in WORD.findall(question[match.end() :]):
            base = bare(word)
            if word_classes.get(base) not in (NOUN, MODIFIER, NAME_WORD) or base.lower() in QUESTION_WORDS:
                break
            if word_classes.get(base) == NOUN:
                nouns.append(base)
            if base != word:  # a possessive ends the phrase
                break
        if nouns:
            found.add(nouns[-1])
    return frozenset(word.lower() for word in found)


def target(question: str, kind: str = QUANTITY) -> tuple[str, ...]:
    """The nouns the asked figure, date or name is of: the first noun phrase of the first pattern of
    _TARGETS that matches, its names aside (they are checked on their own), as are modifiers before
    its last word, function and kind words, and (but for a figure, whose noun is its measure:
    "What *revenue* …") the head that names the answer's kind."""
    word_classes = classes(question)
    ignored = _KIND_WORDS | (heads(question) if kind != QUANTITY else frozenset())
    if MONEY in units(question):  # "What price did it pay": a sum of money is a price, whatever it is of
        ignored |= _MONEY_WORDS
    per = _per(question, word_classes) if kind == QUANTITY else ()
    ahead = (FORECAST,) if _FORECAST.search(question) else ()
    for pattern in _TARGETS:
        match = pattern.search(question)
        if not match:
            continue
        phrase = _first_phrase(match.group("span"), word_classes)
        found = [
            word
            for i, word in enumerate(phrase)
            if word_classes.get(word) not in (NAME_WORD, VERB)
            and word.lower() not in ignored
            and terms([word])[0]  # a stopword is no target
            and (i == len(phrase) - 1 or not is_modifier(word))
        ]
        if found:
            return tuple(dict.fromkeys([*found, *per, *ahead]))
    return (*per, *ahead)


def per(question: str) -> tuple[str, ...]:
    """The nouns a figure is asked per ("ship" in "How much does it pay each ship?")."""
    return _per(question, classes(question))


def _per(question: str, word_classes: dict[str, str]) -> tuple[str, ...]:
    """The noun a figure is asked per: "ship" in "charging each ship", "offices" in "in each of EDA's six
    regional offices", "year" in "per year" (a share is asked per something too: "per share")."""
    found = []
    for match in _PER.finditer(question):
        words = [bare(w) for w in WORD.findall(match.group("span"))]
        nouns = [w for w in words if word_classes.get(w) == NOUN and w.lower() not in QUESTION_WORDS]
        if nouns:
            found.append(nouns[-1])
    return tuple(found)


def _first_phrase(span: str, word_classes: dict[str, str]) -> list[str]:
    """The words of the span's first noun phrase: up to a verb, or a determiner after a content word
    ("the fine | the Italian competition regulator imposed …"). A participle that could be an adjective
    stays in the phrase when a word follows it ("liquefied natural gas"), not at its end ("bison live")."""
    words = [bare(word) for word in WORD.findall(span)]
    phrase: list[str] = []
    for i, base in enumerate(words):
        lower = base.lower()
        if phrase and lower in _DETERMINERS:
            break
        if lower in _DETERMINERS or lower in QUESTION_WORDS:
            continue
        participle = is_modifier(base) or lower.endswith(("ed", "en"))
        qualifies = participle and i + 1 < len(words) and words[i + 1].lower() not in _DETERMINERS
        if (word_classes.get(base) == VERB and not qualifies) or lower in QUESTION_VERBS:
            break
        phrase.append(base)
    return phrase

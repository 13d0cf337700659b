"""A question's words -> their class: a name, a noun, a verb or a modifier. The only module importing lemminflect.

What a question asks for is carried by its names and nouns ("How many *tanks* does the *Belarusian*
army have?"); its verbs and modifiers ("call off", "big", "roughly") are said in the reader's own
words and an answer need not repeat them. No tagger model can be installed here, so a word's class
comes from lemminflect's English lexicon (the classes a word can have, shipped inside its wheel)
and from where it stands in the question:
- capitalised past the first word, an acronym, or with a digit ("H100"): a **name**;
- a word the lexicon does not know ("carmaker", "go-between"): a **noun**;
- a word that cannot be a noun: a **verb** (it can be one) or a **modifier** (adjectives, adverbs);
- a word that can be a noun and a verb is a verb where questions put verbs: after "to", a modal or
  "who"; as the first noun-or-verb word after "do/does/did" and a subject ("Do Belarusians
  *regard* …", "did Minsk *host*"); after a plural noun and before a preposition, a determiner or a
  name ("exports *go* to", "regimes *run* Belarus"); elsewhere a noun ("How many *tanks*").
"""

from __future__ import annotations

import re
from functools import lru_cache

NAME = "name"
NOUN = "noun"
VERB = "verb"
MODIFIER = "modifier"

# Words that ask the documents to speak, or that every question has: never a focus term.
QUESTION_WORDS = frozenset(
    """what which who whom whose when where why how whether does do did done is are was were be been
    being has have had can could should would will may might must shall please tell me us say says said
    according describe described mention mentions mentioned give gives given state states stated list
    name explain report reports reported document documents text summary passage filing filings
    about any some much many more most less least all each other than also very there their its it
    this that these those them they he she his her our your we you i an a the of in on at by for to
    from with as and or but not no nor so if into onto over under between during after before since
    until within without per via among longer still yet ever already currently now again
    against toward towards across through throughout beyond despite upon along amid amidst around behind
    below beneath beside besides near outside inside regarding concerning unlike versus whereas while
    though although because unless either neither both""".split()
)
# Verbs a question puts around what it asks ("Who paid for …", "Which countries does it examine?"):
# rare in a library or not, they are not what an answer must mention, and they are always verbs.
QUESTION_VERBS = frozenset(
    """go goes went gone going come comes coming pay pays paid paying examine examines examined act acts acted establish
    established rise rises rose risen fall falls fell change changed changes affect affected include
    includes included compare compared expect expects expected plan plans planned happen happened use
    used uses make made makes take took taken get got gets see seen show shows showed shown find found
    work worked come came lead led cause caused drive drove driven increase increased decrease decreased
    grow grew grown spend spent receive received provide provided consider considered respond responded
    play played serve served face faced hold holds held keep kept become became offer offered allow allowed""".split()
)
# A question's word: letters, with inner apostrophes and hyphens ("Belarus's", "go-between", "H100").
WORD = re.compile(r"[A-Za-z][\w'’-]*[A-Za-z0-9]|[A-Za-z]")
_VERB_CUES = frozenset("to will would can could should may might must who not".split())
# What follows a verb, not a noun, after a plural subject: "exports go *to*", "regimes run *the* …".
_AFTER_VERB = frozenset("to from into in on at for with the a an its their this that these those".split())
_DO = frozenset({"do", "does", "did"})


@lru_cache(maxsize=8192)
def lexical_classes(word: str) -> frozenset[str]:
    """The classes the lexicon gives the word ("NOUN", "VERB", "ADJ", "ADV", …); empty when it does not
    know it, which is how names and new compounds look."""
    from lemminflect import getAllLemmas  # its lexicon loads on first use, not when the CLI starts

    return frozenset(getAllLemmas(word.lower()))


def is_known(word: str) -> bool:
    """The lexicon knows the word: a common English word, not a name like "Lukashenko" or "Micron"."""
    return bool(lexical_classes(word))


def is_modifier(word: str) -> bool:
    """The word can be an adjective or an adverb ("common", "first", "heavy"): it qualifies what an
    answer is about, and an answer may well say it in other words."""
    return bool({"ADJ", "ADV"} & lexical_classes(word))


def bare(word: str) -> str:
    """The word without a possessive ("Belarus's" -> "Belarus")."""
    return re.sub(r"['’]s?$", "", word) or word


def classes(question: str) -> dict[str, str]:
    """Each word of the question (as written, and without a possessive 's) -> NAME, NOUN, VERB or MODIFIER."""
    words = WORD.findall(question)
    found: dict[str, str] = {}
    after_do: int | None = None  # where the last "do/does/did" stands
    verb_since_do = False
    for i, word in enumerate(words):
        base = bare(word)
        kind = _class(base, i, words[i - 1] if i else "", after_do, verb_since_do, found)
        following = words[i + 1] if i + 1 < len(words) else ""
        if (
            kind == NOUN
            and "VERB" in lexical_classes(base)
            and i > 0
            and found.get(words[i - 1]) == NOUN
            and words[i - 1].lower().endswith("s")
            and (following.lower() in _AFTER_VERB or following[:1].isupper())
        ):
            kind = VERB
        if word.lower() in _DO:
            after_do, verb_since_do = i, False
        elif after_do is not None and (kind == VERB or (i > after_do + 1 and found.get(words[i - 1]) in (NAME, NOUN))):
            verb_since_do = True  # the verb's place after the subject is taken, a verb or not
        found[word] = found[base] = kind
    return found


def _class(
    word: str, position: int, previous_word: str, after_do: int | None, verb_since_do: bool, found: dict[str, str]
) -> str:
    previous = previous_word.lower()
    lexicon = lexical_classes(word)
    if word.lower() in QUESTION_VERBS:
        return VERB
    if (position > 0 and word[0].isupper()) or any(c.isdigit() for c in word) or (len(word) > 1 and word.isupper()):
        return NAME
    if not lexicon:
        return NOUN
    if "NOUN" not in lexicon and "PROPN" not in lexicon:
        return VERB if "VERB" in lexicon else MODIFIER
    if "VERB" in lexicon:
        if previous in _VERB_CUES or lexical_classes(previous) == {"ADV"}:  # "currently *holds*"
            return VERB
        # "did Minsk host", "Do Belarusians regard": the first word after the subject of do-support
        if (
            after_do is not None
            and position > after_do + 1
            and not verb_since_do
            and found.get(previous_word) in (NAME, NOUN)
        ):
            return VERB
    return NOUN

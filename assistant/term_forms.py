"""Text -> the extra forms in which people write the same names, years and periods, for BM25.

A file name like `ACME_2022_10K.pdf` is one word to a tokenizer, so a question naming "Acme" and
"2022" matches nothing of it; "FY2022" matches no "2022"; "the third quarter of 2023" shares no
word with "Q3 2023". Every text BM25 sees, passages, document profiles and questions alike, gets
the forms below added after it (the text itself is left as it is, so nothing that matched before
stops matching):
- identifiers split where people would put a space: `ACME_2022_10K` -> ACME 2022 10K,
  `AcmeCorp` -> Acme Corp, `FY2022` -> FY 2022;
- two-digit fiscal years spelled out: FY22, FY'22 -> 2022;
- quarters in one form: "third quarter", "3rd quarter", "3Q" -> q3;
- a quarter with its year as one term, whatever the word order: "Q3 2023", "third quarter of
  fiscal 2023", "fiscal 2023 third quarter", "Q3 FY23", "2023 Q3" -> q3of2023, so a question about
  one quarter prefers the filing of that quarter over the same company's others.
"""

from __future__ import annotations

import re

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_ORDINAL = "|".join(_ORDINALS)

# A word glued from parts: underscores, a lower-to-upper case change, or a year run into letters.
_GLUED = re.compile(r"\b\w*(?:_|[a-z][A-Z]|[A-Za-z](?:19|20)\d\d|(?:19|20)\d\d[A-Za-z])\w*\b")
_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_TWO_DIGIT_FY = re.compile(r"\bFY\s?'?(\d\d)\b", re.IGNORECASE)

_YEAR = r"(?:FY\s?|fiscal\s+(?:year\s+)?)?((?:19|20)\d\d)"  # two-digit fiscal years are spelled out first
_QUARTER = rf"(?:Q([1-4])|({_ORDINAL})[\s-]+(?:fiscal\s+)?quarter|([1-4])Q)"
# "Q3 2023", "third quarter of fiscal year 2023", "Q3 FY23", "3Q 2023"
_QUARTER_YEAR = re.compile(rf"\b{_QUARTER}(?:\s+of)?(?:\s+the)?[\s,']*{_YEAR}\b", re.IGNORECASE)
# "fiscal 2023 third quarter", "FY2023 Q3", "2023 Q3", "fiscal year 2024's second quarter"
_YEAR_QUARTER = re.compile(rf"\b{_YEAR}(?:'s)?[\s,]+{_QUARTER}", re.IGNORECASE)
_QUARTER_ALONE = re.compile(rf"\b(?:({_ORDINAL})[\s-]+(?:fiscal\s+)?quarter|([1-4])Q(?=\d\d\b|\s))", re.IGNORECASE)


def extra_forms(text: str) -> list[str]:
    """The forms of the names, years and periods in text that the text does not already spell."""
    forms: list[str] = []
    for match in _GLUED.finditer(text):
        pieces = [piece for piece in match.group().split("_") if piece]
        for piece in pieces:
            parts = _PART.findall(piece)
            # "3M" stays a word of its own beside its parts: a name, not a number and a letter
            forms += ([piece] if len(pieces) > 1 else []) + (parts if len(parts) > 1 else [])
    forms += [_full_year(m.group(1)) for m in _TWO_DIGIT_FY.finditer(text)]
    for match in _QUARTER_ALONE.finditer(text):
        forms.append(f"q{_quarter_number(match.group(1) or match.group(2))}")
    text = _TWO_DIGIT_FY.sub(lambda m: f"FY{_full_year(m.group(1))}", text)
    for match in _QUARTER_YEAR.finditer(text):
        quarter = match.group(1) or match.group(2) or match.group(3)
        forms.append(f"q{_quarter_number(quarter)}of{_full_year(match.group(4))}")
    for match in _YEAR_QUARTER.finditer(text):
        quarter = match.group(2) or match.group(3) or match.group(4)
        forms.append(f"q{_quarter_number(quarter)}of{_full_year(match.group(1))}")
    return forms


def with_forms(text: str) -> str:
    """The text followed by its extra forms: what BM25 indexes and searches."""
    forms = extra_forms(text)
    return f"{text}\n{' '.join(forms)}" if forms else text


def _quarter_number(word: str) -> int:
    return int(word) if word.isdigit() else _ORDINALS[word.lower()]


def _full_year(digits: str) -> str:
    return digits if len(digits) == 4 else f"20{digits}"

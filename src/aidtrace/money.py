"""Numbers: money values and counts of items.

    parse_money("€50 million")       -> (50000000.0, "EUR")
    parse_money("2 bn hryvnias")     -> (2000000000.0, "UAH")
    parse_money("50 million people") -> None        (no currency, no money)
    parse_quantity("two dozen")      -> 24
    parse_quantity("a third hospital") -> 1

The spaCy component ``aidtrace_money`` fills ``doc._.money`` with ``MoneyMention``s found by one
regex over ``doc.text`` (no token or NER work, so it costs next to nothing). Currency symbols,
codes and names, scale words and number words live in ``aidtrace/data/*.tsv``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any


from .mentions import MoneyMention
from .wordlists import rows

if TYPE_CHECKING:  # spaCy only for the annotations; pipeline.py registers the component
    from spacy.tokens import Doc



def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so the longest one wins."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    """The word lists of the data files and the money regex built from them (loaded once)."""
    symbols: dict[str, str] = {}
    codes: dict[str, str] = {}
    words: dict[str, str] = {}
    for kind, text, iso in rows("currencies.tsv"):
        {"symbol": symbols, "code": codes, "word": words}[kind][text.lower()] = iso
    multipliers = {word.lower(): float(factor) for word, factor in rows("multipliers.tsv")}
    numbers = {word.lower(): int(value) for word, value in rows("numbers.tsv")}

    number = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    # A range ("EUR6-7 billion") is read as its lower bound; the scale after it applies to both.
    upper = rf"(?:\s?[-–]\s?(?:{number}))?"
    scale = upper + rf"(?:\s*(?P<GROUP>{_alternation(multipliers)})\b)?"
    # Words are written with any spacing; let one space in the data match any whitespace.
    word_alt = _alternation(words).replace(r"\ ", r"\s+")
    money = re.compile(
        # "€50 million", "US$ 400m", "C$500 million"
        rf"(?<![\w$])(?P<sym>{_alternation(symbols)})\s?(?P<n1>{number}){scale.replace('GROUP', 'm1')}"
        # "EUR 5 million", "UAH 2 billion"
        rf"|\b(?P<code1>{_alternation(codes)})\s?(?P<n2>{number}){scale.replace('GROUP', 'm2')}"
        # "5 million euros", "2 bn hryvnias", "1.5 billion USD", "500 million Canadian dollars"
        rf"|(?<![\w.,])(?P<n3>{number}){scale.replace('GROUP', 'm3')}\s*(?:(?P<code2>{_alternation(codes)})|(?P<word>{word_alt}))\b"
        # "a billion euros", "three billion dollars", "a hundred thousand hryvnias": number words
        # only before a written-out scale and a currency name, where they cannot be anything else.
        rf"|\b(?P<w4>{_alternation(numbers)})(?:\s+(?P<h4>hundred))?\s+(?P<m4>thousand|million|billion|trillion)\s+"
        rf"(?P<word4>{word_alt})\b",
        re.IGNORECASE,
    )
    return {
        "symbols": symbols,
        "codes": codes,
        "words": {" ".join(k.split()): v for k, v in words.items()},
        "multipliers": multipliers,
        "numbers": numbers,
        "money": money,
    }


def _amount(number: str, scale: str | None, multipliers: dict[str, float]) -> float:
    value = float(number.replace(",", ""))
    if scale:
        value *= multipliers[scale.lower()]
    return value


# Currency names that are also units of weight: money only after a scale word.
WEIGHT_WORDS = frozenset({"pound", "pounds"})

# Every money value holds a digit, a currency symbol or a written-out scale word. Python's re
# tries each alternative of the money regex at every position, which is slow on long texts, so
# it runs only in windows around these anchors (measured: about 4x faster on the corpora).
_ANCHOR = re.compile(r"[\d€$£₴¥]|(?:thousand|million|billion|trillion)", re.IGNORECASE)
# How far a money value can reach before its first anchor ("a hundred thousand", "U.S.$") and
# after its last one ("... New Zealand dollars").
_BEFORE, _AFTER = 40, 80


def _windows(text: str) -> Iterator[tuple[int, int]]:
    """Disjoint [start, end) ranges of ``text`` around the anchors, in order."""
    start = end = -1
    for anchor in _ANCHOR.finditer(text):
        low, high = max(0, anchor.start() - _BEFORE), min(len(text), anchor.end() + _AFTER)
        if low > end:
            if end > start:
                yield start, end
            start = low
        end = high
    if end > start:
        yield start, end


def find_money(text: str) -> list[MoneyMention]:
    """Every money value in a text, in order of appearance."""
    tables = _tables()
    found: list[MoneyMention] = []
    pattern: re.Pattern = tables["money"]
    # Lookbehinds and \b see the characters before a window's start, so a window cannot start
    # a match in the middle of a word.
    matches = (match for start, end in _windows(text) for match in pattern.finditer(text, start, end))
    for match in matches:
        if match["sym"] is not None:
            # Codes are upper case in running text; "eur 5" or "Sek" would be something else.
            currency = tables["symbols"][match["sym"].lower()]
            amount = _amount(match["n1"], match["m1"], tables["multipliers"])
        elif match["code1"] is not None:
            if not match["code1"].isupper():
                continue
            currency = tables["codes"][match["code1"].lower()]
            amount = _amount(match["n2"], match["m2"], tables["multipliers"])
        elif match["w4"] is not None:
            currency = tables["words"][" ".join(match["word4"].lower().split())]
            amount = float(tables["numbers"][match["w4"].lower()]) * tables["multipliers"][match["m4"].lower()]
            if match["h4"]:
                amount *= 100
        else:
            if match["code2"] is not None:
                if not match["code2"].isupper():
                    continue
                currency = tables["codes"][match["code2"].lower()]
            else:
                word = " ".join(match["word"].lower().split())
                if word in WEIGHT_WORDS and not match["m3"]:
                    continue  # "500 pounds of explosives" is a weight, "2 million pounds" money
                currency = tables["words"][word]
            amount = _amount(match["n3"], match["m3"], tables["multipliers"])
        found.append(MoneyMention(match.start(), match.end(), match.group(), amount, currency))
    return found


def parse_money(text: str) -> tuple[float, str] | None:
    """The first money value of a short text as (amount, ISO 4217 currency), or None."""
    found = find_money(text)
    return (found[0].amount, found[0].currency) if found else None


_QUANTITY_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?![.,]\d)\b")


def parse_quantity(text: str) -> int | None:
    """The count a phrase begins with: "12 howitzers" → 12, "twelve" → 12, "two dozen" → 24,
    "a third hospital" → 1, "1,000" → 1000; None for no count or a vague one ("thousands")."""
    tables = _tables()
    numbers: dict[str, int] = tables["numbers"]
    words = text.strip().lower().replace("-", " ").split()
    if not words:
        return None
    match = _QUANTITY_DIGITS.match(words[0])
    if match:
        value = int(match.group(1).replace(",", ""))
        if len(words) > 1 and words[1] == "dozen":
            value *= 12
        elif len(words) > 1 and words[1] in ("thousand", "million"):
            value *= 1000 if words[1] == "thousand" else 1_000_000
        return value
    first = words[0]
    if first not in numbers:
        return None
    if first in ("a", "an") and len(words) > 1:
        # "a dozen" is 12, "a couple of" 2, "a pair of" 2; "a third hospital" is one hospital.
        if words[1] in ("dozen", "couple", "pair"):
            return numbers[words[1]]
        if words[1] in ("hundred", "thousand"):
            return 100 if words[1] == "hundred" else 1000
        return 1
    value = numbers[first]
    rest = words[1:]
    # "twenty five" (after the hyphen was split): tens followed by a unit.
    if value >= 20 and value % 10 == 0 and rest and rest[0] in numbers and numbers[rest[0]] < 10 and rest[0] not in ("a", "an"):
        value += numbers[rest[0]]
        rest = rest[1:]
    if rest and rest[0] == "dozen":
        value *= 12
    elif rest and rest[0] == "hundred":
        value *= 100
    elif rest and rest[0] == "thousand":
        value *= 1000
    return value


def annotate_money(doc: Doc) -> Doc:
    """spaCy component: ``doc._.money`` = the money values of ``doc.text``, sorted by offset."""
    doc._.money = find_money(doc.text)
    return doc

"""Dates: find date expressions in a Doc and resolve them against the publication date.

    resolve_date("on April 24", "2023-04-25")   -> "2023-04-24"
    resolve_date("this July", "2023-04-25")     -> "2023-07"
    resolve_date("last week", "2023-04-25")     -> None   (too vague to be a date of ours)
    normalise_published("Mon, 24 Apr 2023 18:00:00 GMT") -> "2023-04-24"

The spaCy component ``aidtrace_dates`` fills ``doc._.dates`` with ``DateMention``s. Candidates
are the NER's DATE entities plus a cheap regex for the full forms NER sometimes misses. All
forms are resolved by our own regexes, fast and predictable. dateparser is deliberately not
used: on the NER DATE texts of the corpora, every form it could add (a month name anywhere) is
already caught by the month regexes, and the rest it would parse are years, spans ("last
week") or numbers that are not dates of ours.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import re
from datetime import date, datetime, timedelta
from functools import lru_cache


from .mentions import DateMention

if TYPE_CHECKING:  # spaCy only for the annotations; pipeline.py registers the component
    from spacy.tokens import Doc

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Longest names first so "september" wins over "sep".
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Full and partial forms, tried in order on the lower-cased entity text.
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
_DMY_NUMERIC = re.compile(r"\b(?P<day>[0-3]?\d)[./](?P<month>[01]?\d)[./](?P<year>(?:19|20)\d\d)\b")
_DAY_MONTH = re.compile(rf"\b(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}(?!\d)(?:,?\s+{_YEAR})?\b")
_MONTH_ONLY = re.compile(rf"\b(?P<which>this|last|next|in|early|late|mid|mid-|of|since)?\s*-?{_MONTH}(?:,?\s+{_YEAR})?\b")
_RELATIVE_DAY = re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow)\b")
_THIS_PART = re.compile(r"\b(?:this|earlier this|later this)\s+(?:morning|afternoon|evening)\b")
_WEEKDAY = re.compile(
    r"\b(?P<which>last|this|next|on|past)?\s*(?P<weekday>" + "|".join(WEEKDAYS) + r")\b"
)
# Things that look like dates but are not a day or a month of ours.
_VAGUE = re.compile(
    r"\b(?:week|weeks|weekend|years?|decade|century|days|months|ago|recent|coming|past few|season|spring|"
    r"summer|autumn|fall|winter|quarter)\b"
)

# Regex for the full forms spaCy's small NER sometimes misses ("24.04.2023", "2023-04-24",
# "24 April 2023"); run over doc.text, so keep it anchored on digits and month names.
_CANDIDATE = re.compile(
    rf"\b(?:(?:19|20)\d\d-[01]\d-[0-3]\d|[0-3]?\d\.[01]?\d\.(?:19|20)\d\d|"
    rf"[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{'|'.join(n for n in MONTHS if len(n) > 3 or n == 'may')})\s+(?:19|20)\d\d|"
    rf"(?:{'|'.join(n for n in MONTHS if len(n) > 3 or n == 'may')})\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)\b",
    re.IGNORECASE,
)

# Beyond this many days after publication, a day-month without a year is read as last year's.
FUTURE_SLACK_DAYS = 31


def _parse_iso(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_month(month: int, day: int, year: int | None, base: date | None) -> str | None:
    """A day of a month; without a year it takes the publication year (or the previous one)."""
    if year is not None:
        found = _valid(year, month, day)
        return found.isoformat() if found else None
    if base is None:
        return None
    found = _valid(base.year, month, day)
    if found is None:
        return None
    if (found - base).days > FUTURE_SLACK_DAYS:
        found = _valid(base.year - 1, month, day)
    return found.isoformat() if found else None


def resolve_date(text: str, published: str | None) -> str | None:
    """Resolve a short date expression to "YYYY-MM-DD", "YYYY-MM", or None when it is not a
    day or a month (a year alone, "last week", "today" without a publication date ...).

    ``published`` is the publication date "YYYY-MM-DD" that relative dates refer to.
    """
    found = _resolve(text, published)
    return found[0] if found else None


def _resolve(text: str, published: str | None) -> tuple[str, int, int] | None:
    """The value of a date expression and the part of ``text`` ([start, end)) that gave it:
    NER's DATE spans run long at times ("April 20 and a second"), the mention should not."""
    low = text.lower()
    if len(low) != len(text):  # lower() changed the length (rare Unicode): offsets unusable
        value = _resolve_value(" ".join(low.split()), _parse_iso(published), "May" in text)
        return (value[0], 0, len(text)) if value else None
    # A capitalised "May" is the month; a lower-case "may" alone is the verb.
    value = _resolve_value(low, _parse_iso(published), re.search(r"\bMay\b", text) is not None)
    return value if value else None


@lru_cache(maxsize=4096)
def _resolve_value(low: str, base: date | None, capital_may: bool = False) -> tuple[str, int, int] | None:
    """``_resolve`` on lower-cased text; cached because the same expressions recur a lot."""
    value = _resolve_match(low, base, capital_may)
    if value is None:
        return None
    if isinstance(value, tuple):
        return value
    return (value, 0, len(low))


def _spanned(value: str | None, match: re.Match) -> tuple[str, int, int] | None:
    return (value, match.start(), match.end()) if value else None


def _resolve_match(low: str, base: date | None, capital_may: bool) -> tuple[str, int, int] | str | None:
    """Try the common forms in order, most specific first."""
    for pattern in (_ISO, _DMY_NUMERIC):
        match = pattern.search(low)
        if match:
            found = _valid(int(match["year"]), int(match["month"]), int(match["day"]))
            return _spanned(found.isoformat() if found else None, match)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.search(low)
        if match:
            year = int(match["year"]) if match["year"] else None
            return _spanned(_day_month(MONTHS[match["month"]], int(match["day"]), year, base), match)

    match = _RELATIVE_DAY.search(low)
    if match:
        if base is None:
            return None
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[match["word"]]
        return _spanned((base + timedelta(days=shift)).isoformat(), match)
    match = _THIS_PART.search(low)
    if match:
        return _spanned(base.isoformat() if base else None, match)
    if _VAGUE.search(low):
        return None

    match = _MONTH_ONLY.search(low)
    if match and not (
        match["month"] == "may" and match["which"] is None and match["year"] is None and not capital_may
    ):
        month = MONTHS[match["month"]]
        if match["year"]:
            return _spanned(f"{int(match['year']):04d}-{month:02d}", match)
        if base is None:
            return None
        # "this July" / "in July" is the July of the publication year (FACTS.md); "last July" the
        # previous year's, "next July" the following year's.
        year = base.year
        if match["which"] == "last":
            year -= 1
        elif match["which"] == "next":
            year += 1
        return _spanned(f"{year:04d}-{month:02d}", match)

    match = _WEEKDAY.search(low)
    if match:
        if base is None:
            return None
        target = WEEKDAYS.index(match["weekday"])
        back = (base.weekday() - target) % 7
        which = match["which"]
        if which == "next":
            return _spanned((base + timedelta(days=(target - base.weekday()) % 7 or 7)).isoformat(), match)
        if which in ("last", "past") and back == 0:
            back = 7
        return _spanned((base - timedelta(days=back)).isoformat(), match)

    return None


_PUBLISHED_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%a, %d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M:%S",
    "%a, %d %b %Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%Y%m%d",
)


def normalise_published(value: str | None) -> str | None:
    """A publication date/timestamp in any common form → "YYYY-MM-DD"; anything else → None.

    The time and time zone are dropped (the date as written is the date of publication).
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    match = re.match(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)(?:$|[T ])", text)
    if match:
        found = _valid(int(match[1]), int(match[2]), int(match[3]))
        return found.isoformat() if found else None
    # Drop a trailing zone ("GMT", "+0000", "Z") and fractional seconds before strptime.
    cleaned = re.sub(r"\s*(?:[A-Z]{2,4}|[+-]\d\d:?\d\d|Z)$", "", text)
    cleaned = re.sub(r"(\d\d:\d\d:\d\d)\.\d+", r"\1", cleaned)
    for form in _PUBLISHED_FORMATS:
        try:
            return datetime.strptime(cleaned, form).date().isoformat()
        except ValueError:
            continue
    return None


def find_dates(doc: Doc, published: str | None) -> list[DateMention]:
    """The resolvable date mentions of a Doc, sorted by offset, without overlaps."""
    spans: dict[tuple[int, int], str] = {}
    for ent in doc.ents:
        if ent.label_ == "DATE":
            spans[(ent.start_char, ent.end_char)] = ent.text
    for match in _CANDIDATE.finditer(doc.text):
        spans.setdefault((match.start(), match.end()), match.group())
    mentions: list[DateMention] = []
    last_end = -1
    # Longest first at each start, so an NER span and a regex span of the same date give one mention.
    for (start, end), text in sorted(spans.items(), key=lambda item: (item[0][0], -item[0][1])):
        if start < last_end:
            continue
        # One NER span can list several dates ("on February 16, March 1 and December 3"):
        # resolve the rest of the span again after each date found.
        offset = 0
        while offset < len(text):
            found = _resolve(text[offset:], published)
            if found is None:
                break
            value, inner_start, inner_end = found
            mention_start, mention_end = start + offset + inner_start, start + offset + inner_end
            mentions.append(DateMention(mention_start, mention_end, doc.text[mention_start:mention_end], value))
            last_end = mention_end
            offset += inner_end
    return mentions


def annotate_dates(doc: Doc) -> Doc:
    """spaCy component: ``doc._.dates`` = resolved date mentions (see ``find_dates``)."""
    doc._.dates = find_dates(doc, doc._.published)
    return doc

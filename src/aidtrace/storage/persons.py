"""People as entities across documents: the names the registry holds, grouped into persons.

Quotes name their speaker and meetings their participants as each document wrote them:
"Zelensky", "Zelenskyy", "Volodymyr Zelenskyy", "President Zelensky". :func:`group` makes one
person of such names:

1. a name loses its leading titles and honorifics (``data/titles.txt``, ``honorifics.txt``); its
   first word is its first name unless it is a particle (``data/name_particles.txt``: von, de);
2. names fall into buckets by surname key (:func:`aidtrace.text.surname_key`: folded, a doubled
   final letter dropped, so Zelenskyy = Zelensky);
3. within a bucket, names with a first name are one person per first name (an initial joins
   the one first name it can stand for); a bare surname joins the bucket's only person, or the
   person the gazetteer's leaders list names for that surname; with several candidates and no
   leader it stays a person of its own (a wrong merge doubles nobody's count but mixes two
   people's quotes; it is left to a reviewer);
4. reviewers' decisions (``person_links``) are replayed oldest first: ``merge`` joins the
   persons of two names, ``split`` takes the first name out of the second's person.

Decisions are stored by name, not by fact id, so they survive re-extraction. Nothing is
materialised: persons are computed from the names and the links when asked (the web caches
them per registry version and links version).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from .. import gazetteer
from ..text import fold, surname_key
from ..wordlists import lines, table, words as words_of
from .schema import FACT_TABLES, PersonLink

LINK_ACTIONS = ("merge", "split")
REJECTED = "rejected"  # the review state of facts that count nowhere
NAME_MAX = 256
P = TypeVar("P")  # a person as a Person or as the web's dict


class PersonError(ValueError):
    """A merge or split that cannot be recorded (unknown name, same name twice): one line."""


@dataclass
class Person:
    """One person: the names the registry writes for them and how often they occur."""

    name: str  # the display name: the most frequent full name
    aliases: list[str] = field(default_factory=list)
    quotes: int = 0
    meetings: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The person as the API shows it."""
        return {"name": self.name, "aliases": sorted(self.aliases), "quotes": self.quotes, "meetings": self.meetings}


def name_key(name: str) -> str:
    """How two writings of one name compare: folded, single-spaced ("Kaja  KALLAS" = "kaja kallas")."""
    return " ".join(fold(name).split())


@lru_cache(maxsize=1)
def _title_words() -> tuple[tuple[str, ...], ...]:
    """Titles and honorifics as word tuples, longest first ("prime minister", "mr")."""
    found = set()
    for name in ("titles.txt", "honorifics.txt"):
        for line in lines(name):
            title = re.findall(r"[a-z]+", fold(line.split("\t", 1)[0]))
            if title:
                found.add(tuple(title))
    return tuple(sorted(found, key=lambda words: (-len(words), words)))


def core_words(name: str) -> list[str]:
    """The folded words of a name without its leading titles ("President Zelensky" → [zelensky])."""
    words = re.findall(r"[a-z]+", fold(name))
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for title in _title_words():
            if len(title) < len(words) and tuple(words[: len(title)]) == title:
                words = words[len(title):]
                stripped = True
                break
    return words


def _first_name(words: list[str]) -> str | None:
    """The first name of a name's core words; none for a bare surname or one that starts with a
    particle ("von der Leyen")."""
    if len(words) < 2 or words[0] in words_of("name_particles.txt"):
        return None
    return table("first_name_forms.tsv").get(words[0], words[0])


def transliteration_key(surname: str) -> str:
    """One key for the romanisations of one Slavic surname ending: Zelenskyy, Zelensky, Zelenskiy
    and Zelenskii are one surname (``data/surname_endings.tsv``)."""
    for ending, common in table("surname_endings.tsv").items():
        if surname.endswith(ending) and len(surname) > len(ending) + 2:
            return surname[: -len(ending)] + common
    return surname


@lru_cache(maxsize=65536)
def surname_stem(name: str) -> str:
    """A surname without the vowel its romanisations write differently: Zelenskyy, Zelensky,
    Zelenskiy and the bare "Zelensk" all give "zelensk" (the common forms of
    ``data/surname_endings.tsv`` end in that vowel); Zelenska keeps her "a", a surname of its own."""
    key = transliteration_key(surname_key(name))
    return key[:-1] if key.endswith(tuple(table("surname_endings.tsv").values())) else key


def _named_by(query: str, aliases: Iterable[str]) -> bool:
    """Whether a one-word query is one of these names' surname in any romanisation ("Zelensk",
    "Zelenskiy" → Volodymyr Zelenskyy), not merely a part of it."""
    words = re.findall(r"[a-z]+", fold(query))
    return len(words) == 1 and any(surname_stem(alias) == surname_stem(words[0]) for alias in aliases)


def matching(query: str, people: Sequence[P], aliases_of: Callable[[P], Iterable[str]]) -> list[P]:
    """The persons a query names, in their order. A one-word query that is a person's surname in
    some romanisation finds those persons only ("Zelensk", "Zelenskiy": Volodymyr Zelenskyy, not
    also Olena Zelenska); any other query finds everyone with a name containing it, folded
    ("olena zel", "Zelen")."""
    named = [person for person in people if _named_by(query, aliases_of(person))]
    if named:
        return named
    wanted = name_key(query)
    return [person for person in people if any(wanted in name_key(alias) for alias in aliases_of(person))]


def _leader_first_name(surname: str) -> str | None:
    """The first name of the one listed leader with this surname key (gazetteer leaders.tsv)."""
    found = gazetteer.leader(surname)
    if found is None:
        return None
    actor, role = found
    names = {_first_name(core_words(full)) for full, listed_role in gazetteer.leaders_of(actor)
             if listed_role == role and surname_key(full) == surname}
    names.discard(None)
    return names.pop() if len(names) == 1 else None


def _automatic(names: Iterable[str]) -> dict[str, str]:
    """Each name key → the key of the group it falls in by surname and first name."""
    buckets: dict[str, dict[str, list[str]]] = {}  # surname key → first name ("" = none) → names
    for key in names:
        words = core_words(key)
        if not words:
            continue
        surname = transliteration_key(surname_key(" ".join(words)))
        first = _first_name(words) or ""
        buckets.setdefault(surname, {}).setdefault(first, []).append(key)
    group: dict[str, str] = {}
    for surname, by_first in buckets.items():
        full = sorted(first for first in by_first if len(first) > 1)
        for first in sorted(by_first):
            if len(first) > 1:
                target = first
            elif first:  # an initial: the one first name it can stand for
                fitting = [candidate for candidate in full if candidate.startswith(first)]
                target = fitting[0] if len(fitting) == 1 else first
            else:  # a bare surname
                leader = _leader_first_name(surname)
                target = full[0] if len(full) == 1 else leader if leader in full or (leader and not full) else ""
            for key in by_first[first]:
                group[key] = f"{surname}|{target}"
    return group


def group(counts: Mapping[str, tuple[int, int]], links: Iterable[tuple[str, str, str]] = ()) -> list[Person]:
    """The persons of some names: ``counts`` maps a name as written to (quotes, meetings);
    ``links`` are (action, name_a, name_b) reviewer decisions, oldest first. Busiest first."""
    writings: dict[str, dict[str, int]] = {}  # name key → writing → occurrences
    totals: dict[str, tuple[int, int]] = {}
    for name, (quotes, meetings) in counts.items():
        key = name_key(name)
        if not key:
            continue
        writings.setdefault(key, {})[name] = writings.get(key, {}).get(name, 0) + quotes + meetings
        before = totals.get(key, (0, 0))
        totals[key] = (before[0] + quotes, before[1] + meetings)
    automatic = _automatic(writings)
    member: dict[str, str] = {key: automatic.get(key, f"{key}|") for key in writings}
    for action, name_a, name_b in links:
        a, b = name_key(name_a), name_key(name_b)
        if a not in member or b not in member:
            continue
        if action == "merge":
            old, new = member[a], member[b]
            for key, value in member.items():
                if value == old:
                    member[key] = new
        elif member[a] == member[b]:
            member[a] = f"split|{a}"
    persons: dict[str, Person] = {}
    for key, group_key in member.items():
        person = persons.setdefault(group_key, Person(name=""))
        person.aliases.extend(writings[key])
        person.quotes += totals[key][0]
        person.meetings += totals[key][1]
    for person in persons.values():
        person.name = _display_name(person.aliases, writings)
    return sorted(persons.values(), key=lambda p: (-(p.quotes + p.meetings), name_key(p.name)))


def _display_name(aliases: list[str], writings: Mapping[str, Mapping[str, int]]) -> str:
    """The most frequent writing with a first name (then the longest, then A-Z)."""
    def weight(name: str) -> tuple:
        return (len(core_words(name)) > 1, writings[name_key(name)][name], len(name), [-ord(c) for c in name])
    return max(aliases, key=weight)


def names(connection: Connection) -> dict[str, tuple[int, int]]:
    """Every name quoted or met in facts that count (not rejected), as written, with its
    (quotes, meetings) counts."""
    quotes, meetings = FACT_TABLES["quotes"].__table__, FACT_TABLES["meetings"].__table__  # type: ignore[attr-defined]
    found: dict[str, list[int]] = {}
    for speaker, number in connection.execute(
        select(quotes.c.speaker, func.count()).where(quotes.c.review_state != REJECTED, quotes.c.speaker.is_not(None))
        .group_by(quotes.c.speaker)
    ):
        if speaker.strip():
            found.setdefault(speaker.strip(), [0, 0])[0] += number
    for (participants,) in connection.execute(select(meetings.c.participants).where(meetings.c.review_state != REJECTED)):
        for name in participants or []:
            if isinstance(name, str) and name.strip():
                found.setdefault(name.strip(), [0, 0])[1] += 1
    return {name: (counts[0], counts[1]) for name, counts in found.items()}


def persons(connection: Connection) -> list[Person]:
    """Every person of the registry, reviewers' links applied, busiest first."""
    return group(names(connection), links(connection))


# ---------------------------------------------------------------------------- reviewed links


def links(connection: Connection) -> list[tuple[str, str, str]]:
    """Every reviewer decision as (action, name_a, name_b), oldest first."""
    table = PersonLink.__table__
    return [tuple(row) for row in connection.execute(  # type: ignore[misc]
        select(table.c.action, table.c.name_a, table.c.name_b).order_by(table.c.id))]


def links_version(connection: Connection) -> tuple[int | None, int]:
    """Changes when a decision is recorded (for caches)."""
    table = PersonLink.__table__
    return tuple(connection.execute(select(func.max(table.c.id), func.count()).select_from(table)).one())  # type: ignore[return-value]


def record(session: Session, action: str, name_a: str, name_b: str, reviewer: str, note: str | None = None,
           known: Iterable[str] | None = None) -> PersonLink:
    """Record that two names are one person (``merge``) or two (``split``).

    ``known`` are the names the registry holds; a name outside them is refused, so a typo is
    not silently kept as a decision about nobody.
    """
    if action not in LINK_ACTIONS:
        raise PersonError(f"action must be one of {', '.join(LINK_ACTIONS)}")
    name_a, name_b = " ".join(str(name_a).split()), " ".join(str(name_b).split())
    if not name_a or not name_b or len(name_a) > NAME_MAX or len(name_b) > NAME_MAX:
        raise PersonError(f"two names of at most {NAME_MAX} characters are needed")
    if name_key(name_a) == name_key(name_b):
        raise PersonError("the two names are the same name")
    if known is not None:
        keys = {name_key(name) for name in known}
        for name in (name_a, name_b):
            if name_key(name) not in keys:
                raise PersonError(f"no quote or meeting names {name!r}")
    link = PersonLink(action=action, name_a=name_a, name_b=name_b, name_a_key=name_key(name_a),
                      name_b_key=name_key(name_b), reviewer=reviewer, note=(note or "").strip()[:2000] or None)
    session.add(link)
    session.flush()
    return link

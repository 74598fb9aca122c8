"""Word lists and small tables that steer the rule-based extractors.

They live in ``aidtrace/data/*.txt`` and ``*.tsv`` so that a linguist can tune them without
touching code. ``#`` starts a comment; blank lines are ignored.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def lines(name: str) -> tuple[str, ...]:
    """The lines of ``data/<name>`` without comments and blank lines."""
    text = resources.files("aidtrace").joinpath("data", name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            out.append(line)
    return tuple(out)


def rows(name: str) -> list[list[str]]:
    """The tab-separated rows of ``data/<name>``."""
    return [line.split("\t") for line in lines(name)]


@lru_cache(maxsize=None)
def words(name: str) -> frozenset[str]:
    """A set of lower-cased words or phrases, one a line (``data/<name>``)."""
    return frozenset(line.strip().lower() for line in lines(name))


@lru_cache(maxsize=None)
def table(name: str) -> dict[str, str]:
    """A two-column tab-separated table (``data/<name>``): first column lower-cased → second."""
    out: dict[str, str] = {}
    for line in lines(name):
        key, _, value = line.partition("\t")
        out[key.strip().lower()] = value.strip()
    return out

"""Display names for the codes the registry stores: regions (ISO 3166-2:UA) and actors
(ISO 3166-1 alpha-3 countries and the organisation codes of FACTS.md), and the people the
gazetteer knows as an actor's leaders.

Regions and organisations come from ``web/data/*.tsv``; country names and leaders from the
gazetteer's data files (``aidtrace/gazetteer/data/country_names.tsv`` and ``leaders.tsv``),
read directly so the web server does not load spaCy, which the gazetteer module imports.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Region:
    """One of the 27 first-level regions of Ukraine."""

    code: str  # ISO 3166-2:UA, "UA-18"
    map_key: str  # class suffix of the region in pygal-maps-ua's SVG ("zhytomir")
    name: str


def _rows(filename: str, package: str = "aidtrace.web") -> list[list[str]]:
    try:
        text = resources.files(package).joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return []
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _gazetteer_rows(filename: str) -> list[dict[str, str]]:
    """The rows of a gazetteer data file (a TSV with a header line) as dicts."""
    rows = _rows(filename, "aidtrace.gazetteer")
    if not rows:
        return []
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:] if len(row) == len(header)]


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """All regions by code, in ISO order."""
    return {row[0]: Region(row[0], row[1], row[2]) for row in _rows("regions.tsv")}


def region_name(code: str | None) -> str:
    """The English name of a region code, or the code when unknown."""
    if not code:
        return ""
    region = regions().get(code)
    return region.name if region else code


@lru_cache(maxsize=1)
def _organisations() -> dict[str, str]:
    return {row[0]: row[1] for row in _rows("organisations.tsv")}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _gazetteer_rows("country_names.tsv")}


def actor_name(code: str | None) -> str:
    """The name of an actor code ("EST" → "Estonia", "EU" → "European Union"), or the code."""
    if not code:
        return ""
    return _organisations().get(code) or _country_names().get(code) or code


@lru_cache(maxsize=1)
def _leaders() -> dict[str, list[tuple[str, str]]]:
    result: dict[str, list[tuple[str, str]]] = {}
    for row in _gazetteer_rows("leaders.tsv"):
        result.setdefault(row["actor"], []).append((row["name"], row["role"]))
    return result


def people_of(code: str) -> list[tuple[str, str]]:
    """(name, role) of the people the gazetteer lists as speaking for an actor: heads of state
    and government, ministers, leaders of organisations (every spelling it lists)."""
    return list(_leaders().get(code.upper(), []))

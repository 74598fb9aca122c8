"""Display names for the codes the registry stores — regions (ISO 3166-2:UA) and actors (ISO
3166-1 alpha-3 and the organisation codes of FACTS.md) — and the people the gazetteer lists as an
actor's leaders: the gazetteer's lookups (spaCy-free), plus what only the map needs, the SVG class
of each region in pygal-maps-ua (``web/data/regions.tsv``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .. import gazetteer


@dataclass(frozen=True)
class Region:
    """One of the 27 first-level regions of Ukraine."""

    code: str  # ISO 3166-2:UA, "UA-18"
    map_key: str  # class suffix of the region in pygal-maps-ua's SVG ("zhytomir")
    name: str


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """All regions by code, in ISO order."""
    text = resources.files("aidtrace.web").joinpath("data", "regions.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {code: Region(code, map_key, gazetteer.region_name(code)) for code, map_key, *_ in rows}


def region_name(code: str | None) -> str:
    """The English name of a region code, or the code when unknown."""
    return gazetteer.region_name(code) if code else ""


def actor_name(code: str | None) -> str:
    """The name of an actor code ("EST" → "Estonia", "EU" → "European Union"), or the code."""
    return gazetteer.actor_name(code) if code else ""


def actor_code(name: str) -> str | None:
    """The actor code of a country or organisation name, demonym or capital in any case
    ("estonia" → "EST"), or None when the gazetteer knows none."""
    return gazetteer.actor_code(name)


def is_actor(code: str) -> bool:
    """Whether a code is an actor the gazetteer knows ("EST", "EU"; not "XYZ")."""
    return gazetteer.is_actor(code)


def people_of(code: str) -> list[tuple[str, str]]:
    """(name, role) of the people the gazetteer lists as speaking for an actor: heads of state
    and government, ministers, leaders of organisations (every spelling it lists)."""
    return gazetteer.leaders_of(code)

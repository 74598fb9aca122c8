"""Display names for the codes the registry stores: regions (ISO 3166-2:UA) and actors
(ISO 3166-1 alpha-3 countries and the organisation codes of FACTS.md).

The tables live in ``web/data/*.tsv``; country names come from ``pycountry`` when it is
installed, otherwise the code itself is shown.
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


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("aidtrace.web").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


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


@lru_cache(maxsize=512)
def actor_name(code: str | None) -> str:
    """The name of an actor code ("EST" → "Estonia", "EU" → "European Union"), or the code."""
    if not code:
        return ""
    organisation = _organisations().get(code)
    if organisation:
        return organisation
    try:
        import pycountry  # optional: only improves labels
    except ImportError:  # pragma: no cover - depends on the environment
        return code
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name

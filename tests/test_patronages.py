"""Patronages on sentences written for these tests, through the real spaCy pipeline."""
import pytest

from aidtrace.facts.patronages import extract_patronages


def patronages(annotate, text):
    doc = annotate(text)
    return {(p.patron, p.region) for p in extract_patronages(doc)}


@pytest.mark.parametrize("text, expected", [
    ("The British people are ready to take patronage over the restoration of Kyiv and the Kyiv region.",
     {("GBR", "UA-30"), ("GBR", "UA-32")}),
    ("Denmark will be involved in the restoration of the city of Mykolaiv.", {("DNK", "UA-48")}),
    ("Estonia has become the first ally to begin rebuilding the infrastructure of Ovruch.", {("EST", "UA-18")}),
])
def test_an_ally_takes_on_a_named_region(annotate, text, expected):
    assert patronages(annotate, text) == expected


@pytest.mark.parametrize("text", [
    "We offer our partners to take patronage over those regions and cities that suffered from the war.",
    "The Prime Minister of Czechia was invited to consider patronage over one of the regions of our country.",
    "In Kharkiv, the President spoke about the courage of the defenders.",
    "The Moscow-based university established patronage over universities in Luhansk.",
])
def test_offers_without_a_named_region_or_partner_are_not_patronages(annotate, text):
    assert patronages(annotate, text) == set()

"""Endorsements on sentences written for these tests, through the real spaCy pipeline."""
import pytest

from aidtrace.facts.endorsements import extract_endorsements


def endorsements(annotate, text):
    doc = annotate(text)
    return {(e.actor, e.subject) for e in extract_endorsements(doc)}


@pytest.mark.parametrize("text, expected", [
    ("Estonian Prime Minister Kaja Kallas signed a joint declaration expressing Estonia's support for Ukraine's future in both NATO and the EU.",
     {("EST", "nato_membership"), ("EST", "eu_membership")}),
    ("Romania supports the European perspective of Ukraine.", {("ROU", "eu_membership")}),
    ("On May 31, the European Union announced the approval of a new package of sanctions against Russia.",
     {("EU", "sanctions")}),
    ("Spain reaffirmed its support for the sovereignty and territorial integrity of Ukraine.",
     {("ESP", "territorial_integrity")}),
    ("The Netherlands backs a special tribunal for the crime of aggression.", {("NLD", "accountability")}),
])
def test_stated_support_for_a_goal(annotate, text, expected):
    assert endorsements(annotate, text) == expected


@pytest.mark.parametrize("text", [
    "Zelenskyy called on Hungary to support new sanctions.",
    "The leaders discussed sanctions and Ukraine's EU membership.",
    "Ukraine hopes that Portugal will support its candidate status.",
    "Ukraine supports tougher sanctions against Russia.",
    "The United States imposed sanctions on a Serbian official for arms trafficking.",
    "Hungary opposed the new package of sanctions against Russia.",
])
def test_requests_topics_and_ukraines_own_views_are_not_endorsements(annotate, text):
    assert endorsements(annotate, text) == set()

"""Dates: resolving short expressions, normalising publication dates, and the spaCy component."""
from __future__ import annotations

import pytest

from aidtrace.dates import normalise_published, resolve_date
from aidtrace.model import Document
from aidtrace.pipeline import make_doc

PUBLISHED = "2023-04-25"  # a Tuesday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("on April 24", "2023-04-24"),
        ("April 24", "2023-04-24"),
        ("the 3rd of March", "2023-03-03"),
        ("24 April 2023", "2023-04-24"),
        ("April 24, 2023", "2023-04-24"),
        ("2023-04-24", "2023-04-24"),
        ("24.04.2023", "2023-04-24"),
        ("yesterday", "2023-04-24"),
        ("today", "2023-04-25"),
        ("this morning", "2023-04-25"),
        ("on Monday", "2023-04-24"),
        ("last Friday", "2023-04-21"),
        ("this July", "2023-07"),
        ("in July", "2023-07"),
        ("last July", "2022-07"),
        ("March 2022", "2022-03"),
        # A day-month that would fall months after publication is last year's.
        ("December 30", "2022-12-30"),
        # Within a month after publication the publication year stands (an announced visit).
        ("May 9", "2023-05-09"),
        # Capitalised "May" is the month (lower-case "may" alone is the verb: see below).
        ("May", "2023-05"),
        ("Aug. 24", "2022-08-24"),
        ("Sept. 5, 2022", "2022-09-05"),
        ("24th of August 2022", "2022-08-24"),
    ],
)
def test_resolve_date(text, expected):
    assert resolve_date(text, PUBLISHED) == expected


@pytest.mark.parametrize("text", ["last week", "in 2022", "2022", "this year", "two days ago", "may", "recently"])
def test_vague_or_not_dates_are_none(text):
    assert resolve_date(text, PUBLISHED) is None


def test_relative_dates_need_a_publication_date():
    assert resolve_date("yesterday", None) is None
    assert resolve_date("on April 24", None) is None
    assert resolve_date("on Monday", None) is None
    # A full date needs no anchor.
    assert resolve_date("24 April 2023", None) == "2023-04-24"


def test_impossible_dates_are_none():
    assert resolve_date("February 30, 2023", PUBLISHED) is None
    assert resolve_date("2023-13-01", PUBLISHED) is None


def test_monday_on_publication_day_is_that_day():
    assert resolve_date("on Monday", "2023-04-24") == "2023-04-24"
    assert resolve_date("last Monday", "2023-04-24") == "2023-04-17"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-04-24T18:00:00Z", "2023-04-24"),
        ("2023-04-24T23:30:00.250+03:00", "2023-04-24"),
        ("2022-06-21 10:00", "2022-06-21"),
        ("Mon, 24 Apr 2023 18:00:00 GMT", "2023-04-24"),
        ("Mon, 24 Apr 2023 18:00:00 +0000", "2023-04-24"),
        ("24.04.2023", "2023-04-24"),
        ("2023-04-24", "2023-04-24"),
        ("garbage", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("2023-02-30", None),
    ],
)
def test_normalise_published(value, expected):
    assert normalise_published(value) == expected


def _dates(nlp, text, published):
    doc = nlp(make_doc(nlp, Document(id="t", text=text, published=published)))
    return doc, doc._.dates


def test_component_resolves_mentions_in_a_text(nlp):
    text = (
        "The foreign minister arrived in Kyiv on Monday. The talks had been agreed on April 20 "
        "and a second round is planned for July. In 2022 the two countries signed a treaty."
    )
    doc, dates = _dates(nlp, text, PUBLISHED)
    values = {d.text: d.value for d in dates}
    assert values.get("Monday") == "2023-04-24"
    assert values.get("April 20") == "2023-04-20"
    assert values.get("July") == "2023-07"
    # A bare year is not a date of ours.
    assert not any("2022" in d.text for d in dates)
    for mention in dates:
        assert doc.text[mention.start : mention.end] == mention.text
    assert [d.start for d in dates] == sorted(d.start for d in dates)


def test_component_finds_numeric_dates_ner_misses(nlp):
    text = "The agreement was signed in Warsaw, the ministry said, on 24.04.2023 after long talks."
    _, dates = _dates(nlp, text, PUBLISHED)
    assert [(d.text, d.value) for d in dates] == [("24.04.2023", "2023-04-24")]


def test_component_without_publication_date_keeps_only_absolute_dates(nlp):
    text = "The convoy left yesterday. The contract dates from 3 March 2022."
    _, dates = _dates(nlp, text, None)
    assert [d.value for d in dates] == ["2022-03-03"]


def test_component_on_text_without_dates(nlp):
    _, dates = _dates(nlp, "We welcome the decision of our partners to send more air defence.", PUBLISHED)
    assert dates == []


def test_component_splits_a_span_listing_several_dates(nlp):
    text = "The city was shelled on February 16, March 1 and December 3, the mayor said."
    _, dates = _dates(nlp, text, PUBLISHED)
    assert [(d.text, d.value) for d in dates] == [
        ("February 16", "2023-02-16"),
        ("March 1", "2023-03-01"),
        ("December 3", "2022-12-03"),
    ]

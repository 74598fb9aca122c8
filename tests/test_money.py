"""Money values and counts: the parsing functions and the spaCy component."""
from __future__ import annotations

import pytest

from aidtrace.model import Document
from aidtrace.money import find_money, parse_money, parse_quantity
from aidtrace.pipeline import make_doc


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("€50 million", 50e6, "EUR"),
        ("€ 50 million", 50e6, "EUR"),
        ("$1.2bn", 1.2e9, "USD"),
        ("EUR 5 million", 5e6, "EUR"),
        ("5 million euros", 5e6, "EUR"),
        ("2 billion hryvnias", 2e9, "UAH"),
        ("UAH 2 billion", 2e9, "UAH"),
        ("2 bn hryvnias", 2e9, "UAH"),
        ("£2.3bn", 2.3e9, "GBP"),
        ("US$ 400m", 400e6, "USD"),
        ("USD 1.5 billion", 1.5e9, "USD"),
        ("$300,000", 300_000, "USD"),
        ("1.5 million dollars", 1.5e6, "USD"),
        ("CAD 500 million", 500e6, "CAD"),
        ("C$500 million", 500e6, "CAD"),
        ("500 million Canadian dollars", 500e6, "CAD"),
        ("SEK 3 billion", 3e9, "SEK"),
        ("3 billion kronor", 3e9, "SEK"),
        ("100 million zlotys", 100e6, "PLN"),
        ("PLN 40 million", 40e6, "PLN"),
        ("5 billion yen", 5e9, "JPY"),
        ("10 million Swiss francs", 10e6, "CHF"),
        ("A$100 million", 100e6, "AUD"),
        ("NOK 2 billion", 2e9, "NOK"),
        ("DKK 1.2 billion", 1.2e9, "DKK"),
        ("CZK 300 million", 300e6, "CZK"),
        ("1.2 trillion dollars", 1.2e12, "USD"),
        ("$1.2 trillion", 1.2e12, "USD"),
        ("750 million USD", 750e6, "USD"),
        ("2 million pounds", 2e6, "GBP"),
        ("a billion euros", 1e9, "EUR"),
        ("three billion dollars", 3e9, "USD"),
        ("a hundred thousand hryvnias", 1e5, "UAH"),
        # A range is read as its lower bound, with the scale that follows it.
        ("EUR6-7 billion", 6e9, "EUR"),
        ("2–3 million euros", 2e6, "EUR"),
    ],
)
def test_parse_money(text, amount, currency):
    found = parse_money(text)
    assert found is not None
    assert found[0] == pytest.approx(amount)
    assert found[1] == currency


@pytest.mark.parametrize(
    "text", ["50 million people", "a million refugees", "one thousand volunteers",
             "500 pounds of explosives", "in 2019 won the election", "2022", "155 mm", "155 mm shells", "12 howitzers", "Sek 5", "", "the euro area"]
)
def test_not_money(text):
    assert parse_money(text) is None


def test_find_money_offsets_and_order():
    text = (
        "Denmark will give DKK 1.2 billion for artillery, Canada adds C$500 million, and the fund "
        "will help 3 million people with 155 mm shells bought in 2023."
    )
    found = find_money(text)
    assert [(m.text, m.currency) for m in found] == [("DKK 1.2 billion", "DKK"), ("C$500 million", "CAD")]
    for mention in found:
        assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12 howitzers", 12),
        ("twelve", 12),
        ("twelve armoured vehicles", 12),
        ("a third hospital", 1),
        ("a", 1),
        ("an ambulance", 1),
        ("one", 1),
        ("two dozen", 24),
        ("a dozen generators", 12),
        ("1,000", 1000),
        ("1,000 rounds", 1000),
        ("twenty-five tanks", 25),
        ("three hundred", 300),
    ],
)
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["thousands", "hundreds of drones", "dozens", "the tanks", "3.5 tonnes", ""])
def test_parse_quantity_none(text):
    assert parse_quantity(text) is None


def test_component_fills_doc_money(nlp):
    text = "Sweden announced a package worth 3 billion kronor, and the EU pledged €50 million to 2 million people."
    doc = nlp(make_doc(nlp, Document(id="m", text=text, published="2023-04-25")))
    assert [(m.amount, m.currency) for m in doc._.money] == [(3e9, "SEK"), (50e6, "EUR")]
    assert all(doc.text[m.start : m.end] == m.text for m in doc._.money)


def test_component_on_text_without_money(nlp):
    doc = nlp(make_doc(nlp, Document(id="m", text="The minister visited 12 hospitals in 2023.", published=None)))
    assert doc._.money == []


def test_windowed_search_finds_what_a_full_scan_finds():
    from aidtrace.money import _tables

    sentence = (
        "In 2023 Norway gave NOK 2 billion, later a hundred thousand hryvnias went to 40 families, "
        "and the fund reached US$ 400m; the bank lent £2.3bn. " + "Nothing here but words and more words. " * 5
    )
    text = sentence * 20
    full = [(m.start(), m.group()) for m in _tables()["money"].finditer(text)]
    assert len(full) == 80
    assert [(m.start, m.text) for m in find_money(text)] == full

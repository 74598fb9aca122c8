"""Commitments on sentences written for these tests, through the real spaCy pipeline."""
import pytest

from aidtrace.facts.commitments import extract_commitments


def commitments(annotate, text, published="2023-05-10"):
    doc = annotate(text, published)
    return extract_commitments(doc)


def test_ordinal_hospital_is_one_delivered_medical_item(annotate):
    (c,) = commitments(annotate, "Finland has also provided a second field hospital for Ukrainian soldiers.")
    assert (c.donor, c.category, c.status, c.quantity) == ("FIN", "medical", "delivered", 1)
    assert "hospital" in c.item
    assert c.evidence[0].text.startswith("Finland has also provided")


def test_future_money_pledge_with_amount_and_currency(annotate):
    (c,) = commitments(annotate, "Sweden will provide €50 million in humanitarian aid to Ukraine.")
    assert (c.donor, c.category, c.status) == ("SWE", "humanitarian", "pledged")
    assert (c.amount, c.currency) == (50_000_000, "EUR")


def test_counted_weapons_with_demonym_subject(annotate):
    (c,) = commitments(annotate, "The Dutch government has delivered 12 howitzers to Ukraine.")
    assert (c.donor, c.category, c.status, c.quantity) == ("NLD", "military", "delivered", 12)


def test_reconstruction_of_a_named_region(annotate):
    (c,) = commitments(annotate, "Latvia has begun aiding Ukraine in the reconstruction of bridges in Chernihiv Oblast.")
    assert (c.donor, c.category, c.region) == ("LVA", "reconstruction", "UA-74")


def test_several_donors_from_one_list(annotate):
    found = commitments(
        annotate, "He said Ukraine has received consent from Belgium, Austria and Ireland to join the restoration of liberated towns.")
    assert sorted(c.donor for c in found) == ["AUT", "BEL", "IRL"]
    assert {c.status for c in found} == {"pledged"}


def test_thanks_for_a_kind_of_aid_names_the_partner(annotate):
    text = ("Prime Minister of Croatia Andrej Plenkovic visited Kyiv. "
            "Volodymyr Zelenskyy thanked him for the medical supplies and for the financial support for our state.")
    categories = {(c.donor, c.category) for c in commitments(annotate, text)}
    assert ("HRV", "financial") in categories


@pytest.mark.parametrize("text", [
    "Ukraine asked Germany for more air defence systems.",
    "Zelenskyy called on partners to provide fighter jets.",
    "Providing Ukraine with tanks should continue on a sufficient scale, the minister said.",
    "The President thanked Canada for its support.",
    "Germany has delivered 20 howitzers to Lithuania.",
    "If Italy decided to send missiles, it would matter.",
    "Ukraine has provided humanitarian aid to Moldova.",
    "The ambassador delivered a speech on the food crisis caused by Russia.",
    "The United States sanctioned a Serbian arms dealer who helped move shipments.",
    "The European Union decided to grant Ukraine the status of a candidate country.",
    "Belarus has sent ammunition and trucks across the border.",
    "Spain will not send tanks unless Germany sends its tanks first.",
])
def test_requests_calls_bare_thanks_and_other_recipients_are_not_commitments(annotate, text):
    assert commitments(annotate, text) == []


def test_a_container_noun_takes_its_category_from_the_modifier(annotate):
    (c,) = commitments(annotate, "Japan has provided demining equipment to Ukraine.")
    assert (c.donor, c.category, c.item) == ("JPN", "humanitarian", "demining equipment")

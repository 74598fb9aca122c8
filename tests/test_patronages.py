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
    # the agent of a participle on the patronage
    ("We are thankful for the patronage over Chernihiv undertaken by Latvia.", {("LVA", "UA-74")}),
    # the owner of the readiness
    ("The President welcomed the readiness of the Austrian side to lead the rebuilding of Irpin.", {("AUT", "UA-32")}),
    # proposed by Ukraine to a named partner
    ("Zelenskyy invited Sweden to take patronage over the reconstruction of Odesa.", {("SWE", "UA-51")}),
    # a "where" clause names the region
    ("The talks took place in Zhytomyr Oblast, where Estonia has begun the reconstruction of its schools.",
     {("EST", "UA-18")}),
])
def test_an_ally_takes_on_a_named_region(annotate, text, expected):
    assert patronages(annotate, text) == expected


@pytest.mark.parametrize("text", [
    "We offer our partners to take patronage over those regions and cities that suffered from the war.",
    "The Prime Minister of Czechia was invited to consider patronage over one of the regions of our country.",
    "In Kharkiv, the President spoke about the courage of the defenders.",
    "The Moscow-based university established patronage over universities in Luhansk.",
    # open invitations: any country, unnamed partners, a possibility
    "Any country can take patronage over a region such as Kharkiv.",
    "We invite our partners to take patronage over the rebuilding of Chernihiv.",
    # a First Lady's patronage of a project
    "The First Lady of Poland took a children's project in Lviv under her patronage.",
    # the dog Patron
    "The dog Patron visited Kharkiv with the Prime Minister of Canada.",
    # Russia over occupied land
    "Russia is rebuilding the occupied city of Mariupol.",
    # a leader visiting a town, reconstruction only talked about
    "The Japanese Prime Minister visited Bucha and spoke about reconstruction.",
    "Kishida is in Kyiv, where he talked about the reconstruction of the country.",
    # aid that merely reaches a region
    "Humanitarian aid from Norway reached Kharkiv on Monday.",
    # Ukraine's own rebuilding, and the restoration of borders, not of a region
    "Ukraine has begun to rebuild the port of Odesa with its own funds.",
    "Israel wants the restoration of borders and the reclamation of Crimea.",
    # negated
    "Germany will not take part in the restoration of Kherson.",
])
def test_invitations_projects_visits_and_aid_are_not_patronages(annotate, text):
    assert patronages(annotate, text) == set()

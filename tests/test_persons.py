"""People as entities across documents (aidtrace.storage.persons): names grouped into persons,
paged and searched, merged and split by reviewers — on real SQLite and PostgreSQL, through the
real ``aidtrace`` commands and a real ``aidtrace serve``, and surviving ``aidtrace reextract``."""
from __future__ import annotations

import httpx
import pytest
from web_fixtures import *  # noqa: F403 (pytest fixtures)
from web_fixtures import Server, aidtrace, make_token

from aidtrace.facts import DocumentFacts
from aidtrace.facts.meetings import Meeting
from aidtrace.facts.quotes import Quote
from aidtrace.model import Document, Evidence
from aidtrace.storage import merge, persons
from aidtrace.storage.database import session_scope
from aidtrace.web import queries


def _groups(counts: dict[str, tuple[int, int]], links=()) -> list[set[str]]:
    return sorted((set(p.aliases) for p in persons.group(counts, links)), key=lambda names: sorted(names))


def test_writings_of_one_person_are_one_person():
    found = persons.group({"Zelensky": (2, 0), "Zelenskyy": (1, 0), "Volodymyr Zelenskyy": (3, 2),
                           "President Zelensky": (1, 1), "V. Zelensky": (0, 1), "Olena Zelenska": (1, 0)})
    assert len(found) == 2
    zelensky = found[0]
    assert zelensky.name == "Volodymyr Zelenskyy"  # the most frequent full name
    assert set(zelensky.aliases) == {"Zelensky", "Zelenskyy", "Volodymyr Zelenskyy", "President Zelensky",
                                     "V. Zelensky"}
    assert (zelensky.quotes, zelensky.meetings) == (7, 4)
    assert found[1].aliases == ["Olena Zelenska"], "a different surname key is a different person"


def test_different_first_names_stay_apart_and_an_ambiguous_surname_is_left_alone():
    assert _groups({"Anna Berg": (1, 0), "Karl Berg": (1, 0), "Berg": (1, 0)}) == [
        {"Anna Berg"}, {"Berg"}, {"Karl Berg"}]
    # The gazetteer's leaders list says which Biden a bare "Biden" is.
    assert _groups({"Joe Biden": (1, 0), "Hunter Biden": (1, 0), "President Biden": (1, 0)}) == [
        {"Hunter Biden"}, {"Joe Biden", "President Biden"}]
    # A particle is not a first name: "von der Leyen" is Ursula von der Leyen, alone in her bucket.
    assert _groups({"Ursula von der Leyen": (2, 0), "von der Leyen": (1, 0)}) == [
        {"Ursula von der Leyen", "von der Leyen"}]


def test_reviewed_links_are_replayed_oldest_first():
    # Zelenskiy is a romanisation the grouping knows; "Vladimir" is a first name it does not join.
    counts = {"Zelensky": (2, 0), "Volodymyr Zelenskyy": (2, 0), "Zelenskiy": (2, 0), "Vladimir Zelensky": (1, 0)}
    assert sorted(_groups(counts), key=len) == [{"Vladimir Zelensky"}, {"Volodymyr Zelenskyy", "Zelensky", "Zelenskiy"}]
    merged = [("merge", "Vladimir Zelensky", "Zelensky")]
    assert _groups(counts, merged) == [{"Volodymyr Zelenskyy", "Zelensky", "Zelenskiy", "Vladimir Zelensky"}]
    split = merged + [("split", "zelensky", "Volodymyr Zelenskyy")]  # names compare folded
    assert sorted(_groups(counts, split), key=len) == [{"Zelensky"}, {"Volodymyr Zelenskyy", "Zelenskiy", "Vladimir Zelensky"}]
    assert _groups(counts, [("merge", "Zelenskiy", "Nobody Known")]) == _groups(counts), "unknown names do nothing"


def test_short_first_names_and_romanised_endings_are_one_person():
    counts = {"Joe Biden": (2, 0), "Joseph Biden": (1, 0), "Jill Biden": (1, 0), "Volodymyr Zelenskiy": (1, 0),
              "Zelenskyy": (3, 0), "Olena Zelenska": (1, 0)}
    assert {frozenset(g) for g in _groups(counts)} == {
        frozenset({"Volodymyr Zelenskiy", "Zelenskyy"}), frozenset({"Joe Biden", "Joseph Biden"}),
        frozenset({"Jill Biden"}), frozenset({"Olena Zelenska"})}


def _store(engine, doc_id: str, text: str, **facts) -> None:
    document = Document(id=doc_id, text=text, published="2024-02-01", url=f"https://news.example/{doc_id}")
    evidence = [Evidence.of(text, 0, len(text))]
    for kind_facts in facts.values():
        for fact in kind_facts:
            fact.evidence = evidence
    with session_scope(engine) as session:
        merge.store_document(session, document, DocumentFacts(doc_id, "2024-02-01", **facts))


@pytest.fixture
def people(engine):
    """Quotes and meetings naming one president three ways, the First Lady, and thirty other people."""
    _store(engine, "a", "Zelensky said: we will win.", quotes=[Quote(speaker="Zelensky", text="We will win.")])
    _store(engine, "b", "President Zelensky said: thank you.",
           quotes=[Quote(speaker="President Zelensky", text="Thank you, partners.")])
    _store(engine, "c", "Volodymyr Zelenskyy met Anna Tamm in Kyiv.",
           meetings=[Meeting(participants=["Volodymyr Zelenskyy", "Anna Tamm"], mode="in_person", place="Kyiv",
                                   date="2024-01-30")])
    _store(engine, "d", "Olena Zelenska opened a school.",
           quotes=[Quote(speaker="Olena Zelenska", text="Every child must be able to learn.")])
    for number in range(30):
        surname = "".join(chr(ord("a") + int(digit)) for digit in str(number)).capitalize() + "son"  # Ason, Bson...
        _store(engine, f"p{number}", f"Speaker {number} said something.",
               quotes=[Quote(speaker=f"Maria {surname}", text=f"Statement number {number}.")])
    return engine


def test_persons_are_paged_and_searchable(people):
    with people.connect() as connection:
        first = queries.persons(connection, page=1, per_page=10)
        assert (first["total"], first["pages"], len(first["items"])) == (33, 4, 10)
        last = queries.persons(connection, page=4, per_page=10)
        assert len(last["items"]) == 3
        every = [p["name"] for page in range(1, 5) for p in queries.persons(connection, page=page, per_page=10)["items"]]
        assert len(set(every)) == 33, "pages neither repeat nor skip anyone"
        assert queries.persons(connection, page=9, per_page=10)["items"] == []
        found = queries.persons(connection, q="Zelensk")
        assert found["total"] == 1
        president = found["items"][0]
        assert president["name"] == "Volodymyr Zelenskyy"
        assert set(president["aliases"]) == {"Zelensky", "President Zelensky", "Volodymyr Zelenskyy"}
        assert (president["quotes"], president["meetings"]) == (2, 1)
        # A surname in another romanisation names the same one person; Zelenska is another surname.
        assert [p["name"] for p in queries.persons(connection, q="Zelenskiy")["items"]] == ["Volodymyr Zelenskyy"]
        assert [p["name"] for p in queries.persons(connection, q="zelenska")["items"]] == ["Olena Zelenska"]
        # Part of a name that is nobody's whole surname finds everyone whose names hold it.
        assert {p["name"] for p in queries.persons(connection, q="Zelen")["items"]} == {
            "Volodymyr Zelenskyy", "Olena Zelenska"}
        assert [p["name"] for p in queries.persons(connection, q="olena")["items"]] == ["Olena Zelenska"]
        assert queries.persons(connection, q="nobody like this")["total"] == 0
        # The facts table's person filter lists the facts of every writing of the person's name.
        spoken = queries.list_facts(connection, "quotes", queries.FactFilter(person="Zelensky"))
        assert {q["speaker"] for q in spoken["items"]} == {"Zelensky", "President Zelensky"}
        met = queries.list_facts(connection, "meetings", queries.FactFilter(person="President Zelensky"))
        assert met["total"] == 1
        detail = queries.person_detail(connection, "president zelensky")
        assert len(detail["quotes"]) == 2 and len(detail["meetings"]) == 1
        assert queries.person_detail(connection, "Anna Tamm")["quotes"] == []


def test_recorded_merge_and_split(people):
    with session_scope(people) as session:
        known = persons.names(session.connection())
        persons.record(session, "merge", "Anna Tamm", "Zelensky", "tester", known=known)
        with pytest.raises(persons.PersonError, match="no quote or meeting"):
            persons.record(session, "merge", "Anna Tamm", "Nobody Known", "tester", known=known)
        with pytest.raises(persons.PersonError, match="same name"):
            persons.record(session, "split", "Anna Tamm", " anna  TAMM ", "tester", known=known)
        with pytest.raises(persons.PersonError, match="action"):
            persons.record(session, "delete", "Anna Tamm", "Zelensky", "tester", known=known)
    with people.connect() as connection:
        assert "Anna Tamm" in queries.find_person(connection, "Zelensky")["aliases"]
    with session_scope(people) as session:
        persons.record(session, "split", "Anna Tamm", "Volodymyr Zelenskyy", "tester")
    with people.connect() as connection:
        assert "Anna Tamm" not in queries.find_person(connection, "Zelensky")["aliases"]
        assert queries.persons(connection)["total"] == 33


# ---------------------------------------------------------------------------- commands and API


def _aliases(db, name: str) -> set[str]:
    out = aidtrace("persons", "list", "--db", str(db), "--q", name).stdout
    line = next(line for line in out.splitlines() if line.startswith(name))
    return {name} | (set(line.split("(also: ", 1)[1].rstrip(")").split("; ")) if "(also: " in line else set())


def test_merge_and_split_survive_reextraction(fresh_db):
    assert _aliases(fresh_db, "Kaja Kallas") == {"Kaja Kallas"}
    aidtrace("persons", "merge", "Rishi Sunak", "Kaja Kallas", "--db", str(fresh_db), "--by", "tester")
    assert _aliases(fresh_db, "Kaja Kallas") == {"Kaja Kallas", "Rishi Sunak"}
    refused = aidtrace("persons", "merge", "Kaja Kallas", "Nobody Known", "--db", str(fresh_db), check=False)
    assert refused.returncode != 0 and "no quote or meeting names 'Nobody Known'" in refused.stderr
    aidtrace("reextract", "--db", str(fresh_db), "--no-progress")
    assert _aliases(fresh_db, "Kaja Kallas") == {"Kaja Kallas", "Rishi Sunak"}, "the merge is kept by name"
    aidtrace("persons", "split", "Rishi Sunak", "Kaja Kallas", "--db", str(fresh_db))
    aidtrace("reextract", "--db", str(fresh_db), "--no-progress")
    assert _aliases(fresh_db, "Kaja Kallas") == {"Kaja Kallas"}
    links = aidtrace("persons", "links", "--db", str(fresh_db)).stdout.splitlines()
    assert links == ["merge\tRishi Sunak\tKaja Kallas", "split\tRishi Sunak\tKaja Kallas"]


def test_persons_api_is_paged_searchable_and_token_protected(writable_server: Server):
    base = writable_server.url
    listing = httpx.get(base + "/api/persons", params={"per_page": 2}).json()
    assert listing["total"] == 4 and listing["pages"] == 2 and len(listing["items"]) == 2
    assert httpx.get(base + "/api/persons", params={"q": "Zelensk"}).json()["total"] == 1
    assert httpx.get(base + "/api/persons", params={"per_page": 501}).status_code == 400
    body = {"name_a": "Mette Frederiksen", "name_b": "Kaja Kallas"}
    assert httpx.post(base + "/api/persons/merge", json=body).status_code == 401
    token = make_token(writable_server.db, "persons-test")
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.post(base + "/api/persons/rename", json=body, headers=headers).status_code == 400
    bad = httpx.post(base + "/api/persons/merge", json={**body, "name_b": "Nobody Known"}, headers=headers)
    assert bad.status_code == 400 and "Nobody Known" in bad.json()["detail"]
    merged = httpx.post(base + "/api/persons/merge", json=body, headers=headers).json()
    assert [set(p["aliases"]) for p in merged["persons"]] == [{"Mette Frederiksen", "Kaja Kallas"}]
    assert httpx.get(base + "/api/persons").json()["total"] == 3
    page = httpx.get(base + "/persons/Mette%20Frederiksen").text
    assert "Also written" in page and "Kaja Kallas" in page
    assert httpx.post(base + "/api/persons/split", json=body, headers=headers).status_code == 200
    assert httpx.get(base + "/api/persons").json()["total"] == 4
    assert "Nobody of that name" in httpx.get(base + "/persons", params={"q": "<script>x"}).text
    assert "<script>x" not in httpx.get(base + "/persons", params={"q": "<script>x"}).text

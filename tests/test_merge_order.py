"""Merged facts depend on the documents, never on the order they were ingested in (SQLite and
PostgreSQL), and commitments merge by what they are rather than how they are worded."""
from __future__ import annotations

import json
import random

from sqlalchemy import select

from aidtrace.facts import KINDS, DocumentFacts
from aidtrace.facts.commitments import Commitment
from aidtrace.facts.endorsements import Endorsement
from aidtrace.facts.meetings import Meeting
from aidtrace.facts.quotes import Quote
from aidtrace.model import Document, Evidence
from aidtrace.storage import merge
from aidtrace.storage.database import get_engine, session_scope, upgrade
from aidtrace.storage.schema import FACT_TABLES, Document as DocumentRow, Mention


def _doc(doc_id: str, published: str, text: str, **facts) -> tuple[Document, DocumentFacts]:
    for kind_facts in facts.values():
        for fact in kind_facts:
            fact.evidence = [Evidence.of(text, 0, len(text))]
    return (Document(id=doc_id, text=text, published=published, url=f"https://news.example/{doc_id}"),
            DocumentFacts(doc_id, published, **facts))


def usa(item: str, status: str = "pledged", amount: float | None = None, category: str = "military",
        **extra) -> Commitment:
    return Commitment("USA", category, item, status, amount=amount, currency="USD" if amount else None, **extra)


# A week of one large package reported in different words, a second package, a pledge delivered
# months later, a running total, and meetings whose participants overlap in a chain.
CORPUS = [
    _doc("house", "2024-04-20", "The House passed $61 billion in military aid for Ukraine.",
         commitments=[usa("military aid", amount=61e9)]),
    _doc("senate", "2024-04-23", "The Senate approved the $61bn aid package.",
         commitments=[usa("aid package", amount=61.0e9)]),
    _doc("signed", "2024-04-24", "Biden signed the package; it includes ATACMS missiles.",
         commitments=[usa("aid package"), usa("ATACMS missiles")]),
    _doc("tranche", "2024-05-10", "A separate $400 million tranche of air defence munitions was announced.",
         commitments=[usa("air defence munitions", amount=400e6)]),
    _doc("howitzers-pledge", "2024-01-05", "The US will send 12 howitzers.",
         commitments=[usa("howitzers", quantity=12)]),
    _doc("howitzers-delivered", "2024-06-01", "The US has delivered the 12 howitzers.",
         commitments=[usa("howitzers", "delivered", quantity=12)]),
    _doc("total", "2024-05-02", "In total the US has given $50bn since the start of the war.",
         commitments=[usa("security assistance", "delivered", amount=50e9, cumulative=True)]),
    _doc("total-again", "2024-05-09", "Altogether, $50 billion of US assistance since February 2022.",
         commitments=[usa("assistance", "delivered", amount=50e9, cumulative=True)]),
    _doc("meet-a", "2024-04-24", "Zelensky met Blinken and Austin in Kyiv.",
         meetings=[Meeting(["Volodymyr Zelenskyy", "Antony Blinken", "Lloyd Austin"], "in_person", "Kyiv", "UA-30",
                           "UKR", "2024-04-24")]),
    _doc("meet-b", "2024-04-25", "Blinken and Zelensky talked in Kyiv yesterday.",
         meetings=[Meeting(["Antony Blinken", "Volodymyr Zelensky"], "in_person", None, None, None, "2024-04-24")],
         quotes=[Quote("Antony Blinken", "We will stand with Ukraine for as long as it takes")],
         endorsements=[Endorsement("USA", "territorial_integrity")]),
    _doc("meet-c", "2024-04-26", "Austin and Shmyhal also met that day.",
         meetings=[Meeting(["Lloyd Austin", "Denys Shmyhal"], "in_person", "Kyiv", "UA-30", "UKR", "2024-04-24")],
         quotes=[Quote("Blinken", "We will stand with Ukraine, for as long as it takes!")],
         endorsements=[Endorsement("USA", "territorial_integrity")]),
]


def _ingest(engine, documents) -> None:
    for document, facts in documents:
        with session_scope(engine) as session:
            merge.store_document(session, document, facts)


def merged_facts(engine) -> list[tuple]:
    """Every merged fact as (kind, its values, the ids of its source documents), sorted: what a
    user sees of the registry, without row ids."""
    result = []
    with session_scope(engine) as session:
        for name, kind in KINDS.items():
            table = FACT_TABLES[name]
            for fact in session.scalars(select(table)):
                sources = sorted(session.scalars(
                    select(DocumentRow.doc_id).join(Mention, Mention.document_id == DocumentRow.id)
                    .where(Mention.kind == name, Mention.fact_id == fact.id)))
                values = {**kind.values(fact), "first_seen": fact.first_seen, "last_seen": fact.last_seen,
                          "mention_count": fact.mention_count}
                result.append((name, json.dumps(values, sort_keys=True, default=str), tuple(sources)))
    return sorted(result)


def _fresh(db_url: str, name: str, tmp_path):
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / name}.db"
    else:
        url = db_url  # one scratch PostgreSQL database per test: empty it between orders
    engine = get_engine(url)
    upgrade(engine)
    return engine


def _empty(engine) -> None:
    with session_scope(engine) as session:
        session.execute(Mention.__table__.delete())
        for table in FACT_TABLES.values():
            session.execute(table.__table__.delete())
        session.execute(DocumentRow.__table__.delete())


def test_the_same_documents_in_any_order_give_the_same_merged_facts(db_url, tmp_path):
    orders = [list(CORPUS), list(reversed(CORPUS))]
    shuffled = list(CORPUS)
    random.Random(7).shuffle(shuffled)
    orders.append(shuffled)
    seen = []
    for number, order in enumerate(orders):
        engine = _fresh(db_url, f"order{number}", tmp_path)
        _empty(engine)
        _ingest(engine, order)
        seen.append(merged_facts(engine))
        engine.dispose()
    assert seen[0] == seen[1] == seen[2]
    commitments = [json.loads(values) | {"sources": sources} for kind, values, sources in seen[0]
                   if kind == "commitments"]
    by_sources = {fact["sources"]: fact for fact in commitments}
    # One package, four reports in three wordings; ATACMS stays its own item.
    package = by_sources[("house", "senate", "signed")]
    assert (package["amount"], package["status"]) == (61e9, "pledged")
    assert ("signed",) in by_sources and by_sources[("signed",)]["item"] == "ATACMS missiles"
    # A different package of a different amount stays apart.
    assert by_sources[("tranche",)]["amount"] == 400e6
    # The pledge and its delivery months later: one fact with both dates.
    howitzers = by_sources[("howitzers-delivered", "howitzers-pledge")]
    assert (howitzers["status"], howitzers["pledged_date"], howitzers["delivered_date"]) == (
        "delivered", "2024-01-05", "2024-06-01")
    # Running totals merge with each other only, and stay flagged.
    total = by_sources[("total", "total-again")]
    assert total["cumulative"] is True
    assert len(commitments) == 5
    meetings = [json.loads(values) | {"sources": sources} for kind, values, sources in seen[0] if kind == "meetings"]
    # Zelensky-Blinken-Austin and Blinken-Zelensky are one meeting; Austin-Shmyhal another.
    assert sorted(m["sources"] for m in meetings) == [("meet-a", "meet-b"), ("meet-c",)]
    quotes = [json.loads(values) for kind, values, _ in seen[0] if kind == "quotes"]
    assert [q["speaker"] for q in quotes] == ["Antony Blinken"]  # the fullest spelling, whatever came first


def test_reextraction_in_another_order_ends_where_a_fresh_ingest_does(tmp_path):
    engine = _fresh("sqlite://", "reextract", tmp_path)
    _ingest(engine, CORPUS)
    before = merged_facts(engine)
    # Re-extract every document (same facts), newest first: nothing changes.
    with session_scope(engine) as session:
        rows = {row.doc_id: row for row in session.scalars(select(DocumentRow))}
        for document, facts in sorted(CORPUS, key=lambda pair: pair[0].published, reverse=True):
            merge.replace_facts(session, rows[document.id], facts)
    assert merged_facts(engine) == before
    engine.dispose()

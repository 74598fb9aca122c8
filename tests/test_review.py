"""Review: accept, reject, correct with history; re-extraction never overrides a review."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from aidtrace.cli import main
from aidtrace.model import Document, Evidence
from aidtrace.facts import DocumentFacts
from aidtrace.facts.commitments import Commitment
from aidtrace.facts.endorsements import Endorsement
from aidtrace.facts.quotes import Quote
from aidtrace.storage import merge, review
from aidtrace.storage.database import session_scope
from aidtrace.storage.export import export_rows, stats
from aidtrace.storage.schema import FACT_TABLES, Document as DocumentRow, Review

TEXT = "Estonia will send twelve howitzers and backs Ukraine's EU membership."


def _facts(doc_id: str, published: str, quantity: int = 12, subject: str = "eu_membership") -> DocumentFacts:
    evidence = [Evidence.of(TEXT, 0, 34)]
    return DocumentFacts(
        doc_id, published,
        commitments=[Commitment("EST", "military", "howitzers", "pledged", quantity=quantity, evidence=evidence)],
        endorsements=[Endorsement("EST", subject, [Evidence.of(TEXT, 39, 69)])],
    )


def _ingest(engine, doc_id: str, published: str, text: str = TEXT, **kw) -> int:
    with session_scope(engine) as session:
        return merge.store_document(session, Document(doc_id, text, published=published), _facts(doc_id, published, **kw)).document_id


def _reextract(engine, document_id: int, facts: DocumentFacts) -> None:
    with session_scope(engine) as session:
        merge.replace_facts(session, session.get(DocumentRow, document_id), facts, "newer")


def test_correction_is_recorded_and_survives_reextraction(engine):
    doc = _ingest(engine, "a", "2023-03-01")
    with session_scope(engine) as session:
        fact_id = session.scalar(select(FACT_TABLES["commitments"].id))
        entry = review.correct(session, "commitments", fact_id, {"quantity": 14, "item": "155 mm howitzers"}, "olena", "per MoD list")
        assert (entry.old_state, entry.new_state) == ("machine", "corrected")
        assert entry.old_values == {"quantity": 12, "item": "howitzers"}
        assert entry.new_values == {"quantity": 14, "item": "155 mm howitzers"}
    # A newer extractor says 10 howitzers, delivered: the corrected fact keeps the reviewer's values.
    _reextract(engine, doc, DocumentFacts("a", "2023-03-01", commitments=[
        Commitment("EST", "military", "howitzers", "delivered", quantity=14, evidence=[Evidence.of(TEXT, 0, 34)])]))
    with session_scope(engine) as session:
        fact = session.get(FACT_TABLES["commitments"], fact_id)
        assert (fact.quantity, fact.item, fact.status, fact.review_state) == (14, "155 mm howitzers", "pledged", "corrected")
        assert fact.mention_count == 1
        history = review.history(session, "commitments", fact_id)
        assert [(h.action, h.reviewer, h.note) for h in history] == [("correct", "olena", "per MoD list")]
        assert history[0].created_at is not None


def test_rejected_fact_stays_rejected_and_hidden_when_found_again(engine):
    doc = _ingest(engine, "a", "2023-03-01")
    with session_scope(engine) as session:
        fact_id = session.scalar(select(FACT_TABLES["endorsements"].id))
        review.reject(session, "endorsements", fact_id, "taras")
    _reextract(engine, doc, _facts("a", "2023-03-01"))
    _ingest(engine, "b", "2023-03-02", text="Another report: Estonia backs EU membership for Ukraine.")
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["endorsements"])).all()
        assert [(f.id, f.review_state, f.mention_count) for f in facts] == [(fact_id, "rejected", 2)]
        assert stats(session)["facts"]["endorsements"] == 0
        assert list(export_rows(session, "endorsements")) == []
        assert [row["id"] for row in export_rows(session, "endorsements", include_rejected=True)] == [fact_id]


def test_accepted_fact_keeps_fields_while_machine_facts_follow_the_extractor(engine):
    doc = _ingest(engine, "a", "2023-03-01")
    with session_scope(engine) as session:
        endorsement_id = session.scalar(select(FACT_TABLES["endorsements"].id))
        review.accept(session, "endorsements", endorsement_id, "olena")
    # The newer extractor finds 10 howitzers instead of 12 and no endorsement at all.
    _reextract(engine, doc, DocumentFacts("a", "2023-03-01", commitments=[
        Commitment("EST", "military", "howitzers", "pledged", quantity=10, evidence=[Evidence.of(TEXT, 0, 34)])]))
    with session_scope(engine) as session:
        assert session.scalars(select(FACT_TABLES["commitments"].quantity)).all() == [10]
        endorsement = session.get(FACT_TABLES["endorsements"], endorsement_id)
        assert (endorsement.review_state, endorsement.subject, endorsement.mention_count) == ("accepted", "eu_membership", 0)


def test_invalid_corrections_are_refused(engine):
    _ingest(engine, "a", "2023-03-01")
    _ingest(engine, "b", "2023-03-02", text="Estonia backs sanctions.", subject="sanctions")
    with session_scope(engine) as session:
        commitment = session.scalar(select(FACT_TABLES["commitments"].id))
        first, second = session.scalars(select(FACT_TABLES["endorsements"].id).order_by(FACT_TABLES["endorsements"].id)).all()
        with pytest.raises(review.ReviewError, match="must be one of"):
            review.correct(session, "commitments", commitment, {"category": "snacks"})
        with pytest.raises(review.ReviewError, match="cannot correct colour of commitments"):
            review.correct(session, "commitments", commitment, {"colour": "red"})
        # Codes come from the gazetteer, amounts are bounded, dates are real; the refusal names the field.
        with pytest.raises(review.ReviewError, match=r"commitments\.donor .*not 'XYZ'"):
            review.correct(session, "commitments", commitment, {"donor": "XYZ"})
        with pytest.raises(review.ReviewError, match=r"commitments\.donor"):
            review.correct(session, "commitments", commitment, {"donor": "ABCD"})
        with pytest.raises(review.ReviewError, match=r"commitments\.amount must be at most"):
            review.correct(session, "commitments", commitment, {"amount": "1e308"})
        with pytest.raises(review.ReviewError, match=r"commitments\.quantity must be a whole number"):
            review.correct(session, "commitments", commitment, {"quantity": "2.5"})
        with pytest.raises(review.ReviewError, match=r"commitments\.region .*UA-99"):
            review.correct(session, "commitments", commitment, {"region": "UA-99"})
        with pytest.raises(review.ReviewError, match="already has these values"):
            review.correct(session, "endorsements", second, {"subject": "eu_membership"})
        with pytest.raises(review.ReviewError, match="no quotes fact"):
            review.accept(session, "quotes", 12345)
        assert session.get(FACT_TABLES["endorsements"], second).subject == "sanctions"
        assert session.scalars(select(Review)).all() == []


def test_reset_hands_a_fact_back_to_the_machine(engine):
    _ingest(engine, "a", "2023-03-01")
    with session_scope(engine) as session:
        fact_id = session.scalar(select(FACT_TABLES["commitments"].id))
        review.correct(session, "commitments", fact_id, {"quantity": 99})
        entry = review.reset(session, "commitments", fact_id, "olena")
        assert (entry.old_values, entry.new_values) == ({"quantity": 99}, {"quantity": 12})
        assert session.get(FACT_TABLES["commitments"], fact_id).review_state == "machine"


def test_review_and_export_commands(db_url):
    from aidtrace.storage.database import ensure_schema, get_engine

    engine = get_engine(db_url)
    ensure_schema(engine)
    _ingest(engine, "a", "2023-03-01")
    runner = CliRunner()
    listed = runner.invoke(main, ["review", "list", "--kind", "commitments", "--db", db_url])
    assert listed.exit_code == 0 and "commitments/1 [machine] donor=EST" in listed.output
    corrected = runner.invoke(main, ["review", "correct", "commitments", "1", "quantity=13", "item=155 mm howitzers",
                                     "--by", "olena", "--note", "checked", "--db", db_url])
    assert corrected.exit_code == 0, corrected.output
    assert "commitments/1: machine -> corrected by olena" in corrected.output
    bad = runner.invoke(main, ["review", "correct", "commitments", "1", "quantity=many", "--db", db_url])
    assert bad.exit_code == 1 and "whole number" in bad.output
    history = runner.invoke(main, ["review", "history", "commitments", "1", "--db", db_url])
    entry = json.loads(history.output.strip())
    assert (entry["reviewer"], entry["old"], entry["new"]) == ("olena", {"quantity": 12, "item": "howitzers"},
                                                               {"quantity": 13, "item": "155 mm howitzers"})
    shown = runner.invoke(main, ["review", "show", "commitments", "1", "--db", db_url])
    assert "Estonia will send twelve howitzers" in shown.output and "olena: correct" in shown.output
    rejected = runner.invoke(main, ["review", "reject", "endorsements", "1", "--db", db_url])
    assert rejected.exit_code == 0
    exported = runner.invoke(main, ["export", "--kind", "commitments", "--format", "jsonl", "--db", db_url])
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [(r["quantity"], r["review_state"], r["sources"][0]["evidence"][0]["text"]) for r in rows] == [
        (13, "corrected", TEXT[:34])]
    csv_out = runner.invoke(main, ["export", "--kind", "endorsements", "--format", "csv", "--db", db_url])
    assert csv_out.stdout.splitlines()[0].startswith("id,review_state,first_seen")
    assert len(csv_out.stdout.splitlines()) == 1  # the rejected one is not exported
    counts = runner.invoke(main, ["stats", "--json", "--db", db_url])
    data = json.loads(counts.stdout)
    assert (data["documents"], data["facts"]["commitments"], data["facts"]["endorsements"]) == (1, 1, 0)
    assert data["review"]["endorsements"] == {"rejected": 1}
    engine.dispose()


def test_correcting_a_speaker_takes_the_actor_from_the_facts_own_sources_never_a_guess(engine):
    text = '"We will send more shells," said Kaja Kallas. "We will send more shells," Kallas repeated.'
    facts = DocumentFacts("q", "2023-03-01", quotes=[
        Quote("Kaja Kallas", "We will send more shells,", speaker_actor="EST", evidence=[Evidence.of(text, 1, 26)])])
    other = DocumentFacts("r", "2023-03-02", quotes=[
        Quote("Kallas", "We will send more shells,", speaker_actor=None, evidence=[Evidence.of(text, 1, 26)])])
    with session_scope(engine) as session:
        merge.store_document(session, Document("q", text, published="2023-03-01"), facts)
        merge.store_document(session, Document("r", text + " ", url="https://r.example", published="2023-03-02"), other)
    with session_scope(engine) as session:
        fact_id = session.scalar(select(FACT_TABLES["quotes"].id))
        assert session.get(FACT_TABLES["quotes"], fact_id).speaker_actor == "EST"
        # A speaker the fact's own sources never name: the actor is unknown, not looked up in a
        # list of leaders (Scholz was the machine's reading of no document here).
        review.correct(session, "quotes", fact_id, {"speaker": "Olaf Scholz"}, "olena")
    with session_scope(engine) as session:
        fact = session.get(FACT_TABLES["quotes"], fact_id)
        assert (fact.speaker, fact.speaker_actor) == ("Olaf Scholz", None)
        # The reviewer may say it, and a speaker the sources do name gets the actor they read.
        review.correct(session, "quotes", fact_id, {"speaker_actor": "deu"}, "olena")
        assert session.get(FACT_TABLES["quotes"], fact_id).speaker_actor == "DEU"
        review.correct(session, "quotes", fact_id, {"speaker": "Kaja Kallas"}, "olena")
    with session_scope(engine) as session:
        assert session.get(FACT_TABLES["quotes"], fact_id).speaker_actor == "EST"

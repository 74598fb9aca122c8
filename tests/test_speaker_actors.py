"""The actors that quote speakers and meeting participants speak for, from extraction to the
registry (quotes.speaker_actor, meetings.actors; schema revision 0003), on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select, text

from aidtrace.model import Document, Evidence
from aidtrace.facts import DocumentFacts
from aidtrace.facts.meetings import Meeting
from aidtrace.facts.quotes import Quote, quote_key
from aidtrace.pipeline import extract
from aidtrace.storage import merge
from aidtrace.storage.database import get_engine, session_scope, upgrade
from aidtrace.storage.schema import FACT_TABLES, Document as DocumentRow, Mention


def store(engine, doc_id: str, published: str, body: str, **facts) -> None:
    """Store one document with the given facts (evidence: the whole text)."""
    for kind_facts in facts.values():
        for fact in kind_facts:
            fact.evidence = [Evidence.of(body, 0, len(body))]
    document = Document(id=doc_id, text=body, published=published, url=f"https://news.example/{doc_id}")
    with session_scope(engine) as session:
        merge.store_document(session, document, DocumentFacts(doc_id, published, **facts))


def test_extracted_actors_are_stored_on_the_facts_and_their_mentions(engine, nlp):
    body = ('President Volodymyr Zelenskyy met Estonian Prime Minister Kaja Kallas in Kyiv on March 3. '
            '"Estonia will keep sending shells to Ukraine every month," Kallas said after the talks.')
    document = Document(id="kyiv", text=body, published="2023-03-04", url="https://news.example/kyiv")
    facts = extract(nlp, document)
    with session_scope(engine) as session:
        merge.store_document(session, document, facts)
    with session_scope(engine) as session:
        quote = session.scalars(select(FACT_TABLES["quotes"])).one()
        assert (quote.speaker, quote.speaker_actor) == ("Kaja Kallas", "EST")
        meeting = session.scalars(select(FACT_TABLES["meetings"])).one()
        assert meeting.actors == ["UKR", "EST"]
        fields = {m.kind: m.fields for m in session.scalars(select(Mention))}
        assert fields["quotes"]["speaker_actor"] == "EST" and fields["meetings"]["actors"] == ["UKR", "EST"]


def test_merging_keeps_the_first_known_speaker_actor_and_the_union_of_meeting_actors(engine):
    words = "Estonia will keep sending shells to Ukraine,"
    store(engine, "a", "2023-03-01", "Kallas spoke.", quotes=[Quote("Kaja Kallas", words)],
          meetings=[Meeting(["Volodymyr Zelenskyy", "Kaja Kallas"], "in_person", date="2023-03-01", actors=["UKR"])])
    store(engine, "b", "2023-03-02", "Kallas spoke again.", quotes=[Quote("Kallas", words, speaker_actor="EST")],
          meetings=[Meeting(["Kaja Kallas", "Volodymyr Zelensky", "Krisjanis Karins"], "in_person",
                            date="2023-03-01", actors=["EST", "UKR", "LVA"])])
    store(engine, "c", "2023-03-03", "Kallas once more.", quotes=[Quote("Kaja Kallas", words, speaker_actor="EU")])
    with session_scope(engine) as session:
        quote = session.scalars(select(FACT_TABLES["quotes"])).one()
        assert (quote.mention_count, quote.speaker_actor) == (3, "EST")
        meeting = session.scalars(select(FACT_TABLES["meetings"])).one()
        assert (meeting.mention_count, meeting.actors) == (2, ["UKR", "EST", "LVA"])
        assert merge.fact_values("quotes", quote)["speaker_actor"] == "EST"  # exported with the fact
        # Re-extraction of "b" finds the quote without its actor: the fact is folded again.
        row = session.scalars(select(DocumentRow).where(DocumentRow.doc_id == "b")).one()
        merge.replace_facts(session, row, DocumentFacts("b", "2023-03-02", quotes=[
            Quote("Kallas", words, evidence=[Evidence(0, 6, "Kallas")])]))
    with session_scope(engine) as session:
        quote = session.scalars(select(FACT_TABLES["quotes"])).one()
        assert (quote.mention_count, quote.speaker_actor) == (3, "EU")  # now the first one known is c's
        meeting = session.scalars(select(FACT_TABLES["meetings"])).one()
        assert (meeting.mention_count, meeting.actors) == (1, ["UKR"])


def test_facts_stored_before_0003_have_no_actors_until_a_mention_brings_them(db_url):
    engine = get_engine(db_url)
    upgrade(engine, "0002")
    store_old = ("INSERT INTO quotes (speaker, text, merge_key, first_seen, last_seen, mention_count, confidence, "
                 "review_state, created_at, updated_at) VALUES (:speaker, :text, :key, :day, :day, 1, 0.9, "
                 "'machine', :now, :now)")
    words = "Estonia will keep sending shells to Ukraine,"
    with engine.begin() as connection:
        connection.execute(text(store_old), {"speaker": "Kaja Kallas", "text": words, "day": "2023-03-01",
                                             "key": quote_key("Kaja Kallas", words), "now": "2023-03-01"})
    upgrade(engine)
    with session_scope(engine) as session:
        assert session.scalars(select(FACT_TABLES["quotes"].speaker_actor)).one() is None
    store(engine, "b", "2023-03-02", "Kallas spoke.", quotes=[Quote("Kallas", words, speaker_actor="EST")])
    with session_scope(engine) as session:
        quote = session.scalars(select(FACT_TABLES["quotes"])).one()
        assert (quote.mention_count, quote.speaker_actor) == (2, "EST")
    engine.dispose()

"""Merging facts across documents, on SQLite and PostgreSQL, with facts built by hand."""
from __future__ import annotations

from sqlalchemy import func, select

from aidtrace.model import Document, Evidence
from aidtrace.facts import DocumentFacts
from aidtrace.facts.commitments import Commitment, item_words
from aidtrace.facts.endorsements import Endorsement
from aidtrace.facts.meetings import Meeting
from aidtrace.facts.patronages import Patronage
from aidtrace.facts.quotes import Quote
from aidtrace.storage import merge
from aidtrace.storage.database import session_scope
from aidtrace.storage.schema import FACT_TABLES, Document as DocumentRow, Mention
from aidtrace.text import surname_key


def _evidence(text: str, phrase: str) -> list[Evidence]:
    start = text.index(phrase)
    return [Evidence.of(text, start, start + len(phrase))]


def store(engine, doc_id: str, published: str, text: str, **facts) -> merge.StoreResult:
    """Store one document with the given facts (their evidence is the whole first sentence)."""
    for kind_facts in facts.values():
        for fact in kind_facts:
            if not fact.evidence:
                fact.evidence = _evidence(text, text.split(".")[0])
    document = Document(id=doc_id, text=text, published=published, url=f"https://news.example/{doc_id}")
    with session_scope(engine) as session:
        return merge.store_document(session, document, DocumentFacts(doc_id, published, **facts))


def howitzers(status: str, quantity: int | None = 12, item: str = "155 mm howitzers", **extra) -> Commitment:
    return Commitment(donor="EST", category="military", item=item, status=status, quantity=quantity, **extra)


def test_same_commitment_from_three_documents_is_one_fact_with_three_mentions(engine):
    store(engine, "a", "2023-03-01", "Estonia will send twelve howitzers to Ukraine.", commitments=[howitzers("pledged")])
    store(engine, "b", "2023-03-03", "Tallinn pledged 12 howitzers for Kyiv.", commitments=[howitzers("pledged", item="howitzers")])
    store(engine, "c", "2023-03-20", "Estonian howitzers promised this month.", commitments=[howitzers("pledged", quantity=None, item="howitzer")])
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["commitments"])).all()
        assert len(facts) == 1
        fact = facts[0]
        assert (fact.item, fact.quantity, fact.mention_count) == ("155 mm howitzers", 12, 3)
        assert (fact.first_seen, fact.last_seen, fact.pledged_date, fact.delivered_date) == (
            "2023-03-01", "2023-03-20", "2023-03-01", None)
        mentions = session.scalars(select(Mention).where(Mention.kind == "commitments").order_by(Mention.id)).all()
        assert [m.fact_id for m in mentions] == [fact.id] * 3
        assert mentions[1].evidence == [{"start": 0, "end": 37, "text": "Tallinn pledged 12 howitzers for Kyiv"}]
        assert mentions[1].fields["item"] == "howitzers"


def test_pledge_then_delivery_months_later_shows_both_dates(engine):
    store(engine, "p", "2023-01-10", "Estonia will send twelve howitzers.", commitments=[howitzers("pledged")])
    store(engine, "d", "2023-06-02", "Estonia has delivered twelve howitzers.", commitments=[howitzers("delivered")])
    with session_scope(engine) as session:
        fact = session.scalars(select(FACT_TABLES["commitments"])).one()
        assert (fact.status, fact.pledged_date, fact.delivered_date) == ("delivered", "2023-01-10", "2023-06-02")
        assert fact.mention_count == 2


def test_incompatible_commitments_stay_apart(engine):
    store(engine, "a", "2023-03-01", "Estonia will send twelve howitzers.", commitments=[howitzers("pledged")])
    # Different quantity, a different item, a different donor, and the same pledge a year later.
    store(engine, "b", "2023-03-02", "Estonia will send four howitzers.", commitments=[howitzers("pledged", quantity=4)])
    store(engine, "c", "2023-03-02", "Estonia will send drones.", commitments=[howitzers("pledged", quantity=None, item="drones")])
    store(engine, "d", "2023-03-02", "Latvia will send twelve howitzers.",
          commitments=[Commitment(donor="LVA", category="military", item="howitzers", status="pledged", quantity=12)])
    store(engine, "e", "2024-05-02", "Estonia will send twelve howitzers again.", commitments=[howitzers("pledged")])
    # Items that share only a word restating the category are different things.
    store(engine, "f", "2023-03-02", "Estonia sent a military hospital.",
          commitments=[howitzers("pledged", quantity=None, item="military hospital")])
    store(engine, "g", "2023-03-02", "Estonia sent military aid.", commitments=[howitzers("pledged", quantity=None, item="military aid")])
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(FACT_TABLES["commitments"])) == 7


def test_amounts_merge_within_one_percent_and_are_converted_at_the_announcement_date(engine):
    store(engine, "a", "2022-03-05", "Estonia gives 50 million euros.",  # a Saturday: Friday's ECB rate is used
          commitments=[Commitment("EST", "financial", "budget support", "pledged", amount=50_000_000, currency="EUR")])
    store(engine, "b", "2022-03-08", "Estonia gives about 50.2 million euros.",
          commitments=[Commitment("EST", "financial", "budget support", "pledged", amount=50_200_000, currency="EUR")])
    store(engine, "c", "2022-03-09", "Estonia gives 80 million euros.",
          commitments=[Commitment("EST", "financial", "budget support", "pledged", amount=80_000_000, currency="EUR")])
    from currency_converter import CurrencyConverter
    import datetime

    usd_per_eur = CurrencyConverter().convert(1, "EUR", "USD", date=datetime.date(2022, 3, 4))
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["commitments"]).order_by(FACT_TABLES["commitments"].id)).all()
        assert [f.mention_count for f in facts] == [2, 1]
        first = facts[0]
        assert (first.amount, first.currency, first.amount_eur, first.eur_rate, first.rate_date) == (
            50_000_000, "EUR", 50_000_000, 1.0, "2022-03-04")
        assert abs(first.usd_rate - usd_per_eur) < 1e-9
        assert abs(first.amount_usd - 50_000_000 * usd_per_eur) < 0.01


def test_one_meeting_per_participants_and_day(engine):
    kallas = "Zelensky met Kaja Kallas in Zhytomyr."
    store(engine, "a", "2023-04-24", kallas,
          meetings=[Meeting(["Volodymyr Zelenskyy", "Kaja Kallas"], "in_person", "Zhytomyr", "UA-18", "UKR", "2023-04-24")])
    store(engine, "b", "2023-04-25", "Kallas and Zelensky talked in Zhytomyr Oblast.",
          meetings=[Meeting(["Kaja Kallas", "Volodymyr Zelensky", "Andriy Yermak"], "in_person", None, None, None, "2023-04-24")])
    store(engine, "c", "2023-04-26", "Zelensky met Kallas again in Kyiv.",
          meetings=[Meeting(["Volodymyr Zelensky", "Kaja Kallas"], "in_person", "Kyiv", "UA-30", "UKR", "2023-04-26")])
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["meetings"]).order_by(FACT_TABLES["meetings"].id)).all()
        assert [(f.date, f.mention_count) for f in facts] == [("2023-04-24", 2), ("2023-04-26", 1)]
        assert facts[0].participants == ["Volodymyr Zelenskyy", "Kaja Kallas", "Andriy Yermak"]
        assert (facts[0].place, facts[0].region) == ("Zhytomyr", "UA-18")


def test_endorsements_patronages_and_quotes_merge_with_first_and_last_seen(engine):
    for doc_id, day in (("a", "2022-06-01"), ("b", "2022-02-11"), ("c", "2022-09-30")):
        store(engine, doc_id, day, f"Estonia backs EU membership for Ukraine ({doc_id}). \"We stand with Ukraine to the end,\" Kallas said.",
              endorsements=[Endorsement("EST", "eu_membership")],
              patronages=[Patronage("EST", "UA-18")],
              quotes=[Quote("Kaja Kallas", "We stand with Ukraine to the end,")])
    store(engine, "d", "2022-10-01", "Estonia backs sanctions. \"We stand with Ukraine to the end!\" said Kallas.",
          endorsements=[Endorsement("EST", "sanctions")], quotes=[Quote("Kallas", "We stand with Ukraine to the end!")])
    with session_scope(engine) as session:
        endorsements = session.scalars(select(FACT_TABLES["endorsements"]).order_by(FACT_TABLES["endorsements"].id)).all()
        assert [(e.subject, e.first_seen, e.last_seen, e.mention_count) for e in endorsements] == [
            ("eu_membership", "2022-02-11", "2022-09-30", 3), ("sanctions", "2022-10-01", "2022-10-01", 1)]
        patronage = session.scalars(select(FACT_TABLES["patronages"])).one()
        assert (patronage.patron, patronage.region, patronage.mention_count) == ("EST", "UA-18", 3)
        quote = session.scalars(select(FACT_TABLES["quotes"])).one()
        assert (quote.speaker, quote.mention_count) == ("Kaja Kallas", 4)


def test_same_document_twice_adds_nothing(engine):
    text = "Estonia will send twelve howitzers to Ukraine."
    first = store(engine, "a", "2023-03-01", text, commitments=[howitzers("pledged")])
    # Same text with other whitespace and another url, then the same url with other text.
    again = store(engine, "a2", "2023-03-01", "Estonia  will send twelve\nhowitzers to Ukraine.  ", commitments=[howitzers("pledged")])
    document = Document(id="a3", text="Completely different words here.", url="https://news.example/a")
    with session_scope(engine) as session:
        same_url = merge.store_document(session, document, DocumentFacts("a3", None))
    assert first.added and not again.added and not same_url.added
    assert again.document_id == first.document_id == same_url.document_id
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Mention)) == 1
        assert session.scalar(select(FACT_TABLES["commitments"].mention_count)) == 1


def test_reextraction_replaces_machine_mentions_and_recomputes_facts(engine):
    store(engine, "a", "2023-03-01", "Estonia will send twelve howitzers.", commitments=[howitzers("pledged")])
    store(engine, "b", "2023-03-05", "Estonia has sent twelve howitzers and drones.",
          commitments=[howitzers("delivered"), howitzers("delivered", quantity=None, item="drones")])
    with session_scope(engine) as session:
        row = session.scalars(select(DocumentRow).where(DocumentRow.doc_id == "b")).one()
        # A newer extractor finds only the howitzers, and now as pledged.
        merge.replace_facts(session, row, DocumentFacts("b", "2023-03-05", commitments=[howitzers("pledged")]), "v2")
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["commitments"])).all()
        assert len(facts) == 1  # the drones fact lost its only mention and is gone
        fact = facts[0]
        assert (fact.status, fact.delivered_date, fact.mention_count, fact.last_seen) == ("pledged", None, 2, "2023-03-05")
        versions = session.scalars(select(Mention.extractor_version).order_by(Mention.id)).all()
        assert versions == [merge.EXTRACTOR_VERSION, "v2"]


def test_helpers_follow_the_facts_contract():
    assert surname_key("Volodymyr Zelenskyy") == surname_key("ZELENSKY") == "zelensky"
    assert surname_key("Kaja Kállas") == "kallas"  # diacritics ignored, inner double kept
    assert item_words("the 155 mm Shells") == {"155", "mm", "shell"}
    assert item_words("Ukraine's military hospitals") == {"hospital"}
    assert merge.content_hash("a  b\n") == merge.content_hash("a b")
    assert merge.content_hash("a b") != merge.content_hash("a c")


def test_one_sum_in_dollars_and_in_the_donors_dollars_is_one_commitment_in_the_donors(engine):
    # "$120 million" in one release, "120 million dollars" (Canadian, by the donor) in the next.
    store(engine, "usd", "2022-01-24", "Canada lends $120 million.",
          commitments=[Commitment("CAN", "financial", "loan", "pledged", amount=120e6, currency="USD")])
    store(engine, "cad", "2022-02-12", "Canada has provided 120 million dollars.",
          commitments=[Commitment("CAN", "financial", "loan", "delivered", amount=120e6, currency="CAD")])
    store(engine, "us", "2022-02-13", "The US has provided $120 million.",
          commitments=[Commitment("USA", "financial", "loan", "delivered", amount=120e6, currency="USD")])
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["commitments"]).order_by(FACT_TABLES["commitments"].donor)).all()
        assert [(f.donor, f.mention_count, f.currency, f.status) for f in facts] == [
            ("CAN", 2, "CAD", "delivered"), ("USA", 1, "USD", "delivered")]
        assert facts[0].amount_eur < 0.9 * facts[1].amount_eur  # converted as Canadian dollars


def test_undated_reports_of_an_event_are_one_event_only_when_close_in_time(engine):
    from aidtrace.facts.events import Event

    def talks() -> Event:
        return Event(name="negotiations with the gas companies", organiser=None, place=None, country=None, date=None)

    store(engine, "dec", "2021-12-24", "Negotiations with the gas companies will follow.", events=[talks()])
    store(engine, "jan", "2022-01-10", "Negotiations with the gas companies will follow soon.", events=[talks()])
    store(engine, "jun", "2022-06-06", "Negotiations with the gas companies will follow again.", events=[talks()])
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["events"]).order_by(FACT_TABLES["events"].first_seen)).all()
        assert [(f.first_seen, f.mention_count) for f in facts] == [("2021-12-24", 2), ("2022-06-06", 1)]


def test_generic_reports_of_a_donors_aid_of_one_kind_are_one_fact(engine):
    text = ("The President thanked Portugal for its defensive assistance. "
            "The Prime Minister of Portugal said his country had already sent military aid.")
    generic = [Commitment(donor="PRT", category="military", item="defensive assistance", status="delivered"),
               Commitment(donor="PRT", category="military", item="military aid", status="delivered")]
    store(engine, "g", "2022-05-21", text, commitments=generic)
    store(engine, "h", "2022-05-30", "Portugal sent military assistance.", commitments=[
        Commitment(donor="PRT", category="military", item="military assistance", status="delivered")])
    # A named item, or a generic report with its own amount, stays a fact of its own.
    store(engine, "i", "2022-05-30", "Portugal sent 10 armoured vehicles and €5 million in military aid.", commitments=[
        Commitment(donor="PRT", category="military", item="armoured vehicles", status="delivered", quantity=10),
        Commitment(donor="PRT", category="military", item="military aid", status="delivered", amount=5e6,
                   currency="EUR")])
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["commitments"]).order_by(FACT_TABLES["commitments"].id)).all()
        assert sorted((f.item, f.amount, f.mention_count) for f in facts) == [
            ("armoured vehicles", None, 1), ("defensive assistance", None, 3), ("military aid", 5e6, 1)]


def test_a_delivery_told_again_within_a_year_without_figures_is_the_one_delivery(engine):
    def himars(**extra) -> Commitment:
        return Commitment(donor="USA", category="military", item="HIMARS launchers", status="delivered", **extra)
    store(engine, "h1", "2022-06-20", "The US has sent HIMARS launchers.", commitments=[himars()])
    store(engine, "h2", "2022-11-02", "Ukraine relies on the US-supplied HIMARS launchers.", commitments=[himars()])
    # With a count, a later delivery is a tranche of its own.
    store(engine, "h3", "2023-01-15", "The US delivered 4 more HIMARS launchers.", commitments=[himars(quantity=4)])
    with session_scope(engine) as session:
        facts = session.scalars(select(FACT_TABLES["commitments"])).all()
        assert sorted((f.quantity or 0, f.mention_count) for f in facts) == [(0, 2), (4, 1)]

"""Meetings on sentences written for these tests, through the real spaCy pipeline."""
import pytest

from aidtrace.facts.meetings import extract_meetings


def meetings(annotate, text, published="2023-06-15"):
    doc = annotate(text, published)
    return extract_meetings(doc)


def test_in_person_meeting_with_place_region_and_date(annotate):
    (m,) = meetings(annotate, "President Volodymyr Zelenskyy met with Latvian Prime Minister Krisjanis Karins "
                         "in Chernihiv Oblast on June 14. The talks focused on energy.")
    assert {p.split()[-1] for p in m.participants} == {"Zelenskyy", "Karins"}
    assert (m.mode, m.place, m.region, m.country, m.date) == ("in_person", "Chernihiv Oblast", "UA-74", "UKR", "2023-06-14")
    assert len(m.evidence) == 2


def test_phone_call_has_no_place_and_defaults_to_publication_day(annotate):
    (m,) = meetings(annotate, "Volodymyr Zelenskyy had a phone conversation with Federal Chancellor of Germany Olaf Scholz.")
    assert (m.mode, m.place, m.country, m.date) == ("phone", None, None, "2023-06-15")


def test_video_conference_event_counts_its_speakers(annotate):
    text = ("Volodymyr Zelenskyy took part in a meeting of the Council of Mayors, held as a video conference. "
            "Mayor of Riga Mairis Briedis said that his city would send buses. "
            "Mayor of Vilnius Remigijus Simasius noted the importance of the meeting.")
    (m,) = meetings(annotate, text)
    assert m.mode == "video"
    assert {"Zelenskyy", "Briedis", "Simasius"} <= {p.split()[-1] for p in m.participants}


def test_visit_to_ukraine_gives_the_country_without_a_place(annotate):
    (m,) = meetings(annotate, "President Volodymyr Zelenskyy met with Foreign Minister of Spain Jose Manuel Albares, who is on a visit to Ukraine.")
    assert (m.place, m.region, m.country) == (None, None, "UKR")


@pytest.mark.parametrize("text", [
    "Volodymyr Zelenskyy will meet Olaf Scholz next week in Berlin.",
    "Volodymyr Zelenskyy addressed the parliament of Canada.",
    "The upcoming talks between Olaf Scholz and Emmanuel Macron are planned for May.",
])
def test_planned_meetings_and_speeches_are_not_meetings(annotate, text):
    assert meetings(annotate, text) == []


def test_actors_are_the_participants_actors_in_participant_order(annotate):
    (m,) = meetings(annotate, "President Volodymyr Zelenskyy met Estonian Prime Minister Kaja Kallas in Kyiv on "
                              "March 3. The talks focused on air defence.")
    assert m.participants == ["Volodymyr Zelenskyy", "Kaja Kallas"]
    assert m.actors == ["UKR", "EST"]
    (m,) = meetings(annotate, "Estonian Prime Minister Kaja Kallas met President Volodymyr Zelenskyy and Prime "
                              "Minister Denys Shmyhal in Kyiv on March 3.")
    assert m.actors == ["EST", "UKR"]  # each actor once, however many of its people take part


def test_a_participant_without_a_known_actor_adds_none(annotate):
    (m,) = meetings(annotate, "President Volodymyr Zelenskyy met volunteer Olha Petrenko and Prime Minister Denys "
                              "Shmyhal in Bucha on March 3.")
    assert len(m.participants) == 3 and m.actors == ["UKR"]


# --- first-person reports, lists of calls, foreign leaders, wishes, and topics --------------------

import json
from pathlib import Path

from aidtrace.model import Document
from aidtrace.pipeline import make_doc

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "seed.jsonl"


def release(nlp, text, published="2023-06-15", source="president.gov.ua"):
    """Meetings of a text published by the given source (the author of its first-person reports)."""
    return extract_meetings(nlp(make_doc(nlp, Document(id="t", text=text, published=published, source=source))))


def surnames_of(meeting):
    return {p.split()[-1] for p in meeting.participants}


def test_first_person_call_has_the_author_as_participant(nlp):
    (m,) = release(nlp, "Good evening, dear compatriots. I spoke today with Prime Minister of Norway Jonas Gahr Store. "
                        "I thanked him for the air defence systems.")
    assert surnames_of(m) == {"Zelenskyy", "Store"}
    assert (m.mode, m.place, m.date) == ("phone", None, "2023-06-15")
    assert m.topics == ["defence"]


def test_first_person_report_from_another_source_has_no_author(nlp):
    assert release(nlp, "I spoke today with Prime Minister of Norway Jonas Gahr Store.", source="news report") == []


def test_each_call_in_a_list_is_its_own_meeting(nlp):
    found = release(nlp, "I spoke with President of Finland Sauli Niinisto, Chancellor Olaf Scholz and "
                         "Prime Minister Mark Rutte.")
    assert sorted(tuple(sorted(surnames_of(m))) for m in found) == [
        ("Niinisto", "Zelenskyy"), ("Rutte", "Zelenskyy"), ("Scholz", "Zelenskyy")]
    assert {m.mode for m in found} == {"phone"}


def test_successive_calls_in_an_address_keep_their_own_topics(nlp):
    text = ("I spoke with President of Finland Sauli Niinisto. I thanked him for the new sanctions package. "
            "I also spoke with Chancellor Olaf Scholz. On the export of grain through our ports. "
            "Our soldiers keep fighting in the east.")
    topics = {tuple(sorted(surnames_of(m))): m.topics for m in release(nlp, text)}
    assert topics == {("Niinisto", "Zelenskyy"): ["sanctions"], ("Scholz", "Zelenskyy"): ["food_security"]}


def test_meeting_between_foreign_leaders_in_news(nlp):
    (m,) = release(nlp, "Chinese President Xi Jinping held talks with Brazilian President Luiz Inacio Lula in "
                        "Beijing on Tuesday.", published="2023-04-15", source="news report")
    assert surnames_of(m) == {"Jinping", "Lula"}
    assert (m.mode, m.country) == ("in_person", "CHN")


@pytest.mark.parametrize("text", [
    "I hope to meet Prime Minister of Norway Jonas Gahr Store soon.",
    "I would like to talk with Chancellor Olaf Scholz about the tanks.",
    "A possible meeting between Olaf Scholz and Emmanuel Macron is being prepared.",
])
def test_a_wish_or_possibility_to_meet_is_not_a_meeting(nlp, text):
    assert release(nlp, text) == []


def test_a_topic_named_elsewhere_in_the_document_is_not_a_topic_of_the_meeting(nlp):
    text = ("Good evening. Today our air defence shot down eleven drones over Kyiv. Sanctions must grow. "
            "I spoke with President of Finland Sauli Niinisto. I thanked him for the humanitarian aid for Kharkiv. "
            "Glory to Ukraine!")
    (m,) = release(nlp, text)
    assert m.topics == ["humanitarian"]


def test_a_release_about_one_meeting_gives_it_the_topics_of_the_release(nlp):
    text = ("President Volodymyr Zelenskyy met with Prime Minister of Belgium Alexander De Croo in Kyiv. "
            "The parties discussed the supply of artillery ammunition. "
            "The President thanked Belgium for its support of Ukraine's accession to the European Union.")
    (m,) = release(nlp, text)
    assert m.topics == ["defence", "eu_integration"]


@pytest.mark.skipif(not SEED.exists(), reason="../shared/corpora/seed.jsonl is absent")
def test_the_seed_meeting_gets_exactly_its_topics(nlp):
    record = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
    document = Document(id=record["id"], text=record["text"], published=record["published"][:10],
                        source=record["source"], url=record["url"])
    (m,) = extract_meetings(nlp(make_doc(nlp, document)))
    assert sorted(m.topics) == sorted(["reconstruction", "cybersecurity", "sanctions", "nato", "eu_integration",
                                       "defence", "humanitarian"])


def test_people_in_a_side_clause_do_not_join_the_call(nlp):
    text = ("Foreign Minister of Spain Jose Manuel Albares held a call with his Italian counterpart Antonio Tajani. "
            "Albares and Tajani spoke by phone as Chancellor Olaf Scholz prepared to travel to Paris.")
    (m,) = release(nlp, text, source="news report")
    assert surnames_of(m) == {"Albares", "Tajani"}
    assert m.mode == "phone"


def test_a_title_is_not_taken_for_a_participant(nlp):
    (m,) = release(nlp, "Head of the Office of the President Andriy Yermak had a phone conversation with US National "
                        "Security Advisor Jacob Sullivan.", source="news report")
    assert surnames_of(m) == {"Yermak", "Sullivan"}


def test_a_name_cut_at_a_particle_is_a_participant(nlp):
    (m,) = release(nlp, "I spoke today with European Commission President Ursula von der Leyen. "
                        "I thanked her for the macro-financial assistance.")
    assert m.participants == ["Volodymyr Zelenskyy", "Ursula von der Leyen"]
    assert m.topics == ["finance"]


def test_one_leader_acting_on_another_at_a_summit_is_a_meeting(nlp):
    (m,) = release(nlp, "Chancellor Olaf Scholz urged Indian Prime Minister Narendra Modi at a summit in Berlin on "
                        "Tuesday to condemn the war.", published="2023-05-04", source="news report")
    assert surnames_of(m) == {"Scholz", "Modi"}
    assert (m.mode, m.country) == ("in_person", "DEU")


def test_speaking_about_someone_at_a_summit_is_not_a_meeting(nlp):
    assert release(nlp, "Chancellor Olaf Scholz said at a summit in Berlin that Vladimir Putin had lost the war.",
                   source="news report") == []


def test_topics_of_one_meeting_reported_twice_are_united_in_storage(engine, nlp):
    from sqlalchemy import select

    from aidtrace.facts import DocumentFacts
    from aidtrace.storage import merge
    from aidtrace.storage.database import session_scope
    from aidtrace.storage.schema import FACT_TABLES

    texts = {"first": "President Volodymyr Zelenskyy met Estonian Prime Minister Kaja Kallas in Kyiv on March 3. "
                      "They discussed air defence.",
             "second": "Volodymyr Zelenskyy and Kaja Kallas met in Kyiv on March 3. Kallas spoke of new sanctions."}
    for doc_id, text in texts.items():
        document = Document(id=doc_id, text=text, published="2023-03-04", source="news report")
        found = extract_meetings(nlp(make_doc(nlp, document)))
        with session_scope(engine) as session:
            merge.store_document(session, document, DocumentFacts(doc_id, "2023-03-04", meetings=found))
    with session_scope(engine) as session:
        (fact,) = session.scalars(select(FACT_TABLES["meetings"])).all()
        assert sorted(fact.topics) == ["defence", "sanctions"]
        assert fact.mention_count == 2


@pytest.mark.parametrize("text", [
    "I am grateful to Prime Minister of Norway Jonas Gahr Store for his visit to Odesa.",
    '"We had talks and talks, and nothing happened," economist Oleh Marchenko said.',
    "In the afternoon I held a meeting with the Cabinet of Ministers and the Office of the President.",
])
def test_the_author_takes_part_only_in_what_he_reports_doing(nlp, text):
    assert release(nlp, text) == []


def test_the_same_two_people_written_differently_are_one_meeting(nlp):
    text = ("Chancellor Olaf Scholz met Chinese President Xi Jinping in Beijing on Tuesday. "
            '"I asked President Xi to press Moscow," Scholz wrote after the meeting with Xi.')
    (m,) = release(nlp, text, published="2024-04-17", source="news report")
    assert "Scholz" in surnames_of(m)


def test_a_conversation_with_the_media_after_talks_does_not_make_them_a_call(annotate):
    (m,) = meetings(annotate, "President Volodymyr Zelenskyy said so during a conversation with journalists following the negotiations "
                              "with Prime Minister of Norway Jonas Gahr Store in Odesa.")
    assert (m.mode, m.place, m.region, m.country) == ("in_person", "Odesa", "UA-51", "UKR")


def test_the_place_a_visitor_is_greeted_in_beats_where_she_went_alone(annotate):
    text = ("President Volodymyr Zelenskyy met with Prime Minister of Denmark Mette Frederiksen, who is on a visit to Ukraine. "
            "Welcoming Mette Frederiksen in Lviv, he thanked Denmark for its help. "
            "During the meeting, Mette Frederiksen said that she had visited Irpin earlier in the day.")
    (m,) = meetings(annotate, text)
    assert (m.place, m.region, m.country) == ("Lviv", "UA-46", "UKR")


def test_talks_at_a_named_place_are_in_person_even_with_discussed(annotate):
    (m,) = meetings(annotate, "During the talks in Lviv, President Volodymyr Zelenskyy and Prime Minister of Greece "
                              "Kyriakos Mitsotakis discussed the export of grain.")
    assert (m.mode, m.place, m.region, m.country) == ("in_person", "Lviv", "UA-46", "UKR")


def test_the_first_person_subject_of_a_verb_before_and_is_the_author(nlp):
    found = release(nlp, "We also worked and spoke with Prime Minister of Spain Pedro Sanchez, "
                         "with President of Chile Gabriel Boric.")
    assert sorted(tuple(sorted(surnames_of(m))) for m in found) == [("Boric", "Zelenskyy"), ("Sanchez", "Zelenskyy")]


@pytest.mark.parametrize("text, date", [
    ("Chancellor Olaf Scholz met President Emmanuel Macron in Paris earlier this month.", "2023-06"),
    ("In May, Prime Minister Mark Rutte met Prime Minister Mette Frederiksen in Copenhagen.", "2023-05"),
    ("Prime Minister Mark Rutte met Prime Minister Mette Frederiksen in Copenhagen on June 2.", "2023-06-02"),
    # a later sentence recalling another month does not date the meeting
    ("Prime Minister Mark Rutte met Prime Minister Mette Frederiksen in Copenhagen. "
     "During the meeting, they recalled the agreements reached during the visit of Mark Rutte to Denmark in March.",
     "2023-06-15"),
])
def test_a_meeting_dated_only_by_its_month_gets_the_month(annotate, text, date):
    (m,) = meetings(annotate, text)
    assert m.date == date


def test_a_planned_visit_elsewhere_in_the_text_does_not_place_the_meeting(annotate):
    text = ("On the sidelines of the summit, President Volodymyr Zelenskyy met with Prime Minister of Spain Pedro Sanchez. "
            "Volodymyr Zelenskyy invited Pedro Sanchez to pay a visit to Kyiv next month.")
    (m,) = meetings(annotate, text)
    assert (m.place, m.region, m.country) == (None, None, None)


def test_a_month_that_opens_a_span_does_not_date_the_meeting(annotate):
    (m,) = meetings(annotate, "Prime Minister Mark Rutte has met Prime Minister Mette Frederiksen twice since March.")
    assert m.date == "2023-06-15"


def test_one_person_who_spoke_with_a_list_had_a_call_with_each(annotate):
    text = ("President Volodymyr Zelenskyy also spoke with Prime Minister of Norway Jonas Gahr Store, "
            "Prime Minister of Belgium Alexander De Croo and President of Finland Sauli Niinisto.")
    found = meetings(annotate, text)
    assert sorted(tuple(sorted(p.split()[-1] for p in m.participants)) for m in found) == [
        ("Croo", "Zelenskyy"), ("Niinisto", "Zelenskyy"), ("Store", "Zelenskyy")]


def test_a_joint_call_with_a_list_stays_one_meeting(annotate):
    text = ("President Joe Biden spoke with President Emmanuel Macron, Chancellor Olaf Scholz and "
            "Prime Minister Boris Johnson in a joint call.")
    (m,) = meetings(annotate, text)
    assert len(m.participants) == 4


# --- precision: people who take no part, and meetings that did not happen --------------------------

@pytest.mark.parametrize("text, expected", [
    # people in a clause without a meeting report
    ("The meeting of Olaf Scholz and Emmanuel Macron came a week after Joe Biden and Justin Trudeau signed a "
     "declaration on energy.", {"Scholz", "Macron"}),
    # a meeting in a side clause is the only one reported
    ("Prime Minister Mette Frederiksen arrived in Kyiv on a surprise trip to see Volodymyr Zelenskyy, a day after "
     "Olaf Scholz met Emmanuel Macron in Paris.", {"Scholz", "Macron"}),
    # a meeting referred back to does not bring its speaker into the recalled one
    ("At the meeting, Minister Oleh Pavlenko recalled that in May President Volodymyr Zelenskyy held talks with "
     "Federal Chancellor Olaf Scholz.", {"Zelenskyy", "Scholz"}),
    # a person named in a description of a participant
    ("Prime Minister Denys Shmyhal, a close friend of Boris Johnson, met with Olaf Scholz in Berlin on June 12.",
     {"Shmyhal", "Scholz"}),
    # the person an award is named after
    ("After the meeting, President Volodymyr Zelenskyy presented Olaf Scholz with the Order of Prince Yaroslav the "
     "Wise.", {"Zelenskyy", "Scholz"}),
    # a person only discussed at a meeting referred back to
    ("Deputy Minister Oleh Pavlenko met with Ambassador of Norway Helene Sand Andresen. During the meeting, the "
     "parties discussed the participation of President Volodymyr Zelenskyy in the summit in Madrid.",
     {"Pavlenko", "Andresen"}),
    # a host keeps a visit reported in a clause of its own
    ("President Volodymyr Zelenskyy welcomed Petr Fiala to Kyiv and noted that this was the first visit of the "
     "Czech Prime Minister to Ukraine this year.", {"Zelenskyy", "Fiala"}),
    # the same meeting told again with more of its people is one
    ("Prime Minister Petr Fiala spoke at a news conference alongside Volodymyr Zelenskyy after their talks in Kyiv. "
     "Petr Fiala, Mette Frederiksen and Volodymyr Zelenskyy attend a news conference during their meeting in Kyiv.",
     {"Fiala", "Frederiksen", "Zelenskyy"}),
])
def test_people_named_beside_a_meeting_take_no_part(annotate, text, expected):
    (m,) = meetings(annotate, text)
    assert {p.split()[-1] for p in m.participants} == expected


@pytest.mark.parametrize("text", [
    "On Friday, the telephone conversation of Joe Biden with Emmanuel Macron was scheduled for the next weekend.",
    "Olaf Scholz said he wanted to see real negotiations between Emmanuel Macron and Joe Biden.",
    "Diplomats made preparations for the meeting of Olaf Scholz and Emmanuel Macron in Paris.",
])
def test_scheduled_or_wished_for_meetings_are_not_meetings(annotate, text):
    assert meetings(annotate, text) == []


def test_an_earlier_summit_does_not_make_a_meeting_an_event_of_its_own(annotate):
    text = ("Olaf Scholz met Emmanuel Macron in Paris on June 12. "
            "The meeting was their first since the summit in Vilnius, which Joe Biden also attended. "
            "Later, Joe Biden said that he would call Scholz.")
    (m,) = meetings(annotate, text)
    assert {p.split()[-1] for p in m.participants} == {"Scholz", "Macron"}



def test_a_lone_surname_spelled_like_a_participants_is_that_participant(annotate):
    # a person is not in a meeting with himself, however the text spells him
    assert meetings(annotate, "President Wolodymyr Zelanski at a meeting with European leaders asked for weapons, "
                              "said President Zełnski on Thursday.") == []
    (m,) = meetings(annotate, "Olena Zelenska met Volodymyr Zelensky and Petr Fiala in Kyiv.")
    assert len(m.participants) == 3  # people with given names of their own stay apart


def test_a_conversation_that_opens_a_first_person_clause_is_the_authors_call(nlp):
    text = ("In a conversation with Prime Minister Petr Fiala, we coordinated our positions on the eve of the session "
            "of the European Council. In a conversation with Prime Minister Mette Frederiksen I noted that our "
            "cooperation would grow.")
    found = release(nlp, text)
    assert sorted(sorted(surnames_of(m)) for m in found) == [["Fiala", "Zelenskyy"], ["Frederiksen", "Zelenskyy"]]


def test_the_source_of_a_report_takes_no_part(annotate):
    assert meetings(annotate, "According to Minister Dmytro Kuleba, Prime Minister Petr Fiala saw the damage "
                              "during his visit to Irpin.") == []


def test_a_council_named_further_on_in_a_story_does_not_gather_its_speakers(annotate):
    text = ("Olaf Scholz spoke about energy prices in Berlin. He later toured a factory in Leipzig. "
            "Scholz noted that the meeting of the Security Council was a critical step. "
            "Foreign Minister Dmytro Kuleba said that Ukraine needs more air defence. "
            "Sergei Lavrov said that Russia would not withdraw.")
    assert meetings(annotate, text) == []

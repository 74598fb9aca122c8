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

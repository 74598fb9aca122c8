"""Events on sentences written for these tests, through the real spaCy pipeline."""
import pytest

from aidtrace.facts.events import extract_events


def events(annotate, text, published="2023-06-15"):
    return extract_events(annotate(text, published))


def fields(event):
    return (event.name, event.organiser, event.place, event.country, event.date)


def test_a_summit_to_come_has_its_name_organiser_place_and_month(annotate):
    (event,) = events(annotate, "The two ministers talked about the upcoming NATO summit in Vilnius this July.",
                      "2023-04-24")
    assert fields(event) == ("NATO summit", "NATO", "Vilnius", "LTU", "2023-07")
    assert event.evidence[0].text.startswith("The two ministers talked about the upcoming NATO summit")
    assert 0 < event.confidence <= 1


def test_one_event_named_twice_is_one_fact_with_the_more_precise_date(annotate):
    text = ("Leaders will gather at the Reykjavik summit of the OSCE in September. "
            "The OSCE summit will open on 12 September in Reykjavik.")
    (event,) = events(annotate, text, "2023-06-15")
    assert (event.organiser, event.date) == ("OSCE", "2023-09-12")
    assert len(event.evidence) == 2


def test_a_host_preparing_a_conference_organises_it_and_a_season_gives_the_year(annotate):
    (event,) = events(annotate, "Norway is preparing for the Black Sea Demining Conference in the autumn.",
                      "2023-05-02")
    assert fields(event) == ("Black Sea Demining Conference", "NOR", None, None, "2023")


def test_an_announced_visit_is_named_after_its_visitor(annotate):
    (event,) = events(annotate, "President Volodymyr Zelenskyy said he looks forward to the visit of "
                                "Chancellor of Germany Olaf Scholz to Kyiv.", "2023-06-15")
    assert fields(event) == ("visit of Olaf Scholz", "DEU", "Kyiv", "UKR", None)


def test_a_trip_told_in_the_present_with_its_weekday_lies_ahead(annotate):
    (event,) = events(annotate, "Prime Minister of Hungary Viktor Orban flies to Beijing on Thursday.",
                      "2023-06-12")  # a Monday: Thursday is the 15th, not the week before
    assert fields(event) == ("visit of Viktor Orban", "HUN", "Beijing", "CHN", "2023-06-15")


def test_summits_listed_after_their_announcement_are_each_an_event(annotate):
    text = "On June 20, two summits will take place in Brussels. NATO Summit. EU Summit."
    found = {e.name: e for e in events(annotate, text, "2023-06-10")}
    assert set(found) == {"NATO Summit", "EU Summit"}
    assert fields(found["EU Summit"]) == ("EU Summit", "EU", "Brussels", "BEL", "2023-06-20")


def test_an_ordinal_meeting_scheduled_for_a_day(annotate):
    (event,) = events(annotate, "The third meeting of the contact group, scheduled for July 4 in online format, "
                                "will focus on air defence.", "2023-06-15")
    assert event.name.startswith("third meeting of the contact group") and event.date == "2023-07-04"


def test_the_european_council_in_june_is_an_event_even_inside_a_hope(annotate):
    (event,) = events(annotate, "We hope that Spain will support us when the issue is considered at the "
                                "European Council in June.", "2023-05-20")
    assert fields(event) == ("European Council", "EU", None, None, "2023-06")


def test_a_conference_to_be_held_by_its_relative_clause_without_its_topic_as_place(annotate):
    (event,) = events(annotate, "The ministers discussed preparations for the 2nd Conference on Energy in Moldova, "
                                "which will be held on October 3 in Vienna.", "2023-06-15")
    assert fields(event) == ("2nd Conference on Energy", "AUT", "Vienna", "AUT", "2023-10-03")


def test_a_place_of_another_event_in_the_clause_is_not_this_ones(annotate):
    found = events(annotate, "The envoy reported on the results of the Ukraine-EU Summit held in Kyiv on May 3 and "
                             "on the expectations from the Black Sea Security Summit scheduled for July 9.", "2023-06-15")
    assert [fields(e) for e in found] == [("Black Sea Security Summit", None, None, None, "2023-07-09")]


def test_a_bodys_decision_to_be_adopted_on_a_weekday(annotate):
    (event,) = events(annotate, "Everyone awaits the decision of the European Council, which will be adopted on Friday.",
                      "2023-06-12")
    assert fields(event) == ("decision of the European Council", "EU", None, None, "2023-06-16")


def test_a_body_with_a_day_to_come_meets_and_without_one_only_acts(annotate):
    (event,) = events(annotate, "On July 20-21, the European Council will consider the request of Moldova.",
                      "2023-06-15")
    assert fields(event) == ("European Council", "EU", None, None, "2023-07-20")
    assert events(annotate, "The European Council will consider the request of Moldova.", "2023-06-15") == []


def test_a_wish_about_what_happens_at_the_next_summit_leaves_the_summit(annotate):
    (event,) = events(annotate, "He hoped that Moldova would get clear answers at the next NATO Summit in Washington.",
                      "2023-06-15")
    assert fields(event) == ("NATO Summit", "NATO", "Washington", "USA", None)


@pytest.mark.parametrize("text", [
    # a refusal
    "Russia refused to hold a Contact Group meeting this week.",
    "Since 2015, Moldova has tried twice to convene consultations with the guarantors of the Vienna Document.",
    # a past summit
    "The NATO summit in Madrid took place last year and agreed a new strategic concept.",
    "Leaders adopted the declaration at the G7 summit in Hiroshima on May 20.",
    # future talks with no name
    "The sides agreed to hold further talks soon.",
    "Both delegations will continue the talks.",
    # a wish
    "Zelenskyy hopes to hold a Global Peace Summit with the leaders of Africa one day.",
    "We would like to organise a donors' conference for Kharkiv.",
    "We are working on the date of the next round, where, I hope, there will be an agreement on a "
    "summit of the leaders of the Weimar Triangle.",
    # held in the past, whatever year the sentence names
    "In May 2022 the minister held talks with the organisers of the 2026 Games in Milan.",
    # a hypothetical
    "If Russia withdraws its troops, a peace conference could be held in Geneva next month.",
    "The minister spoke of the possibility of negotiations with the aggressor.",
    # a body that meets, not a meeting; a place where something was said
    "The European Council adopted the sanctions package.",
    "This was announced by the minister at a meeting of the Council of Regions, held online.",
    # a country's ballot; rounds of ammunition
    "Ukraine counts on the vote of Portugal in June.",
    "The army will receive new rounds of artillery shells in July.",
])
def test_no_event(annotate, text):
    assert events(annotate, text, "2023-06-15") == []

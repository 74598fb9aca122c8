"""Events in the registry: merged across documents, on the calendar as of a day, and as an
iCalendar feed that a calendar program reads back — over a real server on 127.0.0.1."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import select

from aidtrace.facts import DocumentFacts
from aidtrace.facts.events import Event
from aidtrace.facts.meetings import Meeting
from aidtrace.model import Document, Evidence
from aidtrace.storage import merge
from aidtrace.storage.database import get_engine, session_scope, upgrade
from aidtrace.storage.schema import FACT_TABLES
from web_fixtures import _stop, start_server

TEXTS = {
    "a": ("2023-04-24", "The two leaders also discussed the upcoming NATO summit in Vilnius this July.",
          [Event("NATO summit", "NATO", "Vilnius", "LTU", "2023-07")]),
    "b": ("2023-06-30", "NATO leaders meet at the Vilnius summit on 11 July. <script>alert(1)</script>",
          [Event("Vilnius summit of NATO", "NATO", "Vilnius", "LTU", "2023-07-11")]),
    "c": ("2023-04-20", "EU leaders will decide at the European Council in June.",
          [Event("European Council", "EU", None, None, "2023-06")]),
    "d": ("2023-04-21", "The Ukraine Recovery Conference will be held in London.",
          [Event("Ukraine Recovery Conference", "GBR", "London", "GBR", None)]),
    "e": ("2023-03-01", "The EU summit on 9 March will discuss ammunition.",
          [Event("EU summit", "EU", "Brussels", "BEL", "2023-03-09")]),
}


def _store(url: str) -> None:
    engine = get_engine(url)
    upgrade(engine)
    for doc_id, (published, text, events) in TEXTS.items():
        for event in events:
            event.evidence = [Evidence.of(text, 0, len(text))]
        meetings = []
        if doc_id == "a":
            meetings = [Meeting(["Volodymyr Zelenskyy", "Kaja Kallas"], "in_person", "Zhytomyr", "UA-18", "UKR",
                                published, evidence=[Evidence.of(text, 0, 20)],
                                topics=["nato", "reconstruction"], actors=["UKR", "EST"])]
        with session_scope(engine) as session:
            merge.store_document(session, Document(doc_id, text, published=published, url=f"https://n.example/{doc_id}"),
                                 DocumentFacts(doc_id, published, events=events, meetings=meetings))
    engine.dispose()


def test_one_event_reported_twice_is_one_fact_with_the_more_precise_date(db_url):
    _store(db_url)
    engine = get_engine(db_url)
    with session_scope(engine) as session:
        events = {e.name: e for e in session.scalars(select(FACT_TABLES["events"]))}
    engine.dispose()
    assert set(events) == {"NATO summit", "European Council", "Ukraine Recovery Conference", "EU summit"}
    summit = events["NATO summit"]
    assert (summit.date, summit.mention_count, summit.first_seen) == ("2023-07-11", 2, "2023-04-24")


@pytest.fixture
def calendar_server(tmp_path: Path):
    db = tmp_path / "events.db"
    _store(f"sqlite:///{db}")
    running = start_server(db, tmp_path / "serve.log")
    yield running
    _stop(running)


def test_calendar_as_of_a_day_lists_forthcoming_events_with_their_evidence(calendar_server):
    with calendar_server.client() as client:
        april = client.get("/api/calendar", params={"as_of": "2023-04-25"}).json()
        # Reported by then and still ahead, soonest first; the March summit is past, the London
        # conference has no date and is listed apart.
        assert [e["name"] for e in april["events"]] == ["European Council", "NATO summit"]
        assert [e["name"] for e in april["undated"]] == ["Ukraine Recovery Conference"]
        summit = april["events"][1]
        assert summit["organiser"] == "NATO" and summit["country"] == "LTU"
        assert any("upcoming NATO summit in Vilnius" in s["evidence"][0]["text"] for s in summit["sources"])
        # A month is forthcoming while it lasts; after it the event is past, and still browsable.
        assert [e["name"] for e in client.get("/api/calendar", params={"as_of": "2023-06-20"}).json()["events"]] == [
            "European Council", "NATO summit"]
        past = client.get("/api/calendar", params={"as_of": "2023-08-01", "view": "past"}).json()
        assert [e["name"] for e in past["events"]] == ["NATO summit", "European Council", "EU summit"]
        assert client.get("/api/calendar", params={"as_of": "2023-08-01"}).json()["events"] == []
        # An event reported after the day asked about was not known then.
        assert "NATO summit" not in {e["name"] for e in
                                      client.get("/api/calendar", params={"as_of": "2023-04-23"}).json()["events"]}
        page = client.get("/calendar", params={"as_of": "2023-07-01"}, headers={"accept": "text/html"})
        assert page.status_code == 200 and "Vilnius summit on 11 July" in page.text
        assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
        for bad in ({"as_of": "2023-13-45"}, {"as_of": "tomorrow"}, {"view": "future"}):
            response = client.get("/api/calendar", params=bad)
            assert response.status_code == 400 and "must be" in response.json()["detail"]
        # Meetings can be filtered by topic, and the events table is a facts table like any other.
        assert client.get("/api/facts/meetings", params={"topic": "nato"}).json()["total"] == 1
        assert client.get("/api/facts/meetings", params={"topic": "energy"}).json()["total"] == 0
        assert client.get("/api/facts/meetings", params={"topic": "weather"}).status_code == 400
        assert client.get("/api/facts/events", params={"partner": "EU"}).json()["total"] == 2


def test_the_ics_feed_parses_back_into_the_dated_events(calendar_server):
    response = httpx.get(calendar_server.url + "/events.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0" and "aidtrace" in str(calendar["prodid"])
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    # The undated conference cannot be put in a calendar; every dated event is there once.
    assert set(events) == {"NATO summit (NATO)", "European Council (European Union)", "EU summit (European Union)"}
    summit = events["NATO summit (NATO)"]
    assert summit.decoded("dtstart") == dt.date(2023, 7, 11) and summit.decoded("dtend") == dt.date(2023, 7, 12)
    assert "Vilnius" in str(summit["location"]) and "Lithuania" in str(summit["location"])
    assert "upcoming NATO summit" in str(summit["description"])
    assert str(summit["url"]).endswith(f"/facts/events/{str(summit['uid']).split('-')[1].split('@')[0]}")
    council = events["European Council (European Union)"]
    # A month-long date spans its month.
    assert (council.decoded("dtstart"), council.decoded("dtend")) == (dt.date(2023, 6, 1), dt.date(2023, 7, 1))
    assert len({str(e["uid"]) for e in events.values()}) == 3

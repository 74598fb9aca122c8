"""The calendar end to end: ``aidtrace ingest`` of an invented press release that announces a
summit (the real extractor finds the event), ``aidtrace serve`` on 127.0.0.1, the calendar page in
a real headless Chromium driven by Playwright, and the iCalendar feed read back by ``icalendar``.

Chromium comes from ``browser_fixtures`` (launched by path, nothing downloaded);
without chromium or the playwright package the tests skip and say why.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import httpx
import pytest
from icalendar import Calendar
from aidtrace.gazetteer import actor_name
from browser_fixtures import browser, page  # noqa: F401 (pytest fixtures; skips without chromium)
from web_fixtures import Server, _stop, aidtrace, start_server

ANNOUNCEMENT = ("The two ministers also discussed the upcoming OSCE summit in Vienna this October, "
                "where the security of the Black Sea will be on the agenda.")
# Our own invented release, seed-like: a meeting, a forthcoming summit, and hostile markup.
DOCUMENTS = [
    {"id": "cal-1", "published": "2031-05-20T09:00:00Z", "title": "Ministers meet in Odesa <b>today</b>",
     "url": "https://news.example/cal-1",
     "text": ("Minister of Foreign Affairs of Ukraine Dmytro Kuleba met with Minister of Foreign Affairs of "
              "Austria Alexander Schallenberg in Odesa. " + ANNOUNCEMENT +
              " The last OSCE summit in Astana took place years ago. <script>alert('x')</script>")},
]


@pytest.fixture(scope="module")
def calendar_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("calendar")
    corpus = folder / "docs.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in DOCUMENTS), encoding="utf-8")
    db = folder / "registry.db"
    aidtrace("ingest", "--db", str(db), "--no-progress", str(corpus))
    running = start_server(db, folder / "serve.log")
    yield running
    _stop(running)


def test_the_forthcoming_summit_is_on_the_calendar_with_its_sentence(calendar_server, page):
    response = page.goto(calendar_server.url + "/calendar?as_of=2031-06-01")
    assert response is not None and response.status == 200
    rows = page.locator("#calendar-events li.event")
    assert rows.count() == 1  # the past Astana summit is no event
    row = rows.first
    assert row.locator(".event-name").inner_text() == "OSCE summit"
    assert row.locator(".event-date").inner_text() == "2031-10"
    assert "Vienna" in row.inner_text() and "Austria" in row.inner_text()
    assert row.locator("blockquote.evidence-quote").inner_text() == ANNOUNCEMENT
    # The event's page, one click away, shows the same sentence.
    row.locator(".event-name").click()
    page.wait_for_load_state()
    assert "/facts/events/" in page.url and ANNOUNCEMENT[:60] in page.content()
    assert page.dialogs == [] and page.console_errors == []


def test_before_it_was_reported_and_after_it_is_past(calendar_server, page):
    page.goto(calendar_server.url + "/calendar?as_of=2031-05-19")
    assert page.locator("#calendar-events li.event").count() == 0  # not yet reported
    page.goto(calendar_server.url + "/calendar?as_of=2031-11-02")
    assert page.locator("#calendar-events li.event").count() == 0  # over
    # Past events stay browsable: the form's "past" view, submitted in the browser.
    page.select_option("#calendar-form select[name=view]", "past")
    page.click("#calendar-form button[type=submit]")
    page.wait_for_load_state()
    assert "view=past" in page.url
    assert page.locator("#calendar-events .event-name").all_inner_texts() == ["OSCE summit"]
    assert page.dialogs == [] and page.console_errors == []


def test_the_ics_feed_over_http_holds_the_summit(calendar_server, page):
    page.goto(calendar_server.url + "/calendar?as_of=2031-06-01")
    link = page.locator("#ics-link").get_attribute("href")
    response = httpx.get(calendar_server.url + link, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"OSCE summit ({actor_name('OSCE')})"]
    (summit,) = events
    assert summit.decoded("dtstart") == dt.date(2031, 10, 1) and summit.decoded("dtend") == dt.date(2031, 11, 1)
    assert "Vienna" in str(summit["location"])
    assert "upcoming OSCE summit in Vienna" in str(summit["description"])
    assert "<script>" not in response.text


def test_the_calendar_page_escapes_the_hostile_title(calendar_server, page):
    page.goto(calendar_server.url + "/calendar?as_of=2031-06-01")
    assert page.locator(".source a").first.inner_text() == "Ministers meet in Odesa <b>today</b>"
    assert page.locator(".source b").count() == 0

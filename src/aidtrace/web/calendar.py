"""The calendar of forthcoming events, as of a day, and the same as an iCalendar feed (RFC 5545).

An event is *forthcoming* on a day when it was reported by then and its date is that day or
later; a month or a year counts while it lasts ("2023-07" is forthcoming all through July 2023).
Events without a date are listed apart, as long as they were reported in the last
UNDATED_DAYS. Past events stay browsable. Rejected events count nowhere.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, literal, select

from . import queries
from .names import actor_name

EVENTS = queries.TABLES["events"]
UNDATED_DAYS = 180
MAX_EVENTS = 500


def _their_part(column: Any, day: str) -> Any:
    """``day`` cut to the length of the column's date ("2023-07-15" against "2023-07" → "2023-07")."""
    return func.substr(literal(day), 1, func.length(column))


def _with_sources(connection: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for event in rows:
        event["sources"] = queries.fact_sources(connection, "events", event["id"])
    return rows


def calendar(connection: Connection, as_of: str, view: str = "forthcoming", partner: str | None = None,
             limit: int = MAX_EVENTS) -> dict[str, Any]:
    """The events of the calendar page: forthcoming (soonest first) or past (latest first) as of
    ``as_of`` (YYYY-MM-DD), and the undated ones reported lately, each with its sources."""
    date = EVENTS.c.date
    known = [queries.visible(EVENTS), EVENTS.c.first_seen <= as_of]
    if partner:
        known.append(EVENTS.c.organiser == partner.upper())
    if view == "past":
        where = [*known, date.is_not(None), date < _their_part(date, as_of)]
        order = [date.desc(), EVENTS.c.id.desc()]
    else:
        where = [*known, date.is_not(None), date >= _their_part(date, as_of)]
        order = [date.asc(), EVENTS.c.id.asc()]
    rows = [queries.fact_row("events", r) for r in
            connection.execute(select(EVENTS).where(*where).order_by(*order).limit(limit)).mappings()]
    since = (dt.date.fromisoformat(as_of) - dt.timedelta(days=UNDATED_DAYS)).isoformat()
    undated = [] if view == "past" else [queries.fact_row("events", r) for r in connection.execute(
        select(EVENTS).where(*known, date.is_(None), EVENTS.c.last_seen >= since)
        .order_by(EVENTS.c.last_seen.desc(), EVENTS.c.id.desc()).limit(limit)).mappings()]
    return {"as_of": as_of, "view": view, "events": _with_sources(connection, rows),
            "undated": _with_sources(connection, undated)}


def _first_day(value: str) -> tuple[dt.date, dt.date] | None:
    """The first day of an event's date and the day after it ends (a month lasts a month)."""
    try:
        if len(value) == 10:
            start = dt.date.fromisoformat(value)
            return start, start + dt.timedelta(days=1)
        if len(value) == 7:
            start = dt.date.fromisoformat(value + "-01")
            following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return start, following
    except ValueError:
        return None
    return None  # a year alone is too vague for a calendar program


def ics(connection: Connection, base_url: str) -> bytes:
    """Every dated event (to the day or the month) as an iCalendar feed a calendar program
    subscribes to: one all-day VEVENT each, with its evidence and sources."""
    from icalendar import Calendar, Event as CalendarEvent

    feed = Calendar()
    feed.add("prodid", "-//aidtrace//forthcoming events//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", "aidtrace: events")
    rows = connection.execute(
        select(EVENTS).where(queries.visible(EVENTS), EVENTS.c.date.is_not(None))
        .order_by(EVENTS.c.date, EVENTS.c.id)).mappings().all()
    for row in rows:
        days = _first_day(row["date"])
        if days is None:
            continue
        entry = CalendarEvent()
        entry.add("uid", f"event-{row['id']}@aidtrace")
        entry.add("summary", row["name"] + (f" ({actor_name(row['organiser'])})" if row["organiser"] else ""))
        entry.add("dtstart", days[0])
        entry.add("dtend", days[1])
        stamp = row["updated_at"] if isinstance(row["updated_at"], dt.datetime) else dt.datetime.now(dt.timezone.utc)
        entry.add("dtstamp", stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc))
        where = ", ".join(part for part in (row["place"], actor_name(row["country"]) if row["country"] else None)
                          if part)
        if where:
            entry.add("location", where)
        sources = queries.fact_sources(connection, "events", row["id"])
        lines = [f"{'(' + row['date'] + ') ' if len(row['date']) == 7 else ''}Reported {row['first_seen'] or ''}."]
        for source in sources[:5]:
            evidence = " ".join((source["evidence"][0]["text"] if source["evidence"] else "").split())
            lines.append(f"{source['document_title']}: \u201c{evidence}\u201d {source['url'] or ''}".strip())
        entry.add("description", "\n".join(lines))
        entry.add("url", f"{base_url.rstrip('/')}/facts/events/{row['id']}")
        feed.add_component(entry)
    return feed.to_ical()

"""The calendar of forthcoming events: ``/calendar`` (as of a day, default today), its JSON twin
``/api/calendar``, and the iCalendar feed ``/events.ics``."""
from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from .. import calendar as events_calendar
from ..deps import connection
from ..pages import render
from ..queries import BadFilter
from ..schemas import Calendar

router = APIRouter()
VIEWS = ("forthcoming", "past")


def _as_of(value: str | None) -> str:
    if not value:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise BadFilter(f"as_of must be a date YYYY-MM-DD, not {value[:40]!r}") from None


def _view(value: str | None) -> str:
    if value and value not in VIEWS:
        raise BadFilter(f"view must be one of {', '.join(VIEWS)}")
    return value or "forthcoming"


@router.get("/calendar", response_class=HTMLResponse, include_in_schema=False)
def calendar_page(request: Request, as_of: str | None = Query(None, max_length=40),
                  view: str | None = Query(None, max_length=40), partner: str | None = Query(None, max_length=16),
                  db: Connection = Depends(connection)) -> HTMLResponse:
    """Forthcoming (or past) events as of a day, each with the sentences that announce it."""
    data = events_calendar.calendar(db, _as_of(as_of), _view(view), partner)
    return render(request, "calendar.html", {"calendar": data, "partner": partner})


@router.get("/api/calendar", response_model=Calendar, tags=["events"])
def calendar_api(as_of: str | None = Query(None, max_length=40, description="YYYY-MM-DD; default today"),
                 view: str | None = Query(None, max_length=40, description="forthcoming (default) or past"),
                 partner: str | None = Query(None, max_length=16, description="organiser's actor code"),
                 db: Connection = Depends(connection)) -> dict[str, Any]:
    """The calendar as of a day: forthcoming events soonest first (or past ones latest first), and
    the undated ones reported in the last 180 days, each with its sources and evidence."""
    return events_calendar.calendar(db, _as_of(as_of), _view(view), partner)


# A feed for calendar programs, not a JSON resource: it stays out of the API description.
@router.get("/events.ics", response_class=Response, include_in_schema=False)
def events_ics(request: Request, db: Connection = Depends(connection)) -> Response:
    """Every dated event as an iCalendar feed (RFC 5545) to subscribe to."""
    body = events_calendar.ics(db, str(request.base_url))
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="aidtrace-events.ics"'})

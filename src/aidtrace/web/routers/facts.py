"""Facts tables: filters, sorting, pagination and CSV/JSON download of what the filter shows;
the fact page (sources, review history, review form); and their ``/api/facts`` twins."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy import Connection

from ...facts import FACT_KINDS, KINDS
from ...spreadsheet import csv_cell
from .. import queries
from ..deps import connection
from ..pages import form_value, render
from ..schemas import FactDetail, FactList

router = APIRouter()
KINDS_PATTERN = "^(" + "|".join(FACT_KINDS) + ")$"
# Every filter any listing understands: the common ones and each kind's choice filters.
FILTER_NAMES = (*queries.COMMON_FILTERS, *sorted(queries.ALL_CHOICE_FILTERS), "page", "per_page")


def _params(request: Request) -> dict[str, str]:
    return {name: request.query_params.get(name) for name in FILTER_NAMES if request.query_params.get(name)}


def _csv_lines(kind: str, rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    columns = KINDS[kind].listing.columns
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for number, row in enumerate(rows):
        writer.writerow([csv_cell(row.get(c)) for c in columns])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for number, row in enumerate(rows):
        yield ("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


def export_response(request: Request, kind: str, export_format: str, params: dict[str, Any]) -> StreamingResponse:
    """Every fact the filter matches (all pages), in the table's order, as CSV or JSON."""
    flt = queries.make_filter(kind, params)
    engine = request.app.state.engine

    def rows() -> Iterator[dict[str, Any]]:
        # The connection lives as long as the stream, not the request handler.
        with engine.connect() as db:
            yield from queries.iter_facts(db, kind, flt)

    if export_format == "csv":
        body, media = _csv_lines(kind, rows()), "text/csv; charset=utf-8"
    else:
        body, media = _json_lines(rows()), "application/json"
    filename = f"aidtrace-{kind}.{export_format}"
    return StreamingResponse(body, media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/facts", response_class=HTMLResponse, include_in_schema=False)
def facts_index(request: Request, db: Connection = Depends(connection)) -> HTMLResponse:
    """The list of fact tables with their sizes."""
    return render(request, "facts_index.html", {"counts": queries.counts(db)})


@router.get("/facts/{kind}/export.{export_format}", include_in_schema=False)
def facts_export_page(request: Request, kind: str, export_format: str) -> StreamingResponse:
    """Download of a table's filtered rows (the page's links point here)."""
    queries.spec_for(kind)
    if export_format not in ("csv", "json"):
        raise HTTPException(404, "downloads are .csv or .json")
    return export_response(request, kind, export_format, _params(request))


@router.get("/facts/{kind}", response_class=HTMLResponse, include_in_schema=False)
def facts_table(request: Request, kind: str, db: Connection = Depends(connection)) -> HTMLResponse:
    """A filterable, sortable, paginated table of one fact kind."""
    spec = queries.spec_for(kind)
    flt = queries.make_filter(kind, _params(request))
    result = queries.list_facts(db, kind, flt)
    return render(request, "facts.html", {
        "kind": kind, "spec": spec, "flt": flt, "result": result, "params": flt.as_query(),
        "partners": [p["code"] for p in queries.partners(db)],
        "states": queries.STATE_CHOICES,
    })


@router.get("/facts/{kind}/{fact_id}", response_class=HTMLResponse, include_in_schema=False)
def fact_page(request: Request, kind: str, fact_id: int = Path(..., ge=1, le=queries.MAX_ID),
              db: Connection = Depends(connection)) -> HTMLResponse:
    """One fact: its fields, the sentences behind it, its review history and the review form."""
    spec = queries.spec_for(kind)
    fact = queries.get_fact(db, kind, fact_id)
    if fact is None:
        raise HTTPException(404, f"no {kind} fact {fact_id}")
    editable = list(KINDS[kind].editable)
    order = ["id", *editable, *spec.columns]
    order += [name for name in fact if name not in order]
    hidden = {"label", "kind", "sources", "reviews"}
    # Empty bookkeeping (rates of an amount that was never given) is noise; empty fact fields are not.
    fields = [name for name in dict.fromkeys(order)
              if name not in hidden and (fact.get(name) is not None or name in editable)]
    choices = {name: options for name, options in spec.choices.items() if name in editable}
    return render(request, "fact.html", {
        "kind": kind, "fact": fact, "fields": fields, "editable": editable,
        "choices": choices, "form_value": form_value, "message": request.query_params.get("message")})


def _typed(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value not in (None, "")}


@router.get("/api/facts/{kind}", response_model=FactList, tags=["facts"])
def facts_api(
    kind: str = Path(..., pattern=KINDS_PATTERN, description=", ".join(FACT_KINDS)),
    partner: str | None = Query(None, max_length=200, description="actor code: the donor, endorsing actor or patron; "
                                "for meetings and quotes, the actor its people speak for"),
    category: str | None = Query(None, max_length=200, description="commitments: " + ", ".join(
        KINDS["commitments"].listing.choices["category"])),
    status: str | None = Query(None, max_length=200, description="commitments: delivered or pledged"),
    region: str | None = Query(None, max_length=200, description="ISO 3166-2:UA code, e.g. UA-18"),
    subject: str | None = Query(None, max_length=200, description="endorsements: the subject"),
    mode: str | None = Query(None, max_length=200, description="meetings: in_person, phone or video"),
    topic: str | None = Query(None, max_length=200, description="meetings: a topic code"),
    person: str | None = Query(None, max_length=200, description="speaker (quotes) or participant (meetings)"),
    state: str | None = Query(None, max_length=200, description="review state or 'all'; default: all but rejected"),
    date_from: str | None = Query(None, max_length=200, description="YYYY[-MM[-DD]]"),
    date_to: str | None = Query(None, max_length=200, description="YYYY[-MM[-DD]]"),
    q: str | None = Query(None, max_length=200, description="text search in the fact's words"),
    sort: str | None = Query(None, max_length=200, description="column, '-' prefix for descending"),
    page: int = Query(1, ge=1, le=queries.MAX_PAGE),
    per_page: int = Query(queries.DEFAULT_PER_PAGE, ge=1, le=queries.MAX_PER_PAGE),
    db: Connection = Depends(connection),
) -> dict[str, Any]:
    """A page of facts of one kind with filters, sorting and the total number of matches."""
    params = _typed(partner=partner, category=category, status=status, region=region, subject=subject, mode=mode,
                    topic=topic, person=person, state=state, date_from=date_from, date_to=date_to, q=q, sort=sort,
                    page=page, per_page=per_page)
    return queries.list_facts(db, kind, queries.make_filter(kind, params))


@router.get("/api/facts/{kind}/export", tags=["facts"], response_class=StreamingResponse)
def facts_export_api(request: Request, kind: str = Path(..., pattern=KINDS_PATTERN),
                     format: str = Query("json", pattern="^(csv|json)$")) -> StreamingResponse:  # noqa: A002
    """Every fact the filters match (all pages, same order) as CSV or JSON; takes the listing's filters."""
    return export_response(request, kind, format, _params(request))


@router.get("/api/facts/{kind}/{fact_id}", response_model=FactDetail, tags=["facts"])
def fact_api(kind: str = Path(..., pattern=KINDS_PATTERN), fact_id: int = Path(..., ge=1, le=queries.MAX_ID),
             db: Connection = Depends(connection)) -> dict[str, Any]:
    """One fact with its sources (documents and evidence spans) and its review history."""
    fact = queries.get_fact(db, kind, fact_id)
    if fact is None:
        raise HTTPException(404, f"no {kind} fact {fact_id}")
    return fact

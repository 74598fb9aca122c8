"""Person pages and ``/api/persons``: people as entities across documents (every name the
registry writes for one person), paged and searchable, and the reviewers' merges and splits
(``aidtrace.storage.persons``)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, Engine

from ...storage import persons as person_store
from .. import queries, security
from ..deps import api_reviewer, connection
from ..pages import render
from ..schemas import PersonDetail, PersonLinkRequest, PersonLinkResult, PersonList

router = APIRouter()
PER_PAGE = 50
ACTION_PATTERN = "^(" + "|".join(person_store.LINK_ACTIONS) + ")$"


def _q(q: str | None) -> str | None:
    return (q or "").strip()[:200] or None


@router.get("/persons", response_class=HTMLResponse, include_in_schema=False)
def persons_page(request: Request, q: str | None = Query(None, max_length=200), page: int = Query(1, ge=1, le=100_000),
                 db: Connection = Depends(connection)) -> HTMLResponse:
    """People quoted or met, most active first, one page at a time, with a name search."""
    q = _q(q)
    return render(request, "persons.html", {"result": queries.persons(db, q, page, PER_PAGE), "q": q})


@router.get("/persons/{name}", response_class=HTMLResponse, include_in_schema=False)
def person_page(request: Request, name: str, db: Connection = Depends(connection)) -> HTMLResponse:
    """One person's names, quotes and meetings, by any of their names."""
    person = queries.person_detail(db, name)
    if person is None:
        raise HTTPException(404, f"no quotes or meetings of {name}")
    return render(request, "person.html", {"person": person})


@router.get("/api/persons", response_model=PersonList, tags=["persons"])
def persons_api(q: str | None = Query(None, max_length=200, description="a surname in any romanisation (Zelensk, Zelenskiy), or part of any of a person's names"),
                page: int = Query(1, ge=1, le=100_000), per_page: int = Query(PER_PAGE, ge=1, le=500),
                db: Connection = Depends(connection)) -> dict[str, Any]:
    """People quoted or met, busiest first: one page, the total, each person's names and counts."""
    return queries.persons(db, _q(q), page, per_page)


@router.get("/api/persons/{name}", response_model=PersonDetail, tags=["persons"])
def person_api(name: str, db: Connection = Depends(connection)) -> dict[str, Any]:
    """One person's names, quotes and meetings, by any name the registry writes for them
    ("Zelensky" and "Volodymyr Zelenskyy" give the same person)."""
    person = queries.person_detail(db, name)
    if person is None:
        raise HTTPException(404, f"no quotes or meetings of {name}")
    return person


def link_persons(engine: Engine, action: str, name_a: str, name_b: str, note: str | None,
                 reviewer: security.Reviewer) -> dict[str, Any]:
    """Record a merge or split in one transaction; :class:`PersonError` when it cannot be."""
    from sqlalchemy.orm import Session

    with engine.connect() as db:
        known = [alias for person in queries.all_persons(db) for alias in person["aliases"]]
    with Session(engine) as session, session.begin():
        person_store.record(session, action, name_a, name_b, reviewer.name, note, known)
    security.touch_token(engine, reviewer)
    with engine.connect() as db:
        found = [queries.find_person(db, name) for name in (name_a, name_b)]
    unique = {person["name"]: person for person in found if person}
    return {"action": action, "name_a": name_a, "name_b": name_b, "reviewer": reviewer.name,
            "persons": list(unique.values())}


@router.post("/api/persons/{action}", response_model=PersonLinkResult, tags=["persons"])
def person_link_api(request: Request, body: PersonLinkRequest,
                    action: str = Path(..., pattern=ACTION_PATTERN),
                    reviewer: security.Reviewer = Depends(api_reviewer)) -> dict[str, Any]:
    """Say two names are one person (``merge``) or two (``split``); the decision is kept by name
    and holds after re-extraction. Needs ``Authorization: Bearer <token>``."""
    try:
        return link_persons(request.app.state.engine, action, body.name_a, body.name_b, body.note, reviewer)
    except person_store.PersonError as error:
        raise HTTPException(400, str(error)) from error

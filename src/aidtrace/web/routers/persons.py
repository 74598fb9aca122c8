"""Person pages (quotes and meetings) and ``/api/persons``."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from .. import queries
from ..pages import render
from ..deps import connection
from ..schemas import PersonDetail, PersonSummary

router = APIRouter()


@router.get("/persons", response_class=HTMLResponse, include_in_schema=False)
def persons_page(request: Request, db: Connection = Depends(connection)) -> HTMLResponse:
    """People quoted or met, most active first."""
    return render(request, "persons.html", {"persons": queries.persons(db)})


@router.get("/persons/{name}", response_class=HTMLResponse, include_in_schema=False)
def person_page(request: Request, name: str, db: Connection = Depends(connection)) -> HTMLResponse:
    """One person's quotes and meetings."""
    person = queries.person_detail(db, name)
    if person is None:
        raise HTTPException(404, f"no quotes or meetings of {name}")
    return render(request, "person.html", {"person": person})


@router.get("/api/persons", response_model=list[PersonSummary], tags=["persons"])
def persons_api(db: Connection = Depends(connection)) -> list[dict[str, Any]]:
    """People quoted or met, with how many quotes and meetings."""
    return queries.persons(db)


@router.get("/api/persons/{name}", response_model=PersonDetail, tags=["persons"])
def person_api(name: str, db: Connection = Depends(connection)) -> dict[str, Any]:
    """One person's quotes and meetings, by the name as the registry writes it ("Kaja Kallas")."""
    person = queries.person_detail(db, name)
    if person is None:
        raise HTTPException(404, f"no quotes or meetings of {name}")
    return person

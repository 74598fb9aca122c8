"""Partner pages (a country or organisation) and ``/api/partners``."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from .. import queries
from ..pages import render
from ..charts import timeline_chart
from ..deps import connection
from ..schemas import PartnerDetail, PartnerSummary

router = APIRouter()


@router.get("/partners", response_class=HTMLResponse, include_in_schema=False)
def partners_page(request: Request, order: str = "value", db: Connection = Depends(connection)) -> HTMLResponse:
    """Every partner with its totals."""
    order = "count" if order == "count" else "value"
    return render(request, "partners.html", {"partners": queries.partners(db, order=order), "order": order})


@router.get("/partners/{code}", response_class=HTMLResponse, include_in_schema=False)
def partner_page(request: Request, code: str, db: Connection = Depends(connection)) -> HTMLResponse:
    """A partner: commitments over time by category, pledged against delivered, meetings,
    endorsements, quotes and patronages."""
    partner = queries.partner_detail(db, code)
    if partner is None:
        raise HTTPException(404, f"no facts about partner {code}")
    return render(request, "partner.html", {"partner": partner, "chart": timeline_chart(partner["timeline"])})


@router.get("/api/partners", response_model=list[PartnerSummary], tags=["partners"])
def partners_api(order: str = Query("value", pattern="^(value|count)$"),
                 db: Connection = Depends(connection)) -> list[dict[str, Any]]:
    """Partners with commitments (count, EUR total, pledged, delivered), endorsements and patronages."""
    return queries.partners(db, order=order)


@router.get("/api/partners/{code}", response_model=PartnerDetail, tags=["partners"])
def partner_api(code: str, db: Connection = Depends(connection)) -> dict[str, Any]:
    """One partner's totals, timeline by month and category, and its facts."""
    partner = queries.partner_detail(db, code)
    if partner is None:
        raise HTTPException(404, f"no facts about partner {code}")
    return partner

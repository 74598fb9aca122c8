"""Partner pages (a country or organisation) and ``/api/partners``."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from .. import queries
from ..charts import timeline_chart
from ..deps import connection
from ..names import is_actor
from ..pages import render
from ..schemas import PartnerDetail, PartnerSummary

router = APIRouter()


@router.get("/partners", response_class=HTMLResponse, include_in_schema=False)
def partners_page(request: Request, order: str = "value", reviewed: bool = Query(False),
                  db: Connection = Depends(connection)) -> HTMLResponse:
    """Every partner with its totals."""
    order = "count" if order == "count" else "value"
    return render(request, "partners.html", {"partners": queries.partners(db, order=order, reviewed=reviewed),
                                             "order": order, "reviewed": reviewed})


def _canonical(code: str) -> str:
    """The stored code a partner address names: itself when it is a known actor code, else
    the code of the country or organisation name it spells in any case ("Estonia", "estonia",
    "UK" → "EST", "EST", "GBR"); unchanged when it names nothing known."""
    if code.isupper() and is_actor(code):
        return code
    return queries.partner_code(code) or code


@router.get("/partners/{code}", response_class=HTMLResponse, include_in_schema=False)
def partner_page(request: Request, code: str, measure: str = "count", reviewed: bool = Query(False),
                 db: Connection = Depends(connection)) -> Response:
    """A partner: commitments over time by category (count or EUR), pledged against delivered,
    running totals apart, meetings and their topics, endorsements, quotes and patronages.
    A name in any case ("/partners/Estonia") redirects to the code's page."""
    canonical = _canonical(code)
    if canonical != code:
        target = f"/partners/{quote(canonical)}"
        if request.url.query:
            target += f"?{request.url.query}"
        return RedirectResponse(target, status_code=308)
    partner = queries.partner_detail(db, code, reviewed)
    if partner is None:
        raise HTTPException(404, f"no facts about partner {code[:80]!r} (use a code such as EST or a name such as Estonia)")
    measure = "eur" if measure == "eur" else "count"
    return render(request, "partner.html", {
        "partner": partner, "measure": measure, "reviewed": reviewed,
        "chart": timeline_chart(partner["timeline"], partner["months"], measure)})


@router.get("/api/partners", response_model=list[PartnerSummary], tags=["partners"])
def partners_api(order: str = Query("value", pattern="^(value|count)$"),
                 reviewed: bool = Query(False, description=queries.REVIEWED_HELP),
                 db: Connection = Depends(connection)) -> list[dict[str, Any]]:
    """Partners with commitments (count, what the EUR totals sum and leave out: priced,
    unpriced, running totals; pledged, delivered), endorsements and patronages."""
    return queries.partners(db, order=order, reviewed=reviewed)


@router.get("/api/partners/{code}", response_model=PartnerDetail, tags=["partners"])
def partner_api(code: str, reviewed: bool = Query(False, description=queries.REVIEWED_HELP),
                db: Connection = Depends(connection)) -> dict[str, Any]:
    """One partner's totals, timeline by month and category (with every month in ``months``),
    running totals, meeting topics by month, and its facts. ``code`` may be a name ("Estonia")."""
    partner = queries.partner_detail(db, _canonical(code), reviewed)
    if partner is None:
        raise HTTPException(404, f"no facts about partner {code[:80]!r}")
    return partner

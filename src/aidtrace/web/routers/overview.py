"""The overview page (counts, latest documents and commitments, top partners), the map page,
the API index, and ``GET /api/overview``."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from .. import queries
from ..pages import money, render
from ..deps import connection
from ..maps import MapUnavailable, render_map
from ..schemas import Overview, RegionSummary

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, reviewed: bool = Query(False, description=queries.REVIEWED_HELP),
                  db: Connection = Depends(connection)) -> HTMLResponse:
    """The overview page."""
    return render(request, "overview.html", {"data": queries.overview(db, reviewed)})


@router.get("/api/overview", response_model=Overview, tags=["overview"])
def overview_api(reviewed: bool = Query(False, description=queries.REVIEWED_HELP),
                 db: Connection = Depends(connection)) -> dict[str, Any]:
    """Counts, the commitments' totals (what the EUR sum covers), latest documents and
    commitments, and the top partners by value and by number."""
    return queries.overview(db, reviewed)


def eur_phrase(totals: dict[str, Any]) -> str:
    """An EUR total in words with what it sums ("€18.0M from 2 of 4; 2 without amount"), or
    "amount unknown (2 commitments)" when nothing priced was summed; never €0 for unknown."""
    among = totals["priced"] + totals["unpriced"]
    if totals["eur_total"] is None:
        text = f"amount unknown ({among} commitment{'s' if among != 1 else ''})" if among else "no commitments"
    else:
        text = f"{money(totals['eur_total'])} from {totals['priced']} of {among}"
        if totals["unpriced"]:
            text += f"; {totals['unpriced']} without amount"
    if totals["cumulative"]:
        text += f"; {totals['cumulative']} running total(s) not added"
    return text


def support_map(stats: dict[str, dict[str, Any]], measure: str) -> Any:
    """The region map shaded by ``measure`` (``count`` of commitments and patronages, or ``eur``)."""
    values = {code: float((s["eur_total"] or 0.0) if measure == "eur" else s["support"]) for code, s in stats.items()}
    labels = {}
    for code, s in stats.items():
        patrons = ", ".join(p["name"] for p in s["patrons"]) or "none"
        labels[code] = f"{s['name']}: {eur_phrase(s)}; patron(s): {patrons}"
    try:
        return render_map(values, labels, patrons={c: [p["code"] for p in s["patrons"]] for c, s in stats.items()})
    except MapUnavailable as error:
        return str(error)


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, measure: str = "count", reviewed: bool = Query(False),
             db: Connection = Depends(connection)) -> HTMLResponse:
    """Ukraine's regions shaded by the support they received, with their patrons."""
    measure = "eur" if measure == "eur" else "count"
    stats = queries.region_stats(db, reviewed)
    return render(request, "map.html", {"stats": stats, "measure": measure, "reviewed": reviewed,
                                        "svg": support_map(stats, measure)})


@router.get("/api/map", response_model=list[RegionSummary], tags=["regions"])
def map_api(reviewed: bool = Query(False, description=queries.REVIEWED_HELP),
            db: Connection = Depends(connection)) -> list[dict[str, Any]]:
    """The numbers behind the map: every region with commitments, EUR, patrons and meetings,
    most supported first."""
    return list(queries.region_stats(db, reviewed).values())


@router.get("/api", response_class=HTMLResponse, include_in_schema=False)
def api_index(request: Request) -> HTMLResponse:
    """A readable list of the JSON API's endpoints, from its OpenAPI description."""
    schema = request.app.openapi()
    endpoints = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
         "description": (op.get("description") or "").split("\n")[0],
         "parameters": [p["name"] for p in op.get("parameters", [])]}
        for path, ops in schema["paths"].items() for method, op in ops.items()
    ]
    return render(request, "api.html", {"endpoints": endpoints})

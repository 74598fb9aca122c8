"""The overview page (counts, latest documents and commitments, top partners), the map page,
the API index, and ``GET /api/overview``."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from .. import queries
from ..pages import render
from ..deps import connection
from ..maps import MapUnavailable, render_map
from ..schemas import Overview, RegionSummary

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, db: Connection = Depends(connection)) -> HTMLResponse:
    """The overview page."""
    return render(request, "overview.html", {"data": queries.overview(db)})


@router.get("/api/overview", response_model=Overview, tags=["overview"])
def overview_api(db: Connection = Depends(connection)) -> dict[str, Any]:
    """Counts, latest documents and commitments, and the top partners by value and by number."""
    return queries.overview(db)


def support_map(stats: dict[str, dict[str, Any]], measure: str) -> Any:
    """The region map shaded by ``measure`` (``count`` of commitments and patronages, or ``eur``)."""
    values = {code: float(s["eur"] if measure == "eur" else s["support"]) for code, s in stats.items()}
    labels = {}
    for code, s in stats.items():
        patrons = ", ".join(p["name"] for p in s["patrons"]) or "none"
        labels[code] = (f"{s['name']}: {s['commitments']} commitment(s), €{s['eur']:,.0f}; patron(s): {patrons}")
    try:
        return render_map(values, labels, patrons={c: [p["code"] for p in s["patrons"]] for c, s in stats.items()})
    except MapUnavailable as error:
        return str(error)


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, measure: str = "count", db: Connection = Depends(connection)) -> HTMLResponse:
    """Ukraine's regions shaded by the support they received, with their patrons."""
    measure = "eur" if measure == "eur" else "count"
    stats = queries.region_stats(db)
    return render(request, "map.html", {"stats": stats, "measure": measure, "svg": support_map(stats, measure)})


@router.get("/api/map", response_model=list[RegionSummary], tags=["regions"])
def map_api(db: Connection = Depends(connection)) -> list[dict[str, Any]]:
    """The numbers behind the map: every region with commitments, EUR, patrons and meetings."""
    return list(queries.region_stats(db).values())


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

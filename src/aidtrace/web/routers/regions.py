"""Region pages and ``/api/regions``."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from .. import queries
from ..pages import render
from ..deps import connection
from ..schemas import RegionDetail, RegionSummary

router = APIRouter()


@router.get("/regions", response_class=HTMLResponse, include_in_schema=False)
def regions_page(request: Request, reviewed: bool = Query(False),
                 db: Connection = Depends(connection)) -> HTMLResponse:
    """The 27 regions with their support and patrons, most supported first."""
    return render(request, "regions.html", {"stats": queries.region_stats(db, reviewed), "reviewed": reviewed})


@router.get("/regions/{code}", response_class=HTMLResponse, include_in_schema=False)
def region_page(request: Request, code: str, reviewed: bool = Query(False),
                db: Connection = Depends(connection)) -> HTMLResponse:
    """One region: its commitments, patrons and meetings."""
    region = queries.region_detail(db, code, reviewed)
    if region is None:
        raise HTTPException(404, f"no region {code} (use ISO 3166-2:UA codes such as UA-18)")
    return render(request, "region.html", {"region": region})


@router.get("/api/regions", response_model=list[RegionSummary], tags=["regions"])
def regions_api(reviewed: bool = Query(False, description=queries.REVIEWED_HELP),
                db: Connection = Depends(connection)) -> list[dict[str, Any]]:
    """Every region with its commitments (what the EUR total sums and leaves out), patrons and
    meetings; most supported first (EUR, then commitments and patronages)."""
    return list(queries.region_stats(db, reviewed).values())


@router.get("/api/regions/{code}", response_model=RegionDetail, tags=["regions"])
def region_api(code: str, reviewed: bool = Query(False, description=queries.REVIEWED_HELP),
               db: Connection = Depends(connection)) -> dict[str, Any]:
    """One region with its commitments and meetings."""
    region = queries.region_detail(db, code, reviewed)
    if region is None:
        raise HTTPException(404, f"no region {code}")
    return region

"""Document pages (text with every fact's evidence highlighted) and ``/api/documents``."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from .. import queries
from ..pages import render
from ..deps import connection
from ..schemas import DocumentDetail, DocumentList

router = APIRouter()
PER_PAGE = 50


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def documents_page(request: Request, q: str | None = None, page: int = Query(1, ge=1, le=queries.MAX_PAGE),
                   db: Connection = Depends(connection)) -> HTMLResponse:
    """Documents, newest first, with a text search."""
    q = (q or "").strip()[:200] or None
    total = queries.count_documents(db, q)
    items = queries.latest_documents(db, PER_PAGE, (page - 1) * PER_PAGE, q)
    return render(request, "documents.html", {"items": items, "total": total, "page": page, "q": q,
                                              "pages": max(1, -(-total // PER_PAGE))})


@router.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
def document_page(request: Request, document_id: int = Path(..., ge=1, le=queries.MAX_ID),
                  db: Connection = Depends(connection)) -> HTMLResponse:
    """A document's text with the evidence of every fact highlighted; the fact list links to it."""
    document = queries.document_detail(db, document_id)
    if document is None:
        raise HTTPException(404, f"no document {document_id}")
    return render(request, "document.html", {"document": document})


@router.get("/api/documents", response_model=DocumentList, tags=["documents"])
def documents_api(q: str | None = Query(None, max_length=200), page: int = Query(1, ge=1, le=queries.MAX_PAGE),
                  per_page: int = Query(PER_PAGE, ge=1, le=500),
                  db: Connection = Depends(connection)) -> dict[str, Any]:
    """Documents, newest first; ``q`` searches titles and texts."""
    return {"total": queries.count_documents(db, q), "page": page, "per_page": per_page,
            "items": queries.latest_documents(db, per_page, (page - 1) * per_page, q)}


@router.get("/api/documents/{document_id}", response_model=DocumentDetail, tags=["documents"])
def document_api(document_id: int = Path(..., ge=1, le=queries.MAX_ID),
                 db: Connection = Depends(connection)) -> dict[str, Any]:
    """A document's text and its facts with their evidence offsets into the text."""
    document = queries.document_detail(db, document_id)
    if document is None:
        raise HTTPException(404, f"no document {document_id}")
    document.pop("segments", None)
    return document

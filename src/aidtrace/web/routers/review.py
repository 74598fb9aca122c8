"""Review: accept, reject, correct (or reset) a fact, by API token or from the fact's page
after logging in; every change is appended to the review history. Also the login/logout
pages and the history (``/reviews``, ``/api/reviews``)."""
from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from ...facts import KINDS
from ...storage.schema import FACT_TABLES, REVIEW_ACTIONS
from .. import queries, security
from ..deps import api_reviewer, connection
from ..pages import form_value, render
from ..schemas import ReviewEntry, ReviewQueue, ReviewRequest, ReviewResult

router = APIRouter()


class InvalidReview(ValueError):
    """The review cannot be applied as asked (bad action, field or value)."""


def apply_review(engine: Engine, kind: str, fact_id: int, action: str, values: dict[str, Any] | None,
                 note: str | None, reviewer: security.Reviewer) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply one review in one transaction through :mod:`aidtrace.storage.review`, which checks
    the values by the kind's own rules (as ``aidtrace review`` does) and keeps merge keys, EUR
    values and the history consistent. Raises :class:`InvalidReview` for a bad action or value
    and ``LookupError`` for an unknown fact.
    """
    from sqlalchemy.orm import Session

    from ...storage import review as storage_review

    queries.spec_for(kind)
    if action not in REVIEW_ACTIONS:
        raise InvalidReview(f"action must be one of {', '.join(REVIEW_ACTIONS)}")
    note = (note or "").strip()[:2000] or None
    with Session(engine) as session, session.begin():
        fact = session.get(FACT_TABLES[kind], fact_id)
        if fact is None:
            raise LookupError(f"no {kind} fact {fact_id}")
        try:
            if action == "correct":
                if not values:
                    raise InvalidReview("a correction needs values: the fields to change")
                entry = storage_review.correct(session, kind, fact_id, values, reviewer.name, note)
            else:
                if values:
                    raise InvalidReview(f"{action} takes no values")
                entry = getattr(storage_review, action)(session, kind, fact_id, reviewer.name, note)
        except storage_review.ReviewError as error:
            raise InvalidReview(str(error)) from error
        session.flush()
        table = queries.TABLES[kind]
        updated = session.execute(select(table).where(table.c.id == fact_id)).mappings().first()
        review = session.execute(select(queries.REVIEWS).where(queries.REVIEWS.c.id == entry.id)).mappings().first()
        result = queries.fact_row(kind, updated), {k: queries._plain(v) for k, v in review.items()}  # noqa: SLF001
    security.touch_token(engine, reviewer)
    return result


def _review_or_http(engine: Engine, kind: str, fact_id: int, action: str, values: dict[str, Any] | None,
                    note: str | None, reviewer: security.Reviewer) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return apply_review(engine, kind, fact_id, action, values, note, reviewer)
    except InvalidReview as error:
        raise HTTPException(400, str(error)) from error
    except LookupError as error:
        raise HTTPException(404, str(error)) from error
    except IntegrityError as error:
        raise HTTPException(409, "this correction would duplicate another fact of the same kind") from error


# --- JSON API -------------------------------------------------------------------------------

@router.post("/api/facts/{kind}/{fact_id}/review", response_model=ReviewResult, tags=["review"])
def review_api(request: Request, kind: str, body: ReviewRequest, fact_id: int = Path(..., ge=1, le=queries.MAX_ID),
               reviewer: security.Reviewer = Depends(api_reviewer)) -> dict[str, Any]:
    """Accept, reject, correct or reset a fact. Needs ``Authorization: Bearer <token>``."""
    fact, review = _review_or_http(request.app.state.engine, kind, fact_id, body.action, body.values, body.note,
                                   reviewer)
    return {"fact": fact, "review": review}


@router.get("/api/reviews", response_model=list[ReviewEntry], tags=["review"])
def reviews_api(kind: str | None = Query(None, max_length=200),
                fact_id: int | None = Query(None, ge=1, le=queries.MAX_ID),
                limit: int = Query(200, ge=1, le=1000), db: Connection = Depends(connection)) -> list[dict[str, Any]]:
    """The review history, newest first (optionally of one kind or one fact)."""
    return queries.review_history(db, kind, fact_id, limit)


@router.get("/api/review/queue", response_model=ReviewQueue, tags=["review"])
def review_queue_api(page: int = Query(1, ge=1, le=queries.MAX_PAGE),
                     per_page: int = Query(queries.DEFAULT_PER_PAGE, ge=1, le=queries.MAX_PER_PAGE),
                     db: Connection = Depends(connection)) -> dict[str, Any]:
    """Unreviewed commitments by their share of their partner's EUR total, largest first: the
    few facts behind most of a total come first. Unpriced ones and running totals follow."""
    return queries.review_queue(db, page, per_page)


# --- pages ----------------------------------------------------------------------------------

@router.get("/review/queue", response_class=HTMLResponse, include_in_schema=False)
def review_queue_page(request: Request, page: int = Query(1, ge=1, le=queries.MAX_PAGE),
                      db: Connection = Depends(connection)) -> HTMLResponse:
    """The review queue: what to check first for the totals to be right."""
    return render(request, "review_queue.html", {"queue": queries.review_queue(db, page)})


def _local(path: str | None) -> str:
    """A redirect target that stays on this site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def _check_form(request: Request, csrf_token: str | None) -> security.Session:
    session = security.session_from_request(request, request.app.state.signer, request.app.state.engine)
    if session is None:
        raise HTTPException(401, "log in with an API token to review facts")
    if not security.same_origin(request) or not security.csrf_ok(session.csrf, csrf_token):
        raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page and try again")
    return session


@router.post("/facts/{kind}/{fact_id}/review", include_in_schema=False)
async def review_form(request: Request, kind: str,
                      fact_id: int = Path(..., ge=1, le=queries.MAX_ID)) -> RedirectResponse:
    """The review form of a fact page (session cookie + CSRF token)."""
    form = await request.form()
    session = _check_form(request, form.get("csrf_token"))
    action = str(form.get("action") or "")
    values = None
    if action == "correct":
        queries.spec_for(kind)
        # Only fields the form changed are corrected; the form shows every editable field.
        values = {name: form.get(f"field_{name}") for name in KINDS[kind].editable if f"field_{name}" in form}
        table = queries.TABLES[kind]
        with request.app.state.engine.connect() as db:
            current = db.execute(select(table).where(table.c.id == fact_id)).mappings().first()
        if current is not None:
            values = {k: v for k, v in values.items() if form_value(current.get(k)) != str(v or "").strip()}
    _review_or_http(request.app.state.engine, kind, fact_id, action, values, str(form.get("note") or ""),
                    session.reviewer)
    message = quote(f"{action} recorded")
    return RedirectResponse(f"/facts/{kind}/{fact_id}?message={message}", status_code=303)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    """The login form: paste an API token to get a review session."""
    nonce = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": _local(next), "login_csrf": nonce, "error": None})
    response.set_cookie(security.PRELOGIN_COOKIE, nonce, max_age=3600, **security.cookie_options(request))
    return response


@router.post("/login", include_in_schema=False)
def login(request: Request, token: str = Form(""), csrf_token: str = Form(""), next: str = Form("/")):  # noqa: A002
    """Exchange a valid token for a signed session cookie (SameSite=Strict, HttpOnly)."""
    if not security.same_origin(request) or not security.csrf_ok(request.cookies.get(security.PRELOGIN_COOKIE),
                                                                 csrf_token):
        raise HTTPException(403, "the login form expired or came from another site; reload it and try again")
    reviewer = security.reviewer_for_token(request.app.state.engine, token)
    if reviewer is None:
        nonce = secrets.token_urlsafe(24)
        response = render(request, "login.html", {"next": _local(next), "login_csrf": nonce,
                                                   "error": "That token is unknown or revoked."}, 403)
        response.set_cookie(security.PRELOGIN_COOKIE, nonce, max_age=3600, **security.cookie_options(request))
        return response
    cookie, _ = security.new_session_cookie(request.app.state.signer, reviewer)
    security.touch_token(request.app.state.engine, reviewer)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(security.SESSION_COOKIE, cookie, max_age=security.SESSION_SECONDS,
                        **security.cookie_options(request))
    response.delete_cookie(security.PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token: str = Form("")) -> RedirectResponse:
    """End the review session."""
    _check_form(request, csrf_token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@router.get("/reviews", response_class=HTMLResponse, include_in_schema=False)
def reviews_page(request: Request, db: Connection = Depends(connection)) -> HTMLResponse:
    """The review history of every fact, newest first."""
    return render(request, "reviews.html", {"reviews": queries.review_history(db, limit=500)})

"""The FastAPI application: ``create_app(db_url)`` builds it, ``aidtrace serve`` runs it.

Pages are rendered on the server with Jinja2 (autoescaping on; document text is never
marked safe). Every script, style and the map ship with the package; the responses carry
a Content-Security-Policy that allows nothing from elsewhere and no inline script or style.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..storage.database import ensure_schema, get_engine
from . import security
from .names import actor_name, region_name, regions
from .queries import KIND_LABELS, SPECS, BadFilter, UnknownKind

PACKAGE_DIR = Path(str(resources.files("aidtrace.web")))
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _money(value: Any, currency: str = "EUR") -> str:
    """1234567.8 → "€1.2M"; None → "–"."""
    if value is None:
        return "–"
    value = float(value)
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency or "", "")
    suffix = f" {currency}" if not symbol and currency else ""
    for limit, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{symbol}{value / limit:,.1f}{unit}{suffix}"
    return f"{symbol}{value:,.0f}{suffix}"


def _web_url(value: Any) -> str | None:
    """A document's link only when it is http(s): ``javascript:`` and ``data:`` URLs are dropped."""
    text = str(value or "").strip()
    return text if urlsplit(text).scheme in ("http", "https") else None


def _query(params: dict[str, Any], **changes: Any) -> str:
    """A query string from a dict, with changes; empty values dropped."""
    values = {**params, **changes}
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def make_templates() -> Environment:
    """The Jinja2 environment: autoescape on for every template, strict about undefined names."""
    environment = Environment(
        loader=FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    environment.globals.update(
        actor_name=actor_name, region_name=region_name, regions=regions, kind_labels=KIND_LABELS, specs=SPECS,
        version=__version__, query=_query,
    )
    environment.filters["money"] = _money
    environment.filters["actor"] = actor_name
    environment.filters["region"] = region_name
    environment.filters["web_url"] = _web_url
    return environment


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page with the login state (and the session's CSRF token for forms)."""
    app = request.app
    session = security.session_from_request(request, app.state.signer, app.state.engine)
    html = app.state.templates.get_template(template).render(
        request=request, session=session, csrf=session.csrf if session else None, path=request.url.path,
        **context)
    return HTMLResponse(html, status_code=status_code)


def create_app(db_url: str | None = None, engine: Engine | None = None, secret: bytes | None = None) -> FastAPI:
    """The aidtrace web application over the registry at ``db_url`` (or an existing engine).

    The schema is created or upgraded on start, so ``aidtrace serve`` works on a fresh file.
    """
    from .routers import documents, facts, overview, partners, persons, regions as region_routes, review

    engine = engine or get_engine(db_url)
    ensure_schema(engine)
    app = FastAPI(
        title="aidtrace", version=__version__,
        description="Evidence-linked registry of international support for Ukraine: facts, partners, regions, "
                    "documents, persons and their review.",
        docs_url=None, redoc_url=None,  # the stock API pages load scripts from a CDN; /api is ours
        openapi_url="/api/openapi.json",
    )
    app.state.engine = engine
    app.state.templates = make_templates()
    app.state.signer = security.Signer(secret or security.server_secret())
    app.mount("/static", StaticFiles(directory=str(PACKAGE_DIR / "static")), name="static")
    for module in (overview, facts, partners, region_routes, persons, documents, review):
        app.include_router(module.router)

    @app.middleware("http")
    async def headers(request: Request, call_next):  # noqa: ANN202 (middleware signature)
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    def _wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")

    @app.exception_handler(BadFilter)
    async def bad_filter(request: Request, error: BadFilter):  # noqa: ANN202
        status = 404 if isinstance(error, UnknownKind) else 400
        if _wants_json(request):
            return JSONResponse({"detail": str(error)}, status_code=status)
        return render(request, "error.html", {"status": status, "message": str(error)}, status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):  # noqa: ANN202
        if _wants_json(request):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code,
                                headers=getattr(error, "headers", None))
        return render(request, "error.html", {"status": error.status_code, "message": error.detail},
                      error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):  # noqa: ANN202
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in error.errors())
        return render(request, "error.html", {"status": 422, "message": message}, 422)

    return app

"""The FastAPI application: ``create_app(db_url)`` builds it, ``aidtrace serve`` runs it.

Pages are rendered on the server with Jinja2 (autoescaping on; document text is never
marked safe). Every script, style and the map ship with the package; the responses carry
a Content-Security-Policy that allows nothing from elsewhere and no inline script or style.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..storage.database import ensure_schema, get_engine
from . import security
from .pages import PACKAGE_DIR, make_templates, render
from .queries import BadFilter, UnknownKind
from .routers import calendar, documents, facts, overview, partners, persons, regions as region_routes, review

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(db_url: str | None = None, engine: Engine | None = None, secret: bytes | None = None) -> FastAPI:
    """The aidtrace web application over the registry at ``db_url`` (or an existing engine).

    The schema is created or upgraded on start, so ``aidtrace serve`` works on a fresh file.
    """
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
    for module in (overview, facts, partners, region_routes, persons, documents, review, calendar):
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
        # A parameter of the wrong type or out of range (page=99999999999999999999) is the
        # client's mistake: 400 with one line per parameter, never a 500.
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
                            for e in error.errors())
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=400)
        return render(request, "error.html", {"status": 400, "message": message}, 400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):  # noqa: ANN202
        # A bug, not the client's mistake: still 500, but a browser gets the site's error page
        # and the API its JSON shape, and nothing of the error's text leaks out.
        message = "the server failed to answer this request; the error is logged"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=500)
        return render(request, "error.html", {"status": 500, "message": message}, 500)

    return app

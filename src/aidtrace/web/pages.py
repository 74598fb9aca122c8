"""Rendering pages: the Jinja2 environment, its filters, and ``render`` — shared by every router.

Autoescaping is on for every template; document text is never marked safe.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from . import security
from .names import actor_name, region_name, regions
from .queries import KIND_LABELS, LISTINGS

PACKAGE_DIR = Path(str(resources.files("aidtrace.web")))


def money(value: Any, currency: str = "EUR") -> str:
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
        actor_name=actor_name, region_name=region_name, regions=regions, kind_labels=KIND_LABELS, specs=LISTINGS,
        version=__version__, query=_query,
    )
    environment.filters["money"] = money
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


def form_value(value: Any) -> str:
    """How a stored value is written in a correction form."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

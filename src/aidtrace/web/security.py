"""Tokens, sessions and cross-site request forgery protection.

- API tokens (``aidtrace token create NAME``) are random 256-bit strings; the database keeps
  only their sha256. The JSON API takes them as ``Authorization: Bearer <token>``; a browser
  never sends that header by itself, so bearer requests cannot be forged cross-site.
- Pages: the login form exchanges a token for a session cookie signed with the server's
  secret (HMAC-SHA256), ``HttpOnly`` and ``SameSite=Strict``. The session carries a random
  CSRF token that every form repeats in a hidden field (synchronizer token); a write also
  needs a same-origin ``Origin``/``Referer`` when the browser sends one. The session also
  names the token's hash, so revoking the token ends its sessions.
- The login form itself is protected by a double-submit cookie (``aidtrace_prelogin``).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sqlalchemy import Engine, select, update
from starlette.requests import Request

from ..storage.schema import ApiToken

SESSION_COOKIE = "aidtrace_session"
PRELOGIN_COOKIE = "aidtrace_prelogin"
SESSION_SECONDS = 12 * 3600
SECRET_ENV = "AIDTRACE_SECRET"


def hash_token(token: str) -> str:
    """The sha256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random API token (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Reviewer:
    """Who is writing: the name of a valid, unrevoked API token."""

    name: str
    token_sha256: str


def create_token(engine: Engine, name: str) -> str:
    """Store a new token under ``name`` and return it (it is shown once, never stored)."""
    from sqlalchemy.orm import Session

    token = new_token()
    with Session(engine) as session, session.begin():
        session.add(ApiToken(name=name, token_sha256=hash_token(token)))
    return token


def revoke_token(engine: Engine, name: str) -> bool:
    """Revoke the token called ``name``; False when there is no such active token."""
    with engine.begin() as connection:
        result = connection.execute(
            update(ApiToken.__table__)
            .where(ApiToken.__table__.c.name == name, ApiToken.__table__.c.revoked.is_(False))
            .values(revoked=True, revoked_at=datetime.now(timezone.utc))
        )
    return result.rowcount > 0


def list_tokens(engine: Engine) -> list[dict]:
    """Every token's name, creation time, last use and whether it is revoked (never the token)."""
    table = ApiToken.__table__
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.name, table.c.created_at, table.c.last_used_at, table.c.revoked).order_by(table.c.id)
        ).mappings()
        return [dict(row) for row in rows]


def reviewer_for_hash(engine: Engine, digest: str) -> Reviewer | None:
    """The reviewer whose unrevoked token has this sha256, if any."""
    table = ApiToken.__table__
    with engine.connect() as connection:
        row = connection.execute(
            select(table.c.name).where(table.c.token_sha256 == digest, table.c.revoked.is_(False))
        ).first()
    return Reviewer(row.name, digest) if row else None


def reviewer_for_token(engine: Engine, token: str | None) -> Reviewer | None:
    """The reviewer a presented token belongs to, or None (empty, unknown or revoked)."""
    if not token or len(token) > 256:
        return None
    return reviewer_for_hash(engine, hash_token(token.strip()))


def touch_token(engine: Engine, reviewer: Reviewer) -> None:
    """Record that the token was used now."""
    table = ApiToken.__table__
    with engine.begin() as connection:
        connection.execute(
            update(table).where(table.c.token_sha256 == reviewer.token_sha256)
            .values(last_used_at=datetime.now(timezone.utc))
        )


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def server_secret() -> bytes:
    """The signing key: ``$AIDTRACE_SECRET`` when set (sessions survive restarts and are shared
    by workers), else random per process (everyone logs in again after a restart)."""
    configured = os.environ.get(SECRET_ENV)
    return configured.encode("utf-8") if configured else secrets.token_bytes(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """HMAC-SHA256 signed, expiring JSON values for cookies."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self.secret, payload.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, value: dict, max_age: int = SESSION_SECONDS) -> str:
        """A cookie value carrying ``value`` until ``max_age`` seconds from now."""
        payload = _b64(json.dumps({"v": value, "exp": int(time.time()) + max_age}, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def loads(self, cookie: str | None) -> dict | None:
        """The value of a cookie made by :meth:`dumps`, or None if forged, damaged or expired."""
        if not cookie or "." not in cookie or len(cookie) > 4096:
            return None
        payload, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            data = json.loads(_unb64(payload))
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("exp", 0) < time.time() or not isinstance(data.get("v"), dict):
            return None
        return data["v"]


@dataclass(frozen=True)
class Session:
    """A logged-in browser: the reviewer and the CSRF token its forms must repeat."""

    reviewer: Reviewer
    csrf: str


def new_session_cookie(signer: Signer, reviewer: Reviewer) -> tuple[str, Session]:
    """The cookie value of a new session and the session it stands for."""
    session = Session(reviewer, secrets.token_urlsafe(32))
    return signer.dumps({"name": reviewer.name, "tok": reviewer.token_sha256, "csrf": session.csrf}), session


def session_from_request(request: Request, signer: Signer, engine: Engine) -> Session | None:
    """The request's valid session: signed, unexpired, and its token still active."""
    data = signer.loads(request.cookies.get(SESSION_COOKIE))
    if not data or not isinstance(data.get("tok"), str) or not isinstance(data.get("csrf"), str):
        return None
    reviewer = reviewer_for_hash(engine, data["tok"])
    if reviewer is None:
        return None
    return Session(reviewer, data["csrf"])


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (Origin, else Referer).

    Browsers send ``Origin`` on every cross-site POST; a missing header (old clients, curl)
    is left to the CSRF token to judge.
    """
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return source != "null"
    origin = urlsplit(source)
    host = request.headers.get("host", "")
    return origin.netloc == host and origin.scheme in ("http", "https")


def csrf_ok(expected: str | None, presented: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token and the one a form sent."""
    return bool(expected) and bool(presented) and hmac.compare_digest(str(expected), str(presented))


def cookie_options(request: Request) -> dict:
    """Attributes of our cookies: HttpOnly, SameSite=Strict, Secure when served over https."""
    return {"httponly": True, "samesite": "strict", "secure": request.url.scheme == "https", "path": "/"}

"""Request dependencies shared by the routers: a database connection, the reviewer."""
from __future__ import annotations

from collections.abc import Iterator

from fastapi import HTTPException, Request
from sqlalchemy import Connection

from . import security


def connection(request: Request) -> Iterator[Connection]:
    """A read connection for the request (closed when the response is sent)."""
    with request.app.state.engine.connect() as connection:
        yield connection


def api_reviewer(request: Request) -> security.Reviewer:
    """The reviewer of an API write: a valid bearer token, else 401."""
    reviewer = security.reviewer_for_token(request.app.state.engine, security.bearer_token(request))
    if reviewer is None:
        raise HTTPException(401, "a valid API token is required (Authorization: Bearer <token>; "
                                 "create one with `aidtrace token create NAME`)",
                            headers={"WWW-Authenticate": "Bearer"})
    return reviewer

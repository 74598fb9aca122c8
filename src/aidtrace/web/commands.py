"""Click commands of the web package: ``aidtrace serve`` and ``aidtrace token create|list|revoke``."""
from __future__ import annotations

import click

from ..clitools import db_option, open_registry


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (more than one needs AIDTRACE_SECRET so sessions work in all).")
def serve(db_url: str | None, host: str, port: int, workers: int) -> None:
    """Serve the registry's pages and JSON API (http://HOST:PORT/, API under /api)."""
    import os

    import uvicorn

    from ..storage.database import DatabaseError
    from .app import create_app

    if workers > 1:
        if not os.environ.get("AIDTRACE_SECRET"):
            raise click.UsageError("--workers > 1 needs AIDTRACE_SECRET set, so every worker signs sessions alike")
        os.environ["AIDTRACE_WEB_DB"] = db_url or ""
        uvicorn.run("aidtrace.web.commands:app_from_environment", factory=True, host=host, port=port,
                    workers=workers, log_level="info")
        return
    try:
        app = create_app(db_url)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"aidtrace: serving {app.state.engine.url.render_as_string()} on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


def app_from_environment():  # -> FastAPI
    """The app factory uvicorn's worker processes call (``--workers N``)."""
    import os

    from .app import create_app

    return create_app(os.environ.get("AIDTRACE_WEB_DB") or None)


@click.group()
def token() -> None:
    """API tokens for reviewing facts (the API's Authorization: Bearer, or the login form)."""


@token.command("create")
@click.argument("name")
@db_option
def token_create(name: str, db_url: str | None) -> None:
    """Create a token called NAME and print it (only its sha256 is stored: keep it now)."""
    from sqlalchemy.exc import IntegrityError

    from .security import create_token

    name = name.strip()
    if not name or len(name) > 128:
        raise click.BadParameter("give a name of 1 to 128 characters", param_hint="NAME")
    engine = open_registry(db_url)
    try:
        value = create_token(engine, name)
    except IntegrityError as error:
        raise click.ClickException(f"a token called {name!r} exists already (revoke it or pick another name)") from error
    click.echo(value)
    click.echo(f"aidtrace: token {name!r} created; it is shown only this once", err=True)


@token.command("list")
@db_option
def token_list(db_url: str | None) -> None:
    """List tokens: name, created, last used, revoked (never the token itself)."""
    from .security import list_tokens

    for row in list_tokens(open_registry(db_url)):
        state = "revoked" if row["revoked"] else "active"
        used = row["last_used_at"].isoformat(timespec="seconds") if row["last_used_at"] else "never used"
        click.echo(f"{row['name']}\t{state}\tcreated {row['created_at']:%Y-%m-%d %H:%M}\t{used}")


@token.command("revoke")
@click.argument("name")
@db_option
def token_revoke(name: str, db_url: str | None) -> None:
    """Revoke the token called NAME (its review sessions end too)."""
    from .security import revoke_token

    if not revoke_token(open_registry(db_url), name):
        raise click.ClickException(f"no active token called {name!r}")
    click.echo(f"aidtrace: token {name!r} revoked", err=True)



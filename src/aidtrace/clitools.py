"""Options and helpers shared by the command groups (``cli.py``, ``ingest/commands.py``,
``web/commands.py``), so every command spells ``--db``, ``--model`` and ``--jobs`` alike and
reports failures the same way."""
from __future__ import annotations

import click

from . import DEFAULT_MODEL


def db_option(function):
    """``--db URL``: a SQLAlchemy URL or an SQLite file path."""
    return click.option(
        "--db", "db_url", metavar="URL", default=None,
        help="Database URL or SQLite file (default: $AIDTRACE_DB, else ./aidtrace.db).",
    )(function)


def model_option(function):
    """``--model NAME``: an installed spaCy pipeline."""
    return click.option(
        "--model", default=DEFAULT_MODEL, show_default=True, metavar="NAME",
        help="Name of an installed spaCy pipeline to use.",
    )(function)


def jobs_option(default: int):
    """``--jobs N``: extraction worker processes."""
    def decorate(function):
        return click.option(
            "--jobs", "-j", type=int, default=default, show_default=True,
            help="Extraction worker processes (0 = one per CPU, up to 4).",
        )(function)
    return decorate


class KindChoice(click.Choice):
    """A fact kind's name, checked against the registry only when a command runs: importing the
    kinds for every ``--help`` would cost more than the help itself."""

    def __init__(self) -> None:
        super().__init__((), case_sensitive=True)

    @property
    def choices(self):  # noqa: ANN201 (click's own attribute)
        from .facts import FACT_KINDS

        return FACT_KINDS

    @choices.setter
    def choices(self, value) -> None:  # noqa: ANN001 (click sets it in __init__)
        pass

    def get_metavar(self, param, ctx=None) -> str:  # noqa: ANN001
        return "KIND"


def report_error(error: Exception) -> None:
    """One line on stderr per failed input, so the run can go on."""
    click.echo(f"aidtrace: error: {error}", err=True)


def open_registry(db_url: str | None):
    """The registry's engine with its schema up to date; a database that cannot be opened is a
    one-line error, not a traceback."""
    from .storage.database import DatabaseError, ensure_schema, get_engine

    try:
        engine = get_engine(db_url)
        ensure_schema(engine)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from error
    return engine

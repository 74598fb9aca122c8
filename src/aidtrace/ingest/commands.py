"""Click commands that extract into the registry: ingest and reextract.

    aidtrace ingest SOURCE... [--db URL] [--jobs N | --cluster tcp://HOST:8786 | --cluster local:N] [--reextract]
    aidtrace reextract [--db URL] [--jobs N | --cluster ...]

``--db`` takes a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql://user:pw@host/db``) or a
file path; without it ``$AIDTRACE_DB`` is used, else ``./aidtrace.db``.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from ..clitools import db_option, jobs_option, model_option, open_registry, report_error


def _run_options(function):
    function = model_option(function)
    function = jobs_option(default=0)(function)
    function = click.option("--progress/--no-progress", default=None,
                            help="Show a progress bar with documents per second (default: on a terminal).")(function)
    function = click.option("--cluster", metavar="ADDRESS", envvar="AIDTRACE_CLUSTER", default=None,
                            help="Extract on a Dask cluster: a scheduler (tcp://HOST:8786) or local:N worker "
                                 "processes; this host stores (default: $AIDTRACE_CLUSTER, else --jobs).")(function)
    return function


@contextmanager
def _extractor(cluster: str | None, jobs: int, model: str) -> Iterator[Callable | None]:
    """The Dask cluster's extractor with ``--cluster``, else None (local ``--jobs`` processes);
    either way a pipeline that cannot be loaded is a one-line error. With a cluster this process
    only stores, so it never imports spaCy (workers report a missing pipeline as a ClusterError)."""
    if not cluster:
        from ..pipeline import ModelNotFound

        try:
            yield None
        except ModelNotFound as error:
            raise click.ClickException(str(error)) from error
        return
    if jobs:
        raise click.UsageError("--jobs is for this host's processes; with --cluster use local:N or more workers")
    from .cluster import ClusterError, cluster_extractor, connect

    try:
        with connect(cluster, model) as client:
            yield cluster_extractor(client, model=model)
    except ClusterError as error:
        raise click.ClickException(str(error)) from error


@click.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@_run_options
@click.option("--reextract", is_flag=True, help="Extract documents already stored again and replace their mentions.")
def ingest(sources: tuple[str, ...], db_url: str | None, jobs: int, model: str, progress: bool | None,
           cluster: str | None, reextract: bool) -> None:
    """Store documents and their merged facts: files, directories, JSONL corpora, - (stdin),
    article URLs and RSS/Atom feed URLs (every entry is fetched)."""
    from ..ingest.run import ingest as run_ingest

    engine = open_registry(db_url)
    with _extractor(cluster, jobs, model) as extract:
        report = run_ingest(sources, engine, jobs=jobs, model=model, reextract=reextract,
                            on_error=report_error, progress=progress, extract=extract)
    click.echo(f"aidtrace: {report.summary()}", err=True)
    if report.failed:
        sys.exit(1)


@click.command()
@db_option
@_run_options
def reextract(db_url: str | None, jobs: int, model: str, progress: bool | None, cluster: str | None) -> None:
    """Extract every stored document again; reviewed facts keep their values, rejected ones stay rejected."""
    from ..ingest.run import reextract_all

    engine = open_registry(db_url)
    with _extractor(cluster, jobs, model) as extract:
        report = reextract_all(engine, jobs=jobs, model=model, on_error=report_error, progress=progress,
                               extract=extract)
    click.echo(f"aidtrace: {report.summary()}", err=True)
    if report.failed:
        sys.exit(1)

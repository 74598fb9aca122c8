"""The ``aidtrace`` command line: a thin layer over the library.

    aidtrace extract [--format jsonl|json|table] [--published DATE] [--model NAME] [--jobs N] PATH... | -
    aidtrace eval GOLD.jsonl [--pred PRED.jsonl] [--corpus CORPUS.jsonl] [--kinds K,K] [--json] [--errors]

The commands that ingest (``ingest/commands.py``), manage the registry (``storage/commands.py``:
db, stats, review, export) and serve it (``web/commands.py``: serve, token) live with what they
act on and are registered at the end of this file. Only extraction commands import spaCy, and
only when they run.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from .model import Document

if TYPE_CHECKING:
    from .facts import DocumentFacts
from .clitools import jobs_option, model_option, report_error

FORMATS = ("jsonl", "json", "table")



def _documents(paths: tuple[str, ...], published: str | None) -> Iterator[Document | Exception]:
    from .documents import read_documents

    for item in read_documents(paths, stdin=sys.stdin):
        if published and isinstance(item, Document) and not item.published:
            item.published = published
        yield item




@click.group()
@click.version_option(package_name="aidtrace")
def main() -> None:
    """aidtrace: evidence-linked facts about international support for Ukraine."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date for documents that carry none.")
@model_option
@jobs_option(default=0)
def extract(paths: tuple[str, ...], output_format: str, published: str | None, model: str, jobs: int) -> None:
    """Extract facts from documents: .txt, .html, .jsonl corpora, directories, or - for stdin."""
    from .dates import normalise_published
    from .pipeline import ModelNotFound
    from .runner import extract_stream

    if published and not normalise_published(published):
        raise click.BadParameter(f"not a date: {published!r}", param_hint="--published")
    published = normalise_published(published) if published else None
    failed = 0
    results: list[dict] = []
    try:
        for item in extract_stream(_documents(paths, published), model=model, jobs=jobs):
            if isinstance(item, Exception):
                failed += 1
                report_error(item)
                continue
            if output_format == "jsonl":
                click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
            elif output_format == "json":
                results.append(item.to_dict())
            else:
                click.echo(format_table(item))
    except ModelNotFound as error:
        raise click.ClickException(str(error)) from error
    if output_format == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    if failed:
        click.echo(f"aidtrace: {failed} input(s) failed", err=True)
        sys.exit(1)


def format_table(facts: DocumentFacts) -> str:
    """A readable terminal view of one document's facts."""
    lines = [f"== {facts.doc_id}  ({facts.published or 'no date'})" + (f"  {facts.title}" if facts.title else "")]
    for meeting in facts.meetings:
        where = ", ".join(str(v) for v in (meeting.place, meeting.region, meeting.country) if v)
        lines.append(f"  meeting     {' + '.join(meeting.participants)} [{meeting.mode}] {where} {meeting.date or ''}")
    for quote in facts.quotes:
        text = quote.text if len(quote.text) <= 90 else quote.text[:87] + "..."
        lines.append(f"  quote       {quote.speaker}: \u201c{text}\u201d")
    for c in facts.commitments:
        extras = []
        if c.quantity is not None:
            extras.append(f"x{c.quantity}")
        if c.amount is not None:
            extras.append(f"{c.amount:,.0f} {c.currency}")
        if c.region:
            extras.append(c.region)
        lines.append(f"  commitment  {c.donor} -> {c.recipient} {c.category}/{c.status}: {c.item} {' '.join(extras)}")
    for e in facts.endorsements:
        lines.append(f"  endorsement {e.actor}: {e.subject}")
    for p in facts.patronages:
        lines.append(f"  patronage   {p.patron} -> {p.region}")
    if len(lines) == 1:
        lines.append("  (no facts)")
    return "\n".join(lines)


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--pred", type=click.Path(exists=True, dir_okay=False), help="Predicted facts (JSONL).")
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False),
              help="The gold documents (JSONL): extracted and scored, or with --pred only read for --errors.")
@click.option("--kinds", default=None, help="Comma-separated fact kinds (default: every kind the scorer knows).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Also list every missed gold fact and every false or mismatched prediction, with its sentence.")
@model_option
@jobs_option(default=0)
def evaluate_command(gold: str, pred: str | None, corpus: str | None, kinds: str, as_json: bool,
                     show_errors: bool, model: str, jobs: int) -> None:
    """Score extracted facts against annotated gold (the rules of FACTS.md).

    Give --pred PRED.jsonl to score a prediction, --corpus DOCS.jsonl to extract the documents
    and score them, or both: then --corpus only supplies the texts that --errors quotes.
    """
    from .evaluate import SCORED_KINDS, ScoreInputError, errors, format_errors, format_report, load_jsonl_facts, score

    if not pred and not corpus:
        raise click.UsageError("give --pred PRED.jsonl, --corpus CORPUS.jsonl, or both")
    chosen = tuple(k for k in kinds.split(",") if k) if kinds else SCORED_KINDS
    unknown = set(chosen) - set(SCORED_KINDS)
    if unknown:
        raise click.BadParameter(f"unknown kinds: {', '.join(sorted(unknown))}", param_hint="--kinds")
    try:
        gold_docs = load_jsonl_facts(gold)
        pred_docs = load_jsonl_facts(pred) if pred else {}
    except ScoreInputError as error:
        raise click.ClickException(str(error)) from error
    texts: dict[str, str] = {}
    if corpus:
        documents = [item for item in _documents((corpus,), None)]
        for item in documents:
            if isinstance(item, Document):
                texts[item.id] = item.text
        if not pred:
            from .runner import extract_stream

            for item in extract_stream(iter(documents), model=model, jobs=jobs):
                if isinstance(item, Exception):
                    report_error(item)
                else:
                    pred_docs[item.doc_id] = item.to_dict()
    report = score(gold_docs, pred_docs, chosen)
    found = errors(gold_docs, pred_docs, chosen, texts) if show_errors else []
    if as_json:
        if show_errors:
            report = {**report, "errors": [entry.to_dict() for entry in found]}
        click.echo(json.dumps(report, indent=1, ensure_ascii=False))
        return
    click.echo(format_report(report, chosen))
    if show_errors:
        click.echo()
        click.echo(format_errors(found, chosen))


# --- the commands of the other layers, grouped by what they act on (defined there) ---------
from .ingest import commands as _ingest  # noqa: E402  (registered after main exists)
from .storage import commands as _registry  # noqa: E402
from .web import commands as _web  # noqa: E402

for _command in (_ingest.ingest, _ingest.reextract, *_registry.COMMANDS, _web.serve, _web.token):
    main.add_command(_command)

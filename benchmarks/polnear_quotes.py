#!/usr/bin/env python3
"""Direct-quote extraction on PolNeAR (political news, 2016), scored by the benchmark's own scorer.

    python benchmarks/polnear_quotes.py [test|dev|train] [--limit N] [--errors] [--out PRED.jsonl]

Runs aidtrace's pipeline (all annotators, then the quote attribution of ``aidtrace.facts.quotes``)
over ``../shared/benchmarks/polnear/<split>.jsonl``. PolNeAR counts every attributed quotation,
a third of them spoken by someone unnamed ("the newspaper wrote"), so this scores
``attributed_quotes`` (speaker as written when unnamed), not the registry's ``extract_quotes``
(named people only). It writes the predictions as the scorer's JSONL
(``doc_id``, ``quotes``: [{``speaker``, ``text``}]) and prints the line of
``score_quotes.py``. ``--errors`` also lists, per document, the gold quotes missed, the
predictions matching none, and matched quotes whose speaker the scorer counts wrong. ``test`` is
the yardstick: tune on ``train`` and ``dev`` only. Exits 0 with a note when ``../shared`` is
absent.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "benchmarks" / "polnear"


def predict(split: str, limit: int | None) -> list[dict]:
    """The scorer's prediction rows for one split: each document's quotes with their speakers."""
    sys.path.insert(0, str(ROOT / "src"))
    from aidtrace.facts.quotes import attributed_quotes
    from aidtrace.model import Document
    from aidtrace.pipeline import load_pipeline, make_doc

    rows = [json.loads(line) for line in (POLNEAR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = rows[:limit] if limit else rows
    nlp = load_pipeline()
    documents = [Document(id=row["id"], text=row["text"], published=row.get("published"), title=row.get("title"))
                 for row in rows]
    docs = nlp.pipe(make_doc(nlp, document) for document in documents)
    return [{"doc_id": document.id, "quotes": [{"speaker": found.quote.speaker, "text": found.quote.text}
                                                for found in attributed_quotes(doc)]}
            for document, doc in zip(documents, docs)]


def show_errors(split: str, predictions: list[dict]) -> None:
    """Misses, false quotes and wrong speakers, by the scorer's own matching rules."""
    sys.path.insert(0, str(POLNEAR.parent.parent / "eval"))
    from score import fold, match, quote_pair, tokens

    gold = {}
    for line in (POLNEAR / f"{split}.gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[row["doc_id"]] = row.get("quotes") or []
    for row in predictions:
        golds = gold.get(row["doc_id"], [])
        preds = [q for q in row["quotes"] if len(tokens(q["text"])) >= 4]
        pairs = match(golds, preds, quote_pair)
        paired_gold = {id(g) for g, _ in pairs}
        paired_pred = {id(p) for _, p in pairs}
        lines = []
        for g in golds:
            if id(g) not in paired_gold:
                lines.append(f"  MISS  [{g['speaker']}] {g['text'][:110]}")
        for p in preds:
            if id(p) not in paired_pred:
                lines.append(f"  FALSE [{p['speaker']}] {p['text'][:110]}")
        for g, p in pairs:
            said = [w for w in re.findall(r"[a-z]+", fold(p["speaker"])) if len(w) >= 3]
            if g.get("speaker_named") and not any(w in set(tokens(g["speaker"])) for w in said):
                lines.append(f"  WHO   gold [{g['speaker']}] pred [{p['speaker']}] {g['text'][:90]}")
        if lines:
            print(row["doc_id"])
            print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", nargs="?", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--errors", action="store_true", help="list misses, false quotes and wrong speakers")
    parser.add_argument("--out", type=Path, default=None, help="keep the predictions in this JSONL file")
    args = parser.parse_args(argv)
    if not (POLNEAR / "score_quotes.py").exists():
        print(f"skipped: {POLNEAR} is absent")
        return 0
    predictions = predict(args.split, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "pred.jsonl"
        out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in predictions), encoding="utf-8")
        gold = POLNEAR / f"{args.split}.gold.jsonl"
        if args.limit:  # score the same documents only
            kept = {row["doc_id"] for row in predictions}
            subset = Path(tmp) / "gold.jsonl"
            subset.write_text("".join(line + "\n" for line in gold.read_text(encoding="utf-8").splitlines()
                                      if line.strip() and json.loads(line)["doc_id"] in kept), encoding="utf-8")
            gold = subset
        if args.errors:
            show_errors(args.split, predictions)
        result = subprocess.run([sys.executable, str(POLNEAR / "score_quotes.py"), str(gold), str(out)],
                                capture_output=True, text=True, check=True)
    print(f"{args.split}: {result.stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

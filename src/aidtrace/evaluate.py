"""The scorer: compare extracted facts with a gold file by the rules of ``shared/eval/FACTS.md``.

    gold = load_jsonl_facts("dev.gold.jsonl")
    pred = load_jsonl_facts("pred.jsonl")
    report = score(gold, pred)
    print(format_report(report))

The report has the structure of the reference ``score.py``: per kind ``annotated`` (how many
gold documents carry the kind's key; a document without it is not scored for that kind, and a
kind no document annotates is reported as ``{"annotated": 0}`` and left out of ``overall``),
``gold``, ``predicted``, ``matched``, ``precision``, ``recall``, ``f1`` and ``fields`` (the share
of matched pairs whose field is right, counted only where gold's value is not null; the quote
``speaker`` is always counted), meetings also ``topics`` (P/R/F1 over topic codes of matched
meetings whose gold lists topics), quotes also ``attributed`` (P/R/F1 of quotes matched *and*
rightly attributed), and ``overall`` (micro-averaged over the kinds scored). Numbers are rounded
to four places.

Documents that the prediction lacks count as all missed; predicted documents absent from gold
are ignored. :func:`errors` lists what went wrong, fact by fact, with the sentence behind it.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .facts import KINDS
from .facts.kind import PairRule
from .text import content_words, fold, surname_key, word_tokens

Fact = Mapping[str, Any]


class ScoreInputError(ValueError):
    """A facts file that cannot be read: the message names path:line."""


# How each kind is scored: its pairing rule (``pair``), the fields checked on matched pairs and
# how (``scored_fields``, ``always_checked``, ``field_right``), list fields scored over their
# codes (``scored_sets``) and the field of ``attributed`` — each kind's own (aidtrace.facts).
RULES: dict[str, Any] = dict(KINDS)
# Every kind the scorer knows, in the order of the reference score.py.
SCORED_KINDS: tuple[str, ...] = tuple(RULES)


def checked_fields(rule: Any, gold: Fact) -> list[str]:
    """The fields of a matched pair that are scored: those gold gives, and some always."""
    return [name for name in rule.scored_fields if gold.get(name) is not None or name in rule.always_checked]


def match_facts(golds: list[Fact], preds: list[Fact], rule: PairRule) -> list[tuple[Fact, Fact]]:
    """One-to-one pairs of gold and predicted facts, best pairing score first (ties broken by
    gold order, then prediction order)."""
    return [(golds[g], preds[p]) for g, p in match_indices(golds, preds, rule)]


def match_indices(golds: list[Fact], preds: list[Fact], rule: PairRule) -> list[tuple[int, int]]:
    """:func:`match_facts` as (gold index, prediction index) pairs."""
    candidates: list[tuple[float, int, int]] = []
    for gold_index, gold in enumerate(golds):
        for pred_index, pred in enumerate(preds):
            value = rule(gold, pred)
            if value is not None:
                candidates.append((-value, gold_index, pred_index))
    candidates.sort()
    gold_used: set[int] = set()
    pred_used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gold_index, pred_index in candidates:
        if gold_index in gold_used or pred_index in pred_used:
            continue
        gold_used.add(gold_index)
        pred_used.add(pred_index)
        pairs.append((gold_index, pred_index))
    return pairs


def precision_recall_f1(matched: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """P, R and F1 rounded to four places. Nothing predicted is perfect precision only when
    there was nothing to find; nothing to find is perfect recall."""
    precision = matched / predicted if predicted else (0.0 if gold else 1.0)
    recall = matched / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)


def _prf_dict(matched: int, predicted: int, gold: int) -> dict[str, float]:
    return dict(zip(("precision", "recall", "f1"), precision_recall_f1(matched, predicted, gold)))


def _rule(kind: str) -> Any:
    if kind not in RULES:
        raise ValueError(f"unknown fact kinds: {kind}; known: {', '.join(RULES)}")
    return RULES[kind]


def _annotated(gold: Mapping[str, Mapping[str, Any]], kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The gold documents annotated for ``kind`` (those that carry its key)."""
    return ((doc_id, doc) for doc_id, doc in gold.items() if kind in doc)


def score(
    gold: Mapping[str, Mapping[str, Any]],
    pred: Mapping[str, Mapping[str, Any]],
    kinds: Iterable[str] = SCORED_KINDS,
) -> dict[str, Any]:
    """Score predicted documents against gold documents (both keyed by doc id) for ``kinds``."""
    kinds = tuple(kinds)
    unknown = [kind for kind in kinds if kind not in RULES]
    if unknown:
        raise ValueError(f"unknown fact kinds: {', '.join(unknown)}; known: {', '.join(RULES)}")
    report: dict[str, Any] = {}
    total_matched = total_predicted = total_gold = 0
    for kind in kinds:
        rule = RULES[kind]
        matched = predicted = gold_count = annotated = 0
        right = {name: 0 for name in rule.scored_fields}
        checked = {name: 0 for name in rule.scored_fields}
        # Per list field: shared, predicted and gold codes over matched pairs whose gold lists them.
        codes = {name: Counter() for name in rule.scored_sets}
        for doc_id, gold_doc in _annotated(gold, kind):
            annotated += 1
            golds = list(gold_doc.get(kind) or [])
            preds = list((pred.get(doc_id) or {}).get(kind) or [])
            pairs = match_facts(golds, preds, rule.pair)
            matched += len(pairs)
            predicted += len(preds)
            gold_count += len(golds)
            for gold_fact, pred_fact in pairs:
                for name in rule.scored_sets:
                    if gold_fact.get(name) is not None:
                        gold_codes, pred_codes = set(gold_fact[name]), set(pred_fact.get(name) or [])
                        codes[name].update(shared=len(gold_codes & pred_codes), predicted=len(pred_codes),
                                           gold=len(gold_codes))
                for name in checked_fields(rule, gold_fact):
                    checked[name] += 1
                    right[name] += rule.field_right(name, gold_fact, pred_fact)
        if not annotated:
            report[kind] = {"annotated": 0}
            continue
        entry: dict[str, Any] = {"annotated": annotated, "gold": gold_count, "predicted": predicted,
                                 "matched": matched}
        entry.update(_prf_dict(matched, predicted, gold_count))
        entry["fields"] = {
            name: round(right[name] / checked[name], 4) if checked[name] else None for name in rule.scored_fields
        }
        for name, tally in codes.items():
            if tally["gold"]:
                entry[name] = _prf_dict(tally["shared"], tally["predicted"], tally["gold"])
        if rule.attribution_field:
            entry["attributed"] = _prf_dict(right[rule.attribution_field], predicted, gold_count)
        report[kind] = entry
        total_matched += matched
        total_predicted += predicted
        total_gold += gold_count
    report["overall"] = _prf_dict(total_matched, total_predicted, total_gold)
    return report


def load_jsonl_facts(path: str | Path) -> dict[str, dict]:
    """Read a facts file (one JSON object per line, keyed by "doc_id", or "id" failing that).

    Blank lines are skipped; a later line with the same id replaces an earlier one. Raises
    ``ScoreInputError`` naming path:line for a line that is not a JSON object.
    """
    documents: dict[str, dict] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise ScoreInputError(f"{path}:{number}: not valid JSON: {error.msg}") from None
            if not isinstance(data, dict):
                raise ScoreInputError(f"{path}:{number}: expected a JSON object, got {type(data).__name__}")
            documents[str(data.get("doc_id", data.get("id")))] = data
    return documents


def format_report(report: Mapping[str, Any], kinds: Iterable[str] = SCORED_KINDS) -> str:
    """The report as a plain-text table: one row per kind with counts, P/R/F1 and field
    accuracies (and the meetings' topics F1), then the overall micro-averaged row."""
    lines = [f"{'kind':<13}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}  fields"]
    for kind in kinds:
        entry = report[kind]
        if not entry["annotated"]:
            lines.append(f"{kind:<13}  not annotated in this gold file")
            continue
        fields = " ".join(f"{name}={value}" for name, value in entry["fields"].items() if value is not None)
        for name in RULES[kind].scored_sets:
            if name in entry:
                fields += f" {name}_f1={entry[name]['f1']}"
        lines.append(
            f"{kind:<13}{entry['gold']:>6}{entry['predicted']:>6}"
            f"{entry['precision']:>8}{entry['recall']:>8}{entry['f1']:>8}  {fields}".rstrip()
        )
    overall = report["overall"]
    lines.append(f"{'overall':<25}{overall['precision']:>8}{overall['recall']:>8}{overall['f1']:>8}")
    return "\n".join(lines)


# --- errors: what went wrong, fact by fact --------------------------------------------------

@dataclass
class ScoringError:
    """One scoring error: a gold fact missed, a prediction with no gold fact, or a matched pair
    that disagrees on checked fields (``mismatch``: field -> (gold value, predicted value))."""

    kind: str
    doc_id: str
    error: str  # "missed", "false" or "mismatch"
    gold: Fact | None
    pred: Fact | None
    sentence: str | None
    mismatch: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "doc_id": self.doc_id, "error": self.error, "gold": _bare(self.gold),
                "pred": _bare(self.pred), "sentence": self.sentence,
                "mismatch": {name: list(values) for name, values in self.mismatch.items()}}


_SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+(?=[\"“‘'(A-Z0-9])|\n+")
# Fields that only make the sentence search noisy (codes and vocabulary values rarely appear as written).
_NOT_SEARCHED = frozenset({"mode", "status", "category", "currency", "date", "region", "country",
                           "recipient", "evidence", "confidence", "topics"})


def _bare(fact: Fact | None) -> dict[str, Any] | None:
    """A fact without its evidence and bookkeeping, as it is shown in an error list."""
    if fact is None:
        return None
    return {key: value for key, value in fact.items() if key not in ("evidence", "confidence")}


def sentences(text: str) -> list[str]:
    """A plain split of a document into sentences and lines (for showing errors, not for extraction)."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part and part.strip()]


def _search_words(kind: str, fact: Fact) -> set[str]:
    """The words of a gold fact to look for in the document: names, items, quote words, and the
    names of the actor codes it holds."""
    from .gazetteer import actor_name

    words: set[str] = set()
    for key, value in fact.items():
        if key in _NOT_SEARCHED or value is None:
            continue
        for part in value if isinstance(value, list) else [value]:
            text = str(part)
            if key in ("donor", "actor", "patron", "organiser"):
                text = actor_name(text)
            elif key == "subject":  # "nato_membership" is written "NATO membership"
                text = text.replace("_", " ")
            words |= content_words(text)
    return words


def best_sentence(text: str | None, kind: str, fact: Fact) -> str | None:
    """The sentence of ``text`` that holds most of a gold fact's words (ties: the first)."""
    if not text:
        return None
    wanted = _search_words(kind, fact)
    best, best_hits = None, 0
    for sentence in sentences(text):
        hits = len(wanted & content_words(sentence))
        if hits > best_hits:
            best, best_hits = sentence, hits
    return best


def _evidence_text(fact: Fact) -> str | None:
    spans = [e.get("text") for e in fact.get("evidence") or [] if isinstance(e, Mapping) and e.get("text")]
    return " … ".join(" ".join(span.split()) for span in spans) or None


def errors(
    gold: Mapping[str, Mapping[str, Any]],
    pred: Mapping[str, Mapping[str, Any]],
    kinds: Iterable[str] = SCORED_KINDS,
    texts: Mapping[str, str] | None = None,
) -> list[ScoringError]:
    """Every scoring error, by the same matching as :func:`score`: per kind and document, the
    gold facts left unmatched (with the sentence that best holds their words, when the
    document's text is in ``texts``), the predictions left unmatched, and the matched pairs
    that disagree on a checked field (both with the prediction's evidence)."""
    found: list[ScoringError] = []
    texts = texts or {}
    for kind in kinds:
        rule = _rule(kind)
        for doc_id, gold_doc in _annotated(gold, kind):
            golds = list(gold_doc.get(kind) or [])
            preds = list((pred.get(doc_id) or {}).get(kind) or [])
            pairs = match_indices(golds, preds, rule.pair)
            matched_gold = {g for g, _ in pairs}
            matched_pred = {p for _, p in pairs}
            for index, gold_fact in enumerate(golds):
                if index not in matched_gold:
                    found.append(ScoringError(kind, doc_id, "missed", gold_fact, None,
                                              best_sentence(texts.get(doc_id), kind, gold_fact)))
            for g, p in pairs:
                wrong = {name: (golds[g].get(name), preds[p].get(name)) for name in checked_fields(rule, golds[g])
                         if not rule.field_right(name, golds[g], preds[p])}
                for name in rule.scored_sets:
                    if golds[g].get(name) is not None and set(golds[g][name]) != set(preds[p].get(name) or []):
                        wrong[name] = (sorted(golds[g][name]), sorted(preds[p].get(name) or []))
                if wrong:
                    found.append(ScoringError(kind, doc_id, "mismatch", golds[g], preds[p],
                                              _evidence_text(preds[p]), wrong))
            for index, pred_fact in enumerate(preds):
                if index not in matched_pred:
                    found.append(ScoringError(kind, doc_id, "false", None, pred_fact, _evidence_text(pred_fact)))
    return found


def _compact(fact: Fact | None) -> str:
    bare = _bare(fact) or {}
    return json.dumps({k: v for k, v in bare.items() if v not in (None, [], "")}, ensure_ascii=False)


def format_errors(found: list[ScoringError], kinds: Iterable[str] = SCORED_KINDS) -> str:
    """The errors as text: per kind a heading with the counts, then one entry per error with
    its document id, the fact and the sentence behind it."""
    lines: list[str] = []
    for kind in kinds:
        mine = [e for e in found if e.kind == kind]
        tally = Counter(e.error for e in mine)
        lines.append(f"== {kind}: {tally['missed']} missed, {tally['false']} false, {tally['mismatch']} mismatched")
        for entry in mine:
            if entry.error == "missed":
                lines.append(f"MISSED    {entry.doc_id}  {_compact(entry.gold)}")
            elif entry.error == "false":
                lines.append(f"FALSE     {entry.doc_id}  {_compact(entry.pred)}")
            else:
                diff = "; ".join(f"{name}: gold {g!r}, pred {p!r}" for name, (g, p) in entry.mismatch.items())
                lines.append(f"MISMATCH  {entry.doc_id}  {diff}  {_compact(entry.pred)}")
            lines.append(f"          > {entry.sentence}" if entry.sentence else "          > (no sentence)")
    return "\n".join(lines)

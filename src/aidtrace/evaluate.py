"""The scorer: compare extracted facts with a gold file by the rules of ``shared/eval/FACTS.md``.

    gold = load_jsonl_facts("dev.gold.jsonl")
    pred = load_jsonl_facts("pred.jsonl")
    report = score(gold, pred)
    print(format_report(report, FACT_KINDS))

The report has the structure of the reference ``score.py``: per kind ``gold``, ``predicted``,
``matched``, ``precision``, ``recall``, ``f1`` and ``fields`` (the share of matched pairs whose
field is right, counted only where gold's value is not null; the quote ``speaker`` is always
counted), quotes also ``attributed`` (P/R/F1 of quotes matched *and* rightly attributed), and
``overall`` (micro-averaged over the kinds scored). Numbers are rounded to four places.

Documents that the prediction lacks count as all missed; predicted documents absent from gold
are ignored.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import FACT_KINDS
from .text import fold, surname_key

Fact = Mapping[str, Any]
# A pairing rule: how well a predicted fact matches a gold fact (higher is better), or None.
PairRule = Callable[[Fact, Fact], float | None]

# Words that carry no content when comparing commitment items (FACTS.md: "stop words dropped").
STOP_WORDS = frozenset(
    "a an the of for to and or in on at by with from its their his her this that these those "
    "new more other some all about as into over under up".split()
)
_WORD = re.compile(r"\w+")


class ScoreInputError(ValueError):
    """A facts file that cannot be read: the message names path:line."""


def word_tokens(text: str | None) -> list[str]:
    """The folded word tokens of a text, in order, repeats kept."""
    return _WORD.findall(fold(text))


def content_words(text: str | None) -> set[str]:
    """Folded words of a text without stop words and with a plural "s" stripped
    ("shells" → "shell"; "ss" words and words of up to three letters stay as they are)."""
    words: set[str] = set()
    for word in word_tokens(text):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


# --- pairing rules ------------------------------------------------------------------------


def pair_meetings(gold: Fact, pred: Fact) -> float | None:
    """Jaccard overlap of the participants' surnames, when at least 0.5."""
    gold_names = {surname_key(name) for name in gold.get("participants") or []}
    pred_names = {surname_key(name) for name in pred.get("participants") or []}
    if not gold_names or not pred_names:
        return None
    jaccard = len(gold_names & pred_names) / len(gold_names | pred_names)
    return jaccard if jaccard >= 0.5 else None


def pair_quotes(gold: Fact, pred: Fact) -> float | None:
    """Token overlap coefficient (shared tokens / tokens of the shorter text), when at least 0.5
    and at least half of the gold quote's tokens are covered."""
    gold_tokens, pred_tokens = word_tokens(gold.get("text")), word_tokens(pred.get("text"))
    if not gold_tokens or not pred_tokens:
        return None
    shared = sum((Counter(gold_tokens) & Counter(pred_tokens)).values())
    overlap = shared / min(len(gold_tokens), len(pred_tokens))
    if overlap < 0.5 or shared / len(gold_tokens) < 0.5:
        return None
    return overlap


def pair_commitments(gold: Fact, pred: Fact) -> float | None:
    """Same donor and category, and at least one shared content word in the item; more shared
    words rank higher."""
    if gold.get("donor") != pred.get("donor") or gold.get("category") != pred.get("category"):
        return None
    shared = content_words(gold.get("item")) & content_words(pred.get("item"))
    # The +0.1 keeps the ranking of score.py (its sort keys are shared + 0.1); only order matters.
    return len(shared) + 0.1 if shared else None


def pair_on_keys(*keys: str) -> PairRule:
    """A rule that matches facts equal on all ``keys``."""

    def rule(gold: Fact, pred: Fact) -> float | None:
        return 1.0 if all(gold.get(key) == pred.get(key) for key in keys) else None

    return rule


@dataclass(frozen=True)
class KindRule:
    """How one fact kind is scored: its pairing rule and the fields checked on matched pairs."""

    pair: PairRule
    fields: tuple[str, ...]


RULES: dict[str, KindRule] = {
    "meetings": KindRule(pair_meetings, ("mode", "country", "region", "date")),
    "quotes": KindRule(pair_quotes, ("speaker",)),
    "commitments": KindRule(pair_commitments, ("status", "quantity", "amount", "currency", "region")),
    "endorsements": KindRule(pair_on_keys("actor", "subject"), ()),
    "patronages": KindRule(pair_on_keys("patron", "region"), ()),
}

# Fields checked even when gold holds null: a quote whose gold speaker is unknown is still checked.
ALWAYS_CHECKED = frozenset({"speaker"})


def field_right(name: str, gold: Fact, pred: Fact) -> bool:
    """Whether a matched pair agrees on one field (speakers by surname, amounts within 1 %)."""
    gold_value, pred_value = gold.get(name), pred.get(name)
    if name == "speaker":
        return surname_key(gold_value) == surname_key(pred_value)
    if name == "amount" and gold_value is not None and pred_value is not None:
        try:
            return abs(float(gold_value) - float(pred_value)) <= 0.01 * abs(float(gold_value))
        except (TypeError, ValueError):
            return False
    return gold_value == pred_value


def match_facts(golds: list[Fact], preds: list[Fact], rule: PairRule) -> list[tuple[Fact, Fact]]:
    """One-to-one pairs of gold and predicted facts, best pairing score first (ties broken by
    gold order, then prediction order)."""
    candidates: list[tuple[float, int, int]] = []
    for gold_index, gold in enumerate(golds):
        for pred_index, pred in enumerate(preds):
            value = rule(gold, pred)
            if value is not None:
                candidates.append((-value, gold_index, pred_index))
    candidates.sort()
    gold_used: set[int] = set()
    pred_used: set[int] = set()
    pairs: list[tuple[Fact, Fact]] = []
    for _, gold_index, pred_index in candidates:
        if gold_index in gold_used or pred_index in pred_used:
            continue
        gold_used.add(gold_index)
        pred_used.add(pred_index)
        pairs.append((golds[gold_index], preds[pred_index]))
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


def score(
    gold: Mapping[str, Mapping[str, Any]],
    pred: Mapping[str, Mapping[str, Any]],
    kinds: Iterable[str] = FACT_KINDS,
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
        matched = predicted = gold_count = 0
        right = {name: 0 for name in rule.fields}
        checked = {name: 0 for name in rule.fields}
        for doc_id, gold_doc in gold.items():
            golds = list(gold_doc.get(kind) or [])
            preds = list((pred.get(doc_id) or {}).get(kind) or [])
            pairs = match_facts(golds, preds, rule.pair)
            matched += len(pairs)
            predicted += len(preds)
            gold_count += len(golds)
            for gold_fact, pred_fact in pairs:
                for name in rule.fields:
                    if gold_fact.get(name) is None and name not in ALWAYS_CHECKED:
                        continue
                    checked[name] += 1
                    right[name] += field_right(name, gold_fact, pred_fact)
        entry: dict[str, Any] = {"gold": gold_count, "predicted": predicted, "matched": matched}
        entry.update(_prf_dict(matched, predicted, gold_count))
        entry["fields"] = {
            name: round(right[name] / checked[name], 4) if checked[name] else None for name in rule.fields
        }
        if kind == "quotes":
            entry["attributed"] = _prf_dict(right["speaker"], predicted, gold_count)
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


def format_report(report: Mapping[str, Any], kinds: Iterable[str] = FACT_KINDS) -> str:
    """The report as a plain-text table: one row per kind with counts, P/R/F1 and field
    accuracies, then the overall micro-averaged row."""
    lines = [f"{'kind':<13}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}  fields"]
    for kind in kinds:
        entry = report[kind]
        fields = " ".join(f"{name}={value}" for name, value in entry["fields"].items() if value is not None)
        lines.append(
            f"{kind:<13}{entry['gold']:>6}{entry['predicted']:>6}"
            f"{entry['precision']:>8}{entry['recall']:>8}{entry['f1']:>8}  {fields}".rstrip()
        )
    overall = report["overall"]
    lines.append(f"{'overall':<25}{overall['precision']:>8}{overall['recall']:>8}{overall['f1']:>8}")
    return "\n".join(lines)

#!/usr/bin/env python3
"""Would a trained sentence classifier generalize better than the rules? Measured, not assumed.

    python benchmarks/trained_vs_rules.py [--folds 5] [--epochs 12] [--seed 0]

For commitments, endorsements and meetings it trains spaCy's ``textcat_multilabel`` (bag of
words and bigrams, CPU) on sentences of ``../shared/eval/train.*`` labelled by the gold facts (a
sentence is positive for a kind when it holds a gold fact: the evidence of the rules' fact that
matches it, else the sentence best holding its words, as ``aidtrace eval --errors`` shows a miss),
and compares it with the rules in two ways:

1. **Sentence detection on dev** (trained on all of train): precision, recall and F1 of "this
   sentence holds a fact of the kind", the classifier at several thresholds against the rules (a
   sentence holding a predicted fact's evidence).
2. **As a filter on the rules' facts, by cross-validation on train** (``--folds``, documents
   split in folds; each fold's facts filtered by a classifier trained on the other folds), then on
   dev: the fact-level P/R/F1 of ``aidtrace eval`` for the rules alone and for the rules keeping
   only facts whose evidence sentence scores at least the threshold.

It also prints the classifier's cost in words per second beside bare ``nlp.pipe`` measured in
the same run. The classifier is not shipped: this benchmark is the record of why (see
README.md, "Why rules"). Exits 0 with a note when ``../shared`` is absent.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
KINDS = ("commitments", "endorsements", "meetings")
THRESHOLDS = (0.05, 0.1, 0.2, 0.5)


def load(split: str) -> tuple[list[dict], dict[str, dict]]:
    from aidtrace.evaluate import load_jsonl_facts

    docs = list(load_jsonl_facts(EVAL / f"{split}.docs.jsonl").values())
    return docs, load_jsonl_facts(EVAL / f"{split}.gold.jsonl")


def annotate(nlp, rows: list[dict]) -> list[tuple[dict, object, dict]]:
    """Each document with its annotated Doc and the rules' facts (as FACTS.md dicts)."""
    from aidtrace.model import Document
    from aidtrace.pipeline import facts_from_doc, make_doc

    documents = [Document(id=row["id"], text=row["text"], published=row.get("published"), title=row.get("title"),
                          source=row.get("source"), url=row.get("url")) for row in rows]
    docs = nlp.pipe(make_doc(nlp, document) for document in documents)
    return [(row, doc, facts_from_doc(doc, document).to_dict()) for row, document, doc in zip(rows, documents, docs)]


def sentence_spans(doc) -> list[tuple[int, int, str]]:
    return [(sent.start_char, sent.end_char, sent.text) for sent in doc.sents if sent.text.strip()]


def overlaps(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span[0] < other[1] and other[0] < span[1]


def gold_spans(text: str, gold_doc: dict, facts: dict, kind: str) -> list[tuple[int, int]]:
    """Where each gold fact of a kind is written: the evidence of the rules' fact matching it
    (scored as ``aidtrace eval`` pairs them), else the sentence best holding its words
    (``evaluate.best_sentence``, as ``--errors`` shows a miss)."""
    from aidtrace.evaluate import RULES, best_sentence, match_indices

    golds, preds = list(gold_doc.get(kind) or []), list(facts.get(kind) or [])
    pairs = dict(match_indices(golds, preds, RULES[kind].pair))
    spans = []
    for index, fact in enumerate(golds):
        if index in pairs:
            spans.extend((e["start"], e["end"]) for e in preds[pairs[index]].get("evidence") or [])
            continue
        sentence = best_sentence(text, kind, fact)
        start = text.find(sentence) if sentence else -1
        if start >= 0:
            spans.append((start, start + len(sentence)))
    return spans


def evidence_spans(facts: dict, kind: str) -> list[tuple[int, int]]:
    return [(e["start"], e["end"]) for fact in facts.get(kind) or [] for e in fact.get("evidence") or []]


def labelled_sentences(annotated, gold) -> list[tuple[str, dict[str, float], dict[str, float]]]:
    """(sentence, gold labels, rule labels) for every sentence of annotated documents."""
    out = []
    for row, doc, facts in annotated:
        gold_doc = gold.get(row["id"]) or {}
        spans = {kind: gold_spans(row["text"], gold_doc, facts, kind) for kind in KINDS}
        rules = {kind: evidence_spans(facts, kind) for kind in KINDS}
        for start, end, text in sentence_spans(doc):
            here = (start, end)
            out.append((text,
                        {kind: float(any(overlaps(here, s) for s in spans[kind])) for kind in KINDS},
                        {kind: float(any(overlaps(here, s) for s in rules[kind])) for kind in KINDS}))
    return out


def train_classifier(sentences, epochs: int, seed: int):
    import spacy
    from spacy.training import Example

    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
        "no_output_layer": False}})
    for kind in KINDS:
        textcat.add_label(kind)
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": cats}) for text, cats, _ in sentences]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    return nlp


def prf(tp: int, predicted: int, gold: int) -> str:
    from aidtrace.evaluate import precision_recall_f1

    p, r, f = precision_recall_f1(tp, predicted, gold)
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f}"


def sentence_report(classifier, sentences) -> None:
    scores = [classifier(text).cats for text, _, _ in sentences]
    for kind in KINDS:
        gold = [cats[kind] for _, cats, _ in sentences]
        rules = [rule[kind] for _, _, rule in sentences]
        runs = [("rules", rules)] + [(f"textcat≥{t}", [float(s[kind] >= t) for s in scores]) for t in THRESHOLDS]
        for name, predicted in runs:
            tp = sum(1 for g, p in zip(gold, predicted) if g and p)
            print(f"  {kind:13} {name:13} {prf(tp, int(sum(predicted)), int(sum(gold)))}")


def filtered(classifier, annotated, threshold: float) -> dict[str, dict]:
    """The rules' facts, keeping only those whose evidence sentence the classifier scores >= threshold."""
    out = {}
    for row, doc, facts in annotated:
        kept = dict(facts)
        sents = sentence_spans(doc)
        cache: dict[tuple[int, int], dict] = {}
        for kind in KINDS:
            keep = []
            for fact in facts.get(kind) or []:
                spans = [(e["start"], e["end"]) for e in fact.get("evidence") or []]
                best = 0.0
                for start, end, text in sents:
                    if any(overlaps((start, end), s) for s in spans):
                        if (start, end) not in cache:
                            cache[(start, end)] = classifier(text).cats
                        best = max(best, cache[(start, end)][kind])
                if best >= threshold:
                    keep.append(fact)
            kept[kind] = keep
        out[row["id"]] = kept
    return out


def fact_report(label: str, gold, predictions) -> None:
    from aidtrace.evaluate import score

    report = score(gold, predictions, KINDS)
    print(f"  {label:22} " + "  ".join(
        f"{kind} P {report[kind]['precision']:.3f} R {report[kind]['recall']:.3f} F1 {report[kind]['f1']:.3f}"
        for kind in KINDS))


def words_per_second(nlp, classifier, texts: list[str]) -> None:
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    bare = words / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in classifier.pipe(texts):
        pass
    alone = words / (time.perf_counter() - start)
    both = 1 / (1 / bare + 1 / alone)  # the pipeline then the classifier over the same words
    print(f"words/s: bare nlp.pipe {bare:,.0f}; classifier alone {alone:,.0f}; both {both:,.0f} "
          f"({both / bare:.2f}× bare, before any rule runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (EVAL / "train.docs.jsonl").exists():
        print(f"skipped: {EVAL} is absent")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    from aidtrace.pipeline import load_pipeline

    nlp = load_pipeline()
    train_rows, train_gold = load("train")
    dev_rows, dev_gold = load("dev")
    train = annotate(nlp, train_rows)
    dev = annotate(nlp, dev_rows)
    train_sentences = labelled_sentences(train, train_gold)
    dev_sentences = labelled_sentences(dev, dev_gold)
    print(f"train: {len(train)} documents, {len(train_sentences)} sentences; dev: {len(dev)}, {len(dev_sentences)}")

    classifier = train_classifier(train_sentences, args.epochs, args.seed)
    print("1. sentence detection on dev (classifier trained on all of train)")
    sentence_report(classifier, dev_sentences)

    print(f"2. filtering the rules' facts: {args.folds}-fold cross-validation on train, then dev")
    order = list(range(len(train)))
    random.Random(args.seed).shuffle(order)
    folds = [order[i::args.folds] for i in range(args.folds)]
    by_threshold: dict[float, dict[str, dict]] = {t: {} for t in THRESHOLDS}
    for held in folds:
        held_set = set(held)
        fold_train = labelled_sentences([train[i] for i in range(len(train)) if i not in held_set], train_gold)
        fold_classifier = train_classifier(fold_train, args.epochs, args.seed)
        for threshold in THRESHOLDS:
            by_threshold[threshold].update(filtered(fold_classifier, [train[i] for i in held], threshold))
    fact_report("train rules", train_gold, {row["id"]: facts for row, _, facts in train})
    for threshold in THRESHOLDS:
        fact_report(f"train rules+textcat≥{threshold}", train_gold, by_threshold[threshold])
    fact_report("dev rules", dev_gold, {row["id"]: facts for row, _, facts in dev})
    for threshold in THRESHOLDS:
        fact_report(f"dev rules+textcat≥{threshold}", dev_gold, filtered(classifier, dev, threshold))
    words_per_second(nlp, classifier, [row["text"] for row in dev_rows + train_rows])
    return 0


if __name__ == "__main__":
    sys.exit(main())

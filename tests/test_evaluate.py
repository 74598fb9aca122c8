"""The scorer: hand-made cases with numbers worked out by hand, and agreement with the
reference ``shared/eval/score.py`` on the dev gold file."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aidtrace.evaluate import (
    ScoreInputError,
    errors,
    format_errors,
    format_report,
    load_jsonl_facts,
    match_facts,
    score,
)
from aidtrace.facts import KINDS
from aidtrace.text import content_words, surname_key

pair_quotes = KINDS["quotes"].pair
from aidtrace.facts import FACT_KINDS

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"

GOLD = {
    "a": {
        "doc_id": "a",
        "meetings": [
            {"participants": ["Volodymyr Zelenskyy", "Kaja Kallas"], "mode": "in_person", "country": "UKR",
             "region": "UA-18", "date": "2023-04-24"}
        ],
        "quotes": [{"speaker": "Kaja Kallas", "text": "We believe in your victory and in your future"}],
        "commitments": [
            {"donor": "EST", "category": "medical", "item": "mobile military hospitals", "status": "delivered",
             "quantity": 2, "amount": None, "currency": None, "region": None},
            {"donor": "EST", "category": "financial", "item": "budget support", "status": "pledged",
             "quantity": None, "amount": 5_000_000, "currency": "EUR", "region": None},
        ],
        "endorsements": [{"actor": "EST", "subject": "nato_membership"}],
    },
    "b": {
        "doc_id": "b",
        "patronages": [{"patron": "EST", "region": "UA-18"}],
        "endorsements": [{"actor": "DNK", "subject": "sanctions"}],
    },
}

PRED = {
    "a": {
        "doc_id": "a",
        # Surnames {zelensky, kallas, michel} vs {zelensky, kallas}: Jaccard 2/3, a match.
        "meetings": [
            {"participants": ["Zelensky", "KALLAS", "Charles Michel"], "mode": "phone", "country": None,
             "region": None, "date": "2023-04-24"}
        ],
        "quotes": [
            # 5 tokens, all shared: overlap 1.0, covers 5/9 of gold.
            {"speaker": "Kallas", "text": "We believe in your victory"},
            {"speaker": "Volodymyr Zelensky", "text": "Glory to the heroes of our land"},
        ],
        "commitments": [
            {"donor": "EST", "category": "medical", "item": "a military hospital", "status": "pledged", "quantity": 2},
            {"donor": "EST", "category": "financial", "item": "budget support", "status": "pledged",
             "amount": 5_040_000, "currency": "EUR"},
            {"donor": "EST", "category": "military", "item": "budget support", "status": "pledged"},
        ],
        "endorsements": [{"actor": "EST", "subject": "eu_membership"}],
    },
    # Not in gold: ignored entirely.
    "c": {"doc_id": "c", "patronages": [{"patron": "EST", "region": "UA-18"}]},
}


def test_hand_made_report_numbers():
    report = score(GOLD, PRED)
    assert report["meetings"] == {
        "annotated": 1, "gold": 1, "predicted": 1, "matched": 1, "precision": 1.0, "recall": 1.0, "f1": 1.0,
        "fields": {"mode": 0.0, "country": 0.0, "region": 0.0, "date": 1.0},
    }
    quotes = report["quotes"]
    assert (quotes["matched"], quotes["predicted"], quotes["gold"]) == (1, 2, 1)
    assert (quotes["precision"], quotes["recall"], quotes["f1"]) == (0.5, 1.0, 0.6667)
    assert quotes["fields"] == {"speaker": 1.0}
    assert quotes["attributed"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    commitments = report["commitments"]
    assert (commitments["matched"], commitments["predicted"], commitments["gold"]) == (2, 3, 2)
    assert (commitments["precision"], commitments["recall"], commitments["f1"]) == (0.6667, 1.0, 0.8)
    # status checked on both pairs, quantity and amount/currency only where gold has them, region nowhere.
    assert commitments["fields"] == {"status": 0.5, "quantity": 1.0, "amount": 1.0, "currency": 1.0, "region": None}
    assert report["endorsements"]["matched"] == 0
    assert (report["endorsements"]["precision"], report["endorsements"]["recall"]) == (0.0, 0.0)
    # Only "b" is annotated for patronages, and the prediction lacks it: its patronage is
    # missed; "c" (not in gold) adds nothing.
    assert report["patronages"] == {
        "annotated": 1, "gold": 1, "predicted": 0, "matched": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0, "fields": {},
    }
    # No gold document carries events: reported as not annotated, and left out of the average.
    assert report["events"] == {"annotated": 0}
    # Micro-average: 4 matched of 7 predicted and 7 gold.
    assert report["overall"] == {"precision": 0.5714, "recall": 0.5714, "f1": 0.5714}


def test_a_kind_is_scored_only_where_gold_annotates_it():
    gold = {"x": {"doc_id": "x", "patronages": [{"patron": "POL", "region": "UA-46"}]},
            "y": {"doc_id": "y", "quotes": []}}
    # y's patronage is not scored: y was not annotated for patronages.
    pred = {"x": {"patronages": [{"patron": "POL", "region": "UA-46"}]},
            "y": {"patronages": [{"patron": "NZL", "region": "UA-18"}], "quotes": []}}
    report = score(gold, pred, kinds=("patronages", "quotes"))
    assert report["patronages"]["annotated"] == 1
    assert (report["patronages"]["predicted"], report["patronages"]["precision"]) == (1, 1.0)
    assert report["quotes"]["annotated"] == 1 and report["quotes"]["gold"] == 0


def test_meeting_topics_are_scored_over_codes_of_matched_meetings():
    gold = {"m": {"doc_id": "m", "meetings": [
        {"participants": ["Volodymyr Zelenskyy", "Kaja Kallas"], "mode": "in_person",
         "topics": ["defence", "sanctions", "nato"]},
        {"participants": ["Olaf Scholz", "Emmanuel Macron"], "mode": "phone"},  # no topics key: not scored
    ]}}
    pred = {"m": {"meetings": [
        {"participants": ["Zelensky", "Kallas"], "mode": "in_person", "topics": ["defence", "energy"]},
        {"participants": ["Scholz", "Macron"], "mode": "phone", "topics": ["trade"]},
        {"participants": ["Nobody Else", "Anyone"], "mode": "phone", "topics": ["peace"]},  # unmatched
    ]}}
    topics = score(gold, pred, kinds=("meetings",))["meetings"]["topics"]
    # 1 shared code of 2 predicted and 3 gold.
    assert topics == {"precision": 0.5, "recall": 0.3333, "f1": 0.4}


def test_events_match_on_a_shared_name_word_and_dates_that_agree():
    gold = {"e": {"doc_id": "e", "events": [
        {"name": "NATO summit", "organiser": "NATO", "place": "Vilnius", "country": "LTU", "date": "2023-07"},
        {"name": "European Council", "organiser": "EU", "date": "2022-06"},
    ]}}
    pred = {"e": {"events": [
        {"name": "summit of NATO", "organiser": "NATO", "country": "LTU", "date": "2023-07-11"},
        {"name": "European Council", "organiser": "EU", "date": "2022-07"},  # dates disagree: no match
    ]}}
    events = score(gold, pred, kinds=("events",))["events"]
    assert (events["matched"], events["precision"], events["recall"]) == (1, 0.5, 0.5)
    # The seven-day date is not the gold month: matched (prefix), but the date field is wrong.
    assert events["fields"] == {"organiser": 1.0, "country": 1.0, "date": 0.0}


def test_errors_list_misses_false_predictions_and_mismatches_with_their_sentences():
    text = ("Estonia handed over two mobile military hospitals. Officials met in Tallinn. "
            "Kallas said Estonia backs NATO membership for Ukraine.")
    found = errors(GOLD, PRED, kinds=("commitments", "endorsements"), texts={"a": text})
    by_error = {(e.kind, e.error): e for e in found}
    # The pledged "military hospital" matches the delivered gold one: a status mismatch.
    mismatch = by_error[("commitments", "mismatch")]
    assert mismatch.mismatch == {"status": ("delivered", "pledged")}
    # The military "budget support" has no gold twin: a false prediction.
    assert by_error[("commitments", "false")].pred["category"] == "military"
    # The EST/nato endorsement is missed; its sentence is the one with most of its words.
    missed = [e for e in found if e.kind == "endorsements" and e.error == "missed"]
    assert {e.doc_id for e in missed} == {"a", "b"}
    assert [e.sentence for e in missed if e.doc_id == "a"] == [
        "Kallas said Estonia backs NATO membership for Ukraine."]
    assert [e.sentence for e in missed if e.doc_id == "b"] == [None]  # no text given for b
    listing = format_errors(found, ("commitments", "endorsements"))
    assert listing.splitlines()[0] == "== commitments: 0 missed, 1 false, 1 mismatched"
    assert "MISMATCH  a  status: gold 'delivered', pred 'pledged'" in listing
    # A perfect prediction has no errors at all.
    assert errors(GOLD, GOLD) == []


def test_amount_outside_one_percent_is_wrong():
    pred = copy.deepcopy(PRED)
    pred["a"]["commitments"][1]["amount"] = 5_060_000
    assert score(GOLD, pred, kinds=("commitments",))["commitments"]["fields"]["amount"] == 0.0


def test_empty_prediction_and_empty_gold():
    report = score({"x": {"doc_id": "x", "patronages": []}}, {}, kinds=("patronages",))
    assert report["patronages"]["precision"] == 1.0 and report["patronages"]["recall"] == 1.0
    assert report["overall"]["f1"] == 1.0
    report = score({"x": {"doc_id": "x", "patronages": []}}, {"x": {"patronages": [{"patron": "POL", "region": "UA-46"}]}},
                   kinds=("patronages",))
    assert (report["patronages"]["precision"], report["patronages"]["recall"]) == (0.0, 1.0)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown fact kinds: meeting"):
        score(GOLD, PRED, kinds=("meeting",))


def test_surname_folding():
    assert surname_key("Volodymyr Zelenskyy") == surname_key("ZELENSKY") == "zelensky"
    assert surname_key("Petr Pavel") != surname_key("Petr Fiala")
    assert surname_key("Andrzej Duda") == "duda"
    assert surname_key("Mateusz Morawiecki") == surname_key("Morawiecki")
    assert surname_key("Olaf SCHOLZ") == surname_key("Scholz")
    assert surname_key("Gitanas Nausėda") == "nauseda"
    # A doubled final letter is only undone on words longer than three letters.
    assert surname_key("Li Bo Woo") == "woo"
    assert surname_key("") == ""


def test_content_words_drop_stop_words_and_plurals():
    assert content_words("The 155 mm shells for the Armed Forces") == {"155", "mm", "shell", "armed", "force"}
    assert content_words("gas and glass") == {"gas", "glass"}


def test_one_to_one_best_first():
    golds = [{"text": "we will rebuild every school in the region"}]
    preds = [
        {"text": "we will rebuild every school"},  # overlap 1.0
        {"text": "we will rebuild every school in the region and more"},  # overlap 1.0 too, later
        {"text": "we will rebuild"},  # covers only 3/8 of gold: no match
    ]
    assert pair_quotes(golds[0], preds[2]) is None
    pairs = match_facts(golds, preds, pair_quotes)
    assert pairs == [(golds[0], preds[0])]
    # With the better match first taken, the second gold pairs with what is left.
    golds2 = golds + [{"text": "we will rebuild every school"}]
    pairs = match_facts(golds2, preds[:2], pair_quotes)
    assert len(pairs) == 2 and {id(p) for _, p in pairs} == {id(preds[0]), id(preds[1])}


def test_quote_speaker_checked_even_when_gold_has_none():
    gold = {"d": {"quotes": [{"speaker": None, "text": "this is a quote of some length"}]}}
    pred = {"d": {"quotes": [{"speaker": "Olaf Scholz", "text": "this is a quote of some length"}]}}
    report = score(gold, pred, kinds=("quotes",))
    assert report["quotes"]["fields"] == {"speaker": 0.0}
    assert report["quotes"]["attributed"]["precision"] == 0.0


def test_load_jsonl_facts(tmp_path):
    path = tmp_path / "facts.jsonl"
    path.write_text('{"doc_id": "a", "patronages": []}\n\n{"id": "b"}\n', encoding="utf-8")
    assert set(load_jsonl_facts(path)) == {"a", "b"}
    path.write_text('{"doc_id": "a"}\n{"doc_id": \n', encoding="utf-8")
    with pytest.raises(ScoreInputError, match=r"facts.jsonl:2: not valid JSON"):
        load_jsonl_facts(path)


def test_format_report_lists_every_kind():
    report = score(GOLD, PRED)
    text = format_report(report, FACT_KINDS)
    lines = text.splitlines()
    assert lines[0].split() == ["kind", "gold", "pred", "P", "R", "F1", "fields"]
    assert lines[2].split()[:6] == ["quotes", "1", "2", "0.5", "1.0", "0.6667"]
    assert "mode=0.0" in lines[1] and "date=1.0" in lines[1]
    assert lines[-1].split() == ["overall", "0.5714", "0.5714", "0.5714"]


# --- agreement with the reference scorer ---------------------------------------------------

needs_shared = pytest.mark.skipif(
    not (SHARED_EVAL / "score.py").exists() or not (SHARED_EVAL / "dev.gold.jsonl").exists(),
    reason="../shared/eval is absent",
)


def _perturbed(gold: dict[str, dict]) -> dict[str, dict]:
    """A prediction derived from gold: facts dropped, fields changed, extras added, a doc missing."""
    pred = copy.deepcopy(gold)
    for number, (doc_id, doc) in enumerate(sorted(pred.items())):
        if number == 0:
            del pred[doc_id]  # a document the system did not process
            continue
        for kind in FACT_KINDS:
            facts = doc.get(kind) or []
            if number % 3 == 1 and facts:
                facts.pop(0)
            for index, fact in enumerate(facts):
                if kind == "meetings" and index % 2 == 0:
                    fact["mode"] = "video" if fact.get("mode") != "video" else "phone"
                    fact["participants"] = list(fact.get("participants") or []) + ["Somebody Else"]
                if kind == "quotes":
                    words = (fact.get("text") or "").split()
                    fact["text"] = " ".join(words[: max(1, len(words) * 2 // 3)])
                    if index % 2:
                        fact["speaker"] = "Anne Other"
                if kind == "commitments":
                    if fact.get("amount") is not None:
                        fact["amount"] = fact["amount"] * (1.005 if index % 2 else 1.2)
                    if index % 3 == 0:
                        fact["status"] = "pledged" if fact.get("status") == "delivered" else "delivered"
                    fact["item"] = "the " + (fact.get("item") or "")
            if number % 2 == 0:
                extras = {
                    "meetings": {"participants": ["Ann Nobody", "Bob Nobody"], "mode": "phone"},
                    "quotes": {"speaker": "Ann Nobody", "text": "nothing in gold says this at all"},
                    "commitments": {"donor": "NZL", "category": "energy", "item": "generators", "status": "pledged"},
                    "endorsements": {"actor": "NZL", "subject": "sanctions"},
                    "patronages": {"patron": "NZL", "region": "UA-18"},
                    "events": {"name": "Nowhere Forum", "organiser": "NZL", "place": "Wellington",
                               "country": "NZL", "date": "2031-01"},
                }
                doc[kind] = facts + [extras[kind]]
            else:
                doc[kind] = facts
    pred["not-in-gold"] = {"doc_id": "not-in-gold", "endorsements": [{"actor": "FRA", "subject": "sanctions"}]}
    return pred


def _reference(gold_path: Path, pred_path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SHARED_EVAL / "score.py"), str(gold_path), str(pred_path), *extra],
        capture_output=True, text=True, check=True, timeout=60,
    )


@needs_shared
@pytest.mark.parametrize("variant", ["gold", "dropped", "perturbed", "empty"])
@pytest.mark.parametrize("kinds", [FACT_KINDS, ("quotes", "commitments")])
def test_same_report_as_reference_scorer(tmp_path, variant, kinds):
    gold_path = SHARED_EVAL / "dev.gold.jsonl"
    gold = load_jsonl_facts(gold_path)
    if variant == "gold":
        pred = gold
    elif variant == "dropped":
        pred = {k: {**v, **{kind: (v.get(kind) or [])[1:] for kind in FACT_KINDS}} for k, v in gold.items()}
    elif variant == "perturbed":
        pred = _perturbed(gold)
    else:
        pred = {}
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(doc) + "\n" for doc in pred.values()), encoding="utf-8")
    extra = ["--kinds", ",".join(kinds)]
    expected = json.loads(_reference(gold_path, pred_path, "--json", *extra).stdout)
    ours = score(load_jsonl_facts(gold_path), load_jsonl_facts(pred_path), kinds)
    assert ours == expected
    if variant == "perturbed":
        # The derived prediction really is imperfect, so the comparison is not trivial.
        assert ours["overall"]["f1"] < 1.0
        table = _reference(gold_path, pred_path, *extra).stdout
        assert [line.rstrip() for line in format_report(ours, kinds).splitlines()] == [
            line.rstrip() for line in table.splitlines()
        ]

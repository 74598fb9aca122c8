"""`aidtrace extract` and `aidtrace eval` as a user runs them: real processes, real files."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "eval" / "dev.gold.jsonl").exists(), reason="../shared is absent")


def aidtrace(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "aidtrace", *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=600)




def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_extract_examples_gives_every_document_with_evidence_that_points_into_its_text():
    corpus = {d["id"]: d["text"] for d in jsonl((EXAMPLES / "demo-corpus.jsonl").read_text())}
    result = aidtrace("extract", EXAMPLES / "demo-corpus.jsonl")
    assert result.returncode == 0, result.stderr
    docs = jsonl(result.stdout)
    assert [d["doc_id"] for d in docs] == list(corpus)
    facts = 0
    for doc in docs:
        for kind in ("meetings", "quotes", "commitments", "endorsements", "patronages"):
            for fact in doc[kind]:
                facts += 1
                assert 0 <= fact["confidence"] <= 1
                assert fact["evidence"]
                for evidence in fact["evidence"]:
                    assert corpus[doc["doc_id"]][evidence["start"]:evidence["end"]] == evidence["text"]
    assert facts >= 10
    denmark = next(d for d in docs if d["doc_id"] == "demo-denmark-mykolaiv")
    assert {"patron": "DNK", "region": "UA-48"} in [{k: p[k] for k in ("patron", "region")} for p in denmark["patronages"]]
    request = next(d for d in docs if d["doc_id"] == "demo-request-not-commitment")
    assert request["commitments"] == []


def test_html_page_gives_title_date_and_canonical_url():
    (doc,) = jsonl(aidtrace("extract", EXAMPLES / "norway-energy-package.html").stdout)
    assert doc["published"] == "2023-10-12"
    assert doc["url"] == "https://example.org/news/norway-energy-package"
    assert "Norway" in doc["title"]
    assert any(c["donor"] == "NOR" and c["category"] == "energy" for c in doc["commitments"])
    assert doc["meetings"][0]["mode"] == "phone"


def test_bad_inputs_get_one_line_each_and_the_rest_is_extracted(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "broken.jsonl").write_text('{"id": "ok-1", "text": "Finland has delivered 3 ambulances to Ukraine."}\n{not json\n')
    (tmp_path / "good.txt").write_text("Canada has provided 8 armoured vehicles to Ukraine.")
    result = aidtrace("extract", tmp_path, tmp_path / "missing.txt")
    assert result.returncode == 1
    ids = [d["doc_id"] for d in jsonl(result.stdout)]
    assert "ok-1" in ids and "good" in ids
    errors = [line for line in result.stderr.splitlines() if line.startswith("aidtrace: error:")]
    assert len(errors) == 4, result.stderr
    for name in ("binary.txt", "empty.txt", "broken.jsonl:2", "missing.txt"):
        assert any(name in line for line in errors), (name, errors)


def test_stdin_published_option_and_table_format():
    text = "Ireland will provide €10 million to Ukraine for the repair of hospitals, it was announced yesterday."
    (doc,) = jsonl(aidtrace("extract", "--published", "2023-03-02", "-", stdin=text).stdout)
    assert doc["published"] == "2023-03-02"
    table = aidtrace("extract", "--format", "table", "-", stdin=text).stdout
    assert "IRL -> UKR" in table and "10,000,000 EUR" in table


def test_json_format_is_one_array_and_jobs_do_not_change_the_output():
    one = aidtrace("extract", "--format", "jsonl", "--jobs", "1", EXAMPLES)
    two = aidtrace("extract", "--format", "jsonl", "--jobs", "2", EXAMPLES)
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    as_json = json.loads(aidtrace("extract", "--format", "json", EXAMPLES).stdout)
    assert [d["doc_id"] for d in as_json] == [d["doc_id"] for d in jsonl(one.stdout)]


def test_unknown_model_is_a_clear_error():
    result = aidtrace("extract", "--model", "no_such_pipeline_xx", EXAMPLES / "lithuania-kharkiv-visit.txt")
    assert result.returncode != 0
    assert "no_such_pipeline_xx" in result.stderr and "not installed" in result.stderr


@needs_shared
def test_dev_set_meets_the_acceptance_bar_and_eval_agrees_with_the_reference_scorer(tmp_path):
    pred = tmp_path / "pred.jsonl"
    result = aidtrace("extract", SHARED / "eval" / "dev.docs.jsonl")
    assert result.returncode == 0, result.stderr
    pred.write_text(result.stdout)
    ours = json.loads(aidtrace("eval", SHARED / "eval" / "dev.gold.jsonl", "--pred", pred, "--json").stdout)
    reference = json.loads(subprocess.run(
        [sys.executable, SHARED / "eval" / "score.py", SHARED / "eval" / "dev.gold.jsonl", pred, "--json"],
        capture_output=True, text=True, check=True).stdout)
    assert ours == reference
    assert ours["overall"]["f1"] >= 0.95
    for kind in ("meetings", "quotes", "commitments", "endorsements", "patronages", "events"):
        assert ours[kind]["f1"] >= 0.90, kind
    assert ours["meetings"]["topics"]["f1"] >= 0.85


@needs_shared
def test_seed_document_gives_every_gold_fact_with_every_field_right(tmp_path):
    gold = next(d for d in jsonl((SHARED / "eval" / "dev.gold.jsonl").read_text()) if d["doc_id"].startswith("seed"))
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n")
    report = json.loads(aidtrace("eval", tmp_path / "gold.jsonl", "--corpus", SHARED / "corpora" / "seed.jsonl",
                                 "--json").stdout)
    for kind in ("meetings", "quotes", "commitments", "endorsements", "patronages", "events"):
        assert report[kind]["recall"] == 1.0, kind
        assert all(v in (None, 1.0) for v in report[kind]["fields"].values()), (kind, report[kind]["fields"])
    assert report["meetings"]["topics"]["f1"] == 1.0  # all seven topics of the seed's meeting, nothing else
    assert report["overall"]["f1"] == 1.0


def test_eval_names_a_broken_gold_file_in_one_line(tmp_path):
    (tmp_path / "gold.jsonl").write_text('{"doc_id": "a", "quotes": []}\n{broken\n')
    result = aidtrace("eval", tmp_path / "gold.jsonl", "--pred", tmp_path / "gold.jsonl")
    assert result.returncode == 1
    assert "gold.jsonl:2" in result.stderr and "Traceback" not in result.stderr


def test_eval_errors_lists_each_miss_and_false_fact_with_its_sentence(tmp_path):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text(json.dumps({
        "id": "d1", "published": "2023-05-10",
        "text": "Sweden will provide 50 million euros in humanitarian aid. Norway thanked Ukraine's soldiers."}) + "\n")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "d1", "commitments": [
        {"donor": "SWE", "recipient": "UKR", "category": "humanitarian", "item": "humanitarian aid",
         "status": "pledged", "quantity": None, "amount": 50000000, "currency": "EUR", "region": None},
        {"donor": "NOR", "recipient": "UKR", "category": "military", "item": "howitzers", "status": "delivered",
         "quantity": 2, "amount": None, "currency": None, "region": None}]}) + "\n")
    result = aidtrace("eval", gold, "--corpus", corpus, "--kinds", "commitments", "--errors")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # The table first, then the errors of the kind: the Norwegian howitzers are missed, and the
    # sentence shown for the miss is the one naming Norway.
    assert lines[0].split()[:3] == ["kind", "gold", "pred"]
    heading = next(line for line in lines if line.startswith("== commitments"))
    assert heading.startswith("== commitments: 1 missed")
    missed = lines.index(next(line for line in lines if line.startswith("MISSED")))
    assert '"donor": "NOR"' in lines[missed]
    assert lines[missed + 1].strip() == "> Norway thanked Ukraine's soldiers."
    as_json = json.loads(aidtrace("eval", gold, "--corpus", corpus, "--kinds", "commitments", "--errors",
                                  "--json").stdout)
    assert [e["error"] for e in as_json["errors"]] == ["missed"]

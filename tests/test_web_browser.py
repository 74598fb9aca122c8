"""End-to-end tests of ``aidtrace serve`` in a real headless Chromium driven by Playwright.

Debian's ``chromium`` (``.ci/run`` installs it with apt) is launched by path
(``$AIDTRACE_TEST_CHROMIUM``, else ``chromium`` on the PATH); nothing is downloaded. Without chromium or the playwright package the tests skip and say why.

Screenshots of every page go to ``$AIDTRACE_SCREENSHOTS`` when it is set (the README's come
from ``AIDTRACE_SCREENSHOTS=docs/screenshots pytest tests/test_web_browser.py``), else to a
temporary folder.
"""
from __future__ import annotations

import csv
import functools
import http.server
import io
import os
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest
from browser_fixtures import browser, page  # noqa: F401 (pytest fixtures; skips without chromium)
from web_fixtures import *  # noqa: F403 (pytest fixtures)
from web_fixtures import Server, free_port, make_token


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go."""
    folder = Path(os.environ.get("AIDTRACE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert (shots / f"{name}.png").stat().st_size > 10_000


def db_value(db: Path, sql: str, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchone()[0]


def test_overview(page, server: Server, shots: Path) -> None:
    page.goto(server.url + "/")
    documents = page.locator("#counts .count").first
    assert documents.inner_text().split()[0] == "5"
    commitments = db_value(server.db, "SELECT count(*) FROM commitments WHERE review_state != 'rejected'")
    assert page.locator("#count-commitments b").inner_text() == str(commitments)
    assert page.locator("#top-count tbody tr").count() >= 1
    assert page.locator("#latest-documents li").count() == 5
    assert page.console_errors == []
    snap(page, shots, "overview")


def test_map_and_region(page, server: Server, shots: Path) -> None:
    page.goto(server.url + "/map")
    regions = page.locator("svg.ua-map a.region")
    assert regions.count() == 27
    box = page.locator("#map-UA-48").bounding_box()
    assert box and box["width"] > 30 and box["height"] > 30, "Mykolaiv Oblast is drawn"
    fill = page.locator("#map-UA-48 path").first.evaluate("e => getComputedStyle(e).fill")
    empty = page.locator("#map-UA-59 path").first.evaluate("e => getComputedStyle(e).fill")
    assert fill != empty, "a supported region is shaded differently from one without support"
    assert "DNK" in page.locator("svg.ua-map text.patron-label[data-region='UA-48']").text_content()
    snap(page, shots, "map")
    page.locator("#map-UA-48 path").first.click()
    page.wait_for_url("**/regions/UA-48")
    assert "Mykolaiv" in page.locator("#region-name").inner_text()
    assert "Denmark" in page.locator("#patrons").inner_text()
    assert page.console_errors == []
    snap(page, shots, "region")


def test_partner_page(page, server: Server, shots: Path) -> None:
    page.goto(server.url + "/partners")
    page.get_by_role("link", name="Estonia").first.click()
    page.wait_for_url("**/partners/EST")
    assert page.locator("#partner-name").inner_text().startswith("Estonia")
    assert page.locator("svg.chart rect[class^='cat-']").count() >= 2
    assert page.locator("#pledged-delivered tbody tr").count() >= 2
    assert "howitzers" in page.locator("#partner-commitments").inner_text()
    assert page.console_errors == []
    snap(page, shots, "partner")
    # Its prime minister's quote leads to her page.
    page.locator("a.person", has_text="Kaja Kallas").first.click()
    page.wait_for_url("**/persons/Kaja%20Kallas")
    assert page.locator("#person-name").inner_text() == "Kaja Kallas"
    assert "stand with Ukraine" in page.locator("blockquote.quote-block").first.inner_text()
    assert "Volodymyr Zelenskyy" in page.locator("#person-meetings").inner_text()
    snap(page, shots, "person")


def test_filter_sort_and_download_a_table(page, server: Server, shots: Path) -> None:
    page.goto(server.url + "/facts/commitments")
    everything = int(page.locator("#total").inner_text())
    # Choosing a partner submits the filter form at once (the page's script).
    with page.expect_navigation():
        page.select_option("#filters select[name=partner]", "EST")
    assert "partner=EST" in page.url
    filtered = int(page.locator("#total").inner_text())
    assert 0 < filtered < everything
    donors = page.locator("#facts-table tbody td.col-donor").all_inner_texts()
    assert donors and set(donors) == {"Estonia"}
    page.get_by_role("link", name="item", exact=True).click()  # sort by item
    page.wait_for_url("**sort=item**")
    items = page.locator("#facts-table tbody td.col-item").all_inner_texts()
    assert items == sorted(items)
    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [r["item"] for r in rows] == items and {r["donor"] for r in rows} == {"EST"}
    page.fill("#filters input[name=q]", "hospital")
    with page.expect_navigation():
        page.locator("#filters button[type=submit]").click()
    assert page.locator("#facts-table tbody td.col-item").all_inner_texts() == ["mobile field hospital"]
    assert page.console_errors == []
    snap(page, shots, "facts")


def test_hostile_document_is_inert_and_facts_jump_to_evidence(page, server: Server, shots: Path) -> None:
    hostile = db_value(server.db, "SELECT id FROM documents WHERE doc_id = 'web-hostile-1'")
    page.goto(f"{server.url}/documents/{hostile}")
    article = page.locator("#document-text")
    assert "<script>alert(1)</script>" in article.inner_text()
    assert "<b>bold</b>" in article.inner_text() and "<img src=x onerror=alert(2)>" in article.inner_text()
    assert article.locator("script, b, img").count() == 0
    assert "<b>Poland</b>" in page.locator("#document-title").inner_text()
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.console_errors == []
    # A small window, so the evidence of the last fact starts out of view.
    page.set_viewport_size({"width": 1000, "height": 420})
    estonia = db_value(server.db, "SELECT id FROM documents WHERE doc_id = 'web-est-1'")
    page.goto(f"{server.url}/documents/{estonia}")
    assert page.locator("mark.evidence").count() >= 3
    last = page.locator("#fact-list a.jump").last
    mention = last.get_attribute("data-mention")
    target = page.locator(f"mark.evidence[data-mentions~='{mention}']").first
    page.evaluate("window.scrollTo(0, 0)")
    last.click()
    page.wait_for_function(
        "m => { const e = document.querySelector(`mark.evidence[data-mentions~='${m}']`);"
        " const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }", arg=mention)
    assert "flash" in (target.get_attribute("class") or "")
    assert page.url.endswith(f"#ev-{mention}")
    page.set_viewport_size({"width": 1280, "height": 900})
    snap(page, shots, "document")


def test_review_a_fact_with_a_token(page, writable_server: Server, shots: Path) -> None:
    token = make_token(writable_server.db, "reviewer-e2e")
    fact_id = db_value(writable_server.db, "SELECT id FROM commitments WHERE item LIKE '%howitzer%'")
    page.goto(f"{writable_server.url}/facts/commitments/{fact_id}")
    assert page.locator("#review-actions").count() == 0, "read-only without logging in"
    page.locator("#review a[href^='/login']").click()
    page.fill("#login-form input[name=token]", token)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(f"**/facts/commitments/{fact_id}")
    assert "reviewer-e2e" in page.locator(".reviewer").inner_text()
    page.fill("#review-actions input[name=note]", "checked against the release")
    page.locator("#accept").click()
    page.wait_for_url("**message=**")
    assert page.locator("#fact-state").inner_text() == "accepted"
    assert "checked against the release" in page.locator("#review-history").inner_text()
    page.locator("details.correct summary").click()
    page.fill("#correct-form input[name=field_item]", "self-propelled howitzers")
    page.locator("#save-correction").click()
    page.wait_for_url("**message=**")
    assert page.locator("#fact-state").inner_text() == "corrected"
    assert "self-propelled howitzers" in page.locator("#fact-fields").inner_text()
    history = page.locator("#review-history tbody tr").all_inner_texts()
    assert len(history) == 2 and "correct" in history[0] and "accept" in history[1]
    assert db_value(writable_server.db, "SELECT item FROM commitments WHERE id = ?", fact_id) == "self-propelled howitzers"
    assert page.console_errors == []
    snap(page, shots, "fact")


def test_cross_site_form_cannot_review(page, writable_server: Server, tmp_path: Path) -> None:
    token = make_token(writable_server.db, "victim")
    fact_id = db_value(writable_server.db, "SELECT id FROM commitments WHERE item LIKE '%howitzer%'")
    # The victim logs in...
    page.goto(f"{writable_server.url}/login")
    page.fill("#login-form input[name=token]", token)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(writable_server.url + "/")
    # ...then opens a page on another origin that posts the review form to aidtrace.
    attack = tmp_path / "attack"
    attack.mkdir()
    (attack / "index.html").write_text(
        f'<form id="f" method="post" action="{writable_server.url}/facts/commitments/{fact_id}/review">'
        '<input name="action" value="reject"><input name="csrf_token" value="guess"></form>'
        '<script>document.getElementById("f").submit()</script>')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(attack))
    port = free_port()
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{port}/index.html")
        page.wait_for_url(f"{writable_server.url}/**")
        assert page.locator("h1").inner_text() in ("401", "403")
    finally:
        evil.shutdown()
    assert db_value(writable_server.db, "SELECT review_state FROM commitments WHERE id = ?", fact_id) == "machine"
    assert db_value(writable_server.db, "SELECT count(*) FROM reviews") == 0
    # The API ignores the session cookie: from the browser, without the bearer token, it refuses.
    status = page.evaluate(
        "async u => (await fetch(u, {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({action: 'reject'})})).status",
        f"{writable_server.url}/api/facts/commitments/{fact_id}/review")
    assert status == 401
    assert httpx.get(f"{writable_server.url}/api/facts/commitments/{fact_id}").json()["review_state"] == "machine"


def boxes_overlap(a: dict, b: dict) -> bool:
    """Whether two bounding boxes (as Playwright gives them) share any area."""
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_totals_say_without_amount(page, totals_server: Server, shots: Path) -> None:
    page.goto(totals_server.url + "/partners/LTU")
    committed = page.locator("#total-committed").inner_text()
    assert "€18.0M" in committed and "from 2 of 4; 2 without amount" in committed
    assert "amount unknown (1 commitment)" in page.locator("#total-delivered").inner_text()
    assert "1 running total kept apart, not added" in page.locator(".running-note").inner_text()
    assert "€200.0M" in page.locator("#running-totals").inner_text()
    snap(page, shots, "partner-totals")
    page.goto(totals_server.url + "/partners")
    figures = page.locator("tr[data-partner='LTU'] .eur-figure").all_inner_texts()
    assert figures == ["€18.0M from 2 of 4; 2 without amount", "€18.0M from 2 of 3; 1 without amount",
                       "amount unknown (1 commitment)"]
    assert page.locator("tr[data-partner='LVA'] .eur-figure").first.inner_text() == "–", "no commitments, no sum"
    page.locator("#reviewed-switch a").click()
    page.wait_for_url("**reviewed=1**")
    assert "reviewed facts only" in page.locator("#reviewed-switch b").inner_text()
    assert "No partners yet." in page.locator("#partners").inner_text()
    assert page.console_errors == []


def test_chart_time_axis_shows_empty_months(page, totals_server: Server, shots: Path) -> None:
    page.goto(totals_server.url + "/partners/LTU")
    chart = page.locator("svg.chart")
    # February and March 2023 have no commitment: their ticks stand on the axis with no bar.
    for month in ("2023-02", "2023-03"):
        slot = chart.locator(f"g.month[data-month='{month}']")
        assert slot.locator("line.month-tick").count() == 1 and slot.locator("rect").count() == 0
        tick = slot.locator("line.month-tick").bounding_box()
        assert tick and tick["height"] > 1
    ticks = [chart.locator(f"g.month[data-month='{m}'] line.month-tick").bounding_box()["x"]
             for m in ("2023-01", "2023-02", "2023-03", "2023-04")]
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert min(gaps) > 20 and max(gaps) - min(gaps) < 1, "months are evenly spaced on a real time axis"
    labels = chart.locator("text.month-label")
    assert labels.all_text_contents() == ["Jan", "Feb", "Mar", "Apr"]
    label_boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert not any(boxes_overlap(a, b) for a, b in zip(label_boxes, label_boxes[1:]))
    assert chart.locator("rect[class^='cat-']").count() >= 5  # two months' stacks and the legend
    page.locator("#chart-switch a", has_text="EUR").click()
    page.wait_for_url("**measure=eur**")
    assert page.locator("svg.chart.chart-eur text.y-max").text_content() == "€15.0M"
    assert page.console_errors == []
    snap(page, shots, "partner-chart-eur")


def test_map_labels_of_kyiv_city_and_oblast_do_not_overlap(page, totals_server: Server, shots: Path) -> None:
    page.goto(totals_server.url + "/map")
    city = page.locator("text.patron-label[data-region='UA-30']")
    oblast = page.locator("text.patron-label[data-region='UA-32']")
    assert city.text_content() == "LTU" and oblast.text_content() == "LVA"
    assert not boxes_overlap(city.bounding_box(), oblast.bounding_box())
    assert page.locator("svg.ua-map line.leader").count() >= 1, "the moved label points back to its region"
    rows = page.locator("#region-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.region)")
    assert rows == ["UA-63", "UA-30", "UA-32"], "sorted by support: EUR, then count"
    snap(page, shots, "map-labels")


def test_review_queue(page, writable_server: Server, shots: Path) -> None:
    page.goto(writable_server.url + "/")
    page.locator("header nav a", has_text="Review queue").click()
    page.wait_for_url("**/review/queue")
    shares = page.locator("#review-queue tbody td.share").all_inner_texts()
    percentages = [float(text.split("%")[0]) for text in shares if "%" in text]
    assert percentages and percentages == sorted(percentages, reverse=True)
    assert shares.index(next(t for t in shares if "%" not in t)) == len(percentages), "unpriced ones follow"
    first = page.locator("#review-queue tbody tr").first
    fact_id = first.get_attribute("data-fact")
    snap(page, shots, "review-queue")
    token = make_token(writable_server.db, "queue-e2e")
    first.locator("a", has_text="review").click()
    page.wait_for_url(f"**/facts/commitments/{fact_id}")
    page.locator("#review a[href^='/login']").click()
    page.fill("#login-form input[name=token]", token)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(f"**/facts/commitments/{fact_id}")
    page.locator("#accept").click()
    page.wait_for_url("**message=**")
    page.goto(writable_server.url + "/review/queue")
    assert page.locator(f"#review-queue tr[data-fact='{fact_id}']").count() == 0, "a reviewed fact leaves the queue"
    assert page.console_errors == []

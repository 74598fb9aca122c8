"""The JSON API and server-rendered pages of ``aidtrace serve``, over real HTTP, against a real
SQLite registry filled by ``aidtrace ingest`` of tests/data/web_documents.jsonl.

Assertions are on structure and on facts the documents state plainly (Estonia's howitzers,
Denmark's patronage of Mykolaiv Oblast, Kaja Kallas's quote), and every number shown is
checked against the database itself.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import httpx
import pytest
from web_fixtures import *  # noqa: F403 (pytest fixtures)
from web_fixtures import TOTALS_DOCUMENTS, Server, aidtrace, make_token, revoke

KINDS = ("meetings", "quotes", "commitments", "endorsements", "patronages")


def db_rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def db_count(db: Path, table: str, where: str = "review_state != 'rejected'") -> int:
    return db_rows(db, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]  # our own table names


# --- reading -----------------------------------------------------------------------------------

def test_overview_counts_match_the_database(server: Server) -> None:
    data = httpx.get(server.url + "/api/overview").json()
    assert data["counts"]["documents"] == 5
    for kind in KINDS:
        assert data["counts"][kind] == db_count(server.db, kind), kind
    assert data["counts"]["commitments"] >= 4  # the documents state at least four plainly
    assert [d["published"] for d in data["latest_documents"]] == sorted(
        (d["published"] for d in data["latest_documents"]), reverse=True)
    ranked = [p["eur_total"] for p in data["top_by_value"]]
    assert ranked == sorted(ranked, reverse=True) and all(v > 0 for v in ranked)
    by_count = [p["commitments"] for p in data["top_by_count"]]
    assert by_count == sorted(by_count, reverse=True)
    assert "EST" in {p["code"] for p in data["top_by_count"]}


def test_facts_filter_by_partner_matches_sql(server: Server) -> None:
    result = httpx.get(server.url + "/api/facts/commitments", params={"partner": "EST"}).json()
    expected = db_rows(server.db, "SELECT id FROM commitments WHERE donor = 'EST' AND review_state != 'rejected'")
    assert result["total"] == len(expected) >= 2
    assert {item["id"] for item in result["items"]} == {row[0] for row in expected}
    assert all(item["donor"] == "EST" for item in result["items"])
    assert any("howitzer" in item["item"] for item in result["items"])


def test_facts_filters_combine_and_sort(server: Server) -> None:
    url = server.url + "/api/facts/commitments"
    pledged = httpx.get(url, params={"status": "pledged", "sort": "-amount_eur"}).json()
    assert pledged["total"] == db_count(server.db, "commitments", "status = 'pledged' AND review_state != 'rejected'")
    amounts = [i["amount_eur"] for i in pledged["items"] if i["amount_eur"] is not None]
    assert amounts == sorted(amounts, reverse=True)
    # NULL amounts come after every known amount.
    seen_null = False
    for item in pledged["items"]:
        seen_null = seen_null or item["amount_eur"] is None
        assert not (seen_null and item["amount_eur"] is not None)
    region = httpx.get(url, params={"region": "UA-48"}).json()
    assert region["total"] >= 1 and all(i["region"] == "UA-48" for i in region["items"])
    dated = httpx.get(url, params={"date_from": "2023-05", "date_to": "2023-06"}).json()
    assert dated["total"] == db_count(
        server.db, "commitments", "first_seen >= '2023-05' AND first_seen <= '2023-06-99' AND review_state != 'rejected'")
    assert all("2023-05" <= i["first_seen"] <= "2023-06-30" for i in dated["items"])
    search = httpx.get(url, params={"q": "HOWITZ"}).json()
    assert search["total"] >= 1 and all("howitz" in i["item"].lower() for i in search["items"])
    nothing = httpx.get(url, params={"q": "100%_no such thing"}).json()
    assert nothing["total"] == 0 and nothing["items"] == []


def test_pagination_covers_every_match_once(server: Server) -> None:
    url = server.url + "/api/facts/commitments"
    total = httpx.get(url).json()["total"]
    seen: list[int] = []
    page = 1
    while True:
        result = httpx.get(url, params={"per_page": 2, "page": page}).json()
        assert result["pages"] == -(-total // 2)
        seen += [i["id"] for i in result["items"]]
        if page >= result["pages"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) == total
    assert seen == [i["id"] for i in httpx.get(url, params={"per_page": 500}).json()["items"]]


def test_exports_hold_exactly_what_the_filter_shows(server: Server) -> None:
    params = {"partner": "GBR", "sort": "category"}
    listed = httpx.get(server.url + "/api/facts/commitments", params={**params, "per_page": 500}).json()
    assert listed["total"] >= 1
    page_csv = httpx.get(server.url + "/facts/commitments/export.csv", params={**params, "per_page": 1})
    assert page_csv.status_code == 200 and page_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in page_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(page_csv.text)))
    # Every page of the filter, in the table's order; paging parameters do not cut a download.
    assert [int(r["id"]) for r in rows] == [i["id"] for i in listed["items"]]
    assert {r["donor"] for r in rows} == {"GBR"}
    exported = httpx.get(server.url + "/api/facts/commitments/export", params={**params, "format": "json"}).json()
    assert [e["id"] for e in exported] == [i["id"] for i in listed["items"]]
    assert exported[0]["item"] == listed["items"][0]["item"]


def test_bad_requests_are_refused_clearly(server: Server) -> None:
    assert httpx.get(server.url + "/api/facts/commitments", params={"category": "rockets"}).status_code == 400
    assert httpx.get(server.url + "/api/facts/commitments", params={"sort": "text; drop table"}).status_code == 400
    assert httpx.get(server.url + "/api/facts/endorsements", params={"person": "Kaja Kallas"}).status_code == 400
    assert httpx.get(server.url + "/api/facts/commitments", params={"date_from": "March"}).status_code == 400
    assert httpx.get(server.url + "/api/facts/weapons").status_code in (400, 404)
    assert httpx.get(server.url + "/facts/weapons", headers={"accept": "text/html"}).status_code == 404
    assert httpx.get(server.url + "/api/facts/commitments/999999").status_code == 404
    assert httpx.get(server.url + "/api/documents/999999").status_code == 404
    assert httpx.get(server.url + "/api/regions/UA-99").status_code == 404


def test_fact_detail_has_sources_with_evidence(server: Server) -> None:
    fact_id = db_rows(server.db, "SELECT id FROM commitments WHERE donor = 'EST' AND item LIKE '%howitzer%'")[0][0]
    fact = httpx.get(f"{server.url}/api/facts/commitments/{fact_id}").json()
    assert fact["quantity"] == 12 and fact["status"] == "delivered"
    assert fact["sources"], "a merged fact has at least one mention"
    source = fact["sources"][0]
    text = httpx.get(f"{server.url}/api/documents/{source['document_id']}").json()["text"]
    for span in source["evidence"]:
        assert text[span["start"]:span["end"]] == span["text"]
    assert any("howitzers" in span["text"] for span in source["evidence"])
    assert fact["reviews"] == []


def test_partners_and_partner_page(server: Server) -> None:
    partners = httpx.get(server.url + "/api/partners").json()
    codes = {p["code"] for p in partners}
    assert {"EST", "DNK"} <= codes
    estonia = httpx.get(server.url + "/api/partners/EST").json()
    assert estonia["name"] == "Estonia"
    assert estonia["commitments"] == len(estonia["commitments_list"]) == db_count(
        server.db, "commitments", "donor = 'EST' AND review_state != 'rejected'")
    total = db_rows(server.db, "SELECT coalesce(sum(amount_eur), 0) FROM commitments WHERE donor = 'EST'")[0][0]
    assert estonia["eur_total"] == pytest.approx(total)
    assert (estonia["eur_pledged"] or 0) + (estonia["eur_delivered"] or 0) == pytest.approx(total)
    # The howitzers have no amount: delivered EUR is unknown, not 0.
    assert estonia["eur_delivered"] is None and estonia["delivered_unpriced"] == 1
    assert sum(row["count"] for row in estonia["timeline"]) == estonia["commitments"]
    assert "Kaja Kallas" in {p["name"] for p in estonia["people"]}
    # Quotes and meetings of the people who speak for a partner are those the extractor recorded
    # as speaking for it (quotes.speaker_actor, meetings.actors), on its page and in the tables.
    for code in ("EST", "GBR", "DNK", "EU"):
        detail = httpx.get(server.url + f"/api/partners/{code}").json()
        expected_quotes = [row[0] for row in db_rows(
            server.db, "SELECT id FROM quotes WHERE speaker_actor = ? AND review_state != 'rejected' "
                       "ORDER BY first_seen DESC, id DESC", code)]
        assert [q["id"] for q in detail["quotes_list"]] == expected_quotes
        expected_meetings = {fact_id for fact_id, actors in db_rows(
            server.db, "SELECT id, actors FROM meetings WHERE review_state != 'rejected'")
            if code in json.loads(actors)}
        assert {m["id"] for m in detail["meetings_list"]} == expected_meetings
        quotes = httpx.get(server.url + "/api/facts/quotes", params={"partner": code}).json()
        assert [q["id"] for q in quotes["items"]] == expected_quotes
        meetings = httpx.get(server.url + "/api/facts/meetings", params={"partner": code.lower()}).json()
        assert {m["id"] for m in meetings["items"]} == expected_meetings
    britain = httpx.get(server.url + "/api/partners/GBR").json()
    assert [(q["speaker"], q["speaker_actor"]) for q in britain["quotes_list"]] == [("Rishi Sunak", "GBR")]
    assert [(m["participants"], m["actors"]) for m in britain["meetings_list"]] == [
        (["Volodymyr Zelenskyy", "Rishi Sunak"], ["UKR", "GBR"])]
    # Zelenskyy meets every partner's leader: each meeting is also Ukraine's.
    assert httpx.get(server.url + "/api/facts/meetings", params={"partner": "UKR"}).json()["total"] == db_count(
        server.db, "meetings")
    assert httpx.get(server.url + "/api/facts/quotes", params={"partner": "ZZZ"}).json()["total"] == 0
    denmark = httpx.get(server.url + "/api/partners/DNK").json()
    assert {p["region"] for p in denmark["patronages_list"]} == {"UA-48"}
    assert {q["speaker"] for q in denmark["quotes_list"]} == {"Mette Frederiksen"}
    page = httpx.get(server.url + "/partners/EST")
    assert page.status_code == 200 and "Estonia" in page.text and 'class="chart chart-count"' in page.text
    assert httpx.get(server.url + "/api/partners/ZZZ").status_code == 404


def test_regions_and_map(server: Server) -> None:
    regions = httpx.get(server.url + "/api/regions").json()
    assert len(regions) == 27 and len({r["code"] for r in regions}) == 27
    mykolaiv = next(r for r in regions if r["code"] == "UA-48")
    assert "DNK" in {p["code"] for p in mykolaiv["patrons"]}
    assert mykolaiv["commitments"] == db_count(server.db, "commitments", "region = 'UA-48' AND review_state != 'rejected'")
    detail = httpx.get(server.url + "/api/regions/UA-48").json()
    assert all(c["region"] == "UA-48" for c in detail["commitments_list"])
    page = httpx.get(server.url + "/map").text
    links = re.findall(r'<a href="/regions/(UA-\d\d)" class="region shade-(\d)"', page)
    assert len(links) == 27
    shades = dict(links)
    assert int(shades["UA-48"]) > 0, "a region with a patron and a commitment is shaded"
    assert all(int(shades[r["code"]]) == 0 for r in regions if r["support"] == 0)
    assert ">DNK</text>" in page  # the patron is written on its region
    # A region's tooltip says what its EUR figure sums; nothing known is not "€0".
    assert "<title>Mykolaiv Oblast: €20.0M from 1 of 1; patron(s): Denmark</title>" in page
    assert "<title>Vinnytsia Oblast: no commitments; patron(s): none</title>" in page


def test_persons(server: Server) -> None:
    persons = httpx.get(server.url + "/api/persons").json()["items"]
    names = {p["name"] for p in persons}
    assert "Kaja Kallas" in names
    kallas = httpx.get(server.url + "/api/persons/Kaja Kallas").json()
    assert any("stand with Ukraine" in q["text"] for q in kallas["quotes"])
    assert all(q["speaker"] == "Kaja Kallas" for q in kallas["quotes"])
    assert httpx.get(server.url + "/persons/Kaja%20Kallas").status_code == 200
    assert httpx.get(server.url + "/api/persons/Nobody Atall").status_code == 404


def test_documents_api_and_search(server: Server) -> None:
    listing = httpx.get(server.url + "/api/documents").json()
    assert listing["total"] == 5
    found = httpx.get(server.url + "/api/documents", params={"q": "Mykolaiv"}).json()
    assert found["total"] == 1 and "Denmark" in found["items"][0]["title"]
    document = httpx.get(f"{server.url}/api/documents/{found['items'][0]['id']}").json()
    assert {f["kind"] for f in document["facts"]} >= {"patronages", "commitments"}
    for fact in document["facts"]:
        for span in fact["evidence"]:
            assert document["text"][span["start"]:span["end"]] == span["text"]


def test_hostile_document_renders_as_inert_text(server: Server) -> None:
    doc_id = db_rows(server.db, "SELECT id FROM documents WHERE doc_id = 'web-hostile-1'")[0][0]
    page = httpx.get(f"{server.url}/documents/{doc_id}")
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Poland&lt;/b&gt;" in html  # the title too
    assert "javascript:" not in html, "a javascript: URL is never made a link"
    estonia = db_rows(server.db, "SELECT id FROM documents WHERE doc_id = 'web-est-1'")[0][0]
    assert 'href="https://press.example.org/estonia-howitzers"' in httpx.get(f"{server.url}/documents/{estonia}").text
    # Every script the page loads is our own file; inline script is forbidden by the CSP.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/aidtrace.js" defer>']
    assert "script-src 'self'" in page.headers["content-security-policy"]
    api = httpx.get(f"{server.url}/api/documents/{doc_id}").json()
    assert "<script>alert(1)</script>" in api["text"]  # the API returns the text as stored


def test_pages_load_nothing_from_elsewhere(server: Server) -> None:
    for path in ("/", "/map", "/partners", "/regions", "/facts/commitments", "/documents", "/persons", "/api",
                 "/login", "/reviews"):
        page = httpx.get(server.url + path)
        assert page.status_code == 200, path
        for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
            assert not re.match(r"^(https?:)?//", url), f"{path} loads {url}"
        assert page.headers["x-frame-options"] == "DENY"


def test_openapi_describes_the_api(server: Server) -> None:
    schema = httpx.get(server.url + "/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/overview", "/api/facts/{kind}", "/api/facts/{kind}/{fact_id}", "/api/facts/{kind}/export",
            "/api/partners", "/api/partners/{code}", "/api/regions", "/api/regions/{code}", "/api/documents",
            "/api/documents/{document_id}", "/api/persons", "/api/persons/{name}",
            "/api/facts/{kind}/{fact_id}/review", "/api/reviews"} <= paths
    assert not any(not p.startswith("/api") for p in paths), "pages stay out of the API description"
    assert httpx.get(server.url + "/docs").status_code == 404  # the CDN-based Swagger page is off


# --- tokens and review ---------------------------------------------------------------------------

def test_token_commands(fresh_db: Path) -> None:
    token = aidtrace("token", "create", "alice", "--db", str(fresh_db)).stdout.strip()
    assert len(token) >= 40
    stored = db_rows(fresh_db, "SELECT name, token_sha256, revoked FROM api_tokens")
    assert stored[0][0] == "alice" and stored[0][1] != token and not stored[0][2]
    listing = aidtrace("token", "list", "--db", str(fresh_db)).stdout
    assert "alice" in listing and token not in listing
    assert aidtrace("token", "create", "alice", "--db", str(fresh_db), check=False).returncode != 0
    aidtrace("token", "revoke", "alice", "--db", str(fresh_db))
    assert db_rows(fresh_db, "SELECT revoked FROM api_tokens")[0][0] == 1


def _commitment(db: Path, like: str) -> int:
    return db_rows(db, "SELECT id FROM commitments WHERE item LIKE ?", like)[0][0]


def test_review_api_needs_a_valid_token(writable_server: Server) -> None:
    fact_id = _commitment(writable_server.db, "%howitzer%")
    url = f"{writable_server.url}/api/facts/commitments/{fact_id}/review"
    assert httpx.post(url, json={"action": "accept"}).status_code == 401
    assert httpx.post(url, json={"action": "accept"}, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    token = make_token(writable_server.db, "bob")
    revoke(writable_server.db, "bob")
    assert httpx.post(url, json={"action": "accept"}, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    # A session cookie is no substitute for the bearer token on the API.
    assert httpx.post(url, json={"action": "accept"}, cookies={"aidtrace_session": "x.y"}).status_code == 401
    assert db_rows(writable_server.db, "SELECT review_state FROM commitments WHERE id = ?", fact_id)[0][0] == "machine"
    assert db_rows(writable_server.db, "SELECT count(*) FROM reviews")[0][0] == 0


def test_review_api_accept_correct_reject_reset(writable_server: Server) -> None:
    token = make_token(writable_server.db, "carol")
    auth = {"Authorization": f"Bearer {token}"}
    fact_id = _commitment(writable_server.db, "%howitzer%")
    url = f"{writable_server.url}/api/facts/commitments/{fact_id}/review"
    with writable_server.client(headers=auth) as client:
        accepted = client.post(url, json={"action": "accept", "note": "matches the release"}).json()
        assert accepted["fact"]["review_state"] == "accepted"
        assert accepted["review"]["reviewer"] == "carol" and accepted["review"]["note"] == "matches the release"
        assert client.post(url, json={"action": "correct", "values": {"category": "rockets"}}).status_code == 400
        assert client.post(url, json={"action": "correct", "values": {"region": "UA-99"}}).status_code == 400
        assert client.post(url, json={"action": "correct", "values": {"id": 5}}).status_code == 400
        assert client.post(url, json={"action": "accept", "values": {"item": "x"}}).status_code == 400
        assert client.post(url, json={"action": "destroy"}).status_code == 400
        corrected = client.post(url, json={"action": "correct",
                                           "values": {"quantity": 14, "region": "UA-18"}}).json()
        assert corrected["fact"]["quantity"] == 14 and corrected["fact"]["region"] == "UA-18"
        assert corrected["review"]["old_values"] == {"quantity": 12, "region": None}
        assert corrected["review"]["new_values"] == {"quantity": 14, "region": "UA-18"}
        assert db_rows(writable_server.db, "SELECT quantity, review_state FROM commitments WHERE id = ?",
                       fact_id)[0] == (14, "corrected")
        before = client.get("/api/overview").json()["counts"]["commitments"]
        client.post(url, json={"action": "reject"}).raise_for_status()
        assert client.get("/api/overview").json()["counts"]["commitments"] == before - 1
        assert fact_id not in {i["id"] for i in client.get("/api/facts/commitments").json()["items"]}
        rejected = client.get("/api/facts/commitments", params={"state": "rejected"}).json()
        assert [i["id"] for i in rejected["items"]] == [fact_id]
        client.post(url, json={"action": "reset"}).raise_for_status()
        history = client.get("/api/reviews", params={"kind": "commitments", "fact_id": fact_id}).json()
        assert [h["action"] for h in history] == ["reset", "reject", "correct", "accept"]
        assert [h["new_state"] for h in history] == ["machine", "rejected", "corrected", "accepted"]
        assert client.get(f"/api/facts/commitments/{fact_id}").json()["reviews"][0]["action"] == "reset"
        assert client.post(f"{writable_server.url}/api/facts/commitments/999999/review",
                           json={"action": "accept"}).status_code == 404
    assert db_rows(writable_server.db, "SELECT last_used_at IS NOT NULL FROM api_tokens")[0][0] == 1


def test_csv_export_neutralises_formulas(writable_server: Server) -> None:
    token = make_token(writable_server.db, "dave")
    fact_id = _commitment(writable_server.db, "%howitzer%")
    response = httpx.post(f"{writable_server.url}/api/facts/commitments/{fact_id}/review",
                          json={"action": "correct", "values": {"item": "=HYPERLINK(\"http://x\")"}},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(httpx.get(writable_server.url + "/facts/commitments/export.csv").text)))
    row = next(r for r in rows if int(r["id"]) == fact_id)
    assert row["item"] == "'=HYPERLINK(\"http://x\")"


def _login(client: httpx.Client, token: str) -> httpx.Response:
    form = client.get("/login", params={"next": "/reviews"})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return client.post("/login", data={"token": token, "csrf_token": csrf, "next": "/reviews"})


def test_login_and_form_review_are_csrf_protected(writable_server: Server) -> None:
    token = make_token(writable_server.db, "erin")
    fact_id = _commitment(writable_server.db, "%howitzer%")
    review_url = f"/facts/commitments/{fact_id}/review"
    with writable_server.client() as client:
        # Without the login form's CSRF value, or from another site, logging in is refused.
        assert client.post("/login", data={"token": token, "csrf_token": "x"}).status_code == 403
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        assert client.post("/login", data={"token": token, "csrf_token": csrf},
                           headers={"Origin": "http://evil.example"}).status_code == 403
        wrong = client.post("/login", data={"token": "not-a-token", "csrf_token": csrf})
        assert wrong.status_code == 403 and "unknown or revoked" in wrong.text
        # Without a session, the review form is refused.
        assert client.post(review_url, data={"action": "reject", "csrf_token": "x"}).status_code == 401
        response = _login(client, token)
        assert response.status_code == 303 and response.headers["location"] == "/reviews"
        cookie = response.headers["set-cookie"]
        assert "aidtrace_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace(
            "SameSite=Strict", "SameSite=strict")
        fact_page = client.get(f"/facts/commitments/{fact_id}")
        assert "Reviewing as" in fact_page.text and 'id="review-actions"' in fact_page.text
        session_csrf = re.search(r'name="csrf_token" value="([^"]+)"', fact_page.text).group(1)
        assert client.post(review_url, data={"action": "reject"}).status_code == 403
        assert client.post(review_url, data={"action": "reject", "csrf_token": "guess"}).status_code == 403
        assert client.post(review_url, data={"action": "reject", "csrf_token": session_csrf},
                           headers={"Origin": "http://evil.example"}).status_code == 403
        assert db_rows(writable_server.db, "SELECT review_state FROM commitments WHERE id = ?", fact_id)[0][0] == "machine"
        done = client.post(review_url, data={"action": "reject", "csrf_token": session_csrf, "note": "duplicate"})
        assert done.status_code == 303
        assert db_rows(writable_server.db, "SELECT review_state FROM commitments WHERE id = ?", fact_id)[0][0] == "rejected"
        assert db_rows(writable_server.db, "SELECT reviewer, action, note FROM reviews")[-1] == ("erin", "reject", "duplicate")
        # A correction from the form changes only the fields that differ.
        corrected = client.post(review_url, data={"action": "correct", "csrf_token": session_csrf,
                                                  "field_item": "towed howitzers", "field_quantity": "12",
                                                  "field_donor": "EST"})
        assert corrected.status_code == 303
        last = db_rows(writable_server.db, "SELECT new_values FROM reviews ORDER BY id DESC LIMIT 1")[0][0]
        assert json.loads(last) == {"item": "towed howitzers"}
        # Revoking the token ends its sessions.
        revoke(writable_server.db, "erin")
        assert client.post(review_url, data={"action": "accept", "csrf_token": session_csrf}).status_code == 401
        assert "Reviewing as" not in client.get("/").text


def test_forged_session_cookie_is_ignored(writable_server: Server) -> None:
    with writable_server.client(cookies={"aidtrace_session": "eyJ2Ijp7fX0.forged"}) as client:
        assert "Reviewing as" not in client.get("/").text
        fact_id = _commitment(writable_server.db, "%howitzer%")
        assert client.post(f"/facts/commitments/{fact_id}/review",
                           data={"action": "reject", "csrf_token": "x"}).status_code == 401


# --- PostgreSQL ----------------------------------------------------------------------------------

def test_the_same_api_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The queries are portable: ingest into PostgreSQL, serve it, read and review."""
    from web_fixtures import _stop, start_server

    aidtrace("ingest", "--db", pg_url, "--no-progress", str(DOCUMENTS))
    running = start_server(pg_url, tmp_path / "serve.log")
    try:
        with running.client() as client:
            overview = client.get("/api/overview").json()
            assert overview["counts"]["documents"] == 5 and overview["counts"]["commitments"] >= 4
            estonia = client.get("/api/facts/commitments", params={"partner": "EST", "sort": "-amount_eur"}).json()
            assert estonia["total"] >= 2 and estonia["items"][0]["amount_eur"] is not None  # NULLs last here too
            assert client.get("/api/facts/meetings", params={"person": "Kaja Kallas"}).json()["total"] >= 1
            # A partner's meetings and quotes by the actors stored with them (a LIKE on the JSON text).
            britain = client.get("/api/partners/GBR").json()
            assert [m["actors"] for m in britain["meetings_list"]] == [["UKR", "GBR"]]
            assert [q["speaker"] for q in britain["quotes_list"]] == ["Rishi Sunak"]
            assert client.get("/api/facts/meetings", params={"partner": "UKR"}).json()["total"] == 3
            assert client.get("/api/facts/meetings", params={"partner": "GBR"}).json()["total"] == 1
            assert client.get("/api/facts/commitments", params={"q": "HOWITZ", "date_from": "2023"}).json()["total"] >= 1
            assert "UA-48" in {p["region"] for p in client.get("/api/partners/DNK").json()["patronages_list"]}
            assert len(client.get("/api/regions").json()) == 27
            assert client.get("/api/persons/Kaja Kallas").status_code == 200
            for path in ("/", "/map", "/partners/EST", "/regions/UA-48", "/documents", "/facts/commitments",
                         "/facts/commitments/export.csv"):
                assert client.get(path).status_code == 200, path
            document = client.get("/api/documents", params={"q": "script"}).json()["items"][0]
            assert "&lt;script&gt;" in client.get(f"/documents/{document['id']}").text
            token = make_token(pg_url, "pg-reviewer")
            fact_id = estonia["items"][-1]["id"]
            reviewed = client.post(f"/api/facts/commitments/{fact_id}/review", json={"action": "reject"},
                                   headers={"Authorization": f"Bearer {token}"})
            assert reviewed.status_code == 200 and reviewed.json()["fact"]["review_state"] == "rejected"
            assert client.get("/api/facts/commitments", params={"partner": "EST"}).json()["total"] == estonia["total"] - 1
            # Totals on PostgreSQL's booleans: the running total stays out of the sum.
            aidtrace("ingest", "--db", pg_url, "--no-progress", str(TOTALS_DOCUMENTS))
            lithuania = client.get("/api/partners/lithuania").json()
            assert (lithuania["cumulative"], lithuania["priced"], lithuania["unpriced"]) == (1, 2, 2)
            assert lithuania["eur_total"] == pytest.approx(18_000_000)
            assert lithuania["months"] == ["2023-01", "2023-02", "2023-03", "2023-04"]
            assert client.get("/api/partners/POL").json()["eur_total"] is None
            assert client.get("/api/overview", params={"reviewed": 1}).json()["totals"]["commitments"] == 0
            shares = [i["share"] for i in client.get("/api/review/queue", params={"per_page": 500}).json()["items"]]
            priced = [share for share in shares if share is not None]
            assert priced and priced == sorted(priced, reverse=True) == shares[:len(priced)]
            assert [r["code"] for r in client.get("/api/regions").json()][:2] == ["UA-48", "UA-18"]
    finally:
        _stop(running)


# --- totals that say what they sum -----------------------------------------------------------------

def sql_totals(db: Path, where: str = "1 = 1") -> dict:
    """The totals as the database gives them: running totals apart, unpriced ones counted."""
    (number, running, priced, unpriced, eur), = db_rows(db, f"""
        SELECT count(*), sum(coalesce(cumulative, 0) = 1),
               sum(coalesce(cumulative, 0) = 0 AND amount_eur IS NOT NULL),
               sum(coalesce(cumulative, 0) = 0 AND amount_eur IS NULL),
               sum(CASE WHEN coalesce(cumulative, 0) = 0 THEN amount_eur END)
        FROM commitments WHERE review_state != 'rejected' AND {where}""")  # our own conditions
    return {"commitments": number, "cumulative": running or 0, "priced": priced or 0, "unpriced": unpriced or 0,
            "eur_total": eur}


def test_totals_say_what_they_sum(totals_server: Server) -> None:
    db = totals_server.db
    lithuania = httpx.get(totals_server.url + "/api/partners/LTU").json()
    expected = sql_totals(db, "donor = 'LTU'")
    assert {k: lithuania[k] for k in expected} == expected
    # The running total ("EUR 200 million since February 2022") is kept apart, not added.
    assert lithuania["cumulative"] == 1 and [c["amount_eur"] for c in lithuania["cumulative_list"]] == [200_000_000]
    assert lithuania["eur_total"] == pytest.approx(18_000_000) and lithuania["priced"] == 2
    assert lithuania["unpriced"] == 2  # the generators and the ambulances
    page = httpx.get(totals_server.url + "/partners/LTU").text
    assert "€18.0M</b> <span class=\"basis\">from 2 of 4; 2 without amount" in page
    assert "1 running total kept apart, not added" in page
    table = page[page.index('id="partner-commitments"'):]
    assert table.count('class="chip running"') == 1, "the running total is marked where it is listed"
    overview = httpx.get(totals_server.url + "/api/overview").json()
    assert {k: overview["totals"][k] for k in expected} == sql_totals(db)
    assert "from 2 of 4; 2 without amount" in httpx.get(totals_server.url + "/").text
    # Kharkiv Oblast's shelters are its only priced commitment.
    kharkiv = next(r for r in httpx.get(totals_server.url + "/api/regions").json() if r["code"] == "UA-63")
    assert kharkiv["eur_total"] == pytest.approx(3_000_000) and kharkiv["priced"] == 1
    assert "from 1 of 1" in httpx.get(totals_server.url + "/regions/UA-63").text


def test_unknown_amounts_are_never_zero(server: Server) -> None:
    # Poland's generators and tanks have no amount: its total is unknown, not EUR 0.
    poland = httpx.get(server.url + "/api/partners/POL").json()
    assert poland["commitments"] == 2 and poland["unpriced"] == 2 and poland["priced"] == 0
    assert poland["eur_total"] is None and poland["eur_pledged"] is None
    partners = httpx.get(server.url + "/partners").text
    row = re.search(r'<tr data-partner="POL">.*?</tr>', partners, re.S).group(0)
    assert "amount unknown (2 commitments)" in row and "€0" not in row
    assert "amount unknown (2 commitments)" in httpx.get(server.url + "/partners/POL").text
    assert "POL" not in {p["code"] for p in httpx.get(server.url + "/api/overview").json()["top_by_value"]}
    # Ranked by value, an unknown total comes after every known one.
    ranked = httpx.get(server.url + "/api/partners").json()
    known = [p["eur_total"] is not None for p in ranked]
    assert known == sorted(known, reverse=True)
    regions = httpx.get(server.url + "/api/regions").json()
    assert all(r["eur_total"] is None for r in regions if not r["priced"])
    assert "€0" not in httpx.get(server.url + "/regions").text


def test_region_table_is_sorted_by_support(totals_server: Server) -> None:
    regions = httpx.get(totals_server.url + "/api/regions").json()
    keys = [(-(r["eur_total"] if r["eur_total"] is not None else -1), -r["support"]) for r in regions]
    assert keys == sorted(keys)
    assert [r["code"] for r in regions[:3]] == ["UA-63", "UA-30", "UA-32"]  # EUR first, then patronages
    page = httpx.get(totals_server.url + "/map").text
    table = page[page.index('id="region-table"'):]
    assert re.findall(r'<tr data-region="(UA-\d\d)"', table) == ["UA-63", "UA-30", "UA-32"]


def test_reviewed_facts_only(writable_server: Server) -> None:
    url = writable_server.url
    with writable_server.client() as client:
        assert client.get("/api/overview", params={"reviewed": 1}).json()["totals"]["commitments"] == 0
        assert client.get("/api/partners", params={"reviewed": "1"}).json() == []
        token = make_token(writable_server.db, "totals-reviewer")
        hospital = db_rows(writable_server.db, "SELECT id FROM commitments WHERE item LIKE '%hospital%'")[0][0]
        answer = client.post(f"/api/facts/commitments/{hospital}/review", json={"action": "accept"},
                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        reviewed = client.get("/api/overview", params={"reviewed": "true"}).json()
        assert reviewed["reviewed"] is True
        assert {k: reviewed["totals"][k] for k in ("commitments", "priced", "eur_total")} == {
            "commitments": 1, "priced": 1, "eur_total": pytest.approx(4_000_000)}
        assert client.get("/api/overview").json()["totals"]["commitments"] == db_count(writable_server.db, "commitments")
        estonia = client.get("/api/partners/EST", params={"reviewed": 1}).json()
        assert estonia["commitments"] == 1 and estonia["unpriced"] == 0 and estonia["reviewed"] is True
        assert [p["code"] for p in client.get("/api/partners", params={"reviewed": 1}).json()] == ["EST"]
        zhytomyr = client.get("/api/regions/UA-18", params={"reviewed": 1}).json()
        assert zhytomyr["eur_total"] == pytest.approx(4_000_000)
        assert client.get("/api/regions/UA-48", params={"reviewed": 1}).json()["eur_total"] is None
        page = client.get("/", params={"reviewed": 1}).text
        assert "<b>reviewed facts only</b>" in page and "from 1 of 1" in page
        assert client.get("/api/overview", params={"reviewed": "perhaps"}).status_code == 400
    assert httpx.get(url + "/partners?reviewed=perhaps", headers={"accept": "text/html"}).status_code == 400


def test_review_queue_puts_the_biggest_shares_first(writable_server: Server) -> None:
    with writable_server.client() as client:
        queue = client.get("/api/review/queue", params={"per_page": 500}).json()
        expected = db_rows(writable_server.db, "SELECT id FROM commitments WHERE review_state = 'machine'")
        assert queue["total"] == len(expected) == len(queue["items"])
        shares = [item["share"] for item in queue["items"]]
        priced = [share for share in shares if share is not None]
        assert priced == sorted(priced, reverse=True) and shares[:len(priced)] == priced, "unpriced ones last"
        for item in queue["items"]:
            if item["share"] is not None:
                total = sql_totals(writable_server.db, f"donor = '{item['donor']}'")["eur_total"]  # a code we stored
                assert item["share"] == pytest.approx(item["amount_eur"] / total)
                assert item["partner_eur_total"] == pytest.approx(total)
        # Britain's energy equipment, Denmark's EUR 20 million and Estonia's field hospital are all
        # of their partners' totals: first, at 100%, the larger amount before the smaller.
        whole = [(i["donor"], i["amount_eur"]) for i in queue["items"] if i["share"] == pytest.approx(1.0)]
        assert [donor for donor, _ in whole] == ["GBR", "DNK", "EST"] and whole == sorted(whole, key=lambda w: -w[1])
        assert queue["items"][0]["donor"] == "GBR"
        page = client.get("/review/queue").text
        assert "100.0%" in page and page.index("100.0%") < page.index("no amount")
        token = make_token(writable_server.db, "queue-reviewer")
        first = queue["items"][0]["id"]
        assert client.post(f"/api/facts/commitments/{first}/review", json={"action": "accept"},
                           headers={"Authorization": f"Bearer {token}"}).status_code == 200
        after = client.get("/api/review/queue").json()
        assert after["total"] == queue["total"] - 1 and first not in {i["id"] for i in after["items"]}
        assert client.get("/api/review/queue", params={"page": 99999999999999999999}).status_code == 400


def test_partner_names_redirect_to_codes(server: Server) -> None:
    with server.client() as client:
        for name in ("Estonia", "estonia", "ESTONIA", "est"):
            answer = client.get(f"/partners/{name}", params={"measure": "eur"})
            assert answer.status_code == 308 and answer.headers["location"] == "/partners/EST?measure=eur", name
        assert client.get("/partners/Estonia", follow_redirects=True).url.path == "/partners/EST"
        assert client.get("/partners/UK").headers["location"] == "/partners/GBR", "a name that looks like a code"
        assert client.get("/partners/EST").status_code == 200
        assert client.get("/api/partners/estonia").json()["code"] == "EST"
        missing = client.get("/partners/Narnia", headers={"accept": "text/html"})
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
        assert 'id="error-message"' in missing.text and "Narnia" in missing.text
        assert client.get("/api/partners/Narnia").json()["detail"].startswith("no facts about partner")
        hostile = client.get("/partners/<script>alert(1)<%2Fscript>", headers={"accept": "text/html"})
        assert hostile.status_code == 404 and "<script>alert" not in hostile.text


def test_untitled_document_shows_its_first_sentence(totals_server: Server) -> None:
    items = httpx.get(totals_server.url + "/api/documents").json()["items"]
    untitled = next(i for i in items if i["doc_id"] == "totals-ltu-1")
    assert untitled["title"].startswith("Lithuania has delivered 40 generators to Ukraine")
    assert untitled["title"].endswith("…") and len(untitled["title"]) <= 90
    assert "winter" not in untitled["title"], "trimmed at a word, within the first sentence"
    page = httpx.get(f"{totals_server.url}/documents/{untitled['id']}").text
    assert f'<h1 id="document-title">{untitled["title"]}</h1>' in page
    assert untitled["title"] in httpx.get(totals_server.url + "/documents").text
    titled = next(i for i in items if i["doc_id"] == "totals-ltu-2")
    assert titled["title"] == "Lithuania adds ambulances and sums up its help"


def test_hostile_parameters_are_400_with_a_message(server: Server) -> None:
    for path in ("/api/facts/commitments?page=99999999999999999999999", "/api/documents?page=9223372036854775808",
                 "/api/documents/99999999999999999999", "/api/facts/commitments?date_from=2022-13-45",
                 "/api/reviews?fact_id=99999999999999999999", "/api/review/queue?per_page=0",
                 "/api/partners?reviewed=maybe"):
        answer = httpx.get(server.url + path, headers={"accept": "text/html"})
        assert answer.status_code == 400, path
        assert answer.headers["content-type"] == "application/json" and answer.json()["detail"], path
    for path in ("/documents/99999999999999999999", "/documents?page=9223372036854775808",
                 "/facts/commitments?date_from=2022-13-45", "/facts/commitments?page=99999999999999999999999",
                 "/review/queue?page=0"):
        answer = httpx.get(server.url + path, headers={"accept": "text/html"})
        assert answer.status_code == 400, path
        assert answer.headers["content-type"].startswith("text/html"), path
        message = re.search(r'<p class="error" id="error-message">(.+?)</p>', answer.text).group(1)
        assert len(message) > 10, path
    # Without a browser's Accept header, a page's error is JSON for scripts.
    assert httpx.get(server.url + "/documents/99999999999999999999").json()["detail"]
    assert httpx.get(server.url + "/api/facts/commitments?date_from=2022-13-45").json()["detail"] == (
        "date_from must be a date YYYY[-MM[-DD]], not '2022-13-45'")
    not_found = httpx.get(server.url + "/no/such/page", headers={"accept": "text/html"})
    assert not_found.status_code == 404 and 'id="error-message"' in not_found.text


def test_partner_chart_has_every_month(totals_server: Server) -> None:
    lithuania = httpx.get(totals_server.url + "/api/partners/LTU").json()
    assert lithuania["months"] == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert {row["month"] for row in lithuania["timeline"]} == {"2023-01", "2023-04"}
    page = httpx.get(totals_server.url + "/partners/LTU").text
    months = dict(re.findall(r'<g class="month" data-month="(\d{4}-\d\d)" data-count="(\d+)"', page))
    assert months == {"2023-01": "2", "2023-02": "0", "2023-03": "0", "2023-04": "3"}
    assert 'class="chart chart-count"' in page
    euros = httpx.get(totals_server.url + "/partners/LTU", params={"measure": "eur"}).text
    assert 'class="chart chart-eur"' in euros and ">€15.0M</text>" in euros  # the tallest month's sum
    assert "€200.0M" not in euros[euros.index("<svg"):euros.index("</svg>")], "a running total is not a bar"


def test_meeting_topics_on_the_partner_page(writable_server: Server) -> None:
    with writable_server.client() as client:
        meeting = client.get("/api/facts/meetings", params={"partner": "EST"}).json()["items"][0]
        token = make_token(writable_server.db, "topics-reviewer")
        corrected = client.post(f"/api/facts/meetings/{meeting['id']}/review",
                                json={"action": "correct", "values": {"topics": ["defence", "eu_integration"]}},
                                headers={"Authorization": f"Bearer {token}"})
        assert corrected.status_code == 200, corrected.text
        estonia = client.get("/api/partners/EST").json()
        month = meeting["date"][:7]
        assert estonia["meeting_topics"] == [{"month": month, "topic": "defence", "count": 1},
                                             {"month": month, "topic": "eu_integration", "count": 1}]
        assert client.get("/api/partners/GBR").json()["meeting_topics"] == []
        found = client.get("/api/facts/meetings", params={"topic": "defence"}).json()
        assert [m["id"] for m in found["items"]] == [meeting["id"]]
        assert client.get("/api/facts/meetings", params={"topic": "sanctions"}).json()["total"] == 0
        assert client.get("/api/facts/meetings", params={"topic": "knitting"}).status_code == 400
        page = client.get("/partners/EST").text
        assert 'id="meeting-topics"' in page and f'<tr data-month="{month}">' in page
        assert 'href="/facts/meetings?partner=EST&amp;topic=defence"' in page
        table = client.get("/facts/meetings", params={"topic": "eu_integration"})
        assert table.status_code == 200 and f'href="/facts/meetings/{meeting["id"]}"' in table.text


# --- pieces ----------------------------------------------------------------------------------------

def test_highlight_segments_cover_the_text_once() -> None:
    from aidtrace.web.queries import highlight_segments

    text = 'Kallas met Zelenskyy. "We stand with Ukraine," Kallas said. <b>Not a tag</b>'
    quote = text.index('"We'), text.index('," ') + 2
    said = text.index("Kallas said")
    facts = [
        {"mention_id": 1, "kind": "meetings", "evidence": [{"start": 0, "end": text.index(" <b>")}]},
        {"mention_id": 2, "kind": "quotes", "evidence": [{"start": quote[0], "end": quote[1]}]},
        {"mention_id": 3, "kind": "commitments", "evidence": [{"start": 0, "end": 6}, {"start": said, "end": said + 6}]},
    ]
    segments = highlight_segments(text, facts)
    assert "".join(s["text"] for s in segments) == text
    first, second = (s for s in segments if s["text"] == "Kallas")
    assert first["mentions"] == [1, 3] and first["anchors"] == [1, 3]
    assert second["mentions"] == [1, 3] and second["anchors"] == [], "mention 3's anchor is at its first span"
    quoted = next(s for s in segments if s["text"].startswith('"We stand'))
    assert quoted["text"] == '"We stand with Ukraine,"'
    assert quoted["mentions"] == [1, 2] and quoted["anchors"] == [2] and quoted["kinds"] == ["meetings", "quotes"]
    anchors = [a for s in segments for a in s["anchors"]]
    assert sorted(anchors) == [1, 2, 3], "one anchor per mention, at its first span"
    assert segments[-1]["text"] == " <b>Not a tag</b>" and segments[-1]["mentions"] == []


def test_aidtrace_serve_runs_from_the_command_line(ingested_db: Path, tmp_path: Path) -> None:
    import subprocess
    import time

    from web_fixtures import CLI, copy_db, free_port

    db = copy_db(ingested_db, tmp_path / "registry.db")
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--db", str(db), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, "aidtrace serve did not start"
                time.sleep(0.3)
        assert response.status_code == 200 and "Support for Ukraine" in response.text
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"on http://127.0.0.1:{port}/" in output
    bad = aidtrace("serve", "--db", str(tmp_path / "missing" / "x.db"), check=False)
    assert bad.returncode != 0 and "does not exist" in bad.stderr


def test_month_labels_never_collide() -> None:
    from aidtrace.web.charts import LABEL_ROOM, label_stride, timeline_chart

    for months in (1, 3, 11, 12, 13, 25, 40, 61, 130):
        axis = [f"{2020 + i // 12:04d}-{i % 12 + 1:02d}" for i in range(months)]
        svg = str(timeline_chart([{"month": axis[0], "category": "military", "count": 1, "eur": None}], axis))
        assert svg.count('<g class="month"') == months, "every month has its tick"
        xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" class="tick month-label"', svg)]
        assert xs and all(b - a >= LABEL_ROOM - 0.01 for a, b in zip(xs, xs[1:])), months
        years = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" class="tick year-label"', svg)]
        assert all(b - a >= LABEL_ROOM - 0.01 for a, b in zip(years, years[1:])), months
    assert label_stride(50.0) == 1 and label_stride(10.0) == 4 and label_stride(1.0) == 36


def test_map_labels_never_overlap() -> None:
    from aidtrace.web.maps import _overlaps, label_box, place_labels

    # Kyiv city lies inside Kyiv Oblast: their centres are a few units apart.
    anchors = {"UA-30": (558.0, 210.0, "LTU"), "UA-32": (552.0, 212.0, "LVA POL DNK …"),
               "UA-18": (560.0, 215.0, "EST")}
    placed = place_labels(anchors, 1200, 800)
    boxes = [label_box(*placed[k], anchors[k][2]) for k in anchors]
    assert not any(_overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert sum(placed[k] == anchors[k][:2] for k in anchors) == 1, "one keeps its place, the others move"
    assert placed == place_labels(dict(reversed(anchors.items())), 1200, 800), "independent of order"
    alone = place_labels({"UA-48": (700.0, 600.0, "DNK")}, 1200, 800)
    assert alone == {"UA-48": (700.0, 600.0)}, "a label with room stays on its region"

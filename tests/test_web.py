"""The workbench in-process (real app, real engine, HTTP through httpx): guards, forms, filters, words.

The end-to-end flows in a real browser against a real server process are in
``test_web_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graphfraud.case import trail
from graphfraud.detect.run import detect
from graphfraud.errors import InputError
from graphfraud.load import load_directory
from graphfraud.web.app import create_app
from graphfraud.web.i18n import PAGE_TEXTS, texts
from graphfraud.web.security import check_bind

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture
def site(engine, small_data: Path):
    """A workbench over a graph with the small data loaded and rings detected (both engines)."""
    load_directory(engine, small_data)
    rings = detect(engine).rings
    return engine, rings


PORT = 8765
HERE = f"http://127.0.0.1:{PORT}"


def _client(engine, base_url: str = HERE, **kwargs) -> TestClient:
    """The app as a browser at ``base_url`` reaches it (the Host header a browser sends comes from there)."""
    return TestClient(create_app(engine, store="test", **kwargs), base_url=base_url, follow_redirects=False)


def test_serving_beyond_this_computer_needs_a_token() -> None:
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        check_bind(host, None)
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.org"):
        with pytest.raises(InputError, match="refusing to serve"):
            check_bind(host, None)
        check_bind(host, TOKEN)
    with pytest.raises(InputError, match="too short"):
        check_bind("0.0.0.0", "short")


def test_with_a_token_every_request_must_carry_it(embedded, small_data: Path) -> None:
    load_directory(embedded, small_data)
    client = _client(embedded, token=TOKEN)
    assert client.get("/").status_code == 401
    assert client.get("/static/app.css").status_code == 401
    assert client.get("/healthz").text == "ok"
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/", headers={"X-Graphfraud-Token": TOKEN}).status_code == 200
    assert client.get("/", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    opened = client.get(f"/?lang=en&token={TOKEN}")
    assert opened.status_code == 303 and opened.headers["location"] == "/?lang=en"  # the token leaves the address bar
    assert TOKEN not in opened.headers["set-cookie"]  # the cookie holds a digest, not the token
    assert client.get("/").status_code == 200  # the cookie now carries it
    client.cookies.clear()
    assert client.get("/").status_code == 401


def test_pages_run_no_inline_script_and_say_so_in_their_policy(site) -> None:
    engine, rings = site
    client = _client(engine)
    page = client.get(f"/rings/{rings[0].ring_id}")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin" and page.headers["cache-control"] == "no-store"
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert client.get("/static/vis-network.min.js").status_code == 200
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_a_step_without_the_form_token_is_refused_and_leaves_no_trace(site) -> None:
    engine, rings = site
    client = _client(engine)
    ring = rings[0].ring_id
    client.get(f"/rings/{ring}")  # a session cookie, but no form token sent
    refused = client.post(f"/rings/{ring}/steps", data={"next_status": "first_review", "actor": "张稽核"})
    assert refused.status_code == 403
    assert trail.history(engine, ring) == []


def _form_token(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_the_form_offers_only_the_allowed_steps_and_records_through_the_trail(site) -> None:
    engine, rings = site
    client = _client(engine)
    ring = rings[0].ring_id
    page = client.get(f"/rings/{ring}").text
    offered = re.findall(r'name="next_status" value="(\w+)"', page)
    assert offered == ["first_review", "dismissed", "note"]
    csrf = _form_token(page)
    skipped = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "referred", "actor": "张稽核"})
    assert skipped.status_code == 400 and "cannot move to" in skipped.text
    nameless = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "first_review", "actor": "  "})
    assert nameless.status_code == 400
    assert trail.history(engine, ring) == []
    done = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "first_review", "actor": "张稽核",
                                                      "note": "调取病历", "expected": "new"})
    assert done.status_code == 303 and done.headers["location"].startswith(f"/rings/{ring}?done=1")
    note = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "note", "actor": "张稽核",
                                                      "note": "约谈机构负责人", "expected": "first_review"})
    assert note.status_code == 303
    stale = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "dismissed", "actor": "李科长",
                                                       "expected": "new"})
    assert stale.status_code == 409  # someone moved the case since this form was shown
    steps = trail.history(engine, ring)
    assert [(e.action, e.from_status, e.to_status, e.actor, e.note) for e in steps] == [
        ("status", "new", "first_review", "张稽核", "调取病历"), ("note", "first_review", "first_review", "张稽核", "约谈机构负责人")]
    page = client.get(done.headers["location"]).text
    assert "已记录：初审" in page and "约谈机构负责人" in page
    assert re.findall(r'name="next_status" value="(\w+)"', page) == ["second_review", "dismissed", "note"]
    assert client.post("/rings/R-NOSUCH/steps", data={"csrf": csrf, "next_status": "note", "actor": "x"}).status_code == 404


def test_the_ring_list_is_sorted_by_score_and_filters(site) -> None:
    engine, rings = site
    client = _client(engine)
    page = client.get("/").text
    listed = re.findall(r'data-ring="([^"]+)"', page)
    assert listed == [r.ring_id for r in rings]
    scores = [float(s) for s in re.findall(r'data-score="([0-9.]+)"', page)]
    assert scores == sorted(scores, reverse=True)
    family = rings[0].patterns[0]
    filtered = re.findall(r'data-ring="([^"]+)"', client.get(f"/?pattern={family}").text)
    assert filtered == [r.ring_id for r in rings if family in r.patterns]
    high = re.findall(r'data-ring="([^"]+)"', client.get("/?min_score=0.95").text)
    assert high == [r.ring_id for r in rings if r.score >= 0.95]
    trail.record(engine, rings[-1].ring_id, "status", "张稽核", to_status="dismissed")
    assert re.findall(r'data-ring="([^"]+)"', client.get("/?status=dismissed").text) == [rings[-1].ring_id]
    city_options = re.findall(r'<option value="([^"]+)"', page.split('name="city"')[1].split("</select>")[0])
    city = city_options[0]
    in_city = re.findall(r'data-ring="([^"]+)"', client.get("/?city=" + city).text)
    assert in_city and set(in_city) <= set(listed)
    assert re.findall(r'data-ring="([^"]+)"', client.get("/?pattern=bogus&status=bogus&min_score=x").text) == listed


def test_search_goes_to_the_page_of_whatever_has_the_id(site, small_data: Path) -> None:
    import pandas as pd

    engine, rings = site
    client = _client(engine)
    claim = pd.read_csv(small_data / "claims.csv", dtype=str).iloc[0]
    for kind in ("patient", "card", "provider", "claim"):
        found = client.get("/search", params={"q": f" {claim[kind + '_id']} "})
        assert found.status_code == 303 and found.headers["location"] == f"/entity/{kind}/{claim[kind + '_id']}"
        assert client.get(found.headers["location"]).status_code == 200
    assert client.get("/search", params={"q": rings[0].ring_id}).headers["location"] == f"/rings/{rings[0].ring_id}"
    missing = client.get("/search", params={"q": "NO-SUCH-ID"})
    assert missing.status_code == 404 and "NO-SUCH-ID" in missing.text
    assert client.get("/entity/patient/NO-SUCH-ID").status_code == 404
    assert client.get("/entity/bogus/x").status_code == 404


def test_english_is_one_switch_away_and_stays_chosen(embedded, small_data: Path) -> None:
    load_directory(embedded, small_data)
    client = _client(embedded)
    assert "团伙线索" in client.get("/").text
    english = client.get("/?lang=en")
    assert "Rings" in english.text and 'href="/?lang=zh"' in english.text
    assert "Rings" in client.get("/").text  # remembered in a cookie
    assert "团伙线索" in _client(embedded, lang="zh").get("/").text


def test_every_word_exists_in_both_languages_and_reads_as_a_word_in_templates() -> None:
    assert set(PAGE_TEXTS["zh"]) == set(PAGE_TEXTS["en"])
    assert set(texts("zh")) == set(texts("en"))
    # Jinja reads t.key as an attribute first: a key named like a dict method would show the method
    assert not set(texts("zh")) & set(dir(dict))


def test_a_ring_stored_without_details_still_shows_its_headline_and_trail(engine) -> None:
    engine.query("rings/upsert_ring", {"rows": [{
        "ring_id": "R-OLD", "patterns": '["gang"]', "score": 0.8, "amount_at_risk": 10.0, "summary": "",
        "seen": "2026-01-01T00:00:00+08:00", "run_id": "old", "size": 3, "details": None}]})
    trail.record(engine, "R-OLD", "status", "张稽核", "旧线索", to_status="first_review")
    page = _client(engine).get("/rings/R-OLD")
    assert page.status_code == 200
    assert "团伙欺诈" in page.text and "0.800" in page.text and "旧线索" in page.text


# -- DNS rebinding (issue 16, item 4) --------------------------------------------
def test_a_request_for_another_host_name_is_refused_with_no_data(embedded, small_data: Path) -> None:
    """A page on evil.example whose name is rebound to 127.0.0.1 reaches the workbench with Host: evil.example."""
    load_directory(embedded, small_data)
    ring = detect(embedded).rings[0].ring_id
    client = _client(embedded)
    for host in ("evil.example", f"evil.example:{PORT}", "127.0.0.1.evil.example", "localhost.evil.example:8765"):
        for path in ("/", f"/rings/{ring}", "/healthz", "/static/app.css", f"/graphs/ring/{ring}"):
            refused = client.get(path, headers={"Host": host})
            assert refused.status_code == 400, (host, path)
            assert ring not in refused.text and len(refused.text) < 300
            assert "set-cookie" not in refused.headers   # not even a session
    for host in (f"127.0.0.1:{PORT}", f"localhost:{PORT}", "127.0.0.1", f"LOCALHOST:{PORT}", f"[::1]:{PORT}"):
        served = client.get(f"/rings/{ring}", headers={"Host": host})
        assert served.status_code == 200 and ring in served.text, host
    named = _client(embedded, allowed_hosts=("workbench.bureau.example",))
    assert named.get("/", headers={"Host": "workbench.bureau.example:8765"}).status_code == 200
    assert named.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_beyond_this_computer_the_machines_addresses_and_listed_names_are_served(embedded, small_data: Path) -> None:
    load_directory(embedded, small_data)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    anywhere = _client(embedded, host="0.0.0.0", token=TOKEN, allowed_hosts=("audit.bureau.example",))
    for host in ("192.0.2.10:8765", "[2001:db8::1]:8765", "localhost:8765", "audit.bureau.example"):
        assert anywhere.get("/", headers={**auth, "Host": host}).status_code == 200, host
    assert anywhere.get("/", headers={**auth, "Host": "evil.example"}).status_code == 400
    one = _client(embedded, host="192.0.2.10", token=TOKEN)
    assert one.get("/", headers={**auth, "Host": "192.0.2.10:8765"}).status_code == 200
    assert one.get("/", headers={**auth, "Host": "192.0.2.11:8765"}).status_code == 400
    for wrong in ("http://audit.bureau.example/", "*.bureau.example", "a b"):
        with pytest.raises(InputError, match="--allow-host"):
            create_app(embedded, allowed_hosts=(wrong,))


def test_a_step_posted_from_another_origin_is_refused_and_leaves_no_trace(embedded, small_data: Path) -> None:
    load_directory(embedded, small_data)
    ring = detect(embedded).rings[0].ring_id
    client = _client(embedded)
    form = {"csrf": _form_token(client.get(f"/rings/{ring}").text), "next_status": "note", "actor": "张稽核",
            "note": "约谈"}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": f"http://evil.example:{PORT}"},
                    {"Origin": "null"}, {"Origin": f"http://127.0.0.1:{PORT + 1}"},
                    {"Referer": f"http://evil.example/rings/{ring}"}):
        refused = client.post(f"/rings/{ring}/steps", data=form, headers=headers)
        assert refused.status_code == 403, headers
        assert ring not in refused.text and len(refused.text) < 300
    assert trail.history(embedded, ring) == []
    done = client.post(f"/rings/{ring}/steps", data=form, headers={"Origin": HERE})
    assert done.status_code == 303
    again = client.post(f"/rings/{ring}/steps", data=form, headers={"Referer": f"{HERE}/rings/{ring}"})
    assert again.status_code == 303
    by_name = TestClient(client.app, base_url=f"http://localhost:{PORT}", follow_redirects=False)
    form["csrf"] = _form_token(by_name.get(f"/rings/{ring}").text)
    assert by_name.post(f"/rings/{ring}/steps", data=form, headers={"Origin": f"http://localhost:{PORT}"}).status_code == 303
    assert len(trail.history(embedded, ring)) == 3


def test_a_box_page_shows_its_trail_and_a_claim_page_its_drugs(embedded, drug_data: Path, tmp_path: Path) -> None:
    load_directory(embedded, drug_data, rejects_dir=tmp_path / "rejects")
    client = _client(embedded)
    claim = client.get("/entity/claim/C10")
    assert claim.status_code == 200 and "甘精胰岛素注射液" in claim.text and 'href="/box/B1"' in claim.text
    box = client.get("/box/B1")
    assert box.status_code == 200 and "C01" in box.text and "C10" in box.text and 'id="again"' in box.text
    assert texts("zh")["step_again"].split("：")[0] in box.text
    split = client.get("/box/B7")  # one box split over three sales at one pharmacy: no settling again
    assert split.status_code == 200 and 'id="again"' not in split.text and texts("zh")["step_piece"] in split.text
    returned = client.get("/box/B8?lang=en")
    assert texts("en")["step_returned"] in returned.text and 'id="again"' not in returned.text
    assert client.get("/search", params={"q": "B1"}).headers["location"] == "/box/B1"
    assert client.get("/box/NOPE").status_code == 404

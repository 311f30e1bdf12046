"""The workbench in-process (real app, real engine, HTTP through httpx): guards, forms, filters, words.

The end-to-end flows in a real browser against a real server process are in
``test_web_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import add_user
from fastapi.testclient import TestClient

from graphfraud.case import trail
from graphfraud.detect.rings import ring_json
from graphfraud.errors import InputError
from graphfraud.load import load_directory
from graphfraud.web.app import create_app
from graphfraud.web.i18n import texts
from graphfraud.web.security import check_bind
from graphfraud.words import chance, once_in

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture
def site(small_rings):
    """A workbench over a graph with the small data loaded and rings detected (both engines; ``small_rings``)."""
    engine, result = small_rings
    return engine, result.rings


PORT = 8765
HERE = f"http://127.0.0.1:{PORT}"


PASSWORD = "web-test-password"
ROLES = {"zhang": "investigator", "li": "supervisor", "wang": "analyst", "admin": "admin"}


def _client(engine, base_url: str = HERE, user: str | None = "zhang", **kwargs) -> TestClient:
    """The app as a browser at ``base_url`` reaches it (the Host header a browser sends comes from there),
    signed in as ``user`` (made with its role from ``ROLES`` if it does not exist yet; None: not signed in)."""
    client = TestClient(create_app(engine, **{"store": "test", **kwargs}), base_url=base_url, follow_redirects=False)
    if user is not None:
        sign_in(client, engine, user)
    return client


def sign_in(client: TestClient, engine, user: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in as ``user`` through the sign-in form (the user is added first when missing)."""
    from graphfraud.accounts import store

    if store.get(engine, user) is None:
        add_user(engine, user, ROLES[user], PASSWORD, display_name={"zhang": "张稽核", "li": "李科长"}.get(user, ""),
                 admin_password=PASSWORD)
    page = client.get("/login")
    done = client.post("/login", data={"csrf": _form_token(page.text), "username": user, "password": password,
                                       "next": "/"})
    assert done.status_code == 303 and done.headers["location"] == "/", done.text


def test_serving_beyond_this_computer_needs_a_token() -> None:
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        check_bind(host, None)
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.org"):
        with pytest.raises(InputError, match="refusing to serve"):
            check_bind(host, None)
        check_bind(host, TOKEN)
    with pytest.raises(InputError, match="too short"):
        check_bind("0.0.0.0", "short")


def test_with_a_token_every_request_must_carry_it(embedded_small) -> None:
    embedded = embedded_small  # holding the small data
    client = _client(embedded, token=TOKEN, user=None)
    passed = (200, 303)   # the token passed: the page, or the sign-in page the page sends to
    assert client.get("/").status_code == 401
    assert client.get("/static/app.css").status_code == 401
    assert client.get("/healthz").text == "ok"
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code in passed
    assert client.get("/", headers={"X-Graphfraud-Token": TOKEN}).status_code in passed
    assert client.get("/", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    opened = client.get(f"/?lang=en&token={TOKEN}")
    assert opened.status_code == 303 and opened.headers["location"] == "/?lang=en"  # the token leaves the address bar
    assert TOKEN not in opened.headers["set-cookie"]  # the cookie holds a digest, not the token
    assert client.get("/login").status_code == 200  # the cookie now carries it
    sign_in(client, embedded, "zhang")
    assert client.get("/").status_code == 200
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
    refused = client.post(f"/rings/{ring}/steps", data={"next_status": "first_review"})
    assert refused.status_code == 403
    assert trail.history(engine, ring) == []


def _seen(html: str) -> list[str]:
    """The list page's ``seen`` fields: each listed ring with the status the page showed (``ring_id|status``)."""
    return re.findall(r'name="seen" value="([^"]+)"', html)


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
    skipped = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "referred"})
    assert skipped.status_code == 400 and "cannot move to" in skipped.text
    assert trail.history(engine, ring) == []
    done = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "first_review",
                                                      "actor": "李科长", "note": "调取病历", "expected": "new"})
    assert done.status_code == 303 and done.headers["location"].startswith(f"/rings/{ring}?done=1")
    note = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "note",
                                                      "note": "约谈机构负责人", "expected": "first_review"})
    assert note.status_code == 303
    stale = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "dismissed", "expected": "new"})
    assert stale.status_code == 409  # someone moved the case since this form was shown
    steps = trail.history(engine, ring)
    assert [(e.action, e.from_status, e.to_status, e.actor, e.note) for e in steps] == [  # the signed-in user, not a
        ("status", "new", "first_review", "zhang", "调取病历"),                           # typed name, is the actor
        ("note", "first_review", "first_review", "zhang", "约谈机构负责人")]
    page = client.get(done.headers["location"]).text
    assert "已记录：初审" in page and "约谈机构负责人" in page and "张稽核 (zhang)" in page
    # four eyes: the first reviewer is not offered the second review, and posting it is refused
    assert re.findall(r'name="next_status" value="(\w+)"', page) == ["dismissed", "note"]
    refused = client.post(f"/rings/{ring}/steps", data={"csrf": csrf, "next_status": "second_review",
                                                         "expected": "first_review"})
    assert refused.status_code == 403 and "四眼原则" in refused.text and len(trail.history(engine, ring)) == 2
    assert client.post("/rings/R-NOSUCH/steps", data={"csrf": csrf, "next_status": "note"}).status_code == 404


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
    trail.record(engine, rings[-1].ring_id, "status", "zhang", to_status="dismissed")
    assert re.findall(r'data-ring="([^"]+)"', client.get("/?status=dismissed").text) == [rings[-1].ring_id]
    city_options = re.findall(r'<option value="([^"]+)"', page.split('name="city"')[1].split("</select>")[0])
    city = city_options[0]
    in_city = re.findall(r'data-ring="([^"]+)"', client.get("/?city=" + city).text)
    assert in_city and set(in_city) <= set(listed)
    assert re.findall(r'data-ring="([^"]+)"', client.get("/?pattern=bogus&status=bogus&min_score=x").text) == listed


def test_a_ring_page_says_how_rarely_chance_makes_a_ring_as_strong(site) -> None:
    engine, rings = site
    ring = rings[0]
    shown = re.search(r'<dd id="ring-chance">(.*?)</dd>', _client(engine).get(f"/rings/{ring.ring_id}").text).group(1)
    assert shown == chance(ring_json(ring)["significance"], "zh")
    assert f"约每 {once_in(ring_json(ring)['significance']['chance_log10'])} 次检测出现一次" in shown
    assert ("强于所有随机团伙" in shown) == ring.beyond_null
    assert (once_in(-12.3), once_in(-1.6), once_in(0.0), once_in(None)) == ("10¹²", "40", "1", "—")
    assert once_in(-12.3, superscript=False) == "10^12"   # for the bundle's font, which has no superscript digits


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


def test_english_is_one_switch_away_and_stays_chosen(embedded_small) -> None:
    embedded = embedded_small  # holding the small data
    client = _client(embedded)
    assert "团伙线索" in client.get("/").text
    english = client.get("/?lang=en")
    assert "Rings" in english.text and 'href="/?lang=zh"' in english.text
    assert "Rings" in client.get("/").text  # remembered in a cookie
    assert "团伙线索" in _client(embedded, lang="zh").get("/").text


def test_every_word_exists_in_both_languages_and_reads_as_a_word_in_templates() -> None:
    assert set(texts("zh")) == set(texts("en"))   # each entry of the catalogue has both (tests/test_words.py)
    # Jinja reads t.key as an attribute first: a key named like a dict method would show the method
    assert not set(texts("zh")) & set(dir(dict))


def test_a_ring_stored_without_details_still_shows_its_headline_and_trail(engine) -> None:
    engine.query("rings/upsert_ring", {"rows": [{
        "ring_id": "R-OLD", "patterns": '["gang"]', "score": 0.8, "amount_at_risk": 10.0, "summary": "",
        "seen": "2026-01-01T00:00:00+08:00", "run_id": "old", "size": 3, "details": None,
        "expected_false": 0.0}]})
    trail.record(engine, "R-OLD", "status", "zhang", "旧线索", to_status="first_review")
    page = _client(engine).get("/rings/R-OLD")
    assert page.status_code == 200
    assert "团伙欺诈" in page.text and "0.800" in page.text and "旧线索" in page.text


# -- DNS rebinding (issue 16, item 4) --------------------------------------------
def test_a_request_for_another_host_name_is_refused_with_no_data(embedded_rings) -> None:
    """A page on evil.example whose name is rebound to 127.0.0.1 reaches the workbench with Host: evil.example."""
    embedded, found = embedded_rings  # the small data and its rings
    ring = found.rings[0].ring_id
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
    named = _client(embedded, allowed_hosts=("workbench.bureau.example",), user=None)
    assert named.get("/login", headers={"Host": "workbench.bureau.example:8765"}).status_code == 200
    assert named.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_beyond_this_computer_the_machines_addresses_and_listed_names_are_served(embedded_small) -> None:
    embedded = embedded_small  # holding the small data
    auth = {"Authorization": f"Bearer {TOKEN}"}
    anywhere = _client(embedded, host="0.0.0.0", token=TOKEN, allowed_hosts=("audit.bureau.example",), user=None)
    for host in ("192.0.2.10:8765", "[2001:db8::1]:8765", "localhost:8765", "audit.bureau.example"):
        assert anywhere.get("/login", headers={**auth, "Host": host}).status_code == 200, host
    assert anywhere.get("/login", headers={**auth, "Host": "evil.example"}).status_code == 400
    one = _client(embedded, host="192.0.2.10", token=TOKEN, user=None)
    assert one.get("/login", headers={**auth, "Host": "192.0.2.10:8765"}).status_code == 200
    assert one.get("/login", headers={**auth, "Host": "192.0.2.11:8765"}).status_code == 400
    for wrong in ("http://audit.bureau.example/", "*.bureau.example", "a b"):
        with pytest.raises(InputError, match="--allow-host"):
            create_app(embedded, allowed_hosts=(wrong,))


def test_a_step_posted_from_another_origin_is_refused_and_leaves_no_trace(embedded_rings) -> None:
    embedded, found = embedded_rings  # the small data and its rings
    ring = found.rings[0].ring_id
    client = _client(embedded)
    form = {"csrf": _form_token(client.get(f"/rings/{ring}").text), "next_status": "note", "note": "约谈"}
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
    sign_in(by_name, embedded, "zhang")
    form["csrf"] = _form_token(by_name.get(f"/rings/{ring}").text)
    assert by_name.post(f"/rings/{ring}/steps", data=form, headers={"Origin": f"http://localhost:{PORT}"}).status_code == 303
    assert len(trail.history(embedded, ring)) == 3


# -- signed-in users, four eyes, assignment, the list (issue 18) -----------------
def _a_post_without_a_signed_in_user_changes_nothing_and_pages_ask_to_sign_in(site) -> None:
    engine, rings = site
    ring = rings[0].ring_id
    anonymous = _client(engine, user=None)
    page = anonymous.get(f"/rings/{ring}")
    assert page.status_code == 303 and page.headers["location"] == f"/login?next=%2Frings%2F{ring}"
    form = {"csrf": _form_token(anonymous.get("/login").text), "next_status": "first_review", "expected": "new"}
    for path in (f"/rings/{ring}/steps", f"/rings/{ring}/bundle", "/rings/bulk", "/users", "/account"):
        assert anonymous.post(path, data={**form, "action": "dismiss", "ring": ring}).status_code == 401, path
    assert trail.history(engine, ring) == []
    wrong = anonymous.post("/login", data={"csrf": form["csrf"], "username": "zhang", "password": "wrong-password"})
    assert wrong.status_code == 401 and "wrong-password" not in wrong.text
    evil = anonymous.post("/login", data={"csrf": form["csrf"], "username": "x", "password": "y", "next": "//evil.example/"})
    assert evil.status_code == 401
    sign_in(anonymous, engine, "zhang")
    assert anonymous.get(f"/rings/{ring}").status_code == 200


def _roles_and_four_eyes_decide_who_takes_which_step(site) -> None:
    engine, rings = site
    ring = rings[1].ring_id
    analyst, investigator, supervisor = (_client(engine, user=u) for u in ("wang", "zhang", "li"))

    def offered(c) -> list[str]:
        return re.findall(r'name="next_status" value="(\w+)"', c.get(f"/rings/{ring}").text)

    assert offered(analyst) == ["note"] and offered(investigator) == ["first_review", "dismissed", "note"]

    def step(client, to: str, expected: str):
        return client.post(f"/rings/{ring}/steps", data={"csrf": _form_token(client.get(f"/rings/{ring}").text),
                                                          "next_status": to, "expected": expected})

    assert step(analyst, "first_review", "new").status_code == 403
    assert step(investigator, "first_review", "new").status_code == 303
    assert step(investigator, "second_review", "first_review").status_code == 403        # four eyes
    assert step(supervisor, "second_review", "first_review").status_code == 303
    assert step(investigator, "confirmed", "second_review").status_code == 403             # a supervisor confirms
    assert step(supervisor, "confirmed", "second_review").status_code == 303
    assert [e.actor for e in trail.history(engine, ring)] == ["zhang", "li", "li"]
    ring_page = supervisor.get(f"/rings/{ring}").text
    assert "四眼" not in ring_page and "张稽核 (zhang)" in ring_page
    assert offered(investigator) == ["appeal", "note"]                          # referring is a supervisor's


def _a_supervisor_assigns_my_cases_lists_them_and_an_overdue_appeal_is_flagged(site) -> None:
    from datetime import date, timedelta

    from graphfraud.case.deadlines import add_working_days

    engine, rings = site
    ring, other = rings[2].ring_id, rings[3].ring_id
    supervisor, investigator = _client(engine, user="li"), _client(engine, user="zhang")
    listed = supervisor.get("/").text
    done = supervisor.post("/rings/bulk", data={"csrf": _form_token(listed), "action": "assign", "assignee": "zhang",
                                                "ring": [ring, other], "seen": _seen(listed), "note": "请核查"})
    assert done.status_code == 303
    assert "已处理 2 个团伙" in supervisor.get(done.headers["location"]).text
    mine = re.findall(r'data-ring="([^"]+)"', investigator.get("/?assignee=me").text)
    assert mine == [r.ring_id for r in rings if r.ring_id in (ring, other)]
    refused = investigator.post("/rings/bulk", data={"csrf": _form_token(investigator.get("/").text),
                                                     "action": "dismiss", "ring": [ring]})
    assert refused.status_code == 403 and trail.current_status(engine, ring) == "new"
    # through the chain to the appeal, entered 30 days ago: its deadline has passed
    entered = (date.today() - timedelta(days=30)).isoformat() + "T10:00:00+08:00"
    trail.record(engine, ring, "status", "zhang", to_status="first_review")
    trail.record(engine, ring, "status", "li", to_status="second_review")
    trail.record(engine, ring, "status", "li", to_status="appeal", at=entered)
    due = add_working_days(date.today() - timedelta(days=30), 10).isoformat()
    page = investigator.get(f"/rings/{ring}").text
    assert f'id="ring-due">{due}' in page and 'id="ring-overdue"' in page
    assert re.findall(r'data-ring="([^"]+)"', investigator.get("/?overdue=1").text) == [ring]
    listed = supervisor.get("/").text
    assert f"{ring}|appeal" in _seen(listed) and f"{other}|new" in _seen(listed)
    trail.record(engine, other, "status", "zhang", to_status="first_review")   # moved after the list was shown
    dismissed = supervisor.post("/rings/bulk", data={"csrf": _form_token(listed), "action": "dismiss",
                                                     "ring": [ring, other, rings[4].ring_id],
                                                     "seen": [s for s in _seen(listed) if not s.startswith(rings[4].ring_id + "|")]})
    assert dismissed.status_code == 303
    assert trail.current_status(engine, ring) == "dismissed"                    # still as seen: dismissed
    assert trail.current_status(engine, other) == "first_review"                # moved since: skipped, and said so
    assert trail.current_status(engine, rings[4].ring_id) == "new"              # its status was never shown: skipped
    said = supervisor.get(dismissed.headers["location"]).text
    assert "已处理 1 个团伙" in said and "2 个未处理" in said and "初审" in said


def _the_list_sorts_by_any_column_exports_what_it_shows_and_search_finds_names(site, small_data: Path) -> None:
    import csv
    import io

    import pandas as pd
    from openpyxl import load_workbook

    engine, rings = site
    client = _client(engine)
    by_amount = re.findall(r'data-ring="([^"]+)"', client.get("/?sort=amount_at_risk&desc=0").text)
    assert by_amount == [r.ring_id for r in sorted(rings, key=lambda r: (r.amount_at_risk, -r.score, r.ring_id))]
    exported = client.get("/rings.csv?sort=amount_at_risk&desc=0")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][0] == "团伙" and [r[0] for r in rows[1:]] == by_amount
    book = load_workbook(io.BytesIO(client.get("/rings.xlsx").content))
    assert [c.value for c in book.active["A"]][1:] == [r.ring_id for r in rings]
    patient = pd.read_csv(small_data / "patients.csv", dtype=str).iloc[5]
    found = client.get("/search", params={"q": patient["name"]})
    assert found.status_code in (200, 303)
    if found.status_code == 303:
        assert found.headers["location"] == f"/entity/patient/{patient['patient_id']}"
    else:
        assert f'/entity/patient/{patient["patient_id"]}' in found.text
    partial = client.get("/search", params={"q": patient["patient_id"][:-1].lower()})
    assert partial.status_code == 200 and patient["patient_id"] in partial.text
    shown = float(f"{rings[0].score:.3f}")
    assert rings[0].ring_id in client.get(f"/?min_score={shown}").text     # the score shown is the score filtered


def _an_admin_manages_users_in_the_workbench_and_a_disabled_user_is_signed_out(site) -> None:
    engine, _ = site
    admin, investigator = _client(engine, user="admin"), _client(engine, user="zhang")
    assert investigator.get("/users").status_code == 403
    page = admin.get("/users")
    added = admin.post("/users", data={"csrf": _form_token(page.text), "username": "zhao", "display_name": "赵稽核",
                                       "role": "investigator"})
    one_time = re.search(r'id="issued-password">([^<]+)<', added.text).group(1)
    newcomer = _client(engine, user=None)
    sign_in_page = newcomer.get("/login")
    first = newcomer.post("/login", data={"csrf": _form_token(sign_in_page.text), "username": "zhao",
                                          "password": one_time, "next": "/"})
    assert first.headers["location"] == "/account"                      # a one-time password is changed first
    assert newcomer.get("/").headers["location"] == "/account"
    account = newcomer.get("/account").text
    changed = newcomer.post("/account", data={"csrf": _form_token(account), "current": one_time,
                                              "new": "zhao-own-password", "again": "zhao-own-password"})
    assert changed.status_code == 303 and newcomer.get("/").status_code == 200
    admin.post("/users/zhang", data={"csrf": _form_token(admin.get("/users").text), "change": "disable"})
    assert investigator.get("/").status_code == 303                      # disabled: the session ended
    last = admin.post("/users/admin", data={"csrf": _form_token(admin.get("/users").text), "change": "disable"})
    assert last.status_code == 400 and "own account" in last.text        # nobody disables themselves


def _graph_claims(html: str) -> int:
    """The "m" of the page's first graph's "n of m claims": its tallied edges' claims, read from the page's data."""
    import html as html_lib
    import json

    data = re.search(r'<script type="application/json" id="[^"]+-data">(.*?)</script>', html, re.DOTALL).group(1)
    edges = json.loads(html_lib.unescape(data))["edges"]
    return sum(len(e["days"]) for e in edges if e.get("tally"))


def _the_ring_page_summary_graph_and_timeline_give_one_claim_count(site) -> None:
    from graphfraud.detect.store import claim_facts, stored_ring
    from graphfraud.detect.tally import ring_claims

    engine, rings = site
    client = _client(engine)
    for r in rings[:4]:
        ring = stored_ring(engine, r.ring_id)
        facts = claim_facts(engine, (c for ev in ring["evidence"] for c in ev["claims"]))
        own = len(ring_claims(ring, facts))
        page = client.get(f"/rings/{r.ring_id}").text
        assert f'data-claims="{own}"' in page and f"团伙成员的证据结算 {own:,} 笔" in page, r.ring_id
        assert _graph_claims(page) == own, r.ring_id
        timeline = page.split('id="timeline"')[1].split('id="evidence"')[0]
        assert timeline.count("/entity/claim/") == min(own, 500), r.ring_id
        why = page.split('id="why"')[1].split('id="members"')[0]
        assert '<a href="/entity/' in why, r.ring_id                     # the ids in the reasons link


def _a_doctors_graph_counts_the_doctors_claims(site, small_data: Path) -> None:
    import pandas as pd

    engine, _ = site
    client = _client(engine)
    claims = pd.read_csv(small_data / "claims.csv", dtype=str).dropna(subset=["doctor_id"])
    doctor, count = claims["doctor_id"].value_counts().index[0], int(claims["doctor_id"].value_counts().iloc[0])
    page = client.get(f"/entity/doctor/{doctor}?hops=1").text
    assert _graph_claims(page) == count                           # not "0 / 0": the doctor → provider edges


# One graph per group (loading and detecting is most of a test's time): each check reads as its name says.
def test_sign_in_roles_four_eyes_and_user_management(site) -> None:
    """A POST without a signed-in user changes nothing; roles and four eyes decide each step; admins manage users."""
    _a_post_without_a_signed_in_user_changes_nothing_and_pages_ask_to_sign_in(site)
    _roles_and_four_eyes_decide_who_takes_which_step(site)
    _an_admin_manages_users_in_the_workbench_and_a_disabled_user_is_signed_out(site)   # last: disables zhang


def test_assignment_overdue_appeals_bulk_actions_sorting_export_and_search(site, small_data: Path) -> None:
    """A supervisor assigns (my cases), an appeal past its deadline is flagged, bulk dismissal; the list sorts,
    exports what it shows, and search finds names and partial ids."""
    _a_supervisor_assigns_my_cases_lists_them_and_an_overdue_appeal_is_flagged(site)
    _the_list_sorts_by_any_column_exports_what_it_shows_and_search_finds_names(site, small_data)


def test_one_claim_count_on_the_ring_page_its_graph_and_timeline_and_a_doctors_graph(site, small_data: Path) -> None:
    """One rule, one number: the ring page's summary, graph and timeline; a doctor's graph counts his claims."""
    _the_ring_page_summary_graph_and_timeline_give_one_claim_count(site)
    _a_doctors_graph_counts_the_doctors_claims(site, small_data)
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


# -- the security review of issue 18 ------------------------------------------------
def test_sign_out_ends_the_session_on_the_server_and_sessions_end_when_idle(embedded) -> None:
    from graphfraud.config import AccountSettings
    from graphfraud.web.sessions import USER_COOKIE, Sessions

    client = _client(embedded)
    assert client.get("/account").status_code == 200
    copied = client.cookies.get(USER_COOKIE)
    out = client.post("/logout", data={"csrf": _form_token(client.get("/account").text)})
    assert out.status_code == 303
    replay = TestClient(client.app, base_url=HERE, follow_redirects=False)
    replay.cookies.set(USER_COOKIE, copied)                 # a copy of the cookie taken before signing out
    assert replay.get("/account").status_code == 303 and client.app.state.workbench.sessions.live() == 0

    sessions = Sessions(AccountSettings(session_hours=2, session_idle_minutes=30))
    cookie = sessions.cookie("zhang", "stamp", now=1000.0)
    assert sessions.read(cookie, now=1000.0 + 29 * 60) == ("zhang", "stamp")          # active: the clock restarts
    assert sessions.read(cookie, now=1000.0 + 58 * 60) == ("zhang", "stamp")
    assert sessions.read(cookie, now=1000.0 + 58 * 60 + 31 * 60) is None              # idle 31 minutes: ended
    assert sessions.read(cookie, now=1000.0 + 59 * 60) is None                        # … for good
    busy = sessions.cookie("zhang", "stamp", now=0.0)
    for minute in range(0, 120, 20):
        assert sessions.read(busy, now=minute * 60.0) is not None
    assert sessions.read(busy, now=2 * 3600 + 1.0) is None                            # the absolute maximum
    forged = cookie[:-1] + ("0" if cookie[-1] != "0" else "1")
    assert sessions.read(forged, now=1000.0) is None


def test_cookies_are_secure_unless_served_over_plain_http_to_this_computer(embedded) -> None:
    from graphfraud.web.sessions import USER_COOKIE

    def cookies(client, path: str = "/login", **headers) -> list[str]:
        return client.get(path, headers=headers).headers.get_list("set-cookie")

    local = _client(embedded, user=None)
    assert cookies(local) and not any("secure" in c.lower() for c in cookies(local))           # the local demo
    proxied = _client(embedded, user=None, allowed_hosts=("workbench.bureau.example",))
    assert all("secure" in c.lower() for c in cookies(proxied, Host="workbench.bureau.example"))
    tls = TestClient(local.app, base_url="https://127.0.0.1:8765", follow_redirects=False)
    assert all("secure" in c.lower() for c in cookies(tls))
    lan = _client(embedded, user=None, host="0.0.0.0", token=TOKEN)
    assert all("secure" in c.lower() for c in cookies(lan, Authorization=f"Bearer {TOKEN}", Host="192.0.2.10:8765"))
    signed = _client(embedded)
    assert signed.cookies.get(USER_COOKIE)   # signed in over http://127.0.0.1: the cookie came back


def test_a_locked_name_costs_no_hashing_and_a_success_keeps_the_addresss_other_failures(embedded, monkeypatch) -> None:
    from graphfraud.accounts import passwords
    from graphfraud.web.sessions import MAX_FAILURES

    add_user(embedded, "zhang", "investigator", PASSWORD, admin_password=PASSWORD)
    add_user(embedded, "li", "supervisor", PASSWORD)
    app = _client(embedded, user=None).app
    hashed = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda h, p: (hashed.append(1), real(h, p))[1])

    def attempt(user: str, password: str) -> int:
        """One sign-in from a fresh browser on the same computer (one client address)."""
        browser = TestClient(app, base_url=HERE, follow_redirects=False)
        csrf = _form_token(browser.get("/login").text)
        return browser.post("/login", data={"csrf": csrf, "username": user, "password": password}).status_code

    for _ in range(MAX_FAILURES - 1):
        assert attempt("li", "wrong-password") == 401
    assert attempt("zhang", PASSWORD) == 303          # zhang signs in from the same address …
    assert attempt("wang", "wrong-password") == 401   # … which keeps li's failures: this is its fifth
    hashed.clear()
    assert attempt("zhang", PASSWORD) == 429          # the address is locked now, even for a right password
    assert attempt("li", PASSWORD) == 429
    assert hashed == []                               # and a locked attempt is refused before any hashing


def test_the_password_form_is_rate_limited_like_a_sign_in(embedded) -> None:
    from graphfraud.web.sessions import MAX_FAILURES

    client = _client(embedded)

    def form(current: str) -> dict[str, str]:
        return {"csrf": _form_token(client.get("/account").text), "current": current,
                "new": "a-new-password-0", "again": "a-new-password-0"}

    for _ in range(MAX_FAILURES):
        assert client.post("/account", data=form("wrong-password")).status_code == 400
    locked = client.post("/account", data=form(PASSWORD))
    assert locked.status_code == 429
    from graphfraud.accounts import store

    assert store.authenticate(embedded, "zhang", PASSWORD)   # the password did not change


def test_the_sign_in_page_names_no_store_and_an_engine_error_shows_no_detail(embedded, caplog) -> None:
    import logging

    from graphfraud.errors import EngineError

    secret_path = "/srv/bureau/secret-folder/db"
    visitor = _client(embedded, user=None, store=secret_path)
    page = visitor.get("/login")
    assert page.status_code == 200 and "secret-folder" not in page.text
    sign_in(visitor, embedded, "zhang")
    assert secret_path in visitor.get("/account").text            # signed in, the footer says where the trail is

    class Failing:
        """The real engine, but the ring list's query fails with a message quoting personal data."""

        name = "embedded"
        threadsafe, shared_store, gds = embedded.threadsafe, embedded.shared_store, embedded.gds

        def query(self, name: str, params=None):
            if name.startswith("rings/"):
                raise EngineError("embedded engine rejected a query: 张三 110101199003071234")
            return embedded.query(name, params)

        def run(self, cypher: str, params=None, write: bool = False):
            return embedded.run(cypher, params, write=write)

        def close(self) -> None:
            pass

    client = _client(Failing())
    with caplog.at_level(logging.INFO, logger="graphfraud.web"):
        failed = client.get("/")
    assert failed.status_code == 503 and "参考号" in failed.text
    for secret in ("110101199003071234", "张三", "rejected"):
        assert secret not in failed.text and secret not in caplog.text
    ref = re.search(r"参考号 ([0-9a-f]{8})", failed.text).group(1)
    assert f"EngineError on GET / (code -, ref {ref})" in caplog.text


def test_an_admin_cannot_change_their_own_account_and_resets_show_in_the_log(embedded) -> None:
    add_user(embedded, "zhang", "investigator", PASSWORD, admin_password=PASSWORD)
    admin = _client(embedded, user="admin")
    page = admin.get("/users").text
    assert 'action="/users/admin"' not in page and 'action="/users/zhang"' in page   # no form for oneself
    for change in ({"change": "role", "role": "supervisor"}, {"change": "disable"}):
        own = admin.post("/users/admin", data={"csrf": _form_token(admin.get("/users").text), **change})
        assert own.status_code == 400 and "own" in own.text, change
    reset = admin.post("/users/zhang", data={"csrf": _form_token(admin.get("/users").text), "change": "reset"})
    one_time = re.search(r'id="issued-password">([^<]+)<', reset.text).group(1)
    assert "账号日志" in reset.text
    log = reset.text.split('id="account-log"')[1]
    assert "重置密码" in log and "zhang" in log and one_time not in log and "$argon2" not in log
    from graphfraud.accounts import store

    assert store.get(embedded, "admin").role == "admin" and not store.get(embedded, "admin").disabled
    assert store.get(embedded, "zhang").must_change and store.get(embedded, "zhang").expires

"""The workbench in a real browser: headless Chromium (the Debian package) driven by Playwright, against a real
``graphfraud serve`` process over generated data that was loaded and detected.

An investigator's day: list → ring → graph renders (nodes counted from the vis network object) → take a step
(初审) → restart the server → the status and the trail are still there. Also: search by id, a script-like name
shows as text, a dismissed ring stays dismissed when detection runs again, the time filter, the token, the
refusal to serve beyond this computer without one, and a name rebound to 127.0.0.1 (DNS rebinding) reading nothing. Screenshots go to ``test-artifacts/screenshots/`` (CI keeps
them as artefacts).

Browser tests skip when Chromium or Playwright is missing, and fail instead when GRAPHFRAUD_REQUIRE_BROWSER=1
(CI), so a CI run can never pass by silently skipping them. Neo4j tests follow the same rule
(GRAPHFRAUD_REQUIRE_NEO4J=1).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, add_user, bundle_files, open_test_neo4j

from graphfraud.detect.run import detect
from graphfraud.load import load_directory

pytestmark = pytest.mark.slow   # drives Chromium

HOSTILE = "<img src=x onerror=alert(1)>"
TOKEN = "browser-test-token-0123456789"
SHOTS = REPO / "test-artifacts" / "screenshots"
STARTUP_SECONDS = 60


def chromium_path() -> str | None:
    """The Chromium to drive: $GRAPHFRAUD_CHROMIUM, else the Debian package's binary."""
    for candidate in (os.environ.get("GRAPHFRAUD_CHROMIUM"), "/usr/lib/chromium/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _missing(reason: str) -> None:
    if os.environ.get("GRAPHFRAUD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GRAPHFRAUD_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    path = chromium_path()
    if path is None:
        _missing("no Chromium (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``graphfraud serve`` in its own process, started and stopped like an investigator would."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.port = free_port()
        self.args = [sys.executable, "-m", "graphfraud", "serve", "--port", str(self.port), *args]
        self.log = log
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        out = self.log.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(self.args, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy())
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"graphfraud serve exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.read() == b"ok":
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"graphfraud serve did not answer in {STARTUP_SECONDS} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # as Ctrl+C: uvicorn shuts down and the engine is closed
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@dataclass
class Site:
    data: Path
    rings: list  # detected rings, highest score first
    hostile: str  # the patient whose name is script-like
    engine_args: list[str]


PASSWORD = "browser-test-password"
USERS = (("zhang", "investigator", "张稽核"), ("li", "supervisor", "李科长"))


def _prepare(engine, data: Path) -> tuple[list, str]:
    """Load and detect, add the investigators, then rename one ring member to a script-like name through a
    reload of patients.csv."""
    from graphfraud.accounts import store

    load_directory(engine, data)
    rings = detect(engine).rings
    for name, role, shown in USERS:
        if store.get(engine, name) is None:
            add_user(engine, name, role, PASSWORD, display_name=shown)
    hostile = rings[0].patients[0]
    patients = pd.read_csv(data / "patients.csv", dtype=str)
    patients.loc[patients["patient_id"] == hostile, "name"] = HOSTILE
    patients.to_csv(data / "patients.csv", index=False)
    load_directory(engine, data)
    return rings, hostile


@pytest.fixture(scope="module")
def neo4j_site(tmp_path_factory, small_data: Path) -> Site:
    engine = open_test_neo4j()
    data = tmp_path_factory.mktemp("web") / "input"
    shutil.copytree(small_data, data, ignore=shutil.ignore_patterns("rejects"))
    try:
        engine.clear()
        engine.ensure_schema()
        rings, hostile = _prepare(engine, data)
    finally:
        engine.close()
    return Site(data=data, rings=rings, hostile=hostile, engine_args=["--engine", "neo4j"])


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    """Start servers for the test; every one is stopped when it ends."""
    started: list[Server] = []

    def start(site: Site, *extra: str) -> Server:
        server = Server([*site.engine_args, *extra], tmp_path / f"serve-{len(started)}.log").start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def page(browser):
    """A fresh browser context; console errors, CSP violations and dialogs are collected to assert on."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.problems = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def graph_nodes(pg, timeout: float = 20.0) -> int:
    """Nodes the page's vis network holds, once it has drawn (read from the network object itself)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = pg.evaluate("() => (window.graphfraud && window.graphfraud.networks.length)"
                        " ? window.graphfraud.networks[0].body.data.nodes.length : -1")
        if n >= 0:
            return n
        time.sleep(0.1)
    raise AssertionError("the graph never drew")


def graph_edges(pg) -> int:
    return pg.evaluate("() => window.graphfraud.networks[0].body.data.edges.length")


def sign_in(pg, server: Server, user: str, then: str = "/") -> None:
    """Sign in through the form, as an investigator would (the page asked for first sends back to ``then``)."""
    pg.goto(server.url + then)
    pg.wait_for_url("**/login**")
    pg.fill("input[name=username]", user)
    pg.fill("input[name=password]", PASSWORD)
    pg.locator("#sign-in-form button[type=submit]").click()
    pg.wait_for_url(server.url + then)
    assert user in pg.locator("#signed-in-as").inner_text()


def _work_a_ring(pg, server: Server, ring_id: str, tag: str) -> None:
    """Sign in → list → ring → graph → 初审 → restart → still 初审 with the trail (the issue's browser flow)."""
    sign_in(pg, server, "zhang")
    scores = [float(s) for s in pg.locator("td.score").evaluate_all("cells => cells.map(c => c.dataset.score)")]
    assert scores and scores == sorted(scores, reverse=True)
    shot(pg, f"{tag}-01-ring-list")
    pg.locator(f"tr[data-ring='{ring_id}'] a.ring-link").click()
    pg.wait_for_url(f"**/rings/{ring_id}")
    assert pg.locator(".gf-canvas canvas").count() >= 1
    assert graph_nodes(pg) > 0
    pg.wait_for_timeout(800)
    shot(pg, f"{tag}-02-ring-page")
    assert pg.locator("#ring-status").inner_text() == "新发现"
    pg.locator("input[name=next_status][value=first_review]").check()
    pg.fill("textarea[name=note]", "疑似出借医保卡，调取病历")
    pg.locator("#step-form button[type=submit]").click()
    pg.wait_for_url("**done=1**")
    assert pg.locator("#ring-status").inner_text() == "初审"
    assert pg.locator("#step-done").inner_text() == "已记录：初审。"
    shot(pg, f"{tag}-03-after-first-review")


def _still_there_after_restart(pg, server: Server, ring_id: str, tag: str) -> None:
    server.stop()
    server.start()
    sign_in(pg, server, "zhang", f"/rings/{ring_id}")   # a restart signs everyone out (the key lived in the process)
    assert pg.locator("#ring-status").inner_text() == "初审"
    row = pg.locator("#trail-table tbody tr")
    assert row.count() == 1
    assert row.locator(".actor").inner_text() == "张稽核 (zhang)"
    assert "疑似出借医保卡" in row.locator(".note").inner_text()
    assert "新发现 → 初审" in row.inner_text()
    # the form now offers the next steps of the chain only, less the second review (four eyes: zhang did the first)
    offered = pg.locator("input[name=next_status]").evaluate_all("els => els.map(e => e.value)")
    assert offered == ["dismissed", "note"]
    shot(pg, f"{tag}-04-after-restart")


def test_an_investigator_works_a_ring_end_to_end_and_the_trail_survives_a_restart(neo4j_site, serve, page) -> None:
    server = serve(neo4j_site)
    ring = neo4j_site.rings[0].ring_id
    _work_a_ring(page, server, ring, "neo4j")
    assert "Neo4j" in page.locator("#trail-note").inner_text()
    _still_there_after_restart(page, server, ring, "neo4j")
    assert not page.problems and not page.dialogs


def test_search_by_any_id_lands_on_its_page(neo4j_site, serve, page) -> None:
    server = serve(neo4j_site)
    sign_in(page, server, "zhang")
    claim = pd.read_csv(neo4j_site.data / "claims.csv", dtype=str).dropna(subset=["doctor_id"]).iloc[0]
    for kind in ("patient", "card", "provider", "doctor", "claim"):
        page.goto(server.url + "/")
        page.fill("input[name=q]", claim[f"{kind}_id"])
        page.press("input[name=q]", "Enter")
        page.wait_for_url(f"**/entity/{kind}/**")
        assert page.locator("#entity-id").inner_text() == claim[f"{kind}_id"]
        assert graph_nodes(page) > 1
    shot(page, "neo4j-05-entity-page")
    ring = neo4j_site.rings[1].ring_id
    page.fill("input[name=q]", ring)
    page.press("input[name=q]", "Enter")
    page.wait_for_url(f"**/rings/{ring}")
    page.fill("input[name=q]", "NO-SUCH-ID")
    page.press("input[name=q]", "Enter")
    assert "NO-SUCH-ID" in page.locator("#search-none").inner_text()
    assert not page.dialogs


def test_a_script_like_name_shows_as_text(neo4j_site, serve, page) -> None:
    server = serve(neo4j_site)
    sign_in(page, server, "zhang", f"/entity/patient/{neo4j_site.hostile}")
    assert page.locator("#entity-name").inner_text() == HOSTILE
    assert graph_nodes(page) > 0
    page.goto(f"{server.url}/rings/{neo4j_site.rings[0].ring_id}")
    assert page.locator("td.name", has_text=HOSTILE).count() == 1
    graph_nodes(page)
    page.wait_for_timeout(500)
    assert page.locator("img[src='x']").count() == 0
    assert not page.dialogs, page.dialogs  # onerror=alert(1) never ran
    shot(page, "neo4j-06-hostile-name")


def test_a_dismissed_ring_stays_dismissed_when_detection_runs_again(neo4j_site, serve, page, tmp_path: Path) -> None:
    server = serve(neo4j_site)
    ring = neo4j_site.rings[1].ring_id
    sign_in(page, server, "li", f"/rings/{ring}")
    page.locator("input[name=next_status][value=dismissed]").check()
    page.fill("textarea[name=note]", "家庭成员共用，非欺诈")
    page.locator("#step-form button[type=submit]").click()
    page.wait_for_url("**done=1**")
    assert page.locator("#ring-status").inner_text() == "排除"
    run = subprocess.run([sys.executable, "-m", "graphfraud", "detect", "--out", str(tmp_path / "out"), "--engine", "neo4j"],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert ring in (tmp_path / "out" / "rings.json").read_text(encoding="utf-8")  # found again
    page.goto(f"{server.url}/rings/{ring}")
    assert page.locator("#ring-status").inner_text() == "排除"
    assert page.locator("#trail-table tbody tr").count() == 1
    page.goto(f"{server.url}/?status=dismissed")
    assert page.locator("tr[data-ring]").evaluate_all("rows => rows.map(r => r.dataset.ring)") == [ring]
    shot(page, "neo4j-07-dismissed-stays")


def test_the_time_filter_hides_claim_edges_outside_the_chosen_dates(neo4j_site, serve, page) -> None:
    server = serve(neo4j_site)
    busiest = pd.read_csv(neo4j_site.data / "claims.csv", dtype=str)["provider_id"].value_counts().index[0]
    sign_in(page, server, "zhang", f"/entity/provider/{busiest}?hops=1&max_nodes=60")
    before_nodes, before_edges = graph_nodes(page), graph_edges(page)
    first = page.locator(".gf-from").input_value()
    total = page.locator(".gf-count").inner_text()
    page.fill(".gf-to", first)
    page.dispatch_event(".gf-to", "change")
    assert graph_edges(page) < before_edges and graph_nodes(page) < before_nodes
    assert page.locator(".gf-count").inner_text() != total
    shot(page, "neo4j-08-time-filter")
    page.locator(".gf-reset").click()
    assert graph_edges(page) == before_edges


def test_with_a_token_requests_without_it_are_refused(neo4j_site, serve, page) -> None:
    server = serve(neo4j_site, "--token", TOKEN)
    for path in ("/", f"/rings/{neo4j_site.rings[0].ring_id}", "/static/graph.js"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + path, timeout=5)
        assert refused.value.code == 401
    request = urllib.request.Request(server.url + "/", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as ok:
        assert ok.status == 200
    page.goto(f"{server.url}/login?token={TOKEN}")
    assert page.url == server.url + "/login"  # the token left the address bar, a cookie carries it
    sign_in(page, server, "zhang")
    page.locator("a.ring-link").first.click()
    assert graph_nodes(page) > 0
    shot(page, "neo4j-09-with-token")


def test_serving_beyond_this_computer_without_a_token_is_refused(tmp_path: Path) -> None:
    port = free_port()
    run = subprocess.run([sys.executable, "-m", "graphfraud", "serve", "--host", "0.0.0.0", "--port", str(port),
                          "--engine", "embedded", "--db", str(tmp_path / "db")],
                         cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ, "GRAPHFRAUD_TOKEN": ""})
    assert run.returncode == 2
    assert "refusing to serve on 0.0.0.0" in run.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing listens
    assert not (tmp_path / "db").exists()  # refused before opening anything


@pytest.fixture(scope="module")
def embedded_site(tmp_path_factory, small_data: Path) -> Site:
    """The embedded engine's site, prepared once (read-only: each test serves its own copy, ``_embedded_site``)."""
    from graphfraud.engines.embedded import EmbeddedEngine

    folder = tmp_path_factory.mktemp("embedded-site")
    db = folder / "db"
    data = folder / "input"
    shutil.copytree(small_data, data, ignore=shutil.ignore_patterns("rejects"))
    engine = EmbeddedEngine(db)
    try:
        engine.ensure_schema()
        rings, hostile = _prepare(engine, data)
    finally:
        engine.close()
    return Site(data=data, rings=rings, hostile=hostile, engine_args=["--engine", "embedded", "--db", str(db)])


def _embedded_site(prepared: Site, folder: Path) -> Site:
    """A copy of the prepared embedded site's database in ``folder``/db, for one test to serve and change (its data
    folder and detected rings are the prepared site's, read-only)."""
    db = folder / "db"
    shutil.copyfile(prepared.engine_args[-1], db)
    return Site(data=prepared.data, rings=prepared.rings, hostile=prepared.hostile,
                engine_args=["--engine", "embedded", "--db", str(db)])


def test_the_embedded_engine_workbench_keeps_a_local_trail(embedded_site: Site, tmp_path: Path, serve, page) -> None:
    site = _embedded_site(embedded_site, tmp_path)
    rings, hostile, db = site.rings, site.hostile, tmp_path / "db"
    server = serve(site)
    _work_a_ring(page, server, rings[0].ring_id, "embedded")
    note = page.locator("#trail-note").inner_text()
    assert "单人" in note and "Neo4j" in note and str(db) in note
    _still_there_after_restart(page, server, rings[0].ring_id, "embedded")
    page.goto(f"{server.url}/entity/patient/{hostile}?lang=en")
    assert page.locator("#entity-name").inner_text() == HOSTILE
    assert "Facts" in page.locator("#facts h2").inner_text()
    assert not page.problems and not page.dialogs


def _ask(server: Server, method: str, path: str, headers: dict[str, str], body: str | None = None) -> tuple[int, str]:
    """One raw HTTP request to the server with exactly these headers (Host included), as a rebound page sends it."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        data = (body or "").encode()
        if method != "GET":
            conn.putheader("Content-Type", "application/x-www-form-urlencoded")
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data or None)
        answer = conn.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_a_rebound_name_reads_nothing_and_a_post_from_another_site_is_refused(embedded_site: Site, tmp_path: Path,
                                                                              serve, browser) -> None:
    """DNS rebinding (issue 16, item 4): evil.example re-pointed at 127.0.0.1 by the browser's resolver."""
    site = _embedded_site(embedded_site, tmp_path)
    server = serve(site)
    ring = site.rings[0].ring_id
    for host in ("evil.example", f"evil.example:{server.port}"):
        status, text = _ask(server, "GET", f"/rings/{ring}", {"Host": host})
        assert status == 400 and ring not in text and "--allow-host" in text
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}"):
        status, text = _ask(server, "GET", "/login", {"Host": host})
        assert status == 200 and "sign-in-form" in text
    step = "next_status=note&note=y"
    status, text = _ask(server, "POST", f"/rings/{ring}/steps",
                        {"Host": f"127.0.0.1:{server.port}", "Origin": "http://evil.example"}, step)
    assert status == 403 and ring not in text
    # the shared browser resolves names as usual: one more, whose resolver maps the attacker's name to this computer
    rebinding = browser.browser_type.launch(executable_path=chromium_path(), args=[
        "--no-sandbox", "--disable-dev-shm-usage", "--host-resolver-rules=MAP evil.example 127.0.0.1"])
    try:
        pg = rebinding.new_page()
        answer = pg.goto(f"http://evil.example:{server.port}/rings/{ring}")
        assert answer.status == 400 and ring not in pg.content()
        shot(pg, "embedded-10-rebound-name-refused")
        sign_in(pg, server, "zhang", f"/rings/{ring}")   # the investigator's own page, by its address: served
        assert pg.locator("#ring-status").inner_text() == "新发现"
        assert pg.locator("#trail-table tbody tr").count() == 0   # the refused post left no step
    finally:
        rebinding.close()


def test_two_investigators_four_eyes_assignment_overdue_search_sort_export_and_a_bundle(embedded_site: Site,
                                                                                       tmp_path: Path, serve,
                                                                                       page) -> None:
    """Issue 18's walk in a real browser, embedded engine: zhang takes the first review and is refused the second
    (not offered, and refused when posted anyway); he finds a person by name, sorts the list, exports it and a case
    bundle while the workbench runs; li takes the second review and assigns the case; zhang finds it in 我的案件; an
    appeal entered a month ago shows overdue."""
    import csv
    import io
    from datetime import date, timedelta

    from graphfraud.bundle import verify_bundle
    from graphfraud.case import trail
    from graphfraud.engines.embedded import EmbeddedEngine

    site = _embedded_site(embedded_site, tmp_path)
    ring, late = site.rings[0].ring_id, site.rings[1].ring_id
    engine = EmbeddedEngine(tmp_path / "db")
    try:   # a case whose appeal began a month ago: past its deadline of 10 working days
        month_ago = (date.today() - timedelta(days=30)).isoformat() + "T09:00:00+08:00"
        trail.record(engine, late, "status", "zhang", to_status="first_review", at=month_ago)
        trail.record(engine, late, "status", "li", to_status="second_review", at=month_ago)
        trail.record(engine, late, "status", "li", to_status="appeal", at=month_ago)
        member = pd.read_csv(site.data / "patients.csv", dtype=str).set_index("patient_id").loc[site.rings[0].patients[1]]
    finally:
        engine.close()
    server = serve(site)
    pg = page
    sign_in(pg, server, "zhang")
    shot(pg, "issue18-01-signed-in-list")
    # sort by amount at risk: the header sorts, a second click reverses
    pg.locator("a.sort[data-sort=amount_at_risk]").click()
    pg.wait_for_url("**sort=amount_at_risk**")
    by_amount = [r.ring_id for r in sorted(site.rings, key=lambda r: (-r.amount_at_risk, -r.score, r.ring_id))]
    assert pg.locator("tr[data-ring]").evaluate_all("rows => rows.map(r => r.dataset.ring)") == by_amount
    pg.locator("a.sort[data-sort=amount_at_risk]").click()
    pg.wait_for_url("**desc=0**")
    assert pg.locator("tr[data-ring]").evaluate_all("rows => rows.map(r => r.dataset.ring)") == by_amount[::-1]
    shot(pg, "issue18-02-sorted-by-amount")
    with pg.expect_download() as listed:
        pg.locator("#export-csv").click()
    rows = list(csv.reader(io.StringIO(Path(listed.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == by_amount[::-1] and rows[0][:2] == ["团伙", "评分"]
    # the overdue appeal
    pg.goto(server.url + "/")
    pg.locator("input[name=overdue]").check()
    pg.locator("form.filters button[type=submit]").click()
    pg.wait_for_url("**overdue=1**")
    assert pg.locator("tr[data-ring]").evaluate_all("rows => rows.map(r => r.dataset.ring)") == [late]
    assert pg.locator(f"tr[data-ring='{late}'] .overdue").count() == 1
    shot(pg, "issue18-03-overdue-appeal")
    # search by a member's name
    pg.fill("input[name=q]", member["name"])
    pg.press("input[name=q]", "Enter")
    pg.wait_for_load_state()
    if "/entity/patient/" not in pg.url:
        pg.locator(f"#search-matches a[href='/entity/patient/{site.rings[0].patients[1]}']").click()
    pg.wait_for_url(f"**/entity/patient/{site.rings[0].patients[1]}")
    shot(pg, "issue18-04-found-by-name")
    # first review by zhang; the second review is not his to take
    pg.goto(f"{server.url}/rings/{ring}")
    pg.locator("input[name=next_status][value=first_review]").check()
    pg.fill("textarea[name=note]", "初审：疑似团伙")
    pg.locator("#step-form button[type=submit]").click()
    pg.wait_for_url("**done=1**")
    offered = pg.locator("input[name=next_status]").evaluate_all("els => els.map(e => e.value)")
    assert "second_review" not in offered
    csrf = pg.locator("#step-form input[name=csrf]").input_value()
    forced = pg.request.post(f"{server.url}/rings/{ring}/steps", form={
        "csrf": csrf, "next_status": "second_review", "expected": "first_review"})
    assert forced.status == 403 and "四眼原则" in forced.text()
    # a bundle from the ring page while the workbench holds the embedded database
    with pg.expect_download() as exported:
        pg.locator("#bundle-form button[type=submit]").click()
    bundle = tmp_path / "from-the-page.zip"
    exported.value.save_as(bundle)
    assert verify_bundle(bundle).intact
    assert json_of(bundle)["export"]["by"] == "zhang"
    pg.goto(f"{server.url}/rings/{ring}")
    assert pg.locator("#trail-table tbody tr").count() == 2          # the first review and the export
    shot(pg, "issue18-05-first-review-and-export")
    pg.locator("#sign-out button").click()
    pg.wait_for_url("**/login")
    # li, a supervisor, takes the second review and gives the case to zhang
    sign_in(pg, server, "li", f"/rings/{ring}")
    pg.locator("input[name=next_status][value=second_review]").check()
    pg.locator("#step-form button[type=submit]").click()
    pg.wait_for_url("**done=3**")
    assert pg.locator("#ring-status").inner_text() == "复审"
    pg.select_option("#assign-form select[name=assignee]", "zhang")
    pg.locator("#assign-form button[type=submit]").click()
    pg.wait_for_url("**done=4**")
    assert "张稽核" in pg.locator("#ring-assignee").inner_text()
    shot(pg, "issue18-06-second-review-by-another-and-assigned")
    pg.locator("#sign-out button").click()
    sign_in(pg, server, "zhang")
    pg.locator("#my-cases").click()
    pg.wait_for_url("**assignee=me**")
    assert pg.locator("tr[data-ring]").evaluate_all("rows => rows.map(r => r.dataset.ring)") == [ring]
    shot(pg, "issue18-07-my-cases")
    assert not pg.problems and not pg.dialogs


def json_of(bundle: Path) -> dict:
    import json

    return json.loads(bundle_files(bundle)["manifest.json"])

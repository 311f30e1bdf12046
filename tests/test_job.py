"""Scheduled jobs end to end: two days of deliveries, re-deliveries, kills, concurrent runs, webhooks, history.

Data: the shared small data set cut into two deliveries (graphfraud.deliveries, conftest.py's ``small_days``):
day 2 brings a planted ring that was not there (new) and the last recruits
of a planted ring found on day 1 (grown), plus two weeks of ordinary claims.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphfraud.case import trail
from graphfraud.cli import app
from graphfraud.detect.store import stored_ring, stored_rings
from graphfraud.engines.embedded import EmbeddedEngine
from graphfraud.job import history
from graphfraud.job.config import load_job_config
from graphfraud.job.lock import job_lock
from graphfraud.job.run import JobContext, exit_code, run_job

pytestmark = pytest.mark.slow   # runs whole jobs

REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- data and helpers

@pytest.fixture(scope="module")
def days(small_days) -> dict[str, Any]:
    """The small data's two deliveries (conftest.py's ``small_days``): day 2 plants a new drain ring and grows a
    collector ring."""
    return small_days


def job_folder(root: Path, engine: str = "embedded", **sections: dict[str, Any]) -> Path:
    """A job folder with an empty inbox and a job.toml; ``sections`` add or override tables."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "inbox").mkdir(exist_ok=True)
    tables: dict[str, dict[str, Any]] = {
        "job": {"min_age": 0},
        "bundles": {"min_score": 2.0},  # off unless a test turns it on
        "engine": {"name": engine},
        "embedded": {"path": "db/graph"},
    }
    for name, values in sections.items():
        tables.setdefault(name.replace("__", "."), {}).update(values)
    lines = []
    for name, values in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {_toml(v)}" for k, v in values.items()]
    (root / "job.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root / "job.toml"


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def deliver(days: dict[str, Any], job: Path, day: str, as_name: str | None = None) -> None:
    shutil.copytree(days["dir"] / day, job.parent / "inbox" / (as_name or day))


def run(job: Path, engine) -> list[history.JobRun]:
    config = load_job_config(job)
    with job_lock(config.lock_file):
        return run_job(JobContext(config, engine))


def alerts_of(job: Path) -> list[dict[str, Any]]:
    path = job.parent / "out" / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def patients(alert: dict[str, Any]) -> set[str]:
    return set(alert["members"].get("patient", []))


def matching(alert: dict[str, Any], truth: dict[str, Any]) -> str:
    """The planted ring the alert's ring shares most patients with."""
    return max(truth, key=lambda t: len(patients(alert) & set(truth[t]["patients"])))


def memberships(engine) -> dict[str, list[str]]:
    out = {}
    for ring in stored_rings(engine):
        entry = stored_ring(engine, ring["ring_id"])
        out[ring["ring_id"]] = sorted(f"{m['type']}:{m['id']}" for m in entry["members"])
    return out


def graph_state(engine) -> dict[str, Any]:
    """What must be equal after a clean run and after a killed-and-resumed one."""
    files = engine.run("MATCH (f:InboxFile) RETURN f.name AS name, f.status AS status ORDER BY name").to_dict("records")
    runs = engine.run("MATCH (r:DetectionRun) RETURN r.outcome AS outcome, r.files AS files, r.accepted AS accepted, "
                      "r.rings AS rings, r.alerts AS alerts ORDER BY r.run_id").to_dict("records")
    return {"counts": engine.counts(), "rings": memberships(engine), "files": files, "runs": runs}


def alert_keys(job: Path) -> list[tuple[str, str, str]]:
    return sorted((a["alert_id"], a["change"], a["ring_id"]) for a in alerts_of(job))


# --------------------------------------------------------------------------- day 1, day 2

def test_day_two_alerts_exactly_the_new_ring_and_the_grown_ring(engine, tmp_path: Path, days) -> None:
    job = job_folder(tmp_path / "job", engine.name)
    deliver(days, job, "day-1")
    [first] = run(job, engine)
    assert first.outcome == "completed" and exit_code([first]) == 0
    day1 = alerts_of(job)
    assert day1 and {a["change"] for a in day1} == {"new"}
    assert days["new"] not in {matching(a, days["truth"]) for a in day1}  # the day-2 ring is not there yet
    grown_day1 = next(a for a in day1 if matching(a, days["truth"]) == days["grown"])

    deliver(days, job, "day-2")
    [second] = run(job, engine)
    assert second.outcome == "completed"
    fresh = alerts_of(job)[len(day1):]
    assert sorted(a["change"] for a in fresh) == ["grown", "new"]
    new = next(a for a in fresh if a["change"] == "new")
    grown = next(a for a in fresh if a["change"] == "grown")
    assert matching(new, days["truth"]) == days["new"]
    assert patients(new) <= set(days["truth"][days["new"]]["patients"])
    assert grown["ring_id"] == grown_day1["ring_id"]  # same ring, same id
    # the alert names only members of that ring: some the day added, others whose part the day's claims revealed
    added = set(grown["added"]["patient"])
    assert added & set(days["changes"]["grown"][days["grown"]])
    assert added <= set(days["truth"][days["grown"]]["patients"])
    assert grown["removed"] == {} and grown["reopened"] is False
    assert second.details["change_counts"]["unchanged"] == first.details["rings"] - 1
    assert history.recent(engine)[0]["changes"] == second.details["change_counts"]


def test_the_same_day_delivered_twice_loads_once_and_alerts_nothing(engine, tmp_path: Path, days) -> None:
    job = job_folder(tmp_path / "job", engine.name)
    deliver(days, job, "day-1")
    run(job, engine)
    counts, alerts = engine.counts(), alerts_of(job)

    deliver(days, job, "day-1", as_name="day-1-again")  # the same bytes under another name
    [again] = run(job, engine)
    assert again.outcome == "nothing_new" and exit_code([again]) == 0
    assert len(again.details["skipped"]) == 14 and again.deliveries == []  # day-1 (7 files) and its copy
    after = engine.counts()
    assert {k: v for k, v in after.items() if k != "DetectionRun"} == {k: v for k, v in counts.items() if k != "DetectionRun"}
    assert after["DetectionRun"] == counts["DetectionRun"] + 1
    assert alerts_of(job) == alerts

    # detecting again on the same data finds every ring unchanged and says nothing
    job_folder(job.parent, engine.name, job={"detect_without_new_files": True})
    [detected] = run(job, engine)
    assert detected.outcome == "completed" and set(detected.details["change_counts"]) == {"unchanged"}
    assert detected.details["alerts"] == [] and alerts_of(job) == alerts


def test_a_dismissed_ring_that_grows_is_reopened_and_an_unchanged_one_stays_dismissed(engine, tmp_path: Path, days) -> None:
    job = job_folder(tmp_path / "job", engine.name)
    deliver(days, job, "day-1")
    run(job, engine)
    by_planted = {matching(a, days["truth"]): a["ring_id"] for a in alerts_of(job)}
    grown_id = by_planted[days["grown"]]
    still_id = next(r for t, r in sorted(by_planted.items()) if t != days["grown"])
    for ring_id in (grown_id, still_id):
        trail.record(engine, ring_id, "status", "张稽核", "样本核实无异常", to_status="dismissed")

    deliver(days, job, "day-2")
    [second] = run(job, engine)
    assert second.details["reopen"] == [grown_id]
    steps = trail.history(engine, grown_id)
    assert [(s.action, s.to_status, s.actor) for s in steps] == [("status", "dismissed", "张稽核"),
                                                                  ("reopened", "new", "graphfraud-job")]
    assert steps[-1].details["change"] == "grown" and steps[-1].details["run_id"] == second.run_id
    assert trail.current_status(engine, still_id) == "dismissed" and len(trail.history(engine, still_id)) == 1
    grown = next(a for a in alerts_of(job) if a["change"] == "grown")
    assert grown["reopened"] is True and grown["status"] == "new"


# --------------------------------------------------------------------------- kills

def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHFRAUD_JOB_")}
    env.update(extra or {})
    return env


def _start(job: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "graphfraud", "job", "run", "-c", str(job), *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before its hold point: {proc.communicate()[1][-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the run never reached its hold point")
        time.sleep(0.05)


def _run_cli(job: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphfraud", "job", "run", "-c", str(job)],
                          env=env or _env(), capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def after_day_one(tmp_path_factory, days) -> Path:
    """A job folder (embedded database included) as day 1's run left it, to copy for each kill."""
    job = job_folder(tmp_path_factory.mktemp("day1") / "job")
    deliver(days, job, "day-1")
    done = _run_cli(job)
    assert done.returncode == 0, done.stderr
    deliver(days, job, "day-2")
    return job


@pytest.fixture(scope="module")
def clean_day_two(tmp_path_factory, after_day_one) -> dict[str, Any]:
    job = tmp_path_factory.mktemp("clean") / "job" / "job.toml"
    shutil.copytree(after_day_one.parent, job.parent)
    done = _run_cli(job)
    assert done.returncode == 0, done.stderr
    engine = EmbeddedEngine(job.parent / "db" / "graph")
    try:
        return {"state": graph_state(engine), "alerts": alert_keys(job)}
    finally:
        engine.close()


KILL_POINTS = [
    "load:Claim",                   # in the middle of the load: claims written, their relationships not yet
    "loaded",                       # the load committed, its files not yet marked
    "query:rings/member_patient",   # in the middle of detection's write-back: rings upserted, members cleared
    "detected",                     # rings written back, the run's changes and alerts not yet saved
    "alert:1",                      # one alert line of two written
]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_run_killed_at_any_step_and_run_again_ends_like_a_clean_run(tmp_path: Path, after_day_one, clean_day_two,
                                                                      point: str) -> None:
    job = tmp_path / "job" / "job.toml"
    shutil.copytree(after_day_one.parent, job.parent)
    marker = tmp_path / "held"
    proc = _start(job, _env({"GRAPHFRAUD_JOB_HOLD_AT": point, "GRAPHFRAUD_JOB_HOLD_FILE": str(marker)}))
    _wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    again = _run_cli(job)
    assert again.returncode == 0, again.stderr
    assert "resuming after step" in again.stderr
    engine = EmbeddedEngine(job.parent / "db" / "graph")
    try:
        state = graph_state(engine)
        resumed = history.recent(engine, 1)[0]
    finally:
        engine.close()
    assert state == clean_day_two["state"]
    assert alert_keys(job) == clean_day_two["alerts"]
    assert resumed["attempts"] == 2 and resumed["outcome"] == "completed"


def test_an_abandoned_run_is_not_resumed_and_a_forced_detection_tells_what_it_would_have(tmp_path: Path, after_day_one,
                                                                                          clean_day_two) -> None:
    job = tmp_path / "job" / "job.toml"
    shutil.copytree(after_day_one.parent, job.parent)
    marker = tmp_path / "held"
    proc = _start(job, _env({"GRAPHFRAUD_JOB_HOLD_AT": "detected", "GRAPHFRAUD_JOB_HOLD_FILE": str(marker)}))
    _wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    engine = EmbeddedEngine(job.parent / "db" / "graph")
    try:
        [killed] = history.unfinished(engine)
    finally:
        engine.close()

    runner = CliRunner()
    gave_up = runner.invoke(app, ["job", "abandon", killed, "-c", str(job)])
    assert gave_up.exit_code == 0, gave_up.output
    assert runner.invoke(app, ["job", "abandon", killed, "-c", str(job)]).exit_code == 2  # not unfinished any more
    quiet = _run_cli(job)
    assert quiet.returncode == 0 and "resuming" not in quiet.stderr and "nothing new" in quiet.stderr
    assert alert_keys(job) == alert_keys(after_day_one)  # the abandoned run's changes were never told
    forced = subprocess.run([sys.executable, "-m", "graphfraud", "job", "run", "-c", str(job), "--detect"], env=_env(),
                            capture_output=True, text=True, timeout=300)
    assert forced.returncode == 0, forced.stderr
    assert alert_keys(job) == clean_day_two["alerts"]
    engine = EmbeddedEngine(job.parent / "db" / "graph")
    try:
        outcomes = [r["outcome"] for r in history.recent(engine)]
    finally:
        engine.close()
    assert outcomes == ["completed", "nothing_new", "abandoned", "completed"]


def test_a_run_killed_inside_a_bundle_export_records_it_once_and_puts_the_zip_in_place(tmp_path: Path, after_day_one) -> None:
    from graphfraud.bundle import verify_bundle
    from graphfraud.bundle.verify import recorded_export

    job = tmp_path / "job" / "job.toml"
    shutil.copytree(after_day_one.parent, job.parent)
    job_folder(job.parent, bundles={"min_score": 0.5})  # every new ring of the day gets a bundle (what is tested is the step)
    marker = tmp_path / "held"
    proc = _start(job, _env({"GRAPHFRAUD_JOB_HOLD_AT": "done:case/record_event", "GRAPHFRAUD_JOB_HOLD_FILE": str(marker)}))
    _wait_for(marker, proc)  # the export is on the trail, the zip not yet in place
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    [zip_path] = list((job.parent / "out" / "bundles").iterdir())
    assert zip_path.name.endswith(".tmp")

    again = _run_cli(job)
    assert again.returncode == 0, again.stderr
    [bundle] = list((job.parent / "out" / "bundles").iterdir())
    ring_id = bundle.stem
    new = [a for a in alerts_of(job) if a["change"] == "new" and a["run_id"] == json.loads(
        (job.parent / "out" / "rings.json").read_text(encoding="utf-8"))["run_id"]]
    assert [a["ring_id"] for a in new] == [ring_id]
    checked = verify_bundle(bundle)
    assert checked.intact
    engine = EmbeddedEngine(job.parent / "db" / "graph")
    try:
        exports = [e for e in trail.history(engine, ring_id) if e.action == "export"]
        assert len(exports) == 1 and exports[0].actor == "graphfraud-job"
        assert recorded_export(engine, checked) == exports[0]
    finally:
        engine.close()


def test_a_bundle_that_cannot_be_drawn_is_recorded_and_the_job_goes_on(tmp_path: Path, after_day_one, monkeypatch) -> None:
    import graphfraud.bundle

    def crash(*args, **kwargs):
        raise RuntimeError("raqm_layout() failed.")  # what Pillow said of an id with a carriage return (issue 16)

    monkeypatch.setattr(graphfraud.bundle, "export_bundle", crash)
    job = tmp_path / "job" / "job.toml"
    shutil.copytree(after_day_one.parent, job.parent)
    job_folder(job.parent, bundles={"min_score": 0.5})  # every new ring of the day gets a bundle (what is tested is the step)
    engine = EmbeddedEngine(job.parent / "db" / "graph")
    try:
        [first] = run(job, engine)
        assert first.outcome == "completed_with_errors" and first.step == "finished"
        [error] = first.details["bundle_errors"]
        assert error["error"] == "drawing the bundle failed on it (RuntimeError); report this as a bug"
        assert run(job, engine)[0].outcome == "nothing_new"  # not resumed, not failed again
    finally:
        engine.close()


def test_a_run_killed_mid_load_on_neo4j_and_run_again_ends_like_a_clean_run(neo4j, tmp_path: Path, days,
                                                                            clean_day_two) -> None:
    from conftest import neo4j_settings

    settings = neo4j_settings()
    env = _env({"NEO4J_URI": settings.neo4j.uri, "NEO4J_USER": settings.neo4j.user,
                "NEO4J_PASSWORD": settings.neo4j.password or "", "NEO4J_DATABASE": settings.neo4j.database})
    job = job_folder(tmp_path / "job", "neo4j")
    deliver(days, job, "day-1")
    assert _run_cli(job, env).returncode == 0
    deliver(days, job, "day-2")
    marker = tmp_path / "held"
    proc = _start(job, {**env, "GRAPHFRAUD_JOB_HOLD_AT": "load:Claim", "GRAPHFRAUD_JOB_HOLD_FILE": str(marker)})
    _wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    again = _run_cli(job, env)
    assert again.returncode == 0, again.stderr
    assert graph_state(neo4j) == clean_day_two["state"]  # the same graph as the clean run on the embedded engine
    assert alert_keys(job) == clean_day_two["alerts"]


# --------------------------------------------------------------------------- concurrency

def test_two_runs_started_together_one_exits_cleanly_and_one_waits(tmp_path: Path, days) -> None:
    job = job_folder(tmp_path / "job")
    deliver(days, job, "day-1")
    marker = tmp_path / "held"
    first = _start(job, _env({"GRAPHFRAUD_JOB_HOLD_AT": "planned", "GRAPHFRAUD_JOB_HOLD_FILE": str(marker)}))
    _wait_for(marker, first)  # the first run holds the lock, in the middle of its run

    impatient = subprocess.run([sys.executable, "-m", "graphfraud", "job", "run", "-c", str(job)], env=_env(),
                               capture_output=True, text=True, timeout=120)
    assert impatient.returncode == 75
    assert "another job run holds" in impatient.stderr and f"pid {first.pid}" in impatient.stderr

    patient = _start(job, _env(), "--lock-wait", "120")
    time.sleep(1.5)
    assert patient.poll() is None  # still waiting for the lock
    marker.unlink()  # let the first run go on
    assert first.wait(timeout=120) == 0, first.communicate()[1]
    assert patient.wait(timeout=120) == 0, patient.communicate()[1]
    engine = EmbeddedEngine(job.parent / "db" / "graph")
    try:
        runs = history.recent(engine)
    finally:
        engine.close()
    assert [r["outcome"] for r in runs] == ["nothing_new", "completed"]  # the waiting run found the files loaded
    assert runs[1]["files"] == 7 and runs[0]["files_skipped"] == 7  # day-1: claims, items, purchases and four side tables


# --------------------------------------------------------------------------- webhook

class _Hook:
    """A real local HTTP server that refuses the first ``fail`` requests with 503, then takes every alert."""

    def __init__(self, fail: int) -> None:
        self.fail, self.requests, self.taken = fail, 0, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests += 1
                if hook.requests <= hook.fail:
                    self.send_response(503)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                hook.taken.append((self.headers["Idempotency-Key"], self.headers["Authorization"], json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook?access_token=secret-in-url"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Hook:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_webhook_gets_every_alert_once_after_failing_first(embedded, tmp_path: Path, days, monkeypatch, caplog) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "t0ken")
    with _Hook(fail=2) as hook:
        job = job_folder(tmp_path / "job", alerts__webhook={"url": hook.url, "retries": 3, "backoff": 0.05,
                                                            "headers": {"Authorization": "Bearer ${HOOK_TOKEN}"}})
        deliver(days, job, "day-1")
        with caplog.at_level("INFO", logger="graphfraud.job"):
            [done] = run(job, embedded)
    written = alerts_of(job)
    assert done.outcome == "completed" and done.undelivered == []
    assert hook.requests == len(written) + 2
    assert [key for key, _, _ in hook.taken] == [a["alert_id"] for a in written]
    assert [body for _, _, body in hook.taken] == written
    assert {auth for _, auth, _ in hook.taken} == {"Bearer t0ken"}
    assert "on attempt 3" in caplog.text and "secret-in-url" not in caplog.text and "t0ken" not in caplog.text


def test_alerts_the_webhook_did_not_take_are_sent_by_the_next_run(engine, tmp_path: Path, days) -> None:
    with _Hook(fail=10_000) as down:
        job = job_folder(tmp_path / "job", engine.name, alerts__webhook={"url": down.url, "retries": 1, "backoff": 0})
        deliver(days, job, "day-1")
        [first] = run(job, engine)
    assert first.outcome == "completed_with_errors" and exit_code([first]) == 3
    assert len(first.undelivered) == len(alerts_of(job)) > 0
    with _Hook(fail=0) as up:
        job_folder(job.parent, engine.name, alerts__webhook={"url": up.url, "retries": 1, "backoff": 0})
        [second] = run(job, engine)  # nothing new in the inbox: it only delivers
    assert second.outcome == "nothing_new"
    assert sorted(key for key, _, _ in up.taken) == sorted(first.undelivered)
    assert history.load(engine, first.run_id).undelivered == []


# --------------------------------------------------------------------------- inbox

def test_files_still_being_written_or_refused_are_not_marked_loaded(embedded, tmp_path: Path, days) -> None:
    job = job_folder(tmp_path / "job")
    deliver(days, job, "day-1")
    broken = job.parent / "inbox" / "day-x"
    broken.mkdir()
    (broken / "claims.csv").write_text("claim_id,patient_id\nX1,P1\n", encoding="utf-8")  # required columns missing
    (job.parent / "inbox" / "day-1" / "claims_late.csv.part").write_text("partial upload", encoding="utf-8")
    [first] = run(job, embedded)
    assert first.outcome == "completed_with_errors" and exit_code([first]) == 3
    refused = next(d for d in first.deliveries if d["name"] == "day-x")
    assert refused["status"] == "quarantined" and "missing required column" in refused["reason"]
    known = inbox_known(embedded)
    assert known["day-x/claims.csv"] == "quarantined" and known["day-1/claims.csv"] == "loaded"
    assert not any(name.endswith(".part") for name in known)

    # the same bytes are left alone; fixed (new bytes), the file loads
    [again] = run(job, embedded)
    assert again.outcome == "nothing_new" and [f["name"] for f in again.details["quarantined"]] == ["day-x/claims.csv"]
    shutil.copyfile(days["dir"] / "day-2" / "claims.csv", broken / "claims.csv")
    [second] = run(job, embedded)
    assert second.outcome == "completed" and second.counts()["files"] == 1


TINY = ("claim_id,patient_id,card_id,provider_id,ts,amount,visit_type\n"
        "{p}1,{p}P1,{p}C1,Y1,2026-01-05T10:00:00,10,outpatient\n{p}2,{p}P2,{p}C2,Y1,2026-01-05T11:00:00,12,outpatient\n")


def test_a_delivery_that_cannot_be_read_is_quarantined_and_the_next_deliveries_load(embedded, tmp_path: Path) -> None:
    job = job_folder(tmp_path / "job")
    inbox = job.parent / "inbox"
    (inbox / "d1").mkdir()
    (inbox / "d1" / "claims.csv").write_text("", encoding="utf-8")  # empty: pandas' EmptyDataError before issue 16
    (inbox / "d2").mkdir()
    (inbox / "d2" / "claims.csv").write_text(TINY.format(p="B") + "B3,BP3,BC3,Y1,2999-12-31T23:59:59,5,outpatient\n",
                                             encoding="utf-8")
    [first] = run(job, embedded)
    by_name = {d["name"]: d for d in first.deliveries}
    assert first.outcome == "completed_with_errors" and exit_code([first]) == 3
    assert by_name["d1"]["status"] == "quarantined" and by_name["d1"]["reason"].startswith("claims.csv:")
    assert (by_name["d2"]["status"], by_name["d2"]["accepted"], by_name["d2"]["rejected"]) == ("loaded", 2, 1)
    folder = Path(by_name["d1"]["quarantine"])
    assert folder.parent == job.parent / "out" / "quarantine" / first.run_id and (folder / "claims.csv").is_file()
    record = json.loads((folder / "quarantine.json").read_text(encoding="utf-8"))
    assert record["reason"] == by_name["d1"]["reason"] and record["files"][0]["name"] == "d1/claims.csv"
    [alert] = [a for a in alerts_of(job) if a["change"] == "quarantined"]
    assert alert["alert_id"].startswith("Q-") and alert["delivery"] == "d1" and alert["reason"] == record["reason"]
    assert (inbox / "d1" / "claims.csv").is_file()  # the inbox is never changed
    [shown] = history.recent(embedded, 1)
    assert shown["files"] == 1 and shown["files_failed"] == 1

    # a later delivery loads; the quarantined one is not tried again (and fails nothing)
    (inbox / "d3").mkdir()
    (inbox / "d3" / "claims.csv").write_text(TINY.format(p="C"), encoding="utf-8")
    [second] = run(job, embedded)
    assert second.outcome == "completed" and [d["name"] for d in second.deliveries] == ["d3"]
    assert embedded.counts()["Claim"] == 4 and [a["change"] for a in alerts_of(job)].count("quarantined") == 1

    # released by an operator, the same bytes go through again (and are quarantined again: still empty)
    assert history.release(embedded, "d1", "2026-02-01T08:00:00+08:00") == ["d1/claims.csv"]
    [third] = run(job, embedded)
    assert [(d["name"], d["status"]) for d in third.deliveries] == [("d1", "quarantined")]
    refused = CliRunner().invoke(app, ["job", "release", "nope", "-c", str(job)])  # the job's own (empty) database
    assert refused.exit_code == 2 and "nothing quarantined is named 'nope'" in refused.output


def test_a_patients_file_without_its_header_leaves_no_personal_data_in_the_log_marks_or_run(embedded, tmp_path: Path) -> None:
    job = job_folder(tmp_path / "job")
    delivery = job.parent / "inbox" / "d1"
    delivery.mkdir()
    (delivery / "claims.csv").write_text(TINY.format(p="A"), encoding="utf-8")
    (delivery / "patients.csv").write_text("AP1,蔡静英,M,2008-12-22,13012345679,北京市朝阳区建国路1号\n", encoding="utf-8")
    from graphfraud.job import logs

    logs.setup(job.parent / "state" / "job.log")
    try:
        [first] = run(job, embedded)
    finally:
        logs.setup(None)
    assert first.deliveries[0]["status"] == "quarantined" and "no header row" in first.deliveries[0]["reason"]
    stored = [embedded.run("MATCH (r:DetectionRun) RETURN r.details AS d, r.error AS e").to_json(force_ascii=False),
              embedded.run("MATCH (f:InboxFile) RETURN f.reason AS r").to_json(force_ascii=False),
              (job.parent / "state" / "job.log").read_text(encoding="utf-8"),
              (job.parent / "out" / "alerts.jsonl").read_text(encoding="utf-8")]
    for text in stored:
        assert "quarantined" in text or "no header row" in text
        for value in ("AP1", "蔡静英", "2008-12-22", "13012345679", "北京市"):
            assert value not in text, value


def test_a_reader_crash_quarantines_the_delivery_without_quoting_its_data(embedded, tmp_path: Path, monkeypatch,
                                                                          caplog) -> None:
    import graphfraud.job.run as job_run

    def crash(directory, mapping=None, rejects_dir=None):
        if directory.name.endswith("d1"):
            raise ValueError("could not convert 'P000001 蔡静英 13012345679'")
        return real(directory, mapping, rejects_dir)

    real = job_run.read_folder
    monkeypatch.setattr(job_run, "read_folder", crash)
    job = job_folder(tmp_path / "job")
    for name, prefix in (("d1", "A"), ("d2", "B")):
        (job.parent / "inbox" / name).mkdir()
        (job.parent / "inbox" / name / "claims.csv").write_text(TINY.format(p=prefix), encoding="utf-8")
    [first] = run(job, embedded)
    assert [d["status"] for d in first.deliveries] == ["quarantined", "loaded"]
    assert first.deliveries[0]["reason"] == "the reader failed on it (ValueError); report this as a bug"
    stored = embedded.run("MATCH (r:DetectionRun) RETURN r.details AS d")["d"].iloc[0]
    for text in (stored, caplog.text, json.dumps(alerts_of(job), ensure_ascii=False)):
        assert "蔡静英" not in text and "13012345679" not in text


def test_a_file_changed_moments_ago_waits_for_the_next_run(embedded, tmp_path: Path, days) -> None:
    job = job_folder(tmp_path / "job", job={"min_age": 3600})
    deliver(days, job, "day-1")
    [run1] = run(job, embedded)
    assert run1.outcome == "nothing_new" and len(run1.details["young"]) == 7
    old = time.time() - 7200
    for path in (job.parent / "inbox" / "day-1").iterdir():
        os.utime(path, (old, old))
    [run2] = run(job, embedded)
    assert run2.outcome == "completed" and run2.counts()["files"] == 7


def test_loose_files_load_and_side_files_come_with_their_claims_or_wait(embedded, tmp_path: Path, days) -> None:
    import pandas as pd

    job = job_folder(tmp_path / "job")
    top = job.parent / "inbox"
    for path in (days["dir"] / "day-1").iterdir():
        shutil.copyfile(path, top / path.name)  # loose files at the top of the inbox
    [first] = run(job, embedded)
    assert [(d["name"], d["status"]) for d in first.deliveries] == [(".", "loaded")]
    claims = embedded.counts()["Claim"]

    patients = pd.read_csv(days["dir"] / "day-1" / "patients.csv", dtype=str, keep_default_na=False).head(3)
    patients["address"] = "上海市浦东新区新路1号1栋101室"
    patients.to_csv(top / "patients_update.csv", index=False)  # a new side file, no new claims file
    side_only = top / "2026-02-01"
    side_only.mkdir()
    patients.assign(address="北京市朝阳区新路2号").to_csv(side_only / "patients.csv", index=False)  # no claims file at all
    [second] = run(job, embedded)
    by_name = {d["name"]: d for d in second.deliveries}
    assert by_name["."]["status"] == "loaded" and [f["name"] for f in by_name["."]["files"]] == ["patients_update.csv"]
    assert by_name["2026-02-01"]["status"] == "waiting"
    assert embedded.counts()["Claim"] == claims
    moved = embedded.run("MATCH (p:Patient {patient_id: $id}) RETURN p.address AS address",
                         {"id": patients["patient_id"].iloc[0]})["address"].iloc[0]
    assert moved == "上海市浦东新区新路1号1栋101室"
    known = inbox_known(embedded)
    assert known["patients_update.csv"] == "loaded" and "2026-02-01/patients.csv" not in known  # it waits, unmarked


def inbox_known(engine) -> dict[str, str]:
    return {r["name"]: r["status"] for r in engine.run("MATCH (f:InboxFile) RETURN f.name AS name, f.status AS status")
            .to_dict("records")}


def test_a_run_record_keeps_its_state_until_finished_and_an_unfinished_one_can_be_abandoned(engine) -> None:
    run = history.JobRun("run-20260131T023000", "2026-01-31T02:30:00+08:00", engine.name,
                         details={"deliveries": [{"name": "d", "files": [{"name": "d/claims.csv"}], "status": "loaded",
                                                  "accepted": 10, "rejected": 2}]},
                         carry=[{"ring_id": "R-1", "status": "dismissed", "first_seen": None, "patients": ["P1"]}])
    history.save(engine, run)
    assert history.unfinished(engine) == [run.run_id]
    back = history.load(engine, run.run_id)
    assert back.carry == run.carry and back.counts() == {"files": 1, "files_skipped": 0, "files_failed": 0,
                                                         "accepted": 10, "rejected": 2}
    assert history.abandon(engine, run.run_id, "2026-01-31T03:00:00+08:00", "given up")
    assert not history.abandon(engine, run.run_id, "2026-01-31T03:00:00+08:00", "given up")
    assert history.unfinished(engine) == [] and history.load(engine, run.run_id).carry is None
    assert history.recent(engine)[0]["outcome"] == "abandoned"


# --------------------------------------------------------------------------- history and CLI

def test_history_shows_every_run_with_files_rows_rings_and_alerts(tmp_path: Path, days) -> None:
    job = job_folder(tmp_path / "job")
    runner = CliRunner()
    deliver(days, job, "day-1")
    assert runner.invoke(app, ["job", "run", "-c", str(job)]).exit_code == 0
    deliver(days, job, "day-2")
    assert runner.invoke(app, ["job", "run", "-c", str(job)]).exit_code == 0
    assert runner.invoke(app, ["job", "run", "-c", str(job)]).exit_code == 0

    shown = runner.invoke(app, ["job", "history", "-c", str(job), "--json"])
    assert shown.exit_code == 0, shown.output
    runs = json.loads(shown.output)
    assert [r["outcome"] for r in runs] == ["nothing_new", "completed", "completed"]
    assert runs[1]["changes"] == {"new": 1, "grown": 1, "unchanged": runs[2]["rings"] - 1}
    assert runs[1]["alerts"] == 2 and runs[2]["files"] == 7 and runs[1]["files_skipped"] == 7
    assert runs[2]["accepted"] > 0 and runs[1]["rings_by_status"] == {"new": runs[2]["rings"] + 1}
    assert all(r["seconds"] is not None and r["finished"] for r in runs)

    table = runner.invoke(app, ["job", "history", "-c", str(job), "--limit", "2"], env={"COLUMNS": "250"})
    assert table.exit_code == 0
    assert runs[0]["run_id"] in table.output and runs[1]["run_id"] in table.output and runs[2]["run_id"] not in table.output
    assert "nothing_new" in table.output and "grown 1" in table.output


def test_bad_job_settings_exit_2_with_one_line_naming_the_setting(tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text("[job]\ninbx = 'inbox'\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "graphfraud", "job", "run", "-c", str(job)], env=_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "job.toml: unknown key 'job.inbx' (did you mean inbox? known: actor, " in result.stderr


def test_a_detection_setting_that_cannot_work_stops_the_job_before_it_loads(tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text("[engine]\nname = 'embedded'\n[detect]\nclaims_per_part = 0\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "graphfraud", "job", "run", "-c", str(job)], env=_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "job.toml: [detect] claims_per_part must be a whole number of claims ≥ 1, not 0" in result.stderr
    assert not (tmp_path / "state").exists() and not (tmp_path / "db").exists()

"""The job's parts on their own: ring changes, the alerts file, job.toml, the webhook's answers, the lock, deliveries."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from graphfraud.errors import ConfigError, DeliveryError, JobBusy
from graphfraud.job import alerts
from graphfraud.job.config import AlertConfig, WebhookConfig, load_job_config
from graphfraud.job.diff import RingState, compare, counts
from graphfraud.job.lock import job_lock
from graphfraud.job.webhook import post


def ring(ring_id: str, patients: str, *others: str, score: float = 0.9) -> RingState:
    members = {f"patient:{p}" for p in patients} | set(others)
    return RingState(ring_id, frozenset(members), score, ("gang",), 100.0)


# --------------------------------------------------------------------------- diff

def test_each_ring_change_is_named_by_membership() -> None:
    previous = {
        "R-GROW": ring("R-GROW", "abc"),
        "R-SHRINK": ring("R-SHRINK", "defg"),
        "R-SWAP": ring("R-SWAP", "hij"),
        "R-SAME": ring("R-SAME", "klm", "provider:H1"),
        "R-M1": ring("R-M1", "nop"), "R-M2": ring("R-M2", "qrs"),
        "R-SPLIT": ring("R-SPLIT", "tuvwxy"),
        "R-GONE": ring("R-GONE", "z12"),
    }
    current = {
        "R-GROW": ring("R-GROW", "abcA"),
        "R-SHRINK": ring("R-SHRINK", "def"),
        "R-SWAP": ring("R-SWAP", "hiB"),
        "R-SAME": ring("R-SAME", "klm", "provider:H1"),
        "R-M1": ring("R-M1", "nopqrs"),           # took R-M2's patients in
        "R-SPLIT": ring("R-SPLIT", "tuv"), "R-PART": ring("R-PART", "wxy"),
        "R-NEW": ring("R-NEW", "345"),
    }
    changes = {c.ring_id: c for c in compare(previous, current, {"R-GROW": "dismissed"})}
    assert {k: c.kind for k, c in changes.items()} == {
        "R-GROW": "grown", "R-SHRINK": "shrunk", "R-SWAP": "changed", "R-SAME": "unchanged", "R-M1": "merged",
        "R-SPLIT": "split", "R-PART": "split", "R-NEW": "new", "R-GONE": "disappeared",
    }
    assert changes["R-GROW"].added == ("patient:A",) and changes["R-GROW"].status_before == "dismissed"
    assert changes["R-SWAP"].added == ("patient:B",) and changes["R-SWAP"].removed == ("patient:j",)
    assert changes["R-M1"].related == ("R-M1", "R-M2") and changes["R-M1"].added == ()
    assert changes["R-PART"].related == ("R-SPLIT",)
    assert changes["R-GONE"].removed == tuple(sorted(previous["R-GONE"].members))
    assert "R-M2" not in changes  # it went into the merge, it did not disappear
    assert counts(list(changes.values())) == {"new": 1, "grown": 1, "shrunk": 1, "changed": 1, "merged": 1, "split": 2,
                                              "disappeared": 1, "unchanged": 1}


def test_a_change_is_material_when_enough_members_moved() -> None:
    before, after = ring("R-1", "abc"), ring("R-1", "abc", "card:C9")
    [change] = compare({"R-1": before}, {"R-1": after})
    assert change.kind == "grown" and change.material(1) and not change.material(2)
    [same] = compare({"R-1": before}, {"R-1": before})
    assert not same.material(1)


# --------------------------------------------------------------------------- alerts

def test_an_alert_id_depends_on_ring_change_and_members_never_on_the_clock() -> None:
    [a] = compare({}, {"R-1": ring("R-1", "abc")})
    [b] = compare({}, {"R-1": ring("R-1", "abc", score=0.95)})
    [c] = compare({}, {"R-1": ring("R-1", "abcd")})
    assert alerts.alert_id(a) == alerts.alert_id(b) != alerts.alert_id(c)
    one = alerts.payload(a, "run-1", "2026-01-31T02:00:00+08:00")
    two = alerts.payload(a, "run-2", "2026-02-01T02:00:00+08:00")
    assert one["alert_id"] == two["alert_id"] and one["members"] == {"patient": ["a", "b", "c"]}
    assert "3" in one["summary"] and "新发现" in one["summary_zh"]


def test_alerts_are_chosen_by_kind_materiality_and_score() -> None:
    changes = compare({"R-OLD": ring("R-OLD", "abc")},
                      {"R-OLD": ring("R-OLD", "abcd"), "R-LOW": ring("R-LOW", "xyz", score=0.4)})
    config = AlertConfig(file=Path("x"), min_score=0.6)
    assert [(c.ring_id, c.kind) for c in alerts.select(changes, config)] == [("R-OLD", "grown")]
    only_new = AlertConfig(file=Path("x"), min_score=0.3, changes=("new",))
    assert [c.ring_id for c in alerts.select(changes, only_new)] == ["R-LOW"]


def test_the_alerts_file_never_repeats_an_id_and_drops_a_line_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    rows = [{"alert_id": f"A-{i}", "ring_id": f"R-{i}"} for i in range(3)]
    assert alerts.append(path, rows[:2]) == 2
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"alert_id": "A-2", "ring')  # a kill in the middle of a line
    assert alerts.append(path, rows) == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["alert_id"] for line in lines] == ["A-0", "A-1", "A-2"]
    assert alerts.append(path, rows) == 0


# --------------------------------------------------------------------------- job.toml

def test_job_settings_have_defaults_and_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "job.toml").write_text('[job]\ninbox = "/srv/inbox"\n[alerts.webhook]\nurl = "https://h.example/x?t=${T}"\n',
                                       encoding="utf-8")
    config = load_job_config(tmp_path / "job.toml", env={"T": "tok"})
    assert config.inbox == Path("/srv/inbox") and config.out == tmp_path / "out" and config.state == tmp_path / "state"
    assert config.alerts.file == tmp_path / "out" / "alerts.jsonl" and config.alerts.min_score == 0.6
    assert config.alerts.webhook.url == "https://h.example/x?t=tok" and config.alerts.webhook.retries == 4
    assert config.bundles.dir == tmp_path / "out" / "bundles" and config.lock_file == tmp_path / "state" / "job.lock"


@pytest.mark.parametrize("text, message", [
    ("[job]\nlock_wiat = 5\n", r"job.toml: unknown key 'job.lock_wiat' \(did you mean lock_wait\? known: actor, "),
    ("[alerts.webhook]\nurll = 'https://x'\n", r"unknown key 'alerts.webhook.urll'"),
    ("[alerts]\nmin_score = 'high'\n", r"\[alerts\] min_score must be a number"),
    ("[alerts]\nchanges = ['new', 'vanished']\n", r"\[alerts\] changes must be a list of"),
    ("[alerts.webhook]\nurl = 'ftp://x'\n", r"url must start with http"),
    ("[alerts.webhook]\nurl = 'https://x/${NOPE}'\n", r"needs the environment variable NOPE"),
    ("[job\n", r"not valid TOML"),
])
def test_bad_job_settings_are_refused_with_the_setting_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "job.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_job_config(tmp_path / "job.toml", env={})


# --------------------------------------------------------------------------- webhook

@pytest.fixture
def answering():
    """A real local HTTP server answering each POST with the next status of ``statuses``."""
    statuses: list[int] = []
    seen: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(time.monotonic())
            self.send_response(statuses.pop(0) if statuses else 200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", statuses, seen
    server.shutdown()
    server.server_close()


def test_the_webhook_backs_off_between_retries(answering) -> None:
    url, statuses, seen = answering
    statuses += [500, 502]
    waits: list[float] = []
    assert post({"alert_id": "A-1"}, WebhookConfig(url, retries=3, backoff=0.5), sleep=waits.append) == 3
    assert waits == [0.5, 1.0] and len(seen) == 3


def test_a_refusal_that_cannot_pass_later_is_not_retried(answering) -> None:
    url, statuses, seen = answering
    statuses += [401]
    with pytest.raises(DeliveryError, match=r"HTTP 401.*not retried"):
        post({"alert_id": "A-1"}, WebhookConfig(url, retries=3, backoff=0), sleep=lambda s: None)
    assert len(seen) == 1


def test_an_unreachable_webhook_fails_after_every_retry_naming_the_host_only() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    config = WebhookConfig(f"http://127.0.0.1:{port}/hook?token=secret", retries=2, backoff=0, timeout=2)
    with pytest.raises(DeliveryError) as failed:
        post({"alert_id": "A-1"}, config, sleep=lambda s: None)
    assert f"http://127.0.0.1:{port} did not take alert A-1 after 3 attempts" in str(failed.value)
    assert "secret" not in str(failed.value)


# --------------------------------------------------------------------------- lock

def test_a_second_holder_of_the_lock_waits_then_gives_up_naming_the_first(tmp_path: Path) -> None:
    lock = tmp_path / "job.lock"
    taken, release = threading.Event(), threading.Event()

    def first() -> None:
        with job_lock(lock):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=first)
    holder.start()
    taken.wait(10)
    started = time.monotonic()
    with pytest.raises(JobBusy, match=r"another job run holds .*job\.lock \(pid \d+ on .* since .*\).* after waiting 0\.5 s"), \
            job_lock(lock, wait=0.5):
        pass
    assert time.monotonic() - started >= 0.5
    release.set()
    holder.join()
    with job_lock(lock, wait=0):  # free again
        pass


# --------------------------------------------------------------------------- deliveries

def test_deliveries_bring_the_new_ring_and_the_last_recruits_on_day_two(tmp_path: Path) -> None:
    import pandas as pd

    from graphfraud.deliveries import split_deliveries
    from graphfraud.generate import generate

    generate(tmp_path / "full", claims=2_000, seed=5)
    truth = {r["ring_id"]: r for r in json.loads((tmp_path / "full" / "truth.json").read_text(encoding="utf-8"))["rings"]}
    new = next(r for r in truth.values() if r["shape"] == "drain")["ring_id"]
    grown = next(r for r in truth.values() if r["shape"] == "collector")["ring_id"]
    changes = split_deliveries(tmp_path / "full", tmp_path / "days", new=[new], grown=[grown])

    day1 = pd.read_csv(tmp_path / "days" / "day-1" / "claims.csv", dtype=str)
    day2 = pd.read_csv(tmp_path / "days" / "day-2" / "claims.csv", dtype=str)
    full = pd.read_csv(tmp_path / "full" / "claims.csv", dtype=str)
    assert sorted(pd.concat([day1, day2])["claim_id"]) == sorted(full["claim_id"])
    assert set(truth[new]["claims"]) <= set(day2["claim_id"]) and not set(truth[new]["claims"]) & set(day1["claim_id"])
    joiners = changes["deliveries"][1]["grown"][grown]
    assert 0 < len(joiners) <= len(truth[grown]["patients"]) - 3
    ring_claims = full[full["claim_id"].isin(truth[grown]["claims"])]
    assert set(ring_claims[ring_claims["patient_id"].isin(joiners)]["claim_id"]) <= set(day2["claim_id"])
    assert set(ring_claims[~ring_claims["patient_id"].isin(joiners)]["claim_id"]) <= set(day1["claim_id"])
    assert sorted(p.name for p in (tmp_path / "days" / "day-1").iterdir()) == [
        "cards.csv", "claims.csv", "doctors.csv", "items.csv", "patients.csv", "providers.csv", "purchases.csv"]
    items2 = pd.read_csv(tmp_path / "days" / "day-2" / "items.csv", dtype=str)  # an item travels with its claim
    assert len(items2) and set(items2["claim_id"]) <= set(day2["claim_id"])
    assert json.loads((tmp_path / "days" / "deliveries.json").read_text(encoding="utf-8")) == changes


# --------------------------------------------------------------------------- --daily

def test_the_daily_schedule_picks_the_next_moment_of_that_local_time() -> None:
    from datetime import datetime

    from graphfraud.job.schedule import next_at, parse_time

    assert next_at(datetime(2026, 1, 31, 1, 0), "02:30") == datetime(2026, 1, 31, 2, 30)
    assert next_at(datetime(2026, 1, 31, 2, 30), "02:30") == datetime(2026, 2, 1, 2, 30)
    assert next_at(datetime(2026, 12, 31, 23, 59), "0:05") == datetime(2027, 1, 1, 0, 5)
    with pytest.raises(ConfigError, match="HH:MM"):
        parse_time("25:00")


# --------------------------------------------------------------------------- inbox scan

def test_the_inbox_is_hashed_once_and_again_only_when_a_file_changes_size_or_time(tmp_path: Path) -> None:
    import hashlib
    import os

    from graphfraud.job.inbox import LOOSE, scan

    inbox, cache = tmp_path / "inbox", tmp_path / "state" / "hashes.json"
    (inbox / "2026-01-31").mkdir(parents=True)
    day = inbox / "2026-01-31" / "claims.csv"
    day.write_text("claim_id\nA\n", encoding="utf-8")
    (inbox / "claims_x.csv").write_text("claim_id\nB\n", encoding="utf-8")
    for skipped in (".hidden.csv", "claims.csv.part", "~$claims.xlsx", "notes.docx"):
        (inbox / skipped).write_text("x", encoding="utf-8")
    entries, young = scan(inbox, cache=cache)
    assert [(e.delivery, e.name) for e in entries] == [(LOOSE, "claims_x.csv"), ("2026-01-31", "2026-01-31/claims.csv")]
    assert entries[1].sha256 == hashlib.sha256(day.read_bytes()).hexdigest() and young == []

    stat = day.stat()
    day.write_text("claim_id\nC\n", encoding="utf-8")  # same size, and the time put back: taken as unchanged
    os.utime(day, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert scan(inbox, cache=cache)[0][1].sha256 == entries[1].sha256
    day.write_text("claim_id\nCC\n", encoding="utf-8")  # another size: hashed again
    assert scan(inbox, cache=cache)[0][1].sha256 == hashlib.sha256(day.read_bytes()).hexdigest()
    assert scan(inbox, min_age=3600, cache=cache) == ([], ["2026-01-31/claims.csv", "claims_x.csv"])

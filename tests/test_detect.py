"""Ring detection on generated data with planted rings and legitimate look-alikes, on both engines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graphfraud.detect.run import detect
from graphfraud.load import load_directory

FAMILIES = {"card_lending", "pharmacy_cashout", "gang", "drug_resale"}  # the contract's families (drug_resale: issue 17)


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


@pytest.fixture
def detected(small_rings):
    """The small data's rings on each engine: (engine, the detection's result); see ``small_rings`` in conftest.py."""
    return small_rings


def test_planted_rings_are_recovered_with_their_family(detected, small_data: Path) -> None:
    _, result = detected
    truth = _truth(small_data)
    recovered = 0
    for planted in truth["rings"]:
        best = max(result.rings, key=lambda r: _jaccard(set(planted["patients"]), set(r.patients)))
        if _jaccard(set(planted["patients"]), set(best.patients)) >= 0.5:
            recovered += 1
            assert best.patterns[0] == planted["family"], planted["shape"]
    # a 500-person world is a smoke test (quality is measured across worlds by scripts/bench_quality.py): displacement
    # or a shared phone alone never makes a ring, so small rings with only those lines may go unfound
    assert recovered >= len(truth["rings"]) // 2


def test_legitimate_dense_groups_are_not_flagged(detected, small_data: Path) -> None:
    _, result = detected
    lookalikes = {p for group in _truth(small_data)["lookalikes"] for p in group["patients"]}
    flagged = {p for ring in result.rings for p in ring.patients}
    assert not flagged & lookalikes


def test_every_ring_says_why_it_is_a_ring(detected, small_data: Path) -> None:
    _, result = detected
    claims = set(pd.read_csv(small_data / "claims.csv", usecols=["claim_id"])["claim_id"])
    assert result.rings
    assert [r.score for r in result.rings] == sorted((r.score for r in result.rings), reverse=True)
    for ring in result.rings:
        assert 0 <= ring.score <= 1 and set(ring.patterns) <= FAMILIES and ring.amount_at_risk > 0
        assert {m.type for m in ring.members} <= {"patient", "card", "provider", "doctor"}
        assert all(m.role for m in ring.members)
        assert ring.evidence and all(ev.reason and "{" not in ev.reason for ev in ring.evidence)
        assert all(ev.reason_zh and "{" not in ev.reason_zh for ev in ring.evidence)
        assert {c for ev in ring.evidence for c in ev.claims} <= claims


def test_rings_are_written_back_to_the_graph(detected) -> None:
    engine, result = detected
    rings = engine.run("MATCH (r:Ring) RETURN count(r) AS n")
    members = engine.run("MATCH (n)-[m:MEMBER_OF]->(r:Ring) RETURN count(m) AS n")
    assert int(rings["n"].iloc[0]) == len(result.rings)
    assert int(members["n"].iloc[0]) == sum(len(r.members) for r in result.rings)


def test_ring_ids_and_decisions_survive_a_new_run(detected) -> None:
    engine, first = detected
    dismissed = first.rings[0].ring_id
    engine.run("MATCH (r:Ring {ring_id: $id}) SET r.status = 'dismissed'", {"id": dismissed}, write=True)
    again = detect(engine)
    assert [r.ring_id for r in again.rings] == [r.ring_id for r in first.rings]
    assert next(r for r in again.rings if r.ring_id == dismissed).status == "dismissed"


def test_detect_command_writes_the_contract_files(small_data: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graphfraud", "detect", "--input", str(small_data), "--out", str(tmp_path / "out"),
         "--engine", "embedded", "--db", str(tmp_path / "db")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out" / "rings.json").read_text(encoding="utf-8"))
    assert set(document) >= {"generated_at", "engine", "rings"} and document["engine"] == "embedded"
    ring = document["rings"][0]
    assert set(ring) >= {"ring_id", "patterns", "score", "members", "amount_at_risk", "evidence"}
    assert ring["ring_id"].startswith("R-")
    assert set(ring["evidence"][0]) >= {"motif", "claims", "detail", "detail_zh"}
    csv = pd.read_csv(tmp_path / "out" / "rings.csv", encoding="utf-8-sig")
    assert list(csv["ring_id"]) == [r["ring_id"] for r in document["rings"]]


@pytest.mark.parametrize("setting", ['claims_per_part = "lots"', 'communities = "louvain"'])
def test_a_bad_detect_setting_is_refused_before_the_input_is_loaded(small_data: Path, tmp_path: Path, setting: str) -> None:
    (tmp_path / "graphfraud.toml").write_text(f"[detect]\n{setting}\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "graphfraud", "detect", "--input", str(small_data), "--out", str(tmp_path / "out"),
         "--engine", "embedded", "--db", str(tmp_path / "db")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 2  # a ConfigError, as from every command (errors.EXIT_CODES)
    last = result.stderr.strip().splitlines()[-1]  # one line naming the table and the key
    assert last.startswith("error: ") and "[detect] " + setting.split()[0] in last, result.stderr
    assert not (tmp_path / "db").exists() and not (tmp_path / "out").exists()


def test_a_stored_ring_reads_back_as_its_rings_json_entry_with_the_current_status(detected) -> None:
    from graphfraud.case import trail
    from graphfraud.detect.rings import ring_json
    from graphfraud.detect.store import stored_ring, stored_rings

    engine, result = detected
    first = result.rings[0]
    trail.record(engine, first.ring_id, "status", "张稽核", to_status="first_review")
    stored = stored_ring(engine, first.ring_id)
    expected = ring_json(first) | {"status": "first_review"}
    assert {k: stored[k] for k in expected} == expected
    assert stored["first_seen"] and stored["run_id"] == result.run_id
    headlines = stored_rings(engine)
    assert [h["ring_id"] for h in headlines] == [r.ring_id for r in result.rings]
    assert headlines[0]["status"] == "first_review" and headlines[0]["patterns"] == first.patterns
    assert stored_ring(engine, "R-NOSUCH") is None


# --------------------------------------------------------------------------- write-back under failure and kill

def _stored_state(engine) -> dict:
    """Every stored ring (id, status, size) and every MEMBER_OF link, on either engine."""
    rings = engine.run("MATCH (r:Ring) RETURN r.ring_id AS ring_id, r.status AS status, r.size AS size, "
                       "r.run_id AS run_id ORDER BY ring_id").to_dict("records")
    members = []
    for label, key in (("Patient", "patient_id"), ("Card", "card_id"), ("Provider", "provider_id"), ("Doctor", "doctor_id")):
        frame = engine.run(f"MATCH (n:{label})-[m:MEMBER_OF]->(r:Ring) RETURN r.ring_id AS ring_id, n.{key} AS id, "
                           "m.role AS role")
        members += [(r["ring_id"], label, r["id"], r["role"]) for r in frame.to_dict("records")]
    return {"rings": rings, "members": sorted(members)}


class _FailsAt:
    """The engine, failing the named query (a lost connection, a full disk) instead of running it."""

    def __init__(self, engine, name: str) -> None:
        self._engine, self._name = engine, name

    def __getattr__(self, name: str):
        return getattr(self._engine, name)

    def query(self, name: str, params: dict | None = None):
        if name == self._name:
            from graphfraud.errors import EngineError

            raise EngineError(f"injected failure at {name}")
        return self._engine.query(name, params)


def test_a_write_back_that_fails_midway_leaves_the_stored_rings_as_they_were(detected) -> None:
    from graphfraud.errors import EngineError

    engine, first = detected
    engine.run("MATCH (r:Ring {ring_id: $id}) SET r.status = 'dismissed'", {"id": first.rings[0].ring_id}, write=True)
    before = _stored_state(engine)
    assert before["members"]
    with pytest.raises(EngineError, match="injected"):
        detect(_FailsAt(engine, "rings/member_patient"))  # rings upserted, members cleared, none written yet
    assert _stored_state(engine) == before
    again = detect(engine)
    assert [r.ring_id for r in again.rings] == [r.ring_id for r in first.rings]
    assert next(r for r in again.rings if r.ring_id == first.rings[0].ring_id).status == "dismissed"


@pytest.fixture(scope="module")
def grown_ring_dismissed(tmp_path_factory, small_days) -> dict:
    """An embedded database after day 1's detection, with the ring that grows on day 2 dismissed and day 2 loaded.

    The grown ring keeps its day-1 id only by carrying it over from the stored ring
    (its new core hashes to another id), which is what a lost write-back loses.
    """
    from graphfraud.case import trail
    from graphfraud.engines.embedded import EmbeddedEngine

    root = tmp_path_factory.mktemp("writeback")
    engine = EmbeddedEngine(root / "db" / "graph")
    try:
        engine.ensure_schema()
        load_directory(engine, small_days["dir"] / "day-1")
        day_one = detect(engine)
        planted = set(small_days["truth"][small_days["grown"]]["patients"])
        grown = max(day_one.rings, key=lambda r: len(planted & set(r.patients))).ring_id
        trail.record(engine, grown, "status", "张稽核", to_status="dismissed")
        load_directory(engine, small_days["dir"] / "day-2")
    finally:
        engine.close()
    return {"db": root / "db", "dismissed": grown}


def _detect_cli(db: Path, out: Path, env: dict | None = None) -> subprocess.Popen:
    import os

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GRAPHFRAUD_JOB_")}, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "graphfraud", "detect", "--out", str(out), "--engine", "embedded",
                             "--db", str(db / "graph")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finished(proc: subprocess.Popen) -> None:
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr[-2000:]


def _embedded_state(db: Path) -> dict:
    from graphfraud.engines.embedded import EmbeddedEngine

    engine = EmbeddedEngine(db / "graph")
    try:
        state = _stored_state(engine)
    finally:
        engine.close()
    for ring in state["rings"]:
        ring.pop("run_id")  # the clock's
    return state


def _report(out: Path) -> list[tuple[str, str, list[str]]]:
    document = json.loads((out / "rings.json").read_text(encoding="utf-8"))
    return [(r["ring_id"], r["status"], sorted(m["id"] for m in r["members"])) for r in document["rings"]]


def test_a_detect_killed_in_its_write_back_and_run_again_ends_like_a_clean_run(grown_ring_dismissed, tmp_path: Path) -> None:
    import shutil
    import signal
    import time

    clean, killed = tmp_path / "clean", tmp_path / "killed"
    shutil.copytree(grown_ring_dismissed["db"], clean / "db")
    shutil.copytree(grown_ring_dismissed["db"], killed / "db")
    before = _embedded_state(killed / "db")
    _finished(_detect_cli(clean / "db", clean / "out"))

    marker = tmp_path / "held"
    proc = _detect_cli(killed / "db", killed / "out",
                       {"GRAPHFRAUD_JOB_HOLD_AT": "done:rings/clear_members", "GRAPHFRAUD_JOB_HOLD_FILE": str(marker)})
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "detect never reached its write-back"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert _embedded_state(killed / "db") == before  # nothing of the killed write-back is stored
    _finished(_detect_cli(killed / "db", killed / "out"))

    assert _embedded_state(killed / "db") == _embedded_state(clean / "db")
    assert _report(killed / "out") == _report(clean / "out")
    dismissed = grown_ring_dismissed["dismissed"]
    assert (dismissed, "dismissed") in {(ring_id, status) for ring_id, status, _ in _report(clean / "out")}

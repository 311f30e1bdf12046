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

FAMILIES = {"card_lending", "pharmacy_cashout", "gang"}


def _truth(folder: Path) -> dict:
    return json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


@pytest.fixture
def detected(engine, small_data: Path):
    load_directory(engine, small_data)
    return engine, detect(engine)


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
    assert result.stderr.strip().splitlines()[-1].startswith("error: [detect] " + setting.split()[0])
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

"""rings.json and rings.csv as a pair (issue 16, item 17): replaced together or not at all, never half-written."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graphfraud.detect.report import write_report
from graphfraud.detect.rings import Member, Ring
from graphfraud.detect.run import DetectionResult

REPO = Path(__file__).resolve().parent.parent


def _result(run_id: str, n_rings: int) -> DetectionResult:
    rings = [Ring(ring_id=f"R-{run_id[-1]}{i:04d}", patterns=["gang"], score=0.9, amount_at_risk=100.0 + i, evidence=[],
                  members=[Member("patient", f"P{i}{j}", "recruit") for j in range(3)]) for i in range(n_rings)]
    return DetectionResult(run_id=run_id, started="2026-12-01T02:00:00+08:00", engine="embedded", rings=rings, evidence=[])


def _pair(out: Path) -> tuple[bytes, bytes]:
    return (out / "rings.json").read_bytes(), (out / "rings.csv").read_bytes()


def test_rings_json_records_the_sha256_of_the_rings_csv_beside_it(tmp_path: Path) -> None:
    write_report(_result("run-A", 2), tmp_path)
    document, csv = _pair(tmp_path)
    assert json.loads(document)["csv_sha256"] == hashlib.sha256(csv).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rings.csv", "rings.json"]


def test_a_failure_between_the_two_renames_keeps_the_old_pair_and_leaves_no_temporary_file(tmp_path: Path,
                                                                                           monkeypatch) -> None:
    write_report(_result("run-A", 2), tmp_path)
    old = _pair(tmp_path)
    real = os.replace

    def failing(src, dst, *args, **kwargs):
        if Path(dst).name == "rings.json":
            raise OSError(28, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing)
    from graphfraud.errors import OutputError

    with pytest.raises(OutputError, match=r"rings\.json"):
        write_report(_result("run-B", 1), tmp_path)
    monkeypatch.setattr(os, "replace", real)
    assert _pair(tmp_path) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rings.csv", "rings.json"]


def test_a_failure_writing_the_first_file_keeps_the_old_pair(tmp_path: Path, monkeypatch) -> None:
    write_report(_result("run-A", 2), tmp_path)
    old = _pair(tmp_path)
    real = os.fsync
    calls = []

    def full_disk(fd):
        calls.append(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    from graphfraud.errors import OutputError

    with pytest.raises(OutputError):
        write_report(_result("run-B", 1), tmp_path)
    monkeypatch.setattr(os, "fsync", real)
    assert calls and _pair(tmp_path) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rings.csv", "rings.json"]


_KILLED_BETWEEN = """
import os, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_report import _result
from graphfraud.detect.report import write_report
real = os.replace
def dying(src, dst, *args, **kwargs):
    if Path(dst).name == "rings.json":
        os._exit(9)   # as a SIGKILL: no handler, no cleanup
    return real(src, dst, *args, **kwargs)
os.replace = dying
write_report(_result("run-B", 1), Path({out!r}))
"""


@pytest.mark.slow
def test_a_kill_between_the_two_renames_is_told_apart_and_undone_by_the_next_report(tmp_path: Path) -> None:
    from graphfraud.detect.report import recover

    write_report(_result("run-A", 2), tmp_path)
    old = _pair(tmp_path)
    killed = subprocess.run([sys.executable, "-c", _KILLED_BETWEEN.format(tests=str(REPO / "tests"), out=str(tmp_path))],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert killed.returncode == 9, killed.stderr
    document, csv = _pair(tmp_path)
    assert document == old[0] and csv != old[1]   # the old rings.json, a new rings.csv: never the other way round
    assert json.loads(document)["csv_sha256"] != hashlib.sha256(csv).hexdigest()   # a reader can tell
    recover(tmp_path)
    assert _pair(tmp_path) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rings.csv", "rings.json"]
    write_report(_result("run-C", 3), tmp_path)
    document, csv = _pair(tmp_path)
    assert json.loads(document)["run_id"] == "run-C" and json.loads(document)["csv_sha256"] == hashlib.sha256(csv).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rings.csv", "rings.json"]


@pytest.mark.slow
def test_the_first_report_killed_between_its_renames_leaves_no_csv_without_its_json(tmp_path: Path) -> None:
    from graphfraud.detect.report import recover

    killed = subprocess.run([sys.executable, "-c", _KILLED_BETWEEN.format(tests=str(REPO / "tests"), out=str(tmp_path))],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert killed.returncode == 9, killed.stderr
    recover(tmp_path)
    assert list(tmp_path.iterdir()) == []

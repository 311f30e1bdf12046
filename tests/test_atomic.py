"""graphfraud.atomic: a write leaves the old file or the new one, never half of one, and no temporary file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graphfraud import atomic
from graphfraud.atomic import (
    atomic_path,
    leftovers,
    write_bytes_atomic,
    write_text_atomic,
)

REPO = Path(__file__).resolve().parent.parent


def test_a_write_replaces_the_content_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "rings.json"
    target.write_text("old", encoding="utf-8")
    assert write_text_atomic(target, "新的 rings") == target
    assert target.read_text(encoding="utf-8") == "新的 rings"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rings.json"]


def test_a_write_creates_the_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "out" / "rejects" / "claims.csv"
    write_bytes_atomic(target, b"row\n")
    assert target.read_bytes() == b"row\n"


def test_a_failure_inside_the_block_keeps_the_old_file_and_removes_the_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "claims.csv"
    target.write_text("old rows\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk gave up"), atomic_path(target) as tmp:
        tmp.write_text("half of the new ro", encoding="utf-8")
        raise RuntimeError("disk gave up")
    assert target.read_text(encoding="utf-8") == "old rows\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv"]


def test_a_failure_before_the_rename_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "R-1.zip"
    target.write_bytes(b"old bundle")

    def refuse() -> None:
        raise RuntimeError("the trail refused the export record")

    with pytest.raises(RuntimeError, match="trail refused"):
        write_bytes_atomic(target, b"new bundle", before_rename=refuse)
    assert target.read_bytes() == b"old bundle" and not leftovers(target)


def test_before_rename_sees_the_complete_file_under_its_temporary_name(tmp_path: Path) -> None:
    target = tmp_path / "R-1.zip"
    seen: list[bytes] = []
    write_bytes_atomic(target, b"whole bundle", before_rename=lambda: seen.extend(p.read_bytes() for p in leftovers(target)))
    assert seen == [b"whole bundle"] and target.read_bytes() == b"whole bundle"


def test_a_block_that_writes_nothing_fails_and_leaves_the_target_alone(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(FileNotFoundError), atomic_path(target):
        pass
    assert target.read_text(encoding="utf-8") == "old"


def test_the_file_is_synced_before_the_rename_and_the_folder_after(tmp_path: Path, monkeypatch) -> None:
    steps: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append("sync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "sync file")
        real_fsync(fd)

    def replace(src, dst) -> None:
        steps.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    write_text_atomic(tmp_path / "deliveries.json", "{}")
    assert steps == (["sync file", "rename", "sync folder"] if os.name == "posix" else ["sync file", "rename"])


def test_scratch_files_skip_the_syncs(tmp_path: Path, monkeypatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(atomic.os, "fsync", synced.append)
    with atomic_path(tmp_path / "nodes_Claim.csv", durable=False) as tmp:
        tmp.write_bytes(b"claim_id:ID(Claim)\n")
    assert synced == [] and (tmp_path / "nodes_Claim.csv").read_bytes() == b"claim_id:ID(Claim)\n"


def test_a_process_killed_between_writing_and_renaming_leaves_the_old_file_and_a_findable_leftover(tmp_path: Path) -> None:
    target = tmp_path / "R-1.zip"
    target.write_bytes(b"old bundle")
    killed = subprocess.run(
        [sys.executable, "-c",
         ("import os, sys; from graphfraud.atomic import atomic_path\n"
          "with atomic_path(sys.argv[1]) as tmp:\n"
          "    tmp.write_bytes(b'new bundle')\n"
          "    os._exit(9)  # no finally, no rename: as a SIGKILL would\n"),
         str(target)],
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60, check=False,
    )
    assert killed.returncode == 9
    assert target.read_bytes() == b"old bundle"
    [left] = leftovers(target)
    assert left.name.startswith(".R-1.zip.") and left.read_bytes() == b"new bundle"
    atomic.replace(left, target)  # what a resumed job does with a recorded export (graphfraud.job.run)
    assert target.read_bytes() == b"new bundle" and not leftovers(target)


def test_temporary_names_are_hidden_and_distinct(tmp_path: Path) -> None:
    names = {atomic.temp_name(tmp_path / "claims.csv").name for _ in range(50)}
    assert len(names) == 50  # two writers of one file never share a temporary file
    assert all(n.startswith(".claims.csv.") and n.endswith(".tmp") for n in names)  # an inbox scan skips both

"""``graphfraud case``: export and verify bundles, walk the review chain, read the trail — the real command, real graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def db(small_data: Path, tmp_path_factory) -> Path:
    """An embedded database with the small data loaded and rings detected through the CLI."""
    folder = tmp_path_factory.mktemp("cli")
    result = _gf(folder / "db", "detect", "--input", str(small_data), "--out", str(folder / "out"))
    assert result.returncode == 0, result.stderr
    return folder / "db"


def _gf(db: Path, *args: str, actor: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHFRAUD_"))}
    env.update({"GRAPHFRAUD_ENGINE": "embedded", "GRAPHFRAUD_DB": str(db), "COLUMNS": "200"})
    if actor:
        env["GRAPHFRAUD_ACTOR"] = actor
    return subprocess.run([sys.executable, "-m", "graphfraud", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def _top(db: Path, n: int) -> list[str]:
    rings = json.loads((db.parent / "out" / "rings.json").read_text(encoding="utf-8"))["rings"]
    return [r["ring_id"] for r in rings[:n]]


def test_export_top_rings_then_verify_them(db: Path, tmp_path: Path) -> None:
    result = _gf(db, "case", "export", "--top", "2", "--out-dir", str(tmp_path / "bundles"), actor="张稽核")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "bundles").iterdir())
    assert written == sorted(f"{r}.zip" for r in _top(db, 2))
    for name in written:
        check = _gf(db, "case", "verify", str(tmp_path / "bundles" / name))
        assert check.returncode == 0 and check.stdout.startswith("intact"), check.stdout + check.stderr
        manifest = json.loads(zipfile.ZipFile(tmp_path / "bundles" / name).read("manifest.json"))
        assert manifest["export"]["by"] == "张稽核"           # actor from GRAPHFRAUD_ACTOR


def test_verify_exit_status_says_intact_altered_or_unreadable(db: Path, tmp_path: Path) -> None:
    ring = _top(db, 1)[0]
    bundle = tmp_path / "b.zip"
    assert _gf(db, "case", "export", ring, "--out", str(bundle), "--actor", "张稽核").returncode == 0
    ok = _gf(db, "case", "verify", str(bundle), "--trail")
    assert ok.returncode == 0 and "on the trail" in ok.stdout, ok.stdout + ok.stderr
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tmp_path / "altered.zip", "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data + b"\n" if name == "claims.csv" else data)
        dst.writestr("note.txt", b"added later")
    altered = _gf(db, "case", "verify", str(tmp_path / "altered.zip"))
    assert altered.returncode == 1
    assert "changed: claims.csv" in altered.stdout and "added: note.txt" in altered.stdout
    (tmp_path / "broken.zip").write_bytes(bundle.read_bytes()[:100])
    assert _gf(db, "case", "verify", str(tmp_path / "broken.zip")).returncode == 2


def test_review_steps_notes_and_exports_show_in_the_history(db: Path, tmp_path: Path) -> None:
    ring = _top(db, 3)[2]
    assert _gf(db, "case", "step", ring, "--to", "first_review", "--actor", "张稽核", "--note", "疑似冒用").returncode == 0
    assert _gf(db, "case", "note", ring, "调取病历", "--actor", "张稽核").returncode == 0
    refused = _gf(db, "case", "step", ring, "--to", "referred", "--actor", "张稽核")
    assert refused.returncode == 2 and "cannot move to 'referred'" in refused.stderr
    assert _gf(db, "case", "export", ring, "--out", str(tmp_path / "r.zip"), "--redact", "--lang", "en",
               "--actor", "李科长").returncode == 0
    history = _gf(db, "case", "history", ring)
    assert history.returncode == 0, history.stderr
    for text in ("first_review", "疑似冒用", "调取病历", "export", "李科长", "r.zip (redacted)"):
        assert text in history.stdout, text


def test_bad_export_requests_fail_with_one_line_and_write_nothing(db: Path, tmp_path: Path) -> None:
    missing = _gf(db, "case", "export", "R-NOSUCH", "--out", str(tmp_path / "x.zip"), "--actor", "a")
    assert missing.returncode == 2 and "no ring 'R-NOSUCH'" in missing.stderr
    no_out = _gf(db, "case", "export", _top(db, 1)[0], "--actor", "a")
    assert no_out.returncode == 2 and "--out" in no_out.stderr
    both = _gf(db, "case", "export", _top(db, 1)[0], "--top", "2", "--out", str(tmp_path / "y.zip"), "--actor", "a")
    assert both.returncode == 2
    assert list(tmp_path.iterdir()) == []


def _copy(bundle: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(bundle) as src:
        files = {name: src.read(name) for name in src.namelist()}
    change(files)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in files.items():
            dst.writestr(name, data)
    return out


def _flip(bundle: Path, out: Path, entry: str, at: int = 5) -> Path:
    """A copy with one byte of ``entry``'s compressed data flipped (zlib.error or a bad CRC when read)."""
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as archive:
        info = archive.getinfo(entry)
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + at] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def test_a_damaged_or_odd_bundle_is_one_line_and_its_exit_status_never_a_traceback(db: Path, tmp_path: Path) -> None:
    """Issue 16, item 11: a manifest that is a list, odd manifest fields, a flipped compressed byte, no file."""
    bundle = tmp_path / "b.zip"
    assert _gf(db, "case", "export", _top(db, 1)[0], "--out", str(bundle), "--actor", "张稽核").returncode == 0
    manifest = json.loads(zipfile.ZipFile(bundle).read("manifest.json"))
    cases = {
        "list": (_copy(bundle, tmp_path / "list.zip", lambda f: f.update({"manifest.json": b"[1, 2]"})), 2,
                 "manifest.json is not a graphfraud case bundle manifest", None),
        "odd fields": (_copy(bundle, tmp_path / "odd.zip", lambda f: f.update({"manifest.json": json.dumps(
            {**manifest, "snapshot": "x", "export": [1], "ring_id": {"a": 1}}).encode()})), 1, "altered", "changed: manifest.json"),
        "flipped data": (_flip(bundle, tmp_path / "flipped.zip", "claims.csv"), 1, "altered", "changed: claims.csv"),
        "flipped manifest": (_flip(bundle, tmp_path / "flipped-manifest.zip", "manifest.json"), 1, "altered",
                             "changed: manifest.json"),
        "missing": (tmp_path / "nothing-here.zip", 2, "no such file", None),
    }
    for label, (path, status, said, listed) in cases.items():
        done = _gf(db, "case", "verify", str(path))
        assert done.returncode == status, (label, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, (label, done.stderr)
        assert said in done.stderr, (label, done.stderr)
        if listed:
            assert done.stdout.strip().splitlines() == [listed], (label, done.stdout)

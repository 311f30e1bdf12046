"""``graphfraud case``: export and verify bundles, walk the review chain, read the trail — the real command, real graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import add_user, bundle_files

from graphfraud.bundle.archive import top_folder

pytestmark = pytest.mark.slow   # runs the CLI on databases


@pytest.fixture(scope="module")
def db(small_data: Path, tmp_path_factory) -> Path:
    """An embedded database with the small data loaded and rings detected through the CLI."""
    folder = tmp_path_factory.mktemp("cli")
    result = _gf(folder / "db", "detect", "--input", str(small_data), "--out", str(folder / "out"))
    assert result.returncode == 0, result.stderr
    from graphfraud.engines.embedded import EmbeddedEngine

    engine = EmbeddedEngine(folder / "db")
    try:
        for name, role, shown in USERS:
            add_user(engine, name, role, PASSWORD, display_name=shown, admin_password=PASSWORD)
    finally:
        engine.close()
    return folder / "db"


PASSWORD = "cli-test-password"
USERS = (("zhang", "investigator", "张稽核"), ("li", "supervisor", "李科长"), ("admin", "admin", "管理员"))


def _gf(db: Path, *args: str, actor: str | None = None, password: str | None = PASSWORD,
        stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command on the test database, signed in as ``actor`` (or ``--actor``/``--user`` in ``args``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHFRAUD_"))}
    env.update({"GRAPHFRAUD_ENGINE": "embedded", "GRAPHFRAUD_DB": str(db), "COLUMNS": "200"})
    if actor:
        env["GRAPHFRAUD_USER"] = actor
    if password:
        env["GRAPHFRAUD_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "graphfraud", *args], capture_output=True, text=True, timeout=300,
                          env=env, input=stdin)


def _top(db: Path, n: int) -> list[str]:
    rings = json.loads((db.parent / "out" / "rings.json").read_text(encoding="utf-8"))["rings"]
    return [r["ring_id"] for r in rings[:n]]


def test_export_top_rings_then_verify_them(db: Path, tmp_path: Path) -> None:
    result = _gf(db, "case", "export", "--top", "2", "--out-dir", str(tmp_path / "bundles"), actor="zhang")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "bundles").iterdir())
    assert written == sorted(f"{r}.zip" for r in _top(db, 2))
    for name in written:
        check = _gf(db, "case", "verify", str(tmp_path / "bundles" / name))
        assert check.returncode == 0 and check.stdout.startswith("intact"), check.stdout + check.stderr
        manifest = json.loads(bundle_files(tmp_path / "bundles" / name)["manifest.json"])
        assert manifest["export"]["by"] == "zhang"           # the user from GRAPHFRAUD_USER


def test_verify_exit_status_says_intact_altered_or_unreadable(db: Path, tmp_path: Path) -> None:
    ring = _top(db, 1)[0]
    bundle = tmp_path / "b.zip"
    assert _gf(db, "case", "export", ring, "--out", str(bundle), "--actor", "zhang").returncode == 0
    ok = _gf(db, "case", "verify", str(bundle), "--trail")
    assert ok.returncode == 0 and "on the trail" in ok.stdout, ok.stdout + ok.stderr
    with zipfile.ZipFile(tmp_path / "altered.zip", "w") as dst:
        for name, data in bundle_files(bundle).items():
            dst.writestr(f"{ring}/{name}", data + b"\n" if name == "claims.csv" else data)
        dst.writestr(f"{ring}/note.txt", b"added later")
    altered = _gf(db, "case", "verify", str(tmp_path / "altered.zip"))
    assert altered.returncode == 1
    assert "changed: claims.csv" in altered.stdout and "added: note.txt" in altered.stdout
    (tmp_path / "broken.zip").write_bytes(bundle.read_bytes()[:100])
    assert _gf(db, "case", "verify", str(tmp_path / "broken.zip")).returncode == 2


def test_review_steps_notes_and_exports_show_in_the_history(db: Path, tmp_path: Path) -> None:
    ring = _top(db, 3)[2]
    assert _gf(db, "case", "step", ring, "--to", "first_review", "--actor", "zhang", "--note", "疑似冒用").returncode == 0
    assert _gf(db, "case", "note", ring, "调取病历", "--actor", "zhang").returncode == 0
    refused = _gf(db, "case", "step", ring, "--to", "referred", "--actor", "zhang")
    assert refused.returncode == 2 and "cannot move to 'referred'" in refused.stderr
    assert _gf(db, "case", "export", ring, "--out", str(tmp_path / "r.zip"), "--redact", "--lang", "en",
               "--actor", "li").returncode == 0
    history = _gf(db, "case", "history", ring)
    assert history.returncode == 0, history.stderr
    for text in ("first_review", "疑似冒用", "调取病历", "export", "李科长", "r.zip (redacted)"):
        assert text in history.stdout, text


def _gf_here(db: Path, *args: str, password: str | None = PASSWORD, stdin: str | None = None):
    """The same command in this process (typer's runner: no interpreter start-up per call)."""
    from typer.testing import CliRunner

    from graphfraud.cli import app

    env = {"GRAPHFRAUD_ENGINE": "embedded", "GRAPHFRAUD_DB": str(db), "GRAPHFRAUD_PASSWORD": password or "",
           "GRAPHFRAUD_USER": "", "COLUMNS": "200"}
    return CliRunner().invoke(app, list(args), env=env, input=stdin)


def test_the_cli_acts_as_a_signed_in_user_and_four_eyes_apply(db: Path) -> None:
    ring = _top(db, 4)[3]
    nobody = _gf_here(db, "case", "step", ring, "--to", "first_review")
    assert nobody.exit_code == 77 and "--user" in nobody.stderr
    wrong = _gf_here(db, "case", "step", ring, "--to", "first_review", "--user", "zhang", password="not-the-password")
    assert wrong.exit_code == 77 and "not-the-password" not in wrong.output
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert _gf_here(db, "users", "add", "wang", "--role", "analyst", "--generate-password",
                    "--user", "zhang").exit_code == 77                     # only an admin adds users
    added = _gf_here(db, "users", "add", "wang", "--role", "analyst", "--name", "王分析", "--generate-password",
                     "--user", "admin")
    assert added.exit_code == 0, added.output
    one_time = added.stdout.strip()
    assert len(one_time) >= 10 and one_time not in added.stderr
    handed = _gf_here(db, "case", "note", ring, "看过", "--user", "wang", "--password-stdin", password=None,
                      stdin=one_time + "\n")
    assert handed.exit_code == 77 and "one-time password" in handed.stderr   # whoever holds it cannot act with it
    own = "wang-own-password"
    chosen = _gf_here(db, "users", "passwd", "wang", "--user", "wang", "--password-stdin", "--new-password-stdin",
                      password=None, stdin=f"{one_time}\n{own}\n")
    assert chosen.exit_code == 0, chosen.output
    note = _gf_here(db, "case", "note", ring, "看过", "--user", "wang", password=own)
    assert note.exit_code == 0, note.output                               # an analyst may add notes …
    step = _gf_here(db, "case", "step", ring, "--to", "first_review", "--user", "wang", password=own)
    assert step.exit_code == 77 and "analyst" in step.stderr             # … but takes no review step
    assert _gf_here(db, "case", "step", ring, "--to", "first_review", "--user", "zhang").exit_code == 0
    again = _gf_here(db, "case", "step", ring, "--to", "second_review", "--user", "zhang")
    assert again.exit_code == 77 and "four eyes" in again.stderr          # the first reviewer may not review again
    assert _gf_here(db, "case", "step", ring, "--to", "second_review", "--user", "li").exit_code == 0
    assert _gf_here(db, "case", "assign", ring, "--to", "zhang", "--user", "li").exit_code == 0
    appeal = _gf_here(db, "case", "step", ring, "--to", "appeal", "--user", "zhang")
    assert appeal.exit_code == 0 and "appeal due" in appeal.stdout
    assert _gf_here(db, "users", "disable", "wang", "--user", "admin").exit_code == 0
    assert _gf_here(db, "case", "note", ring, "x", "--user", "wang", password=own).exit_code == 77
    listed = _gf_here(db, "users", "list")
    assert "wang" in listed.stdout and "disabled" in listed.stdout and "$argon2" not in listed.stdout
    short = _gf_here(db, "users", "passwd", "zhang", "--new-password-stdin", "--user", "zhang", stdin="short\n")
    assert short.exit_code == 2 and "too short" in short.stderr
    history = _gf_here(db, "case", "history", ring).stdout
    for text in ("王分析", "张稽核", "李科长", "assign", "appeal"):
        assert text in history, text


def test_bad_export_requests_fail_with_one_line_and_write_nothing(db: Path, tmp_path: Path) -> None:
    missing = _gf(db, "case", "export", "R-NOSUCH", "--out", str(tmp_path / "x.zip"), "--actor", "zhang")
    assert missing.returncode == 2 and "no ring 'R-NOSUCH'" in missing.stderr
    no_out = _gf(db, "case", "export", _top(db, 1)[0], "--actor", "zhang")
    assert no_out.returncode == 2 and "--out" in no_out.stderr
    both = _gf(db, "case", "export", _top(db, 1)[0], "--top", "2", "--out", str(tmp_path / "y.zip"), "--actor", "zhang")
    assert both.returncode == 2
    assert list(tmp_path.iterdir()) == []


def _copy(bundle: Path, out: Path, change) -> Path:
    files = bundle_files(bundle)
    change(files)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in files.items():
            dst.writestr(name, data)
    return out


def _flip(bundle: Path, out: Path, entry: str, at: int = 5) -> Path:
    """A copy with one byte of ``entry``'s compressed data flipped (zlib.error or a bad CRC when read)."""
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as archive:
        info = archive.getinfo(top_folder(archive.namelist()) + entry)
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + at] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def test_a_damaged_or_odd_bundle_is_one_line_and_its_exit_status_never_a_traceback(db: Path, tmp_path: Path) -> None:
    """Issue 16, item 11: a manifest that is a list, odd manifest fields, a flipped compressed byte, no file."""
    bundle = tmp_path / "b.zip"
    assert _gf(db, "case", "export", _top(db, 1)[0], "--out", str(bundle), "--actor", "zhang").returncode == 0
    manifest = json.loads(bundle_files(bundle)["manifest.json"])
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


# --------------------------------------------------------------------------- signatures (issue 16, item 18)

def _forge(bundle: Path, out: Path, entry: str = "claims.csv") -> Path:
    """A copy whose ``entry`` was changed and whose manifest sums and digest were all recomputed (a careful forger)."""
    import hashlib

    from graphfraud.bundle.archive import zip_bytes
    from graphfraud.bundle.manifest import self_digest

    files = bundle_files(bundle)
    files[entry] += b"\n"
    manifest = json.loads(files["manifest.json"])
    manifest["files"][entry] = {"sha256": hashlib.sha256(files[entry]).hexdigest(), "bytes": len(files[entry])}
    manifest["digest"] = self_digest(manifest)
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    out.write_bytes(zip_bytes(files))
    return out


def _one_line(done: subprocess.CompletedProcess, status: int, said: str) -> None:
    assert done.returncode == status, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert said in done.stderr, done.stderr


def test_a_signed_bundle_verifies_on_its_own_away_from_the_database(db: Path, tmp_path: Path) -> None:
    keys, other = tmp_path / "keys", tmp_path / "other"
    made = _gf(db, "case", "keygen", "--out", str(keys))
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in keys.iterdir()) == ["bureau.key", "bureau.pub"]
    assert (keys / "bureau.key").stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in (keys / "bureau.key").read_bytes() and b"PUBLIC KEY" in (keys / "bureau.pub").read_bytes()
    fingerprint = next(w for w in made.stdout.split() if w.startswith("sha256:"))
    before = (keys / "bureau.key").read_bytes()
    _one_line(_gf(db, "case", "keygen", "--out", str(keys)), 2, "already")   # a bureau key is never overwritten
    assert (keys / "bureau.key").read_bytes() == before
    assert _gf(db, "case", "keygen", "--out", str(other)).returncode == 0

    ring = _top(db, 1)[0]
    signed = tmp_path / "signed.zip"
    done = _gf(db, "case", "export", ring, "--out", str(signed), "--actor", "zhang", "--sign-key", str(keys / "bureau.key"))
    assert done.returncode == 0, done.stderr
    files = bundle_files(signed)
    assert len(files["signature.ed25519"]) == 64
    assert json.loads(files["manifest.json"])["signature"]["key"] == fingerprint

    away = tmp_path / "no-database-here"   # the check needs the bundle and the public key only
    ok = _gf(away, "case", "verify", str(signed), "--public-key", str(keys / "bureau.pub"))
    assert ok.returncode == 0 and "signature ok" in ok.stdout and fingerprint in ok.stdout, ok.stdout + ok.stderr
    plain = _gf(away, "case", "verify", str(signed))                        # without a key: the sums, as before
    assert plain.returncode == 0 and plain.stdout.startswith("intact") and "--public-key" in plain.stdout
    assert not away.exists()

    _one_line(_gf(away, "case", "verify", str(_forge(signed, tmp_path / "forged.zip")), "--public-key",
                  str(keys / "bureau.pub")), 1, "signature does not verify")
    changed = _gf(away, "case", "verify", str(_copy(signed, tmp_path / "changed.zip",
                                                     lambda f: f.update({"claims.csv": f["claims.csv"] + b"\n"}))),
                  "--public-key", str(keys / "bureau.pub"))
    _one_line(changed, 1, "altered")
    assert changed.stdout.strip().splitlines() == ["changed: claims.csv"]
    _one_line(_gf(away, "case", "verify", str(signed), "--public-key", str(other / "bureau.pub")), 1, "another key")
    unsigned = tmp_path / "unsigned.zip"
    assert _gf(db, "case", "export", ring, "--out", str(unsigned), "--actor", "zhang").returncode == 0
    assert _gf(away, "case", "verify", str(unsigned)).returncode == 0       # unsigned bundles verify as before
    _one_line(_gf(away, "case", "verify", str(unsigned), "--public-key", str(keys / "bureau.pub")), 1, "not signed")
    stripped = _gf(away, "case", "verify", str(_copy(signed, tmp_path / "stripped.zip", lambda f: f.pop("signature.ed25519"))))
    _one_line(stripped, 1, "altered")
    assert "removed: signature.ed25519" in stripped.stdout


def test_a_signature_checks_without_graphfraud_too(db: Path, tmp_path: Path) -> None:
    """docs/bundles.md: ``openssl pkeyutl -verify -pubin -inkey bureau.pub -rawin -in manifest.json -sigfile …``."""
    import shutil

    if not shutil.which("openssl"):
        pytest.skip("no openssl on this machine")
    keys = tmp_path / "keys"
    assert _gf(db, "case", "keygen", "--out", str(keys)).returncode == 0
    signed = tmp_path / "signed.zip"
    assert _gf(db, "case", "export", _top(db, 1)[0], "--out", str(signed), "--actor", "zhang",
               "--sign-key", str(keys / "bureau.key")).returncode == 0
    with zipfile.ZipFile(signed) as archive:   # unzipped as a user would: R-…/manifest.json
        archive.extractall(tmp_path)
    folder = tmp_path / _top(db, 1)[0]
    check = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(keys / "bureau.pub"), "-rawin",
                            "-in", str(folder / "manifest.json"), "-sigfile", str(folder / "signature.ed25519")],
                           capture_output=True, text=True)
    if "rawin" in check.stderr and check.returncode != 0 and "Unknown" in check.stderr:
        pytest.skip("this openssl predates -rawin (3.0)")
    assert check.returncode == 0 and "Verified Successfully" in check.stdout, check.stdout + check.stderr


def test_a_bad_signing_key_is_one_line_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    assert _gf(db, "case", "keygen", "--out", str(keys)).returncode == 0
    ring, out = _top(db, 1)[0], tmp_path / "b.zip"
    for key in (keys / "bureau.pub", tmp_path / "missing.key"):
        _one_line(_gf(db, "case", "export", ring, "--out", str(out), "--actor", "zhang", "--sign-key", str(key)), 2,
                  str(key.name))
    (tmp_path / "junk.pub").write_text("not a key")
    _one_line(_gf(db, "case", "verify", str(out), "--public-key", str(tmp_path / "junk.pub")), 2, "junk.pub")
    assert not out.exists()


def test_users_cli_resets_are_one_time_admins_keep_their_hands_off_their_own_account_and_all_is_logged(tmp_path: Path) -> None:
    db = tmp_path / "db"
    nobody = _gf_here(db, "users", "add", "zhang", "--role", "investigator", "--generate-password")
    assert nobody.exit_code == 2 and "first admin" in nobody.stderr          # an empty list takes an admin first
    first = _gf_here(db, "users", "add", "admin", "--role", "admin", "--new-password-stdin", stdin=PASSWORD + "\n")
    assert first.exit_code == 0, first.output
    again = _gf_here(db, "users", "add", "root", "--role", "admin", "--new-password-stdin", stdin=PASSWORD + "\n")
    assert again.exit_code == 77                                           # from now on, only an admin adds users
    added = _gf_here(db, "users", "add", "zhang", "--role", "investigator", "--new-password-stdin", "--user", "admin",
                     stdin="zhang-own-password\n")
    assert added.exit_code == 0, added.output
    chosen = _gf_here(db, "users", "passwd", "zhang", "--new-password-stdin", "--user", "admin", stdin="admin-knows-it\n")
    assert chosen.exit_code == 2 and "one-time" in chosen.stderr          # never a chosen password for another
    reset = _gf_here(db, "users", "passwd", "zhang", "--user", "admin")
    assert reset.exit_code == 0, reset.output
    one_time = reset.stdout.strip()
    assert len(one_time) >= 10 and "expires" in reset.stderr and one_time not in reset.stderr
    acting = _gf_here(db, "case", "note", "R-X", "x", "--user", "zhang", password=one_time)
    assert acting.exit_code == 77 and "one-time password" in acting.stderr  # the reset password acts nowhere
    for args in (("users", "role", "admin", "--to", "supervisor"), ("users", "disable", "admin")):
        own = _gf_here(db, *args, "--user", "admin")
        assert own.exit_code == 2 and "own" in own.stderr, args
    assert _gf_here(db, "users", "role", "zhang", "--to", "supervisor", "--user", "admin").exit_code == 0
    log = _gf_here(db, "users", "log")
    assert log.exit_code == 0, log.output
    rows = [line for line in log.stdout.splitlines() if " zhang " in f" {line} "]
    assert any("created" in r for r in rows) and any("reset" in r for r in rows) and any("role" in r for r in rows)
    for secret in (PASSWORD, "zhang-own-password", one_time, "$argon2", "admin-knows-it"):
        assert secret not in log.stdout
    about = _gf_here(db, "users", "log", "--about", "zhang").stdout
    assert "reset" in about and "graphfraud" not in about                 # the first admin's own entry is left out
    listed = _gf_here(db, "users", "list").stdout
    assert "one-time password until" in listed


def test_the_cli_changes_no_user_without_an_active_admin(tmp_path: Path) -> None:
    """A user list with no active admin (an old or restored database) is not an open door: only an empty list
    takes a first admin without one."""
    from graphfraud.accounts import store
    from graphfraud.engines.embedded import EmbeddedEngine

    db = tmp_path / "db"
    engine = EmbeddedEngine(db)
    try:
        engine.ensure_schema()
        add_user(engine, "zhang", "investigator", PASSWORD, admin_password=PASSWORD)
        admin = store.require(engine, "admin")
        engine.query("users/update", {   # the admin disabled behind the tool's back
            "username": "admin", "display_name": admin.display_name, "role": "admin", "password_hash": admin.password_hash,
            "disabled": 1, "must_change": 0, "expires": "", "stamp": "new", "previous": admin.stamp,
            "event_id": "0", "actor": "test", "action": "disabled", "detail": "", "at": "2026-01-01T00:00:00+08:00"})
    finally:
        engine.close()
    for args in (("users", "add", "mallory", "--role", "admin", "--new-password-stdin"),
                 ("users", "enable", "admin"), ("users", "passwd", "zhang", "--user", "zhang", "--generate-password"),
                 ("users", "role", "zhang", "--to", "admin", "--user", "zhang")):
        done = _gf_here(db, *args, stdin=PASSWORD + "\n")
        if args[1] == "passwd":
            assert done.exit_code == 0                                      # one's own password stays one's own
            continue
        assert done.exit_code == 77 and "no active admin" in done.stderr, (args, done.output)
    assert [u.username for u in _users(db)] == ["admin", "zhang"]


def _users(db: Path):
    from graphfraud.accounts import store
    from graphfraud.engines.embedded import EmbeddedEngine

    engine = EmbeddedEngine(db)
    try:
        return store.all_users(engine)
    finally:
        engine.close()

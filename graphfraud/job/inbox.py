"""The inbox: the folder deliveries arrive in, and the graph's memory of which files were loaded.

A delivery is either one folder directly under the inbox (``2026-01-31/`` with
``claims.csv``, ``patients.csv``…) or the loose files at the top of the inbox
(``claims_20260131.csv``…). Each file is known by the SHA-256 of its bytes,
kept in the graph as ``:InboxFile`` (so the memory travels with the data: a
restored backup remembers exactly what it holds). A file is marked loaded only
after its load has committed; a file delivered again — under any name — is
skipped.

Files still being written are left alone: hidden and temporary names
(``.x``, ``~$x``, ``*.tmp``, ``*.part``…) are never taken, and a file must be
untouched for ``min_age`` seconds. A load needs a claims file: a delivery
whose new files hold none is loaded together with its own claims file(s)
loaded before (reloading them changes nothing), and a delivery with no
claims file at all waits for one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphfraud.atomic import write_text_atomic
from graphfraud.engines.base import Engine
from graphfraud.errors import InputError
from graphfraud.ingest import SUFFIXES, table_files

LOOSE = "."  # the name of the delivery made of the inbox's loose files
MAPPING_FILES = ("mapping.toml", "mapping.yaml", "mapping.yml")
_PARTIAL = (".tmp", ".part", ".partial", ".filepart", ".crdownload", ".swp", ".lock")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class InboxEntry:
    """One data file in the inbox: where it is, its content hash and size."""

    delivery: str
    name: str       # path relative to the inbox, with / separators
    sha256: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {"delivery": self.delivery, "name": self.name, "sha256": self.sha256, "size": self.size}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_data(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~$")) or name.lower().endswith(_PARTIAL) or name in MAPPING_FILES:
        return False
    return path.is_file() and path.suffix.lower() in SUFFIXES


def _read_cache(path: Path | None) -> dict[str, list]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged cache only costs hashing again
    return data if isinstance(data, dict) else {}


def _write_cache(path: Path | None, cache: dict[str, list]) -> None:
    if path is None:
        return
    write_text_atomic(path, json.dumps(cache, sort_keys=True))


def scan(inbox: Path, min_age: float = 0.0, now: float | None = None,
         cache: Path | None = None) -> tuple[list[InboxEntry], list[str]]:
    """Every data file of every delivery (hashed), and the names of files too fresh to take yet.

    ``cache`` (a JSON file in the job's state folder) keeps each file's hash
    with its size and modification time, so the deliveries that stay in the
    inbox are not read again every night; a file whose size or time changed is
    hashed again. Whether a file was loaded is always the graph's answer.
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        return [], []
    now = time.time() if now is None else now
    known_hashes = _read_cache(cache)
    fresh: dict[str, list] = {}
    found: list[tuple[str, Path]] = []
    for child in sorted(inbox.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            found += [(child.name, f) for f in sorted(child.iterdir()) if _is_data(f)]
        elif _is_data(child):
            found.append((LOOSE, child))
    entries, young = [], []
    for delivery, path in found:
        stat = path.stat()
        name = path.relative_to(inbox).as_posix()
        if now - stat.st_mtime < min_age:
            young.append(name)
            continue
        stamp = [stat.st_size, stat.st_mtime_ns]
        cached = known_hashes.get(name)
        digest = cached[2] if cached and cached[:2] == stamp else sha256_of(path)
        fresh[name] = stamp + [digest]
        entries.append(InboxEntry(delivery, name, digest, stat.st_size))
    _write_cache(cache, fresh)
    entries.sort(key=lambda e: (e.delivery != LOOSE, e.delivery, e.name))
    return entries, young


def known(engine: Engine, hashes: list[str]) -> dict[str, dict[str, Any]]:
    """What the graph remembers about these files (status, name, run), by hash."""
    if not hashes:
        return {}
    rows = engine.query("job/known_files", {"hashes": sorted(set(hashes))}).to_dict("records")
    return {r["sha256"]: r for r in rows}


def delivery_folder(inbox: Path, delivery: str) -> Path:
    return Path(inbox) if delivery == LOOSE else Path(inbox) / delivery


def stage(inbox: Path, delivery: str, entries: list[InboxEntry], staging: Path, mapping: Path | None) -> tuple[Path, list[str]]:
    """Link the delivery's new files into a fresh staging folder; return it and the names of files that changed.

    Staging gives the load exactly the files of this delivery (not the whole
    inbox) under their own names. A file whose bytes no longer match the hash
    taken when the run was planned is left out and reported: it is still being
    written, or was replaced, and is taken by a later run.
    """
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    changed: list[str] = []
    for entry in entries:
        source = Path(inbox) / entry.name
        target = staging / source.name
        if not source.is_file():
            changed.append(entry.name)
            continue
        _take(source, target)
        if sha256_of(target) != entry.sha256:
            target.unlink()
            changed.append(entry.name)
    folder = delivery_folder(inbox, delivery)
    for name in MAPPING_FILES:
        if (folder / name).is_file() and not (staging / name).exists():
            _take(folder / name, staging / name, copy=True)
    if not has_claims(staging, mapping):
        # no new claims file: take the delivery's own (already loaded) claims files along
        for path in _claims_files(folder, mapping):
            if path.parent == folder and _is_data(path) and not (staging / path.name).exists():
                _take(path, staging / path.name)
    return staging, changed


def _take(source: Path, target: Path, copy: bool = False) -> None:
    """Put an inbox file into the staging folder: hard-linked (or copied), a link as a link to the same place.

    A symbolic link stays one, so the reader sees where it points and refuses a delivery whose file (or mapping
    file) lies outside it, instead of loading the other file's bytes as if they had been delivered.
    """
    if source.is_symlink():
        os.symlink(os.path.realpath(source), target)
        return
    if not copy:
        try:
            os.link(source, target)
            return
        except OSError:
            pass
    shutil.copy2(source, target)


def _claims_files(folder: Path, mapping: Path | None) -> list[Path]:
    try:
        return table_files(folder, "claims", mapping)
    except InputError:
        return []  # the delivery's own files cannot be listed: its staged files are read (and refused) as they are


def has_claims(staged: Path, mapping: Path | None) -> bool:
    """Whether the staged delivery has a claims file; a delivery the reader would refuse (a mapping file that
    cannot be read, a link out of the delivery) counts as having one, so reading it quarantines it with the
    reason instead of failing the run."""
    try:
        return bool(table_files(staged, "claims", mapping))
    except InputError:
        return True

"""``OUT/rings.json`` (the contract in docs/architecture.md) and ``OUT/rings.csv`` for spreadsheets, as one pair.

The pair is replaced together or not at all, and never seen half-written:

1. both files are written in full under temporary names (``.rings.json.tmp``,
   ``.rings.csv.tmp``) and synced to disk; the old ``rings.csv`` is kept under
   ``.rings.csv.prev`` (a hard link; an empty file when there was none);
2. ``rings.csv`` is renamed into place, then ``rings.json``: the JSON's rename
   is the commit, so a new ``rings.json`` never stands beside an old
   ``rings.csv``. ``rings.json`` records the SHA-256 of its CSV
   (``csv_sha256``, an addition to the contract), so a reader can tell a pair;
3. an error between the renames puts the old CSV back; a kill between them
   leaves ``.rings.csv.prev``, and the next report in that folder (``recover``)
   puts it back before it writes. No temporary file is left behind.

The JSON keeps the contract's fields and adds, never renames.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from contextlib import suppress
from pathlib import Path

from graphfraud.atomic import sync_folder, write_synced
from graphfraud.detect.rings import ring_json
from graphfraud.detect.run import DetectionResult
from graphfraud.errors import OutputError

JSON_NAME, CSV_NAME = "rings.json", "rings.csv"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def _prev(path: Path) -> Path:
    return path.with_name(f".{path.name}.prev")


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _recorded_csv(json_path: Path) -> str | None:
    """The CSV's SHA-256 that ``rings.json`` records, or None (missing, unreadable, or written before it was)."""
    try:
        value = json.loads(json_path.read_text(encoding="utf-8")).get("csv_sha256")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _keep(csv_path: Path, prev: Path) -> None:
    """Keep the current CSV as ``prev`` (an empty ``prev`` says there was none)."""
    prev.unlink(missing_ok=True)
    if not csv_path.exists():
        write_synced(prev, b"")
        return
    try:
        os.link(csv_path, prev)
    except OSError:  # a filesystem without hard links
        shutil.copyfile(csv_path, prev)


def _restore(prev: Path, csv_path: Path) -> None:
    """Put the CSV kept as ``prev`` back (or remove the CSV when there was none)."""
    if prev.stat().st_size == 0:
        csv_path.unlink(missing_ok=True)
        prev.unlink()
    else:
        os.replace(prev, csv_path)


def recover(out_dir: Path) -> None:
    """Undo what a report cut off by a kill left in ``out_dir``: the last complete pair back, no temporary files."""
    json_path, csv_path = out_dir / JSON_NAME, out_dir / CSV_NAME
    prev = _prev(csv_path)
    if prev.exists():
        recorded = _recorded_csv(json_path)
        if recorded is not None and recorded == _sha256(csv_path):
            prev.unlink()             # killed after the commit: the pair in place is the new one, complete
        else:
            _restore(prev, csv_path)  # killed between the renames: the CSV goes back to the one its JSON knows
    for path in (_tmp(json_path), _tmp(csv_path)):
        path.unlink(missing_ok=True)


def write_pair(out_dir: Path, document: dict, csv_bytes: bytes) -> tuple[Path, Path]:
    """Replace ``out_dir``'s rings.json (``document`` plus ``csv_sha256``) and rings.csv together, or neither."""
    json_path, csv_path = out_dir / JSON_NAME, out_dir / CSV_NAME
    tmp_json, tmp_csv, prev = _tmp(json_path), _tmp(csv_path), _prev(csv_path)
    document = {**document, "csv_sha256": hashlib.sha256(csv_bytes).hexdigest()}
    recover(out_dir)
    swapped = committed = False
    try:
        write_synced(tmp_csv, csv_bytes)
        write_synced(tmp_json, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
        _keep(csv_path, prev)
        sync_folder(out_dir)
        os.replace(tmp_csv, csv_path)
        swapped = True
        os.replace(tmp_json, json_path)
        committed = True
    except BaseException:
        if swapped and not committed:
            _restore(prev, csv_path)  # if this fails too, prev stays for recover()
            swapped = False
        raise
    finally:
        for path in (tmp_json, tmp_csv):
            with suppress(OSError):
                path.unlink(missing_ok=True)
        if committed or not swapped:
            with suppress(OSError):
                prev.unlink(missing_ok=True)
    sync_folder(out_dir)
    return json_path, csv_path


def write_report(result: DetectionResult, out_dir: Path) -> list[Path]:
    """Write rings.json and rings.csv into ``out_dir`` as one pair; return their paths.

    A folder or disk that refuses them raises OutputError; the previous pair is then kept.
    """
    document = {
        "generated_at": result.started,
        "engine": result.engine,
        "run_id": result.run_id,
        "rings": [ring_json(r) for r in result.rings],
        # addition: how many of these rings chance alone would give (detect.significance)
        "null": {"runs": result.null_runs, "candidates": result.candidates,
                 "expected_false_rings": result.expected_false_rings},
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ring_id", "patterns", "score", "amount_at_risk", "patients", "cards", "providers", "doctors",
                     "motifs", "first", "last", "status"])
    for r in result.rings:
        writer.writerow([r.ring_id, ";".join(r.patterns), f"{r.score:.4f}", f"{r.amount_at_risk:.2f}",
                         ";".join(r.ids("patient")), ";".join(r.ids("card")), ";".join(r.ids("provider")),
                         ";".join(r.ids("doctor")), ";".join(r.motifs), r.first_ts or "", r.last_ts or "", r.status])
    csv_bytes = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese text correctly
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return list(write_pair(out_dir, document, csv_bytes))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write {JSON_NAME} and {CSV_NAME} there "
                          f"({exc.strerror or type(exc).__name__}); the previous pair, if any, is kept") from exc

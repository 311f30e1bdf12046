"""``OUT/rings.json`` (the contract in docs/architecture.md) and ``OUT/rings.csv`` for spreadsheets.

Both files are written to a temporary name and renamed, so a reader never sees
half a report. The JSON keeps the contract's fields and adds, never renames.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from graphfraud.detect.rings import ring_json
from graphfraud.detect.run import DetectionResult


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(result: DetectionResult, out_dir: Path) -> list[Path]:
    """Write rings.json and rings.csv into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "generated_at": result.started,
        "engine": result.engine,
        "run_id": result.run_id,
        "rings": [ring_json(r) for r in result.rings],
        # addition: how many of these rings chance alone would give (detect.significance)
        "null": {"runs": result.null_runs, "candidates": result.candidates,
                 "expected_false_rings": result.expected_false_rings},
    }
    json_path, csv_path = out_dir / "rings.json", out_dir / "rings.csv"
    _atomic_write(json_path, json.dumps(document, ensure_ascii=False, indent=1))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ring_id", "patterns", "score", "amount_at_risk", "patients", "cards", "providers", "doctors",
                     "motifs", "first", "last", "status"])
    for r in result.rings:
        writer.writerow([r.ring_id, ";".join(r.patterns), f"{r.score:.4f}", f"{r.amount_at_risk:.2f}",
                         ";".join(r.ids("patient")), ";".join(r.ids("card")), ";".join(r.ids("provider")),
                         ";".join(r.ids("doctor")), ";".join(r.motifs), r.first_ts or "", r.last_ts or "", r.status])
    _atomic_write(csv_path, "\ufeff" + buffer.getvalue())  # BOM: Excel opens Chinese text correctly
    return [json_path, csv_path]

"""Assemble a case bundle: read the ring once, render every file, zip them atomically, record the export.

The bundle (one zip) holds::

    report.pdf        the case in Chinese (or English), font embedded
    claims.csv        evidence claims        ┐
    members.csv       members and roles      │ UTF-8 with BOM
    timeline.csv      evidence day by day    │
    evidence.csv      evidence rows          ┘
    tables.xlsx       the same four tables, one sheet each
    graph.html        the interactive ring graph (offline)
    graph.png         the same graph as a picture
    queries.cypher    the queries and parameters that reproduce the evidence
    manifest.json     SHA-256 of every file, snapshot id, export time and exporter
    signature.ed25519 with a signing key: the bureau's Ed25519 signature over manifest.json

Everything but manifest.json and the report's export line (who exported,
when) is a function of the ring and the data only, so exporting twice gives
byte-identical files apart from that export record.
"""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from graphfraud.bundle import tables as tb
from graphfraud.bundle.archive import write_atomic, zip_bytes
from graphfraud.bundle.case import CaseData, displayed, gather
from graphfraud.bundle.manifest import NAME as MANIFEST, manifest_bytes, sha256
from graphfraud.bundle.picture import png_bytes
from graphfraud.bundle.redact import leaks, redact as redacted
from graphfraud.bundle.report_pdf import pdf_bytes
from graphfraud.bundle.reproduce import queries_text
from graphfraud.bundle.sign import SIGNATURE, Signer
from graphfraud.engines.base import Engine
from graphfraud.errors import BundleError, InputError
from graphfraud.vocabulary import CHINA, LANGUAGES

ACTOR_ENV = "GRAPHFRAUD_ACTOR"


def default_actor() -> str:
    """Who exports when nobody says: ``GRAPHFRAUD_ACTOR``, else the operating-system user."""
    actor = os.environ.get(ACTOR_ENV, "").strip()
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "graphfraud"


def _graph_html(case: CaseData, lang: str) -> bytes:
    from graphfraud.viz import ring_graph

    with tempfile.TemporaryDirectory(prefix="graphfraud-bundle-") as folder:
        path = ring_graph(case.ring, case.claims, Path(folder) / "graph.html", lang=lang)
        return path.read_bytes()


def render(case: CaseData, lang: str, drawn: list[str] | None = None) -> dict[str, bytes]:
    """Every file of the bundle except the manifest, from the (possibly redacted) case (``drawn``: the PDF's text).

    Everything drawn for people shows control characters as visible escapes (:func:`displayed`);
    queries.cypher keeps the stored ids exactly, as escaped Cypher literals.
    """
    shown = displayed(case)
    tables = tb.all_tables(shown, lang)
    created = (case.period[1] or "2000-01-01T00:00:00")[:19].replace(" ", "T") + "Z"  # workbook date: end of the data
    picture, _, _ = png_bytes(shown, lang)
    files = {f"{name}.csv": tb.csv_bytes(name, table, lang) for name, table in tables.items()}
    files["tables.xlsx"] = tb.xlsx_bytes(tables, lang, created)
    files["graph.png"] = picture
    files["graph.html"] = _graph_html(shown, lang)
    files["queries.cypher"] = queries_text(case, lang).encode("utf-8")
    files["report.pdf"] = pdf_bytes(shown, tables, picture, lang, drawn)
    return files


def export_bundle(engine: Engine, ring_id: str, out: Path, *, actor: str, redact: bool = False,
                  now: datetime | None = None, lang: str = "zh",
                  thresholds: Mapping[str, Any] | None = None, signer: Signer | None = None) -> Path:
    """Write the case bundle of ``ring_id`` to ``out`` (a .zip) and record the export on the ring's trail.

    ``actor`` is who exports (recorded in the manifest and on the trail);
    ``redact`` masks names, ID numbers, phones and addresses in every file;
    ``now`` fixes the export time (default: the current time in China);
    ``lang`` is ``zh`` (default) or ``en``; ``thresholds`` are the ``[detect]``
    settings whose motif parameters queries.cypher shows (defaults otherwise);
    ``signer`` (``graphfraud.bundle.sign.load_signer``) signs the manifest.
    Nothing is written when anything fails: the zip appears complete or not at all.
    """
    from graphfraud.case import trail

    if lang not in LANGUAGES:
        raise InputError(f"unknown report language {lang!r}; known: {', '.join(LANGUAGES)}")
    if not actor or not actor.strip():
        raise InputError("an export needs who made it (actor)")
    out = Path(out)
    if out.is_dir():
        raise InputError(f"{out} is a folder; give the bundle's file name, e.g. {out / (ring_id + '.zip')}")
    case = gather(engine, ring_id, dict(thresholds or {}))
    if redact:
        case = redacted(case)
    moment = (now or datetime.now(CHINA))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    stamp = moment.isoformat(timespec="seconds")
    case.exported_by, case.exported_at = actor.strip(), stamp
    drawn: list[str] = []
    files = render(case, lang, drawn)
    if redact:
        leaking = leaks(case.tokens, files, {"report.pdf": "\n".join(drawn)})
        if leaking:
            raise BundleError(f"redaction incomplete in {', '.join(leaking)}; no bundle written")
    files[MANIFEST] = manifest_bytes(case, files, lang, stamp, actor.strip(),
                                     signature=signer.declaration() if signer else None)
    if signer is not None:
        files[SIGNATURE] = signer.sign(files[MANIFEST])
    data = zip_bytes(files, folder=ring_id)
    digest = sha256(files[MANIFEST])

    def record() -> None:
        note = f"case bundle {out.name}" + (" (redacted)" if redact else "")
        trail.record(engine, ring_id, "export", actor, note, at=stamp,
                     details={"bundle": out.name, "manifest_sha256": digest, "redacted": redact,
                              "snapshot": case.snapshot, "bundle_sha256": sha256(data),
                              **({"signed_by": signer.fingerprint} if signer else {})})

    return write_atomic(out, data, before_rename=record)

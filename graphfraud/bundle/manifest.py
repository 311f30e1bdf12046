"""manifest.json: what a bundle holds and who made it — the SHA-256 of every file, the data snapshot, the export.

The manifest is the only file that differs between two exports of the same
ring and data: it alone carries the export time and the exporter (and, in a
signed bundle, the signing key's fingerprint). Its own SHA-256 is recorded on
the ring's case trail, so a bundle can also be matched to the export that
produced it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from graphfraud import __version__
from graphfraud.bundle.case import CaseData

FORMAT = "graphfraud-case-bundle/1"
NAME = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def self_digest(document: dict[str, Any]) -> str:
    """SHA-256 of the manifest's own content (its ``digest`` field left out): a hand edit of the manifest shows.

    Anyone able to recompute it could forge it, as with the file sums; the
    manifest's SHA-256 on the ring's case trail is what a forger cannot reach.
    """
    body = {k: v for k, v in document.items() if k != "digest"}
    return sha256(json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))


def manifest_bytes(case: CaseData, files: dict[str, bytes], lang: str, exported_at: str, exporter: str,
                   signature: dict[str, str] | None = None) -> bytes:
    """The manifest for ``files`` (name → content; the manifest itself excluded).

    ``signature`` (algorithm, key fingerprint, file) is set when the bundle is signed: the signature file is made
    over these very bytes, so it is not among ``files``.
    """
    document: dict[str, Any] = {
        "format": FORMAT,
        "tool": {"name": "graphfraud", "version": __version__},
        "ring_id": case.ring_id,
        "status": case.ring.get("status") or "new",
        "lang": lang,
        "redacted": case.redacted,
        "snapshot": {"id": case.snapshot, "run_id": case.run_id, "claims": len(case.claims),
                     "period": {"first": case.period[0], "last": case.period[1]}},
        "files": {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in sorted(files.items())},
        "export": {"at": exported_at, "by": exporter},
    }
    if signature is not None:
        document["signature"] = signature
    document["digest"] = self_digest(document)
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")

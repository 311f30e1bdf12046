"""Check a bundle against its manifest: intact, or which files were changed, added or removed.

Anyone can check a bundle without graphfraud too — manifest.json lists each
file's SHA-256 — but this check also catches what a hand check misses: a file
added to the archive, a second entry under an existing name, an entry whose
stored checksum no longer matches its bytes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphfraud.bundle.manifest import FORMAT, NAME, self_digest

# what reading a damaged entry can raise: a bad CRC, a cut-short or flipped deflate stream, an unknown method
_DAMAGED = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError)


@dataclass
class VerifyResult:
    """The outcome of checking one bundle; ``error`` is set when it could not be read as a bundle at all."""

    path: Path
    intact: bool
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    error: str | None = None
    manifest: dict[str, Any] | None = None
    manifest_sha256: str | None = None

    @property
    def readable(self) -> bool:
        return self.error is None


def verify_bundle(path: Path) -> VerifyResult:
    """Compare every file in the archive with the SHA-256 the manifest records for it."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
            if NAME not in names:
                return VerifyResult(path, False, error=f"{path}: no {NAME} in the archive; not a graphfraud case bundle")
            raw = archive.read(NAME)
            manifest = json.loads(raw.decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
                return VerifyResult(path, False, error=f"{path}: {NAME} is not a graphfraud case bundle manifest")
            recorded: dict[str, Any] = manifest["files"]
            counts = Counter(names)
            changed, added = [], []
            for name in sorted(set(names)):
                if name == NAME:
                    continue
                if name not in recorded:
                    added.append(name)
                    continue
                try:
                    digest = hashlib.sha256(archive.read(name)).hexdigest()
                except _DAMAGED:    # stored CRC or compressed stream no longer right: bytes edited in place
                    digest = None
                entry = recorded[name]
                if counts[name] > 1 or not isinstance(entry, dict) or digest != entry.get("sha256"):
                    changed.append(name)
            if counts[NAME] > 1 or manifest.get("digest") != self_digest(manifest):
                changed.insert(0, NAME)
            removed = sorted(set(recorded) - set(names))
    except _DAMAGED as exc:
        return VerifyResult(path, False, error=f"{path}: not a readable zip archive ({type(exc).__name__})")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return VerifyResult(path, False, error=f"{path}: {NAME} cannot be read ({type(exc).__name__})")
    return VerifyResult(path, not (changed or added or removed), changed, added, removed, manifest=manifest,
                        manifest_sha256=hashlib.sha256(raw).hexdigest())


def recorded_export(engine, result: VerifyResult):
    """The export step on the ring's case trail that produced this bundle (same manifest SHA-256), or None.

    A bundle whose files and manifest were all rewritten consistently passes
    :func:`verify_bundle`; it cannot also match a manifest digest the trail
    recorded when the bundle was made.
    """
    from graphfraud.case import trail
    from graphfraud.errors import InputError

    ring_id = (result.manifest or {}).get("ring_id")
    if not ring_id or not result.manifest_sha256:
        return None
    try:
        steps = trail.history(engine, str(ring_id))
    except InputError:
        return None
    for step in steps:
        if step.action == "export" and step.details.get("manifest_sha256") == result.manifest_sha256:
            return step
    return None

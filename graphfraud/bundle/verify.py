"""Check a bundle against its manifest: intact, or which files were changed, added or removed.

Anyone can check a bundle without graphfraud too — manifest.json lists each
file's SHA-256 — but this check also catches what a hand check misses: a file
added to the archive, a second entry under an existing name, an entry whose
stored checksum no longer matches its bytes.

A signed bundle (``graphfraud.bundle.sign``) also holds signature.ed25519
beside its manifest, which declares it; :meth:`VerifyResult.check_signature`
checks it against a public key, with no database.

Nothing is read whole: each entry is hashed in chunks, and before any is
inflated the sizes the archive declares are held against ``Limits`` (one
entry, the whole bundle, the compression ratio, the number of entries), so a
zip bomb is refused in one line naming the entry and the reason. ``zipfile``
never inflates an entry past its declared size, so the declared sizes bound the
work.
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

from graphfraud.bundle.archive import top_folder
from graphfraud.bundle.manifest import FORMAT, NAME, self_digest
from graphfraud.bundle.sign import SIGNATURE
from graphfraud.engines.base import Engine
from graphfraud.errors import BundleError

# A bundle graphfraud makes holds about ten files of kilobytes to tens of megabytes (a ring's claims, a PDF, a
# graph) that deflate a few times over; a zip bomb inflates a thousandfold.
DEFAULT_MAX_ENTRY_BYTES = 512 * 2**20      # one file, inflated
DEFAULT_MAX_TOTAL_BYTES = 2 * 2**30        # every file together, inflated
DEFAULT_MAX_RATIO = 200.0                  # inflated / compressed, for entries above RATIO_FROM_BYTES
DEFAULT_MAX_ENTRIES = 1_000
DEFAULT_MAX_MANIFEST_BYTES = 4 * 2**20
RATIO_FROM_BYTES = 2**20                   # a small entry may deflate well (a file of blanks) and costs nothing
CHUNK_BYTES = 2**20                        # hashed this much at a time
MAX_SIGNATURE_READ = 1024                  # an Ed25519 signature is 64 bytes; more is not one

# what reading a damaged entry can raise: a bad CRC, a cut-short or flipped deflate stream, an unknown method
_DAMAGED = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class Limits:
    """The most ``verify_bundle`` inflates; an archive beyond any of them is refused before it is read."""

    entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES
    total_bytes: int = DEFAULT_MAX_TOTAL_BYTES
    ratio: float = DEFAULT_MAX_RATIO
    entries: int = DEFAULT_MAX_ENTRIES
    manifest_bytes: int = DEFAULT_MAX_MANIFEST_BYTES


def _size(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def check_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Raise BundleError naming the first entry (or the archive) beyond ``limits``, from the declared sizes alone."""
    if len(infos) > limits.entries:
        raise BundleError(f"{len(infos):,} entries, over the limit of {limits.entries:,} for a bundle")
    total = 0
    for info in infos:
        size = info.file_size
        cap = limits.manifest_bytes if info.filename == NAME else limits.entry_bytes
        if size > cap:
            raise BundleError(f"{info.filename} inflates to {_size(size)}, over the {_size(cap)} limit for one entry")
        if size > RATIO_FROM_BYTES and size > limits.ratio * max(info.compress_size, 1):
            raise BundleError(f"{info.filename} inflates {size / max(info.compress_size, 1):,.0f} times "
                              f"({_size(info.compress_size)} to {_size(size)}), over the compression ratio limit of "
                              f"{limits.ratio:,.0f}")
        total += size
    if total > limits.total_bytes:
        raise BundleError(f"its files inflate to {_size(total)} together, over the {_size(limits.total_bytes)} "
                          "limit for a bundle")


def _sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as entry:
        while chunk := entry.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


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
    manifest_bytes: bytes | None = field(default=None, repr=False)   # as stored: what a signature covers
    signature: bytes | None = field(default=None, repr=False)        # signature.ed25519, when the manifest declares one

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def signed_by(self) -> str | None:
        """The key fingerprint the manifest says signed it (not checked: see :meth:`check_signature`)."""
        declared = (self.manifest or {}).get("signature")
        key = declared.get("key") if isinstance(declared, dict) else None
        return str(key) if key is not None else None

    def check_signature(self, public_key) -> str | None:
        """None when the bundle's manifest is signed by ``public_key``; else why not, in one line."""
        from graphfraud.bundle.sign import check

        return check(public_key, self.manifest, self.manifest_bytes, self.signature)


def verify_bundle(path: Path, limits: Limits = Limits()) -> VerifyResult:
    """Compare every file in the archive with the SHA-256 the manifest records for it.

    An archive beyond ``limits`` is unreadable (``error`` names the entry and
    the reason) and nothing of it is inflated.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            try:
                check_limits(infos, limits)
            except BundleError as exc:
                return VerifyResult(path, False, error=f"{path}: not read: {exc}")
            top = top_folder([i.filename for i in infos])   # bundles since 2026-12 sit in one folder R-…/
            names = [i.filename[len(top):] for i in infos]
            if NAME not in names:
                return VerifyResult(path, False, error=f"{path}: no {NAME} in the archive; not a graphfraud case bundle")
            try:
                raw = archive.read(top + NAME)
            except _DAMAGED:    # the manifest's own bytes were edited in place: nothing can be held against it
                return VerifyResult(path, False, changed=[NAME])
            manifest = json.loads(raw.decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
                return VerifyResult(path, False, error=f"{path}: {NAME} is not a graphfraud case bundle manifest")
            recorded: dict[str, Any] = manifest["files"]
            declared = isinstance(manifest.get("signature"), dict)   # then signature.ed25519 belongs beside it
            counts = Counter(names)
            changed, added = [], []
            signature = None
            for name in sorted(set(names)):
                if name == NAME:
                    continue
                if name == SIGNATURE and declared and name not in recorded:
                    try:
                        with archive.open(top + name) as entry:
                            signature = entry.read(MAX_SIGNATURE_READ)
                    except _DAMAGED:
                        changed.append(name)
                        continue
                    if counts[name] > 1:
                        changed.append(name)
                    continue
                if name not in recorded:
                    added.append(name)
                    continue
                try:
                    digest = _sha256(archive, top + name)
                except _DAMAGED:    # stored CRC or compressed stream no longer right: bytes edited in place
                    digest = None
                entry = recorded[name]
                if counts[name] > 1 or not isinstance(entry, dict) or digest != entry.get("sha256"):
                    changed.append(name)
            if counts[NAME] > 1 or manifest.get("digest") != self_digest(manifest):
                changed.insert(0, NAME)
            removed = sorted(set(recorded) - set(names) | ({SIGNATURE} - set(names) if declared else set()))
    except FileNotFoundError:
        return VerifyResult(path, False, error=f"{path}: no such file")
    except IsADirectoryError:
        return VerifyResult(path, False, error=f"{path} is a folder, not a bundle")
    except _DAMAGED as exc:
        return VerifyResult(path, False, error=f"{path}: not a readable zip archive ({type(exc).__name__})")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return VerifyResult(path, False, error=f"{path}: {NAME} cannot be read ({type(exc).__name__})")
    return VerifyResult(path, not (changed or added or removed), changed, added, removed, manifest=manifest,
                        manifest_sha256=hashlib.sha256(raw).hexdigest(), manifest_bytes=raw, signature=signature)


def describe(manifest: dict[str, Any] | None) -> str:
    """The ring, snapshot, export and redaction a manifest states, for one line; fields of the wrong type left out.

    A manifest that failed its check may hold anything: nothing here assumes a field's type.
    """
    m = manifest if isinstance(manifest, dict) else {}

    def text(value: Any) -> str | None:
        return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None

    def inner(table: str, key: str) -> str | None:
        value = m.get(table)
        return text(value.get(key)) if isinstance(value, dict) else None

    ring, snapshot = text(m.get("ring_id")), inner("snapshot", "id")
    at, by = inner("export", "at"), inner("export", "by")
    exported = " ".join(([f"exported {at}"] if at else []) + ([f"by {by}"] if by else []))
    parts = [f"ring {ring}" if ring else "", f"snapshot {snapshot}" if snapshot else "", exported,
             "redacted" if m.get("redacted") is True else ""]
    return ", ".join(p for p in parts if p) or "no readable manifest"


def recorded_export(engine: Engine, result: VerifyResult):
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

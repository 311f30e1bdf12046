"""Signed bundles: an Ed25519 signature over manifest.json from the bureau's key, checked away from the database.

The manifest lists the SHA-256 of every file, so a signature over the
manifest covers the whole bundle. Anyone who can rewrite a file can also
rewrite the sums (``case verify`` alone then passes) — but not sign the new
manifest without the bureau's private key. So a bundle verifies on its own,
with nothing but the bureau's public key::

    graphfraud case keygen --out /srv/graphfraud/keys          # bureau.key (mode 0600) + bureau.pub
    graphfraud case export R-… --out R-….zip --sign-key /srv/graphfraud/keys/bureau.key
    graphfraud case verify R-….zip --public-key bureau.pub      # signature ok, or one line saying why not

A signed bundle holds ``signature.ed25519`` (the 64 raw signature bytes over
manifest.json exactly as stored), and its manifest says so in ``signature``
(algorithm, the key's fingerprint, the file), so removing the signature shows
as a removed file. The fingerprint is ``sha256:`` and the SHA-256 of the raw
32-byte public key. Keys are PEM (PKCS#8 private, SubjectPublicKeyInfo
public), so OpenSSL reads them too (``openssl pkeyutl -verify -pubin -inkey
bureau.pub -rawin -in manifest.json -sigfile signature.ed25519``).

Ed25519 and the PEM formats come from ``cryptography`` (pyca), the library
most of the Python ecosystem relies on for it, built on OpenSSL.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphfraud.atomic import atomic_path
from graphfraud.errors import InputError, OutputError

SIGNATURE = "signature.ed25519"
ALGORITHM = "Ed25519"
PRIVATE_KEY = "bureau.key"
PUBLIC_KEY = "bureau.pub"
SIGNATURE_BYTES = 64
MAX_KEY_FILE_BYTES = 64 * 1024   # a PEM key is a few hundred bytes


def fingerprint(public_key) -> str:
    """``sha256:`` + the SHA-256 of the raw public key (what the manifest names and ``keygen`` prints)."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Signer:
    """A bureau's private key, loaded once, that signs manifests."""

    key: Any
    path: Path

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key.public_key())

    def declaration(self) -> dict[str, str]:
        """What the manifest says about its signature."""
        return {"algorithm": ALGORITHM, "key": self.fingerprint, "file": SIGNATURE}

    def sign(self, manifest: bytes) -> bytes:
        return self.key.sign(manifest)


def _read_key_file(path: Path, what: str) -> bytes:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            raise InputError(f"{path}: not a {what} (too large for a PEM key file)")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a {what} file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None


def load_signer(path: Path) -> Signer:
    """The Ed25519 private key in ``path`` (PEM, as ``keygen`` writes it); InputError naming the file otherwise."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = _read_key_file(path, "private key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        hint = " (that is the public key: sign with the private one, e.g. bureau.key)" if b"PUBLIC KEY" in data else ""
        raise InputError(f"{path}: not an unencrypted PEM private key{hint}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{path}: not an Ed25519 key (graphfraud case keygen makes one)")
    return Signer(key, Path(path))


def load_public_key(path: Path):
    """The Ed25519 public key in ``path`` (PEM); InputError naming the file otherwise."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    data = _read_key_file(path, "public key")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{path}: not an Ed25519 public key (graphfraud case keygen makes one)")
    return key


def generate_keys(folder: Path) -> tuple[Path, Path, str]:
    """A new key pair in ``folder``: bureau.key (owner-only, 0600) and bureau.pub; (private, public, fingerprint).

    An existing key is never overwritten: bundles signed with it could no longer be checked.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = Path(folder)
    private, public = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    for path in (private, public):
        if path.exists():
            raise InputError(f"{path} already exists: a bureau key is never overwritten (bundles signed with it "
                             "could no longer be checked); choose another folder")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(private) as tmp:   # created owner-only: the key is never readable by others, not even briefly
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(pem)
        with atomic_path(public) as tmp, open(tmp, "xb") as handle:
            handle.write(pub)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the keys ({exc.strerror or exc})") from exc
    return private, public, fingerprint(key.public_key())


def check(public_key, manifest: dict[str, Any] | None, manifest_bytes: bytes | None, signature: bytes | None) -> str | None:
    """None when ``signature`` is a valid signature by ``public_key`` over ``manifest_bytes``; else why not (one line)."""
    from cryptography.exceptions import InvalidSignature

    declared = (manifest or {}).get("signature")
    if signature is None or manifest_bytes is None:
        return f"not signed: no {SIGNATURE} in the bundle" + ("" if declared is None else " (its manifest says it was)")
    if not isinstance(declared, dict) or declared.get("algorithm") != ALGORITHM:
        return f"not signed: its manifest declares no {ALGORITHM} signature"
    expected = fingerprint(public_key)
    if declared.get("key") != expected:
        return f"signed by another key ({declared.get('key')!s:.80}), not by this public key ({expected})"
    if len(signature) != SIGNATURE_BYTES:
        return f"signature does not verify: {SIGNATURE} is not a {SIGNATURE_BYTES}-byte {ALGORITHM} signature"
    try:
        public_key.verify(signature, manifest_bytes)
    except InvalidSignature:
        return (f"signature does not verify with {expected}: manifest.json changed since it was signed "
                "(or the signature was)")
    return None

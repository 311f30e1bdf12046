"""Case bundles for police referral (移送公安): one tamper-evident zip per ring, and its check.

``export_bundle(engine, ring_id, out, actor=...)`` writes report.pdf (Chinese,
font embedded), the evidence tables as CSV and XLSX, the ring graph as HTML
and PNG, the queries that reproduce the evidence and a manifest of SHA-256
sums (signed with the bureau's Ed25519 key when a ``signer`` is given:
``graphfraud.bundle.sign``); ``verify_bundle(path)`` says whether the files
still match it. See docs/bundles.md.
"""

from graphfraud.bundle.export import default_actor, export_bundle
from graphfraud.bundle.verify import VerifyResult, verify_bundle

__all__ = ["VerifyResult", "default_actor", "export_bundle", "verify_bundle"]

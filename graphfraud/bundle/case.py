"""Everything a bundle shows about one ring, read from the graph once: the case as data.

The ring comes from :func:`graphfraud.detect.store.stored_ring` (its
``rings.json`` entry and current status), the claims behind its evidence from
``claim_facts``, the members' names, ID numbers and phones from their nodes
(``cypher/bundle/``), the review history from the case trail. Every renderer
(PDF, tables, pictures, queries) works from this one object, so redaction is
applied once, here, and reaches every file.

The *data snapshot id* is a digest of what the evidence rests on — the
detection run, the ring's members and evidence rows, the facts of its
evidence claims and of its members — so two bundles with the same snapshot id
show the same data, and a changed claim gives a new id.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphfraud import __version__
from graphfraud.detect.tally import fund_share, ring_claims
from graphfraud.display import visible_all
from graphfraud.engines.base import Engine
from graphfraud.errors import InputError
from graphfraud.vocabulary import MEMBER_KINDS


@dataclass
class CaseData:
    """One ring as a case: the ring entry, its claims, its members' facts, its review history."""

    ring: dict[str, Any]
    claims: dict[str, dict[str, Any]]                 # evidence claims' facts by claim id
    facts: dict[str, dict[str, dict[str, Any]]]       # kind → id → facts (members; providers of the claims)
    history: list[dict[str, Any]]                     # review steps (exports excluded: they are not data)
    thresholds: dict[str, dict[str, Any]]             # motif → parameters its query takes
    snapshot: str
    period: tuple[str | None, str | None]
    tool: str = f"graphfraud {__version__}"
    redacted: bool = False
    tokens: dict[str, str] = field(default_factory=dict)   # raw value → mask (only when redacted; never written)
    exported_by: str = ""   # the export record the report prints (also in manifest.json and on the trail)
    exported_at: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)  # the lines (drugs, boxes) of the evidence claims

    @property
    def ring_id(self) -> str:
        return str(self.ring["ring_id"])

    @property
    def run_id(self) -> str:
        return str(self.ring.get("run_id") or "")

    def members(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.ring["members"] if m["type"] == kind]

    def member_ids(self, kind: str) -> set[str]:
        return {m["id"] for m in self.members(kind)}

    def claim_ids(self) -> list[str]:
        """Evidence claims in time order (then id)."""
        return sorted(self.claims, key=lambda c: (str(self.claims[c].get("ts") or ""), c))

    def counted(self, claim_id: str) -> bool:
        """Whether a claim is one of the ring's claims, by the one rule of :mod:`graphfraud.detect.tally`."""
        return bool(ring_claims(self.ring, self.claims, (claim_id,)))

    def ring_claims(self, among: Iterable[str] | None = None) -> list[str]:
        """The ring's claims in time order (``among``: only these evidence claims), by the one rule."""
        return ring_claims(self.ring, self.claims, among)


def displayed(case: CaseData) -> CaseData:
    """The case as the PDF, picture, tables and HTML draw it: control characters in every text shown as escapes.

    Ids stay as stored everywhere else (the snapshot id, the manifest, queries.cypher's parameters); review
    notes keep their line breaks. See :mod:`graphfraud.display`.
    """
    from dataclasses import replace

    return replace(case, ring=visible_all(case.ring), claims=visible_all(case.claims), facts=visible_all(case.facts),
                   history=visible_all(case.history, keep_newlines=True), items=visible_all(case.items))


def plain(value: Any) -> Any:
    """A value as plain JSON-able Python: numpy scalars and arrays unwrapped, lists kept (missing values are
    already None: the engine contract)."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        with contextlib.suppress(ValueError, TypeError):
            value = value.item()
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, str)):
        return [plain(v) for v in list(value)]
    return value


def paid(facts: dict[str, Any]) -> float:
    """The fund's share of a claim (the whole amount when the fund share is unknown), as detection counts it."""
    return fund_share(facts)


def _rows(engine: Engine, name: str, key: str, ids: Iterable[str], chunk: int = 5_000) -> dict[str, dict[str, Any]]:
    ids = sorted(set(ids))
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), chunk):
        for row in engine.query(name, {key: ids[start:start + chunk]}).to_dict("records"):
            out[str(row["id"])] = {k: plain(v) for k, v in row.items()}
    return out


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def snapshot_id(ring: dict[str, Any], claims: dict[str, dict[str, Any]], facts: dict[str, dict[str, dict[str, Any]]],
                items: list[dict[str, Any]] | None = None) -> str:
    """Digest of the data the evidence rests on (not of the case status or the export)."""
    basis = {
        "run_id": ring.get("run_id"),
        "ring": {k: ring.get(k) for k in ("ring_id", "patterns", "score", "members", "amount_at_risk", "evidence")},
        "claims": claims,
        "facts": facts,
    }
    if items:  # only rings whose claims have items: the snapshot of every other ring stays what it was
        basis["items"] = items
    return "S-" + hashlib.sha256(_canonical(basis)).hexdigest()[:16].upper()


def thresholds_for(engine: Engine, motifs: Iterable[str], overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The parameters each motif query takes with today's settings (what reproduces the evidence)."""
    from graphfraud.detect.evidence import motif
    from graphfraud.detect.partition import Partitioner
    from graphfraud.detect.thresholds import params_for, refine_params

    frame = engine.query("baseline/amounts")
    baseline = {k: plain(v) for k, v in frame.iloc[0].to_dict().items()} if len(frame) else {}
    whole_range = Partitioner(engine, parts=1)  # reads each kind's ids once for every motif
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(set(motifs)):
        source = motif(name).source or name   # a motif reading another's rows is reproduced by that query
        params = {k: plain(v) for k, v in params_for(source, overrides, baseline).items()}
        params.update(whole_range.params(motif(source).partition)[0])  # detect may have run it in id ranges; one here
        refined = {k: plain(v) for k, v in refine_params(name, overrides).items() if k not in params}
        out[name] = {"query": params, "refinement": refined, "source": source}
    return out


def gather(engine: Engine, ring_id: str, overrides: dict[str, Any] | None = None) -> CaseData:
    """Read everything about ``ring_id`` the bundle shows; an unknown ring is an InputError."""
    from graphfraud.case import trail
    from graphfraud.detect.store import claim_facts, stored_ring

    ring = stored_ring(engine, ring_id)
    if ring is None:
        raise InputError(f"no ring {ring_id!r} in the graph; run detect first or check the id")
    ring = json.loads(json.dumps(ring, default=plain))
    if not ring.get("members") or not ring.get("evidence"):
        raise InputError(f"ring {ring_id!r} has no stored members or evidence (stored by an older version); "
                         "run detect again, then export")
    claim_ids = {c for ev in ring.get("evidence", []) for c in ev.get("claims", [])}
    claims = {cid: {k: plain(v) for k, v in f.items()} for cid, f in claim_facts(engine, claim_ids).items()}
    wanted: dict[str, set[str]] = defaultdict(set)
    for m in ring["members"]:
        wanted[m["type"]].add(m["id"])
    wanted["provider"].update(str(c["provider_id"]) for c in claims.values() if c.get("provider_id"))
    # cypher/bundle/<kinds>.cypher, each reading the facts of the ids in $<kinds>
    facts: dict[str, dict[str, dict[str, Any]]] = {kind: _rows(engine, f"bundle/{kind.plural}", kind.plural, wanted[kind]) for kind in MEMBER_KINDS}
    history = [
        {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "from_status": e.from_status,
         "to_status": e.to_status, "note": e.note}
        for e in trail.history(engine, ring_id) if e.action != "export"
    ]
    times = sorted(str(c["ts"]) for c in claims.values() if c.get("ts"))
    items = _items(engine, claim_ids)
    return CaseData(
        ring=ring, claims=claims, facts=facts, history=history,
        thresholds=thresholds_for(engine, (ev["motif"] for ev in ring.get("evidence", [])), overrides),
        snapshot=snapshot_id(ring, claims, facts, items),
        period=(times[0] if times else None, times[-1] if times else None), items=items,
    )


def _items(engine: Engine, claim_ids: Iterable[str], chunk: int = 5_000) -> list[dict[str, Any]]:
    """The lines of the evidence claims (``bundle/items``), by claim and line."""
    ids = sorted(set(claim_ids))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), chunk):
        rows.extend({k: plain(v) for k, v in r.items()}
                    for r in engine.query("bundle/items", {"claims": ids[start:start + chunk]}).to_dict("records"))
    return sorted(rows, key=lambda r: (str(r["claim_id"]), str(r["line_id"])))

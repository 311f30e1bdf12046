"""Rings in the graph: read the stored ones (for stable ids and kept decisions), write this run's back.

Rings are written as ``:Ring`` nodes with ``MEMBER_OF {role}`` links from
patients, cards, providers and doctors, so Neo4j Browser and Bloom users see
them next to the claims. A ring's ``status`` (the investigators' decision) and
``first_seen`` are never overwritten by a new run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from graphfraud.detect.rings import Ring, ring_json
from graphfraud.detect.significance import Customers
from graphfraud.engines.base import Engine

_MEMBER_QUERY = {"patient": "rings/member_patient", "card": "rings/member_card",
                 "provider": "rings/member_provider", "doctor": "rings/member_doctor"}


def claim_facts(engine: Engine, claim_ids: Iterable[str], chunk: int = 20_000) -> dict[str, dict[str, Any]]:
    """Facts of the given claims (patient, card, provider, doctor, time, amounts), by claim id.

    One query per ``chunk`` ids; missing values are None (the engine contract).
    """
    ids = sorted(set(claim_ids))
    facts: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), chunk):
        frame = engine.query("rings/claims", {"claims": ids[start:start + chunk]})
        for row in frame.to_dict("records"):
            facts[row["claim_id"]] = row
    return facts


def cards_of(engine: Engine, patients: Iterable[str], chunk: int = 20_000) -> dict[str, list[str]]:
    """Cards held by each of the given patients."""
    ids = sorted(set(patients))
    held: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(ids), chunk):
        for row in engine.query("rings/cards_of", {"patients": ids[start:start + chunk]}).to_dict("records"):
            held[row["patient"]].append(row["card"])
    return held


def patient_strata(engine: Engine) -> dict[str, tuple[str, int | None]]:
    """Registered city and birth year of every patient (the null model's peer strata)."""
    out: dict[str, tuple[str, int | None]] = {}
    for row in engine.query("refine/patient_strata").to_dict("records"):
        city, born = row["city"], row["born"]
        out[row["patient"]] = (city or "", None if born is None else int(born))
    return out


def doctors_at(engine: Engine) -> dict[str, dict[str, int]]:
    """Each provider's doctors and their numbers of claims there (the null model's stand-in doctors)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    frame = engine.query("refine/provider_doctors")
    for provider, doctor, n in zip(frame["provider"], frame["doctor"], frame["n_claims"]):
        out[provider][doctor] = int(n)
    return out


def customers(engine: Engine) -> Customers:
    """The patients seen at each provider (the null model's stand-in patients)."""
    return Customers(engine.query("refine/provider_patients"))


def provider_volumes(providers: pd.DataFrame) -> dict[str, tuple[str, int]]:
    """Each provider's kind of place (city and type) and number of distinct cards, from ``refine/provider_cards``
    indexed by provider (as the motif refinements read it: ``Context.providers``)."""
    text = lambda v: v if isinstance(v, str) else ""  # noqa: E731
    return {provider: (f"{text(row['city'])}/{text(row['type'])}", int(row["n_cards"]))
            for provider, row in providers.iterrows()}


def previous_rings(engine: Engine) -> list[dict[str, Any]]:
    frame = engine.query("rings/previous")
    return [
        {"ring_id": r["ring_id"], "status": r["status"], "first_seen": r["first_seen"], "patients": list(r["patients"])}
        for r in frame.to_dict("records")
    ]


def write_rings(engine: Engine, rings: list[Ring], run_id: str, seen: str) -> None:
    """Upsert the rings and replace their memberships with this run's, in one transaction.

    All of it is stored or none: a run that fails or is killed in the middle
    (memberships cleared, the new ones not yet written) leaves the rings of the
    last finished run, so the next run carries their ids and decisions over.
    """
    if not rings:
        return
    with engine.transaction():
        engine.query("rings/upsert_ring", {"rows": [
            {"ring_id": r.ring_id, "patterns": json.dumps(r.patterns), "score": float(r.score),
             "amount_at_risk": float(r.amount_at_risk), "summary": ", ".join(r.motifs), "seen": seen,
             "run_id": run_id, "size": len(r.patients), "details": json.dumps(ring_json(r), ensure_ascii=False),
             "expected_false": float(r.expected_false)}
            for r in rings
        ]})
        engine.query("rings/clear_members", {"ring_ids": [r.ring_id for r in rings]})
        for kind, name in _MEMBER_QUERY.items():
            rows = [{"ring_id": r.ring_id, "id": m.id, "role": m.role} for r in rings for m in r.members if m.type == kind]
            if rows:
                engine.query(name, {"rows": rows})


def stored_rings(engine: Engine) -> list[dict[str, Any]]:
    """Every stored ring's headline (id, patterns, score, amount, size, status, when seen), highest score first."""
    rows = engine.query("rings/stored_list").to_dict("records")
    for row in rows:
        row["patterns"] = json.loads(row["patterns"] or "[]")
        row["assignee"], row["due"] = _text(row.get("assignee")), _text(row.get("due"))
    return rows


def _text(value: Any) -> str | None:
    """A stored text property, or None when absent or empty."""
    return None if value is None or value == "" else str(value)


def stored_ring(engine: Engine, ring_id: str) -> dict[str, Any] | None:
    """One stored ring as a ``rings.json`` entry, with its current case status and when it was seen; None if absent.

    The status is the graph's (the investigators' latest decision), not the one
    the ring had when detection wrote it.
    """
    frame = engine.query("rings/stored", {"ring_id": ring_id})
    if frame.empty:
        return None
    row = frame.to_dict("records")[0]
    details = row["details"]
    ring = json.loads(details) if details else {"ring_id": ring_id, "members": [], "evidence": []}
    ring.update({"status": row["status"] or "new", "first_seen": row["first_seen"], "last_seen": row["last_seen"],
                 "run_id": row["run_id"], "assignee": _text(row.get("assignee")), "due": _text(row.get("due"))})
    return ring

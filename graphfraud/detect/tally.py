"""A ring's claims and totals, by one rule every view uses.

**The rule** (the one detection uses for the amount at risk): a ring's claims
are its evidence claims *for one of its member patients* — a member's own
claim, or the claim an evidence row says it made for a member (``through``:
the pharmacy's claim that settled again a box a member sold). An evidence row may
name claims of people outside the ring (the other visitors of a co-visit, the
rest of an admission wave); those stay in the evidence tables but are not the
ring's claims, are not counted, and never make a per-pattern figure exceed the
ring's own totals.

The ring summary, the ring graph's "n of m claims", the timeline, the PDF's
summary, sections 三 and 四 and the member tables all count through
:func:`ring_claims` and :func:`totals`, so they give one number. Imports
nothing from the rest of the package but the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def fund_share(facts: Mapping[str, Any]) -> float:
    """The fund's share of one claim; the whole amount when the fund share is unknown (as detection counts it)."""
    value = facts.get("fund_paid")
    if value is None:
        value = facts.get("amount") or 0.0
    return float(value)


def member_patients(ring: Mapping[str, Any]) -> set[str]:
    """The ids of the ring's member patients."""
    return {str(m["id"]) for m in ring.get("members", []) if m.get("type") == "patient"}


def evidence_claims(ring: Mapping[str, Any]) -> set[str]:
    """Every claim any evidence row of the ring names (members' and others')."""
    return {str(c) for ev in ring.get("evidence", []) for c in ev.get("claims", [])}


def settled_for_members(ring: Mapping[str, Any]) -> set[str]:
    """Claims an evidence row ties to a member patient other than the claim's own (``through``)."""
    patients = member_patients(ring)
    return {str(c) for ev in ring.get("evidence", []) for c, p in (ev.get("through") or {}).items()
            if str(p) in patients}


def ring_claims(ring: Mapping[str, Any], facts: Mapping[str, Mapping[str, Any]],
                among: Iterable[str] | None = None) -> list[str]:
    """The ring's claims (evidence claims for a member patient), in time order then id.

    ``among`` narrows the evidence claims considered (e.g. one motif's rows); the
    result is always a subset of the ring's claims.
    """
    patients = member_patients(ring)
    pool = evidence_claims(ring) if among is None else {str(c) for c in among}
    tied = settled_for_members(ring)
    kept = [c for c in pool if c in facts and (str(facts[c].get("patient_id")) in patients or c in tied)]
    return sorted(kept, key=lambda c: (str(facts[c].get("ts") or ""), c))


@dataclass(frozen=True)
class Totals:
    """How many claims, how much, for whom and when: the figures every view prints for a set of ring claims."""

    claims: int
    amount: float        # total amount of the claims
    fund_paid: float     # the fund's share (the amount at risk)
    patients: int        # distinct member patients among them
    first: str | None
    last: str | None


def totals(claim_ids: Iterable[str], facts: Mapping[str, Mapping[str, Any]]) -> Totals:
    """The totals of ``claim_ids`` (pass ring claims: see :func:`ring_claims`)."""
    ids = [c for c in claim_ids if c in facts]
    times = sorted(str(facts[c]["ts"]) for c in ids if facts[c].get("ts"))
    return Totals(claims=len(ids), amount=round(sum(float(facts[c].get("amount") or 0.0) for c in ids), 2),
                  fund_paid=round(sum(fund_share(facts[c]) for c in ids), 2),
                  patients=len({str(facts[c].get("patient_id")) for c in ids}),
                  first=times[0] if times else None, last=times[-1] if times else None)

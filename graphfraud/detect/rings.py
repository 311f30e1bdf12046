"""From communities and evidence to rings: members with roles, pattern families, score, amount at risk.

A community becomes a ring only when at least ``min_patients`` of its patients
are suspicious in their own right (indicator evidence, not just being seen
together), which is what keeps dialysis wards, care homes, families and
company check-ups out. Providers and doctors are members only when evidence
that implicates them (not merely locates them) involves at least two of the
ring's patients: a hospital where a lent card was used is a place, not an
accomplice.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from graphfraud.detect.evidence import FAMILIES, Evidence

# Motifs that speak for more than one family, and in what proportion.
FAMILY_MIX: dict[str, dict[str, float]] = {
    "far_pharmacy": {"card_lending": 0.6, "pharmacy_cashout": 0.4},
    "doctor_funnel": {"gang": 0.6, "pharmacy_cashout": 0.4},
}

# Role of a patient / provider / doctor by the motif that implicates it most.
PATIENT_ROLES = {
    "impossible_travel": "card_holder", "displaced_card": "card_holder", "two_place_card": "card_holder", "misfit_care": "card_holder",
    "terminal_sequence": "card_holder", "far_pharmacy": "card_holder", "after_death": "deceased_holder",
    "round_amounts": "cashed_out_card", "off_hours": "cashed_out_card", "card_burst": "cashed_out_card",
    "refill_too_soon": "refill_patient", "admission_wave": "admitted_patient", "split_admission": "admitted_patient",
    "doctor_funnel": "funnelled_patient", "shared_phone": "phone_sharer", "co_visit": "companion",
    "beside_recruits": "admitted_patient", "co_admission": "admitted_patient",
}
PROVIDER_ROLES = {
    "terminal_sequence": "collection_point", "after_death": "kept_cards", "round_amounts": "cash_out_pharmacy",
    "off_hours": "cash_out_pharmacy", "card_burst": "cash_out_pharmacy", "refill_too_soon": "dispensing_pharmacy",
    "admission_wave": "admitting_institution", "split_admission": "admitting_institution",
    "doctor_funnel": "receiving_pharmacy",
}
DOCTOR_ROLES = {
    "refill_too_soon": "prescriber", "doctor_funnel": "prescriber", "admission_wave": "admitting_doctor",
    "split_admission": "admitting_doctor", "after_death": "treating_doctor",
}


@dataclass
class Member:
    type: str
    id: str
    role: str


@dataclass
class Ring:
    ring_id: str
    patterns: list[str]
    score: float
    members: list[Member]
    amount_at_risk: float
    evidence: list[Evidence]
    family_scores: dict[str, float] = field(default_factory=dict)
    motifs: list[str] = field(default_factory=list)
    first_ts: str | None = None
    last_ts: str | None = None
    status: str = "new"
    first_seen: str | None = None

    def ids(self, kind: str) -> list[str]:
        return [m.id for m in self.members if m.type == kind]

    @property
    def patients(self) -> list[str]:
        return self.ids("patient")


def ring_json(ring: Ring) -> dict[str, Any]:
    """The ring as one ``rings.json`` entry: the contract's fields, then additions (never renamed)."""
    return {
        "ring_id": ring.ring_id,
        "patterns": ring.patterns,
        "score": ring.score,
        "members": [{"type": m.type, "id": m.id, "role": m.role} for m in ring.members],
        "amount_at_risk": ring.amount_at_risk,
        "evidence": [
            {"motif": ev.motif, "claims": ev.claims, "detail": ev.reason, "family": ev.family,
             "patients": ev.patients, "providers": ev.providers, "doctors": ev.doctors,
             "detail_zh": ev.reason_zh}  # addition: the reason in Chinese
            for ev in ring.evidence
        ],
        # additions to the contract
        "status": ring.status,
        "motifs": ring.motifs,
        "family_scores": ring.family_scores,
        "period": {"first": ring.first_ts, "last": ring.last_ts},
        "size": {kind: len(ring.ids(kind)) for kind in ("patient", "card", "provider", "doctor")},
    }


@dataclass(frozen=True)
class RingRules:
    min_patients: int = 3           # suspicious patients a community needs to be a ring
    patient_threshold: float = 0.5   # a patient's suspicion (with context) to count as a member
    context_seed: float = 0.35      # suspicion that makes a patient raise the suspicion of its company
    min_entity_patients: int = 2    # ring patients a provider/doctor must be implicated with
    min_score: float = 0.5          # rings below are not reported
    score_scale: float = 3.0        # raw strength giving score 1 - 1/e


def ring_key(patients: list[str]) -> str:
    """Id of a ring seen for the first time: stable for the same patients."""
    return "R-" + hashlib.sha1("|".join(sorted(patients)).encode("utf-8")).hexdigest()[:10].upper()


def _family_scores(rows: list[Evidence], members: set[str]) -> dict[str, float]:
    """How much each family explains the ring: per patient, its strongest evidence of that family, summed.

    Counting each patient once per family keeps a motif that returns many small rows
    (sequences, co-visits) from outvoting one that returns a single row for the whole
    group; link rows count half, since being seen together is not a pattern by itself.
    """
    best: dict[tuple[str, str], float] = {}
    for ev in rows:
        factor = 0.5 if ev.kind == "link" else 1.0
        for family, share in FAMILY_MIX.get(ev.motif, {ev.family: 1.0}).items():
            value = ev.weight * share * factor
            for p in members.intersection(ev.patients):
                if value > best.get((family, p), 0.0):
                    best[(family, p)] = value
    scores = {f: 0.0 for f in FAMILIES}
    for (family, _), value in best.items():
        scores[family] += value
    return scores


def _role(counter: Counter, table: dict[str, str], default: str) -> str:
    for motif, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        if motif in table:
            return table[motif]
    return default


def assemble(
    communities: dict[int, list[str]],
    evidence: list[Evidence],
    suspicion: dict[str, float],
    cards_of: dict[str, list[str]],
    claim_facts: dict[str, dict[str, Any]],
    previous: list[dict[str, Any]] | None = None,
    rules: RingRules = RingRules(),
) -> list[Ring]:
    """Rings from communities (community → patient ids), strongest first."""
    by_patient: dict[str, list[int]] = defaultdict(list)
    for i, ev in enumerate(evidence):
        for p in ev.patients:
            by_patient[p].append(i)
    rings: list[Ring] = []
    for _, patients in sorted(communities.items()):
        core = sorted(p for p in set(patients) if suspicion.get(p, 0.0) >= rules.patient_threshold)
        if len(core) < rules.min_patients:
            continue
        core_set = set(core)
        rows_idx = sorted({i for p in core for i in by_patient[p]})
        rows = []
        for i in rows_idx:
            ev = evidence[i]
            inside = core_set.intersection(ev.patients)
            if ev.kind == "link" and len(ev.patients) > 1 and len(inside) < 2:
                continue
            rows.append(ev)
        if not rows:
            continue
        # providers and doctors implicated with at least two ring patients
        implicated: dict[tuple[str, str], set[str]] = defaultdict(set)
        motif_of: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for ev in rows:
            inside = core_set.intersection(ev.patients)
            for kind in ("providers", "doctors"):
                if kind in ev.implicates:
                    for x in ev.entities(kind):
                        implicated[(kind, x)].update(inside)
                        motif_of[(kind, x)][ev.motif] += 1
        members: list[Member] = []
        patient_motifs: dict[str, Counter] = defaultdict(Counter)
        for ev in rows:
            for p in core_set.intersection(ev.patients):
                patient_motifs[p][ev.motif] += 1
        for p in core:
            members.append(Member("patient", p, _role(patient_motifs[p], PATIENT_ROLES, "member")))
        in_rows_cards = {c for ev in rows for c in ev.cards}
        for p in core:
            for c in cards_of.get(p, []):
                if c in in_rows_cards:
                    members.append(Member("card", c, "card"))
        for (kind, x), who in sorted(implicated.items()):
            if len(who) >= rules.min_entity_patients:
                if kind == "providers":
                    members.append(Member("provider", x, _role(motif_of[(kind, x)], PROVIDER_ROLES, "provider")))
                else:
                    members.append(Member("doctor", x, _role(motif_of[(kind, x)], DOCTOR_ROLES, "doctor")))
        # claims of the ring's patients behind the evidence
        claims = sorted({c for ev in rows for c in ev.claims if claim_facts.get(c, {}).get("patient_id") in core_set})
        amount = sum(_paid(claim_facts[c]) for c in claims)
        times = sorted(claim_facts[c]["ts"] for c in claims if claim_facts[c].get("ts"))
        families = _family_scores(rows, core_set)
        top = max(families.values())
        patterns = [f for f, v in sorted(families.items(), key=lambda kv: (-kv[1], kv[0])) if v > 0 and v >= 0.5 * top]
        indicator_motifs = sorted({ev.motif for ev in rows if ev.kind == "indicator"})
        others = sum(1 for m in members if m.type in ("provider", "doctor"))
        strength = sum(suspicion[p] for p in core)
        raw = strength * (1 + 0.1 * max(0, len(indicator_motifs) - 1)) + min(others, 3)
        score = round(1 - math.exp(-raw / rules.score_scale), 4)
        if score < rules.min_score or not patterns:
            continue
        rings.append(Ring(
            ring_id=ring_key(core), patterns=patterns, score=score, members=members,
            amount_at_risk=round(amount, 2), evidence=rows, family_scores={k: round(v, 3) for k, v in families.items()},
            motifs=sorted({ev.motif for ev in rows}), first_ts=times[0] if times else None,
            last_ts=times[-1] if times else None,
        ))
    _carry_over(rings, previous or [])
    rings.sort(key=lambda r: (-r.score, r.ring_id))
    return rings


def _paid(facts: dict[str, Any]) -> float:
    value = facts.get("fund_paid")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = facts.get("amount") or 0.0
    return float(value)


def _carry_over(rings: list[Ring], previous: list[dict[str, Any]]) -> None:
    """Keep the id (and decision) of a stored ring this run finds again, even if it grew or shrank.

    A new ring takes the id of the stored ring it overlaps most (Jaccard ≥ 0.3, or
    holding at least half of the stored ring's patients); each stored id goes to
    one ring only, the best match first.
    """
    if not previous:
        return
    candidates = []
    for i, ring in enumerate(rings):
        mine = set(ring.patients)
        for old in previous:
            theirs = set(old["patients"])
            shared = len(mine & theirs)
            if not shared:
                continue
            jaccard = shared / len(mine | theirs)
            if jaccard >= 0.3 or shared >= 0.5 * len(theirs):
                candidates.append((-jaccard, -shared, old["ring_id"], i, old))
    taken_ids, taken_rings = set(), set()
    for _, _, old_id, i, old in sorted(candidates, key=lambda c: c[:3] + (c[3],)):
        if old_id in taken_ids or i in taken_rings:
            continue
        taken_ids.add(old_id)
        taken_rings.add(i)
        rings[i].ring_id = old_id
        rings[i].status = old.get("status") or "new"
        rings[i].first_seen = old.get("first_seen")

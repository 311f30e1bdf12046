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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphfraud.detect.evidence import WEAK_LINES, Evidence, motif
from graphfraud.detect.suspicion import RELEVANT, lines
from graphfraud.detect.tally import fund_share
from graphfraud.vocabulary import FAMILIES, Kind


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
    strength: float = 0.0           # the statistic held against the null model (detect.rings.candidates)
    lines: list[str] = field(default_factory=list)  # independent lines of evidence among its patients
    expected_false: float = 0.0     # rings at least this strong that chance alone gives per run (null model)
    q_value: float = 0.0            # estimated share of false rings among those at least this strong
    beyond_null: bool = False       # stronger than every ring of every null run: expected_false is the fitted tail

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
             "detail_zh": ev.reason_zh,  # addition: the reason in Chinese
             **({"through": ev.through} if ev.through else {})}  # addition: claim → the seller whose box it settled again
            for ev in ring.evidence
        ],
        # additions to the contract
        "status": ring.status,
        "motifs": ring.motifs,
        "family_scores": ring.family_scores,
        "period": {"first": ring.first_ts, "last": ring.last_ts},
        "size": {kind: len(ring.ids(kind)) for kind in ("patient", "card", "provider", "doctor")},
        "significance": {"strength": ring.strength, "lines": ring.lines, "expected_false_rings": ring.expected_false,
                         "q_value": ring.q_value, "chance_log10": chance_log10(ring.expected_false),
                         "beyond_null": ring.beyond_null},
    }


def chance_log10(expected: float) -> float | None:
    """How many orders of magnitude below one false ring per run chance sits at the ring's strength.

    The score ``exp(-E)`` is the chance that the ring is not chance, calibrated and so near 1 for
    every ring far beyond the null; ``log10 E`` keeps those rings apart (−2: chance makes one as
    strong once in a hundred runs; −9: once in a thousand million). None when no null was drawn.
    """
    return round(math.log10(expected), 1) if expected > 0 else None


@dataclass(frozen=True)
class RingRules:
    min_patients: int = 3           # suspicious patients a community needs to be a ring
    patient_threshold: float = 0.5   # a patient's suspicion (with context) to count as a member
    context_seed: float = 0.35      # suspicion that makes a patient raise the suspicion of its company
    min_entity_patients: int = 2    # ring patients a provider/doctor must be tied to by the ring's evidence claims
    max_fdr: float = 0.1            # rings whose estimated false discovery rate (against the null) is above are cut
    null_runs: int = 20             # copies of the evidence with suspicion shuffled among peers (detect.significance)
    null_enough: int = 200          # … or fewer, from the fifth on, once they hold this many null rings between them
    null_seed: int = 20240601       # seed of those shuffles


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
        for family, share in motif(ev.motif).family_mix.items():
            value = ev.value * share * factor
            for p in members.intersection(ev.patients):
                if value > best.get((family, p), 0.0):
                    best[(family, p)] = value
    scores = dict.fromkeys(FAMILIES, 0.0)
    for (family, _), value in best.items():
        scores[family] = scores.get(family, 0.0) + value
    return scores


def _role(counter: Counter, kind: str, default: str) -> str:
    """The role the motif that speaks most about this member gives (ties by motif name)."""
    for name, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        role = motif(name).roles.get(kind)
        if role:
            return role
    return default


@dataclass
class Candidate:
    """A community's suspicious core with the evidence about it, before it is judged a ring or not."""

    core: list[str]
    rows: list[Evidence]
    lines: list[str]          # indicator lines among the core's evidence
    tied: bool                # an actor, phone or link row ties two core patients, or both have strong evidence at one place
    strength: float
    own: int = 0              # core patients suspicious in their own right (see :func:`_own`)

    @property
    def corroborated(self) -> bool:
        """Shared actors tie the core, and two or more of its patients are suspicious in their own right.

        One patient's coincidence among company (a care-home resident whose card was once in two
        cities, beside neighbours who give the home's phone) is one suspicious person, not a ring;
        nor are two such coincidences, each faint, in one home whose residents are served together.
        """
        return self.tied and self.own >= 2 and any(line not in WEAK_LINES for line in self.lines)


def candidates(communities: dict[int, list[str]], evidence: list[Evidence], suspicion: dict[str, float],
               rules: RingRules, by_patient: dict[str, list[int]] | None = None) -> list[Candidate]:
    """The suspicious core of each community and how strong it is (the statistic the null model is held to).

    A core made of two groups that only one coincidence joins (a recruit of one ring admitted on
    the same day as a patient of another) is two candidates (:func:`split_at_bridges`).
    Strength: the core's summed suspicion, a tenth more for each further line of evidence, plus one
    for each actor (provider, doctor) implicated with two or more core patients (at most three).
    """
    cores = {c: sorted(p for p in set(patients) if suspicion.get(p, 0.0) >= rules.patient_threshold)
             for c, patients in communities.items()}
    cores = {c: core for c, core in cores.items() if len(core) >= rules.min_patients}
    if by_patient is None:
        by_patient = patient_index(evidence, {p for core in cores.values() for p in core})
    out: list[Candidate] = []
    for _, core in sorted(cores.items()):
        whole = _candidate(core, _rows_of(core, evidence, by_patient), suspicion, rules)
        if whole is None:
            continue
        parts = split_at_bridges(whole.core, whole.rows, rules) if whole.tied else [whole.core]
        if len(parts) == 1:
            out.append(whole)
            continue
        for part in parts:
            cand = _candidate(part, _rows_of(part, evidence, by_patient), suspicion, rules)
            if cand is not None:
                out.append(cand)
    return out


def _rows_of(core: list[str], evidence: list[Evidence], by_patient: dict[str, list[int]]) -> list[Evidence]:
    """The evidence about a core: its patients' rows, link rows only where they hold two of them."""
    core_set = set(core)
    rows = []
    for i in sorted({i for p in core for i in by_patient.get(p, ())}):
        ev = evidence[i]
        if ev.kind == "link" and len(ev.patients) > 1 and len(core_set.intersection(ev.patients)) < 2:
            continue
        rows.append(ev)
    return rows


def _ties(core_set: set[str], rows: list[Evidence]) -> tuple[dict[str, set[str]], dict[str, set[str]], list[set[str]]]:
    """What ties a core: implicated actors and places of strong evidence (→ their core patients), and rows holding two."""
    actors: dict[str, set[str]] = defaultdict(set)
    places: dict[str, set[str]] = defaultdict(set)
    together: list[set[str]] = []
    for ev in rows:
        inside = core_set.intersection(ev.patients)
        if len(inside) >= 2:
            together.append(inside)
        for kind in (Kind.PROVIDER, Kind.DOCTOR):
            if kind in ev.implicates:
                for x in ev.entities(kind):
                    actors[f"{kind}:{x}"].update(inside)
        if ev.kind == "indicator" and (ev.line or ev.motif) not in WEAK_LINES:
            for x in ev.providers:
                places[x].update(inside)
    return actors, places, together


def _candidate(core: list[str], rows: list[Evidence], suspicion: dict[str, float], rules: RingRules) -> Candidate | None:
    if not rows:
        return None
    core_set = set(core)
    actors, places, together = _ties(core_set, rows)
    n_actors = sum(1 for who in actors.values() if len(who) >= rules.min_entity_patients)
    shared_place = any(len(who) >= rules.min_entity_patients for who in places.values())
    tied = bool(together) or n_actors > 0 or shared_place
    by_line = lines(rows)
    per_patient = {p: {line for line, value in per_line.items() if value >= RELEVANT}
                   for p, per_line in by_line.items() if p in core_set}
    found = sorted(set().union(*per_patient.values())) if per_patient else []
    own = _own(by_line, core_set, rules.context_seed)
    strength = sum(suspicion[p] for p in core) * (1 + 0.1 * max(0, len(found) - 1)) + min(n_actors, 3)
    return Candidate(core, rows, found, tied, round(strength, 6), own)


def _own(by_line: Mapping[str, Mapping[str, float]], core_set: set[str], seed: float) -> int:
    """Core patients whose own evidence of lines that are not weak reaches ``seed`` (lines by noisy-or).

    The level is the one at which a patient raises the suspicion of its company: a patient who could
    not lend suspicion by its own evidence cannot vouch for a ring either. A single faint coincidence
    (one admission on a busy day, 0.26; one card in two cities within the hour, 0.24) stays below it;
    one row of any motif that is evidence of fraud in itself (care that does not fit the holder, a
    split admission, a drug box that came back) reaches it. Measured on the world sweep: a false ring
    of eleven care-home residents (burst-mobile: the home's phone, the staff's monthly refills at one
    pharmacy, two such coincidences) is gone, and no planted ring is lost.
    """
    count = 0
    for p, per_line in by_line.items():
        if p not in core_set:
            continue
        keep = 1.0
        for line, value in per_line.items():
            if line not in WEAK_LINES:
                keep *= 1 - value
        count += 1 - keep >= seed
    return count


def split_at_bridges(core: list[str], rows: list[Evidence], rules: RingRules) -> list[list[str]]:
    """The groups of a core that nothing but one coincidence joins, when there are two or more; else the core.

    Patients are joined by what ties a ring (a row holding both, an actor implicated with both, a
    place where both have strong evidence). A single join whose removal leaves ``min_patients`` on
    each side is a coincidence between two rings, not one ring; so are groups with no join at all.
    Groups smaller than ``min_patients`` that hang on no larger one are left out of a split core.
    """
    core_set = set(core)
    actors, places, together = _ties(core_set, rows)
    graph = nx.Graph()
    graph.add_nodes_from(core)
    for group in [*together, *actors.values(), *places.values()]:
        members = sorted(group)
        if len(members) <= 20:
            graph.add_edges_from((a, b) for i, a in enumerate(members) for b in members[i + 1:])
        else:
            graph.add_edges_from((members[0], b) for b in members[1:])
    for a, b in sorted(nx.bridges(graph)):
        graph.remove_edge(a, b)
        if len(nx.node_connected_component(graph, a)) < rules.min_patients or \
                len(nx.node_connected_component(graph, b)) < rules.min_patients:
            graph.add_edge(a, b)
    parts = [sorted(c) for c in nx.connected_components(graph) if len(c) >= rules.min_patients]
    if len(parts) < 2:
        return [core]
    return sorted(parts)


def patient_index(evidence: list[Evidence], only: set[str] | None = None) -> dict[str, list[int]]:
    """Positions of each patient's evidence rows (of ``only`` these patients, when given)."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, ev in enumerate(evidence):
        for p in ev.patients:
            if only is None or p in only:
                index[p].append(i)
    return index


def joined(rows: list[Evidence], core_set: set[str], rules: RingRules) -> dict[str, str]:
    """Patients outside the core that a row of a ``joins`` motif brings into the ring (→ that motif).

    A phone given by many people at different addresses is weak alone (a company's, a child
    registering parents); once a ring stands on its own evidence and its core holds two or more of
    the number's patients — at least a third of them, so a company's switchboard shared by a few
    ring members does not bring the whole company — the number is the ring's shared actor, and those
    who give it are the broker and the recruits whose own care left no trace. Measured on the world
    sweep (stealthy admission waves: three of ten recruits in the core): every patient so joined was
    planted. They join after the ring is judged: the strength the null is held to is the core's.
    """
    out: dict[str, str] = {}
    for ev in rows:
        if not motif(ev.motif).joins:
            continue
        inside = core_set.intersection(ev.patients)
        if len(inside) >= rules.min_entity_patients and 3 * len(inside) >= len(ev.patients):
            for p in ev.patients:
                if p not in core_set:
                    out.setdefault(p, ev.motif)
    return dict(sorted(out.items()))


def _accomplices(rows: list[Evidence], core_set: set[str], claim_facts: dict[str, dict[str, Any]],
                 rules: RingRules) -> list[tuple[Kind, str, Counter]]:
    """Providers and doctors the ring's own evidence claims tie to at least ``min_entity_patients`` patients.

    A row implicates a provider or doctor only through its claims: the doctor who admitted one
    patient of a wave is tied to that patient, not to the wave. A claim ties its own patient, and the
    patient the row says it acted for (``Evidence.through``): the pharmacy that settled again the box a
    seller bought is tied to that seller by that claim, not to its own customer.
    """
    tied: dict[tuple[Kind, str], set[str]] = defaultdict(set)
    motif_of: dict[tuple[Kind, str], Counter] = defaultdict(Counter)
    for ev in rows:
        for kind in (Kind.PROVIDER, Kind.DOCTOR):
            column = kind.id_column
            if kind not in ev.implicates:
                continue
            wanted = set(ev.entities(kind))
            for c in ev.claims:
                f = claim_facts.get(c)
                if not f or f.get(column) not in wanted:
                    continue
                who = core_set.intersection((f.get("patient_id"), ev.through.get(c)))
                if not who:
                    continue
                key = (kind, f[column])
                tied[key].update(who)
                motif_of[key][ev.motif] += 1
    return [(kind, x, motif_of[(kind, x)]) for (kind, x), who in sorted(tied.items()) if len(who) >= rules.min_entity_patients]


def assemble(
    found: list[Candidate],
    cards_of: dict[str, list[str]],
    claim_facts: dict[str, dict[str, Any]],
    previous: list[dict[str, Any]] | None = None,
    rules: RingRules = RingRules(),
    judged: dict[int, tuple[float, float]] | None = None,
    null_strongest: float | None = None,
) -> list[Ring]:
    """Rings from the corroborated candidates that pass the null model, strongest first.

    ``judged`` maps a candidate's position in ``found`` to (expected false rings at its strength,
    q-value) from :mod:`graphfraud.detect.significance`; a candidate missing from it is not a ring.
    ``null_strongest`` is the strongest null ring: a ring above it is marked ``beyond_null``. Rings
    of equal score (all ≈ 1 far beyond chance) are ordered by their expected false rings, fewest first.
    """
    rings: list[Ring] = []
    for i, cand in enumerate(found):
        if judged is not None and i not in judged:
            continue
        expected, q = judged[i] if judged is not None else (0.0, 0.0)
        core, rows = cand.core, cand.rows
        core_set = set(core)
        members: list[Member] = []
        patient_motifs: dict[str, Counter] = defaultdict(Counter)
        for ev in rows:
            for p in core_set.intersection(ev.patients):
                patient_motifs[p][ev.motif] += 1
        for p in core:
            members.append(Member("patient", p, _role(patient_motifs[p], "patient", "member")))
        for p, name in joined(rows, core_set, rules).items():
            members.append(Member("patient", p, _role(Counter([name]), "patient", "member")))
        in_rows_cards = {c for ev in rows for c in ev.cards}
        for p in core:
            for c in cards_of.get(p, []):
                if c in in_rows_cards:
                    members.append(Member("card", c, "card"))
        for kind, x, counter in _accomplices(rows, core_set, claim_facts, rules):
            members.append(Member(kind, x, _role(counter, kind, kind)))
        claims = sorted({c for ev in rows for c in ev.claims
                         if claim_facts.get(c, {}).get("patient_id") in core_set or ev.through.get(c) in core_set})
        amount = sum(fund_share(claim_facts[c]) for c in claims)  # the rule of graphfraud.detect.tally
        times = sorted(claim_facts[c]["ts"] for c in claims if claim_facts[c].get("ts"))
        families = _family_scores(rows, core_set)
        top = max(families.values())
        patterns = [f for f, v in sorted(families.items(), key=lambda kv: (-kv[1], kv[0])) if v > 0 and v >= 0.5 * top]
        if not patterns:
            continue
        rings.append(Ring(
            ring_id=ring_key(core), patterns=patterns, score=round(math.exp(-expected), 4), members=members,
            amount_at_risk=round(amount, 2), evidence=rows, family_scores={k: round(v, 3) for k, v in families.items()},
            motifs=sorted({ev.motif for ev in rows}), first_ts=times[0] if times else None,
            last_ts=times[-1] if times else None, strength=cand.strength, lines=cand.lines,
            expected_false=float(f"{expected:.3g}"), q_value=float(f"{q:.3g}"),
            beyond_null=null_strongest is not None and cand.strength > null_strongest,
        ))
    _carry_over(rings, previous or [])
    rings.sort(key=lambda r: (-r.score, r.expected_false, r.ring_id))
    return rings


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

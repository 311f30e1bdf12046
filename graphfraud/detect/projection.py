"""Suspicion per patient, and the suspicion-weighted graph that community detection runs on.

Raw co-visits put every dialysis ward and company check-up into one dense
blob, so the projection is built from motif evidence instead: indicator rows
tie a patient to the providers and doctors involved; link rows (sequences,
bursts, waves, shared phones, co-visits) tie patients together through one
event node per row (a star instead of a clique, so the graph stays linear in
the evidence). Every edge touching a patient is scaled by that patient's own
suspicion, so groups with no indicator fall apart instead of forming a ring.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graphfraud.detect.evidence import Evidence

RELEVANT = 0.15     # rows (and link groups) whose patients are all below this suspicion are left out


def motif_suspicion(weight: float, rows: int) -> float:
    """Suspicion one motif lends a patient: ¾ of its weight for one row, all of it from two rows on."""
    if rows <= 0 or weight <= 0:
        return 0.0
    return weight * min(1.0, 0.75 + 0.25 * (rows - 1))


def suspicion(evidence: list[Evidence]) -> dict[str, float]:
    """Per patient: noisy-or over indicator motifs of each motif's saturating suspicion.

    Link motifs (being seen together) add nothing here: togetherness is what
    dialysis wards and families have too. They shape the projection instead.
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    weights: dict[str, float] = {}
    for ev in evidence:
        if ev.kind != "indicator":
            continue
        weights[ev.motif] = ev.weight
        for p in ev.patients:
            counts[p][ev.motif] += 1
    out: dict[str, float] = {}
    for p, per_motif in counts.items():
        keep = 1.0
        for m, n in per_motif.items():
            keep *= 1 - motif_suspicion(weights[m], n)
        out[p] = 1 - keep
    return out


def _groups(evidence: list[Evidence]) -> list[tuple[str, float, list[str]]]:
    """Groups of patients seen together: (source motif, weight of that togetherness, patients).

    Link rows are groups as they stand. Indicator rows form groups too: the
    patients flagged by the same motif at the same implicated provider or doctor
    (ten cards drained at one pharmacy), at half the motif's weight.
    """
    groups: list[tuple[str, float, list[str]]] = []
    by_place: dict[tuple[str, str], set[str]] = defaultdict(set)
    weight: dict[str, float] = {}
    for ev in evidence:
        if ev.kind == "link":
            if len(ev.patients) > 1:
                groups.append((ev.motif, ev.weight, ev.patients))
            continue
        weight[ev.motif] = ev.weight
        if not ev.peer_group:
            continue
        # one place per row: the motif's peer_place columns, else its implicated providers, else doctors
        if ev.peer_place:
            parts = [f"{kind}:{'|'.join(sorted(ev.entities(kind)))}" for kind in ev.peer_place if ev.entities(kind)]
            place = "/".join(parts) or None
        else:
            place = next((f"{kind}:{'|'.join(ev.entities(kind))}" for kind in ("providers", "doctors")
                          if kind in ev.implicates and ev.entities(kind)), None)
        if place:
            by_place[(ev.motif, place)].update(ev.patients)
    for (motif, _), patients in sorted(by_place.items()):
        if len(patients) > 1:
            groups.append((f"peers:{motif}", 0.5 * weight[motif], sorted(patients)))
    return groups


def with_context(evidence: list[Evidence], s: dict[str, float], seed: float) -> dict[str, float]:
    """Suspicion raised by the company a patient keeps.

    A card swiped in the same bursts as cards that are suspicious in their own
    right (at least ``seed``) is suspicious too; one swiped next to nobody
    suspicious gains nothing, so a dialysis ward's patients stay at zero. A
    group adds its weight × the share of its other patients above ``seed``;
    each motif counts once per patient (its strongest group), so a care-home
    resident seen a hundred times beside one noisy neighbour does not climb.
    A pair counts as a group of three with one member missing, so a stranger
    admitted or served once beside one suspicious patient stays below the line.
    """
    best: dict[tuple[str, str], float] = defaultdict(float)
    for source, weight, patients in _groups(evidence):
        flagged = {p for p in patients if s.get(p, 0.0) >= seed}
        if not flagged:
            continue
        # one suspicious companion is not yet company: a pair lends at most half its weight
        others = max(len(patients) - 1, 2)
        for p in patients:
            lift = weight * (len(flagged) - (1 if p in flagged else 0)) / others
            if lift > best[(p, source)]:
                best[(p, source)] = lift
    keep: dict[str, float] = defaultdict(lambda: 1.0)
    for (p, _), lift in best.items():
        keep[p] *= 1 - lift
    out = dict(s)
    for p, k in keep.items():
        out[p] = 1 - (1 - s.get(p, 0.0)) * k
    return out


@dataclass
class Projection:
    names: list[str]                  # "patient:P1", "provider:H1", "doctor:D1", "event:12"
    edges: list[tuple[int, int]]
    weights: list[float]

    def kind(self, i: int) -> str:
        return self.names[i].split(":", 1)[0]

    def entity(self, i: int) -> str:
        return self.names[i].split(":", 1)[1]


def build(evidence: list[Evidence], s: dict[str, float]) -> Projection:
    index: dict[str, int] = {}
    names: list[str] = []
    acc: dict[tuple[int, int], float] = defaultdict(float)

    def node(name: str) -> int:
        if name not in index:
            index[name] = len(names)
            names.append(name)
        return index[name]

    def edge(a: int, b: int, w: float) -> None:
        if a != b and w > 0:
            acc[(min(a, b), max(a, b))] += w

    for i, ev in enumerate(evidence):
        if not ev.patients or max(s.get(p, 0.0) for p in ev.patients) < RELEVANT:
            continue
        strength = max(ev.weight, 0.2)
        others = ([node(f"provider:{x}") for x in ev.providers] if "providers" in ev.links else []) + \
                 ([node(f"doctor:{x}") for x in ev.doctors] if "doctors" in ev.links else [])
        patients = [(node(f"patient:{p}"), 0.1 + s.get(p, 0.0)) for p in ev.patients]
        if len(patients) == 1:
            for o in others:
                edge(patients[0][0], o, strength * patients[0][1])
            continue
        hub = node(f"event:{i}")
        for p, factor in patients:
            edge(p, hub, strength * factor)
        # a group ties to its place as strongly as its patients are suspicious: a counter's run
        # of one suspicious card among strangers says little about the counter's other rings
        place = strength * sum(factor for _, factor in patients) / len(patients)
        for o in others:
            edge(o, hub, place)
    edges = sorted(acc)
    return Projection(names, edges, [acc[e] for e in edges])

"""The suspicion-weighted graph that community detection runs on.

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
from graphfraud.detect.suspicion import RELEVANT
from graphfraud.vocabulary import Kind


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
        strength = max(ev.value, 0.2)
        others = ([node(f"provider:{x}") for x in ev.providers] if Kind.PROVIDER in ev.links else []) + \
                 ([node(f"doctor:{x}") for x in ev.doctors] if Kind.DOCTOR in ev.links else [])
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

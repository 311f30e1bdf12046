"""How suspicious each patient is: from independent lines of indicator evidence, then from the company kept.

A patient's own suspicion combines *lines* of evidence (each motif's header
names its line): within a line the strongest motif counts, across lines the
values combine by noisy-or, so two motifs saying the same thing twice (a card
far from home, and its pharmacy spending far from home) are one line, while
care that does not fit the holder *and* use far from home are two. A weak
line (displacement: movers, students and referrals are away from home every
day) is capped below the level that lets a patient lend suspicion to others,
so on its own it neither makes a patient suspicious nor spreads.

Link motifs (being seen together) add nothing to a patient's own suspicion:
togetherness is what dialysis wards and families have too. They lift a
patient only in the company of patients suspicious in their own right
(:func:`with_context`).
"""

from __future__ import annotations

from collections import defaultdict

from graphfraud.detect.evidence import WEAK_LINES, Evidence, motif
from graphfraud.vocabulary import Kind

RELEVANT = 0.15     # rows (and link groups) whose patients are all below this suspicion are left out
WEAK_CAP = 0.3      # the most a weak line can lend (below RingRules.context_seed: it never spreads alone)


def motif_suspicion(weight: float, rows: int, first: float = 0.75) -> float:
    """Suspicion one motif lends a patient: ``first`` of its weight for one row, a quarter more per further row.

    ``first`` is ¾ unless the motif's header says otherwise (``first_row``): a single coincidence
    (one card in two cities within an hour, once) says less than the same thing again and again.
    """
    if rows <= 0 or weight <= 0:
        return 0.0
    return weight * min(1.0, first + 0.25 * (rows - 1))


def lines(evidence: list[Evidence]) -> dict[str, dict[str, float]]:
    """Per patient, the value of each line of indicator evidence (the strongest motif of the line)."""
    rows: dict[tuple[str, str], list[float]] = defaultdict(list)
    line_of: dict[str, str] = {}
    first: dict[str, float] = {}
    for ev in evidence:
        if ev.kind != "indicator":
            continue
        if ev.motif not in line_of:
            line_of[ev.motif] = ev.line or ev.motif
            first[ev.motif] = motif(ev.motif).first_row
        for p in ev.patients:
            rows[(p, ev.motif)].append(ev.value)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (p, m), values in rows.items():
        value = motif_suspicion(max(values), len(values), first[m])
        line = line_of[m]
        if line in WEAK_LINES:
            value = min(value, WEAK_CAP)
        if value > out[p].get(line, 0.0):
            out[p][line] = value
    return out


def suspicion(evidence: list[Evidence]) -> dict[str, float]:
    """Per patient: noisy-or over lines of indicator evidence, the weak lines together held to ``WEAK_CAP``.

    Weak lines are weak together too: a care-home resident far from her registered
    address who gives the home's phone number has two ordinary facts, not a suspicion
    she could lend her neighbours.
    """
    out: dict[str, float] = {}
    for p, per_line in lines(evidence).items():
        keep, weak_keep = 1.0, 1.0
        for line, value in per_line.items():
            if line in WEAK_LINES:
                weak_keep *= 1 - value
            else:
                keep *= 1 - value
        keep *= 1 - min(1 - weak_keep, WEAK_CAP)
        out[p] = 1 - keep
    return out


def groups(evidence: list[Evidence]) -> list[tuple[str, float, list[str]]]:
    """Groups of patients seen together: (source motif, weight of that togetherness, patients).

    Link rows are groups as they stand. Indicator rows form groups too: the
    patients flagged by the same motif at the same implicated provider or doctor
    (ten cards drained at one pharmacy), at half the motif's weight.
    """
    return link_groups(evidence) + peer_groups(evidence)


def link_groups(evidence: list[Evidence]) -> list[tuple[str, float, list[str]]]:
    """The groups link rows make (the same in every null copy: togetherness keeps its people)."""
    return [(ev.motif, ev.weight, ev.patients) for ev in evidence if ev.kind == "link" and len(ev.patients) > 1]


def peer_groups(evidence: list[Evidence]) -> list[tuple[str, float, list[str]]]:
    """The groups indicator rows make: patients flagged by one motif at one place, at half its weight."""
    out: list[tuple[str, float, list[str]]] = []
    by_place: dict[tuple[str, str], set[str]] = defaultdict(set)
    weight: dict[str, float] = {}
    for ev in evidence:
        if ev.kind == "link":
            continue
        weight[ev.motif] = ev.weight
        if not ev.peer_group:
            continue
        # one place per row: the motif's peer_place columns, else its implicated providers, else doctors
        if ev.peer_place:
            parts = [f"{kind}:{'|'.join(sorted(ev.entities(kind)))}" for kind in ev.peer_place if ev.entities(kind)]
            place = "/".join(parts) or None
        else:
            place = next((f"{kind}:{'|'.join(ev.entities(kind))}" for kind in (Kind.PROVIDER, Kind.DOCTOR)
                          if kind in ev.implicates and ev.entities(kind)), None)
        if place:
            by_place[(ev.motif, place)].update(ev.patients)
    for (name, _), patients in sorted(by_place.items()):
        if len(patients) > 1:
            out.append((f"peers:{name}", 0.5 * weight[name], sorted(patients)))
    return out


def with_context(evidence: list[Evidence], s: dict[str, float], seed: float,
                 together: list[tuple[str, float, list[str]]] | None = None) -> dict[str, float]:
    """Suspicion raised by the company a patient keeps.

    A card swiped in the same bursts as cards that are suspicious in their own
    right (at least ``seed``) is suspicious too; one swiped next to nobody
    suspicious gains nothing, so a dialysis ward's patients stay at zero. A
    group adds its weight × the share of its other patients above ``seed``;
    each motif counts once per patient (its strongest group), so a care-home
    resident seen a hundred times beside one noisy neighbour does not climb.
    A pair counts as a group of three with one member missing, so a stranger
    admitted or served once beside one suspicious patient stays below the line.
    ``together`` are the groups of ``evidence`` when already computed (the null model reuses them).
    """
    best: dict[tuple[str, str], float] = defaultdict(float)
    for source, weight, patients in (groups(evidence) if together is None else together):
        flagged = [p for p in patients if s.get(p, 0.0) >= seed]
        if not flagged:
            continue
        others = max(len(patients) - 1, 2)
        n_flagged = len(flagged)
        flagged_set = set(flagged)
        for p in patients:
            lift = weight * (n_flagged - (1 if p in flagged_set else 0)) / others
            best[(p, source)] = max(best[(p, source)], lift)
    keep: dict[str, float] = defaultdict(lambda: 1.0)
    for (p, _), lift in best.items():
        keep[p] *= 1 - lift
    out = dict(s)
    for p, k in keep.items():
        out[p] = 1 - (1 - s.get(p, 0.0)) * k
    return out

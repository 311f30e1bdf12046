"""How often chance alone makes a ring as strong: the data's own null, and the rings that stand against it.

A ring says: *these* suspicious patients sit together, tied by shared actors
and evidence. The null asks what the same detection finds when that coupling
is broken and everything else is kept. Each null run takes the run's own
indicator evidence and

* hands each patient's indicator rows to another patient of the same peer
  stratum (registered city × ten-year age band), drawn from everyone in it,
  so the evidence lands on people like its own, not on people who are
  together (sequences, co-visits, co-admissions keep their real patients);
* splits rows about several patients (a wave, a shared phone) into one row
  per patient, so being flagged *together* is not kept; and
* moves each indicator row to another provider of the same city and type, drawn in
  proportion to the providers' numbers of cards (and another doctor of the
  evidence), so a pharmacy gets as many flagged cards as its size predicts,
  not as many as it drained;

then recomputes suspicion, context, projection, Leiden and ring candidates.
The null is drawn from the *background*: the indicator rows of patients that
no corroborated candidate holds (as a scan statistic estimates its null rate
outside the cluster under test). Drawn from everything, a world with many
rings would spread its own rings' evidence as "chance" and call every ring
noise; what leaks the other way is only the candidates' own evidence.
Whatever rings appear there are chance: their strengths over the runs give,
for any strength ``x``, the expected number of false rings at least that
strong per run, ``E(x)``.

Observed candidates are ranked by strength; a candidate's q-value is the
smallest ``E(x_k) / k`` over the ranks ``k`` at or below it (the
Benjamini–Hochberg form of an empirical false discovery rate; Storey &
Tibshirani, PNAS 2003). Candidates with q above ``max_fdr`` are cut; a ring's
score is ``exp(-E(x))`` — the chance that a run of pure chance gives no ring
as strong (Poisson in ``E``), graded where q-values are shared — and the run reports
``E`` at its weakest reported ring: the number of false rings to expect in the
report. Beyond the strongest null ring, ``E`` follows an exponential tail fitted
to the null strengths, so scores stay graded instead of all reading 1.

Because the null is drawn from the data, the bar rises by itself where
ordinary life is noisy (many people away from home, busy counters) and falls
where it is quiet, with no labels and nothing tuned to one generator.
"""

from __future__ import annotations

import bisect
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from graphfraud.detect.evidence import Evidence
from graphfraud.detect.projection import Projection, build
from graphfraud.detect.rings import Candidate, RingRules, candidates
from graphfraud.detect.suspicion import link_groups, peer_groups, suspicion, with_context

Leiden = Callable[[Projection, int], list[int]]
TAIL_POINTS = 5     # beyond the fifth strongest null ring, E(x) is the fitted exponential tail


@dataclass
class Null:
    """Ring strengths found in each null run."""

    strengths: list[list[float]] = field(default_factory=list)

    @property
    def runs(self) -> int:
        return len(self.strengths)

    def expected(self, x: float) -> float:
        """Expected number of null rings at least ``x`` strong, per run."""
        if not self.runs:
            return 0.0
        pooled = sorted((s for run in self.strengths for s in run), reverse=True)
        if len(pooled) >= TAIL_POINTS and x <= pooled[TAIL_POINTS - 1]:
            return sum(1 for s in pooled if s >= x) / self.runs
        # the tail: exponential in the excess over the strength where the counts thin out
        anchor = pooled[TAIL_POINTS - 1] if len(pooled) >= TAIL_POINTS else (pooled[-1] if pooled else 0.0)
        at_anchor = (min(len(pooled), TAIL_POINTS) or 0.5) / self.runs
        scale = max(0.5, sum(pooled) / len(pooled) - min(pooled)) if pooled else 1.0
        return at_anchor * math.exp(-max(0.0, x - anchor) / scale)


def strata(patients: Mapping[str, tuple[str, int | None]]) -> dict[tuple[str, int], list[str]]:
    """Patients grouped by registered city and ten-year age band (unknown age: one band)."""
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for p, (city, born) in sorted(patients.items()):
        out[(city or "", -1 if born is None else int(born) // 10)].append(p)
    return out


def renaming(evidence: list[Evidence], peers: Mapping[tuple[str, int], list[str]], rng: random.Random,
             stratum_of: Mapping[str, tuple[str, int]] | None = None) -> dict[str, str]:
    """For each patient with indicator evidence, a distinct other patient of its own stratum."""
    if stratum_of is None:
        stratum_of = {p: key for key, members in peers.items() for p in members}
    flagged: dict[tuple[str, int], set[str]] = defaultdict(set)
    for ev in evidence:
        if ev.kind == "indicator":
            for p in ev.patients:
                flagged[stratum_of.get(p, ("", -1))].add(p)
    out: dict[str, str] = {}
    for key, patients in sorted(flagged.items()):
        members = peers.get(key) or sorted(patients)
        chosen = rng.sample(members, len(patients)) if len(members) >= len(patients) else rng.choices(members, k=len(patients))
        out.update(zip(sorted(patients), chosen))
    return out


class StandIns:
    """Providers of each kind of place (city and type), drawn in proportion to their numbers of cards; doctors."""

    def __init__(self, providers: Mapping[str, tuple[str, int]], doctors: list[str]) -> None:
        self.city = {p: city for p, (city, _) in providers.items()}
        by_city: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for p, (city, n) in sorted(providers.items()):
            by_city[city].append((p, max(1, n)))
        self.choices: dict[str, tuple[list[str], list[int]]] = {}
        for city, items in by_city.items():
            cumulative, total = [], 0
            for _, n in items:
                total += n
                cumulative.append(total)
            self.choices[city] = ([p for p, _ in items], cumulative)
        self.doctors = sorted(doctors)

    def provider_like(self, provider: str, rng: random.Random) -> str:
        names, cumulative = self.choices.get(self.city.get(provider, ""), ([], []))
        if not names:
            return provider
        return names[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]

    def doctor(self, rng: random.Random) -> str:
        return self.doctors[rng.randrange(len(self.doctors))]


def null_evidence(evidence: list[Evidence], peers: Mapping[tuple[str, int], list[str]], places: StandIns | None,
                  rng: random.Random, stratum_of: Mapping[str, tuple[str, int]] | None = None) -> list[Evidence]:
    """One null copy of the evidence: indicator rows on peers, one patient each, at providers like their own."""
    names = renaming(evidence, peers, rng, stratum_of)
    out: list[Evidence] = []
    for ev in evidence:
        if ev.kind != "indicator":
            out.append(ev)
            continue
        for p in ev.patients or [""]:
            providers, doctors = ev.providers, ev.doctors
            if places is not None:
                providers = sorted({places.provider_like(x, rng) for x in providers})
                doctors = sorted({places.doctor(rng) for _ in doctors}) if places.doctors else doctors
            out.append(replace(ev, patients=[names.get(p, p)] if p else [], providers=providers, doctors=doctors))
    return out


def background(evidence: list[Evidence], found: list[Candidate]) -> list[Evidence]:
    """The evidence without the indicator rows about patients of corroborated candidates."""
    held = {p for c in found if c.corroborated for p in c.core}
    return [ev for ev in evidence if ev.kind != "indicator" or not held.intersection(ev.patients)]


def null_model(evidence: list[Evidence], peers: Mapping[tuple[str, int], list[str]], rules: RingRules, leiden: Leiden,
               places: StandIns | None = None) -> Null:
    """Ring strengths of ``rules.null_runs`` null copies of ``evidence`` (pass the :func:`background`)."""
    null = Null()
    stratum_of = {p: key for key, members in peers.items() for p in members}
    together = link_groups(evidence)        # link rows pass into every copy unchanged
    for run in range(rules.null_runs):
        rng = random.Random(rules.null_seed + run)
        rows = null_evidence(evidence, peers, places, rng, stratum_of)
        lifted = with_context(rows, suspicion(rows), rules.context_seed, together + peer_groups(rows))
        projection = build(rows, lifted)
        membership = leiden(projection, rules.null_seed + run)
        communities: dict[int, list[str]] = defaultdict(list)
        for i, c in enumerate(membership):
            if projection.kind(i) == "patient":
                communities[c].append(projection.entity(i))
        found = [c for c in candidates(communities, rows, lifted, rules) if c.corroborated]
        null.strengths.append(sorted(c.strength for c in found))
        del rows, lifted, projection, membership, communities, found   # one copy alive at a time (10^7: GiBs)
    return null


def judge(found: list[Candidate], null: Null, max_fdr: float) -> dict[int, tuple[float, float]]:
    """For each corroborated candidate whose q-value is at most ``max_fdr``: (E at its strength, q)."""
    ranked = sorted((i for i, c in enumerate(found) if c.corroborated), key=lambda i: (-found[i].strength, i))
    expected = [null.expected(found[i].strength) for i in ranked]
    q = [0.0] * len(ranked)
    running = math.inf
    for k in range(len(ranked) - 1, -1, -1):
        running = min(running, expected[k] / (k + 1))
        q[k] = min(1.0, running)
    return {i: (expected[k], q[k]) for k, i in enumerate(ranked) if q[k] <= max_fdr}


def expected_false_rings(null: Null, reported: list[float]) -> float:
    """False rings to expect among those reported: E at the weakest reported strength (0 when none is)."""
    return round(null.expected(min(reported)), 4) if reported else 0.0

"""How often chance alone makes a ring as strong: the data's own null, and the rings that stand against it.

A ring says: *these* suspicious patients sit together, tied by shared actors
and evidence. The null asks what the same detection finds when that coupling
is broken and everything else is kept. Each null run takes the run's own
indicator evidence and

* hands each patient's indicator rows to a customer of a provider like the
  one most of them are about (same city and type, drawn by size), so the
  evidence lands where being flagged and being together both come from the
  place (a hospital pharmacy's queue, a busy ward), or, for rows about no
  place, to another patient of the same peer stratum (registered city ×
  ten-year age band); sequences, co-visits, co-admissions keep their real
  patients;
* splits rows about several patients (a wave, a shared phone) into one row
  per patient, so being flagged *together* is not kept; and
* moves each indicator row to another provider of the same city and type, drawn in
  proportion to the providers' numbers of cards, and to one of that provider's
  own doctors by their claims there, so a pharmacy gets as many flagged cards
  and a ward's doctor as many flagged patients as their size predicts, not as
  many as they drained or admitted;

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
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from graphfraud.detect.evidence import Evidence
from graphfraud.detect.projection import Projection, build
from graphfraud.detect.rings import Candidate, RingRules, candidates
from graphfraud.detect.suspicion import link_groups, peer_groups, suspicion, with_context

Leiden = Callable[[Projection, int], list[int]]
TAIL_POINTS = 5     # beyond the fifth strongest null ring, E(x) is the fitted exponential tail
MIN_NULL_RUNS = 5   # null copies made however many rings the first ones hold


@dataclass
class Null:
    """Ring strengths found in each null run."""

    strengths: list[list[float]] = field(default_factory=list)

    @property
    def runs(self) -> int:
        return len(self.strengths)

    @property
    def strongest(self) -> float:
        """The strongest ring any null run found (0 when none did): beyond it, ``expected`` is the fitted tail."""
        return max((s for run in self.strengths for s in run), default=0.0)

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


def _anchors(evidence: list[Evidence]) -> dict[str, str]:
    """Each flagged patient's own place: the provider of most of its indicator rows (first by name on a tie)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for ev in evidence:
        if ev.kind == "indicator" and ev.providers:
            for p in ev.patients:
                counts[p].update(ev.providers)
    return {p: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for p, c in counts.items()}


def renaming(evidence: list[Evidence], peers: Mapping[tuple[str, int], list[str]], rng: random.Random,
             stratum_of: Mapping[str, tuple[str, int]] | None = None,
             places: StandIns | None = None) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """For each patient with indicator evidence, another patient to carry it, and its place's stand-in.

    With ``places`` knowing each provider's customers, a patient whose rows are about a place
    (its *anchor*) hands them to a customer of a stand-in for that place (two patients may land on
    one regular, as chance can put two flagged rows on one person): being flagged and being
    together (in a hospital pharmacy's queue, a ward's re-admissions) both come from the place, and
    a null that hands the rows to anyone of the city breaks that and calls the place's ordinary
    customers a ring. Patients without a place, or whose stand-in has no customers, hand them to a
    distinct other patient of their own stratum (registered city × age band). Returns the new
    patients and, per patient, (anchor, stand-in).
    """
    if stratum_of is None:
        stratum_of = {p: key for key, members in peers.items() for p in members}
    flagged: dict[tuple[str, int], set[str]] = defaultdict(set)
    for ev in evidence:
        if ev.kind == "indicator":
            for p in ev.patients:
                flagged[stratum_of.get(p, ("", -1))].add(p)
    out: dict[str, str] = {}
    moved: dict[str, tuple[str, str]] = {}
    if places is not None and places.customers is not None:
        anchored = sorted(_anchors(evidence).items())
        stand_ins = [places.provider_like(anchor, rng) for _, anchor in anchored]
        for (p, anchor), instead, who in zip(anchored, stand_ins, places.customers.draw(stand_ins, rng)):
            if who is not None:
                out[p] = who
                moved[p] = (anchor, instead)
    for key, patients in sorted(flagged.items()):
        rest = sorted(patients - out.keys())
        if not rest:
            continue
        members = peers.get(key) or rest
        chosen = rng.sample(members, len(rest)) if len(members) >= len(rest) else rng.choices(members, k=len(rest))
        out.update(zip(rest, chosen))
    return out, moved


class _Weighted:
    """Names drawn in proportion to their weights."""

    def __init__(self, items: list[tuple[str, int]]) -> None:
        self.names = [name for name, _ in items]
        self.cumulative: list[int] = []
        total = 0
        for _, n in items:
            total += max(1, n)
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> str:
        return self.names[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


class Customers:
    """The patients seen at each provider and how often (as codes: at 10^7 claims, millions of pairs).

    A stand-in patient is drawn in proportion to its claims at the place: the chance that ordinary
    life puts a flagged row on someone (a re-admission, a burst at the counter) grows with how often
    they are there, and so does the chance they are seen together with others there.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        frame = frame.sort_values(["provider", "patient"], kind="stable")   # the same draws whatever the engine's order
        providers = frame["provider"].astype("category")
        patients = frame["patient"].astype("category")
        order = np.argsort(providers.cat.codes.to_numpy(), kind="stable")
        self.codes = patients.cat.codes.to_numpy()[order]
        self.names = [str(name) for name in patients.cat.categories]
        weights = frame["n_claims"].to_numpy(dtype=np.int64)[order] if "n_claims" in frame else np.ones(len(order), np.int64)
        self.cumulative = np.cumsum(np.maximum(weights, 1))
        bounds = np.searchsorted(providers.cat.codes.to_numpy()[order], np.arange(len(providers.cat.categories) + 1))
        self.span = {name: (int(bounds[i]), int(bounds[i + 1])) for i, name in enumerate(providers.cat.categories)}

    def draw(self, providers: list[str], rng: random.Random) -> list[str | None]:
        """One patient seen at each of ``providers``, by its claims there (None where nobody was seen).

        One vectorised lookup for all: at 10^6 claims a null copy draws tens of thousands.
        """
        spans = [self.span.get(p, (0, 0)) for p in providers]
        if not spans:
            return []
        u = np.array([rng.random() for _ in spans])
        lo = np.array([a for a, _ in spans], dtype=np.int64)
        hi = np.array([b for _, b in spans], dtype=np.int64)
        empty = hi <= lo
        start = np.where(lo > 0, self.cumulative[np.maximum(lo - 1, 0)], 0)
        end = self.cumulative[np.maximum(hi - 1, 0)]
        at = np.searchsorted(self.cumulative, start + u * (end - start), side="right")
        at = np.minimum(np.maximum(at, lo), np.maximum(hi - 1, 0))
        codes = self.codes[at] if len(self.codes) else np.zeros(len(spans), dtype=np.int64)
        return [None if e else self.names[c] for e, c in zip(empty.tolist(), codes.tolist())]


class StandIns:
    """Stand-ins for the places, patients and doctors of an indicator row in a null copy.

    A provider is replaced by one of the same kind of place (city and type), drawn in proportion to
    its number of cards; a doctor by one of the stand-in provider's own doctors, drawn in proportion
    to their claims there. Doctors drawn from everyone alike would make three flagged patients of
    one doctor near impossible by chance, when in real wards a busy doctor's patients are often
    re-admitted or seen twice in a week (measured on a public US Medicare extract: two false
    "gangs" of three ordinary re-admissions each with a null drawing doctors uniformly).
    """

    def __init__(self, providers: Mapping[str, tuple[str, int]], doctors: list[str],
                 doctors_at: Mapping[str, Mapping[str, int]] | None = None,
                 customers: Customers | None = None) -> None:
        self.customers = customers
        self.city = {p: city for p, (city, _) in providers.items()}
        by_city: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for p, (city, n) in sorted(providers.items()):
            by_city[city].append((p, n))
        self.choices = {city: _Weighted(items) for city, items in by_city.items()}
        self.doctors = sorted(doctors)
        self.at = {p: _Weighted(sorted(counts.items())) for p, counts in sorted((doctors_at or {}).items()) if counts}
        overall: dict[str, int] = defaultdict(int)
        for counts in (doctors_at or {}).values():
            for d, n in counts.items():
                overall[d] += n
        self.anyone = _Weighted(sorted(overall.items())) if overall else None

    def provider_like(self, provider: str, rng: random.Random) -> str:
        choices = self.choices.get(self.city.get(provider, ""))
        return choices.draw(rng) if choices is not None else provider

    def doctor(self, rng: random.Random, at: list[str] | None = None) -> str:
        """A doctor of one of the providers ``at`` by workload there; else of anywhere by workload; else anyone."""
        places = [self.at[p] for p in (at or []) if p in self.at]
        if places:
            return places[rng.randrange(len(places))].draw(rng)
        if self.anyone is not None:
            return self.anyone.draw(rng)
        return self.doctors[rng.randrange(len(self.doctors))]


def null_evidence(evidence: list[Evidence], peers: Mapping[tuple[str, int], list[str]], places: StandIns | None,
                  rng: random.Random, stratum_of: Mapping[str, tuple[str, int]] | None = None) -> list[Evidence]:
    """One null copy of the evidence: indicator rows on other patients, one patient each, at providers like their own."""
    names, moved = renaming(evidence, peers, rng, stratum_of, places)
    out: list[Evidence] = []
    for ev in evidence:
        if ev.kind != "indicator":
            out.append(ev)
            continue
        for p in ev.patients or [""]:
            providers, doctors = ev.providers, ev.doctors
            if places is not None:
                anchor, instead = moved.get(p, ("", ""))
                providers = sorted({instead if x == anchor else places.provider_like(x, rng) for x in providers})
                if places.doctors or places.anyone is not None:
                    doctors = sorted({places.doctor(rng, providers) for _ in doctors})
            out.append(replace(ev, patients=[names.get(p, p)] if p else [], providers=providers, doctors=doctors))
    return out


def background(evidence: list[Evidence], found: list[Candidate]) -> list[Evidence]:
    """The evidence without the indicator rows about patients of corroborated candidates."""
    held = {p for c in found if c.corroborated for p in c.core}
    return [ev for ev in evidence if ev.kind != "indicator" or not held.intersection(ev.patients)]


def null_model(evidence: list[Evidence], peers: Mapping[tuple[str, int], list[str]], rules: RingRules, leiden: Leiden,
               places: StandIns | None = None) -> Null:
    """Ring strengths of up to ``rules.null_runs`` null copies of ``evidence`` (pass the :func:`background`).

    From the fifth copy on, the runs stop once they hold ``rules.null_enough`` null rings between them:
    ``E`` is then known to about a tenth near the weakest candidates (a count's error is its square
    root), and more copies only cost time — at 10^7 claims each copy is a full Leiden over millions
    of rows. Small or quiet data, where chance makes few rings, keeps every copy.
    """
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
        if run + 1 >= MIN_NULL_RUNS and sum(len(x) for x in null.strengths) >= rules.null_enough:
            break
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

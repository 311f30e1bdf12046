"""Pharmacies next to big hospitals: weekday rushes after the morning and afternoon clinics.

Each big hospital has one or two pharmacies next door (``world.py``). On
weekdays, when the morning (10–12) and afternoon (15–17) clinics let out,
patients queue at them: many different cards within the hour, swiped 30–180 s
apart on 1–3 terminals, each script carrying the doctor of the hospital who
wrote it; half the customers have their outpatient claim at the hospital
earlier in the session. ``rush`` scales the crowd (1 realistic: about 6 % of
all claims are rush purchases; 0 none; 2 twice the crowd). Besides the
rushes, ordinary prescribed purchases of the hospital's patients are often
filled next door (``ordinary.py``), so the hospital's doctors' scripts
concentrate there.

Look-alike groups: one per hospital-side pharmacy, with its rush customers.
"""

from __future__ import annotations

import numpy as np

from graphfraud import icd
from graphfraud.generate.claims import DAYS, OUT, PHA, Claims, at, cents, weekday
from graphfraud.generate.geography import N_CITIES
from graphfraud.generate.planting import Truth
from graphfraud.generate.world import World

RUSH_SHARE = 0.06      # of all claims, at rush 1
CROWD = 7              # mean customers of a rush beyond the first two, at rush 1
SESSION_MINUTES = 90   # a rush starts within this many minutes of 10:00 or 15:00 (clinics let out 10–12, 15–17)
SEEN_FIRST = 0.5       # customers whose hospital visit is in the data too
CODES = np.array([c for c, _ in icd.PHARMACY], object)
WEIGHTS = np.array([p for _, p in icd.PHARMACY], float)


def plant_rushes(world: World, rng: np.random.Generator, rush: float, n_claims: int, claims: Claims, truth: Truth,
                 exclude: np.ndarray) -> None:
    w, P = world, world.providers
    pharmacies = np.arange(P.side_first, len(P))
    if rush <= 0 or len(pharmacies) == 0:
        return
    hospital = P.next_door
    city = P.city[pharmacies].astype(np.int64)
    # sessions: the budget at rush 1, shared by the pharmacies by the custom of their hospital and city
    living = np.bincount(w.live_city, minlength=N_CITIES).astype(float)
    beds = P.doc_count[hospital].astype(float)
    per_city = np.bincount(city, weights=beds)
    share = living[city] * beds / per_city[city]
    n_sessions = rng.multinomial(int(RUSH_SHARE * n_claims / (2 + CROWD)), share / share.sum())
    n_sessions = np.where(living[city] > 0, np.maximum(1, n_sessions), 0)
    terminals = rng.integers(1, 4, len(pharmacies))
    session_pharmacy = np.repeat(np.arange(len(pharmacies)), n_sessions)
    s = len(session_pharmacy)
    workdays = np.flatnonzero(weekday(np.arange(DAYS)) < 5)
    day = rng.choice(workdays, s)
    start = at(day, np.where(rng.random(s) < 0.6, 10, 15), rng.integers(0, SESSION_MINUTES, s))
    size = 2 + rng.poisson(rush * CROWD, s)
    # customers: people living in the city (older people more often), not ring members
    weight = 1 + w.age / 40.0
    weight[exclude] = 0
    weight[w.death_day >= 0] = 0
    by_city = np.argsort(w.live_city, kind="stable")
    cum = np.cumsum(weight[by_city])
    bounds = np.searchsorted(w.live_city[by_city], np.arange(N_CITIES + 1))
    session = np.repeat(np.arange(s), size)
    c = city[session_pharmacy[session]]
    lo = np.where(bounds[c] > 0, cum[np.maximum(bounds[c] - 1, 0)], 0.0)
    hi = cum[bounds[c + 1] - 1]
    customer = by_city[np.minimum(np.searchsorted(cum, lo + rng.random(len(session)) * (hi - lo), side="right"), len(cum) - 1)]
    # queues: each terminal its own line, one swipe every 30–180 s
    ph = session_pharmacy[session]
    terminal = 1 + (rng.random(len(session)) * terminals[ph]).astype(np.int64)
    queue = session * 4 + terminal
    order = np.lexsort((np.arange(len(queue)), queue))
    gap = rng.integers(30, 181, len(queue))[order]
    total = np.cumsum(gap)
    queue_sorted = queue[order]
    head = np.ones(len(order), bool)
    head[1:] = queue_sorted[1:] != queue_sorted[:-1]
    base = np.maximum.accumulate(np.where(head, total - gap, 0))
    ts = np.empty(len(order), np.int64)
    ts[order] = start[session[order]] + total - base
    h = hospital[ph]
    doctor = P.doc_first[h] + rng.integers(0, 1 << 30, len(h)) % P.doc_count[h]
    dx = rng.choice(CODES, len(h), p=WEIGHTS / WEIGHTS.sum())
    claims.add(customer, pharmacies[ph], ts, cents(rng.lognormal(4.9, 0.7, len(h))), PHA, dx, doctor=doctor, terminal=terminal)
    seen = np.flatnonzero(rng.random(len(h)) < SEEN_FIRST)
    claims.add(customer[seen], h[seen], ts[seen] - rng.integers(15 * 60, 90 * 60, len(seen)),
               cents(rng.lognormal(4.7, 0.6, len(seen))), OUT, dx[seen], doctor=doctor[seen], terminal=rng.integers(1, 7, len(seen)))
    for j, pharmacy in enumerate(pharmacies):
        mine = ph == j
        truth.lookalike("hospital_pharmacy", customer[mine], [pharmacy, hospital[j]], doctor[mine])

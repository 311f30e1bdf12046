"""Ordinary care: everyone's year of visits, mostly at a few usual places in the city where they live.

About half the claims are outpatient, just under half pharmacy and 2–3 %
inpatient, with ICD-10 diagnoses by visit type. Care happens in the living
city; movers also get care in their registered city on their trips home
(students in the holidays, Spring-Festival travellers during the trip, every
mover on a few occasional visits), and 3 % of everyone's visits are in a
random city. Members of a pooling household (家庭共济) pay half their
pharmacy and outpatient claims from the holder's card. A share of pharmacy
claims carries the prescribing doctor of the patient's usual hospital, and
with hospital-side rushes on, many of those scripts are filled at the
pharmacy next to that hospital.

:func:`visits` draws ordinary pharmacy and clinic visits for given people,
days and cities; the behaviour modules use it for the care they add.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphfraud import icd
from graphfraud.generate.claims import DAY, DAYS, INP, OUT, PHA, SUMMER_HOLIDAY, WINTER_HOLIDAY, Claims, at
from graphfraud.generate.geography import N_CITIES, SHARE
from graphfraud.generate.world import CLINIC, HOSPITAL, PHARMACY, PLACED, STAYER, STUDENT, World

Progress = Callable[[str, int, int], None]
TRAVEL = 0.03             # visits in a random city
FAVOURITE = 0.8           # visits at one's usual provider of the kind
HOME_VISITS = 0.05        # a mover's visits in the registered city outside holidays and trips
HOLIDAY_AT_HOME = 0.9     # a student's visits during the holidays that are at home
POOLED_CLAIMS = 0.5       # a pooling member's pharmacy and outpatient claims paid from the holder's card
PRESCRIBED = 0.3          # pharmacy claims with a prescribing doctor
ROUTED = 0.6              # of those from a hospital with a pharmacy next door, filled there (times rush, at most 0.9)
CODES = {t: (np.array([c for c, _ in table], object), np.array([p for _, p in table], float) / sum(p for _, p in table))
         for t, table in ((OUT, icd.OUTPATIENT), (INP, icd.INPATIENT), (PHA, icd.PHARMACY))}


def providers_for(world: World, rng: np.random.Generator, patient: np.ndarray, kind: np.ndarray, city: np.ndarray,
                  usual: np.ndarray) -> np.ndarray:
    """A provider of each claim's kind in its city: the patient's usual one where ``usual``, else any (busy ones more often)."""
    P = world.providers
    provider = np.empty(len(patient), np.int64)
    key = kind.astype(np.int64) * N_CITIES + city
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    bounds = np.searchsorted(sorted_key, np.arange(3 * N_CITIES + 1))
    for g in range(3 * N_CITIES):
        lo, hi = bounds[g], bounds[g + 1]
        if lo == hi:
            continue
        sel = order[lo:hi]
        t, c = divmod(g, N_CITIES)
        slot = patient[sel] % 2 if t == PHARMACY else 0
        fav = P.favourite(patient[sel], t, c, slot)
        pick = P.pick(t, c, rng.random(hi - lo))
        provider[sel] = np.where(usual[sel], fav, pick)
    return provider


def diagnoses(rng: np.random.Generator, vtype: np.ndarray) -> np.ndarray:
    dx = np.empty(len(vtype), object)
    for t, (codes, prob) in CODES.items():
        sel = vtype == t
        dx[sel] = rng.choice(codes, int(sel.sum()), p=prob)
    return dx


def own_doctor(world: World, rng: np.random.Generator, patient: np.ndarray, provider: np.ndarray, loyal: float = 0.7) -> np.ndarray:
    """A doctor of the provider: the patient's own one (a fixed hash) or another; -1 at pharmacies."""
    P = world.providers
    count = P.doc_count[provider]
    own = (patient * 40_503) % np.maximum(count, 1)
    pick = np.where(rng.random(len(patient)) < loyal, own, rng.integers(0, 1 << 30, len(patient)) % np.maximum(count, 1))
    return np.where(count > 0, P.doc_first[provider] + pick, -1)


def visits(world: World, rng: np.random.Generator, claims: Claims, patient: np.ndarray, day: np.ndarray, city: np.ndarray,
           pharmacy_share: float = 0.7, card=None) -> None:
    """Ordinary pharmacy or clinic visits of ``patient`` on ``day`` in ``city``, at usual places."""
    m = len(patient)
    if m == 0:
        return
    vtype = np.where(rng.random(m) < pharmacy_share, PHA, OUT).astype(np.int8)
    kind = np.where(vtype == PHA, PHARMACY, CLINIC)
    provider = providers_for(world, rng, patient, kind, np.asarray(city, np.int64), rng.random(m) < FAVOURITE)
    doctor = own_doctor(world, rng, patient, provider)
    ts = at(day, rng.integers(8, 20, m), rng.integers(0, 60, m), rng.integers(0, 60, m))
    amount = np.round(np.where(vtype == PHA, rng.lognormal(4.6, 0.7, m), rng.lognormal(4.9, 0.6, m)), 2)
    claims.add(patient, provider, ts, amount, vtype, diagnoses(rng, vtype), doctor=doctor,
               terminal=rng.integers(1, 4, m), card=card)


def background(world: World, rng: np.random.Generator, n: int, claims: Claims, progress: Progress, *,
               trip_start: np.ndarray, trip_end: np.ndarray, pool_card: np.ndarray, rush: float) -> None:
    """Ordinary care of the whole population: ``n`` claims."""
    if n <= 0:
        return
    w, P = world, world.providers
    activity = rng.gamma(1.5, 1.0, w.n_patients) * (1 + w.age / 40)
    activity[w.death_day >= 0] *= 0.5
    activity /= activity.sum()
    side = np.full(len(P), -1, np.int64)
    n_side = np.zeros(len(P), np.int64)
    for h, pharmacies in enumerate(P.side):
        if pharmacies:
            side[h], n_side[h] = pharmacies[0], len(pharmacies)
    routed = min(0.9, ROUTED * rush)
    chunk, done = 2_000_000, 0
    while done < n:
        m = min(chunk, n - done)
        patient = rng.choice(w.n_patients, size=m, p=activity)
        age = w.age[patient]
        u = rng.random(m)
        p_in = 0.015 + 0.03 * (age >= 60)
        vtype = np.where(u < p_in, INP, np.where(u < p_in + (1 - p_in) * 0.5, OUT, PHA)).astype(np.int8)
        kind = np.where(vtype == PHA, PHARMACY, np.where((vtype == INP) | (rng.random(m) < 0.35), HOSPITAL, CLINIC))
        day = rng.integers(0, DAYS, m)
        death = w.death_day[patient]
        day = np.where(death >= 0, day * np.maximum(death - 1, 1) // DAYS, day)
        # where: the living city, the registered one on trips home
        mover = w.mover[patient]
        away = (mover != STAYER) & (mover != PLACED)
        holiday = ((day >= WINTER_HOLIDAY[0]) & (day <= WINTER_HOLIDAY[1])) | ((day >= SUMMER_HOLIDAY[0]) & (day <= SUMMER_HOLIDAY[1]))
        home = away & (rng.random(m) < HOME_VISITS)
        home |= (mover == STUDENT) & holiday & (rng.random(m) < HOLIDAY_AT_HOME)
        home |= (day >= trip_start[patient]) & (day <= trip_end[patient])
        city = np.where(home, w.city[patient], w.live_city[patient]).astype(np.int64)
        travel = rng.random(m) < TRAVEL
        city = np.where(travel, rng.choice(N_CITIES, m, p=SHARE), city)
        usual = (rng.random(m) < FAVOURITE) & ~travel
        provider = providers_for(w, rng, patient, kind, city, usual)
        doctor = own_doctor(w, rng, patient, provider)
        # a share of pharmacy claims carries the prescribing doctor of the patient's usual hospital there
        prescribed = np.flatnonzero((vtype == PHA) & (rng.random(m) < PRESCRIBED))
        if len(prescribed):
            hospital = providers_for(w, rng, patient[prescribed], np.full(len(prescribed), HOSPITAL), city[prescribed],
                                     np.ones(len(prescribed), bool))
            doctor[prescribed] = P.doc_first[hospital] + (patient[prescribed] * 40_503) % P.doc_count[hospital]
            to_side = (side[hospital] >= 0) & (rng.random(len(prescribed)) < routed)
            provider[prescribed[to_side]] = side[hospital[to_side]] + patient[prescribed[to_side]] % n_side[hospital[to_side]]
        hour = np.where(vtype == PHA, rng.integers(8, 21, m), np.clip(rng.normal(10.5, 2.5, m), 8, 17).astype(np.int64))
        hour = np.where((vtype == PHA) & (rng.random(m) < 0.03), rng.integers(20, 23, m), hour)
        ts = at(day, hour, rng.integers(0, 60, m), rng.integers(0, 60, m))
        los = 2 + rng.geometric(1 / 6, m)
        admit = np.where(vtype == INP, ts - los * DAY - rng.integers(0, 6 * 3600, m), -1)
        amount = np.where(vtype == INP, rng.lognormal(8.4, 0.5, m) * (los / 7) ** 0.5,
                          np.where(vtype == OUT, rng.lognormal(5.0, 0.7, m), rng.lognormal(4.6, 0.8, m)))
        amount = np.where((vtype == PHA) & (rng.random(m) < 0.04), np.maximum(10, np.round(amount, -1)), np.round(amount, 2))
        dx = diagnoses(rng, vtype)
        sex = w.sex[patient]
        dx[(vtype == INP) & (sex == "F") & (age >= 20) & (age <= 40) & (rng.random(m) < 0.25)] = "O80"
        dx[(vtype != INP) & (sex == "M") & (age >= 55) & (rng.random(m) < 0.05)] = "N40"
        terminal = np.where(kind == PHARMACY, rng.integers(1, 4, m), rng.integers(1, 7, m))
        holder = pool_card[patient]
        pooled = (holder >= 0) & (vtype != INP) & (rng.random(m) < POOLED_CLAIMS)
        card = np.where(pooled, holder, patient)
        claims.add(patient, provider, ts, amount, vtype, dx, doctor=doctor, admit=admit, terminal=terminal, card=card)
        done += m
        progress("claims", done, n)

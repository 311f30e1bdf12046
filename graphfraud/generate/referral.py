"""Referrals: elderly chronic patients of prefecture cities followed at their provincial capital's top hospital.

A share ``referral`` of the over-55s who live in a prefecture city see a
specialist at the capital's top hospital, 100–300 km away, every 1–3
months (the same specialist on most visits; one visit in twelve is an
inpatient stay), and refill the specialist's script at their usual pharmacy
at home in the same weeks. About a third of the visits are same-day trips by
high-speed rail: the home pharmacy in the early morning, the capital
hospital two to four hours later.

Look-alike groups: one per prefecture city, with the capital hospital and the
specialists its patients saw.
"""

from __future__ import annotations

import numpy as np

from graphfraud.generate.claims import DAY, DAYS, INP, OUT, PHA, Claims, at, cents
from graphfraud.generate.geography import CAPITAL_OF, CITIES, PREFECTURE, ROLE
from graphfraud.generate.planting import Truth
from graphfraud.generate.world import PHARMACY, REFERRAL_SPECIALTIES, STAYER, World

DIAGNOSES = np.array(["I10", "E11.9", "I25.1", "I63.9"], object)
INTERVAL_DAYS = (30, 92)
SAME_SPECIALIST = 0.85
INPATIENT = 1 / 12
HOME_REFILL = 0.8
SAME_DAY = 0.35


def plant_referrals(world: World, rng: np.random.Generator, share: float, claims: Claims, truth: Truth,
                    exclude: np.ndarray) -> None:
    w, P = world, world.providers
    candidate = (w.mover == STAYER) & (w.age >= 55) & (ROLE[w.city] == PREFECTURE) & (w.death_day < 0)
    candidate[exclude] = False
    chosen = np.flatnonzero(candidate & (rng.random(w.n_patients) < share))
    k = len(chosen)
    if k == 0:
        return
    home = w.city[chosen].astype(np.int64)
    hospital = P.top[CAPITAL_OF[home]]
    specialist = P.doc_first[hospital] + 2 + rng.integers(0, len(REFERRAL_SPECIALTIES), k)
    dx = rng.choice(DIAGNOSES, k)
    interval = rng.integers(INTERVAL_DAYS[0], INTERVAL_DAYS[1] + 1, k)
    first = (rng.random(k) * interval).astype(np.int64)
    n_visits = (DAYS - 1 - first) // interval + 1
    who = np.repeat(np.arange(k), n_visits)
    nth = np.arange(len(who)) - np.repeat(np.cumsum(n_visits) - n_visits, n_visits)
    day = np.clip(first[who] + nth * interval[who] + rng.integers(-5, 6, len(who)), 0, DAYS - 1)
    m = len(who)
    patient, h = chosen[who], hospital[who]
    doctor = np.where(rng.random(m) < SAME_SPECIALIST, specialist[who], P.doc_first[h] + rng.integers(0, P.doc_count[h]))
    same_day = rng.random(m) < SAME_DAY
    morning = at(day, rng.integers(7, 9, m), rng.integers(0, 60, m), rng.integers(0, 60, m))
    visit = np.where(same_day, morning + rng.integers(2 * 3600, 4 * 3600, m), at(day, rng.integers(9, 16, m), rng.integers(0, 60, m)))
    los = rng.integers(3, 11, m)
    stay = (rng.random(m) < INPATIENT) & (day + los < DAYS)
    settled = np.where(stay, visit + los * DAY, visit)
    claims.add(patient, h, settled, cents(np.where(stay, rng.lognormal(9.0, 0.4, m), rng.lognormal(5.6, 0.5, m))),
               np.where(stay, INP, OUT), dx[who], doctor=doctor, admit=np.where(stay, visit, -1), terminal=rng.integers(1, 7, m))
    refill = same_day | (rng.random(m) < HOME_REFILL)
    r = np.flatnonzero(refill)
    refill_ts = np.where(same_day[r], morning[r], at(np.clip(day[r] + rng.integers(-7, 8, len(r)), 0, DAYS - 1),
                                                    rng.integers(8, 20, len(r)), rng.integers(0, 60, len(r))))
    pharmacy = np.empty(len(r), np.int64)
    for c in np.unique(home[who[r]]):
        sel = home[who[r]] == c
        pharmacy[sel] = P.favourite(patient[r][sel], PHARMACY, int(c), patient[r][sel] % 2)
    claims.add(patient[r], pharmacy, refill_ts, cents(rng.lognormal(5.3, 0.5, len(r))), PHA, dx[who[r]],
               doctor=specialist[who[r]], terminal=rng.integers(1, 4, len(r)))
    for c in np.unique(home):
        sel = home == c
        truth.lookalike("referral", chosen[sel], hospital[sel], np.unique(doctor[np.isin(who, np.flatnonzero(sel))]),
                        registered_city=CITIES[int(c)].name, capital=CITIES[int(CAPITAL_OF[c])].name)

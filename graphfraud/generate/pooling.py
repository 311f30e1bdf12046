"""家庭共济: one household member's card pays for relatives' pharmacy and outpatient care (legal since 2021).

A share ``pooling`` of multi-person households pool: the holder (a working-age
adult, more often the man) pays from his or her card for the relatives who
live in the same city, so ``claims.card_id`` is the holder's card while
``claims.patient_id`` is the relative. Besides half their ordinary pharmacy
and outpatient claims (``ordinary.py``), pooling brings a child's
paediatric visits on a parent's card, a wife's gynaecology on her husband's
card, and counter sessions where several relatives' purchases go through the
holder's card back to back.

Households with a member in a planted group are left out, so every pooled
claim stays within one household (same address, and often the same phone).
One look-alike group per pooling household.
"""

from __future__ import annotations

import numpy as np

from graphfraud.generate.claims import DAYS, OUT, PHA, Claims, at, cents
from graphfraud.generate.planting import Truth
from graphfraud.generate.world import HOSPITAL, PHARMACY, World

PAEDIATRIC = np.array(["J06.9", "J20.9", "J45.9"], object)
GYNAECOLOGIC = np.array(["N76.0", "N76.0", "O26.9"], object)


def plan_pooling(world: World, rng: np.random.Generator, share: float, used: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Holders of pooling households: ``pool_card`` (the card paying for each person, -1 own) and each household's holder."""
    w, n = world, world.n_patients
    size = np.bincount(w.household)
    touched = np.bincount(w.household, weights=used.astype(float), minlength=len(size)) > 0
    pooled = (size >= 2) & ~touched & (rng.random(len(size)) < share)
    score = 2.0 * ((w.age >= 25) & (w.age <= 65)) + 0.5 * (w.sex == "M") + 0.4 * rng.random(n)
    order = np.lexsort((-score, w.household))
    first = np.ones(n, bool)
    first[1:] = w.household[order][1:] != w.household[order][:-1]
    holder = np.full(len(size), -1, np.int64)
    holder[w.household[order][first]] = order[first]
    holder[~pooled] = -1
    h = holder[w.household]
    safe = np.maximum(h, 0)
    together = (h >= 0) & (h != np.arange(n)) & (w.live_city == w.live_city[safe]) & (w.death_day < 0) & (w.death_day[safe] < 0)
    pool_card = np.where(together, h, -1)
    return pool_card, holder


def plant_pooling(world: World, rng: np.random.Generator, claims: Claims, truth: Truth, pool_card: np.ndarray,
                  holder: np.ndarray) -> None:
    w, P = world, world.providers
    members = np.flatnonzero(pool_card >= 0)
    # children's paediatric visits and wives' gynaecology, at the usual hospital, on the holder's card
    child = members[w.age[members] <= 14]
    wife = members[(w.sex[members] == "F") & (w.age[members] >= 20) & (w.age[members] <= 55) & (w.sex[pool_card[members]] == "M")]
    for people, specialty, codes, visits in ((child, 0, PAEDIATRIC, (1, 4)), (wife, 1, GYNAECOLOGIC, (1, 3))):
        who = np.repeat(people, rng.integers(visits[0], visits[1] + 1, len(people)))
        hospital = np.empty(len(who), np.int64)
        city = w.live_city[who].astype(np.int64)
        for c in np.unique(city):
            sel = city == c
            hospital[sel] = P.favourite(who[sel], HOSPITAL, int(c))
        m = len(who)
        ts = at(rng.integers(0, DAYS, m), rng.integers(8, 17, m), rng.integers(0, 60, m), rng.integers(0, 60, m))
        claims.add(who, hospital, ts, cents(rng.lognormal(5.0, 0.5, m)), OUT, rng.choice(codes, m),
                   doctor=P.doc_first[hospital] + specialty, terminal=rng.integers(1, 7, m), card=pool_card[who])
    # counter sessions: the holder's card for two or three relatives, back to back
    households = np.unique(w.household[members])
    first = np.searchsorted(w.household, households)          # households are runs of consecutive people
    last = np.searchsorted(w.household, households, side="right")
    sessions = np.repeat(np.arange(len(households)), rng.integers(0, 3, len(households)))
    for j in sessions:
        hh = households[j]
        everyone = np.arange(first[j], last[j])
        relatives = everyone[pool_card[everyone] >= 0]
        payer = int(holder[hh])
        buyers = np.concatenate([[payer], rng.choice(relatives, size=min(len(relatives), int(rng.integers(1, 3))), replace=False)])
        pharmacy = int(P.favourite(np.array([payer]), PHARMACY, int(w.live_city[payer]), payer % 2)[0])
        start = int(at(int(rng.integers(0, DAYS)), int(rng.integers(9, 20)), int(rng.integers(0, 60))))
        k = len(buyers)
        claims.add(buyers, pharmacy, start + np.cumsum(rng.integers(20, 90, k)), cents(rng.lognormal(4.4, 0.6, k)), PHA,
                   rng.choice(["J06.9", "I10", "K29.7", "L30.9"], k), terminal=int(rng.integers(1, 4)), card=payer)
    for hh, lo, hi in zip(households, first, last):
        everyone = np.arange(lo, hi)
        truth.lookalike("pooling", everyone[(pool_card[everyone] >= 0) | (everyone == holder[hh])], cards=[holder[hh]])

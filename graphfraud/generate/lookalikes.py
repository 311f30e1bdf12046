"""Legitimate dense groups that look like rings to a naive detector, each drawn in several variants.

* ``dialysis``: 8–24 patients three times a week (Mon/Wed/Fri or Tue/Thu/Sat)
  on the same shift with the same doctors, all year; some are treated at a
  centre in another city near their children (registered elsewhere).
* ``nursing_home``: 20–49 residents sharing the home's phone; either
  registered at the home's address or keeping their own addresses (some in
  other cities: placed by their children); a monthly visit to the house doctor
  and a refill the next day, either spread over the morning or swiped by
  staff one card after another (30–120 s apart); a few residents die, most of
  them with a final hospital stay settled up to a week after death.
* ``family``: 4–6 relatives sharing an address and phone, an address only, or
  a phone only; visits together to one clinic, half of them paid from one
  member's card (家庭共济).
* ``checkup``: a company's staff (a third migrants registered elsewhere) at
  one hospital over 1–3 days at one fixed price, spread over the morning or
  swiped in sequence at one terminal.
* ``chronic_refill``: patients of one community doctor refilling one chronic
  drug monthly, every two months on a long prescription (长处方), or
  alternating between two pharmacies.

The variation shares are the constants of ``settings.py``; each group's
``variant`` says which it got.
"""

from __future__ import annotations

import numpy as np

from graphfraud import icd
from graphfraud.generate.claims import DAY, DAYS, INP, OUT, PHA, at, cents, weekday
from graphfraud.generate.geography import CITIES
from graphfraud.generate.planting import Planter
from graphfraud.generate.settings import (
    CHECKUP_MIGRANTS,
    CHECKUP_QUEUE,
    CHRONIC_VARIANTS,
    DIALYSIS_AWAY,
    DIALYSIS_TUE_THU_SAT,
    FAMILY_POOLING,
    FAMILY_SHARES,
    NURSING_AWAY,
    NURSING_BATCH,
    NURSING_FINAL_STAY,
    NURSING_OWN_ADDRESS,
)
from graphfraud.generate.world import CLINIC, HOSPITAL, HOSPITAL_WORDS, PHARMACY, PLACED, ROADS

LOOKALIKE_SHAPES = ("dialysis", "nursing_home", "family", "checkup", "chronic_refill")


def _variant(rng: np.random.Generator, shares) -> str:
    names, weights = zip(*shares)
    return names[int(rng.choice(len(names), p=np.array(weights) / sum(weights)))]


class LookalikePlanter(Planter):
    """Plants look-alike groups; each kind is one method of the same name."""

    def relocated(self, city: int, k: int, min_age: int, max_age: int) -> np.ndarray:
        """People registered in other cities (by population) who now live in ``city``, placed near their children."""
        each = [self.people.take(self.other_city(city), 1, min_age, max_age) for _ in range(k)]
        people = np.concatenate(each) if each else np.array([], np.int64)
        self.w.live_city[people] = city
        self.w.mover[people] = PLACED
        return people

    def dialysis(self) -> None:
        rng = self.rng
        city = self.city_with(HOSPITAL)
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, 2)
        k = int(rng.integers(8, 25))
        k_away = int(rng.binomial(k, DIALYSIS_AWAY))
        away = self.relocated(city, k_away, 45, 85)
        patients = np.concatenate([self.people.take(city, k - k_away, 20, 85), away])
        variant = "tue_thu_sat" if rng.random() < DIALYSIS_TUE_THU_SAT else "mon_wed_fri"
        start = int(rng.integers(0, 60))
        sessions = (1, 3, 5) if variant == "tue_thu_sat" else (0, 2, 4)
        days = np.array([d for d in range(start, DAYS) if weekday(d) in sessions])
        shift = rng.integers(0, 2, len(patients))
        for p, s in zip(patients, shift):
            n = len(days)
            self.claims.add(p, hospital, at(days, 8 + 5 * s, rng.integers(0, 40, n)), cents(rng.uniform(380, 520, n)), OUT, "N18.6",
                            doctor=int(rng.choice(doctors)), terminal=2)
        self.truth.lookalike("dialysis", patients, hospital, doctors, away=away, variant=variant)

    def nursing_home(self) -> None:
        rng, w = self.rng, self.w
        city = self.city_with(CLINIC, PHARMACY)
        clinic = self.provider(CLINIC, city)
        pharmacy = self.provider(PHARMACY, city)
        doctor = int(self.doctors(clinic, 1)[0])
        k = int(rng.integers(20, 50))
        own_address = rng.random() < NURSING_OWN_ADDRESS
        batch = rng.random() < NURSING_BATCH
        k_away = int(rng.binomial(k, NURSING_AWAY)) if own_address else 0
        away = self.relocated(city, k_away, 75, 99)
        residents = np.concatenate([self.people.take(city, k - k_away, 75, 99), away])
        district = CITIES[city].districts[int(rng.integers(0, 3))][0]
        address = (f"{CITIES[city].name}{district}{ROADS[int(rng.integers(0, len(ROADS)))]}{int(rng.integers(1, 300))}号"
                   f"{HOSPITAL_WORDS[int(rng.integers(0, 12))]}养老院")
        phone = 10_000_000_000 + int(rng.integers(0, 10**9))  # landline-like number of the home
        for p in residents:
            self.phone_overrides[int(p)] = phone
            if not own_address:
                self.address_overrides[int(p)] = address
        deaths = residents[rng.random(len(residents)) < 0.08]
        w.death_day[deaths] = rng.integers(120, DAYS, len(deaths))
        for month in range(12):
            day = month * 30 + int(rng.integers(3, 8))
            alive = residents[(w.death_day[residents] < 0) | (w.death_day[residents] > day + 2)]
            n = len(alive)
            dx = rng.choice(icd.CHRONIC, n)
            if batch:   # staff bring the cards: one after another at the counter
                visit = at(day, rng.integers(9, 11), rng.integers(0, 60)) + np.cumsum(rng.integers(30, 121, n))
                refill = at(day + 1, rng.integers(9, 16), rng.integers(0, 60)) + np.cumsum(rng.integers(30, 121, n))
            else:
                visit = at(day, rng.integers(9, 11), rng.integers(0, 60)) + rng.integers(0, 10800, n)
                refill = visit + DAY + rng.integers(0, 7200, n)
            self.claims.add(alive, clinic, visit, cents(rng.uniform(60, 200, n)), OUT, dx, doctor=doctor, terminal=1)
            self.claims.add(alive, pharmacy, refill, cents(rng.uniform(100, 400, n)), PHA, dx, doctor=doctor, terminal=1)
        # a final hospital stay, settled up to a week after death
        final = deaths[rng.random(len(deaths)) < NURSING_FINAL_STAY]
        if len(final):
            hospital = int(rng.choice(self.p.of(HOSPITAL, city)))
            death = w.death_day[final]
            settled = np.minimum(DAYS - 1, death + rng.integers(0, 8, len(final)))
            self.claims.add(final, hospital, at(settled, rng.integers(9, 17, len(final)), rng.integers(0, 60, len(final))),
                            cents(rng.lognormal(9.2, 0.5, len(final))), INP, rng.choice(["I63.9", "J18.9", "I25.1"], len(final)),
                            doctor=rng.choice(self.p.doctors_of(hospital), len(final)), admit=at(death - rng.integers(2, 15, len(final)), 10),
                            terminal=1, posthumous=True)
        variant = f"{'own_address' if own_address else 'shared_address'},{'batch_swipe' if batch else 'spread'}"
        self.truth.lookalike("nursing_home", residents, [clinic, pharmacy], doctor, away=away, variant=variant)

    def family(self) -> None:
        rng, w = self.rng, self.w
        city = self.city()
        members = self.people.take(city, int(rng.integers(4, 7)), 1, 90)
        if len(members) < 2:
            return
        variant = _variant(rng, FAMILY_SHARES)
        pooled = rng.random() < FAMILY_POOLING
        for p in members:
            if variant != "phone":
                self.address_overrides[int(p)] = w.address[members[0]]
            if variant != "address":
                self.phone_overrides[int(p)] = int(w.phone[members[0]])
        adults = members[(w.age[members] >= 25) & (w.age[members] <= 65)]
        holder = int(adults[0] if len(adults) else members[np.argmax(w.age[members])])
        clinic = int(rng.choice(self.p.of(CLINIC, city)))
        for _ in range(int(rng.integers(3, 7))):
            group = rng.choice(members, size=int(rng.integers(min(2, len(members)), len(members) + 1)), replace=False)
            n = len(group)
            start = at(int(rng.integers(0, DAYS)), rng.integers(9, 17), rng.integers(0, 30))
            ts = start + (np.cumsum(rng.integers(20, 90, n)) if pooled else rng.integers(0, 1200, n))
            self.claims.add(group, clinic, ts, cents(rng.lognormal(4.9, 0.5, n)), OUT, rng.choice(["J06.9", "J20.9"], n),
                            doctor=int(rng.choice(self.p.doctors_of(clinic))), terminal=1, card=holder if pooled else None)
        variant += ",pooling" if pooled else ""
        self.truth.lookalike("family", members, clinic, [], cards=[holder] if pooled else None, variant=variant)
        if pooled:
            self.truth.lookalike("pooling", members, clinic, [], cards=[holder], variant="family")

    def checkup(self) -> None:
        rng = self.rng
        city = self.city_with(HOSPITAL)
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, 2)
        k = int(rng.integers(40, 150))
        migrants = self.people.take(city, int(rng.binomial(k, CHECKUP_MIGRANTS)), 22, 58, movers=True)
        staff = np.concatenate([self.people.take(city, k - len(migrants), 22, 58), migrants])
        staff = staff[rng.permutation(len(staff))]
        queue = rng.random() < CHECKUP_QUEUE
        day = int(rng.integers(60, 330))
        n = len(staff)
        price = float(rng.choice([300.0, 500.0, 680.0]))
        if queue:   # one terminal, one employee after another, each morning of the 1–3 days
            days = day + np.sort(rng.integers(0, int(rng.integers(1, 4)), n))
            first = np.ones(n, bool)
            first[1:] = days[1:] != days[:-1]
            gap = rng.integers(30, 121, n)
            total = np.cumsum(gap)
            base = np.maximum.accumulate(np.where(first, total - gap, 0))
            ts = at(days, 8, rng.integers(0, 20)) + total - base
            terminal: int | np.ndarray = int(rng.integers(1, 4))
        else:
            ts = at(day + rng.integers(0, 3, n), rng.integers(8, 11, n), rng.integers(0, 60, n), rng.integers(0, 60, n))
            terminal = rng.integers(1, 4, n)
        self.claims.add(staff, hospital, ts, price, OUT, "Z00.0", doctor=rng.choice(doctors, n), terminal=terminal)
        self.truth.lookalike("checkup", staff, hospital, doctors, away=migrants, variant="queue" if queue else "spread")

    def chronic_refill(self) -> None:
        rng = self.rng
        variant = _variant(rng, CHRONIC_VARIANTS)
        city = self.city_with(CLINIC, PHARMACY)
        clinic = self.provider(CLINIC, city)
        pharmacies = [self.provider(PHARMACY, city)] + ([self.provider(PHARMACY, city)] if variant == "two_pharmacies" else [])
        doctor = int(self.doctors(clinic, 1)[0])
        patients = self.people.take(city, int(rng.integers(10, 30)), 40, 90)
        gap, price = ((55, 66), (160, 600)) if variant == "long_prescription" else ((27, 34), (80, 300))
        for p in patients:
            dx = rng.choice(icd.CHRONIC)
            day = int(rng.integers(0, 30))
            while day < DAYS:
                self.claims.add(p, int(rng.choice(pharmacies)), at(day, rng.integers(8, 19), rng.integers(0, 60)),
                                cents(rng.uniform(*price)), PHA, dx, doctor=doctor, terminal=1)
                day += int(rng.integers(*gap))
        self.truth.lookalike("chronic_refill", patients, [clinic, *pharmacies], doctor, variant=variant)

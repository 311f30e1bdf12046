"""Planted fraud: ten ring shapes in the design's four families.

* card lending — ``collector`` (a broker swipes far-away holders' cards one
  after another), ``borrowed`` (cards used far from home for care that cannot
  be the holder's, often while the holder is at home), ``after_death``;
* pharmacy cash-out — ``drain`` (round sums, after hours, bursts on one
  terminal), ``refill_mill`` (chronic refills far more often than supply);
* gangs — ``admission_wave`` (a broker's recruits admitted together),
  ``split_admission`` (re-admitted within days), ``funnel`` (one doctor's
  scripts all filled at one pharmacy);
* drug resale — ``resale`` (sellers' boxes settled again by one pharmacy),
  and the pharmacy cash-out shape ``swap`` (a drug billed for other goods):
  ``graphfraud.generate.drug_rings``.

``difficulty="burst"`` rings act in waves within weeks, ``"stealth"`` rings
are smaller and spread over months. Ring members are stayers (registered and
living in one city) and keep their ordinary care besides what is planted.
The first eight shapes are unchanged from the single-module generator, so
rings found before are found the same way; the drug shapes come last in each
round.
"""

from __future__ import annotations

import numpy as np

from graphfraud import icd
from graphfraud.generate.claims import DAY, DAYS, INP, OUT, PHA, at, cents
from graphfraud.generate.drug_rings import DrugRings
from graphfraud.generate.world import CLINIC, HOSPITAL, PHARMACY

RING_SHAPES = ("collector", "borrowed", "after_death", "drain", "refill_mill", "admission_wave", "split_admission", "funnel",
               "resale", "swap")


class RingPlanter(DrugRings):
    """Plants rings; each shape is one method of the same name."""

    # ----------------------------------------------------------- card lending
    def collector(self) -> None:
        """A collector holds the cards of far-away holders and swipes them one after another at one counter."""
        rng = self.rng
        r = self.ring("card_lending", "collector")
        kind = PHARMACY if rng.random() < 0.7 else CLINIC
        city_b = self.city_with(kind)
        site = self.provider(kind, city_b)
        holders = np.concatenate([self.people.take(self.far_city(city_b, people=(k, 40)), k, 40)
                                  for k in (self.size((5, 10), (3, 4)) for _ in range(2))])
        broker = self.people.take(city_b, 1, 25, 60)
        cards = np.concatenate([holders, broker])
        r.add("patient", holders, "card_holder")
        r.add("patient", broker, "broker")
        r.add("card", cards, "lent_card")
        r.add("provider", site, "collector_site")
        first, length = self.window()
        sessions = int(rng.integers(9, 15)) if self.stealth else int(rng.integers(5, 10))
        terminal = self.terminal(site)
        for day in np.sort(rng.integers(first, first + length, sessions)):
            if self.stealth:
                used = rng.choice(cards, size=min(len(cards), int(rng.integers(2, 5))), replace=False)
                gaps = rng.integers(60, 600, len(used))
            else:
                used = rng.choice(cards, size=min(len(cards), max(2, int(len(cards) * rng.uniform(0.7, 1.0)))), replace=False)
                gaps = rng.integers(20, 120, len(used))
            start = at(day, rng.integers(9, 18), rng.integers(0, 60))
            ts = start + np.cumsum(gaps)
            amount = cents(rng.lognormal(5.3, 0.35, len(used)))
            dx = rng.choice(icd.CHRONIC, len(used))
            vtype = PHA if self.p.kind[site] == PHARMACY else OUT
            doctor = -1 if vtype == PHA else int(self.p.doc_first[site])
            self.claims.add(used, site, ts, amount, vtype, dx, doctor=doctor, terminal=terminal, tag=r.tag)

    def borrowed(self) -> None:
        """Cards of holders in one city used by others at providers far away, often for care that cannot be theirs."""
        rng, w = self.rng, self.w
        r = self.ring("card_lending", "borrowed")
        city_b = self.city_with(HOSPITAL, CLINIC)
        k = self.size((6, 12), (4, 6))
        city_a = self.far_city(city_b, people=(k, 50))
        holders = np.concatenate([self.people.take(city_a, (k + 1) // 2, 45, 85, "M"), self.people.take(city_a, k // 2, 50, 85, "F")])
        victims = [self.provider(HOSPITAL, city_b)] + ([self.provider(CLINIC, city_b)] if rng.random() < 0.5 else [])
        r.add("patient", holders, "card_holder")
        r.add("card", holders, "lent_card")
        first, length = self.window()
        home_providers: dict[int, int] = {}
        for h in holders:
            uses = int(rng.integers(2, 4))
            days = rng.integers(first, first + length, uses)
            for day in days:
                site = int(rng.choice(victims))
                misfit = rng.random() < 0.6
                if misfit:
                    dx = "O80" if w.sex[h] == "M" else rng.choice(["N40", "C61"])
                    vtype = INP if dx == "O80" else OUT
                else:
                    dx, vtype = rng.choice(["J18.9", "K80.2", "M17.9"]), INP
                hour = int(rng.integers(9, 17))
                ts = at(day, hour, rng.integers(0, 60))
                admit = ts - int(rng.integers(2, 6)) * DAY if vtype == INP else -1
                amount = cents(rng.lognormal(8.6, 0.4) if vtype == INP else rng.lognormal(5.8, 0.4))
                doctor = int(rng.choice(self.p.doctors_of(site)))
                self.claims.add(h, site, ts, amount, vtype, dx, doctor=doctor, admit=admit, terminal=self.terminal(site), tag=r.tag)
                if rng.random() < 0.6:  # the holder's own visit at home, the same day
                    home = home_providers.setdefault(int(h), self.provider_near(int(h)))
                    own_ts = ts + int(rng.integers(-4, 5)) * 3600 + int(rng.integers(0, 3600))
                    vt = PHA if self.p.kind[home] == PHARMACY else OUT
                    self.claims.add(h, home, own_ts, cents(rng.lognormal(4.6, 0.6)), vt, rng.choice(icd.CHRONIC),
                                    doctor=-1 if vt == PHA else int(rng.choice(self.p.doctors_of(home))), terminal=1)

    def provider_near(self, patient: int) -> int:
        kind = PHARMACY if self.rng.random() < 0.5 else CLINIC
        return int(self.rng.choice(self.p.of(kind, int(self.w.city[patient]))))

    def after_death(self) -> None:
        """Cards of dead holders kept and swiped at one pharmacy or clinic."""
        rng, w = self.rng, self.w
        r = self.ring("card_lending", "after_death")
        kind = PHARMACY if rng.random() < 0.7 else CLINIC
        k = self.size((5, 9), (3, 5))
        city = self.city_with(kind, people=(k + 3, 70))
        site = self.provider(kind, city)
        holders = self.people.take(city, k, 70)
        w.death_day[holders] = rng.integers(20, 150, len(holders))
        r.add("patient", holders, "deceased_holder")
        r.add("card", holders, "kept_card")
        r.add("provider", site, "colluding_provider")
        vtype = PHA if self.p.kind[site] == PHARMACY else OUT
        terminal = self.terminal(site)
        if self.stealth:
            for h in holders:
                d0 = int(w.death_day[h]) + 10
                days = rng.integers(d0, DAYS, int(rng.integers(2, 5)))
                for day in days:
                    self.claims.add(h, site, at(day, rng.integers(9, 19), rng.integers(0, 60)), cents(rng.lognormal(5.2, 0.4)),
                                    vtype, rng.choice(icd.CHRONIC), doctor=-1 if vtype == PHA else int(self.p.doc_first[site]),
                                    terminal=terminal, tag=r.tag)
        else:
            d0 = int(w.death_day[holders].max()) + 5
            for day in np.sort(rng.integers(d0, min(DAYS, d0 + 120), int(rng.integers(3, 7)))):
                ts = at(day, rng.integers(9, 19), rng.integers(0, 60)) + np.cumsum(rng.integers(30, 300, len(holders)))
                self.claims.add(holders, site, ts, cents(rng.lognormal(5.2, 0.4, len(holders))), vtype,
                                rng.choice(icd.CHRONIC, len(holders)), doctor=-1 if vtype == PHA else int(self.p.doc_first[site]),
                                terminal=terminal, tag=r.tag)

    # ----------------------------------------------------------- pharmacy cash-out
    def drain(self) -> None:
        """A pharmacy swipes recruited cards for round sums, often after hours, in bursts on one terminal."""
        rng = self.rng
        r = self.ring("pharmacy_cashout", "drain")
        k = self.size((15, 28), (6, 9))
        city = self.city_with(PHARMACY, people=(k, 20))
        pharmacy = self.provider(PHARMACY, city)
        local = self.people.take(city, k - k // 5, 20, 80)
        away = self.people.take(self.far_city(city, 300, people=(k // 5, 20)), k // 5, 20, 80)
        recruits = np.concatenate([local, away])
        r.add("patient", recruits, "recruit")
        r.add("card", recruits, "drained_card")
        r.add("provider", pharmacy, "cashout_pharmacy")
        first, length = self.window()
        terminal = self.terminal(pharmacy)
        round_sums = np.array([100, 200, 200, 300, 300, 500, 500, 800, 1000], float)

        def amounts(n: int) -> np.ndarray:
            rounded = rng.random(n) < 0.75
            return np.where(rounded, rng.choice(round_sums, n), cents(rng.uniform(150, 900, n)))

        if self.stealth:
            for p in recruits:
                n = int(rng.integers(4, 8))
                days = rng.integers(first, first + length, n)
                late = rng.random(n) < 0.4
                hours = np.where(late, rng.integers(20, 23, n), rng.integers(9, 19, n))
                self.claims.add(p, pharmacy, at(days, hours, rng.integers(0, 60, n)), amounts(n), PHA,
                                rng.choice(icd.CHRONIC, n), terminal=terminal, tag=r.tag)
        else:
            for day in np.sort(rng.integers(first, first + length, int(rng.integers(5, 10)))):
                used = rng.choice(recruits, size=min(len(recruits), int(rng.integers(5, 13))), replace=False)
                hour = int(rng.integers(20, 23)) if rng.random() < 0.65 else int(rng.integers(12, 18))
                ts = at(day, hour, rng.integers(0, 20)) + np.cumsum(rng.integers(30, 240, len(used)))
                self.claims.add(used, pharmacy, ts, amounts(len(used)), PHA, rng.choice(icd.CHRONIC, len(used)),
                                terminal=terminal, tag=r.tag)

    def refill_mill(self) -> None:
        """A pharmacy and one or two prescribers refill chronic drugs for recruits far more often than supply allows."""
        rng = self.rng
        r = self.ring("pharmacy_cashout", "refill_mill")
        kind = CLINIC if rng.random() < 0.5 else HOSPITAL
        k = self.size((12, 22), (5, 8))
        city = self.city_with(PHARMACY, kind, people=(k, 35))
        pharmacy = self.provider(PHARMACY, city)
        clinic = self.provider(kind, city)
        doctors = self.doctors(clinic, int(rng.integers(1, 3)))
        patients = self.people.take(city, k, 35, 85)
        r.add("patient", patients, "recruit")
        r.add("card", patients, "card")
        r.add("provider", pharmacy, "cashout_pharmacy")
        r.add("doctor", doctors, "prescriber")
        first, length = self.window()
        gap_lo, gap_hi = (6, 12) if self.stealth else (3, 8)
        terminal = self.terminal(pharmacy)
        for p in patients:
            dx = rng.choice(icd.CHRONIC)
            doctor = int(rng.choice(doctors))
            day = first + int(rng.integers(0, 10))
            while day < first + length:
                self.claims.add(p, pharmacy, at(day, rng.integers(9, 20), rng.integers(0, 60)), cents(rng.uniform(250, 900)),
                                PHA, dx, doctor=doctor, terminal=terminal, tag=r.tag)
                day += int(rng.integers(gap_lo, gap_hi + 1))

    # ----------------------------------------------------------- gangs
    def admission_wave(self) -> None:
        """A broker recruits patients (registered with his phone) who are admitted together by the same doctors."""
        rng, w = self.rng, self.w
        r = self.ring("gang", "admission_wave")
        k = self.size((15, 30), (6, 11))
        city = self.city_with(HOSPITAL, people=(k, 50))
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, int(rng.integers(1, 4)))
        broker = self.people.take(city, 1, 30, 60)
        recruits = self.people.take(city, k, 50, 90)
        share = rng.uniform(0.4, 0.6) if self.stealth else rng.uniform(0.8, 1.0)
        for p in recruits[rng.random(len(recruits)) < share] if len(broker) else []:
            self.phone_overrides[int(p)] = int(w.phone[broker[0]])
        r.add("patient", recruits, "recruit")
        r.add("patient", broker, "broker")
        r.add("card", recruits, "card")
        r.add("provider", hospital, "colluding_provider")
        r.add("doctor", doctors, "admitting_doctor")
        dx_pool = rng.choice(["I63.9", "M17.9", "K29.7", "I25.1", "E11.9"], 2, replace=False)
        first, length = self.window()

        def admit(group: np.ndarray, day: int) -> None:
            n = len(group)
            los = rng.integers(6, 13, n)
            admit_day = day + rng.integers(0, 2, n)
            discharge = at(admit_day + los, rng.integers(9, 16, n), rng.integers(0, 60, n))
            self.claims.add(group, hospital, discharge, cents(rng.uniform(5000, 12000, n)), INP, rng.choice(dx_pool, n),
                            doctor=rng.choice(doctors, n), admit=at(admit_day, rng.integers(8, 12, n)), terminal=1, tag=r.tag)

        if self.stealth:
            order = rng.permutation(recruits)
            for group in np.array_split(order, max(1, len(order) // 3)):
                admit(group, int(rng.integers(first, first + length)))
        elif len(recruits):
            for _ in range(int(rng.integers(2, 5))):
                size = min(len(recruits), max(3, int(len(recruits) * rng.uniform(0.4, 0.7))))
                group = rng.choice(recruits, size=size, replace=False)
                admit(group, int(rng.integers(first, first + length)))

    def split_admission(self) -> None:
        """Patients discharged and re-admitted within days, again and again, by the same doctors."""
        rng = self.rng
        r = self.ring("gang", "split_admission")
        k = self.size((8, 15), (4, 6))
        city = self.city_with(HOSPITAL, people=(k, 40))
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, int(rng.integers(1, 3)))
        patients = self.people.take(city, k, 40, 90)
        r.add("patient", patients, "patient")
        r.add("card", patients, "card")
        r.add("provider", hospital, "colluding_provider")
        r.add("doctor", doctors, "admitting_doctor")
        first, length = self.window()
        for p in patients:
            dx = rng.choice(["I63.9", "J18.9", "M17.9", "I25.1"])
            doctor = int(rng.choice(doctors))
            day = int(rng.integers(first, first + max(1, length - 40)))
            for _ in range(int(rng.integers(2, 4)) if self.stealth else int(rng.integers(3, 6))):
                los = int(rng.integers(5, 11))
                if day + los >= DAYS:
                    break
                self.claims.add(p, hospital, at(day + los, rng.integers(9, 16), rng.integers(0, 60)), cents(rng.uniform(4000, 9000)),
                                INP, dx, doctor=doctor, admit=at(day, rng.integers(8, 12)), terminal=1, tag=r.tag)
                day += los + int(rng.integers(0, 4))

    def funnel(self) -> None:
        """Recruits see one doctor together and fill every script at one pharmacy the same day."""
        rng, w = self.rng, self.w
        r = self.ring("gang", "funnel")
        kind = HOSPITAL if rng.random() < 0.6 else CLINIC
        k = self.size((12, 24), (5, 8))
        city = self.city_with(kind, PHARMACY, people=(k, 25))
        hospital = self.provider(kind, city)
        doctor = int(self.doctors(hospital, 1)[0])
        pharmacy = self.provider(PHARMACY, city)
        patients = self.people.take(city, k, 25, 85)
        if not self.stealth and len(patients):
            broker_phone = int(w.phone[patients[0]])
            for p in patients[1:][rng.random(len(patients) - 1) < 0.3]:
                self.phone_overrides[int(p)] = broker_phone
        r.add("patient", patients, "recruit")
        r.add("card", patients, "card")
        r.add("provider", pharmacy, "receiving_pharmacy")
        r.add("doctor", doctor, "prescriber")
        first, length = self.window()
        trips = int(rng.integers(10, 16)) if self.stealth else int(rng.integers(5, 9))
        for day in np.sort(rng.integers(first, first + length, trips)):
            group = rng.choice(patients, size=min(len(patients), int(rng.integers(2, 4)) if self.stealth else int(rng.integers(3, 7))), replace=False)
            n = len(group)
            visit = at(day, rng.integers(8, 16), rng.integers(0, 30)) + rng.integers(0, 1800, n)
            dx = rng.choice(icd.CHRONIC, n)
            self.claims.add(group, hospital, visit, cents(rng.uniform(300, 800, n)), OUT, dx, doctor=doctor, terminal=1, tag=r.tag)
            self.claims.add(group, pharmacy, visit + rng.integers(3600, 7200, n), cents(rng.uniform(600, 1500, n)), PHA, dx,
                            doctor=doctor, terminal=1, tag=r.tag)

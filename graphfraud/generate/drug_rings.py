"""Planted drug fraud: resale networks (倒卖医保药品, 回流药) and swap pharmacies (串换药品).

* ``resale`` (family ``drug_resale``): sellers — card holders of one city,
  recruited by a dealer — buy a resale-prone drug (insulin, cancer,
  immunosuppressant, hepatitis-B drugs) again and again at hospitals and
  pharmacies of their city; the dealer collects most of the boxes and sells
  them to one pharmacy, which settles each box a second time on the card of an
  ordinary customer, days or weeks later, without ever having bought it in.
  The dealer leaves no record in settlement data: he is the path between the
  sellers' boxes and the pharmacy. The customers are not ring members (they
  got a real box); the sellers and the pharmacy are.
* ``swap`` (family ``pharmacy_cashout``): a pharmacy bills a dear drug for
  the everyday goods its complicit card holders take home (以药易物), scanning
  codes of boxes it never bought in, at ordinary hours and for odd amounts.

``difficulty="stealth"`` networks are smaller and spread over months. Every
box is one line of its claim (``Claims.drug``/``box``/``bought``); the
writer (``graphfraud.generate.drugs``) gives it its code and writes the
purchases of the boxes that were bought in.
"""

from __future__ import annotations

import numpy as np

from graphfraud import icd
from graphfraud.generate.claims import DAYS, OUT, PHA, at, cents
from graphfraud.generate.drugs import CATALOGUE, PRONE, SWAP_DRUGS
from graphfraud.generate.planting import Planter
from graphfraud.generate.world import HOSPITAL, PHARMACY

RESOLD = (0.6, 0.9)          # share of a seller's boxes that come back (burst); stealth: RESOLD_STEALTH
RESOLD_STEALTH = (0.5, 0.8)
RESALE_DELAY_DAYS = (3, 25)  # from the seller's purchase to the box settled again


class DrugRings(Planter):
    """The drug-level ring shapes; :class:`graphfraud.generate.rings.RingPlanter` plants them with the rest."""

    def resale(self) -> None:
        """Sellers buy a resale-prone drug at several places; a pharmacy settles most of their boxes again."""
        rng, w = self.rng, self.w
        r = self.ring("drug_resale", "resale")
        k = self.size((6, 10), (4, 6))
        city = self.city_with(PHARMACY, people=(k, 40))
        pharmacy = self.provider(PHARMACY, city)
        sellers = self.people.take(city, k, 40, 80)
        r.add("patient", sellers, "seller")
        r.add("card", sellers, "card")
        r.add("provider", pharmacy, "resale_pharmacy")
        places = np.concatenate([self.p.of(HOSPITAL, city), [p for p in self.p.of(PHARMACY, city) if p != pharmacy]])
        customers = np.flatnonzero((w.live_city == city) & (w.death_day < 0) & ~self.people.used)
        if not len(places) or not len(customers):
            return
        first, length = self.window()
        resold = RESOLD_STEALTH if self.stealth else RESOLD
        terminal = self.terminal(pharmacy)
        for s in sellers:
            drugs = rng.choice(PRONE, size=int(rng.integers(1, 3)), replace=False)
            n = int(rng.integers(3, 7)) if self.stealth else int(rng.integers(4, 9))
            days = np.sort(rng.integers(first, first + length, n))
            where = rng.choice(places, size=n)
            drug = rng.choice(drugs, size=n)
            boxes = self.truth.new_boxes(n)
            price = np.array([CATALOGUE[d].price for d in drug]) * rng.uniform(0.97, 1.03, n)
            ts = at(days, rng.integers(8, 17, n), rng.integers(0, 60, n))
            for i in range(n):
                place = int(where[i])
                hospital = self.p.kind[place] == HOSPITAL
                doctor = int(rng.choice(self.p.doctors_of(place))) if hospital else -1
                self.claims.add(s, place, ts[i], cents(price[i]), OUT if hospital else PHA, "E11.9" if drug[i] < 4 else
                                rng.choice(icd.CHRONIC), doctor=doctor, terminal=self.terminal(place), tag=r.tag,
                                drug=int(drug[i]), box=int(boxes[i]), bought=True)
            back = rng.random(n) < rng.uniform(*resold)
            for i in np.flatnonzero(back).tolist():
                day = int(days[i]) + int(rng.integers(*RESALE_DELAY_DAYS))
                if day >= DAYS:
                    continue
                later = int(at(day, rng.integers(9, 20), rng.integers(0, 60)))
                customer = int(rng.choice(customers))
                self.claims.add(customer, pharmacy, later, cents(price[i] * rng.uniform(0.88, 1.0)), PHA,
                                rng.choice(icd.CHRONIC), terminal=terminal, tag=r.tag, drug=int(drug[i]),
                                box=int(boxes[i]), bought=False)

    def swap(self) -> None:
        """A pharmacy bills a dear drug it never bought in for the goods its complicit card holders take home."""
        rng = self.rng
        r = self.ring("pharmacy_cashout", "swap")
        k = self.size((8, 14), (5, 8))
        city = self.city_with(PHARMACY, people=(k, 30))
        pharmacy = self.provider(PHARMACY, city)
        cards = self.people.take(city, k, 30, 80)
        r.add("patient", cards, "swapped_card")
        r.add("card", cards, "card")
        r.add("provider", pharmacy, "swap_pharmacy")
        drug = int(rng.choice(SWAP_DRUGS))
        first, length = self.window()
        terminal = self.terminal(pharmacy)
        for c in cards:
            n = int(rng.integers(3, 6)) if self.stealth else int(rng.integers(4, 9))
            days = rng.integers(first, first + length, n)
            boxes = self.truth.new_boxes(n)
            amount = cents(CATALOGUE[drug].price * rng.uniform(0.98, 1.02, n))
            self.claims.add(c, pharmacy, at(days, rng.integers(9, 20, n), rng.integers(0, 60, n)), amount, PHA,
                            rng.choice(icd.CHRONIC, n), terminal=terminal, tag=r.tag, drug=drug, box=boxes, bought=False)

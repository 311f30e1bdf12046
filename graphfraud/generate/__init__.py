"""Synthetic Chinese settlement data that looks like a bureau's: ordinary mobility, legitimate look-alikes, planted rings.

The same generator feeds the demo, the tests and the quality benchmark. It
draws a world (``world.py``, ``geography.py``): people registered in 27 cities
of six provinces plus 北京 and 上海, some of them living elsewhere, with
households, cards and phones; providers and doctors. Then, in this order, all
from one seeded generator:

1. planted fraud rings (``rings.py``; none when ``settings.fraud`` is False),
2. legitimate look-alike groups in several variants (``lookalikes.py``),
3. the ordinary behaviours that make real data look suspicious to a naive
   detector: living away from the registered city and going home for the
   Spring Festival (``mobility.py``), referrals to the provincial capital
   (``referral.py``), rushes at pharmacies next to big hospitals
   (``rushes.py``), family pooling of accounts (``pooling.py``),
4. everyone's ordinary care up to the requested number of claims
   (``ordinary.py``),

and writes the input-contract files and ``truth.json`` (``writing.py``):
every pharmacy sale with its boxes (items with traceability codes) and every
box bought in (purchases), with split packs and returns as look-alikes
(``drugs.py``; the resale and swap rings are in ``drug_rings.py``). The
same arguments give byte-identical files. All people are made up.

>>> s = generate(Path(tmp) / "in", claims=2_000, seed=1)   # doctest: +SKIP
>>> s.rings > 0
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graphfraud.errors import ConfigError
from graphfraud.generate import mobility, pooling, referral, rushes
from graphfraud.generate.claims import Claims
from graphfraud.generate.lookalikes import LOOKALIKE_SHAPES, LookalikePlanter
from graphfraud.generate.ordinary import Progress, background
from graphfraud.generate.planting import Truth
from graphfraud.generate.rings import RING_SHAPES, RingPlanter
from graphfraud.generate.settings import DIFFICULTIES, WorldSettings, check_difficulty
from graphfraud.generate.world import People, World
from graphfraud.generate.writing import write

__all__ = ["CLAIMS_PER_PATIENT", "DIFFICULTIES", "LOOKALIKE_KINDS", "RING_SHAPES", "Summary", "WorldSettings", "generate"]

CLAIMS_PER_PATIENT = 10
RINGS_PER_PATIENTS = 4000        # one ring of each shape per this many people (at least one)
LOOKALIKES_PER_PATIENTS = 6000   # one group of each planted look-alike kind per this many people
MOBILITY_KINDS = ("migrant", "student", "retiree_with_children", "spring_festival", "referral", "pooling", "hospital_pharmacy")
DRUG_KINDS = ("split_pack", "return")   # drug-level look-alikes, drawn with the items (graphfraud.generate.drugs)
LOOKALIKE_KINDS = LOOKALIKE_SHAPES + MOBILITY_KINDS + DRUG_KINDS


@dataclass
class Summary:
    claims: int
    patients: int
    providers: int
    doctors: int
    rings: int
    lookalikes: int
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.claims:,} claims, {self.patients:,} patients, {self.providers:,} providers, "
                f"{self.doctors:,} doctors, {self.rings} planted rings, {self.lookalikes} look-alike groups")


def generate(out_dir: Path, claims: int = 100_000, seed: int = 7, difficulty: str = "burst",
             progress: Progress | None = None, settings: WorldSettings | None = None) -> Summary:
    """Write a synthetic settlement data set of about ``claims`` claims into ``out_dir``."""
    check_difficulty(difficulty)
    settings = WorldSettings() if settings is None else settings
    if not isinstance(settings, WorldSettings):
        raise ConfigError(f"settings must be a WorldSettings, not {type(settings).__name__}")
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    rng = np.random.default_rng([seed, DIFFICULTIES.index(difficulty)])
    n_patients = max(300, claims // CLAIMS_PER_PATIENT)
    world = World(rng, n_patients)
    mobility.assign_movers(world, rng, settings.mobility)
    report("population", n_patients, n_patients)
    people = People(world, rng)
    out, truth = Claims(), Truth()
    truth.busy.update(range(world.providers.side_first, len(world.providers)))  # pharmacies next to hospitals stay theirs
    if settings.fraud:
        planter = RingPlanter(world, rng, people, out, truth, stealth=difficulty == "stealth")
        for _ in range(max(1, round(n_patients / RINGS_PER_PATIENTS))):
            for shape in RING_SHAPES:
                getattr(planter, shape)()
    report("rings", len(truth.rings), len(truth.rings))
    looks = LookalikePlanter(world, rng, people, out, truth)
    for _ in range(max(1, round(n_patients / LOOKALIKES_PER_PATIENTS))):
        for kind in LOOKALIKE_SHAPES:
            getattr(looks, kind)()
    ring_members = truth.ring_patients()
    trip_start, trip_end = mobility.plan_trips(world, rng, settings.spring_festival)
    mobility.trips_home(world, rng, out, trip_start, trip_end)
    mobility.record(world, truth, trip_start)
    referral.plant_referrals(world, rng, settings.referral, out, truth, ring_members)
    rushes.plant_rushes(world, rng, settings.rush, claims, out, truth, ring_members)
    pool_card, holder = pooling.plan_pooling(world, rng, settings.pooling, people.used)
    pooling.plant_pooling(world, rng, out, truth, pool_card, holder)
    report("look-alikes", len(truth.lookalikes), len(truth.lookalikes))
    background(world, rng, claims - out.count(), out, report, trip_start=trip_start, trip_end=trip_end,
               pool_card=pool_card, rush=settings.rush)
    for p, phone in truth.phones.items():
        world.phone[p] = phone
    for p, address in truth.addresses.items():
        world.address[p] = address
    header = {"seed": seed, "difficulty": difficulty, "claims": 0, "settings": settings.as_dict()}
    n = write(out_dir, world, rng, out.columns(), truth, header, report)
    return Summary(n, n_patients, len(world.providers), world.providers.n_doctors, len(truth.rings), len(truth.lookalikes),
                   time.perf_counter() - started)

"""What rings and look-alike groups share: who and where to plant, and the record of what was planted.

A :class:`Planter` draws places and people for planted groups. Each planted
group gets providers that no other planted group uses while its city has one
left, so groups do not blur into each other; pharmacies next to hospitals are
kept for their hospital's patients. The truth of every group (members with
roles for rings, members with kind and variant for look-alikes) is kept here
in index form and turned into ids by ``writing.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphfraud.generate.claims import DAYS, Claims
from graphfraud.generate.geography import DISTANCE_KM, N_CITIES, SHARE
from graphfraud.generate.world import PHARMACY, People, World


@dataclass
class Planted:
    ring_id: str
    family: str
    shape: str
    roles: dict[str, dict[str, str]]  # type → index (as str) → role; resolved to ids on output
    tag: int

    def add(self, kind: str, indices, role: str) -> None:
        for i in np.atleast_1d(indices):
            self.roles.setdefault(kind, {})[str(int(i))] = role


@dataclass
class Group:
    """A legitimate group: kind, members by index, and extras written as they are (variant, cities, cards)."""

    kind: str
    patients: np.ndarray
    providers: np.ndarray
    doctors: np.ndarray
    extra: dict = field(default_factory=dict)
    cards: np.ndarray | None = None
    away: np.ndarray | None = None


@dataclass
class Truth:
    """What was planted, and the changes planted groups make to people (applied once all is planted)."""

    rings: list[Planted] = field(default_factory=list)
    lookalikes: list[Group] = field(default_factory=list)
    busy: set[int] = field(default_factory=set)               # providers given to a planted group
    phones: dict[int, int] = field(default_factory=dict)      # person → phone
    addresses: dict[int, str] = field(default_factory=dict)   # person → address
    boxes: int = 0                                            # planted boxes so far (Claims.box numbers)

    def new_boxes(self, k: int) -> np.ndarray:
        """``k`` box numbers no planted group has used."""
        out = np.arange(self.boxes, self.boxes + k, dtype=np.int64)
        self.boxes += k
        return out

    def lookalike(self, kind: str, patients, providers=(), doctors=(), *, cards=None, away=None, **extra) -> None:
        """Record a look-alike group; ``cards`` (holders' cards) and ``away`` (people registered elsewhere) are people indices."""
        def ids(x):
            return np.unique(np.asarray(x, np.int64).ravel())
        self.lookalikes.append(Group(kind, ids(patients), ids(providers), ids(doctors), extra,
                                     None if cards is None else ids(cards), None if away is None else ids(away)))

    def ring_patients(self) -> np.ndarray:
        return np.array(sorted({int(i) for r in self.rings for i in r.roles.get("patient", {})}), np.int64)


class Planter:
    """Helpers to place planted groups in a world."""

    def __init__(self, world: World, rng: np.random.Generator, people: People, claims: Claims, truth: Truth,
                 stealth: bool = False) -> None:
        self.w, self.p, self.rng, self.people, self.claims, self.truth = world, world.providers, rng, people, claims, truth
        self.busy_providers = truth.busy
        self.stealth = stealth
        self.phone_overrides = truth.phones
        self.address_overrides = truth.addresses

    def ring(self, family: str, shape: str) -> Planted:
        """A new planted ring of ``family`` and ``shape``, numbered T001, T002, … and recorded in the truth."""
        r = Planted(f"T{len(self.truth.rings) + 1:03d}", family, shape, {}, len(self.truth.rings))
        self.truth.rings.append(r)
        return r

    def size(self, burst: tuple[int, int], stealth: tuple[int, int]) -> int:
        lo, hi = stealth if self.stealth else burst
        return int(self.rng.integers(lo, hi + 1))

    def window(self) -> tuple[int, int]:
        """First day and length in days of a ring's active period."""
        length = int(self.rng.integers(220, 330)) if self.stealth else int(self.rng.integers(30, 70))
        return int(self.rng.integers(0, max(1, DAYS - length))), length

    def city(self) -> int:
        return int(self.rng.choice(N_CITIES, p=SHARE))

    def far_city(self, city: int, km: float = 500, people: tuple[int, int] | None = None) -> int:
        """A city at least ``km`` away, by population; ``people`` as in :meth:`city_with`."""
        far = np.flatnonzero(DISTANCE_KM[city] >= km)
        if people:
            available = np.array([self.people.available(int(c), people[1]) for c in far])
            far = far[available >= people[0]] if (available >= people[0]).any() else far[[int(np.argmax(available))]]
        return int(self.rng.choice(far, p=SHARE[far] / SHARE[far].sum()))

    def other_city(self, city: int) -> int:
        """Another city, by population (where children who placed a parent may come from)."""
        weights = SHARE.copy()
        weights[city] = 0
        return int(self.rng.choice(N_CITIES, p=weights / weights.sum()))

    def provider(self, kind: int, city: int) -> int:
        """A provider of this kind in the city that no other planted group uses yet (if any is left)."""
        options = [p for p in self.p.of(kind, city) if p not in self.busy_providers]
        if not options:
            options = [p for p in self.p.of(kind, city) if not (kind == PHARMACY and p >= self.p.side_first)]
        p = int(self.rng.choice(options))
        self.busy_providers.add(p)
        return p

    def city_with(self, *kinds: int, people: tuple[int, int] | None = None) -> int:
        """A city (by population) that still has an unused provider of every given kind.

        ``people=(k, min_age)``: and at least k people of that age to draw (in a small world, the city with the most).
        """
        free = [c for c in range(N_CITIES)
                if all(any(p not in self.busy_providers for p in self.p.of(k, c)) for k in kinds)]
        if people and free:
            available = {c: self.people.available(c, people[1]) for c in free}
            enough = [c for c in free if available[c] >= people[0]]
            free = enough or [max(free, key=lambda c: available[c])]
        if not free:
            return self.city()
        weights = SHARE[free]
        return int(self.rng.choice(free, p=weights / weights.sum()))

    def doctors(self, provider: int, k: int) -> np.ndarray:
        docs = self.p.doctors_of(provider)
        return self.rng.choice(docs, size=min(k, len(docs)), replace=False)

    def terminal(self, provider: int) -> int:
        return int(self.rng.integers(1, 4 if self.p.kind[provider] == PHARMACY else 7))

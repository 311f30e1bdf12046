"""People and places: the population with registered and living cities, households, providers and doctors.

Each person has a registered city (户籍/参保地: the address, the ID number's
region code) and a living city where they get most of their care; the two
differ for movers (see ``mobility.py``). Households are consecutive people of
one registered city sharing an address (and a quarter of them one phone).
Providers per city follow the population (one hospital per 900 people, one
clinic per 300, one pharmacy per 160); each city's first hospital is its top
hospital, and big hospitals get one or two pharmacies next door. A tenth of
ordinary pharmacies are busy chain stores that draw four times the custom,
and hospitals draw patients in proportion to their doctors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphfraud.generate.claims import DAYS, YEAR
from graphfraud.generate.geography import CAPITAL, CITIES, MUNICIPALITY, N_CITIES, PREFECTURE, SHARE

ROADS = ("人民路", "解放路", "建设路", "中山路", "和平路", "胜利路", "文化路", "新华路", "长江路",
         "黄河路", "光明路", "幸福路", "团结路", "青年路", "东风路", "花园路")
HOSPITAL_WORDS = ("仁爱", "康宁", "济民", "博爱", "惠民", "同心", "安康", "德仁", "华康", "长庚", "民生", "瑞康")
PHARMACY_BRANDS = ("百草堂", "康德", "益民", "老百姓", "一心", "九州", "仁和", "众康", "德生堂", "海王")
SPECIALTIES = ("内科", "外科", "儿科", "妇产科", "骨科", "心内科", "神经内科", "肾内科", "全科", "中医科", "内分泌科")
PAEDIATRICS, GYNAECOLOGY = 2, 3            # specialty indices every hospital has (its doctors 0 and 1)
REFERRAL_SPECIALTIES = (5, 6, 7, 10, 5, 6)  # a top hospital's doctors 2–7: cardiology, neurology, nephrology, endocrinology
HOSPITAL, CLINIC, PHARMACY = 0, 1, 2
PROVIDER_TYPES = ("hospital", "clinic", "pharmacy")
BIG_HOSPITAL_DOCTORS = 20                   # a hospital with this many doctors has pharmacies next door
BUSY_PHARMACY_SHARE, BUSY_PHARMACY_WEIGHT = 0.1, 4.0
SIDE_PHARMACY_WEIGHT = 0.3                  # pharmacies next to hospitals live off the hospital's scripts, less off walk-ins
STAYER, MIGRANT, STUDENT, RETIREE, PLACED = 0, 1, 2, 3, 4   # mover kinds (PLACED: relocated by a look-alike)


@dataclass
class World:
    """People and places. ``city`` is the registered city, ``live_city`` where one lives."""

    rng: np.random.Generator
    n_patients: int
    city: np.ndarray = field(init=False)
    live_city: np.ndarray = field(init=False)
    mover: np.ndarray = field(init=False)        # STAYER, MIGRANT, STUDENT, RETIREE, PLACED
    sex: np.ndarray = field(init=False)
    age: np.ndarray = field(init=False)
    birth_day: np.ndarray = field(init=False)    # days since 1900-01-01
    household: np.ndarray = field(init=False)
    district: np.ndarray = field(init=False)     # index into the registered city's districts
    phone: np.ndarray = field(init=False)        # int64, 11 digits
    address: np.ndarray = field(init=False)      # object strings
    death_day: np.ndarray = field(init=False)    # day index in the year, -1 alive

    def __post_init__(self) -> None:
        rng, n = self.rng, self.n_patients
        city = np.sort(rng.choice(N_CITIES, size=n, p=SHARE))
        self.city = city.astype(np.int16)
        self.live_city = self.city.copy()
        self.mover = np.zeros(n, np.int8)
        self.sex = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
        age = np.clip(rng.gamma(4.0, 11.0, n), 0, 99).astype(np.int16)
        self.age = age
        self.birth_day = ((YEAR - 1900 - age.astype(np.int64)) * 365.25 - rng.integers(0, 365, n)).astype(np.int64)
        sizes = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.28, 0.32, 0.2, 0.15, 0.05])
        starts = np.cumsum(sizes)
        starts = starts[starts < n]
        boundary = np.zeros(n, bool)
        boundary[starts] = True
        boundary[np.flatnonzero(np.diff(city)) + 1] = True
        boundary[0] = True
        self.household = np.cumsum(boundary) - 1
        own = 13_000_000_000 + (np.arange(n, dtype=np.int64) * 387_420_489 + 12_345_679) % 1_000_000_000
        shared = rng.random(self.household.max() + 1) < 0.25
        first_of_household = np.flatnonzero(boundary)[self.household]
        self.phone = np.where(shared[self.household], own[first_of_household], own)
        self._addresses(boundary)
        dies = (age >= 70) & (rng.random(n) < 0.02)
        self.death_day = np.where(dies, rng.integers(30, DAYS, n), -1)
        self.providers = Providers(rng, n)

    def _addresses(self, boundary: np.ndarray) -> None:
        rng = self.rng
        n_h = int(self.household.max()) + 1
        h_city = self.city[boundary]
        district = rng.integers(0, 3, n_h)
        road = rng.integers(0, len(ROADS), n_h)
        number = rng.integers(1, 400, n_h)
        building = rng.integers(1, 30, n_h)
        room = rng.integers(1, 30, n_h) * 100 + rng.integers(1, 8, n_h)
        texts = np.array([
            f"{CITIES[c].name}{CITIES[c].districts[d][0]}{ROADS[r]}{no}号{b}栋{rm}室"
            for c, d, r, no, b, rm in zip(h_city, district, road, number, building, room)
        ], dtype=object)
        self.address = texts[self.household]
        self.district = district[self.household].astype(np.int8)

    def alive_on(self, people: np.ndarray, day) -> np.ndarray:
        death = self.death_day[people]
        return (death < 0) | (death > day)


class Providers:
    """Hospitals, clinics and pharmacies per city with their doctors; pharmacies next to big hospitals."""

    def __init__(self, rng: np.random.Generator, n_patients: int) -> None:
        types, cities = [], []
        for t, per_patients, minimum in ((HOSPITAL, 900, 2), (CLINIC, 300, 2), (PHARMACY, 160, 3)):
            for c in range(N_CITIES):
                small = CITIES[c].role == PREFECTURE
                k = max(minimum - small, int(round(n_patients * SHARE[c] / per_patients)))  # noqa: RUF046 — numpy < 2 rounds to a float64
                types += [t] * k
                cities += [c] * k
        kind = np.array(types, np.int8)
        city = np.array(cities, np.int16)
        m = len(types)
        counts = np.where(kind == HOSPITAL, rng.integers(8, 30, m), np.where(kind == CLINIC, rng.integers(1, 5, m), 0))
        first_hospital = np.array([np.flatnonzero((kind == HOSPITAL) & (city == c))[0] for c in range(N_CITIES)])
        top = first_hospital[[CITIES[c].role in (CAPITAL, MUNICIPALITY) for c in range(N_CITIES)]]
        counts[top] = rng.integers(40, 61, len(top))
        spread = np.where(np.isin(np.arange(m), top), 0.015, 0.06)
        lat = np.array([CITIES[c].lat for c in cities]) + rng.normal(0, 1, m) * spread
        lon = np.array([CITIES[c].lon for c in cities]) + rng.normal(0, 1, m) * spread
        names = _names(kind, city, top)
        # pharmacies next door to every big hospital (and every city's top hospital)
        big = np.flatnonzero((kind == HOSPITAL) & (counts >= BIG_HOSPITAL_DOCTORS))
        big = np.union1d(big, first_hospital)
        per_big = np.where(rng.random(len(big)) < 0.6, 1, 2)
        beside = np.repeat(big, per_big)
        k = len(beside)
        self.next_door = beside                      # hospital of each side pharmacy, in order
        self.side_first = m                          # side pharmacies are providers m … m + k - 1
        brand = rng.integers(0, len(PHARMACY_BRANDS), k)
        names += [f"{PHARMACY_BRANDS[b]}大药房({names[h]}店)"
                  for b, h in zip(brand, beside)]
        self.kind = np.concatenate([kind, np.full(k, PHARMACY, np.int8)])
        self.city = np.concatenate([city, city[beside]])
        self.lat = np.concatenate([lat, lat[beside] + rng.normal(0, 0.0015, k)]).round(5)
        self.lon = np.concatenate([lon, lon[beside] + rng.normal(0, 0.0015, k)]).round(5)
        self.name = names
        self.top = np.full(N_CITIES, -1, np.int64)
        self.top[[CITIES[c].role in (CAPITAL, MUNICIPALITY) for c in range(N_CITIES)]] = top
        self.city_top = first_hospital
        self.side: list[list[int]] = [[] for _ in range(len(self.kind))]   # side pharmacies of each hospital
        for j, h in enumerate(beside):
            self.side[int(h)].append(m + j)
        counts = np.concatenate([counts, np.zeros(k, counts.dtype)])
        self.doc_count = counts
        self.doc_first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.doc_provider = np.repeat(np.arange(len(counts)), counts)
        specialty = rng.integers(0, len(SPECIALTIES) - 1, int(counts.sum()))
        hospitals = np.flatnonzero(self.kind == HOSPITAL)
        specialty[self.doc_first[hospitals]] = PAEDIATRICS
        specialty[self.doc_first[hospitals] + 1] = GYNAECOLOGY
        for j, s in enumerate(REFERRAL_SPECIALTIES):
            specialty[self.doc_first[top] + 2 + j] = s
        self.doc_specialty = specialty
        weight = np.where(self.kind == HOSPITAL, np.maximum(0.5, counts / 15), 1.0)   # bigger hospitals draw more patients
        weight[m:] = SIDE_PHARMACY_WEIGHT
        ordinary_pharmacy = np.flatnonzero(self.kind[:m] == PHARMACY)
        weight[ordinary_pharmacy[rng.random(len(ordinary_pharmacy)) < BUSY_PHARMACY_SHARE]] = BUSY_PHARMACY_WEIGHT
        self.weight = weight
        self.options: dict[tuple[int, int], np.ndarray] = {}
        self.cum: dict[tuple[int, int], np.ndarray] = {}
        for t in (HOSPITAL, CLINIC, PHARMACY):
            for c in range(N_CITIES):
                options = np.flatnonzero((self.kind == t) & (self.city == c))
                self.options[(t, c)] = options
                cum = np.cumsum(weight[options])
                self.cum[(t, c)] = cum / cum[-1]

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def n_doctors(self) -> int:
        return len(self.doc_provider)

    def of(self, kind: int, city: int) -> np.ndarray:
        return self.options[(kind, city)]

    def doctors_of(self, provider: int) -> np.ndarray:
        return np.arange(self.doc_first[provider], self.doc_first[provider] + self.doc_count[provider])

    def pick(self, kind: int, city: int, u: np.ndarray) -> np.ndarray:
        """Providers of a kind in a city for uniforms ``u`` in [0, 1), busy stores more often."""
        cum = self.cum[(kind, city)]
        return self.options[(kind, city)][np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)]

    def favourite(self, patient: np.ndarray, kind: int, city: int, slot=0) -> np.ndarray:
        """Each person's own usual provider of a kind in a city (a fixed hash, so the same every time)."""
        h = (np.asarray(patient, np.int64) * 2_654_435_761 + kind * 7 + np.asarray(slot, np.int64) + city * 131) % (1 << 32)
        return self.pick(kind, city, h / float(1 << 32))


def _names(kind: np.ndarray, city: np.ndarray, top: np.ndarray) -> list[str]:
    names = []
    counters: dict[tuple[int, int], int] = {}
    tops = set(top.tolist())
    for i, (t, c) in enumerate(zip(kind.tolist(), city.tolist())):
        k = counters[(t, c)] = counters.get((t, c), 0) + 1
        place, districts = CITIES[c].name, CITIES[c].districts
        district = districts[k % 3][0]
        if i in tops and CITIES[c].role == CAPITAL:
            names.append(f"{CITIES[c].province}{HOSPITAL_WORDS[c % len(HOSPITAL_WORDS)]}医院")
        elif t == HOSPITAL:
            names.append(f"{place[:-1]}{HOSPITAL_WORDS[k % len(HOSPITAL_WORDS)]}医院"
                         + (f"第{k // len(HOSPITAL_WORDS) + 1}分院" if k > len(HOSPITAL_WORDS) else ""))
        elif t == CLINIC:
            names.append(f"{district}{ROADS[k % len(ROADS)]}社区卫生服务中心" + (f"{k}站" if k > len(ROADS) else ""))
        else:
            names.append(f"{PHARMACY_BRANDS[k % len(PHARMACY_BRANDS)]}大药房({district}{k}店)")
    return names


class People:
    """Draws unused, living people by age and sex without scanning the population each time.

    ``take(city, …)`` draws stayers registered and living in the city (rings and
    most look-alikes); ``take(city, …, movers=True)`` draws movers living there.
    """

    def __init__(self, world: World, rng: np.random.Generator) -> None:
        self.world, self.rng = world, rng
        self.used = np.zeros(world.n_patients, bool)
        order = rng.permutation(world.n_patients)
        moved = (world.mover[order] != STAYER).astype(np.int64)
        where = world.live_city[order].astype(np.int64)
        male = (world.sex[order] == "M").astype(np.int64)
        age = world.age[order].astype(np.int64)
        key = ((moved * N_CITIES + where) * 2 + male) * 100 + age
        order = order[np.argsort(key, kind="stable")]
        key = np.sort(key, kind="stable")
        cuts = np.flatnonzero(np.diff(key)) + 1
        self.pools: dict[tuple[bool, int, str, int], list[int]] = {}
        for chunk, k in zip(np.split(order, cuts), key[np.concatenate([[0], cuts])] if len(key) else []):
            k = int(k)
            self.pools[(bool(k // 200 // N_CITIES), k // 200 % N_CITIES, "M" if k // 100 % 2 else "F", k % 100)] = chunk.tolist()

    def available(self, city: int, min_age: int = 18, max_age: int = 99) -> int:
        """Stayers of the city in the age range not drawn yet (counting the living and the dead)."""
        return sum(len(self.pools.get((False, city, s, a), ())) for s in ("F", "M") for a in range(min_age, max_age + 1))

    def take(self, city: int, k: int, min_age: int = 18, max_age: int = 99, sex: str | None = None,
             movers: bool = False) -> np.ndarray:
        sexes = (sex,) if sex else ("F", "M")
        keys = [(movers, city, s, a) for s in sexes for a in range(min_age, max_age + 1) if self.pools.get((movers, city, s, a))]
        chosen: list[int] = []
        while len(chosen) < k and keys:
            sizes = np.array([len(self.pools[key]) for key in keys], float)
            key = keys[int(self.rng.choice(len(keys), p=sizes / sizes.sum()))]
            pool = self.pools[key]
            p = pool.pop()
            if not pool:
                keys.remove(key)
            if not self.used[p] and self.world.death_day[p] < 0:
                self.used[p] = True
                chosen.append(p)
        return np.array(chosen, np.int64)

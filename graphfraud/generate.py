"""Synthetic Chinese settlement data with planted fraud rings, legitimate look-alikes and a truth file.

The same generator feeds the demo, the tests and the quality benchmark. It makes
up a population (patients with cards, phones, households and addresses in
twelve cities), providers (hospitals, clinics, pharmacies) with doctors, a
year of ordinary care, and then plants:

* fraud rings of every family in the design, several shapes each — card
  lending (collector, borrowed cards, cards of the dead), pharmacy cash-out
  (card draining, refill mill) and gangs (admission waves, split admissions,
  doctor → pharmacy funnels); ring members keep their ordinary activity;
* legitimate dense groups that look like rings to a naive detector —
  dialysis, nursing homes, families, company check-ups, chronic refills.

``difficulty="burst"`` rings act in waves within a few weeks; ``"stealth"``
rings are smaller and spread thinly over months. Every draw comes from one
seeded generator, so the same arguments give byte-identical files. Work is
vectorised with numpy; 10^6 claims take a few seconds.

Output (canonical input contract): claims.csv, patients.csv, cards.csv,
providers.csv, doctors.csv, and truth.json (planted rings with members, roles
and claim ids; look-alike groups). All people are made up.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphfraud import icd
from graphfraud.errors import ConfigError

Progress = Callable[[str, int, int], None]
DIFFICULTIES = ("burst", "stealth")
START = 1735689600  # 2025-01-01 00:00 local time, as local epoch seconds
DAY = 86_400
DAYS = 365
YEAR = 2025
CLAIMS_PER_PATIENT = 10

# name, lat, lon, population weight, 6-digit region code of the ID number, districts
CITIES = (
    ("北京市", 39.904, 116.407, 14, "110105", ("朝阳区", "海淀区", "丰台区")),
    ("上海市", 31.230, 121.474, 14, "310115", ("浦东新区", "徐汇区", "闵行区")),
    ("广州市", 23.129, 113.264, 11, "440106", ("天河区", "越秀区", "白云区")),
    ("深圳市", 22.543, 114.058, 10, "440304", ("福田区", "南山区", "龙岗区")),
    ("成都市", 30.573, 104.066, 11, "510107", ("武侯区", "锦江区", "成华区")),
    ("武汉市", 30.593, 114.305, 9, "420106", ("武昌区", "江汉区", "洪山区")),
    ("杭州市", 30.274, 120.155, 8, "330106", ("西湖区", "拱墅区", "滨江区")),
    ("西安市", 34.341, 108.940, 8, "610113", ("雁塔区", "碑林区", "未央区")),
    ("南京市", 32.060, 118.797, 7, "320106", ("鼓楼区", "玄武区", "秦淮区")),
    ("重庆市", 29.563, 106.551, 12, "500103", ("渝中区", "江北区", "南岸区")),
    ("长沙市", 28.228, 112.939, 6, "430104", ("岳麓区", "芙蓉区", "天心区")),
    ("郑州市", 34.747, 113.625, 7, "410105", ("金水区", "二七区", "中原区")),
)
ROADS = ("人民路", "解放路", "建设路", "中山路", "和平路", "胜利路", "文化路", "新华路", "长江路",
         "黄河路", "光明路", "幸福路", "团结路", "青年路", "东风路", "花园路")
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红建文辉力斌宇浩凯秀云飞鹏")
HOSPITAL_WORDS = ("仁爱", "康宁", "济民", "博爱", "惠民", "同心", "安康", "德仁", "华康", "长庚", "民生", "瑞康")
PHARMACY_BRANDS = ("百草堂", "康德", "益民", "老百姓", "一心", "九州", "仁和", "众康", "德生堂", "海王")
SPECIALTIES = ("内科", "外科", "儿科", "妇产科", "骨科", "心内科", "神经内科", "肾内科", "全科", "中医科")
VISIT_TYPES = np.array(["outpatient", "inpatient", "pharmacy"], dtype=object)
OUT, INP, PHA = 0, 1, 2
HOSPITAL, CLINIC, PHARMACY = 0, 1, 2
PROVIDER_TYPES = ("hospital", "clinic", "pharmacy")


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


# --------------------------------------------------------------------------- world


@dataclass
class World:
    """People and places: patients (one card each), households, providers and doctors."""

    rng: np.random.Generator
    n_patients: int
    city: np.ndarray = field(init=False)
    sex: np.ndarray = field(init=False)
    age: np.ndarray = field(init=False)
    birth_day: np.ndarray = field(init=False)   # days since 1900-01-01
    household: np.ndarray = field(init=False)
    phone: np.ndarray = field(init=False)        # int64, 11 digits
    address: np.ndarray = field(init=False)      # object strings
    death_day: np.ndarray = field(init=False)    # day index in the year, -1 alive
    prov_type: np.ndarray = field(init=False)
    prov_city: np.ndarray = field(init=False)
    prov_lat: np.ndarray = field(init=False)
    prov_lon: np.ndarray = field(init=False)
    prov_name: list[str] = field(init=False)
    doc_first: np.ndarray = field(init=False)
    doc_count: np.ndarray = field(init=False)
    doc_provider: np.ndarray = field(init=False)
    doc_specialty: np.ndarray = field(init=False)
    by_type_city: dict[tuple[int, int], np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        rng, n = self.rng, self.n_patients
        weights = np.array([c[3] for c in CITIES], float)
        city = np.sort(rng.choice(len(CITIES), size=n, p=weights / weights.sum()))
        self.city = city.astype(np.int16)
        self.sex = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
        age = np.clip(rng.gamma(4.0, 11.0, n), 0, 99).astype(np.int16)
        self.age = age
        self.birth_day = ((YEAR - 1900 - age.astype(np.int64)) * 365.25 - rng.integers(0, 365, n)).astype(np.int64)
        # households: consecutive patients of one city; sizes 1–5
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
        self.address = self._addresses(boundary)
        elderly = age >= 70
        dies = elderly & (rng.random(n) < 0.02)
        self.death_day = np.where(dies, rng.integers(30, DAYS, n), -1)
        self._providers()

    def _addresses(self, boundary: np.ndarray) -> np.ndarray:
        rng = self.rng
        n_h = int(self.household.max()) + 1
        h_city = self.city[boundary]
        district = rng.integers(0, 3, n_h)
        road = rng.integers(0, len(ROADS), n_h)
        number = rng.integers(1, 400, n_h)
        building = rng.integers(1, 30, n_h)
        room = rng.integers(1, 30, n_h) * 100 + rng.integers(1, 8, n_h)
        texts = np.array([
            f"{CITIES[c][0]}{CITIES[c][5][d]}{ROADS[r]}{no}号{b}栋{rm}室"
            for c, d, r, no, b, rm in zip(h_city, district, road, number, building, room)
        ], dtype=object)
        return texts[self.household]

    def _providers(self) -> None:
        rng, n = self.rng, self.n_patients
        types, cities = [], []
        weights = np.array([c[3] for c in CITIES], float)
        share = weights / weights.sum()
        for t, per_patients, minimum in ((HOSPITAL, 900, 2), (CLINIC, 300, 2), (PHARMACY, 160, 3)):
            for c in range(len(CITIES)):
                k = max(minimum, int(round(n * share[c] / per_patients)))
                types += [t] * k
                cities += [c] * k
        self.prov_type = np.array(types, np.int8)
        self.prov_city = np.array(cities, np.int16)
        m = len(types)
        lat = np.array([CITIES[c][1] for c in cities]) + rng.normal(0, 0.06, m)
        lon = np.array([CITIES[c][2] for c in cities]) + rng.normal(0, 0.06, m)
        self.prov_lat, self.prov_lon = lat.round(5), lon.round(5)
        names = []
        counters: dict[tuple[int, int], int] = {}
        for t, c in zip(types, cities):
            k = counters[(t, c)] = counters.get((t, c), 0) + 1
            city, districts = CITIES[c][0], CITIES[c][5]
            district = districts[k % 3]
            if t == HOSPITAL:
                names.append(f"{city[:-1]}{HOSPITAL_WORDS[k % len(HOSPITAL_WORDS)]}医院" + (f"第{k // len(HOSPITAL_WORDS) + 1}分院" if k > len(HOSPITAL_WORDS) else ""))
            elif t == CLINIC:
                names.append(f"{district}{ROADS[k % len(ROADS)]}社区卫生服务中心" + (f"{k}站" if k > len(ROADS) else ""))
            else:
                names.append(f"{PHARMACY_BRANDS[k % len(PHARMACY_BRANDS)]}大药房({district}{k}店)")
        self.prov_name = names
        self.by_type_city = {
            (t, c): np.flatnonzero((self.prov_type == t) & (self.prov_city == c))
            for t in (HOSPITAL, CLINIC, PHARMACY) for c in range(len(CITIES))
        }
        counts = np.where(self.prov_type == HOSPITAL, rng.integers(8, 30, m),
                          np.where(self.prov_type == CLINIC, rng.integers(1, 5, m), 0))
        self.doc_count = counts
        self.doc_first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.doc_provider = np.repeat(np.arange(m), counts)
        self.doc_specialty = rng.integers(0, len(SPECIALTIES), int(counts.sum()))

    @property
    def n_providers(self) -> int:
        return len(self.prov_type)

    def distance_km(self, city_a: int, city_b: int) -> float:
        a, b = CITIES[city_a], CITIES[city_b]
        return _haversine(a[1], a[2], b[1], b[2])

    def providers_of(self, kind: int, city: int) -> np.ndarray:
        return self.by_type_city[(kind, city)]

    def doctors_of(self, provider: int) -> np.ndarray:
        return np.arange(self.doc_first[provider], self.doc_first[provider] + self.doc_count[provider])


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 12_742 * math.asin(math.sqrt(a))


class People:
    """Draws unused, living patients of a city by age and sex, without scanning the population each time."""

    def __init__(self, world: World, rng: np.random.Generator) -> None:
        self.world, self.rng = world, rng
        self.used = np.zeros(world.n_patients, bool)
        order = rng.permutation(world.n_patients)
        order = order[np.lexsort((world.age[order], world.sex[order] == "M", world.city[order]))]
        keys = np.stack([world.city[order], world.sex[order] == "M", world.age[order]], axis=1)
        cuts = np.flatnonzero(np.any(np.diff(keys, axis=0) != 0, axis=1)) + 1
        self.pools: dict[tuple[int, str, int], list[int]] = {}
        for chunk in np.split(order, cuts):
            if len(chunk):
                p = int(chunk[0])
                self.pools[(int(world.city[p]), str(world.sex[p]), int(world.age[p]))] = chunk.tolist()

    def take(self, city: int, k: int, min_age: int = 18, max_age: int = 99, sex: str | None = None) -> np.ndarray:
        sexes = (sex,) if sex else ("F", "M")
        keys = [(city, s, a) for s in sexes for a in range(min_age, max_age + 1) if self.pools.get((city, s, a))]
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


# --------------------------------------------------------------------------- claims


class Claims:
    """Column chunks of claims; ring claims carry the index of their ring as tag."""

    COLUMNS = ("patient", "card", "provider", "doctor", "ts", "amount", "vtype", "dx", "admit", "terminal", "tag")

    def __init__(self) -> None:
        self.chunks: dict[str, list[np.ndarray]] = {c: [] for c in self.COLUMNS}

    def add(self, patient, provider, ts, amount, vtype, dx, *, doctor=-1, admit=-1, terminal=0, tag=-1, card=None) -> None:
        if np.size(patient) == 0 or np.size(ts) == 0:
            return
        n = max(np.size(x) for x in (patient, provider, ts, amount, dx, doctor, admit, terminal))
        patient = np.broadcast_to(np.asarray(patient, np.int64), n)
        values = {
            "patient": patient,
            "card": patient if card is None else np.broadcast_to(np.asarray(card, np.int64), n),
            "provider": np.broadcast_to(np.asarray(provider, np.int64), n),
            "doctor": np.broadcast_to(np.asarray(doctor, np.int64), n),
            "ts": np.broadcast_to(np.asarray(ts, np.int64), n),
            "amount": np.broadcast_to(np.asarray(amount, float), n),
            "vtype": np.broadcast_to(np.asarray(vtype, np.int8), n),
            "dx": np.broadcast_to(np.asarray(dx, object), n),
            "admit": np.broadcast_to(np.asarray(admit, np.int64), n),
            "terminal": np.broadcast_to(np.asarray(terminal, np.int64), n),
            "tag": np.broadcast_to(np.asarray(tag, np.int64), n),
        }
        for key, value in values.items():
            self.chunks[key].append(np.array(value))

    def count(self) -> int:
        return int(sum(len(a) for a in self.chunks["patient"]))

    def columns(self) -> dict[str, np.ndarray]:
        return {k: (np.concatenate(v) if v else np.array([])) for k, v in self.chunks.items()}


def _at(day, hour, minute=0, second=0) -> np.ndarray:
    return START + np.asarray(day, np.int64) * DAY + np.asarray(hour, np.int64) * 3600 + np.asarray(minute, np.int64) * 60 + np.asarray(second, np.int64)


def _cents(values: np.ndarray) -> np.ndarray:
    return np.round(values, 2)


@dataclass
class Planted:
    ring_id: str
    family: str
    shape: str
    roles: dict[str, dict[str, str]]  # type → id index (as str) → role; resolved to ids on output
    tag: int

    def add(self, kind: str, indices, role: str) -> None:
        for i in np.atleast_1d(indices):
            self.roles.setdefault(kind, {})[str(int(i))] = role


class Planter:
    """Plants rings and look-alikes into a world, recording their truth."""

    def __init__(self, world: World, rng: np.random.Generator, difficulty: str, claims: Claims) -> None:
        self.w, self.rng, self.difficulty, self.claims = world, rng, difficulty, claims
        self.people = People(world, rng)
        self.rings: list[Planted] = []
        self.lookalikes: list[dict] = []
        self.stealth = difficulty == "stealth"
        self.phone_overrides: dict[int, int] = {}
        self.address_overrides: dict[int, str] = {}
        self.busy_providers: set[int] = set()
        self.busy_doctors: set[int] = set()

    # helpers
    def size(self, burst: tuple[int, int], stealth: tuple[int, int]) -> int:
        lo, hi = stealth if self.stealth else burst
        return int(self.rng.integers(lo, hi + 1))

    def window(self) -> tuple[int, int]:
        """First day and length in days of a ring's active period."""
        length = int(self.rng.integers(220, 330)) if self.stealth else int(self.rng.integers(30, 70))
        return int(self.rng.integers(0, max(1, DAYS - length))), length

    def city(self) -> int:
        weights = np.array([c[3] for c in CITIES], float)
        return int(self.rng.choice(len(CITIES), p=weights / weights.sum()))

    def far_city(self, city: int, km: float = 500) -> int:
        far = [c for c in range(len(CITIES)) if self.w.distance_km(city, c) >= km]
        return int(self.rng.choice(far))

    def provider(self, kind: int, city: int) -> int:
        """A provider of this kind in the city that no other planted group uses yet (if any is left)."""
        options = [p for p in self.w.providers_of(kind, city) if p not in self.busy_providers]
        if not options:
            options = list(self.w.providers_of(kind, city))
        p = int(self.rng.choice(options))
        self.busy_providers.add(p)
        self.busy_doctors.update(self.w.doctors_of(p).tolist())
        return p

    def city_with(self, *kinds: int) -> int:
        """A city (by population) that still has an unused provider of every given kind."""
        free = [c for c in range(len(CITIES))
                if all(any(p not in self.busy_providers for p in self.w.providers_of(k, c)) for k in kinds)]
        if not free:
            return self.city()
        weights = np.array([CITIES[c][3] for c in free], float)
        return int(self.rng.choice(free, p=weights / weights.sum()))

    def doctors(self, provider: int, k: int) -> np.ndarray:
        docs = self.w.doctors_of(provider)
        return self.rng.choice(docs, size=min(k, len(docs)), replace=False)

    def ring(self, family: str, shape: str) -> Planted:
        r = Planted(f"T{len(self.rings) + 1:03d}", family, shape, {}, len(self.rings))
        self.rings.append(r)
        return r

    def terminal(self, provider: int) -> int:
        return int(self.rng.integers(1, 4 if self.w.prov_type[provider] == PHARMACY else 7))

    # ----------------------------------------------------------- card lending
    def collector(self) -> None:
        """A collector holds the cards of far-away holders and swipes them one after another at one counter."""
        rng = self.rng
        r = self.ring("card_lending", "collector")
        kind = PHARMACY if rng.random() < 0.7 else CLINIC
        city_b = self.city_with(kind)
        site = self.provider(kind, city_b)
        holders = np.concatenate([self.people.take(self.far_city(city_b), self.size((5, 10), (3, 4)), 40)
                                  for _ in range(2)])
        broker = self.people.take(city_b, 1, 25, 60)
        cards = np.concatenate([holders, broker])
        r.add("patient", holders, "card_holder"); r.add("patient", broker, "broker")
        r.add("card", cards, "lent_card"); r.add("provider", site, "collector_site")
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
            start = _at(day, rng.integers(9, 18), rng.integers(0, 60))
            ts = start + np.cumsum(gaps)
            amount = _cents(rng.lognormal(5.3, 0.35, len(used)))
            dx = rng.choice(icd.CHRONIC, len(used))
            vtype = PHA if self.w.prov_type[site] == PHARMACY else OUT
            doctor = -1 if vtype == PHA else int(self.w.doc_first[site])
            self.claims.add(used, site, ts, amount, vtype, dx, doctor=doctor, terminal=terminal, tag=r.tag)

    def borrowed(self) -> None:
        """Cards of holders in one city used by others at providers far away, often for care that cannot be theirs."""
        rng, w = self.rng, self.w
        r = self.ring("card_lending", "borrowed")
        city_b = self.city_with(HOSPITAL, CLINIC)
        city_a = self.far_city(city_b)
        k = self.size((6, 12), (4, 6))
        holders = np.concatenate([self.people.take(city_a, (k + 1) // 2, 45, 85, "M"), self.people.take(city_a, k // 2, 50, 85, "F")])
        victims = [self.provider(HOSPITAL, city_b)] + ([self.provider(CLINIC, city_b)] if rng.random() < 0.5 else [])
        r.add("patient", holders, "card_holder"); r.add("card", holders, "lent_card")
        first, length = self.window()
        home_providers = {}
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
                ts = _at(day, hour, rng.integers(0, 60))
                admit = ts - int(rng.integers(2, 6)) * DAY if vtype == INP else -1
                amount = _cents(rng.lognormal(8.6, 0.4) if vtype == INP else rng.lognormal(5.8, 0.4))
                doctor = int(rng.choice(w.doctors_of(site)))
                self.claims.add(h, site, ts, amount, vtype, dx, doctor=doctor, admit=admit, terminal=self.terminal(site), tag=r.tag)
                if rng.random() < 0.6:  # the holder's own visit at home, the same day
                    home = home_providers.setdefault(int(h), self.provider_near(int(h)))
                    own_ts = ts + int(rng.integers(-4, 5)) * 3600 + int(rng.integers(0, 3600))
                    vt = PHA if w.prov_type[home] == PHARMACY else OUT
                    self.claims.add(h, home, own_ts, _cents(rng.lognormal(4.6, 0.6)), vt, rng.choice(icd.CHRONIC),
                                    doctor=-1 if vt == PHA else int(rng.choice(w.doctors_of(home))), terminal=1)

    def provider_near(self, patient: int) -> int:
        kind = PHARMACY if self.rng.random() < 0.5 else CLINIC
        return int(self.rng.choice(self.w.providers_of(kind, int(self.w.city[patient]))))

    def after_death(self) -> None:
        """Cards of dead holders kept and swiped at one pharmacy or clinic."""
        rng, w = self.rng, self.w
        r = self.ring("card_lending", "after_death")
        kind = PHARMACY if rng.random() < 0.7 else CLINIC
        city = self.city_with(kind)
        site = self.provider(kind, city)
        holders = self.people.take(city, self.size((5, 9), (3, 5)), 70)
        w.death_day[holders] = rng.integers(20, 150, len(holders))
        r.add("patient", holders, "deceased_holder"); r.add("card", holders, "kept_card")
        r.add("provider", site, "colluding_provider")
        vtype = PHA if w.prov_type[site] == PHARMACY else OUT
        terminal = self.terminal(site)
        if self.stealth:
            for h in holders:
                d0 = int(w.death_day[h]) + 10
                days = rng.integers(d0, DAYS, int(rng.integers(2, 5)))
                for day in days:
                    self.claims.add(h, site, _at(day, rng.integers(9, 19), rng.integers(0, 60)), _cents(rng.lognormal(5.2, 0.4)),
                                    vtype, rng.choice(icd.CHRONIC), doctor=-1 if vtype == PHA else int(w.doc_first[site]),
                                    terminal=terminal, tag=r.tag)
        else:
            d0 = int(w.death_day[holders].max()) + 5
            for day in np.sort(rng.integers(d0, min(DAYS, d0 + 120), int(rng.integers(3, 7)))):
                ts = _at(day, rng.integers(9, 19), rng.integers(0, 60)) + np.cumsum(rng.integers(30, 300, len(holders)))
                self.claims.add(holders, site, ts, _cents(rng.lognormal(5.2, 0.4, len(holders))), vtype,
                                rng.choice(icd.CHRONIC, len(holders)), doctor=-1 if vtype == PHA else int(w.doc_first[site]),
                                terminal=terminal, tag=r.tag)

    # ----------------------------------------------------------- pharmacy cash-out
    def drain(self) -> None:
        """A pharmacy swipes recruited cards for round sums, often after hours, in bursts on one terminal."""
        rng = self.rng
        r = self.ring("pharmacy_cashout", "drain")
        city = self.city_with(PHARMACY)
        pharmacy = self.provider(PHARMACY, city)
        k = self.size((15, 28), (6, 9))
        local = self.people.take(city, k - k // 5, 20, 80)
        away = self.people.take(self.far_city(city, 300), k // 5, 20, 80)
        recruits = np.concatenate([local, away])
        r.add("patient", recruits, "recruit"); r.add("card", recruits, "drained_card"); r.add("provider", pharmacy, "cashout_pharmacy")
        first, length = self.window()
        terminal = self.terminal(pharmacy)
        round_sums = np.array([100, 200, 200, 300, 300, 500, 500, 800, 1000], float)

        def amounts(n: int) -> np.ndarray:
            rounded = rng.random(n) < 0.75
            return np.where(rounded, rng.choice(round_sums, n), _cents(rng.uniform(150, 900, n)))

        if self.stealth:
            for p in recruits:
                n = int(rng.integers(4, 8))
                days = rng.integers(first, first + length, n)
                late = rng.random(n) < 0.4
                hours = np.where(late, rng.integers(20, 23, n), rng.integers(9, 19, n))
                self.claims.add(p, pharmacy, _at(days, hours, rng.integers(0, 60, n)), amounts(n), PHA,
                                rng.choice(icd.CHRONIC, n), terminal=terminal, tag=r.tag)
        else:
            for day in np.sort(rng.integers(first, first + length, int(rng.integers(5, 10)))):
                used = rng.choice(recruits, size=min(len(recruits), int(rng.integers(5, 13))), replace=False)
                hour = int(rng.integers(20, 23)) if rng.random() < 0.65 else int(rng.integers(12, 18))
                ts = _at(day, hour, rng.integers(0, 20)) + np.cumsum(rng.integers(30, 240, len(used)))
                self.claims.add(used, pharmacy, ts, amounts(len(used)), PHA, rng.choice(icd.CHRONIC, len(used)),
                                terminal=terminal, tag=r.tag)

    def refill_mill(self) -> None:
        """A pharmacy and one or two prescribers refill chronic drugs for recruits far more often than supply allows."""
        rng = self.rng
        r = self.ring("pharmacy_cashout", "refill_mill")
        kind = CLINIC if rng.random() < 0.5 else HOSPITAL
        city = self.city_with(PHARMACY, kind)
        pharmacy = self.provider(PHARMACY, city)
        clinic = self.provider(kind, city)
        doctors = self.doctors(clinic, int(rng.integers(1, 3)))
        patients = self.people.take(city, self.size((12, 22), (5, 8)), 35, 85)
        r.add("patient", patients, "recruit"); r.add("card", patients, "card"); r.add("provider", pharmacy, "cashout_pharmacy")
        r.add("doctor", doctors, "prescriber")
        first, length = self.window()
        gap_lo, gap_hi = (6, 12) if self.stealth else (3, 8)
        terminal = self.terminal(pharmacy)
        for p in patients:
            dx = rng.choice(icd.CHRONIC)
            doctor = int(rng.choice(doctors))
            day = first + int(rng.integers(0, 10))
            while day < first + length:
                self.claims.add(p, pharmacy, _at(day, rng.integers(9, 20), rng.integers(0, 60)), _cents(rng.uniform(250, 900)),
                                PHA, dx, doctor=doctor, terminal=terminal, tag=r.tag)
                day += int(rng.integers(gap_lo, gap_hi + 1))

    # ----------------------------------------------------------- gangs
    def admission_wave(self) -> None:
        """A broker recruits patients (registered with his phone) who are admitted together by the same doctors."""
        rng, w = self.rng, self.w
        r = self.ring("gang", "admission_wave")
        city = self.city_with(HOSPITAL)
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, int(rng.integers(1, 4)))
        broker = self.people.take(city, 1, 30, 60)
        recruits = self.people.take(city, self.size((15, 30), (6, 11)), 50, 90)
        share = rng.uniform(0.4, 0.6) if self.stealth else rng.uniform(0.8, 1.0)
        for p in recruits[rng.random(len(recruits)) < share] if len(broker) else []:
            self.phone_overrides[int(p)] = int(w.phone[broker[0]])
        r.add("patient", recruits, "recruit"); r.add("patient", broker, "broker"); r.add("card", recruits, "card")
        r.add("provider", hospital, "colluding_provider"); r.add("doctor", doctors, "admitting_doctor")
        dx_pool = rng.choice(["I63.9", "M17.9", "K29.7", "I25.1", "E11.9"], 2, replace=False)
        first, length = self.window()

        def admit(group: np.ndarray, day: int) -> None:
            n = len(group)
            los = rng.integers(6, 13, n)
            admit_day = day + rng.integers(0, 2, n)
            discharge = _at(admit_day + los, rng.integers(9, 16, n), rng.integers(0, 60, n))
            self.claims.add(group, hospital, discharge, _cents(rng.uniform(5000, 12000, n)), INP, rng.choice(dx_pool, n),
                            doctor=rng.choice(doctors, n), admit=_at(admit_day, rng.integers(8, 12, n)), terminal=1, tag=r.tag)

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
        city = self.city_with(HOSPITAL)
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, int(rng.integers(1, 3)))
        patients = self.people.take(city, self.size((8, 15), (4, 6)), 40, 90)
        r.add("patient", patients, "patient"); r.add("card", patients, "card")
        r.add("provider", hospital, "colluding_provider"); r.add("doctor", doctors, "admitting_doctor")
        first, length = self.window()
        for p in patients:
            dx = rng.choice(["I63.9", "J18.9", "M17.9", "I25.1"])
            doctor = int(rng.choice(doctors))
            day = int(rng.integers(first, first + max(1, length - 40)))
            for _ in range(int(rng.integers(2, 4)) if self.stealth else int(rng.integers(3, 6))):
                los = int(rng.integers(5, 11))
                if day + los >= DAYS:
                    break
                self.claims.add(p, hospital, _at(day + los, rng.integers(9, 16), rng.integers(0, 60)), _cents(rng.uniform(4000, 9000)),
                                INP, dx, doctor=doctor, admit=_at(day, rng.integers(8, 12)), terminal=1, tag=r.tag)
                day += los + int(rng.integers(0, 4))

    def funnel(self) -> None:
        """Recruits see one doctor together and fill every script at one pharmacy the same day."""
        rng, w = self.rng, self.w
        r = self.ring("gang", "funnel")
        kind = HOSPITAL if rng.random() < 0.6 else CLINIC
        city = self.city_with(kind, PHARMACY)
        hospital = self.provider(kind, city)
        doctor = int(self.doctors(hospital, 1)[0])
        pharmacy = self.provider(PHARMACY, city)
        patients = self.people.take(city, self.size((12, 24), (5, 8)), 25, 85)
        if not self.stealth and len(patients):
            broker_phone = int(w.phone[patients[0]])
            for p in patients[1:][rng.random(len(patients) - 1) < 0.3]:
                self.phone_overrides[int(p)] = broker_phone
        r.add("patient", patients, "recruit"); r.add("card", patients, "card")
        r.add("provider", pharmacy, "receiving_pharmacy"); r.add("doctor", doctor, "prescriber")
        first, length = self.window()
        trips = int(rng.integers(10, 16)) if self.stealth else int(rng.integers(5, 9))
        for day in np.sort(rng.integers(first, first + length, trips)):
            group = rng.choice(patients, size=min(len(patients), int(rng.integers(2, 4)) if self.stealth else int(rng.integers(3, 7))), replace=False)
            n = len(group)
            visit = _at(day, rng.integers(8, 16), rng.integers(0, 30)) + rng.integers(0, 1800, n)
            dx = rng.choice(icd.CHRONIC, n)
            self.claims.add(group, hospital, visit, _cents(rng.uniform(300, 800, n)), OUT, dx, doctor=doctor, terminal=1, tag=r.tag)
            self.claims.add(group, pharmacy, visit + rng.integers(3600, 7200, n), _cents(rng.uniform(600, 1500, n)), PHA, dx,
                            doctor=doctor, terminal=1, tag=r.tag)

    # ----------------------------------------------------------- look-alikes
    def lookalike(self, kind: str, patients: np.ndarray, providers, doctors) -> None:
        self.lookalikes.append({"kind": kind, "patients": patients, "providers": np.atleast_1d(providers), "doctors": np.atleast_1d(doctors)})

    def dialysis(self) -> None:
        """Dialysis patients: same doctors and room three times a week, all year."""
        rng = self.rng
        city = self.city_with(HOSPITAL)
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, 2)
        patients = self.people.take(city, int(rng.integers(8, 25)), 20, 85)
        start = int(rng.integers(0, 60))
        days = np.array([d for d in range(start, DAYS) if (d + 2) % 7 in (0, 2, 4)])  # Mon/Wed/Fri of 2025
        shift = rng.integers(0, 2, len(patients))
        for p, s in zip(patients, shift):
            n = len(days)
            ts = _at(days, 8 + 5 * s, rng.integers(0, 40, n))
            self.claims.add(p, hospital, ts, _cents(rng.uniform(380, 520, n)), OUT, "N18.6",
                            doctor=int(rng.choice(doctors)), terminal=2)
        self.lookalike("dialysis", patients, hospital, doctors)

    def nursing_home(self) -> None:
        """Residents share the home's address and phone, see the house doctor monthly and refill together."""
        rng, w = self.rng, self.w
        city = self.city_with(CLINIC, PHARMACY)
        clinic = self.provider(CLINIC, city)
        pharmacy = self.provider(PHARMACY, city)
        doctor = int(self.doctors(clinic, 1)[0])
        residents = self.people.take(city, int(rng.integers(20, 50)), 75, 99)
        district = CITIES[city][5][int(rng.integers(0, 3))]
        address = f"{CITIES[city][0]}{district}{ROADS[int(rng.integers(0, len(ROADS)))]}{int(rng.integers(1, 300))}号{HOSPITAL_WORDS[int(rng.integers(0, 12))]}养老院"
        phone = 10_000_000_000 + int(rng.integers(0, 10**9))  # landline-like number of the home
        for p in residents:
            self.address_overrides[int(p)] = address
            self.phone_overrides[int(p)] = phone
        deaths = residents[rng.random(len(residents)) < 0.08]
        w.death_day[deaths] = rng.integers(120, DAYS, len(deaths))
        for month in range(12):
            day = month * 30 + int(rng.integers(3, 8))
            alive = residents[(w.death_day[residents] < 0) | (w.death_day[residents] > day + 2)]
            n = len(alive)
            visit = _at(day, rng.integers(9, 11), rng.integers(0, 60)) + rng.integers(0, 10800, n)
            dx = rng.choice(icd.CHRONIC, n)
            self.claims.add(alive, clinic, visit, _cents(rng.uniform(60, 200, n)), OUT, dx, doctor=doctor, terminal=1)
            self.claims.add(alive, pharmacy, visit + DAY + rng.integers(0, 7200, n), _cents(rng.uniform(100, 400, n)), PHA, dx,
                            doctor=doctor, terminal=1)
        self.lookalike("nursing_home", residents, [clinic, pharmacy], doctor)

    def family(self) -> None:
        """A large household: one phone and address, visits to the same clinic together."""
        rng, w = self.rng, self.w
        city = self.city()
        members = self.people.take(city, int(rng.integers(4, 7)), 1, 90)
        if len(members) < 2:
            return
        address = w.address[members[0]]
        phone = int(w.phone[members[0]])
        for p in members:
            self.address_overrides[int(p)] = address
            self.phone_overrides[int(p)] = phone
        clinic = int(rng.choice(w.providers_of(CLINIC, city)))
        for _ in range(int(rng.integers(3, 7))):
            group = rng.choice(members, size=int(rng.integers(min(2, len(members)), len(members) + 1)), replace=False)
            n = len(group)
            day = int(rng.integers(0, DAYS))
            ts = _at(day, rng.integers(9, 17), rng.integers(0, 30)) + rng.integers(0, 1200, n)
            self.claims.add(group, clinic, ts, _cents(rng.lognormal(4.9, 0.5, n)), OUT, rng.choice(["J06.9", "J20.9"], n),
                            doctor=int(rng.choice(w.doctors_of(clinic))), terminal=1)
        self.lookalike("family", members, clinic, [])

    def checkup(self) -> None:
        """A company sends its staff for the yearly check-up: one hospital, one or two days, one fixed price."""
        rng = self.rng
        city = self.city_with(HOSPITAL)
        hospital = self.provider(HOSPITAL, city)
        doctors = self.doctors(hospital, 2)
        staff = self.people.take(city, int(rng.integers(40, 150)), 22, 58)
        day = int(rng.integers(60, 330))
        n = len(staff)
        ts = _at(day + rng.integers(0, 3, n), rng.integers(8, 11, n), rng.integers(0, 60, n), rng.integers(0, 60, n))
        price = float(rng.choice([300.0, 500.0, 680.0]))
        self.claims.add(staff, hospital, ts, price, OUT, "Z00.0", doctor=rng.choice(doctors, n), terminal=rng.integers(1, 4, n))
        self.lookalike("checkup", staff, hospital, doctors)

    def chronic_refill(self) -> None:
        """Chronic patients of one community doctor refill monthly at the pharmacy next door."""
        rng = self.rng
        city = self.city_with(CLINIC, PHARMACY)
        clinic = self.provider(CLINIC, city)
        pharmacy = self.provider(PHARMACY, city)
        doctor = int(self.doctors(clinic, 1)[0])
        patients = self.people.take(city, int(rng.integers(10, 30)), 40, 90)
        for p in patients:
            dx = rng.choice(icd.CHRONIC)
            day = int(rng.integers(0, 30))
            while day < DAYS:
                self.claims.add(p, pharmacy, _at(day, rng.integers(8, 19), rng.integers(0, 60)), _cents(rng.uniform(80, 300)),
                                PHA, dx, doctor=doctor, terminal=1)
                day += int(rng.integers(27, 34))
        self.lookalike("chronic_refill", patients, [clinic, pharmacy], doctor)


RING_SHAPES = ("collector", "borrowed", "after_death", "drain", "refill_mill", "admission_wave", "split_admission", "funnel")
LOOKALIKE_KINDS = ("dialysis", "nursing_home", "family", "checkup", "chronic_refill")


def _background(world: World, rng: np.random.Generator, n: int, claims: Claims, progress: Progress) -> None:
    """Ordinary care: each patient mostly at a few favourite places near home, sometimes elsewhere."""
    if n <= 0:
        return
    w = world
    activity = rng.gamma(1.5, 1.0, w.n_patients) * (1 + w.age / 40)
    activity[w.death_day >= 0] *= 0.5
    chunk = 2_000_000
    done = 0
    while done < n:
        m = min(chunk, n - done)
        patient = rng.choice(w.n_patients, size=m, p=activity / activity.sum())
        age = w.age[patient]
        u = rng.random(m)
        p_in = 0.015 + 0.03 * (age >= 60)
        vtype = np.where(u < p_in, INP, np.where(u < p_in + (1 - p_in) * 0.5, OUT, PHA)).astype(np.int8)
        kind = np.where(vtype == PHA, PHARMACY, np.where((vtype == INP) | (rng.random(m) < 0.35), HOSPITAL, CLINIC))
        city = w.city[patient].astype(np.int64)
        travel = rng.random(m) < 0.03
        weights = np.array([c[3] for c in CITIES], float)
        city = np.where(travel, rng.choice(len(CITIES), m, p=weights / weights.sum()), city)
        favourite = rng.random(m) < 0.8
        provider = np.empty(m, np.int64)
        for t in (HOSPITAL, CLINIC, PHARMACY):
            for c in range(len(CITIES)):
                sel = (kind == t) & (city == c)
                if not sel.any():
                    continue
                options = w.providers_of(t, c)
                pick = rng.integers(0, len(options), int(sel.sum()))
                # favourites: a fixed choice per patient (two for pharmacies)
                fav = (patient[sel] * 2_654_435_761 + (t * 7 + (patient[sel] % 2 if t == PHARMACY else 0))) % len(options)
                provider[sel] = options[np.where(favourite[sel] & ~travel[sel], fav, pick)]
        count = w.doc_count[provider]
        own_doc = (patient * 40_503) % np.maximum(count, 1)
        doc_pick = np.where(rng.random(m) < 0.7, own_doc, rng.integers(0, 1 << 30, m) % np.maximum(count, 1))
        doctor = np.where(count > 0, w.doc_first[provider] + doc_pick, -1)
        # a share of pharmacy claims carries the prescribing doctor of the patient's usual hospital
        prescribed = (vtype == PHA) & (rng.random(m) < 0.3)
        if prescribed.any():
            usual = np.empty(int(prescribed.sum()), np.int64)
            pc_city = w.city[patient[prescribed]].astype(np.int64)
            for c in range(len(CITIES)):
                sel = pc_city == c
                options = w.providers_of(HOSPITAL, c)
                usual[sel] = options[(patient[prescribed][sel] * 2_654_435_761) % len(options)]
            doctor[prescribed] = w.doc_first[usual] + (patient[prescribed] * 40_503) % w.doc_count[usual]
        day = rng.integers(0, DAYS, m)
        dead = w.death_day[patient] >= 0
        day = np.where(dead, day * np.maximum(w.death_day[patient] - 1, 1) // DAYS, day)
        hour = np.where(vtype == PHA, rng.integers(8, 21, m), np.clip(rng.normal(10.5, 2.5, m), 8, 17).astype(np.int64))
        hour = np.where((vtype == PHA) & (rng.random(m) < 0.03), rng.integers(20, 23, m), hour)
        ts = _at(day, hour, rng.integers(0, 60, m), rng.integers(0, 60, m))
        los = 2 + rng.geometric(1 / 6, m)
        admit = np.where(vtype == INP, ts - los * DAY - rng.integers(0, 6 * 3600, m), -1)
        amount = np.where(vtype == INP, rng.lognormal(8.4, 0.5, m) * (los / 7) ** 0.5,
                          np.where(vtype == OUT, rng.lognormal(5.0, 0.7, m), rng.lognormal(4.6, 0.8, m)))
        amount = np.where((vtype == PHA) & (rng.random(m) < 0.04), np.maximum(10, np.round(amount, -1)), np.round(amount, 2))
        dx = np.empty(m, object)
        for t, table in ((OUT, icd.OUTPATIENT), (INP, icd.INPATIENT), (PHA, icd.PHARMACY)):
            sel = vtype == t
            codes = np.array([c for c, _ in table], object)
            prob = np.array([p for _, p in table], float)
            dx[sel] = rng.choice(codes, int(sel.sum()), p=prob / prob.sum())
        # plausible sex/age-specific care
        sex = w.sex[patient]
        birth = (vtype == INP) & (sex == "F") & (age >= 20) & (age <= 40) & (rng.random(m) < 0.25)
        dx[birth] = "O80"
        prostate = (vtype != INP) & (sex == "M") & (age >= 55) & (rng.random(m) < 0.05)
        dx[prostate] = "N40"
        terminal = np.where(kind == PHARMACY, rng.integers(1, 4, m), rng.integers(1, 7, m))
        claims.add(patient, provider, ts, amount, vtype, dx, doctor=doctor, admit=admit, terminal=terminal)
        done += m
        progress("claims", done, n)


# --------------------------------------------------------------------------- output


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(text, width, "0"), "")


def _dates(days_since_1900: np.ndarray) -> pa.Array:
    base = np.datetime64("1900-01-01")
    return pa.array((base + days_since_1900.astype("timedelta64[D]")).astype(str))


def _times(epoch: np.ndarray, fmt: str = "%Y-%m-%dT%H:%M:%S") -> pa.Array:
    return pc.strftime(pa.array(epoch, pa.timestamp("s")), format=fmt)


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(max(n, 1))))


def _id_numbers(w: World) -> pa.Array:
    """18-digit resident ID numbers (made up): region, birth date, sequence with the sex digit, ISO 7064 check."""
    n = w.n_patients
    region = np.array([CITIES[c][4] for c in range(len(CITIES))], object)[w.city]
    birth = (np.datetime64("1900-01-01") + w.birth_day.astype("timedelta64[D]")).astype(str)
    birth = np.char.replace(birth.astype(str), "-", "")
    seq = (np.arange(n) * 7 % 500) * 2 + (w.sex == "M").astype(int)
    body = np.char.add(np.char.add(region.astype(str), birth), np.char.zfill(seq.astype(str), 3))
    digits = body.view("<U1").reshape(n, 17).astype(int)
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))[(digits * weights).sum(axis=1) % 11]
    return pa.array(np.char.add(body, check))


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    s = np.array(SURNAMES, object)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN, object)[rng.integers(0, len(GIVEN), n)]
    g2 = np.where(rng.random(n) < 0.6, np.array(GIVEN, object)[rng.integers(0, len(GIVEN), n)], "")
    return s + g1 + g2


def _write(table: pa.Table, path: Path) -> None:
    tmp = path.with_suffix(".csv.tmp")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))
    tmp.replace(path)


def generate(out_dir: Path, claims: int = 100_000, seed: int = 7, difficulty: str = "burst",
             progress: Progress | None = None) -> Summary:
    """Write a synthetic settlement data set of about ``claims`` claims into ``out_dir``.

    >>> s = generate(Path(tmp) / "in", claims=2_000, seed=1)   # doctest: +SKIP
    >>> s.rings > 0
    True
    """
    import time

    if difficulty not in DIFFICULTIES:
        raise ConfigError(f"--difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}")
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    rng = np.random.default_rng([seed, DIFFICULTIES.index(difficulty)])
    n_patients = max(300, claims // CLAIMS_PER_PATIENT)
    world = World(rng, n_patients)
    report("population", n_patients, n_patients)
    out = Claims()
    planter = Planter(world, rng, difficulty, out)
    per_shape = max(1, round(n_patients / 4000))
    per_kind = max(1, round(n_patients / 6000))
    for i in range(per_shape):
        for shape in RING_SHAPES:
            getattr(planter, shape)()
    for i in range(per_kind):
        for kind in LOOKALIKE_KINDS:
            getattr(planter, kind)()
    report("rings", len(planter.rings), len(planter.rings))
    _background(world, rng, claims - out.count(), out, report)
    for p, phone in planter.phone_overrides.items():
        world.phone[p] = phone
    for p, address in planter.address_overrides.items():
        world.address[p] = address

    cols = out.columns()
    # no claim after its holder's death unless planted so
    death = world.death_day[cols["patient"]]
    alive = (death < 0) | (cols["ts"] < _at(death, 0)) | (cols["tag"] >= 0)
    cols = {k: v[alive] for k, v in cols.items()}
    order = np.lexsort((cols["patient"], cols["ts"]))
    cols = {k: v[order] for k, v in cols.items()}
    n = len(cols["ts"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    pw, cw = _width(n_patients, 6), _width(n, 8)
    prov_ids = _ids("H", np.arange(1, world.n_providers + 1), 4)
    prov_prefix = np.array(["H", "K", "Y"])[world.prov_type]  # hospital H, clinic K (诊所), pharmacy Y (药店)
    prov_ids = pc.binary_join_element_wise(pa.array(prov_prefix), pc.utf8_slice_codeunits(prov_ids, 1), "")
    doc_ids = _ids("D", np.arange(1, len(world.doc_provider) + 1), 5)
    vtype = cols["vtype"]
    inpatient = vtype == INP
    admit_epoch = np.where(inpatient, cols["admit"], 0)
    doctor = cols["doctor"]
    claims_table = pa.table({
        "claim_id": _ids("CL", np.arange(1, n + 1), cw),
        "patient_id": _ids("P", cols["patient"] + 1, pw),
        "card_id": _ids("C", cols["card"] + 1, pw),
        "provider_id": pc.take(prov_ids, pa.array(cols["provider"])),
        "doctor_id": pc.if_else(pa.array(doctor >= 0), pc.take(doc_ids, pa.array(np.maximum(doctor, 0))), pa.scalar(None, pa.string())),
        "ts": _times(cols["ts"]),
        "amount": pa.array(np.round(cols["amount"], 2)),
        "fund_paid": pa.array(np.round(cols["amount"] * np.where(inpatient, 0.75, np.where(vtype == PHA, 0.6, 0.5)), 2)),
        "visit_type": pa.array(VISIT_TYPES[vtype].astype(str)),
        "diagnosis": pa.array(cols["dx"].astype(str)),
        "admit_date": pc.if_else(pa.array(inpatient), _times(admit_epoch, "%Y-%m-%d"), pa.scalar(None, pa.string())),
        "discharge_date": pc.if_else(pa.array(inpatient), _times(cols["ts"], "%Y-%m-%d"), pa.scalar(None, pa.string())),
        "terminal_id": pc.binary_join_element_wise(pc.take(prov_ids, pa.array(cols["provider"])),
                                                   _ids("-T", cols["terminal"], 1), ""),
    })
    report("writing", 0, 5)
    _write(claims_table, out_dir / "claims.csv")
    patient_ids = _ids("P", np.arange(1, n_patients + 1), pw)
    death_days = world.death_day
    dead = death_days >= 0
    _write(pa.table({
        "patient_id": patient_ids,
        "name": pa.array(_names(rng, n_patients).astype(str)),
        "sex": pa.array(world.sex.astype(str)),
        "birth_date": _dates(world.birth_day),
        "phone": pa.array(world.phone.astype(str)),
        "address": pa.array(world.address.astype(str)),
        "death_date": pc.if_else(pa.array(dead), _times(_at(np.maximum(death_days, 0), 0), "%Y-%m-%d"), pa.scalar(None, pa.string())),
        "id_number": _id_numbers(world),
    }), out_dir / "patients.csv")
    _write(pa.table({"card_id": _ids("C", np.arange(1, n_patients + 1), pw), "patient_id": patient_ids}), out_dir / "cards.csv")
    _write(pa.table({
        "provider_id": prov_ids,
        "name": pa.array(world.prov_name),
        "type": pa.array([PROVIDER_TYPES[t] for t in world.prov_type]),
        "city": pa.array([CITIES[c][0] for c in world.prov_city]),
        "lat": pa.array(world.prov_lat),
        "lon": pa.array(world.prov_lon),
    }), out_dir / "providers.csv")
    _write(pa.table({
        "doctor_id": doc_ids,
        "name": pa.array(_names(rng, len(world.doc_provider)).astype(str)),
        "provider_id": pc.take(prov_ids, pa.array(world.doc_provider)),
        "specialty": pa.array([SPECIALTIES[s] for s in world.doc_specialty]),
    }), out_dir / "doctors.csv")

    pid = lambda i: f"P{int(i) + 1:0{pw}d}"  # noqa: E731
    cid = lambda i: f"C{int(i) + 1:0{pw}d}"  # noqa: E731
    prov = prov_ids.to_pylist()
    docs = doc_ids.to_pylist()
    claim_ids = claims_table.column("claim_id")
    tags = cols["tag"]
    ring_claims: dict[int, list[str]] = {}
    tagged = np.flatnonzero(tags >= 0)
    tagged_ids = pc.take(claim_ids, pa.array(tagged)).to_pylist()
    for t, c in zip(tags[tagged], tagged_ids):
        ring_claims.setdefault(int(t), []).append(c)
    resolve = {"patient": pid, "card": cid, "provider": lambda i: prov[int(i)], "doctor": lambda i: docs[int(i)]}
    truth = {
        "seed": seed, "difficulty": difficulty, "claims": n,
        "rings": [
            {
                "ring_id": r.ring_id, "family": r.family, "shape": r.shape,
                **{f"{kind}s": sorted(resolve[kind](i) for i in r.roles.get(kind, {})) for kind in ("patient", "card", "provider", "doctor")},
                "roles": {resolve[kind](i): role for kind, members in r.roles.items() for i, role in members.items()},
                "claims": ring_claims.get(r.tag, []),
            }
            for r in planter.rings
        ],
        "lookalikes": [
            {"kind": g["kind"], "patients": sorted(pid(i) for i in g["patients"]),
             "providers": sorted(prov[int(i)] for i in g["providers"]), "doctors": sorted(docs[int(i)] for i in g["doctors"])}
            for g in planter.lookalikes
        ],
    }
    tmp = out_dir / "truth.json.tmp"
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out_dir / "truth.json")
    report("writing", 5, 5)
    return Summary(n, n_patients, world.n_providers, len(world.doc_provider), len(planter.rings), len(planter.lookalikes),
                   time.perf_counter() - started)

"""异地就医: people registered in one city who live, and get all or most care, in another.

Three kinds of movers, drawn among adults so that ``mobility`` is their share:

* ``migrant`` workers (23–55), ``student`` s (18–22), and retirees living
  with their children (``retiree_with_children``, 60+, 异地安置);
* they leave prefecture cities most, capitals less and the big cities least,
  and go to their own province's capital or to the capitals and big cities of
  the country (北京, 上海, 广州, 深圳, …);
* their address and ID number stay those of the registered city; their care
  is in the living city, with visits home: students in the winter and summer
  holidays, a share (``spring_festival``) of migrants and retirees over the
  Spring Festival (29 January 2025; trips of 1–4 weeks between 18 January and
  15 February), so their card is used in both cities in the same weeks.

Look-alike groups: one per kind and (registered city, living city) pair, and
``spring_festival`` groups per pair with the travellers.
"""

from __future__ import annotations

import numpy as np

from graphfraud.generate.claims import DAYS, SPRING_FESTIVAL_DAY, SUMMER_HOLIDAY, WINTER_HOLIDAY, Claims
from graphfraud.generate.geography import CAPITAL_OF, CITIES, DESTINATION, LEAVING, N_CITIES, ROLE
from graphfraud.generate.ordinary import visits
from graphfraud.generate.planting import Truth
from graphfraud.generate.world import MIGRANT, RETIREE, STAYER, STUDENT, World

# relative propensity to live away from the registered city, by kind (ages below)
PROPENSITY = {STUDENT: 1.8, MIGRANT: 1.3, RETIREE: 0.5}
OWN_CAPITAL = {STUDENT: 0.55, MIGRANT: 0.45, RETIREE: 0.35}   # movers of a prefecture city who stay in the province
MAX_SHARE = 0.9
KINDS = {MIGRANT: "migrant", STUDENT: "student", RETIREE: "retiree_with_children"}
TRIP_WINDOW = (17, 45)     # 18 January – 15 February
TRIP_DAYS = (7, 28)


def assign_movers(world: World, rng: np.random.Generator, mobility: float) -> None:
    """Give a share ``mobility`` of adults a living city other than their registered one."""
    w, n = world, world.n_patients
    age = w.age
    kind = np.select([(age >= 18) & (age <= 22), (age >= 23) & (age <= 55), age >= 60], [STUDENT, MIGRANT, RETIREE], STAYER)
    propensity = np.select([kind == k for k in PROPENSITY], list(PROPENSITY.values()), 0.0)
    propensity *= np.array([LEAVING[r] for r in ROLE])[w.city]
    adults = age >= 18
    scale = mobility * adults.sum() / max(propensity[adults].sum(), 1e-9)
    moves = rng.random(n) < np.minimum(MAX_SHARE, propensity * scale)
    home = w.city.astype(np.int64)
    own_capital = CAPITAL_OF[home]
    stay_in_province = (own_capital != home) & (rng.random(n) < np.select([kind == k for k in OWN_CAPITAL], list(OWN_CAPITAL.values()), 0.0))
    dest = rng.choice(N_CITIES, n, p=DESTINATION / DESTINATION.sum())
    for _ in range(8):   # redraw national destinations that are the home city
        same = dest == home
        if not same.any():
            break
        dest[same] = rng.choice(N_CITIES, int(same.sum()), p=DESTINATION / DESTINATION.sum())
    dest = np.where(stay_in_province, own_capital, dest)
    moves &= dest != home
    w.live_city = np.where(moves, dest, home).astype(np.int16)
    w.mover = np.where(moves, kind, STAYER).astype(np.int8)


def plan_trips(world: World, rng: np.random.Generator, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Spring-Festival trips home: first and last day per person (-1 for none)."""
    w = world
    start = np.full(w.n_patients, -1, np.int64)
    end = np.full(w.n_patients, -1, np.int64)
    movers = np.flatnonzero(np.isin(w.mover, (MIGRANT, RETIREE)))
    going = movers[rng.random(len(movers)) < share]
    length = rng.integers(TRIP_DAYS[0], TRIP_DAYS[1] + 1, len(going))
    lo = np.maximum(TRIP_WINDOW[0], SPRING_FESTIVAL_DAY - length + 1)   # home on the festival itself
    hi = np.minimum(SPRING_FESTIVAL_DAY, TRIP_WINDOW[1] - length + 1)
    start[going] = lo + (rng.random(len(going)) * (hi - lo + 1)).astype(np.int64)
    end[going] = start[going] + length - 1
    return start, end


def trips_home(world: World, rng: np.random.Generator, claims: Claims, start: np.ndarray, end: np.ndarray) -> None:
    """Care around the trips: at home during the trip, in the living city the days before and after."""
    w = world
    going = np.flatnonzero(start >= 0)
    alive = going[w.death_day[going] < 0]
    n_home = rng.integers(1, 4, len(alive))
    who = np.repeat(alive, n_home)
    day = start[who] + (rng.random(len(who)) * (end[who] - start[who] + 1)).astype(np.int64)
    visits(w, rng, claims, who, day, w.city[who].astype(np.int64))
    before = start[alive] - rng.integers(1, 7, len(alive))
    after = np.minimum(DAYS - 1, end[alive] + rng.integers(1, 8, len(alive)))
    both = np.concatenate([alive, alive])
    visits(w, rng, claims, both, np.concatenate([before, after]), w.live_city[both].astype(np.int64))
    # students: a visit at home in the winter holiday (most) and in the summer holiday (half)
    students = np.flatnonzero((w.mover == STUDENT) & (w.death_day < 0))
    for (first, last), share in ((WINTER_HOLIDAY, 0.7), (SUMMER_HOLIDAY, 0.5)):
        home = students[rng.random(len(students)) < share]
        visits(w, rng, claims, home, rng.integers(first, last + 1, len(home)), w.city[home].astype(np.int64))


def record(world: World, truth: Truth, start: np.ndarray) -> None:
    """One look-alike group per kind and (registered, living) city pair; Spring-Festival travellers per pair."""
    w = world
    groups = [(KINDS[k], w.mover == k) for k in (MIGRANT, STUDENT, RETIREE)] + [("spring_festival", start >= 0)]
    for kind, members in groups:
        people = np.flatnonzero(members)
        pair = w.city[people].astype(np.int64) * N_CITIES + w.live_city[people]
        order = np.argsort(pair, kind="stable")
        pair, people = pair[order], people[order]
        cuts = np.flatnonzero(np.diff(pair)) + 1
        for chunk, key in zip(np.split(people, cuts), pair[np.concatenate([[0], cuts])] if len(pair) else []):
            home, live = divmod(int(key), N_CITIES)
            truth.lookalike(kind, chunk, registered_city=CITIES[home].name, living_city=CITIES[live].name)

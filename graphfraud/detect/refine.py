"""The Python halves of motifs: what needs ordered scans, pairing, or a comparison with the entity's own norm.

Each refinement takes the rows of its motif's query (or of its header's
``from:`` source) and returns evidence. What they share is measured once per
run in a :class:`Context`: each card's own places (its holder's registered
city and the city the card is used in most — its centre), each provider's
number of cards, each pharmacy's own share of round sums and late purchases.

The principle throughout is to compare an entity with itself and its peers,
not with a fixed rule: a card used where it is always used is not "far", a
pharmacy beside a hospital is busy every morning, a pharmacy with a price list
sells round sums to everyone.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graphfraud.detect import boxes
from graphfraud.detect.evidence import Evidence, Motif, plain

Relevant = Callable[[Iterable[str]], bool]


@dataclass
class Places:
    """Where a card belongs: its holder's registered city, the city it is used in most, the holder's address."""

    home: str
    centre: str
    address: str

    def far(self, city: str) -> bool:
        return bool(city) and city not in (self.home, self.centre)


PLACES_SOURCE = "impossible_travel"   # the query every card's own places are worked out from


@dataclass
class Context:
    """What the refinements of one run share; the engine is read lazily, once per kind of fact."""

    engine: Any
    frames: dict[str, pd.DataFrame]
    params: Callable[[str], dict[str, Any]]
    relevant: Relevant = lambda patients: True
    _places: dict[str, Places] | None = field(default=None, repr=False)
    _providers: pd.DataFrame | None = field(default=None, repr=False)
    _profile: dict[str, tuple[int, int, int, int]] | None = field(default=None, repr=False)
    _records: dict[int, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _cities: dict[str, str] | None = field(default=None, repr=False)
    _far_at: dict[int, dict[str, int]] = field(default_factory=dict, repr=False)
    _stays: dict[str, dict[str, int]] | None = field(default=None, repr=False)
    _days: dict[str, int] | None = field(default=None, repr=False)

    def records(self, frame: pd.DataFrame) -> list[dict[str, Any]]:
        """The frame's rows as dicts, converted once however many motifs read the frame."""
        if id(frame) not in self._records:
            self._records[id(frame)] = frame.to_dict("records")
        return self._records[id(frame)]

    @property
    def places(self) -> dict[str, Places]:
        """Own places of every card used in two or more cities (any other card is used in one city only)."""
        if self._places is None:
            self._places = {}
            frame = self.frames.get(PLACES_SOURCE)
            for row in ([] if frame is None else self.records(frame)):
                home = row["home_city"] or ""
                self._places[row["card"]] = Places(home, centre_of(row["city_list"], home, row["provider_list"]),
                                                   row["address"] or "")
        return self._places

    def release(self, name: str) -> None:
        """Let the frame of query ``name`` go, with what was converted from it (the cards' places stay)."""
        frame = self.frames.get(name)
        if frame is None:
            return
        if name == PLACES_SOURCE:
            _ = self.places
        self._records.pop(id(frame), None)
        self._far_at.pop(id(frame), None)
        del self.frames[name]

    def far(self, card: str, city: str) -> bool:
        places = self.places.get(card)
        return places is not None and places.far(city)

    @property
    def providers(self) -> pd.DataFrame:
        """Each provider's city, type and number of distinct cards, indexed by provider (read once per run)."""
        if self._providers is None:
            frame = self.engine.query("refine/provider_cards")
            self._providers = frame.set_index("provider") if len(frame) else pd.DataFrame(columns=["city", "type", "n_cards"])
        return self._providers

    def city_of(self, provider: str) -> str:
        if self._cities is None:
            self._cities = {p: (c if isinstance(c, str) else "") for p, c in self.providers["city"].items()}
        return self._cities.get(provider, "")

    def cards_at(self, provider: str) -> int:
        try:
            return int(self.providers.at[provider, "n_cards"])
        except (KeyError, ValueError):
            return 0

    @property
    def profile(self) -> dict[str, tuple[int, int, int, int]]:
        """Per pharmacy: (claims, round sums, late purchases, claims with a time of day), by round_amounts' and
        off_hours' own settings."""
        if self._profile is None:
            r, o = self.params("round_amounts"), self.params("off_hours")
            frame = self.engine.query("refine/provider_profile", {
                "unit": r["unit"], "min_amount": r["min_amount"], "start_hour": o["start_hour"], "end_hour": o["end_hour"]})
            self._profile = {row["provider"]: (int(row["n"]), int(row["n_round"]), int(row["n_late"]), int(row["n_timed"]))
                             for row in frame.to_dict("records")}
        return self._profile


    @property
    def stays(self) -> dict[str, dict[str, int]]:
        """Inpatient stays per institution (``"provider"``) and per doctor (``"doctor"``), read once."""
        if self._stays is None:
            self._stays = {"provider": defaultdict(int), "doctor": defaultdict(int)}
            for row in self.engine.query("refine/provider_stays").to_dict("records"):
                self._stays["provider"][row["provider"]] += int(row["n"])
                if row["doctor"] is not None:
                    self._stays["doctor"][row["doctor"]] += int(row["n"])
        return self._stays


    def card_days(self, wanted: Mapping[str, Iterable[str]]) -> dict[tuple[str, str], int]:
        """Days each of the ``wanted`` cards (provider → cards) was used at that provider: (provider, card) → days."""
        pairs = {(provider, card) for provider, cards in wanted.items() for card in cards}
        if not pairs:
            return {}
        frame = self.engine.query("refine/card_days", {"cards": sorted({card for _, card in pairs})})
        return {(row["provider"], row["card"]): int(row["days"]) for row in frame.to_dict("records")
                if (row["provider"], row["card"]) in pairs}

    @property
    def open_days(self) -> dict[str, int]:
        """Days each provider settled claims on, read once."""
        if self._days is None:
            self._days = {row["provider"]: int(row["days"]) for row in self.engine.query("refine/provider_days").to_dict("records")}
        return self._days


def centre_of(cities: Iterable[str], home: str, providers: Iterable[str] | None = None) -> str:
    """The city a card lives in: where it meets the most different providers, then where it is used most.

    Breadth first, because a life is lived at several counters (the pharmacy, the clinic, the
    hospital) while a card lent to a collector is swiped often at one: counting uses alone moves
    the centre of a lent card to the collector's city, where its swipes stop looking far.
    Ties: the registered city, then by name.
    """
    counts: dict[str, int] = defaultdict(int)
    met: dict[str, set[str]] = defaultdict(set)
    pairs = zip(cities, providers) if providers is not None else ((city, None) for city in cities)
    for city, provider in pairs:
        if city:
            counts[city] += 1
            if provider is not None:
                met[city].add(provider)
    if not counts:
        return home
    return min(counts, key=lambda c: (-len(met[c]), -counts[c], c != home, c))


def far_strength(far_cards: int, cards: int) -> float:
    """How much one far card at a provider says, from that provider's own share of far cards.

    1 when far cards are rare there (1 % or less), falling to a quarter where a third of the
    provider's cards come from far away (the provincial hospital everyone is referred to).
    """
    share = far_cards / cards if cards else 1.0
    if share <= 0:
        return 1.0
    return max(0.25, min(1.0, math.log10(1 / share) / 2))


# --------------------------------------------------------------------------- where a card is used


def _uses(row: Mapping[str, Any]) -> list[tuple]:
    """(time, claim, provider, city, lat, lon, visit type, amount, patient) of each use, in time order."""
    patients = row.get("patient_list")
    if patients is None:
        patients = [row["holder"]] * len(row["times"])
    return sorted(zip(row["times"], row["claim_list"], row["provider_list"], row["city_list"],
                      row["lats"], row["lons"], row["type_list"], row["amounts"], patients))


def _far_cards_by_provider(ctx: Context, frame: pd.DataFrame) -> dict[str, int]:
    """Distinct cards used at each provider in a city that is not one of the card's own places."""
    if id(frame) not in ctx._far_at:
        far: dict[str, set[str]] = defaultdict(set)
        for row in ctx.records(frame):
            places = ctx.places[row["card"]]
            for provider, city in zip(row["provider_list"], row["city_list"]):
                if places.far(city):
                    far[provider].add(row["card"])
        ctx._far_at[id(frame)] = {p: len(cards) for p, cards in far.items()}
    return ctx._far_at[id(frame)]


def _strength(ctx: Context, far_at: Mapping[str, int], providers: Iterable[str]) -> float:
    providers = list(providers)
    return min(far_strength(far_at.get(p, 0), ctx.cards_at(p)) for p in providers) if providers else 1.0


def travels(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Pairs of one card's claims in different cities, closer in time than any journey between them allows.

    Claims are ordered by time (ties by claim id); a pair is the earlier and the later claim, at most
    ``max_hours`` apart, for the same recorded patient, at least ``min_km`` apart and faster than ``max_kmh``;
    its strength rises to 1
    at ``full_kmh``. Places without a city or coordinates (sent as '' and -999) pair with nothing, nor
    do claims settled at exactly 00:00:00: an export with dates only gives no time to travel in.
    """
    max_hours, min_km = float(params["max_hours"]), float(params["min_km"])
    max_kmh, full_kmh = float(params["max_kmh"]), float(params.get("full_kmh", params["max_kmh"]))
    out: list[Evidence] = []
    for row in ctx.records(frame):
        uses = [u for u in _uses(row) if u[0] % 86400]   # 00:00:00: a date without a time of day says nothing of speed
        for i, (ts_a, claim_a, prov_a, city_a, lat_a, lon_a, _, _, who_a) in enumerate(uses):
            if not city_a or lat_a <= -999 or lon_a <= -999:
                continue
            for ts_b, claim_b, prov_b, city_b, lat_b, lon_b, _, _, who_b in uses[i + 1:]:
                if ts_b - ts_a > max_hours * 3600:
                    break
                if who_a != who_b or not city_b or city_b == city_a or lat_b <= -999 or lon_b <= -999:
                    continue
                km, hours = _km(lat_a, lon_a, lat_b, lon_b), (ts_b - ts_a) / 3600.0
                if km < min_km or km <= max_kmh * hours:
                    continue
                kmh = km / hours if hours > 0 else math.inf
                strength = 1.0 if full_kmh <= max_kmh else min(1.0, max(0.1, (kmh - max_kmh) / (full_kmh - max_kmh)))
                facts = {"card": row["card"], "holder": row["holder"], "city_a": city_a, "city_b": city_b,
                         "km": plain(_round_up(km, 1)), "hours": plain(_round_up(hours, 2))}
                out.append(m.evidence([row["holder"]], [row["card"]], [prov_a, prov_b], [], [claim_a, claim_b], facts, strength))
    return out


def displaced(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Hospital or clinic care, ``min_claims`` times or more, in a city that is none of the card's own places."""
    min_claims = int(params["min_claims"])
    far_at = _far_cards_by_provider(ctx, frame)
    out: list[Evidence] = []
    for row in ctx.records(frame):
        places = ctx.places[row["card"]]
        by_city: dict[str, list[tuple]] = defaultdict(list)
        for use in _uses(row):
            if use[6] != "pharmacy" and places.far(use[3]):
                by_city[use[3]].append(use)
        for city, uses in sorted(by_city.items()):
            if len(uses) < min_claims:
                continue
            providers = sorted({u[2] for u in uses})
            facts = {"card": row["card"], "holder": row["holder"], "home_city": places.home, "centre": places.centre,
                     "city": city, "n": len(uses), "amount": plain(round(sum(float(u[7] or 0) for u in uses), 2))}
            out.append(m.evidence([row["holder"]], [row["card"]], providers, [], [u[1] for u in uses], facts,
                                  _strength(ctx, far_at, providers)))
    return out


def far_pharmacy(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """A pharmacy away from the card's own places taking at least ``min_share`` of its pharmacy spending."""
    min_claims, min_share = int(params["min_claims"]), float(params["min_share"])
    far_at = _far_cards_by_provider(ctx, frame)
    out: list[Evidence] = []
    for row in ctx.records(frame):
        places = ctx.places[row["card"]]
        pharmacy = [u for u in _uses(row) if u[6] == "pharmacy"]
        total = sum(float(u[7] or 0) for u in pharmacy)
        by_provider: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for use in pharmacy:
            if places.far(use[3]):
                by_provider[(use[2], use[3])].append(use)
        for (provider, city), uses in sorted(by_provider.items()):
            amount = sum(float(u[7] or 0) for u in uses)
            if len(uses) < min_claims or total <= 0 or amount < min_share * total:
                continue
            facts = {"card": row["card"], "holder": row["holder"], "home_city": places.home, "centre": places.centre,
                     "provider": provider, "city": city, "n": len(uses), "amount": plain(round(amount, 2)),
                     "share": plain(round(amount / total, 3))}
            out.append(m.evidence([row["holder"]], [row["card"]], [provider], [], [u[1] for u in uses], facts,
                                  _strength(ctx, far_at, [provider])))
    return out


def two_places(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """A card used at one far provider, each time in the same or a neighbouring week as a use at its centre.

    Per card: the weeks (fixed buckets of ``week_s`` seconds) it was used in its centre city, then for
    each provider in a city that is none of its own places with at least ``min_claims`` uses, the uses
    that fall in or next to such a week; at least ``min_claims`` of them make a row.
    """
    week_s, min_claims = int(params["week_s"]), int(params["min_claims"])
    far_at = _far_cards_by_provider(ctx, frame)
    out: list[Evidence] = []
    for row in ctx.records(frame):
        places = ctx.places[row["card"]]
        uses = list(zip(row["times"], row["claim_list"], row["provider_list"], row["city_list"]))
        centre_weeks = {ts // week_s for ts, _, _, city in uses if city == places.centre}
        if not centre_weeks:
            continue
        away: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for ts, claim, provider, city in uses:
            if places.far(city):
                away[(provider, city)].append((ts, claim))
        for (provider, city), far in sorted(away.items()):
            if len(far) < min_claims:
                continue
            near = [claim for ts, claim in far if {ts // week_s - 1, ts // week_s, ts // week_s + 1} & centre_weeks]
            if len(near) >= min_claims:
                facts = {"card": row["card"], "holder": row["holder"], "home_city": places.home, "centre": places.centre,
                         "provider": provider, "city": city, "n": len(near)}
                out.append(m.evidence([row["holder"]], [row["card"]], [provider], [], near, facts,
                                      _strength(ctx, far_at, [provider])))
    return out


_EARTH_KM = 12742.0  # Earth's diameter: the haversine distance is diameter × asin(√h)


def _km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    h = (math.sin(math.radians(lat_b - lat_a) / 2) ** 2
         + math.cos(math.radians(lat_a)) * math.cos(math.radians(lat_b)) * math.sin(math.radians(lon_b - lon_a) / 2) ** 2)
    return _EARTH_KM * math.asin(math.sqrt(h))


def _round_up(x: float, digits: int) -> float:
    """Round halves up, as Cypher's round() does (Python's round() goes to even: 2.605 h would read 2.6)."""
    scale = 10 ** digits
    return math.floor(x * scale + 0.5) / scale


# --------------------------------------------------------------------------- counters and terminals


def _runs(row: Mapping[str, Any], max_gap_s: int) -> list[list[tuple]]:
    """Runs of swipes on one terminal-day where each follows the previous within ``max_gap_s``."""
    swipes = sorted(zip(row["times"], row["card_list"], row["patient_list"], row["claim_list"]))
    runs: list[list[tuple]] = []
    for swipe in swipes:
        if runs and swipe[0] - runs[-1][-1][0] <= max_gap_s:
            runs[-1].append(swipe)
        else:
            runs.append([swipe])
    return runs


def sequences(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Runs of swipes of at least ``min_cards`` different cards on one terminal, each within ``max_gap_s``."""
    max_gap_s, min_cards = int(params["max_gap_s"]), int(params["min_cards"])
    out: list[Evidence] = []
    for row in frame.to_dict("records"):
        if not ctx.relevant(row["patient_list"]):
            continue
        for run in _runs(row, max_gap_s):
            cards = {s[1] for s in run}
            if len(cards) >= min_cards:
                facts = {"terminal": row["terminal"], "provider": row["provider"], "n_cards": len(cards),
                         "minutes": (run[-1][0] - run[0][0]) / 60, "start": int(run[0][0])}
                out.append(m.evidence((s[2] for s in run), (s[1] for s in run), [row["provider"]], [], (s[3] for s in run), facts))
    return out


def _root(parent: list[int], i: int) -> int:
    """The representative of ``i``'s group in the union-find forest ``parent`` (halving the path on the way)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


# A run of one terminal-day, with the far cards swiped together in it and those pairs: (day, swipes, cards, pairs).
Run = tuple[int, list[tuple], set[str], set[tuple[str, str]]]
NEAR = 3   # far cards at most this many swipes apart in a run were swiped together: a stack at the counter


def far_together(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Far cards of several households swiped in runs on one terminal, the same cards meeting on several days.

    Runs are sessions on one terminal, each swipe within this motif's ``max_gap_s`` of the last. A run's
    far cards are those for which the provider's city is none of their own places; two of them at most
    ``NEAR`` swipes apart were swiped together (a rush at a pharmacy by the provincial hospital makes
    one long run of the day, its far visitors scattered through it; a collector's stack is swiped in a
    row). A far card swiped together with another on ``min_days`` days or more recurs there; recurring
    far cards swiped together are joined, and a group of them seen on at least ``min_days`` days holding at
    least ``min_cards`` cards of as many households makes a row. Joining through any one shared card
    (rather than runs sharing two) follows a collector who takes a few of his stack each time: on the
    world sweep the rule of two missed a stealthy collector's ring in four and found none the more
    at the busy pharmacies of worlds with no fraud.

    Cards that are not far — the collector's own, a lent card only ever swiped at his counter, whose
    centre is therefore there — join the row when they are in the group's runs on ``min_days`` days
    and on at least half of their days at the provider (:func:`_companions`): a regular customer or a
    member of staff is at the counter on many other days too. When such cards outnumber the far ones the
    runs are the counter's own (a pharmacy draining its recruits' cards, a care home's staff): none joins,
    and the row stays what it says, far cards (on the sweep, drains were otherwise named card lending).
    """
    max_gap_s, min_cards, min_days = int(params["max_gap_s"]), int(params["min_cards"]), int(params["min_days"])
    by_terminal: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for row in frame.to_dict("records"):
        city = ctx.city_of(row["provider"])
        if sum(1 for c in set(row["card_list"]) if ctx.far(c, city)) < 2:
            continue
        for run in _runs(row, max_gap_s):
            at = [(i, s[1]) for i, s in enumerate(run) if ctx.far(s[1], city)]
            pairs = {(min(a, b), max(a, b)) for k, (i, a) in enumerate(at) for j, b in at[k + 1:] if j - i <= NEAR and a != b}
            if pairs:
                by_terminal[(row["terminal"], row["provider"])].append(
                    (int(row["day"]), run, {c for pair in pairs for c in pair}, pairs))
    found: list[tuple[str, str, list[Run], set[str]]] = []
    for (terminal, provider), runs in sorted(by_terminal.items()):
        days_of: dict[str, set[int]] = defaultdict(set)
        for day, _, far, _ in runs:
            for card in far:
                days_of[card].add(day)
        recurring = sorted(c for c, days in days_of.items() if len(days) >= min_days)
        index = {c: i for i, c in enumerate(recurring)}
        parent = list(range(len(recurring)))
        for _, _, _, pairs in runs:
            for a, b in pairs:
                if a in index and b in index:
                    parent[_root(parent, index[a])] = _root(parent, index[b])
        groups: dict[int, set[str]] = defaultdict(set)
        for c, i in index.items():
            groups[_root(parent, i)].add(c)
        for cards in groups.values():
            days = {d for c in cards for d in days_of[c]}
            households = {ctx.places[c].address or c for c in cards}
            if len(days) < min_days or len(cards) < min_cards or len(households) < min_cards:
                continue
            found.append((terminal, provider, [r for r in runs if r[2] & cards], cards))
    companions = _companions(found, min_days, ctx)
    out: list[Evidence] = []
    for (terminal, provider, runs, cards), extra in zip(found, companions):
        keep = cards | extra
        swipes = [s for _, run, _, _ in runs for s in run if s[1] in keep]
        days = {day for day, _, _, _ in runs}
        households = {ctx.places[c].address or c for c in cards}
        facts = {"terminal": terminal, "provider": provider, "city": ctx.city_of(provider), "n_cards": len(cards),
                 "n_households": len(households), "n_days": len(days), "n_companions": len(extra)}
        out.append(m.evidence((s[2] for s in swipes), sorted({s[1] for s in swipes}), [provider], [],
                              (s[3] for s in swipes), facts))
    return out


def _companions(found: list[tuple[str, str, list[Run], set[str]]], min_days: int, ctx: Context) -> list[set[str]]:
    """Per group of far cards, the other cards swiped in its runs on ``min_days`` days and on half their days there;
    none when they would outnumber the far cards (the counter's own cards: a drain's or a care home's)."""
    seen: list[dict[str, set[int]]] = []
    wanted: dict[str, set[str]] = defaultdict(set)
    for _, provider, runs, cards in found:
        days: dict[str, set[int]] = defaultdict(set)
        for day, run, _, _ in runs:
            for s in run:
                if s[1] not in cards:
                    days[s[1]].add(day)
        days = {c: d for c, d in days.items() if len(d) >= min_days}
        seen.append(days)
        wanted[provider].update(days)
    open_days = ctx.card_days(wanted)
    out = []
    for (_, provider, _, cards), days in zip(found, seen):
        extra = {c for c, d in days.items() if len(d) >= 0.5 * open_days.get((provider, c), len(d))}
        out.append(extra if len(extra) <= len(cards) else set())
    return out


def far_same_day(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Far cards that share dated days at one provider far more often than chance would, joined into groups.

    Only claims with a date and no time of day (settled at exactly 00:00:00) are read: with times,
    ``far_cards_together`` sees the sessions themselves. Per provider, each far card's days there;
    a pair sharing ``d`` days is kept when ``d ≥ min_days`` and P(Poisson(a·b/D) ≥ d) < ``max_p``
    (``a``, ``b``: the cards' days there, ``D``: the provider's open days); kept pairs are joined, and a
    group of ``min_cards`` far cards of as many households makes a row.
    """
    min_cards, min_days, max_p = int(params["min_cards"]), int(params["min_days"]), float(params["max_p"])
    days_of: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    claims_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    holder_of: dict[str, str] = {}
    for row in ctx.records(frame):
        places = ctx.places[row["card"]]
        for ts, claim, provider, city in zip(row["times"], row["claim_list"], row["provider_list"], row["city_list"]):
            if ts is None or int(ts) % 86_400 or not places.far(city):
                continue
            days_of[provider][row["card"]].add(int(ts) // 86_400)
            claims_of[(provider, row["card"])].append(claim)
            holder_of[row["card"]] = row["holder"]
    out: list[Evidence] = []
    for provider in sorted(days_of):
        cards = sorted(c for c, d in days_of[provider].items() if len(d) >= min_days)
        if len(cards) < min_cards:
            continue
        open_days = max(ctx.open_days.get(provider, 0), *(len(days_of[provider][c]) for c in cards))
        parent = list(range(len(cards)))   # cards joined by kept pairs, with far_together's union-find
        for i, a in enumerate(cards):
            da = days_of[provider][a]
            for j in range(i + 1, len(cards)):
                db = days_of[provider][cards[j]]
                shared = len(da & db)
                if shared >= min_days and poisson_sf(shared, len(da) * len(db) / open_days) < max_p:
                    parent[_root(parent, i)] = _root(parent, j)
        groups: dict[int, set[str]] = defaultdict(set)
        for i, card in enumerate(cards):
            groups[_root(parent, i)].add(card)
        for group in groups.values():
            households = {ctx.places[c].address or c for c in group}
            if len(group) < min_cards or len(households) < min_cards:
                continue
            days = set().union(*(days_of[provider][c] for c in group))
            facts = {"provider": provider, "city": ctx.city_of(provider), "n_cards": len(group),
                     "n_households": len(households), "n_days": len(days)}
            out.append(m.evidence((holder_of[c] for c in group), group, [provider], [],
                                  (cl for c in sorted(group) for cl in claims_of[(provider, c)]), facts))
    return out


def co_visits(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Pairs of patients seen together (same provider, same half hour) on at least ``min_days`` days."""
    min_days, bucket_s = int(params["min_days"]), int(params["bucket_s"])
    days: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    claims: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in frame.to_dict("records"):
        if not ctx.relevant(row["patient_list"]):
            continue
        patients = sorted(set(row["patient_list"]))
        day = int(row["bucket"]) * bucket_s // 86_400
        for i, a in enumerate(patients):
            for b in patients[i + 1:]:
                key = (a, b, row["provider"])
                days[key].add(day)
                claims[key].update(row["claim_list"])
    out = []
    for key in sorted(days):
        if len(days[key]) >= min_days:
            a, b, provider = key
            facts = {"pair": f"{a}, {b}", "provider": provider, "n_days": len(days[key])}
            out.append(m.evidence([a, b], [], [provider], [], claims[key], facts))
    return out


def poisson_sf(n: int, lam: float) -> float:
    """P(X ≥ n) for X ~ Poisson(lam): the terms from n on, each the last × lam/(k+1), until they stop mattering."""
    if n <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    log_first = n * math.log(lam) - lam - math.lgamma(n + 1)
    total, term, k = 1.0, 1.0, n
    while k < n + 10_000:
        term *= lam / (k + 1)
        total += term
        k += 1
        if term < 1e-12 * total and k > lam:
            break
    return min(1.0, math.exp(log_first) * total)


def bursts(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Pharmacy hours with far more distinct cards than that pharmacy has at that hour of that kind of day.

    The norm of an hour is the pharmacy's mean number of cards at that hour of the day on weekdays
    (or on weekends) over the days from its first to its last sale. An hour is a burst with at least
    ``min_cards`` cards, ``rate_factor`` times the norm, and a Poisson tail below ``max_p``.
    """
    if frame.empty:
        return []
    min_cards, factor, max_p = int(params["min_cards"]), float(params["rate_factor"]), float(params["max_p"])
    f = frame.copy()
    f["day"] = f["hour"] // 24
    f["hod"] = f["hour"] % 24
    f["weekend"] = ((f["day"] + 3) % 7) >= 5          # epoch day 0 (1970-01-01) was a Thursday
    span = f.groupby("provider")["day"].agg(["min", "max"])
    days = {}
    for provider, (lo, hi) in span.iterrows():
        all_days = range(int(lo), int(hi) + 1)
        weekend = sum(1 for d in all_days if (d + 3) % 7 >= 5)
        days[provider] = (len(all_days) - weekend, weekend)
    slot = f.groupby(["provider", "hod", "weekend"])["n_cards"].sum().rename("slot_total").reset_index()
    f = f.merge(slot, on=["provider", "hod", "weekend"])
    f["norm"] = [total / max(1, days[p][1 if w else 0]) for p, total, w in zip(f["provider"], f["slot_total"], f["weekend"])]
    f = f[(f["n_cards"] >= min_cards) & (f["n_cards"] >= factor * f["norm"])]
    keep = [(r.provider, int(r.hour), int(r.n_cards), float(r.norm), bool(r.weekend)) for r in f.itertuples()
            if poisson_sf(int(r.n_cards), float(r.norm)) < max_p]
    if not keep:
        return []
    wanted = {(p, h): (n, norm, w) for p, h, n, norm, w in keep}
    out: list[Evidence] = []
    providers = sorted({p for p, *_ in keep})
    hours = sorted({h for _, h, *_ in keep})
    for start in range(0, len(hours), 5000):
        rows = ctx.engine.query("refine/burst_claims", {"providers": providers, "hours": hours[start:start + 5000]})
        for row in rows.to_dict("records"):
            key = (row["provider"], int(row["hour"]))
            if key not in wanted:
                continue
            n, norm, weekend = wanted[key]
            facts = {"provider": row["provider"], "hour": key[1], "n_cards": n, "ratio": plain(round(n / max(norm, 1e-9), 2)) if norm else n,
                     "day_kind": "weekend day" if weekend else "weekday"}
            out.append(m.evidence(row["patients"], row["cards"], [row["provider"]], [], row["claims"], facts))
    return out


PRIOR_CLAIMS = 50


def against_provider(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Rows of round_amounts / off_hours kept only where the card departs from the pharmacy's ordinary customers.

    The card's share (round sums, or late purchases) at the pharmacy must be at least ``min_lift``
    times the share among the claims of the pharmacy's other cards — those the motif did not flag,
    so a pharmacy that drains twenty cards does not make draining its norm. A pharmacy whose price
    list is in round sums, or that is open all night, gives these claims to every customer and
    is not cashing out each card it serves. A pharmacy with few other claims has a norm shrunk
    towards the share among all pharmacies' claims (worth ``PRIOR_CLAIMS`` claims): empirical Bayes.
    """
    lift_min = float(params["min_lift"])
    # (hits, of how many): late purchases are counted among the claims that carry a time of day
    index, base_of, hit_column = (1, 0, "n_round") if m.name == "round_amounts" else (2, 3, "n_late")
    rows = m.rows(frame)
    flagged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ev in rows:
        flagged[ev.facts["provider"]][0] += int(ev.facts["n"])
        flagged[ev.facts["provider"]][1] += int(ev.facts[hit_column])
    all_n = sum(t[base_of] for t in ctx.profile.values())
    prior = (sum(t[index] for t in ctx.profile.values()) + 0.5) / (all_n + 1)
    out: list[Evidence] = []
    for ev in rows:
        total = ctx.profile.get(ev.facts["provider"])
        n, k = int(ev.facts["n"]), int(ev.facts[hit_column])
        if total is None or not n:
            continue
        flagged_n, flagged_k = flagged[ev.facts["provider"]]
        others_n, others_k = max(0, total[base_of] - flagged_n), max(0, total[index] - flagged_k)
        base = (others_k + PRIOR_CLAIMS * prior) / (others_n + PRIOR_CLAIMS)
        lift = (k / n) / base
        if lift >= lift_min:
            ev.facts["lift"] = plain(round(lift, 2))
            out.append(ev)
    return out


PRIOR_STAYS = 50


def _standing_out(quick: Counter, stays: Mapping[str, int], lift_min: float, max_p: float) -> dict[str, tuple[float, int, int]]:
    """Who has far more quick re-admissions than the others' rate gives their stays: id → (lift, count, stays).

    The norm of each is the rate of all the others, shrunk towards the rate of all for one with few
    stays (worth ``PRIOR_STAYS`` stays); the count must be ``lift_min`` times it with a Poisson tail
    below ``max_p``.
    """
    all_quick, all_stays = sum(quick.values()), sum(stays.values())
    prior = (all_quick + 0.5) / (all_stays + 1)
    out: dict[str, tuple[float, int, int]] = {}
    for who, k in quick.items():
        n = max(stays.get(who, 0), k)
        expected = n * (all_quick - k + PRIOR_STAYS * prior) / (max(0, all_stays - n) + PRIOR_STAYS)
        if k >= lift_min * expected and poisson_sf(k, expected) < max_p:
            out[who] = (k / max(expected, 1e-9), k, n)
    return out


def readmissions(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """Quick re-admissions kept only where an institution, or a doctor, re-admits far more often than the others.

    Every hospital re-admits some patients within days (a complication, a planned second
    operation, a chemotherapy cycle); stays cut in two to bill twice (分解住院) make one
    institution's or one doctor's count stand out for the stays they have. Measured on the
    public US Medicare extract: three ordinary-looking re-admissions at one hospital were a
    "ring" whatever that hospital's own rate; now the reason says how far it stands out.
    """
    rows = m.rows(frame)
    if not rows:
        return []
    lift_min, max_p = float(params["min_lift"]), float(params["max_p"])
    by_provider = _standing_out(Counter(str(ev.facts["provider"]) for ev in rows), ctx.stays["provider"], lift_min, max_p)
    by_doctor = _standing_out(Counter(d for ev in rows for d in set(ev.doctors)), ctx.stays["doctor"], lift_min, max_p)
    out: list[Evidence] = []
    for ev in rows:
        found = [(by_provider[ev.facts["provider"]], str(ev.facts["provider"]))] if ev.facts["provider"] in by_provider else []
        found += [(by_doctor[d], d) for d in ev.doctors if d in by_doctor]
        if found:
            (lift, k, n), who = max(found, key=lambda f: f[0][0])
            ev.facts.update(lift=plain(round(lift, 1)), n_quick=k, n_stays=n, who=who)
            out.append(ev)
    return out



REFINEMENTS: dict[str, Callable[[Motif, pd.DataFrame, Mapping[str, Any], Context], list[Evidence]]] = {
    "travels": travels, "displaced": displaced, "far_pharmacy": far_pharmacy, "two_places": two_places,
    "sequences": sequences, "far_together": far_together, "co_visits": co_visits, "bursts": bursts,
    "against_provider": against_provider, "readmissions": readmissions, "far_same_day": far_same_day,
    **boxes.REFINEMENTS,
}
# Link refinements that run last, only for groups holding a patient the indicators already found suspicious.
DEFERRED = frozenset({"sequences", "co_visits"})


def rows_to_evidence(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx: Context) -> list[Evidence]:
    """The motif's evidence: its refinement's, or one row per query row."""
    if m.refine:
        return REFINEMENTS[m.refine](m, frame, params, ctx)
    return m.rows(frame)

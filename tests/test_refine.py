"""The Python halves of motifs, on hand-built rows: travel, a card's own places, rushes against a pharmacy's rhythm."""

from __future__ import annotations

import pandas as pd

from graphfraud.detect.evidence import motif
from graphfraud.detect.refine import (
    Context,
    bursts,
    centre_of,
    displaced,
    far_same_day,
    far_strength,
    far_together,
    poisson_sf,
    travels,
    two_places,
)
from graphfraud.detect.thresholds import refine_params
from tests.fakes import RecordingEngine

HOUR, DAY, WEEK = 3600, 86400, 7 * 86400
T0 = 8 * HOUR + 17   # an ordinary morning: a claim at exactly 00:00:00 carries no time of day
BEIJING, SHANGHAI, TIANJIN = (39.9, 116.4), (31.2, 121.5), (39.1, 117.2)


def _card(uses: list[tuple], home: str = "北京市", card: str = "C1") -> dict:
    """One candidate card as the source query returns it: parallel lists of (time, claim, provider, city, place[, type])."""
    return {
        "card": card, "holder": "P" + card[1:], "home_city": home, "address": f"{home}某路{card}号",
        "times": [u[0] for u in uses], "claim_list": [u[1] for u in uses], "provider_list": [u[2] for u in uses],
        "city_list": [u[3] for u in uses],
        "lats": [u[4][0] if u[4] else -999.0 for u in uses], "lons": [u[4][1] if u[4] else -999.0 for u in uses],
        "type_list": [u[5] if len(u) > 5 else "outpatient" for u in uses], "amounts": [100.0 for _ in uses],
        "patient_list": [u[6] if len(u) > 6 else "P" + card[1:] for u in uses],
    }


def _context(*cards: dict, providers: dict[str, tuple[str, int]] | None = None) -> tuple[pd.DataFrame, Context]:
    frame = pd.DataFrame(list(cards))
    ctx = Context(engine=None, frames={"impossible_travel": frame}, params=refine_params)
    ctx._providers = pd.DataFrame([{"provider": p, "city": c, "n_cards": n} for p, (c, n) in (providers or {}).items()],
                                  columns=["provider", "city", "n_cards"]).set_index("provider")
    return frame, ctx


def _travel(card: dict):
    frame, ctx = _context(card)
    return travels(motif("impossible_travel"), frame, refine_params("impossible_travel"), ctx)


def test_a_card_in_beijing_and_shanghai_two_hours_apart_is_two_people() -> None:
    rows = _travel(_card([(10 * HOUR, "CL2", "H1", "北京市", BEIJING), (12 * HOUR, "CL1", "H2", "上海市", SHANGHAI)]))
    assert len(rows) == 1
    ev = rows[0]
    assert ev.claims == ["CL1", "CL2"] and ev.patients == ["P1"] and ev.cards == ["C1"] and ev.providers == ["H1", "H2"]
    assert ev.facts["city_a"] == "北京市" and ev.facts["city_b"] == "上海市"  # in time order, not id order
    assert 1000 < ev.facts["km"] < 1100 and ev.facts["hours"] == 2.0
    assert "北京市" in ev.reason_zh and "上海市" in ev.reason_zh
    assert ev.strength == 1.0  # ~530 km/h: no journey is that fast door to door


def test_a_flight_that_could_just_be_made_is_weak_evidence() -> None:
    rows = _travel(_card([(T0, "CL1", "H1", "北京市", BEIJING), (T0 + 4 * HOUR, "CL2", "H2", "上海市", SHANGHAI)]))  # ~267 km/h
    assert len(rows) == 1 and rows[0].strength < 0.2


def test_a_journey_that_could_be_made_is_not_flagged() -> None:
    slow = [(T0, "CL1", "H1", "北京市", BEIJING), (T0 + 6 * HOUR, "CL2", "H2", "上海市", SHANGHAI)]  # ~180 km/h
    near = [(T0, "CL1", "H1", "北京市", BEIJING), (T0 + HOUR // 4, "CL2", "H3", "天津市", TIANJIN)]  # < 300 km
    apart = [(T0, "CL1", "H1", "北京市", BEIJING), (T0 + 13 * HOUR, "CL2", "H2", "上海市", SHANGHAI)]  # > max_hours
    same_city = [(T0, "CL1", "H1", "北京市", BEIJING), (T0 + HOUR, "CL2", "H4", "北京市", SHANGHAI)]
    for uses in (slow, near, apart, same_city):
        assert _travel(_card(uses)) == [], uses


def test_relatives_paying_with_one_card_in_two_cities_are_not_one_person_in_two_places() -> None:
    pooled = [(T0, "CL1", "H1", "北京市", BEIJING, "outpatient", "P1"), (T0 + HOUR, "CL2", "H2", "上海市", SHANGHAI, "pharmacy", "P2")]
    assert _travel(_card(pooled)) == []


def test_a_place_without_coordinates_pairs_with_nothing() -> None:
    assert _travel(_card([(T0, "CL1", "H1", "北京市", None), (T0 + HOUR, "CL2", "H2", "上海市", SHANGHAI)])) == []


def test_halves_round_up_as_cypher_does() -> None:
    rows = _travel(_card([(T0, "CL1", "H1", "北京市", BEIJING), (T0 + 9378, "CL2", "H2", "上海市", SHANGHAI)]))
    assert rows[0].facts["hours"] == 2.61  # 2.605 h: Python's round() would give 2.6


def test_a_card_belongs_where_it_is_used_most_and_where_it_is_registered() -> None:
    assert centre_of(["上海市", "上海市", "北京市"], "北京市") == "上海市"
    assert centre_of(["上海市", "北京市"], "北京市") == "北京市"  # a tie: the registered city
    assert centre_of([], "北京市") == "北京市"


def test_a_card_swiped_again_and_again_at_one_far_counter_still_lives_where_its_holder_goes_to_several() -> None:
    at_home = [("北京市", "K1"), ("北京市", "Y1"), ("北京市", "H1")]
    at_the_collector = [("上海市", "Y9")] * 6
    cities, providers = zip(*(at_home + at_the_collector))
    assert centre_of(cities, "北京市", providers) == "北京市"
    assert centre_of(["上海市"] * 6 + ["北京市", "上海市"], "北京市", ["Y9"] * 6 + ["K1", "H2"]) == "上海市"  # lives there


def _displaced(*cards: dict, providers=None):
    frame, ctx = _context(*cards, providers=providers)
    return displaced(motif("displaced_card"), frame, refine_params("displaced_card"), ctx)


def test_a_mover_treated_where_she_lives_is_not_displaced_nor_when_she_goes_home() -> None:
    lives_in_shanghai = _card([(d * WEEK, f"CL{d}", "H2", "上海市", SHANGHAI) for d in range(8)]
                              + [(20 * DAY, "CLa", "K1", "北京市", BEIJING), (22 * DAY, "CLb", "K1", "北京市", BEIJING)])
    assert _displaced(lives_in_shanghai) == []


def test_care_in_a_third_city_is_displaced_and_weaker_where_far_cards_are_common() -> None:
    uses = [(d * WEEK, f"CL{d}", "K1", "北京市", BEIJING) for d in range(6)] + \
           [(40 * DAY, "CLx", "H9", "天津市", TIANJIN), (41 * DAY, "CLy", "H9", "天津市", TIANJIN)]
    quiet = _displaced(_card(uses), providers={"H9": ("天津市", 500)})
    busy = _displaced(_card(uses), providers={"H9": ("天津市", 3)})
    assert len(quiet) == 1 and quiet[0].claims == ["CLx", "CLy"] and quiet[0].facts["centre"] == "北京市"
    assert quiet[0].strength == 1.0 and busy[0].strength == 0.25
    assert far_strength(1, 100) == 1.0 and 0.49 < far_strength(10, 100) < 0.51


def test_far_uses_in_the_weeks_of_uses_at_its_centre_are_a_card_in_two_places() -> None:
    uses = [
        (0 * WEEK + DAY, "CL1", "H1", "北京市", None),         # centre, week 0
        (2 * WEEK, "CL0", "H1", "北京市", None),               # centre again
        (2 * WEEK + DAY, "CL00", "H1", "北京市", None),
        (2 * WEEK + 2 * DAY, "CL000", "H1", "北京市", None),
        (0 * WEEK + 2 * DAY, "CL2", "Y9", "上海市", None),     # away, same week
        (1 * WEEK + DAY, "CL3", "Y9", "上海市", None),         # away, neighbouring week
        (5 * WEEK, "CL4", "Y9", "上海市", None),               # away, far from any week at the centre
        (5 * WEEK, "CL5", "H8", "天津市", None),               # another place, only once
    ]
    frame, ctx = _context(_card(uses))
    rows = two_places(motif("two_place_card"), frame, refine_params("two_place_card"), ctx)
    assert len(rows) == 1
    ev = rows[0]
    assert ev.claims == ["CL2", "CL3"] and ev.providers == ["Y9"]
    assert {k: ev.facts[k] for k in ("home_city", "centre", "provider", "city", "n")} == \
        {"home_city": "北京市", "centre": "北京市", "provider": "Y9", "city": "上海市", "n": 2}


def test_a_card_used_only_away_from_its_registered_city_is_not_in_two_places() -> None:
    frame, ctx = _context(_card([(0, "CL1", "Y9", "上海市", None), (DAY, "CL2", "Y9", "上海市", None),
                                 (2 * DAY, "CL3", "H1", "北京市", None)]))
    assert two_places(motif("two_place_card"), frame, refine_params("two_place_card"), ctx) == []


def test_poisson_tail() -> None:
    assert poisson_sf(0, 3.0) == 1.0
    assert abs(poisson_sf(1, 2.0) - (1 - 2.718281828 ** -2)) < 1e-6
    assert poisson_sf(20, 1.0) < 1e-15


class _Hours:
    """An engine that answers refine/burst_claims from given claims (provider, hour, card)."""

    name = "hand-built"

    def __init__(self, claims: list[tuple[str, int, str]]) -> None:
        self.claims = claims

    def query(self, name: str, params: dict) -> pd.DataFrame:
        assert name == "refine/burst_claims"
        rows: dict[tuple[str, int], list[str]] = {}
        for p, h, card in self.claims:
            if p in params["providers"] and h in params["hours"]:
                rows.setdefault((p, h), []).append(card)
        return pd.DataFrame([{"provider": p, "hour": h, "cards": c, "patients": ["P" + x[1:] for x in c],
                              "claims": [f"CL{p}{h}{x}" for x in c]} for (p, h), c in rows.items()])


def test_a_morning_rush_every_weekday_is_no_burst_but_eight_cards_at_night_are() -> None:
    monday = 20089  # 2025-01-01 was a Wednesday; epoch day 20089 is Monday 2025-01-06
    claims = []
    for week in range(8):
        for d in range(5):
            hour = (monday + 7 * week + d) * 24 + 10
            claims += [("Y1", hour, f"C{week}{d}{i:02d}") for i in range(25)]   # 25 cards every weekday at 10:00
    night = (monday + 7 * 3 + 2) * 24 + 21
    claims += [("Y1", night, f"C9{i}") for i in range(8)]                         # 8 cards one night at 21:00
    frame = pd.DataFrame([{"provider": p, "hour": h, "n_cards": n}
                          for (p, h), n in pd.Series([(p, h) for p, h, _ in claims]).value_counts().items()])
    ctx = Context(engine=_Hours(claims), frames={}, params=refine_params)
    rows = bursts(motif("card_burst"), frame, refine_params("card_burst"), ctx)
    assert [(ev.facts["hour"], ev.facts["n_cards"]) for ev in rows] == [(night, 8)]
    assert ev_reason_has_rhythm(rows[0].reason)


def ev_reason_has_rhythm(reason: str) -> bool:
    return "weekday" in reason and "usual number at that hour" in reason


def _dated(card: str, home_days: list[int], far_days: list[int], far_at: str = "Y9", home: str = "北京市") -> dict:
    """A card with dated claims only (settled at 00:00:00): its life at home, and days at a counter in 上海市."""
    uses = [(d * DAY, f"{card}-h{d}", f"H{i % 3 + 1}", home, BEIJING) for i, d in enumerate(home_days)]  # a life at three counters
    uses += [(d * DAY, f"{card}-f{d}", far_at, "上海市", SHANGHAI) for d in far_days]
    return _card(uses, home=home, card=card)


def _same_day(*cards: dict, open_days: int = 300):
    frame, ctx = _context(*cards, providers={"Y9": ("上海市", 400), "H1": ("北京市", 900)})
    ctx._days = {"Y9": open_days, "H1": 360}
    return far_same_day(motif("far_cards_same_day"), frame, refine_params("far_cards_same_day"), ctx)


def test_far_cards_used_on_the_same_days_again_and_again_are_a_collector_even_without_times() -> None:
    sessions = [40, 61, 90, 122, 150, 181]
    cards = [_dated(f"C{i}", [10 + i, 100 + i, 200 + i], sessions) for i in range(1, 6)]
    rows = _same_day(*cards)
    assert [(r.facts["n_cards"], r.facts["n_households"], r.facts["n_days"], r.providers) for r in rows] == [(5, 5, 6, ["Y9"])]
    assert rows[0].patients == ["P1", "P2", "P3", "P4", "P5"] and len(rows[0].claims) == 30


def test_far_patients_each_on_their_own_days_at_a_busy_counter_are_no_collector() -> None:
    # referral patients at the provincial hospital: each twice a month on days of their own, 40 of them, so
    # pairs share a day, or three, now and then (forced here: the first five share three days)
    import random

    rng = random.Random(7)
    days = [sorted(rng.sample(range(300), 24)) for _ in range(40)]
    for d in days[:5]:
        d[:3] = [10, 20, 30]
    cards = [_dated(f"C{i}", [301, 320, 340], d) for i, d in enumerate(days, start=1)]
    assert _same_day(*cards) == []


def test_timed_claims_are_left_to_far_cards_together() -> None:
    sessions = [40, 61, 90, 122, 150, 181]
    cards = [_card([(d * DAY + T0, f"C{i}-{d}", "Y9", "上海市", SHANGHAI) for d in sessions]
                   + [(d * DAY + T0, f"C{i}-h{d}", "H1", "北京市", BEIJING) for d in (11, 101, 201)], card=f"C{i}")
             for i in range(1, 6)]
    assert _same_day(*cards) == []


def _swipes(terminal_days: dict[int, list[tuple[int, str]]], terminal: str = "Y9-T1") -> pd.DataFrame:
    """terminal_sequence's candidate rows from {day: [(second of the day, card)]} on one terminal of Y9 in 上海市."""
    return pd.DataFrame([{"terminal": terminal, "provider": "Y9", "day": day,
                          "times": [day * DAY + t for t, _ in swipes], "card_list": [c for _, c in swipes],
                          "patient_list": ["P" + c[1:] for _, c in swipes], "claim_list": [f"{c}-{day}" for _, c in swipes]}
                         for day, swipes in sorted(terminal_days.items())])


def _together(terminal_days: dict[int, list[tuple[int, str]]], far: list[str], days_at_y9: dict[str, int]):
    """far_cards_together on those swipes; ``far`` cards live in 北京市 (three counters there), the others in 上海市."""
    lives = [_card([(d * DAY + T0, f"{c}-h{d}", f"H{d % 3 + 1}", "北京市", BEIJING) for d in (301, 320, 340)], card=c)
             for c in far]
    _, ctx = _context(*lives, providers={"Y9": ("上海市", 400)})
    ctx.engine = RecordingEngine({"refine/card_days": lambda p: pd.DataFrame(
        [{"card": c, "provider": "Y9", "days": days_at_y9[c]} for c in p["cards"] if c in days_at_y9],
        columns=["card", "provider", "days"])})
    return far_together(motif("far_cards_together"), _swipes(terminal_days), refine_params("far_cards_together"), ctx)


COLLECTOR_SESSIONS = {   # a collector takes two or three of his seven far cards each time, and his own (C8)
    40: ["C1", "C2", "C8"], 61: ["C2", "C3"], 90: ["C3", "C4", "C8"], 122: ["C4", "C5"],
    150: ["C5", "C6", "C8"], 181: ["C6", "C7"], 200: ["C7", "C1", "C8"],
}


def test_a_collector_taking_a_few_of_his_far_cards_each_time_is_one_group_with_his_own_card() -> None:
    days = {d: [(T0 + 240 * i, c) for i, c in enumerate(cards)] for d, cards in COLLECTOR_SESSIONS.items()}
    for d in (61, 122, 181):
        days[d].append((T0 + 600, "C9"))   # a neighbour at the counter on three of the days, and on 30 others
    rows = _together(days, far=[f"C{i}" for i in range(1, 8)], days_at_y9={"C8": 5, "C9": 33})
    assert [(r.facts["n_cards"], r.facts["n_households"], r.facts["n_days"], r.facts["n_companions"]) for r in rows] \
        == [(7, 7, 7, 1)]
    assert rows[0].cards == [f"C{i}" for i in range(1, 9)] and "P9" not in rows[0].patients


def test_far_visitors_each_at_the_counter_once_beside_others_are_no_collector() -> None:
    # a busy counter by the station: every day two visitors from afar, never the same ones again
    days = {d: [(T0, f"C{2 * d}"), (T0 + 120, f"C{2 * d + 1}")] for d in range(10, 40)}
    far = [c for swipes in days.values() for _, c in swipes]
    assert _together(days, far=far, days_at_y9={}) == []


def test_a_counter_swiping_mostly_its_own_local_cards_brings_none_of_them_into_a_far_cards_row() -> None:
    # a pharmacy that drains its recruits' cards (locals, swiped nowhere else) beside three far visitors who recur
    sessions = {40 + 10 * k: ["C1", "C2", "C3"][k % 3:] + [f"L{k % 6}", f"L{(k + 1) % 6}", f"L{(k + 2) % 6}"] for k in range(9)}
    days = {d: [(T0 + 120 * i, c) for i, c in enumerate(cards)] for d, cards in sessions.items()}
    rows = _together(days, far=["C1", "C2", "C3"], days_at_y9={f"L{i}": 5 for i in range(6)})
    assert [(r.facts["n_cards"], r.facts["n_companions"]) for r in rows] == [(3, 0)]
    assert rows[0].cards == ["C1", "C2", "C3"]


def test_far_visitors_scattered_through_a_rush_are_no_collector_though_they_come_back() -> None:
    # the pharmacy by the provincial hospital: every morning one long run of swipes a minute apart, and among
    # the locals three of six referral patients from afar, each far from the others in the queue
    days = {}
    for k, d in enumerate(range(30, 90, 5)):
        queue = [(T0 + 60 * i, f"L{d}-{i}") for i in range(30)]
        for n, slot in enumerate((3, 13, 23)):
            queue[slot] = (queue[slot][0], f"R{(k + 2 * n) % 6 + 1}")
        days[d] = queue
    assert _together(days, far=[f"R{i}" for i in range(1, 7)], days_at_y9={}) == []

"""The Python halves of the motifs whose pairing would need self-joins in Cypher (impossible travel, two places)."""

from __future__ import annotations

import pandas as pd

from graphfraud.detect.evidence import _two_places, _travels, motif

HOUR, DAY, WEEK = 3600, 86400, 7 * 86400
BEIJING, SHANGHAI, TIANJIN = (39.9, 116.4), (31.2, 121.5), (39.1, 117.2)


def _card(uses: list[tuple[int, str, str, str, tuple[float, float] | None]], home: str = "北京市") -> pd.DataFrame:
    """One candidate card as the query returns it: parallel lists of (time, claim, provider, city, place)."""
    return pd.DataFrame([{
        "card": "C1", "holder": "P1", "home_city": home,
        "times": [u[0] for u in uses], "claim_list": [u[1] for u in uses], "provider_list": [u[2] for u in uses],
        "city_list": [u[3] for u in uses],
        "lats": [u[4][0] if u[4] else -999.0 for u in uses], "lons": [u[4][1] if u[4] else -999.0 for u in uses],
    }])


def _travel(frame: pd.DataFrame):
    return _travels(motif("impossible_travel"), frame, max_hours=12, min_km=300, max_kmh=250)


def test_a_card_in_beijing_and_shanghai_two_hours_apart_is_two_people() -> None:
    rows = _travel(_card([(10 * HOUR, "CL2", "H1", "北京市", BEIJING), (12 * HOUR, "CL1", "H2", "上海市", SHANGHAI)]))
    assert len(rows) == 1
    ev = rows[0]
    assert ev.claims == ["CL1", "CL2"] and ev.patients == ["P1"] and ev.cards == ["C1"] and ev.providers == ["H1", "H2"]
    assert ev.facts["city_a"] == "北京市" and ev.facts["city_b"] == "上海市"  # in time order, not id order
    assert 1000 < ev.facts["km"] < 1100 and ev.facts["hours"] == 2.0
    assert "北京市" in ev.reason_zh and "上海市" in ev.reason_zh


def test_a_journey_that_could_be_made_is_not_flagged() -> None:
    slow = [(0, "CL1", "H1", "北京市", BEIJING), (6 * HOUR, "CL2", "H2", "上海市", SHANGHAI)]  # ~180 km/h
    near = [(0, "CL1", "H1", "北京市", BEIJING), (HOUR // 4, "CL2", "H3", "天津市", TIANJIN)]  # < 300 km
    apart = [(0, "CL1", "H1", "北京市", BEIJING), (13 * HOUR, "CL2", "H2", "上海市", SHANGHAI)]  # > max_hours
    same_city = [(0, "CL1", "H1", "北京市", BEIJING), (HOUR, "CL2", "H4", "北京市", SHANGHAI)]
    for uses in (slow, near, apart, same_city):
        assert _travel(_card(uses)) == [], uses


def test_a_place_without_coordinates_pairs_with_nothing() -> None:
    assert _travel(_card([(0, "CL1", "H1", "北京市", None), (HOUR, "CL2", "H2", "上海市", SHANGHAI)])) == []


def test_halves_round_up_as_cypher_does() -> None:
    rows = _travel(_card([(0, "CL1", "H1", "北京市", BEIJING), (9378, "CL2", "H2", "上海市", SHANGHAI)]))
    assert rows[0].facts["hours"] == 2.61  # 2.605 h: Python's round() would give 2.6


def _places(frame: pd.DataFrame):
    return _two_places(motif("two_place_card"), frame, week_s=WEEK, min_claims=2)


def test_far_uses_in_the_weeks_of_home_uses_are_a_card_in_two_places() -> None:
    uses = [
        (0 * WEEK + DAY, "CL1", "H1", "北京市", None),         # home, week 0
        (0 * WEEK + 2 * DAY, "CL2", "Y9", "上海市", None),     # away, same week
        (1 * WEEK + DAY, "CL3", "Y9", "上海市", None),         # away, neighbouring week
        (5 * WEEK, "CL4", "Y9", "上海市", None),               # away, far from any home week
        (5 * WEEK, "CL5", "H8", "天津市", None),               # another place, only once
    ]
    rows = _places(_card(uses))
    assert len(rows) == 1
    ev = rows[0]
    assert ev.claims == ["CL2", "CL3"] and ev.providers == ["Y9"]
    assert ev.facts == {"card": "C1", "holder": "P1", "home_city": "北京市", "provider": "Y9", "city": "上海市", "n": 2}


def test_a_card_never_used_at_home_is_not_in_two_places() -> None:
    uses = [(0, "CL1", "Y9", "上海市", None), (DAY, "CL2", "Y9", "上海市", None)]
    assert _places(_card(uses)) == []

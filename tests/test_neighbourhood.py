"""Neighbourhoods: hop by hop from any id, capped per hop with what was left out, within a time window, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from graphfraud.detect.run import detect
from graphfraud.errors import InputError
from graphfraud.load import load_directory
from graphfraud.neighbourhood import epoch_window, find, neighbourhood, resolve


@pytest.fixture
def loaded(small_graph):
    """Each engine holding the small data (``small_graph`` in conftest.py)."""
    return small_graph


def _busiest_provider(small_data: Path, since: str = "", until: str = "9999") -> str:
    """The pharmacy with the most claims (between ``since`` and ``until``, dates included)."""
    claims = pd.read_csv(small_data / "claims.csv", dtype=str)
    claims = claims[(claims["ts"].str[:10] >= since) & (claims["ts"].str[:10] <= until)]
    pharmacies = claims[claims["provider_id"].str.startswith("Y")]  # a busy place without staff: its cards fill the hop
    return pharmacies["provider_id"].value_counts().index[0]


def test_one_hop_from_a_patient_reaches_what_it_holds_and_where_it_lives(loaded, small_data: Path) -> None:
    patients = pd.read_csv(small_data / "patients.csv", dtype=str)
    p = patients.dropna(subset=["phone", "address"]).iloc[0]
    nb = neighbourhood(loaded, "patient", p["patient_id"], hops=1)
    assert nb.nodes[("patient", p["patient_id"])] == 0
    assert ("phone", p["phone"]) in nb.nodes and ("address", p["address"]) in nb.nodes
    cards = pd.read_csv(small_data / "cards.csv", dtype=str)
    held = set(cards.loc[cards["patient_id"] == p["patient_id"], "card_id"])
    assert held and {("card", c) for c in held} <= set(nb.nodes)
    assert all(hop <= 1 for hop in nb.nodes.values())
    assert {(link.src, link.dst) for link in nb.links if link.kind == "holds"} >= {
        (("patient", p["patient_id"]), ("card", c)) for c in held}


def test_the_second_hop_reaches_the_providers_its_cards_paid(loaded, small_data: Path) -> None:
    claims = pd.read_csv(small_data / "claims.csv", dtype=str)
    patient = claims["patient_id"].iloc[0]
    card = claims["card_id"].iloc[0]
    nb = neighbourhood(loaded, "patient", patient, hops=2, max_nodes=1000)
    paid_at = set(claims.loc[claims["card_id"] == card, "provider_id"])
    assert {("provider", v) for v in paid_at} <= {k for k, hop in nb.nodes.items() if hop == 2}
    claim_links = [link for link in nb.links if link.kind == "claims" and link.src == ("card", card)]
    assert sum(link.claims for link in claim_links) == int((claims["card_id"] == card).sum())
    assert all(link.first <= link.last and len(link.times) == link.claims for link in claim_links)


def test_a_busy_place_is_capped_per_hop_and_says_what_it_left_out(loaded, small_data: Path) -> None:
    provider = _busiest_provider(small_data)
    full = neighbourhood(loaded, "provider", provider, hops=1, max_nodes=10_000)
    assert not full.left_out
    capped = neighbourhood(loaded, "provider", provider, hops=1, max_nodes=20)
    assert len(capped.nodes) == 20
    [left] = capped.left_out
    assert left.hop == 1 and sum(left.kinds.values()) == len(full.nodes) - 20
    assert set(capped.nodes) <= set(full.nodes)
    # the strongest are kept: every card kept paid at least as many claims there as any card left out
    weight = {link.src: link.claims for link in full.links if link.kind == "claims"}
    kept = [weight[k] for k in capped.nodes if k[0] == "card"]
    dropped = [weight[k] for k in full.nodes if k[0] == "card" and k not in capped.nodes]
    assert kept and dropped and min(kept) >= max(dropped)


def test_a_time_window_keeps_only_claims_inside_it(loaded, small_data: Path) -> None:
    since, until = "2025-03-01", "2025-04-30"
    provider = _busiest_provider(small_data, since, until)  # busy in the window (the year's busiest may not be)
    lo, hi = epoch_window(since, until)
    nb = neighbourhood(loaded, "provider", provider, hops=1, max_nodes=10_000, since=since, until=until)
    everything = neighbourhood(loaded, "provider", provider, hops=1, max_nodes=10_000)
    times = [t for link in nb.links for t in link.times]
    assert times and all(lo <= t < hi for t in times)
    assert len(nb.nodes) < len(everything.nodes)
    assert all("2025-03-01" <= link.first[:10] <= link.last[:10] <= "2025-04-30"
               for link in nb.links if link.kind == "claims")


def test_a_claim_links_its_patient_card_provider_and_doctor(loaded, small_data: Path) -> None:
    claims = pd.read_csv(small_data / "claims.csv", dtype=str)
    c = claims.dropna(subset=["doctor_id"]).iloc[0]
    nb = neighbourhood(loaded, "claim", c["claim_id"], hops=1)
    expected = {("patient", c["patient_id"]), ("card", c["card_id"]), ("provider", c["provider_id"]), ("doctor", c["doctor_id"])}
    assert set(nb.nodes) == expected | {("claim", c["claim_id"])}
    assert {link.dst for link in nb.links if link.kind == "claim_of"} == expected


def test_a_ring_reaches_its_members_and_members_reach_their_ring(loaded) -> None:
    ring = detect(loaded).rings[0]
    nb = neighbourhood(loaded, "ring", ring.ring_id, hops=1, max_nodes=1000)
    assert {(m.type, m.id) for m in ring.members} == {k for k in nb.nodes if k[0] != "ring"}
    roles = {link.src: link.role for link in nb.links if link.kind == "member"}
    assert roles == {(m.type, m.id): m.role for m in ring.members}
    member = ring.patients[0]
    assert ("ring", ring.ring_id) in neighbourhood(loaded, "patient", member, hops=1).nodes
    assert nb.facts[("ring", ring.ring_id)]["score"] == pytest.approx(ring.score)


def test_ids_are_found_by_kind_and_bad_requests_are_refused(loaded, small_data: Path) -> None:
    claims = pd.read_csv(small_data / "claims.csv", dtype=str)
    first = claims.iloc[0]
    assert find(loaded, first["patient_id"]) == ["patient"]
    assert find(loaded, first["claim_id"]) == ["claim"]
    assert resolve(loaded, first["card_id"]) == "card"
    with pytest.raises(InputError, match="has the id"):
        resolve(loaded, "NO-SUCH-ID")
    with pytest.raises(InputError, match="no card"):
        resolve(loaded, first["patient_id"], "card")
    with pytest.raises(InputError, match="hops"):
        neighbourhood(loaded, "patient", first["patient_id"], hops=9)
    with pytest.raises(InputError, match="not a date"):
        neighbourhood(loaded, "patient", first["patient_id"], since="2025-13-01")
    with pytest.raises(InputError, match="empty"):
        neighbourhood(loaded, "patient", first["patient_id"], since="2025-05-01", until="2025-04-01")


def test_both_engines_give_the_same_neighbourhood(embedded, neo4j, small_data: Path) -> None:
    shapes = []
    for engine in (embedded, neo4j):
        load_directory(engine, small_data)
        detect(engine)
        nb = neighbourhood(engine, "provider", _busiest_provider(small_data), hops=2, max_nodes=120,
                           since="2025-01-01", until="2025-09-30")
        shapes.append((dict(nb.nodes), sorted((link.kind, link.src, link.dst, link.claims) for link in nb.links),
                       json.dumps([(lo.hop, lo.kinds, lo.more) for lo in nb.left_out], sort_keys=True)))
    assert shapes[0] == shapes[1]

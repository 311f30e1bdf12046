"""The scoring rules on small hand-built evidence: lines, context, corroboration, the null model, accomplices.

No engine: each test builds a few evidence rows with the motifs' own metadata and checks one rule.
"""

from __future__ import annotations

import random

import pandas as pd

from graphfraud.detect.evidence import motif
from graphfraud.detect.rings import RingRules, _accomplices, assemble, candidates, joined, ring_json, split_at_bridges
from graphfraud.detect.significance import Customers, Null, StandIns, judge, null_evidence, null_model, strata
from graphfraud.detect.suspicion import WEAK_CAP, suspicion, with_context
from graphfraud.vocabulary import Kind

RULES = RingRules()


def row(name: str, patients: list[str], providers: list[str] = (), doctors: list[str] = (), claims: list[str] = (),
        strength: float = 1.0):
    return motif(name).evidence(patients, [f"C{p[1:]}" for p in patients], providers, doctors, claims, {}, strength)


def test_being_far_from_home_again_and_again_never_makes_anyone_suspicious() -> None:
    rows = [row("displaced_card", ["P1"], ["H1"]) for _ in range(5)] + [row("far_pharmacy", ["P1"], ["Y1"]),
                                                                       row("two_place_card", ["P1"], ["Y1"])]
    assert abs(suspicion(rows)["P1"] - WEAK_CAP) < 1e-9 and RULES.context_seed > WEAK_CAP


def test_a_shared_phone_alone_is_weak_but_with_care_that_does_not_fit_it_corroborates() -> None:
    phone = row("shared_phone", ["P1", "P2", "P3", "P4"])
    assert max(suspicion([phone]).values()) <= WEAK_CAP + 1e-9
    s = suspicion([phone, row("misfit_care", ["P1"], ["H1"])])
    assert s["P1"] > 1 - (1 - WEAK_CAP) * (1 - 0.7 * 0.75) - 1e-9 and s["P1"] >= RULES.patient_threshold


def test_two_motifs_of_one_line_count_once_and_two_lines_combine() -> None:
    cash = [row("round_amounts", ["P1"], ["Y1"]), row("off_hours", ["P1"], ["Y1"])]   # both the cash-out line
    alone = suspicion([row("round_amounts", ["P1"], ["Y1"])])["P1"]
    assert suspicion(cash)["P1"] == alone
    both = suspicion([row("round_amounts", ["P1"], ["Y1"]), row("refill_too_soon", ["P1"], ["Y1"])])["P1"]
    assert both > alone


def test_one_coincidence_in_two_cities_says_less_than_the_same_again() -> None:
    once = suspicion([row("impossible_travel", ["P1"])])["P1"]
    twice = suspicion([row("impossible_travel", ["P1"]), row("impossible_travel", ["P1"])])["P1"]
    assert once < RULES.context_seed < twice


def test_company_lifts_only_from_patients_suspicious_in_their_own_right() -> None:
    burst = row("card_burst", ["P1", "P2", "P3", "P4"], ["Y1"])
    quiet = with_context([burst], {}, RULES.context_seed)
    assert all(quiet.get(p, 0.0) == 0.0 for p in ("P1", "P2", "P3", "P4"))
    lifted = with_context([burst], {"P1": 0.9, "P2": 0.9, "P3": 0.9}, RULES.context_seed)
    assert lifted["P4"] > 0.0 and lifted["P4"] <= 0.35


def test_a_community_flagged_only_far_from_home_is_no_candidate_ring() -> None:
    rows = [row("displaced_card", [p], ["H1"]) for p in ("P1", "P2", "P3")]
    found = candidates({0: ["P1", "P2", "P3"]}, rows, {"P1": 0.6, "P2": 0.6, "P3": 0.6}, RULES)
    assert found and not found[0].corroborated   # tied by H1, but displacement is a weak line


def test_cards_cashed_out_at_one_pharmacy_are_a_corroborated_candidate() -> None:
    rows = [row("round_amounts", [p], ["Y1"]) for p in ("P1", "P2", "P3") for _ in range(2)]   # two rows each
    found = candidates({0: ["P1", "P2", "P3", "P9"]}, rows, suspicion(rows) | {"P9": 0.0}, RULES)
    assert [c.core for c in found] == [["P1", "P2", "P3"]] and found[0].corroborated and found[0].tied


def test_the_null_hands_evidence_to_peers_one_patient_each_at_providers_like_their_own() -> None:
    wave = row("admission_wave", ["P1", "P2", "P3"], ["H1"], ["D1"])
    link = row("co_visit", ["P1", "P2"], ["H1"])
    peers = strata({f"P{i}": ("长春市", 1950) for i in range(1, 40)})
    places = StandIns({"H1": ("长春市/hospital", 10), "H2": ("长春市/hospital", 990)}, ["D1", "D2"])
    rows = null_evidence([wave, link], peers, places, random.Random(1))
    waves = [r for r in rows if r.motif == "admission_wave"]
    assert len(waves) == 3 and all(len(r.patients) == 1 for r in waves)        # split: no longer flagged together
    assert {r.providers[0] for r in waves} <= {"H1", "H2"}                        # another hospital of the same city
    assert [r for r in rows if r.motif == "co_visit"] == [link]                   # togetherness keeps its people


def test_the_null_hands_a_places_rows_to_customers_of_a_place_like_it_and_to_its_own_doctors() -> None:
    """A busy ward's re-admitted patients are its customers: chance puts flagged rows on a ward's customers."""
    seen = {"H1": ["P1", "P2", "P3"], "H2": [f"Q{i}" for i in range(30)], "Y1": ["P1", "Z1"]}
    customers = Customers(pd.DataFrame([(v, p) for v, ps in seen.items() for p in ps], columns=["provider", "patient"]))
    places = StandIns({"H1": ("长春市/hospital", 3), "H2": ("长春市/hospital", 30), "Y1": ("长春市/pharmacy", 2)},
                      ["D1"], {"H1": {"D1": 5}, "H2": {"D7": 100, "D8": 1}}, customers)
    rows = [row("split_admission", [p], ["H1"], ["D1"]) for p in ("P1", "P2", "P3")]
    peers = strata({p: ("长春市", 1950) for ps in seen.values() for p in ps})
    for seed in range(20):
        moved = null_evidence(rows, peers, places, random.Random(seed))
        for r in moved:
            (provider,) = r.providers
            assert r.patients[0] in seen[provider]                                # a customer of the stand-in
            assert set(r.doctors) <= ({"D1"} if provider == "H1" else {"D7", "D8"})  # one of its own doctors
    landed = [r.providers[0] for seed in range(50) for r in null_evidence(rows, peers, places, random.Random(seed))]
    assert landed.count("H2") > 3 * landed.count("H1")                            # by size: H2 is ten times H1


def test_the_null_makes_fewer_copies_once_they_hold_enough_rings_between_them() -> None:
    """Where chance makes rings in every copy, five copies estimate E as well as twenty (at 10^7: minutes each)."""
    rows = [row("round_amounts", [p], ["Y1"]) for p in ("P1", "P2", "P3") for _ in range(2)]
    peers = strata(dict.fromkeys(("P1", "P2", "P3"), ("长春市", 1950)))   # the rows can only land on the same three
    one_community = lambda projection, seed: [0] * len(projection.names)  # noqa: E731
    busy = null_model(rows, peers, RingRules(null_enough=3), one_community)
    assert busy.runs == 5 and all(len(run) == 1 for run in busy.strengths)
    assert null_model(rows, peers, RingRules(null_enough=1000), one_community).runs == RULES.null_runs


def test_the_null_expects_fewer_rings_the_stronger_they_are() -> None:
    null = Null([[2.0, 3.0], [2.5], [3.5, 4.0, 5.0], [], [2.2]])
    values = [null.expected(x) for x in (1.0, 2.4, 3.2, 6.0, 20.0)]
    assert values == sorted(values, reverse=True) and values[0] == 7 / 5 and 0 < values[-1] < 1e-3


def test_candidates_are_cut_above_the_false_discovery_rate_and_scored_by_it() -> None:
    rows = [row("round_amounts", [p], [v]) for v, ps in (("Y1", ["P1", "P2", "P3"]), ("Y2", ["P4", "P5", "P6"]))
            for p in ps for _ in range(2)]
    s = suspicion(rows)
    found = candidates({0: ["P1", "P2", "P3"], 1: ["P4", "P5", "P6"]}, rows, s, RULES)
    strong = judge(found, Null([[0.5]] * 10), 0.1)
    assert set(strong) == {0, 1} and all(q < 0.01 for _, q in strong.values())
    noise = judge(found, Null([[found[0].strength + 1] * 3] * 10), 0.1)   # chance gives three as strong every run
    assert noise == {}


def test_rings_far_beyond_chance_all_score_near_one_and_are_told_apart_by_how_far() -> None:
    rows = [row("round_amounts", [p], [v], claims=[f"k{p}{i}"]) for v, ps, n in
            (("Y1", ["P1", "P2", "P3"], 2), ("Y2", ["P4", "P5", "P6"], 6)) for p in ps for i in range(n)]
    rows += [row("misfit_care", [p], ["Y2"], claims=[f"h{p}"]) for p in ("P4", "P5", "P6")]
    found = candidates({0: ["P1", "P2", "P3"], 1: ["P4", "P5", "P6"]}, rows, suspicion(rows), RULES)
    null = Null([[0.1]] * 40)
    facts = {c: {"patient_id": ev.patients[0], "provider_id": ev.providers[0], "amount": 10.0, "ts": "2026-01-01"}
             for ev in rows for c in ev.claims}
    rings = assemble(found, {}, facts, rules=RULES, judged=judge(found, null, 0.1), null_strongest=null.strongest)
    chance = [ring_json(r)["significance"] for r in rings]
    assert min(r.score for r in rings) > 0.999 and all(c["beyond_null"] for c in chance)
    assert rings[0].patients == ["P4", "P5", "P6"]   # the stronger ring first although both read 1.0
    assert chance[0]["chance_log10"] < chance[1]["chance_log10"] < -3


def test_the_rings_phone_brings_in_those_who_give_it_but_a_switchboard_does_not() -> None:
    core = {"P1", "P2", "P3"}
    broker = row("shared_phone", ["P1", "P2", "B1", "R1"])        # half of the number's people are the core
    switchboard = row("shared_phone", ["P3", "P1", *[f"E{i}" for i in range(10)]])   # two of twelve
    alone = row("shared_phone", ["P3", "S1", "S2", "S3"])         # one core patient is no tie
    assert joined([broker, switchboard, alone], core, RULES) == {"B1": "shared_phone", "R1": "shared_phone"}
    assert joined([row("co_visit", ["P1", "P2", "X1"])], core, RULES) == {}   # togetherness does not join


def test_a_doctor_is_an_accomplice_only_through_the_rings_own_claims() -> None:
    wave = row("admission_wave", ["P1", "P2", "P3"], ["H1"], ["D1", "D2"], ["c1", "c2", "c3"])
    facts = {"c1": {"patient_id": "P1", "provider_id": "H1", "doctor_id": "D1"},
             "c2": {"patient_id": "P2", "provider_id": "H1", "doctor_id": "D1"},
             "c3": {"patient_id": "P3", "provider_id": "H1", "doctor_id": "D2"}}   # D2 admitted one of them
    tied = {(kind, x) for kind, x, _ in _accomplices([wave], {"P1", "P2", "P3"}, facts, RULES)}
    assert tied == {(Kind.PROVIDER, "H1"), (Kind.DOCTOR, "D1")}


def test_lent_cards_each_used_for_care_that_cannot_be_theirs_at_one_hospital_are_tied_by_it() -> None:
    rows = [row("misfit_care", [p], ["H1"]) for p in ("P1", "P2", "P3")] + [row("impossible_travel", ["P1"], ["H1", "K7"])]
    found = candidates({0: ["P1", "P2", "P3"]}, rows, {"P1": 0.8, "P2": 0.6, "P3": 0.6}, RULES)
    assert found[0].tied and found[0].corroborated
    tied = {(kind, x) for kind, x, _ in _accomplices(found[0].rows, {"P1", "P2", "P3"}, {}, RULES)}
    assert tied == set()            # the hospital where the cards were used is a place, not an accomplice


def test_strong_evidence_at_different_hospitals_ties_no_one() -> None:
    rows = [row("misfit_care", [p], [h]) for p, h in (("P1", "H1"), ("P2", "H2"), ("P3", "H3"))]
    found = candidates({0: ["P1", "P2", "P3"]}, rows, {"P1": 0.6, "P2": 0.6, "P3": 0.6}, RULES)
    assert not found[0].tied


def test_being_far_from_home_at_one_hospital_ties_no_one() -> None:
    rows = [row("displaced_card", [p], ["H1"]) for p in ("P1", "P2", "P3")] + [row("misfit_care", ["P1"], ["H2"])]
    found = candidates({0: ["P1", "P2", "P3"]}, rows, {"P1": 0.6, "P2": 0.6, "P3": 0.6}, RULES)
    assert not found[0].tied        # displacement is a weak line: sharing its place is ordinary mobility


def test_weak_lines_together_stay_weak_so_a_care_home_that_gives_its_phone_lends_no_one_suspicion() -> None:
    residents = ["P1", "P2", "P3", "P4", "P5"]
    rows = [row("shared_phone", residents)] + [row("displaced_card", [p], ["K1"]) for p in residents]
    s = suspicion(rows)
    assert all(abs(s[p] - WEAK_CAP) < 1e-9 for p in residents) and RULES.context_seed > WEAK_CAP
    together = with_context(rows + [row("co_visit", residents, ["K1"])], s, RULES.context_seed)
    assert together == s


def test_a_line_whose_only_row_says_next_to_nothing_does_not_corroborate() -> None:
    rows = [row("shared_phone", ["P1", "P2", "P3"]), row("impossible_travel", ["P1"], ["K1", "Y1"], strength=0.05)]
    found = candidates({0: ["P1", "P2", "P3"]}, rows, {"P1": 0.6, "P2": 0.6, "P3": 0.6}, RULES)
    assert found[0].tied and found[0].lines == ["phone"] and not found[0].corroborated


def test_two_rings_that_one_coincidence_joins_are_two_candidates() -> None:
    cashed = [row("round_amounts", [p], ["Y1"]) for p in ("P1", "P2", "P3") for _ in range(2)]
    readmitted = [row("split_admission", [p], ["H1"], ["D1"]) for p in ("P4", "P5", "P6") for _ in range(2)]
    same_day = row("admission_wave", ["P3", "P4", "P90", "P91"], ["H2"], ["D7"])   # one of each, admitted together
    rows = cashed + readmitted + [same_day]
    core = ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert split_at_bridges(core, rows, RULES) == [["P1", "P2", "P3"], ["P4", "P5", "P6"]]
    found = candidates({0: core}, rows, dict.fromkeys(core, 0.6), RULES)
    assert sorted(c.core for c in found) == [["P1", "P2", "P3"], ["P4", "P5", "P6"]]


def test_a_ring_with_one_member_hanging_on_one_row_stays_whole() -> None:
    rows = [row("round_amounts", [p], ["Y1"]) for p in ("P1", "P2", "P3")] + [row("co_visit", ["P3", "P4"], ["Y1"])]
    assert split_at_bridges(["P1", "P2", "P3", "P4"], rows, RULES) == [["P1", "P2", "P3", "P4"]]


def test_one_patients_coincidence_among_company_is_no_ring() -> None:
    residents = ["P1", "P2", "P3", "P4"]
    rows = [row("shared_phone", residents), row("impossible_travel", ["P1"], ["H1", "Y1"]),
            row("co_visit", residents, ["K1"])]
    found = candidates({0: residents}, rows, dict.fromkeys(residents, 0.6), RULES)
    assert found[0].tied and "travel" in found[0].lines and found[0].own == 0 and not found[0].corroborated
    rows.append(row("misfit_care", ["P2"], ["H1"]))                       # one patient suspicious on her own
    assert candidates({0: residents}, rows, dict.fromkeys(residents, 0.6), RULES)[0].own == 1
    rows.append(row("misfit_care", ["P3"], ["H1"]))                       # and a second one
    assert candidates({0: residents}, rows, dict.fromkeys(residents, 0.6), RULES)[0].corroborated


def test_two_faint_coincidences_in_one_care_home_are_no_ring() -> None:
    """The home's phone, the staff's monthly refills at one pharmacy, one resident admitted on a busy day and
    another whose card was once in two cities within the hour: each coincidence is below what lets a patient
    raise its company, so neither resident vouches for a ring (burst-mobile's false ring of eleven residents)."""
    residents = [f"P{i}" for i in range(1, 12)]
    rows = [row("shared_phone", residents), row("card_burst", residents, ["Y1"]),
            row("terminal_sequence", residents[:6], ["K1"]),
            row("admission_wave", ["P1", "P90", "P91", "P92"], ["H1"], ["D1", "D2"]),
            row("impossible_travel", ["P2"], ["K3", "K4"])]
    found = candidates({0: residents}, rows, dict.fromkeys(residents, 0.6), RULES)
    assert found[0].tied and sorted(found[0].lines) == ["admission", "phone", "travel"]
    assert found[0].own == 0 and not found[0].corroborated

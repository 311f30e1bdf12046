"""Drug-level motifs (graphfraud/detect/boxes.py): one box one sale, the pharmacy's stock, a seller's purchases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud.detect.boxes import hoarding, resales
from graphfraud.detect.evidence import motif
from graphfraud.detect.refine import Context
from graphfraud.load import load_directory

DRUG_MOTIFS = ["box_resold", "unpurchased_code", "oversold_item", "repeat_purchase"]
DAY = 86_400


def _box(code: str, *lines: tuple) -> dict:
    """A box_resold row: lines of (day, claim, quantity, split, provider, patient)."""
    days, claims, qty, split, prov, who = zip(*lines)
    return {"code": code, "item": "XA10AEG001", "n": len(lines), "claim_list": list(claims),
            "times": [d * DAY for d in days], "provider_list": list(prov), "patient_list": list(who),
            "card_list": [f"K{w}" for w in who], "quantities": list(qty), "split_list": list(split),
            "names": ["甘精胰岛素注射液"] * len(lines)}


def _resales(*boxes: dict) -> list:
    ctx = Context(engine=None, frames={}, params=lambda name: {})
    return resales(motif("box_resold"), pd.DataFrame(list(boxes)), {"same_place": 0.3}, ctx)


def test_a_box_settled_again_elsewhere_implicates_its_buyer_before_and_the_place_that_settled_it() -> None:
    rows = _resales(_box("B1", (1, "C1", 1, 0, "H1", "S1"), (9, "C2", 1, 0, "Y1", "X1"), (20, "C3", 1, 0, "Y2", "X2")))
    assert [(r.patients, r.providers, r.claims, r.strength) for r in rows] == [
        (["S1"], ["Y1"], ["C1", "C2"], 1.0), (["X1"], ["Y2"], ["C2", "C3"], 1.0)]
    assert rows[0].through == {"C2": "S1"} and rows[0].facts["days"] == 8
    assert "X1" not in rows[0].patients  # the customer who got the box back is not implicated


def test_split_packs_returns_and_double_scans_are_not_resales_and_the_same_counter_says_little() -> None:
    rows = _resales(
        _box("B7", (1, "C1", 10, 1, "Y2", "A"), (2, "C2", 10, 1, "Y2", "B"), (3, "C3", 10, 1, "Y2", "C")),  # 拆零
        _box("B8", (1, "C4", 1, 0, "Y2", "D"), (1, "C4", -1, 0, "Y2", "D"), (5, "C5", 1, 0, "Y2", "E")),   # returned
        _box("B9", (1, "C6", 1, 0, "Y2", "F"), (1, "C6", 1, 0, "Y2", "F")),                                # one claim, two scans
        _box("B5", (1, "C7", 10, 1, "Y2", "G"), (4, "C8", 10, 1, "Y3", "H")),                              # pieces at two shops
        _box("B6", (1, "C9", 1, 0, "Y2", "I"), (8, "C10", 1, 0, "Y2", "J")),                               # same counter again
    )
    assert [(r.facts["code"], r.patients, r.providers, r.strength) for r in rows] == [
        ("B5", ["G"], ["Y3"], 1.0), ("B6", ["I"], [], 0.3)]  # the same counter again: weak, and it names no place


def test_hoarding_finds_the_busiest_window_at_several_places() -> None:
    frame = pd.DataFrame([
        {"card": "K1", "patient": "S1", "item": "XA10AEG001", "n": 4, "n_places": 2, "names": ["胰岛素"] * 4,
         "times": [0, 40 * DAY, 45 * DAY, 52 * DAY], "provider_list": ["H1", "H1", "Y2", "H1"],
         "claim_list": ["C1", "C2", "C3", "C4"]},
        {"card": "K2", "patient": "P2", "item": "XA10AEG001", "n": 3, "n_places": 2, "names": ["胰岛素"] * 3,
         "times": [0, 31 * DAY, 62 * DAY], "provider_list": ["H1", "Y2", "H1"], "claim_list": ["C5", "C6", "C7"]},
    ])
    params = {"window_days": 30, "min_purchases": 3, "min_places": 2}
    rows = hoarding(motif("repeat_purchase"), frame, params, Context(engine=None, frames={}, params=lambda n: {}))
    assert [(r.patients, r.claims, r.facts["days"], r.providers) for r in rows] == [(["S1"], ["C2", "C3", "C4"], 12, [])]


def test_drug_motifs_find_the_resale_and_the_swap_and_nobody_else_on_both_engines(engine, drug_data: Path,
                                                                                     tmp_path: Path) -> None:
    from graphfraud.detect.motifs import collect
    from graphfraud.detect.run import detect

    load_directory(engine, drug_data, rejects_dir=tmp_path / "rejects")
    rows = collect(engine, only=DRUG_MOTIFS)
    by_motif = {m: sorted(p for r in rows if r.motif == m for p in r.patients) for m in DRUG_MOTIFS}
    assert by_motif == {"box_resold": ["S1", "S1", "S2", "S3"], "unpurchased_code": ["W1", "W2", "W3"],
                        "oversold_item": ["W1", "W2", "W3"], "repeat_purchase": ["S1"]}
    result = detect(engine, write_back=False)
    rings = {tuple(r.patterns): r for r in result.rings}
    assert set(rings) == {("drug_resale",), ("pharmacy_cashout",)}
    resale, swap = rings[("drug_resale",)], rings[("pharmacy_cashout",)]
    assert [(m.type, m.id, m.role) for m in resale.members if m.type in ("patient", "provider")] == [
        ("patient", "S1", "seller"), ("patient", "S2", "seller"), ("patient", "S3", "seller"),
        ("provider", "Y1", "resale_pharmacy")]
    assert swap.patients == ["W1", "W2", "W3"] and swap.ids("provider") == ["Y3"]
    # the customers who got boxes back, the split pack's and the return's, and the places sellers bought at: nobody
    members = {m.id for r in result.rings for m in r.members}
    assert not members & {"X1", "X2", "X3", "X4", "H1", "Y2"}
    # the boxes settled again count towards the ring's amount at risk
    assert resale.amount_at_risk > sum((310.5, 305.0, 310.5, 310.5, 310.5))


def test_purchases_bring_in_their_boxes_when_every_item_of_the_folder_is_rejected(engine, tmp_path: Path) -> None:
    from conftest import write_drug_folder

    folder = write_drug_folder(tmp_path / "input")
    items = (folder / "items.csv").read_text(encoding="utf-8").splitlines()
    (folder / "items.csv").write_text("\n".join([items[0]] + [f"Z{line}" for line in items[1:]]) + "\n", encoding="utf-8")
    summary = load_directory(engine, folder, rejects_dir=tmp_path / "rejects")   # items of claims not in the folder
    purchases = pd.read_csv(folder / "purchases.csv", dtype=str)
    assert summary.rejected == len(items) - 1
    assert engine.counts()["Box"] == purchases["trace_code"].nunique()
    brought = engine.run("MATCH (:Purchase)-[:BROUGHT_IN]->(b:Box) RETURN count(DISTINCT b) AS n")
    assert int(brought["n"][0]) == purchases["trace_code"].nunique()

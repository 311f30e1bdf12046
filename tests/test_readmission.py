"""Split admissions on both engines: a re-admission counts, an overlapping stay does not.

Found on a public US Medicare extract (examples/data/medicare-inpatient): a claim admitted a
day before the previous one ended (an interim bill, a transfer) read as "re-admitted -1.0 days
later" and made three ordinary patients of a busy hospital look like a gang.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud.detect.thresholds import params_for
from graphfraud.load import load_directory

STAYS = {  # patient → the two stays (admitted, discharged at)
    "P001": (("2025-01-02", "2025-01-10T10:00:00"), ("2025-01-12", "2025-01-20T10:00:00")),   # back two days later
    "P002": (("2025-01-02", "2025-01-10T00:00:00"), ("2025-01-09", "2025-01-15T00:00:00")),   # overlaps the first
    "P003": (("2025-01-02", "2025-01-10T10:00:00"), ("2025-01-10", "2025-01-18T10:00:00")),   # back the same day
    "P004": (("2025-01-02", "2025-01-10T10:00:00"), ("2025-02-20", "2025-02-28T10:00:00")),   # weeks apart
}


def _folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    pd.DataFrame({"provider_id": ["H1"], "name": ["医院"], "type": ["hospital"], "city": ["长春市"], "lat": [43.88],
                  "lon": [125.32]}).to_csv(folder / "providers.csv", index=False)
    pd.DataFrame({"doctor_id": ["D1"], "name": ["甲"], "provider_id": ["H1"], "specialty": ["内科"]}).to_csv(
        folder / "doctors.csv", index=False)
    ids = list(STAYS)
    pd.DataFrame({"patient_id": ids, "name": "测试", "sex": "F", "birth_date": "1950-01-01",
                  "phone": [f"1380000000{i}" for i in range(len(ids))],
                  "address": [f"长春市朝阳区{i}号" for i in range(len(ids))], "death_date": "", "id_number": ""}).to_csv(
        folder / "patients.csv", index=False)
    pd.DataFrame({"card_id": [p.replace("P", "C") for p in ids], "patient_id": ids}).to_csv(folder / "cards.csv", index=False)
    rows = [{"claim_id": f"CL{p[1:]}{n}", "patient_id": p, "card_id": p.replace("P", "C"), "provider_id": "H1",
             "doctor_id": "D1", "ts": out, "amount": 3000.0, "fund_paid": 2000.0, "visit_type": "inpatient",
             "diagnosis": "I10", "admit_date": admitted, "discharge_date": out[:10], "terminal_id": "H1-T1"}
            for p, stays in STAYS.items() for n, (admitted, out) in enumerate(stays)]
    pd.DataFrame(rows).to_csv(folder / "claims.csv", index=False)
    return folder


def test_a_re_admission_within_days_is_split_but_an_overlapping_stay_is_not(engine, tmp_path: Path) -> None:
    load_directory(engine, _folder(tmp_path / "input"))
    rows = engine.query("motifs/split_admission", params_for("split_admission"))
    assert sorted(rows["patient"]) == ["P001", "P003"]
    gaps = rows.set_index("patient")["gap_days"]
    assert round(float(gaps["P001"]), 2) == 1.58 and -1 < float(gaps["P003"]) <= 0


def test_quick_re_admissions_count_only_where_an_institution_or_a_doctor_stands_out() -> None:
    """Every hospital re-admits some patients within days; one that cuts stays in two re-admits far more often."""
    from collections import Counter
    from types import SimpleNamespace

    from graphfraud.detect.evidence import motif
    from graphfraud.detect.refine import _standing_out, readmissions

    stays = {f"H{i}": 400 for i in range(20)} | {"BUSY": 2_000, "SPLIT": 60}
    quick = Counter({f"H{i}": 2 for i in range(20)} | {"BUSY": 12, "SPLIT": 9})   # about 0.5 % everywhere but SPLIT
    assert set(_standing_out(quick, stays, 2.0, 0.01)) == {"SPLIT"}
    lift, k, n = _standing_out(quick, stays, 2.0, 0.01)["SPLIT"]
    assert (k, n) == (9, 60) and lift > 10

    def frame(provider: str, doctor: str, patients: int) -> list[dict]:
        return [{"patient": f"{provider}{doctor}{p}", "provider": provider, "gap_days": 1.0, "patients": [f"{provider}{doctor}{p}"],
                 "cards": [], "providers": [provider], "doctors": [doctor, doctor], "claims": [f"A{provider}{doctor}{p}"]}
                for p in range(patients)]
    rows = pd.DataFrame(frame("BUSY", "D1", 3) + frame("BUSY", "D2", 6) + frame("H1", "D3", 2) + frame("H2", "D4", 20))
    ctx = SimpleNamespace(stays={"provider": {"BUSY": 2_000, "H1": 400, "H2": 4_000},
                                 "doctor": {"D1": 1_000, "D2": 30, "D3": 400, "D4": 4_570}})
    kept = readmissions(motif("split_admission"), rows, {"min_lift": 2.0, "max_p": 0.01}, ctx)
    assert {ev.facts["who"] for ev in kept} == {"D2"}              # the busy hospital is ordinary, one of its doctors is not
    assert len(kept) == 6 and "D2" in kept[0].reason and "30" in kept[0].reason_zh

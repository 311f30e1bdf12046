"""The doctor → pharmacy funnel on a hand-built city, on both engines: what it is compared with decides.

A doctor whose high-value scripts all go to one pharmacy is a funnel only against some
comparison: the doctor's own ordinary scripts, the colleagues' scripts, or — when neither
exists — the other doctors of the city.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud.detect.thresholds import params_for
from graphfraud.load import load_directory

CITY = "长春市"
PHARMACIES = ["Y1", "Y2", "Y3", "Y4"]


def _city(folder: Path) -> Path:
    """A clinic doctor (D1) whose every script is high-value and filled at Y1; a community doctor (D4) whose
    patients fill cheap and dear scripts alike at Y2 next door; hospital doctors (D2, D3) spread over the city."""
    folder.mkdir(parents=True)
    providers = [("K1", "clinic"), ("K2", "clinic"), ("H1", "hospital")] + [(p, "pharmacy") for p in PHARMACIES]
    pd.DataFrame({"provider_id": [p for p, _ in providers], "name": [f"机构{p}" for p, _ in providers],
                  "type": [t for _, t in providers], "city": CITY, "lat": 43.88, "lon": 125.32}).to_csv(
        folder / "providers.csv", index=False)
    pd.DataFrame({"doctor_id": ["D1", "D2", "D3", "D4"], "name": ["甲", "乙", "丙", "丁"],
                  "provider_id": ["K1", "H1", "H1", "K2"], "specialty": "全科"}).to_csv(folder / "doctors.csv", index=False)
    patients = [f"P{i:03d}" for i in range(1, 41)]
    pd.DataFrame({"patient_id": patients, "name": "测试", "sex": "F", "birth_date": "1960-01-01",
                  "phone": [f"1380000{i:04d}" for i in range(1, 41)],
                  "address": [f"{CITY}朝阳区{i}号" for i in range(1, 41)], "death_date": "", "id_number": ""}).to_csv(
        folder / "patients.csv", index=False)
    pd.DataFrame({"card_id": [p.replace("P", "C") for p in patients], "patient_id": patients}).to_csv(
        folder / "cards.csv", index=False)
    rows = []

    def script(patient: str, doctor: str, pharmacy: str, amount: float) -> None:
        day = 1 + len(rows) % 28
        rows.append({"claim_id": f"CL{len(rows) + 1:05d}", "patient_id": patient, "card_id": patient.replace("P", "C"),
                     "provider_id": pharmacy, "doctor_id": doctor, "ts": f"2025-03-{day:02d}T10:{len(rows) % 60:02d}:00",
                     "amount": amount, "fund_paid": amount * 0.6, "visit_type": "pharmacy", "diagnosis": "E11.9",
                     "admit_date": "", "discharge_date": "", "terminal_id": f"{pharmacy}-T1"})

    for i in range(12):                                   # the funnel: D1's recruits, every script at Y1
        script(patients[i % 6], "D1", "Y1", 900.0)
    for i in range(12):                                   # the community doctor: cheap and dear, all next door
        script(patients[6 + i % 6], "D4", "Y2", 900.0 if i % 2 else 120.0)
    for i in range(24):                                   # the hospital's doctors: dear scripts all over the city
        script(patients[12 + i % 28], "D2" if (i // 4) % 2 else "D3", PHARMACIES[i % 4], 900.0)
    pd.DataFrame(rows).to_csv(folder / "claims.csv", index=False)
    return folder


def test_a_doctor_with_nothing_of_his_own_to_compare_is_held_against_the_citys_other_doctors(engine, tmp_path: Path) -> None:
    load_directory(engine, _city(tmp_path / "input"))
    rows = engine.query("motifs/doctor_funnel", {**params_for("doctor_funnel"), "min_amount": 500.0, "min_scripts": 6})
    found = {(r["doctor"], r["provider"]): r for r in rows.to_dict("records")}
    assert set(found) == {("D1", "Y1")}                   # not D4, whose own cheap scripts go next door too
    funnel = found[("D1", "Y1")]
    assert funnel["basis"] == "the other doctors' high-value prescriptions in its city" and funnel["best_lift"] >= 3.0
    assert sorted(set(funnel["patients"])) == [f"P{i:03d}" for i in range(1, 7)]

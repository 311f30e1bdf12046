"""Care that does not fit the claim's own patient, on both engines: a woman of 55 is not "56"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud.detect.thresholds import params_for
from graphfraud.load import load_directory

PEOPLE = {  # patient → (sex, birth date, diagnosis claimed in January 2025)
    "P001": ("F", "1969-12-20", "O26.9"),   # 55 in January 2025; the years differ by 56
    "P002": ("F", "1960-03-01", "O26.9"),   # 64: pregnancy care that cannot be hers
    "P003": ("M", "1980-05-05", "O80"),     # childbirth on a man
    "P004": ("F", "1990-05-05", "O80"),     # ordinary
}


def _folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    pd.DataFrame({"provider_id": ["H1"], "name": ["医院"], "type": ["hospital"], "city": ["长春市"], "lat": [43.88],
                  "lon": [125.32]}).to_csv(folder / "providers.csv", index=False)
    pd.DataFrame({"doctor_id": ["D1"], "name": ["甲"], "provider_id": ["H1"], "specialty": ["妇产科"]}).to_csv(
        folder / "doctors.csv", index=False)
    ids = list(PEOPLE)
    pd.DataFrame({"patient_id": ids, "name": "测试", "sex": [PEOPLE[p][0] for p in ids],
                  "birth_date": [PEOPLE[p][1] for p in ids], "phone": [f"1380000000{i}" for i in range(len(ids))],
                  "address": [f"长春市朝阳区{i}号" for i in range(len(ids))], "death_date": "", "id_number": ""}).to_csv(
        folder / "patients.csv", index=False)
    pd.DataFrame({"card_id": [p.replace("P", "C") for p in ids], "patient_id": ids}).to_csv(folder / "cards.csv", index=False)
    pd.DataFrame({"claim_id": [f"CL{i:03d}" for i in range(len(ids))], "patient_id": ids,
                  "card_id": [p.replace("P", "C") for p in ids], "provider_id": "H1", "doctor_id": "D1",
                  "ts": "2025-01-10T10:00:00", "amount": 300.0, "fund_paid": 200.0, "visit_type": "outpatient",
                  "diagnosis": [PEOPLE[p][2] for p in ids], "admit_date": "", "discharge_date": "",
                  "terminal_id": "H1-T1"}).to_csv(folder / "claims.csv", index=False)
    return folder


def test_care_is_misfit_only_when_the_patient_surely_cannot_have_it(engine, tmp_path: Path) -> None:
    load_directory(engine, _folder(tmp_path / "input"))
    rows = engine.query("motifs/misfit_care", params_for("misfit_care"))
    assert sorted(rows["holder"]) == ["P002", "P003"]
    assert int(rows.set_index("holder").at["P002", "age"]) == 64   # the least she can be (2025 − 1960 − 1): her birthday may be ahead

"""Claims with a date but no time of day (settled "at 00:00:00") say nothing about hours, on both engines.

Some exports carry the settlement date only. Read as midnight, every card of the day would be
swiped in one burst, in one sequence at each terminal, after hours, and in two cities at once;
the motifs that measure time of day leave such claims out instead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud.detect.motifs import collect
from graphfraud.load import load_directory

TIMED = ["terminal_sequence", "impossible_travel", "card_burst", "off_hours", "co_visit"]


def _folder(folder: Path, dates_only: bool) -> Path:
    folder.mkdir(parents=True)
    pd.DataFrame({"provider_id": ["Y1", "Y2"], "name": ["长春药店", "北京药店"], "type": "pharmacy",
                  "city": ["长春市", "北京市"], "lat": [43.88, 39.90], "lon": [125.32, 116.40]}).to_csv(
        folder / "providers.csv", index=False)
    pd.DataFrame({"doctor_id": ["D1"], "name": ["甲"], "provider_id": ["Y1"], "specialty": ["内科"]}).to_csv(
        folder / "doctors.csv", index=False)
    ids = [f"P{i}" for i in range(1, 6)]
    pd.DataFrame({"patient_id": ids, "name": "测试", "sex": "F", "birth_date": "1960-01-01",
                  "phone": [f"1380000000{i}" for i in range(len(ids))],
                  "address": [f"长春市朝阳区{i}号" for i in range(len(ids))], "death_date": "", "id_number": ""}).to_csv(
        folder / "patients.csv", index=False)
    pd.DataFrame({"card_id": [p.replace("P", "C") for p in ids], "patient_id": ids}).to_csv(folder / "cards.csv", index=False)
    at = lambda hh_mm: "2025-03-03T00:00:00" if dates_only else f"2025-03-03T{hh_mm}:00"  # noqa: E731
    rows = [(p, "Y1", "Y1-T1", at(f"10:0{i}")) for i, p in enumerate(ids)]   # five cards in five minutes at one terminal
    rows.append(("P1", "Y2", "Y2-T1", at("11:00")))                          # and the first in Beijing an hour later
    pd.DataFrame([{"claim_id": f"CL{i:02d}", "patient_id": p, "card_id": p.replace("P", "C"), "provider_id": v,
                   "doctor_id": "D1", "ts": ts, "amount": 88.0, "fund_paid": 60.0, "visit_type": "pharmacy",
                   "diagnosis": "I10", "admit_date": "", "discharge_date": "", "terminal_id": t}
                  for i, (p, v, t, ts) in enumerate(rows)]).to_csv(folder / "claims.csv", index=False)
    return folder


def test_claims_with_a_time_make_a_sequence_and_an_impossible_journey(engine, tmp_path: Path) -> None:
    load_directory(engine, _folder(tmp_path / "input", dates_only=False))
    found = {ev.motif for ev in collect(engine, only=TIMED)}
    assert {"terminal_sequence", "impossible_travel"} <= found


def test_the_same_claims_with_dates_only_make_nothing_of_hours(engine, tmp_path: Path) -> None:
    load_directory(engine, _folder(tmp_path / "input", dates_only=True))
    assert collect(engine, only=TIMED) == []

"""Hostile input files (issue 16): every one gives rejected rows with reasons or one clean line — never a traceback.

Each test writes real files and reads or loads them the way ``graphfraud load`` does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graphfraud.ingest import _out_of_range, read_input
from graphfraud.load import load_directory

CLAIMS = "claim_id,patient_id,card_id,provider_id,ts,amount,visit_type,admit_date,discharge_date\n"
GOOD = "A9,P9,C9,Y1,2026-01-05T10:00:00,10,outpatient,,\n"


def _rejects(folder: Path, table: str = "claims") -> dict[str, str]:
    rejects = read_input(folder).tables[table].rejects
    return dict(zip(rejects["_row"].astype(str), rejects["_reason"]))


# --------------------------------------------------------------------------- dates outside pandas' range (High 1)

def test_dates_outside_the_supported_range_reject_their_row_and_the_load_goes_on(engine, tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD + (
        "A1,P1,C1,Y1,2999-12-31T23:59:59,10,outpatient,,\n"        # row 3
        "A2,P2,C2,Y1,2026-01-05T10:00:00,10,inpatient,1600-01-01,\n"  # row 4
        "A3,P3,C3,Y1,2026-01-05T10:00:00,10,inpatient,2026-01-01,9999-12-31\n"  # row 5
        "A4,P4,C4,Y1,1600-01-01 08:00,10,outpatient,,\n"           # row 6
    ), encoding="utf-8")
    (tmp_path / "patients.csv").write_text(
        "patient_id,birth_date,death_date\nP9,1980-02-03,\nP1,9999-12-31,\nP2,1600-01-01,\nP3,1950-01-01,9999-12-31\n",
        encoding="utf-8")
    summary = load_directory(engine, tmp_path, rejects_dir=tmp_path / "rejects")
    assert (summary.accepted, summary.rejected) == (2, 7)  # A9 and P9
    assert engine.counts()["Claim"] == 1
    claims = pd.read_csv(tmp_path / "rejects" / "claims.csv", dtype=str, encoding="utf-8-sig").set_index("_row")
    assert claims["_column"].to_dict() == {"3": "ts", "4": "admit_date", "5": "discharge_date", "6": "ts"}
    assert all(claims["_reason"].str.contains("outside 1880-01-01…2100-12-31"))
    patients = pd.read_csv(tmp_path / "rejects" / "patients.csv", dtype=str, encoding="utf-8-sig").set_index("_row")
    assert patients["_column"].to_dict() == {"3": "birth_date", "4": "birth_date", "5": "death_date"}


def test_a_no_date_placeholder_listed_in_the_mapping_na_reads_as_missing(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    (tmp_path / "patients.csv").write_text("patient_id,birth_date,death_date\nP9,1980-02-03,9999-12-31\n", encoding="utf-8")
    (tmp_path / "mapping.toml").write_text('[patients]\nna = ["9999-12-31"]\n', encoding="utf-8")
    patients = read_input(tmp_path).tables["patients"]
    assert patients.rejects.empty and patients.frame["death_epoch"].isna().all()


def test_a_year_an_older_pandas_cannot_parse_is_still_named_out_of_range() -> None:
    values = pd.Series(["9999-12-31", "2026-13-45", "yesterday", "1600-01-01T00:00:00"])
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")  # what pandas 2 gives for all four
    assert _out_of_range(values, parsed, pd.Series(True, index=values.index)).tolist() == [True, False, False, True]


# --------------------------------------------------------------------------- no personal data in messages (Medium 5)

PEOPLE = ["P000001,蔡静英,M,2008-12-22,13012345679,北京市朝阳区建国路1号,,110105200812221234",
          "P000002,王小明,F,1990-01-01,13912345678,上海市浦东新区,,310115199001011234"]


def _message(folder: Path, mapping: Path | None = None) -> str:
    from graphfraud.errors import InputError

    with pytest.raises(InputError) as caught:
        read_input(folder, mapping)
    return str(caught.value)


def test_a_patients_file_without_its_header_row_is_named_so_and_no_value_is_quoted(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    (tmp_path / "patients.csv").write_text("\n".join(PEOPLE) + "\n", encoding="utf-8")
    message = _message(tmp_path)
    assert message.startswith("patients.csv: missing required column 'patient_id'") and "no header row" in message
    for value in ",".join(PEOPLE).split(","):
        assert not value or value not in message, value
    assert "\n" not in message


def test_a_garbage_file_gives_one_short_line(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    cells = ['"' + "".join(rng.choice("ab\n\r,;x1é") for _ in range(6)).replace('"', "") + '"' for _ in range(5000)]
    (tmp_path / "claims.csv").write_text(",".join(cells) + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    message = _message(tmp_path)
    assert "\n" not in message and "\r" not in message and len(message) < 400, message


def test_headers_that_are_names_are_listed_capped_and_a_mapping_names_the_missing_one(tmp_path: Path) -> None:
    headers = ["claim_id", "patient_id", "provider_id", "ts", "amount", "visit_type"] + [f"extra_{i}" for i in range(30)]
    (tmp_path / "claims.csv").write_text(",".join(headers) + "\n" + ",".join("x" * len(headers)) + "\n", encoding="utf-8")
    message = _message(tmp_path)
    assert "missing required column 'card_id'" in message and "claim_id, patient_id" in message
    assert "(24 more)" in message and "extra_29" not in message
    (tmp_path / "mapping.toml").write_text('[claims.columns]\ncard_id = "Card"\n', encoding="utf-8")
    assert "mapped column(s) 'Card' not in the file (found: claim_id" in _message(tmp_path)


# --------------------------------------------------------------------------- amounts (Medium 9)

def test_infinite_and_implausible_amounts_reject_their_row_and_rings_json_stays_strict_json(embedded, tmp_path: Path) -> None:
    import json

    from graphfraud.detect.report import write_report
    from graphfraud.detect.run import detect

    rows = ("A1,P1,C1,Y1,2026-01-05T10:00:00,inf,outpatient,,\n"        # row 3
            "A2,P2,C2,Y1,2026-01-05T10:00:00,1e309,outpatient,,\n"      # row 4
            "A3,P3,C3,Y1,2026-01-05T10:00:00,1e30,outpatient,,\n"       # row 5
            "A4,P4,C4,Y1,2026-01-05T10:00:00,-Infinity,outpatient,,\n"  # row 6
            "A5,P5,C5,Y1,2026-01-05T10:00:00,100000000.01,outpatient,,\n"  # row 7
            "A6,P6,C6,Y1,2026-01-05T10:00:00,100000000,outpatient,,\n")    # the bound itself is kept
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD + rows, encoding="utf-8")
    (tmp_path / "claims_fund.csv").write_text(
        CLAIMS.replace("visit_type,", "visit_type,fund_paid,").replace("\n", "") + "\n"
        "F1,P1,C1,Y1,2026-01-05T10:00:00,10,outpatient,inf,,\n", encoding="utf-8")
    reasons = _rejects(tmp_path)
    assert reasons == {"3": "amount: not a finite number", "4": "amount: not a finite number",
                       "5": "amount: above 100,000,000", "6": "amount: not a finite number",
                       "7": "amount: above 100,000,000", "2": "fund_paid: not a finite number"}
    load_directory(embedded, tmp_path, rejects_dir=tmp_path / "rejects")
    assert sorted(embedded.run("MATCH (c:Claim) RETURN c.amount AS a")["a"]) == [10.0, 100_000_000.0]
    write_report(detect(embedded), tmp_path / "out")
    json.loads((tmp_path / "out" / "rings.json").read_text(encoding="utf-8"),
               parse_constant=lambda name: pytest.fail(f"rings.json holds {name}"))

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


@pytest.mark.slow
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


# --------------------------------------------------------------------------- one line, never a traceback (Low 11)

def _claims_only(folder: Path) -> None:
    (folder / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")


def _xlsx(folder: Path) -> None:
    pd.read_csv(pd.io.common.StringIO(CLAIMS + GOOD), dtype=str).to_excel(folder / "claims.xlsx", index=False)


def _binary_parquet(folder: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    header, row = CLAIMS.strip().split(","), GOOD.strip().split(",")
    columns = {h: pa.array([v.encode()], pa.binary()) for h, v in zip(header, row)}
    columns["claim_id"] = pa.array([b"\xff\xfe\xfd"], pa.binary())
    pq.write_table(pa.table(columns), folder / "claims.parquet")


BAD_INPUT = {
    "empty claims.csv": (lambda d: (d / "claims.csv").write_text(""), "claims.csv: empty file"),
    "newline-only claims.csv": (lambda d: (d / "claims.csv").write_text("\n\n\r\n"), "claims.csv: empty file"),
    "missing XLSX sheet": (lambda d: (_xlsx(d), (d / "mapping.toml").write_text('[claims]\nsheet = "Nope"\n')),
                           "claims.xlsx: no sheet 'Nope' (the workbook has 'Sheet1')"),
    "XLSX sheet number too high": (lambda d: (_xlsx(d), (d / "mapping.toml").write_text("[claims]\nsheet = 3\n")),
                                   "claims.xlsx: no sheet 3"),
    "corrupt XLSX": (lambda d: (d / "claims.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 50),
                     "claims.xlsx: not a readable XLSX workbook"),
    "corrupt Parquet": (lambda d: (d / "claims.parquet").write_bytes(b"PAR1garbagePAR1"),
                        "claims.parquet: not a readable Parquet file"),
    "non-UTF-8 Parquet binary column": (_binary_parquet, "claims.parquet: column 'claim_id' holds bytes that are neither"),
}
BAD_MAPPING = {
    "YAML syntax error": ("mapping.yaml", "claims:\n  files: [a\n  b: :\n", "mapping.yaml: not valid YAML at line 3"),
    "TOML syntax error": ("mapping.toml", "[claims\n", "mapping.toml: cannot read mapping file: Expected"),
    "files as a string": ("mapping.toml", '[claims]\nfiles = "claims.csv"\n', "[claims] files must be a list"),
    "files with an absolute path": ("mapping.toml", '[claims]\nfiles = ["/etc/passwd"]\n', "globs inside the input folder"),
    "files leaving the folder": ("mapping.toml", '[claims]\nfiles = ["../../etc/passwd"]\n', "no absolute paths, no .."),
    "values = 3": ("mapping.toml", "[claims]\nvalues = 3\n", "[claims] values must be a table per column"),
    "values as a list": ("mapping.toml", '[claims]\nvalues = ["a"]\n', "[claims] values must be a table per column"),
    "a column's values not a table": ("mapping.toml", "[claims.values]\nvisit_type = 3\n",
                                      "[claims.values] visit_type must be a table of source value = canonical value"),
    'separator = ""': ("mapping.toml", '[claims]\nseparator = ""\n', "[claims] separator must be one character"),
    "na as a string": ("mapping.toml", '[claims]\nna = "x"\n', "[claims] na must be a list"),
    "a column mapped to a number": ("mapping.toml", "[claims.columns]\nclaim_id = 3\n",
                                    "[claims.columns] claim_id must be a source header"),
    "copy from nowhere": ("mapping.toml", '[claims.copy]\ncard_id = "holder"\n', "[claims.copy] card_id must be a canonical column of [claims] ("),
    "a misspelt column": ("mapping.toml", '[claims.columns]\nclaim_di = "Id"\n',
                          "unknown key 'claims.columns.claim_di' (did you mean claim_id? known: "),
    "a misspelt table": ("mapping.yaml", 'claim:\n  na: ["?"]\n', "unknown key 'claim' (did you mean claims? known: "),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_a_file_that_cannot_be_read_is_one_line_naming_it(tmp_path: Path, name: str) -> None:
    setup, expected = BAD_INPUT[name]
    setup(tmp_path)
    message = _message(tmp_path)
    assert expected in message and "\n" not in message, message


@pytest.mark.parametrize("name", sorted(BAD_MAPPING))
def test_a_mapping_that_cannot_work_is_one_line_naming_the_setting(tmp_path: Path, name: str) -> None:
    file_name, text, expected = BAD_MAPPING[name]
    _claims_only(tmp_path)
    (tmp_path / file_name).write_text(text, encoding="utf-8")
    message = _message(tmp_path)
    assert message.startswith(file_name) and expected in message and "\n" not in message, message


def test_a_rejects_option_naming_a_file_is_one_line_and_loads_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graphfraud.cli import app

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "claims.csv").write_text(CLAIMS + GOOD + "A2,P2,C2,Y1,yesterday,1,outpatient,,\n", encoding="utf-8")
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(app, ["load", str(tmp_path / "in"), "--rejects", str(tmp_path / "taken"),
                                      "--engine", "embedded"], env={"GRAPHFRAUD_DB": str(tmp_path / "db")})
    assert result.exit_code == 2 and "is a file; rejected rows go into a folder" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "db").exists()


# --------------------------------------------------------------------------- mixed encodings (Medium 10)

PATIENTS = "patient_id,name,address\n"


def _patients_rejects(folder: Path) -> pd.DataFrame:
    return read_input(folder).tables["patients"].rejects.set_index("_row")


def test_a_utf8_row_in_a_gbk_file_is_rejected_with_its_line_not_garbled(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    (tmp_path / "patients.csv").write_bytes(
        (PATIENTS + "P1,张三,上海市浦东新区\n").encode("gbk")
        + "P2,李四,北京市朝阳区\n".encode()          # row 3: pasted in from a UTF-8 export
        + "P3,王五,北京市海淀区\n".encode("gbk"))
    patients = read_input(tmp_path).tables["patients"]
    assert patients.encoding == "gb18030"
    assert patients.frame[["patient_id", "address"]].values.tolist() == [["P1", "上海市浦东新区"], ["P3", "北京市海淀区"]]
    rejects = patients.rejects.set_index("_row")
    assert list(rejects.index) == [3] and rejects.loc[3, "_column"] == "(row)"
    assert "UTF-8 text in a GB18030/GBK file" in rejects.loc[3, "_reason"]
    assert rejects.loc[3, "address"] == "北京市朝阳区"  # kept as it was written: nothing lost, nothing garbled
    assert "鍖" not in "".join(patients.frame["address"])


def test_a_gbk_row_in_a_utf8_file_is_rejected_and_the_utf8_rows_stay_readable(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    (tmp_path / "patients.csv").write_bytes(
        (PATIENTS + "P1,张三,上海市浦东新区\nP2,李四,北京市朝阳区\n").encode("utf-8")
        + "P3,王五,杭州市西湖区\n".encode("gbk")              # row 4
        + "P4,赵六,广州市天河区\n".encode())
    patients = read_input(tmp_path).tables["patients"]
    assert patients.encoding == "utf-8"
    assert patients.frame["name"].tolist() == ["张三", "李四", "赵六"]
    rejects = patients.rejects.set_index("_row")
    assert list(rejects.index) == [4] and "GB18030/GBK text in a UTF-8 file" in rejects.loc[4, "_reason"]
    assert rejects.loc[4, "address"] == "杭州市西湖区"


def test_an_undecodable_byte_rejects_its_row_naming_the_line_never_the_value(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_bytes((CLAIMS + GOOD).encode("gbk")
                                          + b"A8,P8,C8,Y1,2026-01-05T10:00:00,10,outpatient,\xff\xfe,\n"  # row 3
                                          + "A7,P7,C7,Y1,2026-01-05T10:00:00,10,门诊,,\n".encode("gbk"))
    claims = read_input(tmp_path).tables["claims"]
    assert claims.frame["claim_id"].tolist() == ["A9", "A7"]
    row = claims.rejects.set_index("_row").loc[3]
    assert row["_reason"].startswith("the line holds bytes that are neither UTF-8 nor GB18030/GBK text (byte 47 of the line)")
    assert row["admit_date"] == "\\xff\\xfe"  # the bytes kept visible in the rejects, not dropped


UNREADABLE = {
    "an undecodable header": (b"claim\xff_id,patient_id\nA1,P1\n",
                              "claims.csv: line 1 (the header row) is neither UTF-8 nor GB18030/GBK text"),
    "a binary file": (b"claim_id\n" + (bytes(range(128, 256)) + b"\n") * 5,
                      "claims.csv: neither UTF-8 nor GB18030/GBK text (5 line(s) neither encoding reads, the first is line 2)"),
    "UTF-16": ("claim_id,patient_id\nA1,P1\n".encode("utf-16"), "claims.csv: UTF-16 text"),
    "a GBK header over UTF-8 rows": ("结算流水号,参保人编号\n".encode("gbk") + "甲1,乙1\n甲2,乙2\n".encode(),
                                     "claims.csv: line 1 (the header row) is GB18030/GBK text but most lines are UTF-8; "
                                     "save the whole file in one encoding"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_file_in_no_one_readable_encoding_is_refused_in_one_line_naming_the_line(tmp_path: Path, name: str) -> None:
    from graphfraud.errors import EncodingError

    content, expected = UNREADABLE[name]
    (tmp_path / "claims.csv").write_bytes(content)
    with pytest.raises(EncodingError) as caught:
        read_input(tmp_path)
    message = str(caught.value)
    assert message.startswith(expected) and "\n" not in message, message
    assert "甲" not in message and "P1" not in message


# --------------------------------------------------------------------------- rows with too few or too many fields (Low 13)

def test_rows_with_too_few_or_too_many_fields_are_rejected_and_the_rest_is_loaded(engine, tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(
        CLAIMS + GOOD                                                 # row 2
        + "A1,P1,C1,Y1,2026-01-05T10:00:00,10,outpatient\n"           # row 3: 7 of 9 fields
        + "A2,P2,C2,Y1,2026-01-05T10:00:00,10,outpatient,,,x,y\n"     # row 4: 11 fields
        + "\n"                                                        # row 5: blank, skipped
        + 'A3,P3,C3,Y1,2026-01-05T10:00:00,"1,000",outpatient,,\n'   # row 6: a quoted separator
        + "A4,P4,C4,Y1,2026-01-05T10:00:00,10\n", encoding="utf-8")  # row 7: 6 fields
    summary = load_directory(engine, tmp_path, rejects_dir=tmp_path / "rejects")
    assert (summary.accepted, summary.rejected) == (2, 3)
    assert sorted(engine.run("MATCH (c:Claim) RETURN c.claim_id AS id")["id"]) == ["A3", "A9"]
    rejects = pd.read_csv(tmp_path / "rejects" / "claims.csv", dtype=str, encoding="utf-8-sig",
                          keep_default_na=False).set_index("_row")
    assert rejects["_reason"].str.split(";").str[0].to_dict() == {
        "3": "expected 9 fields, found 7", "4": "expected 9 fields, found 11", "7": "expected 9 fields, found 6"}
    assert set(rejects["_column"]) == {"(row)"} and set(rejects["_file"]) == {"claims.csv"}
    assert rejects.loc["4", "_extra"] == "x,y" and rejects.loc["3", "claim_id"] == "A1"  # nothing lost


def test_row_numbers_count_blank_lines_and_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD + "\n\n"       # rows 3, 4 blank
                                         + 'A1,P1,C1,Y1,2026-01-05T10:00:00,10,outpatient,"a\nb",\n'  # row 5
                                         + "A2,P2,C2,Y1,yesterday,10,outpatient,,\n", encoding="utf-8")  # row 6
    assert _rejects(tmp_path) == {"5": "admit_date: not a date/time (expected ISO 8601, e.g. 2026-01-31T09:30:00)",
                                  "6": "ts: not a date/time (expected ISO 8601, e.g. 2026-01-31T09:30:00)"}


# --------------------------------------------------------------------------- stale rejects (Low 12)

@pytest.mark.slow
def test_a_reload_that_rejects_nothing_removes_the_old_rejects_file_and_says_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graphfraud.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "claims.csv").write_text(CLAIMS + GOOD + "A2,P2,C2,Y1,yesterday,1,outpatient,,\n", encoding="utf-8")
    env = {"GRAPHFRAUD_DB": str(tmp_path / "db")}
    first = CliRunner().invoke(app, ["load", str(folder), "--engine", "embedded"], env=env)
    assert first.exit_code == 0, first.output
    assert (folder / "rejects" / "claims.csv").is_file()

    (folder / "claims.csv").write_text(CLAIMS + GOOD + "A2,P2,C2,Y1,2026-01-06T10:00:00,1,outpatient,,\n", encoding="utf-8")
    again = CliRunner().invoke(app, ["load", str(folder), "--engine", "embedded"], env=env)
    assert again.exit_code == 0, again.output
    assert not (folder / "rejects" / "claims.csv").exists()  # the fixed row no longer stands there as rejected
    assert "(0 rejected)" in again.output
    assert "removed the rejects file of an earlier load" in again.output and "claims.csv" in again.output


def test_only_the_tables_with_nothing_rejected_lose_their_old_rejects(embedded, tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD + "A2,P2,C2,Y1,yesterday,1,outpatient,,\n", encoding="utf-8")
    (tmp_path / "patients.csv").write_text("patient_id,birth_date\nP9,1980-02-03\nP2,sometime\n", encoding="utf-8")
    load_directory(embedded, tmp_path)
    (tmp_path / "patients.csv").write_text("patient_id,birth_date\nP9,1980-02-03\nP2,1990-01-01\n", encoding="utf-8")
    summary = load_directory(embedded, tmp_path)
    assert summary.removed_rejects == [tmp_path / "rejects" / "patients.csv"]
    assert summary.rejects_files == [tmp_path / "rejects" / "claims.csv"]
    assert not (tmp_path / "rejects" / "patients.csv").exists() and (tmp_path / "rejects" / "claims.csv").exists()


# --------------------------------------------------------------------------- files outside the input folder (Low 16)

def _outside(tmp_path: Path) -> Path:
    """A readable claims file outside the input folder (what a link may try to bring in)."""
    secret = tmp_path / "elsewhere" / "other-bureau.csv"
    secret.parent.mkdir()
    secret.write_text(CLAIMS + GOOD, encoding="utf-8")
    return secret


LINKS = {
    "claims.csv linked outside": (lambda d, s: (d / "claims.csv").symlink_to(s), "", "claims.csv: a link to a file outside"),
    "a mapping glob matching a link outside": (lambda d, s: (d / "export.csv").symlink_to(s), '[claims]\nfiles = ["export*.csv"]\n',
                                                "export.csv: a link to a file outside"),
    "a mapping glob into a linked folder": (lambda d, s: (d / "sub").symlink_to(s.parent, target_is_directory=True),
                                            '[claims]\nfiles = ["sub/*.csv"]\n', "sub/other-bureau.csv: a link to a file outside"),
    "mapping.toml linked outside": (lambda d, s: ((d / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8"),
                                                  (s.parent / "m.toml").write_text("[claims]\n"),
                                                  (d / "mapping.toml").symlink_to(s.parent / "m.toml")),
                                    None, "mapping.toml: a link to a file outside"),
}


@pytest.mark.parametrize("name", sorted(LINKS))
def test_a_link_out_of_the_input_folder_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    link, mapping, expected = LINKS[name]
    folder = tmp_path / "in"
    folder.mkdir()
    secret = _outside(tmp_path)
    link(folder, secret)
    if mapping:
        (folder / "mapping.toml").write_text(mapping, encoding="utf-8")
    message = _message(folder)
    assert message.startswith(expected) and "\n" not in message, message
    assert str(secret.parent) not in message  # where it points is not shown either


def test_a_link_to_a_file_inside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "claims-2026.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    (tmp_path / "claims.csv").symlink_to(tmp_path / "export" / "claims-2026.csv")
    assert read_input(tmp_path).tables["claims"].frame["claim_id"].tolist() == ["A9"]


def _job_run(root: Path, engine):
    from graphfraud.job.config import load_job_config
    from graphfraud.job.lock import job_lock
    from graphfraud.job.run import JobContext, run_job

    (root / "job.toml").write_text('[job]\nmin_age = 0\n[bundles]\nmin_score = 2.0\n[engine]\nname = "embedded"\n'
                                   '[embedded]\npath = "db/graph"\n', encoding="utf-8")
    config = load_job_config(root / "job.toml")
    with job_lock(config.lock_file):
        return run_job(JobContext(config, engine))


def test_a_delivery_linking_a_file_outside_the_inbox_is_quarantined_and_nothing_of_it_loads(embedded, tmp_path: Path) -> None:
    root = tmp_path / "job"
    (root / "inbox" / "d1").mkdir(parents=True)
    secret = _outside(tmp_path)
    (root / "inbox" / "d1" / "claims.csv").symlink_to(secret)
    [run] = _job_run(root, embedded)
    [delivery] = run.deliveries
    assert delivery["status"] == "quarantined", delivery
    assert delivery["reason"].startswith("claims.csv: a link to a file outside") and str(secret) not in delivery["reason"]
    assert embedded.counts()["Claim"] == 0


def test_a_delivery_whose_own_mapping_cannot_work_is_quarantined_and_the_next_one_loads(embedded, tmp_path: Path) -> None:
    root = tmp_path / "job"
    for name in ("d1", "d2"):
        (root / "inbox" / name).mkdir(parents=True)
    (root / "inbox" / "d1" / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    (root / "inbox" / "d1" / "mapping.toml").write_text('[claims]\nfiles = ["../../etc/passwd"]\n', encoding="utf-8")
    (root / "inbox" / "d2" / "claims.csv").write_text(CLAIMS + GOOD.replace("A9", "B9"), encoding="utf-8")
    [run] = _job_run(root, embedded)
    assert run.outcome == "completed_with_errors", run.error
    by_name = {d["name"]: d for d in run.deliveries}
    assert by_name["d1"]["status"] == "quarantined" and "globs inside the input folder" in by_name["d1"]["reason"]
    assert by_name["d2"]["status"] == "loaded"
    assert embedded.run("MATCH (c:Claim) RETURN c.claim_id AS id")["id"].tolist() == ["B9"]


# --------------------------------------------------------------------------- re-delivered claims with other values (Low 15)

def test_a_redelivered_claim_with_other_values_is_counted_and_kept_aside_not_dropped_in_silence(engine, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "claims.csv").write_text(CLAIMS + GOOD + "A1,P1,C1,Y1,2026-01-05T11:00:00,20,outpatient,,\n"
                                      "A2,P2,C2,Y1,2026-01-05T12:00:00,30,outpatient,,\n", encoding="utf-8")
    load_directory(engine, first)
    (second / "claims.csv").write_text(CLAIMS + GOOD                                    # row 2: the same
                                       + "A1,P1,C1,Y1,2026-01-05T11:00:00,25,outpatient,,\n"   # row 3: amount
                                       + "A2,P2,C2,Y2,2026-01-06T12:00:00,30,outpatient,,\n"   # row 4: provider, ts
                                       + "A3,P3,C3,Y1,2026-01-07T12:00:00,40,outpatient,,\n",  # row 5: new
                                       encoding="utf-8")
    summary = load_directory(engine, second)
    assert (summary.accepted, summary.rejected, summary.changed) == (4, 0, 2)
    assert summary.changed_file == second / "rejects" / "claims.changed.csv"
    stored = engine.run("MATCH (c:Claim) RETURN c.claim_id AS id, c.amount AS amount, c.provider_id AS provider "
                        "ORDER BY id").values.tolist()
    assert stored == [["A1", 20.0, "Y1"], ["A2", 30.0, "Y1"], ["A3", 40.0, "Y1"], ["A9", 10.0, "Y1"]]  # stored ones kept
    kept = pd.read_csv(summary.changed_file, dtype=str, encoding="utf-8-sig", keep_default_na=False).set_index("_row")
    assert kept.loc["3", "amount"] == "25.0" and kept.loc["4", "provider_id"] == "Y2"  # the delivered values, not lost
    assert kept.loc["3", "_reason"] == ("already loaded with other values in amount; the stored claim is kept "
                                        "(a settlement does not change)")
    assert kept.loc["4", "_reason"].startswith("already loaded with other values in provider_id, ts;")
    assert kept["_column"].to_dict() == {"3": "amount", "4": "provider_id"} and set(kept["_file"]) == {"claims.csv"}

    # the same delivery fixed: nothing differs any more, and the old file goes
    (second / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    again = load_directory(engine, second)
    assert again.changed == 0 and not (second / "rejects" / "claims.changed.csv").exists()
    assert second / "rejects" / "claims.changed.csv" in again.removed_rejects


@pytest.mark.slow
def test_the_load_summary_says_how_many_claims_were_kept_with_their_stored_values(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graphfraud.cli import app

    for name, amount in (("a", "10"), ("b", "11")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "claims.csv").write_text(CLAIMS + GOOD.replace(",10,", f",{amount},"), encoding="utf-8")
    env = {"GRAPHFRAUD_DB": str(tmp_path / "db")}
    assert CliRunner().invoke(app, ["load", str(tmp_path / "a"), "--engine", "embedded"], env=env).exit_code == 0
    result = CliRunner().invoke(app, ["load", str(tmp_path / "b"), "--engine", "embedded"], env=env)
    assert result.exit_code == 0, result.output
    assert "loaded 1 rows (0 rejected; 1 already loaded with other values, kept the stored ones)" in result.output
    assert "claims.changed.csv" in result.output


def test_the_job_records_redelivered_claims_with_other_values_in_its_history(embedded, tmp_path: Path) -> None:
    root = tmp_path / "job"
    (root / "inbox" / "d1").mkdir(parents=True)
    (root / "inbox" / "d1" / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    _job_run(root, embedded)
    (root / "inbox" / "d2").mkdir()
    (root / "inbox" / "d2" / "claims.csv").write_text(CLAIMS + GOOD.replace(",10,", ",12,"), encoding="utf-8")
    [run] = _job_run(root, embedded)
    [delivery] = run.deliveries
    assert (delivery["status"], delivery["accepted"], delivery["changed_claims"]) == ("loaded", 1, 1)
    assert Path(delivery["changed_file"]).name == "claims.changed.csv" and Path(delivery["changed_file"]).is_file()
    assert embedded.run("MATCH (c:Claim) RETURN c.amount AS a")["a"].tolist() == [10.0]


# --------------------------------------------------------------------------- detect on a half-loaded graph (Low 14)

def test_a_load_that_fails_midway_is_marked_and_detect_refuses_until_it_is_loaded_again(engine, small_data: Path,
                                                                                        monkeypatch) -> None:
    from graphfraud.detect.run import detect
    from graphfraud.errors import UnfinishedLoad
    from graphfraud.load import check_loads_finished, unfinished_loads

    real_write = type(engine).write

    def cut_off(self, frames, progress=None):  # the nodes go in, then the load stops before the relationships
        from graphfraud.graph import GraphFrames

        real_write(self, GraphFrames(nodes=frames.nodes), progress)
        raise OSError("the machine went away")

    monkeypatch.setattr(type(engine), "write", cut_off)
    with pytest.raises(OSError):
        load_directory(engine, small_data)
    monkeypatch.setattr(type(engine), "write", real_write)
    assert engine.counts()["Claim"] > 0 and engine.counts()["HOLDS"] == 0  # half a graph: no card has its holder
    [unfinished] = unfinished_loads(engine)
    assert unfinished["source"] == str(small_data.resolve()) and unfinished["status"] == "failed"
    with pytest.raises(UnfinishedLoad) as caught:
        check_loads_finished(engine)
    message = str(caught.value)
    assert "did not finish" in message and str(small_data.resolve()) in message and "\n" not in message

    load_directory(engine, small_data)  # the same folder again: the load completes and clears the mark
    assert unfinished_loads(engine) == []
    check_loads_finished(engine)
    assert detect(engine).rings


def _graphfraud(*args: str, env: dict | None = None, wait: bool = True):
    import os
    import subprocess
    import sys

    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("GRAPHFRAUD_JOB_", "NEO4J_"))}, **(env or {})}
    command = [sys.executable, "-m", "graphfraud", *args]
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.timeout(600)
def test_detect_after_a_killed_load_refuses_in_one_line_and_a_completed_reload_clears_it(small_data: Path,
                                                                                         tmp_path: Path) -> None:
    import signal
    import time

    from graphfraud.errors import EXIT_CODES, UnfinishedLoad

    db = ["--engine", "embedded", "--db", str(tmp_path / "db")]
    marker = tmp_path / "held"
    proc = _graphfraud("load", str(small_data), *db, wait=False,
                       env={"GRAPHFRAUD_JOB_HOLD_AT": "load:Claim", "GRAPHFRAUD_JOB_HOLD_FILE": str(marker)})
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "the load never reached its claims"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    refused = _graphfraud("detect", "--out", str(tmp_path / "out"), *db)
    assert refused.returncode == EXIT_CODES.get(UnfinishedLoad, 1) == 1, refused.stderr
    line = refused.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert f"the load of {small_data.resolve()}" in line and "did not finish" in line and "graphfraud load" in line
    assert not (tmp_path / "out" / "rings.json").exists()

    loud = _graphfraud("detect", "--out", str(tmp_path / "out"), "--allow-unfinished-load", *db)
    assert loud.returncode == 0 and "warning:" in loud.stderr and "did not finish" in loud.stderr

    again = _graphfraud("load", str(small_data), *db)
    assert again.returncode == 0, again.stderr
    done = _graphfraud("detect", "--out", str(tmp_path / "out"), *db)
    assert done.returncode == 0 and "did not finish" not in done.stderr, done.stderr
    rings = __import__("json").loads((tmp_path / "out" / "rings.json").read_text(encoding="utf-8"))["rings"]
    assert rings  # the whole graph, with its rings


def test_a_few_changed_claims_among_many_stored_are_found_by_lookup(small_graph, small_data: Path, tmp_path: Path) -> None:
    engine = small_graph  # the small data stored
    claims = pd.read_csv(small_data / "claims.csv", dtype=str, keep_default_na=False)
    few = claims.iloc[[5, 50, 500]].copy()
    few.loc[few.index[1], "amount"] = "99999.5"
    (tmp_path / "late").mkdir()
    few.to_csv(tmp_path / "late" / "claims.csv", index=False)
    summary = load_directory(engine, tmp_path / "late")
    assert summary.changed == 1 and summary.stats.nodes_created["Claim"] == 0
    kept = pd.read_csv(summary.changed_file, dtype=str, encoding="utf-8-sig")
    assert kept["claim_id"].tolist() == [claims.loc[50, "claim_id"]] and kept["_row"].tolist() == ["3"]


def test_an_items_or_purchases_file_missing_a_required_column_is_refused_in_one_line_without_values(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(CLAIMS + GOOD, encoding="utf-8")
    (tmp_path / "items.csv").write_text("A9,1,XA10AEG001,81234567890123456789,1\n", encoding="utf-8")  # no header row
    message = _message(tmp_path)
    assert message.startswith("items.csv: missing required column 'claim_id'") and "\n" not in message
    assert "81234567890123456789" not in message and "XA10AEG001" not in message
    (tmp_path / "items.csv").unlink()
    (tmp_path / "purchases.csv").write_text("provider_id,item_code,quantity\nY1,XA10AEG001,1\n", encoding="utf-8")
    message = _message(tmp_path)
    assert message.startswith("purchases.csv: missing required column 'purchased_at'") and "XA10AEG001" not in message

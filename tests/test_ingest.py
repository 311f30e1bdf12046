"""Reading bureau files: encodings, formats, mappings, and rejected rows that keep their reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graphfraud.errors import MappingError, MissingFileError
from graphfraud.ingest import read_input, write_rejects

HEADER = "结算流水号,参保人编号,医保卡号,定点机构编码,结算时间,总金额,就诊类型\n"
ROWS = "A1,P1,C1,Y1,2026-01-05T22:10:00,200.00,药店购药\nA2,P2,C2,H1,2026-01-06T09:00:00,5300.50,住院\n"
CANONICAL = pd.DataFrame({
    "claim_id": ["A1", "A2"], "patient_id": ["P1", "P2"], "card_id": ["C1", "C2"], "provider_id": ["Y1", "H1"],
    "ts": ["2026-01-05T22:10:00", "2026-01-06T09:00:00"], "amount": [200.0, 5300.5], "visit_type": ["pharmacy", "inpatient"],
})


def _claims(folder: Path) -> pd.DataFrame:
    return read_input(folder).tables["claims"].frame


def _same(frame: pd.DataFrame) -> None:
    got = frame[list(CANONICAL.columns)].reset_index(drop=True)
    got["amount"] = got["amount"].astype(float)
    got["ts"] = got["ts"].astype(str).str.slice(0, 19)
    pd.testing.assert_frame_equal(got, CANONICAL, check_dtype=False)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_headers_read_the_same_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "claims.csv").write_bytes((HEADER + ROWS).encode(encoding))
    _same(_claims(tmp_path))


def test_parquet_and_xlsx_read_like_csv(tmp_path: Path) -> None:
    source = pd.read_csv(pd.io.common.StringIO(HEADER + ROWS), dtype=str)
    (tmp_path / "pq").mkdir()
    source.to_parquet(tmp_path / "pq" / "claims.parquet")
    (tmp_path / "xl").mkdir()
    source.to_excel(tmp_path / "xl" / "claims.xlsx", index=False)
    _same(_claims(tmp_path / "pq"))
    _same(_claims(tmp_path / "xl"))


def test_local_time_becomes_local_epoch_seconds(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(HEADER + ROWS, encoding="utf-8")
    frame = _claims(tmp_path)
    # 2026-01-05T22:10:00 read as if UTC
    assert int(frame.loc[frame["claim_id"] == "A1", "ts_epoch"].iloc[0]) == 1767651000


def test_times_with_an_offset_are_read_as_china_local_time_even_when_mixed(tmp_path: Path) -> None:
    rows = ("A1,P1,C1,Y1,2026-01-05T22:10:00,200.00,药店购药\n"
            "A2,P2,C2,H1,2026-01-05T14:10:00Z,5300.50,住院\n"
            "A3,P3,C3,H1,2026-01-05 22:10:00+08:00,10.00,门诊\n"
            "A4,P4,C4,H1,2026-01-05T09:10:00-05:00,10.00,门诊\n")
    (tmp_path / "claims.csv").write_text(HEADER + rows, encoding="utf-8")
    frame = _claims(tmp_path).set_index("claim_id")
    assert frame["ts_epoch"].astype(int).tolist() == [1767651000] * 4  # all 2026-01-05 22:10 in China


TOML = """
[claims]
files = ["export*.csv"]
na = ["?"]
[claims.columns]
claim_id = "Id"
patient_id = "Person"
provider_id = "Place"
ts = "When"
amount = "Paid"
visit_type = "Kind"
[claims.copy]
card_id = "patient_id"
[claims.values.visit_type]
"RX" = "pharmacy"
"""

YAML = """
claims:
  files: ["export*.csv"]
  na: ["?"]
  columns: {claim_id: Id, patient_id: Person, provider_id: Place, ts: When, amount: Paid, visit_type: Kind}
  copy: {card_id: patient_id}
  values: {visit_type: {RX: pharmacy}}
"""


@pytest.mark.parametrize("name,text", [("mapping.toml", TOML), ("mapping.yaml", YAML)])
def test_a_mapping_file_renames_copies_and_translates(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / "export-1.csv").write_text("Id,Person,Place,When,Paid,Kind,Other\nX1,P9,Y7,2026-02-01T08:00:00,12.5,RX,?\n", encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    row = read_input(tmp_path, tmp_path / name).tables["claims"].frame.iloc[0]
    assert (row["claim_id"], row["card_id"], row["visit_type"], float(row["amount"])) == ("X1", "P9", "pharmacy", 12.5)


def test_a_mapping_naming_an_unknown_column_is_refused_with_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[claims.columns]\nclaim_number = "Id"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"bad\.toml.*claim_number"):
        read_input(tmp_path, tmp_path / "bad.toml")


def test_a_misspelt_mapping_setting_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    (tmp_path / "typo.toml").write_text('[claims]\nfile = ["export*.csv"]\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"^typo\.toml: unknown key 'claims\.file' \(did you mean files\? known: columns, "):
        read_input(tmp_path, tmp_path / "typo.toml")


def test_thousands_separators_are_read_and_a_decimal_comma_or_an_impossible_latitude_is_rejected(tmp_path: Path) -> None:
    rows = ("A1,P1,C1,Y1,2026-01-05T22:10:00,\"1,200.50\",药店购药\n"
            "A2,P2,C2,H1,2026-01-06T09:00:00,\"12,5\",住院\n")
    (tmp_path / "claims.csv").write_text(HEADER + rows, encoding="utf-8")
    (tmp_path / "providers.csv").write_text("provider_id,lat,lon\nY1,31.2,121.5\nH1,200,121.5\n", encoding="utf-8")
    data = read_input(tmp_path)
    claims = data.tables["claims"]
    assert claims.frame["amount"].tolist() == [1200.5]
    assert claims.rejects["_column"].tolist() == ["amount"] and "not a number" in claims.rejects["_reason"].iloc[0]
    providers = data.tables["providers"]
    assert providers.frame["provider_id"].tolist() == ["Y1"]
    assert providers.rejects["_reason"].iloc[0] == "lat: above 90"


def test_a_folder_without_claims_is_refused(tmp_path: Path) -> None:
    (tmp_path / "patients.csv").write_text("patient_id\nP1\n", encoding="utf-8")
    with pytest.raises(MissingFileError):
        read_input(tmp_path)


def test_bad_rows_are_kept_with_file_row_column_and_reason(tmp_path: Path) -> None:
    text = HEADER + ROWS + (
        "A3,P3,C3,Y1,yesterday,100.00,药店购药\n"     # row 4: bad time
        "A4,P4,C4,Y1,2026-01-07T10:00:00,-5,药店购药\n"  # row 5: negative amount
        "A5,P5,C5,Y1,2026-01-07T10:00:00,10,spa\n"       # row 6: unknown visit type
        ",P6,C6,Y1,2026-01-07T10:00:00,10,门诊\n"        # row 7: no claim id
    )
    (tmp_path / "claims.csv").write_text(text, encoding="utf-8")
    inputs = read_input(tmp_path)
    table = inputs.tables["claims"]
    assert (len(table.frame), len(table.rejects)) == (2, 4)
    assert table.rows_read == len(table.frame) + len(table.rejects)
    rejects = table.rejects.set_index("_row")
    by_row = {str(k): v for k, v in rejects["_column"].items()}
    assert by_row == {"4": "ts", "5": "amount", "6": "visit_type", "7": "claim_id"}
    assert all(rejects["_file"] == "claims.csv") and rejects["_reason"].str.len().min() > 5
    written, _ = write_rejects(inputs, tmp_path / "rejects")
    back = pd.read_csv(written[0], dtype=str, encoding="utf-8-sig")
    assert sorted(back["_row"]) == ["4", "5", "6", "7"]
    # once the file is fixed, the next load leaves no stale rejects behind
    (tmp_path / "claims.csv").write_text(HEADER + ROWS, encoding="utf-8")
    assert write_rejects(read_input(tmp_path), tmp_path / "rejects") == ([], [tmp_path / "rejects" / "claims.csv"])
    assert not (tmp_path / "rejects" / "claims.csv").exists()


def test_items_and_purchases_are_validated_like_the_other_tables(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(HEADER + ROWS, encoding="utf-8")
    (tmp_path / "items.csv").write_text(
        "claim_id,line_id,item_code,item_name,quantity,unit_price,amount,trace_code,split_pack\n"
        "A1,1,XA10AEG001,甘精胰岛素,1,100.5,100.5,81000000000000000001,0\n"
        "A1,2,XC09AAX002,卡托普利片,0.5,2,1,81000000000000000002,是\n"    # split pack in Chinese
        "A1,3,XC09AAX002,卡托普利片,-1,2,-2,81000000000000000002,0\n"     # a return: negative quantity
        "A1,3,XC09AAX002,卡托普利片,1,2,2,,0\n"                              # row 5: duplicate line
        "A1,4,,卡托普利片,1,2,2,,0\n"                                         # row 6: no item code
        "A1,5,XC09AAX002,卡托普利片,lots,2,2,,0\n"                            # row 7: not a number
        "A9,1,XC09AAX002,卡托普利片,1,2,2,,0\n"                               # row 8: no such claim
        "A2,1,XC09AAX002,卡托普利片,1,2,2,,2\n", encoding="utf-8")             # row 9: split_pack 2
    (tmp_path / "purchases.csv").write_text(
        "provider_id,item_code,trace_code,purchased_at,quantity,supplier\n"
        "Y1,XA10AEG001,81000000000000000001,2026-01-01,1,国药\n"
        "Y1,XC09AAX002,,2026-01-02,100,国药\n"
        "Y1,XC09AAX002,,2026-01-02,100,国药\n"                               # row 4: the same row again
        "Y1,XC09AAX002,,someday,100,国药\n", encoding="utf-8")                # row 5: bad date
    data = read_input(tmp_path)
    items = data.tables["items"]
    assert items.frame["line_key"].tolist() == ["A1/1", "A1/2", "A1/3"]
    assert items.frame["split_pack"].tolist() == ["0", "1", "0"] and items.frame["quantity"].tolist() == [1, 0.5, -1]
    rejects = items.rejects.set_index("_row")
    assert rejects["_column"].to_dict() == {5: "line_id", 6: "item_code", 7: "quantity", 8: "claim_id", 9: "split_pack"}
    assert not rejects["_reason"].str.contains("XC09|卡托普利|lots|A9").any()  # reasons never quote a value
    purchases = data.tables["purchases"]
    assert len(purchases.frame) == 2 and purchases.frame["purchase_key"].is_unique
    assert purchases.rejects.set_index("_row")["_column"].to_dict() == {4: "(row)", 5: "purchased_at"}
    # the same purchase read again gets the same key (loads stay idempotent)
    assert read_input(tmp_path).tables["purchases"].frame["purchase_key"].tolist() == purchases.frame["purchase_key"].tolist()


def test_the_items_of_a_rejected_claim_are_rejected_with_it(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(HEADER + ROWS + "A3,P3,C3,Y1,yesterday,100.00,药店购药\n", encoding="utf-8")
    (tmp_path / "items.csv").write_text("claim_id,line_id,item_code,quantity\nA1,1,X1,1\nA3,1,X1,1\n", encoding="utf-8")
    items = read_input(tmp_path).tables["items"]
    assert items.frame["claim_id"].tolist() == ["A1"] and items.rejects["_column"].tolist() == ["claim_id"]


def test_files_matching_no_table_and_headers_matching_no_column_are_named(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(HEADER.rstrip("\n") + ",备注\n" + ROWS.replace("\n", ",x\n"), encoding="utf-8")
    (tmp_path / "结算明细2026.csv").write_text(HEADER + ROWS, encoding="utf-8")
    (tmp_path / "readme.txt").write_text("notes", encoding="utf-8")
    (tmp_path / ".hidden").write_text("", encoding="utf-8")
    (tmp_path / "mapping.toml").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    data = read_input(tmp_path)
    assert data.unmatched == ["readme.txt", "结算明细2026.csv"]
    claims = data.tables["claims"]
    assert claims.columns["claim_id"] == "结算流水号" and claims.ignored == ["备注"]


def test_purchase_keys_made_in_slices_are_the_keys_made_at_once(monkeypatch) -> None:
    """Keys are digested a slice of rows at a time (memory): the same keys, in the same rows, as all at once."""
    import graphfraud.ingest as ingest

    frame = pd.DataFrame({
        "provider_id": pd.Series([f"Y{i % 3}" for i in range(10)], dtype="str"),
        "purchase_id": pd.Series([None, "B7", None, None, "B8", None, None, None, None, None], dtype="str"),
        "item_code": pd.Series(["X1", "X2", None, "X1", "X3", "X1", "X1", "X4", "X1", "X1"], dtype="str"),
        "trace_code": pd.Series([f"81{i:018d}" if i % 2 else None for i in range(10)], dtype="str"),
        "purchased_at": pd.Series(["2026-01-02"] * 10, dtype="str"),
        "quantity": [1.0, 2.0, None, 100.0, 1.5, 1.0, 1.0, 3.0, 1e20, 0.1],
        "supplier": pd.Series(["国药", None] * 5, dtype="str"),
    }).set_axis(pd.RangeIndex(5, 15))  # numbered as the rows of a table after others
    whole = ingest.purchase_keys(frame)
    monkeypatch.setattr(ingest, "_KEY_ROWS", 3)
    sliced = ingest.purchase_keys(frame)
    pd.testing.assert_series_equal(sliced, whole)
    assert whole[6] == "Y1/B7" and whole[5].startswith("Y0/#") and whole[5] == whole[11]  # rows 5, 11 say the same

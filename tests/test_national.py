"""The national platform's field names: a folder exported in them loads, with no mapping, into the same graph."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graphfraud.engines.embedded import EmbeddedEngine
from graphfraud.ingest import read_input
from graphfraud.load import load_directory, read_folder
from graphfraud.national import NATIONAL

# canonical values → the platform's codes (the reader translates them back)
CODES = {"visit_type": {"outpatient": "11", "inpatient": "21", "pharmacy": "41"}, "sex": {"M": "1", "F": "2"},
         "type": {"hospital": "1", "pharmacy": "2"}}


def _national_copy(source: Path, target: Path) -> None:
    """``source`` with every header that has a national name renamed to it (the first listed) and codes translated."""
    target.mkdir()
    for path in sorted(source.glob("*.csv")):
        table = path.stem
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        first: dict[str, str] = {}
        for national, canonical in NATIONAL.get(table, {}).items():
            first.setdefault(canonical, national)
        for column, codes in CODES.items():
            if column in frame:
                frame[column] = frame[column].map(lambda v, c=codes: c.get(v, v))
        frame.columns = [first.get(c, c) for c in frame.columns]
        frame.to_csv(target / path.name, index=False)


@pytest.fixture(scope="module")
def national(small_data: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("national") / "input"
    _national_copy(small_data, folder)
    return folder


def test_every_table_of_the_generated_data_is_written_in_national_names(national: Path, small_data: Path) -> None:
    headers = {p.stem: pd.read_csv(p, nrows=0).columns.tolist() for p in national.glob("*.csv")}
    assert {"setl_id", "psn_no", "mdtrt_cert_no", "fixmedins_code", "setl_time", "medfee_sumamt",
            "med_type"} <= set(headers["claims"])
    assert {"psn_name", "gend", "brdy", "tel", "addr"} <= set(headers["patients"])
    for table in ("items", "purchases"):
        if (small_data / f"{table}.csv").exists():
            assert set(headers[table]) & set(NATIONAL[table])


def test_a_folder_in_national_names_builds_the_same_graph_as_its_canonical_copy(national: Path, small_data: Path,
                                                                                   tmp_path: Path) -> None:
    canonical = read_folder(small_data, rejects_dir=tmp_path / "r1")
    other = read_folder(national, rejects_dir=tmp_path / "r2")
    assert canonical.inputs.total_rejected == other.inputs.total_rejected == 0
    assert set(canonical.frames.nodes) == set(other.frames.nodes) and set(canonical.frames.rels) == set(other.frames.rels)
    for label, frame in canonical.frames.nodes.items():
        pd.testing.assert_frame_equal(frame, other.frames.nodes[label], check_dtype=False, obj=label)
    for key, frame in canonical.frames.rels.items():
        pd.testing.assert_frame_equal(frame, other.frames.rels[key], check_dtype=False, obj=str(key))
    # and the summary says which column each national header filled
    assert other.inputs.tables["claims"].columns["claim_id"] == "setl_id"
    assert other.inputs.tables["patients"].columns["sex"] == "gend"


def test_the_national_copy_loads_into_the_engine_with_the_same_counts(national: Path, small_data: Path,
                                                                     tmp_path: Path) -> None:
    counts = []
    for i, folder in enumerate((small_data, national)):
        engine = EmbeddedEngine(tmp_path / f"db{i}")
        try:
            load_directory(engine, folder, rejects_dir=tmp_path / f"rejects{i}")
            counts.append({k: v for k, v in engine.counts().items() if k != "LoadRun"})
        finally:
            engine.close()
    assert counts[0] == counts[1] and counts[0]["Claim"] > 0


def test_med_type_and_gend_codes_are_translated_and_unknown_sex_codes_read_as_missing(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text(
        "setl_id,psn_no,mdtrt_cert_no,fixmedins_code,setl_time,medfee_sumamt,med_type\n"
        "S1,P1,C1,Y1,2026-01-05 10:00:00,120.5,41\nS2,P2,C2,H1,2026-01-06 09:00:00,5300,21\n"
        "S3,P1,C1,H1,2026-01-06 09:00:00,53,14\nS4,P2,C2,H1,2026-01-07 09:00:00,90,52\n"
        "S5,P2,C2,H1,2026-01-07 09:00:00,90,99\n", encoding="utf-8")
    (tmp_path / "patients.csv").write_text("psn_no,gend\nP1,2\nP2,9\nP3,0\nP4,3\n", encoding="utf-8")
    data = read_input(tmp_path)
    claims = data.tables["claims"]
    assert claims.frame.set_index("claim_id")["visit_type"].to_dict() == {
        "S1": "pharmacy", "S2": "inpatient", "S3": "outpatient", "S4": "inpatient"}
    assert claims.rejects["_column"].tolist() == ["visit_type"]  # 99 is no med_type code
    patients = data.tables["patients"]
    sex = patients.frame.set_index("patient_id")["sex"]
    assert sex["P1"] == "F" and sex[["P2", "P3"]].isna().all() and len(sex) == 3
    assert patients.rejects["_reason"].tolist() == ["sex: must be one of M, F"]

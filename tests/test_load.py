"""Loading folders into a real engine: counts, idempotent reloads, incremental files, bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graphfraud.load import load_directory

REPO = Path(__file__).resolve().parent.parent

EXTERNAL = REPO / "examples" / "data" / "medicare-inpatient" / "medicare-inpatient-claims.csv"


def test_load_creates_every_entity_and_link(engine, small_data: Path) -> None:
    summary = load_directory(engine, small_data)
    counts = engine.counts()
    claims = pd.read_csv(small_data / "claims.csv", dtype=str)
    patients = pd.read_csv(small_data / "patients.csv", dtype=str)
    assert summary.rejected == 0
    assert counts["Claim"] == len(claims)
    assert counts["Patient"] == len(patients)
    assert counts["PAID"] == counts["FOR"] == counts["AT"] == len(claims)
    assert counts["BY"] == claims["doctor_id"].notna().sum()
    assert counts["HOLDS"] == counts["Card"]


def test_loading_the_same_files_twice_changes_no_count(engine, small_data: Path) -> None:
    load_directory(engine, small_data)
    first = engine.counts()
    again = load_directory(engine, small_data)
    assert engine.counts() == first
    assert again.stats.total_nodes == 0 and again.stats.total_rels == 0


def test_new_files_add_to_the_graph(engine, small_data: Path, tmp_path: Path) -> None:
    claims = pd.read_csv(small_data / "claims.csv", dtype=str, keep_default_na=False)
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    for folder in (day1, day2):
        shutil.copytree(small_data, folder, ignore=shutil.ignore_patterns("claims.csv", "truth.json", "rejects"))
    half = len(claims) // 2
    claims.iloc[:half].to_csv(day1 / "claims.csv", index=False)
    claims.iloc[half:].to_csv(day2 / "claims.csv", index=False)
    load_directory(engine, day1)
    assert engine.counts()["Claim"] == half
    load_directory(engine, day2)
    assert engine.counts()["Claim"] == len(claims)


def test_claims_only_file_keeps_stored_patient_details(engine, small_data: Path, tmp_path: Path) -> None:
    load_directory(engine, small_data)
    only_claims = tmp_path / "only"
    only_claims.mkdir()
    shutil.copy(small_data / "claims.csv", only_claims / "claims.csv")
    load_directory(engine, only_claims)
    named = engine.run("MATCH (p:Patient) WHERE p.name IS NOT NULL RETURN count(p) AS n")
    assert int(named["n"].iloc[0]) == len(pd.read_csv(small_data / "patients.csv"))


def test_gbk_file_with_chinese_headers_and_a_bad_row(engine, tmp_path: Path) -> None:
    folder = tmp_path / "gbk"
    folder.mkdir()
    text = (
        "结算流水号,参保人编号,医保卡号,定点机构编码,医师编码,结算时间,总金额,就诊类型\n"
        "A1,P1,C1,Y1,,2026-01-05T22:10:00,200.00,药店购药\n"
        "A2,P2,C2,Y1,,2026-01-05T22:12:00,300.00,药店购药\n"
        "A3,P3,C3,Y1,,not-a-time,100.00,药店购药\n"
    )
    (folder / "claims.csv").write_bytes(text.encode("gbk"))
    summary = load_directory(engine, folder)
    assert (summary.accepted, summary.rejected) == (2, 1)
    assert engine.counts()["Claim"] == 2
    rejects = pd.read_csv(folder / "rejects" / "claims.csv", dtype=str, encoding="utf-8-sig")
    assert rejects.loc[0, "_row"] == "4" and rejects.loc[0, "_column"] == "ts"


@pytest.mark.skipif(not EXTERNAL.exists(), reason="shared external extract not present")
def test_external_medicare_extract_loads_through_its_mapping(engine, tmp_path: Path) -> None:
    folder = tmp_path / "medicare"
    folder.mkdir()
    shutil.copy(EXTERNAL, folder / "claims.csv")
    summary = load_directory(engine, folder, mapping=REPO / "examples" / "mappings" / "medicare-inpatient.toml")
    counts = engine.counts()
    assert summary.accepted + summary.rejected == 9551
    assert counts["Claim"] == summary.accepted > 9000
    assert counts["Patient"] == 8351 and counts["Provider"] == 520


def test_cli_says_one_line_when_neo4j_is_down(tmp_path: Path, small_data: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "x", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "graphfraud", "load", str(small_data), "--engine", "neo4j"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 1
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in result.stderr
    assert "scripts/neo4j-local start" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_changed_value_is_updated_and_unchanged_rows_write_nothing(engine, small_data: Path, tmp_path: Path) -> None:
    load_directory(engine, small_data)
    changed = tmp_path / "changed"
    shutil.copytree(small_data, changed, ignore=shutil.ignore_patterns("truth.json", "rejects"))
    patients = pd.read_csv(changed / "patients.csv", dtype=str, keep_default_na=False)
    moved = patients.loc[0, "patient_id"]
    patients.loc[0, "address"] = "杭州市西湖区文三路999号1栋101室"
    patients.to_csv(changed / "patients.csv", index=False)
    before = engine.counts()
    again = load_directory(engine, changed)
    assert again.stats.nodes_updated["Patient"] == 1
    assert sum(again.stats.nodes_updated.values()) == 1 and again.stats.nodes_created.get("Claim") == 0
    after = engine.counts()
    assert after["Address"] == before["Address"] + 1 and after["LIVES_AT"] == before["LIVES_AT"] + 1
    home = engine.run(
        "MATCH (p:Patient {patient_id: $id})-[:LIVES_AT]->(a:Address {address: $address}) RETURN p.address AS address",
        {"id": moved, "address": "杭州市西湖区文三路999号1栋101室"},
    )
    assert home["address"].tolist() == ["杭州市西湖区文三路999号1栋101室"]


def test_the_embedded_buffer_pool_can_be_capped_for_a_shared_machine(small_data: Path, tmp_path: Path) -> None:
    from graphfraud.config import load_settings
    from graphfraud.engines import open_engine

    (tmp_path / "graphfraud.toml").write_text('[embedded]\nbuffer_pool = "256M"\n', encoding="utf-8")
    settings = load_settings(engine="embedded", env={"GRAPHFRAUD_DB": str(tmp_path / "db")}, cwd=tmp_path)
    assert settings.buffer_pool == 256 * 2**20
    assert load_settings(engine="embedded", env={"GRAPHFRAUD_BUFFER_POOL": "1.5G"}, cwd=tmp_path).buffer_pool == 3 * 2**29
    engine = open_engine(settings)
    try:
        summary = load_directory(engine, small_data)
        assert engine.counts()["Claim"] == summary.stats.nodes_created["Claim"] > 0
    finally:
        engine.close()


def test_a_full_embedded_cache_says_which_setting_gives_it_more(tmp_path: Path) -> None:
    from graphfraud.engines.embedded import EmbeddedEngine
    from graphfraud.errors import EngineError

    engine = EmbeddedEngine(tmp_path / "db", buffer_pool=16 * 2**20)
    try:
        with pytest.raises(EngineError, match=r"buffer pool.*GRAPHFRAUD_BUFFER_POOL.*claims_per_part"):
            engine.run("UNWIND range(1, 3000000) AS x WITH x % 1000000 AS k, x AS v "
                       "RETURN k, collect(v) AS vs ORDER BY k LIMIT 1")
    finally:
        engine.close()


def test_a_size_that_is_not_one_is_refused_naming_it(tmp_path: Path) -> None:
    from graphfraud.config import load_settings
    from graphfraud.errors import ConfigError

    with pytest.raises(ConfigError, match=r"'lots'.*8G"):
        load_settings(engine="embedded", env={"GRAPHFRAUD_BUFFER_POOL": "lots"}, cwd=tmp_path)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_large_table_of_long_text_keys_copies_into_the_embedded_engine(tmp_path: Path) -> None:
    """600k Chinese addresses (the Address table of ~10^7 claims) once hung LadybugDB's COPY from Arrow."""
    from graphfraud.engines.embedded import EmbeddedEngine
    from graphfraud.graph import GraphFrames

    addresses = pd.DataFrame({"address": [f"杭州市西湖区文三路{i}号{i % 7 + 1}栋{i % 30 + 101}室" for i in range(600_000)]})
    engine = EmbeddedEngine(tmp_path / "db")
    try:
        engine.ensure_schema()
        stats = engine.write(GraphFrames(nodes={"Address": addresses}))
        assert stats.nodes_created["Address"] == engine.counts()["Address"] == 600_000
    finally:
        engine.close()


@pytest.mark.slow
def test_the_embedded_copy_takes_columns_chunked_anyhow_and_lets_each_frame_go(tmp_path: Path) -> None:
    """Empty chunks first or midway (LadybugDB 0.22 copied nothing after one) and columns chunked differently
    copy every row; the engine keeps nothing of a frame it copied (its connection used to keep them all) and lets
    a load's frames go as it writes them."""
    import gc
    import weakref

    import pyarrow as pa

    from graphfraud.engines.embedded import EmbeddedEngine
    from graphfraud.graph import GraphFrames
    from graphfraud.model import NODES

    def chunked(values: list, cuts: list[int]) -> pd.Series:
        parts = [values[a:b] for a, b in zip([0, *cuts], [*cuts, len(values)])]
        return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(p, pa.large_string()) for p in parts])))

    before = pa.total_allocated_bytes()
    ids = [f"P{i:05d}" for i in range(30_000)]
    patients = pd.DataFrame({"patient_id": chunked(ids, [0, 10_000, 10_000, 25_000]),
                             "name": chunked([f"n{i}" for i in range(30_000)], [7, 20_000, 29_999])})
    cards = pd.DataFrame({"card_id": chunked([f"C{i}" for i in range(30_000)], [15_000, 15_000])})
    for label, table in (("Patient", patients), ("Card", cards)):  # the model's other columns, empty
        table[[c for c in NODES[label].columns if c not in table]] = None
    del table
    holds = pd.DataFrame({"src": chunked(ids, [0, 3]), "dst": chunked([f"C{i}" for i in range(30_000)], [29_000])})
    alive = weakref.ref(patients)
    engine = EmbeddedEngine(tmp_path / "db")
    try:
        engine.ensure_schema()
        frames = GraphFrames(nodes={"Patient": patients, "Card": cards}, rels={("HOLDS", "Patient", "Card"): holds},
                             release=True)  # a load's frames: each let go once written
        del patients, cards, holds
        stats = engine.write(frames)
        assert not frames.nodes and not frames.rels
        gc.collect()
        assert alive() is None and pa.total_allocated_bytes() - before < 1 << 16  # nothing holds them, nor a copy
        assert stats.nodes_created == {"Patient": 30_000, "Card": 30_000} and stats.rels_created == {"HOLDS": 30_000}
        stored = engine.run("MATCH (p:Patient)-[:HOLDS]->(c:Card) RETURN p.patient_id AS p, p.name AS n, c.card_id AS c")
        assert len(stored) == 30_000
        assert (stored["p"].str[1:].astype(int) == stored["n"].str[1:].astype(int)).all()
        assert (stored["p"].str[1:].astype(int) == stored["c"].str[1:].astype(int)).all()
    finally:
        engine.close()


def test_items_and_purchases_load_as_boxes_lines_and_purchases_on_both_engines(engine, drug_data: Path,
                                                                                  tmp_path: Path) -> None:
    load_directory(engine, drug_data, rejects_dir=tmp_path / "rejects")
    counts = engine.counts()
    assert {k: counts[k] for k in ("Item", "Box", "Line", "Purchase", "HAS_LINE", "DISPENSED", "OF", "PURCHASED",
                                   "BROUGHT_IN")} == {
        "Item": 4, "Box": 16, "Line": 24, "Purchase": 10, "HAS_LINE": 24, "DISPENSED": 24, "OF": 16,
        "PURCHASED": 10, "BROUGHT_IN": 10}
    trail = engine.run("MATCH (b:Box {trace_code: 'B1'})<-[:DISPENSED]-(l:Line)<-[:HAS_LINE]-(c:Claim)-[:AT]->(v:Provider) "
                       "RETURN c.claim_id AS claim, v.provider_id AS provider, l.ts_epoch AS ts ORDER BY ts")
    assert trail["claim"].tolist() == ["C01", "C10"] and trail["provider"].tolist() == ["H1", "Y1"]
    load_directory(engine, drug_data, rejects_dir=tmp_path / "rejects")  # idempotent
    assert engine.counts() == counts


def test_a_load_writes_each_table_after_its_ends_and_lets_the_rows_go(engine, small_data: Path, tmp_path: Path) -> None:
    """Nodes in the model's order, each followed by the links whose ends are in; a load's frames and accepted rows
    are let go as they are written, while the summary still counts them."""
    from graphfraud.load import load_read, read_folder

    read = read_folder(small_data, rejects_dir=tmp_path / "rejects")
    order = [k if isinstance(k, str) else k[0] for k, _ in read.frames.in_write_order()]
    assert order.index("Claim") < order.index("PAID") < order.index("Phone")  # a claim's links before the next label
    for key in read.frames.rels:
        assert all(order.index(end) < order.index(key[0]) for end in key[1:])
    rows = {name: len(t.frame) for name, t in read.inputs.tables.items()}
    summary = load_read(engine, read)
    if engine.name == "embedded":  # it writes table by table (Neo4j in batches, its frames held to the end)
        assert not read.frames.nodes and not read.frames.rels
    assert all(t.frame.empty and t.accepted == rows[name] for name, t in read.inputs.tables.items())
    assert summary.accepted == sum(rows.values()) and engine.counts()["Claim"] == rows["claims"]

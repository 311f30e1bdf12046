"""The Neo4j bulk path: neo4j-admin import files, the auto rule, refusals, and the same graph as a driver load."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from graphfraud import graph
from graphfraud.engines.neo4j_admin import find_admin, import_full
from graphfraud.engines.neo4j_csv import ImportFiles, write_import_files
from graphfraud.errors import BulkImportError, ConfigError
from graphfraud.ingest import read_input
from graphfraud.load import choose_path, load_directory, load_folder
from graphfraud.model import NODES, RELS

REPO = Path(__file__).resolve().parent.parent


def frames_of(folder: Path):
    return graph.build({name: t.frame for name, t in read_input(folder).tables.items()})


@pytest.fixture
def admin(neo4j):
    """neo4j-admin of the test server (scripts/neo4j-local); required when GRAPHFRAUD_REQUIRE_NEO4J=1."""
    found = find_admin(neo4j.settings)
    if found is None or found.local is None:
        if os.environ.get("GRAPHFRAUD_REQUIRE_NEO4J") == "1":
            pytest.fail("the test Neo4j is not the scripts/neo4j-local server, so the bulk path cannot be tested")
        pytest.skip("bulk tests need the scripts/neo4j-local server (neo4j-admin and permission to restart it)")
    return found


def settings_for(neo4j, **changes):
    from graphfraud.config import load_settings

    return replace(load_settings(engine="neo4j", cwd=REPO), neo4j=neo4j.settings, **changes)


WHEN = {"LoadRun": ("started", "finished")}


def snapshot(engine) -> dict:
    """Every node (key, properties, labels) per label and every relationship (start key, end key) per type."""
    shot: dict = {"counts": engine.counts()}
    for label, node in NODES.items():
        rows = engine.run(f"MATCH (n:{label}) RETURN properties(n) AS p, labels(n) AS l")
        when = WHEN.get(label, ())   # a load's own marks carry the time it ran
        shot[label] = sorted((r["p"][node.key], sorted((k, v) for k, v in r["p"].items() if k not in when), sorted(r["l"]))
                             for _, r in rows.iterrows())
    for rel in RELS.values():
        for a, b in rel.ends:
            rows = engine.run(f"MATCH (a:{a})-[:`{rel.type}`]->(b:{b}) RETURN a.{NODES[a].key} AS s, b.{NODES[b].key} AS d")
            shot[(rel.type, a, b)] = sorted(zip(rows.get("s", []), rows.get("d", [])))
    return shot


def test_import_files_name_each_label_id_space_and_type_every_property(small_data: Path, tmp_path: Path) -> None:
    frames = frames_of(small_data)
    files = write_import_files(frames, tmp_path / "csv")
    claims = (tmp_path / "csv" / "nodes-Claim.csv").read_text(encoding="utf-8").splitlines()
    assert claims[0].split(",")[:2] == ["claim_id:ID(Claim)", "patient_id:string"]
    assert {"ts_epoch:long", "amount:double", "admit_epoch:long"} <= set(claims[0].split(","))
    assert len(claims) - 1 == len(frames.nodes["Claim"])
    assert (tmp_path / "csv" / "rels-PAID-Card-Claim.csv").read_text(encoding="utf-8").splitlines()[0] == ":START_ID(Card),:END_ID(Claim)"
    providers = pd.read_csv(files.nodes["Provider"], dtype=str, keep_default_na=False)
    assert set(providers[":LABEL"]) <= {"Pharmacy", "Hospital", "Clinic", ""}
    assert (providers[":LABEL"] == "Pharmacy").sum() == (frames.nodes["Provider"]["type"] == "pharmacy").sum()
    # an absent value is an empty unquoted field (neo4j-admin stores no property), never ""
    outpatient = next(line for line in claims[1:] if '"outpatient"' in line)
    assert ",,," in outpatient and '""' not in outpatient
    assert "--nodes=Claim=" in " ".join(files.arguments()) and not files.multiline


def test_auto_takes_the_bulk_path_only_for_a_large_first_load_it_may_take_offline() -> None:
    assert choose_path("auto", 2_000_000, 1_000_000, True, 0, True) == ("bulk", None)
    assert choose_path("auto", 999_999, 1_000_000, True, 0, True) == ("incremental", None)
    assert choose_path("auto", 2_000_000, 1_000_000, True, 5, True) == ("incremental", None)
    assert choose_path("auto", 2_000_000, 1_000_000, True, None, True) == ("incremental", None)
    path, note = choose_path("auto", 2_000_000, 1_000_000, False, 0, True)
    assert path == "incremental" and "neo4j-admin was not found" in note
    path, note = choose_path("auto", 2_000_000, 1_000_000, True, 0, False)
    assert path == "incremental" and "--restart-local" in note
    assert choose_path("bulk", 10, 1_000_000, False, None, False) == ("bulk", None)
    with pytest.raises(ConfigError):
        choose_path("fast", 10, 1, True, 0, True)


def test_bulk_mode_is_refused_on_the_embedded_engine(small_data: Path, tmp_path: Path) -> None:
    env = dict(os.environ, GRAPHFRAUD_ENGINE="embedded", GRAPHFRAUD_DB=str(tmp_path / "db"))
    result = subprocess.run([sys.executable, "-m", "graphfraud", "load", str(small_data), "--mode", "bulk"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 2  # a ConfigError
    assert "--mode bulk is the neo4j-admin path into Neo4j" in result.stderr


def test_bulk_refuses_a_database_that_holds_data_without_overwrite(neo4j, admin, small_data: Path) -> None:
    load_directory(neo4j, small_data)
    before = neo4j.counts()
    with pytest.raises(BulkImportError, match=r"is not empty \([\d,]+ nodes\).*--mode incremental.*--overwrite"):
        load_folder(settings_for(neo4j), small_data, mode="bulk", restart_local=True)
    assert neo4j.counts() == before  # nothing stopped, nothing written


def test_bulk_refuses_a_running_server_it_may_not_stop(neo4j, admin, small_data: Path) -> None:
    with pytest.raises(BulkImportError, match=r"needs database 'neo4j' .* offline.*--restart-local"):
        load_folder(settings_for(neo4j), small_data, mode="bulk")
    assert neo4j.counts()["Claim"] == 0


def test_a_bad_row_fails_the_import_with_its_reason_and_no_personal_data(neo4j, admin, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    phones = folder / "nodes-Phone.csv"
    phones.write_text('phone:ID(Phone)\n"13012345679"\n"13012345679"\n', encoding="utf-8")
    scratch = "gfbadimport"  # a database the server does not serve, so it can stay up
    try:
        with pytest.raises(BulkImportError, match="neo4j-admin database import failed") as failed:
            import_full(admin, scratch, ImportFiles(folder=folder, nodes={"Phone": phones}), overwrite=True)
        assert "13012345679" not in str(failed.value)
        assert "Phone" in str(failed.value)
    finally:
        for sub in ("databases", "transactions"):
            shutil.rmtree(admin.local.home / "server" / "data" / sub / scratch, ignore_errors=True)


def test_bulk_import_makes_the_same_graph_as_a_driver_load(neo4j, admin, small_data: Path) -> None:
    # auto with a low threshold: an empty database, the local server may go offline → bulk
    summary = load_folder(settings_for(neo4j, bulk_threshold=1_000), small_data, mode="auto", restart_local=True)
    assert summary.path == "bulk" and summary.rejected == 0
    assert {"neo4j-admin import", "stop server", "start server", "constraints and indexes"} <= set(summary.phases)
    from graphfraud.engines.neo4j import Neo4jEngine

    after_restart = Neo4jEngine(neo4j.settings)
    try:
        bulk = snapshot(after_restart)
        constraints = after_restart.run("SHOW CONSTRAINTS YIELD name RETURN name")["name"].tolist()
        after_restart.clear()
        load_directory(after_restart, small_data)
        driver = snapshot(after_restart)
    finally:
        after_restart.close()
    assert {"claim_id", "patient_id", "card_id", "provider_id", "doctor_id", "phone", "address"} <= set(constraints)
    assert summary.counts == bulk["counts"] == driver["counts"]
    assert bulk["counts"]["Claim"] == len(pd.read_csv(small_data / "claims.csv"))
    assert bulk.keys() == driver.keys()
    for part in bulk:
        assert bulk[part] == driver[part], part

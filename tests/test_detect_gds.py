"""Leiden in Neo4j Graph Data Science (``[detect] communities = "gds"``) against a real server with GDS.

The GDS tests need a Neo4j server with Graph Data Science (``scripts/neo4j-local
start --gds``; ``scripts/test`` starts it so). Without one they skip with the
reason, and fail instead when GRAPHFRAUD_REQUIRE_GDS=1 (CI), so a CI run cannot
pass by skipping them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphfraud.detect import communities as comm, gds
from graphfraud.detect.motifs import collect
from graphfraud.detect.projection import build
from graphfraud.detect.rings import RingRules
from graphfraud.detect.run import detect
from graphfraud.detect.suspicion import suspicion, with_context
from graphfraud.errors import ConfigError, EngineError
from graphfraud.load import load_directory
from tests.conftest import REPO, open_test_neo4j

GDS = {"communities": "gds"}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _open_neo4j():
    return open_test_neo4j(("GRAPHFRAUD_REQUIRE_NEO4J", "GRAPHFRAUD_REQUIRE_GDS"))


def _has_gds(engine) -> bool:
    return not engine.query("gds/available").empty


@pytest.fixture(scope="module")
def with_gds(small_data: Path) -> Iterator[object]:
    """Neo4j with GDS, holding the small generated data set (loaded once for this module; tests do not write)."""
    engine = _open_neo4j()
    if not _has_gds(engine):
        engine.close()
        if os.environ.get("GRAPHFRAUD_REQUIRE_GDS") == "1":
            pytest.fail("GRAPHFRAUD_REQUIRE_GDS=1 but the Neo4j server has no Graph Data Science")
        pytest.skip("the Neo4j server has no Graph Data Science (scripts/neo4j-local start --gds)")
    engine.clear()
    engine.ensure_schema()
    load_directory(engine, small_data)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def projection(with_gds):
    evidence = collect(with_gds)
    return build(evidence, with_context(evidence, suspicion(evidence), RingRules().context_seed))


def test_gds_leiden_recovers_the_rings_igraph_recovers(with_gds, small_data: Path) -> None:
    by_igraph = detect(with_gds, {}, write_back=False).rings
    by_gds = detect(with_gds, GDS, write_back=False).rings
    assert len(by_igraph) >= 3 and by_gds
    main = [set(r.patients) for r in by_igraph if len(r.patients) >= 5]
    assert main
    for ring in main:
        assert max(_jaccard(ring, set(other.patients)) for other in by_gds) >= 0.8
    truth = json.loads((small_data / "truth.json").read_text(encoding="utf-8"))["rings"]

    def recovered(rings) -> set[int]:
        return {i for i, planted in enumerate(truth)
                if max(_jaccard(set(planted["patients"]), set(r.patients)) for r in rings) >= 0.5}

    assert recovered(by_gds) == recovered(by_igraph)


def test_gds_communities_are_the_same_for_the_same_seed(with_gds, projection) -> None:
    gamma = comm.resolution_for(projection)
    first = gds.leiden(with_gds, projection, seed=7, gamma=gamma)
    assert len(first) == len(projection.names) and len(set(first)) > 1
    assert gds.leiden(with_gds, projection, seed=7, gamma=gamma) == first
    rings = [[r.ring_id for r in detect(with_gds, GDS, write_back=False).rings] for _ in range(2)]
    assert rings[0] == rings[1] and rings[0]


def test_gds_uses_the_resolution_igraph_uses(with_gds, projection) -> None:
    coarse = gds.leiden(with_gds, projection, seed=7, gamma=0.5)
    fine = gds.leiden(with_gds, projection, seed=7, gamma=comm.resolution_for(projection, 16.0))
    assert len(set(fine)) > len(set(coarse))


def test_the_projected_graph_is_dropped_even_when_leiden_fails(with_gds, projection) -> None:
    with pytest.raises(EngineError):
        gds.leiden(with_gds, projection, seed=7, gamma=float("nan"))  # GDS Leiden fails on a NaN resolution
    gds.leiden(with_gds, projection, seed=7, gamma=1.0)
    left = with_gds.run("CALL gds.graph.list() YIELD graphName RETURN graphName")
    assert not [n for n in left["graphName"] if str(n).startswith("graphfraud-")]


def test_detect_command_runs_leiden_in_gds_when_asked(with_gds, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graphfraud", "detect", "--engine", "neo4j", "--communities", "gds",
         "--no-write-back", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out" / "rings.json").read_text(encoding="utf-8"))
    assert document["engine"] == "neo4j" and document["rings"]


def test_gds_on_a_server_without_it_says_how_to_install_it() -> None:
    engine = _open_neo4j()
    try:
        if _has_gds(engine):
            pytest.skip("this server has GDS; the message is checked against one started without --gds")
        with pytest.raises(ConfigError, match=r"no Graph Data Science.*start --gds.*communities = \"igraph\""):
            detect(engine, GDS, write_back=False)
    finally:
        engine.close()


def test_gds_on_the_embedded_engine_says_to_use_neo4j(embedded) -> None:
    with pytest.raises(ConfigError, match=r'needs the Neo4j engine.*engine = "neo4j".*communities = "igraph"'):
        detect(embedded, GDS, write_back=False)


def test_community_settings_that_cannot_work_are_refused(embedded) -> None:
    with pytest.raises(ConfigError, match='communities = "networkx" is not known'):
        detect(embedded, {"communities": "networkx"}, write_back=False)
    with pytest.raises(ConfigError, match="modularity only"):
        detect(embedded, {"communities": "gds", "objective": "CPM"}, write_back=False)


@pytest.mark.slow
def test_detect_command_refuses_gds_on_the_embedded_engine(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graphfraud", "detect", "--engine", "embedded", "--db", str(tmp_path / "db"),
         "--communities", "gds", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2  # a ConfigError
    assert 'needs the Neo4j engine' in result.stderr and not (tmp_path / "out").exists()

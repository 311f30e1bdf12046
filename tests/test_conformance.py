"""Both engines, same data, same answers: the embedded default must agree with Neo4j."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphfraud import queries
from graphfraud.load import load_directory


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        frame[column] = frame[column].map(lambda v: tuple(sorted(v)) if isinstance(v, (list, tuple)) else v)
    frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frame.round(6)


def test_engines_load_the_same_graph(embedded, neo4j, small_data: Path) -> None:
    load_directory(embedded, small_data)
    load_directory(neo4j, small_data)
    assert embedded.counts() == neo4j.counts()


def test_every_motif_query_returns_the_same_rows_on_both_engines(embedded, neo4j, small_data: Path) -> None:
    from graphfraud.detect.evidence import motif
    from graphfraud.detect.partition import whole
    from graphfraud.detect.thresholds import params_for

    load_directory(embedded, small_data)
    load_directory(neo4j, small_data)
    names = queries.names("motifs")
    assert names, "no motif queries found"
    for name in names:
        if motif(name.split("/")[-1]).source:
            continue  # no query of its own: its rows are another motif's
        params = params_for(name) | whole(embedded, motif(name.split("/")[-1]).partition)
        assert params == params_for(name) | whole(neo4j, motif(name.split("/")[-1]).partition), name
        a, b = embedded.query(name, params), neo4j.query(name, params)
        assert list(a.columns) == list(b.columns), name
        pd.testing.assert_frame_equal(_sorted(a), _sorted(b), check_dtype=False, obj=name)


def test_whole_detection_gives_the_same_rings_on_both_engines(embedded, neo4j, small_data: Path) -> None:
    from graphfraud.detect.run import detect

    load_directory(embedded, small_data)
    load_directory(neo4j, small_data)
    a, b = detect(embedded), detect(neo4j)
    assert [r.ring_id for r in a.rings] == [r.ring_id for r in b.rings]
    for x, y in zip(a.rings, b.rings):
        assert [(m.type, m.id, m.role) for m in x.members] == [(m.type, m.id, m.role) for m in y.members]
        assert x.patterns == y.patterns
        assert abs(x.score - y.score) < 1e-6 and abs(x.amount_at_risk - y.amount_at_risk) < 0.01


def test_drug_motif_queries_return_the_same_rows_on_both_engines(embedded, neo4j, drug_data: Path, tmp_path: Path) -> None:
    from graphfraud.detect.evidence import motif
    from graphfraud.detect.partition import whole
    from graphfraud.detect.thresholds import params_for

    load_directory(embedded, drug_data, rejects_dir=tmp_path / "r")
    load_directory(neo4j, drug_data, rejects_dir=tmp_path / "r")
    assert embedded.counts() == neo4j.counts()
    for name in ("box_resold", "unpurchased_code", "oversold_item", "repeat_purchase", "refine/stock_profile"):
        query = name if "/" in name else f"motifs/{name}"
        params = params_for(name) | (whole(embedded, motif(name).partition) if "/" not in name else {})
        a, b = embedded.query(query, params), neo4j.query(query, params)
        assert len(a) and list(a.columns) == list(b.columns), name
        pd.testing.assert_frame_equal(_sorted(a), _sorted(b), check_dtype=False, obj=name)

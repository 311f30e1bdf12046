"""Both engines, same data, same answers: the embedded default must agree with Neo4j."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from graphfraud import queries
from graphfraud.load import load_directory


def _as_set(value: object) -> object:
    """A list cell (lists of lists too) as a sorted tuple: engines may collect in different orders."""
    if isinstance(value, (list, tuple)):
        return tuple(sorted(_as_set(v) for v in value))
    return value


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        frame[column] = frame[column].map(_as_set)
    frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frame.round(6)


def _nan_cells(frame: pd.DataFrame) -> list[tuple[str, object]]:
    """(column, value) of every cell that is NaN, NaT or pd.NA, inside lists too: the contract allows none."""
    def bad(v: object) -> bool:
        return v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))

    out = []
    for column in frame.columns:
        for v in frame[column].tolist():
            if bad(v) or (isinstance(v, (list, tuple)) and any(bad(x) for x in v)):
                out.append((column, v))
    return out


def test_missing_values_are_none_on_both_engines(engine, drug_data: Path, tmp_path: Path) -> None:
    """The engine contract (``graphfraud.engines.base``): a missing value is None, never NaN, in text, number
    and time columns; a complete column keeps its numeric dtype."""
    load_directory(engine, drug_data, rejects_dir=tmp_path / "r")
    ids = [f"C{n:02d}" for n in (1, 2, 10, 20, 30, 40)]
    frame = engine.query("rings/claims", {"claims": ids}).sort_values("claim_id").reset_index(drop=True)
    assert frame["claim_id"].tolist() == ids
    assert _nan_cells(frame) == []
    # the drug folder delivers no doctor, fund share or diagnosis: every one of them is None
    for column in ("doctor_id", "fund_paid", "diagnosis"):
        assert frame[column].tolist() == [None] * len(ids), column
    assert pd.api.types.is_float_dtype(frame["amount"]) and pd.api.types.is_integer_dtype(frame["ts_epoch"])
    row = frame.to_dict("records")[0]
    assert row["doctor_id"] is None and row["fund_paid"] is None and row["amount"] == 310.5
    # a column only some rows have: the phones (none delivered) and a place with no name
    claim = engine.query("entity/claim", {"id": "C01"})
    assert len(claim) == 1 and _nan_cells(claim) == []


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
        assert _nan_cells(a) == [] and _nan_cells(b) == [], name
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
    from graphfraud.vocabulary import Kind

    load_directory(embedded, drug_data, rejects_dir=tmp_path / "r")
    load_directory(neo4j, drug_data, rejects_dir=tmp_path / "r")
    assert embedded.counts() == neo4j.counts()
    for name in ("box_resold", "unpurchased_code", "oversold_item", "repeat_purchase"):
        query = name if "/" in name else f"motifs/{name}"
        params = params_for(name) | whole(embedded, motif(name).partition if "/" not in name else Kind.PROVIDER)
        a, b = embedded.query(query, params), neo4j.query(query, params)
        assert len(a) and list(a.columns) == list(b.columns), name
        pd.testing.assert_frame_equal(_sorted(a), _sorted(b), check_dtype=False, obj=name)

"""Heavy motifs run in id ranges at scale; the rows must be exactly those of one run over the whole graph."""

from __future__ import annotations

import pytest

from graphfraud.detect.evidence import motif, motif_names
from graphfraud.detect.motifs import collect
from graphfraud.detect.partition import Partitioner, slices, whole
from graphfraud.errors import ConfigError
from graphfraud.vocabulary import Kind


def test_slices_cover_every_id_once_in_order() -> None:
    ids = [f"K{i:04d}" for i in range(10)]
    ranges = slices(ids, 3)
    assert ranges == [("K0000", "K0002"), ("K0003", "K0005"), ("K0006", "K0009")]
    covered = [i for i in ids for lo, hi in ranges if lo <= i <= hi]
    assert covered == ids
    assert slices(ids, 50) == [(i, i) for i in ids]  # never more parts than ids
    assert slices([], 4) == [("", "")]  # an empty table: one range that matches nothing


def _rows(evidence) -> list[tuple]:
    return sorted((e.motif, tuple(e.claims), tuple(e.patients), tuple(e.cards), tuple(e.providers), e.reason, e.reason_zh)
                  for e in evidence)


def test_partitioned_motifs_find_exactly_the_rows_of_one_whole_run(small_graph) -> None:
    engine = small_graph  # holding the small data
    partitioned = [n for n in motif_names() if motif(n).partition]
    assert {motif(n).partition for n in partitioned} == {Kind.CARD, Kind.PROVIDER}

    parts = Partitioner(engine, {"claims_per_part": 700})
    rows = engine.counts()["Claim"] + engine.counts()["Line"]     # 5,000 claims and their lines (items)
    assert engine.counts()["Line"] > 0 and parts.parts == -(-rows // 700)
    assert len(parts.ranges(Kind.CARD)) == parts.parts and len(parts.ranges(Kind.PROVIDER)) == parts.parts

    whole_run = collect(engine, overrides={}, only=partitioned)
    in_parts = collect(engine, overrides={"claims_per_part": 700}, only=partitioned)
    assert whole_run, "the planted rings give these motifs rows"
    assert _rows(in_parts) == _rows(whole_run)


def test_whole_range_parameters_span_the_first_and_last_id(small_graph) -> None:
    engine = small_graph  # holding the small data
    cards = sorted(engine.run("MATCH (k:Card) RETURN k.card_id AS id")["id"])
    assert whole(engine, Kind.CARD) == {"part_lo": cards[0], "part_hi": cards[-1]}
    assert whole(engine, None) == {}


@pytest.mark.parametrize("value", [0, -5, "many", 2.5, True])
def test_a_bad_part_size_is_refused_by_name(embedded, value) -> None:
    with pytest.raises(ConfigError, match="claims_per_part"):
        Partitioner(embedded, {"claims_per_part": value})

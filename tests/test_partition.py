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


def test_weighted_slices_hold_about_equal_rows_and_never_split_an_id() -> None:
    ids = [f"Y{i:02d}" for i in range(10)]
    weights = [1, 1, 1, 1, 1, 1, 1, 1, 1, 91]       # one pharmacy with nine tenths of the lines
    assert slices(ids, 2, weights) == [("Y00", "Y08"), ("Y09", "Y09")]
    even = slices(ids, 5, [10] * 10)
    assert even == [("Y00", "Y01"), ("Y02", "Y03"), ("Y04", "Y05"), ("Y06", "Y07"), ("Y08", "Y09")]
    skewed = slices(ids, 3, [50, 1, 1, 1, 1, 1, 1, 1, 1, 50])
    assert skewed == [("Y00", "Y00"), ("Y01", "Y08"), ("Y09", "Y09")]   # the heavy ends get parts of their own
    assert [i for i in ids for lo, hi in skewed if lo <= i <= hi] == ids


def _rows(evidence) -> list[tuple]:
    return sorted((e.motif, tuple(e.claims), tuple(e.patients), tuple(e.cards), tuple(e.providers), e.reason, e.reason_zh)
                  for e in evidence)


def test_partitioned_motifs_find_exactly_the_rows_of_one_whole_run(small_graph) -> None:
    engine = small_graph  # holding the small data
    partitioned = [n for n in motif_names() if motif(n).partition]
    assert {motif(n).partition for n in partitioned} == {Kind.CARD, Kind.PROVIDER}

    parts = Partitioner(engine, {"claims_per_part": 700})
    claims, lines = engine.counts()["Claim"], engine.counts()["Line"]     # 5,000 claims and their lines (items)
    assert lines > 0 and {motif(n).part_rows for n in partitioned} == {"claims", "lines"}
    by_claims, by_lines = -(-claims // 700), -(-lines // 700)        # each kind of motif parted by its own rows
    assert by_claims <= len(parts.ranges(Kind.CARD)) <= 2 * by_claims
    assert by_lines <= len(parts.ranges(Kind.PROVIDER, "lines")) <= 2 * by_lines

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

"""Run the heavy motifs in parts, so no single query holds all claims at once.

A motif whose header says ``partition: cards`` (or ``providers``) filters the
entity each of its rows is anchored on by ``$part_lo <= id <= $part_hi``.
Every row belongs to exactly one anchor, so running the query once per id
range and concatenating gives the same rows as one run over the whole graph,
while each run's joins and aggregations hold only that range's claims: at
10^7 claims the single-pass queries needed more working memory than the
embedded engine's cache could give. Ranges are consecutive slices of the
sorted ids, about ``claims_per_part`` rows' worth each, where the rows are the
claims and the lines of claims (items: the drug motifs scan and join lines as
the others scan claims — measured at 10^7 claims with 7.4 million lines, the
item motifs of a part holding 2.3 million lines filled a 4 GiB cache); a graph
below that runs every motif in one part (the whole id range).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from graphfraud.engines.base import Engine
from graphfraud.errors import ConfigError
from graphfraud.vocabulary import Kind

DEFAULT_CLAIMS_PER_PART = 2_000_000
KINDS = (Kind.CARD, Kind.PROVIDER)   # the kinds a motif's query may run over in id ranges (partition/<plural>)

Range = tuple[str, str]


def claims_per_part(config: Mapping[str, Any] | None) -> int:
    """The ``[detect] claims_per_part`` setting, checked."""
    value = (config or {}).get("claims_per_part", DEFAULT_CLAIMS_PER_PART)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"[detect] claims_per_part = {value!r}: give a whole number of claims ≥ 1")
    return value


def slices(ids: list[str], parts: int) -> list[Range]:
    """``parts`` consecutive, non-overlapping inclusive ranges covering the sorted ``ids`` (fewer if ids are few)."""
    if not ids:
        return [("", "")]
    parts = max(1, min(parts, len(ids)))
    bounds = [i * len(ids) // parts for i in range(parts + 1)]
    return [(ids[a], ids[b - 1]) for a, b in itertools.pairwise(bounds) if b > a]


class Partitioner:
    """The id ranges of one detection run, read from the engine once per kind and reused by every motif.

    ``parts`` fixes the number of parts (1: every motif over the whole id range);
    by default it follows the number of claims and ``[detect] claims_per_part``.
    """

    def __init__(self, engine: Engine, config: Mapping[str, Any] | None = None, parts: int | None = None) -> None:
        self._engine = engine
        self._per_part = claims_per_part(config)
        self._parts = parts
        self._ranges: dict[Kind, list[Range]] = {}

    @property
    def parts(self) -> int:
        if self._parts is None:
            n = sum(_count(self._engine, name) for name in ("partition/claims", "partition/lines"))
            self._parts = max(1, math.ceil(n / self._per_part))
        return self._parts

    def ranges(self, kind: Kind) -> list[Range]:
        """The ranges of ``kind`` (cards or providers) this run uses."""
        if kind not in KINDS:
            raise ValueError(f"unknown partition kind {kind!r}; one of {', '.join(KINDS)}")
        if kind not in self._ranges:
            frame = self._engine.query(f"partition/{kind.plural}")
            ids = [str(v) for v in frame["id"].tolist()] if len(frame) else []
            self._ranges[kind] = slices(ids, self.parts)
        return self._ranges[kind]

    def params(self, kind: Kind | None) -> list[dict[str, str]]:
        """The partition parameters of each run of a motif partitioned by ``kind`` (one empty dict if it is not)."""
        if not kind:
            return [{}]
        return [{"part_lo": lo, "part_hi": hi} for lo, hi in self.ranges(kind)]


def _count(engine: Engine, query: str) -> int:
    frame = engine.query(query)
    return int(frame.iloc[0]["n"]) if len(frame) and frame.iloc[0]["n"] is not None else 0


def whole(engine: Engine, kind: Kind | None) -> dict[str, str]:
    """Parameters that run a motif partitioned by ``kind`` over every id at once (none if it is not partitioned),
    as a case bundle's queries.cypher gives them; for many motifs, keep one ``Partitioner(engine, parts=1)``."""
    return Partitioner(engine, parts=1).params(kind)[0]

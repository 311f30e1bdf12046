"""Run the heavy motifs in parts, so no single query holds all claims at once.

A motif whose header says ``partition: cards`` (or ``providers``) filters the
entity each of its rows is anchored on by ``$part_lo <= id <= $part_hi``.
Every row belongs to exactly one anchor, so running the query once per id
range and concatenating gives the same rows as one run over the whole graph,
while each run's joins and aggregations hold only that range's rows: at
10^7 claims the single-pass queries needed more working memory than the
embedded engine's cache could give.

A part holds about ``claims_per_part`` rows of what the motif scans: claims,
or, for a motif whose header says ``part_rows: lines``, the lines of claims
(items). Ranges are cut along the sorted ids by those rows, not by the number
of ids: pharmacies differ a hundredfold in volume, and slices of equal id
counts once left 2.3 million lines in one part and filled a 4 GiB cache. Each
kind of motif gets as many parts as its own rows need — at 10^7 claims with
7.4 million lines, five for the claim motifs and four for the line motifs,
where one count of claims and lines together gave every motif nine, and every
part re-reads the tables it joins. A graph below that runs every motif in one
part (the whole id range).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from graphfraud.detect.evidence import PART_ROWS as ROWS
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


def slices(ids: list[str], parts: int, weights: Sequence[int] | None = None) -> list[Range]:
    """Consecutive, non-overlapping inclusive ranges covering the sorted ``ids``: ``parts`` of equal id counts
    (fewer if ids are few), or, with ``weights`` (one per id), ranges that each stay within a ``parts``-th of
    the total weight unless a single id is heavier (no id is split; a heavy id ends its range, and at most
    about twice ``parts`` ranges come out)."""
    if not ids:
        return [("", "")]
    parts = max(1, min(parts, len(ids)))
    if weights is None:
        bounds = [i * len(ids) // parts for i in range(parts + 1)]
        return [(ids[a], ids[b - 1]) for a, b in itertools.pairwise(bounds) if b > a]
    share = sum(max(0, int(w)) for w in weights) / parts
    out: list[Range] = []
    start, held = 0, 0
    for i, w in enumerate(max(0, int(w)) for w in weights):
        if held and held + w > share:
            out.append((ids[start], ids[i - 1]))
            start, held = i, 0
        held += w
    out.append((ids[start], ids[-1]))
    return out


class Partitioner:
    """The id ranges of one detection run, read from the engine once per kind and reused by every motif.

    ``parts`` fixes the number of parts (1: every motif over the whole id range);
    by default each (kind, rows) gets as many as its rows over ``[detect] claims_per_part``.
    """

    def __init__(self, engine: Engine, config: Mapping[str, Any] | None = None, parts: int | None = None) -> None:
        self._engine = engine
        self._per_part = claims_per_part(config)
        self._parts = parts
        self._ids: dict[Kind, list[str]] = {}
        self._ranges: dict[tuple[Kind, str], list[Range]] = {}

    def ranges(self, kind: Kind, rows: str = "claims") -> list[Range]:
        """The ranges of ``kind`` (cards or providers) this run uses for motifs whose parts count ``rows``."""
        if kind not in KINDS:
            raise ValueError(f"unknown partition kind {kind!r}; one of {', '.join(KINDS)}")
        if rows not in ROWS:
            raise ValueError(f"unknown part rows {rows!r}; one of {', '.join(ROWS)}")
        if (kind, rows) not in self._ranges:
            if kind not in self._ids:
                frame = self._engine.query(f"partition/{kind.plural}")
                self._ids[kind] = [str(v) for v in frame["id"].tolist()] if len(frame) else []
            ids = self._ids[kind]
            if self._parts is not None:
                self._ranges[(kind, rows)] = slices(ids, self._parts)
            else:
                counts = self._engine.query(f"partition/{kind}_{rows}")
                per_id = dict(zip(counts["id"].astype(str), counts["n"].astype(int))) if len(counts) else {}
                weights = [per_id.get(i, 0) for i in ids]
                parts = max(1, math.ceil(sum(weights) / self._per_part))
                self._ranges[(kind, rows)] = slices(ids, parts, weights)
        return self._ranges[(kind, rows)]

    def params(self, kind: Kind | None, rows: str = "claims") -> list[dict[str, str]]:
        """The partition parameters of each run of a motif partitioned by ``kind`` (one empty dict if it is not)."""
        if not kind:
            return [{}]
        return [{"part_lo": lo, "part_hi": hi} for lo, hi in self.ranges(kind, rows)]


def whole(engine: Engine, kind: Kind | None) -> dict[str, str]:
    """Parameters that run a motif partitioned by ``kind`` over every id at once (none if it is not partitioned),
    as a case bundle's queries.cypher gives them; for many motifs, keep one ``Partitioner(engine, parts=1)``."""
    return Partitioner(engine, parts=1).params(kind)[0]

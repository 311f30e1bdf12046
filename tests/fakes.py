"""A recording stand-in for an engine, for unit tests of the logic around queries (never instead of the real ones).

Like the Graph Data Science Python client's collecting query runner: each named
query is recorded with its parameters and answered with a canned frame, so a
test can say "these queries, with these parameters, in this order" and feed the
logic rows it chose, without a database. The fake keeps the engine contract
(``graphfraud.engines.base``): a query name must exist under ``cypher/``, every
``$parameter`` of its text must be given, and canned frames come back with
missing values as None, as both real engines return them. What rows a query
really returns is for the integration tests (``tests/test_conformance.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graphfraud import queries
from graphfraud.engines.base import WriteStats, none_for_missing
from graphfraud.graph import GraphFrames

Answer = pd.DataFrame | Callable[[dict[str, Any]], pd.DataFrame]


@dataclass(frozen=True)
class Call:
    """One query the code under test asked for: its name and a copy of its parameters."""

    name: str
    params: dict[str, Any]
    in_transaction: bool = False


@dataclass
class RecordingEngine:
    """An ``Engine`` that records named queries and answers them from ``answers`` (a frame, or a function of the
    parameters giving one); a query with no answer is an error, so a test states every query it expects.

    The capabilities (``threadsafe``, ``shared_store``, ``gds``) are the test's to choose. Loading, counting
    and raw Cypher are not faked: they raise, as a unit test has no business there.
    """

    answers: Mapping[str, Answer] = field(default_factory=dict)
    name: str = "fake"
    threadsafe: bool = True
    shared_store: bool = False
    gds: bool = False
    calls: list[Call] = field(default_factory=list)
    closed: bool = False
    _depth: int = 0

    # -- what the fake answers ---------------------------------------------
    def query(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Record the call, check it against the query file, return the canned frame (missing values None)."""
        params = dict(params or {})
        missing = sorted(queries.load(name, self.name).parameters - set(params))  # KeyError: no such query
        if missing:
            raise AssertionError(f"{name} needs ${', $'.join(missing)}; given {sorted(params)}")
        self.calls.append(Call(name, params, self._depth > 0))
        if name not in self.answers:
            raise AssertionError(f"unexpected query {name} (parameters {params}); answers for: {sorted(self.answers)}")
        answer = self.answers[name]
        frame = answer(params) if callable(answer) else answer
        return none_for_missing(frame.copy())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Mark the calls made inside (``Call.in_transaction``); a block inside another joins it."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    def close(self) -> None:
        self.closed = True

    def names(self) -> list[str]:
        """The names of the queries asked for, in order."""
        return [c.name for c in self.calls]

    # -- what it does not fake -----------------------------------------------
    def run(self, cypher: str, params: dict[str, Any] | None = None, write: bool = False) -> pd.DataFrame:
        raise NotImplementedError("RecordingEngine answers named queries only (engine.query)")

    def ensure_schema(self) -> None:
        raise NotImplementedError("schemas are for the integration tests")

    def write(self, frames: GraphFrames, progress: Any = None) -> WriteStats:
        raise NotImplementedError("loads are for the integration tests")

    def stored_claims(self, ids: pd.Series) -> pd.DataFrame:
        raise NotImplementedError("loads are for the integration tests")

    def counts(self) -> dict[str, int]:
        raise NotImplementedError("counts are for the integration tests")

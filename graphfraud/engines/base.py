"""The engine interface: what every graph database behind graphfraud must do.

Commands talk to an ``Engine`` only, so the embedded engine and Neo4j are
interchangeable and the conformance tests can run the same job on both.

What ``query`` and ``run`` return (the contract callers rely on, pinned by
``tests/test_conformance.py`` on both engines):

* a DataFrame with one column per returned name, in the query's order;
* **a missing value is ``None``, never NaN or NaT**: a column holding one is
  of object dtype (its present values as the engine gave them, e.g. ``1.0``
  for an integer property of the embedded engine that some rows lack);
* a column with no missing value keeps the dtype the engine gave it (int64,
  float64, str, bool, datetime), so whole-column arithmetic stays vectorised;
* a list cell is a list (its missing elements ``None``).

Both drivers build their frames with pandas, whose inference turns a null
into NaN (numbers, and text since pandas 3) or NaT; ``none_for_missing``
undoes that once, here, instead of every caller testing for NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from graphfraud.graph import GraphFrames

Progress = Callable[[str, int], None]  # (what, rows just written)


@dataclass
class WriteStats:
    """What one load wrote: nodes and relationships created per label/type."""

    nodes_created: dict[str, int] = field(default_factory=dict)
    rels_created: dict[str, int] = field(default_factory=dict)
    nodes_updated: dict[str, int] = field(default_factory=dict)

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes_created.values())

    @property
    def total_rels(self) -> int:
        return sum(self.rels_created.values())


class Engine(Protocol):
    """A graph database graphfraud can load into and query.

    What an engine can do is declared by its capabilities, never read from its
    ``name`` (which is for messages and run records only), so a third engine or a
    test's fake says what it supports in one place.
    """

    name: str
    threadsafe: bool
    """Several threads may call it at once (Neo4j's driver); else the workbench serialises its calls."""
    shared_store: bool
    """Its store is a server others use while this process runs (a shared case trail, no folder lock)."""
    gds: bool
    """It can run Neo4j Graph Data Science procedures (``cypher/gds/``) when the server has the plugin."""

    def ensure_schema(self) -> None:
        """Create constraints/indexes (Neo4j) or tables (embedded); safe to repeat."""

    def write(self, frames: GraphFrames, progress: Progress | None = None) -> WriteStats:
        """Upsert nodes then relationships; loading the same frames twice changes nothing."""

    def stored_claims(self, ids: pd.Series) -> pd.DataFrame:
        """The stored claims among ``ids`` (the delivered claim ids, a column of the claims frame), one column per
        delivered claim column (``load/stored_claim_values``).

        Outside the ``query`` contract: a missing value may be None or NaN (the load's comparison,
        ``graphfraud.load``, treats both as absent, and the embedded engine reads these columns from Arrow
        at millions of rows, where converting them would cost more than the comparison).
        """

    def query(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run the named query from ``cypher/`` (engine override preferred) and return its rows."""

    def run(self, cypher: str, params: dict[str, Any] | None = None, write: bool = False) -> pd.DataFrame:
        """Run Cypher text with parameters; for the project's own fixed statements only."""

    def transaction(self) -> AbstractContextManager[None]:
        """The queries made inside the block as one transaction: all stored, or none (an error or a kill included).

        A block inside another joins it. For a few bounded writes (detection's write-back), not for loads.
        """

    def counts(self) -> dict[str, int]:
        """Node count per label and relationship count per type."""

    def close(self) -> None:
        """Release the connection or database handle."""


def none_for_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every missing value as ``None`` (see the module docstring); complete columns untouched.

    Only columns holding a missing value are converted (to object dtype), so a
    complete numeric column costs one null check and no copy.
    """
    if frame.empty:
        return frame
    missing = frame.isna().any().to_numpy()
    for i in missing.nonzero()[0]:
        column = frame.iloc[:, i]
        frame.isetitem(int(i), column.astype(object).where(column.notna(), None))
    return frame


def engine_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with missing values dropped, so a null never overwrites a stored value."""
    cols = list(frame.columns)
    out: list[dict[str, Any]] = []
    for values in frame.itertuples(index=False, name=None):
        row = {}
        for k, v in zip(cols, values):
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                continue
            row[k] = v.item() if hasattr(v, "item") else v
        out.append(row)
    return out


def engine_columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Columns as plain lists with None for missing values: the parameter form of the CREATE load files.

    One list per property packs far faster than one map per row (no per-row Python
    work, no repeated keys), and a null in a CREATE leaves the property out.
    """
    out: dict[str, list[Any]] = {}
    for name in frame.columns:
        column = frame[name]
        out[name] = column.astype(object).where(column.notna(), None).tolist()
    return out


def changed_rows(incoming: pd.DataFrame, stored: pd.DataFrame, key: str) -> pd.DataFrame:
    """Incoming rows with a present value that differs from the stored one (absent values never count)."""
    if incoming.empty:
        return incoming
    merged = incoming.merge(stored, on=key, how="left", suffixes=("", "__old"))
    changed = pd.Series(False, index=merged.index)
    for column in incoming.columns:
        if column == key or f"{column}__old" not in merged:
            continue
        new, old = merged[column].astype(object), merged[f"{column}__old"].astype(object)
        changed |= new.notna() & ~(new == old)
    return incoming[changed.to_numpy()]

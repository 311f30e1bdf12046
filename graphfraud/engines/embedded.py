"""The embedded engine: LadybugDB (the maintained continuation of Kùzu), in-process.

Why LadybugDB: it speaks Cypher (so the ``cypher/`` motif files run
unchanged), stores columns (fast scans and aggregations for the motifs) and
bulk-loads from Arrow/DataFrames at hundreds of thousands of rows a second,
with nothing to install but a wheel. Its tables are typed, so the graph model
(``graphfraud.model``) becomes node and relationship tables here.

Loading uses ``COPY … FROM`` an Arrow table for new keys (row-wise MERGE is
~400× slower on this engine), updates changed values of existing nodes
column by column, and skips relationships that already exist, so reloads are
idempotent exactly as on Neo4j.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from graphfraud import queries
from graphfraud.engines.base import Progress, WriteStats, none_for_missing
from graphfraud.errors import EngineError, EngineUnavailable, WriteConflict
from graphfraud.graph import GraphFrames, give_back_memory, isin
from graphfraud.model import IMMUTABLE, NODES, RELS

_UPDATE_BATCH = 50_000
_RENEW_AFTER = "motifs/"  # the heavy queries, one after another in detection: a new connection after each
# A settlement, once made, does not change (nor do its lines, nor a purchase): a re-delivered
# key is the same node, so only keys are compared (cheap at tens of millions of rows).
_IMMUTABLE = set(IMMUTABLE)


def _copied(result: Any) -> int | None:
    """The row count a COPY reports ("N tuples have been copied to the T table."), None if it says none."""
    result = result[0] if isinstance(result, list) else result
    try:
        message = str(result.get_next()[0])
    except (RuntimeError, IndexError, AttributeError):
        return None
    number = message.split(" ", 1)[0]
    return int(number) if number.isdigit() else None


def _ddl() -> list[str]:
    statements = []
    for node in NODES.values():
        cols = ", ".join(f"{name} {kind}" for name, kind in node.properties)
        statements.append(f"CREATE NODE TABLE IF NOT EXISTS {node.label}({cols}, PRIMARY KEY ({node.key}))")
        # a database made by an earlier version gains the properties added since
        statements.extend(f"ALTER TABLE {node.label} ADD IF NOT EXISTS {name} {kind}" for name, kind in node.properties)
    for rel in RELS.values():
        ends = ", ".join(f"FROM {a} TO {b}" for a, b in rel.ends)
        props = "".join(f", {name} {kind}" for name, kind in rel.properties)
        statements.append(f"CREATE REL TABLE IF NOT EXISTS `{rel.type}`({ends}{props})")
    return statements


_INLINE_BYTES = 12  # LadybugDB keeps strings up to this many bytes inline; longer keys go to overflow pages


def _long_text(values: pd.Series) -> bool:
    """Whether a key column holds text longer than LadybugDB stores inline (see ``EmbeddedEngine._copy``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.dtype.kind in "iufb":
        return False
    longest = pc.max(pc.binary_length(pa.array(values.dropna().astype(str), type=pa.large_string()))).as_py()
    return (longest or 0) > _INLINE_BYTES


def _without_empty_chunks(table: Any) -> Any:
    """``table`` with the empty chunks of its columns left out (no copy of any value)."""
    import pyarrow as pa

    columns = [pa.chunked_array([c for c in column.chunks if len(c)], type=column.type)
               if any(len(c) == 0 for c in column.chunks) else column for column in table.columns]
    return pa.Table.from_arrays(columns, schema=table.schema)


class EmbeddedEngine:
    """Engine backed by a LadybugDB database folder."""

    name = "embedded"
    threadsafe = False  # one connection, meant for one thread
    shared_store = False  # the folder is locked by the one process that opened it
    gds = False

    def __init__(self, path: Path, read_only: bool = False, buffer_pool: int | None = None) -> None:
        """Open (or create) the database folder; ``buffer_pool`` caps LadybugDB's cache in bytes (its default
        takes up to 80 % of the machine's memory, which a shared server may not have to give)."""
        import ladybug

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._in_transaction = False
        try:
            self._db = ladybug.Database(str(self.path), read_only=read_only, buffer_pool_size=buffer_pool or 0)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            if "lock" in str(exc).lower():
                # one process at a time holds the folder (LadybugDB's file lock): say who and what to do instead
                raise EngineUnavailable(
                    f"the embedded database at {self.path} is in use by another graphfraud process (a running "
                    "graphfraud serve, load or detect): export case bundles, take case steps and manage users in "
                    "the workbench while it runs, or stop it (Ctrl+C) and run this command again") from exc
            raise EngineUnavailable(f"cannot open the embedded database at {self.path}: {exc}") from exc

    # -- queries ---------------------------------------------------------
    def run(self, cypher: str, params: dict[str, Any] | None = None, write: bool = False) -> pd.DataFrame:
        """Rows of ``cypher`` with missing values as None (the ``base`` contract)."""
        return none_for_missing(self._frame(cypher, params))

    def _frame(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Rows as LadybugDB gives them (NaN/NaT for nulls): for the load's own whole-table reads, which
        compare with ``notna`` and need no conversion of ten million rows."""
        try:
            result = self._conn.execute(cypher, params or {})
        except RuntimeError as exc:
            if "buffer pool is full" in str(exc).lower():
                raise EngineError(
                    f"the embedded engine's cache (buffer pool) is full: {exc} Give it more memory "
                    "([embedded] buffer_pool in graphfraud.toml or GRAPHFRAUD_BUFFER_POOL, e.g. 6G) or, "
                    "for detection, lower [detect] claims_per_part so each motif query holds fewer claims"
                ) from exc
            if "duplicated primary key" in str(exc).lower():
                # the message quotes the key (a user name, an event id): not repeated here
                raise WriteConflict("another write stored the same key first (a primary key is taken)") from exc
            raise EngineError(f"embedded engine rejected a query: {exc}") from exc
        if isinstance(result, list):
            result = result[-1]
        return result.get_as_df()

    def query(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Rows of the named query; after a motif query (``motifs/``) the connection is renewed (``_renew``).

        A parameter the query uses and ``params`` lacks is refused, as Neo4j refuses it (LadybugDB alone
        would read it as null and answer with no rows)."""
        query = queries.load(name, self.name)
        missing = query.parameters.difference(params or {})
        if missing:
            raise EngineError(f"query {name} needs ${', $'.join(sorted(missing))}, not given")
        frame = self.run(query.text, params)
        if name.startswith(_RENEW_AFTER):
            self._renew()
        return frame

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One LadybugDB transaction on this connection (BEGIN … COMMIT; ROLLBACK on an error).

        A process killed inside it leaves nothing of it: the database replays only
        committed transactions from its write-ahead log when it is opened again.
        """
        if self._in_transaction:
            yield
            return
        self.run("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._in_transaction = False
            with contextlib.suppress(RuntimeError):  # a failed statement may have ended the transaction already
                self._conn.execute("ROLLBACK")
            raise
        self._in_transaction = False
        self.run("COMMIT")

    def _arrow(self, cypher: str, params: dict[str, Any] | None = None):
        """A query's rows as an Arrow table (several times faster than a DataFrame for many text columns)."""
        try:
            result = self._conn.execute(cypher, params or {})
        except RuntimeError as exc:
            raise EngineError(f"embedded engine rejected a query: {exc}") from exc
        return (result[-1] if isinstance(result, list) else result).get_as_arrow()

    def stored_claims(self, ids: pd.Series) -> pd.DataFrame:
        """The stored claims among ``ids`` with their delivered columns.

        Which ids are stored comes from one scan of the claim keys; their values from key lookups, or, when
        most stored claims are asked for (a folder loaded again), from one scan of them all (4 s per 10^6
        claims here, where lookups take 17 s).
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = pa.array(ids, type=pa.string(), from_pandas=True)
        keys = self._arrow("MATCH (c:Claim) RETURN c.claim_id AS claim_id").column("claim_id")
        hits = keys.filter(pc.is_in(keys, value_set=wanted))
        if len(hits) == 0:
            return pd.DataFrame()
        if len(hits) > len(keys) // 5:
            table = self._arrow(queries.load("load/all_claim_values", self.name).text)
            return table.filter(pc.is_in(table.column("claim_id"), value_set=wanted)).to_pandas()
        found = hits.to_pylist()
        text = queries.load("load/stored_claim_values", self.name).text
        parts = [self._arrow(text, {"ids": found[i : i + _UPDATE_BATCH]}) for i in range(0, len(found), _UPDATE_BATCH)]
        return pa.concat_tables(parts).to_pandas()

    # -- schema and load -------------------------------------------------
    def ensure_schema(self) -> None:
        for statement in _ddl():
            self.run(statement)

    def _existing(self, label: str, key: str) -> pd.DataFrame:
        if label in _IMMUTABLE:
            return self._frame(f"MATCH (n:{label}) RETURN n.{key} AS {key}")
        stored = self._frame(f"MATCH (n:{label}) RETURN n.*")
        stored.columns = [c.removeprefix("n.") for c in stored.columns]
        return stored

    def _copy(self, table: str, frame: pd.DataFrame, options: str = "", key: str | None = None) -> None:
        """COPY ``frame`` into ``table`` from Arrow; one thread when the node key holds long text.

        LadybugDB 0.22 hangs for good (every thread waiting, no error) when several
        threads COPY a few hundred thousand primary keys longer than the 12 bytes it
        stores inline — met at 10^7 claims on the Address table (~500k Chinese
        addresses). One thread copies the same rows in seconds, so only such tables
        pay for it; short keys (ids, phones) keep every thread.
        """
        import pyarrow as pa

        # No empty chunk: LadybugDB 0.22 copies nothing, in silence, from a column whose first chunk is empty
        # (a pandas concat of an empty frame and a full one: every item of a folder rejected, its purchases
        # kept), and stops at an empty chunk further on. The other chunks are copied as they are (columns
        # chunked differently copy right): combining them would copy the whole table first. The count
        # LadybugDB reports is checked so that no loss ever passes unseen.
        arrow = _without_empty_chunks(pa.Table.from_pandas(frame, preserve_index=False))  # read by COPY by its name
        single = key is not None and _long_text(frame[key])
        try:
            if single:
                self._conn.set_max_threads_for_exec(1)
            result = self._conn.execute(f"COPY `{table}` FROM arrow{options}")
        except RuntimeError as exc:
            raise EngineError(f"embedded bulk load of {table} failed: {exc}") from exc
        finally:
            if single:
                self._conn.set_max_threads_for_exec(os.cpu_count() or 1)
        copied = _copied(result)
        del result, arrow
        # LadybugDB 0.22's connection keeps every Arrow table it copied from (so the frame's memory) until the
        # connection closes: a new one lets this table go before the next is copied, and Arrow's allocator,
        # which would keep the memory for itself, gives it back for the database to grow into
        self._renew()
        give_back_memory()
        if copied is not None and copied != len(frame):
            raise EngineError(f"embedded bulk load of {table} copied {copied} of {len(frame)} rows")

    def _write_nodes(self, label: str, frame: pd.DataFrame, stats: WriteStats) -> None:
        node = NODES[label]
        frame = frame[node.columns]
        stored = self._existing(label, node.key)
        known = isin(frame[node.key], stored[node.key]) if len(stored) else pd.Series(False, index=frame.index)
        new = frame[~known]
        if len(new):
            self._copy(label, new, key=node.key)
        stats.nodes_created[label] = len(new)
        if label not in _IMMUTABLE:
            stats.nodes_updated[label] = self._update_changed(label, node.key, frame[known], stored)

    def _update_changed(self, label: str, key: str, incoming: pd.DataFrame, stored: pd.DataFrame) -> int:
        """Set values that differ from what is stored; absent values never erase stored ones."""
        if incoming.empty:
            return 0
        merged = incoming.merge(stored, on=key, how="left", suffixes=("", "__old"))
        touched: set[Any] = set()
        for column in incoming.columns:
            if column == key:
                continue
            new, old = merged[column], merged[f"{column}__old"]
            changed = new.notna() & ~(new.astype(object) == old.astype(object))
            if not changed.any():
                continue
            rows = [{"k": k, "v": (v.item() if hasattr(v, "item") else v)} for k, v in zip(merged.loc[changed, key], new[changed])]
            for start in range(0, len(rows), _UPDATE_BATCH):
                self.run(f"UNWIND $rows AS r MATCH (n:{label} {{{key}: r.k}}) SET n.{column} = r.v", {"rows": rows[start : start + _UPDATE_BATCH]})
            touched.update(merged.loc[changed, key])
        return len(touched)

    def _write_rels(self, rel_type: str, a: str, b: str, frame: pd.DataFrame, stats: WriteStats) -> None:
        ka, kb = NODES[a].key, NODES[b].key
        stored = self._frame(f"MATCH (a:{a})-[:`{rel_type}`]->(b:{b}) RETURN a.{ka} AS src, b.{kb} AS dst")
        if len(stored):
            frame = frame.merge(stored.assign(_seen=True), on=["src", "dst"], how="left")
            frame = frame[frame["_seen"].isna()].drop(columns="_seen")
        if len(frame):
            multi = len(RELS[rel_type].ends) > 1
            self._copy(rel_type, frame, f" (from='{a}', to='{b}')" if multi else "")
        stats.rels_created[rel_type] = stats.rels_created.get(rel_type, 0) + len(frame)

    def write(self, frames: GraphFrames, progress: Progress | None = None) -> WriteStats:
        """Nodes, each label followed by the relationships whose ends are then in (``GraphFrames.in_write_order``):
        a load's frames (``release``) are let go table by table, so its memory falls as the database's grows."""
        stats = WriteStats()
        for key, frame in frames.in_write_order():
            if isinstance(key, str):
                self._write_nodes(key, frame, stats)
                name = key
            else:
                self._write_rels(*key, frame, stats)
                name = key[0]
            rows = len(frame)
            del frame  # a released table is held by nothing now
            if progress:
                progress(name, rows)
        return stats

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label in NODES:
            out[label] = int(self.run(f"MATCH (n:{label}) RETURN count(n) AS n")["n"].iloc[0])
        for rel_type in RELS:
            out[rel_type] = int(self.run(f"MATCH ()-[r:`{rel_type}`]->() RETURN count(r) AS n")["n"].iloc[0])
        return out

    def _renew(self) -> None:
        """Continue on a new connection: LadybugDB 0.22 keeps memory from a connection's earlier queries in its
        buffer pool, so at 10^7 claims the motifs, one after another, filled a 6 GiB pool and the tenth failed
        ("buffer pool is full"); with a new connection after each motif query (each part of a partitioned one)
        the same run peaked at 4.6 GiB. The database and its cache stay; inside a transaction nothing changes.

        A LadybugDB matter, so it lives here rather than in the engine protocol (Neo4j frees a query's memory
        itself)."""
        import ladybug

        if self._in_transaction:  # the transaction lives on this connection
            return
        self._conn.close()
        self._conn = ladybug.Connection(self._db)

    def close(self) -> None:
        self._conn.close()
        self._db.close()

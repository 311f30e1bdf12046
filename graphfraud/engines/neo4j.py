"""Neo4j 5 over Bolt: the system of record for production and for investigators.

All access goes through ``execute_query`` with parameters; results come back
as DataFrames. Loads MERGE in batches through the ``cypher/load`` files.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from graphfraud import queries
from graphfraud.config import Neo4jSettings
from graphfraud.engines.base import Progress, WriteStats, engine_rows
from graphfraud.errors import EngineError, EngineUnavailable
from graphfraud.graph import GraphFrames
from graphfraud.model import NODES, RELS

START_HINT = "start it with `scripts/neo4j-local start` or `docker compose up -d`"


class Neo4jEngine:
    """Engine backed by a Neo4j server."""

    name = "neo4j"

    def __init__(self, settings: Neo4jSettings, batch_size: int = 10_000, workers: int = 2) -> None:
        import neo4j

        if not settings.uri:
            raise EngineUnavailable(f"no Neo4j configured: set NEO4J_URI (or {START_HINT})")
        self.settings = settings
        self.batch_size = batch_size
        self.workers = workers
        auth = (settings.user, settings.password) if settings.password else None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                settings.uri, auth=auth, connection_timeout=5.0,
                notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
            )
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError as exc:
            raise EngineUnavailable(
                f"Neo4j at {settings.uri} refused the login for user {settings.user!r}: check NEO4J_PASSWORD "
                "(scripts/neo4j-local writes it to .neo4j-local/credentials.env)"
            ) from exc
        except (neo4j.exceptions.ServiceUnavailable, OSError, ValueError) as exc:
            raise EngineUnavailable(f"cannot reach Neo4j at {settings.uri}: {START_HINT}") from exc

    # -- queries ---------------------------------------------------------
    def run(self, cypher: str, params: dict[str, Any] | None = None, write: bool = False) -> pd.DataFrame:
        import neo4j

        try:
            return self._driver.execute_query(
                cypher,
                parameters_=params or {},
                database_=self.settings.database,
                routing_=neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ,
                result_transformer_=neo4j.Result.to_df,
            )
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise EngineUnavailable(f"lost Neo4j at {self.settings.uri}: {START_HINT}") from exc
        except neo4j.exceptions.Neo4jError as exc:
            raise EngineError(f"Neo4j rejected a query: {exc.code}: {exc.message}") from exc

    def query(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        q = queries.load(name, self.name)
        return self.run(q.text, params, write=q.meta.get("mode") == "write")

    # -- schema and load -------------------------------------------------
    def ensure_schema(self) -> None:
        for statement in queries.statements(queries.load("schema/constraints", self.name)):
            self.run(statement, write=True)

    def _batches(self, query_name: str, frame: pd.DataFrame, what: str, progress: Progress | None) -> None:
        """Write ``frame`` in batches, ``workers`` transactions at a time (the server uses every core).

        Each batch is its own transaction; a deadlock between two batches (both adding
        relationships to one busy provider) is a transient error the driver retries.
        """
        text = queries.load(query_name, self.name).text
        starts = range(0, len(frame), self.batch_size)

        def one(start: int) -> int:
            chunk = frame.iloc[start : start + self.batch_size]
            self._write_batch(text, engine_rows(chunk))
            return len(chunk)

        if self.workers <= 1 or len(starts) <= 1:
            for start in starts:
                n = one(start)
                if progress:
                    progress(what, n)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for n in pool.map(one, starts):
                if progress:
                    progress(what, n)

    def _write_batch(self, text: str, rows: list[dict[str, Any]]) -> None:
        import neo4j

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(text, rows=rows).consume()

        try:
            with self._driver.session(database=self.settings.database) as session:
                session.execute_write(work)
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise EngineUnavailable(f"lost Neo4j at {self.settings.uri}: {START_HINT}") from exc

    def _new_claims(self, claims: pd.DataFrame) -> pd.DataFrame:
        stored: set[str] = set()
        ids = claims["claim_id"].tolist()
        text = queries.load("load/stored_claims", self.name).text
        for start in range(0, len(ids), 50_000):
            stored.update(self.run(text, {"ids": ids[start : start + 50_000]}).get("id", []))
        return claims[~claims["claim_id"].isin(stored)] if stored else claims

    def write(self, frames: GraphFrames, progress: Progress | None = None) -> WriteStats:
        before = self.counts()
        for label, frame in frames.nodes.items():
            if label == "Claim":
                continue
            self._batches(f"load/{label.lower()}", frame, label, progress)
        # Claims come last, created with their four links (see cypher/load/claim.cypher).
        claims = frames.nodes.get("Claim")
        if claims is not None and len(claims):
            self._batches("load/claim", self._new_claims(claims), "Claim", progress)
        for (rel_type, a, b), frame in frames.rels.items():
            if "Claim" in (a, b):
                continue
            self._batches(f"load/rel_{rel_type.lower()}", frame, rel_type, progress)
        after = self.counts()
        stats = WriteStats()
        for label in frames.nodes:
            stats.nodes_created[label] = after.get(label, 0) - before.get(label, 0)
        for rel_type, *_ in frames.rels:
            stats.rels_created[rel_type] = after.get(rel_type, 0) - before.get(rel_type, 0)
        return stats

    def clear(self) -> None:
        """Delete every node and relationship, in batches a 2 GiB heap can hold (tests, benchmarks)."""
        while int(self.run("MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS n", write=True)["n"].iloc[0]):
            pass

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label in NODES:
            out[label] = int(self.run(f"MATCH (n:{label}) RETURN count(n) AS n")["n"].iloc[0])
        for rel_type in RELS:
            out[rel_type] = int(self.run(f"MATCH ()-[r:`{rel_type}`]->() RETURN count(r) AS n")["n"].iloc[0])
        return out

    def close(self) -> None:
        self._driver.close()

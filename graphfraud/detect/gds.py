"""Leiden in Neo4j Graph Data Science: the same communities step, run inside the server.

The suspicion projection is built in memory from motif evidence and holds
event hubs that are not graph nodes, so it is sent to GDS as it stands: its
integer node ids and weighted edges go over Bolt as one parameter and become an
undirected in-memory GDS graph (Cypher aggregation, ``gds.graph.project``). Leiden
runs on it with the same resolution igraph would use, a fixed seed and one
thread (GDS is deterministic per seed only single-threaded), and the graph is
dropped afterwards whatever happens. All Cypher is in ``cypher/gds/``.

GDS is asked for explicitly (``[detect] communities = "gds"``); when the
engine or the server cannot run it the caller gets a ``ConfigError`` that says
what to change, never a silent fallback to igraph.
"""

from __future__ import annotations

import uuid

from graphfraud.detect.projection import Projection
from graphfraud.engines.base import Engine
from graphfraud.errors import ConfigError

GDS_HINT = ("install it in the local server with `scripts/neo4j-local stop && scripts/neo4j-local start --gds` "
            "(Docker: docker-compose.yml enables it), or set communities = \"igraph\" in [detect]")


def gds_version(engine: Engine) -> str:
    """The server's GDS version; ``ConfigError`` naming the fix when the engine or server has no GDS."""
    if not engine.gds:
        raise ConfigError(f'communities = "gds" needs the Neo4j engine with Graph Data Science, but this run uses '
                          f'the {getattr(engine, "name", "unknown")} engine: set engine = "neo4j" (--engine neo4j) '
                          'or communities = "igraph" in [detect]')
    if engine.query("gds/available").empty:
        raise ConfigError(f'communities = "gds" but the Neo4j server has no Graph Data Science '
                          f'(gds.version is not a known function): {GDS_HINT}')
    return str(engine.query("gds/version")["version"].iloc[0])


def leiden(engine: Engine, projection: Projection, seed: int, gamma: float) -> list[int]:
    """Community index of every node of ``projection``, computed by GDS Leiden in the server.

    Nodes without edges (which GDS never sees) each get a community of their own,
    as igraph gives them.
    """
    n = len(projection.names)
    if n == 0:
        return []
    membership: list[int | None] = [None] * n
    if projection.edges:
        name = f"graphfraud-{uuid.uuid4().hex}"
        edges = [[a, b, w] for (a, b), w in zip(projection.edges, projection.weights)]
        try:
            engine.query("gds/project", {"name": name, "edges": edges})
            rows = engine.query("gds/leiden", {"name": name, "seed": int(seed), "gamma": float(gamma)})
        finally:
            engine.query("gds/drop", {"name": name})
        for node, community in zip(rows["node"].tolist(), rows["community"].tolist()):
            membership[int(node)] = int(community)
    next_id = max((c for c in membership if c is not None), default=-1) + 1
    for i, c in enumerate(membership):
        if c is None:
            membership[i] = next_id
            next_id += 1
    return [int(c) for c in membership]  # type: ignore[arg-type]

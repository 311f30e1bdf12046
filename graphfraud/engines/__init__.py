"""Graph engines behind one interface: the embedded default and Neo4j."""

from __future__ import annotations

from graphfraud.config import Settings
from graphfraud.engines.base import Engine, WriteStats

__all__ = ["Engine", "WriteStats", "open_engine"]


def open_engine(settings: Settings, read_only: bool = False) -> Engine:
    """Open the engine the settings choose (embedded unless Neo4j is configured or asked for)."""
    if settings.engine == "neo4j":
        from graphfraud.engines.neo4j import Neo4jEngine

        return Neo4jEngine(settings.neo4j, batch_size=settings.batch_size, workers=settings.load_workers)
    from graphfraud.engines.embedded import EmbeddedEngine

    return EmbeddedEngine(settings.embedded_path, read_only=read_only, buffer_pool=settings.buffer_pool)

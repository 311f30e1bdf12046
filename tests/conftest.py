"""Shared fixtures: real engines only — the embedded database in a temp folder, Neo4j over Bolt.

Neo4j tests run when NEO4J_URI (or .neo4j-local/credentials.env from
``scripts/neo4j-local start``) points at a server; they skip with the reason
otherwise, and fail instead when GRAPHFRAUD_REQUIRE_NEO4J=1 (CI), so a CI run
can never pass by silently skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from graphfraud.config import Settings, load_settings
from graphfraud.engines.embedded import EmbeddedEngine

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedEngine]:
    engine = EmbeddedEngine(tmp_path / "db")
    engine.ensure_schema()
    yield engine
    engine.close()


def neo4j_settings() -> Settings | None:
    settings = load_settings(engine="neo4j", cwd=REPO)
    return settings if settings.neo4j.uri else None


def open_test_neo4j(required_by: tuple[str, ...] = ("GRAPHFRAUD_REQUIRE_NEO4J",)):
    """The configured Neo4j engine; skips the test without one, or fails it when any of ``required_by`` is 1."""
    from graphfraud.engines.neo4j import Neo4jEngine
    from graphfraud.errors import EngineUnavailable

    settings = neo4j_settings()
    required = any(os.environ.get(name) == "1" for name in required_by)
    if settings is None:
        if required:
            pytest.fail(f"{' or '.join(required_by)} asks for Neo4j but none is configured")
        pytest.skip("no Neo4j configured (run scripts/neo4j-local start)")
    try:
        return Neo4jEngine(settings.neo4j)
    except EngineUnavailable as exc:
        if required:
            raise
        pytest.skip(str(exc))


@pytest.fixture
def neo4j() -> Iterator[object]:
    """A Neo4j engine on an emptied database."""
    engine = open_test_neo4j()
    engine.clear()
    engine.ensure_schema()
    yield engine
    engine.close()


@pytest.fixture(params=["embedded", "neo4j"])
def engine(request):
    """Each test using this runs on both engines."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """A small generated data set (shared, read-only) with planted rings and look-alikes."""
    from graphfraud.generate import generate

    out = tmp_path_factory.mktemp("gen") / "input"
    generate(out, claims=5_000, seed=11)
    return out

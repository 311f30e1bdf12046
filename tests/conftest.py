"""Shared fixtures: real engines only — the embedded database in a temp folder, Neo4j over Bolt.

Neo4j tests run when NEO4J_URI (or .neo4j-local/credentials.env from
``scripts/neo4j-local start``) points at a server; they skip with the reason
otherwise, and fail instead when GRAPHFRAUD_REQUIRE_NEO4J=1 (CI), so a CI run
can never pass by silently skipping them.
"""

from __future__ import annotations

import inspect
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


_OPENS_NEO4J = ("open_test_neo4j(", "neo4j_settings(", '"--engine", "neo4j"', 'engine="neo4j"', ', "neo4j")')


def _openers(module: object) -> tuple[str, ...]:
    """The calls that open Neo4j in a test module: ours, and the module's own helpers that make them."""
    helpers = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        try:
            if function.__module__ == getattr(module, "__name__", None) and any(
                    call in inspect.getsource(function) for call in _OPENS_NEO4J):
                helpers.append(f"{name}(")
        except (OSError, TypeError):
            continue
    return _OPENS_NEO4J + tuple(helpers)


def _uses_neo4j(item: pytest.Item, openers: tuple[str, ...]) -> bool:
    """Whether a test talks to Neo4j: run with the ``neo4j`` engine, or it or one of its fixtures opens one."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "neo4j" in [str(v) for v in callspec.params.values()]:
        return True
    if "neo4j" in getattr(item, "fixturenames", ()):
        return True
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        functions += [d.func for defs in info.name2fixturedefs.values() for d in defs]
    for function in functions:
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            continue
        if any(call in source for call in openers):
            return True
    return False


_OPENERS: dict[object, tuple[str, ...]] = {}


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every Neo4j test ``neo4j``: they share one server's database, so they run one at a time.

    ``pytest -m "not neo4j"`` is then the tier without a server, and ``scripts/test`` runs it beside
    ``pytest -m neo4j`` (two processes on two cores). Marked as each test is collected, before
    ``-m`` reads the marks.
    """
    module = getattr(item, "module", None)
    if module not in _OPENERS:
        _OPENERS[module] = _openers(module)
    if _uses_neo4j(item, _OPENERS[module]):
        item.add_marker(pytest.mark.neo4j)


def pytest_runtest_setup(item: pytest.Item) -> None:
    # in the environment, not a global: test modules import this file again as tests.conftest
    os.environ["GRAPHFRAUD_TEST_MAY_OPEN_NEO4J"] = "1" if item.get_closest_marker("neo4j") else "0"


def neo4j_settings() -> Settings | None:
    settings = load_settings(engine="neo4j", cwd=REPO)
    return settings if settings.neo4j.uri else None


def open_test_neo4j(required_by: tuple[str, ...] = ("GRAPHFRAUD_REQUIRE_NEO4J",)):
    """The configured Neo4j engine; skips the test without one, or fails it when any of ``required_by`` is 1."""
    from graphfraud.engines.neo4j import Neo4jEngine
    from graphfraud.errors import EngineUnavailable

    if os.environ.get("GRAPHFRAUD_TEST_MAY_OPEN_NEO4J") == "0":   # unseen by the marking, it would race the others
        pytest.fail("this test opens Neo4j but is not marked neo4j (see _uses_neo4j in tests/conftest.py)")
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


ADMIN_PASSWORD = "test-admin-password"


def add_user(engine, name: str, role: str, password: str, display_name: str = "", admin_password: str = ADMIN_PASSWORD):
    """A user added as the workbench does it: by the admin ``admin`` (made first, as the first admin of an empty
    user list, when there are no users yet; the one named ``admin`` gets ``password`` when it is the one asked for)."""
    from graphfraud.accounts import store

    if not store.all_users(engine):
        store.add_first_admin(engine, "admin", password if name == "admin" else admin_password,
                              display_name="管理员", must_change=False)
    if name == "admin":
        return store.require(engine, "admin")
    return store.add(engine, name, role, password, display_name=display_name, actor="admin")

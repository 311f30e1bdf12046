"""Shared fixtures: real engines only — the embedded database in a temp folder, Neo4j over Bolt.

Neo4j tests run when NEO4J_URI (or .neo4j-local/credentials.env from
``scripts/neo4j-local start``) points at a server; they skip with the reason
otherwise, and fail instead when GRAPHFRAUD_REQUIRE_NEO4J=1 (CI), so a CI run
can never pass by silently skipping them.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphfraud.config import Settings, load_settings
from graphfraud.engines.embedded import EmbeddedEngine

REPO = Path(__file__).resolve().parent.parent


def open_copy(database: Path, folder: Path) -> EmbeddedEngine:
    """An embedded engine on a copy of the (closed) database file ``database``, put in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(database, folder / "db")
    return EmbeddedEngine(folder / "db")


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    """An embedded database file with the schema and nothing else (read-only: ``embedded`` opens a copy of it, which
    takes a tenth of the second that making the schema again takes)."""
    path = tmp_path_factory.mktemp("empty-db") / "db"
    engine = EmbeddedEngine(path)
    try:
        engine.ensure_schema()
    finally:
        engine.close()
    return path


@pytest.fixture
def embedded(empty_db: Path, tmp_path: Path) -> Iterator[EmbeddedEngine]:
    """An embedded engine of the test's own, with the schema made (a copy of ``empty_db``, at tmp_path/db)."""
    engine = open_copy(empty_db, tmp_path)
    yield engine
    engine.close()


_OPENS_NEO4J = ("open_test_neo4j(", "neo4j_settings(", '"--engine", "neo4j"', 'engine="neo4j"', ', "neo4j")')


@functools.cache
def _source(function: Any) -> str:
    """A function's source, read once (collection asks for the same fixtures' source for every test)."""
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def _openers(module: object) -> tuple[str, ...]:
    """The calls that open Neo4j in a test module: ours, and the module's own helpers that make them."""
    helpers = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ == getattr(module, "__name__", None) and any(
                call in _source(function) for call in _OPENS_NEO4J):
            helpers.append(f"{name}(")
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
        source = _source(function) if function is not None else ""
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
    if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.slow)


# A test that stands on any of these (itself or through its fixtures) is ``slow``: a database made on disk,
# generated data, a browser, a server process. ``pytest -m "not neo4j and not slow"`` is then the unit
# tier: the logic on hand-built rows and the recording fake engine, in seconds. Tests that make such
# parts in their own body carry ``@pytest.mark.slow`` themselves.
SLOW_FIXTURES = frozenset({"empty_db", "small_data", "drug_data", "engine", "small_graph", "small_rings", "browser", "page", "site",
                           "neo4j"})


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


@pytest.fixture(scope="session")
def small_days(small_data: Path, tmp_path_factory) -> dict[str, Any]:
    """The small data cut into two deliveries (shared, read-only): day 2 brings its first drain ring (new) and the
    last recruits of its first collector ring (grown). ``dir`` holds day-1/ and day-2/; ``truth`` the planted rings
    by id; ``changes`` day 2's entry of deliveries.json; ``new`` and ``grown`` the two rings' ids."""
    from graphfraud.deliveries import split_deliveries

    truth = json.loads((small_data / "truth.json").read_text(encoding="utf-8"))
    first = {shape: next(r for r in truth["rings"] if r["shape"] == shape) for shape in ("drain", "collector")}
    out = tmp_path_factory.mktemp("days") / "days"
    changes = split_deliveries(small_data, out, new=[first["drain"]["ring_id"]], grown=[first["collector"]["ring_id"]])
    return {"dir": out, "truth": {r["ring_id"]: r for r in truth["rings"]}, "changes": changes["deliveries"][1],
            "new": first["drain"]["ring_id"], "grown": first["collector"]["ring_id"]}


# --------------------------------------------------------------------------- the small data, loaded once
# Loading the small data (and detecting its rings) takes seconds on every test that starts from it; on the embedded
# engine it is done once per session and each test opens its own copy of that database file (a few MB), so every
# test still gets a real engine of its own holding exactly what a load (and a detection) leaves. On Neo4j (one
# server's database, emptied for each test) the test loads it itself. What a load and a detection do is checked
# where they are the subject (test_load, test_detect, the job and hostile-input tests), each running its own.

@pytest.fixture(scope="session")
def small_db(small_data: Path, empty_db: Path, tmp_path_factory) -> Path:
    """An embedded database file with the small data loaded (read-only: tests open copies, ``open_copy``)."""
    from graphfraud.load import load_directory

    folder = tmp_path_factory.mktemp("small-db")
    engine = open_copy(empty_db, folder)
    try:
        load_directory(engine, small_data)
    finally:
        engine.close()
    return folder / "db"


@pytest.fixture(scope="session")
def small_rings_db(small_db: Path, tmp_path_factory) -> tuple[Path, Any]:
    """An embedded database file with the small data loaded and its rings detected, and that detection's result."""
    from graphfraud.detect.run import detect

    folder = tmp_path_factory.mktemp("small-rings")
    engine = open_copy(small_db, folder)
    try:
        result = detect(engine)
    finally:
        engine.close()
    return folder / "db", result


@pytest.fixture
def embedded_small(small_db: Path, tmp_path: Path) -> Iterator[EmbeddedEngine]:
    """The embedded engine holding the small data (a copy of ``small_db`` of the test's own)."""
    engine = open_copy(small_db, tmp_path)
    yield engine
    engine.close()


@pytest.fixture
def embedded_rings(small_rings_db: tuple[Path, Any], tmp_path: Path) -> Iterator[tuple[EmbeddedEngine, Any]]:
    """The embedded engine holding the small data and its detected rings (the test's own copy), with the detection's
    result (shared, read-only)."""
    database, result = small_rings_db
    engine = open_copy(database, tmp_path)
    yield engine, result
    engine.close()


@pytest.fixture(params=["embedded", "neo4j"])
def small_graph(request, small_data: Path):
    """Each test using this runs on both engines, each holding the small data."""
    if request.param == "embedded":
        return request.getfixturevalue("embedded_small")
    from graphfraud.load import load_directory

    engine = request.getfixturevalue(request.param)
    load_directory(engine, small_data)
    return engine


@pytest.fixture(params=["embedded", "neo4j"])
def small_rings(request, small_data: Path):
    """Each test using this runs on both engines, each holding the small data and its rings: (engine, the result)."""
    if request.param == "embedded":
        return request.getfixturevalue("embedded_rings")
    from graphfraud.detect.run import detect
    from graphfraud.load import load_directory

    engine = request.getfixturevalue(request.param)
    load_directory(engine, small_data)
    return engine, detect(engine)


# --------------------------------------------------------------------------- a tiny folder of drug-level data

DRUG_CLAIMS = """claim_id,patient_id,card_id,provider_id,ts,amount,visit_type
C01,S1,KS1,H1,2025-03-01T09:00:00,310.5,outpatient
C02,S1,KS1,Y2,2025-03-05T10:00:00,305.0,pharmacy
C03,S1,KS1,H1,2025-03-12T09:30:00,310.5,outpatient
C04,S2,KS2,H1,2025-03-02T09:00:00,310.5,outpatient
C05,S2,KS2,Y2,2025-03-09T11:00:00,305.0,pharmacy
C06,S3,KS3,H1,2025-03-03T09:00:00,310.5,outpatient
C10,X1,KX1,Y1,2025-03-20T10:00:00,298.0,pharmacy
C11,X2,KX2,Y1,2025-03-21T10:00:00,298.0,pharmacy
C12,X3,KX3,Y1,2025-03-22T10:00:00,298.0,pharmacy
C13,X1,KX1,Y1,2025-03-25T10:00:00,298.0,pharmacy
C14,X4,KX4,Y1,2025-03-26T10:00:00,45.2,pharmacy
C20,X2,KX2,Y2,2025-04-01T10:00:00,3.6,pharmacy
C21,X3,KX3,Y2,2025-04-02T10:00:00,3.6,pharmacy
C22,X4,KX4,Y2,2025-04-03T10:00:00,3.6,pharmacy
C30,X4,KX4,Y2,2025-04-05T10:00:00,88.0,pharmacy
C31,X1,KX1,Y2,2025-04-09T10:00:00,88.0,pharmacy
C40,W1,KW1,Y3,2025-04-10T10:00:00,520.0,pharmacy
C41,W1,KW1,Y3,2025-04-17T10:00:00,520.0,pharmacy
C42,W2,KW2,Y3,2025-04-18T10:00:00,520.0,pharmacy
C43,W2,KW2,Y3,2025-04-25T10:00:00,520.0,pharmacy
C44,W3,KW3,Y3,2025-04-26T10:00:00,520.0,pharmacy
C45,W1,KW1,Y3,2025-04-28T10:00:00,520.0,pharmacy
C46,W3,KW3,Y3,2025-04-30T10:00:00,520.0,pharmacy
"""
# sellers S1–S3 buy insulin (XA10…) at H1 and Y2; their boxes B1, B2, B4, B6 are settled again at Y1, which never
# bought them; B7 is one box split (拆零) over three sales at Y2; B8 is sold, returned and sold again at Y2;
# Y3 sells seven boxes of XL01 having bought one (B10), the others under codes nobody ever bought.
DRUG_ITEMS = """claim_id,line_id,item_code,item_name,quantity,unit_price,amount,trace_code,split_pack
C01,1,XA10AEG001,甘精胰岛素注射液,1,310.5,310.5,B1,0
C02,1,XA10AEG001,甘精胰岛素注射液,1,305.0,305.0,B2,0
C03,1,XA10AEG001,甘精胰岛素注射液,1,310.5,310.5,B3,0
C04,1,XA10AEG001,甘精胰岛素注射液,1,310.5,310.5,B4,0
C05,1,XA10AEG001,甘精胰岛素注射液,1,305.0,305.0,B5,0
C06,1,XA10AEG001,甘精胰岛素注射液,1,310.5,310.5,B6,0
C10,1,XA10AEG001,甘精胰岛素注射液,1,298.0,298.0,B1,0
C11,1,XA10AEG001,甘精胰岛素注射液,1,298.0,298.0,B2,0
C12,1,XA10AEG001,甘精胰岛素注射液,1,298.0,298.0,B4,0
C13,1,XA10AEG001,甘精胰岛素注射液,1,298.0,298.0,B6,0
C14,1,XC09AAX002,卡托普利片,1,45.2,45.2,B9,0
C20,1,XC09AAX002,卡托普利片,10,0.36,3.6,B7,1
C21,1,XC09AAX002,卡托普利片,10,0.36,3.6,B7,1
C22,1,XC09AAX002,卡托普利片,10,0.36,3.6,B7,1
C30,1,XC10AAX003,阿托伐他汀钙片,1,88.0,88.0,B8,0
C30,2,XC10AAX003,阿托伐他汀钙片,-1,88.0,-88.0,B8,0
C31,1,XC10AAX003,阿托伐他汀钙片,1,88.0,88.0,B8,0
C40,1,XL01XEX004,甲磺酸伊马替尼片,1,520.0,520.0,B10,0
C41,1,XL01XEX004,甲磺酸伊马替尼片,1,520.0,520.0,F1,0
C42,1,XL01XEX004,甲磺酸伊马替尼片,1,520.0,520.0,F2,0
C43,1,XL01XEX004,甲磺酸伊马替尼片,1,520.0,520.0,F3,0
C44,1,XL01XEX004,甲磺酸伊马替尼片,1,520.0,520.0,F4,0
C45,1,XL01XEX004,甲磺酸伊马替尼片,1,520.0,520.0,F5,0
C46,1,XL01XEX004,甲磺酸伊马替尼片,1,520.0,520.0,F6,0
"""
DRUG_PURCHASES = """provider_id,item_code,trace_code,purchased_at,quantity,supplier
H1,XA10AEG001,B1,2025-02-20,1,国药控股
H1,XA10AEG001,B3,2025-02-20,1,国药控股
H1,XA10AEG001,B4,2025-02-20,1,国药控股
H1,XA10AEG001,B6,2025-02-20,1,国药控股
Y2,XA10AEG001,B2,2025-02-21,1,华润医药
Y2,XA10AEG001,B5,2025-02-21,1,华润医药
Y2,XC09AAX002,B7,2025-03-01,1,华润医药
Y2,XC10AAX003,B8,2025-03-01,1,华润医药
Y1,XC09AAX002,B9,2025-03-01,1,九州通
Y3,XL01XEX004,B10,2025-04-01,1,九州通
"""
DRUG_PROVIDERS = """provider_id,name,type,city,lat,lon
H1,杭州康宁医院,hospital,杭州市,30.27,120.15
Y1,益民大药房(西湖1店),pharmacy,杭州市,30.28,120.16
Y2,老百姓大药房(上城2店),pharmacy,杭州市,30.25,120.17
Y3,九州大药房(拱墅3店),pharmacy,杭州市,30.32,120.14
"""


def write_drug_folder(folder: Path) -> Path:
    """A tiny folder of claims with items and purchases: resale, a swap pharmacy, a split pack and a return."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("claims", DRUG_CLAIMS), ("items", DRUG_ITEMS), ("purchases", DRUG_PURCHASES),
                       ("providers", DRUG_PROVIDERS)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def drug_data(tmp_path_factory) -> Path:
    """The tiny drug-level folder (shared, read-only)."""
    return write_drug_folder(tmp_path_factory.mktemp("drugs") / "input")


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


def bundle_files(bundle: Path) -> dict[str, bytes]:
    """A case bundle's files by their names inside its one top-level folder (``R-…/``)."""
    import zipfile

    from graphfraud.bundle.archive import top_folder

    with zipfile.ZipFile(bundle) as archive:
        top = top_folder(archive.namelist())
        return {name[len(top):]: archive.read(name) for name in archive.namelist()}

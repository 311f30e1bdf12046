"""The docs that describe the house stay true: every module listed, the layers kept, the motif table as the headers say."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx

from graphfraud.detect.evidence import motif, motif_names
from graphfraud.detect.suspicion import WEAK_LINES
from graphfraud.detect.thresholds import defaults

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "graphfraud"


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports() -> nx.DiGraph:
    """Module → module it imports, function-local imports included (a lazy import is still a dependency)."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                # ``from pkg import sub`` depends on the submodule; ``from mod import name`` on the module
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


def _layers() -> tuple[dict[str, int], set[tuple[str, str]]]:
    """The layer table of docs/architecture.md (unit → layer) and its listed exceptions (importer, imported)."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    layer_of: dict[str, int] = {}
    for number, units in re.findall(r"^\| (\d+) \| ([^|]+) \|", section, flags=re.MULTILINE):
        for unit in re.findall(r"`([\w.]+)`", units):
            layer_of[unit] = int(number)
    allowed = set(re.findall(r"^- `([\w.]+)` → `([\w.]+)`", section, flags=re.MULTILINE))
    return layer_of, allowed


def _unit(module: str, layer_of: dict[str, int]) -> str:
    """The most specific unit of the layer table that holds ``module`` (a module, or its package)."""
    short = module.removeprefix("graphfraud.") if module != "graphfraud" else "graphfraud"
    while short not in layer_of and "." in short:
        short = short.rpartition(".")[0]
    return short


def test_no_module_imports_itself_through_others() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(_imports()) if len(c) > 1]
    assert cycles == []


def test_every_module_is_in_the_module_index_and_every_listed_one_exists() -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    index = text.split("## Modules", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `(graphfraud/[\w/]+\.py)` \|", index, flags=re.MULTILINE))
    present = {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py")}
    assert sorted(present - listed) == [] and sorted(listed - present) == []


def test_imports_go_down_the_layers_or_stay_level() -> None:
    layer_of, allowed = _layers()
    assert len(layer_of) >= 20
    unplaced = sorted({_unit(m, layer_of) for m in _modules()} - set(layer_of))
    assert unplaced == []
    upward = []
    for a, b in _imports().edges:
        ua, ub = _unit(a, layer_of), _unit(b, layer_of)
        if layer_of[ub] > layer_of[ua] and (ua, ub) not in allowed:
            upward.append(f"{a} → {b}")
    assert upward == []
    # every listed exception is still needed (a stale one would hide a new upward import behind it)
    used = {(_unit(a, layer_of), _unit(b, layer_of)) for a, b in _imports().edges}
    assert allowed <= used


def test_the_motif_table_of_the_detection_docs_says_what_the_headers_say() -> None:
    text = (REPO / "docs" / "detection.md").read_text(encoding="utf-8")
    table = text.split("| motif | title | family | kind | line | weight | parameters (defaults) |", 1)[1]
    rows = {}
    for line in table.split("\n\n", 1)[0].strip().splitlines()[1:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[1:]
    assert sorted(rows) == sorted(motif_names())
    for name, (title, family, kind, line, weight, parameters) in rows.items():
        m = motif(name)
        assert title == f"{m.title} ({m.title_zh})", name
        assert (family, kind, float(weight)) == (m.family, m.kind, m.weight), name
        expected_line = "–" if m.kind == "link" else (f"{m.line} (weak)" if m.line in WEAK_LINES else m.line)
        assert line == expected_line, name
        shown = dict(re.findall(r"`(\w+)=([^`]+)`", parameters))
        named = set(re.findall(r"`(\w+)`", parameters.split("rows from")[0]))
        values = defaults(name)
        assert set(shown) | named == set(values), name
        for key, value in shown.items():
            assert value == str(values[key]), (name, key)
        if m.source:
            assert f"rows from `{m.source}`" in parameters, name

"""Named Cypher queries: one ``.cypher`` file per query under ``cypher/``, loaded by name.

A query file starts with ``//`` header lines of ``key: value`` metadata
(``title``, ``reason`` — a ``str.format`` template over the query's result
columns — ``family``, ``motif``, ``params``), then the Cypher text. Queries take
``$parameters`` only; nothing is ever pasted into the text.

Both engines run the same file. Where one engine truly cannot run the shared
text, an override sits beside it as ``NAME.<engine>.cypher`` and says why in
its header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from graphfraud.resources import data_dir


@dataclass(frozen=True)
class Query:
    """One named query: its Cypher text and the metadata from its header."""

    name: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    parameters: frozenset[str] = frozenset()   # the $names its text uses: every one must be given, on both engines

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)


_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"//[^\n]*")


def parameters(text: str) -> frozenset[str]:
    """The ``$parameters`` a Cypher text uses (comments left out)."""
    return frozenset(_PARAMETER.findall(_COMMENT.sub("", text)))


def _parse(name: str, path: Path) -> Query:
    meta: dict[str, str] = {}
    body: list[str] = []
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("//"):
            key, sep, value = stripped[2:].strip().partition(":")
            if sep and key.strip().isidentifier():
                k = key.strip()
                meta[k] = (meta[k] + " " + value.strip()) if k in meta else value.strip()
            continue
        in_header = False
        body.append(line)
    text = "\n".join(body).strip()
    return Query(name=name, text=text, meta=meta, path=path, parameters=parameters(text))


@cache
def load(name: str, engine: str | None = None) -> Query:
    """Load query ``name`` (e.g. ``"motifs/impossible_travel"``), preferring an engine override."""
    root = data_dir("cypher")
    candidates = ([root / f"{name}.{engine}.cypher"] if engine else []) + [root / f"{name}.cypher"]
    for path in candidates:
        if path.is_file():
            return _parse(name, path)
    raise KeyError(f"no query named {name!r} under {root}")


def names(folder: str) -> list[str]:
    """Names of the shared queries in ``folder`` (overrides excluded), sorted."""
    root = data_dir("cypher")
    found = []
    for path in sorted((root / folder).glob("*.cypher")):
        stem = path.name[: -len(".cypher")]
        if "." in stem:
            continue
        found.append(f"{folder}/{stem}")
    return found


def statements(query: Query) -> list[str]:
    """Split a multi-statement file (schema files) on ``;`` at line ends."""
    parts = [p.strip() for p in query.text.split(";\n")]
    return [p.rstrip(";").strip() for p in parts if p.strip()]

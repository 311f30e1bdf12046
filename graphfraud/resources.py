"""Find the project's data folders (``cypher/``, ``viz/``) in a checkout or an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the folder ``name`` (``cypher`` or ``viz``): inside the installed package, else the repository root."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"graphfraud data folder {name!r} not found next to {_PACKAGE_DIR}")

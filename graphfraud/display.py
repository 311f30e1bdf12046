r"""Text as people are shown it: control characters made visible as escapes, never handed to a renderer raw.

Ids and names come from bureau files as they are, and a quoted CSV field can
hold a carriage return, a tab, a NUL or any other control character. Stored
data keeps them (an id is what the bureau sent); what is *drawn* — the PDF,
the PNG, the tables, the HTML graph, the comments of queries.cypher — shows
each as a visible escape instead (``P00\r01`` is shown as ``P00\r01`` with a
real backslash), so text shaping (Pillow/raqm), XLSX (no control characters
allowed) and PDF fonts never meet them, and nobody can hide text in a line
break or turn a report's text around with a bidirectional override.

    >>> visible("C01\r\n\x00x")
    'C01\\r\\n\\x00x'
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls and DEL; line and paragraph separators; bidirectional marks, embeddings, overrides, isolates
_OTHERS = "\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f{_OTHERS}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: Any, keep_newlines: bool = False) -> Any:
    """``text`` with every control character shown as an escape (``\\r``, ``\\x00``, ``\\u202e``); non-text as is.

    ``keep_newlines`` keeps line breaks (``\\r\\n`` and ``\\r`` become ``\\n``) for free text such as notes,
    where a new line is meant.
    """
    if not isinstance(text, str):
        return text
    if keep_newlines:
        return _CONTROL_BUT_NEWLINE.sub(_escape, text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub(_escape, text)


def has_hidden(text: str) -> bool:
    """Whether ``text`` holds a character :func:`visible` would escape."""
    return bool(_CONTROL.search(text))


def visible_all(value: Any, keep_newlines: bool = False) -> Any:
    """A copy of nested dicts/lists/tuples with every string (keys too) passed through :func:`visible`."""
    if isinstance(value, str):
        return visible(value, keep_newlines)
    if isinstance(value, dict):
        return {visible_all(k, keep_newlines): visible_all(v, keep_newlines) for k, v in value.items()}
    if isinstance(value, list):
        return [visible_all(v, keep_newlines) for v in value]
    if isinstance(value, tuple):
        return tuple(visible_all(v, keep_newlines) for v in value)
    return value

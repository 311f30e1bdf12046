"""Redacted copies: names, ID numbers, phones and addresses replaced by tokens, the same in every file.

A copy that leaves the police channel (a court clerk, another bureau, a
newspaper's request) must not carry the people's identities, yet must still
show who is who and what they share. Each distinct value gets one token —
``NAME-03``, ``ID-03``, ``PHONE-02``, ``ADDR-05`` — numbered in member order,
so two patients who give the same phone show the same ``PHONE-`` token, and
the PDF, the tables, the graphs and the query file all agree. Birth dates are
cut to the year. The tokens are applied to the case data once, before any file
is written; :func:`leaks` then checks the written files and the export fails
rather than ship a raw value.

Free text (review notes, names of places, evidence sentences) is masked twice:
by the members' stored values wherever they occur, and by pattern — an
18-digit ID number (身份证号, final X included) and a mainland mobile number
(1[3-9]x, with or without +86), each however it is written: with spaces, or
for phones dashes, between any digits (``4403 0419 8512 3100 2X``,
``131-4746-4703``). A number written differently from a member's stored one
still gets that member's token (it is compared digit by digit); a number no
member has gets a token of its own. :func:`leaks` looks for both patterns too.

The mapping from tokens back to values is never written anywhere.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import replace
from typing import Any

from graphfraud.bundle.case import CaseData
from graphfraud.display import visible

# (kind, facts field, token prefix); ID numbers and phones first so a longer value is replaced before any part of it
PERSONAL_FIELDS = (("patient", "id_number", "ID"), ("patient", "phone", "PHONE"), ("patient", "address", "ADDR"),
                   ("patient", "name", "NAME"), ("doctor", "name", "NAME"))
MIN_FREE_TEXT = 2   # shorter values are masked in their own field only, never searched for inside other text

# What may stand between the digits of a number written by hand: a space of any width (and a tab); phones also a dash.
_SPACE = "[ \t\u00a0\u3000]"
_DASH = "[ \t\u00a0\u3000\\-\u2010-\u2013]"
# A number starts and ends where no letter, digit or decimal point touches it (0.0027777… in a script is no ID).
_BEFORE, _AFTER = r"(?<![0-9A-Za-z.])", r"(?![0-9A-Za-z]|\.\d)"
# 身份证号 (GB 11643): 6-digit region (not starting 0), birth date 19xx/20xx-MM-DD, sequence, check digit or X.
_ID_DIGITS = ("[1-9]", *[r"\d"] * 5, "[12]", "[09]", r"\d", r"\d", "[01]", r"\d", "[0-3]", *[r"\d"] * 4, "[0-9Xx]")
ID_NUMBER = re.compile(_BEFORE + (_SPACE + "?").join(_ID_DIGITS) + _AFTER)
# mainland mobile numbers: 1[3-9] and 9 more digits, optionally after +86 / 0086 / 86
PHONE = re.compile(_BEFORE + f"(?:(?:\\+|00)?86{_DASH}?)?" + (_DASH + "?").join(["1", "[3-9]", *[r"\d"] * 9]) + _AFTER)
PATTERNS = (("ID", ID_NUMBER), ("PHONE", PHONE))   # ID numbers first: a phone-like run inside one is part of it


def _digits(prefix: str, written: str) -> str:
    """A number as its digits (X upper case), so every way of writing it compares equal; a phone without +86."""
    digits = re.sub(r"[^0-9Xx]", "", written).upper()
    return digits[-11:] if prefix == "PHONE" else digits


def tokens_for(case: CaseData) -> dict[str, str]:
    """Raw value → token for every personal value of the case's people, numbered in member order."""
    tokens: dict[str, str] = {}
    counters: dict[str, int] = {}
    for kind, name, prefix in PERSONAL_FIELDS:
        for ident in sorted(case.facts.get(kind, {})):
            value = case.facts[kind][ident].get(name)
            if value is None or str(value).strip() == "" or str(value) in tokens:
                continue
            counters[prefix] = counters.get(prefix, 0) + 1
            tokens[str(value)] = f"{prefix}-{counters[prefix]:02d}"
    return tokens


class _Masker:
    """Replaces the members' stored values, then numbers found by pattern, in every string of the case.

    ``tokens`` (raw value → token) grows with every number found by pattern and its token, so the leak check looks
    for those written forms too.
    """

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens
        searchable = sorted((v for v in tokens if len(v) >= MIN_FREE_TEXT), key=len, reverse=True)
        self.stored = re.compile("|".join(re.escape(v) for v in searchable)) if searchable else None
        self.counters: dict[str, int] = {}
        self.numbers: dict[tuple[str, str], str] = {}
        for value, token in tokens.items():
            prefix, _, n = token.rpartition("-")
            self.counters[prefix] = max(self.counters.get(prefix, 0), int(n))
            if prefix in ("ID", "PHONE"):
                self.numbers.setdefault((prefix, _digits(prefix, value)), token)

    def number(self, prefix: str, written: str) -> str:
        key = (prefix, _digits(prefix, written))
        if key not in self.numbers:
            self.counters[prefix] = self.counters.get(prefix, 0) + 1
            self.numbers[key] = f"{prefix}-{self.counters[prefix]:02d}"
        self.tokens.setdefault(written, self.numbers[key])
        return self.numbers[key]

    def _numbered(self, prefix: str, found: re.Match[str]) -> str:
        """The token for ``found`` (a match of ``prefix``'s pattern): what ``re.sub`` puts in its place."""
        return self.number(prefix, found.group(0))

    def text(self, value: str) -> str:
        if value in self.tokens:
            return self.tokens[value]
        if self.stored is not None:
            value = self.stored.sub(lambda m: self.tokens[m.group(0)], value)
        for prefix, pattern in PATTERNS:
            value = pattern.sub(functools.partial(self._numbered, prefix), value)
        return value

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self(v) for v in value)
        if isinstance(value, dict):
            return {self(k): self(v) for k, v in value.items()}
        return value


def redact(case: CaseData) -> CaseData:
    """The case with every personal value replaced by its token (the original is left untouched)."""
    tokens = tokens_for(case)
    swap = _Masker(tokens)
    facts = swap(case.facts)
    for row in facts.get("patient", {}).values():
        if row.get("birth_date"):
            row["birth_date"] = str(row["birth_date"])[:4]
    return replace(case, ring=swap(case.ring), claims=swap(case.claims), facts=facts, history=swap(case.history),
                   thresholds=swap(case.thresholds), redacted=True, tokens=tokens)


def _forms(value: str) -> list[bytes]:
    """The ways a value can appear in a text file: as UTF-8, JSON-escaped, HTML-escaped; raw or as displayed."""
    forms = set()
    for shown in {value, visible(value), visible(value, keep_newlines=True)}:
        forms |= {shown.encode("utf-8"), json.dumps(shown)[1:-1].encode("ascii")}
        forms.add("".join(f"&#{ord(ch)};" if ord(ch) > 127 else ch for ch in shown).encode("ascii"))
    return sorted(forms)


def _decoded(text: str) -> str:
    """Text with JSON ``\\u`` escapes and HTML entities decoded (graph.html holds both)."""
    return html.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text))


def _numbered(text: str) -> bool:
    """Whether ``text`` (as written, or decoded) holds something shaped like an ID number or a mobile number."""
    return any(pattern.search(form) for form in {text, _decoded(text)} for _, pattern in PATTERNS)


def leaks(tokens: dict[str, str], files: dict[str, bytes], drawn: dict[str, str] | None = None) -> list[str]:
    """Names of the files that still contain a raw personal value or an ID/mobile number (in every written form).

    Text files are searched as written, XLSX parts unzipped; for files whose
    text is not stored as text (the PDF's glyphs) ``drawn`` gives the text that
    was drawn. The PNG carries only ids and legend words. Besides the values in
    ``tokens``, anything :data:`ID_NUMBER` or :data:`PHONE` matches is a leak.
    """
    from graphfraud.bundle.archive import text_parts

    needles = [form for value in tokens if len(value) >= MIN_FREE_TEXT for form in _forms(value)]
    found = []
    for name, data in sorted(files.items()):
        for part in text_parts(name, data):
            if any(n in part for n in needles) or _numbered(part.decode("utf-8", "replace")):
                found.append(name)
                break
    for name, text in sorted((drawn or {}).items()):
        if name not in found and (_numbered(text) or any(
                value in text or visible(value) in text or visible(value, keep_newlines=True) in text
                for value in tokens if len(value) >= MIN_FREE_TEXT)):
            found.append(name)
    return sorted(found)

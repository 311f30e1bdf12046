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

The mapping from tokens back to values is never written anywhere.
"""

from __future__ import annotations

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


def _replacer(tokens: dict[str, str]):
    searchable = sorted((v for v in tokens if len(v) >= MIN_FREE_TEXT), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(v) for v in searchable)) if searchable else None

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            if value in tokens:
                return tokens[value]
            return pattern.sub(lambda m: tokens[m.group(0)], value) if pattern else value
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, tuple):
            return tuple(swap(v) for v in value)
        if isinstance(value, dict):
            return {swap(k): swap(v) for k, v in value.items()}
        return value

    return swap


def redact(case: CaseData) -> CaseData:
    """The case with every personal value replaced by its token (the original is left untouched)."""
    tokens = tokens_for(case)
    swap = _replacer(tokens)
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


def leaks(tokens: dict[str, str], files: dict[str, bytes], drawn: dict[str, str] | None = None) -> list[str]:
    """Names of the files that still contain a raw personal value (searched in every written form).

    Text files are searched as written, XLSX parts unzipped; for files whose
    text is not stored as text (the PDF's glyphs) ``drawn`` gives the text that
    was drawn. The PNG carries only ids and legend words.
    """
    from graphfraud.bundle.archive import text_parts

    needles = [form for value in tokens if len(value) >= MIN_FREE_TEXT for form in _forms(value)]
    found = []
    for name, data in sorted(files.items()):
        for part in text_parts(name, data):
            if any(n in part for n in needles):
                found.append(name)
                break
    for name, text in sorted((drawn or {}).items()):
        if name not in found and any(value in text or visible(value) in text or visible(value, keep_newlines=True) in text
                                     for value in tokens if len(value) >= MIN_FREE_TEXT):
            found.append(name)
    return sorted(found)

"""queries.cypher: the queries and parameters that reproduce a ring's evidence in Neo4j Browser or cypher-shell.

Each block sets its parameters with ``:params {…}`` (Cypher map syntax) and
then runs the query text exactly as graphfraud runs it (the shared text from
``cypher/``, which both engines execute). First the lookups that bring back
the ring's claims and members, then every motif the evidence comes from, with
the thresholds in force and the claim ids of this ring's rows, so an analyst
can find the same rows in the result.
"""

from __future__ import annotations

import json
import re
from typing import Any

from graphfraud import queries
from graphfraud.bundle import wording as w
from graphfraud.bundle.case import CaseData
from graphfraud.display import visible
from graphfraud.vocabulary import MEMBER_KINDS
from graphfraud.words import word

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Inside a Cypher string every control character is written as an escape, so an id with a carriage return
# or a NUL stays one line of the file and reads back as the same id.
_UNSAFE = re.compile("[\\\\'\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _string(value: str) -> str:
    return "'" + _UNSAFE.sub(lambda m: _NAMED.get(m.group(0)) or f"\\u{ord(m.group(0)):04x}", value) + "'"


def literal(value: Any) -> str:
    """A Python value as a Cypher literal (strings single-quoted and escaped; lists; maps; numbers; null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k if _IDENT.match(str(k)) else '`' + str(k).replace('`', '``') + '`'}: {literal(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple, set)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return literal(str(value))


def _comment(text: str) -> str:
    """Comment lines; ids in them are shown with their control characters as escapes, so none ends a comment."""
    return "\n".join("// " + visible(line) if line else "//" for line in text.split("\n"))


def _block(title: str, name: str, params: dict[str, Any], note: str = "") -> str:
    query = queries.load(name)
    head = f"// ── {title} ({name}.cypher)"
    if note:
        head += "\n" + _comment(note)
    return f"{head}\n:params {literal(params)}\n{query.text.rstrip().rstrip(';')};\n"


def queries_text(case: CaseData, lang: str) -> str:
    """The file's text: a header naming the ring and snapshot, then one block per query."""
    ring = case.ring
    member = {kind: sorted(case.member_ids(kind)) for kind in MEMBER_KINDS}
    blocks = [_comment(
        f"graphfraud — queries that reproduce the evidence of ring {case.ring_id}\n"
        f"data snapshot {case.snapshot}, detection run {case.run_id or '—'}, "
        f"data period {case.period[0] or '—'} – {case.period[1] or '—'}\n"
        "Run in Neo4j Browser or cypher-shell: each block sets its parameters with :params, then runs the query.\n"
        "Motif queries run over the whole graph; the claim ids listed above each one are this ring's rows."
    ) + "\n"]
    blocks.append(_block(word("bundle.query.claims", lang), "rings/claims",
                         {"claims": case.claim_ids()}))
    for kind in MEMBER_KINDS:   # the queries the bundle read its members' facts with (graphfraud.bundle.case)
        if member[kind]:
            blocks.append(_block(word(f"bundle.heading.{kind.plural}", lang), f"bundle/{kind.plural}", {kind.plural: member[kind]}))
    blocks.append(_block(word("bundle.query.history", lang), "case/history",
                         {"ring_id": case.ring_id}))
    by_motif: dict[str, list[list[str]]] = {}
    for ev in ring.get("evidence", []):
        by_motif.setdefault(ev["motif"], []).append(ev["claims"])
    for motif in sorted(by_motif):
        params = case.thresholds.get(motif, {})
        rows = by_motif[motif]
        note = [f"{len(rows)} row(s) in this ring; their claims:"]
        note += ["  " + " ".join(visible(c) for c in claims) for claims in rows]
        refinement = params.get("refinement") or {}
        if refinement:
            note.append("graphfraud refines this query's rows in Python with "
                        + json.dumps(refinement, ensure_ascii=False, sort_keys=True)
                        + " (see docs/detection.md)")
        source = params.get("source") or motif
        if source != motif:
            note.append(f"its rows come from the query of {source}, refined in Python")
        blocks.append(_block(f"{w.motif_title(motif, lang)} / {motif}", f"motifs/{source}", params.get("query", {}),
                             "\n".join(note)))
        follow_up = claims_query(motif)
        if follow_up:
            hours = sorted({int(case.claims[c]["ts_epoch"]) // 3600 for claims in rows for c in claims
                            if c in case.claims and case.claims[c].get("ts_epoch") is not None})
            providers = sorted({p for ev in ring.get("evidence", []) if ev["motif"] == motif for p in ev.get("providers", [])})
            blocks.append(_block(f"{w.motif_title(motif, lang)} / {motif}: claims", follow_up,
                                 {"providers": providers, "hours": hours},
                                 "the claims of the hours the refinement kept (this ring's providers and hours)"))
    return "\n".join(blocks)


def claims_query(motif_name: str) -> str | None:
    """The query a motif's refinement reads its rows' claims with (header ``claims_from``), if any."""
    if motif_name not in _motifs():
        return None
    return queries.load(f"motifs/{motif_name}").meta.get("claims_from") or None


def _motifs() -> set[str]:
    from graphfraud.detect.evidence import motif_names

    return set(motif_names())

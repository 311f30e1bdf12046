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

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def literal(value: Any) -> str:
    """A Python value as a Cypher literal (strings single-quoted and escaped; lists; maps; numbers; null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k if _IDENT.match(str(k)) else '`' + str(k).replace('`', '``') + '`'}: {literal(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple, set)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return literal(str(value))


def _comment(text: str) -> str:
    return "\n".join("// " + line if line else "//" for line in text.splitlines())


def _block(title: str, name: str, params: dict[str, Any], note: str = "") -> str:
    query = queries.load(name)
    head = f"// ── {title} ({name}.cypher)"
    if note:
        head += "\n" + _comment(note)
    return f"{head}\n:params {literal(params)}\n{query.text.rstrip().rstrip(';')};\n"


def queries_text(case: CaseData, lang: str) -> str:
    """The file's text: a header naming the ring and snapshot, then one block per query."""
    ring = case.ring
    member = {kind: sorted(case.member_ids(kind)) for kind in ("patient", "card", "provider", "doctor")}
    blocks = [_comment(
        f"graphfraud — queries that reproduce the evidence of ring {case.ring_id}\n"
        f"data snapshot {case.snapshot}, detection run {case.run_id or '—'}, "
        f"data period {case.period[0] or '—'} – {case.period[1] or '—'}\n"
        "Run in Neo4j Browser or cypher-shell: each block sets its parameters with :params, then runs the query.\n"
        "Motif queries run over the whole graph; the claim ids listed above each one are this ring's rows."
    ) + "\n"]
    blocks.append(_block("Claims behind the evidence" if lang != "zh" else "证据结算明细", "rings/claims",
                         {"claims": case.claim_ids()}))
    for kind, name, key in (("patient", "bundle/patients", "patients"), ("card", "bundle/cards", "cards"),
                            ("provider", "bundle/providers", "providers"), ("doctor", "bundle/doctors", "doctors")):
        if member[kind]:
            blocks.append(_block(f"{w.HEADINGS[key][lang]}", name, {key: member[kind]}))
    blocks.append(_block("The ring and its review history" if lang != "zh" else "团伙及审核记录", "case/history",
                         {"ring_id": case.ring_id}))
    by_motif: dict[str, list[list[str]]] = {}
    for ev in ring.get("evidence", []):
        by_motif.setdefault(ev["motif"], []).append(ev["claims"])
    for motif in sorted(by_motif):
        params = case.thresholds.get(motif, {})
        rows = by_motif[motif]
        note = [f"{len(rows)} row(s) in this ring; their claims:"]
        note += ["  " + " ".join(claims) for claims in rows]
        refinement = params.get("refinement") or {}
        if refinement:
            note.append("graphfraud refines this query's rows in Python with "
                        + json.dumps(refinement, ensure_ascii=False, sort_keys=True)
                        + " (see docs/detection.md)")
        blocks.append(_block(f"{w.motif_title(motif, lang)} / {motif}", f"motifs/{motif}", params.get("query", {}),
                             "\n".join(note)))
    return "\n".join(blocks)

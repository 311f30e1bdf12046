"""Alerts: the ring changes investigators are told about, one JSON object per line in ``alerts.jsonl``.

An alert's id is derived from the ring id, the kind of change and the digest of
the ring's membership, never from the clock: the same change found again —
a run resumed after a kill, the same data delivered twice — has the same id,
and an id already in the file is never written again. The file only grows
(append, so log shippers can follow it); a line cut short by a kill in the
middle of a write is dropped before the next append.

Alerts carry ring ids, member ids (pseudonymous 参保人编号/卡号/机构编码, as the
investigators need them; ``include_members = false`` leaves only counts),
scores and amounts — never names, phone or ID numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from graphfraud.job.config import AlertConfig
from graphfraud.job.diff import Change
from graphfraud.vocabulary import MEMBER_KINDS
from graphfraud.words import word


def alert_id(change: Change) -> str:
    """``A-`` and 20 hex digits of SHA-256 over ring id, kind of change and membership digest."""
    key = f"{change.ring_id}|{change.kind}|{change.ring.digest}"
    return "A-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def select(changes: Iterable[Change], config: AlertConfig) -> list[Change]:
    """The changes worth an alert: a kind the settings name, material, and a score at or above the threshold."""
    return [c for c in changes
            if c.kind in config.changes and c.material(config.min_changed_members) and c.ring.score >= config.min_score]


def _by_type(members: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in sorted(members):
        kind, _, ident = m.partition(":")
        out.setdefault(kind, []).append(ident)
    return out


def _summary(change: Change, size: dict[str, int]) -> tuple[str, str]:
    r = change.ring
    gained = sum(1 for m in change.added if m.startswith("patient:"))
    lost = sum(1 for m in change.removed if m.startswith("patient:"))
    what = {"grown": f" (+{gained} patients)", "shrunk": f" (-{lost} patients)",
            "changed": f" (+{gained}/-{lost} patients)", "merged": f" (from {', '.join(change.related)})",
            "split": f" (from {', '.join(change.related)})"}.get(change.kind, "")
    what_zh = {"grown": f"(新增 {gained} 人)", "shrunk": f"(减少 {lost} 人)", "changed": f"(新增 {gained} 人/减少 {lost} 人)",
               "merged": f"(由 {'、'.join(change.related)} 合并)", "split": f"(自 {'、'.join(change.related)} 拆分)"}.get(change.kind, "")
    patterns = ", ".join(r.patterns) or "-"
    kind_en, kind_zh = word(f"change.{change.kind}", "en"), word(f"change.{change.kind}", "zh")
    en = (f"{kind_en} ring {r.ring_id}{what}: {size.get('patient', 0)} patients, score {r.score:.2f}, "
          f"{patterns}, {r.amount_at_risk:,.2f} CNY at risk")
    zh = (f"{kind_zh}团伙 {r.ring_id}{what_zh}:涉及参保人 {size.get('patient', 0)} 人,"
          f"评分 {r.score:.2f},模式 {patterns},涉及基金 {r.amount_at_risk:,.2f} 元")
    return en, zh


def payload(change: Change, run_id: str, at: str, include_members: bool = True, reopened: bool = False) -> dict[str, Any]:
    """The alert as written to ``alerts.jsonl`` and POSTed to the webhook."""
    r = change.ring
    members = _by_type(r.members) if change.kind != "disappeared" else {}
    size: dict[str, int] = {t: len(members.get(t, [])) for t in MEMBER_KINDS} if change.kind != "disappeared" else \
        {t: len(v) for t, v in _by_type(change.removed).items()}
    added, removed = _by_type(change.added), _by_type(change.removed)
    summary, summary_zh = _summary(change, size)
    alert = {
        "alert_id": alert_id(change), "run_id": run_id, "at": at, "ring_id": r.ring_id, "change": change.kind,
        "score": r.score, "patterns": list(r.patterns), "amount_at_risk": r.amount_at_risk,
        "status": "new" if reopened else change.status_before,
        "reopened": reopened, "first_seen": r.first_seen or at, "size": size, "related": list(change.related),
        "membership_digest": r.digest, "summary": summary, "summary_zh": summary_zh,
    }
    if include_members:
        alert.update(members=members, added=added, removed=removed)
    else:
        alert.update(added={t: len(v) for t, v in added.items()}, removed={t: len(v) for t, v in removed.items()})
    return alert


def _repair(path: Path) -> set[str]:
    """Ids already in the file; a last line cut short by a kill is cut off first."""
    if not path.exists():
        return set()
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
        with open(path, "r+b") as fh:
            fh.truncate(keep)
        data = data[:keep]
    ids = set()
    for line in data.splitlines():
        try:
            ids.add(json.loads(line)["alert_id"])
        except (ValueError, KeyError, TypeError):
            continue
    return ids


def append(path: Path, alerts: list[dict[str, Any]], after_line: Callable[[int], None] | None = None) -> int:
    """Append the alerts whose id is not in ``path`` yet, one line each, synced to disk; return how many were new."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    seen = _repair(path)
    written = 0
    with open(path, "a", encoding="utf-8") as fh:
        for alert in alerts:
            if alert["alert_id"] in seen:
                continue
            fh.write(json.dumps(alert, ensure_ascii=False, sort_keys=True) + "\n")
            fh.flush()
            seen.add(alert["alert_id"])
            written += 1
            if after_line:
                after_line(written)
        os.fsync(fh.fileno())
    return written

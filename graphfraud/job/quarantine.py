"""Quarantine: a delivery that cannot be read is set aside with its reason, and the job goes on without it.

A delivery is quarantined when reading or validating it fails — a missing
required column, an empty or corrupt file, anything the reader did not expect —
so nothing of it reaches the graph. Its staged files (links to the inbox
files, never the inbox itself) move to ``out/quarantine/<run>/<delivery>/``
with ``quarantine.json`` (run, delivery, files with their hashes, reason); its
``:InboxFile`` marks say ``quarantined`` with the reason; an alert tells
investigators and operators. Later runs leave those bytes alone: a fixed file
(new bytes) is taken as new, and ``graphfraud job release NAME`` sends the
same bytes through again (after a mapping or a reader was fixed).

Faults of the machine, not of the delivery (a full disk, no memory), are not
quarantined: they fail the run, which the next run resumes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from graphfraud.atomic import write_text_atomic
from graphfraud.errors import GraphfraudError, OutputError

_MACHINE_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.ENOMEM)


def is_delivery_fault(exc: BaseException) -> bool:
    """Whether a failure while reading a delivery (or drawing a bundle) is the input's rather than the machine's."""
    if isinstance(exc, (MemoryError, OutputError)):
        return False
    if isinstance(exc, OSError) and exc.errno in _MACHINE_FAULTS:
        return False
    return isinstance(exc, Exception)


def machine_fault(exc: BaseException) -> str:
    """A machine fault in a few words (``no space left on device``), without the paths or data its text may hold."""
    return getattr(exc, "strerror", None) or type(exc).__name__


def reason_of(exc: BaseException, what: str = "the reader") -> str:
    """One line for the logs, the run record and the alert; never a value from the data.

    graphfraud's own errors are written to name files, rows, columns and reasons
    only; anything else is named by its type, since its text may quote a cell.
    """
    if isinstance(exc, GraphfraudError):
        text = str(exc).strip()
        return text.splitlines()[0] if text else type(exc).__name__
    return f"{what} failed on it ({type(exc).__name__}); report this as a bug"


def set_aside(staged: Path, target: Path, record: dict[str, Any]) -> Path:
    """Move the staged delivery to ``target`` (replacing an earlier attempt's) with ``quarantine.json``."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if staged.exists():
        shutil.move(str(staged), str(target))
    else:
        target.mkdir()
    write_text_atomic(target / "quarantine.json", json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return target


def alert(run_id: str, at: str, delivery: str, files: list[dict[str, Any]], reason: str, folder: Path) -> dict[str, Any]:
    """The alert for a quarantined delivery (``change = "quarantined"``, no ring); its id is the same on a resumed run."""
    key = "|".join([run_id, delivery, *sorted(f["sha256"] for f in files)])
    names = [f["name"] for f in files]
    shown = "loose files" if delivery == "." else delivery
    return {
        "alert_id": "Q-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20], "run_id": run_id, "at": at,
        "change": "quarantined", "delivery": delivery, "files": names, "reason": reason, "quarantine": str(folder),
        "summary": f"delivery {shown} quarantined ({len(names)} file(s)): {reason}",
        "summary_zh": f"数据批次 {shown} 无法读取,已隔离({len(names)} 个文件):{reason}",
    }

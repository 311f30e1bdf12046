"""Named points where a job run, a ``graphfraud detect`` or a ``graphfraud load`` can be held, so tests can kill it there (SIGKILL).

With ``GRAPHFRAUD_JOB_HOLD_AT=<point>`` and ``GRAPHFRAUD_JOB_HOLD_FILE=<path>``
in the environment, a run reaching that point writes the point's name to the
file and waits until the file is removed (then goes on) or the process is
killed. Without them, every point is a no-op and the engine is used as is.

Points: ``planned``, ``load:<label or type>`` (inside a load — a job's, or
``graphfraud load``'s incremental path — after that part was written), ``loaded`` (a delivery loaded, its files not yet marked),
``query:<name>`` / ``done:<name>`` (before / after any named query, e.g.
``query:rings/member_patient`` in the middle of detection's write-back, or
``done:case/record_event`` inside a bundle export: recorded on the trail,
zip not yet in place), ``detected`` (rings written, run not yet saved),
``alert:<n>`` (n alert lines written), ``alerted``, ``bundle:<n>`` (n bundles
written, run not yet saved), ``finished``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

HOLD_AT = "GRAPHFRAUD_JOB_HOLD_AT"
HOLD_FILE = "GRAPHFRAUD_JOB_HOLD_FILE"
MAX_HOLD_SECONDS = 600.0


def point(name: str) -> None:
    """Hold here if the environment asks for this point."""
    if os.environ.get(HOLD_AT) != name:
        return
    marker = Path(os.environ.get(HOLD_FILE) or "graphfraud-job.hold")
    marker.write_text(name, encoding="utf-8")
    deadline = time.monotonic() + MAX_HOLD_SECONDS
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


class _Watched:
    """The engine, with a point before each named query and after each part of a load."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def query(self, name: str, params: dict[str, Any] | None = None):
        point(f"query:{name}")
        result = self._engine.query(name, params)
        point(f"done:{name}")
        return result

    def write(self, frames, progress=None):
        def step(what: str, n: int = 1) -> None:
            if progress:
                progress(what, n)
            point(f"load:{what}")
        return self._engine.write(frames, progress=step)


def watched(engine: Any) -> Any:
    """The engine wrapped with hold points when a hold is asked for; the engine itself otherwise."""
    return _Watched(engine) if os.environ.get(HOLD_AT) else engine

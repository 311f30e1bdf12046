"""One job run at a time: an OS file lock held for the whole run.

``flock`` is released by the kernel when the process ends, however it ends
(SIGKILL, power loss), so a killed run never leaves a stale lock behind and
the next run simply takes it. The lock file also says who holds it (process
id, host, since when), which is what the second run prints when it gives up.
A second run waits up to ``wait`` seconds, then raises ``JobBusy``.

The lock is per machine (and per shared file system that honours ``flock``):
schedule a job on one host only.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from graphfraud.errors import JobBusy

POLL_SECONDS = 0.2


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def job_lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock at ``path`` for the block; wait up to ``wait`` seconds for another run to finish first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {wait:g} s" if wait > 0 else ""
                    raise JobBusy(f"another job run holds {path}{_holder(path)}; not starting a second one{waited}") from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        since = datetime.now().astimezone().isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {since}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

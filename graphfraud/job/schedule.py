"""``graphfraud job run --daily HH:MM``: run the job every day at a local time, for containers without cron.

Between runs the process only sleeps. A run cut off by a stop (``docker
compose down``, a reboot) is completed by the next one, as after any kill.

>>> next_at(datetime(2026, 1, 31, 1, 0), "02:30")
datetime.datetime(2026, 1, 31, 2, 30)
>>> next_at(datetime(2026, 1, 31, 3, 0), "02:30")
datetime.datetime(2026, 2, 1, 2, 30)
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from graphfraud.errors import ConfigError


def parse_time(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not match:
        raise ConfigError(f"--daily takes a local time as HH:MM (e.g. 02:30), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def next_at(now: datetime, at: str) -> datetime:
    """The first moment after ``now`` whose local time is ``at``."""
    hour, minute = parse_time(at)
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)

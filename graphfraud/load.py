"""Load a folder of bureau files into the configured engine, keeping every rejected row.

The order is fixed so a failure never leaves a half-made graph for the
detector to trust: read and validate everything first (a fatal input error
writes nothing), then schema, then nodes, then relationships. Loads are
idempotent, so a run cut off midway is simply run again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from graphfraud import graph
from graphfraud.engines.base import Engine, WriteStats
from graphfraud.ingest import InputSet, read_input, write_rejects
from graphfraud.progress import bar


@dataclass
class LoadSummary:
    """What a load read, accepted, rejected and wrote, and how fast."""

    rows_read: int
    accepted: int
    rejected: int
    seconds: float
    stats: WriteStats
    rejects_files: list[Path] = field(default_factory=list)
    encodings: dict[str, str | None] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds > 0 else 0.0


def load_directory(engine: Engine, directory: Path, mapping: Path | None = None, rejects_dir: Path | None = None) -> LoadSummary:
    """Read, validate and load ``directory``; rejected rows go to ``rejects_dir`` (default ``directory/rejects``)."""
    started = time.perf_counter()
    inputs: InputSet = read_input(directory, mapping)
    rejects_files = write_rejects(inputs, rejects_dir or (directory / "rejects")) if inputs.total_rejected else []
    frames = graph.build({name: t.frame for name, t in inputs.tables.items()})
    engine.ensure_schema()
    with bar(f"loading into {engine.name}", frames.rows()) as advance:
        stats = engine.write(frames, progress=advance)
    return LoadSummary(
        rows_read=sum(t.rows_read for t in inputs.tables.values()),
        accepted=inputs.total_accepted,
        rejected=inputs.total_rejected,
        seconds=time.perf_counter() - started,
        stats=stats,
        rejects_files=rejects_files,
        encodings={name: t.encoding for name, t in inputs.tables.items()},
    )

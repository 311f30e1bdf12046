"""Write graph frames as the CSV files ``neo4j-admin database import full`` reads.

The files come from the same ``GraphFrames`` the driver path writes, so a bulk
import and a driver load make the same graph: one node file per label whose
header names the key as ``key:ID(Label)`` (one id space per label, so a
patient and a card may share an id string), typed properties (``:long``,
``:double``, ``:string``, as in ``graphfraud.model``), and one relationship
file per (type, from, to) with ``:START_ID(From)`` and ``:END_ID(To)``. Absent
values are written as empty unquoted fields, which neo4j-admin leaves out, as
the driver path never writes a null. Providers carry their
Pharmacy/Hospital/Clinic label in a ``:LABEL`` column, as the driver path sets it.

Files are written with pyarrow's CSV writer in slices, so a ten-million-claim
history is written at disk speed without a second copy of it in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graphfraud.atomic import atomic_path
from graphfraud.graph import GraphFrames
from graphfraud.model import FLOAT, INT, NODES, PROVIDER_TYPE_LABELS, STRING

_HEADER_TYPES = {STRING: "string", INT: "long", FLOAT: "double"}
_SLICE_ROWS = 500_000  # rows converted to Arrow and written at a time


@dataclass
class ImportFiles:
    """The CSV files of one import, ready to be named on the neo4j-admin command line."""

    folder: Path
    nodes: dict[str, Path] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # file name → data rows
    multiline: bool = False  # some value holds a line break: neo4j-admin must be told

    def arguments(self) -> list[str]:
        """``--nodes=Label=file`` and ``--relationships=TYPE=file`` options, plus multi-line support when needed."""
        args = [f"--nodes={label}={path}" for label, path in self.nodes.items()]
        args += [f"--relationships={rel_type}={path}" for (rel_type, _, _), path in self.rels.items()]
        if self.multiline:
            args.append("--multiline-fields=true")
        return args


def node_header(label: str) -> list[str]:
    """Header of a node file: the key as the label's id, then every property with its type."""
    node = NODES[label]
    header = [f"{node.key}:ID({label})" if name == node.key else f"{name}:{_HEADER_TYPES[kind]}" for name, kind in node.properties]
    if label == "Provider":
        header.append(":LABEL")
    return header


def rel_header(src: str, dst: str) -> list[str]:
    """Header of a relationship file: start and end ids in their labels' id spaces."""
    return [f":START_ID({src})", f":END_ID({dst})"]


def _has_line_break(frame: pd.DataFrame) -> bool:
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and values.dropna().astype(str).str.contains("[\r\n]", regex=True).any():
            return True
    return False


def _write(path: Path, header: list[str], frame: pd.DataFrame) -> None:
    """Header line, then the rows in slices; to a temporary name, renamed when complete.

    Not synced (``durable=False``): the folder is scratch for one import, and a
    crash starts the bulk load again from the frames.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    with atomic_path(path, durable=False) as partial, open(partial, "xb") as sink:
        sink.write((",".join(header) + "\n").encode("utf-8"))
        for start in range(0, len(frame), _SLICE_ROWS):
            piece = frame.iloc[start : start + _SLICE_ROWS]
            table = pa.Table.from_pandas(piece, preserve_index=False)
            pacsv.write_csv(table, sink, options)


def write_import_files(frames: GraphFrames, folder: Path, progress=None) -> ImportFiles:
    """Write every node and relationship frame into ``folder`` (created) and return the file set."""
    folder.mkdir(parents=True, exist_ok=True)
    files = ImportFiles(folder=folder)
    for label, frame in frames.nodes.items():
        node = NODES[label]
        data = frame[node.columns]
        if label == "Provider":
            data = data.assign(_labels=data["type"].map(PROVIDER_TYPE_LABELS))
        path = folder / f"nodes-{label}.csv"
        _write(path, node_header(label), data)
        files.nodes[label] = path
        files.rows[path.name] = len(data)
        files.multiline = files.multiline or _has_line_break(data)
        if progress:
            progress(label, len(data))
    for (rel_type, src, dst), frame in frames.rels.items():
        path = folder / f"rels-{rel_type}-{src}-{dst}.csv"
        _write(path, rel_header(src, dst), frame[["src", "dst"]])
        files.rels[(rel_type, src, dst)] = path
        files.rows[path.name] = len(frame)
        files.multiline = files.multiline or _has_line_break(frame[["src", "dst"]])
        if progress:
            progress(rel_type, len(frame))
    return files

"""Writes that survive a crash: a temporary file beside the target, synced, then renamed over it.

A reader, or the next run after a kill or a power cut, finds either the old
file or the new one under the final name, never half of one. Each step has
its reason:

1. the temporary file lives in the target's own folder, so the rename stays
   within one file system and is atomic (``os.replace``);
2. its bytes are synced to disk (``fsync``) before the rename: otherwise a
   file system may keep the rename through a power cut but not the data, and
   the final name holds an empty or partial file (ext4's delayed allocation,
   XFS);
3. on POSIX the folder is synced after the rename, so the rename itself is on
   disk and the file does not come back under its old content or vanish.

On any failure the temporary file is removed and the target is left as it
was. Errors are the ``OSError`` the system gave; callers turn them into their
own (``OutputError``, ``BundleError``). Temporary names are hidden and end in
``.tmp`` (``.rings.json.<pid>-<token>.tmp``), so the job's inbox never takes
one and :func:`leftovers` finds those of a write cut short.

    write_text_atomic(out / "quarantine.json", text)
    with atomic_path(out / "rejects" / "claims.csv") as tmp:
        frame.to_csv(tmp, index=False)   # anything that writes a file by name

``remove`` takes a file away the same way (unlinked, folder synced): a rejects
file a load no longer has rows for.

Only files: no site writes a folder as one unit.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# fsync on a folder is refused by some file systems (and is meaningless there); anything else is a real failure
_NO_FOLDER_SYNC = (errno.EINVAL, errno.ENOTSUP)


def write_synced(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` itself and sync it to disk (no rename: for callers that commit several files at once)."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def sync_folder(folder: Path) -> None:
    """Make the renames and removals in ``folder`` durable (POSIX)."""
    _sync_folder(folder)


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY if os.name == "posix" else os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; its renames are journalled by NTFS
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _NO_FOLDER_SYNC:
            raise
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A fresh hidden temporary name beside ``path`` (``.NAME.<pid>-<token>.tmp``); nothing is created."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def leftovers(path: Path) -> list[Path]:
    """Temporary files of writes to ``path`` that were cut short (a kill between writing and renaming), sorted."""
    path = Path(path)
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def replace(tmp: Path, path: Path) -> None:
    """Rename the complete ``tmp`` over ``path`` and sync the folder, so the rename is on disk."""
    os.replace(tmp, path)
    _sync_folder(Path(path).parent)


def remove(path: Path | str) -> bool:
    """Remove ``path`` if it is there and sync its folder, so the removal survives a power cut; whether it was there."""
    path = Path(path)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    _sync_folder(path.parent)
    return True


@contextmanager
def atomic_path(path: Path | str, durable: bool = True,
                before_rename: Callable[[], None] | None = None) -> Iterator[Path]:
    """A temporary path beside ``path`` for the block to write; synced and renamed over ``path`` when the block ends.

    The folder is created if missing. If the block raises (or
    ``before_rename``, which runs once the file is complete and synced,
    raises), the temporary file is removed and ``path`` keeps its old content.
    ``durable=False`` skips both syncs, for scratch files that a crash
    throws away anyway (neo4j-admin's import CSVs, gigabytes at 10^7 claims).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        yield tmp
        if durable:
            _sync_file(tmp)
        if before_rename is not None:
            before_rename()
        if durable:
            replace(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: Path | str, data: bytes, before_rename: Callable[[], None] | None = None) -> Path:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one; return ``path``."""
    path = Path(path)
    with atomic_path(path, before_rename=before_rename) as tmp, open(tmp, "xb") as handle:
        handle.write(data)
    return path


def write_text_atomic(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` (UTF-8 by default) so that a crash leaves the old file or the new one; return ``path``."""
    return write_bytes_atomic(path, text.encode(encoding))

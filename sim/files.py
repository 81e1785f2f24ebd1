"""Files written whole or not at all: the one atomic write of the project.

Every file regiesim replaces in place (a store's tables, parts and manifest, reports, the
animation, the compiled model's stamp) is written under a unique temporary name in the
same folder (``.NAME.tmp-PID-RANDOM``: two writers never share one), flushed and fsynced,
then renamed over its target with ``os.replace`` (atomic on POSIX and Windows), and the
folder is fsynced where the system allows it, so that the rename itself survives a crash.
A reader sees the old file or the new one, never half of one; a write that fails leaves
the old file as it was and removes its temporary file (a process killed mid-write leaves
one behind: :func:`is_temporary` recognises it).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

TMP_MARK = ".tmp-"


def temporary_name(path: Path) -> Path:
    """A unique hidden name beside ``path`` for writing it."""
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def is_temporary(path: Path, name: str | None = None) -> bool:
    """Whether ``path`` is a temporary file of :func:`temporary_name` (of target ``name``,
    if given): what a write killed before its rename leaves behind."""
    prefix = f".{name}{TMP_MARK}" if name else "."
    return path.name.startswith(prefix) and TMP_MARK in path.name


def fsync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened, as on
    Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path: str | Path, exclusive: bool = False) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to (by any writer: pyarrow, a
    stream); when the block ends without an error it becomes ``path``, fsynced.

    ``exclusive``: fail with :class:`FileExistsError` if ``path`` exists (checked by the
    atomic ``os.link``, so two writers cannot both create it).
    """
    path = Path(path)
    tmp = temporary_name(path)
    try:
        yield tmp
        _fsync_file(tmp)
        if exclusive:
            os.link(tmp, path)  # fails if path exists: exclusive creation, atomically
            tmp.unlink()
        else:
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()  # only if the write or the rename failed
    fsync_directory(path.parent)


def atomic_write(path: str | Path, data: bytes | str, exclusive: bool = False,
                 encoding: str = "utf-8") -> Path:
    """Write ``data`` (text in ``encoding``, or bytes) to ``path`` whole or not at all."""
    path = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    with atomic_path(path, exclusive=exclusive) as tmp, open(tmp, "wb") as fh:
        fh.write(raw)
        fh.flush()
    return path

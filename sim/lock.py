"""The one lock of the project: an OS file lock that names its holder.

The lock is ``filelock``'s (``flock`` on Unix, ``LockFileEx`` on Windows), taken without
waiting. The operating system releases it when its holder ends, however it ends (Ctrl+C,
``kill -9``, the out-of-memory killer), so a lock is never stale and never needs breaking.
The lock file stays in place when the lock is let go (waiters must share one inode), and
holds nothing: beside it, ``NAME.holder.json`` names the holder (pid, host, start) for
the message of whoever is refused. The holder writes it once it has the lock and removes
it before it lets go; one left by a holder that was killed is overwritten by the next.

Used for a result folder (:mod:`sim.experiment.store`) and for the model's build
(:mod:`sim.compile_model`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.files import atomic_write

HOLDER_SUFFIX = ".holder.json"


class LockBusy(Exception):
    """Another process holds the lock; ``holder`` is what it wrote about itself (None if
    it has not written it yet, or it cannot be read)."""

    def __init__(self, path: Path, holder: dict[str, Any] | None) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is held by {who(holder)}")


def who(holder: dict[str, Any] | None) -> str:
    """``pid N on host H since T`` (or ``an unknown process``)."""
    if not holder or "pid" not in holder:
        return "an unknown process"
    since = f" since {holder['started']}" if holder.get("started") else ""
    return f"pid {holder.get('pid')} on host {holder.get('host')}{since}"


def holder_path(path: Path) -> Path:
    """Where the holder of the lock ``path`` names itself."""
    return path.with_name(path.name + HOLDER_SUFFIX)


class HeldLock:
    """An exclusive, non-waiting lock on ``path`` whose holder is named beside it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.holder_path = holder_path(self.path)
        self.info = {"pid": os.getpid(), "host": socket.gethostname(),
                     "started": datetime.now(UTC).isoformat(timespec="seconds"),
                     "token": uuid.uuid4().hex}
        from filelock import FileLock  # ~60 ms to import: only where a lock is taken

        self._lock = FileLock(str(self.path), timeout=0, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def holder(self) -> dict[str, Any] | None:
        """What the holder wrote about itself (None: nothing readable)."""
        try:
            info = json.loads(self.holder_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return info if isinstance(info, dict) else None

    def acquire(self) -> dict[str, Any] | None:
        """Take the lock or raise :class:`LockBusy` naming the holder. Returns what a
        previous holder that ended without letting go had written (None: nothing)."""
        if self.held:
            return None
        from filelock import Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise LockBusy(self.path, self.holder()) from None
        left = self.holder()
        try:
            atomic_write(self.holder_path, json.dumps(self.info))
        except BaseException:
            self._lock.release()
            raise
        return left

    def release(self) -> None:
        """Let go (the holder's note first, then the lock)."""
        if not self.held:
            return
        try:
            if (self.holder() or {}).get("token") == self.info["token"]:
                with contextlib.suppress(FileNotFoundError):
                    self.holder_path.unlink()
        finally:
            self._lock.release()

    def __enter__(self) -> HeldLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

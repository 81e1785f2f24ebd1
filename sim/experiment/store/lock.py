"""The one-writer lock of a result folder: ``DIR/.regiesim.lock``, held while a batch (or
an experiment recording an artefact) writes.

It is :class:`sim.lock.HeldLock`, an OS file lock: the OS releases it when its holder
ends, however it ends (``kill -9`` included), so the same command resumes at once and no
lock is ever stale. ``DIR/.regiesim.lock.holder.json`` names the holder (pid, host,
start) for the message of whoever is refused.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sim.experiment.store.errors import StoreLocked
from sim.lock import HeldLock, LockBusy, holder_path, who

logger = logging.getLogger(__name__)
LOCK_NAME = ".regiesim.lock"


def lock_files(directory: Path) -> set[str]:
    """The names of the lock's own files in a folder (the lock and its holder's note)."""
    return {LOCK_NAME, holder_path(directory / LOCK_NAME).name}


class FolderLock:
    """The one-writer lock of a store folder (:class:`sim.lock.HeldLock`: the OS releases
    it when the batch ends, however it ends)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = HeldLock(directory / LOCK_NAME)

    def acquire(self, break_lock: bool = False) -> None:
        """Take the folder or refuse, naming the batch that holds it. ``break_lock`` is
        accepted for scripts written for the older lock: a lock left by a batch that
        ended is released by the OS and needs no breaking, and a held one is never
        broken."""
        try:
            left = self.lock.acquire()
        except LockBusy as busy:
            if break_lock:
                raise StoreLocked(
                    f"{self.directory} is in use by {who(busy.holder)}, which is still "
                    "running (the OS holds its lock until it ends); --break-lock breaks no "
                    "lock that is held") from None
            raise StoreLocked(
                f"{self.directory} is in use by another batch ({who(busy.holder)}); wait "
                "for it or use another --out folder") from None
        if left and left.get("token") != self.lock.info["token"]:
            logger.info("%s: the batch that held it (%s) ended without letting go; its "
                        "lock ended with it", self.directory, who(left))

    def release(self) -> None:
        self.lock.release()

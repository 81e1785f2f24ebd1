"""Helpers the store's tests share: runs counted as they execute, a batch that stopped
before consolidating, and whether a folder's lock is let go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sim.experiment.batch as batch_module
from sim.experiment import ResultStore
from sim.experiment.batch import plan
from sim.experiment.store import LOCK_NAME
from sim.lock import HeldLock, holder_path


def counting(monkeypatch: Any) -> list[tuple[str, int]]:
    """The keys of the runs this process executes from now on (serial backend)."""
    ran: list[tuple[str, int]] = []
    real = batch_module.execute

    def execute(spec):
        ran.append(spec.key)
        return real(spec)

    monkeypatch.setattr(batch_module, "execute", execute)
    return ran


def stopped_batch(folder: Path, scenarios: dict, reps: int, seed: int) -> None:
    """A batch of ``scenarios`` that flushed one part per scenario, then 'died' (no
    consolidation)."""
    store = ResultStore(folder)
    for spec in store.begin(plan(scenarios, reps, seed), seed, reps, "serial"):
        store.add(batch_module.execute(spec))
        if spec.replication == reps - 1:
            store.flush()
    store.close()


def released(folder: Path) -> bool:
    """The folder's lock is let go: its holder's note is gone and the lock can be taken
    (the empty lock file itself stays, as an OS lock's file must)."""
    if holder_path(folder / LOCK_NAME).exists():
        return False
    lock = HeldLock(folder / LOCK_NAME)
    lock.acquire()
    lock.release()
    return True

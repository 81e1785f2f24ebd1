"""The result store of a batch: Parquet tables and a JSON manifest in one folder.

    DIR/manifest.json     the scenarios, seeds, package versions, code identity, backend,
                          hardware, start and end, and the artefacts the folder holds,
                          each with its kind (:mod:`.manifest`, :mod:`.artefacts`)
    DIR/runs.parquet      one row per run: scenario, variant parameters, replication, seed,
                          every summary outcome
    DIR/series.parquet    the weekly series of every run
    DIR/failures.parquet  runs that raised or ran out of time: scenario, replication,
                          seed, error, traceback (only when there are any)
    DIR/parts/            runs flushed while the batch runs (:mod:`.parts`)
    DIR/.regiesim.lock    the folder's lock (empty; it stays when the lock is let go)
    DIR/.regiesim.lock.holder.json   while a batch writes: pid, host and start of its
                          process (:mod:`.lock`)

One writer at a time (:mod:`.lock`), nothing of the user's touched, nothing computed lost,
nothing mixed (:mod:`.writer`); reading by whole runs with flat memory (:mod:`.reader`).
"""

from __future__ import annotations

from sim.experiment.store.artefacts import (
    KINDS,
    Artefact,
    artefacts,
    declare_artefact,
    infer_kind,
    write_artefact,
)
from sim.experiment.store.errors import StoreError, StoreLocked, StoreMismatch
from sim.experiment.store.lock import LOCK_NAME, FolderLock
from sim.experiment.store.manifest import FORMAT, hardware, scenario_config
from sim.experiment.store.reader import KEY, FolderReader, Selection, StoredResults
from sim.experiment.store.writer import ResultStore

__all__ = ["FORMAT", "KEY", "KINDS", "LOCK_NAME", "Artefact", "FolderLock", "FolderReader",
           "ResultStore", "Selection", "StoreError", "StoreLocked", "StoreMismatch",
           "StoredResults", "artefacts", "declare_artefact", "hardware", "infer_kind",
           "scenario_config", "write_artefact"]

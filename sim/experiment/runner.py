"""Running a batch end to end: plan, skip what is stored, run, store, consolidate."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.batch import check_backend, check_chunk, plan, run_specs
from sim.experiment.calibration import Posterior
from sim.experiment.scale import check_scale
from sim.experiment.store import ResultStore, Selection
from sim.scenario import Scenario


@dataclass
class Batch:
    """The tables of a finished batch (and the folder they are stored in, if any).

    A stored batch reads its tables from the folder when first asked for them, so a batch
    of any size runs in flat memory; ``failures`` lists the runs that raised.
    """

    _runs: pd.DataFrame | None = None
    _series: pd.DataFrame | None = None
    out: Path | None = None
    _failures: pd.DataFrame | None = field(default=None, repr=False)
    _select: Selection | None = field(default=None, repr=False)

    @property
    def runs(self) -> pd.DataFrame:
        if self._runs is None:
            self._runs = self._store().runs(self._select)
        return self._runs

    @property
    def series(self) -> pd.DataFrame:
        if self._series is None:
            self._series = self._store().series(self._select)
        return self._series

    @property
    def failures(self) -> pd.DataFrame:
        if self._failures is None:
            self._failures = self._store().failures(self._select)
        return self._failures

    def _store(self) -> ResultStore:
        if self.out is None:
            raise ValueError("this batch was not stored")
        return ResultStore(self.out)


def run_batch(scenarios: dict[str, Scenario], reps: int, seed: int = 0,
              backend: str = "process", workers: int | None = None, progress: bool = False,
              out: str | Path | None = None, params: dict[str, dict[str, Any]] | None = None,
              scheduler: str | None = None, time_budget: float | None = None,
              force: bool = False, break_lock: bool = False, security: Any = None,
              posterior: str | Path | Posterior | None = None,
              chunk: int | None = None) -> Batch:
    """Run every scenario ``reps`` times on common random numbers.

    With ``out`` the results go into a :class:`ResultStore` as they come in, and a batch
    run again into the same folder resumes: stored runs are skipped, failed runs are tried
    again. A run that raises (or exceeds ``time_budget`` seconds) is recorded as failed
    and the batch goes on. Scenarios above the scale ceiling are refused unless ``force``.
    With ``posterior`` (a calibration folder) every replication draws one parameter set
    from the stored posterior, the same draw in every scenario, so intervals carry
    parametric as well as stochastic uncertainty.

    Backend dask runs on the cluster of ``scheduler`` (``security``: a Dask ``Security``
    for tls://, see :func:`sim.experiment.cluster.tls_security`) or on a local cluster;
    every worker must run this process's code (:func:`sim.experiment.cluster.connect`),
    and the store's manifest records each worker's identity under ``workers``.

    Backends process and dask run ``chunk`` runs per task; None sizes the chunks from the
    runs measured so far (about 0.5 s per task, see :class:`sim.experiment.batch.Chunker`).
    The numbers are the same whatever the chunk size and backend; the store takes each
    chunk's runs as they come, and a failed run is recorded without losing its chunk's
    other runs.
    """
    if reps < 1:
        raise ValueError(f"reps: must be >= 1, got {reps}")
    if not scenarios:
        raise ValueError("scenarios: need at least one scenario")
    check_backend(backend, scheduler, time_budget)
    check_chunk(chunk)
    check_scale(scenarios, force)
    if posterior is not None and not isinstance(posterior, Posterior):
        posterior = Posterior(posterior)
    specs = plan(scenarios, reps, seed, params, posterior)
    with contextlib.ExitStack() as stack:
        client = None
        if backend == "dask":  # connected (and checked) before anything is written
            from sim.experiment.cluster import dask_client, manifest_entries, same_code_workers

            client = stack.enter_context(dask_client(scheduler, workers or os.cpu_count() or 1,
                                                     security))
        if out is None:
            outputs = run_specs(specs, backend, workers, progress, time_budget=time_budget,
                                client=client, chunk=chunk)
            ok = [o for o in outputs if o.ok]
            return Batch(
                pd.DataFrame([o.row for o in ok]),
                pd.concat([o.series for o in ok], ignore_index=True) if ok else pd.DataFrame(),
                None, pd.DataFrame([o.failure for o in outputs if not o.ok]))
        store = ResultStore(out)
        todo = store.begin(specs, seed, reps, backend, break_lock=break_lock)
        try:
            if client is not None:
                store.record_workers(manifest_entries(client.regiesim_workers))
            run_specs(todo, backend, workers, progress, on_result=store.add,
                      time_budget=time_budget, client=client, chunk=chunk,
                      on_worker=lambda found: store.record_workers(manifest_entries(found)))
            if client is not None:  # and the workers that joined meanwhile
                store.record_workers(manifest_entries(same_code_workers(client)))
            store.finish()
        finally:
            try:
                store.flush()
            finally:
                store.close()
        return Batch(out=Path(out), _select=(frozenset(scenarios), reps))

"""Running a batch end to end: plan, skip what is stored, run, store, consolidate."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.batch import plan, run_specs
from sim.experiment.calibration import Posterior
from sim.experiment.options import Executor, StoreOptions, run_options
from sim.experiment.scale import check_scale
from sim.experiment.store import ResultStore, Selection
from sim.experiment.store.manifest import posterior_identity
from sim.scenario import Scenario
from sim.words import BATCH, say


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
              out: str | Path | None = None, params: dict[str, dict[str, Any]] | None = None,
              posterior: str | Path | Posterior | None = None,
              executor: Executor | None = None, store: StoreOptions | None = None,
              **keywords: Any) -> Batch:
    """Run every scenario ``reps`` times on common random numbers.

    With ``out`` the results go into a :class:`ResultStore` as they come in, and a batch
    run again into the same folder resumes: stored runs are skipped, failed runs are tried
    again, and scenarios new to the folder are added (same seed, code and posterior
    required; :meth:`sim.experiment.store.ResultStore.begin`). A run that raises (or
    exceeds the store options' ``time_budget`` seconds) is recorded as failed and the
    batch goes on. Scenarios above the scale ceiling are
    refused unless the store options' ``force``.
    With ``posterior`` (a calibration folder) every replication draws one parameter set
    from the stored posterior, the same draw in every scenario, so intervals carry
    parametric as well as stochastic uncertainty.

    ``executor`` says where the runs go (:class:`sim.experiment.options.Executor`: serial,
    a process pool or Dask), ``store`` what the batch may do (:class:`StoreOptions`). The
    old keywords (``backend="serial"``, ``workers=2``, ``force=True``, ...) still work:
    they become the two values (:func:`sim.experiment.options.run_options`).

    Backend dask runs on the cluster of the executor's ``scheduler`` (``security``: a Dask
    ``Security`` for tls://, see :func:`sim.experiment.cluster.tls_security`) or on a
    local cluster;
    every worker must run this process's code (:func:`sim.experiment.cluster.connect`),
    and the store's manifest records each worker's identity under ``workers``.

    Backends process and dask run the executor's ``chunk`` runs per task; None sizes the
    chunks from the runs measured so far (about 0.5 s per task, see
    :class:`sim.experiment.batch.Chunker`).
    The numbers are the same whatever the chunk size and backend; the store takes each
    chunk's runs as they come, and a failed run is recorded without losing its chunk's
    other runs.
    """
    if reps < 1:
        raise ValueError(f"reps: must be >= 1, got {reps}")
    if not scenarios:
        raise ValueError("scenarios: need at least one scenario")
    executor, options = run_options(executor, store, **keywords)
    check_scale(scenarios, options.force)
    if posterior is not None and not isinstance(posterior, Posterior):
        posterior = Posterior(posterior)
    specs = plan(scenarios, reps, seed, params, posterior)
    with contextlib.ExitStack() as stack:
        client = None
        if executor.backend == "dask":  # connected (and checked) before anything is written
            from sim.experiment.cluster import dask_client, manifest_entries, same_code_workers

            client = stack.enter_context(dask_client(executor.scheduler, executor.processes,
                                                     executor.security))
        if out is None:
            outputs = run_specs(specs, executor, options, client=client)
            ok = [o for o in outputs if o.ok]
            return Batch(
                pd.DataFrame([o.row for o in ok]),
                pd.concat([o.series for o in ok], ignore_index=True) if ok else pd.DataFrame(),
                None, pd.DataFrame([o.failure for o in outputs if not o.ok]))
        results = ResultStore(out)
        todo = results.begin(specs, seed, reps, executor.backend, break_lock=options.break_lock,
                             posterior=posterior_identity(posterior, seed))
        if executor.progress and results.quarantined:
            print(say(BATCH, "quarantined", executor.lang, n=len(results.quarantined),
                      folder=str(Path(out) / "quarantine"),
                      error=results.quarantined[0]["error"]), file=sys.stderr, flush=True)
        if executor.progress and len(todo) < len(specs):  # a resume: say what is kept
            print(say(BATCH, "resuming", executor.lang, out=str(out),
                      kept=len(specs) - len(todo), total=len(specs), todo=len(todo)),
                  file=sys.stderr, flush=True)
        try:
            if client is not None:
                results.record_workers(manifest_entries(client.regiesim_workers))
            run_specs(todo, executor, options, on_result=results.add, client=client,
                      on_worker=lambda found: results.record_workers(manifest_entries(found)))
            if client is not None:  # and the workers that joined meanwhile
                results.record_workers(manifest_entries(same_code_workers(client)))
            results.finish()
        finally:
            try:
                results.flush()
            finally:
                results.close()
        return Batch(out=Path(out), _select=(frozenset(scenarios), reps))

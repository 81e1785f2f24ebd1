"""Running a batch end to end: plan, skip what is stored, run, store, consolidate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.batch import plan, run_specs
from sim.experiment.store import ResultStore
from sim.scenario import Scenario


@dataclass
class Batch:
    """The tables of a finished batch (and the folder they are stored in, if any)."""

    runs: pd.DataFrame
    series: pd.DataFrame
    out: Path | None = None


def run_batch(scenarios: dict[str, Scenario], reps: int, seed: int = 0,
              backend: str = "process", workers: int | None = None, progress: bool = False,
              out: str | Path | None = None, params: dict[str, dict[str, Any]] | None = None,
              scheduler: str | None = None) -> Batch:
    """Run every scenario ``reps`` times on common random numbers.

    With ``out`` the results go into a :class:`ResultStore` as they come in, and a batch
    run again into the same folder resumes: stored runs are skipped.
    """
    if reps < 1:
        raise ValueError(f"reps: must be >= 1, got {reps}")
    if not scenarios:
        raise ValueError("scenarios: need at least one scenario")
    specs = plan(scenarios, reps, seed, params)
    if out is None:
        outputs = run_specs(specs, backend, workers, progress, scheduler=scheduler)
        return Batch(runs=pd.DataFrame([o.row for o in outputs]),
                     series=pd.concat([o.series for o in outputs], ignore_index=True))
    store = ResultStore(out)
    todo = store.begin(specs, seed, reps, backend)
    try:
        run_specs(todo, backend, workers, progress, on_result=store.add, scheduler=scheduler)
    finally:
        store.flush()
    runs, series = store.finish(specs)
    return Batch(runs=runs, series=series, out=Path(out))

"""Sequential replications: keep adding replications until the CIs are narrow enough."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sim.analysis.precision import replications_needed
from sim.experiment.runner import Batch, run_batch
from sim.scenario import Scenario


def run_to_precision(scenarios: dict[str, Scenario], outcomes: list[str], precision: float,
                     seed: int = 0, min_reps: int = 10, max_reps: int = 1000,
                     out: str | Path | None = None, report: Any = None,
                     **batch_kwargs: Any) -> Batch:
    """Run until every outcome of every scenario has relative half-width <= ``precision``.

    Starts with ``min_reps``, estimates the replications each (scenario, outcome) needs,
    extends the batch to the largest of them (the store resumes, so nothing is rerun),
    and repeats; stops at ``max_reps`` at most. ``report(reps, needed)`` is called after
    each round, if given.
    """
    if not 2 <= min_reps <= max_reps:
        raise ValueError(f"need 2 <= min_reps <= max_reps, got {min_reps} and {max_reps}")
    with tempfile.TemporaryDirectory(prefix="regiesim-seq-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        reps = min_reps
        while True:
            batch = run_batch(scenarios, reps=reps, seed=seed, out=folder, **batch_kwargs)
            needed = max(replications_needed(group[o].to_numpy(), precision)
                         for _, group in batch.runs.groupby("scenario") for o in outcomes)
            if report is not None:
                report(reps, needed)
            if needed <= reps or reps >= max_reps:
                if out is None:  # read the tables before the temporary folder goes
                    return Batch(batch.runs, batch.series, None, batch.failures)
                return batch
            reps = min(max_reps, max(needed, reps + 1))

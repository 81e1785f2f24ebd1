"""The warm-up check: run a scenario from empty and find where its weekly series settle.

Runs ``reps`` replications with no warm-up and the scenario's warm-up plus horizon as the
observation window, averages each series (e.g. ``tension``, ``active``) over the
replications week by week, and applies MSER-5 and Welch's moving average
(:mod:`sim.analysis.warmup`). The result holds the tidy data for a report (its figure:
:func:`sim.report.warmup.warmup_figure`), and says whether the scenario's
``run.warmup_weeks`` covers the transient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.warmup import mser, welch_moving_average
from sim.experiment.options import Executor, StoreOptions, run_options
from sim.experiment.runner import run_batch
from sim.scenario import Scenario

WARMUP_SERIES = ("tension", "active")


@dataclass
class WarmupCheck:
    """Weekly means with their moving averages, and MSER-5's truncation per series."""

    series: pd.DataFrame
    """week, outcome, mean (over replications), moving_average (Welch; NaN at the end)."""
    table: pd.DataFrame
    """outcome, truncation_weeks (MSER-5), reliable, warmup_weeks (the scenario's), enough."""
    reps: int

    @property
    def recommended_weeks(self) -> float:
        """The longest MSER-5 truncation over the series checked."""
        return float(self.table["truncation_weeks"].max())


def warmup_check(scenario: Scenario, reps: int = 10, seed: int = 0,
                 outcomes: tuple[str, ...] | list[str] = WARMUP_SERIES, window: int = 5,
                 batch: int = 5,
                 executor: Executor | None = None, store: StoreOptions | None = None,
                 **keywords: Any) -> WarmupCheck:
    """Check ``scenario``'s warm-up by MSER-``batch`` on its weekly series (see module)."""
    executor, store = run_options(executor, store, **keywords)
    if reps < 1:
        raise ValueError(f"reps: must be >= 1, got {reps}")
    current = scenario.run.warmup_weeks
    length = min(5200.0, current + scenario.run.horizon_weeks)
    cold = scenario.with_changes({"run.warmup_weeks": 0.0, "run.horizon_weeks": length})
    runs = run_batch({"warmup": cold}, reps=reps, seed=seed, executor=executor, store=store)
    series = runs.series
    unknown = [o for o in outcomes if o not in series.columns]
    if unknown:
        known = ", ".join(c for c in series.columns if c not in ("week", "scenario",
                                                                  "replication"))
        raise ValueError(f"outcome: not a weekly series: {', '.join(unknown)}; have {known}")
    means = series.groupby("week", sort=True)[list(outcomes)].mean()
    frames, rows = [], []
    for outcome in outcomes:
        y = means[outcome].to_numpy(float)
        moving = welch_moving_average(y, window)
        frames.append(pd.DataFrame({
            "week": means.index.to_numpy(float), "outcome": outcome, "mean": y,
            "moving_average": pd.Series(moving).reindex(range(y.size)).to_numpy()}))
        found = mser(y, batch)
        weeks = float(means.index[found.truncation] - means.index[0])
        rows.append({"outcome": outcome, "truncation_weeks": weeks,
                     "reliable": found.reliable, "warmup_weeks": current,
                     "enough": bool(found.reliable and current >= weeks)})
    return WarmupCheck(pd.concat(frames, ignore_index=True), pd.DataFrame(rows), reps)

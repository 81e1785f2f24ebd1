"""Confidence intervals over replications (Student t), plain and paired.

Replication i of every scenario runs on the same random numbers (common random numbers),
so differences between scenarios are taken per replication and the interval is the
t-interval of those differences: much narrower than comparing two independent means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """A mean with its two-sided confidence interval over ``n`` replications."""

    mean: float
    low: float
    high: float
    n: int
    level: float = 0.95

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0

    def excludes_zero(self) -> bool:
        return self.low > 0.0 or self.high < 0.0

    def __str__(self) -> str:
        return f"{self.mean:.4g} [{self.low:.4g}, {self.high:.4g}]"


def mean_ci(values: np.ndarray | pd.Series | list[float], level: float = 0.95) -> Interval:
    """Mean and t-interval of ``values`` (NaN ignored). Needs two values for an interval."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    n = int(arr.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, level)
    mean = float(arr.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1, level)
    sem = float(arr.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * sem
    return Interval(mean, mean - half, mean + half, n, level)


def summarise(runs: pd.DataFrame, outcomes: list[str], by: str = "scenario",
              level: float = 0.95) -> pd.DataFrame:
    """Mean and CI of each outcome per scenario: one row per (scenario, outcome)."""
    rows = []
    for name, group in runs.groupby(by, sort=False):
        for outcome in outcomes:
            ci = mean_ci(group[outcome], level)
            rows.append({by: name, "outcome": outcome, "mean": ci.mean, "ci_low": ci.low,
                         "ci_high": ci.high, "n": ci.n})
    return pd.DataFrame(rows)


def paired_differences(runs: pd.DataFrame, outcomes: list[str], reference: str,
                       by: str = "scenario", level: float = 0.95) -> pd.DataFrame:
    """Per-replication differences (scenario - reference) with t-intervals.

    Rows are matched on ``replication``; replications missing from either side are left out.
    """
    ref = runs[runs[by] == reference].set_index("replication")
    if ref.empty:
        raise ValueError(f"reference scenario {reference!r} not in the runs; have "
                         f"{sorted(runs[by].unique())}")
    rows = []
    for name, group in runs.groupby(by, sort=False):
        if name == reference:
            continue
        g = group.set_index("replication")
        common = g.index.intersection(ref.index)
        for outcome in outcomes:
            diff = g.loc[common, outcome].to_numpy(float) - ref.loc[common, outcome].to_numpy(float)
            ci = mean_ci(diff, level)
            rows.append({by: name, "reference": reference, "outcome": outcome,
                         "difference": ci.mean, "ci_low": ci.low, "ci_high": ci.high,
                         "n": ci.n, "significant": ci.excludes_zero()})
    return pd.DataFrame(rows)

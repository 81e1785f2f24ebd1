"""Confidence intervals over replications (Student t), plain and paired.

Replication i of every scenario runs on the same random numbers (common random numbers),
so differences between scenarios are taken per replication and the interval is the
t-interval of those differences: much narrower than comparing two independent means.
A table of many differences can adjust its p-values for the many comparisons
(:mod:`sim.analysis.multiple`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.multiple import adjust_pvalues, check_adjust


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


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value with at least a share ``q`` of the weight at or below it (the
    inverse of the weighted ECDF): the one weighted quantile of the project (posterior
    summaries, the survey's cutpoints, value-of-information intervals)."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    share = np.cumsum(np.asarray(weights, dtype=float)[order]) / np.sum(weights)
    return float(values[order][min(int(np.searchsorted(share, q)), len(values) - 1)])


def t_quantile(q: Any, df: Any) -> Any:
    """Student's t quantile (``scipy.stats.t.ppf``). scipy.stats is imported here, where
    it is needed, not by the worker processes that import this package."""
    from scipy import stats

    return stats.t.ppf(q, df)


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
    half = float(t_quantile(0.5 + level / 2.0, n - 1)) * sem
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


def t_test_p(values: np.ndarray) -> float:
    """Two-sided p-value of the one-sample t-test of mean zero (NaN with fewer than two
    values; 0 or 1 for values without spread, as their mean is or is not zero)."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size < 2:
        return math.nan
    mean, sd = float(arr.mean()), float(arr.std(ddof=1))
    if sd == 0.0:
        return 0.0 if mean != 0.0 else 1.0
    t = mean / (sd / math.sqrt(arr.size))
    from scipy import stats

    return float(2.0 * stats.t.sf(abs(t), arr.size - 1))


def paired_differences(runs: pd.DataFrame, outcomes: list[str], reference: str,
                       by: str = "scenario", level: float = 0.95,
                       adjust: str = "none") -> pd.DataFrame:
    """Per-replication differences (scenario - reference) with t-intervals.

    Rows are matched on ``replication``; replications missing from either side are left out.
    ``p_value`` is the paired t-test's; ``p_adjusted`` adjusts it over all rows of the
    table by ``adjust`` (``holm``, ``bh`` or ``none``, named in column ``adjustment``), and
    ``significant`` is ``p_adjusted < 1 - level`` (for ``none``: the interval excludes 0).
    The intervals themselves are per comparison.
    """
    check_adjust(adjust)
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
                         "n": ci.n, "p_value": t_test_p(diff),
                         "significant": ci.excludes_zero()})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["p_adjusted"] = adjust_pvalues(table["p_value"].to_numpy(), adjust)
    table["adjustment"] = adjust
    if adjust != "none":
        table["significant"] = table["p_adjusted"] < 1.0 - level
    return table[[*table.columns.drop(["significant", "p_adjusted", "adjustment"]),
                  "p_adjusted", "adjustment", "significant"]]


def bounded(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` (a row per scenario and outcome, :func:`summarise`) with every interval
    held inside the range its outcome can take: no count below zero, no share above
    100% (:func:`sim.outcomes.clip`)."""
    from sim.outcomes import clip

    out = summary.copy()
    for column in ("ci_low", "ci_high"):
        out[column] = [clip(o, float(x)) for o, x in zip(out["outcome"], out[column],
                                                         strict=True)]
    return out

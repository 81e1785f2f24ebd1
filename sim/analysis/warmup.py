"""Warm-up detection on a weekly series: MSER-5 and Welch's moving average.

Both work on the series averaged over replications (week by week), as their authors
recommend:

- **MSER-5** (White 1997; White, Cobb & Spratt 2000; rated best of 42 methods by Hoad,
  Robinson & Davies 2008): batch the series into means of 5 observations, Z_1..Z_k, and
  truncate the d batches that minimise MSER(d) = sum_{i>d} (Z_i - mean_{i>d} Z)^2 /
  (k - d)^2: the standard error of the mean of what is kept. Only d <= k/2 is searched;
  a minimum at the edge of that half means the run is too short to show a steady state
  (``reliable`` False).
- **Welch's moving average** (Welch 1983): the series smoothed by a centred window of
  2w + 1 weeks (shorter at the start), to judge by eye where it levels off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mser:
    """The MSER-5 truncation of one series."""

    truncation: int
    """Observations to delete (a multiple of the batch size)."""
    statistic: np.ndarray
    """MSER(d) for d = 0 .. k // 2 batches deleted."""
    batch: int
    reliable: bool
    """False when the minimum lies at the end of the searched half (run too short)."""


def mser(series: np.ndarray | list[float], batch: int = 5) -> Mser:
    """MSER-``batch`` on one series (NaN not allowed); see the module docstring."""
    y = np.asarray(series, dtype=float)
    if batch < 1:
        raise ValueError(f"batch: must be >= 1, got {batch}")
    if np.isnan(y).any():
        raise ValueError("series: MSER needs a value in every week (got NaN)")
    k = y.size // batch
    if k < 4:
        raise ValueError(f"series: MSER-{batch} needs at least {4 * batch} observations, "
                         f"got {y.size}")
    z = y[: k * batch].reshape(k, batch).mean(axis=1)
    stat = np.empty(k // 2 + 1)
    for d in range(k // 2 + 1):
        rest = z[d:]
        stat[d] = float(((rest - rest.mean()) ** 2).sum()) / (k - d) ** 2
    best = int(np.argmin(stat))
    return Mser(best * batch, stat, batch, reliable=best < k // 2)


def welch_moving_average(series: np.ndarray | list[float], window: int) -> np.ndarray:
    """Welch's centred moving average with half-window ``window`` (length n - window)."""
    y = np.asarray(series, dtype=float)
    if window < 1 or y.size <= 2 * window:
        raise ValueError(f"window: must be >= 1 and below half the series length "
                         f"({y.size}), got {window}")
    cum = np.concatenate([[0.0], np.cumsum(y)])
    out = np.empty(y.size - window)
    for i in range(y.size - window):
        h = min(i, window)
        out[i] = (cum[i + h + 1] - cum[i - h]) / (2 * h + 1)
    return out

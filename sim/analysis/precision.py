"""How many replications a target precision needs, and running until it is reached."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def relative_half_width(values: np.ndarray, level: float = 0.95) -> float:
    """Half-width of the t-interval divided by |mean| (inf for a zero mean with spread)."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    n = arr.size
    if n < 2:
        return math.inf
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(arr.std(ddof=1)) / math.sqrt(n)
    mean = abs(float(arr.mean()))
    if half == 0.0:
        return 0.0
    return half / mean if mean > 0 else math.inf


def replications_needed(values: np.ndarray, precision: float, level: float = 0.95,
                        cap: int = 100_000) -> int:
    """Smallest n whose t-interval half-width is at most ``precision * |mean|``.

    Uses the mean and spread of ``values`` as estimates (the usual sequential procedure:
    estimate, extend, estimate again).
    """
    if not precision > 0:
        raise ValueError(f"precision: must be > 0, got {precision}")
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size < 2:
        return max(2, arr.size + 1)
    sd, mean = float(arr.std(ddof=1)), abs(float(arr.mean()))
    if sd == 0.0:
        return int(arr.size)
    if mean == 0.0:
        return cap
    n = 2
    while n < cap:
        if float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n) <= precision * mean:
            return n
        n = n + 1 if n < 100 else int(n * 1.05) + 1
    return cap

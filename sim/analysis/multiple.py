"""Many comparisons: adjusting p-values of a family of tests (Holm, Benjamini-Hochberg).

A table of paired differences tests every scenario against the reference on every
outcome; the more rows, the more "significant" differences appear by chance alone. The
adjustment is taken over the whole table (one family):

- ``holm``: Holm's step-down procedure (1979), controls the family-wise error rate (the
  chance of even one false "significant" row) at ``alpha``; uniformly more powerful than
  Bonferroni.
- ``bh``: Benjamini & Hochberg (1995), controls the false discovery rate (the expected
  share of false ones among the rows called significant), via
  :func:`scipy.stats.false_discovery_control`.
- ``none``: per-comparison p-values, as if each row were the only test.
"""

from __future__ import annotations

import numpy as np

from sim.choices import ADJUSTMENTS


def check_adjust(adjust: str) -> str:
    """``adjust`` if it is a known method; a ValueError naming the allowed ones if not."""
    if adjust not in ADJUSTMENTS:
        raise ValueError(f"adjust: must be one of {', '.join(ADJUSTMENTS)}, got {adjust!r}")
    return adjust


def holm(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values: sorted ascending, p_(i) * (m - i + 1), running maximum, <= 1."""
    p = np.asarray(p, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = p[order] * (m - np.arange(m))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted


def adjust_pvalues(p: np.ndarray | list[float], adjust: str) -> np.ndarray:
    """Adjusted p-values of one family of tests; NaN (no test possible) stays NaN and does
    not count towards the family size."""
    check_adjust(adjust)
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if not ok.any() or adjust == "none":
        out[ok] = p[ok]
        return out
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        raise ValueError("p-values: must lie in [0, 1]")
    from scipy import stats  # lazily: a worker process never needs it

    out[ok] = holm(p[ok]) if adjust == "holm" else stats.false_discovery_control(p[ok],
                                                                                 method="bh")
    return out

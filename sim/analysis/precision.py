"""How many replications a target precision needs, chosen by method.

The *target* of an outcome is a confidence-interval half-width: ``precision * |mean|``
(relative), or an absolute half-width (``absolute``, for outcomes near zero such as a
paired difference, where a relative target is out of reach), or, with both, the larger of
the two (whichever is easier to meet).

- :func:`replications_needed`: the confidence-interval method (e.g. Robinson 2014, Monks'
  sim-tools): the smallest n whose t-interval meets the target, from the mean and spread
  seen so far.
- :func:`hoad_replications`: the replication algorithm of Hoad, Robinson & Davies (2010,
  JORS 61:1632-1644): the confidence-interval method run sequentially on replications in
  order, accepting a solution only when the precision *stays* within the target over a
  look-ahead of further replications (``kLimit``), which guards against stopping on an
  early, accidentally narrow interval.
- :class:`Target`: what a sequential batch aims at (outcomes, half-width, levels or
  differences).
- :func:`precision_status`: every target of a batch (levels per scenario, paired
  differences against a reference) with its half-width, target and projected need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.stats import t_quantile
from sim.choices import TARGETS_ON


def _clean(values: np.ndarray | pd.Series | list[float]) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[~np.isnan(arr)]


def half_width(values: np.ndarray | pd.Series | list[float], level: float = 0.95) -> float:
    """Half-width of the t-interval of the mean (inf with fewer than two values)."""
    arr = _clean(values)
    if arr.size < 2:
        return math.inf
    return float(t_quantile(0.5 + level / 2, arr.size - 1)) * float(arr.std(ddof=1)) / (
        math.sqrt(arr.size))


def relative_half_width(values: np.ndarray, level: float = 0.95) -> float:
    """Half-width of the t-interval divided by |mean| (inf for a zero mean with spread)."""
    arr = _clean(values)
    half = half_width(arr, level)
    if half == 0.0:
        return 0.0
    mean = abs(float(arr.mean())) if arr.size else 0.0
    return half / mean if mean > 0 else math.inf


def check_target(precision: float | None, absolute: float | None) -> None:
    """Refuse a missing or non-positive target, naming the option."""
    if precision is None and absolute is None:
        raise ValueError("precision: give a relative precision, an absolute half-width, "
                         "or both")
    if precision is not None and not (precision > 0 and math.isfinite(precision)):
        raise ValueError(f"precision: must be > 0, got {precision}")
    if absolute is not None and not (absolute > 0 and math.isfinite(absolute)):
        raise ValueError(f"absolute: must be a half-width > 0, got {absolute}")


@dataclass(frozen=True)
class Target:
    """What a sequential batch aims at: a CI half-width (``precision`` relative to the
    mean, ``absolute``, or the easier of both) for each of ``outcomes``, at confidence
    ``level``, ``on`` each scenario's level, on paired differences against ``reference``
    (default: the first scenario), or both. A missing or non-positive target is refused.
    """

    outcomes: tuple[str, ...] | list[str]
    precision: float | None = None
    absolute: float | None = None
    on: str = "levels"
    reference: str | None = None
    level: float = 0.95

    def __post_init__(self) -> None:
        check_target(self.precision, self.absolute)


def target_width(mean: float, precision: float | None, absolute: float | None) -> float:
    """The half-width to reach: the larger of ``precision * |mean|`` and ``absolute``."""
    relative = precision * abs(mean) if precision is not None and math.isfinite(mean) else 0.0
    return max(relative, absolute or 0.0)


def replications_needed(values: np.ndarray, precision: float | None, level: float = 0.95,
                        cap: int = 100_000, absolute: float | None = None) -> int:
    """Smallest n whose t-interval half-width meets the target (see the module docstring).

    Uses the mean and spread of ``values`` as estimates (the usual sequential procedure:
    estimate, extend, estimate again); ``cap`` when the target cannot be met (a zero mean
    with a relative target only).
    """
    check_target(precision, absolute)
    arr = _clean(values)
    if arr.size < 2:
        return max(2, arr.size + 1)
    sd = float(arr.std(ddof=1))
    if sd == 0.0:
        return int(arr.size)
    goal = target_width(float(arr.mean()), precision, absolute)
    if goal == 0.0:
        return cap
    # n >= (t * sd / goal)^2; start at the normal approximation and step up
    n = max(2, math.ceil((1.959964 * sd / goal) ** 2))
    while n < cap:
        if float(t_quantile(0.5 + level / 2, n - 1)) * sd / math.sqrt(n) <= goal:
            return n
        n = n + 1 if n < 1000 else int(n * 1.01) + 1
    return cap


def look_ahead_length(n: int, k_limit: int) -> int:
    """Hoad et al.'s f(kLimit, n): kLimit further replications up to n = 100, then
    kLimit percent of n."""
    return k_limit if n <= 100 else math.floor(k_limit * n / 100)


@dataclass(frozen=True)
class ReplicationChoice:
    """The outcome of the replication algorithm on one series of replications."""

    n: int | None
    """The number of replications chosen, or None if the replications given do not yet
    show a stable solution."""
    needed_next: int
    """How many replications the algorithm needs to see to decide (>= the series length
    when undecided; equal to ``n`` plus its look-ahead when decided)."""
    trajectory: pd.DataFrame
    """n, mean, ci_low, ci_high, half_width, target_width, deviation (half-width over
    |mean|), met: the confidence-interval method's table, one row per n."""


def ci_trajectory(values: np.ndarray, precision: float | None, absolute: float | None = None,
                  level: float = 0.95, start: int = 2) -> pd.DataFrame:
    """The cumulative mean and t-interval after each replication (the CI method's table)."""
    check_target(precision, absolute)
    arr = _clean(values)  # a replication without a value (NaN) is left out
    n = np.arange(1, arr.size + 1)
    cum = np.cumsum(arr)
    mean = cum / n
    # running sample variance by Welford-free two-pass on prefixes (stable enough here)
    sq = np.cumsum((arr - arr[0]) ** 2)
    dev = np.cumsum(arr - arr[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (sq - dev ** 2 / n) / (n - 1)
        var = np.where(n > 1, np.maximum(var, 0.0), np.nan)
        t = t_quantile(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * np.sqrt(var / n), np.inf)
        goal = np.array([target_width(m, precision, absolute) for m in mean])
        deviation = np.where(np.abs(mean) > 0, half / np.abs(mean), np.inf)
    table = pd.DataFrame({"n": n, "mean": mean, "ci_low": mean - half, "ci_high": mean + half,
                          "half_width": half, "target_width": goal, "deviation": deviation,
                          "met": half <= goal})
    return table[table["n"] >= start].reset_index(drop=True)


def hoad_replications(values: np.ndarray | pd.Series | list[float], precision: float | None,
                      absolute: float | None = None, k_limit: int = 5, min_reps: int = 3,
                      level: float = 0.95) -> ReplicationChoice:
    """Hoad, Robinson & Davies' replication algorithm on replications in run order.

    The solution is the smallest n >= ``min_reps`` whose interval meets the target and
    keeps meeting it for every n' up to n + f(kLimit, n) (:func:`look_ahead_length`).
    """
    if k_limit < 0:
        raise ValueError(f"k_limit: must be >= 0, got {k_limit}")
    if min_reps < 2:
        raise ValueError(f"min_reps: must be >= 2, got {min_reps}")
    table = ci_trajectory(values, precision, absolute, level, start=min_reps)
    met = table["met"].to_numpy()
    ns = table["n"].to_numpy()
    total = int(_clean(values).size)
    for i in np.flatnonzero(met):
        n_sol = int(ns[i])
        until = n_sol + look_ahead_length(n_sol, k_limit)
        window = met[(ns > n_sol) & (ns <= until)]
        if not window.all():
            continue  # the precision left the target again within the look-ahead
        if until > total:
            return ReplicationChoice(None, until, table)  # converging; look further
        return ReplicationChoice(n_sol, until, table)
    values_ = np.asarray(values, dtype=float)
    projected = replications_needed(values_, precision, level, absolute=absolute)
    next_n = max(total + 1, projected)
    return ReplicationChoice(None, next_n + look_ahead_length(next_n, k_limit), table)


def target_values(runs: pd.DataFrame, outcomes: list[str], on: str = "levels",
                  reference: str | None = None, by: str = "scenario",
                  ) -> dict[tuple[str, str], np.ndarray]:
    """The per-replication values each target is about, in replication order.

    ``on="levels"``: each scenario's outcome; ``"differences"``: each scenario's paired
    difference (scenario - ``reference``, matched by replication, common random numbers);
    ``"both"``. Keys are (what, outcome) with what a scenario or ``"a - ref"``.
    """
    if on not in TARGETS_ON:
        raise ValueError(f"on: must be one of {', '.join(TARGETS_ON)}, got {on!r}")
    unknown = [o for o in outcomes if o not in runs.columns]
    if unknown:
        raise ValueError(f"outcome: unknown {', '.join(unknown)}")
    names = list(dict.fromkeys(runs[by]))
    found: dict[tuple[str, str], np.ndarray] = {}
    tables = {name: g.set_index("replication").sort_index()
              for name, g in runs.groupby(by, sort=False)}
    if on in ("levels", "both"):
        for name, g in tables.items():
            for o in outcomes:
                found[(str(name), o)] = g[o].to_numpy(float)
    if on in ("differences", "both"):
        if len(names) < 2:
            raise ValueError("precision on differences: needs at least two scenarios")
        reference = names[0] if reference is None else reference
        if reference not in tables:
            raise ValueError(f"reference: must be one of {', '.join(map(str, names))}, got "
                             f"{reference!r}")
        ref = tables[reference]
        for name, g in tables.items():
            if name == reference:
                continue
            common = g.index.intersection(ref.index)
            for o in outcomes:
                found[(f"{name} - {reference}", o)] = (
                    g.loc[common, o].to_numpy(float) - ref.loc[common, o].to_numpy(float))
    return found


def precision_status(runs: pd.DataFrame, outcomes: list[str], precision: float | None,
                     absolute: float | None = None, on: str = "levels",
                     reference: str | None = None, level: float = 0.95,
                     cap: int = 100_000) -> pd.DataFrame:
    """One row per target: target (scenario or difference), outcome, n, mean, half_width,
    target_width, needed (projected replications), met."""
    check_target(precision, absolute)
    rows = []
    for (what, outcome), values in target_values(runs, outcomes, on, reference).items():
        arr = _clean(values)
        mean = float(arr.mean()) if arr.size else math.nan
        half = half_width(arr, level)
        goal = target_width(mean, precision, absolute)
        rows.append({"target": what, "outcome": outcome, "n": int(arr.size), "mean": mean,
                     "half_width": half, "target_width": goal, "met": bool(half <= goal),
                     "needed": replications_needed(arr, precision, level, cap, absolute)})
    return pd.DataFrame(rows)

"""Exploring parameter space: Latin hypercube and Sobol samples, Sobol indices, PRIM,
and outcomes derived from two arms of every point.

Ranges are declared in a scenario file's ``[ranges]`` table, one dotted key each:

    [ranges]
    "municipality.dialogue" = [0.0, 1.0]
    "regisseurs.corps_size" = [0, 10]      # integer keys are rounded

Sampling uses ``scipy.stats.qmc`` (Latin hypercube, scrambled Sobol) and SALib's
Saltelli scheme for Sobol sensitivity indices (with bootstrap confidence intervals).
Scenario discovery uses PRIM from the EMA Workbench.

**Derived outcomes** (the EMA Workbench's outcomes computed from runs). A study's outcome
may be ``CONTRAST:OUTCOME``, e.g. ``fallback_cost:share_dissatisfied``: at every design
point the scenario runs in both arms of the contrast (:data:`CONTRASTS`; fallback's cost:
``fallback.enabled`` true and false) on the same seeds, replication by replication
(common random numbers; with a posterior, the same draws), and the outcome of replication
i is the arm *with* minus the arm *without* ("a cost is always with minus without"), in
the outcome's own unit (a share's difference is in percentage points when shown). The
point's means, indices and boxes are then those of the paired differences.
:func:`sim.experiment.sensitivity.evaluate_points` runs a design this way;
:func:`check_outcomes` names what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.choices import PRIM_TAILS
from sim.outcomes import SUMMARY
from sim.scenario import Scenario, ScenarioError, field_at
from sim.scenario_files import read_scenario_file

METHODS = ("sobol", "lhs", "qmc")
"""sobol: Saltelli design + Sobol indices; lhs: Latin hypercube; qmc: scrambled Sobol points."""


@dataclass(frozen=True)
class Ranges:
    """Parameter ranges: dotted key -> (low, high); integer keys are sampled as integers."""

    bounds: dict[str, tuple[float, float]]
    integers: frozenset[str]

    @property
    def names(self) -> list[str]:
        return list(self.bounds)

    def problem(self) -> dict[str, Any]:
        """The SALib problem definition."""
        return {"num_vars": len(self.bounds), "names": self.names,
                "bounds": [list(b) for b in self.bounds.values()]}

    def scale(self, unit: np.ndarray) -> pd.DataFrame:
        """Points in the unit cube -> parameter values (integers rounded)."""
        lows = np.array([b[0] for b in self.bounds.values()])
        highs = np.array([b[1] for b in self.bounds.values()])
        frame = pd.DataFrame(lows + unit * (highs - lows), columns=self.names)
        return self.typed(frame)

    def typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        for key in self.integers:
            frame[key] = np.rint(frame[key]).astype(int)
        return frame


def schema_bounds(field: Any) -> tuple[float, float, bool, bool]:
    """(lower, upper, lower_open, upper_open) of a field's ge/gt/le/lt metadata."""
    low, high, low_open, high_open = -math.inf, math.inf, False, False
    for m in field.metadata:
        if getattr(m, "ge", None) is not None:
            low = float(m.ge)
        if getattr(m, "gt", None) is not None:
            low, low_open = float(m.gt), True
        if getattr(m, "le", None) is not None:
            high = float(m.le)
        if getattr(m, "lt", None) is not None:
            high, high_open = float(m.lt), True
    return low, high, low_open, high_open


def _outside(field: Any, low: float, high: float) -> str | None:
    """How [low, high] leaves the field's allowed values, or None when it stays inside."""
    lo, hi, lo_open, hi_open = schema_bounds(field)
    if low < lo or (lo_open and low == lo):
        return f"{'gt' if lo_open else 'ge'} {lo:g}"
    if high > hi or (hi_open and high == hi):
        return f"{'lt' if hi_open else 'le'} {hi:g}"
    return None


def parse_ranges(table: Any, source: str = "ranges", name: str = "ranges",
                 within_schema: bool = False) -> Ranges:
    """Validate a ``[ranges]`` table (or another of that form, ``name``): known numeric keys,
    two finite numbers, low < high, and with ``within_schema`` inside each key's allowed
    values."""
    if not isinstance(table, dict) or not table:
        raise ScenarioError([f"{name}: must be a table of dotted keys and [low, high]"],
                            source)
    bounds, integers, problems = {}, set(), []
    for key, value in table.items():
        field = field_at(key)
        if field is None or field.annotation not in (float, int):
            problems.append(f"{name}.{key}: not a numeric scenario key")
            continue
        if not (isinstance(value, list) and len(value) == 2 and all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in value)):
            problems.append(f"{name}.{key}: must be [low, high], got {value!r}")
            continue
        low, high = float(value[0]), float(value[1])
        if not low < high:
            problems.append(f"{name}.{key}: low must be below high, got {value}")
            continue
        outside = _outside(field, low, high) if within_schema else None
        if outside:
            problems.append(f"{name}.{key}: {value} leaves the allowed range ({outside})")
            continue
        bounds[key] = (low, high)
        if field.annotation is int:
            integers.add(key)
    if problems:
        raise ScenarioError(problems, source)
    return Ranges(bounds, frozenset(integers))


def read_ranges(path: str | Path) -> Ranges:
    data = read_scenario_file(path)
    if "ranges" not in data:
        raise ScenarioError(["no [ranges] table: declare the parameters to vary, e.g. "
                             '"municipality.dialogue" = [0.0, 1.0]'], str(path))
    return parse_ranges(data["ranges"], str(path))


def latin_hypercube(ranges: Ranges, n: int, seed: int) -> pd.DataFrame:
    from scipy.stats import qmc  # lazily: scipy.stats is slow to import, workers skip it

    return ranges.scale(qmc.LatinHypercube(d=len(ranges.bounds), seed=seed).random(n))


def sobol_points(ranges: Ranges, n: int, seed: int) -> pd.DataFrame:
    """A scrambled Sobol sequence (``n`` rounded up to a power of two)."""
    from scipy.stats import qmc

    m = max(0, math.ceil(math.log2(max(n, 1))))
    return ranges.scale(qmc.Sobol(d=len(ranges.bounds), scramble=True, seed=seed)
                        .random_base2(m))


def saltelli_points(ranges: Ranges, n: int, seed: int) -> pd.DataFrame:
    """SALib's Saltelli design for first- and total-order indices: n * (D + 2) points."""
    from SALib.sample import sobol as sobol_sample

    base = 2 ** max(1, math.ceil(math.log2(max(n, 2))))
    points = sobol_sample.sample(ranges.problem(), base, calc_second_order=False, seed=seed)
    return ranges.typed(pd.DataFrame(points, columns=ranges.names))


def sobol_indices(ranges: Ranges, outputs: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% bootstrap CIs (SALib)."""
    from SALib.analyze import sobol

    result = sobol.analyze(ranges.problem(), np.asarray(outputs, dtype=float),
                           calc_second_order=False, conf_level=0.95, seed=seed)
    frame = pd.DataFrame({"parameter": ranges.names, "S1": result["S1"],
                          "S1_conf": result["S1_conf"], "ST": result["ST"],
                          "ST_conf": result["ST_conf"]})
    frame[["S1_low", "S1_high"]] = np.column_stack([frame.S1 - frame.S1_conf,
                                                   frame.S1 + frame.S1_conf])
    frame[["ST_low", "ST_high"]] = np.column_stack([frame.ST - frame.ST_conf,
                                                   frame.ST + frame.ST_conf])
    return frame


def prim_box(x: pd.DataFrame, hit: np.ndarray, threshold: float = 0.8) -> pd.DataFrame:
    """Scenario discovery: the PRIM box (EMA Workbench) that concentrates the hits.

    Returns one row per parameter the box restricts, with its limits, plus the box's
    coverage (share of all hits inside) and density (share of the box that are hits).
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    hit = np.asarray(hit, dtype=bool)
    if not hit.any():
        return pd.DataFrame(columns=["parameter", "low", "high", "coverage", "density"])
    box = prim.Prim(x.astype(float), hit, threshold=threshold).find_box()
    limits = box.box_lims[-1]
    stats = box.peeling_trajectory.iloc[-1]
    rows = []
    for name in x.columns:
        low, high = float(limits.loc[0, name]), float(limits.loc[1, name])
        if low > float(x[name].min()) or high < float(x[name].max()):
            rows.append({"parameter": name, "low": low, "high": high})
    frame = pd.DataFrame(rows, columns=["parameter", "low", "high"])
    frame["coverage"] = float(stats["coverage"])
    frame["density"] = float(stats["density"])
    return frame


def prim_of(points: pd.DataFrame, names: list[str], outcome: str, tail: str = "high",
            share: float = 0.25, threshold: float = 0.8) -> pd.DataFrame:
    """The PRIM box (:func:`prim_box`) over the parameters ``names`` of the design points
    whose ``outcome`` lies in its ``tail`` ``share`` (the highest or lowest quarter: for
    ``fallback_cost:share_dissatisfied`` the costliest points are the highest, for
    ``fallback_cost:success_rate`` the lowest), with the outcome and tail as columns."""
    if tail not in PRIM_TAILS:
        raise ValueError(f"tail: must be one of {', '.join(PRIM_TAILS)}, got {tail!r}")
    if outcome not in points.columns:
        raise ValueError(f"outcome: {outcome!r} is not a column of the design; have "
                         f"{', '.join(c for c in points.columns if c not in names)}")
    y = points[outcome].to_numpy(float)
    if np.isnan(y).all():
        raise ValueError(f"outcome: {outcome} is undefined at every point")
    cut = np.nanquantile(y, 1 - share if tail == "high" else share)
    hit = (y >= cut) if tail == "high" else (y <= cut)
    box = prim_box(points[names], hit & ~np.isnan(y), threshold)
    return box.assign(outcome=outcome, tail=tail, share=share)


# --- derived outcomes: with minus without at every point ----------------------------------


@dataclass(frozen=True)
class Contrast:
    """Two arms of every scenario, differing only in ``changes_with`` against
    ``changes_without``; a derived outcome ``NAME:OUTCOME`` is the first minus the second,
    replication by replication."""

    name: str
    changes_with: dict[str, Any]
    changes_without: dict[str, Any]
    description: str


CONTRASTS: dict[str, Contrast] = {
    "fallback_cost": Contrast("fallback_cost", {"fallback.enabled": True},
                              {"fallback.enabled": False},
                              "fallback.enabled true minus false: what falling back costs"),
}
"""The contrasts a derived outcome can name, by name."""

SEPARATOR = ":"
"""Between a contrast and an outcome: ``fallback_cost:share_dissatisfied``."""


def split_outcome(name: str) -> tuple[Contrast | None, str]:
    """(contrast, outcome) of a derived outcome's name; (None, name) for a plain one."""
    if SEPARATOR not in name:
        return None, name
    contrast, _, outcome = name.partition(SEPARATOR)
    return CONTRASTS[contrast], outcome


def check_outcomes(names: list[str], option: str = "outcome") -> tuple[Contrast, ...]:
    """Refuse a derived outcome whose contrast is unknown or whose outcome is not a run's
    outcome (:data:`sim.outcomes.SUMMARY`), naming what is allowed; the contrasts the
    names use, in order. A plain name is a column of the runs, checked against the
    analysis once the runs are in."""
    import difflib

    problems, used = [], []
    for name in names:
        if SEPARATOR not in name:
            continue
        contrast, _, outcome = name.partition(SEPARATOR)
        if contrast not in CONTRASTS:
            problems.append(f"{option}: {name!r}: unknown contrast {contrast!r}; derived "
                            "outcomes are CONTRAST:OUTCOME with CONTRAST one of "
                            + ", ".join(f"{c.name} ({c.description})"
                                        for c in CONTRASTS.values()))
            continue
        if outcome not in SUMMARY:
            close = difflib.get_close_matches(outcome, list(SUMMARY), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"{option}: {name!r}: {outcome!r} is not an outcome of a run"
                            f"{hint}; a derived outcome is CONTRAST:OUTCOME with OUTCOME one "
                            f"of {', '.join(SUMMARY)} (regiesim outcomes "
                            "describes them)")
            continue
        if CONTRASTS[contrast] not in used:
            used.append(CONTRASTS[contrast])
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(used)


def points_to_scenarios(base: Scenario, points: pd.DataFrame, prefix: str = "sample",
                        ) -> tuple[dict[str, Scenario], dict[str, dict[str, Any]]]:
    """One named scenario per sample point, with the point as its variant parameters."""
    scenarios, params = {}, {}
    integer = {c for c in points.columns if pd.api.types.is_integer_dtype(points[c])}
    for i, record in enumerate(points.to_dict("records")):
        point = {k: int(v) if k in integer else float(v) for k, v in record.items()}
        name = f"{prefix}-{i:05d}"
        scenarios[name] = base.with_changes(point)
        params[name] = point
    return scenarios, params


__all__ = [
    "CONTRASTS",
    "METHODS",
    "PRIM_TAILS",
    "Contrast",
    "Ranges",
    "check_outcomes",
    "latin_hypercube",
    "parse_ranges",
    "points_to_scenarios",
    "prim_box",
    "prim_of",
    "read_ranges",
    "saltelli_points",
    "sobol_indices",
    "sobol_points",
    "split_outcome",
]

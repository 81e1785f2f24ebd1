"""Global sensitivity analysis of a scenario file over its ``[ranges]``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.exploration import (
    METHODS,
    Ranges,
    latin_hypercube,
    points_to_scenarios,
    read_ranges,
    saltelli_points,
    sobol_indices,
    sobol_points,
)
from sim.experiment.runner import run_batch
from sim.scenario_files import load_scenario

OUTCOMES = ["success_rate", "share_dissatisfied", "frustration", "weeks_to_decision",
            "fallback_weeks"]


@dataclass
class Sensitivity:
    """Sample points with their mean outcomes, and Sobol indices (method ``sobol``)."""

    ranges: Ranges
    samples: pd.DataFrame
    indices: pd.DataFrame | None


def run_sensitivity(path: str | Path, samples: int, out: str | Path, method: str = "sobol",
                    reps: int = 1, seed: int = 0, outcomes: list[str] | None = None,
                    sets: list[str] | tuple[str, ...] = (), **batch_kwargs: Any) -> Sensitivity:
    """Sample the file's ranges, run every point ``reps`` times (common random numbers),
    and estimate Sobol indices of each outcome. Writes samples.csv (and sobol.csv) to out.

    ``samples`` is the Saltelli base size N for ``sobol`` (N * (D + 2) points, N rounded
    up to a power of two), the number of points for ``lhs``, and for ``qmc`` (a scrambled
    Sobol sequence) rounded up to a power of two.
    """
    if method not in METHODS:
        raise ValueError(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    if samples < 2:
        raise ValueError(f"samples: must be >= 2, got {samples}")
    outcomes = outcomes or OUTCOMES
    base = load_scenario(path, list(sets))
    ranges = read_ranges(path)
    sampler = {"sobol": saltelli_points, "lhs": latin_hypercube, "qmc": sobol_points}[method]
    points = sampler(ranges, samples, seed)
    scenarios, params = points_to_scenarios(base, points)
    batch = run_batch(scenarios, reps=reps, seed=seed, out=out, params=params, **batch_kwargs)
    means = batch.runs.groupby("scenario", sort=False)[outcomes].mean()
    table = pd.concat([points.reset_index(drop=True), means.reset_index(drop=True)], axis=1)
    out = Path(out)
    table.to_csv(out / "samples.csv", index=False)
    indices = None
    if method == "sobol":
        frames = []
        for outcome in outcomes:
            y = means[outcome].to_numpy(float)
            if pd.isna(y).any():
                continue  # an outcome undefined at some point (e.g. no contact at all)
            frames.append(sobol_indices(ranges, y, seed).assign(outcome=outcome))
        indices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        indices.to_csv(out / "sobol.csv", index=False)
    return Sensitivity(ranges, table, indices)

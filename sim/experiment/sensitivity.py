"""Global sensitivity analysis of a scenario over parameter ranges (a file's ``[ranges]``)."""

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
    saltelli_points,
    sobol_indices,
    sobol_points,
)
from sim.experiment.runner import run_batch
from sim.scenario import Scenario

KEYS = ("scenario", "replication", "seed", "scenario_hash")


@dataclass
class Sensitivity:
    """Sample points with their mean outcomes, and Sobol indices (method ``sobol``)."""

    ranges: Ranges
    samples: pd.DataFrame
    indices: pd.DataFrame | None


def run_sensitivity(base: Scenario, ranges: Ranges, samples: int, out: str | Path,
                    method: str = "sobol", reps: int = 1, seed: int = 0,
                    outcomes: list[str] | None = None, **batch_kwargs: Any) -> Sensitivity:
    """Sample ``ranges`` around ``base``, run every point ``reps`` times (common random
    numbers), and estimate Sobol indices of each outcome. Writes samples.csv (and
    sobol.csv) to out. (Reading a file's ``[ranges]`` is the caller's job:
    :func:`sim.experiment.exploration.read_ranges`.)

    ``samples`` is the Saltelli base size N for ``sobol`` (N * (D + 2) points, N rounded
    up to a power of two), the number of points for ``lhs``, and for ``qmc`` (a scrambled
    Sobol sequence) rounded up to a power of two.
    """
    if method not in METHODS:
        raise ValueError(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    if samples < 2:
        raise ValueError(f"samples: must be >= 2, got {samples}")
    sampler = {"sobol": saltelli_points, "lhs": latin_hypercube, "qmc": sobol_points}[method]
    points = sampler(ranges, samples, seed)
    scenarios, params = points_to_scenarios(base, points)
    batch = run_batch(scenarios, reps=reps, seed=seed, out=out, params=params, **batch_kwargs)
    runs = batch.runs
    if not batch.failures.empty:
        raise ValueError(f"{len(batch.failures)} sample run(s) failed (see "
                           f"{Path(out) / 'failures.parquet'}); Sobol indices need every point")
    outcomes = outcomes or [c for c in runs.columns if c not in KEYS
                            and c not in ranges.names and pd.api.types.is_numeric_dtype(runs[c])]
    means = runs.groupby("scenario", sort=False)[outcomes].mean()
    table = pd.concat([points.reset_index(drop=True), means.reset_index(drop=True)], axis=1)
    out = Path(out)
    table.to_csv(out / "samples.csv", index=False)
    indices = None
    if method == "sobol":
        frames = []
        for outcome in outcomes:
            y = means[outcome].to_numpy(float)
            if pd.isna(y).any() or y.min() == y.max():
                continue  # undefined at some point (e.g. no contact at all), or constant
            frames.append(sobol_indices(ranges, y, seed).assign(outcome=outcome))
        indices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        indices.to_csv(out / "sobol.csv", index=False)
    return Sensitivity(ranges, table, indices)

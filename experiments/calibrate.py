"""Calibration (first fit): the satisfaction thresholds that give the survey's split.

The Nationale ombudsman (2018) asked members of citizen initiatives about their contacts
with government: 33% (very) satisfied, 44% (very) dissatisfied (004 quotes the 44%). The
model's counterpart is its survey (docs/odd.md, "Observation"): at the end of a run, the
members of initiatives that had contact in the recall window, ongoing ones included, each
with their initiative's satisfaction. Satisfaction itself does not depend on the two
thresholds that classify it, so on the typical municipality (scenarios/typical.toml) the
thresholds follow exactly as members-weighted quantiles of satisfaction pooled over the
fitting replications: ``dissatisfied_below`` at the 44th percentile and
``satisfied_above`` at the 67th. The fit is then checked on fresh seeds, with 95% CIs.

Two figures fix two thresholds: a first fit, not a test of the model. The rigorous
calibration over the uncertain parameters (ABC) is the calibration issue's to build.

    python experiments/calibrate.py [--reps 40] [--seed 1] [--check 30]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim import simulate
from sim.analysis import mean_ci
from sim.experiment import run_batch
from sim.scenario import Scenario
from sim.scenario_files import load_scenario, parse_assignment

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"share_dissatisfied": 0.44, "share_satisfied": 0.33}


def surveyed(scenario: Scenario, reps: int, seed: int) -> pd.DataFrame:
    """Satisfaction and members of everyone the survey asks, pooled over replications."""
    frames = []
    window = scenario.run.horizon_weeks - scenario.run.survey_recall_weeks
    for k in range(reps):
        df = simulate(scenario, seed + k).initiatives
        asked = df["contact"] & (df["exit_week"].isna() | (df["exit_week"] >= window))
        frames.append(df.loc[asked, ["satisfaction", "members"]])
    return pd.concat(frames, ignore_index=True)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value with at least a share ``q`` of the weight at or below it."""
    order = np.argsort(values, kind="stable")
    share = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(share, q)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40, help="replications to fit on")
    parser.add_argument("--check", type=int, default=30, help="fresh replications to check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "calibration")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help="change the scenario, e.g. --set run.horizon_weeks=52")
    args = parser.parse_args()
    changes = dict(parse_assignment(text) for text in args.sets)
    scenario = load_scenario(ROOT / "scenarios" / "typical.toml", changes)
    pool = surveyed(scenario, args.reps, args.seed)
    values, weights = pool["satisfaction"].to_numpy(), pool["members"].to_numpy(float)
    fitted = {
        "satisfaction.dissatisfied_below": round(weighted_quantile(
            values, weights, TARGETS["share_dissatisfied"]), 3),
        "satisfaction.satisfied_above": round(weighted_quantile(
            values, weights, 1.0 - TARGETS["share_satisfied"]), 3),
    }
    check = run_batch({"typical": scenario.with_changes(fitted)}, reps=args.check,
                      seed=args.seed + 10_000).runs
    result = {"fitted": fitted, "fit_replications": args.reps, "members_pooled": float(
        weights.sum()), "check_replications": args.check, "check": {}}
    for outcome, target in TARGETS.items():
        ci = mean_ci(check[outcome])
        result["check"][outcome] = {"target": target, "mean": ci.mean, "ci_low": ci.low,
                                    "ci_high": ci.high}
        print(f"{outcome}: {ci} on fresh seeds (target {target})")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "calibration.json").write_text(json.dumps(result, indent=2))
    print("fitted " + ", ".join(f"{k} = {v}" for k, v in fitted.items())
          + f" (written to {args.out / 'calibration.json'})")


if __name__ == "__main__":
    main()

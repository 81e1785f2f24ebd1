"""Calibration: find the waiting frustration that gives the survey's 44% dissatisfied.

The national survey of members of citizen initiatives found 44% (very) dissatisfied with
their contacts with government. The model's counterpart is the share of initiatives that
had contact (reached intake) and left with frustration above
``initiatives.dissatisfied_threshold`` in the typical municipality
(scenarios/typical.toml). Every other parameter is fixed by the articles or by stated
assumptions (docs/odd.md); ``initiatives.waiting_frustration``, the frustration a week
of waiting adds, is the one free parameter. The share rises with it monotonically, so a
bisection on common random numbers finds it. The default in sim/scenario.py is the value
found here, rounded; tests/test_calibration.py checks 44% +- 5 pp on fresh seeds.

    python experiments/calibrate.py [--reps 30] [--seed 1] [--target 0.44]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.analysis import mean_ci
from sim.experiment import run_batch
from sim.scenario_files import load_scenario, parse_assignment

ROOT = Path(__file__).resolve().parent.parent


def share_dissatisfied(waiting_frustration: float, reps: int, seed: int,
                       sets: list[str] = ()) -> tuple:
    changes = dict(parse_assignment(text) for text in sets)
    scenario = load_scenario(ROOT / "scenarios" / "typical.toml",
                             {**changes, "initiatives.waiting_frustration": waiting_frustration})
    runs = run_batch({"typical": scenario}, reps=reps, seed=seed).runs
    return mean_ci(runs["share_dissatisfied"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", type=float, default=0.44)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "calibration")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help="change the scenario, e.g. --set run.horizon_weeks=52")
    args = parser.parse_args()
    low, high = 0.0, 0.2
    trace = []
    for _ in range(12):
        mid = (low + high) / 2
        ci = share_dissatisfied(mid, args.reps, args.seed, args.sets)
        trace.append({"waiting_frustration": mid, "share_dissatisfied": ci.mean,
                      "ci_low": ci.low, "ci_high": ci.high})
        print(f"waiting_frustration={mid:.5f}: share dissatisfied {ci}")
        if abs(ci.mean - args.target) < 0.003:
            break
        low, high = (mid, high) if ci.mean < args.target else (low, mid)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "calibration.json").write_text(json.dumps(trace, indent=2))
    print(f"calibrated initiatives.waiting_frustration = {mid:.4f} "
          f"(written to {args.out / 'calibration.json'})")


if __name__ == "__main__":
    main()

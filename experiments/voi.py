"""Value of information: which measurement would most narrow the national answer.

Over a national calibration's posterior (experiments/calibrate.py --population), the
answer is falling back's part of the nation's dissatisfied initiators. For each
measurement a researcher could commission (the dissatisfied share in direction-based
municipalities, the same among members whose partnership broke, the median weeks to a
decision, the share sent through three or more departments, the share of municipalities
working as partners), at its sample size, the script simulates the measurement under
every particle with its sampling noise, conditions the posterior on it, and reports how
much the answer's 90% interval would shrink on average (:mod:`sim.analysis.voi`).

Writes particles.csv (each particle's answer and predictions) and voi.csv.

    python experiments/voi.py [--posterior calibration/national] [--reps 2]
                              [--n dissatisfied_direction=400 ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from sim.experiment.options import Executor
from sim.experiment.voi import MEASUREMENTS, measure_value_of_information, sample_sizes
from sim.scenario_files import parse_assignment

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posterior", type=Path, default=ROOT / "calibration" / "national")
    parser.add_argument("--population", type=Path,
                        default=ROOT / "scenarios" / "national" / "netherlands.toml")
    parser.add_argument("--reps", type=int, default=2, help="runs per particle")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backend", choices=["serial", "process"], default="process")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--simulations", type=int, default=2000,
                        help="simulated measurements per analysis")
    parser.add_argument("--n", dest="sizes", action="append", default=[],
                        metavar="KEY=N", help="a measurement's sample size, e.g. "
                        "partner_like=200 (repeatable); keys: "
                        + ", ".join(m.key for m in MEASUREMENTS))
    parser.add_argument("--set", dest="sets", action="append", default=[],
                        metavar="KEY=VALUE", help="change every kind, e.g. "
                        "--set run.horizon_weeks=52")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "voi")
    args = parser.parse_args()
    try:
        measurements = sample_sizes(args.sizes)
    except ValueError as exc:
        parser.error(str(exc))
    changes = dict(parse_assignment(text) for text in args.sets)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            print(f"particles: {done} of {total}", flush=True)

    table = measure_value_of_information(
        args.posterior, args.population, args.out, reps=args.reps, seed=args.seed,
        measurements=measurements, changes=changes,
        executor=Executor(backend=args.backend, workers=args.workers),
        simulations=args.simulations, progress=progress)
    with pd.option_context("display.width", 120, "display.max_colwidth", 60):
        print(table[["measurement", "sample_size", "unit", "width_now", "width_after",
                     "reduction", "reduction_se"]].round(4).to_string(index=False))
    print(f"answer: falling back's part of the national dissatisfied; {table['particles'].max()} "
          f"particles x {args.reps} runs in {time.perf_counter() - started:.0f} s; "
          f"written to {args.out}")


if __name__ == "__main__":
    main()

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
import dataclasses
import time
from pathlib import Path

import pandas as pd

from sim.experiment.store import write_artefact
from sim.experiment.voi import MEASUREMENTS, particle_table, voi_table
from sim.population import load_population
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
    sizes = {}
    for text in args.sizes:
        key, _, value = text.partition("=")
        if key not in {m.key for m in MEASUREMENTS} or not value.isdigit() or int(value) < 1:
            parser.error(f"--n {text}: give KEY=N with N >= 1 and KEY one of "
                         + ", ".join(m.key for m in MEASUREMENTS))
        sizes[key] = int(value)
    measurements = tuple(dataclasses.replace(m, sample_size=sizes.get(m.key, m.sample_size))
                         for m in MEASUREMENTS)
    changes = dict(parse_assignment(text) for text in args.sets)
    population, kinds = load_population(args.population)
    kinds = {k: sc.with_changes(changes) for k, sc in kinds.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            print(f"particles: {done} of {total}", flush=True)

    particles = particle_table(args.posterior, population, kinds, reps=args.reps,
                               seed=args.seed, workers=args.workers, progress=progress,
                               serial=args.backend == "serial")
    write_artefact(args.out, "particles.csv", particles, "voi_particles")
    table = voi_table(particles, measurements, seed=args.seed,
                      simulations=args.simulations)
    write_artefact(args.out, "voi.csv", table, "voi")
    with pd.option_context("display.width", 120, "display.max_colwidth", 60):
        print(table[["measurement", "sample_size", "unit", "width_now", "width_after",
                     "reduction", "reduction_se"]].round(4).to_string(index=False))
    print(f"answer: falling back's part of the national dissatisfied; {len(particles)} "
          f"particles x {args.reps} runs in {time.perf_counter() - started:.0f} s; "
          f"written to {args.out}")


if __name__ == "__main__":
    main()

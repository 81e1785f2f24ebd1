"""Wall time of the national calibration (rejection ABC) on each backend, in one run.

Simulates the same ``--draws`` draws from the national priors (the population of
``scenarios/national/netherlands.toml``, one replication per draw as the shipped
calibration does) serially, on a process pool and on a local Dask cluster of
``--workers`` processes (its workers checked to run this code), through the calibration's
own code (:func:`sim.experiment.calibration.calibrate`, ``kernel="rejection"``), and prints
for each the draws per second, the speed-up over serial (the figure to compare between
machines: these are noisy), and the wall time the shipped calibration's draws would take
at that rate. It checks that every backend gave the serial run's draws, bit for bit.

    python benchmarks/bench_calibration.py [--draws 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from sim.experiment.calibration import DRAWS, calibrate, read_priors
from sim.experiment.national import PopulationTarget
from sim.population import load_population

ROOT = Path(__file__).resolve().parent.parent


def timed(backend: str, draws: int, workers: int, folder: Path) -> tuple[float, pd.DataFrame]:
    population, kinds = load_population(ROOT / "scenarios" / "national" / "netherlands.toml")
    target = PopulationTarget(population, kinds)
    priors = read_priors(ROOT / "experiments" / "priors-national.toml")
    out = folder / backend
    start = time.perf_counter()
    calibrate(target, priors, out, particles=2, accept=2 / draws, reps=1, seed=1,
              backend=backend, workers=workers, ppc_draws=1, ppc_reps=1, kernel="rejection",
              log=lambda _line: None)
    return time.perf_counter() - start, pd.read_parquet(out / DRAWS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=40)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    shipped = json.loads((ROOT / "calibration" / "national" / "calibration.json").read_text())
    total = shipped["simulations"]
    with tempfile.TemporaryDirectory() as tmp:
        results = {backend: timed(backend, args.draws, args.workers, Path(tmp))
                   for backend in ("serial", "process", "dask")}
    serial_seconds, serial_draws = results["serial"]
    print(f"national calibration, rejection ABC: {args.draws} draws of the shipped priors, "
          f"1 replication each, {args.workers} workers, {os.cpu_count()} cores "
          f"(the posterior predictive check of one draw included)")
    for backend, (seconds, draws) in results.items():
        pd.testing.assert_frame_equal(draws, serial_draws)  # the same draws everywhere
        rate = args.draws / seconds
        print(f"  {backend:<8} {seconds:7.1f} s   {rate:5.2f} draws/s   "
              f"x{serial_seconds / seconds:4.2f} of serial   the shipped {total:,} draws: "
              f"{total / rate / 60:5.1f} min")
    print("every backend gave the serial run's draws, bit for bit")


if __name__ == "__main__":
    main()

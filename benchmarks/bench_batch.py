"""Batch throughput: serial vs process pool vs Dask on this machine, measured in one run.

Prints runs per second for each backend on council-term runs of the direction-based
scenario, with one run per task (``chunk=1``, as before chunking) and with automatically
sized chunks (the default), the parallel efficiency (speed-up over serial divided by
workers; goal >= 0.9 for both the pool and Dask with chunking), the projected wall time
of a national batch (342 municipalities x 4 styles x 30 replications = 41,040 runs), and
the wall time of a Sobol analysis at N = 1024 over 8 parameters with 2 replications per
point (1024 x (8 + 2) x 2 = 20,480 runs of typical.toml): measured in full with
``--sobol full``, else ESTIMATED from a measured fraction (N = ``--sobol-n``).

    python benchmarks/bench_batch.py [--runs 192] [--workers N] [--repeat 2]
                                     [--scheduler tcp://host:8786] [--sobol estimate|full|skip]

A last line runs the batch as one task per worker: no per-task cost at all, so its
efficiency is the ceiling that the machine (and other load on it) allows at that moment.
Each rate is the best of ``--repeat`` rounds; the rounds interleave the backends so that
other load on a shared machine hits them alike. The Dask workers run a few runs first
(importing the model), as they would at the start of any batch.

The serial runs run in this process, its heap settled as the workers' heaps are
(``sim.experiment.batch.settle_heap``), so that the efficiency compares like with like.
With ``--scheduler`` the Dask rate is measured on that cluster (its workers are checked for
the same code first, as every batch does) instead of a local cluster, and the efficiency
is taken against the serial rate of this machine times the cluster's worker count.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sim.experiment.batch import plan, run_specs
from sim.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = 342 * 4 * 30
SOBOL_N, SOBOL_REPS = 1024, 2
SOBOL_PARAMETERS = ["municipality.clear_frames", "municipality.clear_process",
                    "municipality.dialogue", "municipality.feedback", "fallback.upper",
                    "regisseurs.corps_size", "middle_managers.allocation",
                    "tension.base_pressure"]


def rate(specs: list, **kwargs: Any) -> float:
    start = time.perf_counter()
    run_specs(specs, **kwargs)
    return len(specs) / (time.perf_counter() - start)


def sobol_seconds(n: int, workers: int) -> tuple[float, int]:
    """Wall time of a whole Sobol analysis (design, runs into a store, indices) at base
    size ``n`` over :data:`SOBOL_PARAMETERS`, and its number of runs."""
    from sim.experiment.sensitivity import parameter_space, run_sobol

    base = load_scenario(ROOT / "scenarios" / "typical.toml")
    space = parameter_space(base).subset(SOBOL_PARAMETERS)
    with tempfile.TemporaryDirectory(prefix="bench-sobol-") as out:
        start = time.perf_counter()
        result = run_sobol(base, space, n, out, reps=SOBOL_REPS, seed=1,
                           backend="process", workers=workers)
        seconds = time.perf_counter() - start
    return seconds, len(result.design.points) * SOBOL_REPS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=192)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--scheduler", default=None,
                        help="measure Dask on this cluster (tcp://host:8786) instead of a "
                             "local one")
    parser.add_argument("--sobol", choices=["estimate", "full", "skip"], default="estimate",
                        help="the Sobol wall time: estimated from N = --sobol-n (default), "
                             "measured in full (20,480 runs), or skipped")
    parser.add_argument("--sobol-n", type=int, default=32)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "direction.toml")
    specs = plan({"direction": scenario}, reps=args.runs, seed=1)
    w = args.workers
    serial_specs = specs[: max(8, args.runs // w)]

    from sim.experiment.batch import settle_heap
    from sim.experiment.cluster import dask_client

    settle_heap()  # serial runs here: a heap settled as the pool's and Dask's workers' are

    start = time.perf_counter()
    best: dict[str, float] = {}
    with dask_client(args.scheduler, w) as client:
        startup = time.perf_counter() - start
        dask_workers = len(client.scheduler_info()["workers"])
        run_specs(specs[: 2 * dask_workers], backend="dask", client=client)  # warm up
        cases: dict[str, dict[str, Any]] = {
            "serial": {"backend": "serial"},
            "pool chunk=1": {"backend": "process", "workers": w, "chunk": 1},
            "pool auto": {"backend": "process", "workers": w},
            "dask chunk=1": {"backend": "dask", "client": client, "chunk": 1},
            "dask auto": {"backend": "dask", "client": client},
            "pool 1 task/worker": {"backend": "process", "workers": w,
                                   "chunk": -(-args.runs // w)},
        }
        for _ in range(args.repeat):
            for name, kwargs in cases.items():
                r = rate(serial_specs if name == "serial" else specs, **kwargs)
                best[name] = max(best.get(name, 0.0), r)
    serial = best["serial"]
    where = args.scheduler or "a local cluster"
    print(f"machine: {os.cpu_count()} cores; {w} workers; council-term runs of direction.toml;"
          f" {args.runs} runs per measurement, best of {args.repeat}; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"dask on {where}: {dask_workers} workers (connect {startup:.1f} s)")
    print(f"serial            : {serial:6.2f} runs/s")
    notes = {"pool chunk=1": "  (before chunking)", "pool auto": "  (goal >= 0.9)",
             "dask chunk=1": "  (before chunking)", "dask auto": "  (goal >= 0.9)",
             "pool 1 task/worker": "  (no per-task cost at all: what this machine allows "
                                   "now)"}
    for name, goal in notes.items():
        n = dask_workers if name.startswith("dask") else w
        r = best[name]
        print(f"{name:<18}: {r:6.2f} runs/s  speed-up {r / serial:4.2f}  "
              f"efficiency {r / serial / n:4.2f}{goal}")
    pool, dask = best["pool auto"], best["dask auto"]
    print(f"national batch ({NATIONAL:,} runs): serial {NATIONAL / serial / 3600:5.2f} h, "
          f"process pool {NATIONAL / pool / 3600:5.2f} h, dask {NATIONAL / dask / 3600:5.2f} h "
          f"on this machine")
    if args.sobol == "skip":
        return
    full_runs = SOBOL_N * (len(SOBOL_PARAMETERS) + 2) * SOBOL_REPS
    n = SOBOL_N if args.sobol == "full" else args.sobol_n
    seconds, runs = sobol_seconds(n, w)
    if args.sobol == "full":
        print(f"Sobol, N = {SOBOL_N}, {len(SOBOL_PARAMETERS)} parameters, {SOBOL_REPS} "
              f"replications per point ({runs:,} runs of typical.toml, process pool of {w}):"
              f" MEASURED {seconds / 60:.1f} min ({runs / seconds:.1f} runs/s)")
    else:
        print(f"Sobol, N = {SOBOL_N}, {len(SOBOL_PARAMETERS)} parameters, {SOBOL_REPS} "
              f"replications per point ({full_runs:,} runs of typical.toml, process pool of "
              f"{w}): ESTIMATE {seconds * full_runs / runs / 60:.1f} min, scaled from a "
              f"measured N = {n} ({runs:,} runs in {seconds:.1f} s, {runs / seconds:.1f} "
              "runs/s); measure it with --sobol full")


if __name__ == "__main__":
    main()

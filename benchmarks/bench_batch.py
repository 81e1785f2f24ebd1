"""Batch throughput: serial vs process pool vs Dask on this machine, measured in one run.

Prints runs per second for each backend on council-term runs of the direction-based
scenario, the parallel efficiency (speed-up over serial divided by workers; goal >= 0.9
for the process pool), and the projected wall time of a national batch: 342
municipalities x 4 styles x 30 replications = 41,040 runs.

    python benchmarks/bench_batch.py [--runs 48] [--workers N] [--scheduler tcp://host:8786]

With ``--scheduler`` the Dask rate is measured on that cluster (its workers are checked for
the same code first, as every batch does) instead of a local cluster, and the efficiency
is taken against the serial rate of this machine times the cluster's worker count.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from sim.experiment.batch import plan, run_specs
from sim.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = 342 * 4 * 30


def rate(specs, **kwargs) -> float:
    start = time.perf_counter()
    run_specs(specs, **kwargs)
    return len(specs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=48)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scheduler", default=None,
                        help="measure Dask on this cluster (tcp://host:8786) instead of a "
                             "local one")
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "direction.toml")
    specs = plan({"direction": scenario}, reps=args.runs, seed=1)
    w = args.workers
    serial = rate(specs[: max(8, args.runs // w)], backend="serial")
    pool = rate(specs, backend="process", workers=w)

    from sim.experiment.cluster import dask_client

    start = time.perf_counter()
    with dask_client(args.scheduler, w) as client:
        startup = time.perf_counter() - start
        dask_workers = len(client.scheduler_info()["workers"])
        dask = rate(specs, backend="dask", client=client)
    where = args.scheduler or "a local cluster"
    print(f"machine: {os.cpu_count()} cores; {w} workers; council-term runs of direction.toml")
    print(f"dask on {where}: {dask_workers} workers")
    print(f"serial       : {serial:6.2f} runs/s")
    for name, r, n in (("process pool", pool, w), ("dask", dask, dask_workers)):
        print(f"{name:<13}: {r:6.2f} runs/s  speed-up {r / serial:4.2f}  "
              f"efficiency {r / serial / n:4.2f}" + ("  (goal >= 0.9)" if name != "dask"
                                                    else f"  (connect {startup:.1f} s)"))
    print(f"national batch ({NATIONAL:,} runs): serial {NATIONAL / serial / 3600:5.2f} h, "
          f"process pool {NATIONAL / pool / 3600:5.2f} h, dask {NATIONAL / dask / 3600:5.2f} h "
          f"on this machine")


if __name__ == "__main__":
    main()

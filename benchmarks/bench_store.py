"""Memory of the main process while a batch streams into the result store.

Feeds N run outputs (copies of one real council-term run of direction.toml, each under
its own key, as fast as the store takes them) through ``ResultStore.add`` and then
consolidates, sampling the resident memory (RSS) of this process every 20 ms. Prints the
RSS after 10%, 50% and 100% of the runs, the peak during consolidation, and the growth
per run: flat means the growth per run is a tiny fraction of the ~88 kB a run's tables
take (the old store kept them all: 9 GB for 100k runs).

    python benchmarks/bench_store.py [--runs 100000] [--out /tmp/regiesim-bench-store]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment.batch import RunOutput, execute, plan
from sim.experiment.store import ResultStore
from sim.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 1e6


class Peak:
    """The highest RSS seen by a sampling thread while the block runs."""

    def __enter__(self) -> Peak:
        self.peak, self._stop = rss_mb(), threading.Event()
        self.arrow = pa.total_allocated_bytes() / 1e6
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb())
            self.arrow = max(self.arrow, pa.total_allocated_bytes() / 1e6)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "direction.toml")
    names = [f"s{i}" for i in range(10)]
    reps = args.runs // len(names)
    specs = plan(dict.fromkeys(names, scenario), reps, seed=1)
    real = execute(specs[0])
    run_bytes = real.series.memory_usage(deep=True).sum() + 64 * len(real.row)
    tmp = args.out or Path(tempfile.mkdtemp(prefix="regiesim-bench-store-"))
    shutil.rmtree(tmp, ignore_errors=True)
    store = ResultStore(tmp)
    store.begin(specs, seed=1, reps=reps, backend="serial")
    start_mb = rss_mb()
    marks = {len(specs) // 10: "10%", len(specs) // 2: "50%", len(specs): "100%"}
    seen: dict[str, float] = {}
    started = time.perf_counter()
    with Peak() as streaming:
        for i, spec in enumerate(specs, start=1):
            store.add(RunOutput(spec.key, {**real.row, "scenario": spec.name,
                                           "replication": spec.replication,
                                           "seed": spec.seed},
                                real.series.assign(scenario=spec.name,
                                                   replication=spec.replication)))
            if i in marks:
                seen[marks[i]] = rss_mb()
        store.flush()
    stream_s = time.perf_counter() - started
    started = time.perf_counter()
    with Peak() as consolidating:
        store.finish()
    finish_s = time.perf_counter() - started
    rows = pq.ParquetFile(tmp / "series.parquet").metadata.num_rows
    size = sum(p.stat().st_size for p in tmp.glob("*.parquet")) / 1e6
    print(f"{len(specs):,} runs of {real.series.shape[0]} weeks (~{run_bytes / 1e3:.0f} kB "
          f"of tables each, {len(specs) * run_bytes / 1e9:.1f} GB in all if kept in memory)")
    print(f"RSS before streaming      : {start_mb:8.1f} MB")
    for mark, mb in seen.items():
        print(f"RSS after {mark:>4} of runs    : {mb:8.1f} MB")
    print(f"peak RSS while streaming  : {streaming.peak:8.1f} MB  ({stream_s:.0f} s)")
    print(f"peak RSS consolidating    : {consolidating.peak:8.1f} MB  ({finish_s:.0f} s; "
          f"arrow buffers at most {consolidating.arrow:.1f} MB)")
    growth = (seen["100%"] - seen["10%"]) / (0.9 * len(specs)) * 1e3
    print(f"growth from 10% to 100%   : {growth:8.3f} kB per run "
          f"(vs ~{run_bytes / 1e3:.0f} kB per run kept)")
    print(f"stored: {rows:,} series rows, {size:.0f} MB of Parquet in {tmp}")
    if args.out is None:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()

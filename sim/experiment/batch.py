"""Batches: scenarios x replications, on common random numbers, serial or on a process pool.

Replication i of every scenario gets the same seed, so every scenario meets the same
citizens, incidents and service times (common random numbers) and differences between
scenarios can be taken per replication. Results come back in a fixed order whatever the
backend, so a batch gives the same tables bit for bit, serial or parallel.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.progress import BatchProgress
from sim.run import simulate
from sim.scenario import Scenario

BACKENDS = ("serial", "process")


def replication_seeds(base_seed: int, reps: int) -> list[int]:
    """The seed of each replication, derived from ``base_seed`` by SeedSequence spawning."""
    children = np.random.SeedSequence(base_seed).spawn(reps)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: which scenario, which replication, which seed."""

    name: str
    scenario: Scenario
    replication: int
    seed: int
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.replication)


@dataclass
class RunOutput:
    """What one run contributes to the store: a row of outcomes and its weekly series."""

    spec_key: tuple[str, int]
    row: dict[str, Any]
    series: pd.DataFrame


def plan(scenarios: dict[str, Scenario], reps: int, seed: int,
         params: dict[str, dict[str, Any]] | None = None) -> list[RunSpec]:
    """Every run of the batch, scenario by scenario, replication by replication."""
    seeds = replication_seeds(seed, reps)
    params = params or {}
    return [RunSpec(name, sc, i, seeds[i], params.get(name, {}))
            for name, sc in scenarios.items() for i in range(reps)]


def execute(spec: RunSpec) -> RunOutput:
    """Run one spec (top-level, so process pools and Dask can ship it)."""
    result = simulate(spec.scenario, spec.seed)
    row = {"scenario": spec.name, "replication": spec.replication, "seed": spec.seed,
           "scenario_hash": spec.scenario.digest(), **spec.params, **result.summary}
    series = result.series.assign(scenario=spec.name, replication=spec.replication)
    return RunOutput(spec.key, row, series)


def _serial(specs: list[RunSpec]) -> Iterator[RunOutput]:
    for spec in specs:
        yield execute(spec)


def _process(specs: list[RunSpec], workers: int) -> Iterator[RunOutput]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(execute, spec) for spec in specs]
        for fut in as_completed(futures):
            yield fut.result()


def run_specs(specs: list[RunSpec], backend: str = "process", workers: int | None = None,
              progress: bool = False, on_result: Callable[[RunOutput], None] | None = None,
              ) -> list[RunOutput]:
    """Run the specs on a backend; outputs come back in spec order."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: must be one of {', '.join(BACKENDS)}, got {backend!r}")
    workers = workers or os.cpu_count() or 1
    stream: Iterable[RunOutput] = (_serial(specs) if backend == "serial" or workers == 1
                                   or len(specs) <= 1 else _process(specs, workers))
    done: dict[tuple[str, int], RunOutput] = {}
    with BatchProgress(len(specs), enabled=progress) as bar:
        for out in stream:
            done[out.spec_key] = out
            if on_result is not None:
                on_result(out)
            bar.advance()
    return [done[s.key] for s in specs]

"""Speed of the core model, measured against bare SimPy in the same run.

Prints
  * events per second of bare SimPy timeouts (a few processes yielding plain timeouts),
  * events per second of a SimPy skeleton with the model's event mix but none of its
    logic (resources, requests and releases cost more than plain timeouts),
  * events per second of the model on the large-city scenario (about 1,500 initiatives in
    a council term), and their ratio (goal: >= 0.5),
  * the wall time of one council-term run of that scenario (goal: < 0.1 s).
Machines here are noisy, so each figure is the best of several repetitions, and the
ratio is what to compare between machines.

    python benchmarks/bench_core.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import simpy

from sim.model.world import World
from sim.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def scheduled_events(env: simpy.Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event)."""
    return int(repr(env._eid)[6:-1])  # itertools.count(N) -> N


def bare_simpy(n_events: int, processes: int = 50) -> tuple[float, int]:
    env = simpy.Environment()
    per = n_events // processes

    def proc(env: simpy.Environment, delay: float):
        for _ in range(per):
            yield env.timeout(delay)

    for i in range(processes):
        env.process(proc(env, 1.0 + i / processes))
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start, scheduled_events(env)


def skeleton(arrivals: int, seed: int) -> tuple[float, int]:
    """The model's event mix with no model logic: arrivals, a front office, two approval
    layers at department pools, timeouts for the other stages. What SimPy alone costs."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    front = simpy.Resource(env, 6)
    managers = [simpy.Resource(env, 2) for _ in range(8)]
    gaps = (rng.standard_exponential(arrivals) / 7.7).tolist()
    draws = rng.standard_exponential((arrivals, 8)).tolist()

    def journey(i: int):
        e = draws[i]
        yield env.timeout(e[0] * 3.0)
        with front.request() as req:
            yield req
            yield env.timeout(e[1] * 0.5)
        yield env.timeout(e[2] * 3.0)
        for layer in range(1 + i % 2):
            with managers[i % 8].request() as req:
                yield req
                yield env.timeout(e[3 + layer] * 0.3)
        yield env.timeout(e[6] * 16.0)

    def arrive():
        for i, gap in enumerate(gaps):
            yield env.timeout(gap)
            env.process(journey(i))

    env.process(arrive())
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start, scheduled_events(env)


def model_run(seed: int) -> tuple[float, int, int]:
    scenario = load_scenario(ROOT / "scenarios" / "large-city.toml")
    start = time.perf_counter()
    world = World(scenario, seed)
    summary = world.run()
    elapsed = time.perf_counter() - start
    return elapsed, scheduled_events(world.env), int(summary["arrivals"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    model_run(0)  # warm imports and caches
    runs = [model_run(seed) for seed in range(args.repeat)]
    best = min(runs, key=lambda r: r[0] / r[1])
    model_rate = best[1] / best[0]
    bare = [bare_simpy(best[1]) for _ in range(args.repeat)]
    bare_t, bare_n = min(bare, key=lambda r: r[0] / r[1])
    bare_rate = bare_n / bare_t
    times = sorted(r[0] for r in runs)
    arrivals = sum(r[2] for r in runs) / len(runs)
    skel = [skeleton(int(arrivals * 1.1), seed) for seed in range(args.repeat)]
    skel_t, skel_n = min(skel, key=lambda r: r[0] / r[1])
    skel_rate = skel_n / skel_t
    print(f"bare SimPy timeouts : {bare_rate:>12,.0f} events/s ({bare_n:,} events)")
    print(f"model (large city)  : {model_rate:>12,.0f} events/s ({best[1]:,} events)")
    print(f"ratio model / bare  : {model_rate / bare_rate:.2f}   (goal >= 0.5)")
    print(f"SimPy skeleton      : {skel_rate:>12,.0f} events/s ({skel_n:,} events; the model's "
          f"event mix without its logic: ratio to bare {skel_rate / bare_rate:.2f})")
    print(f"one council term    : best {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s "
          f"for {arrivals:,.0f} initiatives on average   (goal < 0.1 s)")


if __name__ == "__main__":
    main()

"""Speed of the core model, measured against bare SimPy in the same run.

Prints
  * events per second of bare SimPy timeouts (a few processes yielding plain timeouts),
  * events per second of the skeleton of the model's own event mix: a recorded run of the
    model replayed in SimPy with none of its logic (every process, waiting for the same
    events for the same time; the benchmark checks it schedules as many events), run by
    SimPy's loop as the model runs it (:meth:`~sim.model.clock.Clock.run`, natively where
    bare SimPy runs ``env.run``),
  * events per second of the model on the large-city scenario (about 1,500 initiatives in
    a council term), where journeys are set out without a SimPy process
    (``sim.model.underway``), and its ratio to bare SimPy (goal: >= 0.35 this round, 0.5 in
    the long run). The machine's speed drifts (shared hosts), so each model run is timed
    next to a bare SimPy run of as many events and the ratio is the median of these paired
    ratios (the best over the best is printed beside it),
  * the ratio of the recorded run (the one timed fastest per event) counted in the events
    of the plain SimPy formulation of model v2 (its
    pools scheduled a request granted at once and every release, and each journey was a
    SimPy process, started and ended by an event of its own; ``sim.model.pools`` and
    ``sim.model.underway`` no longer do, so the model does the same work in fewer events),
  * the model's own logic on top of the skeleton (goal: <= 30 %): the recorded run and its
    skeleton, each timed beside a bare SimPy run and compared through their ratios,
  * the wall time of one council-term run of that scenario (goal: < 0.04 s compiled this
    round), and with the compiled model (``sim.compile_model``) that of its sources,
  * peak memory (tracemalloc) per 1,000 initiatives of a one-term and a ten-term run, and
    what it holds when the simulation ends (its history: the ledger, the series, the
    network): memory follows the live initiatives when the peak above what is held does
    not grow with the number of terms. The summary computed from the history at the end
    is measured apart,
  * start-up: the import time of ``sim`` (the package, the model with ``sim.run``, a
    worker's ``sim.experiment.runner``, the CLI), each in a fresh interpreter less the
    interpreter's own start, and the time from launching ``regiesim run`` on the typical
    scenario to its first simulated week (default process backend, and serial).
Times are of the build of the model this process runs (its first line says which), in a
process whose heap is settled as a pool worker's is (``settle_heap``: the garbage
collector's full passes skip what was imported).
Recording the skeleton and counting model v2's events patch the model, which compiled
modules do not see: that part runs the sources, in a fresh interpreter. Machines here are
noisy: rates and times are the best of several repetitions, ratios the median of paired
ones, and the ratios are what to compare between machines.

    python benchmarks/bench_core.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Generator
from pathlib import Path
from statistics import median

import simpy

from sim.experiment.batch import settle_heap
from sim.model import build, initiatives, pools, underway, waiting
from sim.model.clock import Clock, Timer
from sim.model.waiting import FirstOf
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


Script = list[tuple]
"""What one process waited for, in order: ("T", weeks) a timeout; ("W", weeks) an event
another process triggered, after that long; ("F", weeks or None, limit) the first of an
event (after ``weeks``, None: it never came) and a timeout of ``limit``; ("S", script) it
started a process; ("U", script) it set a journey (or the stream of arrivals) out
without a process (:func:`sim.model.underway.set_out`)."""


class _RecordedFirstOf(FirstOf):
    """The model's FirstOf, remembering its two events and which came first."""

    __slots__ = ("a", "b", "winner")

    def __init__(self, a: simpy.Event, b: simpy.Event) -> None:
        super().__init__(a, b)
        self.a, self.b, self.winner = a, b, None

    def _first(self, event: simpy.Event) -> None:
        if not self.triggered:
            self.winner = event
        super()._first(event)


def record(seed: int) -> tuple[Script, int]:
    """Run the large-city scenario (untimed) and record what every process waited for:
    what the actors started at the outset (a script of "S" and "U" steps), and the events
    the run scheduled."""
    world = World(load_scenario(ROOT / "scenarios" / "large-city.toml"), seed)
    env = world.env
    roots: Script = []
    running: list[Script] = []  # the script of the process being resumed
    pending: dict[int, tuple[Script, simpy.Event]] = {}  # what each script waits for now

    def recorded(gen: Generator, script: Script) -> Generator:
        value = None
        while True:
            running.append(script)
            try:
                event = gen.send(value)
            except StopIteration:
                return
            finally:
                running.pop()
            start = env.now
            pending[id(script)] = (script, event)
            value = yield event
            del pending[id(script)]
            weeks = env.now - start
            if isinstance(event, _RecordedFirstOf):
                script.append(("F", weeks if event.winner is event.a else None,
                               event.b._delay))  # type: ignore[attr-defined]
            elif type(event) is Timer:
                script.append(("T", event._delay))  # type: ignore[attr-defined]
            else:
                script.append(("W", weeks))

    def started(kind: str) -> Script:
        script: Script = []
        (running[-1] if running else roots).append((kind, script))
        return script

    def process(gen: Generator) -> simpy.Process:
        return simpy.Process(env, recorded(gen, started("S")))

    set_out = underway.set_out

    def journey(gen: Generator) -> None:  # the stream of arrivals and every journey
        set_out(recorded(gen, started("U")))

    env.process = process  # type: ignore[method-assign]
    waiting.FirstOf = _RecordedFirstOf  # type: ignore[misc]
    initiatives.set_out = underway.set_out = journey  # type: ignore[assignment]
    try:
        world.run()
    finally:
        waiting.FirstOf = FirstOf  # type: ignore[misc]
        initiatives.set_out = underway.set_out = set_out
    for script, event in pending.values():  # the run ended while they waited
        if isinstance(event, _RecordedFirstOf):
            script.append(("F", None, event.b._delay))  # type: ignore[attr-defined]
        elif type(event) is Timer:
            script.append(("T", event._delay))  # type: ignore[attr-defined]
    return roots, scheduled_events(env)


def replay(roots: Script, warmup: float, end: float) -> tuple[float, int]:
    """The skeleton of the model's own event mix: every process of a recorded run, waiting
    for the same events at the same moments, with none of the model's logic."""
    env = simpy.Environment()
    timeout, event = env.timeout, env.event

    def play(script: Script) -> Generator:
        for step in script:
            kind = step[0]
            if kind == "T" or kind == "W":
                yield timeout(step[1])
            elif kind == "F":
                yield FirstOf(event() if step[1] is None else timeout(step[1]),
                              timeout(step[2]))
            elif kind == "U":
                underway.set_out(play(step[1]))
            else:
                env.process(play(step[1]))

    for kind, script in roots:  # in the order the actors started them
        (underway.set_out if kind == "U" else env.process)(play(script))
    clock = Clock(env)  # SimPy's loop as the model runs it
    start = time.perf_counter()
    clock.run(warmup)
    clock.run(end)
    return time.perf_counter() - start, scheduled_events(env)


def elided_events(seed: int) -> int:
    """Events the plain SimPy formulation of model v2 would have scheduled on top of the
    model's in the same run: in its pools a request granted at once, and every release;
    for each journey, run as a SimPy process, the event that starts it and the one that
    ends it (the journey's last step in the run's time counts as its end). Counted in a
    separate, untimed run (same seed, same run)."""
    counts = [0]
    started = [0]
    set_out = initiatives.set_out

    def counting_set_out(gen: Generator) -> None:
        started[0] += 1
        set_out(gen)
    request, release = pools.Pool.request, pools.Pool.release

    def counting_request(self: pools.Pool) -> pools.Turn | None:
        turn = request(self)
        counts[0] += turn is None
        return turn

    def counting_release(self: pools.Pool) -> None:
        counts[0] += 1
        release(self)

    pools.Pool.request, pools.Pool.release = counting_request, counting_release  # type: ignore[method-assign]
    initiatives.set_out = counting_set_out  # type: ignore[assignment]
    world = World(load_scenario(ROOT / "scenarios" / "large-city.toml"), seed)
    try:
        world.run()
    finally:
        pools.Pool.request, pools.Pool.release = request, release  # type: ignore[method-assign]
        initiatives.set_out = set_out
    ended = started[0] - len(world.initiatives.active)  # those still under way never end
    return counts[0] + started[0] + ended


def memory(terms: int, seed: int = 0) -> tuple[float, float, float, int]:
    """Traced memory of a run of ``terms`` council terms: the peak while it simulates, what
    it holds when the simulation ends (its history: ledger, series, network; and the
    initiatives under way), the peak while it computes the summary from its history, and
    the initiatives that arrived in the observation window."""
    scenario = load_scenario(ROOT / "scenarios" / "large-city.toml",
                             {"run.horizon_weeks": 208.0 * terms})
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    world = World(scenario, seed)
    for actor in world.actors:  # World.run, with the summary measured apart
        actor.start()
    clock = Clock(world.env)
    clock.run(world.warmup)
    for actor in world.actors:
        actor.reset_statistics()
    clock.run(world.end)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    summary: dict[str, float] = {}
    for actor in world.actors:
        actor.contribute(summary)
    summary_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del world
    return peak - base, held - base, summary_peak - base, int(summary["arrivals"])


def import_seconds(module: str, repeat: int) -> float:
    """Best wall time of a fresh interpreter importing ``module`` ("" imports nothing)."""
    code = f"import {module}" if module else "pass"
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


FIRST_WEEK = """
import heapq, os, sys, time
pop = heapq.heappop
def timed_pop(queue):  # the first simulated week reports the time and ends the process
    item = pop(queue)
    if type(item) is tuple and len(item) == 4 and type(item[0]) is float and item[0] >= 1.0:
        os.write(1, (repr(time.monotonic()) + "\\n").encode())
        os._exit(0)
    return item
heapq.heappop = timed_pop
sys.argv = ["regiesim", *sys.argv[1:]]
from sim.cli import main
main()
"""
"""``regiesim`` with ``heapq.heappop`` wrapped before anything imports it (SimPy's loop and
the model's, :meth:`~sim.model.clock.Clock.run`, take events off the queue with it): the
first process to take off an event of week 1 or later, in a pool worker too (forked),
prints the monotonic clock."""


def first_week_seconds(args: list[str], repeat: int) -> float:
    """Best time from launching ``regiesim *args`` to its first simulated week."""
    best = float("inf")
    for _ in range(repeat):
        with tempfile.TemporaryFile() as errors:
            start = time.monotonic()
            proc = subprocess.Popen([sys.executable, "-c", FIRST_WEEK, *args], cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=errors,
                                    start_new_session=True)
            assert proc.stdout is not None
            line = proc.stdout.readline()
            os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its pool workers
            proc.wait()
            if not line.strip():
                errors.seek(0)
                raise RuntimeError(f"regiesim {' '.join(args)} ended before its first week:\n"
                                   + errors.read().decode(errors="replace"))
            best = min(best, float(line) - start)
    return best


def model_run(seed: int) -> tuple[float, int, int]:
    scenario = load_scenario(ROOT / "scenarios" / "large-city.toml")
    start = time.perf_counter()
    world = World(scenario, seed)
    summary = world.run()
    elapsed = time.perf_counter() - start
    return elapsed, scheduled_events(world.env), int(summary["arrivals"])


def pure_side(seed: int, repeat: int) -> dict:
    """What needs the model's sources (patching, which compiled modules do not see): the
    recorded scripts and events of run ``seed``, the events model v2 would have added, and
    the best time of a council term of the sources. In this process when it runs the
    sources, else in a fresh one with ``REGIESIM_PURE=1``."""
    if build() != "compiled":
        settle_heap()
        roots, events = record(seed)
        return {"roots": roots, "events": events, "elided": elided_events(seed),
                "seconds": min(model_run(s)[0] for s in range(repeat))}
    done = subprocess.run([sys.executable, __file__, "--pure-side", str(seed), "--repeat",
                           str(repeat)], capture_output=True, cwd=ROOT,
                          env={**os.environ, "REGIESIM_PURE": "1"})
    if done.returncode != 0:
        raise RuntimeError(f"the run of the sources failed:\n{done.stderr.decode()}")
    return pickle.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pure-side", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pure_side is not None:  # the child of pure_side()
        sys.stdout.buffer.write(pickle.dumps(pure_side(args.pure_side, args.repeat)))
        return
    model_run(0)  # warm imports and caches
    settle_heap()  # as a pool worker's heap is: the collector's passes skip the imports
    # The machine's speed drifts (shared hosts): each model run is timed next to a bare
    # SimPy run of as many events, and each ratio is taken within its pair.
    runs, bare = [], []
    for seed in range(args.repeat):
        runs.append(model_run(seed))
        bare.append(bare_simpy(runs[-1][1]))
    best = min(runs, key=lambda r: r[0] / r[1])
    model_rate = best[1] / best[0]
    bare_t, bare_n = min(bare, key=lambda r: r[0] / r[1])
    bare_rate = bare_n / bare_t
    model_ratio = median(r[1] / r[0] / (b[1] / b[0]) for r, b in zip(runs, bare, strict=True))
    times = sorted(r[0] for r in runs)
    arrivals = sum(r[2] for r in runs) / len(runs)
    pure = pure_side(runs.index(best), args.repeat)
    if pure["events"] != best[1]:
        raise RuntimeError(f"the recording run scheduled {pure['events']:,} events, the timed "
                           f"run {best[1]:,}: the recorder changed the run")
    scenario = load_scenario(ROOT / "scenarios" / "large-city.toml")
    warmup = scenario.run.warmup_weeks
    replays, skel_ratios, same_ratios = [], [], []
    for _ in range(args.repeat):  # the recorded run and its skeleton, each beside bare SimPy
        replays.append(replay(pure["roots"], warmup, warmup + scenario.run.horizon_weeks))
        b_t, b_n = bare_simpy(best[1])
        skel_ratios.append(replays[-1][1] / replays[-1][0] / (b_n / b_t))
        m_t, m_n, _ = model_run(runs.index(best))
        same_ratios.append(m_n / m_t / (b_n / b_t))
    skel_t, skel_n = min(replays)
    if skel_n != best[1]:
        raise RuntimeError(f"the skeleton scheduled {skel_n:,} events, the model {best[1]:,}: "
                           "it does not replay the model's event mix")
    skel_rate = skel_n / skel_t
    skel_ratio = median(skel_ratios)
    same_ratio = median(same_ratios)  # the recorded run's: the skeleton's event mix
    v2_events = best[1] + pure["elided"]
    print(f"model build         : {build()} (sim.model.build(); REGIESIM_PURE=1 for the "
          f"sources); heap settled as a pool worker's (sim.experiment.batch.settle_heap)")
    print(f"bare SimPy timeouts : {bare_rate:>12,.0f} events/s ({bare_n:,} events; best of "
          f"{args.repeat})")
    print(f"model (large city)  : {model_rate:>12,.0f} events/s ({best[1]:,} events; best of "
          f"{args.repeat})")
    print(f"ratio model / bare  : {model_ratio:.2f}   (the median of {args.repeat} paired runs; "
          f"best over best {model_rate / bare_rate:.2f}; goal >= 0.35 this round, 0.5 in the "
          f"long run)")
    print(f"  in v2 events      : {same_ratio * v2_events / best[1]:.2f}   ({v2_events:,} events "
          f"in the plain SimPy formulation of the recorded run, whose own ratio is "
          f"{same_ratio:.2f})")
    print(f"SimPy skeleton      : {skel_rate:>12,.0f} events/s ({skel_n:,} events, as many as "
          f"the model's: every process of the same run waiting for the same events at the same "
          f"moments, without the model's logic; ratio to bare {skel_ratio:.2f}, the median of "
          f"{args.repeat} paired runs)")
    print(f"model logic on top  : {skel_ratio / same_ratio - 1:.0%} of the skeleton's time   "
          f"(the recorded run against its skeleton, each paired with bare SimPy; goal <= 30 %)")
    print(f"one council term    : best {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s "
          f"for {arrivals:,.0f} initiatives on average   (goal < 0.04 s compiled this round)")
    if build() == "compiled":
        print(f"  the sources       : best {pure['seconds']:.3f} s (pure Python, REGIESIM_PURE=1): "
              f"the compiled model is {pure['seconds'] / times[0]:.2f} times as fast")
    for terms in (1, 10):
        peak, held, summary_peak, n = memory(terms)
        print(f"memory, {terms:>2} term{'s' if terms > 1 else ' '}    : peak "
              f"{peak / n * 1000 / 2**20:5.2f} MiB per 1,000 initiatives ({peak / 2**20:.1f} MiB "
              f"for {n:,}); held at the end {held / 2**20:.1f} MiB (peak above it "
              f"{(peak - held) / 2**20:.1f}); summary from it peaks at "
              f"{summary_peak / 2**20:.1f} MiB")
    interpreter = import_seconds("", args.repeat)
    print(f"python start        : {interpreter:.3f} s (a fresh interpreter, nothing imported; "
          f"the imports below are on top of it)")
    for module, what in (("sim", "the package"), ("sim.run", "the model, simulate()"),
                         ("sim.experiment.runner", "a worker's runner"),
                         ("sim.cli", "the CLI")):
        print(f"import {module:<13}: {import_seconds(module, args.repeat) - interpreter:.3f} s "
              f"({what})")
    typical = str(ROOT / "scenarios" / "typical.toml")
    print(f"regiesim run        : {first_week_seconds(['run', typical], args.repeat):.3f} s "
          f"from launch to the first simulated week (typical.toml, process backend); serial "
          f"{first_week_seconds(['run', typical, '--backend', 'serial'], args.repeat):.3f} s")


if __name__ == "__main__":
    main()

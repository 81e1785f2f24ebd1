"""Batches: scenarios x replications, on common random numbers, serial, on a process pool
or on Dask.

Replication i of every scenario gets the same seed, so every scenario meets the same
citizens, incidents and service times (common random numbers) and differences between
scenarios can be taken per replication. Results come back in a fixed order whatever the
backend, so a batch gives the same tables bit for bit, serial or parallel.

**Chunks.** A pool or Dask task runs a chunk of runs, not one run: a task then costs its
per-task overhead (pickling, scheduling; Dask: 0.2-1 ms of scheduler time per task) once
per chunk. Unless given, the chunk size follows the runs measured so far, so that a task
runs about :data:`TARGET_TASK_SECONDS`; the batch starts with single runs to measure them.
Each run stays a pure function of its spec, so chunking changes no number.

**Every batch ends.** Pool workers take none of the batch process's signal handlers and
are ended (SIGKILL) when the batch stops, however it stops; a worker that dies stops the
batch with one line (:class:`WorkerLost`). With a time budget each run runs in a worker
process the batch supervises (:func:`_supervised`) and ends when the run overstays: a run
stuck in compiled code, which never gives a signal handler a turn, ends all the same.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.experiment.heap import settle_heap
from sim.experiment.options import (
    Executor,
    StoreOptions,
    check_chunk,
    run_options,
)
from sim.experiment.progress import BatchProgress
from sim.model import build
from sim.provenance import code_identity
from sim.run import simulate
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.experiment.calibration import Posterior


RUN_KEYS = ("scenario", "replication", "seed", "scenario_hash")
"""The columns that name a run in the run table (runs.parquet); the rest are its swept
values, posterior draws and outcomes."""


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
    changes: dict[str, Any] = field(default_factory=dict)
    """Parameter values drawn for this replication from a posterior (applied at run time)."""

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.replication)

    def run_scenario(self) -> Scenario:
        """The scenario this run simulates: the batch's, with the drawn changes applied."""
        return self.scenario.with_changes(self.changes) if self.changes else self.scenario


@dataclass
class RunOutput:
    """What one run contributes to the store: a row of outcomes and its weekly series, or,
    for a run that raised, a failure record (scenario, replication, seed, error, traceback).
    """

    spec_key: tuple[str, int]
    row: dict[str, Any] | None
    series: pd.DataFrame | None
    failure: dict[str, Any] | None = None
    seconds: float = 0.0
    """Wall time of the run where it ran (sizes the chunks; never stored)."""

    @property
    def ok(self) -> bool:
        return self.failure is None




class WorkerLost(ChildProcessError):
    """A worker process of the batch ended without finishing its runs (killed, or out of
    memory): the batch stops; what finished is stored and the same command resumes."""


def failure(spec: RunSpec, error: str, trace: str = "", seconds: float = 0.0) -> RunOutput:
    """The output of a run that did not finish: its failure record."""
    return RunOutput(spec.key, None, None, failure={
        "scenario": spec.name, "replication": spec.replication, "seed": spec.seed,
        "scenario_hash": spec.scenario.digest(), "error": error, "traceback": trace},
        seconds=seconds)


def plan(scenarios: dict[str, Scenario], reps: int, seed: int,
         params: dict[str, dict[str, Any]] | None = None,
         posterior: Posterior | None = None) -> list[RunSpec]:
    """Every run of the batch, scenario by scenario, replication by replication.

    With a ``posterior``, replication i of every scenario runs with the same parameter
    draw i (common random numbers across scenarios kept); each run's row records the
    posterior's digest and the values drawn.
    """
    seeds = replication_seeds(seed, reps)
    params = params or {}
    draws: list[dict[str, Any]] = posterior.draws(seed, reps) if posterior else [{}] * reps
    extra = {"posterior": posterior.digest} if posterior else {}
    return [RunSpec(name, sc, i, seeds[i], {**params.get(name, {}), **extra}, draws[i])
            for name, sc in scenarios.items() for i in range(reps)]


def execute(spec: RunSpec) -> RunOutput:
    """Run one spec (top-level, so process pools and Dask can ship it).

    A run that raises gives a failure record instead of results, so one bad run does not
    stop the batch (a run that overstays its time budget is ended from outside:
    :func:`_supervised`).
    """
    start = time.perf_counter()
    try:
        scenario = spec.run_scenario()
        result = simulate(scenario, spec.seed)
    except Exception as exc:
        return failure(spec, f"{type(exc).__name__}: {exc}",
                       "".join(traceback.format_exception(exc)), time.perf_counter() - start)
    row = {"scenario": spec.name, "replication": spec.replication, "seed": spec.seed,
           "scenario_hash": scenario.digest(), **spec.params,
           **{f"posterior.{k}": v for k, v in spec.changes.items()}, **result.summary}
    series = result.series.assign(scenario=spec.name, replication=spec.replication)
    return RunOutput(spec.key, row, series, seconds=time.perf_counter() - start)


Execute = Callable[[RunSpec], RunOutput]


def execute_chunk(specs: list[RunSpec], run: Execute = execute) -> list[RunOutput]:
    """Run a chunk of specs in one task (top-level, so process pools and Dask can ship it).

    Each run gives its own output: a run that raises gives its failure record and the
    chunk's other runs go on.
    """
    return [run(spec) for spec in specs]


TARGET_TASK_SECONDS = 0.5
"""The wall time an automatically sized chunk aims at: well above the per-task overhead of
a pool or of Dask (Dask's guidance: tasks of 0.1 s or more; measured here with one run
per task, a task on a local Dask cluster costs about 15 ms besides its run), small enough
that progress moves smoothly and a crash loses little. With 0.2 s Dask reached an
efficiency of 0.85 on runs of the compiled model, with 0.5 s 0.93
(``benchmarks/bench_batch.py``)."""

MAX_CHUNK = 1000
"""No automatic chunk holds more runs than this (runs of a few microseconds)."""

RUN_TIME_WEIGHT = 0.1
"""Weight of each newly measured run in the moving average of a run's time."""

TASKS_PER_WORKER_LEFT = 2
"""Near the end of a batch, automatic chunks shrink so that every worker still gets about
this many tasks of what is left (no worker idles while another finishes a big chunk)."""



class Chunker:
    """Cuts the specs, in plan order, into the chunks of runs that become tasks.

    With ``size`` every chunk has that many runs (the last may have fewer). Without it the
    first chunks are single runs; once runs have been measured (:meth:`observe`) a chunk
    holds enough runs to take about ``target`` seconds, at most :data:`MAX_CHUNK`, and
    near the end no more than leaves :data:`TASKS_PER_WORKER_LEFT` tasks per worker.
    """

    def __init__(self, specs: list[RunSpec], size: int | None = None,
                 target: float = TARGET_TASK_SECONDS) -> None:
        check_chunk(size)
        self.size, self.target = size, target
        self.left = len(specs)
        self._todo = iter(specs)
        self.per_run: float | None = None
        """The time of a run: a moving average over the last few dozen runs measured."""

    def observe(self, outputs: Iterable[RunOutput]) -> None:
        """Learn from finished runs how long a run takes (recent runs count most, so the
        size follows a batch whose later scenarios run longer or shorter)."""
        for out in outputs:
            self.per_run = (out.seconds if self.per_run is None else
                            self.per_run + RUN_TIME_WEIGHT * (out.seconds - self.per_run))

    def next_size(self, workers: int) -> int:
        """How many runs the next chunk takes, with ``workers`` workers."""
        if self.size is not None:
            return self.size
        if self.per_run is None:
            return 1
        wanted = (math.ceil(self.target / self.per_run) if self.per_run > 0
                  else MAX_CHUNK)
        fair = math.ceil(self.left / (max(workers, 1) * TASKS_PER_WORKER_LEFT))
        return max(1, min(wanted, fair, MAX_CHUNK))

    def take(self, workers: int) -> list[RunSpec]:
        """The next chunk (empty when every spec has been handed out)."""
        chunk = list(itertools.islice(self._todo, self.next_size(workers)))
        self.left -= len(chunk)
        return chunk

    def chunks(self, n: int, workers: int) -> list[list[RunSpec]]:
        """Up to ``n`` next chunks."""
        out = []
        for _ in range(n):
            chunk = self.take(workers)
            if not chunk:
                break
            out.append(chunk)
        return out


def _serial(specs: list[RunSpec], run: Execute) -> Iterator[RunOutput]:
    for spec in specs:
        yield run(spec)


IN_FLIGHT_PER_WORKER = 4
"""Tasks (chunks) submitted ahead per worker: enough to keep workers busy, few enough that
finished results do not pile up in the main process (memory stays flat however long the
batch)."""


WORKERS_POLL_SECONDS = 5.0
"""How often a Dask batch asks the scheduler how many workers there are (to keep
``IN_FLIGHT_PER_WORKER`` tasks per worker in flight as workers join)."""
NO_WORKERS_SECONDS = 60.0
"""How long a Dask batch with runs pending waits while the cluster has no worker before it
stops (a worker that runs other code than the client shuts itself down, see
:func:`sim.experiment.cluster.checked`; when every one has, nothing would ever run)."""
IDLE_POLL_SECONDS = 0.01
"""How often a Dask batch looks for finished tasks while none has come back."""


def _no_workers(waited: float, pending: int) -> str:
    """The one line of a Dask batch left without workers."""
    return (f"the Dask cluster has had no worker for {waited:.0f} s while {pending} task(s) "
            "of this batch were waiting: every worker left or was shut down because it runs "
            "other code than this client (sim/ edited while the batch ran, or another "
            "environment); the batch stopped. What finished is stored: give the workers the "
            "client's code and run the same command again to resume")


def _die_with_parent(parent: int) -> None:
    """Pool worker initializer (Linux): end this worker when the batch process dies, even
    by SIGKILL (as the out-of-memory killer does), instead of living on holding memory."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _start_worker(parent: int) -> None:
    """Pool worker initializer: die with the batch process, take none of its signal
    handlers (SIGTERM ends a worker at once; Ctrl+C, sent to the whole terminal's process
    group, is the batch process's to handle), settle the inherited heap."""
    _die_with_parent(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    settle_heap()


def _process(specs: list[RunSpec], workers: int, run: Execute,
             chunk: int | None = None) -> Iterator[RunOutput]:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                               initargs=(os.getpid(),))
    task = functools.partial(execute_chunk, run=run)
    chunker = Chunker(specs, chunk)
    try:
        pending = {pool.submit(task, c)
                   for c in chunker.chunks(IN_FLIGHT_PER_WORKER * workers, workers)}
        while pending:
            done, pending = wait(pending, timeout=LOST_POLL_SECONDS,
                                 return_when=FIRST_COMPLETED)
            if not done and _worker_died(pool):
                raise BrokenProcessPool
            for fut in done:
                outputs = fut.result()
                chunker.observe(outputs)
                yield from outputs
                pending |= {pool.submit(task, c) for c in chunker.chunks(1, workers)}
    except BrokenProcessPool:
        raise WorkerLost(_lost(None, None)) from None
    finally:
        # on Ctrl+C, SIGTERM, a lost worker or an error: end the workers at once (a run in
        # compiled code hears no gentler signal) and do not wait for the runs queued
        workers_left = list((getattr(pool, "_processes", None) or {}).values())
        # the pool's manager thread and result queue, taken before shutdown() lets go
        manager = getattr(pool, "_executor_manager_thread", None)
        results = getattr(pool, "_result_queue", None)
        pool.shutdown(wait=False, cancel_futures=True)
        _kill(workers_left)
        # the workers are gone: with this end closed too, a manager reading the rest of a
        # result that a dying worker was sending reads the end of the pipe, not for ever
        with contextlib.suppress(OSError, AttributeError):
            results._writer.close()
        # let the manager see its workers gone and close its wake-up pipe now, not while
        # the interpreter exits (Python 3.11 races the two and prints a "Bad file
        # descriptor" traceback after a Ctrl+C or a lost worker)
        if manager is not None:
            manager.join(5)


LOST_POLL_SECONDS = 1.0
"""How often a process batch with no run back looks whether a worker has died. The pool
finds out by itself, except when the worker died while sending a result: its manager
then waits for the rest of it for ever."""


def _worker_died(pool: ProcessPoolExecutor) -> bool:
    return any(proc.exitcode is not None
               for proc in list((getattr(pool, "_processes", None) or {}).values()))


def _kill(processes: Iterable[Any]) -> None:
    """End worker processes this batch started (SIGKILL: a run in compiled code does not
    hear gentler signals) and reap them."""
    procs = list(processes)
    for proc in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            proc.kill()
    for proc in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            proc.join(5)


def _budget_worker(conn: Any, parent: int, run: Execute) -> None:
    """A supervised worker: runs the specs it is sent, one at a time, and sends back each
    output (top-level; started by fork)."""
    _start_worker(parent)
    while True:
        try:
            spec = conn.recv()
        except (EOFError, OSError):
            return
        if spec is None:
            return
        conn.send(run(spec))


class _Slot:
    """One supervised worker: its process, its end of the pipe, and the run it holds."""

    def __init__(self, run: Execute) -> None:
        import multiprocessing

        ours, theirs = multiprocessing.Pipe()
        self.proc = multiprocessing.get_context("fork").Process(
            target=_budget_worker, args=(theirs, os.getpid(), run), daemon=True)
        self.proc.start()
        theirs.close()
        self.conn = ours
        self.spec: RunSpec | None = None
        self.started = 0.0

    def send(self, spec: RunSpec) -> None:
        self.spec, self.started = spec, time.monotonic()
        self.conn.send(spec)


def _supervised(specs: list[RunSpec], workers: int, run: Execute,
                budget: float) -> Iterator[RunOutput]:
    """Run each spec in a worker process of this batch, ended from outside when it takes
    longer than ``budget`` seconds (recorded as failed; a new worker takes its place).

    The budget is kept by this process, not by the run: a run stuck in compiled code
    (which never gives Python's signal handlers a turn) is ended all the same. A worker
    that dies on its own stops the batch (:class:`WorkerLost`).
    """
    from multiprocessing.connection import wait as wait_for

    todo = list(reversed(specs))
    slots = [_Slot(run) for _ in range(min(workers, len(specs)))]
    try:
        while todo or any(s.spec is not None for s in slots):
            for slot in slots:
                if slot.spec is None and todo:
                    slot.send(todo.pop())
            busy = [s for s in slots if s.spec is not None]
            first = min(s.started for s in busy) + budget
            ready = wait_for([x for s in busy for x in (s.conn, s.proc.sentinel)],
                             timeout=max(0.0, min(first - time.monotonic(), 1.0)))
            for slot in busy:
                if slot.conn in ready:
                    try:
                        out = slot.conn.recv()
                    except (EOFError, OSError):
                        raise WorkerLost(_lost(slot.proc.exitcode, slot.spec)) from None
                    slot.spec = None
                    yield out
                elif slot.proc.sentinel in ready:
                    raise WorkerLost(_lost(slot.proc.exitcode, slot.spec))
            for i, slot in enumerate(slots):
                if slot.spec is not None and time.monotonic() - slot.started > budget:
                    spec = slot.spec
                    _kill([slot.proc])
                    slot.conn.close()
                    slots[i] = _Slot(run)
                    yield failure(spec, f"RunTimeout: the run took longer than its time "
                                        f"budget of {budget:g} s and was ended",
                                  seconds=time.monotonic() - slot.started)
    finally:
        _kill(s.proc for s in slots)


def _lost(code: int | None, spec: RunSpec | None) -> str:
    """The one line a lost worker gets (``code``: its exit code, if known)."""
    how = ("" if code is None else f" (killed by signal {-code})" if code < 0
           else f" (exit status {code})")
    held = f" while running {spec.name} #{spec.replication}" if spec is not None else ""
    return (f"a worker process of this batch ended unexpectedly{how}{held}, killed or out "
            "of memory; the batch stopped. What finished is stored: run the same command "
            "again to resume")


_IDENTITY: dict[int, dict[str, Any]] = {}
"""This worker process's identity (by pid), worked out once."""


def _with_worker(func: Callable[[Any], Any], arg: Any) -> tuple[str, dict[str, Any], Any]:
    """``func(arg)`` on a Dask worker, with the worker's address and identity."""
    from dask.distributed import get_worker

    from sim.experiment.cluster import worker_identity

    result = func(arg)
    pid = os.getpid()
    if pid not in _IDENTITY:
        _IDENTITY[pid] = worker_identity()
    return get_worker().address, _IDENTITY[pid], result


def _dask(specs: list[RunSpec], client: Any, run: Execute, chunk: int | None = None,
          on_worker: Callable[[dict[str, dict[str, Any]]], None] | None = None,
          ) -> Iterator[RunOutput]:
    """Run on a Dask client whose workers were checked (:mod:`sim.experiment.cluster`).

    Every task (a chunk of runs) checks again that its worker runs the client's code. A
    task on a worker that dies is rescheduled on another worker by Dask itself; runs are
    pure functions of their spec, so a rerun gives the same numbers. ``on_worker`` hears
    of each worker (address -> identity) when its first results arrive, so a worker that
    joined during the batch is named even if it is gone by the end.
    """
    from dask.distributed import as_completed

    from sim.experiment.cluster import checked

    task = functools.partial(_with_worker, functools.partial(
        checked, functools.partial(execute_chunk, run=run), code_identity(build())["source_hash"]))
    heard: set[tuple[str, int]] = set()
    chunker = Chunker(specs, chunk)

    def workers() -> int:  # workers may join (and leave) while the batch runs
        return max(len(client.nthreads()), 1)

    count, checked_at = workers(), time.monotonic()
    first = chunker.chunks(IN_FLIGHT_PER_WORKER * count, count)
    running = as_completed(client.map(task, first, pure=False))
    pending = len(first)
    for fut in _watched(running, client):
        address, identity, outputs = fut.result()
        fut.release()
        if on_worker is not None and (address, identity["pid"]) not in heard:
            heard.add((address, identity["pid"]))
            on_worker({address: identity})
        pending -= 1
        chunker.observe(outputs)
        yield from outputs
        if time.monotonic() - checked_at > WORKERS_POLL_SECONDS:
            count, checked_at = workers(), time.monotonic()
        for c in chunker.chunks(max(IN_FLIGHT_PER_WORKER * count - pending, 0), count):
            running.add(client.submit(task, c, pure=False))
            pending += 1


def _watched(running: Any, client: Any) -> Iterator[Any]:
    """The futures of ``running`` (a Dask ``as_completed``) as they finish; raises
    :class:`WorkerLost` when tasks wait while the cluster has had no worker for
    :data:`NO_WORKERS_SECONDS` (its pending tasks are cancelled), instead of waiting for
    ever. A task that merely runs long is waited for: only an empty cluster stops it."""
    empty_since: float | None = None
    looked = 0.0
    while True:
        finished = running.next_batch(block=False)
        if finished:
            empty_since = None
            yield from finished
            continue
        if running.is_empty():
            return
        now = time.monotonic()
        if now - looked >= 1.0:  # ask the scheduler once a second while nothing comes
            looked = now
            if client.nthreads():
                empty_since = None
            elif empty_since is None:
                empty_since = now
            elif now - empty_since >= NO_WORKERS_SECONDS:
                waiting = running.count()
                with contextlib.suppress(Exception):
                    client.cancel(list(running.futures))
                raise WorkerLost(_no_workers(now - empty_since, waiting))
        time.sleep(IDLE_POLL_SECONDS)


def run_specs(specs: list[RunSpec], executor: Executor | None = None,
              store: StoreOptions | None = None,
              on_result: Callable[[RunOutput], None] | None = None, client: Any = None,
              on_worker: Callable[[dict[str, dict[str, Any]]], None] | None = None,
              ) -> list[RunOutput]:
    """Run the specs on a backend.

    Backend dask runs on ``client`` if given (a checked client, see
    :func:`sim.experiment.cluster.connect`), else on a client of the executor's
    ``scheduler`` (with its ``security`` for tls://) or of a LocalCluster of its
    ``workers`` processes. Of ``store``, only the time budget of a run counts here.

    Backends process and dask run the executor's ``chunk`` runs per task (None: sized
    automatically, see :class:`Chunker`); serial runs one by one. The numbers do not
    depend on it.

    With backend dask, ``on_worker`` hears of each worker (address -> its identity) when
    its first results arrive.

    Without ``on_result`` the outputs come back in spec order. With it, each output goes
    to ``on_result`` as it arrives (a chunk's outputs one after the other) and is not kept
    (memory stays flat), and the list is empty.
    """
    executor, store = run_options(executor, store)
    workers = executor.processes
    run: Execute = execute
    stream: Iterable[RunOutput]
    if not specs:
        stream = iter(())
    elif store.time_budget is not None or executor.supervised:
        # kept from outside (a time budget, or signals heard at once): each run in a
        # worker process of this batch, which waits for it a second at a time
        stream = _supervised(specs, 1 if executor.backend == "serial" else workers, run,
                             math.inf if store.time_budget is None else store.time_budget)
    elif executor.backend == "dask":
        if client is None:
            from sim.experiment.cluster import dask_client

            with dask_client(executor.scheduler, workers, executor.security) as own:
                return run_specs(specs, executor, store, on_result, own, on_worker)
        stream = _dask(specs, client, run, executor.chunk, on_worker)
    elif executor.backend == "serial":
        stream = _serial(specs, run)
    else:  # even one run goes to a worker: this process stays free to hear Ctrl+C
        stream = _process(specs, min(workers, len(specs)), run, executor.chunk)
    done: dict[tuple[str, int], RunOutput] = {}
    with BatchProgress(len(specs), enabled=executor.progress, lang=executor.lang) as bar:
        for out in stream:
            if on_result is not None:
                on_result(out)
            else:
                done[out.spec_key] = out
            bar.advance()
    return [done[s.key] for s in specs] if on_result is None else []

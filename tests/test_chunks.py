"""Chunks of runs per task: sized from measured runs, the same numbers whatever the chunk
size and backend, streamed into the store, failures and crashes confined to their runs."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sim.experiment.batch as batch_module
from sim.cli import app
from sim.experiment import ResultStore, run_batch
from sim.experiment.batch import (
    MAX_CHUNK,
    TARGET_TASK_SECONDS,
    TASKS_PER_WORKER_LEFT,
    Chunker,
    RunOutput,
    execute,
    execute_chunk,
    plan,
    run_specs,
)
from sim.experiment.options import Executor
from tests.conftest import SCENARIOS, short

CHUNKS = (1, 3, 7)


def _two() -> dict:
    run = {"horizon_weeks": 12.0, "warmup_weeks": 2.0}
    return {"a": short("direction", run=run), "b": short("directive", run=run)}


@pytest.fixture(scope="module")
def serial() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reference: 2 scenarios x 7 replications, serial, one run at a time."""
    batch = run_batch(_two(), reps=7, seed=21, backend="serial")
    return batch.runs, batch.series


def _same(batch, reference: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    pd.testing.assert_frame_equal(batch.runs, reference[0], check_exact=True)
    pd.testing.assert_frame_equal(batch.series, reference[1], check_exact=True)


def _outputs(seconds: list[float]) -> list[RunOutput]:
    return [RunOutput(("a", i), {}, None, seconds=s) for i, s in enumerate(seconds)]


# ------------------------------------------------------------------ sizing

def test_chunks_are_sized_from_the_measured_runs() -> None:
    specs = plan(_two(), 500, 1)  # 1,000 runs
    chunker = Chunker(specs)
    assert chunker.next_size(2) == 1  # nothing measured yet: single runs
    assert [len(c) for c in chunker.chunks(4, 2)] == [1, 1, 1, 1]
    chunker.observe(_outputs([0.02]))  # 20 ms a run
    assert chunker.next_size(2) == round(TARGET_TASK_SECONDS / 0.02)
    chunker.observe(_outputs([0.0] * 200))  # runs too fast to time: the ceilings
    assert chunker.per_run == pytest.approx(0.0, abs=1e-9)
    assert chunker.next_size(2) == min(MAX_CHUNK, chunker.left // (2 * TASKS_PER_WORKER_LEFT))
    chunker.observe(_outputs([50.0] * 5))  # the runs became very slow: one per task
    assert chunker.next_size(2) == 1
    assert Chunker(specs, 7).next_size(2) == 7  # a given size is kept


def test_near_the_end_chunks_shrink_so_every_worker_keeps_work() -> None:
    chunker = Chunker(plan(_two(), 50, 1))  # 100 runs
    chunker.observe(_outputs([0.001] * 10))  # 200 runs would make 0.2 s
    sizes = [len(c) for c in chunker.chunks(1000, workers=2)]
    assert sum(sizes) == 100 and chunker.left == 0
    assert sizes[0] == 100 // (2 * TASKS_PER_WORKER_LEFT)
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
    assert len(sizes) >= 2 * TASKS_PER_WORKER_LEFT


def test_a_fixed_chunk_keeps_plan_order_and_every_spec_once() -> None:
    specs = plan(_two(), 5, 1)
    chunks = Chunker(specs, 3).chunks(100, workers=4)
    assert [len(c) for c in chunks] == [3, 3, 3, 1]
    assert [s.key for c in chunks for s in c] == [s.key for s in specs]


@pytest.mark.parametrize("bad", [0, -2, 1.5, "3", True])
def test_a_bad_chunk_is_refused_by_name(bad: object) -> None:
    with pytest.raises(ValueError, match=r"chunk: must be a whole number of runs per task"):
        run_batch(_two(), reps=1, backend="process", chunk=bad)  # type: ignore[arg-type]


def test_cli_batch_takes_chunk_and_refuses_zero(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["batch", str(SCENARIOS / "direction.toml"), "--reps", "4", "--set",
            "run.horizon_weeks=12", "--set", "run.warmup_weeks=2", "--workers", "2"]
    refused = runner.invoke(app, [*args, "--out", str(tmp_path / "no"), "--chunk", "0"])
    assert refused.exit_code == 2 and "--chunk" in refused.output
    assert not (tmp_path / "no").exists()
    chunked = runner.invoke(app, [*args, "--out", str(tmp_path / "c"), "--chunk", "3"])
    plain = runner.invoke(app, [*args, "--out", str(tmp_path / "s"), "--backend", "serial"])
    assert chunked.exit_code == 0 and plain.exit_code == 0, chunked.output + plain.output
    runs = ResultStore(tmp_path / "c").runs()
    assert len(runs) == 4
    pd.testing.assert_frame_equal(runs, ResultStore(tmp_path / "s").runs(), check_exact=True)


# ------------------------------------------------------------------ same numbers

@pytest.mark.parametrize("chunk", [*CHUNKS, None])
def test_process_pool_gives_the_serial_numbers_whatever_the_chunk(
        serial, tmp_path: Path, chunk: int | None) -> None:
    _same(run_batch(_two(), reps=7, seed=21, backend="process", workers=2, chunk=chunk),
          serial)
    _same(run_batch(_two(), reps=7, seed=21, backend="process", workers=2, chunk=chunk,
                    out=tmp_path), serial)


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_dask_gives_the_serial_numbers_whatever_the_chunk(serial, dask_scheduler: str,
                                                          tmp_path: Path) -> None:
    for chunk in (*CHUNKS, None):
        _same(run_batch(_two(), reps=7, seed=21, backend="dask", scheduler=dask_scheduler,
                        chunk=chunk, out=tmp_path / f"chunk-{chunk}"), serial)


@pytest.mark.slow  # starts a Dask scheduler and workers
def test_each_dask_worker_is_named_when_its_first_results_arrive(dask_scheduler: str,
                                                                 tmp_path: Path) -> None:
    from dask.distributed import Client

    from sim.model import build
    from sim.provenance import code_identity

    heard: list[dict] = []
    with Client(dask_scheduler) as client:
        pids = client.run(os.getpid)
        outputs = run_specs(plan(_two(), 4, 0), Executor("dask", chunk=1), client=client,
                            on_worker=heard.append)
    assert all(o.ok for o in outputs)
    named = {address: identity for found in heard for address, identity in found.items()}
    assert len(named) == len(heard) > 0  # each worker once
    for address, identity in named.items():
        assert identity["pid"] == pids[address]
        assert identity["code"]["source_hash"] == code_identity(build())["source_hash"]


@pytest.mark.slow  # starts a Dask scheduler and workers
def test_a_stored_dask_batch_names_each_worker_as_its_results_arrive(
        dask_scheduler: str, tmp_path: Path, monkeypatch) -> None:
    """With the surveys at the start and the end silenced, the manifest names the
    workers only through their results."""
    from dask.distributed import Client

    import sim.experiment.cluster as cluster_module

    monkeypatch.setattr(cluster_module, "check_workers", lambda client, scheduler="": {})
    monkeypatch.setattr(cluster_module, "same_code_workers", lambda client: {})
    run_batch(_two(), reps=4, seed=0, backend="dask", scheduler=dask_scheduler, chunk=1,
              out=tmp_path)
    with Client(dask_scheduler) as client:
        pids = client.run(os.getpid)
    named = {w["address"]: w["pid"] for w in ResultStore.load(tmp_path).manifest["workers"]}
    assert named and all(pids[address] == pid for address, pid in named.items())


# ------------------------------------------------------------------ failures, crashes, resume

def _with_a_bad_run(reps: int, seed: int, bad: int) -> list:
    """The plan of :func:`_two`, with run number ``bad`` made to fail (an invalid value
    applied at run time)."""
    specs = plan(_two(), reps, seed)
    specs[bad] = dataclasses.replace(specs[bad], changes={"run.horizon_weeks": -1.0})
    return specs


def test_a_failing_run_inside_a_chunk_loses_none_of_the_chunks_other_runs() -> None:
    specs = _with_a_bad_run(3, 4, bad=1)
    outputs = execute_chunk(specs[:3])
    assert [o.ok for o in outputs] == [True, False, True]
    assert "horizon_weeks" in outputs[1].failure["error"]
    good = execute(specs[2])
    pd.testing.assert_frame_equal(outputs[2].series, good.series, check_exact=True)


@pytest.mark.parametrize("backend", ["process", pytest.param("dask", marks=pytest.mark.slow)])
def test_a_failed_run_in_a_chunk_is_recorded_and_the_rest_stored(
        serial, tmp_path: Path, backend: str, request) -> None:
    specs = _with_a_bad_run(7, 21, bad=4)  # the middle of the second chunk of 3
    store = ResultStore(tmp_path)
    todo = store.begin(specs, 21, 7, backend)
    executor = (Executor("dask", chunk=3, scheduler=request.getfixturevalue("dask_scheduler"))
                if backend == "dask" else Executor("process", workers=2, chunk=3))
    try:
        run_specs(todo, executor, on_result=store.add)
        store.finish()
    finally:
        store.close()
    failures = store.failures()
    assert list(zip(failures["scenario"], failures["replication"], strict=True)) == [("a", 4)]
    keep = ~((serial[0]["scenario"] == "a") & (serial[0]["replication"] == 4))
    pd.testing.assert_frame_equal(store.runs(), serial[0][keep].reset_index(drop=True),
                                  check_exact=True)


def test_a_resumed_chunked_batch_runs_only_the_missing_runs(serial, tmp_path: Path,
                                                            monkeypatch) -> None:
    from concurrent.futures import ProcessPoolExecutor

    store = ResultStore(tmp_path)
    specs = plan(_two(), 7, 21)
    for spec in store.begin(specs[:5] + specs[9:11], 21, 7, "serial"):
        store.add(execute(spec))
    store.flush()
    store.close()  # stopped: 7 runs stored, 7 missing
    submitted: list[tuple[str, int]] = []
    submit = ProcessPoolExecutor.submit
    monkeypatch.setattr(ProcessPoolExecutor, "submit", lambda self, fn, chunk, *a, **k:
                        submitted.extend(s.key for s in chunk) or submit(self, fn, chunk,
                                                                         *a, **k))
    resumed = run_batch(_two(), reps=7, seed=21, backend="process", workers=2, chunk=3,
                        out=tmp_path)
    missing = [s.key for s in specs[5:9] + specs[11:]]
    assert submitted == missing
    _same(resumed, serial)


def test_a_killed_pool_worker_loses_only_the_chunks_in_flight(serial, tmp_path: Path,
                                                             monkeypatch) -> None:
    import multiprocessing

    # the pool forks its workers (Linux, Python 3.11), so they see this patch
    assert multiprocessing.get_start_method() == "fork"
    # chunks of 3: a0-a2, a3-a5, a6-b1, b2-b4, b5-b6; the worker dies on b6, the last run,
    # so the chunks before it have been finished by then (a worker takes a chunk only
    # once it has sent back the one before)
    parent, fatal = os.getpid(), plan(_two(), 7, 21)[13]
    simulate = batch_module.simulate

    def killing(scenario, seed):  # the worker dies as the out-of-memory killer does it
        if os.getpid() != parent and seed == fatal.seed and scenario == fatal.scenario:
            os.kill(os.getpid(), signal.SIGKILL)
        return simulate(scenario, seed)

    from concurrent.futures import process as futures_process

    manager = futures_process._ExecutorManagerThread
    internals = manager.join_executor_internals

    def late(self) -> None:  # a busy machine: the pool's manager closes its pipe late
        time.sleep(1.0)
        internals(self)

    monkeypatch.setattr(manager, "join_executor_internals", late)
    handed: list[tuple[str, int]] = []
    add = ResultStore.add
    monkeypatch.setattr(batch_module, "simulate", killing)
    monkeypatch.setattr(ResultStore, "add",
                        lambda self, out: handed.append(out.spec_key) or add(self, out))
    with pytest.raises(batch_module.WorkerLost, match="ended unexpectedly"):
        run_batch(_two(), reps=7, seed=21, backend="process", workers=2, chunk=3,
                  out=tmp_path)
    # the pool's manager thread has ended and closed its wake-up pipe: none is left for
    # the interpreter's exit to wake (Python 3.11 races the two and prints a "Bad file
    # descriptor" traceback)
    assert [t for t in threading.enumerate()
            if type(t).__name__ == "_ExecutorManagerThread"] == []
    stored = ResultStore(tmp_path).done_keys()
    assert stored == set(handed)  # every run handed to the store is stored
    assert len(stored) >= 9  # the first three chunks at least
    assert not stored & {("b", 5), ("b", 6)}  # the dead worker's chunk is lost
    monkeypatch.undo()
    _same(run_batch(_two(), reps=7, seed=21, backend="process", workers=2, chunk=3,
                    out=tmp_path), serial)


def test_a_dask_calibration_task_evaluates_enough_particles_for_its_time() -> None:
    from sim.experiment.calibration import particles_per_task
    from sim.experiment.scale import estimate
    from sim.scenario_files import load_scenario

    small = _two()["a"]
    n, per_particle = particles_per_task(small, 2), 2 * estimate(small).cpu_seconds
    assert n > 1 and (n - 1) * per_particle < TARGET_TASK_SECONDS <= n * per_particle
    assert particles_per_task(load_scenario(SCENARIOS / "large-city.toml"), 3) == 1


def _frozen(spec: batch_module.RunSpec) -> RunOutput:
    """A run that reports how many objects its process has taken out of the collector's
    sight (gc.freeze)."""
    import gc

    return RunOutput(spec.key, {"frozen": gc.get_freeze_count()}, None)


def test_pool_workers_settle_their_heap_and_a_serial_batch_leaves_the_interpreter_alone(
        monkeypatch) -> None:
    import gc

    monkeypatch.setattr(batch_module, "execute", _frozen)
    specs = plan(_two(), 2, 0)
    before = gc.get_freeze_count()
    pooled = run_specs(specs, Executor("process", workers=2, chunk=1))
    assert all(out.row["frozen"] > 10_000 for out in pooled)  # the inherited modules
    serial = run_specs(specs, Executor("serial"))
    assert [out.row["frozen"] for out in serial] == [before] * len(specs)
    assert gc.get_freeze_count() == before

"""Run options: one frozen, validated Executor and one StoreOptions, and the old keywords
that still build them (in one place)."""

from __future__ import annotations

import dataclasses

import pytest

from sim.experiment import run_batch
from sim.experiment.options import Executor, StoreOptions, run_options
from tests.conftest import short


@pytest.mark.parametrize(("given", "message"), [
    ({"backend": "gpu"}, "backend: must be one of serial, process, dask, got 'gpu'"),
    ({"backend": "process", "scheduler": "tcp://h:8786"}, "scheduler: only with backend dask"),
    ({"workers": 0}, "workers: must be a whole number >= 1"),
    ({"workers": True}, "workers: must be a whole number >= 1"),
    ({"chunk": 0}, "chunk: must be a whole number of runs per task >= 1"),
    ({"chunk": 2.5}, "chunk: must be a whole number of runs per task >= 1"),
])
def test_an_executor_refuses_what_cannot_run(given: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Executor(**given)


@pytest.mark.parametrize("budget", [0, -1, float("inf"), float("nan")])
def test_store_options_refuse_a_time_budget_that_is_not_a_time(budget: float) -> None:
    with pytest.raises(ValueError, match="time budget: must be a number of seconds > 0"):
        StoreOptions(time_budget=budget)


def test_the_values_are_frozen_and_the_old_keywords_build_the_same() -> None:
    executor = Executor("serial", chunk=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        executor.backend = "process"  # type: ignore[misc]
    built, store = run_options(backend="serial", chunk=2, force=True, time_budget=5.0)
    assert built == executor and store == StoreOptions(force=True, time_budget=5.0)
    assert run_options() == (Executor(), StoreOptions())
    with pytest.raises(ValueError, match="time budget: works with backend serial or process"):
        run_options(Executor("dask"), StoreOptions(time_budget=1.0))
    with pytest.raises(TypeError, match="either executor or backend"):
        run_options(executor, backend="process")
    with pytest.raises(TypeError, match="either store or force"):
        run_options(store=StoreOptions(), force=True)
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*: bakend"):
        run_options(bakend="serial")


def test_run_batch_takes_the_values_or_the_old_keywords_alike() -> None:
    scenarios = {"a": short("direction", run={"warmup_weeks": 4, "horizon_weeks": 12})}
    new = run_batch(scenarios, reps=2, seed=3, executor=Executor("serial"))
    old = run_batch(scenarios, reps=2, seed=3, backend="serial")
    assert new.runs.equals(old.runs)
    with pytest.raises(ValueError, match="backend: must be one of"):
        run_batch(scenarios, reps=1, backend="gpu")

"""The experiment engine: backends agree bit for bit, the store resumes, analysis is right."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.experiment.batch as batch_module
from sim.analysis import mean_ci, paired_differences
from sim.analysis.precision import Target, relative_half_width, replications_needed
from sim.experiment import ResultStore, replication_seeds, run_batch
from sim.experiment.exploration import (
    latin_hypercube,
    parse_ranges,
    prim_box,
    saltelli_points,
    sobol_indices,
    sobol_points,
)
from sim.experiment.sensitivity import run_sensitivity
from sim.experiment.sequential import run_to_precision
from sim.experiment.store import StoreMismatch
from tests.conftest import ROOT, short


def _two() -> dict:
    return {"consultative": short("consultative"), "direction": short("direction")}


def test_replication_seeds_are_stable_prefixes() -> None:
    assert replication_seeds(5, 3) == replication_seeds(5, 10)[:3]
    assert len(set(replication_seeds(5, 100))) == 100
    assert replication_seeds(5, 3) != replication_seeds(6, 3)


def test_serial_and_process_pool_give_identical_tables() -> None:
    a = run_batch(_two(), reps=4, seed=3, backend="serial")
    b = run_batch(_two(), reps=4, seed=3, backend="process", workers=2)
    pd.testing.assert_frame_equal(a.runs, b.runs, check_exact=True)
    pd.testing.assert_frame_equal(a.series, b.series, check_exact=True)


@pytest.mark.slow
def test_dask_gives_identical_tables() -> None:
    a = run_batch(_two(), reps=3, seed=3, backend="serial")
    b = run_batch(_two(), reps=3, seed=3, backend="dask", workers=2)
    pd.testing.assert_frame_equal(a.runs, b.runs, check_exact=True)
    pd.testing.assert_frame_equal(a.series, b.series, check_exact=True)


def test_common_random_numbers_replication_i_shares_its_seed() -> None:
    runs = run_batch(_two(), reps=3, seed=1, backend="serial").runs
    seeds = runs.pivot(index="replication", columns="scenario", values="seed")
    assert (seeds["consultative"] == seeds["direction"]).all()


def test_store_resumes_without_duplicates(tmp_path: Path) -> None:
    first = run_batch(_two(), reps=2, seed=4, backend="serial", out=tmp_path)
    more = run_batch(_two(), reps=4, seed=4, backend="serial", out=tmp_path)
    fresh = run_batch(_two(), reps=4, seed=4, backend="serial")
    assert len(first.runs) == 4
    pd.testing.assert_frame_equal(more.runs, fresh.runs, check_exact=True)
    pd.testing.assert_frame_equal(more.series, fresh.series, check_exact=True)
    manifest = ResultStore(tmp_path).manifest()
    assert manifest["status"] == "complete"
    assert set(manifest["scenarios"]) == {"consultative", "direction"}
    assert manifest["packages"]["simpy"]


def test_store_refuses_another_batch(tmp_path: Path) -> None:
    run_batch(_two(), reps=1, seed=4, backend="serial", out=tmp_path)
    with pytest.raises(StoreMismatch):
        run_batch(_two(), reps=1, seed=5, backend="serial", out=tmp_path)


KILL_SCRIPT = """
import os, signal, sys
from sim.experiment import run_batch, store
from sim.experiment.store import parts
from tests.conftest import short

out, reps, commits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
write = parts.atomic_write
written = [0]


def add(self, output):  # flush after every run
    self._pending.append(output)
    self.flush()


def atomic(path, data, **kwargs):
    # SIGKILL in the middle of flush number commits + 1: its series part is written,
    # its runs part (the commit) is not
    if path.name.startswith("runs-") and written[0] == commits:
        os.kill(os.getpid(), signal.SIGKILL)
    write(path, data, **kwargs)
    written[0] += path.name.startswith("runs-")


store.ResultStore.add = add
parts.atomic_write = atomic
scenarios = {"consultative": short("consultative"), "direction": short("direction")}
run_batch(scenarios, reps=reps, seed=11, backend="serial", out=out)
"""


def test_sigkill_midway_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    reps, commits = 4, 5
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(out), str(reps),
                           str(commits)], cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert len(ResultStore(out).runs()) == commits  # every committed flush, nothing else
    assert len(list((out / "parts").glob("series-*.parquet"))) == commits + 1
    # the OS let go of the killed batch's lock: the same command resumes, no --break-lock
    resumed = run_batch(_two(), reps=reps, seed=11, backend="serial", out=out)
    clean = run_batch(_two(), reps=reps, seed=11, backend="serial", out=tmp_path / "clean")
    pd.testing.assert_frame_equal(resumed.runs, clean.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.series, clean.series, check_exact=True)
    assert not (out / "parts").exists() and not (out / ".regiesim.lock.holder.json").exists()


def test_mean_ci_matches_textbook() -> None:
    ci = mean_ci([1.0, 2.0, 3.0, 4.0])
    # mean 2.5, sd 1.2910, t(0.975, 3) = 3.1824
    assert ci.mean == pytest.approx(2.5)
    assert ci.half_width == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)


def test_paired_differences_use_pairs() -> None:
    rng = np.random.default_rng(0)
    common = rng.normal(0, 10, 30)
    runs = pd.DataFrame({"scenario": ["a"] * 30 + ["b"] * 30,
                         "replication": list(range(30)) * 2,
                         "y": np.concatenate([common, common + 1.0 + rng.normal(0, 0.1, 30)])})
    row = paired_differences(runs, ["y"], "a").iloc[0]
    assert row["ci_low"] > 0.9 and row["ci_high"] < 1.1  # unpaired CI would span +-5


def test_replications_needed_meets_the_target() -> None:
    rng = np.random.default_rng(1)
    sample = rng.normal(10, 2, 20)
    n = replications_needed(sample, 0.02)
    assert 50 < n < 250  # about (1.96 * 2 / 0.2)^2 = 154
    bigger = np.concatenate([sample, rng.normal(10, 2, n)])
    assert relative_half_width(bigger) < 0.03


class _Toy:
    """Stands in for a run: outcomes a known function of the scenario and the seed."""

    def __init__(self, scenario, seed: int) -> None:
        noise = np.random.default_rng(seed).normal()
        m = scenario.municipality
        self.summary = {"y": 10.0 + 2.0 * noise,  # mean 10, sd 2: needs ~60 reps for 5%
                        "dialogue_driven": 5.0 * m.dialogue + 0.01 * noise,
                        "feedback_driven": 3.0 * m.feedback + 0.01 * noise}
        self.series = pd.DataFrame({"week": [0, 1], "x": [noise, noise]})


def test_sequential_mode_extends_until_precise(monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _Toy)
    rounds: list[tuple[int, int]] = []
    batch = run_to_precision({"a": short("direction")}, Target(["y"], 0.05), seed=2,
                             min_reps=5, max_reps=500, backend="serial",
                             report=lambda done, status: rounds.append(
                                 (done, int(status["needed"].max()))))
    reps = batch.runs["replication"].nunique()
    assert rounds[0][0] == 5 and rounds[0][1] > 5, "the first round must fall short"
    assert len(rounds) >= 2 and 5 < reps < 500
    assert rounds[-1] == (reps, rounds[-1][1]) and rounds[-1][1] <= reps
    assert relative_half_width(batch.runs["y"]) <= 0.05
    assert 30 < reps < 120  # about (1.96 * 2 / 0.5)^2 = 61


def test_sensitivity_finds_the_parameter_that_drives_each_outcome(tmp_path: Path,
                                                                  monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _Toy)
    ranges = parse_ranges({"municipality.dialogue": [0.0, 1.0],
                           "municipality.feedback": [0.0, 1.0],
                           "regisseurs.corps_size": [0, 8]})  # drives nothing here
    result = run_sensitivity(short("direction"), ranges, 64, tmp_path, seed=1,
                             backend="serial")
    idx = result.indices.set_index(["outcome", "parameter"])
    # y depends on the seed only: on common random numbers it is the same at every point,
    # so it gets no indices (they would be 0/0)
    assert set(idx.index.get_level_values(0)) == {"dialogue_driven", "feedback_driven"}
    for outcome, driver in (("dialogue_driven", "municipality.dialogue"),
                            ("feedback_driven", "municipality.feedback")):
        assert idx.loc[(outcome, driver), "ST"] > 0.9 and idx.loc[(outcome, driver), "ST_low"] > 0.5
        for other in set(ranges.names) - {driver}:
            assert abs(idx.loc[(outcome, other), "ST"]) < 0.01
    saved = pd.read_csv(tmp_path / "sobol.csv")
    assert len(saved) == len(result.indices) == 6
    samples = pd.read_csv(tmp_path / "samples.csv")
    assert samples["y"].nunique() == 1
    np.testing.assert_allclose(samples["dialogue_driven"],
                               5.0 * samples["municipality.dialogue"], atol=0.05)


def test_ranges_validation_and_sampling() -> None:
    ranges = parse_ranges({"municipality.dialogue": [0.0, 1.0],
                           "regisseurs.corps_size": [0, 8]})
    lhs = latin_hypercube(ranges, 20, seed=1)
    assert lhs["municipality.dialogue"].between(0, 1).all()
    assert lhs["regisseurs.corps_size"].dtype.kind == "i"
    assert len(saltelli_points(ranges, 8, seed=1)) == 8 * (2 + 2)
    qmc = sobol_points(ranges, 10, seed=1)
    assert len(qmc) == 16 and qmc["municipality.dialogue"].between(0, 1).all()
    with pytest.raises(ValueError, match=r"ranges\.municipality\.dialog"):
        parse_ranges({"municipality.dialog": [0, 1]})
    with pytest.raises(ValueError, match="low must be below high"):
        parse_ranges({"municipality.dialogue": [1, 0]})


def test_sobol_indices_find_the_influential_parameter() -> None:
    ranges = parse_ranges({"municipality.dialogue": [0.0, 1.0],
                           "municipality.feedback": [0.0, 1.0]})
    x = saltelli_points(ranges, 256, seed=3)
    y = 5 * x["municipality.dialogue"].to_numpy() + 0.1 * x["municipality.feedback"].to_numpy()
    idx = sobol_indices(ranges, y).set_index("parameter")
    assert idx.loc["municipality.dialogue", "ST_low"] > 0.8
    assert idx.loc["municipality.feedback", "ST_high"] < 0.1


@pytest.mark.slow
def test_prim_finds_the_box_that_holds_the_hits() -> None:
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.random((600, 3)), columns=["a", "b", "c"])
    hit = ((x.a > 0.6) & (x.b < 0.4)).to_numpy()
    box = prim_box(x, hit, threshold=0.8).set_index("parameter")
    assert set(box.index) == {"a", "b"}
    assert box.loc["a", "low"] == pytest.approx(0.6, abs=0.05)
    assert box.loc["b", "high"] == pytest.approx(0.4, abs=0.05)


@pytest.mark.slow
def test_dask_worker_killed_midway_loses_nothing() -> None:
    import threading

    from dask.distributed import Client, LocalCluster

    scenarios = {k: v.with_changes({"run.horizon_weeks": 104.0}) for k, v in _two().items()}
    reference = run_batch(scenarios, reps=30, seed=8, backend="serial")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        address, victim = next(iter(client.run(os.getpid).items()))
        killed: list[float] = []
        ended = threading.Event()

        def kill_when_busy() -> None:  # while the victim holds a chunk of the batch
            while not ended.is_set():
                if client.processing().get(address):
                    os.kill(victim, signal.SIGKILL)
                    killed.append(time.monotonic())
                    return
                time.sleep(0.005)

        killer = threading.Thread(target=kill_when_busy)
        killer.start()
        try:
            batch = run_batch(scenarios, reps=30, seed=8, backend="dask",
                              scheduler=cluster.scheduler_address)
            end = time.monotonic()
        finally:
            ended.set()
            killer.join()
        assert killed and killed[0] < end, "the batch ended before the kill"
        with pytest.raises(ProcessLookupError):
            os.kill(victim, 0)
    pd.testing.assert_frame_equal(batch.runs, reference.runs, check_exact=True)


@pytest.mark.slow
def test_sigterm_on_a_pool_batch_keeps_finished_runs_and_ends_workers(tmp_path: Path) -> None:
    out = tmp_path / "b"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "batch", str(ROOT / "scenarios" / "direction.toml"),
         "--reps", "400", "--out", str(out), "--backend", "process", "--workers", "2"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (out / "parts").exists() or not list((out / "parts").glob("runs-*.parquet")):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) != 0
    stored = ResultStore(out).runs()
    assert 0 < len(stored) < 400
    time.sleep(1)
    mark = str(out).encode()
    left = [p for p in Path("/proc").iterdir() if p.name.isdigit()
            and mark in _cmdline(p)]
    assert not left, "worker processes outlived the batch"


def _cmdline(entry: Path) -> bytes:
    try:
        return (entry / "cmdline").read_bytes()
    except OSError:
        return b""

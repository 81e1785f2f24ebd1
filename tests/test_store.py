"""The result store never loses or mixes data: locks, foreign folders, failed runs, code
identity, streamed consolidation, the scale guard."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import sim.experiment.batch as batch_module
import sim.experiment.store as store_module
import sim.experiment.store.parts as parts_module
import sim.experiment.store.writer as writer_module
import sim.model
from sim.cli import app
from sim.experiment import ResultStore, run_batch
from sim.experiment.batch import plan
from sim.experiment.options import Executor
from sim.experiment.scale import MAX_INITIATIVES, TooBig, estimate
from sim.experiment.store import LOCK_NAME, StoreError, StoreLocked, StoreMismatch
from sim.lock import holder_path
from sim.provenance import code_identity, same_code, source_hash, with_contents
from sim.run import simulate
from tests.conftest import ROOT, SCENARIOS, short
from tests.stores import counting, released, stopped_batch

runner = CliRunner()
SHORT = ["--set", "run.horizon_weeks=12", "--set", "run.warmup_weeks=2"]


def _one() -> dict:
    return {"a": short("direction", run={"horizon_weeks": 12.0, "warmup_weeks": 2.0})}


def _two() -> dict:
    return {**_one(), "b": short("directive", run={"horizon_weeks": 12.0, "warmup_weeks": 2.0})}


# ------------------------------------------------------------------ code identity

def test_source_hash_is_stable_and_sees_every_change(tmp_path: Path) -> None:
    src = tmp_path / "sim"
    (src / "model").mkdir(parents=True)
    (src / "a.py").write_text("x = 1\n")
    (src / "model" / "b.py").write_text("y = 2\n")
    first = source_hash(src)
    assert source_hash(src) == first
    (src / "model" / "b.py").write_text("y = 3\n")
    assert source_hash(src) != first
    (src / "model" / "b.py").write_text("y = 2\n")
    assert source_hash(src) == first
    (src / "c.py").write_text("")  # a new, empty file counts too
    assert source_hash(src) != first
    ident = code_identity(sim.model.build())
    assert set(ident) == {"version", "source_hash", "git_revision", "git_dirty", "model_build",
                          "dependencies"}
    assert len(ident["source_hash"]) == 64
    assert ident["model_build"] == sim.model.build()


def test_code_is_the_same_by_its_source_hash_not_by_its_revision() -> None:
    """Uncommitted edits keep the git revision but change the sources: other code. A new
    commit of the same sources (or a dirty flag) is the same code."""
    ident = {"version": "0.1.0", "source_hash": "a" * 64, "git_revision": "r1",
             "git_dirty": False, "model_build": "compiled"}
    assert same_code(ident, dict(ident))
    assert not same_code(ident, {**ident, "source_hash": "b" * 64})
    assert not same_code(ident, {**ident, "source_hash": "b" * 64, "git_dirty": True})
    assert same_code(ident, {**ident, "git_revision": "r2", "git_dirty": True,
                             "version": "0.2.0", "model_build": "pure Python"})
    assert not same_code(None, ident) and not same_code({}, {}) and not same_code(
        {"git_revision": "r1"}, {"git_revision": "r1"})


def test_resume_refuses_results_of_other_code(tmp_path: Path, monkeypatch) -> None:
    run_batch(_one(), reps=1, seed=1, backend="serial", out=tmp_path)
    stored = ResultStore(tmp_path).manifest()["code"]
    # the running identity, with the contents of the dependencies' modules (a new folder)
    assert stored == with_contents(code_identity(sim.model.build()))
    other = {**stored, "source_hash": "f" * 64}  # edited sources, the same git revision
    monkeypatch.setattr(writer_module, "code_identity", lambda _build: other)
    with pytest.raises(StoreMismatch, match="the sim/ sources differ") as info:
        run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path)
    assert stored["source_hash"][:16] in str(info.value) and "ffffffffffffffff" in str(info.value)
    assert len(ResultStore(tmp_path).runs()) == 1  # nothing mixed in


# ------------------------------------------------------------------ the folder

def test_refuses_a_folder_with_user_files_and_leaves_them(tmp_path: Path) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("precious")
    with pytest.raises(StoreError, match=r"not empty.*no regiesim manifest"):
        run_batch(_one(), reps=1, seed=1, backend="serial", out=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert mine.read_text() == "precious"


def test_user_files_inside_a_store_survive_resume_and_consolidation(tmp_path: Path) -> None:
    run_batch(_one(), reps=1, seed=1, backend="serial", out=tmp_path)
    (tmp_path / "parts").mkdir()
    keep = [tmp_path / "analysis.csv", tmp_path / "parts" / "mine.txt"]
    for path in keep:
        path.write_text("mine")
    run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path)
    assert all(p.read_text() == "mine" for p in keep)


def test_empty_out_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="empty folder name"):
        ResultStore("")
    result = runner.invoke(app, ["batch", str(SCENARIOS / "direction.toml"), "--out", "",
                                 "--reps", "1", "--backend", "serial", *SHORT])
    assert result.exit_code == 2 and "--out . for the current folder" in result.output


def test_corrupt_manifest_is_named(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(StoreError, match=r"manifest\.json: not a readable manifest"):
        run_batch(_one(), reps=1, seed=1, backend="serial", out=tmp_path)
    with pytest.raises(StoreError, match=r"manifest\.json"):
        ResultStore.load(tmp_path)


def test_load_returns_runs_series_manifest(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="holds no regiesim results"):
        ResultStore.load(tmp_path)
    done = run_batch(_two(), reps=2, seed=3, backend="serial", out=tmp_path)
    stored = ResultStore.load(tmp_path)
    pd.testing.assert_frame_equal(stored.runs, done.runs)
    pd.testing.assert_frame_equal(stored.series, done.series)
    assert stored.manifest["scenarios"].keys() == {"a", "b"} and stored.complete
    assert stored.failures.empty


def _digest(config: dict) -> str:
    """Scenario.digest of a resolved scenario given as a dict."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]


def test_the_manifest_holds_one_base_and_each_scenario_as_its_changes(tmp_path: Path) -> None:
    base = _one()["a"]
    scenarios = {
        "a": base,
        "directive": _two()["b"],  # another style: many values differ
        "cut": base.with_changes({"tension.cuts": [{"week": 4.0, "tension": 0.5}],
                                  "initiatives.arrival_rate": 2.75}),
    }
    store = ResultStore(tmp_path)
    store.begin(plan(scenarios, 1, 0), seed=0, reps=1, backend="serial")
    store.finish()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["base"] == base.model_dump(mode="json")
    assert manifest["scenarios"]["a"]["changes"] == {}
    assert manifest["scenarios"]["cut"]["changes"].keys() == {"tension.cuts",
                                                              "initiatives.arrival_rate"}
    for name, scenario in scenarios.items():
        config = store_module.scenario_config(manifest, name)
        assert config == scenario.model_dump(mode="json")
        assert _digest(config) == manifest["scenarios"][name]["hash"] == scenario.digest()
    # a manifest of an older store holds every scenario resolved in full
    old = {"scenarios": {"x": {"hash": "h", "resolved": {"run": {"horizon_weeks": 5.0}}}}}
    assert store_module.scenario_config(old, "x") == {"run": {"horizon_weeks": 5.0}}

# ------------------------------------------------------------------ one writer

def test_the_manifest_is_created_exclusively(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store._write_manifest({"format": "first"}, exclusive=True)
    with pytest.raises(StoreLocked, match="appeared while this batch started"):
        store._write_manifest({"format": "second"}, exclusive=True)
    assert json.loads((tmp_path / "manifest.json").read_text()) == {"format": "first"}
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temporary left


def test_begin_never_overwrites_a_manifest_that_appeared(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "manifest.json").write_text('{"theirs": true}')
    monkeypatch.setattr(ResultStore, "manifest", lambda self: None)  # it appeared just now
    with pytest.raises(StoreLocked, match="another batch"):
        run_batch(_one(), reps=1, seed=1, backend="serial", out=tmp_path)
    assert (tmp_path / "manifest.json").read_text() == '{"theirs": true}'
    assert released(tmp_path)


def test_a_second_batch_is_refused_while_the_first_holds_the_folder(tmp_path: Path) -> None:
    first = ResultStore(tmp_path)
    first.begin(plan(_one(), 2, 1), 1, 2, "serial")
    here = f"pid {os.getpid()} on host {socket.gethostname()}"
    with pytest.raises(StoreLocked, match=f"in use by another batch \\({here}"):
        run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path)
    with pytest.raises(StoreLocked, match="still running"):  # a held lock is not broken
        run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path, break_lock=True)
    first.close()
    assert len(run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path).runs) == 2
    assert released(tmp_path)


HOLD = """
import sys, time
from pathlib import Path
from sim.experiment.store import FolderLock
lock = FolderLock(Path(sys.argv[1]))  # kept: a lock that is collected is let go
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_the_lock_of_a_killed_batch_ends_with_it(tmp_path: Path) -> None:
    """kill -9 leaves the holder's note behind, but the OS let go of its lock: the same
    command goes on without --break-lock (there is no stale lock any more)."""
    run_batch(_one(), reps=1, seed=1, backend="serial", out=tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreLocked, match=f"in use by another batch \\(pid {holder.pid} "
                                              f"on host {socket.gethostname()}"):
            run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert json.loads(holder_path(tmp_path / LOCK_NAME).read_text())["pid"] == holder.pid
    assert len(run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path).runs) == 2
    assert released(tmp_path)


def test_part_names_are_unique_across_writers(tmp_path: Path) -> None:
    outputs = [batch_module.execute(s) for s in plan(_one(), 2, 1)]
    for output in outputs:  # two stores (as two processes would be), one flush each
        store = ResultStore(tmp_path)
        store.add(output)
        store.flush()
    assert len(list((tmp_path / "parts").glob("runs-*.parquet"))) == 2
    assert len(ResultStore(tmp_path).runs()) == 2


# ------------------------------------------------------------------ failed runs

def _failing(bad: set[tuple[str, int]], hang: bool = False, base_seed: int = 2):
    """``simulate``, but the runs ``bad`` raise (after a bounded 'hang' if ``hang``); a run
    is known by its seed, so the fake works in any worker process."""
    reps = {s: i for i, s in enumerate(batch_module.replication_seeds(base_seed, 10))}

    def fake(scenario, seed):
        name = scenario.scenario.name
        rep = reps[seed]
        if (name, rep) in bad:
            end = time.monotonic() + 30  # "hangs" (bounded, so a broken budget fails, not hangs)
            while hang and time.monotonic() < end:
                time.sleep(0.01)
            return {}["energy_mean"]  # a KeyError deep inside "the model"
        return simulate(scenario, seed)

    return fake


def _never(scenario, seed):
    raise RuntimeError("this scenario must not run")


def _named() -> dict:
    return {name: sc.with_changes({"scenario.name": name}) for name, sc in _two().items()}


def test_a_failing_run_is_recorded_and_the_batch_goes_on(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _failing({("b", 1)}))
    done = run_batch(_named(), reps=3, seed=2, backend="serial", out=tmp_path)
    assert len(done.runs) == 5
    assert ("b", 1) not in set(zip(done.runs["scenario"], done.runs["replication"], strict=True))
    fail = done.failures.iloc[0]
    assert len(done.failures) == 1 and (fail["scenario"], fail["replication"]) == ("b", 1)
    assert fail["error"] == "KeyError: 'energy_mean'" and "Traceback" in fail["traceback"]
    assert fail["seed"] == plan(_named(), 3, 2)[4].seed
    manifest = ResultStore(tmp_path).manifest()
    assert manifest["status"] == "complete with failures" and manifest["failed_runs"] == 1
    # a resume tries the failed run again; once it succeeds the failure is gone
    monkeypatch.setattr(batch_module, "simulate", simulate)
    again = run_batch(_named(), reps=3, seed=2, backend="serial", out=tmp_path)
    assert len(again.runs) == 6 and again.failures.empty
    assert not (tmp_path / "failures.parquet").exists()
    fresh = run_batch(_named(), reps=3, seed=2, backend="serial")
    pd.testing.assert_frame_equal(again.runs, fresh.runs, check_exact=True)


def test_a_resume_executes_only_the_missing_runs(tmp_path: Path, monkeypatch) -> None:
    """Stopped after three of six runs, the same batch runs the other three and no more;
    run again when complete it runs nothing; with more replications, only the new ones."""
    ran = counting(monkeypatch)
    real_add = ResultStore.add

    def add(self, output):
        real_add(self, output)
        if len(ran) == 3:
            raise KeyboardInterrupt  # Ctrl+C after the third run

    monkeypatch.setattr(ResultStore, "add", add)
    with pytest.raises(KeyboardInterrupt):
        run_batch(_two(), reps=3, seed=4, backend="serial", out=tmp_path)
    monkeypatch.setattr(ResultStore, "add", real_add)
    every = [spec.key for spec in plan(_two(), 3, 4)]
    first = list(ran)
    assert len(first) == 3 and len(ResultStore(tmp_path).runs()) == 3
    ran.clear()
    resumed = run_batch(_two(), reps=3, seed=4, backend="serial", out=tmp_path)
    assert sorted(ran) == sorted(set(every) - set(first))
    assert len(resumed.runs) == 6
    ran.clear()
    assert len(run_batch(_two(), reps=3, seed=4, backend="serial", out=tmp_path).runs) == 6
    assert ran == []
    more = run_batch(_two(), reps=4, seed=4, backend="serial", out=tmp_path)
    assert sorted(ran) == [("a", 3), ("b", 3)] and len(more.runs) == 8
    fresh = run_batch(_two(), reps=4, seed=4, backend="serial")
    pd.testing.assert_frame_equal(more.runs, fresh.runs, check_exact=True)


def test_time_budget_ends_a_run_that_hangs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _failing({("a", 0)}, hang=True))
    done = run_batch(_named(), reps=2, seed=2, backend="serial", out=tmp_path,
                     time_budget=4.0)  # well above a run, even on a busy machine
    assert len(done.runs) == 3
    assert done.failures["error"].tolist() == [
        "RunTimeout: the run took longer than its time budget of 4 s and was ended"]
    with pytest.raises(ValueError, match="not dask"):
        run_batch(_named(), reps=1, backend="dask", time_budget=1.0)


def test_cli_batch_reports_failures_and_exits_1_then_compare_and_report_show_them(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _failing({("direction", 0)}, base_seed=1))
    out = tmp_path / "b"
    files = [str(SCENARIOS / "direction.toml"), str(SCENARIOS / "directive.toml")]
    result = runner.invoke(app, ["batch", *files, "--reps", "2", "--out", str(out),
                                 "--backend", "serial", *SHORT])
    assert result.exit_code == 1, result.output
    assert "1 run(s) failed" in result.output and "KeyError" in result.output
    assert "direction #0" in result.output
    compare = runner.invoke(app, ["compare", str(out), "--reference", "directive"])
    assert compare.exit_code == 0 and "1 run(s) failed" in compare.output
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 0 and "1 run(s) failed" in report.output
    assert "Failed runs (1)" in (out / "report.html").read_text()


# ------------------------------------------------------------------ streaming

def test_consolidation_streams_whole_runs_across_row_groups(tmp_path: Path,
                                                            monkeypatch) -> None:
    monkeypatch.setattr(parts_module, "ROW_GROUP_ROWS", 20)  # 12 weeks a run
    monkeypatch.setattr(writer_module, "FLUSH_RUNS", 1)  # a part per run
    run_batch(_two(), reps=3, seed=5, backend="serial", out=tmp_path)
    assert pq.ParquetFile(tmp_path / "series.parquet").num_row_groups >= 3  # 2 runs each
    more = run_batch(_two(), reps=5, seed=5, backend="serial", out=tmp_path)
    fresh = run_batch(_two(), reps=5, seed=5, backend="serial")
    pd.testing.assert_frame_equal(more.runs, fresh.runs, check_exact=True)
    pd.testing.assert_frame_equal(more.series, fresh.series, check_exact=True)


def test_runs_stored_out_of_plan_order_come_out_in_plan_order(tmp_path: Path) -> None:
    specs = plan(_two(), 3, 7)
    store = ResultStore(tmp_path)
    store.begin(specs, 7, 3, "serial")
    for spec in reversed(specs):  # as a pool might finish them, all in one part
        store.add(batch_module.execute(spec))
    store.finish()
    fresh = run_batch(_two(), reps=3, seed=7, backend="serial")
    pd.testing.assert_frame_equal(ResultStore(tmp_path).runs(), fresh.runs, check_exact=True)
    pd.testing.assert_frame_equal(ResultStore(tmp_path).series(), fresh.series,
                                  check_exact=True)


def test_process_pool_into_a_store_equals_serial(tmp_path: Path) -> None:
    pooled = run_batch(_two(), reps=4, seed=6, backend="process", workers=2,
                       out=tmp_path / "p")
    serial = run_batch(_two(), reps=4, seed=6, backend="serial")
    pd.testing.assert_frame_equal(pooled.runs, serial.runs, check_exact=True)
    pd.testing.assert_frame_equal(pooled.series, serial.series, check_exact=True)


# ------------------------------------------------------------------ scale guard

def test_scale_estimate_and_ceiling(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _never)
    huge = short("direction", initiatives={"arrival_rate": 1000.0},
                 run={"horizon_weeks": 5200.0, "warmup_weeks": 5200.0})
    scale = estimate(huge)
    assert scale.initiatives == pytest.approx(1000 * 10400)
    assert scale.too_big and scale.initiatives > MAX_INITIATIVES
    assert not estimate(short()).large
    with pytest.raises(TooBig, match="--force"):
        run_batch({"huge": huge}, reps=1, backend="serial", out=tmp_path / "x")
    assert not (tmp_path / "x").exists()  # refused before anything was written


def test_validate_warns_and_refuses_by_scale(tmp_path: Path) -> None:
    typical = SCENARIOS / "typical.toml"
    big = ["--set", "initiatives.arrival_rate=1000", "--set", "run.horizon_weeks=5200",
           "--set", "run.warmup_weeks=5200"]
    refused = runner.invoke(app, ["validate", str(typical), *big])
    assert refused.exit_code == 2 and "too big" in refused.output
    assert str(typical) in refused.output and "--force" in refused.output
    forced = runner.invoke(app, ["validate", str(typical), *big, "--force"])
    assert forced.exit_code == 0 and "warning" in forced.output
    large = runner.invoke(app, ["validate", str(typical), "--set",
                                "initiatives.arrival_rate=1000"])
    assert large.exit_code == 0 and "warning" in large.output
    plain = runner.invoke(app, ["validate", str(typical)])
    assert plain.exit_code == 0 and "0 with warnings" in plain.output
    assert not any(line.startswith("warning") for line in plain.output.splitlines())
    batch = runner.invoke(app, ["batch", str(typical), *big, "--out", str(tmp_path / "o"),
                                "--backend", "serial"])
    assert batch.exit_code == 2 and "--force" in batch.output
    assert not (tmp_path / "o").exists()


def test_refusals_come_before_anything_is_written(tmp_path: Path) -> None:
    direction = str(SCENARIOS / "direction.toml")
    for extra in (["--precision", "0"], ["--precision", "nan"], ["--backend", "foo"],
                  ["--scheduler", "tcp://x:1"]):
        out = tmp_path / "o"
        result = runner.invoke(app, ["batch", direction, "--out", str(out), *extra, *SHORT])
        assert result.exit_code == 2, (extra, result.output)
        assert not out.exists(), extra
    assert "not a number" in runner.invoke(app, ["batch", direction, "--out", str(out),
                                                 "--precision", "nan"]).output




def test_cli_run_does_not_hide_a_failed_run(monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _never)
    result = runner.invoke(app, ["run", str(SCENARIOS / "direction.toml"), "--reps", "2",
                                 "--backend", "serial", *SHORT])
    assert result.exit_code == 1
    assert "2 of 2 run(s) failed" in result.output and "must not run" in result.output


@pytest.mark.parametrize("chunk", [None, 3])
def test_the_pool_keeps_few_tasks_in_flight(monkeypatch, chunk: int | None) -> None:
    from concurrent.futures import ProcessPoolExecutor

    sizes: list[int] = []  # runs of each task submitted
    submit = ProcessPoolExecutor.submit
    monkeypatch.setattr(ProcessPoolExecutor, "submit", lambda self, fn, specs, *a, **k:
                        sizes.append(len(specs)) or submit(self, fn, specs, *a, **k))
    ahead: list[int] = []  # runs submitted and not yet seen, as each output arrives
    batch_module.run_specs(plan(_one(), 40, 1), Executor("process", workers=2, chunk=chunk),
                           on_result=lambda out: ahead.append(sum(sizes) - len(ahead)))
    window = batch_module.IN_FLIGHT_PER_WORKER * 2
    assert len(ahead) == 40 and sum(sizes) == 40
    assert max(ahead) <= window * max(sizes)  # never more tasks than that ahead
    if chunk is None:  # single runs to measure, then chunks sized from them
        assert sizes[:window] == [1] * window and max(sizes) > 1
    else:
        assert sizes == [3] * 13 + [1]


def test_a_corrupt_part_is_quarantined_and_its_runs_run_again(tmp_path: Path) -> None:
    stopped_batch(tmp_path, _two(), 2, 9)
    victim = sorted((tmp_path / "parts").glob("series-*.parquet"))[0]
    victim.write_bytes(victim.read_bytes()[:200])  # a torn write, a bad disk sector
    resumed = run_batch(_two(), reps=2, seed=9, backend="serial", out=tmp_path)
    fresh = run_batch(_two(), reps=2, seed=9, backend="serial")
    pd.testing.assert_frame_equal(resumed.runs, fresh.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.series, fresh.series, check_exact=True)
    moved = ResultStore(tmp_path).manifest()["quarantined"]
    tag = victim.name.removeprefix("series-").removesuffix(".parquet")
    assert {Path(m["file"]).name for m in moved} == {victim.name, f"runs-{tag}.parquet",
                                                    f"part-{tag}.json"}
    assert [p.name for p in (tmp_path / "quarantine").rglob(victim.name)] == [victim.name]


def test_corrupt_consolidated_tables_are_quarantined_and_rerun(tmp_path: Path) -> None:
    run_batch(_two(), reps=2, seed=9, backend="serial", out=tmp_path)
    (tmp_path / "runs.parquet").write_bytes(b"PAR1 not really")
    resumed = run_batch(_two(), reps=3, seed=9, backend="serial", out=tmp_path)
    fresh = run_batch(_two(), reps=3, seed=9, backend="serial")
    pd.testing.assert_frame_equal(resumed.series, fresh.series, check_exact=True)
    pd.testing.assert_frame_equal(resumed.runs, fresh.runs, check_exact=True)
    assert sorted(p.name for p in (tmp_path / "quarantine").rglob("*.parquet")) == [
        "runs.parquet", "series.parquet"]


ORPHAN_SCRIPT = """
import multiprocessing, os, signal, sys
from sim.experiment.batch import plan, run_specs
from sim.experiment.options import Executor
from tests.conftest import short

def first(_output):
    pids = [p.pid for p in multiprocessing.active_children()]
    with open(sys.argv[1], "w") as fh:
        fh.write(" ".join(map(str, pids)))
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would

run_specs(plan({"a": short("direction")}, 40, 1), Executor("process", workers=2),
          on_result=first)
"""


def test_pool_workers_end_when_the_batch_process_is_killed(tmp_path: Path) -> None:
    pids_file = tmp_path / "pids"
    proc = subprocess.run([sys.executable, "-c", ORPHAN_SCRIPT, str(pids_file)],
                          cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert proc.returncode == -9
    pids = [int(p) for p in pids_file.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 20  # a liveness bound, not a speed claim
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in pids if _running(pid)]
    for pid in left:  # do not leave them behind when the test fails
        os.kill(pid, 9)
    assert not left, "pool workers outlived the batch"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"

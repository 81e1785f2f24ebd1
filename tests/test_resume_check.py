"""Everything that makes a run is part of what a resume checks (seed, code and the
dependencies that change numbers, posterior, each scenario under its name), and a folder
grows by new scenarios without re-running what it holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sim.experiment.store.writer as writer_module
import sim.model
from sim.cli import app
from sim.experiment import ResultStore, run_batch
from sim.experiment.calibration import Posterior
from sim.experiment.store import StoreMismatch
from sim.provenance import NUMERIC, code_differences, code_identity, dependency
from tests.conftest import ROOT, SCENARIOS, short
from tests.stores import counting

runner = CliRunner()
POSTERIOR = ROOT / "calibration" / "typical"
SHORT = ["--set", "run.horizon_weeks=10", "--set", "run.warmup_weeks=2"]


def _sc(style: str = "direction", **run: float) -> object:
    return short(style, run={"horizon_weeks": 10.0, "warmup_weeks": 2.0, **run})


# ------------------------------------------------------------------ the posterior

def test_results_with_and_without_a_posterior_are_never_mixed(tmp_path: Path) -> None:
    plain, drawn = tmp_path / "plain", tmp_path / "drawn"
    run_batch({"a": _sc()}, reps=2, seed=1, backend="serial", out=plain)
    with pytest.raises(StoreMismatch, match=r"posterior: stored none \(fixed parameters\), "
                                            r"now .*typical \(digest "):
        run_batch({"a": _sc()}, reps=4, seed=1, backend="serial", out=plain,
                  posterior=POSTERIOR)
    assert len(ResultStore(plain).runs()) == 2  # nothing added
    run_batch({"a": _sc()}, reps=2, seed=1, backend="serial", out=drawn, posterior=POSTERIOR)
    with pytest.raises(StoreMismatch, match=r"posterior: stored .*typical .*, now none"):
        run_batch({"a": _sc()}, reps=4, seed=1, backend="serial", out=drawn)
    other = Posterior(POSTERIOR).without(["satisfaction.threshold_low"])
    with pytest.raises(StoreMismatch, match="posterior: stored"):
        run_batch({"a": _sc()}, reps=4, seed=1, backend="serial", out=drawn, posterior=other)
    assert len(ResultStore(drawn).runs()) == 2
    manifest = ResultStore(drawn).manifest()["posterior"]
    assert manifest["digest"] == Posterior(POSTERIOR).digest and manifest["draws_seed"] == 1
    more = run_batch({"a": _sc()}, reps=3, seed=1, backend="serial", out=drawn,
                     posterior=POSTERIOR)  # the same posterior: replications are added
    fresh = run_batch({"a": _sc()}, reps=3, seed=1, backend="serial", posterior=POSTERIOR)
    pd.testing.assert_frame_equal(more.runs, fresh.runs, check_exact=True)


# ------------------------------------------------------------------ seed and scenario

def test_a_refusal_names_the_seed_and_each_changed_scenario(tmp_path: Path) -> None:
    run_batch({"a": _sc(), "b": _sc("directive")}, reps=1, seed=1, backend="serial",
              out=tmp_path)
    changed = _sc().with_changes({"initiatives.arrival_rate": 2.5})
    with pytest.raises(StoreMismatch) as info:
        run_batch({"a": changed, "b": _sc("directive")}, reps=1, seed=2, backend="serial",
                  out=tmp_path)
    text = str(info.value)
    assert "seed: stored 1, now 2" in text
    assert "scenario 'a' changed under the same name (initiatives.arrival_rate:" in text
    assert "-> 2.5" in text and "scenario 'b'" not in text and "code:" not in text
    assert len(ResultStore(tmp_path).runs()) == 2


# ------------------------------------------------------------------ growing

def test_new_scenarios_are_added_and_nothing_stored_runs_again(tmp_path: Path,
                                                               monkeypatch) -> None:
    a, b, c = _sc(), _sc("directive"), _sc("partner")
    run_batch({"a": a}, reps=2, seed=3, backend="serial", out=tmp_path)
    ran = counting(monkeypatch)
    grown = run_batch({"a": a, "b": b}, reps=2, seed=3, backend="serial", out=tmp_path)
    assert sorted(ran) == [("b", 0), ("b", 1)]
    ran.clear()
    only_c = run_batch({"c": c}, reps=3, seed=3, backend="serial", out=tmp_path)
    assert sorted(ran) == [("c", 0), ("c", 1), ("c", 2)] and len(only_c.runs) == 3
    manifest = ResultStore(tmp_path).manifest()
    assert list(manifest["scenarios"]) == ["a", "b", "c"]
    assert [s["replications"] for s in manifest["scenarios"].values()] == [2, 2, 3]
    fresh = run_batch({"a": a, "b": b}, reps=2, seed=3, backend="serial")
    pd.testing.assert_frame_equal(grown.runs, fresh.runs, check_exact=True)
    stored = ResultStore(tmp_path).runs()
    assert stored.groupby("scenario", sort=False).size().to_dict() == {"a": 2, "b": 2, "c": 3}
    pd.testing.assert_frame_equal(
        stored[stored["scenario"] == "c"].reset_index(drop=True),
        run_batch({"c": c}, reps=3, seed=3, backend="serial").runs, check_exact=True)


def test_cli_batch_grows_a_folder_by_a_new_file(tmp_path: Path) -> None:
    out = str(tmp_path / "o")
    first = runner.invoke(app, ["batch", str(SCENARIOS / "direction.toml"), "--reps", "2",
                                "--out", out, "--backend", "serial", *SHORT])
    assert first.exit_code == 0, first.output
    both = [str(SCENARIOS / "direction.toml"), str(SCENARIOS / "directive.toml")]
    second = runner.invoke(app, ["batch", *both, "--reps", "2", "--out", out,
                                 "--backend", "serial", *SHORT])
    assert second.exit_code == 0, second.output
    assert "2 of 4 runs already stored, 2 to run" in second.output
    assert pd.read_parquet(Path(out) / "runs.parquet")["scenario"].tolist() == [
        "direction", "direction", "directive", "directive"]
    other_seed = runner.invoke(app, ["batch", *both, "--reps", "2", "--out", out, "--seed",
                                     "2", "--backend", "serial", *SHORT])
    assert other_seed.exit_code == 2 and "seed: stored 1, now 2" in other_seed.output


# ------------------------------------------------------------------ code

def test_code_identity_reads_each_dependency_from_its_installed_distribution() -> None:
    ident = code_identity(sim.model.build())
    assert set(ident["dependencies"]) == set(NUMERIC) >= {"simpy", "numpy", "scipy",
                                                          "networkx", "pyabc"}
    from importlib import metadata

    for name, dep in ident["dependencies"].items():
        assert dep["version"] == metadata.version(name), name
        assert dep["imported_from"] is None and len(dep["build"]) == 16, name
    assert code_differences(ident, json.loads(json.dumps(ident))) == []
    edited = json.loads(json.dumps(ident))
    edited["dependencies"]["numpy"]["version"] = "0.0.1"
    edited["dependencies"]["scipy"]["build"] = "0" * 16
    found = code_differences(edited, ident)
    assert found == [f"numpy: stored 0.0.1, running {metadata.version('numpy')}",
                     f"scipy: another build of version {metadata.version('scipy')} is "
                     "installed (its files differ from the stored one's)"]
    assert code_differences({**ident, "source_hash": "f" * 64}, ident)[0].startswith(
        "code: the sim/ sources differ")
    older = {k: v for k, v in ident.items() if k != "dependencies"}
    assert "records none" in code_differences(older, ident)[0]


def test_versions_edited_in_the_manifest_are_refused_not_overwritten(tmp_path: Path) -> None:
    run_batch({"a": _sc()}, reps=1, seed=1, backend="serial", out=tmp_path)
    path = tmp_path / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["code"]["dependencies"]["simpy"]["version"] = "9.9.9"
    path.write_text(json.dumps(manifest))
    with pytest.raises(StoreMismatch, match=r"simpy: stored 9\.9\.9, running "):
        run_batch({"a": _sc()}, reps=2, seed=1, backend="serial", out=tmp_path)
    assert json.loads(path.read_text())["code"]["dependencies"]["simpy"]["version"] == "9.9.9"


def test_resume_refuses_another_dependency_build(tmp_path: Path, monkeypatch) -> None:
    run_batch({"a": _sc()}, reps=1, seed=1, backend="serial", out=tmp_path)
    ident = json.loads(json.dumps(code_identity(sim.model.build())))
    ident["dependencies"]["networkx"]["version"] = "1.0"
    monkeypatch.setattr(writer_module, "code_identity", lambda _build: ident)
    with pytest.raises(StoreMismatch, match=r"networkx: stored .*, running 1\.0") as info:
        run_batch({"a": _sc()}, reps=2, seed=1, backend="serial", out=tmp_path)
    assert "sim/ sources" not in str(info.value)  # only what differs is named
    assert len(ResultStore(tmp_path).runs()) == 1


RESUME = """
import sys
from sim.experiment import run_batch
from sim.experiment.store import StoreMismatch
from tests.conftest import short
sc = short("direction", run={"horizon_weeks": 10.0, "warmup_weeks": 2.0})
try:
    run_batch({"a": sc}, reps=2, seed=1, backend="serial", out=sys.argv[1])
except StoreMismatch as exc:
    print(exc)
    sys.exit(7)
"""


def test_a_modified_copy_of_a_dependency_on_pythonpath_is_refused(tmp_path: Path) -> None:
    """The issue's case: a changed simpy on PYTHONPATH with sim/ untouched, the installed
    distribution (and its version) unchanged."""
    out = tmp_path / "out"
    run_batch({"a": _sc()}, reps=1, seed=1, backend="serial", out=out)
    import simpy

    copy = tmp_path / "override" / "simpy"
    shutil.copytree(Path(simpy.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "core.py").open("a") as fh:
        fh.write("\n# changed\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "override"),
                                                        str(ROOT)])}
    proc = subprocess.run([sys.executable, "-c", RESUME, str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 7, proc.stderr
    assert f"simpy: stored {simpy.__version__}, running {simpy.__version__} imported from " \
           f"{copy}" in proc.stdout
    assert "sim/ sources" not in proc.stdout
    assert len(ResultStore(out).runs()) == 1
    assert dependency("simpy")["imported_from"] is None  # this process: the installed one


GROW = """
import sys
from sim.experiment import run_batch
from sim.experiment.store import StoreMismatch
from tests.conftest import short
sc = short("direction", run={"horizon_weeks": 10.0, "warmup_weeks": 2.0})
try:
    run_batch({"a": sc}, reps=int(sys.argv[2]), seed=1, backend="serial", out=sys.argv[1])
except StoreMismatch as exc:
    print(exc)
    sys.exit(7)
"""


def test_a_dependency_edited_in_place_is_refused_and_a_touch_is_not(tmp_path: Path) -> None:
    """An installed distribution (here simpy's, copied with its RECORD into a folder
    first on the path, so the real .venv is never edited) whose module is edited after
    the first runs: same version, same build, same place; the resume names the module.
    A reinstall or a touch (new modification times, the same contents) is not a change."""
    import simpy

    site = tmp_path / "site"
    shutil.copytree(Path(simpy.__file__).parent, site / "simpy",
                    ignore=shutil.ignore_patterns("__pycache__"))
    info = next(Path(simpy.__file__).parent.parent.glob("simpy-*.dist-info"))
    shutil.copytree(info, site / info.name)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    out = tmp_path / "out"

    def batch(reps: int) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", GROW, str(out), str(reps)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300)

    first = batch(1)
    assert first.returncode == 0, first.stdout + first.stderr
    stored = json.loads((out / "manifest.json").read_text())["code"]["dependencies"]["simpy"]
    assert stored["imported_from"] is None and stored["python"] and stored["files"]
    for path in (site / "simpy").rglob("*.py"):  # a touch: new times, the same bytes
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    touched = batch(2)
    assert touched.returncode == 0, touched.stdout + touched.stderr
    core = site / "simpy" / "core.py"
    text = core.read_text()
    core.write_text(text.replace("def ", "def  ", 1))  # an edit in place, one byte
    edited = batch(3)
    assert edited.returncode == 7, edited.stdout + edited.stderr
    assert (f"simpy: its installed modules were edited in place since the stored runs "
            f"(version {simpy.__version__}: simpy/core.py differ from its RECORD)"
            in edited.stdout)
    assert "sim/ sources" not in edited.stdout
    assert len(ResultStore(out).runs()) == 2

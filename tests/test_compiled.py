"""The compiled model (sim.model, sim.compile_model): used only when built from the sources
in the tree, and then giving their numbers bit for bit. On CI it must be in use: the
tests then run the build users run."""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim.model
from sim.identical import compare, runs
from tests.conftest import ROOT

ON_CI = os.environ.get("CI") == "true"


def _need_build() -> None:
    if sim.model.build() != "compiled":
        if ON_CI:
            pytest.fail(f"CI must run the compiled model; this process runs the model "
                        f"{sim.model.build()}: see `python -m sim.compile_model`")
        pytest.skip(f"the model is not compiled here ({sim.model.build()})")


def test_ci_runs_the_compiled_model() -> None:
    _need_build()
    import sim.model.journey

    assert Path(sim.model.journey.__file__).suffix == ".so"


def _build_in(tree: Path, env: dict[str, str] | None = None) -> str:
    """What `sim.model.build()` says in a fresh interpreter on the copy ``tree``."""
    done = subprocess.run([sys.executable, "-c", "import sim.model; print(sim.model.build())"],
                          capture_output=True, text=True, cwd=tree,
                          env={**os.environ, "PYTHONPATH": str(tree), **(env or {})})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_an_edited_source_runs_as_python_until_compiled_again(tmp_path: Path) -> None:
    _need_build()
    shutil.copytree(ROOT / "sim", tmp_path / "sim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(sim.model.BUILD, tmp_path / "build" / "model")
    assert _build_in(tmp_path) == "compiled"
    assert _build_in(tmp_path, {"REGIESIM_PURE": "1"}) == "pure Python (REGIESIM_PURE=1)"
    journey = tmp_path / "sim" / "model" / "journey.py"
    journey.write_text(journey.read_text() + "\n# edited\n")
    assert _build_in(tmp_path) == ("pure Python (compiled from other sources "
                                   "(python -m sim.compile_model))")
    journey.write_text(journey.read_text().removesuffix("\n# edited\n"))
    assert _build_in(tmp_path) == "compiled"
    for so in (tmp_path / "build" / "model" / "sim" / "model").glob("journey.*"):
        so.unlink()
    assert _build_in(tmp_path).startswith("pure Python (the build in ")
    (tmp_path / "build" / "model" / "stamp.json").unlink()
    assert _build_in(tmp_path).startswith("pure Python (not compiled")


PURE_RUNS = """
import pickle, sys
from sim.identical import runs
sys.stdout.buffer.write(pickle.dumps(runs((5,))))
"""


@pytest.mark.slow  # every shipped scenario, sources and build: ~50 s under load
def test_the_compiled_model_gives_the_numbers_of_its_sources() -> None:
    """Every shipped scenario and variant, on a seed the build's own check does not use,
    with the event log off and on: every table the same, bit for bit."""
    _need_build()
    pure = subprocess.run([sys.executable, "-c", PURE_RUNS], capture_output=True, cwd=ROOT,
                          env={**os.environ, "REGIESIM_PURE": "1"})
    assert pure.returncode == 0, pure.stderr.decode()
    assert compare(pickle.loads(pure.stdout), runs((5,))) == []


def test_the_comparison_finds_a_difference_of_one_bit() -> None:
    frame = pd.DataFrame({"x": [0.1, math.nan], "outcome": ["success", "dropout"]})

    def run(value: float, frame: pd.DataFrame) -> dict:
        return {"r": {"summary": {"success_rate": value}, "series": frame,
                      "initiatives": frame, "episodes": frame, "log": None}}

    assert compare(run(0.5, frame), run(0.5, frame.copy())) == []  # NaN equals NaN
    assert compare(run(0.5, frame), run(math.nextafter(0.5, 1.0), frame)) != []
    assert compare(run(0.0, frame), run(-0.0, frame)) != []
    other = frame.assign(x=[math.nextafter(0.1, 1.0), math.nan])
    assert compare(run(0.5, frame), run(0.5, other)) == [
        "r: series: x: values differ", "r: initiatives: x: values differ",
        "r: episodes: x: values differ"]
    assert compare(run(0.5, frame), {}) == ["r: missing"]


def _tree(tmp_path: Path) -> Path:
    """A copy of the sources, and of the build if there is one."""
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    if sim.model.BUILD.is_dir():
        shutil.copytree(sim.model.BUILD, tmp_path / "build" / "model")
    return tmp_path


def _fake_build(tree: Path, **stamp: object) -> Path:
    """A build whose files are not extension modules, stamped for these sources."""
    build = tree / "build" / "model"
    shutil.rmtree(build, ignore_errors=True)
    (build / "sim" / "model").mkdir(parents=True)
    suffix = sim.model.SUFFIX
    (build / f"{sim.model.GROUP}__mypyc{suffix}").write_text("not a library")
    for path in sim.model.sources():
        (build / "sim" / "model" / f"{path.stem}{suffix}").write_text("not a module")
    (build / "stamp.json").write_text(json.dumps({
        "sources": sim.model.sources_digest(), "interpreter": sim.model.interpreter(),
        "group": sim.model.GROUP, "checked": True, **stamp}))
    return build


def test_a_build_that_cannot_be_used_leaves_the_sources_running(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    _fake_build(tree, interpreter="cpython-310 linux x86_64 .so")
    assert _build_in(tree) == "pure Python (compiled for cpython-310 linux x86_64 .so)"
    _fake_build(tree, checked=False)
    assert _build_in(tree) == "pure Python (compiled but not checked against the sources)"
    build = _fake_build(tree)  # usable by its stamp, but its files do not load
    assert _build_in(tree).startswith(f"pure Python (the build in {build} does not load: ")
    next((build / "sim" / "model").glob("journey.*")).unlink()
    assert _build_in(tree) == (f"pure Python (the build in {build} is incomplete "
                               "(python -m sim.compile_model --force))")
    # and the model runs from the sources
    done = subprocess.run([sys.executable, "-c", "from sim.run import simulate\n"
                           "from sim.scenario import build_scenario\n"
                           "import sim.model.journey as j; print(j.__file__)"],
                          capture_output=True, text=True, cwd=tree,
                          env={**os.environ, "PYTHONPATH": str(tree)})
    assert done.stdout.strip() == str(tree / "sim" / "model" / "journey.py"), done.stderr


@pytest.mark.slow  # a mypyc run that fails: ~50-95 s
def test_a_failed_build_keeps_the_build_in_place_and_is_not_retried(tmp_path: Path) -> None:
    """Without a working C compiler: the build in place (here a fake one) and its stamp
    stay, the failure is recorded, and the next call says so at once; with another C
    compiler the next call tries again."""
    tree = _tree(tmp_path)
    build = _fake_build(tree, interpreter="elsewhere")  # not usable here: a rebuild starts
    stamp = (build / "stamp.json").read_text()
    env = {**os.environ, "PYTHONPATH": str(tree), "CC": "/bin/false", "LDSHARED": "/bin/false"}
    first = subprocess.run([sys.executable, "-m", "sim.compile_model"], capture_output=True,
                           text=True, cwd=tree, env=env)
    assert first.returncode == 1 and "mypyc failed" in first.stderr, first.stderr
    assert (build / "stamp.json").read_text() == stamp
    assert not list((tree / "build").glob(".model-*"))  # the half-made build is gone
    start = time.monotonic()
    again = subprocess.run([sys.executable, "-m", "sim.compile_model"], capture_output=True,
                           text=True, cwd=tree, env=env)
    assert again.returncode == 1 and "the last build of these sources failed" in again.stderr
    assert time.monotonic() - start < 10
    # a C compiler installed (here: another one named by CC) is tried at once
    other = subprocess.run([sys.executable, "-m", "sim.compile_model"], capture_output=True,
                           text=True, cwd=tree, env={**env, "CC": "/bin/true"})
    assert other.returncode == 1 and "not tried again" not in other.stderr, other.stderr
    assert "failed" in other.stderr

"""The compiled model (sim.model, sim.compile_model): used only when built from the sources
in the tree, and then giving their numbers bit for bit. On CI it must be in use: the
tests then run the build users run."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_the_compiled_model_gives_the_numbers_of_its_sources() -> None:
    """Every shipped scenario, on a seed the build's own check does not use, with the
    event log off and on: every table the same, bit for bit."""
    _need_build()
    pure = subprocess.run([sys.executable, "-c", PURE_RUNS], capture_output=True, cwd=ROOT,
                          env={**os.environ, "REGIESIM_PURE": "1"})
    assert pure.returncode == 0, pure.stderr.decode()
    assert compare(pickle.loads(pure.stdout), runs((5,))) == []

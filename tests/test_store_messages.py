"""What the store and the run commands say: no raw OS error without the project's
sentence, suggested command lines that a shell reads as they are meant, and the same
scale warnings from `run` as from `batch`."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim.experiment.batch as batch_module
import sim.experiment.store.parts as parts_module
from sim.cli import app
from sim.experiment import ResultStore, run_batch
from sim.experiment.store import StoreError
from tests.conftest import SCENARIOS, short

runner = CliRunner()
SHORT = ["--set", "run.horizon_weeks=10", "--set", "run.warmup_weeks=2"]


def _one() -> dict:
    return {"a": short("direction", run={"horizon_weeks": 10.0, "warmup_weeks": 2.0})}


def test_a_file_where_the_parts_folder_belongs_is_named_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "o"
    command = ["batch", str(SCENARIOS / "direction.toml"), "--out", str(out), "--backend",
               "serial", *SHORT]
    assert runner.invoke(app, [*command, "--reps", "1"]).exit_code == 0
    (out / "parts").write_text("mine")
    result = runner.invoke(app, [*command, "--reps", "2"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "Errno" not in text and "parts is a file, where the store keeps its parts" in text
    assert (out / "parts").read_text() == "mine"
    assert len(ResultStore(out).runs()) == 1


def test_a_full_disk_is_said_in_the_stores_words(tmp_path: Path, monkeypatch) -> None:
    def full(path, data, **_kwargs):
        raise OSError(28, "No space left on device")

    run_batch(_one(), reps=1, seed=1, backend="serial", out=tmp_path)
    monkeypatch.setattr(parts_module, "atomic_write", full)
    with pytest.raises(StoreError, match=r"parts: finished runs could not be written \(No "
                                         r"space left on device\); the runs stored before "
                                         r"are kept"):
        run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path)
    monkeypatch.undo()
    assert len(ResultStore(tmp_path).runs()) == 1
    assert len(run_batch(_one(), reps=2, seed=1, backend="serial", out=tmp_path).runs) == 2


def test_the_next_commands_are_shell_quoted(tmp_path: Path) -> None:
    out = tmp_path / "my results"
    name = "it's $HOME"
    result = runner.invoke(app, ["batch", str(SCENARIOS / "direction.toml"), "--out", str(out),
                                 "--reps", "1", "--backend", "serial", *SHORT,
                                 "--set", f'scenario.name="{name}"'])
    assert result.exit_code == 0, result.output
    line = " ".join(result.output.split()).split("next: ", 1)[1]
    compare = shlex.split(line.split("|")[0])
    assert compare == ["regiesim", "compare", str(out), "--reference", name]
    assert shlex.split(line.split("|")[1]) == ["regiesim", "report", str(out)]


def test_run_shows_the_scale_warnings_batch_shows(monkeypatch) -> None:
    def quick(scenario, seed):
        raise RuntimeError("not run here")

    monkeypatch.setattr(batch_module, "simulate", quick)
    result = runner.invoke(app, ["run", str(SCENARIOS / "typical.toml"), "--reps", "1",
                                 "--backend", "serial", "--set",
                                 "initiatives.arrival_rate=1000"])
    assert "warning large:" in " ".join(result.output.split())

"""Batch and validate over folders and quoted globs; batch writes summary.csv and runs.csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sim.cli import app
from tests.conftest import ROOT

SHORT = ["--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4"]


def _scenarios(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, style in (("a", "direction"), ("b", "directive")):
        (folder / f"{name}.toml").write_text(
            f'[scenario]\nname = "{name}"\nstyle = "{style}"\n')
    (folder / "notes.txt").write_text("not a scenario")
    return folder


def test_a_folder_stands_for_its_scenario_files(tmp_path: Path) -> None:
    folder = _scenarios(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(folder), "--reps", "2", "--out", str(out),
                                      "--backend", "serial", "--csv", *SHORT])
    assert result.exit_code == 0, result.output
    runs = pd.read_csv(out / "runs.csv")
    assert sorted(runs["scenario"].unique()) == ["a", "b"] and len(runs) == 4
    summary = pd.read_csv(out / "summary.csv")
    mean = runs[runs["scenario"] == "a"]["success_rate"].mean()
    row = summary[(summary["scenario"] == "a") & (summary["outcome"] == "success_rate")]
    assert row["mean"].item() == mean
    assert "regiesim compare" in result.output and "regiesim report" in result.output


def test_a_quoted_glob_and_a_folder_validate(tmp_path: Path, monkeypatch) -> None:
    folder = _scenarios(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "mine/*.toml"])
    assert result.exit_code == 0, result.output
    assert "mine/a.toml" in result.output and "mine/b.toml" in result.output
    shipped = CliRunner().invoke(app, ["validate", str(ROOT / "scenarios")])
    files = list((ROOT / "scenarios").glob("*.toml"))  # the folder, not validation/
    assert shipped.exit_code == 0 and shipped.output.count("ok ") == len(files) >= 9
    none = CliRunner().invoke(app, ["validate", "nothing/*.toml"])
    assert none.exit_code == 2 and "no file matches" in none.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "without scenario files" in CliRunner().invoke(app, ["validate", str(empty)]).output
    assert (folder / "notes.txt").exists()

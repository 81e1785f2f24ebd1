"""The tables a batch user analyses (BehaviorSpace's table output): every run row and every
summary row names its scenario's file, the parameters that vary across the batch and the
scenario's digest; --wide gives one row per scenario; Parquet and CSV have the same
columns; and every table a command or a study writes is listed in the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario_files import load_variants
from tests.conftest import ROOT

SHORT = ["--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4"]


def _study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three files where the batch runs: a base, a variant that changes fallback.upper,
    and a sweep over tension.release_rate."""
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "base.toml").write_text((ROOT / "scenarios" / "direction.toml").read_text())
    (folder / "low.toml").write_text('extends = "base.toml"\n[fallback]\nupper = 0.8\n')
    (folder / "swept.toml").write_text(
        'extends = "base.toml"\n[sweep]\n"tension.release_rate" = [0.1, 0.2]\n')
    monkeypatch.chdir(tmp_path)
    return folder


def _batch(*args: str) -> None:
    result = CliRunner().invoke(app, ["batch", "study", "--out", "out", "--backend",
                                      "serial", *SHORT, *args])
    assert result.exit_code == 0, result.output


def test_every_run_row_names_its_file_varied_parameters_and_digest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _study(tmp_path, monkeypatch)
    _batch("--reps", "2", "--csv")
    runs = pd.read_parquet("out/runs.parquet")
    assert list(pd.read_csv("out/runs.csv").columns) == list(runs.columns)
    assert list(runs.columns[3:7]) == ["scenario_hash", "source", "fallback.upper",
                                       "tension.release_rate"]
    by = runs.drop_duplicates("scenario").set_index("scenario")
    assert by["source"].to_dict() == {
        "direction": "study/base.toml", "low": "study/low.toml",
        "swept[tension.release_rate=0.1]": "study/swept.toml",
        "swept[tension.release_rate=0.2]": "study/swept.toml"}
    assert by["fallback.upper"].tolist() == [1.0, 0.8, 1.0, 1.0]
    # the base's own value where the sweep does not reach, not a gap
    assert by["tension.release_rate"].tolist() == [0.15, 0.15, 0.1, 0.2]
    for path in folder.glob("*.toml"):
        for name, scenario in load_variants(path, SHORT[1::2])[0].items():
            assert by.loc[name, "scenario_hash"] == scenario.digest()
    assert "scenario.name" not in runs.columns  # a name is not a parameter
    summary = pd.read_csv("out/summary.csv")
    assert list(summary.columns[:5]) == ["scenario", "source", "fallback.upper",
                                         "tension.release_rate", "scenario_hash"]
    low = summary[summary["scenario"] == "low"]
    assert set(low["source"]) == {"study/low.toml"} and set(low["fallback.upper"]) == {0.8}
    manifest = json.loads(Path("out/manifest.json").read_text())
    assert manifest["sources"]["low"] == "study/low.toml"
    listed = {name: entry["kind"] for name, entry in manifest["artefacts"].items()}
    assert listed["summary.csv"] == "summary" and listed["runs.csv"] == "runs_csv"
    assert manifest["artefacts"]["runs.csv"]["rows"] == 8


def test_a_resumed_batch_gives_its_new_rows_the_same_columns_in_both_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _study(tmp_path, monkeypatch)
    _batch("--reps", "1", "--csv")
    _batch("--reps", "2")
    runs = pd.read_parquet("out/runs.parquet")
    assert len(runs) == 8
    assert runs[["source", "fallback.upper", "tension.release_rate"]].notna().all().all()
    again = pd.read_csv("out/runs.csv")  # once asked for, runs.csv follows runs.parquet
    assert list(again.columns) == list(runs.columns) and len(again) == 8


def test_wide_gives_one_row_per_scenario_with_each_outcome_s_mean_and_ci(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _study(tmp_path, monkeypatch)
    _batch("--reps", "3")
    long = pd.read_csv("out/summary.csv")
    _batch("--reps", "3", "--wide")
    wide = pd.read_csv("out/summary.csv")
    assert len(wide) == 4 and wide["scenario"].is_unique
    assert list(wide.columns[:6]) == ["scenario", "source", "fallback.upper",
                                      "tension.release_rate", "scenario_hash", "runs"]
    assert set(wide["runs"]) == {3}
    row = wide.set_index("scenario").loc["low"]
    for outcome in ("success_rate", "share_dissatisfied"):
        mine = long[(long["scenario"] == "low") & (long["outcome"] == outcome)].iloc[0]
        for stat in ("mean", "ci_low", "ci_high"):
            assert row[f"{outcome}_{stat}"] == pytest.approx(mine[stat], nan_ok=True)
    assert len(wide.columns) == 6 + 3 * long["outcome"].nunique()


def test_a_study_lists_every_table_it_writes_with_its_kind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.experiment.batch as batch_module
    from sim.experiment.sensitivity import StudyDesign, run_study
    from sim.scenario_files import load_scenario
    from tests.test_sensitivity import _Toy

    monkeypatch.setattr(batch_module, "simulate", _Toy)
    base = load_scenario(ROOT / "scenarios" / "typical.toml")
    run_study(base, StudyDesign("morris", trajectories=2, reps=1), tmp_path / "m",
              backend="serial")
    listed = {name: entry["kind"] for name, entry in json.loads(
        (tmp_path / "m" / "manifest.json").read_text())["artefacts"].items()}
    assert {name: listed.get(name) for name in (
        "morris.csv", "morris.parquet", "parameters.csv", "points.parquet", "noise.csv")} == {
        "morris.csv": "morris", "morris.parquet": "morris", "parameters.csv": "parameters",
        "points.parquet": "design", "noise.csv": "noise"}

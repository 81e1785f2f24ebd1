"""A folder of scenario files as a batch user has it: variants that only extend a base,
and a few with mistakes. Every file gets its own name; every bad file is named at once;
--skip-invalid runs the rest and records what it skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.common import SKIPPED_EXIT
from sim.scenario_files import load_scenario
from tests.conftest import ROOT

SHORT = ["--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4"]


def _folder(tmp_path: Path, mistakes: bool = True) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "base.toml").write_text((ROOT / "scenarios" / "direction.toml").read_text())
    for name, upper in (("low", 0.8), ("high", 1.6)):
        (folder / f"{name}.toml").write_text(
            f'extends = "base.toml"\n[fallback]\nupper = {upper}\n')
    if mistakes:
        (folder / "negative.toml").write_text(
            'extends = "base.toml"\n[fallback]\nupper = -3\n')
        (folder / "typo.toml").write_text('extends = "base.toml"\n[fallbak]\nupper = 1\n')
        (folder / "twin.toml").write_text('[scenario]\nname = "low"\n')
    return folder


def test_a_file_that_only_extends_is_named_after_the_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path, mistakes=False)
    assert load_scenario(folder / "low.toml").scenario.name == "low"
    assert load_scenario(folder / "base.toml").scenario.name == "direction"  # sets its own
    assert load_scenario(ROOT / "scenarios" / "election-year.toml").scenario.name == (
        "election-year")
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "3 file(s): 3 ok, 0 with warnings, 0 invalid" in result.output


def test_validate_names_every_bad_file_and_refuses_a_name_twice(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    out = result.output
    assert "fallback.upper: must be > 0.0, got -3" in out
    assert "fallbak: unknown key" in out
    assert "two scenarios are named 'low'" in out and "twin.toml" in out
    assert "6 file(s): 3 ok, 0 with warnings, 3 invalid" in out
    assert "invalid invalid" not in out


def test_batch_lists_every_bad_file_before_running_anything(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(folder), "--reps", "2", "--out", str(out),
                                      "--backend", "serial", *SHORT])
    assert result.exit_code == 2
    text = result.output
    assert "3 of 6 scenario file(s) cannot be used; nothing was run" in text
    for name in ("negative.toml", "typo.toml", "twin.toml"):
        assert name in text
    assert "regiesim validate" in text and "--skip-invalid" in text
    assert not (out / "runs.parquet").exists()


def test_skip_invalid_runs_the_others_and_records_what_it_skipped(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(folder), "--reps", "2", "--out", str(out),
                                      "--backend", "serial", "--skip-invalid", *SHORT])
    assert result.exit_code == SKIPPED_EXIT, result.output
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(runs["scenario"].unique()) == ["direction", "high", "low"]
    assert len(runs) == 6
    skipped = json.loads((out / "manifest.json").read_text())["skipped_files"]
    assert {Path(p).name for p in skipped} == {"negative.toml", "typo.toml", "twin.toml"}
    assert any("must be > 0.0" in p for p in skipped[str(folder / "negative.toml")])
    assert "skipped 3 invalid file(s)" in result.output


def test_a_resume_says_how_many_runs_are_already_stored(tmp_path: Path) -> None:
    folder = _folder(tmp_path, mistakes=False)
    out = tmp_path / "out"
    args = ["batch", str(folder), "--out", str(out), "--backend", "serial", *SHORT]
    first = CliRunner().invoke(app, [*args, "--reps", "2"])
    assert first.exit_code == 0, first.output
    assert "resuming" not in first.output
    more = CliRunner().invoke(app, [*args, "--reps", "3"])
    assert more.exit_code == 0, more.output
    assert f"resuming {out}: 6 of 9 runs already stored, 3 to run" in " ".join(
        more.output.split())

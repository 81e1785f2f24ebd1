"""`regiesim value-of-information`: the analysis of experiments/voi.py as a command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment.options import Executor
from sim.experiment.voi import measure_value_of_information, sample_sizes

ROOT = Path(__file__).resolve().parent.parent
POPULATION = ROOT / "scenarios" / "national" / "netherlands.toml"
SHORT = ["--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=8"]


def _posterior(folder: Path) -> Path:
    """Three particles of the shipped national calibration."""
    folder.mkdir()
    source = ROOT / "calibration" / "national"
    for name in ("calibration.json", "populations.csv", "checks.csv"):
        shutil.copy(source / name, folder / name)
    pd.read_parquet(source / "posterior.parquet").head(3).to_parquet(
        folder / "posterior.parquet")
    return folder


def test_the_command_gives_the_librarys_table_and_prints_it(tmp_path: Path) -> None:
    posterior = _posterior(tmp_path / "posterior")
    result = CliRunner().invoke(app, [
        "value-of-information", "--posterior", str(posterior), "--population",
        str(POPULATION), "--out", str(tmp_path / "cli"), "--reps", "1", "--simulations",
        "100", "--backend", "serial", "--n", "partner_like=50", *SHORT])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "cli" / "voi.csv")
    direct = measure_value_of_information(
        posterior, POPULATION, tmp_path / "lib", reps=1, seed=2026,
        measurements=sample_sizes(["partner_like=50"]),
        changes={"run.horizon_weeks": 26, "run.warmup_weeks": 8},
        executor=Executor(backend="serial"), simulations=100)
    pd.testing.assert_frame_equal(table, pd.read_csv(tmp_path / "lib" / "voi.csv"))
    assert len(direct) == 5
    assert table.set_index("measurement").loc["partner_like", "sample_size"] == 50
    assert "What to measure next" in result.output


def test_the_command_refuses_what_it_cannot_use(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["value-of-information", "--posterior",
                                  str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 2 and "--posterior" in missing.output
    assert "not found" in missing.output
    posterior = _posterior(tmp_path / "posterior")
    bad = runner.invoke(app, ["value-of-information", "--posterior", str(posterior),
                              "--population", str(POPULATION), "--out",
                              str(tmp_path / "o"), "--n", "everyone=5"])
    assert bad.exit_code == 2 and "dissatisfied_direction" in bad.output
    assert not (tmp_path / "o").exists(), "nothing is written before the options are checked"

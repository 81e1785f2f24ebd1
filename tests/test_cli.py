"""The regiesim command line: commands, JSON output, and clean errors (exit status 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.model import build
from sim.scenario_files import load_scenario
from tests.conftest import SCENARIOS, plain_output

runner = CliRunner()
SHORT = ["--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4"]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["validate", "show", "run", "styles"])
def test_every_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_validate_shipped_files() -> None:
    files = [str(p) for p in SCENARIOS.glob("*.toml")]
    result = invoke("validate", *files)
    assert result.exit_code == 0
    assert result.output.count("ok ") == len(files)


def test_validate_reports_each_bad_file_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[initiatives]\narrival_rate = -2\n")
    result = invoke("validate", str(SCENARIOS / "typical.toml"), str(bad))
    assert result.exit_code == 2
    assert "initiatives.arrival_rate: must be > 0" in result.output
    assert str(bad) in result.output
    assert "Traceback" not in result.output


def test_show_prints_toml_that_loads_back_to_the_same_scenario(tmp_path: Path) -> None:
    source = SCENARIOS / "election-year.toml"
    result = invoke("show", str(source), "--set", "fallback.upper=1.3")
    assert result.exit_code == 0
    copy = tmp_path / "resolved.toml"
    copy.write_text(result.output)
    original = load_scenario(source, ["fallback.upper=1.3"])
    assert load_scenario(copy).digest() == original.digest()


def test_run_json_has_means_and_intervals() -> None:
    result = invoke("run", str(SCENARIOS / "typical.toml"), "--reps", "3", "--json",
                    "--backend", "serial", *SHORT)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    outcome = doc["scenarios"]["typical"]["outcomes"]["success_rate"]
    assert outcome["n"] == 3
    assert outcome["ci_low"] <= outcome["mean"] <= outcome["ci_high"]


def test_run_prints_headline() -> None:
    result = invoke("run", str(SCENARIOS / "direction.toml"), "--reps", "2",
                    "--backend", "serial", *SHORT)
    assert result.exit_code == 0
    assert "Success rate" in result.output
    assert f"(serial; model: {build()})" in result.output  # the start line names the build


def test_the_start_line_says_when_the_sources_run_and_why() -> None:
    done = subprocess.run([sys.executable, "-m", "sim.cli", "run",
                           str(SCENARIOS / "typical.toml"), "--reps", "1", "--backend",
                           "serial", *SHORT], capture_output=True, text=True,
                          env={**os.environ, "REGIESIM_PURE": "1"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "model: pure Python (REGIESIM_PURE=1)" in done.stderr


@pytest.mark.parametrize("args", [
    ["run", "missing.toml"],
    ["run", str(SCENARIOS / "typical.toml"), "--set", "initiatives.arival_rate=2"],
    ["run", str(SCENARIOS / "typical.toml"), "--set", "nonsense"],
    ["run", str(SCENARIOS / "typical.toml"), "--backend", "gpu", "--reps", "1"],
    ["show", str(SCENARIOS / "typical.toml"), "--set", "fallback.lower=5"],
])
def test_errors_are_messages_with_status_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "error" in result.output.lower()


def test_unknown_key_suggests_the_right_one() -> None:
    result = runner.invoke(app, ["show", str(SCENARIOS / "typical.toml"), "--set",
                                 "initiatives.arival_rate=2"])
    assert "did you mean 'arrival_rate'" in result.output


def test_styles_lists_every_style_and_setting() -> None:
    result = invoke("styles")
    assert result.exit_code == 0
    for name in ("directive", "consultative", "direction", "partner", "corps_size"):
        assert name in result.output


def test_batch_then_compare(tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = runner.invoke(app, ["batch", str(SCENARIOS / "direction.toml"),
                                 str(SCENARIOS / "directive.toml"), "--reps", "3",
                                 "--out", str(out), "--backend", "serial", *SHORT])
    assert result.exit_code == 0, result.output
    assert (out / "runs.parquet").exists() and (out / "manifest.json").exists()
    again = runner.invoke(app, ["batch", str(SCENARIOS / "direction.toml"),
                                str(SCENARIOS / "directive.toml"), "--reps", "3",
                                "--out", str(out), "--backend", "serial", *SHORT])
    assert again.exit_code == 0
    csv = tmp_path / "diff.csv"
    result = runner.invoke(app, ["compare", str(out), "--reference", "direction",
                                 "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    assert "directive" in result.output and csv.exists()
    assert "Holm" in result.output  # the default adjustment, named in the title
    import pandas as pd

    table = pd.read_csv(csv)
    assert (table["adjustment"] == "holm").all()
    assert (table["p_adjusted"] >= table["p_value"] - 1e-12).all()
    plain = runner.invoke(app, ["compare", str(out), "--reference", "direction",
                                "--adjust", "none"])
    assert plain.exit_code == 0 and "excludes 0" in plain.output
    wrong = runner.invoke(app, ["compare", str(out), "--reference", "direction",
                                "--adjust", "bonferroni"])
    assert wrong.exit_code == 2 and (
        "'--adjust': Value error, 'bonferroni' is not one of 'holm', 'bh', 'none'"
        in plain_output(wrong.output))
    bad = runner.invoke(app, ["compare", str(out), "--reference", "nope"])
    assert bad.exit_code == 2 and "must be one of" in bad.output


def test_compare_takes_the_differences_against_the_reference_given(tmp_path: Path) -> None:
    """The reference is not the first scenario of the folder: every difference is
    scenario minus that reference, replication by replication."""
    import pandas as pd

    from sim.experiment import run_batch
    from tests.conftest import short

    run = {"horizon_weeks": 26.0, "warmup_weeks": 4.0}
    scenarios = {"first": short("direction", run=run), "middle": short("directive", run=run),
                 "last": short("consultative", run=run)}
    out = tmp_path / "three"
    runs = run_batch(scenarios, reps=4, seed=3, backend="serial", out=out).runs
    csv = tmp_path / "diff.csv"
    result = runner.invoke(app, ["compare", str(out), "--reference", "middle",
                                 "--outcome", "success_rate", "--outcome",
                                 "share_dissatisfied", "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    assert "against middle" in result.output
    table = pd.read_csv(csv)
    assert (table["reference"] == "middle").all()
    assert sorted(table["scenario"]) == ["first", "first", "last", "last"]
    by = runs.set_index(["scenario", "replication"])
    for row in table.itertuples():
        paired = by.loc[row.scenario, row.outcome] - by.loc["middle", row.outcome]
        assert row.difference == pytest.approx(paired.mean(), abs=1e-12), row
        assert row.n == 4


def test_batch_precision_mode(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(SCENARIOS / "direction.toml"), "--reps", "3",
                                 "--precision", "0.5", "--out", str(tmp_path / "p"),
                                 "--backend", "serial", *SHORT])
    assert result.exit_code == 0, result.output
    assert "replications done" in result.output


def test_sensitivity_command(tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(f'extends = "{(SCENARIOS / "typical.toml").as_posix()}"\n'
                    '[run]\nhorizon_weeks = 26.0\nwarmup_weeks = 4.0\n'
                    '[ranges]\n"municipality.dialogue" = [0.0, 1.0]\n'
                    '"regisseurs.corps_size" = [0, 4]\n')
    result = runner.invoke(app, ["sensitivity", str(spec), "--samples", "4", "--out",
                                 str(tmp_path / "o"), "--backend", "serial"])
    assert result.exit_code == 0, result.output
    import pandas as pd

    sobol = pd.read_csv(tmp_path / "o" / "sobol.csv")
    # the file's [ranges] add to those of typical.toml, which it extends
    assert {"municipality.dialogue", "regisseurs.corps_size"} <= set(sobol["parameter"])
    assert sobol[["S1", "ST"]].notna().all().all()
    bare = tmp_path / "bare.toml"
    bare.write_text('[scenario]\nname = "bare"\n')
    no_ranges = runner.invoke(app, ["sensitivity", str(bare), "--out", str(tmp_path / "x")])
    assert no_ranges.exit_code == 2 and "[ranges]" in no_ranges.output


def test_replications_command(tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = runner.invoke(app, ["replications", str(SCENARIOS / "typical.toml"),
                                 "--precision", "0.5", "--start", "3", "--max-reps", "20",
                                 "--warmup-reps", "2", "--out", str(out),
                                 "--backend", "serial", *SHORT])
    assert result.exit_code == 0, result.output
    assert "replications for this experiment" in result.output
    assert "MSER-5" in result.output
    for name in ("replications.csv", "trajectory.csv", "warmup.csv", "replications.html"):
        assert (out / name).exists()
    bad = runner.invoke(app, ["replications", str(SCENARIOS / "typical.toml")])
    assert bad.exit_code == 2 and "precision" in bad.output


def test_batch_precision_names_the_outcome_that_missed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(SCENARIOS / "direction.toml"), "--reps", "3",
                                 "--precision", "0.001", "--max-reps", "4",
                                 "--out", str(tmp_path / "p"), "--backend", "serial", *SHORT])
    assert result.exit_code == 0, result.output
    assert "precision not reached" in result.output
    assert "out of reach" in result.output and "share_dissatisfied of" in result.output
    assert (tmp_path / "p" / "precision.csv").exists()


def test_shipped_scenarios_have_ranges() -> None:
    from sim.experiment.exploration import read_ranges

    for path in SCENARIOS.glob("*.toml"):
        assert len(read_ranges(path).names) >= 4, path


def test_sensitivity_morris_command(tmp_path: Path, monkeypatch) -> None:
    import pandas as pd

    import sim.experiment.batch as batch_module
    from tests.test_sensitivity import _Toy

    monkeypatch.setattr(batch_module, "simulate", _Toy)
    result = runner.invoke(app, ["sensitivity", str(SCENARIOS / "typical.toml"), "--method",
                                 "sobol", "--top", "2", "--trajectories", "2", "--samples",
                                 "8", "--reps", "2", "--outcome", "dialogue_driven",
                                 "--out", str(tmp_path / "o"), "--backend", "serial"])
    assert result.exit_code == 0, result.output
    morris = pd.read_csv(tmp_path / "o" / "morris" / "morris.csv")
    assert morris["parameter"].nunique() > 80  # every numeric parameter
    sobol = pd.read_csv(tmp_path / "o" / "sobol" / "sobol.csv")
    assert set(sobol["parameter"]) == {"municipality.dialogue", "municipality.feedback"}
    assert (tmp_path / "o" / "sobol" / "sobol.html").exists()
    assert (tmp_path / "o" / "morris" / "morris.html").exists()
    bad = runner.invoke(app, ["sensitivity", str(SCENARIOS / "typical.toml"), "--method",
                              "morrис", "--out", str(tmp_path / "b")])
    assert bad.exit_code == 2 and (
        "is not one of 'morris', 'sobol', 'lhs', 'qmc'" in plain_output(bad.output))

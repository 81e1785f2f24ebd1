"""Warnings where results mean little: overload, a short horizon, no warm-up."""

from __future__ import annotations

import subprocess
import sys

from sim import build_scenario
from sim.experiment.plausibility import loads, warnings_for
from tests.conftest import ROOT, SCENARIOS


def test_the_shipped_council_term_scenarios_raise_no_warning() -> None:
    from sim.scenario_files import load_scenario

    for name in ("typical", "direction", "directive", "partner"):
        assert warnings_for(load_scenario(SCENARIOS / f"{name}.toml")) == [], name


def test_overload_is_named_by_its_stage() -> None:
    sc = build_scenario({"initiatives": {"arrival_rate": 7.0},
                         "municipality": {"intake_staff": 3, "intake_weeks": 0.5}})
    assert loads(sc)["front office"] == 7.0 * 0.5 / 3
    [line] = [w for w in warnings_for(sc) if "front office" in w]
    assert line.startswith("overload") and "1.17" in line
    near = build_scenario({"initiatives": {"arrival_rate": 5.8},
                           "municipality": {"intake_staff": 3, "intake_weeks": 0.5}})
    assert any(w.startswith("near overload: the front office") for w in warnings_for(near))


def test_overloaded_managers_are_found_from_layers_and_inward_time() -> None:
    sc = build_scenario({"scenario": {"style": "directive"},
                         "middle_managers": {"inward_share": 0.9}})
    assert loads(sc)["middle managers"] > 1.0
    assert any("middle managers" in w for w in warnings_for(sc))


def test_a_short_horizon_and_a_missing_warmup_are_named() -> None:
    sc = build_scenario({"run": {"horizon_weeks": 20.0, "warmup_weeks": 0.0}})
    text = "\n".join(warnings_for(sc))
    assert "run.horizon_weeks = 20" in text and "run.warmup_weeks = 0" in text


def test_validate_prints_the_warnings() -> None:
    done = subprocess.run([sys.executable, "-m", "sim.cli", "validate",
                           str(SCENARIOS / "election-year.toml"), "--set",
                           "run.warmup_weeks=0"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "warning" in done.stderr and "run.warmup_weeks = 0" in done.stderr
    assert "run.horizon_weeks = 52" in done.stderr

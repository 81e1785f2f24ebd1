"""Calibration: the typical municipality reproduces the national survey's 44% dissatisfied."""

from __future__ import annotations

import pytest

from sim.analysis import mean_ci
from sim.experiment import run_batch
from sim.scenario_files import load_scenario
from tests.conftest import SCENARIOS

TARGET, TOLERANCE = 0.44, 0.05


@pytest.mark.slow
def test_typical_municipality_has_44_percent_dissatisfied() -> None:
    scenario = load_scenario(SCENARIOS / "typical.toml")
    runs = run_batch({"typical": scenario}, reps=50, seed=99).runs
    ci = mean_ci(runs["share_dissatisfied"])
    assert ci.low >= TARGET - TOLERANCE and ci.high <= TARGET + TOLERANCE, (
        f"share dissatisfied {ci} not within {TARGET} +- {TOLERANCE}")

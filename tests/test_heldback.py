"""Held-back patterns that cutpoints cannot absorb, and checking a stored posterior again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import build_scenario, simulate
from sim.analysis.patterns import PATTERNS
from sim.analysis.twins import surveyed
from sim.experiment.calibration import calibrate, recheck
from sim.experiment.national import NATIONAL, national_patterns
from sim.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def test_the_dissatisfied_not_turned_down_are_counted_as_the_survey_counts() -> None:
    """Rekenkamer Amsterdam 2018: dissatisfaction mainly from rules and information, not
    refusals. The outcome is the share of surveyed members who are dissatisfied although
    their initiative was not turned down, read from the same survey as the 44%."""
    scenario = load_scenario(ROOT / "scenarios" / "directive.toml",
                             {"run.horizon_weeks": 104})
    seen_rejected = False
    for seed in range(3):
        result = simulate(scenario, seed)
        asked = surveyed(result).merge(result.initiatives[["id", "outcome"]], on="id")
        weights = asked["members"].to_numpy(float)
        rejected = asked["outcome"].to_numpy(object) == "rejected"
        unhappy = asked["dissatisfied"].to_numpy(bool)
        seen_rejected |= bool(np.any(unhappy & rejected))
        expected = float(np.sum(weights * (unhappy & ~rejected)) / weights.sum())
        summary = result.summary
        assert summary["share_dissatisfied_not_turned_down"] == pytest.approx(expected)
        assert summary["share_dissatisfied_not_turned_down"] <= summary["share_dissatisfied"]
    assert seen_rejected, "some dissatisfied members were turned down: the test can fail"


def test_the_rekenkamer_pattern_is_held_back_and_read_over_the_nation() -> None:
    [pattern] = [p for p in PATTERNS if p.key == "dissatisfied_not_turned_down"]
    assert pattern.role == "validate" and "Rekenkamer" in pattern.source
    assert pattern.matches(0.30) and not pattern.matches(0.10)
    [national] = [p for p in national_patterns(["directive", "partner"])
                  if p.key == pattern.key]
    assert national.scenario == NATIONAL


PRIORS = {"satisfaction.dissatisfied_below": (0.3, 0.6), "tension.release_rate": (0.1, 0.3)}
SHORT = {"run": {"horizon_weeks": 26.0, "warmup_weeks": 8.0}}


def test_a_stored_posterior_is_checked_again_on_the_same_particles_and_seeds(
        tmp_path: Path) -> None:
    out = tmp_path / "cal"
    calibrate(build_scenario(SHORT), PRIORS, out, particles=3, reps=1, backend="serial",
              ppc_draws=3, ppc_reps=1, kernel="rejection", accept=0.5,
              log=lambda _line: None)
    first = pd.read_csv(out / "checks.csv")
    ppc = pd.read_parquet(out / "ppc.parquet")
    (out / "checks.csv").unlink()
    again = recheck(out, build_scenario(SHORT), draws=3, reps=1, log=lambda _line: None)
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "ppc.parquet"), ppc)
    assert json.loads((out / "calibration.json").read_text())["checks"]["draws"] == 3
    other = build_scenario({**SHORT, "run": {"horizon_weeks": 30.0, "warmup_weeks": 8.0}})
    with pytest.raises(ValueError, match="another base"):
        recheck(out, other, draws=3, reps=1, log=lambda _line: None)

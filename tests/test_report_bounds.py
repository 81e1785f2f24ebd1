"""Intervals for papers stay inside what a quantity can take: summary.csv holds no count
below zero and no share above 100%, and Morris' μ* (a mean of absolute effects) has no
interval below zero, in its table or its figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import sim.experiment.batch as batch_module
from sim.analysis import summarise
from sim.experiment.sensitivity import run_morris
from sim.report.publish import publish
from sim.report.sensitivity import sensitivity_figure
from tests.conftest import short
from tests.test_sensitivity import _small_space


class _Spiky:
    """An outcome that jumps where feedback passes 0.9: its elementary effect is large in
    a few trajectories and zero in the rest, so μ*'s interval is wider than μ*."""

    def __init__(self, scenario, seed: int) -> None:
        m = scenario.municipality
        self.summary = {"spiky": 10.0 * (m.feedback > 0.9) * (m.dialogue > 0.9)}
        self.series = pd.DataFrame({"week": [0, 1], "x": [0.0, 0.0]})


def test_summary_csv_holds_intervals_inside_each_outcomes_range(tmp_path: Path) -> None:
    """Three runs with 0, 0 and 12 weeks in fallback: a t-interval reaches below zero,
    and shares near 100% reach above it; summary.csv holds them at 0 and 100%."""
    runs = pd.DataFrame({"scenario": ["a"] * 3 + ["b"] * 3, "replication": [0, 1, 2] * 2,
                         "fallback_weeks": [0.0, 0.0, 12.0, 0.0, 1.0, 0.0],
                         "share_dissatisfied": [0.99, 0.95, 1.0, 0.5, 0.6, 0.4]})
    outcomes = ["fallback_weeks", "share_dissatisfied"]
    raw = summarise(runs, outcomes).set_index(["scenario", "outcome"])
    assert raw.loc[("a", "fallback_weeks"), "ci_low"] < 0  # what the t-interval gives
    assert raw.loc[("a", "share_dissatisfied"), "ci_high"] > 1
    publish(runs, pd.DataFrame(), tmp_path, reference="b", title="t", outcomes=outcomes)
    written = pd.read_csv(tmp_path / "summary.csv").set_index(["scenario", "outcome"])
    assert written.loc[("a", "fallback_weeks"), "ci_low"] == 0.0
    assert written.loc[("a", "share_dissatisfied"), "ci_high"] == 1.0
    assert written.loc[("b", "share_dissatisfied"), "ci_low"] == raw.loc[
        ("b", "share_dissatisfied"), "ci_low"]  # an interval inside the range is untouched


def test_morris_mu_star_intervals_stop_at_zero(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _Spiky)
    base = short("direction")
    indices = run_morris(base, tmp_path / "m", trajectories=6, reps=2, seed=1,
                         space=_small_space(base), backend="serial").indices
    assert (indices["mu_star_conf"] > indices["mu_star"]).any()  # a bound would go below 0
    assert (indices["mu_star_low"] >= 0).all()
    assert (pd.read_csv(tmp_path / "m" / "morris.csv")["mu_star_low"] >= 0).all()
    fig = sensitivity_figure(indices, "morris", ["spiky"])
    [trace] = fig.data
    assert np.all(np.asarray(trace.x) - np.asarray(trace.error_x.arrayminus) >= 0)


def test_a_confidence_band_has_no_markers_at_its_corners() -> None:
    """With few points plotly marks every corner of a filled band in a colour of its own:
    the band of a sweep is an area, drawn as lines only."""
    from sim.report.figures import sweep_plot

    summary = pd.DataFrame({"upper": [0.6, 1.0, 1.4], "outcome": "success_rate",
                            "mean": [0.5, 0.6, 0.7], "ci_low": [0.4, 0.5, 0.6],
                            "ci_high": [0.6, 0.7, 0.8]})
    fig = sweep_plot(summary, "upper", ["success_rate"], "nl")
    bands = [t for t in fig.data if t.fill == "toself"]
    assert bands and all(t.mode == "lines" for t in bands)

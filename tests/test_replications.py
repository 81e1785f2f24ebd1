"""Replications and warm-up chosen by method, on a stand-in model with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim.experiment.batch as batch_module
from sim.analysis.precision import Target
from sim.experiment.replications import choose_replications
from sim.experiment.sequential import describe_miss, run_to_precision
from sim.experiment.warmup import warmup_check
from sim.report.warmup import warmup_figure
from tests.conftest import short


class _Toy:
    """y: mean 10, sd 2 (seed only); z: mean 0, sd 0.4 * dialogue-dependent (paired
    differences near zero); a weekly series with a 30-week transient."""

    def __init__(self, scenario, seed: int) -> None:
        rng = np.random.default_rng(seed)
        noise, other = rng.normal(), rng.normal()
        m = scenario.municipality
        self.summary = {"y": 10.0 + 2.0 * noise, "z": (1.0 + m.dialogue) * other}
        weeks = np.arange(int(scenario.run.warmup_weeks + scenario.run.horizon_weeks))
        self.series = pd.DataFrame({
            "week": weeks.astype(float),
            "tension": np.minimum(weeks / 30.0, 1.0) + rng.normal(0, 0.3, weeks.size),
            "active": 5.0 + rng.normal(0, 1, weeks.size)})


@pytest.fixture
def toy(monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _Toy)


def _pair() -> dict:
    return {"a": short("direction", municipality={"dialogue": 0.4}),
            "b": short("direction", municipality={"dialogue": 0.8})}


def test_out_of_reach_stops_early_and_names_the_outcome(toy) -> None:
    rounds: list[int] = []
    batch = run_to_precision({"a": short("direction")}, Target(["y"], 0.005), min_reps=5,
                             max_reps=200, confirm_reps=30, backend="serial",
                             report=lambda done, status: rounds.append(done))
    # about (1.96 * 2 / 0.05)^2 = 6150 > 200: confirmed on 30, then it stops
    assert rounds == [5, 30]
    assert not batch.reached
    row = batch.missed.iloc[0]
    assert row["outcome"] == "y" and row["target"] == "a" and row["out_of_reach"]
    assert row["needed"] > 3000
    line = describe_miss(row.to_dict(), 200)
    assert line.startswith("y of a:") and "out of reach" in line


def test_differences_near_zero_need_an_absolute_target(toy) -> None:
    relative = run_to_precision(_pair(), Target(["z"], 0.05, on="differences"), min_reps=5,
                                max_reps=100, backend="serial")
    assert relative.missed["out_of_reach"].all()  # a mean near 0 has no relative precision
    assert set(relative.status["target"]) == {"b - a"}
    absolute = run_to_precision(_pair(), Target(["z"], absolute=0.1, on="differences"),
                                min_reps=5, max_reps=300, backend="serial")
    assert absolute.reached
    n = int(absolute.status["n"].iloc[0])
    assert 30 < n < 120  # the difference has sd 0.4: about (1.96 * 0.4 / 0.1)^2 = 61
    assert absolute.status["half_width"].iloc[0] <= 0.1


def test_choose_replications_follows_hoad(toy) -> None:
    choice = choose_replications({"a": short("direction")}, Target(["y"], 0.05), start=10,
                                 max_reps=400, backend="serial")
    row = choice.table.iloc[0]
    assert row["reached"] and 30 < row["n"] < 120 and choice.replications == row["n"]
    assert choice.reps_run >= row["n"] + 5  # the look-ahead was run
    assert choice.reps_run < 400
    assert not choice.trajectory.empty
    choice.figure()
    capped = choose_replications({"a": short("direction")}, Target(["y"], 0.005), start=10,
                                 max_reps=40, backend="serial")
    assert not capped.table["reached"].any() and capped.replications is None


def test_warmup_check_finds_the_transient(toy) -> None:
    sc = short("direction").with_changes({"run.warmup_weeks": 10.0,
                                          "run.horizon_weeks": 150.0})
    check = warmup_check(sc, reps=10, backend="serial")
    table = check.table.set_index("outcome")
    assert table.loc["tension", "truncation_weeks"] >= 30
    assert not table.loc["tension", "enough"]  # 10 weeks do not cover a 30-week transient
    assert table.loc["active", "truncation_weeks"] <= 30
    assert check.recommended_weeks == table["truncation_weeks"].max()
    assert set(check.series["outcome"]) == {"tension", "active"}
    warmup_figure(check)
    with pytest.raises(ValueError, match="not a weekly series: tensoin"):
        warmup_check(sc, reps=2, outcomes=["tensoin"], backend="serial")


def test_the_replications_page_holds_both_checks(toy, tmp_path) -> None:
    from sim.report.replications import write_replications

    scenarios = {"a": short("direction", run={"warmup_weeks": 40, "horizon_weeks": 60})}
    choice = choose_replications(scenarios, Target(["y"], 0.2), start=5, max_reps=20, seed=3,
                                 backend="serial")
    warm = warmup_check(scenarios["a"], reps=3, seed=3, backend="serial")
    page = write_replications(tmp_path, choice, warm).read_text(encoding="utf-8")
    assert "<h2>Replications</h2>" in page and "<h2>Warm-up (MSER-5)</h2>" in page
    for name in ("replications.csv", "trajectory.csv", "warmup.csv", "warmup_series.csv"):
        assert (tmp_path / name).exists()
    assert pd.read_csv(tmp_path / "replications.csv")["outcome"].tolist() == ["y"]
    (tmp_path / "alone").mkdir()
    alone = write_replications(tmp_path / "alone", choice).read_text(encoding="utf-8")
    assert "Warm-up" not in alone and not (tmp_path / "alone" / "warmup.csv").exists()

"""Global sensitivity: the parameter space from the schema, Morris, Sobol on the top ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.experiment.batch as batch_module
from sim.experiment import replication_seeds
from sim.experiment.exploration import parse_ranges
from sim.experiment.sensitivity import parameter_space, run_morris, run_sobol
from sim.scenario_files import load_scenario
from tests.conftest import SCENARIOS, short


class _Toy:
    """Outcomes with known drivers: dialogue (strong), feedback (weaker), noise."""

    def __init__(self, scenario, seed: int) -> None:
        noise = np.random.default_rng(seed).normal()
        m = scenario.municipality
        self.summary = {"dialogue_driven": 5.0 * m.dialogue + 1.0 * m.feedback + 0.01 * noise,
                        "noisy": m.dialogue + 0.05 * noise}
        self.series = pd.DataFrame({"week": [0, 1], "x": [noise, noise]})


def test_parameter_space_follows_the_schema_and_the_rule() -> None:
    base = load_scenario(SCENARIOS / "typical.toml")
    space = parameter_space(base, relative=0.2)
    table = space.table().set_index("parameter")
    assert len(space.parameters) > 80
    assert not any(k.startswith(("run.", "scenario.")) for k in space.names)
    # float: value +- 20%, cut to the schema bounds
    assert table.loc["aldermen.incident_rate", ["low", "high"]].tolist() == pytest.approx(
        [0.064, 0.096])
    assert table.loc["municipality.misroute_prob", "high"] < 1.0  # lt=1
    # integer: whole numbers around the value
    departments = table.loc["municipality.departments"]  # 4
    assert departments["integer"] and (departments["low"], departments["high"]) == (3, 5)
    # booleans, literals and lists are skipped, with the reason
    assert "not a number" in table.loc["fallback.enabled", "skipped"]
    # validators that order two keys: the ranges are cut at the midpoint
    low = table.loc["satisfaction.dissatisfied_below"]
    high = table.loc["satisfaction.satisfied_above"]
    assert low["high"] <= high["low"]
    # every corner of the space is a valid scenario
    for unit in (np.zeros((1, len(space.names))), np.ones((1, len(space.names)))):
        values = space.values(unit).iloc[0].to_dict()
        base.with_changes({k: (int(v) if k in ("regisseurs.corps_size",) else v)
                           for k, v in values.items()
                           if not space.parameters[space.names.index(k)].integer})
    # a file's [ranges] overrides
    over = parameter_space(base, ranges=parse_ranges({"municipality.dialogue": [0.0, 1.0]}))
    dialogue = over.table().set_index("parameter").loc["municipality.dialogue"]
    assert (dialogue["low"], dialogue["high"], dialogue["origin"]) == (0.0, 1.0, "ranges")
    with pytest.raises(ValueError, match="relative: must be between 0 and 1"):
        parameter_space(base, relative=1.5)


def test_integer_parameters_take_each_value_equally_often() -> None:
    space = parameter_space(short("direction"),
                            ranges=parse_ranges({"regisseurs.corps_size": [0, 3]}))
    j = space.names.index("regisseurs.corps_size")
    unit = np.zeros((4000, len(space.names)))
    unit[:, j] = np.random.default_rng(0).random(4000)
    counts = space.values(unit)["regisseurs.corps_size"].value_counts(normalize=True)
    assert sorted(counts.index) == [0, 1, 2, 3]
    assert counts.between(0.2, 0.3).all()  # rounding would give the ends half as much


def _small_space(base):
    ranges = parse_ranges({"municipality.dialogue": [0.0, 1.0],
                           "municipality.feedback": [0.0, 1.0]})
    full = parameter_space(base, ranges=ranges)
    keep = [k for k in full.names if k.startswith(("municipality.", "regisseurs."))]
    return full.subset(keep)


@pytest.mark.slow  # a Morris screening then Sobol: ~30 s under load
def test_morris_then_sobol_finds_the_drivers(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _Toy)
    base = short("direction")
    space = _small_space(base)
    screening = run_morris(base, tmp_path / "m", trajectories=6, reps=2, seed=1,
                           space=space, backend="serial")
    idx = screening.indices.set_index(["outcome", "parameter"])
    assert screening.top(2, ["dialogue_driven"]) == ["municipality.dialogue",
                                                     "municipality.feedback"]
    # elementary effects per unit of range: 5 and 1 exactly (a linear model)
    assert idx.loc[("dialogue_driven", "municipality.dialogue"), "mu_star"] == pytest.approx(
        5.0, abs=0.05)
    assert idx.loc[("dialogue_driven", "municipality.feedback"), "mu_star"] == pytest.approx(
        1.0, abs=0.05)
    others = idx.loc["dialogue_driven"].drop(["municipality.dialogue",
                                              "municipality.feedback"])
    assert (others["mu_star"] < 0.05).all()
    noise = screening.design.noise.set_index("outcome")
    assert noise.loc["dialogue_driven", "noise_share"] < 0.001
    for name in ("morris.csv", "morris.parquet", "parameters.csv", "noise.csv",
                 "points.parquet"):
        assert (tmp_path / "m" / name).exists()
    top = space.subset(screening.top(3, ["dialogue_driven"]))
    result = run_sobol(base, top, 64, tmp_path / "s", reps=2, seed=1, backend="serial")
    sob = result.indices.set_index(["outcome", "parameter"])
    dial = sob.loc[("dialogue_driven", "municipality.dialogue")]
    assert dial["ST_low"] > 0.5 and dial["ST"] == pytest.approx(25 / 26, abs=0.05)
    feed = sob.loc[("dialogue_driven", "municipality.feedback")]
    assert feed["ST"] == pytest.approx(1 / 26, abs=0.03)
    assert len(result.design.points) == 64 * (3 + 2)


def test_noise_share_measures_replication_noise(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "simulate", _Toy)
    base = short("direction")
    space = parameter_space(base, ranges=parse_ranges({"municipality.dialogue": [0.0, 0.1]}))
    space = space.subset(["municipality.dialogue"])
    design = run_sobol(base, space, 64, tmp_path, reps=4, seed=2, backend="serial").design
    row = design.noise.set_index("outcome").loc["noisy"]
    # common random numbers: every point meets the same four noise draws, so the
    # within-point variance is exactly theirs (times 0.05^2), and a mean of 4 has a quarter
    draws = [np.random.default_rng(s).normal() for s in replication_seeds(2, 4)]
    assert row["noise_variance"] == pytest.approx(0.05**2 * np.var(draws, ddof=1) / 4)
    means = design.points["noisy"]
    assert row["total_variance"] == pytest.approx(means.var(ddof=1))
    assert row["noise_share"] == pytest.approx(row["noise_variance"] / row["total_variance"])
    one = run_sobol(base, space, 8, tmp_path / "one", reps=1, seed=2, backend="serial")
    assert np.isnan(one.design.noise["noise_share"]).all()  # one replication: no estimate


@pytest.mark.slow  # a Morris screening then Sobol: ~37 s under load
def test_a_study_screens_then_runs_sobol_on_the_top_parameters(tmp_path: Path,
                                                               monkeypatch) -> None:
    """run_study: Morris into OUT/morris, then Sobol on the top K by μ* of the ranked
    outcome into OUT/sobol; each stage is heard as it finishes."""
    from sim.experiment.sensitivity import StudyDesign, run_study

    monkeypatch.setattr(batch_module, "simulate", _Toy)
    base = short("direction")
    given = parse_ranges({"municipality.dialogue": [0.2, 0.8],
                          "municipality.feedback": [0.2, 0.8]})
    heard: list[tuple[str, Path]] = []
    study = run_study(base, StudyDesign("sobol", samples=8, reps=1, seed=1, top=2,
                                        trajectories=4, relative=0.01),
                      tmp_path, given, ["dialogue_driven"],
                      on_stage=lambda name, where, _result: heard.append((name, where)),
                      backend="serial")
    assert heard == [("morris", tmp_path / "morris"), ("sobol", tmp_path / "sobol")]
    assert study.sobol is not None and study.sampled is None
    assert study.sobol.space.names == ["municipality.dialogue", "municipality.feedback"]
    assert (tmp_path / "sobol" / "sobol.csv").exists()
    assert (tmp_path / "morris" / "morris.csv").exists()
    only = run_study(base, StudyDesign("morris", reps=1, seed=1, trajectories=4,
                                       relative=0.01), tmp_path / "m", given,
                     backend="serial")
    assert only.sobol is None and (tmp_path / "m" / "morris.csv").exists()
    with pytest.raises(ValueError, match="top: only with method sobol"):
        StudyDesign("morris", top=2)
    with pytest.raises(ValueError, match="method: must be one of morris, sobol, lhs, qmc"):
        StudyDesign("pie")

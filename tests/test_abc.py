"""ABC-SMC calibration: priors, the pattern distance, resume, and using the posterior."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import ScenarioError, build_scenario
from sim.analysis.patterns import PATTERNS, calibrating, distance
from sim.experiment import run_batch
from sim.experiment.calibration import (
    Posterior,
    calibrate,
    effective_sample_size,
    parameter_table,
    read_priors,
)
from sim.report.calibration import write_calibration_report

PRIORS = {"satisfaction.dissatisfied_below": (0.3, 0.6), "tension.release_rate": (0.1, 0.3)}
SHORT = {"run": {"horizon_weeks": 26.0, "warmup_weeks": 8.0}}


def _priors(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "priors.toml"
    path.write_text(text)
    return path


def test_priors_are_read_and_checked(tmp_path: Path) -> None:
    good = _priors(tmp_path, '[priors]\n"fallback.upper" = [0.6, 1.6]\n'
                             '"regisseurs.corps_size" = [0, 8]\n')
    assert read_priors(good) == {"fallback.upper": (0.6, 1.6),
                                 "regisseurs.corps_size": (0.0, 8.0)}
    bad = _priors(tmp_path, '[priors]\n"fallback.uper" = [0.6, 1.6]\n'
                            '"tension.release_rate" = [0.3, 0.1]\n'
                            '"initiatives.energy_mean" = [0.0, 0.5]\n'
                            '"scenario.style" = [0, 1]\n')
    with pytest.raises(ScenarioError) as info:
        read_priors(bad)
    text = str(info.value)
    assert str(bad) in text
    for key in ("fallback.uper", "tension.release_rate", "initiatives.energy_mean",
                "scenario.style"):
        assert f"priors.{key}" in text
    assert "ge 0.01" in text


def test_the_pattern_distance_standardises_each_gap() -> None:
    summary = {"share_dissatisfied": 0.49, "share_satisfied": 0.33}
    assert distance(summary, calibrating()) == pytest.approx(1.0)  # (0.49 - 0.44) / 0.05
    assert math.isinf(distance({**summary, "share_satisfied": math.nan}, calibrating()))
    assert {p.role for p in PATTERNS} == {"calibrate", "validate"}


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("abc") / "cal"
    result = calibrate(build_scenario(SHORT), PRIORS, out, populations=2, particles=6,
                       reps=1, backend="serial", ppc_draws=3, ppc_reps=1,
                       log=lambda _line: None)
    assert not (out / "report.html").exists()  # the library computes, the report writes
    assert write_calibration_report(result) == out / "report.html"
    return out


@pytest.mark.slow  # an ABC-SMC calibration (the module's fixture): ~40 s under load
def test_a_calibration_writes_its_posterior_and_checks(calibrated: Path) -> None:
    posterior = pd.read_parquet(calibrated / "posterior.parquet")
    assert set(posterior.columns) == {*PRIORS, "weight"} and len(posterior) == 6
    for key, (low, high) in PRIORS.items():
        assert posterior[key].between(low, high).all()
    assert posterior["weight"].gt(0).all()
    manifest = json.loads((calibrated / "calibration.json").read_text())
    assert 1.0 <= manifest["effective_sample_size"] <= len(posterior)
    assert effective_sample_size(pd.DataFrame({"weight": [1.0, 1.0, 2.0]})) == pytest.approx(
        16 / 6)
    populations = pd.read_csv(calibrated / "populations.csv")
    epsilons = populations.loc[populations["t"] >= 0, "epsilon"].tolist()
    assert len(epsilons) == 2 and epsilons[1] <= epsilons[0]
    checks = pd.read_csv(calibrated / "checks.csv").set_index("pattern")
    assert set(checks.index) == {p.key for p in PATTERNS}
    assert checks["share_matching"].between(0, 1).all()
    assert (calibrated / "abc.db").exists() and "Posterior predictive" in (
        calibrated / "report.html").read_text()
    table = pd.read_csv(calibrated / "parameters.csv").set_index("parameter")
    assert list(table.index) == list(PRIORS)
    assert table["identified"].dtype == bool


def test_identified_means_the_posterior_left_its_prior_by_more_than_its_ess_explains() -> None:
    """The rule: KS distance to the prior above c / sqrt(ESS), c the Kolmogorov quantile
    at 5% over the parameters (two here: c = 1.48). Prior draws stay below it; a narrowed
    posterior passes it; prior draws carried by a few heavy particles stay below it too,
    though as many particles drawn evenly would pass it."""
    rng = np.random.default_rng(3)
    priors = {"a": [0.0, 1.0], "b": ["beta", 1.0, 1.0]}
    prior_like = pd.DataFrame({"a": rng.uniform(size=400), "b": rng.uniform(size=400),
                               "weight": 1.0})
    table = parameter_table(prior_like, priors).set_index("parameter")
    assert not table["identified"].any()
    assert table.loc["a", "width_ratio"] == pytest.approx(1.0, abs=0.1)
    narrow = prior_like.assign(a=0.5 + 0.05 * rng.standard_normal(400))
    table = parameter_table(narrow, priors).set_index("parameter")
    assert table.loc["a", "identified"] and not table.loc["b", "identified"]
    assert table.loc["a", "width_ratio"] < 0.25
    assert table.loc["a", "median"] == pytest.approx(0.5, abs=0.02)
    # 8 particles carry nearly all the weight: ESS about 8, critical value about 0.48
    heavy = prior_like.assign(weight=np.where(np.arange(400) < 8, 1000.0, 1e-3))
    table = parameter_table(heavy, priors)
    assert table["ks_critical"].iloc[0] == pytest.approx(1.480 / math.sqrt(8.0), rel=0.02)
    assert table["ks"].max() > 1.48 / math.sqrt(400), "as many even particles would pass"
    assert not table["identified"].any()


@pytest.mark.slow  # an ABC-SMC calibration (the module's fixture): ~40 s under load
def test_a_calibration_resumes_and_refuses_other_settings(calibrated: Path,
                                                          tmp_path: Path) -> None:
    before = len(pd.read_csv(calibrated / "populations.csv"))
    lines: list[str] = []
    result = calibrate(build_scenario(SHORT), PRIORS, calibrated, populations=3, particles=6,
                       reps=1, backend="serial", ppc_draws=3, ppc_reps=1, log=lines.append)
    assert any(line.startswith("resuming: 2 of 3") for line in lines)
    assert len(result.populations) == before + 1
    assert result.manifest["populations_done"] == 3
    with pytest.raises(ValueError, match="other kernel"):
        calibrate(build_scenario(SHORT), PRIORS, calibrated, populations=3, particles=6,
                  reps=1, backend="serial", kernel="local")
    with pytest.raises(ValueError, match="kernel: must be one of normal, local"):
        calibrate(build_scenario(SHORT), PRIORS, tmp_path / "k", kernel="gaussian")
    with pytest.raises(ValueError, match="other priors"):
        calibrate(build_scenario(SHORT), {"tension.release_rate": (0.1, 0.3)}, calibrated,
                  populations=3, particles=6, reps=1, backend="serial")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="holds files"):
        calibrate(build_scenario(SHORT), PRIORS, foreign, backend="serial")
    assert (foreign / "notes.txt").read_text() == "mine"


@pytest.mark.slow  # an ABC-SMC calibration (the module's fixture): ~40 s under load
def test_posterior_draws_follow_the_weights_and_keep_common_random_numbers(
        calibrated: Path) -> None:
    posterior = Posterior(calibrated)
    draws = posterior.draws(seed=5, reps=40)
    assert draws[:10] == posterior.draws(seed=5, reps=10)  # extending keeps the draws
    assert draws != posterior.draws(seed=6, reps=40)
    fewer = posterior.without(["tension.release_rate"])
    assert all(set(d) == {"satisfaction.dissatisfied_below"}
               for d in fewer.draws(seed=5, reps=10))
    assert [d["satisfaction.dissatisfied_below"] for d in fewer.draws(seed=5, reps=10)] == [
        d["satisfaction.dissatisfied_below"] for d in draws[:10]]
    assert fewer.digest != posterior.digest
    # a posterior whose weight sits on one particle always gives that particle
    posterior.weights = np.eye(len(posterior.values))[2]
    only = {tuple(d.values()) for d in posterior.draws(seed=1, reps=30)}
    assert only == {tuple(posterior.values[2])}


@pytest.mark.slow  # an ABC-SMC calibration (the module's fixture): ~40 s under load
def test_a_batch_over_the_posterior_gives_every_scenario_the_same_draws(
        calibrated: Path) -> None:
    base = build_scenario({"scenario": {"style": "direction"}, **SHORT})
    runs = run_batch({"on": base, "off": base.with_changes({"fallback.enabled": False})},
                     reps=4, seed=3, backend="serial", posterior=calibrated).runs
    drawn = [c for c in runs.columns if c.startswith("posterior.")]
    assert sorted(drawn) == sorted(f"posterior.{k}" for k in PRIORS)
    on = runs[runs["scenario"] == "on"].set_index("replication")[drawn]
    off = runs[runs["scenario"] == "off"].set_index("replication")[drawn]
    pd.testing.assert_frame_equal(on, off)
    assert on["posterior.tension.release_rate"].nunique() > 1
    assert runs["posterior"].nunique() == 1


def test_a_priors_file_is_read_like_a_scenario_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not a regular file"):
        read_priors("/dev/zero")
    with pytest.raises(ScenarioError, match="file not found"):
        read_priors(tmp_path / "missing.toml")


def test_the_local_kernel_proposes_around_each_particle(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``kernel="local"`` hands pyabc a LocalTransition; the calibration runs with it and
    records the choice (a resume with the other kernel is refused, above)."""
    import pyabc

    made: list[object] = []
    real = pyabc.ABCSMC.__init__

    def spy(self, *args, **kwargs):
        made.append(kwargs.get("transitions"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(pyabc.ABCSMC, "__init__", spy)
    out = tmp_path / "local"
    calibrate(build_scenario(SHORT), PRIORS, out, populations=2, particles=6, reps=1,
              backend="serial", ppc_draws=2, ppc_reps=1, kernel="local",
              log=lambda _line: None)
    assert [type(t).__name__ for t in made] == ["LocalTransition"]
    assert json.loads((out / "calibration.json").read_text())["kernel"] == "local"
    assert len(pd.read_parquet(out / "posterior.parquet")) == 6


def test_rejection_abc_keeps_the_closest_draws_and_resumes_to_the_same_posterior(
        tmp_path: Path) -> None:
    """Rejection ABC: particles / accept draws from the prior, the closest kept with equal
    weights (ESS = particles); a stopped run resumes from its saved draws and ends where an
    unbroken one ends."""
    from sim.experiment.calibration import DRAWS

    lines: list[str] = []

    def run(out: Path) -> pd.DataFrame:
        result = calibrate(build_scenario(SHORT), PRIORS, out, particles=4, reps=1,
                           backend="serial", ppc_draws=2, ppc_reps=1, kernel="rejection",
                           accept=0.5, log=lines.append)
        return result.posterior

    whole = run(tmp_path / "whole")
    draws = pd.read_parquet(tmp_path / "whole" / DRAWS)
    assert len(draws) == 8 and list(draws["draw"]) == list(range(8))
    closest = draws.nsmallest(4, "distance")[list(PRIORS)].reset_index(drop=True)
    pd.testing.assert_frame_equal(whole[list(PRIORS)], closest)
    assert whole["weight"].eq(1.0).all() and effective_sample_size(whole) == 4
    for key, (low, high) in PRIORS.items():
        assert draws[key].between(low, high).all()
    manifest = json.loads((tmp_path / "whole" / "calibration.json").read_text())
    assert manifest["accept"] == 0.5 and manifest["simulations"] == 8
    # a stop after five draws: the resume simulates the other three, the same ones
    stopped = tmp_path / "stopped"
    run(stopped)
    (stopped / DRAWS).write_bytes(draws.head(5).to_parquet(index=False))
    lines.clear()
    resumed = run(stopped)
    assert "resuming: 5 of 8 draws from the prior done" in lines
    assert "rejection ABC: 8 of 8 draws from the prior" in lines
    pd.testing.assert_frame_equal(resumed, whole)
    pd.testing.assert_frame_equal(pd.read_parquet(stopped / DRAWS), draws)
    with pytest.raises(ValueError, match="other accept"):
        calibrate(build_scenario(SHORT), PRIORS, stopped, particles=4, reps=1,
                  backend="serial", kernel="rejection", accept=0.25)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["process", "dask"])
def test_rejection_abc_draws_the_same_on_a_process_pool_and_on_dask(
        tmp_path: Path, backend: str) -> None:
    """Each draw and its seeds come from the seed and the draw's index: a process pool and a
    Dask cluster (its workers checked to run this code) give the serial run's draws, bit
    for bit, in order."""
    from sim.experiment.calibration import DRAWS

    def draws(name: str, backend: str) -> pd.DataFrame:
        calibrate(build_scenario(SHORT), PRIORS, tmp_path / name, particles=3, reps=1,
                  backend=backend, workers=2, ppc_draws=1, ppc_reps=1, kernel="rejection",
                  accept=0.5, log=lambda _line: None)
        return pd.read_parquet(tmp_path / name / DRAWS)

    pd.testing.assert_frame_equal(draws(backend, backend), draws("serial", "serial"))

"""The national population: its file, the prior of the mix, and the survey over it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import ScenarioError, simulate
from sim.analysis.national import NO_FALLBACK, fallback_part, national
from sim.experiment import run_batch
from sim.population import Population, load_population

ROOT = Path(__file__).resolve().parent.parent
NETHERLANDS = ROOT / "scenarios" / "national" / "netherlands.toml"
GOOD = """
[population]
name = "test"

[groups.partner-like]
share = [0.2, 0.35]
source = "a figure"

[groups.rest]
source = "what is left"

[kinds.directive]
scenario = "{directive}"
group = "rest"

[kinds.partner]
scenario = "{partner}"
group = "partner-like"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "population.toml"
    path.write_text(text.format(directive=ROOT / "scenarios" / "directive.toml",
                                partner=ROOT / "scenarios" / "partner.toml"))
    return path


def test_the_shipped_population_loads_with_a_scenario_per_kind() -> None:
    population, scenarios = load_population(NETHERLANDS)
    assert set(scenarios) == {"directive", "consultative", "direction-based", "partner"}
    assert scenarios["direction-based"].scenario.name == "direction"
    means = population.prior_mean_shares()
    assert sum(means.values()) == pytest.approx(1.0)
    # the partner-like group (Right to Challenge, about 20-35 %) at its mid-range
    assert means["direction-based"] + means["partner"] == pytest.approx(0.275)


@pytest.mark.parametrize(("change", "names"), [
    (("group = \"rest\"\n\n[kinds.partner]", "group = \"nowhere\"\n\n[kinds.partner]"),
     "kinds.directive.group"),
    (("share = [0.2, 0.35]", "share = [0.5, 0.35]"), "share"),
    (("share = [0.2, 0.35]", "share = [0.2, 1.5]"), "groups.partner-like.share[1]: must be <= 1"),
    (("[groups.rest]\n", "[groups.rest]\nshare = [0.1, 0.2]\n"), "exactly one group"),
    (("group = \"partner-like\"", "group = \"rest\""), "have no kind"),
    (("name = \"test\"", "name = \"test\"\ncolour = \"red\""), "colour"),
])
def test_a_bad_population_file_is_refused_naming_the_file_and_field(
        tmp_path: Path, change: tuple[str, str], names: str) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ScenarioError, match=str(path)) as info:
        load_population(path)
    assert names in str(info.value)


def test_a_kind_without_its_scenario_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("{partner}", "missing.toml"))
    with pytest.raises(ScenarioError, match=r"kinds\.partner\.scenario: no file"):
        load_population(path)


def test_draws_of_the_mix_sum_to_one_and_keep_each_group_in_its_range() -> None:
    population, _ = load_population(NETHERLANDS)
    rng = np.random.default_rng(5)
    draws = [population.draw_shares(rng) for _ in range(2000)]
    partner_like = np.array([d["direction-based"] + d["partner"] for d in draws])
    assert np.allclose([sum(d.values()) for d in draws], 1.0)
    assert partner_like.min() >= 0.2 and partner_like.max() <= 0.35
    # uniform on the range, and an even split on average within the group
    assert partner_like.mean() == pytest.approx(0.275, abs=0.005)
    split = np.array([d["partner"] for d in draws]) / partner_like
    assert split.mean() == pytest.approx(0.5, abs=0.02)
    again = np.random.default_rng(5)
    assert population.draw_shares(again) == draws[0]


def test_the_national_survey_weighs_each_kind_by_share_and_members_reached() -> None:
    """Two kinds, one replication: 30 % of municipalities reach 100 members of whom 50 %
    are dissatisfied, 70 % reach 300 members of whom 10 % are: the national share is
    (0.3·100·0.5 + 0.7·300·0.1) / (0.3·100 + 0.7·300) = 36 / 240 = 0.15, not the share-
    weighted 0.22."""
    runs = pd.DataFrame({"scenario": ["a", "b"], "replication": [0, 0],
                         "survey_members": [100.0, 300.0],
                         "share_dissatisfied": [0.5, 0.1]})
    got = national(runs, {"a": 0.3, "b": 0.7})
    assert got.loc[0] == pytest.approx(0.15)
    with pytest.raises(ValueError, match="no runs of 'c'"):
        national(runs, {"a": 0.5, "c": 0.5})


@pytest.mark.slow
def test_falling_back_causes_part_of_the_national_dissatisfied_only_where_it_changes_something(
        ) -> None:
    """A directive municipality falls back into the role it plays: in a population of
    directive ones, falling back causes none of the dissatisfied; with direction-based
    municipalities in the mix it causes some (paired, with minus without)."""
    _, kinds = load_population(NETHERLANDS)
    scenarios = {}
    for kind in ("directive", "direction-based"):
        scenarios[kind] = kinds[kind]
        scenarios[kind + NO_FALLBACK] = kinds[kind].with_changes({"fallback.enabled": False})
    runs = run_batch(scenarios, reps=12, seed=11).runs
    with_, without, part = fallback_part(runs, {"directive": 1.0})
    assert with_ == without and part == 0.0
    with_, without, part = fallback_part(runs, {"directive": 0.5, "direction-based": 0.5})
    assert with_ > without and 0.0 < part < 1.0
    direction_only = fallback_part(runs, {"direction-based": 1.0})[2]
    assert part < direction_only, "mixing in directive municipalities dilutes the part"


def test_the_mix_as_parameters_gives_the_shares_of_its_prior() -> None:
    """Stick-breaking fractions with Beta(1, m - 1 - j) priors: the shares sum to 1, keep
    each group in its range and split a group as a flat Dirichlet (three kinds: a third
    each on average), as draw_shares does."""
    from scipy import stats

    population = Population.model_validate({
        "population": {"name": "three"},
        "groups": {"few": {"share": [0.2, 0.4], "source": "x"}, "rest": {"source": "y"}},
        "kinds": {"a": {"scenario": "a.toml", "group": "rest"},
                  "b": {"scenario": "b.toml", "group": "rest"},
                  "c": {"scenario": "c.toml", "group": "rest"},
                  "d": {"scenario": "d.toml", "group": "few"}}})
    priors = population.mix_priors()
    assert priors == {"mix.few": ("uniform", 0.2, 0.2), "mix.rest.a": ("beta", 1.0, 2.0),
                      "mix.rest.b": ("beta", 1.0, 1.0)}
    rng = np.random.default_rng(2)
    draws = [population.shares_from({k: getattr(stats, name)(a, b).rvs(random_state=rng)
                                     for k, (name, a, b) in priors.items()})
             for _ in range(3000)]
    shares = pd.DataFrame(draws)
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert shares["d"].between(0.2, 0.4).all()
    rest = shares[["a", "b", "c"]].div(1.0 - shares["d"], axis=0)
    assert rest.mean().to_numpy() == pytest.approx([1 / 3] * 3, abs=0.02)


def test_a_population_target_reads_the_survey_over_the_mix_and_a_kind_where_observed(
        ) -> None:
    """The national shares are the members-weighted mix of the kinds' runs on the same
    seeds; 004's 'often' is read in the direction-based municipality alone."""
    from sim.experiment.national import PopulationTarget

    population, kinds = load_population(NETHERLANDS)
    short = {"run.horizon_weeks": 52.0, "run.warmup_weeks": 26.0}
    kinds = {k: sc.with_changes(short) for k, sc in kinds.items()}
    assert kinds["consultative"].satisfaction.dissatisfied_below == 0.375  # the file's cut
    target = PopulationTarget(population, kinds)
    mix = {"mix.partner-like": 0.3, "mix.partner-like.direction-based": 0.5,
           "mix.rest.directive": 0.25}
    particle = {**mix, "satisfaction.loss_aversion": 1.5}
    got = target.predict(particle, [5, 6])
    shares = population.shares_from(mix)
    assert shares == pytest.approx({"directive": 0.175, "consultative": 0.525,
                                    "direction-based": 0.15, "partner": 0.15})
    runs = {k: [simulate(sc.with_changes({"satisfaction.loss_aversion": 1.5}), s).summary
                for s in (5, 6)] for k, sc in kinds.items()}
    weight = {k: [shares[k] * r["survey_members"] for r in rs] for k, rs in runs.items()}
    total = sum(sum(w) for w in weight.values())
    expected = sum(w * r["share_dissatisfied"] for k in kinds
                   for w, r in zip(weight[k], runs[k], strict=True)) / total
    assert got["share_dissatisfied"] == pytest.approx(expected)
    assert got["fallback_episodes"] == pytest.approx(
        np.mean([r["fallback_episodes"] for r in runs["direction-based"]]))
    assert target.settings()["base_hash"] != PopulationTarget(
        population, {**kinds, "partner": kinds["direction-based"]}).settings()["base_hash"]


VARIANTS = {  # two mechanisms of satisfaction that the old two-number fit cannot tell apart
    "burden only": {"satisfaction.burden_weight": 1.0, "satisfaction.performance": 1.0,
                    "satisfaction.expectation": 0.0, "satisfaction.disconfirmation": 0.0},
    "disconfirmation only": {"satisfaction.performance": 0.0,
                             "satisfaction.expectation": 0.0,
                             "satisfaction.disconfirmation": 1.0},
}


def _old_fit_distances(changes: dict, seeds: range) -> list[float]:
    """The old calibration: the two thresholds set on the typical municipality as the
    survey's quantiles of its pooled satisfaction (fitting seeds 100..109), then the
    survey distance on fresh ``seeds``."""
    from sim.analysis.patterns import calibrating, distance
    from sim.model.ledger import recall_start, survey_asked

    typical = load_population(NETHERLANDS)[1]["consultative"].with_changes(changes)
    values, weights = [], []
    for seed in range(100, 110):
        df = simulate(typical, seed).initiatives
        asked = survey_asked(df["exit_week"].to_numpy(float), df["contact"].to_numpy(bool),
                             recall_start(typical))
        values.append(df["satisfaction"].to_numpy(float)[asked])
        weights.append(df["members"].to_numpy(float)[asked])
    x, w = np.concatenate(values), np.concatenate(weights)
    order = np.argsort(x, kind="stable")
    cdf = np.cumsum(w[order]) / w.sum()
    low, high = (float(x[order][np.searchsorted(cdf, q)]) for q in (0.44, 0.67))
    fitted = typical.with_changes({"satisfaction.dissatisfied_below": low,
                                   "satisfaction.satisfied_above": high})
    return [distance(simulate(fitted, s).summary, calibrating()) for s in seeds]


def _national_distances(changes: dict, seeds: range) -> list[float]:
    """The national calibration's reading: the population with its fixed cutpoints at the
    prior's mean mix, the survey over the mix, per seed."""
    from sim.analysis.patterns import distance
    from sim.experiment.national import PopulationTarget

    population, kinds = load_population(NETHERLANDS)
    target = PopulationTarget(population, kinds)
    mix = {"mix.partner-like": 0.275, "mix.partner-like.direction-based": 0.5,
           "mix.rest.directive": 0.5}
    calibrate_on = tuple(p for p in target.patterns if p.role == "calibrate")
    return [distance(target.predict({**mix, **changes}, [s]), calibrate_on) for s in seeds]


@pytest.mark.slow
def test_the_national_patterns_tell_apart_what_two_free_thresholds_could_not() -> None:
    """Burden-only and disconfirmation-only satisfaction both fit the survey's split
    once two thresholds are free (the old calibration): their distances differ by no
    more than noise. With the cutpoints fixed by the scale and the survey read over the
    population, they no longer fit alike."""
    from sim.analysis import mean_ci

    seeds = range(8)
    old = {name: _old_fit_distances(ch, seeds) for name, ch in VARIANTS.items()}
    new = {name: _national_distances(ch, seeds) for name, ch in VARIANTS.items()}

    def apart(d: dict[str, list[float]]) -> bool:
        a, b = (mean_ci(v) for v in d.values())
        return a.high < b.low or b.high < a.low

    assert not apart(old), f"the old fit told them apart: {old}"
    assert apart(new), f"the national reading did not: {new}"

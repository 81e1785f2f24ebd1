"""Every experiment script runs end to end with tiny settings and writes what it says.

Each script runs as a user would start it (a subprocess), with two replications of a
half-year into a temporary folder; the test then reads back what it wrote.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment.store import scenario_config
from sim.outcomes import SUMMARY
from sim.report.labels import TEXT, label, shown_names, signed
from tests.conftest import ROOT
from tests.htmlcheck import load_results, read

pytestmark = pytest.mark.slow

EXPERIMENTS = ROOT / "experiments"
TINY = ["--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4"]
REPS = 2
SCRIPTS = {  # script: extra arguments
    "styles": ["--lang", "nl"],
    "managers": [],
    "regisseurs": ["--lang", "nl"],
    "fallback": ["--points", "3"],
    "conditions": ["--samples", "2"],
    "calibrate": ["--populations", "1", "--particles", "4", "--draws", "2",
                  "--backend", "serial"],
    "robustness": ["--points", "4"],
    "claims": [],
    "national": ["--draws", "20"],
    "voi": ["--simulations", "50"],
}


def _module(name: str) -> ModuleType:
    sys.path.insert(0, str(EXPERIMENTS))
    try:
        spec = importlib.util.spec_from_file_location(f"experiment_{name}",
                                                      EXPERIMENTS / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXPERIMENTS))


def _run(name: str, out: Path, *extra: str) -> str:
    args = [sys.executable, str(EXPERIMENTS / f"{name}.py"), "--reps", str(REPS),
            "--out", str(out), *TINY, *SCRIPTS[name], *extra]
    if name != "calibrate":
        args += ["--backend", "serial"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_every_script_is_tested() -> None:
    scripts = {p.stem for p in EXPERIMENTS.glob("*.py") if not p.stem.startswith("_")}
    assert scripts == set(SCRIPTS)


@pytest.mark.parametrize("name", [n for n in SCRIPTS if n not in ("calibrate", "voi")])
def test_outcomes_a_script_reports_are_in_the_vocabulary(name: str) -> None:
    assert set(_module(name).OUTCOMES) <= set(SUMMARY)


PUBLISHED = {"runs.parquet": "runs", "series.parquet": "series", "summary.csv": "summary",
             "differences.csv": "differences", "report.json": "report_settings"}


def _listed(out: Path, kinds: dict[str, str]) -> None:
    """The manifest lists every table the script wrote into ``out``, with its kind (and
    nothing else: a report is a view of them)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {name: entry["kind"] for name, entry in manifest["artefacts"].items()} == kinds
    tables = {p.name for p in out.iterdir() if p.is_file() and not p.name.startswith(".")
              and p.suffix != ".html" and p.name != "manifest.json"}
    assert tables == set(kinds)


def _check_published(out: Path, outcomes: list[str], reference: str, lang: str) -> None:
    """runs/series/manifest, summary.csv and differences.csv agree; the report shows them."""
    runs, series, manifest = load_results(out)
    scenarios = list(dict.fromkeys(runs["scenario"]))
    assert len(runs) == len(scenarios) * REPS and runs.groupby("scenario").size().eq(REPS).all()
    assert set(series["scenario"]) == set(scenarios)
    for name in manifest["scenarios"]:
        # --set reached every scenario
        assert scenario_config(manifest, name)["run"]["horizon_weeks"] == 26.0
    summary = pd.read_csv(out / "summary.csv")
    assert list(dict.fromkeys(summary["outcome"])) == outcomes
    means = runs.groupby("scenario")[outcomes].mean()
    for r in summary.itertuples():
        assert r.mean == pytest.approx(means.loc[r.scenario, r.outcome], nan_ok=True)
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs["scenario"]) == set(scenarios) - {reference}
    assert set(diffs["reference"]) == {reference}
    report = read((out / "report.html").read_text(encoding="utf-8"))
    assert report.lang == lang
    table = report.section(TEXT["headline"][lang]).rows
    shown = list(shown_names(scenarios, lang).values())  # the names in the report's language
    if len(outcomes) > len(scenarios):  # a row per outcome, a column per scenario
        table = [list(col) for col in zip(*table, strict=True)]
    assert table[0][1:] == [label(o, lang) for o in outcomes]
    assert [row[0] for row in table[1:]] == shown
    [bars] = report.section(TEXT["outcomes"][lang]).figures
    assert [t["y"] if t.get("orientation") == "h" else t["x"]
            for t in bars] == [shown] * len(outcomes)


@pytest.mark.parametrize(("name", "reference", "lang"), [
    ("styles", "directive", "nl"), ("managers", "consultative, inward 0.45", "en"),
    ("regisseurs", "corps 0", "nl")])
def test_comparison_script_publishes_its_batch(tmp_path: Path, name: str, reference: str,
                                               lang: str) -> None:
    said = " ".join(_run(name, tmp_path).split())
    _check_published(tmp_path, list(_module(name).OUTCOMES), reference, lang)
    _listed(tmp_path, PUBLISHED)
    if lang == "nl":  # the console speaks Dutch too
        assert "replicaties met gemeenschappelijke toevalsgetallen" in said
        assert "Rapport:" in said and "Paired" not in said
    if name == "styles":  # an edited scenario into the same folder: a message, no traceback
        again = subprocess.run(
            [sys.executable, str(EXPERIMENTS / "styles.py"), "--reps", str(REPS), "--out",
             str(tmp_path), *TINY, "--set", "run.horizon_weeks=27", "--lang", "nl",
             "--backend", "serial"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 2, again.stderr
        assert "Traceback" not in again.stdout + again.stderr
        assert "Kies een nieuwe map met --out" in " ".join(again.stdout.split())


def _national_mix(reps: int, seed: int = 2026) -> pd.DataFrame:
    """The mix each replication of a flagship run draws from the national posterior."""
    from sim.experiment.calibration import Posterior
    from sim.population import load_population

    population, _ = load_population(ROOT / "scenarios" / "national" / "netherlands.toml")
    posterior = Posterior(ROOT / "calibration" / "national")
    keys = [k for k in posterior.keys if k.startswith("mix.")]
    mix = pd.DataFrame([population.shares_from({k: d[k] for k in keys})
                        for d in posterior.draws(seed, reps)])
    mix.index.name = "replication"
    return mix


def test_fallback_script_writes_headline_sweep_and_discovery(tmp_path: Path) -> None:
    module = _module("fallback")
    stdout = _run("fallback", tmp_path)
    _check_published(tmp_path, list(module.OUTCOMES), module.REFERENCE, "en")
    _listed(tmp_path, {**PUBLISHED, "decomposition.csv": "decomposition", "warmup.csv": "warmup",
                       "warmup_series.csv": "warmup_series", "threshold.csv": "threshold_sweep",
                       "breach.csv": "breach", "discovery.csv": "discovery",
                       "prim_box.csv": "prim_box", "headline.csv": "headline",
                       "levers.csv": "levers"})
    # the headline: the national answers over the national calibration's posterior (its
    # own batch in national/), the breach and the levers; the report opens with it
    from sim.analysis.levers import LEVERS, lever_costs, lever_ranking

    headline = pd.read_csv(tmp_path / "headline.csv")
    national = {"national_dissatisfied", "fallback_cost_national", "fallback_part_national",
                "style_consultative", "style_direction-based", "style_partner"}
    levers = {f"lever_{lever.name}" for lever in LEVERS}
    assert national | levers <= set(headline["claim"]) <= national | levers | {
        "breach_members"}
    assert (headline["low"] <= headline["estimate"]).all()
    assert (headline["estimate"] <= headline["high"]).all()
    nat_runs, _, _ = load_results(tmp_path / "national")
    # 4 kinds and their twins; each lever in the 2 kinds that can fall back, and twins
    assert len(nat_runs) == (8 + 4 * len(LEVERS)) * REPS
    assert nat_runs["posterior"].notna().all()
    # the flagship's own batch: the population's kinds (the survey's cutpoints) over the
    # same national posterior, its mix left to the headline
    runs, _, manifest = load_results(tmp_path)
    assert set(runs["posterior"]) == set(nat_runs["posterior"])
    for name in ("direction", "directive"):
        config = scenario_config(manifest, name)["satisfaction"]
        assert (config["dissatisfied_below"], config["satisfied_above"]) == (0.375, 0.625)
    # the ranking is read from those runs: the same posterior draws (mix included)
    ranking = pd.read_csv(tmp_path / "levers.csv")
    from_runs = lever_ranking(lever_costs(nat_runs, _national_mix(REPS),
                                          [lever.name for lever in LEVERS],
                                          ["direction-based", "partner"]))
    pd.testing.assert_frame_equal(ranking, from_runs, check_dtype=False)
    style = headline.set_index(["claim", "interval"]).loc[("style_partner", "ci95")]
    wide = nat_runs.pivot(index="replication", columns="scenario",
                          values="share_dissatisfied")
    assert style["estimate"] == pytest.approx((wide["partner"] - wide["directive"]).mean())
    sweep = pd.read_csv(tmp_path / "threshold.csv")
    assert set(sweep["scenario"]) == {f"upper {u}" for u in module.THRESHOLDS}
    assert sorted(sweep["upper"].unique()) == sorted(module.THRESHOLDS)
    assert set(sweep["outcome"]) == {"success_rate", "share_dissatisfied"}
    discovery = pd.read_csv(tmp_path / "discovery.csv")
    assert len(discovery) == 3 and discovery["cost"].notna().all()
    for key, (low, high) in module.DISCOVERY.items():
        assert discovery[key].between(low, high).all()
    report = read((tmp_path / "report.html").read_text(encoding="utf-8"))
    [fig] = report.section("Fallback threshold swept").figures
    lines = [t for t in fig if t.get("mode") == "lines+markers"]
    assert [t["x"] for t in lines] == [sorted(module.THRESHOLDS)] * 2
    report.section("Where fallback costs most")
    assert next(s.heading for s in report.sections if s.heading) == "The answer"
    assert len(report.section("The answer").rows) == len(headline) + 1
    assert len(report.section("Which lever protects most against falling back").rows) == (
        len(LEVERS) + 1)
    # the parameters that carry the batch's numbers, and those drawn from their prior only
    params = pd.read_csv(ROOT / "calibration" / "national" / "parameters.csv")
    params = params[~params["parameter"].str.startswith("mix.")]
    page = " ".join((tmp_path / "report.html").read_text(encoding="utf-8").split())
    assert (f"Of the {len(params)} parameters drawn (national, parameters.csv), the survey "
            f"data narrowed {int(params['identified'].sum())}:") in page
    parts = pd.read_csv(tmp_path / "decomposition.csv")
    rows = report.section("Fallback's cost").rows[1:]
    assert len(rows) == len(parts) == 9
    # rebuilt from the folder in Dutch: a new file with the same sections, in Dutch
    result = CliRunner().invoke(app, ["report", str(tmp_path), "--lang", "nl"])
    assert result.exit_code == 0, result.output
    dutch = read((tmp_path / "report-nl.html").read_text(encoding="utf-8"))
    assert dutch.title == "Regisserend werken met en zonder terugval, en sturend werken"
    assert len(dutch.sections) == len(report.sections)
    for key in ("threshold", "prim", "decomposition", "glossary", "stress"):
        dutch.section(TEXT[key]["nl"])
    assert read((tmp_path / "report.html").read_text(encoding="utf-8")) == report
    said = " ".join(stdout.split())  # the terminal wraps at 80 columns
    assert "The threshold that costs most success:" in said
    assert "Intervals: stochastic and parametric" in said  # says which uncertainty
    parts = pd.read_csv(tmp_path / "decomposition.csv").set_index(["part", "outcome"])
    assert set(parts.index) == {(p, o) for p in ("total", "regime", "expectations")
                                for o in module.DECOMPOSED}
    for outcome in module.DECOMPOSED:  # paired means: the two parts add up to the total
        assert parts.loc[("total", outcome), "difference"] == pytest.approx(
            parts.loc[("regime", outcome), "difference"]
            + parts.loc[("expectations", outcome), "difference"], abs=1e-12)
    report.section("Fallback's cost: the regime and broken expectations")
    warm = pd.read_csv(tmp_path / "warmup.csv")
    assert set(warm["outcome"]) == {"tension", "active"}
    assert (warm["warmup_weeks"] == 104.0).all()
    report.section("Warm-up check (MSER-5)")
    report.section("Uncertainty shown")
    assert "Fallback's cost in share dissatisfied, broken expectations:" in said
    breach = pd.read_csv(tmp_path / "breach.csv")
    assert list(breach["seed"]) == [2026 + k for k in range(REPS)]
    assert "The members whose partnership a fallback broke (fixed parameters), direction:" in said
    # one sign everywhere: the console's total is differences.csv's "direction" against
    # the no-fallback reference (with minus without), and the decomposition's total
    diffs = pd.read_csv(tmp_path / "differences.csv").set_index(["scenario", "outcome"])
    total = diffs.loc[("direction", "share_dissatisfied"), "difference"]
    assert total == pytest.approx(parts.loc[("total", "share_dissatisfied"), "difference"])
    printed = signed("share_dissatisfied", total, "en")
    assert f"Fallback's cost in share dissatisfied, total: {printed}" in said
    discovery = pd.read_csv(tmp_path / "discovery.csv")
    runs, _, _ = load_results(tmp_path / "discovery")
    means = runs.groupby("scenario")["success_rate"].mean()
    # every point's cost is with minus without; a point where falling back cost something
    # makes the sign visible (a point without any episode has cost 0 either way)
    assert (discovery["cost"] != 0).any()
    for i, cost in enumerate(discovery["cost"]):
        assert cost == pytest.approx(means[f"with-{i:05d}"] - means[f"without-{i:05d}"])


def test_robustness_script_maps_the_cost_of_fallback(tmp_path: Path) -> None:
    module = _module("robustness")
    stdout = _run("robustness", tmp_path)
    _listed(tmp_path, {**PUBLISHED, "robustness.csv": "robustness",
                       "discovery.csv": "discovery", "prim_box.csv": "prim_box"})
    table = pd.read_csv(tmp_path / "robustness.csv")
    assert len(table) == len(module.UPPERS) * len(module.INCIDENTS) * len(module.OUTCOMES)
    assert sorted(table["fallback.upper"].unique()) == sorted(module.UPPERS)
    assert (table["ci_low"] <= table["difference"]).all()
    assert (table["difference"] <= table["ci_high"]).all()
    runs, _, _ = load_results(tmp_path)
    # a cell's cost is its paired difference: with minus without, replication by replication
    cell = table.iloc[0]
    with_, without = module.arms({"fallback.upper": cell["fallback.upper"],
                                  "aldermen.incident_rate": cell["aldermen.incident_rate"]})
    pair = runs[runs["scenario"].isin([with_, without])]
    wide = pair.pivot(index="replication", columns="scenario", values=cell["outcome"])
    expected = (wide[with_] - wide[without]).mean()
    assert cell["difference"] == pytest.approx(expected)
    points = pd.read_csv(tmp_path / "discovery.csv")
    assert len(points) == 4 and points["cost"].notna().all()
    found, _, _ = load_results(tmp_path / "discovery")  # each point's cost: with minus without
    wide = found.pivot(index="replication", columns="scenario", values="success_rate")
    assert (points["cost"] != 0).any()
    for i, (cost, point) in enumerate(zip(points["cost"], points[list(module.DISCOVERY)]
                                          .to_dict("records"), strict=True)):
        with_, without = module.arms(point)
        assert cost == pytest.approx((wide[with_] - wide[without]).mean()), i
    assert (tmp_path / "prim_box.csv").exists()
    report = read((tmp_path / "report.html").read_text(encoding="utf-8"))
    [fig] = report.section("Fallback's cost across threshold and incidents").figures
    assert len(fig) == len(module.OUTCOMES)
    assert fig[0]["z"] == table[table["outcome"] == module.OUTCOMES[0]].pivot_table(
        index="aldermen.incident_rate", columns="fallback.upper",
        values="difference").to_numpy().tolist()
    report.section("Uncertainty shown")
    assert "stochastic only" in stdout


def test_claims_script_measures_every_lever_with_minus_without(tmp_path: Path) -> None:
    module = _module("claims")
    stdout = _run("claims", tmp_path)
    _listed(tmp_path, {"runs.parquet": "runs", "series.parquet": "series",
                       "claims.csv": "claims", "conditions.csv": "conditions",
                       "conditions_partnered.csv": "conditions_partnered",
                       "breach.csv": "breach"})
    claims = pd.read_csv(tmp_path / "claims.csv")
    names = [*module.LEVERS, *module.CONTRASTS]
    for base in module.BASES:
        part = claims[claims["base"] == base]
        assert sorted(set(part["claim"])) == sorted(names)
        assert set(part["outcome"]) == set(module.OUTCOMES)
    runs, _, _ = load_results(tmp_path)
    wide = runs.pivot(index="replication", columns="scenario", values="weeks_to_decision")
    mandate = claims.set_index(["base", "claim", "outcome"]).loc[
        ("direction", "mandate", "weeks_to_decision")]
    # the lever's effect is the default (with the mandate) minus the variant without it
    assert mandate["difference"] == pytest.approx(
        (wide["direction"] - wide["direction: no mandate"]).mean())
    conditions = pd.read_csv(tmp_path / "conditions.csv")
    none = conditions[conditions["scenario"] == "conditions: none"]
    assert none["share_of_all_four"].dropna().eq(1.0).all()
    assert len(conditions) == 5 * len(module.OUTCOMES)
    breach = pd.read_csv(tmp_path / "breach.csv")
    assert dict(breach.groupby("base").size()) == dict.fromkeys(module.BASES, REPS)
    assert "breach, direction" in stdout
    showcases = claims[claims["base"].isin(module.SHOWCASES)]
    assert set(showcases["claim"]) == set(module.SHOWCASE_LEVERS)
    partnered = pd.read_csv(tmp_path / "conditions_partnered.csv")
    assert dict(partnered.groupby("group").size()) == dict.fromkeys(
        ["promised a partnership", "all"], 5 * len(module.GROUP_OUTCOMES))
    # the group "all" is every initiative: its costs are those of the run table
    every = partnered[partnered["group"] == "all"].set_index(["scenario", "outcome"])
    assert every["difference"].to_numpy() == pytest.approx(conditions.set_index(
        ["scenario", "outcome"]).loc[every.index, "difference"].to_numpy())


def test_national_script_weighs_the_kinds_and_pairs_fallback(tmp_path: Path) -> None:
    from sim.analysis.national import NO_FALLBACK, national
    from sim.population import load_population

    stdout = _run("national", tmp_path)
    _listed(tmp_path, {"runs.parquet": "runs", "series.parquet": "series",
                       "prior.csv": "mix_prior", "headline.csv": "national",
                       "kinds.csv": "national_kinds"})
    population, kinds = load_population(ROOT / "scenarios" / "national" / "netherlands.toml")
    runs, _, _ = load_results(tmp_path)
    assert set(runs["scenario"]) == {*kinds, *(k + NO_FALLBACK for k in kinds)}
    headline = pd.read_csv(tmp_path / "headline.csv").set_index(["claim", "interval"])
    shares = population.prior_mean_shares()
    cost = (national(runs, shares) - national(runs, shares, suffix=NO_FALLBACK)).mean()
    row = headline.loc[("fallback_cost_national", "ci95")]
    assert row["estimate"] == pytest.approx(cost) and row["low"] <= cost <= row["high"]
    prior = pd.read_csv(tmp_path / "prior.csv")
    assert len(prior) == 20 and np.allclose(prior[list(kinds)].sum(axis=1), 1.0)
    kinds_table = pd.read_csv(tmp_path / "kinds.csv").set_index(["scenario", "outcome"])
    # a directive municipality falls back into the role it plays: nothing changes
    assert kinds_table.loc[("directive", "share_dissatisfied"), "difference"] == 0.0
    assert "Falling back's part of the nation's dissatisfied" in " ".join(stdout.split())
    assert {"ci95", "pi90", "prior90"} == set(headline.index.get_level_values("interval"))


def test_conditions_script_writes_sobol_indices_and_a_report(tmp_path: Path) -> None:
    module = _module("conditions")
    _run("conditions", tmp_path)
    _listed(tmp_path, {"runs.parquet": "runs", "series.parquet": "series",
                       "samples.csv": "design", "sobol.csv": "sobol"})
    samples = pd.read_csv(tmp_path / "samples.csv")
    sobol = pd.read_csv(tmp_path / "sobol.csv")
    parameters = list(module.RANGES)
    assert set(sobol["outcome"]) == set(module.OUTCOMES)
    assert set(sobol["parameter"]) == set(parameters)
    assert len(samples) == 2 * (len(parameters) + 2)
    report = read((tmp_path / "report.html").read_text(encoding="utf-8"))
    traces = [t for sec in report.sections for fig in sec.figures for t in fig]
    assert len(traces) == 2 * len(module.OUTCOMES)
    assert all(t["x"] for t in traces)


def test_calibration_script_writes_its_report_in_dutch(tmp_path: Path) -> None:
    """--lang nl: report.html in Dutch and the closing line in the command's Dutch words."""
    stdout = _run("calibrate", tmp_path, "--kernel", "rejection", "--accept", "0.5",
                  "--lang", "nl")
    assert stdout.strip().splitlines()[-1].startswith("klaar: posterior in ")
    assert "rapport in" in stdout and "simulaties" in stdout and "simulations" not in stdout
    page = read((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert page.section("Posterior (laatste populatie, gewogen)").rows[1:]
    page.section("Toetsing van de voorspellingen uit de posterior")


def test_calibration_script_runs_abc_into_a_posterior(tmp_path: Path) -> None:
    stdout = _run("calibrate", tmp_path)
    posterior = pd.read_parquet(tmp_path / "posterior.parquet")
    priors = _module("calibrate").read_priors(EXPERIMENTS / "priors.toml")
    assert set(posterior.columns) == {*priors, "weight"} and len(posterior) == 4
    for key, (low, high) in priors.items():
        assert posterior[key].between(low, high).all(), key
    assert "ABC-SMC:" in stdout and "simulations in" in stdout
    page = read((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert page.section("Posterior (last population, weighted)").rows[1:]
    page.section("Posterior predictive checks")


def test_calibration_script_fits_a_population_and_its_mix(tmp_path: Path) -> None:
    """--population: the mix is calibrated with the uncertain parameters, the survey is
    read over the population, and parameters.csv says which the data identified."""
    stdout = _run("calibrate", tmp_path, "--population",
                  str(ROOT / "scenarios" / "national" / "netherlands.toml"))
    posterior = pd.read_parquet(tmp_path / "posterior.parquet")
    priors = _module("calibrate").read_priors(EXPERIMENTS / "priors-national.toml")
    mix = {"mix.partner-like", "mix.partner-like.direction-based", "mix.rest.directive"}
    assert set(posterior.columns) == {*priors, *mix, "weight"}
    assert posterior["mix.partner-like"].between(0.2, 0.35).all()
    assert not {"satisfaction.dissatisfied_below", "satisfaction.satisfied_above"} & set(
        posterior.columns), "the cutpoints are the population file's, not fitted"
    table = pd.read_csv(tmp_path / "parameters.csv")
    assert set(table["parameter"]) == {*priors, *mix}
    manifest = json.loads((tmp_path / "calibration.json").read_text())
    assert set(manifest["kinds"]) == {"directive", "consultative", "direction-based",
                                      "partner"}
    checks = pd.read_csv(tmp_path / "checks.csv").set_index("pattern")
    assert checks.loc["fallback_often", "outcome"] == "fallback_episodes"
    assert "identified" in stdout
    # the national headline over that posterior: each replication draws its mix too
    _run("national", tmp_path / "national", "--posterior", str(tmp_path))
    _listed(tmp_path / "national", {"runs.parquet": "runs", "series.parquet": "series",
                                    "mix.csv": "mix_posterior", "headline.csv": "national",
                                    "kinds.csv": "national_kinds"})
    mix = pd.read_csv(tmp_path / "national" / "mix.csv", index_col="replication")
    assert len(mix) == REPS and np.allclose(mix.sum(axis=1), 1.0)
    partner_like = mix["direction-based"] + mix["partner"]
    drawn = posterior["mix.partner-like"].to_numpy()
    assert all(np.isclose(drawn, v).any() for v in partner_like), "a particle's mix"
    headline = pd.read_csv(tmp_path / "national" / "headline.csv")
    assert set(headline["interval"]) == {"ci95", "pi90"}  # over the posterior: no prior90
    # which measurement would narrow the answer most, over the same posterior
    stdout = _run("voi", tmp_path / "voi", "--posterior", str(tmp_path))
    particles = pd.read_csv(tmp_path / "voi" / "particles.csv")
    assert len(particles) == len(posterior)
    assert particles["partner_like"].to_numpy() == pytest.approx(
        posterior["mix.partner-like"].to_numpy())
    table = pd.read_csv(tmp_path / "voi" / "voi.csv")
    assert set(table["measurement"]) == {
        "dissatisfied_direction", "dissatisfied_broken", "weeks_to_decision",
        "three_departments", "partner_like"}
    # sorted by how much each narrows the answer; undefined (NaN, sorted last) exactly where
    # the draws leave nothing to narrow (a zero-width interval: no episode in the toy runs)
    assert table["reduction"].dropna().is_monotonic_decreasing and "particles" in stdout
    assert (table["reduction"].isna() == (table["width_now"] == 0)).all()
    assert table["reduction"].isna().is_monotonic_increasing  # the defined ones first


def test_calibration_script_fits_both_thresholds_and_checks_them(tmp_path: Path) -> None:
    args = [sys.executable, str(EXPERIMENTS / "calibrate.py"), "--first-fit", "--reps", "2",
            "--check", "3", "--out", str(tmp_path), "--set", "run.horizon_weeks=52"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    stdout = done.stdout
    result = json.loads((tmp_path / "first_fit.json").read_text())
    low = result["fitted"]["satisfaction.dissatisfied_below"]
    high = result["fitted"]["satisfaction.satisfied_above"]
    assert low < high
    for outcome, check in result["check"].items():
        assert check["ci_low"] <= check["mean"] <= check["ci_high"], outcome
        assert abs(check["mean"] - check["target"]) < 0.2, outcome
    assert f"satisfaction.dissatisfied_below = {low}" in stdout


def test_weighted_quantile_splits_the_weight() -> None:
    from sim.analysis.stats import weighted_quantile

    assert _module("calibrate").weighted_quantile is weighted_quantile  # one of them
    values, weights = np.array([3.0, 1.0, 2.0, 4.0]), np.array([1.0, 1.0, 2.0, 4.0])
    assert weighted_quantile(values, weights, 0.25) == 2.0  # 1 holds 1/8, 2 up to 3/8
    assert weighted_quantile(values, weights, 0.5) == 3.0   # 3 reaches 4/8
    assert weighted_quantile(values, np.ones(4), 0.5) == 2.0
    assert weighted_quantile(values, weights, 1.0) == 4.0   # the top, not past the end


def test_robustness_over_the_posterior_keeps_its_own_map_values(tmp_path: Path) -> None:
    """The map sets keys the posterior also draws: the cells keep theirs, the rest vary."""
    _run("robustness", tmp_path, "--posterior", str(ROOT / "calibration" / "typical"))
    runs, _, _ = load_results(tmp_path)
    assert not (tmp_path / "failures.parquet").exists()
    drawn = {c for c in runs.columns if c.startswith("posterior.")}
    assert "posterior.satisfaction.dissatisfied_below" in drawn
    assert "posterior.fallback.upper" not in drawn
    assert "posterior.aldermen.incident_rate" not in drawn
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    read(page).section("Uncertainty shown")
    assert "parametric as well as stochastic" in page
    # which of the drawn parameters the data narrowed: none of the typical calibration's
    assert f"None of the {len(drawn)} parameters drawn (typical, parameters.csv)" in page


def test_the_default_folder_of_other_code_is_kept_and_the_run_goes_beside_it(
        tmp_path: Path) -> None:
    """`make demo` after an update: the default results folder holds a batch of other
    code or settings. It is left as it is and the run writes to the next free folder; a
    folder the user named with --out is refused instead (above)."""
    import argparse

    common = _module("_common")
    base = common.scenario("direction.toml", **{"run.horizon_weeks": 26.0,
                                                  "run.warmup_weeks": 4.0})
    default = tmp_path / "fallback"
    args = argparse.Namespace(reps=REPS, seed=3, out=default, lang="en", backend="serial",
                              workers=None, posterior=None, sets=[], out_given=False)
    common.run(args, {"direction": base})
    kept = (default / "manifest.json").read_bytes()
    (tmp_path / "fallback-2").mkdir()  # taken: the next free one is -3
    other = base.with_changes({"run.horizon_weeks": 27.0})
    batch = common.run(args, {"direction": other})
    assert args.out == tmp_path / "fallback-3" and batch.out == args.out
    assert (default / "manifest.json").read_bytes() == kept
    assert len(pd.read_parquet(args.out / "runs.parquet")) == REPS
    named = argparse.Namespace(**{**vars(args), "out": default, "out_given": True})
    with pytest.raises(SystemExit) as stop:
        common.run(named, {"direction": other})
    assert stop.value.code == 2 and (default / "manifest.json").read_bytes() == kept

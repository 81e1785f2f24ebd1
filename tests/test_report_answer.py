"""The report of the flagship's folder as a reader meets it: one forest panel per family
of comparisons (falling back is not drawn on the scale of another municipality), tables
that fit the page at 1400 px, and a section that reconciles the folder's three numbers
for what falling back costs, each read from the folder."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis import paired_differences
from sim.experiment import run_batch
from sim.experiment.store import write_artefact
from sim.report.folder import Meta, build_folder_report, write_folder_report
from sim.report.labels import TEXT, label, signed, signed_interval
from sim.scenario_files import load_scenario
from sim.words import HEADLINE, REPORT, scenario_name, word
from tests.browser import chromium
from tests.conftest import SCENARIOS
from tests.htmlcheck import read

OUTCOMES = ["success_rate", "share_dissatisfied", "share_satisfied", "satisfaction",
            "frustration", "dropouts", "weeks_to_decision", "handoffs_per_initiative",
            "fallback_episodes", "fallback_weeks", "mean_trust"]
"""The flagship's eleven outcomes (experiments/fallback.py)."""
REFERENCE = "direction-no-fallback"
NATIONAL = (0.011, 0.006, 0.015)
THRESHOLD = (-0.012, -0.02, -0.004)


@pytest.fixture(scope="module")
def flagship(tmp_path_factory) -> Path:
    """The flagship's five scenarios under their stored names, its report settings, a
    headline and a threshold sweep (the numbers of these two made up: the report reads
    whatever the folder holds)."""
    out = tmp_path_factory.mktemp("flagship")
    short = {"run.horizon_weeks": 26.0, "run.warmup_weeks": 4.0}
    direction = load_scenario(SCENARIOS / "direction.toml").with_changes(short)
    run_batch({"direction": direction,
               REFERENCE: direction.with_changes({"fallback.enabled": False}),
               "direction-rebased": direction.with_changes(
                   {"satisfaction.rebase_expectations": True}),
               "direction-rebased-no-fallback": direction.with_changes(
                   {"satisfaction.rebase_expectations": True, "fallback.enabled": False}),
               "directive": load_scenario(SCENARIOS / "directive.toml").with_changes(short)},
              reps=3, seed=11, backend="serial", out=out)
    Meta({"en": "Flagship", "nl": "Vlaggenschip"}, REFERENCE, OUTCOMES).write(out)
    estimate, low, high = NATIONAL
    write_artefact(out, "headline.csv", pd.DataFrame([
        {"claim": "fallback_cost_national", "estimate": estimate, "low": low, "high": high,
         "interval": "ci95", "unit": "share"},
        {"claim": "fallback_cost_national", "estimate": 0.5, "low": 0.0, "high": 0.9,
         "interval": "pi90", "unit": "share"}]), "headline")
    upper = float(direction.fallback.upper)
    write_artefact(out, "threshold.csv", pd.DataFrame(
        [{"scenario": f"upper {u}", "outcome": o, "upper": u,
          **dict(zip(("difference", "ci_low", "ci_high"),
                     THRESHOLD if u == upper else (-0.5, -0.6, -0.4), strict=True))}
         for u in (upper / 2, upper, upper * 2) for o in ("success_rate", "share_dissatisfied")]),
        "threshold_sweep")
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_each_family_of_comparisons_has_a_forest_of_its_own(flagship, lang) -> None:
    """Falling back (+1 pp) and another municipality (+30 pp) on one axis make the first
    a dot on zero: each family of comparisons, named by what it changes, gets its own
    figure and so its own scale."""
    heading = f"{TEXT['differences'][lang]}"
    section = read(build_folder_report(flagship, lang)).section(heading)
    shown = {name: scenario_name(name, lang) for name in
             ("direction", "direction-rebased", "direction-rebased-no-fallback", "directive")}
    groups = [sorted({t["y"][0] for t in fig}) for fig in section.figures]
    assert groups == [[shown["direction"]], [shown["direction-rebased-no-fallback"]],
                      [shown["direction-rebased"]], [shown["directive"]]]
    text = build_folder_report(flagship, lang)
    named = {"en": "Differing from the reference in: fallback.enabled",
             "nl": "Verschilt van de referentie in: terugvallen"}[lang]
    assert f"<h3>{named}</h3>" in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_three_numbers_are_reconciled_from_the_folder(flagship, lang) -> None:
    """The headline, the folder's own twin with minus without and the threshold sweep at
    the scenario's threshold, each as the folder holds it, the headline first and named
    as such, each with what it rests on."""
    rows = read(build_folder_report(flagship, lang)).section(
        word(HEADLINE, "reconcile", lang)).rows
    assert rows[0] == [word(HEADLINE, k, lang) for k in ("number", "estimate", "rests_on")]
    national, twin, threshold = rows[1:]
    key = "share_dissatisfied"

    def cell(estimate: float, low: float, high: float) -> str:
        return f"{signed(key, estimate, lang)} {signed_interval(key, low, high, lang)}"

    assert national[0] == word(HEADLINE, "reconcile_national", lang)
    assert national[1] == cell(*NATIONAL)
    runs = pd.read_parquet(flagship / "runs.parquet")
    diff = paired_differences(runs[runs["scenario"].isin(["direction", REFERENCE])], [key],
                              REFERENCE).iloc[0]
    assert twin[1] == cell(diff.difference, diff.ci_low, diff.ci_high)
    assert "7.3" in twin[0] and twin[2] == word(HEADLINE, "reconcile_fixed", lang)
    assert threshold[1] == cell(*THRESHOLD)
    assert threshold[2] == word(HEADLINE, "reconcile_threshold_text", lang)


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (1280, 720)])
def test_every_table_fits_the_page(flagship, tmp_path, width, height) -> None:
    """Eleven outcomes beside each other ran 60 px past the page at 1400 px and cut
    "Gemiddeld vertrouwen" off: no table runs past the window, no cell's text past its
    cell, in Dutch (the longer names)."""
    page = write_folder_report(flagship, "nl", out=tmp_path / "report.html")
    with chromium(width, height) as driver:
        driver.get(page.as_uri())
        over = driver.execute_script("""
            const width = document.documentElement.clientWidth, out = [];
            document.querySelectorAll('table').forEach((t, i) => {
              const r = t.getBoundingClientRect();
              if (r.right > width + 0.5 || r.left < -0.5) out.push(['table', i, r.right]); });
            document.querySelectorAll('th, td').forEach(c => {
              if (c.scrollWidth > c.clientWidth + 1) out.push([c.textContent, c.scrollWidth]);
            });
            return out;""")
        tables = driver.execute_script("return document.querySelectorAll('table').length")
    assert over == []
    assert tables >= 5  # the answer, the three numbers, the levels, glossary, STRESS


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_forest_draws_shares_in_percentage_points(lang) -> None:
    """A difference of shares reads as the tables write it, in percentage points (−14 pp,
    Dutch −14%-punt), not as a raw fraction (−0.14); counts stay as they are."""
    from sim.report.figures import difference_plot
    from sim.words import GRAMMAR

    diffs = pd.DataFrame([
        {"scenario": "b", "reference": "a", "outcome": "share_dissatisfied",
         "difference": -0.14, "ci_low": -0.2, "ci_high": -0.08},
        {"scenario": "b", "reference": "a", "outcome": "fallback_episodes",
         "difference": 2.0, "ci_low": 1.0, "ci_high": 3.5}])
    fig = difference_plot(diffs, lang)
    share, count = fig.data
    assert list(share.x) == pytest.approx([-14.0])
    assert list(share.error_x.arrayminus) == pytest.approx([6.0])
    assert list(share.error_x.array) == pytest.approx([6.0])
    assert fig.layout.xaxis.ticksuffix == word(GRAMMAR, "points", lang)
    assert share.customdata[0] == (f"{signed('share_dissatisfied', -0.14, lang)} "
                                   f"{signed_interval('share_dissatisfied', -0.2, -0.08, lang)}")
    assert list(count.x) == pytest.approx([2.0]) and not fig.layout.xaxis2.ticksuffix


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_report_forest_is_in_points_and_leaves_out_unlike_counts(flagship, lang) -> None:
    """In the flagship's report: the fallback cost in share dissatisfied is drawn in
    percentage points; the directive municipality (it already directs: its count is of
    tension episodes) is not subtracted from the reference's fallbacks, and a note under
    its figure says so, in the words of the headline table's note."""
    from sim.report.labels import outcome_label

    text = build_folder_report(flagship, lang)
    section = read(text).section(TEXT["differences"][lang])
    shown = scenario_name("direction", lang)
    [direction] = [fig for fig in section.figures if fig[0]["y"] == [shown]]
    assert len(direction) == len(OUTCOMES)  # falling back changes something: all drawn
    runs = pd.read_parquet(flagship / "runs.parquet")
    diff = paired_differences(runs[runs["scenario"].isin(["direction", REFERENCE])],
                              ["share_dissatisfied"], REFERENCE).iloc[0]
    dissatisfied = direction[OUTCOMES.index("share_dissatisfied")]
    assert dissatisfied["x"] == pytest.approx([100 * diff.difference])
    directive = scenario_name("directive", lang)
    [unlike] = [fig for fig in section.figures if fig[0]["y"] == [directive]]
    assert len(unlike) == len(OUTCOMES) - 2  # no fallback episodes, no fallback weeks
    for outcome in ("fallback_episodes", "fallback_weeks"):
        note = word(REPORT, "unlike_counts", lang).format(
            outcome=label(outcome, lang),
            names=directive, counted=outcome_label(outcome, lang, False).lower())
        assert html.escape(note) in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_weekly_heading_says_tension_where_every_scenario_already_directs(
        tmp_path, flagship, lang) -> None:
    """Shaded is the share of runs in fallback, or, where every scenario shown already
    directs, the share of runs above the tension threshold, as the figure's legend says."""
    short = {"run.horizon_weeks": 26.0, "run.warmup_weeks": 4.0}
    directive = load_scenario(SCENARIOS / "directive.toml").with_changes(short)
    run_batch({"directive": directive,
               "directive-low": directive.with_changes({"fallback.upper": 0.5})},
              reps=2, seed=11, backend="serial", out=tmp_path / "sturend")
    tension = word(REPORT, "same_role_fallback_share", lang).lower()
    fallback = word(REPORT, "fallback_share", lang).lower()
    headings = [s.heading for s in read(build_folder_report(tmp_path / "sturend", lang)).sections]
    [weekly] = [h for h in headings if h.startswith(TEXT["series"][lang].split("{")[0])]
    assert weekly.endswith(f"{tension})") and fallback not in weekly
    mixed = [s.heading for s in read(build_folder_report(flagship, lang)).sections]
    [weekly] = [h for h in mixed if h.startswith(TEXT["series"][lang].split("{")[0])]
    assert weekly.endswith(f"{fallback})")

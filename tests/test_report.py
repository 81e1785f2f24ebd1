"""Reports built from a stored batch: sections, figures with data per scenario, and
tables whose numbers are the store's."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from sim.experiment import run_batch
from sim.outcomes import HEADLINE, JOURNEY, STAGES
from sim.report import build_report, figures, write_report
from sim.report.labels import SAME_ROLE_OUTCOMES, TEXT, label, value
from sim.report.publish import publish
from sim.words import scenario_name
from tests.conftest import short
from tests.htmlcheck import Report, cell_numbers, load_results, read

SCENARIOS = ("direction", "directive")
REPS = 3


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    """A small batch in a result folder: two styles, fallback happening in one."""
    out = tmp_path_factory.mktemp("batch")
    run_batch({"direction": short("direction", fallback={"upper": 0.5, "lower": 0.2},
                                  aldermen={"incident_rate": 0.3}),
               "directive": short("directive")},
              reps=REPS, seed=11, backend="serial", out=out)
    return out


@pytest.fixture(scope="module")
def results(stored) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    return load_results(stored)


def _report(results, lang: str) -> Report:
    runs, series, manifest = results
    return read(build_report(runs, series, manifest=manifest, lang=lang))


def _headings(lang: str) -> list[str]:
    """The sections' headings, up to the first placeholder (the weekly section's says what
    its shading shows)."""
    return [TEXT[k][lang].split("{")[0] for k in (
        "headline", "outcomes", "differences", "series", "journeys", "frustration_dist",
        "glossary", "cite", "stress", "appendix")]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_has_every_section_in_order_and_in_its_language(results, lang: str) -> None:
    rep = _report(results, lang)
    assert rep.lang == lang and rep.title == TEXT["title"][lang]
    headings = [s.heading for s in rep.sections[1:]]
    assert len(headings) == len(_headings(lang))
    for got, want in zip(headings, _headings(lang), strict=True):
        assert got.startswith(want)
    assert rep.section(TEXT["differences"][lang]).heading.endswith(
        scenario_name(SCENARIOS[0], lang))  # the name shown in the report's language


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_headline_table_shows_the_stores_means(results, lang: str) -> None:
    runs = results[0]
    rows = _report(results, lang).section(TEXT["headline"][lang]).rows
    shown = {scenario_name(s, lang): s for s in SCENARIOS}
    # more outcomes than scenarios: a row per outcome, a column per scenario (it fits)
    assert len(HEADLINE) > len(SCENARIOS)
    assert rows[0] == [TEXT["outcome"][lang], *shown]
    assert [r[0] for r in rows[1:]] == [label(o, lang) for o in HEADLINE]
    means = runs.groupby("scenario")[list(HEADLINE)].mean()
    for outcome, row in zip(HEADLINE, rows[1:], strict=True):
        for name, cell in zip(shown, row[1:], strict=True):
            mean = means.loc[shown[name], outcome]
            assert cell.startswith(value(outcome, mean, lang)), (name, outcome, cell)
            centre, low, high = cell_numbers(cell)
            assert low <= centre <= high or math.isnan(low)


def test_every_figure_has_data_for_every_scenario(results) -> None:
    runs, series_table, _ = results
    rep = _report(results, "en")
    [bars] = rep.section(TEXT["outcomes"]["en"]).figures
    assert len(bars) == len(HEADLINE)
    means = runs.groupby("scenario")[list(HEADLINE)].mean()
    for trace, outcome in zip(bars, HEADLINE, strict=True):
        assert trace["x"] == list(SCENARIOS)
        assert trace["y"] == pytest.approx([means.loc[s, outcome] for s in SCENARIOS],
                                           nan_ok=True)
    [diffs] = rep.section(TEXT["differences"]["en"]).figures
    # the directive municipality counts tension episodes, the reference fallbacks: those
    # differences are not drawn (tests/test_report_answer.py)
    assert len(diffs) == len([o for o in HEADLINE if o not in SAME_ROLE_OUTCOMES])
    assert all(t["y"] == [SCENARIOS[1]] for t in diffs)
    [series] = rep.section(TEXT["series"]["en"].split("{")[0]).figures
    lines = [t for t in series if t.get("mode") != "none"]
    assert sorted({t["name"] for t in lines}) == sorted(SCENARIOS)
    assert all(len(t["y"]) > 10 for t in lines)
    shaded = [t for t in series if t.get("mode") == "none"]
    fell_back = [s for s in SCENARIOS
                 if series_table.loc[series_table["scenario"] == s, "fallback"].any()]
    assert "direction" in fell_back
    assert [t["legendgroup"] for t in shaded] == fell_back, "fallback shaded where it happened"
    journeys = rep.section(TEXT["journeys"]["en"]).figures
    assert len(journeys) == len(SCENARIOS)
    [hist] = rep.section(TEXT["frustration_dist"]["en"]).figures
    assert [t["name"] for t in hist] == list(SCENARIOS)
    assert all(sum(t["y"]) == pytest.approx(1.0) for t in hist)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_journey_accounts_for_every_initiative(results, scenario: str) -> None:
    runs = results[0]
    fig = figures.journey_sankey(runs, scenario, "nl")
    sankey = fig.data[0]
    keys = ["arrived", *STAGES, "success", "rejected", "dropout", "in_progress"]
    names = [re.fullmatch(r"(.+) \(([\d,]+)\)", t).groups() for t in sankey.node.customdata]
    # the stages are named, with their counts, above their columns; the ends beside them
    heads = [a.text for a in fig.layout.annotations]
    assert heads == [f"{n}<br>{c}" for n, c in names[:1 + len(STAGES)]]
    assert list(sankey.node.label) == [""] * len(heads) + list(sankey.node.customdata[
        len(heads):])
    assert [n for n, _ in names] == [JOURNEY[k].nl for k in keys]
    mean = runs[runs["scenario"] == scenario].mean(numeric_only=True)
    inflow = {k: 0.0 for k in keys}
    for dst, val in zip(sankey.link.target, sankey.link.value, strict=True):
        inflow[keys[dst]] += val
    for key, (_, count) in zip(keys[1:], names[1:], strict=True):  # every node shows its count
        assert count == value("arrivals", inflow[key], "nl"), key
    assert list(sankey.node.x[-4:]) == [0.99] * 4, "the ends stand in one column, in one order"
    assert list(sankey.node.y[-4:]) == sorted(sankey.node.y[-4:])
    assert inflow["success"] == pytest.approx(mean["successes"])
    assert inflow["rejected"] == pytest.approx(mean["rejected"])
    assert inflow["dropout"] == pytest.approx(mean["dropouts"])
    assert inflow["in_progress"] == pytest.approx(mean["in_progress"])
    ends = sum(inflow[k] for k in ("success", "rejected", "dropout", "in_progress"))
    assert ends == pytest.approx(mean["arrivals"])


def test_dutch_figures_use_decimal_commas(results) -> None:
    series = results[1]
    assert figures.series_plot(series, "nl").layout.separators == ",."
    assert figures.series_plot(series, "en").layout.separators == ".,"  # plotly's default


def test_one_scenario_report_has_no_differences(results) -> None:
    runs, series, _ = results
    one = runs[runs["scenario"] == "directive"]
    rep = read(build_report(one, series[series["scenario"] == "directive"], lang="en"))
    headings = [s.heading for s in rep.sections]
    assert not any(h.startswith(TEXT["differences"]["en"]) for h in headings)
    assert not any(h.startswith(TEXT["appendix"]["en"]) for h in headings)


def test_report_rejects_an_unknown_language(results) -> None:
    runs, series, _ = results
    with pytest.raises(ValueError, match="lang"):
        build_report(runs, series, lang="fr")


def test_write_report_writes_the_built_report(results, tmp_path: Path) -> None:
    runs, series, manifest = results
    path = write_report(tmp_path / "r.html", runs, series, manifest=manifest, lang="nl")
    written = read(path.read_text(encoding="utf-8"))  # plotly's div ids differ per build
    assert written == read(build_report(runs, series, manifest=manifest, lang="nl"))
    assert not list(tmp_path.glob(".*tmp"))


def test_publish_writes_tables_that_match_the_store(results, tmp_path: Path) -> None:
    runs, series, manifest = results
    screen = io.StringIO()
    outcomes = ["success_rate", "dropouts_intake", "frustration"]
    paths = publish(runs, series, tmp_path, reference="directive", title="Styles",
                    outcomes=outcomes, manifest=manifest, lang="nl",
                    console=Console(file=screen, width=200))
    summary = pd.read_csv(paths["summary"])
    means = runs.groupby("scenario")[outcomes].mean()
    assert len(summary) == len(SCENARIOS) * len(outcomes)
    for r in summary.itertuples():
        assert r.mean == pytest.approx(means.loc[r.scenario, r.outcome])
    diffs = pd.read_csv(paths["differences"])
    assert set(diffs["scenario"]) == {"direction"} and list(diffs["outcome"]) == outcomes
    paired = (runs[runs["scenario"] == "direction"].set_index("replication")[outcomes]
              - runs[runs["scenario"] == "directive"].set_index("replication")[outcomes])
    for r in diffs.itertuples():
        assert r.difference == pytest.approx(paired[r.outcome].mean())
    rep = read(paths["report"].read_text(encoding="utf-8"))
    assert rep.title == "Styles" and rep.lang == "nl"
    table = rep.section(TEXT["headline"]["nl"]).rows
    if len(outcomes) > len(SCENARIOS):  # a row per outcome
        assert [r[0] for r in table[1:]] == [label(o, "nl") for o in outcomes]
    else:
        assert table[0][1:] == [label(o, "nl") for o in outcomes]
    assert rep.section(TEXT["differences"]["nl"]).heading.endswith("sturende gemeente")
    printed = screen.getvalue()
    assert all(label(o, "nl") in printed for o in outcomes)


def test_differences_of_shares_are_in_percentage_points_and_signed() -> None:
    from sim.report.labels import signed, signed_interval

    assert signed("success_rate", -0.086, "nl") == "−8,6%-punt"
    assert signed("success_rate", 0.086, "en") == "+8.6 pp"
    assert signed("dropouts", -4.0, "nl") == "−4"
    assert signed("frustration", 0.3, "en") == "+0.30"
    # a difference that rounds to zero has no sign (the dashboard showed "[−0,0; +0,4]")
    assert signed("weeks_to_decision", -0.01, "nl") == "0,0"
    assert signed("success_rate", -0.0001, "en") == "0.0 pp"
    assert signed_interval("weeks_to_decision", -0.01, 0.4, "nl") == "[0,0; +0,4]"


def test_numbers_group_thousands_as_each_language_does() -> None:
    """A point between thousands in Dutch, a comma in English (Babel's conventions)."""
    from sim.report.labels import number

    assert number(1604, "nl") == "1.604" and number(1604, "en") == "1,604"
    assert number(1234.56, "en", "weeks") == "1,234.6"
    assert number(1234.56, "nl", "weeks") == "1.234,6"
    assert number(123.4, "nl") == "123"


def test_intervals_stay_inside_the_range_an_outcome_can_take() -> None:
    from sim.report.labels import interval

    assert interval("fallback_weeks", -0.418, 1.22, "en") == "[0.0, 1.2]"
    assert interval("success_rate", -0.2, 1.3, "nl") == "[0,0%; 100,0%]"
    assert interval("frustration", -0.28, 0.68, "en") == "[0.00, 0.68]"
    assert interval("satisfaction", -0.3, 1.2, "en") == "[-0.30, 1.20]", "a score is open"


def test_a_sweep_figure_of_many_outcomes_is_drawn() -> None:
    """Forty outcomes in two columns: the rows' spacing stays within what plotly allows
    (it refused a Morris folder's report with "Vertical spacing cannot be greater than")."""
    from sim.outcomes import SUMMARY
    from sim.report.figures import sweep_plot

    outcomes = list(SUMMARY)[:40]
    summary = pd.DataFrame([{"fallback.upper": x, "outcome": o, "mean": 1.0, "ci_low": 0.5,
                             "ci_high": 1.5} for o in outcomes for x in (0.1, 0.2)])
    fig = sweep_plot(summary, "fallback.upper", outcomes, "en")
    assert len(fig.layout.annotations) == 40

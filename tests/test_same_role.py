"""A municipality whose fallback changes nothing (a directive or consultative one already
directs) is said to have tension episodes, not fallbacks: in the story, in the player's
news, in the report's table and on the terminal, in Dutch and in English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import load_scenario
from sim.analysis import summarise
from sim.cli import app
from sim.experiment import run_batch
from sim.report.animate import film
from sim.report.html import build_report, headline_table
from sim.report.labels import same_role
from tests.conftest import SCENARIOS, short

CUT = {"cuts": [{"week": 10.0, "tension": 5.0}]}
EPISODE = {"nl": "een spanningsepisode begint", "en": "a tension episode begins"}
OVER = {"nl": "de spanningsepisode is voorbij", "en": "the tension episode is over"}
FELL = {"nl": "valt terug in de sturende rol", "en": "falls back into the directing role"}


def test_same_role_knows_who_already_directs() -> None:
    found = same_role({name: load_scenario(SCENARIOS / f"{name}.toml")
                       for name in ("direction", "directive", "partner", "typical")})
    assert found == {"directive", "typical"}  # typical: consultative managers, no partner
    assert same_role({"broken": {"run": {"horizon_weeks": -1}}}) == set()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_players_news_tells_a_tension_episode(lang: str) -> None:
    data = film(short("direction", tension=CUT, aldermen={"incident_rate": 0.0}), 2, lang,
                short("directive", tension=CUT, aldermen={"incident_rate": 0.0}))
    direction, directive = ([text for _, _, text in p["news"]] for p in data["panels"])
    assert any(EPISODE[lang] in t for t in directive)
    assert not any(FELL[lang] in t for t in directive)
    assert any(FELL[lang] in t for t in direction)
    assert not any(EPISODE[lang] in t for t in direction)
    assert not data["panels"][1]["changes"]


@pytest.fixture(scope="module")
def batch():
    scenarios = {"direction": short("direction", tension=CUT),
                 "directive": short("directive", tension=CUT)}
    return run_batch(scenarios, reps=2, seed=3, backend="serial"), scenarios


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_report_table_calls_them_tension_episodes(batch, lang: str) -> None:
    runs, scenarios = batch[0].runs, batch[1]
    outcomes = ["success_rate", "fallback_episodes", "fallback_weeks"]
    summary = summarise(runs, outcomes)
    note = {"nl": "spanningsepisodes – stuurt al: geen terugval",
            "en": "tension episodes – already directs: no fallback"}[lang]
    both = headline_table(summary, outcomes, lang, same_role(scenarios))
    assert both.count(note) == 1  # in the directive column only
    assert "Aantal keer teruggevallen" in both or "Fallback episodes" in both
    alone = headline_table(summary[summary["scenario"] == "directive"], outcomes, lang,
                           same_role(scenarios))
    named = {"nl": ("Spanningsepisodes", "Weken boven de spanningsdrempel"),
             "en": ("Tension episodes", "Weeks above the tension threshold")}[lang]
    assert all(n in alone for n in named) and note not in alone
    assert "teruggevallen" not in alone.lower() and "fallback episodes" not in alone.lower()
    plain = headline_table(summary, outcomes, lang)  # without knowing: as before
    assert note not in plain


@pytest.fixture(scope="module")
def stored(batch, tmp_path_factory):
    """The batch stored in a folder (read only by the tests), and its manifest."""
    out = tmp_path_factory.mktemp("stored") / "b"
    result = run_batch(batch[1], reps=2, seed=3, backend="serial", out=out)
    return result, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_a_stored_folders_report_knows_from_its_manifest(stored) -> None:
    stored, manifest = stored
    text = build_report(stored.runs, stored.series, manifest=manifest, lang="nl",
                        outcomes=["success_rate", "fallback_episodes"])
    assert text.count("spanningsepisodes – stuurt al: geen terugval") == 1
    assert "spanningsepisodes" not in build_report(stored.runs, stored.series, lang="nl",
                                                   outcomes=["fallback_episodes"])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_weekly_figure_shades_runs_above_the_threshold_where_it_already_directs(
        batch, lang: str) -> None:
    """The report's weekly figure: the directive municipality's shaded share is of runs
    above the tension threshold, the direction-based one's of runs in fallback; an axis
    over only municipalities that already direct is called so too."""
    from sim.report import figures

    series = batch[0].series
    shaded = {t.legendgroup: t.name for t in figures.series_plot(
        series, lang, {"directive"}).data if t.mode == "none"}
    assert shaded == {
        "direction": {"nl": "direction: aandeel runs in terugval",
                      "en": "direction: share of runs in fallback"}[lang],
        "directive": {"nl": "directive: aandeel runs boven de spanningsdrempel",
                      "en": "directive: share of runs above the tension threshold"}[lang]}
    alone = figures.series_plot(series[series["scenario"] == "directive"], lang,
                                {"directive"})
    assert alone.layout.yaxis3.title.text == {
        "nl": "Aandeel runs boven de spanningsdrempel",
        "en": "Share of runs above the tension threshold"}[lang]


def test_the_report_passes_who_already_directs_to_the_weekly_figure(stored) -> None:
    stored, manifest = stored
    text = build_report(stored.runs, stored.series, manifest=manifest, lang="nl",
                        outcomes=["success_rate", "fallback_weeks"])
    assert "aandeel runs boven de spanningsdrempel" in text


def test_run_prints_tension_episodes_for_a_directive_municipality() -> None:
    result = CliRunner().invoke(app, ["run", str(SCENARIOS / "directive.toml"), "--reps", "2",
                                      "--backend", "serial", "--set", "run.horizon_weeks=30",
                                      "--set", "run.warmup_weeks=4"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Tension episodes\s+│", result.output), result.output
    assert "Weeks above the tension threshold" in result.output
    assert "Fallback episodes" not in result.output and "Weeks in fallback" not in result.output
    direction = CliRunner().invoke(app, ["run", str(SCENARIOS / "direction.toml"), "--reps", "2",
                                         "--backend", "serial", "--set",
                                         "run.horizon_weeks=30", "--set", "run.warmup_weeks=4"])
    assert "Fallback episodes" in direction.output and "Tension episodes" not in direction.output


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_terminal_gives_no_difference_of_unlike_counts(batch, tmp_path: Path,
                                                          lang: str) -> None:
    """An experiment's headline on the terminal (publish_store, as make demo prints it):
    the directive municipality's tension episodes are not subtracted from the
    direction-based one's fallbacks; one line says why, as the report's note does."""
    from rich.console import Console

    from sim.report.publish import publish_store

    out = tmp_path / "t"
    run_batch(batch[1], reps=2, seed=3, backend="serial", out=out)
    console = Console(record=True, width=200)
    publish_store(out, "direction", "t", outcomes=["success_rate", "fallback_episodes"],
                  lang=lang, console=console)
    text = console.export_text()
    episodes = {"nl": "Aantal keer teruggevallen", "en": "Fallback episodes"}[lang]
    name = {"nl": "sturende gemeente", "en": "directive"}[lang]
    given = [line for line in text.splitlines() if re.match(rf"\s+\*?\s*{name}: ", line)]
    assert given and not any(episodes in line for line in given), text  # success rate only
    why = {"nl": "twee verschillende dingen trek je niet van elkaar af",
           "en": "two different things do not subtract"}[lang]
    assert text.count(why) == 1, text

"""The election year has a "before": the lesson plan's story begins in the warm-up, so a
class sees the municipality work as a partner for weeks before it falls back (without it,
seed 3 falls back in week 5 and stays fallen back for 47 of 52 weeks)."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.report.narrate import choose_followed, story, tell
from sim.run import simulate
from sim.scenario_files import load_scenario
from tests.conftest import ROOT, SCENARIOS, plain_output

BEFORE_WEEKS = 13
"""The stated least number of weeks the lesson's story shows the municipality in its own
(direction) role before its first fallback."""
FELL = {"nl": "de gemeente valt terug in de sturende rol",
        "en": "the municipality falls back into the directing role"}
LESSON = ROOT / "docs" / "classroom.md"


def lesson_command() -> list[str]:
    """The narrate command of the lesson plan's table, as arguments after ``regiesim``."""
    found = re.search(r"`\.venv/bin/regiesim (narrate [^`]+)`", LESSON.read_text(encoding="utf-8"))
    assert found, "the lesson plan has a narrate command"
    return shlex.split(found.group(1))


def _options(args: list[str]) -> dict[str, str]:
    return {args[k].removeprefix("--"): args[k + 1] for k in range(2, len(args) - 1, 2)}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_lesson_story_shows_the_municipality_before_it_falls_back(lang: str) -> None:
    args = lesson_command()
    options = _options(args)
    assert options["lang"] == "nl" and args[1] == "scenarios/election-year.toml"
    scenario = load_scenario(ROOT / args[1])
    seed, follow, before = int(options["seed"]), int(options["follow"]), float(options["before"])
    lines = story(scenario, seed, lang, follow, before)
    start = lines[0].week
    first = next(line for line in lines if FELL[lang] in line.text)
    # in its own role all the way from the story's start to the first fallback
    log = simulate(scenario.with_changes({"run.event_log": True}), seed).log
    turns = log[log["event"].isin(["fallback_start", "fallback_end"]) & (log["week"] < first.week)]
    assert turns.empty or (turns["week"].max() < start
                           and turns["event"].iloc[-1] == "fallback_end")
    assert first.week - start >= BEFORE_WEEKS, (start, first.week)
    # the class sees that before: initiatives at work with the municipality, and at least
    # one followed partnership that the fallback breaks
    told = [line for line in lines if start <= line.week < first.week and line.kind == "initiative"]
    assert len(told) >= 5
    broken = {"nl": "is verbroken", "en": "is broken"}[lang]
    assert any(broken in line.text and line.week == first.week for line in lines)
    # the lesson plan says what the command prints
    text = " ".join(LESSON.read_text(encoding="utf-8").split())
    said = (f"begins in week -{before:.0f}, in the warm-up; the run-up to the elections begins "
            f"in week 0, and the municipality falls back in week {first.week:.0f}: "
            f"{first.week - start:.0f} weeks in its own role first")
    assert said in text, said


def test_the_lesson_command_prints_the_before() -> None:
    result = CliRunner().invoke(app, lesson_command())
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("week  -13,0") and "Het verhaal begint 13 weken eerder" in lines[0]
    assert any("De aanloop naar de verkiezingen begint" in line for line in lines)


def test_without_before_the_story_starts_at_week_zero() -> None:
    sc = load_scenario(SCENARIOS / "election-year.toml")
    lines = story(sc, 3, "en", 1)
    assert lines[0].week == 0.0 and "earlier" not in lines[0].text
    assert min(line.week for line in lines) == 0.0


def test_before_must_lie_in_the_warm_up() -> None:
    sc = load_scenario(SCENARIOS / "election-year.toml")
    with pytest.raises(ValueError, match=r"run\.warmup_weeks = 104"):
        story(sc, 3, "nl", 1, before=105)
    result = CliRunner().invoke(app, ["narrate", str(SCENARIOS / "election-year.toml"),
                                      "--before", "200"])
    out = plain_output(result.output)
    assert result.exit_code == 2 and "--before" in out and "104" in out, out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_story_that_begins_in_a_fallback_says_so(lang: str) -> None:
    """Seed 6 of the election year falls back in week -5 of the warm-up and stays: a story
    from week 0 (or -3) begins fallen back, and its opening says since when."""
    sc = load_scenario(SCENARIOS / "election-year.toml")
    result = simulate(sc.with_changes({"run.event_log": True}), 6)
    log = result.log
    starts = log.loc[log["event"] == "fallback_start", "week"]
    since = float(starts[starts < 0].max())
    assert -13 < since < 0 and not (log["event"] == "fallback_end").loc[
        log["week"] > since].any(), "the fallback lasts through the window"
    words = {"nl": f"al teruggevallen in de sturende rol (sinds week {since:.0f})",
             "en": f"already fallen back into the directing role (since week {since:.0f})"}
    for before in (0.0, 3.0):
        lines = tell(result, lang, 0, before)
        assert words[lang] in lines[1].text and lines[1].kind == "municipality", lines[1]
    # from before it fell back, it is told falling back instead
    early = tell(result, lang, 0, 13.0)
    assert not any(words[lang] in line.text for line in early)
    assert any(FELL[lang] in line.text and line.week == since for line in early)


def test_the_followed_include_a_partnership_the_fallback_breaks() -> None:
    sc = load_scenario(SCENARIOS / "election-year.toml")
    result = simulate(sc.with_changes({"run.event_log": True}), 3)
    log = result.log
    chosen = choose_followed(result, 3, -13.0)
    arrived = log[(log["event"] == "arrive") & log["id"].isin(chosen)]
    assert len(chosen) == 3 and arrived["week"].min() >= -13.0
    breached = set(log.loc[(log["event"] == "breach") & (log["week"] == 5.0), "id"])
    assert breached & set(chosen)

"""Narration: the story of one run, deterministic in the seed, in Dutch and English."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.report.narrate import initiative_names, story
from tests.conftest import ROOT, SCENARIOS, short


def test_names_are_deterministic_in_the_seed_and_distinct() -> None:
    assert initiative_names(3, 50, "nl") == initiative_names(3, 50, "nl")
    assert initiative_names(3, 50, "nl") != initiative_names(4, 50, "nl")
    assert len(set(initiative_names(3, 300, "nl"))) == 300


def test_same_seed_same_story() -> None:
    sc = short("direction")
    assert story(sc, 5, "nl", 2) == story(sc, 5, "nl", 2)


FALLBACK_WORDS = {"nl": "terug in de sturende rol", "en": "falls back into the directing role"}
CUT_WORDS = {"nl": "Bezuiniging zonder overleg", "en": "A budget cut without consultation"}


def _forced(fallback: bool = True):
    """A run where a large budget cut in week 10 forces a fallback (and nothing else
    raises tension by chance: no incidents)."""
    return short("direction", tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
                 fallback={"enabled": fallback, "upper": 1.0, "lower": 0.4},
                 aldermen={"incident_rate": 0.0})


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_story_tells_followed_journeys_in_time_order(lang: str) -> None:
    lines = story(_forced(), 2, lang, follow=3)
    weeks = [line.week for line in lines]
    assert weeks == sorted(weeks)
    names = initiative_names(2, 2000, lang)
    told = {n for n in names if any(n in line.text for line in lines)}
    assert 1 <= len(told) <= 3
    [cut] = [line for line in lines if CUT_WORDS[lang] in line.text]
    [fell] = [line for line in lines if FALLBACK_WORDS[lang] in line.text]
    assert cut.kind == fell.kind == "municipality"
    assert 10.0 <= cut.week <= fell.week < 12.0, "the cut is told, then the fallback it forces"
    assert lines[-1].kind == "closing"


def test_dutch_story_writes_decimal_commas_and_dutch_style_names() -> None:
    nl = " ".join(line.text for line in story(_forced(), 2, "nl", follow=3))
    en = " ".join(line.text for line in story(_forced(), 2, "en", follow=3))
    assert re.search(r"spanning \+?\d,\d\d", nl) and not re.search(r"\d\.\d", nl)
    assert re.search(r"tension \+?\d\.\d\d", en)
    assert "stijl 'regisserend'" in nl and "'direction-based' style" in en


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_fallback_sentence_without_a_fallback(lang: str) -> None:
    texts = " ".join(line.text for line in story(_forced(fallback=False), 2, lang, follow=3))
    assert CUT_WORDS[lang] in texts and FALLBACK_WORDS[lang] not in texts


def test_narrate_command_is_plain_text_when_piped() -> None:
    out = subprocess.run([sys.executable, "-m", "sim.cli", "narrate",
                          str(SCENARIOS / "election-year.toml"), "--seed", "3", "--lang", "en",
                          "--follow", "2", "--set", "run.horizon_weeks=26"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    assert "\x1b[" not in out.stdout
    assert "Quarter 1" in out.stdout and "The end" in out.stdout


def test_narrate_rejects_unknown_language() -> None:
    result = CliRunner().invoke(app, ["narrate", str(SCENARIOS / "typical.toml"),
                                      "--lang", "fr"])
    assert result.exit_code == 2 and "lang" in result.output

"""The story's last line says what its counts count: "182 initiatives, 75% succeeded"
read as 75% of 182, but the share is of the finished ones; the line names them."""

from __future__ import annotations

import re

import pytest

from sim.report.narrate import story
from sim.run import simulate
from sim.scenario_files import load_scenario
from tests.conftest import SCENARIOS


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_closing_names_the_finished_initiatives_its_rate_is_of(lang: str) -> None:
    scenario = load_scenario(SCENARIOS / "election-year.toml")
    summary = simulate(scenario, 3).summary
    closing = story(scenario, 3, lang, follow=0)[-1].text
    finished = int(summary["successes"] + summary["rejected"] + summary["dropouts"])
    assert finished < summary["arrivals"]  # some still under way: the two counts differ
    pattern = {"nl": r"Einde: (\d+) initiatieven, waarvan (\d+) afgerond: (\d+) geslaagd "
                     r"\((\d+)% van de afgeronde\)",
               "en": r"The end: (\d+) initiatives, (\d+) of them finished: (\d+) succeeded "
                     r"\((\d+)% of the finished\)"}[lang]
    found = re.match(pattern, closing)
    assert found is not None, closing
    arrivals, told_finished, successes, rate = map(int, found.groups())
    assert (arrivals, told_finished, successes) == (
        summary["arrivals"], finished, summary["successes"])
    assert rate == round(100 * successes / finished)

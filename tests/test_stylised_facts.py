"""Stylised facts from the source articles, as paired comparisons over replications.

Each test runs two variants on common random numbers (30 replications) and requires the
paired 95% t-interval of the difference to exclude zero, on the side the articles claim.
"""

from __future__ import annotations

import pytest

from sim import build_scenario
from sim.analysis import paired_differences
from sim.experiment import run_batch

REPS = 30


def _diff(base: dict, changed: dict, outcome: str) -> tuple[float, float]:
    runs = run_batch({"base": build_scenario(base), "changed": build_scenario(changed)},
                     reps=REPS, seed=7).runs
    row = paired_differences(runs, [outcome], reference="base").iloc[0]
    return row["ci_low"], row["ci_high"]


@pytest.mark.slow
@pytest.mark.parametrize("style", ["direction", "partner"])
def test_fallback_raises_frustration_and_lowers_success(style: str) -> None:
    without = {"scenario": {"style": style}, "fallback": {"enabled": False}}
    with_fb = {"scenario": {"style": style}, "fallback": {"enabled": True}}
    low, _ = _diff(without, with_fb, "frustration")
    assert low > 0, "fallback must raise frustration at exit"
    _, high = _diff(without, with_fb, "success_rate")
    assert high < 0, "fallback must lower the success rate"


@pytest.mark.slow
def test_regisseur_as_single_point_of_contact_lowers_handoffs() -> None:
    without = {"regisseurs": {"corps_size": 0}}
    with_reg = {"regisseurs": {"corps_size": 4}}
    _, high = _diff(without, with_reg, "handoffs_per_initiative")
    assert high < 0


@pytest.mark.slow
def test_more_dialogue_raises_success() -> None:
    low, _ = _diff({"municipality": {"dialogue": 0.2}}, {"municipality": {"dialogue": 0.8}},
                   "success_rate")
    assert low > 0

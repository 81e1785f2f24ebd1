"""Validation against queueing theory: the model reduced to M/M/c must match Erlang C.

scenarios/validation/mmc.toml switches every mechanism off except intake at a pool of c
front-office servers with exponential service. The mean wait in the intake queue over
independent replications (each after a warm-up) must cover the Erlang C value within a 99%
t-interval whose half-width is under 15% of it, so that the check means something.

Replications per setting are chosen so that the interval meets that width by design, not
by luck: from a pilot of 120 replications of 1500 weeks, one replication's standard
deviation is about 0.20, 0.31 and 0.13 times the Erlang C wait for the three settings
(it grows with the load), so 30, 80 and 30 replications give an expected half-width of
about 10% (at most two thirds of the bound). A correct model then fails the coverage
check about once in a hundred settings; a wrong one (a missing server, a biased service
time) fails it always.
"""

from __future__ import annotations

import math

import pytest

from sim.analysis import mean_ci
from sim.experiment import run_batch
from sim.scenario_files import load_scenario
from tests.conftest import SCENARIOS


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean waiting time in queue of M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / c
    assert rho < 1
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def test_erlang_c_formula_known_values() -> None:
    # M/M/1: Wq = rho / (mu - lam); M/M/2 with a = 1: P(wait) = 1/3, Wq = 1/3
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(1.0)
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1.0 / 3.0)


@pytest.mark.slow
@pytest.mark.parametrize(("lam", "mu", "c", "reps"), [(2.0, 1.0, 3, 30), (1.6, 1.0, 2, 80),
                                                     (5.0, 2.0, 4, 30)])
def test_mmc_mean_wait_matches_erlang_c(lam: float, mu: float, c: int, reps: int) -> None:
    scenario = load_scenario(SCENARIOS / "validation" / "mmc.toml", {
        "initiatives.arrival_rate": lam, "municipality.intake_staff": c,
        "municipality.intake_weeks": 1.0 / mu, "run.horizon_weeks": 1500.0})
    runs = run_batch({"mmc": scenario}, reps=reps, seed=2024).runs
    ci = mean_ci(runs["intake_wait"], level=0.99)
    theory = erlang_c_wait(lam, mu, c)
    assert ci.low <= theory <= ci.high, f"Erlang C {theory:.4f} outside 99% CI {ci}"
    # and the interval is tight enough to mean something
    assert ci.half_width < 0.15 * theory

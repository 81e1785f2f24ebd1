"""Value of information: a measurement is worth what it tells about the answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.voi import (
    Measurement,
    observation_sd,
    value_of_information,
    weighted_interval,
)
from sim.experiment.voi import voi_table


def _posterior(n: int = 600) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    answer = rng.uniform(0.0, 0.1, n)
    weights = rng.uniform(0.5, 1.5, n)
    unrelated = rng.uniform(0.2, 0.6, n)
    return answer, weights, unrelated


def test_the_weighted_interval_follows_the_weights() -> None:
    x = np.arange(100, dtype=float)
    assert weighted_interval(x, np.ones(100)) == (4.0, 94.0)
    heavy = np.where(x < 50, 1.0, 0.0)
    assert weighted_interval(x, heavy)[1] < 50


def test_a_measurement_of_the_answer_itself_narrows_it_and_an_unrelated_one_does_not(
        ) -> None:
    answer, weights, unrelated = _posterior()
    rng = np.random.default_rng(0)
    direct = value_of_information(answer, weights, answer, np.full(answer.size, 0.005),
                                  rng, simulations=400)
    useless = value_of_information(answer, weights, unrelated,
                                   np.full(answer.size, 0.005), rng, simulations=400)
    assert direct["width_now"] == pytest.approx(0.09, abs=0.01)
    assert direct["reduction"] > 0.8
    assert abs(useless["reduction"]) < 0.1


def test_a_larger_sample_is_worth_more() -> None:
    answer, weights, _ = _posterior()
    share = 0.3 + 2.0 * answer  # a share that moves with the answer
    zero = np.zeros(answer.size)
    worth = [value_of_information(answer, weights, share,
                                  observation_sd(share, zero, zero, "share", n),
                                  np.random.default_rng(1), simulations=400)["reduction"]
             for n in (25, 400, 6400)]
    assert worth[0] < worth[1] < worth[2]
    # binomial noise: sd of a share of 0.4 measured on 400 is about 0.0245
    assert observation_sd(np.array([0.4]), zero[:1], zero[:1], "share", 400)[0] == (
        pytest.approx(0.0245, abs=1e-3))


def test_the_table_ranks_the_measurements_and_ignores_particles_without_a_prediction(
        ) -> None:
    answer, weights, unrelated = _posterior(300)
    particles = pd.DataFrame({"answer": answer, "weight": weights,
                              "telling": 0.3 + 2.0 * answer, "telling_run_sd": 0.0,
                              "silent": np.where(np.arange(300) < 10, np.nan, unrelated),
                              "silent_run_sd": 0.0, "weeks_spread": 1.0})
    table = voi_table(particles, (Measurement("silent", "x", "share", 400),
                                  Measurement("telling", "y", "share", 400)),
                      simulations=300)
    assert list(table["measurement"]) == ["telling", "silent"]
    assert table.set_index("measurement").loc["silent", "particles"] == 290

"""Value of information: how much a measurement would narrow an answer, before taking it.

Preposterior analysis over a weighted posterior (the particles of an ABC calibration).
Each particle i carries the answer ``h[i]`` (e.g. falling back's part of the national
dissatisfied) and what a measurement would show on average if it were the truth,
``m[i]``. A measurement of sample size n observes the truth's ``m`` with sampling noise
(a share: binomial, p(1 - p)/n; a mean: sd²/n) and the model's own run-to-run noise.
For many simulated measurements (the truth drawn from the posterior, its observation
drawn with that noise) the posterior is reweighted by the observation's likelihood
under every particle, and the width of the answer's interval is read off; the expected
width against today's width is what the measurement is worth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.analysis.stats import weighted_quantile

Scale = Literal["share", "mean"]


@dataclass(frozen=True)
class Measurement:
    """A measurement a researcher could commission, as the model predicts it."""

    key: str
    description: str
    scale: Scale
    sample_size: int
    unit: str = "initiatives"


def weighted_interval(values: np.ndarray, weights: np.ndarray,
                      level: float = 0.9) -> tuple[float, float]:
    """The central ``level`` interval of weighted values (inverse of the weighted ECDF)."""
    tail = (1.0 - level) / 2.0
    return (weighted_quantile(values, weights, tail),
            weighted_quantile(values, weights, 1.0 - tail))


def observation_sd(mean: np.ndarray, spread: np.ndarray, run_sd: np.ndarray, scale: Scale,
                   n: int) -> np.ndarray:
    """Per particle: the sd of what a measurement of size ``n`` would observe, sampling
    noise (a share's binomial variance, or ``spread``² for a mean) plus the run-to-run
    noise of the model's prediction ``run_sd``."""
    if scale == "share":
        p = np.clip(mean, 1e-6, 1.0 - 1e-6)
        sampling = p * (1.0 - p) / n
    else:
        sampling = spread ** 2 / n
    return np.sqrt(sampling + run_sd ** 2)


def expected_width(answer: np.ndarray, weights: np.ndarray, predicted: np.ndarray,
                   sd: np.ndarray, rng: np.random.Generator, simulations: int = 2000,
                   level: float = 0.9) -> tuple[float, float]:
    """The expected width of the answer's ``level`` interval after the measurement whose
    mean under each particle is ``predicted`` and whose sd is ``sd``, and the Monte Carlo
    standard error of that expectation."""
    w = weights / weights.sum()
    truths = rng.choice(len(w), size=simulations, p=w)
    observed = predicted[truths] + sd[truths] * rng.standard_normal(simulations)
    widths = np.empty(simulations)
    for s in range(simulations):
        z = (observed[s] - predicted) / sd
        like = np.exp(-0.5 * z * z) / sd
        post = w * like
        if not post.sum() > 0:  # the observation is impossible under every particle
            post = w
        low, high = weighted_interval(answer, post, level)
        widths[s] = high - low
    return float(widths.mean()), float(widths.std(ddof=1) / math.sqrt(simulations))


def value_of_information(answer: np.ndarray, weights: np.ndarray, predicted: np.ndarray,
                         sd: np.ndarray, rng: np.random.Generator, simulations: int = 2000,
                         level: float = 0.9) -> dict[str, float]:
    """Today's interval width of the answer, the expected width after the measurement,
    the expected reduction (share of today's width) and its Monte Carlo standard error
    (a reduction within about two of them of 0 is no reduction)."""
    low, high = weighted_interval(answer, weights, level)
    now = high - low
    after, se = expected_width(answer, weights, predicted, sd, rng, simulations, level)
    return {"width_now": now, "width_after": after,
            "reduction": 1.0 - after / now if now > 0 else math.nan,
            "reduction_se": se / now if now > 0 else math.nan}

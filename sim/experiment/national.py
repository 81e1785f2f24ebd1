"""The national calibration's target: a population of municipalities read as the survey.

A particle holds the uncertain parameters (scenario changes, applied to every kind of
municipality alike) and the mix (``mix.*``, :meth:`sim.population.Population.mix_priors`).
It runs every kind on the same seeds and reads each pattern where it was observed: the
survey's shares over the whole population (each kind weighted by its share of the
municipalities times the members its survey reaches, :mod:`sim.analysis.national`), a
pattern about one kind of municipality in that kind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from typing import Any

import numpy as np

from sim.analysis.patterns import PATTERNS, Pattern
from sim.experiment.calibration import as_changes
from sim.population import Population
from sim.run import simulate
from sim.scenario import Scenario, ScenarioError

NATIONAL = "national"
"""A pattern's scope when the survey of the whole population observed it."""
SCOPES = {"dissatisfied_44": NATIONAL, "satisfied_33": NATIONAL,
          "dissatisfied_not_turned_down": NATIONAL,
          "fallback_often": "direction-based", "work_inside_harder": "consultative"}
"""Where each pattern of :data:`~sim.analysis.patterns.PATTERNS` was observed: the
survey asked initiators across the country; 004's "often" is about municipalities that
fall back out of a partnership; 001 about regisseurs under consultative management; the
Rekenkamer's about initiators (read over the whole population, as the survey)."""


def national_patterns(kinds: list[str]) -> tuple[Pattern, ...]:
    """The patterns with their scope in the population (patterns about a kind the
    population lacks are left out)."""
    return tuple(dataclasses.replace(p, scenario=SCOPES[p.key]) for p in PATTERNS
                 if SCOPES[p.key] == NATIONAL or SCOPES[p.key] in kinds)


class PopulationTarget:
    """What the national calibration fits: a population of municipalities (a target for
    :func:`sim.experiment.calibration.calibrate`)."""

    def __init__(self, population: Population, kinds: dict[str, Scenario]) -> None:
        self.population, self.kinds = population, kinds
        self.patterns = national_patterns(list(kinds))

    def settings(self) -> dict[str, Any]:
        digests = {k: sc.digest() for k, sc in self.kinds.items()}
        described = self.population.model_dump(mode="json")
        blob = json.dumps({"population": described, "kinds": digests}, sort_keys=True)
        return {"population": described, "kinds": digests,
                "base_hash": hashlib.sha256(blob.encode()).hexdigest()}

    def run_seconds(self) -> float:
        from sim.experiment.scale import estimate

        return sum(estimate(sc).cpu_seconds for sc in self.kinds.values())

    def extra_priors(self) -> dict[str, Any]:
        return dict(self.population.mix_priors())

    def predict(self, particle: dict[str, float], seeds: list[int]) -> dict[str, float]:
        mix = {k: v for k, v in particle.items() if k.startswith("mix.")}
        changes = as_changes({k: v for k, v in particle.items() if not k.startswith("mix.")})
        shares = self.population.shares_from(mix)
        outcomes = {p.outcome for p in self.patterns}
        try:
            scenarios = {k: sc.with_changes(changes) for k, sc in self.kinds.items()}
        except ScenarioError:
            return dict.fromkeys(outcomes, math.nan)
        summaries = {k: [simulate(sc, seed).summary for seed in seeds]
                     for k, sc in scenarios.items()}
        out = {}
        for p in self.patterns:
            if p.scenario == NATIONAL:  # members reached, weighted by the mix
                weights = np.array([[shares[k] * s["survey_members"] for s in summaries[k]]
                                    for k in self.kinds])
                values = np.array([[s[p.outcome] for s in summaries[k]] for k in self.kinds])
                total = weights.sum()
                out[p.outcome] = (float(np.sum(weights * values) / total) if total > 0
                                  else math.nan)
            else:
                out[p.outcome] = float(np.mean([s[p.outcome] for s in summaries[p.scenario]]))
        return out

"""Satisfaction with the municipality, by expectancy-disconfirmation.

The standard model of citizen satisfaction (Oliver 1980; Van Ryzin 2004, 2006, 2013):
satisfaction rises with experienced performance and falls with negative disconfirmation,
performance below what was expected. Expectations themselves assimilate: they correlate
positively with satisfaction (Schiebler, Lee & Brodbeck 2024, r about .29; Zhang, Chen,
Petrovsky & Walker 2022).

    E = (1 - promise_weight) * trust + promise_weight * promised fit      (first contact)
    P = burden_weight * (1 - burden) + (1 - burden_weight) * received fit  (the journey)
    D = P - E                                     (subtractive disconfirmation)
    S = performance * P + expectation * E + disconfirmation * D * (1 + loss_aversion [D < 0])
        - breach * breaches

A broken partnership is a breach of a psychological contract (Robinson & Rousseau 1994;
Morrison & Robinson 1997): the initiator remembers it, so it enters S as its own term
(``breach.satisfaction`` per breach) rather than through the mean fit received, where
later contacts would average it away (Zhao, Wayne, Glibkowski & Bravo 2007: breach
relates strongly to lower satisfaction).

*Fit* is the share of the roles an initiative needs that the municipality takes (004's
five roles; the autonomous role is always taken). A direction-based municipality promises
more (the partner role) and so raises E; falling back breaks the promise (received fit
below promised, through D) and the partnership (the breach term). A directive
municipality promises little and delivers little: low P, small D. The survey counts a
member as (very) dissatisfied below ``dissatisfied_below`` and (very) satisfied above
``satisfied_above``.
"""

from __future__ import annotations

import numpy as np

from sim.scenario import BreachSettings, SatisfactionSettings


def performance(burden: np.ndarray, received: np.ndarray,
                cfg: SatisfactionSettings) -> np.ndarray:
    """Experienced performance P (0..1) from the burden and the roles received."""
    return cfg.burden_weight * (1.0 - burden) + (1.0 - cfg.burden_weight) * received


def satisfaction(perf: np.ndarray, expectation: np.ndarray, breaches: np.ndarray,
                 cfg: SatisfactionSettings, breach: BreachSettings) -> np.ndarray:
    """Satisfaction S from performance, expectation and breaches suffered (vectorised)."""
    gap = perf - expectation
    weight = np.where(gap < 0.0, cfg.disconfirmation * (1.0 + cfg.loss_aversion),
                      cfg.disconfirmation)
    return (cfg.performance * perf + cfg.expectation * expectation + weight * gap
            - breach.satisfaction * breaches)

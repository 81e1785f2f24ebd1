"""The patterns the model must reproduce, each with its source, tolerance and role.

Pattern-oriented modelling (Grimm et al. 2005): several patterns at once constrain a
model more than any single one. Some *calibrate* (the ABC distance uses them); the rest
are *held back* to validate (posterior predictive checks only). Each pattern is read from
a run's summary, so a posterior predictive check runs the model and compares.

The Nationale ombudsman's survey (2018, of members of citizen initiatives, autumn 2017)
gives a three-way split of satisfaction with contacts with government: 33% (very)
satisfied, about 23% neither, 44% (very) dissatisfied (004 quotes the 44%). Source 004
says the fallback into the regie role happens "vaak" (often) with citizens' initiatives.
Source 001 reports that staff working by regie often find operating inside their own
organisation harder than in the field, depending on how management fills its role. The
Amsterdam Rekenkamer (2018) found initiators dissatisfied mainly through complex rules and
poor information, not through refusals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Role = Literal["calibrate", "validate"]


@dataclass(frozen=True)
class Pattern:
    """A target for one outcome of one scenario, with how far from it is still a match.

    ``target`` is the observed value; a run matches when ``low <= value <= high``.
    ``tolerance`` scales the ABC distance: (value - target) / tolerance.
    """

    key: str
    outcome: str
    target: float
    tolerance: float
    low: float
    high: float
    role: Role
    source: str
    scenario: str = "typical"

    def distance(self, value: float) -> float:
        """Standardised distance of ``value`` from the target (inf for a missing value)."""
        if value is None or math.isnan(value):
            return math.inf
        return (value - self.target) / self.tolerance

    def matches(self, value: float) -> bool:
        return value is not None and not math.isnan(value) and self.low <= value <= self.high


PATTERNS: tuple[Pattern, ...] = (
    Pattern("dissatisfied_44", "share_dissatisfied", 0.44, 0.05, 0.39, 0.49, "calibrate",
            "Nationale ombudsman 2018 (via 004): 44% of members of citizen initiatives "
            "(very) dissatisfied with their contacts with government"),
    Pattern("satisfied_33", "share_satisfied", 0.33, 0.05, 0.28, 0.38, "calibrate",
            "Nationale ombudsman 2018: 33% (very) satisfied"),
    Pattern("fallback_often", "fallback_episodes", 1.0, 1.0, 1.0, math.inf, "validate",
            "004: the fallback into the regie role happens often ('vaak') with citizens' "
            "initiatives; read as at least one episode per council term"),
    Pattern("dissatisfied_not_turned_down", "share_dissatisfied_not_turned_down", 0.22, 0.05,
            0.22, 1.0, "validate",
            "Rekenkamer Amsterdam 2018: a large part of the initiators was not satisfied, "
            "mainly because of complex rules and poor information rather than refusals; "
            "read as at least half of the survey's 44% (very) dissatisfied being members of "
            "initiatives that were not turned down (22% of all surveyed members; our "
            "arithmetic). Cutpoints cannot absorb it: it is about why members are "
            "dissatisfied, not how many"),
    Pattern("work_inside_harder", "regisseur_inward_share", 0.5, 0.25, 0.25, 0.95,
            "validate", "001: staff who work by regie often find their own organisation "
            "harder than the field; read as regisseurs losing at least a quarter of their "
            "capacity inside under consultative management (set by the manager presets: "
            "a check of the presets, not of the model's dynamics)"),
)
"""Every pattern; ``role`` says which calibrate and which are held back."""


def calibrating(patterns: tuple[Pattern, ...] = PATTERNS) -> tuple[Pattern, ...]:
    return tuple(p for p in patterns if p.role == "calibrate")


def distance(summary: dict[str, float], patterns: tuple[Pattern, ...]) -> float:
    """Euclidean distance over standardised pattern gaps (the ABC distance)."""
    return math.sqrt(sum(p.distance(summary[p.outcome]) ** 2 for p in patterns))

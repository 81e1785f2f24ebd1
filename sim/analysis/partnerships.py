"""The initiatives 004 speaks of: those promised a partnership.

004's four conditions (clear frames, a clear process, dialogue as a habit, a feedback
culture) are what the partner role needs "om te kunnen slagen"; one missing is an alarm
signal that the partnership will derail sooner or later. The run's outcomes average over
every initiative, most of which never needed a partner; this module reads the same three
outcomes for the initiatives that needed the partner role where the municipality declares
it (the promise of :meth:`sim.model.municipality.Municipality.promises_partner`), from a
run's per-initiative table, computed as the run's own summary computes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.analysis.twins import surveyed
from sim.model.ledger import km_median
from sim.run import RunResult


@dataclass(frozen=True)
class GroupOutcomes:
    """Success rate, survey share dissatisfied and Kaplan–Meier median weeks to decision
    of one group of initiatives in one run (nan where the group is empty)."""

    initiatives: int
    success_rate: float
    share_dissatisfied: float
    weeks_to_decision: float


def promised_partnership(result: RunResult) -> np.ndarray:
    """Per initiative of ``result.initiatives``: did it need the partner role, and does
    the municipality declare that role (its own way of working, not the week's)?"""
    declared = "partner" in result.scenario.municipality.roles_offered
    needs = result.initiatives["needs"].astype(str)
    wants = needs.str.split("+").apply(lambda roles: "partner" in roles).to_numpy(bool)
    return wants & declared


def group_outcomes(result: RunResult, members: np.ndarray) -> GroupOutcomes:
    """The run's success rate, share dissatisfied and weeks to decision over the
    initiatives where ``members`` is True (a mask over ``result.initiatives``)."""
    df, sc = result.initiatives[members], result.scenario
    exit_week = df["exit_week"].to_numpy(float)
    ended = ~np.isnan(exit_week)
    success = (float(np.mean(df["outcome"].to_numpy(object)[ended] == "success"))
               if ended.any() else math.nan)
    asked = surveyed(result)
    asked = asked[asked["id"].isin(df["id"])]
    weights = asked["members"].to_numpy(float)
    unhappy = asked["dissatisfied"].to_numpy(bool)
    dissatisfied = (float(np.sum(weights * unhappy) / weights.sum()) if weights.sum() > 0
                    else math.nan)
    to_decision = df["weeks_to_decision"].to_numpy(float)
    arrival = df["arrival_week"].to_numpy(float)
    decided = ~np.isnan(to_decision)
    # censored at the exit, or at the end of the run for those still under way
    censored_at = np.where(ended, exit_week, sc.run.horizon_weeks) - arrival
    times = np.where(decided, to_decision, censored_at)
    return GroupOutcomes(int(members.sum()), success, dissatisfied,
                         km_median(times, decided))

"""The ledger: one record per counted initiative, with one schema for exits and the rest.

Every initiative that arrives in the observation window gets one row: when it leaves
(success, rejected, dropout), or at the end of the run if it is still under way
(``in_progress``). The summary outcomes are computed from these rows.

**The survey** is measured as the Nationale ombudsman's was: at a survey moment (the end
of the run), the members of initiatives that had contact with the municipality, ongoing
ones included, each answer from their initiative's satisfaction so far. Initiatives that
ended longer than ``run.survey_recall_weeks`` before are not asked.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from sim.model.initiative import Initiative
from sim.model.satisfaction import performance, satisfaction
from sim.outcomes import FRUSTRATION_BINS, STAGES
from sim.scenario import Scenario
from sim.styles import ROLES

COLUMNS: tuple[str, ...] = (
    "id", "arrival_week", "exit_week", "outcome", "stage", "complexity", "departments",
    "needs", "members", "frustration", "energy", "trust", "handoffs", "regisseur", "linked",
    "contact", "expectation", "received", "breaches", "weeks_to_decision",
    "weeks_to_realisation", "queue_weeks")


class Ledger:
    """Rows of counted initiatives (one tuple each, in the order of ``COLUMNS``)."""

    def __init__(self, offset: float, cfg: Scenario) -> None:
        self._offset = offset
        self._cfg = cfg
        self.rows: list[tuple] = []
        self.intake_waits: list[float] = []

    @property
    def cols(self) -> dict[str, list]:
        """The rows as columns."""
        if not self.rows:
            return {k: [] for k in COLUMNS}
        return dict(zip(COLUMNS, map(list, zip(*self.rows, strict=True)), strict=True))

    def record(self, ini: Initiative, outcome: str, now: float, trust: float) -> None:
        """Add the row of ``ini``: it left with ``outcome`` at ``now`` (nan: still going)."""
        offset = self._offset
        self.rows.append((
            ini.ident, ini.arrival - offset, now - offset, outcome, ini.stage, ini.complexity,
            ini.departments, _label(ini.needs), ini.members, ini.frustration,
            max(ini.energy, 0.0), trust, ini.handoffs, ini.regisseur, ini.linked, ini.contact,
            ini.expectation, ini.received, ini.breaches, ini.decided_at - ini.arrival,
            now - ini.decided_at if outcome == "success" else math.nan, ini.queue_weeks))

    def _with(self, still: Iterable[Initiative]) -> dict[str, list]:
        """The columns with rows for the initiatives still under way added."""
        going = Ledger(self._offset, self._cfg)
        for ini in still:
            going.record(ini, "in_progress", math.nan, ini.trust)
        going.rows[:0] = self.rows
        return going.cols

    def frame(self, still: Iterable[Initiative]) -> pd.DataFrame:
        """Every row, the initiatives still under way included, sorted by id, with each
        one's experienced performance and satisfaction (nan without contact)."""
        df = pd.DataFrame(self._with(still))
        df["performance"] = performance(df["frustration"].to_numpy(float),
                                        df["received"].to_numpy(float), self._cfg.satisfaction)
        df["satisfaction"] = satisfaction(df["performance"].to_numpy(float),
                                          df["expectation"].to_numpy(float),
                                          df["breaches"].to_numpy(float),
                                          self._cfg.satisfaction, self._cfg.breach)
        return df.sort_values("id", ignore_index=True)

    def contribute(self, summary: dict[str, float], still: list[Initiative], arrivals: int,
                   end: float) -> None:
        """The initiatives' outcomes; ``end`` is the end of the run (censoring time)."""
        n_exit = len(self.rows)
        everyone = self._with(still)  # the exits first, then those still under way

        def exits(column: str) -> list:
            """A column of the exits only (sliced when asked for: memory stays flat)."""
            return everyone[column][:n_exit]

        outcome: list[str] = exits("outcome")
        frustration = np.asarray(exits("frustration"), dtype=float)
        summary["arrivals"] = arrivals
        summary["finished"] = n_exit
        stages = [i.stage for i in still]
        summary["in_progress"] = len(stages)
        for st in STAGES:
            summary[f"in_progress_{st}"] = stages.count(st)
        summary["successes"] = outcome.count("success")
        summary["rejected"] = outcome.count("rejected")
        summary["dropouts"] = outcome.count("dropout")
        dropped_in = Counter(stage for stage, left in zip(exits("stage"), outcome, strict=True)
                             if left == "dropout")
        for s in STAGES:
            summary[f"dropouts_{s}"] = dropped_in[s]
        summary["success_rate"] = summary["successes"] / n_exit if n_exit else math.nan
        self._time_to_decision(summary, exits, still, end)
        summary["weeks_to_realisation"] = _nanmean(exits("weeks_to_realisation"))
        summary["frustration"] = float(frustration.mean()) if n_exit else math.nan
        self._survey(summary, everyone, end)
        counts = np.histogram(frustration, bins=FRUSTRATION_BINS, range=(0.0, 1.0))[0]
        for k, count in enumerate(counts.tolist()):
            summary[f"frustration_bin_{k}"] = count
        summary["handoffs_per_initiative"] = (float(np.mean(exits("handoffs"))) if n_exit
                                              else math.nan)
        summary["share_with_regisseur"] = (float(np.mean(exits("regisseur"))) if n_exit
                                           else math.nan)
        summary["intake_wait"] = (float(np.mean(self.intake_waits)) if self.intake_waits
                                  else math.nan)

    def _survey(self, summary: dict[str, float], cols: dict[str, list], end: float) -> None:
        """The survey at the end: members of initiatives with contact, ongoing included
        (``cols``: the columns of every counted initiative)."""
        sc = self._cfg.satisfaction
        asked = survey_asked(np.asarray(cols["exit_week"], dtype=float),
                             np.asarray(cols["contact"], dtype=bool),
                             end - self._offset - self._cfg.run.survey_recall_weeks)
        members = np.asarray(cols["members"], dtype=float)[asked]
        perf = performance(np.asarray(cols["frustration"], dtype=float)[asked],
                           np.asarray(cols["received"], dtype=float)[asked], sc)
        expect = np.asarray(cols["expectation"], dtype=float)[asked]
        breaches = np.asarray(cols["breaches"], dtype=float)[asked]
        score = satisfaction(perf, expect, breaches, sc, self._cfg.breach)
        total = members.sum()
        summary["survey_members"] = float(total)
        summary["share_breached"] = (float(members[breaches > 0].sum() / total) if total
                                     else math.nan)
        dissatisfied = score < sc.dissatisfied_below
        turned_down = np.asarray(cols["outcome"], dtype=object)[asked] == "rejected"
        for key, value in (("share_dissatisfied", members[dissatisfied]),
                           ("share_satisfied", members[score > sc.satisfied_above]),
                           ("share_dissatisfied_not_turned_down",
                            members[dissatisfied & ~turned_down])):
            summary[key] = float(value.sum() / total) if total else math.nan
        for key, value in (("satisfaction", score), ("expectation", expect),
                           ("performance", perf)):
            summary[key] = float(np.average(value, weights=members)) if total else math.nan

    def _time_to_decision(self, summary: dict[str, float], exits: Callable[[str], list],
                          still: list[Initiative], end: float) -> None:
        """Kaplan–Meier median weeks from arrival to decision, and the share censored.

        An initiative that left before a decision (dropout) or was still waiting for one at
        the end is censored at that moment; averaging only those that were decided would
        favour the fast ones (survivorship). ``exits``: a column of the exits.
        """
        to_decision = np.asarray(exits("weeks_to_decision"), dtype=float)
        exit_after = np.asarray(exits("exit_week"), dtype=float) - np.asarray(
            exits("arrival_week"), dtype=float)
        decided = ~np.isnan(to_decision)
        times = [np.where(decided, to_decision, exit_after)]
        events = [decided]
        if still:
            waited = np.array([end - i.arrival for i in still])
            reached = np.array([i.decided_at - i.arrival for i in still])
            done = ~np.isnan(reached)
            times.append(np.where(done, reached, waited))
            events.append(done)
        t, e = np.concatenate(times), np.concatenate(events)
        summary["weeks_to_decision"] = km_median(t, e)
        summary["share_censored_before_decision"] = float(1.0 - e.mean()) if e.size else math.nan


def survey_asked(exit_week: np.ndarray, contact: np.ndarray, since: float) -> np.ndarray:
    """Who the survey asks: initiatives that had contact and are still under way (no exit
    week) or ended at ``since`` or later (weeks after the warm-up)."""
    return contact & (np.isnan(exit_week) | (exit_week >= since))


def recall_start(cfg: Scenario) -> float:
    """The first week (after the warm-up) whose leavers the end-of-run survey still asks."""
    return cfg.run.horizon_weeks - cfg.run.survey_recall_weeks


def km_median(times: np.ndarray, events: np.ndarray) -> float:
    """The Kaplan–Meier median of ``times`` where ``events`` is False for censored ones.

    The smallest time at which the estimated survival falls to 0.5 or below; nan when it
    never does (more than half censored before reaching the event).
    """
    if times.size == 0:
        return math.nan
    order = np.lexsort((~events, times))  # events before censorings at equal times
    t, e = times[order], events[order]
    at_risk = np.arange(t.size, 0, -1, dtype=float)
    survival = np.cumprod(np.where(e, 1.0 - 1.0 / at_risk, 1.0))
    below = np.nonzero(e & (survival <= 0.5))[0]
    return float(t[below[0]]) if below.size else math.nan


_LABELS: dict[frozenset[str], str] = {}


def _label(needs: frozenset[str]) -> str:
    """The needed roles as the ledger writes them ("support+partner"), in ROLES order."""
    label = _LABELS.get(needs)
    if label is None:
        label = _LABELS[needs] = "+".join(r for r in ROLES if r in needs)
    return label


def _nanmean(values: list[float]) -> float:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return float(arr.mean()) if arr.size else math.nan

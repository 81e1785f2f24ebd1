"""Per-initiative comparisons for the experiment scripts.

* The breach against its twins: run each replication with fallback (event log on) and
  without, on the same seed, and compare the members whose partnership a fallback broke
  with the same initiatives without fallback (:func:`sim.analysis.twins.breach_twins`).
* The initiatives promised a partnership (the ones 004 speaks of) against everyone, per
  scenario and replication (:mod:`sim.analysis.partnerships`).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from sim import simulate
from sim.analysis import mean_ci
from sim.analysis.partnerships import group_outcomes, promised_partnership
from sim.analysis.twins import breach_twins
from sim.experiment.batch import replication_seeds
from sim.scenario import Scenario
from sim.words import decimal, scenario_name


def _twins(job: tuple[Scenario, int]) -> tuple[int, float, float, float]:
    base, seed = job
    with_fb = simulate(base.with_changes({"run.event_log": True}), seed)
    without = simulate(base.with_changes({"fallback.enabled": False}), seed)
    t = breach_twins(with_fb, without)
    return seed, t.members, t.dissatisfied_with, t.dissatisfied_without


def breach_table(bases: dict[str, Scenario], reps: int, seed: int,
                 workers: int | None) -> pd.DataFrame:
    """Per replication (seeds ``seed`` .. ``seed + reps - 1``) and base: the members a
    fallback's breach touched, and the shares of them dissatisfied with and without."""
    rows = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for name, base in bases.items():
            jobs = [(base, seed + k) for k in range(reps)]
            for s, members, with_, without in pool.map(_twins, jobs):
                rows.append({"base": name, "seed": s, "members": members,
                             "dissatisfied_with": with_, "dissatisfied_without": without})
    return pd.DataFrame(rows)


GROUPS = ("promised a partnership", "all")
"""The groups of :func:`group_table`, in its order."""


def _groups(job: tuple[str, Scenario, int, int]) -> list[dict[str, object]]:
    name, scenario, replication, seed = job
    result = simulate(scenario, seed)
    promised = promised_partnership(result)
    rows = []
    for group, members in zip(GROUPS, (promised, np.ones_like(promised)), strict=True):
        g = group_outcomes(result, members)
        rows.append({"scenario": name, "replication": replication, "group": group,
                     "initiatives": g.initiatives, "success_rate": g.success_rate,
                     "share_dissatisfied": g.share_dissatisfied,
                     "weeks_to_decision": g.weeks_to_decision})
    return rows


def group_table(scenarios: dict[str, Scenario], reps: int, seed: int,
                workers: int | None) -> pd.DataFrame:
    """Per scenario, replication and group (:data:`GROUPS`): success rate, share
    dissatisfied and weeks to decision, as each run's summary computes them. Replication
    k runs on the seed a batch with ``seed`` gives it, so the group "all" is the batch's
    own run table (common random numbers across scenarios)."""
    seeds = replication_seeds(seed, reps)
    jobs = [(name, sc, k, seeds[k]) for name, sc in scenarios.items() for k in range(reps)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = [row for rows in pool.map(_groups, jobs) for row in rows]
    return pd.DataFrame(rows)


def breach_sentence(name: str, runs_of: pd.DataFrame, lang: str = "en") -> str:
    """One base's breach against its twins, as the console says it (with its 95% CI)."""
    part = runs_of[runs_of["members"] > 0]  # runs in which a fallback broke something
    name = scenario_name(name, lang)  # a shipped scenario by its Dutch name in Dutch
    if part.empty:
        return (f"{name}: in geen van de {len(runs_of)} runs verbrak een terugval een "
                "partnerschap" if lang == "nl" else
                f"{name}: no fallback broke a partnership in these {len(runs_of)} runs")
    ci = mean_ci(100 * (part["dissatisfied_with"] - part["dissatisfied_without"]))
    with_, without = 100 * part["dissatisfied_with"].mean(), 100 * part[
        "dissatisfied_without"].mean()
    if lang == "nl":
        def nl(x: float, sign: str = "") -> str:
            if x != x:  # NaN: no interval from one run
                return "–"
            return ("+" if sign and x >= 0 else "") + decimal(x, "nl", 1)
        return (f"{name}: in {len(part)} van de {len(runs_of)} runs verbrak een terugval "
                f"partnerschappen ({part['members'].mean():.0f} leden per run); van hen is "
                f"{nl(with_)}% ontevreden, tegen {nl(without)}% van dezelfde initiatieven "
                f"zonder terugval: {nl(ci.mean, '+')} procentpunt [{nl(ci.low, '+')}; "
                f"{nl(ci.high, '+')}]")
    return (f"{name}: in {len(part)} of {len(runs_of)} runs a fallback broke partnerships "
            f"({part['members'].mean():.0f} members per run); {with_:.1f}% of them "
            f"dissatisfied against {without:.1f}% of the same initiatives without fallback: "
            f"{ci.mean:+.1f} pp [{ci.low:+.1f}, {ci.high:+.1f}]")

"""Which lever protects most against falling back's cost, over a posterior.

A *lever* is something a municipality that can fall back may do (:data:`LEVERS`): meet
the four conditions, let its regisseurs keep their mandate in the directing role, keep
its managers conversing, heed the warning signs. Each is a set of scenario changes made
in every kind of municipality that can fall back; each such kind then runs with the
lever, with fallback and without, on the seeds and posterior draws of the population's
own runs (common random numbers), so every replication gives falling back's national cost
without any lever and with each one.

A lever's *protection* in a replication is the cost without it minus the cost with it
(how much of fallback's cost it takes away, in percentage points of the nation's
dissatisfied). As robust decision making separates levers from uncertainties (Lempert,
Popper & Bankes 2003; the EMA Workbench's regret analysis, Kwakkel 2017), the levers are
ranked two ways over the replications, each of which draws its own parameters and mix:

- by *expected protection*, the mean over the replications (95% CI);
- by *regret*: in each replication a lever's regret is the best lever's protection there
  minus its own; the most robust lever has the smallest largest regret (minimax regret,
  Savage 1951).

The two rankings agree when one lever is best under every draw; where they differ, the
posterior does not settle the choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.national import NO_FALLBACK, national
from sim.analysis.stats import mean_ci
from sim.scenario import SIGN_CONDITIONS, FallbackRegime
from sim.styles import MANAGER_STYLES

WITH_LEVER = " | "
"""Between a kind's name and a lever's: the scenario name of the kind with the lever."""


@dataclass(frozen=True)
class Lever:
    """A lever: its name, the changes it makes, and where the sources name it."""

    name: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""


_CONVERSING_IN_FALLBACK = {  # the conversing managers' preset, where the regime has it
    f"fallback.regime.{key}": value for key, value in MANAGER_STYLES["conversing"].items()
    if key in FallbackRegime.model_fields}

LEVERS: tuple[Lever, ...] = (
    Lever("conditions", {"municipality.clear_frames": 1.0, "municipality.clear_process": 1.0,
                         "municipality.dialogue": 1.0, "municipality.feedback": 1.0},
          "004: the four conditions for the partner role, met in full"),
    Lever("mandate", {"fallback.regime.mandate": True},
          "003: regisseurs keep their mandate when the municipality falls back"),
    Lever("conversing", _CONVERSING_IN_FALLBACK,
          "000, 001: managers stay conversing in the directing role"),
    Lever("signs_heeded", {f"fallback.warning_signs.{sign}.prob": 0.0
                           for sign in SIGN_CONDITIONS},
          "004: the warning signs are seen and acted on, so none lowers a condition"),
)
"""The levers ranked by the flagship (``make demo``), each with its source."""


def lever_scenario(kind: str, lever: str) -> str:
    """The scenario name of ``kind`` with ``lever`` pulled."""
    return f"{kind}{WITH_LEVER}{lever}"


def lever_costs(runs: pd.DataFrame, mix: Mapping[str, float] | pd.DataFrame,
                levers: Sequence[str], pulled_in: Sequence[str]) -> pd.DataFrame:
    """Per replication (rows): falling back's national cost (with minus without, share
    dissatisfied) with no lever (``none``) and with each lever (a column each). A lever
    acts in the kinds ``pulled_in`` (those that can fall back): their runs with the lever,
    and their twins without fallback, stand in for their own; the other kinds count as
    they are."""
    def cost(view: pd.DataFrame) -> pd.Series:
        return national(view, mix) - national(view, mix, suffix=NO_FALLBACK)

    costs = {"none": cost(runs)}
    for lever in levers:
        names = {}
        for kind in pulled_in:
            for suffix in ("", NO_FALLBACK):
                names[lever_scenario(kind, lever) + suffix] = kind + suffix
        if not set(names).issubset(set(runs["scenario"])):
            missing = sorted(set(names) - set(runs["scenario"]))
            raise ValueError(f"lever {lever!r}: no runs of {missing}")
        pulled = runs[runs["scenario"].isin(names)].copy()
        pulled["scenario"] = pulled["scenario"].map(names)
        kept = runs[~runs["scenario"].isin(list(names.values()) + list(names))]
        costs[lever] = cost(pd.concat([kept, pulled], ignore_index=True))
    return pd.DataFrame(costs)


def lever_ranking(costs: pd.DataFrame) -> pd.DataFrame:
    """One row per lever, from :func:`lever_costs`: its expected protection (the cost
    without levers minus the cost with it; mean and 95% CI over the replications) and that
    as a share of the cost without levers; its regret (best protection in the replication
    minus its own: mean and largest) and the share of replications where it protects most
    (a replication where several tie, as when no episode happens and none protects, counts
    for each of them in equal parts);
    its rank by expected protection and by largest regret (1 is best)."""
    levers = [c for c in costs.columns if c != "none"]
    if not levers:
        raise ValueError("no levers to rank")
    protection = costs[levers].rsub(costs["none"], axis=0)
    regret = protection.rsub(protection.max(axis=1), axis=0)
    values = protection.to_numpy(float)
    tops = np.isclose(values, values.max(axis=1, keepdims=True), rtol=0.0, atol=1e-12)
    best = tops / tops.sum(axis=1, keepdims=True)  # a tie (no episode: all 0) is shared
    base = float(costs["none"].mean())
    rows = []
    for i, lever in enumerate(levers):
        ci = mean_ci(protection[lever].to_numpy(float))
        rows.append({"lever": lever, "protection": ci.mean, "low": ci.low, "high": ci.high,
                     "share_of_cost": ci.mean / base if base else np.nan,
                     "mean_regret": float(regret[lever].mean()),
                     "max_regret": float(regret[lever].max()),
                     "best_share": float(best[:, i].mean()),
                     "replications": len(protection)})
    table = pd.DataFrame(rows)
    table["rank_expected"] = table["protection"].rank(ascending=False, method="min").astype(int)
    table["rank_regret"] = table["max_regret"].rank(ascending=True, method="min").astype(int)
    return table.sort_values(["rank_expected", "rank_regret"]).reset_index(drop=True)


def lever_claims(ranking: pd.DataFrame) -> pd.DataFrame:
    """The ranking as claims of a headline table (claim, estimate, low, high, interval,
    unit): each lever's expected protection with its 95% CI, in ranking order."""
    return pd.DataFrame([{"claim": f"lever_{r.lever}", "estimate": r.protection,
                          "low": r.low, "high": r.high, "interval": "ci95", "unit": "share"}
                         for r in ranking.itertuples()])

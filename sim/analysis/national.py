"""The national survey over a population of municipalities, and fallback's part in it.

The survey asked initiators across the country: the national share dissatisfied is the
share of all surveyed members, so each kind of municipality counts by its share of the
municipalities times the members its survey reaches (the initiatives it produces that
had contact), not by its share alone:

    national = sum_k share_k * members_k * dissatisfied_k / sum_k share_k * members_k

Falling back's part is a counterfactual on the same population: every kind run again
with fallback off, on the same seeds (common random numbers), so

    cost  = national(with) - national(without)         (percentage points)
    part  = cost / national(with)                       (share of the national dissatisfied)

``runs`` is a run table (one row per scenario and replication) holding, for every kind,
its scenario and its twin without fallback.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.analysis.stats import mean_ci

NO_FALLBACK = ": no fallback"
"""Appended to a kind's name: the scenario name of its twin with fallback off."""


def national(runs: pd.DataFrame, shares: Mapping[str, float] | pd.DataFrame,
             outcome: str = "share_dissatisfied", suffix: str = "") -> pd.Series:
    """Per replication: the survey's ``outcome`` over the population with these shares
    of municipalities, weighted by the members each kind's survey reaches. ``shares``
    is one mix ({kind: share}) or a mix per replication (a frame indexed by replication,
    a column per kind: draws from a posterior). ``suffix`` picks the twins
    (:data:`NO_FALLBACK`)."""
    num = den = None
    kinds = shares.columns if isinstance(shares, pd.DataFrame) else list(shares)
    for kind in kinds:
        share = shares[kind]
        rows = runs[runs["scenario"] == kind + suffix].set_index("replication")
        if rows.empty:
            raise ValueError(f"no runs of {kind + suffix!r}; have "
                             f"{sorted(runs['scenario'].unique())}")
        w = share * rows["survey_members"]
        num = w * rows[outcome] if num is None else num + w * rows[outcome]
        den = w if den is None else den + w
    assert num is not None and den is not None
    result = num / den
    result.name = outcome
    return result


def fallback_part(runs: pd.DataFrame, shares: Mapping[str, float]) -> tuple[float, float, float]:
    """National share dissatisfied with fallback, without it, and the part of the first
    that falling back causes, as ratios of means over the replications."""
    with_ = float(national(runs, shares).mean())
    without = float(national(runs, shares, suffix=NO_FALLBACK).mean())
    return with_, without, (with_ - without) / with_


def over_prior(runs: pd.DataFrame, draws: list[dict[str, float]]) -> pd.DataFrame:
    """:func:`fallback_part` for each draw of the shares from their prior (one row each)."""
    rows = [dict(zip(("with", "without", "part"), fallback_part(runs, shares), strict=True))
            for shares in draws]
    frame = pd.DataFrame(rows)
    frame["cost"] = frame["with"] - frame["without"]
    return frame


def percentile_interval(values: pd.Series | np.ndarray, level: float = 0.9) -> tuple[float,
                                                                                     float]:
    """The central ``level`` interval of ``values`` (percentiles)."""
    tail = 50.0 * (1.0 - level)
    low, high = np.percentile(np.asarray(values, dtype=float), [tail, 100.0 - tail])
    return float(low), float(high)


def answers(runs: pd.DataFrame, mix: Mapping[str, float] | pd.DataFrame,
            reference: str = "directive") -> pd.DataFrame:
    """The national answers, one row per claim and interval: the share dissatisfied,
    falling back's cost and its part of the dissatisfied, and each kind of municipality
    minus ``reference`` in the share dissatisfied (paired: the same replication, seed and
    draw). Each claim twice: ``ci95``, the mean with its 95% CI over replications, and
    ``pi90``, the median and central 90% of the replications' values (with a mix per
    replication drawn from a posterior, the spread over the posterior)."""
    with_ = national(runs, mix)
    without = national(runs, mix, suffix=NO_FALLBACK)
    claims: list[tuple[str, pd.Series, str]] = [
        ("national_dissatisfied", with_, "share"),
        ("fallback_cost_national", with_ - without, "share"),
        ("fallback_part_national", (with_ - without) / with_, "share of the dissatisfied")]
    kinds = mix.columns if isinstance(mix, pd.DataFrame) else list(mix)
    ref = runs[runs["scenario"] == reference].set_index("replication")["share_dissatisfied"]
    for kind in kinds:
        if kind != reference and not ref.empty:
            own = runs[runs["scenario"] == kind].set_index("replication")["share_dissatisfied"]
            claims.append((f"style_{kind}", (own - ref).dropna(), "share"))
    rows = []
    for claim, values, unit in claims:
        ci = mean_ci(values.to_numpy(float))
        rows.append({"claim": claim, "estimate": ci.mean, "low": ci.low, "high": ci.high,
                     "interval": "ci95", "unit": unit})
        low, high = percentile_interval(values, 0.9)
        rows.append({"claim": claim, "estimate": float(values.median()), "low": low,
                     "high": high, "interval": "pi90", "unit": unit})
    return pd.DataFrame(rows)

"""The national counterfactual: what share of the nation's dissatisfied initiators falling
back causes, over a population of municipalities (docs/odd.md §7.15).

Every kind of municipality in the population file (scenarios/national/netherlands.toml)
runs with fallback and without, on common random numbers. The national survey weighs each
kind by its share of the municipalities times the members its survey reaches
(:mod:`sim.analysis.national`). The shares are a prior, not a fit: the headline is given
at the prior's mean mix with a 95% CI over replications, and with a 90% interval over
draws of the mix from its prior (``--draws``), which carries the uncertainty about the mix
(the model's other parameters stay at their defaults).

Writes headline.csv (claim, estimate, low, high, interval, unit), kinds.csv (each kind's
survey share and fallback's cost in it, paired) and prior.csv (one row per draw of the
mix), beside the batch's run table.

    python experiments/national.py [--reps 30] [--draws 400] [--seed 2026]
                                   [--population scenarios/national/netherlands.toml]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from _common import ROOT, console, options, run

from sim.analysis import mean_ci, paired_differences
from sim.analysis.national import NO_FALLBACK, national, over_prior, percentile_interval
from sim.population import load_population

OUTCOMES = ["share_dissatisfied", "share_satisfied", "success_rate", "survey_members"]


def headline(runs: pd.DataFrame, mean_shares: dict[str, float],
             prior: pd.DataFrame) -> pd.DataFrame:
    """The national figures at the prior's mean mix (95% CI over replications) and over
    the prior of the mix (90% percentile interval of the draws)."""
    with_ = national(runs, mean_shares)
    without = national(runs, mean_shares, suffix=NO_FALLBACK)
    rows = []
    at_mean = "95% CI over replications, prior mean mix"
    over = "90% interval over the prior of the mix"
    for claim, values, unit in (
            ("national share dissatisfied", with_, "share"),
            ("national share dissatisfied without fallback", without, "share"),
            ("falling back's cost (with minus without)", with_ - without, "share"),
            ("falling back's part of the national dissatisfied",
             (with_ - without) / with_, "share of the dissatisfied")):
        ci = mean_ci(values.to_numpy(float))
        rows.append({"claim": claim, "estimate": ci.mean, "low": ci.low, "high": ci.high,
                     "interval": at_mean, "unit": unit})
    for claim, column, unit in (
            ("national share dissatisfied", "with", "share"),
            ("falling back's cost (with minus without)", "cost", "share"),
            ("falling back's part of the national dissatisfied", "part",
             "share of the dissatisfied")):
        low, high = percentile_interval(prior[column], 0.9)
        rows.append({"claim": claim, "estimate": float(prior[column].median()), "low": low,
                     "high": high, "interval": over, "unit": unit})
    return pd.DataFrame(rows)


def main() -> None:
    args = options(__doc__, "national", extra={
        "--draws": (int, 400, "draws of the mix from its prior"),
        "--population": (Path, ROOT / "scenarios" / "national" / "netherlands.toml",
                         "the population file")})
    population, kinds = load_population(args.population)
    scenarios = {}
    for kind, sc in kinds.items():
        scenarios[kind] = sc
        scenarios[kind + NO_FALLBACK] = sc.with_changes({"fallback.enabled": False})
    batch = run(args, scenarios)
    runs = batch.runs
    rng = np.random.default_rng(args.seed)
    draws = [population.draw_shares(rng) for _ in range(args.draws)]
    prior = over_prior(runs, draws)
    prior = pd.concat([pd.DataFrame(draws), prior], axis=1)
    prior.to_csv(args.out / "prior.csv", index=False)
    table = headline(runs, population.prior_mean_shares(), prior)
    table.to_csv(args.out / "headline.csv", index=False)
    per_kind = pd.concat([paired_differences(
        runs[runs["scenario"].isin([kind, kind + NO_FALLBACK])], OUTCOMES,
        reference=kind + NO_FALLBACK) for kind in kinds], ignore_index=True)
    per_kind.to_csv(args.out / "kinds.csv", index=False)
    shares = population.prior_mean_shares()
    console.print("prior mean mix: " + ", ".join(f"{k} {v:.0%}" for k, v in shares.items()),
                  highlight=False, soft_wrap=True)
    for r in table.itertuples():
        console.print(f"{r.claim}: {r.estimate:.4f} [{r.low:.4f}, {r.high:.4f}] "
                      f"({r.interval})", highlight=False, soft_wrap=True)
    for r in per_kind[per_kind["outcome"] == "share_dissatisfied"].itertuples():
        console.print(f"{r.scenario}: fallback's cost {100 * r.difference:+.1f} pp "
                      f"[{100 * r.ci_low:+.1f}, {100 * r.ci_high:+.1f}]", highlight=False)


if __name__ == "__main__":
    main()

"""The national counterfactual: what share of the nation's dissatisfied initiators falling
back causes, over a population of municipalities (docs/odd.md §7.15).

Every kind of municipality in the population file (scenarios/national/netherlands.toml)
runs with fallback and without, on common random numbers. The national survey weighs each
kind by its share of the municipalities times the members its survey reaches
(:mod:`sim.analysis.national`). The shares are a prior, not a fit: the headline is given
at the prior's mean mix with a 95% CI over replications, and with a 90% interval over
draws of the mix from its prior (``--draws``), which carries the uncertainty about the mix
(the model's other parameters stay at their defaults). With ``--posterior`` a national
calibration's folder (experiments/calibrate.py --population), each replication draws
its parameters and its mix from that posterior instead, the same draw in every kind and
twin, and the intervals are over replications (stochastic and parametric).

Writes headline.csv (claim, estimate, low, high, interval, unit), kinds.csv (each kind's
survey share and fallback's cost in it, paired) and prior.csv (one row per draw of the
mix) or, over a posterior, mix.csv (each replication's mix), beside the batch's run
table.

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
from sim.experiment.calibration import Posterior
from sim.experiment.store import write_artefact
from sim.population import load_population

OUTCOMES = ["share_dissatisfied", "share_satisfied", "success_rate", "survey_members"]


def headline(runs: pd.DataFrame, mix: dict[str, float] | pd.DataFrame,
             prior: pd.DataFrame | None) -> pd.DataFrame:
    """The national figures with ``mix`` (the prior's mean, or a posterior draw per
    replication) with 95% CIs over replications, and over the prior of the mix (90%
    percentile interval of its draws) when ``prior`` is given."""
    with_ = national(runs, mix)
    without = national(runs, mix, suffix=NO_FALLBACK)
    rows = []
    at_mean = ("95% CI over replications, prior mean mix" if prior is not None else
               "95% CI over replications, each with a posterior draw (mix included)")
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
        if prior is None:  # the spread of the answer over the posterior (and the runs)
            low, high = percentile_interval(values, 0.9)
            rows.append({"claim": claim, "estimate": float(values.median()), "low": low,
                         "high": high, "interval": "90% interval over the replications' "
                         "posterior draws (median)", "unit": unit})
    if prior is None:
        return pd.DataFrame(rows)
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
    mix: dict[str, float] | pd.DataFrame = population.prior_mean_shares()
    if args.posterior is not None:  # a national calibration: its mix is drawn with the rest
        posterior = Posterior(args.posterior)
        keys = [k for k in posterior.keys if k.startswith("mix.")]
        if not keys:
            raise SystemExit(f"--posterior {args.posterior}: holds no mix (mix.*); give "
                             "a national calibration (calibrate.py --population)")
        mix = pd.DataFrame([population.shares_from({k: d[k] for k in keys})
                            for d in posterior.draws(args.seed, args.reps)])
        mix.index.name = "replication"
        args.posterior = posterior.without(keys)  # the rest changes the scenarios
    batch = run(args, scenarios)
    runs = batch.runs
    prior = None
    if isinstance(mix, dict):
        rng = np.random.default_rng(args.seed)
        draws = [population.draw_shares(rng) for _ in range(args.draws)]
        prior = pd.concat([pd.DataFrame(draws), over_prior(runs, draws)], axis=1)
        write_artefact(args.out, "prior.csv", prior, "mix_prior")
    else:  # a column per kind, the replication first
        write_artefact(args.out, "mix.csv", mix.reset_index(), "mix_posterior")
    table = headline(runs, mix, prior)
    write_artefact(args.out, "headline.csv", table, "national")
    per_kind = pd.concat([paired_differences(
        runs[runs["scenario"].isin([kind, kind + NO_FALLBACK])], OUTCOMES,
        reference=kind + NO_FALLBACK) for kind in kinds], ignore_index=True)
    write_artefact(args.out, "kinds.csv", per_kind, "national_kinds")
    shares = mix if isinstance(mix, dict) else mix.mean().to_dict()
    console.print(("prior mean mix: " if isinstance(mix, dict) else "posterior mean mix: ")
                  + ", ".join(f"{k} {v:.0%}" for k, v in shares.items()), highlight=False,
                  soft_wrap=True)
    for r in table.itertuples():
        console.print(f"{r.claim}: {r.estimate:.4f} [{r.low:.4f}, {r.high:.4f}] "
                      f"({r.interval})", highlight=False, soft_wrap=True)
    for r in per_kind[per_kind["outcome"] == "share_dissatisfied"].itertuples():
        console.print(f"{r.scenario}: fallback's cost {100 * r.difference:+.1f} pp "
                      f"[{100 * r.ci_low:+.1f}, {100 * r.ci_high:+.1f}]", highlight=False)


if __name__ == "__main__":
    main()

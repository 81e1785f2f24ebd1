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

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from _common import ROOT, console, options, run

from sim.analysis import paired_differences
from sim.analysis.levers import Lever, lever_scenario
from sim.analysis.national import NO_FALLBACK, answers, over_prior, percentile_interval
from sim.experiment.calibration import Posterior
from sim.experiment.store import write_artefact
from sim.model.municipality import fallback_changes
from sim.population import Population, load_population
from sim.report.labels import signed, signed_interval
from sim.report.sections import headline_cells
from sim.scenario import Scenario
from sim.words import EXPERIMENTS, HEADLINE, percent, say, scenario_name

OUTCOMES = ["share_dissatisfied", "share_satisfied", "success_rate", "survey_members"]


def headline(runs: pd.DataFrame, mix: dict[str, float] | pd.DataFrame,
             prior: pd.DataFrame | None) -> pd.DataFrame:
    """The national answers (:func:`sim.analysis.national.answers`: 95% CIs of the mean
    and the 90% spread over replications) and, at the prior's mean mix, the 90% interval
    over the prior of the mix (``prior90``)."""
    table = answers(runs, mix)
    if prior is None:
        return table
    rows = []
    for claim, column, unit in (("national_dissatisfied", "with", "share"),
                                ("fallback_cost_national", "cost", "share"),
                                ("fallback_part_national", "part",
                                 "share of the dissatisfied")):
        low, high = percentile_interval(prior[column], 0.9)
        rows.append({"claim": claim, "estimate": float(prior[column].median()), "low": low,
                     "high": high, "interval": "prior90", "unit": unit})
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)


def run_population(args: argparse.Namespace, population_file: Path,
                   out: Path | None = None, levers: Sequence[Lever] = ()
                   ) -> tuple[Population, dict[str, Scenario], pd.DataFrame,
                              dict[str, float] | pd.DataFrame]:
    """Every kind of the population with and without fallback, on common random numbers
    (into ``out``, default ``args.out``), and the mix: the prior's mean, or one drawn per
    replication from ``args.posterior`` (a national calibration) with the rest of the
    draw applied to the scenarios (``args.posterior`` becomes that rest; ``args.out`` the
    folder written, as :func:`_common.run` may choose one beside the default). With
    ``levers``, every kind that can fall back runs with each lever too, with and without
    fallback, in the same batch (:mod:`sim.analysis.levers`)."""
    population, kinds = load_population(population_file)
    scenarios = {}
    for kind, sc in kinds.items():
        scenarios[kind] = sc
        scenarios[kind + NO_FALLBACK] = sc.with_changes({"fallback.enabled": False})
    for kind in can_fall_back(kinds):
        for lever in levers:
            pulled = kinds[kind].with_changes(dict(lever.changes))
            scenarios[lever_scenario(kind, lever.name)] = pulled
            scenarios[lever_scenario(kind, lever.name) + NO_FALLBACK] = pulled.with_changes(
                {"fallback.enabled": False})
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
    batch = run(args, scenarios, out=out)
    return population, kinds, batch.runs, mix


def can_fall_back(kinds: dict[str, Scenario]) -> list[str]:
    """The kinds in which a fallback changes anything (where a lever against it can act)."""
    return [kind for kind, sc in kinds.items() if fallback_changes(sc)]


def main() -> None:
    args = options(__doc__, "national", extra={
        "--draws": (int, 400, "draws of the mix from its prior"),
        "--population": (Path, ROOT / "scenarios" / "national" / "netherlands.toml",
                         "the population file")})
    population, kinds, runs, mix = run_population(args, args.population)
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
    lang = args.lang
    mixed = ", ".join(f"{scenario_name(k, lang)} {percent(v, lang, 0)}"
                      for k, v in shares.items())
    console.print(say(EXPERIMENTS, "mix_prior" if isinstance(mix, dict) else "mix_posterior",
                      lang, mix=mixed), highlight=False, soft_wrap=True)
    for r in table.itertuples():
        claim, estimate, span, spread = headline_cells(r.claim, r.estimate, r.low, r.high,
                                                       r.interval, lang)
        console.print(say(HEADLINE, "sentence", lang, claim=claim, estimate=estimate,
                          interval=span, kind=spread), highlight=False, soft_wrap=True)
    key = "share_dissatisfied"
    for r in per_kind[per_kind["outcome"] == key].itertuples():
        console.print(say(EXPERIMENTS, "kind_cost", lang, kind=scenario_name(r.scenario, lang),
                          cost=signed(key, r.difference, lang),
                          interval=signed_interval(key, r.ci_low, r.ci_high, lang)),
                      highlight=False, soft_wrap=True)

if __name__ == "__main__":
    main()

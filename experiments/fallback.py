"""Flagship: what does falling back into the directing role cost, and where most?

1. Direction-based work with and without fallback, and directive work, on common random
   numbers (the headline of `make demo`). Fallback's cost is split in two, paired: the
   regime part (roles withdrawn, layers, waits: fallback's cost when initiatives re-form
   their expectations to what they get, ``satisfaction.rebase_expectations``) and the part
   of broken expectations (the rest).
2. The fallback threshold swept: the direction-based municipality with fallback at
   tension 0.6 ... 2.0, each against the same municipality without fallback.
3. Scenario discovery: a Latin hypercube over the threshold, incident rate, election
   pressure, dialogue and feedback; every point runs with and without fallback on the
   same seed; PRIM finds the region where fallback costs most success (the quarter of
   points with the lowest success with fallback minus without).

Every cost is "with minus without": the municipality that does not fall back is the
reference (``REFERENCE``) in the console, differences.csv and the report.

4. The breach against its twins: the members whose partnership a fallback broke, against
   the same initiatives without fallback (fixed parameters, breach.csv).
5. The headline (headline.csv, the report's first section): over the national
   calibration's posterior (calibration/national, when present and a posterior is used)
   every kind of municipality of scenarios/national/netherlands.toml with and without
   fallback (into national/, the same runs as experiments/national.py --posterior
   calibration/national gives): the national share dissatisfied, what falling back
   costs nationally and its part of the nation's dissatisfied, each style against the
   directive municipality; what a breach costs the members it touches (4); and the
   levers against fallback's cost (:data:`sim.analysis.levers.LEVERS`), each run in the
   kinds that can fall back, with and without fallback, in the same national batch,
   ranked by expected protection and by largest regret over the posterior (levers.csv).

Writes results/fallback/ (runs.parquet, series.parquet, manifest.json, summary.csv,
differences.csv, decomposition.csv, threshold.csv, discovery.csv, prim_box.csv,
breach.csv, headline.csv, levers.csv, national/, report.html) and prints the headline with its
intervals.

    python experiments/fallback.py [--reps 30] [--seed 2026] [--lang nl] [--points 120]
                                   [--posterior DIR | none]

The direction-based and the directive municipality are those of the national population
(the shipped scenarios read with the survey's cutpoints). The headline, the batch's pair
and the decomposition run over the national calibration's posterior (calibration/national)
when it is present, so their intervals carry parametric as well as stochastic
uncertainty; the threshold sweep, scenario discovery and the breach twins run
`direction.toml` as shipped, at fixed parameters (as experiments/claims.py). The report
says which kind each shows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from _common import ROOT, console, finish, options, run, scenario
from _twins import breach_sentence, breach_table
from national import can_fall_back, run_population

from sim.analysis import mean_ci, paired_differences
from sim.analysis.levers import LEVERS, lever_claims, lever_costs, lever_ranking
from sim.analysis.national import answers
from sim.experiment.calibration import Posterior
from sim.experiment.exploration import latin_hypercube, parse_ranges, points_to_scenarios, prim_box
from sim.experiment.store import write_artefact
from sim.experiment.warmup import warmup_check
from sim.population import load_population
from sim.report.html import figure_html
from sim.report.labels import label, number, points, signed, signed_interval, value
from sim.report.sections import headline_cells
from sim.scenario import Scenario
from sim.words import HEADLINE, formatted, parameter_name, say, word

OUTCOMES = ["success_rate", "share_dissatisfied", "share_satisfied", "satisfaction",
            "frustration", "dropouts",
            "weeks_to_decision", "handoffs_per_initiative", "fallback_episodes",
            "fallback_weeks", "mean_trust"]
NATIONAL_POSTERIOR = ROOT / "calibration" / "national"
"""The national calibration (calibrate.py --population): the posterior of the headline
and of the flagship's batch, used when present unless ``--posterior none``."""
POPULATION = ROOT / "scenarios" / "national" / "netherlands.toml"
THRESHOLDS = (0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
DISCOVERY = {"fallback.upper": [0.6, 2.0], "aldermen.incident_rate": [0.0, 0.2],
             "aldermen.election_pressure": [0.0, 0.15], "municipality.dialogue": [0.2, 1.0],
             "municipality.feedback": [0.2, 1.0]}


DECOMPOSED = ["success_rate", "share_dissatisfied", "satisfaction"]
REFERENCE = "direction-no-fallback"
"""Every cost is "with minus without": the municipality that does not fall back is the
reference of differences.csv, the report and the console."""


def decomposition(runs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Fallback's cost split into its regime part and its broken-expectations part.

    total = with fallback - without; regime = the same difference when initiatives
    re-form their expectations to what they get (so no promise can break, with fallback
    or without); expectations = total - regime, per replication (paired on common random
    numbers), each with its 95% CI.
    """
    wide = runs.pivot_table(index="replication", columns="scenario",
                            values=DECOMPOSED, aggfunc="first")
    rows = []
    for outcome in DECOMPOSED:
        w = wide[outcome]
        total = w["direction"] - w["direction-no-fallback"]
        regime = w["direction-rebased"] - w["direction-rebased-no-fallback"]
        for part, values in (("total", total), ("regime", regime),
                             ("expectations", total - regime)):
            ci = mean_ci(values)
            rows.append({"part": part, "outcome": outcome, "difference": ci.mean,
                         "ci_low": ci.low, "ci_high": ci.high, "n": len(values)})
    table = pd.DataFrame(rows)
    return table, table.round(4).to_html(index=False)


def threshold_sweep(args, direction) -> tuple[pd.DataFrame, str]:
    scenarios = {"no fallback": direction.with_changes({"fallback.enabled": False})}
    for upper in THRESHOLDS:
        scenarios[f"upper {upper}"] = direction.with_changes(
            {"fallback.upper": upper, "fallback.lower": round(upper * 0.4, 3)})
    batch = run(args, scenarios, out=args.out / "threshold")
    diffs = paired_differences(batch.runs, ["success_rate", "share_dissatisfied"],
                               reference="no fallback")
    diffs["upper"] = diffs["scenario"].str.removeprefix("upper ").astype(float)
    fig = go.Figure()
    for outcome, colour in (("success_rate", "#CC6677"), ("share_dissatisfied", "#117733")):
        part = diffs[diffs["outcome"] == outcome]
        fig.add_trace(go.Scatter(
            x=part["upper"], y=part["difference"], mode="lines+markers",
            name=label(outcome, args.lang), line={"color": colour},
            error_y={"type": "data", "symmetric": False,
                     "array": part["ci_high"] - part["difference"],
                     "arrayminus": part["difference"] - part["ci_low"]}))
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.update_layout(template="plotly_white", height=450, font={"size": 15},
                      xaxis_title="fallback.upper (tension threshold)",
                      yaxis_title="difference against no fallback (95% CI)")
    return diffs, figure_html(fig)


def discovery(args, direction) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    ranges = parse_ranges(DISCOVERY)
    points = latin_hypercube(ranges, args.points, seed=args.seed)
    points["fallback.lower"] = (points["fallback.upper"] * 0.4).round(4)
    with_fb, params = points_to_scenarios(direction, points, "with")
    without = {name.replace("with", "without"): sc.with_changes({"fallback.enabled": False})
               for name, sc in with_fb.items()}
    scenarios = {**with_fb, **without}
    batch = run(args, scenarios, out=args.out / "discovery",
                params={**params, **{k.replace("with", "without"): v
                                     for k, v in params.items()}})
    means = batch.runs.groupby("scenario", sort=False)["success_rate"].mean()
    table = points.copy()
    # with minus without: a negative cost is success lost by falling back
    table["cost"] = (means[list(with_fb)].to_numpy() - means[list(without)].to_numpy())
    hit = table["cost"] <= table["cost"].quantile(0.25)
    box = prim_box(table[list(DISCOVERY)], hit.to_numpy(), threshold=0.8)
    text = box.round(3).to_html(index=False) if not box.empty else "<p>No box found.</p>"
    body = (f"<p>{len(points)} points, each run with and without fallback "
            f"({args.reps} replications, common random numbers). Cost = success rate "
            f"with fallback minus without. PRIM box holding the costliest quarter (the "
            f"lowest costs):</p>{text}")
    return table, box, body


def main() -> None:
    args = options(__doc__, "fallback", extra={
        "--points": (int, 120, "Latin hypercube points for scenario discovery")})
    if args.posterior is None and NATIONAL_POSTERIOR.exists():
        args.posterior = NATIONAL_POSTERIOR
    elif str(args.posterior) == "none":
        args.posterior = None
    given = args.posterior
    direction, directive, args.posterior = flagship_base(args.posterior)
    kind = (f"stochastic and parametric: each replication draws its parameters from the "
            f"posterior in {given}" if given
            else "stochastic only: parameters fixed at the scenario's values")
    scenarios = {
        "direction": direction,
        "direction-no-fallback": direction.with_changes({"fallback.enabled": False}),
        "direction-rebased": direction.with_changes(
            {"satisfaction.rebase_expectations": True}),
        "direction-rebased-no-fallback": direction.with_changes(
            {"satisfaction.rebase_expectations": True, "fallback.enabled": False}),
        "directive": directive,
    }
    batch = run(args, scenarios)
    args.posterior = given  # the headline draws its mix from it as well
    direction = scenario("direction.toml")  # the parts at fixed parameters: as shipped
    parts, _parts_html = decomposition(batch.runs)
    write_artefact(args.out, "decomposition.csv", parts, "decomposition")
    warm = warmup_check(direction, reps=min(args.reps, 10), seed=args.seed,
                        backend=args.backend, workers=args.workers)
    write_artefact(args.out, "warmup.csv", warm.table.assign(reps=warm.reps), "warmup")
    write_artefact(args.out, "warmup_series.csv", warm.series, "warmup_series")
    fixed = type(args)(**{**vars(args), "posterior": None})  # the sweeps set these keys
    diffs, _sweep_html = threshold_sweep(fixed, direction)
    write_artefact(args.out, "threshold.csv", diffs, "threshold_sweep")
    twins = breach_table({"direction": direction}, args.reps, args.seed, args.workers)
    write_artefact(args.out, "breach.csv", twins, "breach")
    headline, ranking = answers_table(args, twins)
    write_artefact(args.out, "headline.csv", headline, "headline")
    disc_args = type(args)(**{**vars(fixed), "reps": max(2, args.reps // 10)})
    table, box, _disc_html = discovery(disc_args, direction)
    write_artefact(args.out, "discovery.csv", table, "discovery")
    write_artefact(args.out, "prim_box.csv", box, "prim_box")
    finish(args, batch, REFERENCE,  # the report reads the tables above from the folder
           {"en": "Direction-based work with and without fallback, and directive work",
            "nl": "Regisserend werken met en zonder terugval, en sturend werken"}, OUTCOMES)
    nl = args.lang == "nl"
    for r in headline.itertuples():
        claim, estimate, span, spread = headline_cells(r.claim, r.estimate, r.low, r.high,
                                                       r.interval, args.lang)
        console.print(f"{claim}: {estimate} {span} ({spread})", highlight=False,
                      soft_wrap=True)
    console.print(("Intervallen: " + (
        f"toeval en parameteronzekerheid (posterior in {args.posterior})" if args.posterior
        else "alleen toeval (vaste parameters)")) if nl else f"Intervals: {kind}")
    for row in parts[parts["outcome"] == "share_dissatisfied"].itertuples():
        part = label(f"part_{row.part}", args.lang).lower()
        console.print(
            (f"Effect van terugvallen op het aandeel ontevreden, {part}: " if nl else
             f"Fallback's cost in share dissatisfied, {part}: ")
            + f"{signed(row.outcome, row.difference, args.lang)} "
            + signed_interval(row.outcome, row.ci_low, row.ci_high, args.lang))
    console.print(("De leden van wie een terugval het partnerschap verbrak (vaste "
                   "parameters), " if nl else
                   "The members whose partnership a fallback broke (fixed parameters), ")
                  + breach_sentence("direction", twins, args.lang), highlight=False)
    if ranking is not None:
        console.print(ranking_sentence(ranking, args.lang), highlight=False, soft_wrap=True)
    worst = diffs[diffs["outcome"] == "success_rate"].sort_values("difference").iloc[0]
    console.print(
        (f"De drempel die het meeste succes kost: {formatted(worst['upper'], 'g', 'nl')}"
         if nl
         else f"The threshold that costs most success: {worst['upper']:g}")
        + f" ({label('success_rate', args.lang).lower()} "
        + f"{signed('success_rate', worst['difference'], args.lang)} "
        + signed_interval("success_rate", worst["ci_low"], worst["ci_high"], args.lang)
        + (" ten opzichte van een gemeente die niet terugvalt)" if nl
           else " against no fallback)"))
    if not box.empty:
        word = " van " if nl else " between "
        limits = ", ".join(f"{parameter_name(r.parameter, args.lang)}{word}"
                           f"{number(r.low, args.lang)}"
                           f"{' tot ' if nl else ' and '}{number(r.high, args.lang)}"
                           for r in box.itertuples())
        cover = value("success_rate", float(box["coverage"].iloc[0]), args.lang)
        dense = value("success_rate", float(box["density"].iloc[0]), args.lang)
        console.print(
            f"Terugvallen kost het meest in dit gebied: {limits}. Dat gebied bevat {cover} "
            f"van het duurste kwart van de punten; van de punten erin hoort {dense} bij dat "
            "kwart."
            if nl else
            f"Fallback costs most where {limits}: that box holds {cover} of the costliest "
            f"quarter of points, and {dense} of the points inside it belong to that quarter.")


def flagship_base(posterior: Path | None) -> tuple[Scenario, Scenario, Posterior | Path | None]:
    """The direction-based and the directive municipality of the flagship's batch, and
    the posterior it draws from. The kinds are those of the national population
    (scenarios/national/netherlands.toml: the shipped scenarios with the survey's
    cutpoints, fixed by the scale's construction), so the batch's pair and its
    decomposition read satisfaction as the headline does. A national calibration (one
    with a mix, ``mix.*``) changes each scenario by the rest of its draw; any other
    posterior is used as it is."""
    _population, kinds = load_population(POPULATION)
    direction, directive = kinds["direction-based"], kinds["directive"]
    if posterior is None:
        return direction, directive, None
    drawn = Posterior(posterior)
    mix = [k for k in drawn.keys if k.startswith("mix.")]
    return direction, directive, drawn.without(mix) if mix else posterior


def ranking_sentence(ranking: pd.DataFrame, lang: str) -> str:
    """Headline (d) in words: the levers by expected protection (each with its 95% CI)
    and by largest regret (each with it)."""
    def named(lever: str) -> str:
        return word(HEADLINE, f"name_{lever}", lang)

    key = "share_dissatisfied"
    expected = ", ".join(
        f"{named(r.lever)} {signed(key, r.protection, lang)} "
        f"{signed_interval(key, r.low, r.high, lang)}"
        for r in ranking.sort_values("rank_expected").itertuples())
    regret = ", ".join(f"{named(r.lever)} {points(key, r.max_regret, lang)}"
                       for r in ranking.sort_values(["rank_regret", "rank_expected"]
                                                    ).itertuples())
    return say(HEADLINE, "ranking", lang, expected=expected, regret=regret)


def answers_table(args: argparse.Namespace, twins: pd.DataFrame
                  ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The headline: the national answers over the national calibration's posterior
    (when it is there and the run uses a posterior), the levers against fallback's cost
    ranked over it (:mod:`sim.analysis.levers`; the ranking is returned too), and what a
    breach costs the members it touches (from the twins, fixed parameters; 95% CI over
    the runs where a fallback broke something)."""
    tables = []
    ranking = None
    if args.posterior is not None and NATIONAL_POSTERIOR.exists():
        nat = argparse.Namespace(**{**vars(args), "posterior": NATIONAL_POSTERIOR,
                                    "out": args.out / "national", "out_given": False})
        _population, kinds, runs, mix = run_population(nat, POPULATION, levers=LEVERS)
        tables.append(answers(runs, mix))
        ranking = lever_ranking(lever_costs(runs, mix, [lever.name for lever in LEVERS],
                                            can_fall_back(kinds)))
        write_artefact(args.out, "levers.csv", ranking, "levers")
    touched = twins[twins["members"] > 0]
    if len(touched) > 1:
        ci = mean_ci(touched["dissatisfied_with"] - touched["dissatisfied_without"])
        tables.append(pd.DataFrame([{"claim": "breach_members", "estimate": ci.mean,
                                     "low": ci.low, "high": ci.high, "interval": "ci95",
                                     "unit": "share"}]))
    if ranking is not None:
        tables.append(lever_claims(ranking))
    return (pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=["claim", "estimate", "low", "high", "interval", "unit"])), ranking


if __name__ == "__main__":
    main()

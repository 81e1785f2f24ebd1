"""Calibration of the typical municipality against the Nationale ombudsman's survey.

The survey (2018) asked members of citizen initiatives about their contacts with
government: 33% (very) satisfied, 44% (very) dissatisfied (004 quotes the 44%). The
model's counterpart is its survey at the end of a run (docs/odd.md, "Observation").

**The calibration (default): ABC-SMC** over the uncertain parameters of
``experiments/priors.toml`` (the satisfaction scale, the burden of waiting, tension and
the fallback threshold) on scenarios/typical.toml, with the two survey figures as
calibrating patterns and the held-back patterns checked on the posterior
(``regiesim calibrate`` does the same from the command line). The posterior goes to
``--out`` (results/calibration); experiments draw from it with ``--posterior``.

**The first fit of the defaults (``--first-fit``)**: satisfaction does not depend on the
two thresholds that classify it, so on the typical municipality the thresholds follow
exactly as members-weighted quantiles of satisfaction pooled over the fitting
replications (``dissatisfied_below`` at the 44th percentile, ``satisfied_above`` at the
67th); the fit is then checked on fresh seeds with 95% CIs. Two figures fix two
thresholds: the defaults in sim/scenario.py come from this, and it is not a test.

    python experiments/calibrate.py [--populations 5] [--particles 100] [--reps 2]
    python experiments/calibrate.py --first-fit [--reps 40] [--check 30]
    python experiments/calibrate.py --population scenarios/national/netherlands.toml
    python experiments/calibrate.py ... --lang nl     # report.html and the last line in Dutch

**The national calibration (``--population``)** fits a population of municipalities
(:mod:`sim.population`) to the same survey, read as the survey was taken: every kind
runs on the same seeds, and the survey's shares weigh each kind by its share of the
municipalities times the members its survey reaches. The mix's shares are calibrated
with the priors of ``experiments/priors-national.toml``; the survey's cutpoints are the
population file's, fixed by the scale's construction.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from sim import simulate
from sim.analysis import mean_ci
from sim.analysis.stats import weighted_quantile
from sim.experiment import run_batch
from sim.experiment.calibration import (
    KERNELS,
    PARAMETERS,
    POSTERIOR,
    PPC_REPS,
    calibrate,
    read_priors,
    recheck,
)
from sim.experiment.national import PopulationTarget
from sim.experiment.store import write_artefact
from sim.model.ledger import recall_start, survey_asked
from sim.population import load_population
from sim.report.calibration import write_calibration_report
from sim.scenario import Scenario
from sim.scenario_files import load_scenario, parse_assignment
from sim.words import CALIBRATION, say

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"share_dissatisfied": 0.44, "share_satisfied": 0.33}


def surveyed(scenario: Scenario, reps: int, seed: int) -> pd.DataFrame:
    """Satisfaction and members of everyone the survey asks, pooled over replications."""
    frames = []
    since = recall_start(scenario)
    for k in range(reps):
        df = simulate(scenario, seed + k).initiatives
        asked = survey_asked(df["exit_week"].to_numpy(float), df["contact"].to_numpy(bool),
                             since)
        frames.append(df.loc[asked, ["satisfaction", "members"]])
    return pd.concat(frames, ignore_index=True)


def first_fit(args: argparse.Namespace, scenario: Scenario) -> None:
    """The thresholds as weighted quantiles, checked on fresh seeds."""
    pool = surveyed(scenario, args.reps, args.seed)
    values, weights = pool["satisfaction"].to_numpy(), pool["members"].to_numpy(float)
    fitted = {
        "satisfaction.dissatisfied_below": round(weighted_quantile(
            values, weights, TARGETS["share_dissatisfied"]), 3),
        "satisfaction.satisfied_above": round(weighted_quantile(
            values, weights, 1.0 - TARGETS["share_satisfied"]), 3),
    }
    check = run_batch({"typical": scenario.with_changes(fitted)}, reps=args.check,
                      seed=args.seed + 10_000).runs
    result = {"fitted": fitted, "fit_replications": args.reps, "members_pooled": float(
        weights.sum()), "check_replications": args.check, "check": {}}
    for outcome, target in TARGETS.items():
        ci = mean_ci(check[outcome])
        result["check"][outcome] = {"target": target, "mean": ci.mean, "ci_low": ci.low,
                                    "ci_high": ci.high}
        print(f"{outcome}: {ci} on fresh seeds (target {target})")
    write_artefact(args.out, "first_fit.json", json.dumps(result, indent=2), "first_fit")
    print("fitted " + ", ".join(f"{k} = {v}" for k, v in fitted.items())
          + f" (written to {args.out / 'first_fit.json'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-fit", action="store_true",
                        help="fit the two thresholds of the defaults instead of ABC-SMC")
    parser.add_argument("--reps", type=int, default=None,
                        help="replications per particle (ABC, default 2) or to fit on "
                             "(--first-fit, default 40)")
    parser.add_argument("--check", type=int, default=30,
                        help="--first-fit: fresh replications to check the fit on")
    parser.add_argument("--populations", type=int, default=5, help="ABC populations")
    parser.add_argument("--particles", type=int, default=100, help="ABC particles")
    parser.add_argument("--draws", type=int, default=40, help="posterior predictive draws")
    parser.add_argument("--kernel", choices=KERNELS, default="normal",
                        help="ABC proposal: one normal over the population, or local "
                             "normals per particle; or rejection ABC")
    parser.add_argument("--accept", type=float, default=0.05,
                        help="--kernel rejection: share of the draws from the prior kept "
                             "(--particles of --particles / --accept draws)")
    parser.add_argument("--priors", type=Path, default=None,
                        help="uniform priors (default experiments/priors.toml, or "
                             "experiments/priors-national.toml with --population)")
    parser.add_argument("--population", type=Path, default=None,
                        help="calibrate a population of municipalities against the "
                             "national survey (e.g. scenarios/national/netherlands.toml): "
                             "its mix is calibrated too")
    parser.add_argument("--recheck", action="store_true",
                        help="check the posterior stored in --out again against every "
                             "pattern (held-back ones added since included), on the same "
                             "particles and seeds (--draws of them, 3 runs each)")
    parser.add_argument("--backend", choices=["serial", "process", "dask"],
                        default="process")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lang", choices=["en", "nl"], default="en",
                        help="language of report.html and of the closing line (nl: Dutch)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "calibration")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help="change the scenario, e.g. --set run.horizon_weeks=52")
    args = parser.parse_args()
    changes = dict(parse_assignment(text) for text in args.sets)
    if args.population is not None:
        if args.first_fit:
            parser.error("--first-fit fits the typical municipality's thresholds; a "
                         "population's cutpoints are fixed by its file")
        population, kinds = load_population(args.population)
        target: Scenario | PopulationTarget = PopulationTarget(
            population, {k: sc.with_changes(changes) for k, sc in kinds.items()})
        priors_file = args.priors or ROOT / "experiments" / "priors-national.toml"
    else:
        target = load_scenario(ROOT / "scenarios" / "typical.toml", changes)
        priors_file = args.priors or ROOT / "experiments" / "priors.toml"
    if args.first_fit:
        assert isinstance(target, Scenario)
        scenario = target
        args.reps = args.reps or 40
        first_fit(args, scenario)
        return
    if args.recheck:
        checks = recheck(args.out, target, args.draws, PPC_REPS)
        print(checks.drop(columns="source").round(4).to_string(index=False))
        return
    started = time.perf_counter()
    result = calibrate(target, read_priors(priors_file), args.out,
                       populations=args.populations, particles=args.particles,
                       reps=args.reps or 2, seed=args.seed, backend=args.backend,
                       workers=args.workers, ppc_draws=args.draws, kernel=args.kernel,
                       accept=args.accept, lang=args.lang)
    report = write_calibration_report(result, args.lang)
    if args.lang == "nl":  # the parameters, in Dutch, are in the report
        print(say(CALIBRATION, "done", "nl", posterior=args.out / POSTERIOR, report=report,
                  simulations=result.manifest["simulations"]))
        return
    print(pd.read_csv(args.out / PARAMETERS).round(4).to_string(index=False))
    method = "rejection ABC" if args.kernel == "rejection" else "ABC-SMC"
    print(f"{method}: {result.manifest['simulations']} simulations in "
          f"{time.perf_counter() - started:.0f} s; posterior in {args.out}")


if __name__ == "__main__":
    main()

"""Robustness of the main claim: what fallback costs, across its threshold and the tension
it meets, and where it costs most.

1. A map: the fallback threshold (``fallback.upper``) against the political incident rate
   (``aldermen.incident_rate``, the main source of tension). In every cell the
   direction-based municipality runs with and without fallback on common random numbers;
   the cell shows fallback's cost in success rate and in share dissatisfied, with 95% CIs
   (robustness.csv, two heat maps).
2. Scenario discovery: a Latin hypercube over the threshold and the tension parameters;
   every point with and without fallback; PRIM finds the region holding the worst quarter
   of costs (discovery.csv: each point and its cost in success rate, with fallback minus
   without, so the costliest points have the lowest values; prim_box.csv).

With ``--posterior DIR`` (a calibration folder) every replication draws its uncertain
parameters from the posterior (the same draw with and without fallback), so each interval
carries parametric as well as stochastic uncertainty; the report says which it shows.

    python experiments/robustness.py [--reps 20] [--points 60] [--posterior DIR] [--lang nl]
"""

from __future__ import annotations

import pandas as pd
from _common import console, finish, options, run, scenario

from sim.analysis import paired_differences
from sim.experiment.calibration import Posterior
from sim.experiment.exploration import latin_hypercube, parse_ranges, prim_box
from sim.experiment.store import write_artefact
from sim.report.labels import label, signed

OUTCOMES = ["success_rate", "share_dissatisfied"]
UPPERS = (0.6, 0.9, 1.2, 1.6, 2.0)
INCIDENTS = (0.02, 0.06, 0.1, 0.15)
DISCOVERY = {"fallback.upper": [0.6, 2.0], "aldermen.incident_rate": [0.0, 0.2],
             "aldermen.incident_tension": [0.3, 1.2], "tension.release_rate": [0.08, 0.25]}


def arms(point: dict) -> tuple[str, str]:
    """The stored names of a cell's two arms, with and without fallback, named as sweep
    variants are (``direction[fallback.upper=0.6,aldermen.incident_rate=0.02]`` and
    ``direction-no-fallback[...]``), so that the console and the report show them in the
    reader's language."""
    values = ",".join(f"{k}={v}" for k, v in point.items())
    return f"direction[{values}]", f"direction-no-fallback[{values}]"


def _pairs(base, cells: dict[str, dict]) -> dict:
    """Each cell with and without fallback (hysteresis kept at 40% of the threshold)."""
    scenarios = {}
    for point in cells.values():
        with_name, without_name = arms(point)
        point = {**point, "fallback.lower": round(point["fallback.upper"] * 0.4, 4)}
        with_fb = base.with_changes(point)
        scenarios[with_name] = with_fb
        scenarios[without_name] = with_fb.with_changes({"fallback.enabled": False})
    return scenarios


def cost(runs: pd.DataFrame, cells: dict[str, dict]) -> pd.DataFrame:
    """Fallback's cost per cell: paired differences (with minus without), 95% CIs."""
    rows = []
    for name, point in cells.items():
        pair = arms(point)
        part = runs[runs["scenario"].isin(pair)]
        d = paired_differences(part, OUTCOMES, reference=pair[1])
        for r in d.itertuples():
            rows.append({**point, "cell": name, "outcome": r.outcome,
                         "difference": r.difference, "ci_low": r.ci_low,
                         "ci_high": r.ci_high})
    return pd.DataFrame(rows)


def main() -> None:
    args = options(__doc__, "robustness", reps=20, extra={
        "--points": (int, 60, "Latin hypercube points for scenario discovery")})
    if args.posterior is not None:  # the map and the discovery set these keys themselves
        args.posterior = Posterior(args.posterior).without(
            ["fallback.upper", "fallback.lower", *DISCOVERY])
    base = scenario("direction.toml")
    grid = {f"upper {u}, incidents {r}": {"fallback.upper": u, "aldermen.incident_rate": r}
            for u in UPPERS for r in INCIDENTS}
    batch = run(args, _pairs(base, grid))
    table = cost(batch.runs, grid)
    write_artefact(args.out, "robustness.csv", table, "robustness")

    points = latin_hypercube(parse_ranges(DISCOVERY), args.points, seed=args.seed)
    cells = {f"point {i}": dict(p) for i, p in enumerate(points.to_dict("records"))}
    found = run(args, _pairs(base, cells), out=args.out / "discovery")
    spread = cost(found.runs, cells)
    success = spread[spread["outcome"] == "success_rate"].set_index("cell")["difference"]
    success = success.reindex(list(cells))
    # with minus without: the costliest quarter has the lowest success differences
    write_artefact(args.out, "discovery.csv", points.assign(cost=success.to_numpy()),
                   "discovery")
    worst = (success <= success.quantile(0.25)).to_numpy()
    box = prim_box(points[list(DISCOVERY)], worst, threshold=0.8)
    write_artefact(args.out, "prim_box.csv", box, "prim_box")

    kind = ("stochastic and parametric (posterior of " + str(args.posterior) + ")"
            if args.posterior else "stochastic only (fixed parameters)")
    finish(args, batch, arms(next(iter(grid.values())))[1],  # the report reads the CSVs
           {"en": "Robustness of fallback's cost",
            "nl": "Hoe robuust de kosten van terugvallen zijn"}, OUTCOMES)
    kind_nl = (f"toeval en parameteronzekerheid (posterior in {args.posterior})"
               if args.posterior else "alleen toeval (vaste parameters)")
    for outcome in OUTCOMES:
        part = table[table["outcome"] == outcome]
        low, high = part["difference"].min(), part["difference"].max()
        console.print(
            f"Wat terugvallen kost in {label(outcome, 'nl').lower()} loopt over de kaart van "
            f"{signed(outcome, low, 'nl')} tot {signed(outcome, high, 'nl')} "
            f"(intervallen: {kind_nl})" if args.lang == "nl" else
            f"Fallback's cost in {outcome} ranges over the map from {low:+.3f} to "
            f"{high:+.3f} (intervals: {kind})")


if __name__ == "__main__":
    main()

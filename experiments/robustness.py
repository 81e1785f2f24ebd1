"""Robustness of the main claim: what fallback costs, across its threshold and the tension
it meets, and where it costs most.

1. A map: the fallback threshold (``fallback.upper``) against the political incident rate
   (``aldermen.incident_rate``, the main source of tension). In every cell the
   direction-based municipality runs with and without fallback on common random numbers;
   the cell shows fallback's cost in success rate and in share dissatisfied, with 95% CIs
   (robustness.csv, two heat maps).
2. Scenario discovery: a Latin hypercube over the threshold and the tension parameters;
   every point with and without fallback; PRIM finds the region holding the worst quarter
   of costs (robustness_points.csv, robustness_prim.csv).

With ``--posterior DIR`` (a calibration folder) every replication draws its uncertain
parameters from the posterior (the same draw with and without fallback), so each interval
carries parametric as well as stochastic uncertainty; the report says which it shows.

    python experiments/robustness.py [--reps 20] [--points 60] [--posterior DIR] [--lang nl]
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from _common import console, finish, options, run, scenario
from plotly.subplots import make_subplots

from sim.analysis import paired_differences
from sim.experiment.exploration import latin_hypercube, parse_ranges, prim_box
from sim.report.html import figure_html
from sim.report.labels import label

OUTCOMES = ["success_rate", "share_dissatisfied"]
UPPERS = (0.6, 0.9, 1.2, 1.6, 2.0)
INCIDENTS = (0.02, 0.06, 0.1, 0.15)
DISCOVERY = {"fallback.upper": [0.6, 2.0], "aldermen.incident_rate": [0.0, 0.2],
             "aldermen.incident_tension": [0.3, 1.2], "tension.release_rate": [0.08, 0.25]}


def _pairs(base, cells: dict[str, dict]) -> dict:
    """Each cell with and without fallback (hysteresis kept at 40% of the threshold)."""
    scenarios = {}
    for name, point in cells.items():
        point = {**point, "fallback.lower": round(point["fallback.upper"] * 0.4, 4)}
        with_fb = base.with_changes(point)
        scenarios[f"{name} with"] = with_fb
        scenarios[f"{name} without"] = with_fb.with_changes({"fallback.enabled": False})
    return scenarios


def cost(runs: pd.DataFrame, cells: dict[str, dict]) -> pd.DataFrame:
    """Fallback's cost per cell: paired differences (with minus without), 95% CIs."""
    rows = []
    for name, point in cells.items():
        part = runs[runs["scenario"].isin([f"{name} with", f"{name} without"])]
        d = paired_differences(part, OUTCOMES, reference=f"{name} without")
        for r in d.itertuples():
            rows.append({**point, "cell": name, "outcome": r.outcome,
                         "difference": r.difference, "ci_low": r.ci_low,
                         "ci_high": r.ci_high})
    return pd.DataFrame(rows)


def heat_maps(table: pd.DataFrame, lang: str) -> str:
    fig = make_subplots(rows=1, cols=len(OUTCOMES),
                        subplot_titles=[label(o, lang) for o in OUTCOMES])
    for j, outcome in enumerate(OUTCOMES, start=1):
        part = table[table["outcome"] == outcome].pivot_table(
            index="aldermen.incident_rate", columns="fallback.upper", values="difference")
        ci = table[table["outcome"] == outcome].assign(
            text=lambda t: t.apply(lambda r: f"{r.difference:+.3f}<br>[{r.ci_low:+.3f}, "
                                   f"{r.ci_high:+.3f}]", axis=1)).pivot_table(
            index="aldermen.incident_rate", columns="fallback.upper", values="text",
            aggfunc="first")
        fig.add_trace(go.Heatmap(z=part.to_numpy(), x=[str(c) for c in part.columns],
                                 y=[str(i) for i in part.index], text=ci.to_numpy(),
                                 texttemplate="%{text}", colorscale="RdBu",
                                 reversescale=outcome == "share_dissatisfied", zmid=0,
                                 showscale=False), row=1, col=j)
        fig.update_xaxes(title_text="fallback.upper", row=1, col=j)
        fig.update_yaxes(title_text="aldermen.incident_rate", row=1, col=j)
    fig.update_layout(template="plotly_white", height=520, font={"size": 14})
    return figure_html(fig)


def main() -> None:
    args = options(__doc__, "robustness", reps=20, extra={
        "--points": (int, 60, "Latin hypercube points for scenario discovery")})
    base = scenario("direction.toml")
    grid = {f"upper {u}, incidents {r}": {"fallback.upper": u, "aldermen.incident_rate": r}
            for u in UPPERS for r in INCIDENTS}
    batch = run(args, _pairs(base, grid))
    table = cost(batch.runs, grid)
    table.to_csv(args.out / "robustness.csv", index=False)

    points = latin_hypercube(parse_ranges(DISCOVERY), args.points, seed=args.seed)
    cells = {f"point {i}": dict(p) for i, p in enumerate(points.to_dict("records"))}
    found = run(args, _pairs(base, cells), out=args.out / "discovery")
    spread = cost(found.runs, cells)
    spread.to_csv(args.out / "robustness_points.csv", index=False)
    success = spread[spread["outcome"] == "success_rate"].set_index("cell")["difference"]
    worst = (success <= success.quantile(0.25)).reindex(list(cells)).to_numpy()
    box = prim_box(points[list(DISCOVERY)], worst, threshold=0.8)
    box.to_csv(args.out / "robustness_prim.csv", index=False)

    kind = ("stochastic and parametric (posterior of " + str(args.posterior) + ")"
            if args.posterior else "stochastic only (fixed parameters)")
    prim_html = box.round(3).to_html(index=False) if not box.empty else "<p>No box found.</p>"
    finish(args, batch, next(iter(batch.runs["scenario"])), "Robustness of fallback's cost",
           OUTCOMES, extra=[
               (f"Fallback's cost across threshold and incidents (95% CI: {kind})",
                heat_maps(table, args.lang)),
               ("Where fallback costs most (PRIM, worst quarter of success)", prim_html)])
    for outcome in OUTCOMES:
        part = table[table["outcome"] == outcome]
        low, high = part["difference"].min(), part["difference"].max()
        console.print(f"Fallback's cost in {outcome} ranges over the map from {low:+.3f} to "
                      f"{high:+.3f} (intervals: {kind})")


if __name__ == "__main__":
    main()

"""The four conditions: which matter most for success and frustration? (Sobol)

Sobol sensitivity indices (SALib, Saltelli design, 95% bootstrap CIs) of success rate,
share dissatisfied and frustration to the four conditions (clear frames, clear process,
dialogue, feedback), the regisseur corps size and the managers' inward share, around
the typical municipality. Writes results/conditions/ (samples.csv, sobol.csv,
report.html).

    python experiments/conditions.py [--samples 64] [--reps 2]
"""

from __future__ import annotations

import plotly.graph_objects as go
from _common import changes, console, options, scenario
from plotly.subplots import make_subplots

from sim.experiment.exploration import parse_ranges
from sim.experiment.sensitivity import run_sensitivity
from sim.files import atomic_write
from sim.report.html import figure_html, page
from sim.report.labels import label
from sim.report.sensitivity import indices_table
from sim.words import parameter_name, plotly_separators

RANGES = {
    "municipality.clear_frames": [0.0, 1.0],
    "municipality.clear_process": [0.0, 1.0],
    "municipality.dialogue": [0.0, 1.0],
    "municipality.feedback": [0.0, 1.0],
    "regisseurs.corps_size": [0, 8],
    "middle_managers.inward_share": [0.1, 0.8],
}
OUTCOMES = ["success_rate", "share_dissatisfied", "frustration"]


def main() -> None:
    args = options(__doc__, "conditions", reps=2, extra={
        "--samples": (int, 64, "Saltelli base size N (N * (D + 2) points)")})
    nl = args.lang == "nl"
    console.print(f"Sobol-opzet, basisgrootte {args.samples}, {args.reps} replicaties per punt"
                  if nl else
                  f"Sobol design, base size {args.samples}, {args.reps} replications per point")
    base = scenario("typical.toml", **changes(args))
    result = run_sensitivity(base, parse_ranges(RANGES), args.samples,
                             args.out, method="sobol", reps=args.reps,
                             seed=args.seed, outcomes=OUTCOMES, progress=True, lang=args.lang,
                             backend=args.backend, workers=args.workers)
    idx = result.indices
    fig = make_subplots(rows=1, cols=len(OUTCOMES),
                        subplot_titles=[label(o, args.lang) for o in OUTCOMES])
    for k, outcome in enumerate(OUTCOMES, start=1):
        part = idx[idx["outcome"] == outcome]
        for column, colour in (("S1", "#88CCEE"), ("ST", "#CC6677")):
            fig.add_trace(go.Bar(x=[parameter_name(p, args.lang) for p in part["parameter"]],
                                 y=part[column], name=column,
                                 marker_color=colour, showlegend=k == 1,
                                 error_y={"type": "data", "array": part[f"{column}_conf"]}),
                          row=1, col=k)
    fig.update_layout(barmode="group", height=520, template="plotly_white", font={"size": 14},
                      separators=plotly_separators(args.lang))
    intro = (f"<p>Sobol-indices (eerste orde S1, totaal ST) met 95%-bootstrapintervallen; "
             f"{len(result.samples)} steekproefpunten × {args.reps} replicaties.</p>" if nl else
             f"<p>Sobol indices (first order S1, total ST) with 95% bootstrap intervals; "
             f"{len(result.samples)} sample points x {args.reps} replications.</p>")
    html = page("Hoe gevoelig de uitkomsten zijn voor de vier voorwaarden" if nl else
                "Sensitivity of outcomes to the four conditions", [intro,
        figure_html(fig), indices_table(idx, args.lang)], args.lang)
    atomic_write(args.out / "report.html", html)  # a page: a view of the tables, not listed
    for outcome in OUTCOMES:
        part = idx[idx["outcome"] == outcome].sort_values("ST", ascending=False)
        top = part.iloc[0]
        st = f"ST {top['ST']:.2f} [{top['ST_low']:.2f}, {top['ST_high']:.2f}]"
        console.print(f"{label(outcome, 'nl')}: de meeste invloed heeft "
                      f"{parameter_name(top['parameter'], 'nl')} "
                      f"({st.replace(', ', '; ').replace('.', ',')})" if nl else
                      f"{label(outcome, 'en')}: most influential {top['parameter']} ({st})")
    console.print(f"{'Resultaten' if nl else 'Results'} in {args.out}: samples.csv, sobol.csv, "
                  "report.html")


if __name__ == "__main__":
    main()

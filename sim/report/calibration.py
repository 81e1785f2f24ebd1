"""The page of an ABC-SMC calibration folder: the weighted posterior, the posterior
predictive checks against every pattern and the populations
(:mod:`sim.experiment.calibration` computes them)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.experiment.calibration import (
    Calibration,
    effective_sample_size,
    load_calibration,
    posterior_summary,
)
from sim.files import atomic_write
from sim.report.html import figure_html, page

PPC = "ppc.parquet"
REPORT = "report.html"


def write_calibration_report(calibration: Calibration | str | Path) -> Path:
    """``report.html`` in the calibration's folder (a :class:`Calibration` or its folder)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    cal = (calibration if isinstance(calibration, Calibration)
           else load_calibration(calibration))
    posterior, populations, checks = cal.posterior, cal.populations, cal.checks
    ppc = pd.read_parquet(cal.folder / PPC)
    keys = [c for c in posterior.columns if c != "weight"]
    fig = make_subplots(rows=1, cols=len(checks), subplot_titles=list(checks["pattern"]))
    for j, row in enumerate(checks.itertuples(), start=1):
        fig.add_trace(go.Box(y=ppc[row.outcome], name=row.outcome, boxpoints="all",
                             showlegend=False), row=1, col=j)
        fig.add_hline(y=row.target, line_dash="dash", row=1, col=j)
    fig.update_layout(template="plotly_white", height=420, font={"size": 14})
    post = make_subplots(rows=1, cols=len(keys), subplot_titles=keys)
    for j, key in enumerate(keys, start=1):
        post.add_trace(go.Histogram(x=posterior[key], histfunc="sum", y=posterior["weight"],
                                    showlegend=False), row=1, col=j)
    post.update_layout(template="plotly_white", height=360, font={"size": 13})
    summary = posterior_summary(posterior)
    ess = effective_sample_size(posterior)
    parts = ["<h2>Posterior (last population, weighted)</h2>",
             f"<p>{len(posterior)} particles; effective sample size {ess:.1f} (Kish). "
             "The quantiles rest on about that many distinct parameter sets.</p>",
             summary.round(4).to_html(index=False), figure_html(post),
             "<h2>Posterior predictive checks</h2>",
             checks.drop(columns="source").round(4).to_html(index=False), figure_html(fig),
             "<h2>Populations</h2>",
             populations.round({"epsilon": 4, "wall_time": 2}).to_html(index=False)]
    return atomic_write(cal.folder / REPORT, page("ABC-SMC calibration", parts))

"""The page of a sensitivity analysis: Morris's μ* against σ, or Sobol's S1 and ST bars,
with the replication noise and the indices (:mod:`sim.experiment.sensitivity` computes
them)."""

from __future__ import annotations

from html import escape as html_escape
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.sensitivity import Design
from sim.files import atomic_write
from sim.report.html import figure_html, page


def sensitivity_figure(indices: pd.DataFrame, method: str, outcomes: list[str],
                       top: int = 15) -> Any:
    """Morris: μ* against σ per outcome (μ* with its 95% CI); Sobol: S1 and ST bars."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    outcomes = [o for o in outcomes if o in set(indices.get("outcome", []))]
    fig = make_subplots(rows=len(outcomes) or 1, cols=1, subplot_titles=outcomes,
                        vertical_spacing=0.12)
    for i, o in enumerate(outcomes, start=1):
        part = indices[indices["outcome"] == o]
        if method == "morris":
            part = part.sort_values("mu_star", ascending=False)
            labels = [p if k < 8 else "" for k, p in enumerate(part["parameter"])]
            fig.add_trace(go.Scatter(
                x=part["mu_star"], y=part["sigma"], mode="markers+text", text=labels,
                textposition="top center", hovertext=part["parameter"], showlegend=False,
                # μ* is a mean of absolute effects: its interval stops at 0
                error_x={"type": "data", "symmetric": False, "array": part["mu_star_conf"],
                         "arrayminus": part[["mu_star", "mu_star_conf"]].min(axis=1)},
                marker={"color": "#332288"}), row=i, col=1)
            fig.update_xaxes(title_text="μ* (mean |elementary effect| per range)", row=i,
                             col=1)
            fig.update_yaxes(title_text="σ", row=i, col=1)
        else:
            part = part.sort_values("ST", ascending=False).head(top)
            for column, colour in (("S1", "#88CCEE"), ("ST", "#CC6677")):
                fig.add_trace(go.Bar(x=part["parameter"], y=part[column], name=column,
                                     marker_color=colour, showlegend=i == 1,
                                     error_y={"type": "data", "array": part[f"{column}_conf"]}),
                              row=i, col=1)
    fig.update_layout(template="plotly_white", barmode="group",
                      height=420 * max(1, len(outcomes)))
    return fig


def write_sensitivity_page(out: Path, method: str, indices: pd.DataFrame, design: Design,
                           outcomes: list[str], note: str) -> Path:
    """``out/<method>.html``: the figure, the noise shares and the indices."""
    title = ("Morris screening" if method == "morris" else "Sobol indices")
    noise = design.noise[design.noise["outcome"].isin(outcomes)]
    shown = indices[indices["outcome"].isin(outcomes)] if not indices.empty else indices
    parts = [f"<p>{html_escape(note)}</p>", figure_html(sensitivity_figure(indices, method,
                                                                          outcomes)),
             "<h2>Replication noise</h2><p>noise_share: the replication variance of a "
             "point mean over the variance of the point means across the design.</p>",
             noise.round(4).to_html(index=False), "<h2>Indices</h2>",
             shown.round(4).to_html(index=False)]
    return atomic_write(out / f"{method}.html", page(title, parts))

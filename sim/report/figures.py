"""Plotly figures of a batch: outcomes with CIs, paired differences, weekly series."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from sim.report.labels import label

PALETTE = qualitative.Safe


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def outcome_bars(summary: pd.DataFrame, outcomes: list[str], lang: str) -> go.Figure:
    """One panel per outcome: a bar per scenario with its 95% CI as error bar."""
    cols = 3
    rows = math.ceil(len(outcomes) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[label(o, lang) for o in outcomes],
                        vertical_spacing=0.12)
    scenarios = list(dict.fromkeys(summary["scenario"]))
    for k, outcome in enumerate(outcomes):
        part = summary[summary["outcome"] == outcome].set_index("scenario").loc[scenarios]
        fig.add_trace(go.Bar(
            x=scenarios, y=part["mean"],
            error_y={"type": "data", "symmetric": False,
                     "array": part["ci_high"] - part["mean"],
                     "arrayminus": part["mean"] - part["ci_low"]},
            marker_color=[_colour(i) for i in range(len(scenarios))], showlegend=False,
            hovertemplate="%{x}: %{y:.3g}<extra></extra>"),
            row=k // cols + 1, col=k % cols + 1)
    fig.update_layout(height=300 * rows, margin={"t": 60, "b": 30}, template="plotly_white",
                      font={"size": 15})
    return fig


def difference_plot(diffs: pd.DataFrame, lang: str) -> go.Figure:
    """Forest plot: paired difference and its 95% CI, per outcome and scenario."""
    outcomes = list(dict.fromkeys(diffs["outcome"]))
    fig = make_subplots(rows=len(outcomes), cols=1, subplot_titles=[label(o, lang)
                                                                     for o in outcomes],
                        vertical_spacing=0.25 / max(len(outcomes), 1) + 0.02)
    for k, outcome in enumerate(outcomes):
        part = diffs[diffs["outcome"] == outcome]
        fig.add_trace(go.Scatter(
            x=part["difference"], y=part["scenario"], mode="markers",
            marker={"size": 12, "color": [_colour(i + 1) for i in range(len(part))]},
            error_x={"type": "data", "symmetric": False,
                     "array": part["ci_high"] - part["difference"],
                     "arrayminus": part["difference"] - part["ci_low"]},
            showlegend=False, hovertemplate="%{y}: %{x:.3g}<extra></extra>"),
            row=k + 1, col=1)
        fig.add_vline(x=0, line_dash="dot", line_color="grey", row=k + 1, col=1)
    fig.update_layout(height=130 * len(outcomes) + 80, template="plotly_white",
                      margin={"t": 50, "b": 30}, font={"size": 15})
    return fig


def series_plot(series: pd.DataFrame, lang: str) -> go.Figure:
    """Weekly trust and tension, mean over replications; fallback share shaded."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True,
                        subplot_titles=[label("trust", lang), label("tension", lang)],
                        specs=[[{}], [{"secondary_y": True}]])
    means = series.groupby(["scenario", "week"], sort=False)[
        ["trust", "tension", "fallback"]].mean().reset_index()
    for i, (name, part) in enumerate(means.groupby("scenario", sort=False)):
        colour = _colour(i)
        fig.add_trace(go.Scatter(x=part["week"], y=part["trust"], name=str(name),
                                 line={"color": colour}, legendgroup=str(name)), row=1, col=1)
        fig.add_trace(go.Scatter(x=part["week"], y=part["tension"], name=str(name),
                                 line={"color": colour}, legendgroup=str(name),
                                 showlegend=False), row=2, col=1)
        if part["fallback"].any():
            fig.add_trace(go.Scatter(x=part["week"], y=part["fallback"], fill="tozeroy",
                                     mode="none", fillcolor=_rgba(colour, 0.18),
                                     name=f"{name}: {label('fallback', lang)}",
                                     legendgroup=str(name)),
                          row=2, col=1, secondary_y=True)
    fig.update_yaxes(range=[0, 1], row=2, col=1, secondary_y=True,
                     title_text=label("fallback", lang))
    fig.update_xaxes(title_text=label("week", lang), row=2, col=1)
    fig.update_layout(height=650, template="plotly_white", font={"size": 15},
                      legend={"orientation": "h", "y": -0.15})
    return fig


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.strip()
    if colour.startswith("rgb("):
        return colour.replace("rgb(", "rgba(").replace(")", f", {alpha})")
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"

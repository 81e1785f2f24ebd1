"""Plotly figures of a batch: outcomes with CIs, paired differences, weekly series."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from sim.outcomes import OUTCOMES, STAGES, family
from sim.report.labels import label

PALETTE = qualitative.Safe


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _numbers(fig: go.Figure, lang: str) -> go.Figure:
    """Decimal commas on a Dutch figure's axes and hover labels."""
    if lang == "nl":
        fig.update_layout(separators=",.")
    return fig


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
    return _numbers(fig, lang)


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
    return _numbers(fig, lang)


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
                                     name=f"{name}: {label('fallback_share', lang)}",
                                     legendgroup=str(name)),
                          row=2, col=1, secondary_y=True)
    fig.update_yaxes(range=[0, 1], row=2, col=1, secondary_y=True,
                     title_text=label("fallback_share", lang))
    fig.update_xaxes(title_text=label("week", lang), row=2, col=1)
    fig.update_layout(height=650, template="plotly_white", font={"size": 15},
                      legend={"orientation": "h", "y": -0.15})
    return _numbers(fig, lang)


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.strip()
    if colour.startswith("rgb("):
        return colour.replace("rgb(", "rgba(").replace(")", f", {alpha})")
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def journey_sankey(runs: pd.DataFrame, scenario: str, lang: str) -> go.Figure:
    """Where a scenario's initiatives go, stage by stage (mean count per run)."""
    mean = runs[runs["scenario"] == scenario].mean(numeric_only=True)
    keys = ["arrived", *STAGES, *OUTCOMES, "in_progress"]
    index = {key: i for i, key in enumerate(keys)}
    src, dst, val = [index["arrived"]], [index["signal"]], [float(mean["arrivals"])]
    flow = float(mean["arrivals"])
    for k, stage in enumerate(STAGES):
        leaving = {"dropout": mean[f"dropouts_{stage}"],
                   "in_progress": mean[f"in_progress_{stage}"]}
        if stage == "decision":
            leaving["rejected"] = mean["rejected"]
        for target, amount in leaving.items():
            src.append(index[stage])
            dst.append(index[target])
            val.append(float(amount))
            flow -= float(amount)
        nxt = STAGES[k + 1] if k + 1 < len(STAGES) else "success"
        src.append(index[stage])
        dst.append(index[nxt])
        val.append(max(flow, 0.0))
    ends = {"success": "#117733", "dropout": "#CC6677", "rejected": "#882255",
            "in_progress": "#DDCC77"}
    fig = go.Figure(go.Sankey(
        node={"label": [label(k, lang) for k in keys],
              "color": [ends.get(k, "#888888") for k in keys], "pad": 18},
        link={"source": src, "target": dst, "value": val,
              "hovertemplate": "%{value:.1f}<extra></extra>"}))
    fig.update_layout(title=scenario, height=420, font={"size": 15})
    return _numbers(fig, lang)


def frustration_histogram(runs: pd.DataFrame, lang: str) -> go.Figure:
    """Distribution of frustration (burden) at exit per scenario (all runs pooled), as shares."""
    bins = family("frustration_bin_").keys()
    centres = [(k + 0.5) / len(bins) for k in range(len(bins))]
    fig = go.Figure()
    for i, (name, part) in enumerate(runs.groupby("scenario", sort=False)):
        counts = part[bins].sum()
        total = counts.sum()
        fig.add_trace(go.Bar(x=centres, y=counts / total if total else counts, name=str(name),
                             marker_color=_colour(i), width=0.8 / len(bins)))
    fig.update_layout(barmode="group", template="plotly_white", height=420, font={"size": 15},
                      xaxis_title=label("frustration", lang), yaxis_tickformat=".0%",
                      legend={"orientation": "h", "y": -0.2})
    return _numbers(fig, lang)


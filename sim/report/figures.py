"""Plotly figures of a batch: outcomes with CIs, paired differences, weekly series,
journeys, and what an experiment adds (a sweep, Sobol indices, a parameter scatter).

Figures size themselves to the number of scenarios: bars turn horizontal and grow a row
per scenario, legends move aside, and beyond the qualitative palette's 11 colours the
colours are sampled evenly from one continuous scale, so none repeats.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from html import escape as html_escape

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale
from plotly.subplots import make_subplots

from sim.outcomes import OUTCOMES, STAGES, describe, family
from sim.report.labels import label, number, outcome_label, signed, signed_interval
from sim.words import GRAMMAR, parameter_name, plotly_separators, word

PALETTE = qualitative.Safe
MANY = 8
"""Above this many scenarios figures switch to their layout for many."""
LONG_NAME = 20
"""Names longer than this (in characters) lie down as in the layout for many: slanted
under a bar they run into the panel below."""
STANDOFF = 12
"""Pixels between a y axis and its tick labels where they meet the x axis' end labels."""


def colours(n: int) -> list[str]:
    """``n`` distinct colours: the qualitative palette, or an evenly sampled scale."""
    if n <= len(PALETTE):
        return list(PALETTE[:n])
    return sample_colorscale("Turbo", [0.05 + 0.9 * i / (n - 1) for i in range(n)])


def _colour(i: int, n: int = len(PALETTE)) -> str:
    return colours(max(n, i + 1))[i]


def _numbers(fig: go.Figure, lang: str) -> go.Figure:
    """The language's decimal mark and thousands separator on a figure's axes and hover
    labels (decimal commas in Dutch)."""
    fig.update_layout(separators=plotly_separators(lang))
    return fig


GAP = 80
"""Pixels between panels stacked in a column: room for the upper panel's tick labels and
the lower panel's title."""


def _stack(rows: int, panel: float, margin: dict[str, int]) -> tuple[int, float]:
    """The height of a figure of ``rows`` panels of ``panel`` px each, ``GAP`` px apart,
    and the vertical spacing that gives them (plotly takes it as a share of the plot
    area, so that a fixed fraction shrinks to nothing in a tall figure)."""
    paper = rows * panel + (rows - 1) * GAP
    return round(paper + margin["t"] + margin["b"]), (GAP / paper if rows > 1 else 0.0)


def outcome_bars(summary: pd.DataFrame, outcomes: list[str], lang: str) -> go.Figure:
    """One panel per outcome: a bar per scenario with its 95% CI as error bar; with many
    scenarios the bars lie down (names readable) and every panel grows a row per scenario."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    n = len(scenarios)
    many = n > MANY or max(len(str(s)) for s in scenarios) > LONG_NAME
    cols = 1 if n > 2 * MANY else 2 if many else 3
    rows = math.ceil(len(outcomes) / cols)
    panel = 22 * n + 90 if many else 300
    # lying bars name the scenarios once per row (the same order in every panel), so that
    # long names do not run into the panel on their left
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[label(o, lang) for o in outcomes],
                        vertical_spacing=min(0.12, 80 / (panel * rows)),
                        horizontal_spacing=0.06 if many else 0.08, shared_yaxes=many)
    palette = colours(n)
    for k, outcome in enumerate(outcomes):
        part = summary[summary["outcome"] == outcome].set_index("scenario").loc[scenarios]
        error = {"type": "data", "symmetric": False, "array": part["ci_high"] - part["mean"],
                 "arrayminus": part["mean"] - part["ci_low"]}
        bar = (go.Bar(y=scenarios, x=part["mean"], orientation="h", error_x=error,
                      hovertemplate="%{y}: %{x:.3g}<extra></extra>") if many else
               go.Bar(x=scenarios, y=part["mean"], error_y=error,
                      hovertemplate="%{x}: %{y:.3g}<extra></extra>"))
        bar.update(marker_color=palette, showlegend=False)
        fig.add_trace(bar, row=k // cols + 1, col=k % cols + 1)
    if many:
        fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 12},
                         ticklabelstandoff=STANDOFF // 2)
    else:
        fig.update_xaxes(tickangle=-30, automargin=True)
    fig.update_layout(height=panel * rows + 80, margin={"t": 60, "b": 30},
                      template="plotly_white", font={"size": 15})
    return _numbers(fig, lang)


def difference_plot(diffs: pd.DataFrame, lang: str, changes: bool = True) -> go.Figure:
    """Forest plot: paired difference and its 95% CI, per outcome and scenario; every
    panel grows a row per scenario. A difference of shares and rates is drawn in
    percentage points, as the tables write it ("−14 pp", Dutch "−14%-punt"), not as a
    raw fraction (−0.14). ``changes`` False (every municipality compared already
    directs) names the fallback counts for what they count there: tension episodes."""
    outcomes = list(dict.fromkeys(diffs["outcome"]))
    names = list(dict.fromkeys(diffs["scenario"]))
    margin = {"t": 50, "b": 40}
    total, spacing = _stack(len(outcomes), max(110, 24 * len(names) + 40), margin)
    fig = make_subplots(rows=len(outcomes), cols=1,
                        subplot_titles=[outcome_label(o, lang, changes) for o in outcomes],
                        vertical_spacing=spacing)
    palette = colours(len(names) + 1)
    for k, outcome in enumerate(outcomes):
        part = diffs[diffs["outcome"] == outcome]
        scale = 100.0 if in_points(outcome) else 1.0
        shown = [_difference_text(outcome, r.difference, r.ci_low, r.ci_high, lang)
                 for r in part.itertuples()]
        fig.add_trace(go.Scatter(
            x=part["difference"] * scale, y=part["scenario"], mode="markers",
            marker={"size": 11, "color": [palette[names.index(s) + 1]
                                          for s in part["scenario"]]},
            error_x={"type": "data", "symmetric": False,
                     "array": (part["ci_high"] - part["difference"]) * scale,
                     "arrayminus": (part["difference"] - part["ci_low"]) * scale},
            customdata=shown, showlegend=False,
            hovertemplate="%{y}: %{customdata}<extra></extra>"),
            row=k + 1, col=1)
        if scale != 1.0:
            fig.update_xaxes(ticksuffix=word(GRAMMAR, "points", lang), row=k + 1, col=1)
        fig.add_vline(x=0, line_dash="dot", line_color="grey", row=k + 1, col=1)
    # the tick labels stand clear of the dotted zero line where zero is the axis' start
    fig.update_yaxes(autorange="reversed", automargin=True, ticklabelstandoff=STANDOFF,
                     tickfont={"size": 12 if len(names) > MANY else 15})
    fig.update_layout(height=total, template="plotly_white", margin=margin, font={"size": 15})
    return _numbers(fig, lang)


def _difference_text(outcome: str, x: float, low: float, high: float, lang: str) -> str:
    """A difference and its interval as the tables write them ("−14,0%-punt [−20,1%-punt;
    −7,9%-punt]"); plain numbers for a key outside the vocabulary."""
    try:
        return f"{signed(outcome, x, lang)} {signed_interval(outcome, low, high, lang)}"
    except KeyError:
        return f"{number(x, lang)} [{number(low, lang)}; {number(high, lang)}]"


def in_points(outcome: str) -> bool:
    """Whether a difference in ``outcome`` is one of percentages (a share or a rate), and
    so is shown in percentage points; False for a key outside the vocabulary."""
    try:
        return describe(outcome).kind in ("rate", "share")
    except KeyError:
        return False


def series_plot(series: pd.DataFrame, lang: str, same_role: Collection[str] = ()) -> go.Figure:
    """Weekly trust and tension, mean over replications; fallback share shaded. For the
    scenarios in ``same_role`` (falling back changes nothing: they already direct) the
    shaded share is of runs above the tension threshold, and called so."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True,
                        subplot_titles=[label("trust", lang), label("tension", lang)],
                        specs=[[{}], [{"secondary_y": True}]])
    means = series.groupby(["scenario", "week"], sort=False)[
        ["trust", "tension", "fallback"]].mean().reset_index()
    n = means["scenario"].nunique()
    palette = colours(n)
    many = n > MANY
    for i, (name, part) in enumerate(means.groupby("scenario", sort=False)):
        colour = palette[i]
        fig.add_trace(go.Scatter(x=part["week"], y=part["trust"], name=str(name),
                                 line={"color": colour}, legendgroup=str(name)), row=1, col=1)
        fig.add_trace(go.Scatter(x=part["week"], y=part["tension"], name=str(name),
                                 line={"color": colour}, legendgroup=str(name),
                                 showlegend=False), row=2, col=1)
        if part["fallback"].any():
            fig.add_trace(go.Scatter(x=part["week"], y=part["fallback"], fill="tozeroy",
                                     mode="none", fillcolor=_rgba(colour, 0.18),
                                     name=f"{name}: " + _lower(outcome_label(
                                         "fallback_share", lang, name not in same_role)),
                                     legendgroup=str(name), showlegend=not many),
                          row=2, col=1, secondary_y=True)
    fig.update_yaxes(range=[0, 1], row=2, col=1, secondary_y=True, tickformat=".0%",
                     dtick=0.25, title_text=outcome_label(
                         "fallback_share", lang,
                         not set(means["scenario"]) <= set(same_role)),
                     ticklabelstandoff=STANDOFF)
    fig.update_xaxes(title_text=label("week", lang), row=2, col=1)
    legend = ({"orientation": "v", "x": 1.08, "y": 1, "font": {"size": 12},
               "tracegroupgap": 0} if many else {"orientation": "h", "y": -0.15})
    fig.update_layout(height=max(650, 20 * n + 100) if many else 650,
                      template="plotly_white", font={"size": 15}, legend=legend)
    return _numbers(fig, lang)


def _lower(text: str) -> str:
    """``text`` inside a sentence: its first letter in lower case ("direction: share of
    runs in fallback")."""
    return text[:1].lower() + text[1:]


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.strip()
    if colour.startswith("rgb("):
        return colour.replace("rgb(", "rgba(").replace(")", f", {alpha})")
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


JOURNEY_TOP = 0.75
"""The share of a journey figure's height its nodes take (from the bottom); the stages'
names stand above it."""
JOURNEY_ROWS = (58, 14)
"""Pixels above the nodes of the two rows of stage names, the first column's in the upper
row: neighbouring stages alternate rows, so that a name has two columns' width, not one,
before it meets the next, and no line down from the upper row runs through the first
name (it stands from its column to the right)."""


def journey_sankey(runs: pd.DataFrame, scenario: str, lang: str,
                   title: str | None = None) -> go.Figure:
    """Where a scenario's initiatives go, stage by stage (mean count per run); ``title``
    names it (default: ``scenario``).

    The stages stand left to right and the four ends stacked in one order on the right.
    A stage's name, over its count, stands above its column, in two alternating rows with
    a line down to the nodes, not beside its node: beside it, "Binnengekomen (752)" ran into
    "Signalering" at 1400 px and every name into the next in the dashboard. The ends keep
    their names beside their nodes (one column, stacked apart). Every node's name and
    count is also its hover text (``customdata``)."""
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
    inflow = [0.0] * len(keys)
    for d, v in zip(dst, val, strict=True):
        inflow[d] += v
    inflow[0] = float(mean["arrivals"])
    amount = [number(x, lang) for x in inflow]
    names = [f"{label(k, lang)} ({a})" for k, a in zip(keys, amount, strict=True)]
    columns = 1 + len(STAGES)  # arrival and the stages: named above their nodes
    # fixed places: the stages left to right, the four ends stacked in one order on the right
    x = [0.01, *[0.12 + 0.13 * k for k in range(len(STAGES))], 0.99, 0.99, 0.99, 0.99]
    y = [0.4, *[0.4] * len(STAGES), 0.15, 0.45, 0.7, 0.92]
    fig = go.Figure(go.Sankey(
        arrangement="fixed", domain={"x": [0, 1], "y": [0, JOURNEY_TOP]},
        node={"label": ["" if i < columns else n for i, n in enumerate(names)],
              "customdata": names, "hovertemplate": "%{customdata}<extra></extra>",
              "color": [ends.get(k, "#888888") for k in keys], "pad": 18, "x": x, "y": y},
        link={"source": src, "target": dst, "value": val,
              "hovertemplate": "%{value:.1f}<extra></extra>"}))
    for i in range(columns):
        fig.add_annotation(x=x[i], y=JOURNEY_TOP, xref="paper", yref="paper",
                           text=f"{label(keys[i], lang)}<br>{amount[i]}",
                           showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor="#888888",
                           ax=0, ay=-JOURNEY_ROWS[i % 2], yanchor="bottom",
                           xanchor="left" if i == 0 else "center")
    fig.update_layout(title=scenario if title is None else title, height=480,
                      font={"size": 14}, margin={"l": 30, "r": 30, "t": 60, "b": 20})
    return _numbers(fig, lang)


def frustration_histogram(runs: pd.DataFrame, lang: str) -> go.Figure:
    """Distribution of frustration (burden) at exit per scenario (all runs pooled), as shares."""
    bins = family("frustration_bin_").keys()
    centres = [(k + 0.5) / len(bins) for k in range(len(bins))]
    fig = go.Figure()
    groups = list(runs.groupby("scenario", sort=False))
    many = len(groups) > 4
    palette = colours(len(groups))
    for i, (name, part) in enumerate(groups):
        counts = part[bins].sum()
        total = counts.sum()
        shares = counts / total if total else counts
        if many:  # lines side by side instead of a thicket of bars
            fig.add_trace(go.Scatter(x=centres, y=shares, name=str(name), mode="lines+markers",
                                     line={"color": palette[i]}))
        else:
            fig.add_trace(go.Bar(x=centres, y=shares, name=str(name), marker_color=palette[i]))
    legend = ({"orientation": "v", "x": 1.02, "y": 1, "font": {"size": 12}} if many
              else {"orientation": "h", "y": -0.2})
    fig.update_layout(barmode="group", bargap=0.15, bargroupgap=0.05, template="plotly_white",
                      height=max(420, 20 * len(groups) + 100) if many else 420,
                      font={"size": 15}, xaxis_title=label("frustration", lang),
                      xaxis={"dtick": 1 / len(bins), "range": [0, 1]},
                      yaxis_tickformat=".0%", yaxis_ticklabelstandoff=STANDOFF,
                      legend=legend)
    return _numbers(fig, lang)



def _band(fig: go.Figure, x: list[float], low: pd.Series, high: pd.Series, colour: str,
          **where: int) -> None:
    fig.add_trace(go.Scatter(x=[*x, *x[::-1]], y=[*high, *low[::-1]], fill="toself",
                             mode="lines",  # a band: no markers at its corners
                             fillcolor=_rgba(colour, 0.2), line={"width": 0},
                             hoverinfo="skip", showlegend=False), **where)


def sweep_plot(summary: pd.DataFrame, parameter: str, outcomes: list[str], lang: str,
               y_title: str | None = None) -> go.Figure:
    """Each outcome against a swept parameter: mean line with its 95% CI as band.

    ``summary`` has columns ``parameter`` (the value), ``outcome``, ``mean``, ``ci_low``,
    ``ci_high``; one panel per outcome. With a ``group`` column (the values of the other
    swept parameters), one line per group in every panel, coloured and named by it.
    """
    cols = min(len(outcomes), 2)
    rows = math.ceil(len(outcomes) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[label(o, lang) for o in outcomes],
                        vertical_spacing=min(0.15 / rows + 0.05, 0.9 / max(rows - 1, 1)))
    groups = (list(dict.fromkeys(summary["group"])) if "group" in summary.columns
              else [""])
    several = len(groups) > 1
    for k, outcome in enumerate(outcomes):
        where = {"row": k // cols + 1, "col": k % cols + 1}
        for g, group in enumerate(groups):
            part = summary[summary["outcome"] == outcome]
            if several:
                part = part[part["group"] == group]
            part = part.sort_values(parameter)
            color = PALETTE[(g if several else k) % len(PALETTE)]
            x = part[parameter].astype(float).tolist()
            _band(fig, x, part["ci_low"], part["ci_high"], color, **where)
            fig.add_trace(go.Scatter(x=x, y=part["mean"], mode="lines+markers",
                                     showlegend=several and k == 0, legendgroup=group,
                                     line={"color": color},
                                     name=group if several else label(outcome, lang)),
                          **where)
    fig.update_xaxes(title_text=parameter_name(parameter, lang))
    if y_title:
        fig.update_yaxes(title_text=y_title)
    fig.update_layout(height=340 * rows + 60, template="plotly_white", font={"size": 15})
    return _numbers(fig, lang)


def sobol_plot(indices: pd.DataFrame, lang: str, words: dict[str, str]) -> go.Figure:
    """Sobol indices per outcome: first-order and total effect per parameter, with CIs."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    params = list(dict.fromkeys(indices["parameter"]))
    margin = {"t": 90, "b": 40}
    total, spacing = _stack(len(outcomes), 34 * len(params) + 40, margin)
    fig = make_subplots(rows=len(outcomes), cols=1,
                        subplot_titles=[label(o, lang) for o in outcomes],
                        vertical_spacing=spacing)
    for k, outcome in enumerate(outcomes):
        part = indices[indices["outcome"] == outcome].set_index("parameter").loc[params]
        for column, colour in (("S1", "#88CCEE"), ("ST", "#CC6677")):
            fig.add_trace(go.Bar(y=[parameter_name(p, lang) for p in params], x=part[column],
                                 orientation="h", name=words[column],
                                 marker_color=colour, showlegend=k == 0, legendgroup=column,
                                 error_x={"type": "data", "array": part[f"{column}_conf"]}),
                          row=k + 1, col=1)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(barmode="group", template="plotly_white", font={"size": 15},
                      height=total, margin=margin,
                      legend={"orientation": "h", "y": 1 + 45 / (total - 130),
                              "yanchor": "bottom", "x": 0})
    return _numbers(fig, lang)


def parameter_scatter(samples: pd.DataFrame, parameters: list[str], outcome: str,
                      lang: str) -> go.Figure:
    """Every sample point, one panel per parameter against ``outcome`` (EMA's pairs plot
    reduced to what reads at a glance), coloured by the outcome."""
    cols = min(len(parameters), 3)
    rows = math.ceil(len(parameters) / cols)
    fig = make_subplots(rows=rows, cols=cols,
                        subplot_titles=[parameter_name(p, lang) for p in parameters],
                        vertical_spacing=0.12 / rows + 0.06)
    for k, name in enumerate(parameters):
        fig.add_trace(go.Scatter(
            x=samples[name], y=samples[outcome], mode="markers", showlegend=False,
            marker={"size": 6, "color": samples[outcome], "colorscale": "Viridis",
                    "showscale": k == 0, "colorbar": {"title": label(outcome, lang)}},
            hovertemplate=f"{html_escape(parameter_name(name, lang))} %{{x:.3g}}: "
                          "%{y:.3g}<extra></extra>"),
            row=k // cols + 1, col=k % cols + 1)
    fig.update_yaxes(title_text=label(outcome, lang), col=1)
    fig.update_layout(height=300 * rows + 60, template="plotly_white", font={"size": 14})
    return _numbers(fig, lang)


PAIRS = 5
"""A pairs plot shows at most this many parameters (more panels would not read)."""


def _axis_name(key: str, lang: str) -> str:
    """A parameter's name broken in two, so that it fits a narrow panel: a dotted key
    after its table, a name of words at its middle space."""
    name = parameter_name(key, lang)
    if name == key:
        return key.replace(".", ".<br>", 1) if "." in key else key
    words = name.split(" ")
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + ("<br>" + " ".join(words[half:]) if words[half:] else "")


def pairs_plot(samples: pd.DataFrame, parameters: list[str], outcome: str,
               lang: str) -> go.Figure:
    """EMA Workbench's pairs plot: a scatter matrix of the sampled parameters, every point
    coloured by ``outcome`` (lower triangle; the diagonal would only repeat the axis)."""
    shown = parameters[:PAIRS]
    if len(shown) < 2:
        raise ValueError(f"a pairs plot needs two parameters or more, got {shown}")
    name = label(outcome, lang)
    side = max(170, min(260, 1000 // (len(shown) - 1)))
    fig = go.Figure(go.Splom(
        dimensions=[{"label": _axis_name(p, lang), "values": samples[p]} for p in shown],
        showupperhalf=False, diagonal={"visible": False},
        marker={"size": 6, "color": samples[outcome], "colorscale": "Viridis",
                "showscale": True, "line": {"width": 0},
                "colorbar": {"title": {"text": name, "side": "right"}, "thickness": 16}},
        customdata=samples[outcome],
        hovertemplate=f"{html_escape(name)}: %{{customdata:.3g}}<extra></extra>"))
    fig.update_layout(template="plotly_white", font={"size": 13}, dragmode="select",
                      width=None, height=side * (len(shown) - 1) + 140,
                      margin={"l": 120, "b": 110, "t": 30, "r": 40})
    fig.update_xaxes(tickangle=0, nticks=5)
    fig.update_yaxes(nticks=5)
    return _numbers(fig, lang)


def end_states(runs: pd.DataFrame, lang: str) -> go.Figure:
    """Where each scenario's initiatives end (mean per run): one stacked bar per scenario,
    for reports with too many scenarios for a journey diagram each."""
    scenarios = list(dict.fromkeys(runs["scenario"]))
    means = runs.groupby("scenario", sort=False)[
        ["successes", "rejected", "dropouts", "in_progress"]].mean().loc[scenarios]
    colours_ = {"successes": "#117733", "rejected": "#882255", "dropouts": "#CC6677",
                "in_progress": "#DDCC77"}
    fig = go.Figure([go.Bar(y=scenarios, x=means[c], orientation="h", name=label(c, lang),
                            marker_color=colours_[c]) for c in means.columns])
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 12})
    fig.update_layout(barmode="stack", template="plotly_white", font={"size": 15},
                      height=22 * len(scenarios) + 160,
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    return _numbers(fig, lang)

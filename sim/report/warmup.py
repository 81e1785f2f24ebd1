"""The figure of a warm-up check (:mod:`sim.experiment.warmup` computes it)."""

from __future__ import annotations

from typing import Any

from sim.experiment.warmup import WarmupCheck
from sim.report.labels import label
from sim.words import local, plotly_separators


def warmup_figure(check: WarmupCheck, lang: str = "en") -> Any:
    """Each series' weekly mean, its moving average and the truncation points of ``check``,
    with its words in ``lang`` ("en" or "nl")."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    def weeks(x: float) -> str:
        return f"{local(x, lang)}"

    names = list(check.table["outcome"])
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True,
                        subplot_titles=names if lang == "en" else
                        [label(n, lang) for n in names], vertical_spacing=0.08)
    for i, row in enumerate(check.table.itertuples(), start=1):
        part = check.series[check.series["outcome"] == row.outcome]
        fig.add_trace(go.Scatter(x=part["week"], y=part["mean"],
                                 name=label("warmup_mean", lang), line={"color": "#bbbbbb"},
                                 showlegend=i == 1), row=i, col=1)
        smooth = part.dropna(subset=["moving_average"])  # undefined near the end
        fig.add_trace(go.Scatter(x=smooth["week"], y=smooth["moving_average"],
                                 name=label("warmup_moving", lang), line={"color": "#332288"},
                                 showlegend=i == 1), row=i, col=1)
        fig.add_vline(x=row.truncation_weeks, line={"color": "#CC6677", "dash": "dash"},
                      annotation_text=f"MSER-5: {weeks(row.truncation_weeks)}", row=i, col=1)
        fig.add_vline(x=row.warmup_weeks, line={"color": "#117733", "dash": "dot"},
                      annotation_text=label("warmup_line", lang).format(
                          weeks=weeks(row.warmup_weeks)),
                      annotation_position="bottom right", row=i, col=1)
    fig.update_layout(template="plotly_white", height=320 * len(names),
                      title=label("warmup_title", lang).format(reps=check.reps))
    fig.update_xaxes(title_text="week" if lang == "en" else label("week", lang),
                     row=len(names), col=1)
    fig.update_layout(separators=plotly_separators(lang))  # decimal commas in Dutch
    return fig

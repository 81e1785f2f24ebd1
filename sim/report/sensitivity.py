"""The page of a sensitivity analysis: Morris's μ* against σ, or Sobol's S1 and ST bars,
with the replication noise and the indices (:mod:`sim.experiment.sensitivity` computes
them), in English or Dutch.

An outcome is named as people read it (:func:`outcome_title`): a run's outcome by its
label, a derived one (``fallback_cost:share_dissatisfied``) as the difference it is,
"fallback's cost in share dissatisfied (with minus without, pp)". Parameter keys stay
keys (what ``--set`` and ``[ranges]`` take), in Dutch with their Dutch name where the
catalogue has one.
"""

from __future__ import annotations

from html import escape as html_escape
from pathlib import Path
from typing import Any

import pandas as pd

from sim import outcomes as vocabulary
from sim.experiment.exploration import SEPARATOR
from sim.experiment.sensitivity import Design
from sim.files import atomic_write
from sim.report.html import figure_html, page
from sim.report.labels import label, points
from sim.words import (
    SENSITIVITY,
    parameter_name,
    plotly_separators,
    say,
    significant,
    word,
)


def outcome_title(name: str, lang: str, inside: bool = False) -> str:
    """An outcome of a study as people read it: a run's outcome by its label; a derived
    outcome ``CONTRAST:OUTCOME`` as its contrast in words and the sign of the difference
    (with minus without). ``inside``: for the inside of a sentence (lower case first)."""
    title = _title(name, lang)
    return title[0].lower() + title[1:] if inside and title != name else title


def _title(name: str, lang: str) -> str:
    outcome = name.rpartition(SEPARATOR)[2]
    if outcome not in vocabulary.SUMMARY:
        return name  # not a run's outcome (a model of one's own): its name
    return label(name, lang)  # a derived outcome as the difference it is


def effect(name: str, x: float, lang: str) -> str:
    """The size of an effect on outcome ``name`` (a Morris μ*, its CI half-width), as
    people read it: in percentage points for rates and shares and their derived
    differences ("2.9 pp", "2,9%-punt"), else as a number."""
    outcome = name.rpartition(SEPARATOR)[2]
    if outcome in vocabulary.SUMMARY and vocabulary.describe(outcome).kind in ("rate",
                                                                              "share"):
        return points(outcome, float(x), lang)
    return significant(float(x), lang, 3)


def shown_parameter(key: str, lang: str) -> str:
    """A parameter in a figure: its key in English, its Dutch name where there is one."""
    return parameter_name(key, lang)


def sensitivity_figure(indices: pd.DataFrame, method: str, outcomes: list[str],
                       top: int = 15, lang: str = "en") -> Any:
    """Morris: μ* against σ per outcome (μ* with its 95% CI); Sobol: S1 and ST bars."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    outcomes = [o for o in outcomes if o in set(indices.get("outcome", []))]
    fig = make_subplots(rows=len(outcomes) or 1, cols=1,
                        subplot_titles=[outcome_title(o, lang) for o in outcomes],
                        vertical_spacing=0.12)
    for i, o in enumerate(outcomes, start=1):
        part = indices[indices["outcome"] == o]
        if method == "morris":
            part = part.sort_values("mu_star", ascending=False)
            names = [shown_parameter(p, lang) for p in part["parameter"]]
            labels = [p if k < 8 else "" for k, p in enumerate(names)]
            fig.add_trace(go.Scatter(
                x=part["mu_star"], y=part["sigma"], mode="markers+text", text=labels,
                textposition="top center", hovertext=names, showlegend=False,
                # μ* is a mean of absolute effects: its interval stops at 0
                error_x={"type": "data", "symmetric": False, "array": part["mu_star_conf"],
                         "arrayminus": part[["mu_star", "mu_star_conf"]].min(axis=1)},
                marker={"color": "#332288"}), row=i, col=1)
            fig.update_xaxes(title_text=word(SENSITIVITY, "mu_star_axis", lang), row=i,
                             col=1)
            fig.update_yaxes(title_text="σ", row=i, col=1)
        else:
            part = part.sort_values("ST", ascending=False).head(top)
            names = [shown_parameter(p, lang) for p in part["parameter"]]
            for column, colour in (("S1", "#88CCEE"), ("ST", "#CC6677")):
                fig.add_trace(go.Bar(x=names, y=part[column], name=column,
                                     marker_color=colour, showlegend=i == 1,
                                     error_y={"type": "data", "array": part[f"{column}_conf"]}),
                              row=i, col=1)
    fig.update_layout(template="plotly_white", barmode="group",
                      height=420 * max(1, len(outcomes)),
                      separators=plotly_separators(lang))  # decimal commas in Dutch
    return fig


def indices_table(frame: pd.DataFrame, lang: str) -> str:
    """A table of the page: outcomes by their titles, parameter keys as code, columns in
    ``lang`` (English keeps the stored column names)."""
    shown = frame.round(4).copy()
    if lang != "en":  # numbers as the language writes them: 0,1234
        for column in shown.columns[[pd.api.types.is_float_dtype(t) for t in shown.dtypes]]:
            shown[column] = [significant(x, lang, 4) if pd.notna(x) else "–"
                             for x in shown[column]]
    if "outcome" in shown:
        shown["outcome"] = [html_escape(outcome_title(o, lang)) for o in shown["outcome"]]
    if "parameter" in shown:
        shown["parameter"] = [f"<code>{html_escape(p)}</code>" for p in shown["parameter"]]
    shown = shown.rename(columns={c: word(SENSITIVITY, c, lang) for c in shown.columns
                                  if c in SENSITIVITY})
    return shown.to_html(index=False, escape=False, na_rep="–")


def write_sensitivity_page(out: Path, method: str, indices: pd.DataFrame, design: Design,
                           outcomes: list[str], note: str, lang: str = "en") -> Path:
    """``out/<method>.html``: the figure, the noise shares and the indices, in ``lang``;
    a derived outcome among ``outcomes`` gets a sentence saying how it was paired."""
    title = word(SENSITIVITY, "morris" if method == "morris" else "sobol", lang)
    noise = design.noise[design.noise["outcome"].isin(outcomes)]
    shown = indices[indices["outcome"].isin(outcomes)] if not indices.empty else indices
    derived = [say(SENSITIVITY, "derived_note", lang, outcome=outcome_title(o, lang))
               for o in outcomes if SEPARATOR in o]
    parts = [f"<p>{html_escape(note)}</p>", *(f"<p>{html_escape(d)}</p>" for d in derived),
             figure_html(sensitivity_figure(indices, method, outcomes, lang=lang)),
             f"<h2>{word(SENSITIVITY, 'noise', lang)}</h2>"
             f"<p>{html_escape(word(SENSITIVITY, 'noise_text', lang))}</p>",
             indices_table(noise, lang), f"<h2>{word(SENSITIVITY, 'indices', lang)}</h2>",
             indices_table(shown, lang)]
    return atomic_write(out / f"{method}.html", page(title, parts, lang=lang))

"""The page of an ABC-SMC calibration folder: the weighted posterior, the posterior
predictive checks against every pattern and the populations
(:mod:`sim.experiment.calibration` computes them), in English or Dutch: in Dutch every
heading, column, pattern, outcome and parameter by its Dutch name
(:data:`sim.words.CALIBRATION`, :func:`sim.words.parameter_name`) and every number with
a decimal comma; English keeps the stored column names and keys."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.calibration import (
    Calibration,
    effective_sample_size,
    load_calibration,
    posterior_summary,
)
from sim.files import atomic_write
from sim.report.html import figure_html, page
from sim.report.labels import label
from sim.report.sections import html_table, parameter_cell
from sim.words import (
    CALIBRATION,
    decimal,
    parameter_name,
    plotly_separators,
    say,
    symbols,
    word,
)

PPC = "ppc.parquet"
REPORT = "report.html"


def pattern_name(key: str, lang: str) -> str:
    """A pattern as people call it: its key in English, a Dutch name in Dutch."""
    return word(CALIBRATION, key, lang) if key in CALIBRATION else key


def outcome_name(key: str, lang: str) -> str:
    """An outcome in a table or figure: its key in English (as stored), its name in Dutch."""
    return key if lang == "en" else label(key, lang)


def _cell(column: str, value: Any, lang: str, digits: int) -> str:
    """One cell of a table: a number rounded to ``digits`` decimals in ``lang``'s
    conventions, a parameter, pattern, role or outcome by its name."""
    if column == "parameter":
        return parameter_cell(str(value), lang)
    if column == "pattern":
        return html.escape(pattern_name(str(value), lang))
    if column == "role":
        return html.escape(word(CALIBRATION, str(value), lang))
    if column == "outcome":
        return html.escape(outcome_name(str(value), lang))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return html.escape(str(value))
    if pd.isna(value):
        return "–"
    text = decimal(float(value), lang, digits)
    mark = symbols(lang)["decimal"]
    return text.rstrip("0").rstrip(mark) if mark in text else text


def _table(frame: pd.DataFrame, lang: str, digits: dict[str, int]) -> str:
    """``frame`` as an HTML table with its columns named in ``lang``."""
    header = [word(CALIBRATION, c, lang) if c in CALIBRATION else c for c in frame.columns]
    rows = [[_cell(c, v, lang, digits.get(c, 4)) for c, v in zip(frame.columns, row,
                                                                 strict=True)]
            for row in frame.itertuples(index=False)]
    return html_table(header, rows)


COLUMNS = 3
"""Panels side by side in the report's figures; more go on the next row."""
TITLE_WIDTH = 30
"""Characters of a panel's title on one line; a longer title wraps."""


def _panels(titles: list[str], panel: int) -> Any:
    """An empty figure of one panel per title, :data:`COLUMNS` to a row, each ``panel``
    px high, their titles wrapped so that neighbours' titles do not run into each other,
    and the y tick labels kept clear of the x axis' first label."""
    import textwrap

    from plotly.subplots import make_subplots

    from sim.report.figures import STANDOFF, _stack

    cols = max(1, min(COLUMNS, len(titles)))
    rows = max(1, math.ceil(len(titles) / cols))
    margin = {"t": 70, "b": 50}
    height, spacing = _stack(rows, panel, margin)
    wrapped = ["<br>".join(textwrap.wrap(t, TITLE_WIDTH)) or t for t in titles]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=wrapped,
                        vertical_spacing=spacing, horizontal_spacing=0.08)
    fig.update_yaxes(ticklabelstandoff=STANDOFF)
    fig.update_layout(template="plotly_white", height=height, margin=margin)
    return fig


def write_calibration_report(calibration: Calibration | str | Path, lang: str = "en") -> Path:
    """``report.html`` in the calibration's folder (a :class:`Calibration` or its folder),
    in ``lang``."""
    import plotly.graph_objects as go

    cal = (calibration if isinstance(calibration, Calibration)
           else load_calibration(calibration))
    posterior, populations, checks = cal.posterior, cal.populations, cal.checks
    ppc = pd.read_parquet(cal.folder / PPC)
    keys = [c for c in posterior.columns if c != "weight"]
    fig = _panels([pattern_name(p, lang) for p in checks["pattern"]], 260)
    for j, row in enumerate(checks.itertuples()):
        where = {"row": j // COLUMNS + 1, "col": j % COLUMNS + 1}
        fig.add_trace(go.Box(y=ppc[row.outcome], name=outcome_name(row.outcome, lang),
                             boxpoints="all", showlegend=False), **where)
        fig.add_hline(y=row.target, line_dash="dash", **where)
    fig.update_layout(font={"size": 14}, separators=plotly_separators(lang))
    post = _panels([parameter_name(k, lang) for k in keys], 220)
    for j, key in enumerate(keys):
        post.add_trace(go.Histogram(x=posterior[key], histfunc="sum", y=posterior["weight"],
                                    showlegend=False),
                       row=j // COLUMNS + 1, col=j % COLUMNS + 1)
    post.update_layout(font={"size": 13}, separators=plotly_separators(lang))
    summary = posterior_summary(posterior)
    ess = effective_sample_size(posterior)
    parts = [f"<h2>{word(CALIBRATION, 'posterior_heading', lang)}</h2>",
             f"<p>{say(CALIBRATION, 'posterior_text', lang, n=len(posterior), ess=ess)}</p>",
             _table(summary, lang, {}), figure_html(post),
             f"<h2>{word(CALIBRATION, 'checks_heading', lang)}</h2>",
             _table(checks.drop(columns="source"), lang, {}), figure_html(fig),
             f"<h2>{word(CALIBRATION, 'populations_heading', lang)}</h2>",
             _table(populations, lang, {"epsilon": 4, "wall_time": 2})]
    return atomic_write(cal.folder / REPORT, page(word(CALIBRATION, "title", lang), parts,
                                                  lang))

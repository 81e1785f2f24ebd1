"""The HTML report of a batch: one self-contained file (plotly.js inlined, opens offline)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.analysis import paired_differences, summarise
from sim.experiment.store import scenario_config
from sim.files import atomic_write
from sim.outcomes import HEADLINE, definition, family, unit
from sim.report import figures
from sim.report.labels import LANGS, interval, label, shown_names, value
from sim.report.stress import stress

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1300px;
       color: #222; font-size: 17px; line-height: 1.45; }
h1 { font-size: 2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 16px; }
th, td { padding: .35rem .6rem; border-bottom: 1px solid #e4e4e4; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { font-size: 14px; vertical-align: bottom; hyphens: auto; }
.ci { color: #666; font-size: 14px; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; font-size: 13px; }
details { margin: .5rem 0; }
"""


def headline_table(summary: pd.DataFrame, outcomes: list[str], lang: str) -> str:
    """HTML table: a row per scenario, a column per outcome, 'mean [low, high]'."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    head = "".join(f"<th>{html.escape(label(o, lang))}</th>" for o in outcomes)
    rows = []
    for name in scenarios:
        cells = []
        for o in outcomes:
            hit = summary[(summary["scenario"] == name) & (summary["outcome"] == o)]
            if hit.empty:
                cells.append("<td>–</td>")
                continue
            r = hit.iloc[0]
            cells.append(f"<td>{value(o, r['mean'], lang)}<br><span class='ci'>"
                         f"{interval(o, r['ci_low'], r['ci_high'], lang)}</span></td>")
        rows.append(f"<tr><td><b>{html.escape(str(name))}</b></td>{''.join(cells)}</tr>")
    return (f"<table><tr><th>{label('scenario', lang)}</th>{head}</tr>"
            f"{''.join(rows)}</table>")


def figure_html(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False,
                       config={"displaylogo": False, "responsive": True})


def build_report(runs: pd.DataFrame, series: pd.DataFrame, reference: str | None = None,
                 manifest: dict[str, Any] | None = None, lang: str = "en",
                 title: str | None = None, outcomes: list[str] | None = None,
                 extra: list[tuple[str, str]] | None = None,
                 per_scenario: bool = True,
                 lead: list[tuple[str, str]] | None = None) -> str:
    """The report as one HTML string; ``extra`` adds (title, html) sections before the
    glossary and appendix (use :func:`figure_html` for plotly figures), ``lead`` before
    everything else (the answer the folder holds).

    ``per_scenario`` False (a sensitivity design: hundreds of sample points of a few
    replications) leaves out the tables and figures that show every scenario.
    """
    if lang not in LANGS:
        raise ValueError(f"lang: must be one of {', '.join(LANGS)}, got {lang!r}")
    outcomes = [o for o in (outcomes or HEADLINE) if o in runs.columns]
    stored = list(dict.fromkeys(runs["scenario"]))
    reference = reference or stored[0]
    names = shown_names(stored, lang)  # every scenario by the name shown in ``lang``
    runs = runs.assign(scenario=runs["scenario"].map(names))
    if not series.empty:
        series = series.assign(scenario=series["scenario"].map(names).fillna(
            series["scenario"]))
    reference = names.get(reference, reference)
    scenarios = list(dict.fromkeys(runs["scenario"]))
    reps = int(runs.groupby("scenario").size().min())
    size = (label("runs_of", lang).format(n=len(scenarios), reps=reps) if len(scenarios) > 1
            else label("run_of", lang).format(reps=reps))
    parts = [f"<p>{size}</p>"]
    for heading, body in lead or []:
        parts += [f"<h2>{html.escape(heading)}</h2>", body]
    if per_scenario:
        summary = summarise(runs, outcomes)
        parts += [f"<h2>{label('headline', lang)}</h2>",
                  headline_table(summary, outcomes, lang),
                  f"<p class='ci'>{label('ci_method', lang)}</p>",
                  f"<h2>{label('outcomes', lang)}</h2>",
                  figure_html(figures.outcome_bars(summary, outcomes, lang))]
        if len(scenarios) > 1:
            diffs = paired_differences(runs, outcomes, reference)
            parts += [f"<h2>{label('differences', lang)} <i>{html.escape(reference)}</i></h2>",
                      figure_html(figures.difference_plot(diffs, lang))]
        if not series.empty:
            parts += [f"<h2>{label('series', lang)}</h2>",
                      figure_html(figures.series_plot(series, lang))]
        if _has(runs, "in_progress_", "dropouts_"):
            parts += [f"<h2>{label('journeys', lang)}</h2>"]
            if len(scenarios) > JOURNEYS:
                parts += [figure_html(figures.end_states(runs, lang))]
            else:
                parts += [figure_html(figures.journey_sankey(runs, name, lang))
                          for name in scenarios]
        if _has(runs, "frustration_bin_"):
            parts += [f"<h2>{label('frustration_dist', lang)}</h2>",
                      figure_html(figures.frustration_histogram(runs, lang))]
    for heading, body in extra or []:
        parts += [f"<h2>{html.escape(heading)}</h2>", body]
    parts += [f"<h2>{label('glossary', lang)}</h2>", glossary(outcomes, lang)]
    if manifest:
        parts += [f"<h2>{label('stress', lang)}</h2>", stress(manifest, lang),
                  f"<h2>{label('appendix', lang)}</h2>", _appendix(manifest)]
    return page(title or label("title", lang), parts, lang)


JOURNEYS = 4
"""Up to this many scenarios get a journey diagram each; more get one stacked bar chart."""


def glossary(outcomes: list[str], lang: str) -> str:
    """A table of the outcomes shown: name, unit, definition (from :mod:`sim.outcomes`)."""
    rows = "".join(
        f"<tr><td>{html.escape(label(o, lang))}</td><td>{html.escape(unit(o, lang))}</td>"
        f"<td style='text-align:left'>{html.escape(definition(o, lang))}</td></tr>"
        for o in outcomes)
    return (f"<table class='glossary'><tr><th>{label('outcome', lang)}</th>"
            f"<th>{label('unit', lang)}</th><th>{label('definition', lang)}</th></tr>"
            f"{rows}</table>")


def _has(runs: pd.DataFrame, *prefixes: str) -> bool:
    """Whether ``runs`` holds every key of the outcome families ``prefixes``."""
    return all(set(family(p).keys()) <= set(runs.columns) for p in prefixes)


def page(title: str, parts: list[str], lang: str = "en") -> str:
    """A self-contained HTML page: a heading, the parts, plotly.js inlined once."""
    body = "".join([f"<h1>{html.escape(title)}</h1>", *parts,
                    f"<p class='ci'>{label('made', lang)}.</p>"])
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
            f"<script>{get_plotlyjs()}</script></head><body>{body}</body></html>")


def _appendix(manifest: dict[str, Any]) -> str:
    blocks = []
    for name, info in manifest.get("scenarios", {}).items():
        text = json.dumps(scenario_config(manifest, name), indent=2)
        blocks.append(f"<details><summary>{html.escape(name)} ({info.get('hash', '')})"
                      f"</summary><pre>{html.escape(text)}</pre></details>")
    rest = {k: v for k, v in manifest.items() if k not in ("scenarios", "seeds", "base")}
    blocks.append(f"<details><summary>manifest</summary><pre>"
                  f"{html.escape(json.dumps(rest, indent=2, default=str))}</pre></details>")
    return "".join(blocks)


def write_report(path: str | Path, runs: pd.DataFrame, series: pd.DataFrame,
                 **kwargs: Any) -> Path:
    """Write the report to ``path`` (atomically) and return the path."""
    return atomic_write(path, build_report(runs, series, **kwargs))

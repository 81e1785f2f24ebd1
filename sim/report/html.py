"""The HTML report of a batch: one self-contained file (plotly.js inlined, opens offline)."""

from __future__ import annotations

import html
import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.analysis import bounded, paired_differences, summarise
from sim.experiment.store import scenario_config
from sim.files import atomic_write
from sim.outcomes import HEADLINE, definition, family, unit
from sim.report import figures
from sim.report.labels import (
    LANGS,
    SAME_ROLE_OUTCOMES,
    interval,
    label,
    outcome_label,
    same_role,
    same_role_note,
    shown_names,
    value,
)
from sim.report.stress import stress
from sim.styles import flat_keys
from sim.words import REPORT, join, parameter_name, say, short_name

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1300px;
       padding: 0 1.5rem;
       color: #222; font-size: 17px; line-height: 1.45; }
h1 { font-size: 2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 16px; }
th, td { padding: .35rem .6rem; border-bottom: 1px solid #e4e4e4; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { font-size: 14px; vertical-align: bottom; hyphens: auto; }
.ci { color: #666; font-size: 14px; }
.nw { white-space: nowrap; }
.prose { text-align: left; min-width: 22em; }
.wide { overflow-x: auto; max-width: 100%; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 .3rem; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; font-size: 13px; }
details { margin: .5rem 0; }
"""


def headline_table(summary: pd.DataFrame, outcomes: list[str], lang: str,
                   same_role: Collection[str] = ()) -> str:
    """HTML table of 'mean [low, high]': a column per outcome and a row per scenario, or,
    when there are more outcomes than scenarios, a row per outcome and a column per
    scenario, so that the table fits the page (eleven outcomes do not fit side by side
    at 1400 px). A number and its interval never break inside.

    ``same_role`` names the scenarios whose fallback changes nothing (they already direct,
    :func:`sim.report.labels.same_role`): their fallback counts say they are tension
    episodes (in the outcome's name when every scenario is one of them)."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    cells: dict[tuple[str, str], str] = {}
    for r in summary.itertuples():
        note = same_role_note(str(r.outcome), lang) if r.scenario in same_role else ""
        cells[(str(r.scenario), str(r.outcome))] = (
            f"<span class='nw'>{value(r.outcome, r.mean, lang)}</span><br><span class='ci nw'>"
            f"{interval(r.outcome, r.ci_low, r.ci_high, lang)}</span>"
            + (f"<br><span class='ci'>{html.escape(note)}</span>"
               if note and not set(scenarios) <= set(same_role) else ""))
    names = {s: f"<b>{html.escape(str(s))}</b>" for s in scenarios}
    changes = not (scenarios and set(scenarios) <= set(same_role))
    labels = {o: html.escape(outcome_label(o, lang, changes)) for o in outcomes}
    if len(outcomes) > len(scenarios):
        head = [label("outcome", lang), *names.values()]
        rows = [[labels[o], *[cells.get((str(s), o), "–") for s in scenarios]]
                for o in outcomes]
    else:
        head = [label("scenario", lang), *labels.values()]
        rows = [[names[s], *[cells.get((str(s), o), "–") for o in outcomes]] for s in scenarios]
    header = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<div class='wide'><table><tr>{header}</tr>{body}</table></div>"


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
    stored_reference, reference = reference, names.get(reference, reference)
    scenarios = list(dict.fromkeys(runs["scenario"]))
    reps = int(runs.groupby("scenario").size().min())
    size = (label("runs_of", lang).format(n=len(scenarios), reps=reps) if len(scenarios) > 1
            else label("run_of", lang).format(reps=reps))
    parts = [f"<p>{size}</p>"]
    for heading, body in lead or []:
        parts += [f"<h2>{html.escape(heading)}</h2>", body]
    if per_scenario:
        summary = bounded(summarise(runs, outcomes))
        directing = {names.get(n, n) for n in already_directing(manifest, stored)}
        parts += [f"<h2>{label('headline', lang)}</h2>",
                  headline_table(summary, outcomes, lang, directing),
                  f"<p class='ci'>{label('ci_method', lang)}</p>",
                  f"<h2>{label('outcomes', lang)}</h2>",
                  figure_html(figures.outcome_bars(summary, outcomes, lang))]
        if len(scenarios) > 1:
            diffs = paired_differences(runs, outcomes, reference)
            parts += [f"<h2>{label('differences', lang)} <i>{html.escape(reference)}</i></h2>",
                      *_forests(diffs, families(manifest or {}, stored, names,
                                                stored_reference, lang), lang,
                                directing, reference)]
        if not series.empty:
            shown = set(series["scenario"])
            parts += [f"<h2>{series_heading(lang, not (shown and shown <= directing))}</h2>",
                      figure_html(figures.series_plot(series, lang, directing))]
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
    parts += [f"<h2>{label('cite', lang)}</h2>", cite(manifest, lang)]
    if manifest:
        parts += [f"<h2>{label('stress', lang)}</h2>", stress(manifest, lang),
                  f"<h2>{label('appendix', lang)}</h2>", _appendix(manifest)]
    return page(title or label("title", lang), parts, lang)


def series_heading(lang: str, changes: bool = True) -> str:
    """The weekly section's heading: what its shading shows, the share of runs in fallback,
    or (``changes`` False: every scenario shown already directs) the share of runs above
    the tension threshold, in the words of the figure's legend."""
    shaded = outcome_label("fallback_share", lang, changes)
    return html.escape(label("series", lang).format(shaded=shaded[:1].lower() + shaded[1:]))


def already_directing(manifest: dict | None, scenarios: Iterable[str]) -> set[str]:
    """The ``scenarios`` of a batch that already direct (falling back changes nothing
    there, :func:`sim.report.labels.same_role`), read from the batch's manifest; a
    scenario it does not hold is left out."""
    held = (manifest or {}).get("scenarios", {})
    return same_role({n: scenario_config(manifest or {}, n) for n in scenarios if n in held})


def _forests(diffs: pd.DataFrame, groups: list[tuple[str, list[str]]], lang: str,
             same_role: Collection[str] = (), reference: str = "") -> list[str]:
    """A forest plot per family of comparisons, each on its own scale, titled by what
    its scenarios change when there is more than one family.

    Where exactly one of a scenario and the ``reference`` already directs (``same_role``:
    falling back changes nothing there), their fallback counts are unlike (tension
    episodes against fallbacks): that difference is not drawn, and a note under the
    figure says so, in the words the headline table's note uses."""
    parts = []
    for title, members in groups:
        if len(groups) > 1:
            parts.append(f"<h3>{html.escape(title)}</h3>")
        part = diffs[diffs["scenario"].isin(members)]
        unlike = part["outcome"].isin(SAME_ROLE_OUTCOMES) & (
            part["scenario"].isin(same_role) != (reference in same_role))
        everyone = {*members, reference}
        parts.append(figure_html(figures.difference_plot(
            part[~unlike], lang, not (everyone <= set(same_role)))))
        for outcome, left in part[unlike].groupby("outcome", sort=False)["scenario"]:
            parts.append("<p class='ci'>" + html.escape(say(
                REPORT, "unlike_counts", lang, outcome=label(str(outcome), lang),
                names=join(list(dict.fromkeys(left)), lang),
                counted=outcome_label(str(outcome), lang, False).lower())) + "</p>")
    return parts


NAMING = frozenset({"scenario.name", "scenario.description"})
"""Settings that name a scenario and change nothing in it."""


def differing(manifest: dict[str, Any], name: str, reference: str) -> tuple[str, ...]:
    """The settings (dotted keys) in which scenario ``name`` of a batch differs from
    ``reference``, sorted; names and descriptions do not count."""
    base = flat_keys(scenario_config(manifest, reference))
    config = flat_keys(scenario_config(manifest, name))
    return tuple(sorted(k for k in {*config, *base} - NAMING if config.get(k) != base.get(k)))
FAMILIES = 6
"""At most this many forest panels; scenarios of further families share the last."""


def families(manifest: dict[str, Any], stored: list[str], names: dict[str, str],
             reference: str, lang: str) -> list[tuple[str, list[str]]]:
    """The comparisons against the reference grouped by what they change: scenarios that
    differ from the reference in the same settings are one family (its title names them,
    in the report's language), each with a forest panel of its own, so that a small
    difference (falling back) is not drawn on the scale of a large one (another
    municipality). ``names`` maps stored names to shown ones; the families hold shown
    names. Without the scenarios' settings in the manifest: one family."""
    shown_ref = names.get(reference, reference)
    others = [n for n in stored if names[n] != shown_ref]
    known = manifest.get("scenarios", {})
    if reference not in known or not all(n in known for n in others):
        return [("", [names[n] for n in others])]
    grouped: dict[tuple[str, ...], list[str]] = {}
    for name in others:
        grouped.setdefault(differing(manifest, name, reference), []).append(names[name])
    ordered = sorted(grouped.items(), key=lambda item: len(item[0]))
    if len(ordered) > FAMILIES:
        rest = [n for _keys, members in ordered[FAMILIES - 1:] for n in members]
        ordered = [*ordered[:FAMILIES - 1], (("…",), rest)]
    return [(_family_title(keys, lang), members) for keys, members in ordered]


def _family_title(keys: tuple[str, ...], lang: str) -> str:
    """"Differs from the reference in fallback.enabled" / "... in 12 settings"."""
    if keys == ("…",):
        return label("family_rest", lang)
    if not keys or len(keys) > FAMILY_KEYS:
        return label("family_many", lang).format(n=len(keys))
    return label("family", lang).format(what=join([parameter_name(k, lang) for k in keys],
                                                  lang))


FAMILY_KEYS = 3
"""A family that differs in more settings than this is named by their number."""


def cite(manifest: dict[str, Any] | None, lang: str) -> str:
    """The "how to cite" block: the software (CITATION.cff) with the version and the code
    identity that made the folder's runs (its manifest; this code's when there is none)."""
    from sim import __version__
    from sim.provenance import describe, git_dirty, git_revision, source_hash

    code = (manifest or {}).get("code") or {
        "version": __version__, "source_hash": source_hash(), "git_revision": git_revision(),
        "git_dirty": git_dirty()}
    version = code.get("version") or __version__
    text = label("cite_text", lang).format(version=version, code=describe(code, lang))
    return f"<p class='cite'>{html.escape(text)}</p>"


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
        blocks.append(f"<details><summary>{html.escape(short_name(name))} ({info.get('hash', '')})"
                      f"</summary><pre>{html.escape(text)}</pre></details>")
    rest = {k: v for k, v in manifest.items() if k not in ("scenarios", "seeds", "base")}
    blocks.append(f"<details><summary>manifest</summary><pre>"
                  f"{html.escape(json.dumps(rest, indent=2, default=str))}</pre></details>")
    return "".join(blocks)


def write_report(path: str | Path, runs: pd.DataFrame, series: pd.DataFrame,
                 **kwargs: Any) -> Path:
    """Write the report to ``path`` (atomically) and return the path."""
    return atomic_write(path, build_report(runs, series, **kwargs))

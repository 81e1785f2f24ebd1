"""The sections of a folder's report, each built from the tables of one kind of artefact
(:data:`sim.report.folder.SECTIONS` says which kind calls for which), and what a
sensitivity design's sections and plots read: its points, varied parameters and their
ranking."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import summarise
from sim.experiment.batch import RUN_KEYS
from sim.experiment.store.artefacts import Artefact, artefacts, of_kind, read_table
from sim.outcomes import SUMMARY
from sim.report import figures
from sim.report.html import figure_html
from sim.report.labels import (
    TEXT,
    clip,
    interval,
    label,
    number,
    points,
    signed,
    signed_interval,
    value,
)
from sim.words import HEADLINE, parameter_name, scenario_name, setting, word


def parameter_cell(key: str, lang: str) -> str:
    """A parameter in a table cell: its name in ``lang`` and, where that is not the key
    itself, the key as code (what ``--set`` takes)."""
    name = parameter_name(key, lang)
    key_html = f"<code>{html.escape(key)}</code>"
    return key_html if name == key else f"{html.escape(name)} {key_html}"


def swept(runs: pd.DataFrame, manifest: dict[str, Any]) -> list[str]:
    """The numeric variant parameters that take more than one value across scenarios."""
    params = pd.DataFrame([info.get("params") or {} for info in
                           manifest.get("scenarios", {}).values()])
    return [c for c in params.columns
            if pd.api.types.is_numeric_dtype(params[c]) and params[c].nunique() > 1]


def html_table(header: list[str], rows: list[list[str]]) -> str:
    """A table of ``rows`` (HTML) under ``header`` (text); a table wider than the page
    scrolls inside it instead of running past its edge."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<div class='wide'><table><tr>{head}</tr>{body}</table></div>"


DIFFERENCE_CLAIMS = ("fallback_cost_national", "breach_members")
"""Headline claims that are differences in a share (shown in percentage points)."""


def headline_cells(claim: str, estimate: float, low: float, high: float, kind: str,
                   lang: str) -> tuple[str, str, str, str]:
    """One claim of a headline.csv as words: (claim, estimate, interval, interval kind).
    Differences in a share (falling back's cost, a breach, a style against the directive)
    in percentage points with their sign; shares as percentages."""
    key = "share_dissatisfied"
    if claim in DIFFERENCE_CLAIMS or claim.startswith(("style_", "lever_")):
        shown = signed(key, estimate, lang)
        span = signed_interval(key, low, high, lang)
    else:
        shown = value(key, estimate, lang)
        span = interval(key, low, high, lang)
    return word(HEADLINE, claim, lang), shown, span, word(HEADLINE, kind, lang)


def levers_section(table: pd.DataFrame, lang: str) -> tuple[str, str]:
    """Headline (d): the levers against fallback's cost, ranked by expected protection and
    by largest regret over the posterior (:func:`sim.analysis.levers.lever_ranking`)."""
    key = "share_dissatisfied"
    rows = [[html.escape(word(HEADLINE, f"name_{r.lever}", lang)),
             html.escape(signed(key, r.protection, lang) + " "
                         + signed_interval(key, r.low, r.high, lang)),
             html.escape(points(key, r.mean_regret, lang)),
             html.escape(points(key, r.max_regret, lang)),
             html.escape(value(key, r.best_share, lang)),
             str(r.rank_expected), str(r.rank_regret)]
            for r in table.sort_values("rank_expected").itertuples()]
    header = [word(HEADLINE, k, lang) for k in ("lever", "protection", "mean_regret",
                                                "max_regret", "best_share", "rank_expected",
                                                "rank_regret")]
    body = (f"<p>{html.escape(word(HEADLINE, 'levers_intro', lang))}</p>"
            + html_table(header, rows))
    return word(HEADLINE, "levers_title", lang), body


def headline_section(table: pd.DataFrame, lang: str) -> tuple[str, str]:
    """The report's first section: the flagship's answers, each with its interval."""
    rows = [[f"<span class='nw'>{html.escape(c)}</span>" if k in (1, 2) else html.escape(c)
             for k, c in enumerate(headline_cells(r.claim, r.estimate, r.low, r.high,
                                                  r.interval, lang))]
            for r in table.itertuples()]
    body = (f"<p>{html.escape(word(HEADLINE, 'intro', lang))}</p>"
            + html_table([word(HEADLINE, k, lang) for k in ("claim", "estimate")]
                         + [word(HEADLINE, "interval", lang), ""], rows))
    return word(HEADLINE, "title", lang), body


COST = "share_dissatisfied"
"""The outcome the three numbers of :func:`reconcile_section` are about."""


def reconcile_section(headline: pd.DataFrame, threshold: pd.DataFrame, runs: pd.DataFrame,
                      manifest: dict[str, Any], reference: str | None,
                      lang: str) -> list[tuple[str, str]]:
    """The section that puts the folder's three answers to "what does falling back cost"
    side by side, each read from the folder: the headline over the national posterior
    (headline.csv), the batch's own scenario with minus without fallback (its runs, what
    ODD §7.3 reports) and the threshold sweep at the scenario's threshold
    (threshold.csv); it says which is the headline and what each rests on. None when
    the folder holds fewer than two of them."""
    from sim.analysis import paired_differences
    from sim.experiment.store import scenario_config
    from sim.report.html import differing

    rows = []
    national = headline[(headline["claim"] == "fallback_cost_national")
                        & (headline["interval"] == "ci95")]
    if not national.empty:
        r = national.iloc[0]
        rows.append((word(HEADLINE, "reconcile_national", lang), r.estimate, r.low, r.high,
                     word(HEADLINE, "reconcile_national_text", lang)))
    known = manifest.get("scenarios", {})
    twins = [s for s in known if reference in known and s != reference
             and differing(manifest, s, reference) == ("fallback.enabled",)]
    if twins and COST in runs.columns:
        twin = twins[0]
        with_, without = ((twin, reference) if scenario_config(manifest, twin)["fallback"][
            "enabled"] else (reference, twin))
        diff = paired_differences(runs[runs["scenario"].isin([with_, without])], [COST],
                                  without).iloc[0]
        drawn = runs.loc[runs["scenario"] == with_, "posterior"].dropna() if (
            "posterior" in runs.columns) else pd.Series(dtype=object)
        rests = (word(HEADLINE, "reconcile_posterior", lang).format(
            digest=", ".join(sorted(map(str, drawn.unique())))) if not drawn.empty
            else word(HEADLINE, "reconcile_fixed", lang))
        name = scenario_name(with_, lang)
        rows.append((word(HEADLINE, "reconcile_scenario", lang).format(
            name=name[:1].upper() + name[1:]), diff.difference, diff.ci_low, diff.ci_high,
            rests))
        upper = float(scenario_config(manifest, with_)["fallback"]["upper"])
        if "upper" in threshold.columns:
            at = threshold[(threshold["outcome"] == COST)
                           & ((threshold["upper"] - upper).abs() < 1e-9)]
            if not at.empty:
                t = at.iloc[0]
                rows.append((word(HEADLINE, "reconcile_threshold", lang).format(
                    value=number(upper, lang)), t.difference, t.ci_low, t.ci_high,
                    word(HEADLINE, "reconcile_threshold_text", lang)))
    if len(rows) < 2:
        return []
    cells = [[html.escape(what), f"<span class='nw'>{signed(COST, est, lang)}</span> "
              f"<span class='ci nw'>{signed_interval(COST, low, high, lang)}</span>",
              f"<div class='prose'>{html.escape(rests)}</div>"]
             for what, est, low, high, rests in rows]
    body = (f"<p>{html.escape(word(HEADLINE, 'reconcile_intro', lang))}</p>"
            + html_table([word(HEADLINE, k, lang) for k in ("number", "estimate",
                                                            "rests_on")], cells))
    return [(word(HEADLINE, "reconcile", lang), body)]


def decomposition_section(parts: pd.DataFrame, lang: str) -> tuple[str, str]:
    rows = [[html.escape(label(r.outcome, lang)), label(f"part_{r.part}", lang),
             f"{signed(r.outcome, r.difference, lang)} <span class='ci'>"
             f"{signed_interval(r.outcome, r.ci_low, r.ci_high, lang)}"
             "</span>"] for r in parts.itertuples()]
    body = (f"<p>{label('decomposition_text', lang)}</p>"
            + html_table([label("outcome", lang), label("part", lang), label("difference", lang)],
                     rows))
    return label("decomposition", lang), body


def uncertainty_section(runs: pd.DataFrame, manifest: dict[str, Any],
                        lang: str) -> tuple[str, str]:
    """Which uncertainty the intervals carry: with a posterior, parametric too, and which
    of the parameters drawn the data narrowed (identified) and which come from their
    prior only (the calibration's parameters.csv, where its folder is at hand)."""
    if "posterior" in runs.columns and runs["posterior"].notna().any():
        digests = ", ".join(sorted(map(str, runs["posterior"].dropna().unique())))
        text = label("uncertainty_posterior", lang).format(digest=html.escape(digests))
        carried = _carried_by(manifest.get("posterior") or {}, lang)
        if carried:
            text += f"</p><p>{carried}"
    else:
        text = label("uncertainty_fixed", lang)
    return label("uncertainty", lang), f"<p>{text}</p>"


def _carried_by(posterior: dict[str, Any], lang: str) -> str:
    """The drawn parameters, identified ones first, from the calibration's table; empty
    when its folder is not at hand (a report rebuilt elsewhere)."""
    folder = Path(str(posterior.get("folder", "")))
    table = folder / "parameters.csv"
    if not posterior.get("folder") or not table.is_file():
        return ""
    params = pd.read_csv(table)
    params = params[params["parameter"].isin(posterior.get("keys", []))]
    if params.empty:
        return ""

    def names(rows: pd.DataFrame) -> str:
        return ", ".join(html.escape(parameter_name(p, lang)) for p in rows["parameter"])

    found = params[params["identified"].astype(str).str.lower() == "true"]
    rest = params.drop(found.index)
    shown = html.escape(folder.name)
    if found.empty:
        return label("uncertainty_none_identified", lang).format(n=len(params), folder=shown)
    return label("uncertainty_identified", lang).format(
        n=len(params), folder=shown, k=len(found), identified=names(found), rest=len(rest),
        prior=names(rest))


def warmup_section(table: pd.DataFrame, series: pd.DataFrame, lang: str) -> tuple[str, str]:
    from sim.experiment.warmup import WarmupCheck
    from sim.report.warmup import warmup_figure

    reps = int(table["reps"].iloc[0]) if "reps" in table.columns else 0
    check = WarmupCheck(series, table, reps)
    text = label("warmup_text", lang).format(
        reps=reps, weeks=number(check.recommended_weeks, lang),
        warmup=number(float(table["warmup_weeks"].max()), lang))
    return label("warmup", lang), f"<p>{text}</p>" + figure_html(warmup_figure(check, lang))


def robustness_section(table: pd.DataFrame, lang: str) -> tuple[str, str]:
    """Heat maps of fallback's cost over the threshold and the incident rate."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    outcomes = list(dict.fromkeys(table["outcome"]))
    fig = make_subplots(rows=1, cols=len(outcomes),
                        subplot_titles=[label(o, lang) for o in outcomes])
    for j, outcome in enumerate(outcomes, start=1):
        part = table[table["outcome"] == outcome]
        z = part.pivot_table(index="aldermen.incident_rate", columns="fallback.upper",
                             values="difference")
        text = part.assign(text=[
            f"{signed(outcome, r.difference, lang)}<br>[{signed(outcome, r.ci_low, lang)}; "
            f"{signed(outcome, r.ci_high, lang)}]" for r in part.itertuples()]).pivot_table(
            index="aldermen.incident_rate", columns="fallback.upper", values="text",
            aggfunc="first")
        fig.add_trace(go.Heatmap(z=z.to_numpy(), x=[number(c, lang) for c in z.columns],
                                 y=[number(i, lang) for i in z.index], text=text.to_numpy(),
                                 texttemplate="%{text}", colorscale="RdBu", zmid=0,
                                 reversescale=outcome == "share_dissatisfied",
                                 showscale=False), row=1, col=j)
        fig.update_xaxes(title_text=parameter_name("fallback.upper", lang), row=1, col=j)
        fig.update_yaxes(title_text=parameter_name("aldermen.incident_rate", lang), row=1,
                         col=j)
    fig.update_layout(template="plotly_white", height=520, font={"size": 14})
    return label("robustness", lang), figure_html(fig)


def threshold_section(diffs: pd.DataFrame, lang: str) -> tuple[str, str]:
    diffs = diffs.copy()
    if "upper" not in diffs:
        diffs["upper"] = diffs["scenario"].str.extract(r"([\d.]+)$")[0].astype(float)
    table = diffs.rename(columns={"difference": "mean"})
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig = figures.sweep_plot(table, "upper", outcomes, lang, label("threshold_y", lang))
    fig.update_xaxes(title_text=label("threshold_x", lang))
    for k in range(len(outcomes)):
        fig.add_hline(y=0, line_dash="dot", line_color="grey", row=k // 2 + 1, col=k % 2 + 1)
    return label("threshold", lang), figure_html(fig)


def prim_section(box: pd.DataFrame, points: pd.DataFrame, lang: str) -> tuple[str, str]:
    if box.empty:
        return label("prim", lang), f"<p>{label('prim_none', lang)}</p>"
    share = {k: value("success_rate", float(box[k].iloc[0]), lang)
             for k in ("coverage", "density")}
    text = label("prim_text", lang).format(points=len(points), **share)
    rows = [[parameter_cell(str(r.parameter), lang), number(r.low, lang), number(r.high, lang)]
            for r in box.itertuples()]
    return label("prim", lang), f"<p>{text}</p>" + html_table(
        [label("parameter", lang), label("low", lang), label("high", lang)], rows)


def sweep_section(runs: pd.DataFrame, manifest: dict[str, Any], name: str, outcomes: list[str],
           lang: str) -> tuple[str, str]:
    fig = sweep_figure(runs, manifest, name, outcomes, lang)
    return label("sweep", lang).format(p=parameter_name(name, lang)), figure_html(fig)


def sweep_figure(runs: pd.DataFrame, manifest: dict[str, Any], name: str,
                 outcomes: list[str], lang: str) -> Any:
    """Outcomes against the swept parameter ``name``: the mean over replications and its
    95% CI as a band, held inside the range each outcome can take. In a grid over several
    parameters each combination of the others is its own line (never pooled): its
    legend names their values."""
    table = {s: info.get("params") or {} for s, info in manifest.get("scenarios", {}).items()}
    values = pd.DataFrame.from_dict(table, orient="index")
    others = [c for c in values.columns if c != name and values[c].nunique(dropna=False) > 1]
    summary = summarise(runs, outcomes)
    summary[name] = summary["scenario"].map({s: p.get(name) for s, p in table.items()})
    summary["group"] = summary["scenario"].map(
        {s: "; ".join(setting(k, p.get(k), lang) for k in others) for s, p in table.items()})
    summary = summary.dropna(subset=[name])
    by = summary.groupby([name, "group", "outcome"], as_index=False)[
        ["mean", "ci_low", "ci_high"]].mean()
    for column in ("ci_low", "ci_high"):
        by[column] = [clip(o, x) for o, x in zip(by["outcome"], by[column], strict=True)]
    return figures.sweep_plot(by, name, outcomes, lang)


def sobol_section(indices: pd.DataFrame, lang: str) -> tuple[str, str]:
    words = {"S1": label("S1", lang), "ST": label("ST", lang)}
    fig = figures.sobol_plot(indices, lang, words)
    rows = [[html.escape(label(r.outcome, lang)), parameter_cell(r.parameter, lang),
             f"{number(r.S1, lang)} ± {number(r.S1_conf, lang)}",
             f"{number(r.ST, lang)} ± {number(r.ST_conf, lang)}"]
            for r in indices.itertuples()]
    return label("sobol", lang), (f"<p>{label('sobol_text', lang)}</p>" + figure_html(fig)
                                  + html_table([label("outcome", lang), label("parameter", lang),
                                            "S1", "ST"], rows))


def samples_section(folder: Path, samples: pd.DataFrame, manifest: dict[str, Any],
                    found: list[Artefact], outcomes: list[str], lang: str) -> tuple[str, str]:
    """A sensitivity design's points: a scatter per parameter, and the pairs plot."""
    params = sample_parameters(folder, samples, manifest, found)
    shown_outcomes = [o for o in outcomes if o in samples.columns][:1] or [
        c for c in samples.columns if c in SUMMARY][:1]
    parts = [f"<p>{label('samples_text', lang).format(n=len(samples))}</p>"]
    for outcome in shown_outcomes:
        parts.append(figure_html(figures.parameter_scatter(samples, params, outcome, lang)))
        if len(params) > 1:
            ranked = ranked_parameters(folder, params, outcome, found)
            parts.append(f"<p>{_pairs_text(ranked, outcome, lang)}</p>"
                         + figure_html(figures.pairs_plot(samples, ranked, outcome, lang)))
    return label("samples", lang), "".join(parts)


def _pairs_text(params: list[str], outcome: str, lang: str) -> str:
    text = label("pairs_text", lang).format(outcome=html.escape(label(outcome, lang)))
    if len(params) > figures.PAIRS:
        text += " " + label("pairs_top", lang).format(k=figures.PAIRS, n=len(params))
    return text


def design(folder: Path, found: list[Artefact] | None = None) -> Artefact | None:
    """The sensitivity design's points the folder holds (run_sensitivity writes
    samples.csv; Morris and Sobol over the parameter space write points.parquet)."""
    return of_kind(artefacts(folder) if found is None else found, "design")


def sample_points(folder: Path, found: list[Artefact] | None = None) -> pd.DataFrame:
    """A sensitivity design's points: a column per parameter and per outcome (mean over
    the point's replications)."""
    points = design(folder, found)
    if points is None:
        raise ValueError(f"{folder} holds no sensitivity design's points")
    return read_table(points)


def sample_parameters(folder: Path, samples: pd.DataFrame, manifest: dict[str, Any],
                      found: list[Artefact] | None = None) -> list[str]:
    """The varied parameters among the columns of ``samples``."""
    names = list(dict.fromkeys(k for info in manifest.get("scenarios", {}).values()
                               for k in (info.get("params") or {})))
    space = of_kind(artefacts(folder, manifest) if found is None else found, "parameters")
    if not names and space is not None:
        table = read_table(space)
        names = list(table.loc[table["skipped"].fillna("") == "", "parameter"])
    return [p for p in names if p in samples.columns] or [
        c for c in samples.columns if c not in SUMMARY and c not in RUN_KEYS]


def ranked_parameters(folder: Path, params: list[str], outcome: str,
                      found: list[Artefact] | None = None) -> list[str]:
    """``params`` most important first for ``outcome``: by Sobol's ST (kind sobol) or
    Morris' μ* (kind morris) where the folder holds them, else in their own order."""
    found = artefacts(folder) if found is None else found
    for what, column in (("sobol", "ST"), ("morris", "mu_star")):
        artefact = of_kind(found, what)
        table = read_table(artefact) if artefact is not None else pd.DataFrame()
        if not table.empty:
            part = table[table["outcome"] == outcome].set_index("parameter")[column]
            if not part.empty:
                score = {p: float(part.get(p, math.nan)) for p in params}
                return sorted(params, key=lambda p: -score[p] if score[p] == score[p]
                              else math.inf)
    return list(params)


def calibration_section(result: dict[str, Any], lang: str) -> tuple[str, str]:
    fitted = html_table([label("parameter", lang), label("fitted", lang)],
                    [[parameter_cell(k, lang), number(v, lang)]
                     for k, v in result["fitted"].items()])
    rows = [[html.escape(label(o, lang)), value(o, c["target"], lang),
             f"{value(o, c['mean'], lang)} <span class='ci'>"
             f"{interval(o, c['ci_low'], c['ci_high'], lang)}</span>"]
            for o, c in result.get("check", {}).items()]
    check = html_table([label("outcome", lang), label("target", lang), label("check", lang)], rows)
    return label("calibration", lang), fitted + check


def failures_section(failures: pd.DataFrame, lang: str = "en") -> list[tuple[str, str]]:
    """A report section listing failed runs (none when every run succeeded)."""
    if failures is None or failures.empty:
        return []
    rows = [[html.escape(scenario_name(str(r.scenario), lang)), str(int(r.replication)),
             str(int(r.seed)),
             html.escape(str(r.error))] for r in failures.itertuples()]
    return [(label("failed", lang).format(n=len(failures)),
             f"<p>{label('failed_text', lang)}</p>" + html_table(
                 [TEXT["scenario"][lang], label("replication", lang), label("seed", lang),
                  label("error", lang)], rows))]

"""One report builder for every result folder: it reads what the folder holds.

``regiesim report DIR`` and every experiment script end here, so a report rebuilt from a
folder, in either language, is the report the experiment wrote. The folder's manifest
lists its artefacts, each with its kind (:mod:`sim.experiment.store.artefacts`; a folder
written before the list existed is read by its files' names), and :data:`SECTIONS`, a
registry keyed by artefact kind in report order, says which section shows which kind:

    runs               which uncertainty the intervals carry; outcomes against each
                       swept parameter (not for a sensitivity design)
    decomposition      fallback's cost split into the regime and broken expectations
    threshold_sweep    paired differences against no fallback per threshold
    robustness         heat maps of fallback's cost over threshold and incident rate
    warmup             the warm-up check (with warmup_series)
    prim_box           the PRIM box around the costliest points (with discovery)
    sobol              Sobol indices with their intervals
    design             a sensitivity design's points and their outcome means (Morris and
                       Sobol over the parameter space: points.parquet), ranked by sobol
                       or morris
    first_fit          fitted values and their check against the targets (first_fit.json)

report.json (kind ``report_settings``) holds the report's title (per language), reference
scenario and outcomes. Kinds in :data:`UNSHOWN` have no section of their own; an
artefact of a kind this version does not know is listed in a last section, by name and
kind, so that nothing the folder holds is passed over in silence.

A folder is one of three kinds: a sensitivity design (an artefact of kind ``design``: no
per-scenario tables of hundreds of sample points, but the Sobol indices, a scatter of the
points and EMA Workbench's pairs plot), a sweep (the scenarios' variant parameters vary:
outcomes against the swept parameter) or a batch. A report goes to a new file unless
asked to replace: ``report.html`` first, then ``report-<lang>.html``, then
``report-<lang>-2.html`` and so on.

:func:`write_plot` draws one of these figures on its own page (``regiesim plot``).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import summarise
from sim.experiment.batch import RUN_KEYS
from sim.experiment.store.artefacts import (
    Artefact,
    artefacts,
    of_kind,
    read_table,
    write_artefact,
)
from sim.experiment.store.manifest import read_manifest
from sim.files import atomic_write
from sim.outcomes import HEADLINE, SUMMARY
from sim.report import figures
from sim.report.html import build_report, figure_html
from sim.report.labels import LANGS, TEXT, clip, interval, label, number, signed, value

META = "report.json"
WORDS: dict[str, dict[str, str]] = {
    "unknown": {"en": "Other artefacts in this folder",
                "nl": "Andere bestanden in deze map"},
    "unknown_text": {"en": "The manifest lists these files with a kind this version of "
                           "regiesim has no section for; they are shown here by name only.",
                     "nl": "Het manifest noemt deze bestanden met een soort waarvoor deze "
                           "versie van regiesim geen onderdeel heeft; ze staan hier alleen "
                           "met hun naam."},
    "file": {"en": "file", "nl": "bestand"},
    "kind": {"en": "kind", "nl": "soort"},
}


@dataclass
class Meta:
    """How the experiment wants its report: title per language, reference, outcomes."""

    title: dict[str, str] = field(default_factory=dict)
    reference: str | None = None
    outcomes: list[str] | None = None

    @classmethod
    def read(cls, folder: Path, found: list[Artefact] | None = None) -> Meta:
        settings = of_kind(artefacts(folder) if found is None else found, "report_settings")
        if settings is None:
            return cls()
        data = json.loads(settings.path.read_text(encoding="utf-8"))
        title = data.get("title") or {}
        return cls(title if isinstance(title, dict) else {"en": title, "nl": title},
                   data.get("reference"), data.get("outcomes"))

    def write(self, folder: Path) -> None:
        """report.json, listed in the folder's manifest (kind ``report_settings``)."""
        write_artefact(folder, META, json.dumps(
            {"title": self.title, "reference": self.reference, "outcomes": self.outcomes},
            indent=2, ensure_ascii=False), "report_settings")


def kind(folder: Path, runs: pd.DataFrame, manifest: dict[str, Any]) -> str:
    """"sensitivity", "sweep" or "batch"."""
    if of_kind(artefacts(folder, manifest), "design"):
        return "sensitivity"
    return "sweep" if swept(runs, manifest) else "batch"


def swept(runs: pd.DataFrame, manifest: dict[str, Any]) -> list[str]:
    """The numeric variant parameters that take more than one value across scenarios."""
    params = pd.DataFrame([info.get("params") or {} for info in
                           manifest.get("scenarios", {}).values()])
    return [c for c in params.columns
            if pd.api.types.is_numeric_dtype(params[c]) and params[c].nunique() > 1]


def report_path(folder: Path, lang: str, replace: bool = False) -> Path:
    """Where a new report goes: never over an existing one unless ``replace``."""
    first = folder / "report.html"
    if replace or not first.exists():
        return first
    candidate, n = folder / f"report-{lang}.html", 2
    while candidate.exists():
        candidate, n = folder / f"report-{lang}-{n}.html", n + 1
    return candidate


@dataclass(frozen=True)
class Shown:
    """What a section is built from: the folder's runs, manifest and artefacts."""

    folder: Path
    runs: pd.DataFrame
    manifest: dict[str, Any]
    found: list[Artefact]
    lang: str
    outcomes: list[str]

    def table(self, kind: str) -> pd.DataFrame:
        """The first artefact of ``kind``, as a table."""
        artefact = of_kind(self.found, kind)
        if artefact is None:
            raise KeyError(f"{self.folder} holds no artefact of kind {kind!r}")
        return read_table(artefact)


Built = list[tuple[str, str]]


@dataclass(frozen=True)
class Section:
    """A report section: shown when the folder holds an artefact of ``kind`` and of each
    of ``needs``, and none of ``unless``."""

    kind: str
    build: Callable[[Shown], Built]
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


def _sweeps(shown: Shown) -> Built:
    return [_sweep(shown.runs, shown.manifest, name, shown.outcomes, shown.lang)
            for name in swept(shown.runs, shown.manifest)]


def _sobol_of(shown: Shown) -> Built:
    indices = shown.table("sobol")
    return [] if indices.empty else [_sobol(indices, shown.lang)]


def _first_fit(shown: Shown) -> Built:
    artefact = of_kind(shown.found, "first_fit")
    assert artefact is not None
    return [_calibration(json.loads(artefact.path.read_text()), shown.lang)]


SECTIONS: tuple[Section, ...] = (
    Section("runs", lambda s: [_uncertainty(s.runs, s.lang)], unless=("design",)),
    Section("decomposition", lambda s: [_decomposition(s.table("decomposition"), s.lang)]),
    Section("threshold_sweep", lambda s: [_threshold(s.table("threshold_sweep"), s.lang)]),
    Section("robustness", lambda s: [_robustness(s.table("robustness"), s.lang)]),
    Section("warmup", lambda s: [_warmup(s.table("warmup"), s.table("warmup_series"),
                                         s.lang)], needs=("warmup_series",)),
    Section("prim_box", lambda s: [_prim(s.table("prim_box"), s.table("discovery"),
                                         s.lang)], needs=("discovery",)),
    Section("runs", _sweeps, unless=("design",)),
    Section("sobol", _sobol_of),
    Section("design", lambda s: [_samples(s, s.table("design"))]),
    Section("first_fit", _first_fit),
)
"""The report's sections by the kind of artefact they show, in report order."""

UNSHOWN: frozenset[str] = frozenset({
    "series", "failures", "runs_csv", "summary", "differences", "report_settings",
    "report", "warmup_series", "discovery", "breach", "claims", "conditions",
    "conditions_partnered",
    "parameters", "morris", "noise", "precision", "replications", "trajectory",
    "posterior", "populations", "posterior_predictive", "checks", "calibration_settings",
    "abc_history"})
"""Kinds with no section of their own: the report's own tables and figures (series,
summary, differences, failures), what another section reads alongside (warmup_series,
discovery, parameters, morris), and the files of experiments and commands that report
them themselves."""


def sections(folder: Path, runs: pd.DataFrame, manifest: dict[str, Any], lang: str,
             outcomes: list[str], found: list[Artefact] | None = None) -> Built:
    """The sections the folder's artefacts call for (:data:`SECTIONS`, in their order),
    then a list of the artefacts of a kind this version does not know."""
    found = artefacts(folder, manifest) if found is None else found
    held = {a.kind for a in found} | {"runs"}  # runs: the table, or a running batch's parts
    shown = Shown(folder, runs, manifest, found, lang, outcomes)
    built: Built = []
    for section in SECTIONS:
        if (section.kind in held and held.issuperset(section.needs)
                and held.isdisjoint(section.unless)):
            built += section.build(shown)
    known = {s.kind for s in SECTIONS} | UNSHOWN
    unknown = [a for a in found if a.kind not in known]
    if unknown:
        rows = [[html.escape(a.name), html.escape(a.kind)] for a in unknown]
        built.append((WORDS["unknown"][lang], f"<p>{WORDS['unknown_text'][lang]}</p>"
                      + _table([WORDS["file"][lang], WORDS["kind"][lang]], rows)))
    return built


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _decomposition(parts: pd.DataFrame, lang: str) -> tuple[str, str]:
    sep = "; " if lang == "nl" else ", "
    rows = [[html.escape(label(r.outcome, lang)), label(f"part_{r.part}", lang),
             f"{signed(r.outcome, r.difference, lang)} <span class='ci'>"
             f"[{signed(r.outcome, r.ci_low, lang)}{sep}{signed(r.outcome, r.ci_high, lang)}]"
             "</span>"] for r in parts.itertuples()]
    body = (f"<p>{label('decomposition_text', lang)}</p>"
            + _table([label("outcome", lang), label("part", lang), label("difference", lang)],
                     rows))
    return label("decomposition", lang), body


def _uncertainty(runs: pd.DataFrame, lang: str) -> tuple[str, str]:
    """Which uncertainty the intervals carry: with a posterior, parametric too."""
    if "posterior" in runs.columns and runs["posterior"].notna().any():
        digests = ", ".join(sorted(map(str, runs["posterior"].dropna().unique())))
        text = label("uncertainty_posterior", lang).format(digest=html.escape(digests))
    else:
        text = label("uncertainty_fixed", lang)
    return label("uncertainty", lang), f"<p>{text}</p>"


def _warmup(table: pd.DataFrame, series: pd.DataFrame, lang: str) -> tuple[str, str]:
    from sim.experiment.warmup import WarmupCheck
    from sim.report.warmup import warmup_figure

    reps = int(table["reps"].iloc[0]) if "reps" in table.columns else 0
    check = WarmupCheck(series, table, reps)
    text = label("warmup_text", lang).format(
        reps=reps, weeks=number(check.recommended_weeks, lang),
        warmup=number(float(table["warmup_weeks"].max()), lang))
    return label("warmup", lang), f"<p>{text}</p>" + figure_html(warmup_figure(check, lang))


def _robustness(table: pd.DataFrame, lang: str) -> tuple[str, str]:
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
        fig.update_xaxes(title_text="fallback.upper", row=1, col=j)
        fig.update_yaxes(title_text="aldermen.incident_rate", row=1, col=j)
    fig.update_layout(template="plotly_white", height=520, font={"size": 14})
    return label("robustness", lang), figure_html(fig)


def _threshold(diffs: pd.DataFrame, lang: str) -> tuple[str, str]:
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


def _prim(box: pd.DataFrame, points: pd.DataFrame, lang: str) -> tuple[str, str]:
    if box.empty:
        return label("prim", lang), f"<p>{label('prim_none', lang)}</p>"
    share = {k: value("success_rate", float(box[k].iloc[0]), lang)
             for k in ("coverage", "density")}
    text = label("prim_text", lang).format(points=len(points), **share)
    rows = [[html.escape(str(r.parameter)), number(r.low, lang), number(r.high, lang)]
            for r in box.itertuples()]
    return label("prim", lang), f"<p>{text}</p>" + _table(
        [label("parameter", lang), label("low", lang), label("high", lang)], rows)


def _sweep(runs: pd.DataFrame, manifest: dict[str, Any], name: str, outcomes: list[str],
           lang: str) -> tuple[str, str]:
    fig = sweep_figure(runs, manifest, name, outcomes, lang)
    return label("sweep", lang).format(p=name), figure_html(fig)


def sweep_figure(runs: pd.DataFrame, manifest: dict[str, Any], name: str,
                 outcomes: list[str], lang: str) -> Any:
    """Outcomes against the swept parameter ``name``: the mean over replications and its
    95% CI as a band, held inside the range each outcome can take; scenarios that share a
    value of ``name`` (a grid over several parameters) are averaged."""
    params = {s: (info.get("params") or {}).get(name)
              for s, info in manifest.get("scenarios", {}).items()}
    summary = summarise(runs, outcomes)
    summary[name] = summary["scenario"].map(params)
    summary = summary.dropna(subset=[name])
    by = summary.groupby([name, "outcome"], as_index=False)[["mean", "ci_low", "ci_high"]].mean()
    for column in ("ci_low", "ci_high"):
        by[column] = [clip(o, x) for o, x in zip(by["outcome"], by[column], strict=True)]
    return figures.sweep_plot(by, name, outcomes, lang)


def _sobol(indices: pd.DataFrame, lang: str) -> tuple[str, str]:
    words = {"S1": label("S1", lang), "ST": label("ST", lang)}
    fig = figures.sobol_plot(indices, lang, words)
    rows = [[html.escape(label(r.outcome, lang)), html.escape(r.parameter),
             f"{number(r.S1, lang)} ± {number(r.S1_conf, lang)}",
             f"{number(r.ST, lang)} ± {number(r.ST_conf, lang)}"]
            for r in indices.itertuples()]
    return label("sobol", lang), (f"<p>{label('sobol_text', lang)}</p>" + figure_html(fig)
                                  + _table([label("outcome", lang), label("parameter", lang),
                                            "S1", "ST"], rows))


def _samples(shown: Shown, samples: pd.DataFrame) -> tuple[str, str]:
    lang, outcomes = shown.lang, shown.outcomes
    params = sample_parameters(shown.folder, samples, shown.manifest, shown.found)
    shown_outcomes = [o for o in outcomes if o in samples.columns][:1] or [
        c for c in samples.columns if c in SUMMARY][:1]
    parts = [f"<p>{label('samples_text', lang).format(n=len(samples))}</p>"]
    for outcome in shown_outcomes:
        parts.append(figure_html(figures.parameter_scatter(samples, params, outcome, lang)))
        if len(params) > 1:
            ranked = ranked_parameters(shown.folder, params, outcome, shown.found)
            parts.append(f"<p>{_pairs_text(ranked, outcome, lang)}</p>"
                         + figure_html(figures.pairs_plot(samples, ranked, outcome, lang)))
    return label("samples", lang), "".join(parts)


def _pairs_text(params: list[str], outcome: str, lang: str) -> str:
    text = label("pairs_text", lang).format(outcome=html.escape(label(outcome, lang)))
    if len(params) > figures.PAIRS:
        text += " " + label("pairs_top", lang).format(k=figures.PAIRS, n=len(params))
    return text


def _design(folder: Path, found: list[Artefact] | None = None) -> Artefact | None:
    """The sensitivity design's points the folder holds (run_sensitivity writes
    samples.csv; Morris and Sobol over the parameter space write points.parquet)."""
    return of_kind(artefacts(folder) if found is None else found, "design")


def sample_points(folder: Path, found: list[Artefact] | None = None) -> pd.DataFrame:
    """A sensitivity design's points: a column per parameter and per outcome (mean over
    the point's replications)."""
    design = _design(folder, found)
    if design is None:
        raise ValueError(f"{folder} holds no sensitivity design's points")
    return read_table(design)


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


def _calibration(result: dict[str, Any], lang: str) -> tuple[str, str]:
    fitted = _table([label("parameter", lang), label("fitted", lang)],
                    [[html.escape(k), number(v, lang)] for k, v in result["fitted"].items()])
    rows = [[html.escape(label(o, lang)), value(o, c["target"], lang),
             f"{value(o, c['mean'], lang)} <span class='ci'>"
             f"{interval(o, c['ci_low'], c['ci_high'], lang)}</span>"]
            for o, c in result.get("check", {}).items()]
    check = _table([label("outcome", lang), label("target", lang), label("check", lang)], rows)
    return label("calibration", lang), fitted + check


def failures_section(failures: pd.DataFrame, lang: str = "en") -> list[tuple[str, str]]:
    """A report section listing failed runs (none when every run succeeded)."""
    if failures is None or failures.empty:
        return []
    rows = [[html.escape(str(r.scenario)), str(int(r.replication)), str(int(r.seed)),
             html.escape(str(r.error))] for r in failures.itertuples()]
    return [(label("failed", lang).format(n=len(failures)),
             f"<p>{label('failed_text', lang)}</p>" + _table(
                 [TEXT["scenario"][lang], label("replication", lang), label("seed", lang),
                  label("error", lang)], rows))]


def build_folder_report(folder: str | Path, lang: str = "en", title: str | None = None,
                        reference: str | None = None,
                        outcomes: list[str] | None = None) -> str:
    """The whole report of a result folder as one HTML string."""
    from sim.experiment.store import ResultStore

    stored = ResultStore.load(folder)
    if stored.runs.empty:
        raise ValueError(f"{stored.folder} holds no successful runs to report on")
    found = artefacts(stored.folder, stored.manifest)
    meta = Meta.read(stored.folder, found)
    shown = [o for o in (outcomes or meta.outcomes or HEADLINE) if o in stored.runs.columns]
    extra = sections(stored.folder, stored.runs, stored.manifest, lang, shown, found)
    return build_report(
        stored.runs, stored.series, reference=reference or meta.reference,
        manifest=stored.manifest, lang=lang,
        title=title or meta.title.get(lang) or meta.title.get("en"), outcomes=shown,
        extra=[*extra, *failures_section(stored.failures, lang)],
        per_scenario=_design(stored.folder, found) is None)


PLOTS: tuple[str, ...] = ("sweep", "sobol", "pairs")
"""The figures ``regiesim plot`` draws on their own."""


def plots_of(folder: Path) -> list[str]:
    """The kinds of plot the folder holds what it takes for."""
    manifest = read_manifest(folder / "manifest.json")
    held = artefacts(folder, manifest or {})
    offered = []
    if manifest is not None and not _design(folder, held) and swept(pd.DataFrame(), manifest):
        offered.append("sweep")
    sobol = of_kind(held, "sobol")
    if sobol is not None and not read_table(sobol).empty:
        offered.append("sobol")
    if _design(folder, held):
        offered.append("pairs")
    return offered


def plot_figure(folder: str | Path, what: str, outcome: str, lang: str = "en",
                parameter: str | None = None) -> tuple[str, Any]:
    """One figure of a result folder, with its title: ``what`` is one of :data:`PLOTS`.

    Raises ValueError naming the folder, and what it offers, when it does not hold what
    the figure needs; and naming the outcomes the folder has, for an outcome it lacks.
    """
    from sim.outcomes import describe

    folder = Path(folder)
    if lang not in LANGS:
        raise ValueError(f"lang: must be one of {', '.join(LANGS)}, got {lang!r}")
    if what not in PLOTS:
        raise ValueError(f"--kind: must be one of {', '.join(PLOTS)}, got {what!r}")
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such folder (give a result folder of `batch` or "
                         "`sensitivity`)")
    try:
        describe(outcome)
    except KeyError as exc:
        raise ValueError(f"--outcome: {exc.args[0]} (`regiesim outcomes` lists them all)") \
            from None
    offered = plots_of(folder)
    if what not in offered:
        needs = {"sweep": "a batch whose scenarios differ in a [sweep] parameter",
                 "sobol": "sobol.csv (from `regiesim sensitivity --method sobol`)",
                 "pairs": "the points of a sensitivity design (samples.csv or "
                          "points.parquet, from `regiesim sensitivity`)"}[what]
        also = (f"; this folder offers --kind {', '.join(offered)}" if offered
                else "; this folder offers none of " + ", ".join(PLOTS))
        raise ValueError(f"{folder}: --kind {what} needs {needs}{also}")
    return {"sweep": _plot_sweep, "sobol": _plot_sobol, "pairs": _plot_pairs}[what](
        folder, outcome, lang, parameter)


def _have(outcome: str, have: list[str], source: Path) -> None:
    if outcome not in have:
        raise ValueError(f"--outcome: {source} holds no {outcome!r}; it has "
                         f"{', '.join(o for o in have if o in SUMMARY) or 'none'}")


def _choose(parameter: str | None, params: list[str], folder: Path) -> str:
    if parameter is None:
        return params[0]
    if parameter not in params:
        raise ValueError(f"--parameter: {folder} varies {', '.join(params)}, got {parameter!r}")
    return parameter


def _plot_sweep(folder: Path, outcome: str, lang: str,
                parameter: str | None) -> tuple[str, Any]:
    from sim.experiment.store import ResultStore

    stored = ResultStore.load(folder)
    if stored.runs.empty:
        raise ValueError(f"{folder} holds no successful runs to plot")
    _have(outcome, list(stored.runs.columns), folder / "runs.parquet")
    name = _choose(parameter, swept(stored.runs, stored.manifest), folder)
    return (label("sweep", lang).format(p=name),
            sweep_figure(stored.runs, stored.manifest, name, [outcome], lang))


def _plot_sobol(folder: Path, outcome: str, lang: str,
                parameter: str | None) -> tuple[str, Any]:
    sobol = of_kind(artefacts(folder), "sobol")
    assert sobol is not None  # plots_of offered it
    indices = read_table(sobol)
    _have(outcome, list(dict.fromkeys(indices["outcome"])), sobol.path)
    part = indices[indices["outcome"] == outcome].sort_values("ST", ascending=False)
    fig = figures.sobol_plot(part, lang, {"S1": label("S1", lang), "ST": label("ST", lang)})
    return label("sobol", lang), fig


def _plot_pairs(folder: Path, outcome: str, lang: str,
                parameter: str | None) -> tuple[str, Any]:
    manifest = read_manifest(folder / "manifest.json") or {}
    found = artefacts(folder, manifest)
    design = _design(folder, found)
    assert design is not None  # plots_of offered it
    samples = read_table(design)
    _have(outcome, list(samples.columns), design.path)
    params = ranked_parameters(folder, sample_parameters(folder, samples, manifest, found),
                               outcome, found)
    if len(params) < 2:
        raise ValueError(f"{folder}: a pairs plot needs two varied parameters or more, the "
                         f"design varies {', '.join(params) or 'none'}")
    return (label("pairs", lang).format(outcome=label(outcome, lang)),
            figures.pairs_plot(samples, params, outcome, lang))


def write_plot(folder: str | Path, what: str, outcome: str, lang: str = "en",
               out: str | Path | None = None, parameter: str | None = None) -> Path:
    """Write one figure of the folder as a self-contained HTML page (plotly.js inlined);
    by default to ``FOLDER/plot-<kind>-<outcome>-<lang>.html``. Returns its path."""
    if out is not None and Path(out).suffix.lower() != ".html":
        raise ValueError(f"--out: {out} is not an .html file; regiesim writes plots as HTML "
                         "only (static .png/.svg/.pdf need kaleido, which regiesim does not "
                         "install): open the page and use the camera button of the figure")
    from sim.report.html import page

    title, fig = plot_figure(folder, what, outcome, lang, parameter)
    text = page(title, [figure_html(fig)], lang)
    path = Path(out) if out is not None else (
        Path(folder) / f"plot-{what}-{outcome}-{lang}.html")
    return atomic_write(path, text)


def write_folder_report(folder: str | Path, lang: str = "en", replace: bool = False,
                        out: str | Path | None = None, **kwargs: Any) -> Path:
    """Write the folder's report (see :func:`report_path`) atomically; return its path."""
    folder = Path(folder)
    text = build_folder_report(folder, lang, **kwargs)
    path = Path(out) if out is not None else report_path(folder, lang, replace)
    return atomic_write(path, text)


__all__ = ["PLOTS", "SECTIONS", "UNSHOWN", "Meta", "Section", "build_folder_report",
           "failures_section", "kind", "plot_figure", "plots_of", "ranked_parameters",
           "report_path", "sample_parameters", "sample_points", "sections", "sweep_figure",
           "swept", "write_folder_report", "write_plot"]

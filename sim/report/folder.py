"""One report builder for every result folder: it reads what the folder holds.

``regiesim report DIR`` and every experiment script end here, so a report rebuilt from a
folder, in either language, is the report the experiment wrote. What an experiment adds
to its folder is read back by file name:

    report.json        title (per language), reference scenario and outcomes of the report
    decomposition.csv  fallback's cost split into the regime and broken expectations
    threshold.csv      paired differences against no fallback per threshold (a sweep)
    discovery.csv      the points of a scenario discovery, with their cost
    prim_box.csv       the PRIM box around the costliest points
    samples.csv        a sensitivity design's points and their outcome means
    sobol.csv          Sobol indices with their intervals
    calibration.json   fitted values and their check against the targets

A folder is one of three kinds: a sensitivity design (``samples.csv``: no per-scenario
tables of hundreds of sample points, but the Sobol indices and a scatter of the points),
a sweep (the scenarios' variant parameters vary: outcomes against the swept parameter) or
a batch. A report goes to a new file unless asked to replace: ``report.html`` first, then
``report-<lang>.html``, then ``report-<lang>-2.html`` and so on.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import summarise
from sim.outcomes import HEADLINE, SUMMARY
from sim.report import figures
from sim.report.html import build_report, figure_html
from sim.report.labels import TEXT, interval, label, number, signed, value

META = "report.json"
KEYS = ("scenario", "replication", "seed", "scenario_hash")


@dataclass
class Meta:
    """How the experiment wants its report: title per language, reference, outcomes."""

    title: dict[str, str] = field(default_factory=dict)
    reference: str | None = None
    outcomes: list[str] | None = None

    @classmethod
    def read(cls, folder: Path) -> Meta:
        path = folder / META
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        title = data.get("title") or {}
        return cls(title if isinstance(title, dict) else {"en": title, "nl": title},
                   data.get("reference"), data.get("outcomes"))

    def write(self, folder: Path) -> None:
        (folder / META).write_text(json.dumps(
            {"title": self.title, "reference": self.reference, "outcomes": self.outcomes},
            indent=2, ensure_ascii=False), encoding="utf-8")


def kind(folder: Path, runs: pd.DataFrame, manifest: dict[str, Any]) -> str:
    """"sensitivity", "sweep" or "batch"."""
    if (folder / "samples.csv").exists():
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


def sections(folder: Path, runs: pd.DataFrame, manifest: dict[str, Any], lang: str,
             outcomes: list[str]) -> list[tuple[str, str]]:
    """The sections an experiment's files add, in a fixed order."""
    found: list[tuple[str, str]] = []
    if not (folder / "samples.csv").exists():
        found.append(_uncertainty(runs, lang))
    if (folder / "decomposition.csv").exists():
        found.append(_decomposition(pd.read_csv(folder / "decomposition.csv"), lang))
    if (folder / "threshold.csv").exists():
        found.append(_threshold(pd.read_csv(folder / "threshold.csv"), lang))
    if (folder / "robustness.csv").exists():
        found.append(_robustness(pd.read_csv(folder / "robustness.csv"), lang))
    if (folder / "warmup.csv").exists() and (folder / "warmup_series.csv").exists():
        found.append(_warmup(pd.read_csv(folder / "warmup.csv"),
                             pd.read_csv(folder / "warmup_series.csv"), lang))
    if (folder / "prim_box.csv").exists() and (folder / "discovery.csv").exists():
        found.append(_prim(pd.read_csv(folder / "prim_box.csv"),
                           pd.read_csv(folder / "discovery.csv"), lang))
    for name in swept(runs, manifest) if not (folder / "samples.csv").exists() else []:
        found.append(_sweep(runs, manifest, name, outcomes, lang))
    if (folder / "sobol.csv").exists() and (folder / "sobol.csv").stat().st_size > 1:
        found.append(_sobol(pd.read_csv(folder / "sobol.csv"), lang))
    if (folder / "samples.csv").exists():
        found.append(_samples(pd.read_csv(folder / "samples.csv"), manifest, outcomes, lang))
    if (folder / "first_fit.json").exists():
        found.append(_calibration(json.loads((folder / "first_fit.json").read_text()),
                                  lang))
    return found


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

    reps = int(table["reps"].iloc[0]) if "reps" in table.columns else 0
    check = WarmupCheck(series, table, reps)
    text = label("warmup_text", lang).format(
        reps=reps, weeks=number(check.recommended_weeks, lang),
        warmup=number(float(table["warmup_weeks"].max()), lang))
    return label("warmup", lang), f"<p>{text}</p>" + figure_html(check.figure(lang))


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
    params = {s: (info.get("params") or {}).get(name)
              for s, info in manifest.get("scenarios", {}).items()}
    summary = summarise(runs, outcomes)
    summary[name] = summary["scenario"].map(params)
    summary = summary.dropna(subset=[name])
    by = summary.groupby([name, "outcome"], as_index=False)[["mean", "ci_low", "ci_high"]].mean()
    fig = figures.sweep_plot(by, name, outcomes, lang)
    return label("sweep", lang).format(p=name), figure_html(fig)


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


def _samples(samples: pd.DataFrame, manifest: dict[str, Any], outcomes: list[str],
             lang: str) -> tuple[str, str]:
    names = list(dict.fromkeys(k for info in manifest.get("scenarios", {}).values()
                               for k in (info.get("params") or {})))
    params = [p for p in names if p in samples.columns] or [
        c for c in samples.columns if c not in SUMMARY and c not in KEYS]
    shown = [o for o in outcomes if o in samples.columns][:1] or [
        c for c in samples.columns if c in SUMMARY][:1]
    parts = [f"<p>{label('samples_text', lang).format(n=len(samples))}</p>"]
    for outcome in shown:
        parts.append(figure_html(figures.parameter_scatter(samples, params, outcome, lang)))
    return label("samples", lang), "".join(parts)


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
    meta = Meta.read(stored.folder)
    shown = [o for o in (outcomes or meta.outcomes or HEADLINE) if o in stored.runs.columns]
    what = kind(stored.folder, stored.runs, stored.manifest)
    extra = sections(stored.folder, stored.runs, stored.manifest, lang, shown)
    return build_report(
        stored.runs, stored.series, reference=reference or meta.reference,
        manifest=stored.manifest, lang=lang,
        title=title or meta.title.get(lang) or meta.title.get("en"), outcomes=shown,
        extra=[*extra, *failures_section(stored.failures, lang)],
        per_scenario=what != "sensitivity")


def write_folder_report(folder: str | Path, lang: str = "en", replace: bool = False,
                        out: str | Path | None = None, **kwargs: Any) -> Path:
    """Write the folder's report (see :func:`report_path`) atomically; return its path."""
    folder = Path(folder)
    text = build_folder_report(folder, lang, **kwargs)
    path = Path(out) if out is not None else report_path(folder, lang, replace)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


__all__ = ["Meta", "build_folder_report", "failures_section", "kind", "report_path",
           "sections", "swept", "write_folder_report"]

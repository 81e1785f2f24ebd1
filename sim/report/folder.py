"""One report builder for every result folder: it reads what the folder holds.

``regiesim report DIR`` and every experiment script end here, so a report rebuilt from a
folder, in either language, is the report the experiment wrote. The folder's manifest
lists its artefacts, each with its kind (:mod:`sim.experiment.store.artefacts`; a folder
written before the list existed is read by its files' names), and :data:`SECTIONS`, a
registry keyed by artefact kind in report order, says which section shows which kind:

    headline           the answer first (headline.csv); with threshold_sweep, the section
                       that reconciles the folder's three numbers for fallback's cost
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

:func:`sim.report.plots.write_plot` draws one of these figures on its own page
(``regiesim plot``); the sections themselves are built in :mod:`sim.report.sections`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.store import ResultStore
from sim.experiment.store.artefacts import (
    Artefact,
    artefacts,
    of_kind,
    read_table,
    write_artefact,
)
from sim.files import atomic_write
from sim.outcomes import HEADLINE
from sim.report.html import build_report
from sim.report.plots import PLOTS, plot_figure, plots_of, write_plot
from sim.report.sections import (
    calibration_section,
    decomposition_section,
    design,
    failures_section,
    headline_section,
    html_table,
    levers_section,
    prim_section,
    ranked_parameters,
    reconcile_section,
    robustness_section,
    sample_parameters,
    sample_points,
    samples_section,
    sobol_section,
    sweep_figure,
    sweep_section,
    swept,
    threshold_section,
    uncertainty_section,
    warmup_section,
)
from sim.words import FOLDER, word

META = "report.json"


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
    lead: bool = False
    """Shown first, before the levels of every scenario (the answer the folder holds)."""


def _sweeps(shown: Shown) -> Built:
    return [sweep_section(shown.runs, shown.manifest, name, shown.outcomes, shown.lang)
            for name in swept(shown.runs, shown.manifest)]


def _sobol_of(shown: Shown) -> Built:
    indices = shown.table("sobol")
    return [] if indices.empty else [sobol_section(indices, shown.lang)]


def _first_fit(shown: Shown) -> Built:
    artefact = of_kind(shown.found, "first_fit")
    assert artefact is not None
    return [calibration_section(json.loads(artefact.path.read_text()), shown.lang)]


def _of(build: Callable[..., tuple[str, str]], *kinds: str) -> Callable[[Shown], Built]:
    """A section built from the tables of ``kinds``, in the report's language."""
    return lambda shown: [build(*(shown.table(k) for k in kinds), shown.lang)]


def _reconcile(shown: Shown) -> Built:
    reference = Meta.read(shown.folder, shown.found).reference
    return reconcile_section(shown.table("headline"), shown.table("threshold_sweep"),
                             shown.runs, shown.manifest, reference, shown.lang)


SECTIONS: tuple[Section, ...] = (
    Section("headline", _of(headline_section, "headline"), lead=True),
    Section("headline", _reconcile, needs=("threshold_sweep",), lead=True),
    Section("levers", _of(levers_section, "levers"), lead=True),
    Section("runs", lambda s: [uncertainty_section(s.runs, s.manifest, s.lang)],
            unless=("design",)),
    Section("decomposition", _of(decomposition_section, "decomposition")),
    Section("threshold_sweep", _of(threshold_section, "threshold_sweep")),
    Section("robustness", _of(robustness_section, "robustness")),
    Section("warmup", _of(warmup_section, "warmup", "warmup_series"),
            needs=("warmup_series",)),
    Section("prim_box", _of(prim_section, "prim_box", "discovery"), needs=("discovery",)),
    Section("runs", _sweeps, unless=("design",)),
    Section("sobol", _sobol_of),
    Section("design", lambda s: [samples_section(s.folder, s.table("design"), s.manifest,
                                                 s.found, s.outcomes, s.lang)]),
    Section("first_fit", _first_fit),
)
"""The report's sections by the kind of artefact they show, in report order."""

UNSHOWN: frozenset[str] = frozenset({
    "series", "failures", "runs_csv", "summary", "differences", "report_settings",
    "report", "warmup_series", "discovery", "breach", "claims", "conditions",
    "conditions_partnered", "national", "national_kinds", "mix_prior", "mix_posterior",
    "voi_particles", "voi",
    "parameters", "morris", "noise", "precision", "replications", "trajectory",
    "posterior", "populations", "posterior_predictive", "checks", "calibration_settings",
    "abc_history"})
"""Kinds with no section of their own: the report's own tables and figures (series,
summary, differences, failures), what another section reads alongside (warmup_series,
discovery, parameters, morris), and the files of experiments and commands that report
them themselves."""


def sections(folder: Path, runs: pd.DataFrame, manifest: dict[str, Any], lang: str,
             outcomes: list[str], found: list[Artefact] | None = None,
             lead: bool = False) -> Built:
    """The sections the folder's artefacts call for (:data:`SECTIONS`, in their order),
    then a list of the artefacts of a kind this version does not know; with ``lead``,
    only the sections shown first (and no such list)."""
    found = artefacts(folder, manifest) if found is None else found
    held = {a.kind for a in found} | {"runs"}  # runs: the table, or a running batch's parts
    shown = Shown(folder, runs, manifest, found, lang, outcomes)
    built: Built = []
    for section in SECTIONS:
        if (section.lead == lead and section.kind in held
                and held.issuperset(section.needs) and held.isdisjoint(section.unless)):
            built += section.build(shown)
    if lead:
        return built
    known = {s.kind for s in SECTIONS} | UNSHOWN
    unknown = [a for a in found if a.kind not in known]
    if unknown:
        rows = [[html.escape(a.name), html.escape(a.kind)] for a in unknown]
        built.append((word(FOLDER, "unknown", lang),
                      f"<p>{word(FOLDER, 'unknown_text', lang)}</p>"
                      + html_table([word(FOLDER, "file", lang), word(FOLDER, "kind", lang)],
                                   rows)))
    return built


def build_folder_report(folder: str | Path, lang: str = "en", title: str | None = None,
                        reference: str | None = None,
                        outcomes: list[str] | None = None) -> str:
    """The whole report of a result folder as one HTML string."""
    stored = ResultStore.load(folder)
    if stored.runs.empty:
        raise ValueError(f"{stored.folder} holds no successful runs to report on")
    found = artefacts(stored.folder, stored.manifest)
    meta = Meta.read(stored.folder, found)
    shown = [o for o in (outcomes or meta.outcomes or HEADLINE) if o in stored.runs.columns]
    extra = sections(stored.folder, stored.runs, stored.manifest, lang, shown, found)
    first = sections(stored.folder, stored.runs, stored.manifest, lang, shown, found,
                     lead=True)
    return build_report(
        stored.runs, stored.series, reference=reference or meta.reference,
        manifest=stored.manifest, lang=lang,
        title=title or meta.title.get(lang) or meta.title.get("en"), outcomes=shown,
        extra=[*extra, *failures_section(stored.failures, lang)],
        per_scenario=design(stored.folder, found) is None, lead=first)


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

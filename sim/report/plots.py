"""One figure of a result folder on its own page (``regiesim plot``): outcomes against a
swept parameter, Sobol indices, or a sensitivity design's pairs plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.store.artefacts import artefacts, of_kind, read_table
from sim.experiment.store.manifest import read_manifest
from sim.files import atomic_write
from sim.outcomes import SUMMARY
from sim.report import figures
from sim.report.html import figure_html
from sim.report.labels import LANGS, label
from sim.report.sections import (
    design,
    ranked_parameters,
    sample_parameters,
    sweep_figure,
    swept,
)
from sim.words import parameter_name

PLOTS: tuple[str, ...] = ("sweep", "sobol", "pairs")
"""The figures ``regiesim plot`` draws on their own."""


def plots_of(folder: Path) -> list[str]:
    """The kinds of plot the folder holds what it takes for."""
    manifest = read_manifest(folder / "manifest.json")
    held = artefacts(folder, manifest or {})
    offered = []
    if manifest is not None and not design(folder, held) and swept(pd.DataFrame(), manifest):
        offered.append("sweep")
    sobol = of_kind(held, "sobol")
    if sobol is not None and not read_table(sobol).empty:
        offered.append("sobol")
    if design(folder, held):
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
    try:  # a run's outcome, or one derived from it (fallback_cost:share_dissatisfied)
        describe(outcome.rpartition(":")[2])
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
    return (label("sweep", lang).format(p=parameter_name(name, lang)),
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
    points = design(folder, found)
    assert points is not None  # plots_of offered it
    samples = read_table(points)
    _have(outcome, list(samples.columns), points.path)
    params = ranked_parameters(folder, sample_parameters(folder, samples, manifest, found),
                               outcome, found)
    if len(params) < 2:
        raise ValueError(f"{folder}: a pairs plot needs two varied parameters or more, the "
                         f"design varies {', '.join(params) or 'none'}")
    return (label("pairs", lang).format(outcome=label(outcome, lang)),
            figures.pairs_plot(samples, params, outcome, lang))


STATIC = (".svg", ".png", ".pdf")
"""The static formats ``regiesim plot --out`` writes (through kaleido and Chromium)."""
STATIC_WIDTH = 1200
"""The width, in pixels, of a static figure (its height is the figure's own)."""


def write_plot(folder: str | Path, what: str, outcome: str, lang: str = "en",
               out: str | Path | None = None, parameter: str | None = None) -> Path:
    """Write one figure of the folder: a self-contained HTML page (plotly.js inlined), by
    default ``FOLDER/plot-<kind>-<outcome>-<lang>.html``, or a static figure for a paper
    when ``out`` ends in .svg, .png or .pdf (:func:`write_static`). Returns its path."""
    suffix = Path(out).suffix.lower() if out is not None else ".html"
    if suffix not in (".html", *STATIC):
        raise ValueError(f"--out: {out} must end in .html, {', '.join(STATIC)}")
    from sim.report.html import page

    title, fig = plot_figure(folder, what, outcome, lang, parameter)
    if suffix in STATIC:
        return write_static(fig, title, Path(out))  # type: ignore[arg-type]
    text = page(title, [figure_html(fig)], lang)
    path = Path(out) if out is not None else (
        Path(folder) / f"plot-{what}-{outcome}-{lang}.html")
    return atomic_write(path, text)


def browser() -> str | None:
    """The Chromium kaleido draws with: $BROWSER_PATH, else Debian's chromium (what
    ``.ci/run`` installs), else none (kaleido then looks for its own)."""
    import os
    import shutil

    return (os.environ.get("BROWSER_PATH") or shutil.which("chromium")
            or shutil.which("chromium-browser"))


def static_image(fig: Any, kind: str = "png", width: int = STATIC_WIDTH) -> bytes:
    """``fig`` drawn as a static image (``kind``: svg, png or pdf) through kaleido and
    Chromium. Refused with what to install when either is missing."""
    import os

    try:
        import kaleido  # noqa: F401
    except ImportError:
        raise ValueError("static figures need kaleido (`make install` installs it; "
                         "or write an .html page)") from None
    found = browser()
    if found is not None:
        os.environ.setdefault("BROWSER_PATH", found)
    try:
        return fig.to_image(format=kind, width=width)
    except (ValueError, RuntimeError) as exc:
        if "hrom" not in str(exc):
            raise
        raise ValueError(f"drawing a .{kind} figure needs Chromium (Debian: apt-get "
                         f"install chromium; or set BROWSER_PATH): {exc}") from None


def write_static(fig: Any, title: str, path: Path) -> Path:
    """``fig`` as a static image (.svg, .png or .pdf by the suffix of ``path``), its title
    drawn on it, written atomically through kaleido and Chromium. Refused with what to
    install when either is missing."""
    fig.update_layout(title={"text": title, "x": 0.01, "xanchor": "left"},
                      margin={"t": max(int(fig.layout.margin.t or 0), 90)})
    try:
        image = static_image(fig, path.suffix[1:])
    except ValueError as exc:
        raise ValueError(f"--out: {path.name}: {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, image)
    return path


def show(fig: Any, width: int = 900) -> None:
    """Show ``fig`` in a notebook twice: interactive (plotly.js, for Jupyter) and, beside
    it, as a static PNG (drawn by kaleido), so that the figure also shows where plotly's
    JavaScript does not run: on GitHub and in nbconvert's HTML."""
    from IPython.display import Image, display

    fig.show()
    display(Image(static_image(fig, "png", width), format="png", width=width))

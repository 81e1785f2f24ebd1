"""Commands that read a result folder: report, plot and compare."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    Adjust,
    Lang,
    LangOption,
    PlotKind,
    Replace,
    UserError,
    app,
    check_reference,
    clean_errors,
    console,
    err,
    load_results,
    print_wide,
    safe,
    writable,
)
from sim.outcomes import TERMINAL
from sim.words import CLI, word

ReportFolder = Annotated[Path, typer.Argument(
    help="A result folder of `batch`, `sensitivity` or an experiment.")]
ReportReference = Annotated[str | None, typer.Option(
    help="Scenario the paired differences are taken against (default: the experiment's, "
         "else the first).")]
Title = Annotated[str | None, typer.Option(help="Title of the report.")]
ReportReplace = Annotated[bool, typer.Option(
    "--replace", help="Write over FOLDER/report.html (or over the --out file).")]
ReportOut = Annotated[Path | None, typer.Option(
    "--out", help="Write the report to this file instead.")]


@app.command()
@clean_errors
def report(folder: ReportFolder, lang: LangOption = Lang.en,
           reference: ReportReference = None, title: Title = None,
           replace: ReportReplace = False, out: ReportOut = None) -> None:
    """Rebuild the whole report from what the folder holds, in either language.

    One self-contained file that opens offline. It goes to FOLDER/report.html when there
    is none yet, else to a new file (report-nl.html, report-nl-2.html, ...) unless
    --replace. What an experiment stored (sweeps, PRIM, Sobol indices, calibration, the
    fallback decomposition) is read back; a sensitivity folder gets its Sobol figure.
    """
    from sim.report.folder import write_folder_report

    stored = load_results(folder, "to report on")
    check_reference(reference, list(dict.fromkeys(stored.runs["scenario"])), "reference")
    writable(out, replace)
    path = write_folder_report(folder, lang, replace=replace, out=out, title=title,
                               reference=reference)
    console.print(f"{word(CLI, 'report', lang)} {safe(path)}", highlight=False, soft_wrap=True)


PlotFolder = Annotated[Path, typer.Argument(
    help="A result folder of `batch` (over a [sweep]) or of `sensitivity`.",
    show_default=False)]
Kind = Annotated[PlotKind, typer.Option(
    "--kind", help="sweep|sobol|pairs: the outcome against the swept parameter (band: 95% "
    "CI); Sobol indices S1 and ST with 95% CIs; or the pairs plot, a scatter matrix of the "
    "sampled parameters coloured by the outcome.", show_default=False)]
Outcome = Annotated[str, typer.Option(help="The outcome shown (a key of `regiesim outcomes`).")]
Parameter = Annotated[str | None, typer.Option(
    help="sweep: the swept parameter on the x axis (default: the first).")]
PlotOut = Annotated[Path | None, typer.Option(
    "--out", help="Write to this .html file (default: FOLDER/plot-KIND-OUTCOME-LANG.html). "
    "HTML only: static images need kaleido, which is not installed.")]


@app.command()
@clean_errors
def plot(folder: PlotFolder, kind: Kind, outcome: Outcome = "success_rate",
         lang: LangOption = Lang.en, parameter: Parameter = None, out: PlotOut = None,
         replace: Replace = False) -> None:
    """Draw one figure of a result folder as a self-contained HTML page (opens offline)."""
    from sim.report.folder import write_plot

    writable(out, replace)
    path = write_plot(folder, kind, outcome, lang, out=out, parameter=parameter)
    console.print(f"{word(CLI, 'plot', lang)} {safe(path)}", highlight=False, soft_wrap=True)


CompareFolder = Annotated[Path, typer.Argument(help="A result folder of `batch`.")]
CompareReference = Annotated[str, typer.Option(help="Scenario to compare against.")]
Outcomes = Annotated[list[str], typer.Option(
    help="Outcome(s) to compare (repeatable; default: the headline).")]
CsvOut = Annotated[Path | None, typer.Option(help="Also write the table here.")]
AdjustOption = Annotated[Adjust, typer.Option(
    help="Adjust p-values for the many comparisons of the table: holm (family-wise error "
         "rate), bh (Benjamini-Hochberg false discovery rate) or none.")]
STARS = {"holm": "p < 0.05 after Holm's adjustment over the table",
         "bh": "p < 0.05 after Benjamini-Hochberg adjustment (FDR 5%) over the table",
         "none": "95% CI excludes 0, no adjustment for many comparisons"}
"""What the star of a row of `compare` means, by adjustment."""


@app.command()
@clean_errors
def compare(folder: CompareFolder, reference: CompareReference,
            outcome: Outcomes = [], csv: CsvOut = None,  # noqa: B006
            adjust: AdjustOption = Adjust.holm) -> None:
    """Paired differences of every scenario against a reference, with 95% CIs and p-values
    adjusted over the whole table (column adjustment says how)."""
    from sim.analysis import paired_differences

    runs = load_results(folder, "to compare").runs
    check_reference(reference, list(dict.fromkeys(runs["scenario"])), "reference")
    outcomes = outcome or [o for o in TERMINAL if o in runs.columns]
    unknown = [o for o in outcomes if o not in runs.columns]
    if unknown:
        raise UserError(f"outcome: unknown {', '.join(unknown)}; have "
                        f"{', '.join(c for c in runs.columns if c not in ('scenario', 'seed'))}")
    diffs = paired_differences(runs, outcomes, reference, adjust=adjust)
    print_wide(_differences_table(diffs, reference, adjust))
    if csv is not None:
        diffs.to_csv(csv, index=False)
        err.print(f"written {safe(csv)}", highlight=False)


def _differences_table(diffs: Any, reference: str, adjust: str) -> Table:
    table = Table(title=f"Paired differences against {safe(reference)} (95% CI per "
                        f"comparison; * {STARS[adjust]})")
    p_col = "p" if adjust == "none" else f"p ({adjust})"
    for col in ("scenario", "outcome", "difference", "95% CI", "n", p_col, ""):
        table.add_column(col, justify="left" if col in ("scenario", "outcome") else "right")
    for r in diffs.itertuples():
        table.add_row(safe(r.scenario), safe(r.outcome), f"{r.difference:+.4g}",
                      f"[{r.ci_low:+.4g}, {r.ci_high:+.4g}]", str(r.n),
                      f"{r.p_adjusted:.3g}", "*" if r.significant else "")
    return table

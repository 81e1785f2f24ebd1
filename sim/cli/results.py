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
    shown,
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
    "--out", help="Write to this file: .html (default: FOLDER/plot-KIND-OUTCOME-LANG.html), "
    "or .svg, .png or .pdf for a paper (drawn by kaleido with Chromium; BROWSER_PATH names "
    "another Chromium).")]


@app.command()
@clean_errors
def plot(folder: PlotFolder, kind: Kind, outcome: Outcome = "success_rate",
         lang: LangOption = Lang.en, parameter: Parameter = None, out: PlotOut = None,
         replace: Replace = False) -> None:
    """Draw one figure of a result folder: a self-contained HTML page (opens offline) or,
    with --out FIG.svg|.png|.pdf, a static figure for a paper."""
    from sim.report.folder import write_plot

    writable(out, replace)
    path = write_plot(folder, kind, outcome, lang, out=out, parameter=parameter)
    console.print(f"{word(CLI, 'plot', lang)} {safe(path)}", highlight=False, soft_wrap=True)


CompareFolder = Annotated[Path, typer.Argument(help="A result folder of `batch`.")]
CompareReference = Annotated[str | None, typer.Option(
    help="Scenario to compare every other against (or use --pair-by).")]
PairBy = Annotated[str | None, typer.Option(
    "--pair-by", help="KEY or KEY=VALUE: pair each scenario with its twin that differs "
    "only in KEY, the twin whose KEY is VALUE being the reference (a switch such as "
    "fallback.enabled needs no VALUE: the twin without it is the reference, so each "
    "difference is with minus without).", show_default=False)]
Outcomes = Annotated[list[str], typer.Option(
    help="Outcome(s) to compare (repeatable; default: the headline).")]
CsvOut = Annotated[Path | None, typer.Option(help="Also write the table here.")]
AdjustOption = Annotated[Adjust, typer.Option(
    help="The one rule for intervals and stars over the table's many comparisons: holm "
         "(stars by Holm's family-wise adjustment, intervals simultaneous by Bonferroni), "
         "bh (stars by Benjamini-Hochberg at a false discovery rate of 5%, intervals "
         "adjusted for the false coverage rate of the starred ones, Benjamini-Yekutieli) or "
         "none (95% per comparison, a star where the interval excludes 0).")]
RULES = {"holm": "{level} simultaneous CIs (Bonferroni over the {m} comparisons); * p < 0.05 "
                 "after Holm's adjustment, so every interval that excludes 0 has a star (Holm, "
                 "the more powerful, can also star one that touches 0)",
         "bh": "{level} CIs adjusted for the false coverage rate of the {r} starred "
               "(Benjamini-Yekutieli); * p < 0.05 after Benjamini-Hochberg adjustment over "
               "the {m} comparisons (FDR 5%): a star where the interval excludes 0",
         "none": "95% CI per comparison, no adjustment for the {m} comparisons; * the "
                 "interval excludes 0"}
"""The rule of `compare`'s intervals and stars, by adjustment: its table's note."""
ALPHA = 0.05


@app.command()
@clean_errors
def compare(folder: CompareFolder, reference: CompareReference = None,
            pair_by: PairBy = None, outcome: Outcomes = [],  # noqa: B006
            csv: CsvOut = None, adjust: AdjustOption = Adjust.holm) -> None:
    """Paired differences of every scenario against a reference (or, with --pair-by, of
    each scenario against its twin), with intervals and stars by one rule over the whole
    table (--adjust says which; the table's note states it). Names are shown whole, as
    stored: what is printed can be pasted into --reference."""
    stored = load_results(folder, "to compare")
    runs = stored.runs
    names = list(dict.fromkeys(runs["scenario"]))
    if (reference is None) == (pair_by is None):
        raise UserError("give --reference NAME (one reference for all) or --pair-by KEY "
                        "(each scenario against its twin), one of the two")
    check_reference(reference, names, "reference")
    outcomes = outcome or [o for o in TERMINAL if o in runs.columns]
    unknown = [o for o in outcomes if o not in runs.columns]
    if unknown:
        raise UserError(f"outcome: unknown {', '.join(unknown)}; have "
                        f"{', '.join(c for c in runs.columns if c not in ('scenario', 'seed'))}")
    pairs = ([(s, reference) for s in names if s != reference] if reference is not None
             else twins(stored.manifest, names, pair_by or "", folder))
    diffs = adjusted_differences(runs, outcomes, pairs, adjust)
    longest = max(len(safe(n)) for n in names)
    # wide enough for the names on one line each, whole and as stored, to paste back
    print_wide(_differences_table(diffs, reference, adjust),
               width=(2 if pair_by else 1) * longest + 80)
    if csv is not None:
        diffs.to_csv(csv, index=False)
        err.print(f"written {safe(csv)}", highlight=False)


def twins(manifest: dict[str, Any], names: list[str], pair_by: str,
          folder: Path) -> list[tuple[str, str]]:
    """(scenario, its twin) for every scenario of the folder that has a twin differing
    from it only in the setting KEY of ``pair_by`` (``KEY`` or ``KEY=VALUE``), the twin
    being the one whose KEY is VALUE (for a switch without VALUE: off)."""
    from sim.report.html import differing

    key, _, wanted = pair_by.partition("=")
    values = _setting_values(manifest, names, key, folder)
    wanted = _reference_value(values, key, wanted, folder)
    references = [n for n in names if str(values[n]) == wanted]
    pairs = []
    for name in names:
        twin = [r for r in references if differing(manifest, name, r) == (key,)]
        if str(values[name]) != wanted and twin:
            pairs.append((name, twin[0]))
    if not pairs:
        raise UserError(f"--pair-by: no scenario of {safe(folder)} has a twin that differs "
                        f"from it only in {key}")
    return pairs


def _setting_values(manifest: dict[str, Any], names: list[str], key: str,
                    folder: Path) -> dict[str, Any]:
    """The value of the setting ``key`` in every scenario of the folder."""
    from sim.experiment.store import scenario_config

    known = manifest.get("scenarios", {})
    missing = [n for n in names if n not in known]
    if missing:
        raise UserError(f"--pair-by: {safe(folder)} does not record the settings of "
                        f"{', '.join(missing)}; use --reference")
    values = {}
    for name in names:
        node: Any = scenario_config(manifest, name)
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise UserError(f"--pair-by: {key!r} is not a setting of scenario {name!r} "
                                "(give a dotted key such as fallback.enabled)")
            node = node[part]
        values[name] = node
    return values


def _reference_value(values: dict[str, Any], key: str, wanted: str, folder: Path) -> str:
    """The value (as text) of ``key`` that marks the references: ``wanted``, or off for a
    switch; refused when the folder does not vary ``key`` or has no such value."""
    found = sorted({str(v) for v in values.values()})
    if len(found) < 2:
        raise UserError(f"--pair-by: every scenario of {safe(folder)} has {key} = "
                        f"{found[0] if found else '?'}; nothing to pair")
    switch = all(isinstance(v, bool) for v in values.values())
    if not wanted and not switch:
        raise UserError(f"--pair-by: {key} takes the values {', '.join(found)}: say which "
                        f"is the reference, e.g. --pair-by {key}={found[0]}")
    wanted = (wanted or "false").capitalize() if switch else wanted
    if wanted not in found:
        raise UserError(f"--pair-by: no scenario has {key} = {wanted}; the values are "
                        f"{', '.join(found)}")
    return wanted


def adjusted_differences(runs: Any, outcomes: list[str], pairs: list[tuple[str, str]],
                         adjust: str) -> Any:
    """The paired differences of every (scenario, reference) pair, with p-values adjusted
    over the whole table and intervals by the same rule (:data:`RULES`): ``level`` is the
    intervals' confidence, ``significant`` the star."""
    import pandas as pd

    from sim.analysis import paired_differences
    from sim.analysis.multiple import adjust_pvalues

    def table(level: float) -> pd.DataFrame:
        parts = [paired_differences(runs[runs["scenario"].isin(pair)], outcomes, pair[1],
                                    level=level) for pair in pairs]
        return pd.concat(parts, ignore_index=True)

    first = table(1 - ALPHA)
    m = len(first)
    adjusted = adjust_pvalues(first["p_value"].to_numpy(), adjust)
    starred = adjusted < ALPHA
    level = {"none": 1 - ALPHA, "holm": 1 - ALPHA / m,
             "bh": 1 - ALPHA * max(int(starred.sum()), 1) / m}[adjust]
    out = table(level) if level != 1 - ALPHA else first
    out["p_adjusted"] = adjusted
    out["adjustment"] = adjust
    out["level"] = level
    out["significant"] = (starred if adjust != "none"
                          else (out["ci_low"] > 0) | (out["ci_high"] < 0))
    return out


def _differences_table(diffs: Any, reference: str | None, adjust: str) -> Table:
    level = float(diffs["level"].iloc[0]) if len(diffs) else 1 - ALPHA
    rule = RULES[adjust].format(level=f"{100 * level:.3g}%", m=len(diffs),
                                r=int(diffs["significant"].sum()))
    against = (f"against {shown(reference)}" if reference is not None
               else "each against its twin")
    table = Table(title=f"Paired differences, {against} ({rule})")
    p_col = "p" if adjust == "none" else f"p ({adjust})"
    columns = ("scenario", *(("reference",) if reference is None else ()), "outcome",
               "difference", "CI", "n", p_col, "")
    for col in columns:
        left = col in ("scenario", "reference", "outcome")
        # names whole (folded, never cut, if a name is wider than the screen) up to
        # sim.words.NAME_LIMIT characters, a longer one cut with its digest (shown)
        table.add_column(col, justify="left" if left else "right",
                         overflow="fold" if left else "ellipsis",
                         no_wrap=col in ("scenario", "reference") or not left)
    for r in diffs.itertuples():
        table.add_row(shown(r.scenario), *((shown(r.reference),) if reference is None else ()),
                      safe(r.outcome), f"{r.difference:+.4g}",
                      f"[{r.ci_low:+.4g}, {r.ci_high:+.4g}]", str(r.n),
                      f"{r.p_adjusted:.3g}", "*" if r.significant else "")
    return table

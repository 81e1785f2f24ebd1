"""The sensitivity command: Morris screening of every parameter, Sobol on the top ones (or
on the file's [ranges]), Latin hypercube or scrambled Sobol samples
(:func:`sim.experiment.sensitivity.run_study` runs them; this prints and writes pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.choices import PRIM_TAILS
from sim.cli.common import (
    DEFAULT_SEED,
    Backend,
    BackendOption,
    BreakLock,
    File,
    Force,
    Lang,
    LangOption,
    Method,
    Out,
    Scheduler,
    Seed,
    Sets,
    TlsCa,
    TlsCert,
    TlsKey,
    UserError,
    Workers,
    app,
    choices,
    clean_errors,
    err,
    executor_of,
    folder_of,
    print_wide,
    safe,
    say,
)
from sim.scenario_files import load_scenario
from sim.words import SENSITIVITY, parameter_name, percent, significant, word
from sim.words import say as say_words

PrimTailChoice = choices("PrimTail", PRIM_TAILS, "Which tail of an outcome a PRIM box "
                         "concentrates (sim.choices.PRIM_TAILS).")
Samples = Annotated[int, typer.Option(
    help="Saltelli base size N for sobol (N*(D+2) points; 1024 and more are fine); points "
         "for lhs and qmc.", min=2)]
MethodOption = Annotated[Method, typer.Option(
    help="morris (screening of every numeric parameter), sobol (Saltelli design and Sobol "
         "indices: over the top --top parameters of a Morris screening, or else over the "
         "file's [ranges]), lhs (Latin hypercube) or qmc (scrambled Sobol points).")]
PointReps = Annotated[int, typer.Option(
    help="Replications per design point (common random numbers); the indices use the "
         "per-point means, and noise.csv gives the noise share. 2 or more to measure the "
         "noise.", min=1)]
Top = Annotated[int | None, typer.Option(
    help="sobol: screen every parameter by Morris first (into OUT/morris) and run Sobol on "
         "the top K by μ* (into OUT/sobol).", min=1)]
Trajectories = Annotated[int, typer.Option(help="morris: trajectories r (r*(D+1) points).",
                                           min=2)]
Levels = Annotated[int, typer.Option(help="morris: grid levels (even).", min=2)]
Relative = Annotated[float, typer.Option(
    help="morris: half-width of a derived range, as a share of the scenario's value (the "
         "file's [ranges] override).")]
Shown = Annotated[list[str], typer.Option(
    help="Outcome(s) ranked and shown (repeatable; default: success rate and share "
         "dissatisfied); every outcome is analysed. An outcome of a run "
         "(share_dissatisfied; `regiesim outcomes` lists them) or a derived one, "
         "CONTRAST:OUTCOME: fallback_cost:share_dissatisfied is with fallback minus "
         "without, every point run in both arms on the same seeds (then every outcome's "
         "fallback_cost is analysed too).")]
PrimTail = Annotated[PrimTailChoice | None, typer.Option(
    "--prim", help="lhs, qmc or sobol over [ranges]: PRIM scenario discovery (EMA "
    "Workbench) of the box of parameter values that holds the points in the highest "
    "(high) or lowest (low) quarter of each shown outcome, into prim_box.csv; e.g. --prim "
    "high --outcome fallback_cost:share_dissatisfied finds where falling back costs most.",
    show_default=False)]


@app.command()
@clean_errors
# PLR0913: typer reads each command-line option from a parameter
def sensitivity(file: File, out: Out, samples: Samples = 64,  # noqa: PLR0913
                method: MethodOption = Method.sobol, reps: PointReps = 1, top: Top = None,
                trajectories: Trajectories = 10, levels: Levels = 4,
                relative: Relative = 0.2, outcome: Shown = [],  # noqa: B006
                seed: Seed = DEFAULT_SEED, sets: Sets = [],  # noqa: B006
                backend: BackendOption = Backend.process, workers: Workers = None,
                scheduler: Scheduler = None, tls_ca_file: TlsCa = None,
                tls_cert: TlsCert = None, tls_key: TlsKey = None,
                force: Force = False, break_lock: BreakLock = False,
                lang: LangOption = Lang.en, prim: PrimTail = None) -> None:
    """Global sensitivity: Morris screening of every parameter, Sobol on the top ones (or
    on the file's [ranges]), with replication noise separated and 95% bootstrap CIs.

    An outcome may be derived from two arms of every point: --outcome
    fallback_cost:share_dissatisfied is the share dissatisfied with fallback minus
    without, on the same seeds (common random numbers), replication by replication.
    """
    import dataclasses

    from sim.experiment.exploration import check_outcomes, read_ranges
    from sim.experiment.options import StoreOptions
    from sim.experiment.sensitivity import StudyDesign, run_study
    from sim.scenario_files import read_scenario_file

    if top is not None and method != Method.sobol:
        raise UserError("--top: only with --method sobol")
    shown = outcome or ["success_rate", "share_dissatisfied"]
    contrasts = check_outcomes(shown, "--outcome")
    design = StudyDesign(method, samples, reps, seed, top, trajectories, levels, relative)
    folder = folder_of(out)
    store = StoreOptions(force, break_lock)
    executor = dataclasses.replace(executor_of(
        backend, workers, scheduler, (tls_ca_file, tls_cert, tls_key), store=store),
        lang=str(lang))
    if prim is not None and design.screened:
        raise UserError("--prim: only with --method lhs or qmc, or sobol over the file's "
                        "[ranges] (without --top): PRIM needs a sample of the space")
    base = load_scenario(file, sets)
    given = (read_ranges(file) if not design.screened or "ranges" in read_scenario_file(file)
             else None)
    study = run_study(base, design, folder, given, shown,
                      on_stage=_stage_printer(design, shown, str(lang)),
                      log=lambda line: err.print(safe(line), highlight=False),
                      executor=executor, store=store, contrasts=contrasts)
    if study.sampled is not None:
        _print_sampled(study.sampled, folder, shown, str(lang))
        if prim is not None:
            _discover(study.sampled, folder, shown, str(prim), str(lang))


def _stage_printer(design: Any, shown: list[str], lang: str) -> Any:
    """What the command shows and writes as each stage of a screened study finishes."""
    from sim.report.sensitivity import write_sensitivity_page

    def stage(name: str, where: Path, result: Any) -> None:
        if name == "morris":
            _check_outcomes(result.indices, shown)
            note = say_words(SENSITIVITY, "morris_note", lang,
                             parameters=len(result.space.parameters),
                             trajectories=design.trajectories, levels=design.levels,
                             reps=design.reps)
            column, label, files = "mu_star", "μ*", "morris.csv, parameters.csv, noise.csv"
        else:
            note = say_words(SENSITIVITY, "sobol_note", lang,
                             parameters=len(result.space.parameters), samples=design.samples,
                             reps=design.reps)
            column, label, files = "ST", "ST", "sobol.csv, noise.csv"
        write_sensitivity_page(where, name, result.indices, result.design, shown, note, lang)
        _print_top(result.indices, shown, column, label, result.design.noise, lang)
        err.print(safe(say_words(SENSITIVITY, "written", lang,
                                 files=f"{where}/{files}, {name}.html")), highlight=False)

    return stage


def _print_sampled(sampled: Any, folder: Path, shown: list[str], lang: str) -> None:
    from sim.report.sensitivity import outcome_title

    err.print(safe(say_words(SENSITIVITY, "sampled", lang, n=len(sampled.samples),
                             file=str(folder / "samples.csv"))), highlight=False)
    if sampled.indices is not None and not sampled.indices.empty:
        _check_outcomes(sampled.indices, shown)
        table = Table(title=word(SENSITIVITY, "sampled_title", lang))
        for col in ("outcome", "parameter", "S1", "ST"):
            table.add_column(word(SENSITIVITY, col, lang))
        for r in sampled.indices[sampled.indices["outcome"].isin(shown)].itertuples():
            table.add_row(safe(outcome_title(r.outcome, lang)), safe(r.parameter),
                          f"{_num(r.S1, lang)} ± {_num(r.S1_conf, lang)}",
                          f"{_num(r.ST, lang)} ± {_num(r.ST_conf, lang)}")
        print_wide(table)
        err.print(safe(say_words(SENSITIVITY, "written", lang,
                                 files=str(folder / "sobol.csv"))), highlight=False)


def _discover(sampled: Any, folder: Path, shown: list[str], tail: str, lang: str) -> None:
    """PRIM over the sample, one box per shown outcome (prim_box.csv), each in a line."""
    import pandas as pd

    from sim.experiment.exploration import prim_of
    from sim.experiment.store.artefacts import write_artefact
    from sim.report.sensitivity import outcome_title

    names = sampled.ranges.names
    boxes = [prim_of(sampled.samples, names, o, tail) for o in shown]
    write_artefact(folder, "prim_box.csv", pd.concat(boxes, ignore_index=True), "prim_box")
    for o, box in zip(shown, boxes, strict=True):
        title = outcome_title(o, lang, inside=True)
        if box.empty:
            say(safe(say_words(SENSITIVITY, "prim_none", lang, outcome=title)))
            continue
        limits = "; ".join(say_words(SENSITIVITY, "between", lang,
                                     name=parameter_name(r.parameter, lang),
                                     low=_num(r.low, lang), high=_num(r.high, lang))
                           for r in box.itertuples())
        say(safe(say_words(SENSITIVITY, "prim", lang, tail=word(SENSITIVITY, tail, lang),
                           outcome=title, limits=limits,
                           coverage=percent(float(box["coverage"].iloc[0]), lang, 0),
                           density=percent(float(box["density"].iloc[0]), lang, 0))))
    err.print(safe(say_words(SENSITIVITY, "written", lang,
                             files=str(folder / "prim_box.csv"))), highlight=False)


def _num(x: float, lang: str, digits: int = 3) -> str:
    """A number of a table in the language's writing (0,123 in Dutch)."""
    return significant(float(x), lang, digits)


def _check_outcomes(indices: Any, shown: list[str]) -> None:
    have = set(indices["outcome"]) if not indices.empty else set()
    missing = [o for o in shown if o not in have]
    if missing:
        raise UserError(f"outcome: no indices for {', '.join(missing)} (unknown, or constant "
                        f"over the design); have {', '.join(sorted(have))}")


def _print_top(indices: Any, shown: list[str], column: str, name: str, noise: Any,
               lang: str, k: int = 10) -> None:
    from sim.report.sensitivity import effect, outcome_title

    conf = f"{column.lower()}_conf" if column == "mu_star" else f"{column}_conf"
    for o in shown:
        part = indices[indices["outcome"] == o].sort_values(column, ascending=False).head(k)
        share = noise.set_index("outcome").loc[o, "noise_share"]
        table = Table(title=safe(say_words(
            SENSITIVITY, "top", lang, outcome=f"{o}: {outcome_title(o, lang)}"
            if lang == "en" else outcome_title(o, lang),  # English names the key too
            k=len(part), index=name, share=_num(share, lang))))
        for col in (word(SENSITIVITY, "parameter", lang), name):
            table.add_column(col, justify="right" if col == name else "left")
        for r in part.to_dict("records"):
            shown = (f"{effect(o, r[column], lang)} ± {effect(o, r[conf], lang)}"
                     if column == "mu_star" else  # an effect: pp for shares
                     f"{_num(r[column], lang)} ± {_num(r[conf], lang, 2)}")  # an index
            table.add_row(safe(r["parameter"]), shown)
        print_wide(table)

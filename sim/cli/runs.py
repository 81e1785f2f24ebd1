"""Commands that run scenarios: run (headline on the terminal) and batch (into a result
folder, resumable, optionally to a precision)."""

from __future__ import annotations

import contextlib
import json
import math
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    DEFAULT_SEED,
    SKIPPED_EXIT,
    Backend,
    BackendOption,
    BreakLock,
    File,
    Files,
    Force,
    Lang,
    LangOption,
    On,
    Out,
    PrecisionOn,
    Reference,
    Reps,
    Scheduler,
    Seed,
    Sets,
    SkipInvalid,
    TimeBudget,
    TlsCa,
    TlsCert,
    TlsKey,
    UserError,
    Workers,
    app,
    clean_errors,
    console,
    err,
    executor_of,
    folder_of,
    plain,
    posterior_of,
    report_failures,
    safe,
    say,
)
from sim.cli.inputs import checked, variants
from sim.outcomes import TERMINAL
from sim.words import BACKENDS, BATCH, word
from sim.words import say as say_words

Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@contextlib.contextmanager
def _workers_watched() -> Iterator[None]:
    """A lost worker process ends the command with its one line (exit status 1), not a
    traceback."""
    from sim.experiment.batch import WorkerLost

    try:
        yield
    except WorkerLost as exc:
        err.print(f"[bold red]error:[/] {safe(exc)}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


@app.command()
@clean_errors
def run(file: File, seed: Seed = DEFAULT_SEED, reps: Reps = 10, sets: Sets = [],  # noqa: B006
        json_out: Json = False, backend: BackendOption = Backend.process,
        workers: Workers = None) -> None:
    """Run a scenario (every sweep variant) and print the headline with 95% CIs."""
    import dataclasses

    from sim.analysis import summarise
    from sim.experiment import run_batch
    from sim.experiment.batch import RUN_KEYS
    from sim.experiment.scale import check_scale
    from sim.model import build

    scenarios, params = variants([file], sets)
    for warning in check_scale(scenarios):  # as batch shows them (and refuses the same)
        say(say_words(BATCH, "large", "en", warning=safe(warning)))
    if not json_out:  # the start line names the model that runs
        err.print(f"{len(scenarios)} scenario(s) x {reps} replications ({safe(backend)}; "
                  f"model: {build()})", highlight=False)
    executor = dataclasses.replace(executor_of(backend, workers), progress=not json_out)
    with _workers_watched():
        batch = run_batch(scenarios, reps=reps, seed=seed, params=params, executor=executor)
    if not batch.failures.empty:  # `run` keeps nothing: show the first traceback
        err.print(safe(batch.failures["traceback"].iloc[0]), highlight=False)
        err.print(f"[bold red]error:[/] {len(batch.failures)} of {len(scenarios) * reps} "
                  "run(s) failed; the first traceback is above", highlight=False)
        raise typer.Exit(1)
    outcomes = [c for c in batch.runs.columns
                if c not in (*RUN_KEYS, *next(iter(params.values())))]
    summary = summarise(batch.runs, outcomes)
    if json_out:
        doc = {"file": str(file), "seed": seed, "reps": reps,
               "scenarios": _json_scenarios(summary, scenarios, params)}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    import pandas as pd

    from sim.report.labels import same_role
    from sim.report.publish import print_headline

    shown = summary[summary["outcome"].isin(TERMINAL)]
    print_headline(shown.assign(scenario=shown["scenario"].map(safe)), pd.DataFrame(),
                   f"{safe(file)}: {reps} replications, seed {seed} (mean [95% CI])", "en",
                   console, {safe(name) for name in same_role(scenarios)})


def _json_scenarios(summary: Any, scenarios: dict[str, Any],
                    params: dict[str, Any]) -> dict[str, Any]:
    return {name: {"hash": scenarios[name].digest(), "params": params[name],
                   "outcomes": {r.outcome: {"mean": plain(r.mean), "ci_low": plain(r.ci_low),
                                            "ci_high": plain(r.ci_high), "n": int(r.n)}
                                for r in part.itertuples()}}
            for name, part in summary.groupby("scenario", sort=False)}


Precision = Annotated[float | None, typer.Option(
    help="Keep adding replications until the CIs of success rate and share dissatisfied "
         "have half-widths of at most this share of their means (e.g. 0.02); --reps is the "
         "start.")]
MaxReps = Annotated[int, typer.Option(help="Upper limit with --precision.", min=2)]
PosteriorFolder = Annotated[Path | None, typer.Option(
    help="A calibration folder (regiesim calibrate): each replication draws one parameter "
         "set from its posterior, the same in every scenario.")]
Csv = Annotated[bool, typer.Option(
    "--csv", help="Also write runs.csv (one row per run) beside runs.parquet.")]
Wide = Annotated[bool, typer.Option(
    "--wide", help="summary.csv with one row per scenario: each outcome's mean and 95% CI "
    "as columns (default: one row per scenario and outcome).")]
Absolute = Annotated[float | None, typer.Option(
    help="With or instead of --precision: an absolute CI half-width to reach (for "
         "outcomes near zero, e.g. 0.01 = 1 pp); with both, the easier target counts.")]
Chunk = Annotated[int | None, typer.Option(
    help="Runs per task on the process pool or Dask (default: sized automatically from "
         "the first runs, about 0.5 s of work per task). The numbers do not depend on it.",
    min=1)]


def _check_precision(precision: float | None, absolute: float | None) -> None:
    if precision is not None and not 0 < precision < 1:
        raise UserError(f"--precision: must be a share between 0 and 1 (e.g. 0.02), got "
                        f"{'not a number' if math.isnan(precision) else precision}")
    if absolute is not None and not (absolute > 0 and math.isfinite(absolute)):
        raise UserError(f"--absolute: must be a half-width > 0 (e.g. 0.01), got {absolute}")


@app.command()
@clean_errors
# PLR0913: typer reads each command-line option from a parameter
def batch(files: Files, out: Out, reps: Reps = 30, seed: Seed = DEFAULT_SEED,  # noqa: PLR0913
          sets: Sets = [], backend: BackendOption = Backend.process,  # noqa: B006
          workers: Workers = None, scheduler: Scheduler = None,
          tls_ca_file: TlsCa = None, tls_cert: TlsCert = None, tls_key: TlsKey = None,
          time_budget: TimeBudget = None, force: Force = False, break_lock: BreakLock = False,
          precision: Precision = None, max_reps: MaxReps = 1000,
          posterior: PosteriorFolder = None, csv: Csv = False, absolute: Absolute = None,
          precision_on: On = PrecisionOn.levels, reference: Reference = None,
          chunk: Chunk = None, skip_invalid: SkipInvalid = False, wide: Wide = False,
          lang: LangOption = Lang.en) -> None:
    """Run scenario files (and their sweeps) x replications into a result folder.

    Runs are stored as they finish; running the same command again resumes where a
    stopped batch left off. Every scenario's replication i uses the same seed. A run that
    fails is recorded (with its traceback) and the batch goes on; the command then exits
    with status 1. The folder is locked while the batch writes. Every file is checked
    before anything runs: every bad one is listed with its problems, and nothing runs
    unless --skip-invalid (then the others run, and the exit status is 3). Every row of
    runs.parquet, runs.csv and summary.csv names its scenario's file, the parameters that
    vary across the batch and the scenario's digest. With --lang nl the start, the progress
    lines and the closing line are in Dutch.
    """
    import dataclasses

    from sim.experiment import run_batch
    from sim.experiment.options import StoreOptions
    from sim.experiment.progress import model_build
    from sim.experiment.scale import check_scale
    from sim.experiment.store.artefacts import record_in_manifest, write_artefact
    from sim.experiment.tables import recorded_sources, sources_of

    folder = folder_of(out)
    _check_precision(precision, absolute)
    store = StoreOptions(force, break_lock, time_budget)
    executor = dataclasses.replace(executor_of(
        backend, workers, scheduler, (tls_ca_file, tls_cert, tls_key), chunk, store),
        lang=str(lang))
    loaded = checked(files, sets, skip_invalid, reference)
    scenarios, params = loaded.scenarios, loaded.params
    for warning in check_scale(scenarios, force):
        say(say_words(BATCH, "large", lang, warning=safe(warning)))
    total = len(scenarios) * reps
    where = str(backend) if lang == "en" else word(BACKENDS, str(backend), lang)
    err.print(safe(say_words(BATCH, "start", lang, scenarios=len(scenarios), reps=reps,
                             total=total, out=str(folder), backend=where,
                             model=model_build(str(lang)))), highlight=False)
    sources = {**recorded_sources(folder), **sources_of(loaded.files)}
    common = {"params": params, "posterior": posterior_of(posterior), "executor": executor,
              "store": store}
    with _workers_watched():
        if precision is None and absolute is None:
            result = run_batch(scenarios, reps=reps, seed=seed, out=folder, **common)
        else:
            from sim.analysis.precision import Target
            from sim.experiment.sequential import run_to_precision

            target = Target(("success_rate", "share_dissatisfied"), precision, absolute,
                            precision_on, reference)
            result = run_to_precision(scenarios, target, seed=seed, min_reps=max(reps, 2),
                                      max_reps=max_reps, out=folder,
                                      report=_progress_of_precision(max_reps, str(lang)),
                                      **common)
            write_artefact(folder, "precision.csv", result.status, "precision")
    say(safe(say_words(BATCH, "done", lang, runs=len(result.runs),
                       runs_file=str(folder / "runs.parquet"),
                       series_file=str(folder / "series.parquet"),
                       manifest_file=str(folder / "manifest.json"))))
    if precision is not None or absolute is not None:
        _report_precision(result.missed, folder, max_reps, str(lang))
    _write_tables(folder, sources, csv, wide, next(iter(scenarios)), str(lang))
    if loaded.invalid:
        record_in_manifest(folder, "skipped_files",
                           {str(p): problems for p, problems in loaded.invalid.items()})
        say(say_words(BATCH, "skipped", lang, n=len(loaded.invalid),
                      file=safe(folder / "manifest.json")))
        for path, problems in loaded.invalid.items():
            say(f"  {safe(path)}: {safe('; '.join(problems))}")
    if not result.failures.empty:
        report_failures(result.failures, folder)
        raise typer.Exit(1)
    if loaded.invalid:
        raise typer.Exit(SKIPPED_EXIT)


def _progress_of_precision(max_reps: int, lang: str = "en") -> Any:
    """What a batch to a precision says after each round (in ``lang``)."""
    from sim.experiment.sequential import describe_miss

    def report(done: int, status: Any) -> None:
        missing = status[~status["met"]]
        if missing.empty:
            err.print(say_words(BATCH, "round_met", lang, done=done))
            return
        worst = describe_miss(missing.sort_values("needed").iloc[-1].to_dict(), max_reps,
                              lang)
        say(say_words(BATCH, "round", lang, done=done, missing=len(missing),
                      targets=len(status), worst=safe(worst)))

    return report


def _report_precision(missed: Any, folder: Path, max_reps: int, lang: str = "en") -> None:
    """Whether every precision target was reached, and which were not (in ``lang``)."""
    from sim.experiment.sequential import describe_miss

    if missed.empty:
        err.print(say_words(BATCH, "reached", lang, file=safe(folder / "precision.csv")),
                  highlight=False)
        return
    err.print(say_words(BATCH, "missed", lang, missed=len(missed),
                        file=safe(folder / "precision.csv")), highlight=False)
    for row in missed.to_dict("records"):
        say(f"  {safe(describe_miss(row, max_reps, lang))}")
    if (missed["mean"].abs() < missed["half_width"]).any():
        say(word(BATCH, "near_zero", lang))


def _write_tables(folder: Path, sources: dict[str, str], csv: bool, wide: bool,
                  first: str, lang: str = "en") -> None:
    """The tables for the user (:func:`sim.experiment.tables.write_tables`: summary.csv
    with every interval inside its outcome's range), and the commands to run next."""
    from sim.experiment.tables import write_tables

    written = write_tables(folder, sources, csv, wide)
    if not written:
        return
    first, where = shlex.quote(first), shlex.quote(str(folder))
    report = f"regiesim report {where}" + ("" if lang == "en" else f" --lang {lang}")
    say(safe(say_words(BATCH, "written", lang, files=", ".join(written), folder=str(folder),
                       compare=f"regiesim compare {where} --reference {first}",
                       report=report)))

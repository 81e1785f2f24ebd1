"""Commands that choose and check an experiment's settings: replications (how many, and
the warm-up), sensitivity (Morris, Sobol, samples) and calibrate (ABC-SMC)."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    Backend,
    BackendOption,
    File,
    Files,
    Force,
    Kernel,
    Lang,
    LangOption,
    On,
    Out,
    PrecisionOn,
    Reference,
    Scheduler,
    Seed,
    Sets,
    UserError,
    Workers,
    app,
    clean_errors,
    console,
    err,
    executor_of,
    folder_of,
    print_wide,
    safe,
    say,
)
from sim.cli.inputs import variants
from sim.scenario_files import load_scenario

Priors = Annotated[Path, typer.Option(
    help="TOML file with a [priors] table: \"table.key\" = [low, high] (uniform).",
    show_default=False)]
Populations = Annotated[int, typer.Option(
    help="ABC-SMC populations (generations) in all; a folder that holds fewer resumes.",
    min=1)]
Particles = Annotated[int, typer.Option(help="Particles per population.", min=2)]
ParticleReps = Annotated[int, typer.Option(help="Replications per particle.", min=1)]
Draws = Annotated[int, typer.Option(help="Posterior predictive draws.", min=1)]
KernelOption = Annotated[Kernel, typer.Option(
    help="normal or local: how a population proposes the next, one normal over the whole "
         "population or a normal per particle around its neighbours (for a ridge-shaped "
         "posterior); rejection: plain rejection ABC, the --particles closest of "
         "--particles / --accept draws from the prior, all of equal weight.")]
Accept = Annotated[float, typer.Option(
    help="--kernel rejection: the share of the draws from the prior that is kept.",
    min=0.0001, max=1.0)]


@app.command()
@clean_errors
# PLR0913: typer reads each command-line option from a parameter
def calibrate(file: File, priors: Priors, out: Out, populations: Populations = 5,  # noqa: PLR0913
              particles: Particles = 100, reps: ParticleReps = 2, seed: Seed = 0,
              sets: Sets = [], backend: BackendOption = Backend.process,  # noqa: B006
              workers: Workers = None, scheduler: Scheduler = None, draws: Draws = 40,
              kernel: KernelOption = Kernel.normal, accept: Accept = 0.05,
              lang: LangOption = Lang.en) -> None:
    """Calibrate FILE by ABC-SMC against the survey patterns; posterior into --out.

    The calibrating patterns are the Nationale ombudsman's 44% dissatisfied and 33%
    satisfied; held-back patterns are checked on the posterior. The folder gets abc.db
    (pyabc's history: a stopped calibration resumes from its last population),
    posterior.parquet, populations.csv, checks.csv, ppc.parquet and report.html.
    Experiments use the posterior with `regiesim batch ... --posterior FOLDER`. With
    --lang nl its lines on the terminal and report.html are in Dutch.
    """
    from sim.experiment.calibration import calibrate as run_abc
    from sim.experiment.calibration import read_priors
    from sim.report.calibration import write_calibration_report
    from sim.words import CALIBRATION
    from sim.words import say as say_words

    folder = folder_of(out)
    base = load_scenario(file, sets)
    table = read_priors(priors)
    if kernel == Kernel.rejection:
        say(safe(say_words(CALIBRATION, "start_rejection", lang, file=file, n=len(table),
                           particles=particles, total=math.ceil(particles / accept),
                           reps=reps, out=folder)))
    else:
        say(safe(say_words(CALIBRATION, "start", lang, file=file, n=len(table),
                           populations=populations, particles=particles, reps=reps,
                           out=folder)))
    try:
        with _abc_lines(str(lang) if kernel != Kernel.rejection else "en"):
            result = run_abc(base, table, folder, populations=populations,
                             particles=particles, reps=reps, seed=seed,
                             executor=executor_of(backend, workers, scheduler),
                             ppc_draws=draws, kernel=kernel, accept=accept,
                             log=lambda line: err.print(safe(line), highlight=False),
                             lang=str(lang))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    write_calibration_report(result, str(lang))
    say(safe(say_words(CALIBRATION, "done", lang, posterior=folder / "posterior.parquet",
                       report=folder / "report.html",
                       simulations=result.manifest["simulations"])))


_POPULATION = re.compile(r"t: (-?\d+), eps: (\S+?)\.?$")


@contextlib.contextmanager
def _abc_lines(lang: str) -> Iterator[None]:
    """pyabc's log lines (its handler on logger "ABC") in ``lang``: in English as pyabc
    writes them; in another language each population's tolerance in its words
    (:data:`sim.words.CALIBRATION`), without pyabc's "ABC INFO:" in front, and pyabc's
    other informational lines left out (warnings and errors stay as they are). Rejection
    ABC does not use pyabc: it is given "en", which leaves pyabc unimported."""
    import logging

    from sim.words import CALIBRATION, significant
    from sim.words import say as say_words

    if lang == "en":
        yield
        return
    import pyabc  # noqa: F401  (its handler on "ABC" is made on import)

    def translate(record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        found = _POPULATION.match(record.getMessage())
        if found is None:
            return False
        record.msg = say_words(CALIBRATION, "population", lang, t=int(found[1]) + 1,
                               epsilon=significant(float(found[2]), lang, 4))
        record.args = ()
        return True

    handlers = list(logging.getLogger("ABC").handlers)
    formats = [h.formatter for h in handlers]
    for handler in handlers:
        handler.addFilter(translate)
        handler.setFormatter(logging.Formatter("%(message)s"))
    try:
        yield
    finally:
        for handler, kept in zip(handlers, formats, strict=True):
            handler.removeFilter(translate)
            handler.setFormatter(kept)


TargetPrecision = Annotated[float | None, typer.Option(
    help="Relative CI half-width to reach, as a share of the mean (e.g. 0.05).")]
TargetAbsolute = Annotated[float | None, typer.Option(
    help="Absolute CI half-width to reach (for outcomes near zero); with --precision, the "
         "easier target counts.")]
TargetOutcomes = Annotated[list[str], typer.Option(
    help="Outcome(s) (repeatable; default: success rate and share dissatisfied).")]
KLimit = Annotated[int, typer.Option(
    help="Hoad et al.'s look-ahead kLimit: the precision must hold for this many further "
         "replications (kLimit percent of n above 100).", min=0)]
Start = Annotated[int, typer.Option(help="Replications of the first round.", min=3)]
Limit = Annotated[int, typer.Option(help="Upper limit.", min=3)]
WarmupReps = Annotated[int, typer.Option(
    help="Replications of the warm-up check (MSER-5 on the weekly tension and active "
         "initiatives, run from empty); 0 skips it.", min=0)]
TablesOut = Annotated[str | None, typer.Option(
    "--out", help="Folder for the runs (resumable), the tables (CSV) and "
                  "replications.html.")]


@app.command()
@clean_errors
# PLR0913: typer reads each command-line option from a parameter
def replications(files: Files, precision: TargetPrecision = None,  # noqa: PLR0913
                 absolute: TargetAbsolute = None, outcome: TargetOutcomes = [],  # noqa: B006
                 precision_on: On = PrecisionOn.levels, reference: Reference = None,
                 k_limit: KLimit = 5, start: Start = 10, max_reps: Limit = 1000,
                 warmup_reps: WarmupReps = 10, out: TablesOut = None, seed: Seed = 0,
                 sets: Sets = [], backend: BackendOption = Backend.process,  # noqa: B006
                 workers: Workers = None, force: Force = False) -> None:
    """Choose replications by method (Hoad, Robinson & Davies 2010) and check the warm-up.

    Replications: the confidence-interval method, run sequentially until the CI of every
    target stays within the target width over a look-ahead. Warm-up: MSER-5 on the
    weekly series averaged over replications run from empty, against run.warmup_weeks.
    """
    import dataclasses

    from sim.analysis.precision import Target
    from sim.experiment.options import StoreOptions
    from sim.experiment.replications import choose_replications
    from sim.experiment.warmup import warmup_check

    try:
        target = Target(tuple(outcome or ("success_rate", "share_dissatisfied")), precision,
                        absolute, precision_on, reference)
    except ValueError as exc:
        raise UserError(f"--{exc}; e.g. --precision 0.05") from None
    if start > max_reps:
        raise UserError(f"--start: must be at most --max-reps ({max_reps}), got {start}")
    scenarios, _ = variants(files, sets, reference)
    folder = folder_of(out) if out is not None else None
    executor, store = executor_of(backend, workers), StoreOptions(force=force)
    choice = choose_replications(scenarios, target, k_limit, start, max_reps, seed,
                                 out=folder / "runs" if folder else None, executor=executor,
                                 store=store)
    _print_choice(choice, k_limit, max_reps)
    warm = None
    if warmup_reps:
        first = next(iter(scenarios.values()))
        warm = warmup_check(first, reps=warmup_reps, seed=seed, store=store,
                            executor=dataclasses.replace(executor, progress=False))
        _print_warmup(warm)
    if folder is not None:
        from sim.report.replications import write_replications

        write_replications(folder, choice, warm)
        err.print(f"written {safe(folder)}/replications.csv, trajectory.csv, "
                  "warmup.csv and replications.html", highlight=False)


def _print_choice(choice: Any, k_limit: int, max_reps: int) -> None:
    table = Table(title=f"Replications by Hoad, Robinson & Davies' algorithm (kLimit "
                        f"{k_limit}; {choice.reps_run} replications run)")
    for col in ("target", "outcome", "n", "mean", "half-width", "target width"):
        table.add_column(col, justify="left" if col in ("target", "outcome") else "right")
    for r in choice.table.to_dict("records"):
        n = str(int(r["n"])) if r["reached"] else f"> {max_reps} (out of reach)"
        table.add_row(str(r["target"]), r["outcome"], n, f"{r['mean']:.4g}",
                      f"{r['half_width']:.3g}", f"{r['target_width']:.3g}")
    print_wide(table)
    chosen = choice.replications
    console.print(f"replications for this experiment: {chosen}" if chosen is not None else
                  "[bold yellow]not every target is reached within --max-reps[/]; widen "
                  "the target (or give --absolute for outcomes near zero)")


def _print_warmup(warm: Any) -> None:
    for r in warm.table.to_dict("records"):
        verdict = ("covers it" if r["enough"] else "does NOT cover it" if r["reliable"]
                   else "the run is too short to tell")
        console.print(f"warm-up ({r['outcome']}): MSER-5 truncates "
                      f"{r['truncation_weeks']:g} weeks; run.warmup_weeks = "
                      f"{r['warmup_weeks']:g} {verdict}", highlight=False)

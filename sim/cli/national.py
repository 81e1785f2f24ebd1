"""Commands over the national calibration: value-of-information (which measurement would
most narrow falling back's part of the nation's dissatisfied)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    Backend,
    BackendOption,
    Lang,
    LangOption,
    Out,
    Seed,
    Sets,
    UserError,
    Workers,
    app,
    clean_errors,
    executor_of,
    folder_of,
    print_wide,
    safe,
    say,
)

PosteriorFolder = Annotated[Path, typer.Option(
    "--posterior", help="A national calibration's folder (experiments/calibrate.py "
                        "--population): its particles are the possible truths.")]
PopulationFile = Annotated[Path, typer.Option(
    "--population", help="The population of municipalities it was calibrated on.")]
Sizes = Annotated[list[str], typer.Option(
    "--n", help="A measurement's sample size, KEY=N (repeatable), e.g. "
                "--n dissatisfied_direction=800; keys: dissatisfied_direction, "
                "dissatisfied_broken, weeks_to_decision, three_departments, partner_like.")]
ParticleReps = Annotated[int, typer.Option(help="Runs per particle.", min=1)]
Simulations = Annotated[int, typer.Option(
    help="Simulated measurements per analysis.", min=100)]


@app.command("value-of-information")
@clean_errors
# PLR0913: typer reads each command-line option from a parameter
def value_of_information(  # noqa: PLR0913
        out: Out, posterior: PosteriorFolder = Path("calibration/national"),
        population: PopulationFile = Path("scenarios/national/netherlands.toml"),
        n: Sizes = [], reps: ParticleReps = 2, seed: Seed = 2026,  # noqa: B006
        simulations: Simulations = 2000, sets: Sets = [],  # noqa: B006
        backend: BackendOption = Backend.process, workers: Workers = None,
        lang: LangOption = Lang.en) -> None:
    """Which measurement would most narrow the national answer, at its sample size.

    Over the national calibration in --posterior, every particle runs the population
    with and without fallback; for each measurement a researcher could commission, the
    analysis simulates it under every particle with its sampling noise, conditions the
    posterior on it and reports how much the 90% interval of falling back's part of the
    nation's dissatisfied would shrink on average (docs/odd.md §8). Writes particles.csv
    and voi.csv into --out. With --lang nl its lines and table are in Dutch.
    """
    from sim.experiment.voi import measure_value_of_information, sample_sizes
    from sim.scenario_files import parse_assignment
    from sim.words import VOI
    from sim.words import say as say_words

    for path, option in ((posterior, "--posterior"), (population, "--population")):
        if not path.exists():
            raise UserError(f"{option} {safe(path)}: not found (run from the project's "
                            "folder, or give the path)")
    if not (posterior / "posterior.parquet").exists():
        raise UserError(f"--posterior {safe(posterior)}: holds no posterior.parquet; give a "
                        "national calibration's folder")
    if backend == Backend.dask:
        raise UserError("--backend dask: value of information runs on serial or process")
    try:
        measurements = sample_sizes(n)
        changes = dict(parse_assignment(text) for text in sets)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    folder = folder_of(out)
    say(safe(say_words(VOI, "start", lang, posterior=posterior, reps=reps,
                       population=population, out=folder)))

    def progress(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            say(say_words(VOI, "progress", lang, done=done, total=total))

    try:
        table = measure_value_of_information(
            posterior, population, folder, reps=reps, seed=seed, measurements=measurements,
            changes=changes, executor=executor_of(backend, workers),
            simulations=simulations, progress=progress)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    print_wide(voi_shown(table, str(lang)))
    say(safe(say_words(VOI, "done", lang, voi=folder / "voi.csv",
                       particles=folder / "particles.csv")))


def voi_shown(table: Any, lang: str) -> Table:
    """The value-of-information table as the terminal shows it, in ``lang``: each
    measurement and unit by name (English keeps the keys ``--n`` takes), widths in
    percentage points, a value that is not a number as "–"."""
    from sim.words import VOI, decimal, formatted
    from sim.words import word as word_of

    def named(key: str) -> str:
        return safe(word_of(VOI, key, lang) if key in VOI else key)

    def points(share: float) -> str:
        if not math.isfinite(share):
            return "–"
        return decimal(100 * share, lang, 1) + word_of(VOI, "points", lang)

    def narrows(share: float, se: float) -> str:
        if not math.isfinite(share):
            return "–"
        sign = "+" if share >= 0 else "-" if lang == "en" else "−"
        spread = decimal(100 * se, lang, 0) if math.isfinite(se) else "–"
        return f"{sign}{formatted(abs(share), '.0%', lang)} ± {spread}"

    shown = Table(*(word_of(VOI, k, lang) for k in ("measurement", "n", "unit", "now",
                                                     "after", "narrows")),
                  title=word_of(VOI, "title", lang))
    for r in table.itertuples():
        shown.add_row(named(r.measurement), str(r.sample_size), named(r.unit),
                      points(r.width_now), points(r.width_after),
                      narrows(r.reduction, r.reduction_se))
    return shown

"""Commands over the national calibration: value-of-information (which measurement would
most narrow falling back's part of the nation's dissatisfied)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import (
    Backend,
    BackendOption,
    Out,
    Seed,
    Sets,
    UserError,
    Workers,
    app,
    clean_errors,
    console,
    executor_of,
    folder_of,
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
def value_of_information(
        out: Out, posterior: PosteriorFolder = Path("calibration/national"),
        population: PopulationFile = Path("scenarios/national/netherlands.toml"),
        n: Sizes = [], reps: ParticleReps = 2, seed: Seed = 2026,  # noqa: B006
        simulations: Simulations = 2000, sets: Sets = [],  # noqa: B006
        backend: BackendOption = Backend.process, workers: Workers = None) -> None:
    """Which measurement would most narrow the national answer, at its sample size.

    Over the national calibration in --posterior, every particle runs the population
    with and without fallback; for each measurement a researcher could commission, the
    analysis simulates it under every particle with its sampling noise, conditions the
    posterior on it and reports how much the 90% interval of falling back's part of the
    nation's dissatisfied would shrink on average (docs/odd.md §8). Writes particles.csv
    and voi.csv into --out.
    """
    from sim.experiment.voi import measure_value_of_information, sample_sizes
    from sim.scenario_files import parse_assignment

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
    say(f"value of information over {safe(posterior)}: every particle x {reps} run(s) of "
        f"{safe(population)} -> {safe(folder)}")

    def progress(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            say(f"particles: {done} of {total}")

    try:
        table = measure_value_of_information(
            posterior, population, folder, reps=reps, seed=seed, measurements=measurements,
            changes=changes, executor=executor_of(backend, workers),
            simulations=simulations, progress=progress)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    shown = Table("measurement", "n", "unit", "90% width now", "after", "narrows by",
                  title="What to measure next: falling back's part of the national "
                        "dissatisfied")
    for r in table.itertuples():
        shown.add_row(safe(r.measurement), str(r.sample_size), safe(r.unit),
                      f"{100 * r.width_now:.1f} pts", f"{100 * r.width_after:.1f} pts",
                      f"{100 * r.reduction:+.0f}% ± {100 * r.reduction_se:.0f}")
    console.print(shown)
    say(f"done: {safe(folder / 'voi.csv')} and {safe(folder / 'particles.csv')}")

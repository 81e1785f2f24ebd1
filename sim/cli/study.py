"""The sensitivity command: Morris screening of every parameter, Sobol on the top ones (or
on the file's [ranges]), Latin hypercube or scrambled Sobol samples
(:func:`sim.experiment.sensitivity.run_study` runs them; this prints and writes pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    DEFAULT_SEED,
    Backend,
    BackendOption,
    BreakLock,
    File,
    Force,
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
    clean_errors,
    err,
    executor_of,
    folder_of,
    print_wide,
    safe,
)
from sim.scenario_files import load_scenario

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
         "dissatisfied); every outcome is analysed.")]


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
                force: Force = False, break_lock: BreakLock = False) -> None:
    """Global sensitivity: Morris screening of every parameter, Sobol on the top ones (or
    on the file's [ranges]), with replication noise separated and 95% bootstrap CIs."""
    from sim.experiment.exploration import read_ranges
    from sim.experiment.options import StoreOptions
    from sim.experiment.sensitivity import StudyDesign, run_study
    from sim.scenario_files import read_scenario_file

    if top is not None and method != Method.sobol:
        raise UserError("--top: only with --method sobol")
    design = StudyDesign(method, samples, reps, seed, top, trajectories, levels, relative)
    folder = folder_of(out)
    store = StoreOptions(force, break_lock)
    executor = executor_of(backend, workers, scheduler, (tls_ca_file, tls_cert, tls_key),
                           store=store)
    base = load_scenario(file, sets)
    shown = outcome or ["success_rate", "share_dissatisfied"]
    given = (read_ranges(file) if not design.screened or "ranges" in read_scenario_file(file)
             else None)
    study = run_study(base, design, folder, given, shown,
                      on_stage=_stage_printer(design, shown),
                      log=lambda line: err.print(safe(line), highlight=False),
                      executor=executor, store=store)
    if study.sampled is not None:
        _print_sampled(study.sampled, folder)


def _stage_printer(design: Any, shown: list[str]) -> Any:
    """What the command shows and writes as each stage of a screened study finishes."""
    from sim.report.sensitivity import write_sensitivity_page

    def stage(name: str, where: Path, result: Any) -> None:
        if name == "morris":
            _check_outcomes(result.indices, shown)
            note = (f"{len(result.space.parameters)} parameters, {design.trajectories} "
                    f"trajectories, {design.levels} levels, {design.reps} replications per "
                    "point (common random numbers).")
            column, label, files = "mu_star", "μ*", "morris.csv, parameters.csv, noise.csv"
        else:
            note = (f"Top {len(result.space.parameters)} parameters by Morris μ*; Saltelli "
                    f"base size {design.samples}; {design.reps} replications per point.")
            column, label, files = "ST", "ST", "sobol.csv, noise.csv"
        write_sensitivity_page(where, name, result.indices, result.design, shown, note)
        _print_top(result.indices, shown, column, label, result.design.noise)
        err.print(f"written {safe(where)}/{files}, {name}.html", highlight=False)

    return stage


def _print_sampled(legacy: Any, folder: Path) -> None:
    err.print(f"{len(legacy.samples)} sample points -> {safe(folder / 'samples.csv')}")
    if legacy.indices is not None and not legacy.indices.empty:
        table = Table(title="Sobol indices (first order S1, total ST; 95% CI)")
        for col in ("outcome", "parameter", "S1", "ST"):
            table.add_column(col)
        for r in legacy.indices.itertuples():
            table.add_row(safe(r.outcome), safe(r.parameter), f"{r.S1:.3f} ± {r.S1_conf:.3f}",
                          f"{r.ST:.3f} ± {r.ST_conf:.3f}")
        print_wide(table)
        err.print(f"written {safe(folder / 'sobol.csv')}")


def _check_outcomes(indices: Any, shown: list[str]) -> None:
    have = set(indices["outcome"]) if not indices.empty else set()
    missing = [o for o in shown if o not in have]
    if missing:
        raise UserError(f"outcome: no indices for {', '.join(missing)} (unknown, or constant "
                        f"over the design); have {', '.join(sorted(have))}")


def _print_top(indices: Any, shown: list[str], column: str, name: str, noise: Any,
               k: int = 10) -> None:
    conf = f"{column.lower()}_conf" if column == "mu_star" else f"{column}_conf"
    for o in shown:
        part = indices[indices["outcome"] == o].sort_values(column, ascending=False).head(k)
        share = noise.set_index("outcome").loc[o, "noise_share"]
        table = Table(title=f"{o}: top {len(part)} by {name} (95% CI half-width); noise "
                            f"share {share:.3f}")
        for col in ("parameter", name):
            table.add_column(col, justify="left" if col == "parameter" else "right")
        for r in part.to_dict("records"):
            table.add_row(r["parameter"], f"{r[column]:.4g} ± {r[conf]:.2g}")
        print_wide(table)

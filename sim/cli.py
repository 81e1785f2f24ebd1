"""The ``regiesim`` command line (typer).

Every command takes scenario files; errors in them are shown as one line per problem,
naming the file and the field, without a traceback, and the command exits with status 2.
"""

from __future__ import annotations

import functools
import json
import math
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import tomli_w
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.outcomes import LANGS, TERMINAL
from sim.scenario import Scenario, ScenarioError
from sim.scenario_files import load_scenario, load_variants, parse_assignment
from sim.styles import STYLES, style_settings

app = typer.Typer(
    help="regiesim: directive versus direction-based governance of citizen initiatives.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
console = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

Files = Annotated[list[Path], typer.Argument(help="Scenario files (TOML).", show_default=False)]
File = Annotated[Path, typer.Argument(help="A scenario file (TOML).", show_default=False)]
Sets = Annotated[list[str], typer.Option(
    "--set", help="Override a key: --set fallback.enabled=false (repeatable).",
    show_default=False)]
DEFAULT_SEED = 1
"""The base seed of every command unless --seed is given (README: Reproducibility)."""
Seed = Annotated[int, typer.Option(help="Base seed; replication i uses a seed derived from it.",
                                   min=0)]
Reps = Annotated[int, typer.Option(help="Replications per scenario.", min=1)]
Backend = Annotated[str, typer.Option(help="serial, process (all cores) or dask.")]
Workers = Annotated[int | None, typer.Option(help="Worker processes (default: all cores).",
                                             min=1)]


class UserError(Exception):
    """A problem with what the user asked for: shown as a message, exit status 2."""


def clean_errors(func: F) -> F:
    """Show input errors as messages (exit 2), never as tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ScenarioError, UserError, ValueError, OSError) as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        except KeyboardInterrupt:
            err.print("interrupted: what was finished is stored; the same command resumes")
            raise typer.Exit(130) from None
        raise typer.Exit(2)

    return wrapper  # type: ignore[return-value]


def _variants(files: list[Path], sets: list[str]) -> tuple[dict[str, Scenario], dict]:
    scenarios: dict[str, Scenario] = {}
    params: dict[str, dict[str, Any]] = {}
    for path in files:
        found, found_params = load_variants(path, sets)
        for name, scenario in found.items():
            if name in scenarios:
                raise UserError(f"two scenarios are named {name!r} ({path}); give each file "
                                "its own scenario.name")
            scenarios[name] = scenario
            params[name] = found_params[name]
    return scenarios, params


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


Force = Annotated[bool, typer.Option(
    "--force", help="Accept scenarios above the scale ceiling (see `validate`).")]


@app.command()
@clean_errors
def validate(files: Files, sets: Sets = [], force: Force = False) -> None:  # noqa: B006
    """Check scenario files; print one line per file, and every problem found.

    Also estimates the size of one replication (initiatives, events, memory, CPU time):
    warns above 200,000 expected initiatives and refuses above 2,000,000 unless --force.
    """
    from sim.experiment.scale import MAX_INITIATIVES, estimate

    bad = 0
    for path in files:
        try:
            variants, _ = load_variants(path, sets)
        except ScenarioError as exc:
            bad += 1
            err.print(f"[red]invalid[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            continue
        first = next(iter(variants.values()))
        extra = f", {len(variants)} sweep variants" if len(variants) > 1 else ""
        biggest = max((estimate(sc) for sc in variants.values()),
                      key=lambda s: (s.initiatives != s.initiatives, s.initiatives))
        if biggest.too_big and not force:
            bad += 1
            err.print(f"[red]too big[/] {escape(str(path))}: {biggest.describe()}, above the "
                      f"ceiling of {MAX_INITIATIVES:,} initiatives; shorten the horizon or "
                      "lower the arrival rate, or pass --force", highlight=False, soft_wrap=True)
            continue
        console.print(f"[green]ok[/] {escape(str(path))}: {escape(first.scenario.name)} (style "
                      f"{first.scenario.style}, hash {first.digest()}{extra})",
                      highlight=False, soft_wrap=True)
        if biggest.large:
            err.print(f"[yellow]warning[/] {escape(str(path))}: large: {biggest.describe()}",
                      highlight=False, soft_wrap=True)
    if bad:
        raise typer.Exit(2)


@app.command()
@clean_errors
def show(file: File, sets: Sets = []) -> None:  # noqa: B006
    """Print the fully resolved scenario (style, extends and --set applied) as TOML."""
    scenario = load_scenario(file, sets)
    data = scenario.model_dump(mode="python")
    text = tomli_w.dumps(_toml_ready(data))
    sys.stdout.write(f"# resolved from {file} (hash {scenario.digest()})\n{text}")


def _toml_ready(value: Any) -> Any:
    """TOML has no null; an empty list of tables is written as an empty array."""
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_ready(v) for v in value]
    return value


@app.command()
@clean_errors
def run(file: File, seed: Seed = DEFAULT_SEED, reps: Reps = 10, sets: Sets = [],  # noqa: B006
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
        backend: Backend = "process", workers: Workers = None) -> None:
    """Run a scenario (every sweep variant) and print the headline with 95% CIs."""
    from sim.analysis import summarise
    from sim.experiment import run_batch

    scenarios, params = _variants([file], sets)
    batch = run_batch(scenarios, reps=reps, seed=seed, backend=backend, workers=workers,
                      progress=not json_out, params=params)
    if not batch.failures.empty:  # `run` keeps nothing: show the first traceback
        err.print(escape(str(batch.failures["traceback"].iloc[0])), highlight=False)
        err.print(f"[bold red]error:[/] {len(batch.failures)} of {len(scenarios) * reps} "
                  "run(s) failed; the first traceback is above", highlight=False)
        raise typer.Exit(1)
    outcomes = [c for c in batch.runs.columns if c not in (
        "scenario", "replication", "seed", "scenario_hash", *next(iter(params.values())))]
    summary = summarise(batch.runs, outcomes)
    if json_out:
        doc: dict[str, Any] = {"file": str(file), "seed": seed, "reps": reps, "scenarios": {}}
        for name, part in summary.groupby("scenario", sort=False):
            doc["scenarios"][name] = {
                "hash": scenarios[name].digest(), "params": params[name],
                "outcomes": {r.outcome: {"mean": _plain(r.mean), "ci_low": _plain(r.ci_low),
                                         "ci_high": _plain(r.ci_high), "n": int(r.n)}
                             for r in part.itertuples()}}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    import pandas as pd

    from sim.report.publish import print_headline

    print_headline(summary[summary["outcome"].isin(TERMINAL)], pd.DataFrame(),
                   f"{file}: {reps} replications, seed {seed} (mean [95% CI])", "en", console)


Out = Annotated[str, typer.Option(
    "--out", help="Result folder: new or empty, or a regiesim result folder to resume.")]
TimeBudget = Annotated[float | None, typer.Option(
    help="Seconds one run may take; a run that takes longer is recorded as failed "
         "(backend serial or process).")]
BreakLock = Annotated[bool, typer.Option(
    "--break-lock", help="Break a stale lock left by a batch that is no longer running.")]


def _folder(out: str) -> Path:
    if not out.strip():
        raise UserError("--out: an empty folder name; give a folder (use --out . for the "
                        "current folder)")
    return Path(out)


def _report_failures(failures: Any, folder: Path) -> None:
    """Print failed runs, grouped by error (first lines); the full tracebacks are stored."""
    if failures is None or failures.empty:
        return
    err.print(f"[bold red]{len(failures)} run(s) failed[/] (details with tracebacks in "
              f"{escape(str(folder / 'failures.parquet'))}):", highlight=False, soft_wrap=True)
    for error, group in failures.groupby("error", sort=False):
        runs = ", ".join(f"{s} #{r}" for s, r in
                         zip(group["scenario"][:5], group["replication"][:5], strict=True))
        more = f" and {len(group) - 5} more" if len(group) > 5 else ""
        err.print(f"  {escape(str(error))}: {escape(runs)}{more}", highlight=False,
                  soft_wrap=True)
Scheduler = Annotated[str | None, typer.Option(
    help="Dask scheduler address (tcp://host:8786); default: a local cluster. The "
         "scheduler and its workers are trusted: Dask exchanges pickles.")]


@app.command()
@clean_errors
def batch(files: Files, out: Out, reps: Reps = 30, seed: Seed = DEFAULT_SEED,
          sets: Sets = [], backend: Backend = "process",  # noqa: B006
          workers: Workers = None, scheduler: Scheduler = None,
          time_budget: TimeBudget = None, force: Force = False, break_lock: BreakLock = False,
          precision: Annotated[float | None, typer.Option(
              help="Keep adding replications until the CIs of success rate and share "
                   "dissatisfied have half-widths of at most this share of their means "
                   "(e.g. 0.02); --reps is the start.")] = None,
          max_reps: Annotated[int, typer.Option(help="Upper limit with --precision.",
                                                min=2)] = 1000,
          ) -> None:
    """Run scenario files (and their sweeps) x replications into a result folder.

    Runs are stored as they finish; running the same command again resumes where a
    stopped batch left off. Every scenario's replication i uses the same seed. A run that
    fails is recorded (with its traceback) and the batch goes on; the command then exits
    with status 1. The folder is locked while the batch writes.
    """
    from sim.experiment import run_batch
    from sim.experiment.batch import check_backend
    from sim.experiment.scale import check_scale
    from sim.experiment.sequential import run_to_precision

    folder = _folder(out)
    if precision is not None and not 0 < precision < 1:
        raise UserError(f"--precision: must be a share between 0 and 1 (e.g. 0.02), got "
                        f"{'not a number' if math.isnan(precision) else precision}")
    check_backend(backend, scheduler, time_budget)
    scenarios, params = _variants(files, sets)
    for warning in check_scale(scenarios, force):
        err.print(f"[yellow]warning[/] large: {escape(warning)}", highlight=False,
                  soft_wrap=True)
    total = len(scenarios) * reps
    err.print(f"{len(scenarios)} scenario(s) x {reps} replications = {total} runs -> "
              f"{escape(str(folder))} ({backend})", highlight=False)
    common = {"backend": backend, "workers": workers, "progress": True, "params": params,
              "scheduler": scheduler, "time_budget": time_budget, "force": force,
              "break_lock": break_lock}
    if precision is None:
        result = run_batch(scenarios, reps=reps, seed=seed, out=folder, **common)
    else:
        def report(done: int, needed: int) -> None:
            err.print(f"{done} replications done; the widest CI needs {needed}")

        result = run_to_precision(scenarios, ["success_rate", "share_dissatisfied"],
                                  precision, seed=seed, min_reps=max(reps, 2),
                                  max_reps=max_reps, out=folder, report=report, **common)
    n = len(result.runs)
    err.print(f"done: {n} runs in {escape(str(folder / 'runs.parquet'))}, weekly series in "
              f"{escape(str(folder / 'series.parquet'))}, provenance in "
              f"{escape(str(folder / 'manifest.json'))}", highlight=False, soft_wrap=True)
    if not result.failures.empty:
        _report_failures(result.failures, folder)
        raise typer.Exit(1)


@app.command()
@clean_errors
def compare(folder: Annotated[Path, typer.Argument(help="A result folder of `batch`.")],
            reference: Annotated[str, typer.Option(help="Scenario to compare against.")],
            outcome: Annotated[list[str], typer.Option(
                help="Outcome(s) to compare (repeatable; default: the headline).")] = [],  # noqa: B006
            csv: Annotated[Path | None, typer.Option(help="Also write the table here.")] = None,
            ) -> None:
    """Paired differences of every scenario against a reference, with 95% CIs."""
    from sim.analysis import paired_differences
    from sim.experiment import ResultStore

    stored = ResultStore.load(folder)
    runs = stored.runs
    _report_failures(stored.failures, folder)
    if runs.empty:
        raise UserError(f"{folder} holds no successful runs to compare")
    _warn_incomplete(stored, folder)
    names = list(dict.fromkeys(runs["scenario"]))
    if reference not in names:
        raise UserError(f"reference: must be one of {', '.join(names)}, got {reference!r}")
    outcomes = outcome or [o for o in TERMINAL if o in runs.columns]
    unknown = [o for o in outcomes if o not in runs.columns]
    if unknown:
        raise UserError(f"outcome: unknown {', '.join(unknown)}; have "
                        f"{', '.join(c for c in runs.columns if c not in ('scenario', 'seed'))}")
    diffs = paired_differences(runs, outcomes, reference)
    table = Table(title=f"Paired differences against {reference} (95% CI; * excludes 0)")
    for col in ("scenario", "outcome", "difference", "95% CI", "n", ""):
        table.add_column(col, justify="left" if col in ("scenario", "outcome") else "right")
    for r in diffs.itertuples():
        table.add_row(str(r.scenario), r.outcome, f"{r.difference:+.4g}",
                      f"[{r.ci_low:+.4g}, {r.ci_high:+.4g}]", str(r.n),
                      "*" if r.significant else "")
    Console(width=max(console.width, 110)).print(table)
    if csv is not None:
        diffs.to_csv(csv, index=False)
        err.print(f"written {csv}")


@app.command()
@clean_errors
def sensitivity(file: File, out: Out, samples: Annotated[int, typer.Option(
                    help="Saltelli base size N for sobol (N*(D+2) points); points for lhs "
                         "and qmc.",
                    min=2)] = 64,
                method: Annotated[str, typer.Option(
                    help="sobol (Saltelli design and Sobol indices), lhs (Latin hypercube) "
                         "or qmc (scrambled Sobol points).")] = "sobol",
                reps: Reps = 1, seed: Seed = DEFAULT_SEED, sets: Sets = [],  # noqa: B006
                backend: Backend = "process", workers: Workers = None,
                force: Force = False, break_lock: BreakLock = False) -> None:
    """Sample the file's [ranges] and estimate Sobol sensitivity indices with 95% CIs."""
    from sim.experiment.exploration import read_ranges
    from sim.experiment.sensitivity import run_sensitivity

    folder = _folder(out)
    base = load_scenario(file, sets)
    ranges = read_ranges(file)
    result = run_sensitivity(base, ranges, samples, folder, method=method, reps=reps,
                             seed=seed, backend=backend, workers=workers, progress=True,
                             force=force, break_lock=break_lock)
    err.print(f"{len(result.samples)} sample points -> {escape(str(folder / 'samples.csv'))}")
    if result.indices is not None and not result.indices.empty:
        table = Table(title="Sobol indices (first order S1, total ST; 95% CI)")
        for col in ("outcome", "parameter", "S1", "ST"):
            table.add_column(col)
        for r in result.indices.itertuples():
            table.add_row(r.outcome, r.parameter, f"{r.S1:.3f} ± {r.S1_conf:.3f}",
                          f"{r.ST:.3f} ± {r.ST_conf:.3f}")
        Console(width=max(console.width, 110)).print(table)
        err.print(f"written {escape(str(folder / 'sobol.csv'))}")


Lang = Annotated[str, typer.Option(help="Language: en or nl.")]


@app.command()
@clean_errors
def report(folder: Annotated[Path, typer.Argument(help="A result folder of `batch`, "
                                                 "`sensitivity` or an experiment.")],
           lang: Lang = "en",
           reference: Annotated[str | None, typer.Option(
               help="Scenario the paired differences are taken against (default: the "
                    "experiment's, else the first).")] = None,
           title: Annotated[str | None, typer.Option(help="Title of the report.")] = None,
           replace: Annotated[bool, typer.Option(
               "--replace", help="Write over FOLDER/report.html.")] = False,
           out: Annotated[Path | None, typer.Option(
               "--out", help="Write the report to this file instead.")] = None,
           ) -> None:
    """Rebuild the whole report from what the folder holds, in either language.

    One self-contained file that opens offline. It goes to FOLDER/report.html when there
    is none yet, else to a new file (report-nl.html, report-nl-2.html, ...) unless
    --replace. What an experiment stored (sweeps, PRIM, Sobol indices, calibration, the
    fallback decomposition) is read back; a sensitivity folder gets its Sobol figure.
    """
    from sim.experiment import ResultStore
    from sim.report.folder import write_folder_report

    if lang not in LANGS:
        raise UserError(f"lang: must be one of {', '.join(LANGS)}, got {lang!r}")
    stored = ResultStore.load(folder)
    _report_failures(stored.failures, folder)
    runs = stored.runs
    if runs.empty:
        raise UserError(f"{folder} holds no successful runs to report on")
    _warn_incomplete(stored, folder)
    names = list(dict.fromkeys(runs["scenario"]))
    if reference is not None and reference not in names:
        raise UserError(f"reference: must be one of {', '.join(names)}, got {reference!r}")
    path = write_folder_report(folder, lang, replace=replace, out=out, title=title,
                               reference=reference)
    console.print(f"report written to {path}", highlight=False, soft_wrap=True)


def _warn_incomplete(stored: Any, folder: Path) -> None:
    """Say so when the batch did not finish: what is there, and how to resume."""
    if stored.manifest.get("status", "complete").startswith("complete"):
        return
    planned = len(stored.manifest.get("scenarios", {})) * int(
        stored.manifest.get("replications", 0))
    err.print(f"[yellow]warning[/] {escape(str(folder))} is incomplete: {len(stored.runs)} of "
              f"{planned} runs finished (the batch was stopped or is still running). This "
              "shows what is there; run the same `regiesim batch ... --out "
              f"{escape(str(folder))}` command again to resume.", highlight=False,
              soft_wrap=True)


@app.command()
@clean_errors
def outcomes(lang: Lang = "en") -> None:
    """List every outcome: key, name, unit and definition (sim/outcomes.py)."""
    from sim.outcomes import SERIES, SUMMARY, definition, unit

    if lang not in LANGS:
        raise UserError(f"lang: must be one of {', '.join(LANGS)}, got {lang!r}")
    console.print("[bold]" + ("Outcomes of a run (columns of runs.parquet) and weekly series"
                              if lang == "en" else "Uitkomsten van een run (kolommen van "
                              "runs.parquet) en weekreeksen") + "[/]\n", highlight=False)
    for key, o in [*SUMMARY.items(), *SERIES.items()]:
        console.print(f"[bold]{key}[/]  {escape(o.label(lang))} ({escape(unit(key, lang))})",
                      highlight=False, soft_wrap=True)
        console.print(f"    {escape(definition(key, lang))}", highlight=False, soft_wrap=True)


@app.command()
@clean_errors
def narrate(file: File, seed: Seed = DEFAULT_SEED, lang: Lang = "nl",
            follow: Annotated[int, typer.Option(
                help="Initiatives whose journeys are told in depth.", min=0)] = 3,
            sets: Sets = []) -> None:  # noqa: B006
    """Tell the story of one run, in time order (for a classroom)."""
    from sim.report.narrate import render, story

    if lang not in ("nl", "en"):
        raise UserError(f"lang: must be one of en, nl, got {lang!r}")
    scenario = load_scenario(file, sets)
    render(story(scenario, seed, lang, follow), lang, console)


@app.command()
@clean_errors
def dashboard(file: Annotated[Path | None, typer.Argument(
                  help="Scenario to start from (default: the model defaults).",
                  show_default=False)] = None,
              port: Annotated[int, typer.Option(help="Port to serve on.", min=1,
                                                max=65535)] = 8050,
              host: Annotated[str, typer.Option(
                  help="Address to bind; 127.0.0.1 keeps it on this computer.")] = "127.0.0.1",
              reps: Reps = 20, seed: Seed = DEFAULT_SEED, workers: Workers = None,
              sets: Sets = []) -> None:  # noqa: B006
    """Start the live dashboard in the browser (http://HOST:PORT)."""
    from sim.report.dashboard import serve
    from sim.scenario import Scenario as _Scenario

    base = load_scenario(file, sets) if file is not None else _Scenario().with_changes(
        dict(parse_assignment(s) for s in sets))
    console.print(f"regiesim dashboard on http://{host}:{port}  (Ctrl+C stops it)")
    serve(base, host=host, port=port, reps=reps, seed=seed, workers=workers)


@app.command()
def styles() -> None:
    """List the leadership styles and every setting each of them fixes."""
    settings = {name: style_settings(name) for name in STYLES}
    table = Table(title="Leadership styles (a scenario can override any value)")
    table.add_column("setting", no_wrap=True)
    for name in STYLES:
        table.add_column(name, overflow="fold")
    keys: list[str] = []
    for preset in settings.values():
        for group, values in preset.items():
            keys += [f"{group}.{k}" for k in values if f"{group}.{k}" not in keys]
    for key in keys:
        group, name = key.split(".")
        table.add_row(key, *[_show(settings[s].get(group, {}).get(name)) for s in STYLES])
    Console(width=max(console.width, 120)).print(table)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def main() -> None:
    # a scheduler's SIGTERM unwinds like Ctrl+C: finished runs are flushed to the store
    # and worker processes are shut down
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    app()


if __name__ == "__main__":
    main()

"""The ``regiesim`` command line (typer).

Every command takes scenario files; errors in them are shown as one line per problem,
naming the file and the field, without a traceback, and the command exits with status 2.
"""

from __future__ import annotations

import functools
import json
import math
import re
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

Files = Annotated[list[Path], typer.Argument(
    help="Scenario files (TOML), folders of them, or quoted globs (\"scenarios/*.toml\").",
    show_default=False)]
File = Annotated[Path, typer.Argument(help="A scenario file (TOML).", show_default=False)]
Sets = Annotated[list[str], typer.Option(
    "--set", help="Override a key: --set fallback.enabled=false (repeatable). VALUE is "
    "read as TOML (1.5, true, \"text\", ['regie']); a bare word without [ ] { } \" ' = , # "
    "is taken as text (--set scenario.style=direction); anything else is refused.",
    show_default=False)]
DEFAULT_SEED = 1
"""The base seed of every command unless --seed is given (README: Reproducibility)."""
Seed = Annotated[int, typer.Option(help="Base seed; replication i uses a seed derived from it.",
                                   min=0)]
Reps = Annotated[int, typer.Option(help="Replications per scenario.", min=1)]
Backend = Annotated[str, typer.Option(help="serial, process (all cores) or dask.")]
Workers = Annotated[int | None, typer.Option(help="Worker processes (default: all cores).",
                                             min=1)]


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


WRITTEN = {"report": {"en": "report written to", "nl": "rapport geschreven naar"},
           "plot": {"en": "plot written to", "nl": "figuur geschreven naar"},
           "animation": {"en": "animation written to", "nl": "animatie geschreven naar"}}
"""What the commands with ``--lang`` say when their file is written."""


Replace = Annotated[bool, typer.Option(
    "--replace", help="Write over the --out file if it exists (else it is refused).")]


def writable(out: Path | None, replace: bool) -> None:
    """An --out file the user named is never written over unless --replace says so."""
    if out is not None and out.exists() and not out.is_dir() and not replace:
        raise UserError(f"--out: {out} exists; give another file, or add --replace to "
                        "write over it")


def safe(value: object) -> str:
    """A user value ready for a rich print: markup escaped (``[/bold]``, ``[link=...]``
    shown as typed) and control characters shown as ``\\xNN`` (no terminal escapes)."""
    return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value)))


class UserError(Exception):
    """A problem with what the user asked for: shown as a message, exit status 2."""


def clean_errors(func: F) -> F:
    """Show input errors as messages (exit 2), never as tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ScenarioError, UserError, ValueError, OSError) as exc:
            err.print(f"[bold red]error:[/] {safe(exc)}", highlight=False, soft_wrap=True)
        except KeyboardInterrupt:
            err.print("interrupted: what was finished is stored; the same command resumes")
            raise typer.Exit(130) from None
        raise typer.Exit(2)

    return wrapper  # type: ignore[return-value]


def scenario_paths(files: list[Path]) -> list[Path]:
    """The scenario files named: a folder stands for its *.toml files (sorted, not
    recursive), a quoted glob (``"scenarios/*.toml"``) for its matches."""
    paths: list[Path] = []
    for path in files:
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise UserError(f"{safe(path)}: a folder without scenario files (*.toml)")
            paths += found
        elif not path.exists() and any(ch in str(path) for ch in "*?["):
            found = sorted(Path().glob(str(path))) if not path.is_absolute() else sorted(
                Path(path.anchor).glob(str(path.relative_to(path.anchor))))
            if not found:
                raise UserError(f"{safe(path)}: no file matches this pattern")
            paths += found
        else:
            paths.append(path)
    return list(dict.fromkeys(paths))


def _variants(files: list[Path], sets: list[str]) -> tuple[dict[str, Scenario], dict]:
    scenarios: dict[str, Scenario] = {}
    params: dict[str, dict[str, Any]] = {}
    for path in scenario_paths(files):
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
    from sim.experiment.plausibility import warnings_for
    from sim.experiment.scale import MAX_INITIATIVES, estimate

    bad = 0
    for path in scenario_paths(files):
        try:
            variants, _ = load_variants(path, sets)
        except ScenarioError as exc:
            bad += 1
            err.print(f"[red]invalid[/] {safe(exc)}", highlight=False, soft_wrap=True)
            continue
        except Exception as exc:  # a bug: name the file and check the others
            bad += 1
            err.print(f"[red]error[/] {safe(path)}: {type(exc).__name__}: {safe(exc)}",
                      highlight=False, soft_wrap=True)
            continue
        first = next(iter(variants.values()))
        extra = f", {len(variants)} sweep variants" if len(variants) > 1 else ""
        biggest = max((estimate(sc) for sc in variants.values()),
                      key=lambda s: (s.initiatives != s.initiatives, s.initiatives))
        if biggest.too_big and not force:
            bad += 1
            err.print(f"[red]too big[/] {safe(path)}: {biggest.describe()}, above the "
                      f"ceiling of {MAX_INITIATIVES:,} initiatives; shorten the horizon or "
                      "lower the arrival rate, or pass --force", highlight=False, soft_wrap=True)
            continue
        console.print(f"[green]ok[/] {safe(path)}: {safe(first.scenario.name)} (style "
                      f"{first.scenario.style}, hash {first.digest()}{extra})",
                      highlight=False, soft_wrap=True)
        for line in dict.fromkeys(w for sc in variants.values() for w in warnings_for(sc)):
            err.print(f"[yellow]warning[/] {safe(path)}: {safe(line)}",
                      highlight=False, soft_wrap=True)
        if biggest.large:
            err.print(f"[yellow]warning[/] {safe(path)}: large: {biggest.describe()}",
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
        err.print(safe(batch.failures["traceback"].iloc[0]), highlight=False)
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

    shown = summary[summary["outcome"].isin(TERMINAL)]
    print_headline(shown.assign(scenario=shown["scenario"].map(safe)), pd.DataFrame(),
                   f"{safe(file)}: {reps} replications, seed {seed} (mean [95% CI])", "en",
                   console)


Out = Annotated[str, typer.Option(
    "--out", help="Result folder: new or empty, or a regiesim result folder to resume.")]
TimeBudget = Annotated[float | None, typer.Option(
    help="Seconds one run may take; a run that takes longer is recorded as failed "
         "(backend serial or process).")]
BreakLock = Annotated[bool, typer.Option(
    "--break-lock", help="Kept for old scripts; breaks nothing: the OS releases the lock "
    "of a batch that ended (even by kill -9), and a held lock is never broken.")]


def _folder(out: str) -> Path:
    if not out.strip():
        raise UserError("--out: an empty folder name; give a folder (use --out . for the "
                        "current folder)")
    return Path(out)


def _posterior(folder: Path | None) -> Any:
    """The stored posterior of a calibration folder, or None."""
    if folder is None:
        return None
    from sim.experiment.calibration import Posterior

    try:
        return Posterior(folder)
    except ValueError as exc:
        raise UserError(f"--posterior: {exc}") from None


def _report_failures(failures: Any, folder: Path) -> None:
    """Print failed runs, grouped by error (first lines); the full tracebacks are stored."""
    if failures is None or failures.empty:
        return
    err.print(f"[bold red]{len(failures)} run(s) failed[/] (details with tracebacks in "
              f"{safe(folder / 'failures.parquet')}):", highlight=False, soft_wrap=True)
    for error, group in failures.groupby("error", sort=False):
        runs = ", ".join(f"{s} #{r}" for s, r in
                         zip(group["scenario"][:5], group["replication"][:5], strict=True))
        more = f" and {len(group) - 5} more" if len(group) > 5 else ""
        err.print(f"  {safe(error)}: {safe(runs)}{more}", highlight=False,
                  soft_wrap=True)


Scheduler = Annotated[str | None, typer.Option(
    help="Dask scheduler address (tcp://host:8786 or tls://host:8786) for --backend dask; "
         "default: a local cluster. Every worker must run this client's code and package "
         "versions (checked before the first run; see docs/cluster.md). SECURITY: the "
         "scheduler and its workers run whatever a client sends them (pickles): use a "
         "private network or TLS.")]
TlsCa = Annotated[Path | None, typer.Option(
    "--tls-ca-file", help="TLS: the certificate authority of the cluster (tls:// only).",
    show_default=False)]
TlsCert = Annotated[Path | None, typer.Option(
    "--tls-cert", help="TLS: this client's certificate (PEM).", show_default=False)]
TlsKey = Annotated[Path | None, typer.Option(
    "--tls-key", help="TLS: this client's private key (PEM), if not in --tls-cert.",
    show_default=False)]


def _security(scheduler: str | None, ca: Path | None, cert: Path | None,
              key: Path | None) -> Any:
    """The Dask security for --scheduler and the --tls-* options (None: plain tcp)."""
    if scheduler is None:
        if ca or cert or key:
            raise UserError("--tls-ca-file, --tls-cert and --tls-key go with --scheduler "
                            "tls://HOST:PORT")
        return None
    from sim.experiment.cluster import check_address, tls_security

    security = tls_security(ca, cert, key)
    check_address(scheduler, security)
    return security


@app.command()
@clean_errors
def batch(files: Files, out: Out, reps: Reps = 30, seed: Seed = DEFAULT_SEED,
          sets: Sets = [], backend: Backend = "process",  # noqa: B006
          workers: Workers = None, scheduler: Scheduler = None,
          tls_ca_file: TlsCa = None, tls_cert: TlsCert = None, tls_key: TlsKey = None,
          time_budget: TimeBudget = None, force: Force = False, break_lock: BreakLock = False,
          precision: Annotated[float | None, typer.Option(
              help="Keep adding replications until the CIs of success rate and share "
                   "dissatisfied have half-widths of at most this share of their means "
                   "(e.g. 0.02); --reps is the start.")] = None,
          max_reps: Annotated[int, typer.Option(help="Upper limit with --precision.",
                                                min=2)] = 1000,
          posterior: Annotated[Path | None, typer.Option(
              help="A calibration folder (regiesim calibrate): each replication draws one "
                   "parameter set from its posterior, the same in every scenario.")] = None,
          csv: Annotated[bool, typer.Option(
              "--csv", help="Also write runs.csv (one row per run) beside runs.parquet.")
          ] = False,
          absolute: Annotated[float | None, typer.Option(
              help="With or instead of --precision: an absolute CI half-width to reach "
                   "(for outcomes near zero, e.g. 0.01 = 1 pp); with both, the easier "
                   "target counts.")] = None,
          precision_on: Annotated[str, typer.Option(
              help="What --precision/--absolute is about: levels (each scenario), "
                   "differences (paired, against --reference) or both.")] = "levels",
          reference: Annotated[str | None, typer.Option(
              help="Scenario the differences are taken against (default: the first).")
          ] = None,
          chunk: Annotated[int | None, typer.Option(
              help="Runs per task on the process pool or Dask (default: sized "
                   "automatically from the first runs, about 0.5 s of work per task). The "
                   "numbers do not depend on it.", min=1)] = None,
          ) -> None:
    """Run scenario files (and their sweeps) x replications into a result folder.

    Runs are stored as they finish; running the same command again resumes where a
    stopped batch left off. Every scenario's replication i uses the same seed. A run that
    fails is recorded (with its traceback) and the batch goes on; the command then exits
    with status 1. The folder is locked while the batch writes.
    """
    from sim.analysis.precision import TARGETS_ON
    from sim.experiment import run_batch
    from sim.experiment.batch import check_backend
    from sim.experiment.scale import check_scale
    from sim.experiment.sequential import run_to_precision

    folder = _folder(out)
    if precision is not None and not 0 < precision < 1:
        raise UserError(f"--precision: must be a share between 0 and 1 (e.g. 0.02), got "
                        f"{'not a number' if math.isnan(precision) else precision}")
    if absolute is not None and not (absolute > 0 and math.isfinite(absolute)):
        raise UserError(f"--absolute: must be a half-width > 0 (e.g. 0.01), got {absolute}")
    if precision_on not in TARGETS_ON:
        raise UserError(f"--precision-on: must be one of {', '.join(TARGETS_ON)}, got "
                        f"{precision_on!r}")
    check_backend(backend, scheduler, time_budget)
    security = _security(scheduler, tls_ca_file, tls_cert, tls_key)
    scenarios, params = _variants(files, sets)
    if reference is not None and reference not in scenarios:
        raise UserError(f"--reference: must be one of {', '.join(scenarios)}, got "
                        f"{reference!r}")
    for warning in check_scale(scenarios, force):
        err.print(f"[yellow]warning[/] large: {safe(warning)}", highlight=False,
                  soft_wrap=True)
    total = len(scenarios) * reps
    err.print(f"{len(scenarios)} scenario(s) x {reps} replications = {total} runs -> "
              f"{safe(folder)} ({safe(backend)})", highlight=False)
    common = {"backend": backend, "workers": workers, "progress": True, "params": params,
              "scheduler": scheduler, "security": security, "time_budget": time_budget,
              "force": force, "break_lock": break_lock, "posterior": _posterior(posterior),
              "chunk": chunk}
    missed = None
    if precision is None and absolute is None:
        result = run_batch(scenarios, reps=reps, seed=seed, out=folder, **common)
    else:
        from sim.experiment.sequential import describe_miss

        def report(done: int, status: Any) -> None:
            missing = status[~status["met"]]
            if missing.empty:
                err.print(f"{done} replications done; every target is met")
                return
            worst = describe_miss(missing.sort_values("needed").iloc[-1].to_dict(), max_reps)
            err.print(f"{done} replications done; {len(missing)} of {len(status)} "
                      f"target(s) not met, the hardest: {safe(worst)}",
                      highlight=False, soft_wrap=True)

        result = run_to_precision(scenarios, ["success_rate", "share_dissatisfied"],
                                  precision, seed=seed, min_reps=max(reps, 2),
                                  max_reps=max_reps, out=folder, report=report,
                                  absolute=absolute, on=precision_on, reference=reference,
                                  **common)
        result.status.to_csv(folder / "precision.csv", index=False)
        missed = result.missed
    n = len(result.runs)
    err.print(f"done: {n} runs in {safe(folder / 'runs.parquet')}, weekly series in "
              f"{safe(folder / 'series.parquet')}, provenance in "
              f"{safe(folder / 'manifest.json')}", highlight=False, soft_wrap=True)
    if missed is not None:
        if missed.empty:
            where = safe(folder / "precision.csv")
            err.print(f"precision reached for every target ({where})", highlight=False)
        else:
            err.print(f"[bold yellow]precision not reached[/] for {len(missed)} target(s) "
                      f"(all in {safe(folder / 'precision.csv')}):", highlight=False)
            for row in missed.to_dict("records"):
                err.print(f"  {safe(describe_miss(row, max_reps))}", highlight=False,
                          soft_wrap=True)
            if (missed["mean"].abs() < missed["half_width"]).any():
                err.print("  a mean near zero has no relative precision: give an absolute "
                          "half-width with --absolute", highlight=False, soft_wrap=True)
    _write_tables(result.runs, folder, csv)
    if not result.failures.empty:
        _report_failures(result.failures, folder)
        raise typer.Exit(1)


def _write_tables(runs: Any, folder: Path, csv: bool) -> None:
    """summary.csv (mean and 95% CI per scenario and outcome), runs.csv on request, and
    the commands to run next."""
    from sim.analysis import summarise
    from sim.outcomes import SUMMARY

    if runs.empty:
        return
    outcomes = [c for c in runs.columns if c in SUMMARY]
    summarise(runs, outcomes).to_csv(folder / "summary.csv", index=False)
    written = ["summary.csv"]
    if csv:
        runs.to_csv(folder / "runs.csv", index=False)
        written.append("runs.csv")
    first = str(runs["scenario"].iloc[0])
    err.print(f"written {', '.join(written)} in {safe(folder)}; next: regiesim compare "
              f"{safe(folder)} --reference {safe(first)}  |  regiesim report {safe(folder)}",
              highlight=False, soft_wrap=True)


@app.command()
@clean_errors
def calibrate(file: File, priors: Annotated[Path, typer.Option(
                  help="TOML file with a [priors] table: \"table.key\" = [low, high] "
                       "(uniform).", show_default=False)],
              out: Out, populations: Annotated[int, typer.Option(
                  help="ABC-SMC populations (generations) in all; a folder that holds fewer "
                       "resumes.", min=1)] = 5,
              particles: Annotated[int, typer.Option(help="Particles per population.",
                                                     min=2)] = 100,
              reps: Annotated[int, typer.Option(help="Replications per particle.",
                                                min=1)] = 2,
              seed: Seed = 0, sets: Sets = [],  # noqa: B006
              backend: Backend = "process", workers: Workers = None,
              scheduler: Scheduler = None,
              draws: Annotated[int, typer.Option(help="Posterior predictive draws.",
                                                 min=1)] = 40,
              kernel: Annotated[str, typer.Option(
                  help="normal or local: how a population proposes the next, one normal "
                       "over the whole population or a normal per particle around its "
                       "neighbours (for a ridge-shaped posterior).")] = "normal") -> None:
    """Calibrate FILE by ABC-SMC against the survey patterns; posterior into --out.

    The calibrating patterns are the Nationale ombudsman's 44% dissatisfied and 33%
    satisfied; held-back patterns are checked on the posterior. The folder gets abc.db
    (pyabc's history: a stopped calibration resumes from its last population),
    posterior.parquet, populations.csv, checks.csv, ppc.parquet and report.html.
    Experiments use the posterior with `regiesim batch ... --posterior FOLDER`.
    """
    from sim.experiment.calibration import calibrate as run_abc
    from sim.experiment.calibration import read_priors
    from sim.report.calibration import write_calibration_report

    folder = _folder(out)
    base = load_scenario(file, sets)
    table = read_priors(priors)
    err.print(f"ABC-SMC of {safe(file)} over {len(table)} parameters: {populations} "
              f"populations of {particles} particles, {reps} replication(s) each -> "
              f"{safe(folder)}", highlight=False, soft_wrap=True)
    try:
        result = run_abc(base, table, folder, populations=populations, particles=particles,
                         reps=reps, seed=seed, backend=backend, workers=workers,
                         scheduler=scheduler, ppc_draws=draws, kernel=kernel,
                         log=lambda line: err.print(safe(line), highlight=False))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    write_calibration_report(result)
    err.print(f"done: posterior in {safe(folder / 'posterior.parquet')}, report in "
              f"{safe(folder / 'report.html')} ({result.manifest['simulations']} "
              "simulations)", highlight=False, soft_wrap=True)


@app.command()
@clean_errors
def compare(folder: Annotated[Path, typer.Argument(help="A result folder of `batch`.")],
            reference: Annotated[str, typer.Option(help="Scenario to compare against.")],
            outcome: Annotated[list[str], typer.Option(
                help="Outcome(s) to compare (repeatable; default: the headline).")] = [],  # noqa: B006
            csv: Annotated[Path | None, typer.Option(help="Also write the table here.")] = None,
            adjust: Annotated[str, typer.Option(
                help="Adjust p-values for the many comparisons of the table: holm "
                     "(family-wise error rate), bh (Benjamini-Hochberg false discovery "
                     "rate) or none.")] = "holm",
            ) -> None:
    """Paired differences of every scenario against a reference, with 95% CIs and p-values
    adjusted over the whole table (column adjustment says how)."""
    from sim.analysis import paired_differences
    from sim.analysis.multiple import check_adjust
    from sim.experiment import ResultStore

    check_adjust(adjust)

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
    diffs = paired_differences(runs, outcomes, reference, adjust=adjust)
    star = {"holm": "p < 0.05 after Holm's adjustment over the table",
            "bh": "p < 0.05 after Benjamini-Hochberg adjustment (FDR 5%) over the table",
            "none": "95% CI excludes 0, no adjustment for many comparisons"}[adjust]
    table = Table(title=f"Paired differences against {safe(reference)} (95% CI per comparison; "
                        f"* {star})")
    p_col = "p" if adjust == "none" else f"p ({adjust})"
    for col in ("scenario", "outcome", "difference", "95% CI", "n", p_col, ""):
        table.add_column(col, justify="left" if col in ("scenario", "outcome") else "right")
    for r in diffs.itertuples():
        table.add_row(safe(r.scenario), safe(r.outcome), f"{r.difference:+.4g}",
                      f"[{r.ci_low:+.4g}, {r.ci_high:+.4g}]", str(r.n),
                      f"{r.p_adjusted:.3g}", "*" if r.significant else "")
    Console(width=max(console.width, 110)).print(table)
    if csv is not None:
        diffs.to_csv(csv, index=False)
        err.print(f"written {safe(csv)}", highlight=False)


@app.command()
@clean_errors
def replications(
        files: Files,
        precision: Annotated[float | None, typer.Option(
            help="Relative CI half-width to reach, as a share of the mean (e.g. 0.05).")
        ] = None,
        absolute: Annotated[float | None, typer.Option(
            help="Absolute CI half-width to reach (for outcomes near zero); with "
                 "--precision, the easier target counts.")] = None,
        outcome: Annotated[list[str], typer.Option(
            help="Outcome(s) (repeatable; default: success rate and share dissatisfied).")
        ] = [],  # noqa: B006
        precision_on: Annotated[str, typer.Option(
            help="levels, differences (paired, against --reference) or both.")] = "levels",
        reference: Annotated[str | None, typer.Option(
            help="Scenario the differences are taken against (default: the first).")] = None,
        k_limit: Annotated[int, typer.Option(
            help="Hoad et al.'s look-ahead kLimit: the precision must hold for this many "
                 "further replications (kLimit percent of n above 100).", min=0)] = 5,
        start: Annotated[int, typer.Option(help="Replications of the first round.",
                                           min=3)] = 10,
        max_reps: Annotated[int, typer.Option(help="Upper limit.", min=3)] = 1000,
        warmup_reps: Annotated[int, typer.Option(
            help="Replications of the warm-up check (MSER-5 on the weekly tension and "
                 "active initiatives, run from empty); 0 skips it.", min=0)] = 10,
        out: Annotated[str | None, typer.Option(
            "--out", help="Folder for the runs (resumable), the tables (CSV) and "
                          "replications.html.")] = None,
        seed: Seed = 0, sets: Sets = [],  # noqa: B006
        backend: Backend = "process", workers: Workers = None,
        force: Force = False) -> None:
    """Choose replications by method (Hoad, Robinson & Davies 2010) and check the warm-up.

    Replications: the confidence-interval method, run sequentially until the CI of every
    target stays within the target width over a look-ahead. Warm-up: MSER-5 on the
    weekly series averaged over replications run from empty, against run.warmup_weeks.
    """
    from sim.analysis.precision import TARGETS_ON, check_target
    from sim.experiment.replications import choose_replications
    from sim.experiment.warmup import warmup_check

    if precision_on not in TARGETS_ON:
        raise UserError(f"--precision-on: must be one of {', '.join(TARGETS_ON)}, got "
                        f"{precision_on!r}")
    try:
        check_target(precision, absolute)
    except ValueError as exc:
        raise UserError(f"--{exc}; e.g. --precision 0.05") from None
    if start > max_reps:
        raise UserError(f"--start: must be at most --max-reps ({max_reps}), got {start}")
    scenarios, _ = _variants(files, sets)
    if reference is not None and reference not in scenarios:
        raise UserError(f"--reference: must be one of {', '.join(scenarios)}, got "
                        f"{reference!r}")
    outcomes = outcome or ["success_rate", "share_dissatisfied"]
    folder = _folder(out) if out is not None else None
    common = {"backend": backend, "workers": workers, "force": force}
    choice = choose_replications(scenarios, outcomes, precision, absolute, precision_on,
                                 reference, k_limit, start, max_reps, seed,
                                 out=folder / "runs" if folder else None, progress=True,
                                 **common)
    table = Table(title=f"Replications by Hoad, Robinson & Davies' algorithm (kLimit "
                        f"{k_limit}; {choice.reps_run} replications run)")
    for col in ("target", "outcome", "n", "mean", "half-width", "target width"):
        table.add_column(col, justify="left" if col in ("target", "outcome") else "right")
    for r in choice.table.to_dict("records"):
        n = str(int(r["n"])) if r["reached"] else f"> {max_reps} (out of reach)"
        table.add_row(str(r["target"]), r["outcome"], n, f"{r['mean']:.4g}",
                      f"{r['half_width']:.3g}", f"{r['target_width']:.3g}")
    Console(width=max(console.width, 110)).print(table)
    chosen = choice.replications
    console.print(f"replications for this experiment: {chosen}" if chosen is not None else
                  "[bold yellow]not every target is reached within --max-reps[/]; widen "
                  "the target (or give --absolute for outcomes near zero)")
    warm = None
    if warmup_reps:
        first = next(iter(scenarios.values()))
        warm = warmup_check(first, reps=warmup_reps, seed=seed, progress=False, **common)
        for r in warm.table.to_dict("records"):
            verdict = ("covers it" if r["enough"] else "does NOT cover it" if r["reliable"]
                       else "the run is too short to tell")
            console.print(f"warm-up ({r['outcome']}): MSER-5 truncates "
                          f"{r['truncation_weeks']:g} weeks; run.warmup_weeks = "
                          f"{r['warmup_weeks']:g} {verdict}", highlight=False)
    if folder is not None:
        from sim.report.html import figure_html, page
        from sim.report.warmup import warmup_figure

        choice.table.to_csv(folder / "replications.csv", index=False)
        choice.trajectory.to_csv(folder / "trajectory.csv", index=False)
        parts = ["<h2>Replications</h2>", choice.table.to_html(index=False),
                 figure_html(choice.figure())]
        if warm is not None:
            warm.table.to_csv(folder / "warmup.csv", index=False)
            warm.series.to_csv(folder / "warmup_series.csv", index=False)
            parts += ["<h2>Warm-up (MSER-5)</h2>", warm.table.to_html(index=False),
                      figure_html(warmup_figure(warm))]
        (folder / "replications.html").write_text(page("Replications and warm-up", parts),
                                                  encoding="utf-8")
        err.print(f"written {safe(folder)}/replications.csv, trajectory.csv, "
                  "warmup.csv and replications.html", highlight=False)


@app.command()
@clean_errors
def sensitivity(file: File, out: Out, samples: Annotated[int, typer.Option(
                    help="Saltelli base size N for sobol (N*(D+2) points; 1024 and more "
                         "are fine); points for lhs and qmc.",
                    min=2)] = 64,
                method: Annotated[str, typer.Option(
                    help="morris (screening of every numeric parameter), sobol (Saltelli "
                         "design and Sobol indices: over the top --top parameters of a "
                         "Morris screening, or else over the file's [ranges]), lhs (Latin "
                         "hypercube) or qmc (scrambled Sobol points).")] = "sobol",
                reps: Annotated[int, typer.Option(
                    help="Replications per design point (common random numbers); the "
                         "indices use the per-point means, and noise.csv gives the noise "
                         "share. 2 or more to measure the noise.", min=1)] = 1,
                top: Annotated[int | None, typer.Option(
                    help="sobol: screen every parameter by Morris first (into OUT/morris) "
                         "and run Sobol on the top K by μ* (into OUT/sobol).", min=1)] = None,
                trajectories: Annotated[int, typer.Option(
                    help="morris: trajectories r (r*(D+1) points).", min=2)] = 10,
                levels: Annotated[int, typer.Option(help="morris: grid levels (even).",
                                                    min=2)] = 4,
                relative: Annotated[float, typer.Option(
                    help="morris: half-width of a derived range, as a share of the "
                         "scenario's value (the file's [ranges] override).")] = 0.2,
                outcome: Annotated[list[str], typer.Option(
                    help="Outcome(s) ranked and shown (repeatable; default: success rate "
                         "and share dissatisfied); every outcome is analysed.")] = [],  # noqa: B006
                seed: Seed = DEFAULT_SEED, sets: Sets = [],  # noqa: B006
                backend: Backend = "process", workers: Workers = None,
                scheduler: Scheduler = None, tls_ca_file: TlsCa = None,
                tls_cert: TlsCert = None, tls_key: TlsKey = None,
                force: Force = False, break_lock: BreakLock = False) -> None:
    """Global sensitivity: Morris screening of every parameter, Sobol on the top ones (or
    on the file's [ranges]), with replication noise separated and 95% bootstrap CIs."""
    from sim.experiment.batch import check_backend
    from sim.experiment.exploration import read_ranges
    from sim.experiment.sensitivity import (
        parameter_space,
        run_morris,
        run_sensitivity,
        run_sobol,
    )
    from sim.report.sensitivity import write_sensitivity_page

    methods = ("morris", "sobol", "lhs", "qmc")
    if method not in methods:
        raise UserError(f"--method: must be one of {', '.join(methods)}, got {method!r}")
    if top is not None and method != "sobol":
        raise UserError("--top: only with --method sobol")
    folder = _folder(out)
    check_backend(backend, scheduler)
    security = _security(scheduler, tls_ca_file, tls_cert, tls_key)
    base = load_scenario(file, sets)
    shown = outcome or ["success_rate", "share_dissatisfied"]
    common = {"backend": backend, "workers": workers, "scheduler": scheduler,
              "security": security, "progress": True, "force": force,
              "break_lock": break_lock}
    if method in ("morris", "sobol") and (method == "morris" or top is not None):
        from sim.scenario_files import read_scenario_file

        given = (read_ranges(file) if "ranges" in read_scenario_file(file) else None)
        space = parameter_space(base, relative, given)
        if not space.parameters:
            raise UserError("no parameter to vary")
        where = folder / "morris" if method == "sobol" else folder
        where.mkdir(parents=True, exist_ok=True)
        err.print(f"Morris: {len(space.parameters)} parameters x {trajectories} "
                  f"trajectories x {reps} replications ({len(space.skipped)} skipped: see "
                  f"parameters.csv)", highlight=False)
        screening = run_morris(base, where, trajectories, levels, reps, seed, space=space,
                               **common)
        _check_outcomes(screening.indices, shown)
        write_sensitivity_page(where, "morris", screening.indices, screening.design, shown,
                               f"{len(space.parameters)} parameters, {trajectories} "
                               f"trajectories, {levels} levels, {reps} replications per "
                               "point (common random numbers).")
        _print_top(screening.indices, shown, "mu_star", "μ*", screening.design.noise)
        err.print(f"written {safe(where)}/morris.csv, parameters.csv, noise.csv, "
                  "morris.html", highlight=False)
        if method == "morris":
            return
        chosen = screening.top(top, shown)  # type: ignore[arg-type]
        sub = space.subset(chosen)
        err.print(f"Sobol on the top {len(chosen)}: {', '.join(chosen)}", highlight=False)
        (folder / "sobol").mkdir(parents=True, exist_ok=True)
        result = run_sobol(base, sub, samples, folder / "sobol", reps, seed, **common)
        write_sensitivity_page(folder / "sobol", "sobol", result.indices, result.design,
                               shown, f"Top {len(chosen)} parameters by Morris μ*; "
                               f"Saltelli base size {samples}; {reps} replications per point.")
        _print_top(result.indices, shown, "ST", "ST", result.design.noise)
        err.print(f"written {safe(folder / 'sobol')}/sobol.csv, noise.csv, sobol.html",
                  highlight=False)
        return
    ranges = read_ranges(file)
    common.pop("progress")
    legacy = run_sensitivity(base, ranges, samples, folder, method=method, reps=reps,
                             seed=seed, progress=True, **common)
    err.print(f"{len(legacy.samples)} sample points -> {safe(folder / 'samples.csv')}")
    if legacy.indices is not None and not legacy.indices.empty:
        table = Table(title="Sobol indices (first order S1, total ST; 95% CI)")
        for col in ("outcome", "parameter", "S1", "ST"):
            table.add_column(col)
        for r in legacy.indices.itertuples():
            table.add_row(safe(r.outcome), safe(r.parameter), f"{r.S1:.3f} ± {r.S1_conf:.3f}",
                          f"{r.ST:.3f} ± {r.ST_conf:.3f}")
        Console(width=max(console.width, 110)).print(table)
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
        Console(width=max(console.width, 110)).print(table)


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
               "--replace", help="Write over FOLDER/report.html (or over the --out "
               "file).")] = False,
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
    writable(out, replace)
    path = write_folder_report(folder, lang, replace=replace, out=out, title=title,
                               reference=reference)
    console.print(f"{WRITTEN['report'][lang]} {safe(path)}", highlight=False, soft_wrap=True)


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
def plot(folder: Annotated[Path, typer.Argument(
             help="A result folder of `batch` (over a [sweep]) or of `sensitivity`.",
             show_default=False)],
         kind: Annotated[str, typer.Option(
             "--kind", help="sweep|sobol|pairs: the outcome against the swept parameter "
             "(band: 95% CI); Sobol indices S1 and ST with 95% CIs; or the pairs plot, a "
             "scatter matrix of the sampled parameters coloured by the outcome.",
             show_default=False)],
         outcome: Annotated[str, typer.Option(
             help="The outcome shown (a key of `regiesim outcomes`).")] = "success_rate",
         lang: Lang = "en",
         parameter: Annotated[str | None, typer.Option(
             help="sweep: the swept parameter on the x axis (default: the first).")] = None,
         out: Annotated[Path | None, typer.Option(
             "--out", help="Write to this .html file (default: "
             "FOLDER/plot-KIND-OUTCOME-LANG.html). HTML only: static images need kaleido, "
             "which is not installed.")] = None,
         replace: Replace = False,
         ) -> None:
    """Draw one figure of a result folder as a self-contained HTML page (opens offline)."""
    from sim.report.folder import write_plot

    writable(out, replace)
    path = write_plot(folder, kind, outcome, lang, out=out, parameter=parameter)
    console.print(f"{WRITTEN['plot'][lang]} {safe(path)}", highlight=False, soft_wrap=True)


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
def animate(file: File, out: Annotated[Path, typer.Option(
                help="The HTML file to write (self-contained, plays offline).")],
            compare: Annotated[Path | None, typer.Option(
                help="A second scenario file, shown beside FILE on the same seed.")] = None,
            compare_sets: Annotated[list[str], typer.Option(
                "--compare-set", help="Override a key of the second panel (repeatable); "
                "without --compare it changes a copy of FILE: --compare-set "
                "fallback.enabled=false.", show_default=False)] = [],  # noqa: B006
            seed: Seed = DEFAULT_SEED, lang: Lang = "nl",
            sets: Sets = [], replace: Replace = False) -> None:  # noqa: B006
    """Write the run as an animation for the classroom: every initiative a dot on its way.

    With --compare (or --compare-set) two municipalities meet the same citizens (common
    random numbers): who comes forward in both does so at the same moment. --set applies
    to both panels. If the two differ in who arrives when (e.g. another arrival rate),
    the player says they do not meet the same citizens and names the settings.
    """
    from sim.report.animate import write

    if lang not in ("nl", "en"):
        raise UserError(f"lang: must be one of en, nl, got {lang!r}")
    if out.is_dir():
        raise UserError(f"{safe(out)}: is a folder; --out names the HTML file to write")
    scenario = load_scenario(file, sets)
    other = None
    if compare is not None or compare_sets:
        other = load_scenario(compare if compare is not None else file,
                              [*sets, *compare_sets])
    writable(out, replace)
    write(out, scenario, seed, lang, other)
    console.print(f"{WRITTEN['animation'][lang]} {safe(out)}", highlight=False, soft_wrap=True)


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
    console.print(f"regiesim dashboard on http://{safe(host)}:{port}  (Ctrl+C stops it)",
                  highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning[/] bound to {safe(host)}: anyone who can reach this "
                  "address can use the dashboard and make this computer run simulations; "
                  "use 127.0.0.1 unless the network is yours", highlight=False,
                  soft_wrap=True)
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

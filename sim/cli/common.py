"""What every command shares: the app, the consoles, option types, choices and the way
input errors are shown (one line naming the file and field, exit status 2)."""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.choices import ADJUSTMENTS, BACKENDS, KERNELS, STUDIES, TARGETS_ON
from sim.scenario import ScenarioError
from sim.words import LANGS

app = typer.Typer(
    help="regiesim: directive versus direction-based governance of citizen initiatives.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
console = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def choices(name: str, values: tuple[str, ...], doc: str) -> type[enum.StrEnum]:
    """An Enum of the values a library function accepts, offered as a command's choices
    (typer lists them in the help and refuses anything else, naming them)."""
    choice = enum.StrEnum(name, [(v, v) for v in values])  # type: ignore[misc]
    choice.__doc__ = doc
    return choice


Backend, Lang, PrecisionOn, Adjust, PlotKind, Kernel, Method = (
    choices(name, values, doc) for name, values, doc in (
        ("Backend", BACKENDS, "Where the runs go (sim.choices.BACKENDS)."),
        ("Lang", LANGS, "The languages of the reports, stories and animations "
                        "(sim.words.LANGS)."),
        ("PrecisionOn", TARGETS_ON, "What a precision target is about "
                                    "(sim.choices.TARGETS_ON)."),
        ("Adjust", ADJUSTMENTS, "p-value adjustments over a table (sim.choices.ADJUSTMENTS)."),
        # the figures are declared with their code, which imports plotly: a literal here,
        # held to sim.report.plots.PLOTS by tests/test_cli_help.py
        ("PlotKind", ("sweep", "sobol", "pairs"), "The figures of a result folder "
                                                  "(sim.report.folder.PLOTS)."),
        ("Kernel", KERNELS, "How ABC-SMC proposes the next population, or plain rejection "
                            "ABC (sim.choices.KERNELS)."),
        ("Method", STUDIES, "Sensitivity studies (sim.choices.STUDIES)."),
    ))

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
BackendOption = Annotated[Backend, typer.Option(help="serial, process (all cores) or dask.")]
Workers = Annotated[int | None, typer.Option(help="Worker processes (default: all cores).",
                                             min=1)]
LangOption = Annotated[Lang, typer.Option(help="Language: en or nl.")]
Replace = Annotated[bool, typer.Option(
    "--replace", help="Write over the --out file if it exists (else it is refused).")]
Force = Annotated[bool, typer.Option(
    "--force", help="Accept scenarios above the scale ceiling (see `validate`).")]
SkipInvalid = Annotated[bool, typer.Option(
    "--skip-invalid", help="Run the good files when some are bad (each skipped file and "
    "why is listed at the end and in the manifest; exit status 3).")]
SKIPPED_EXIT = 3
"""The exit status of a batch that ran but skipped invalid files."""
On = Annotated[PrecisionOn, typer.Option(
    help="What --precision/--absolute is about: levels (each scenario), differences "
         "(paired, against --reference) or both.")]
Reference = Annotated[str | None, typer.Option(
    help="Scenario the differences are taken against (default: the first).")]
Out = Annotated[str, typer.Option(
    "--out", help="Result folder: new or empty, or a regiesim result folder to resume.")]
TimeBudget = Annotated[float | None, typer.Option(
    help="Seconds one run may take; a run that takes longer is recorded as failed "
         "(backend serial or process).")]
BreakLock = Annotated[bool, typer.Option(
    "--break-lock", help="Kept for old scripts; breaks nothing: the OS releases the lock "
    "of a batch that ended (even by kill -9), and a held lock is never broken.")]
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

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


class UserError(Exception):
    """A problem with what the user asked for: shown as a message, exit status 2."""


def safe(value: object) -> str:
    """A user value ready for a rich print: markup escaped (``[/bold]``, ``[link=...]``
    shown as typed) and control characters shown as ``\\xNN`` (no terminal escapes)."""
    return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value)))


def shown(name: object) -> str:
    """A scenario name ready for a rich print: :func:`safe`, and cut above
    :data:`sim.words.NAME_LIMIT` characters (:func:`sim.words.short_name`: an ellipsis and
    a digest keep two long names apart); a name up to the limit is shown whole."""
    from sim.words import short_name

    return safe(short_name(str(name)))


def say(text: str) -> None:
    """One line to stderr, user values already made :func:`safe`."""
    err.print(text, highlight=False, soft_wrap=True)


def print_wide(table: Table, width: int = 110) -> None:
    """A table on stdout, at least ``width`` columns wide (it is read, not cut)."""
    Console(width=max(console.width, width)).print(table)


def writable(out: Path | None, replace: bool) -> None:
    """An --out file the user named is never written over unless --replace says so."""
    if out is not None and out.exists() and not out.is_dir() and not replace:
        raise UserError(f"--out: {out} exists; give another file, or add --replace to "
                        "write over it")


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


def check_reference(reference: str | None, names: Any, option: str = "--reference") -> None:
    """Refuse a reference scenario that is not among ``names``."""
    if reference is not None and reference not in names:
        raise UserError(f"{option}: must be one of {', '.join(names)}, got {reference!r}")


def plain(value: Any) -> Any:
    """NaN as None (JSON has no NaN)."""
    return None if isinstance(value, float) and math.isnan(value) else value


def folder_of(out: str) -> Path:
    """The --out folder (an empty name is refused)."""
    if not out.strip():
        raise UserError("--out: an empty folder name; give a folder (use --out . for the "
                        "current folder)")
    return Path(out)


def report_failures(failures: Any, folder: Path) -> None:
    """Print failed runs, grouped by error (first lines); the full tracebacks are stored."""
    if failures is None or failures.empty:
        return
    say(f"[bold red]{len(failures)} run(s) failed[/] (details with tracebacks in "
        f"{safe(folder / 'failures.parquet')}):")
    for error, group in failures.groupby("error", sort=False):
        runs = ", ".join(f"{shown(s)} #{r}" for s, r in
                         zip(group["scenario"][:5], group["replication"][:5], strict=True))
        more = f" and {len(group) - 5} more" if len(group) > 5 else ""
        say(f"  {safe(error)}: {runs}{more}")


def load_results(folder: Path, what: str) -> Any:
    """The stored results of a folder, its failures shown and an unfinished batch named;
    refused when it holds no successful run (``what``: to report on, to compare)."""
    from sim.experiment import ResultStore

    stored = ResultStore.load(folder)
    report_failures(stored.failures, folder)
    if stored.runs.empty:
        raise UserError(f"{folder} holds no successful runs {what}")
    warn_incomplete(stored, folder)
    return stored


def warn_incomplete(stored: Any, folder: Path) -> None:
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


def executor_of(backend: str, workers: int | None, scheduler: str | None = None,
                tls: tuple[Path | None, Path | None, Path | None] = (None, None, None),
                chunk: int | None = None, store: Any = None) -> Any:
    """The :class:`~sim.experiment.options.Executor` of a command's options (progress
    shown), checked against its store options, with the Dask security of --scheduler and
    the --tls-* files."""
    import dataclasses

    from sim.experiment.options import Executor, run_options

    # a serial batch of the command line runs in one supervised worker, so that Ctrl+C
    # and SIGTERM stop it within seconds whatever the model is doing
    executor, _ = run_options(Executor(str(backend), workers, chunk, scheduler,
                                       progress=True, supervised=str(backend) == "serial"),
                              store)
    security = security_of(scheduler, *tls)
    return executor if security is None else dataclasses.replace(executor, security=security)


def security_of(scheduler: str | None, ca: Path | None, cert: Path | None,
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


def posterior_of(folder: Path | None) -> Any:
    """The stored posterior of a calibration folder, or None."""
    if folder is None:
        return None
    from sim.experiment.calibration import Posterior

    try:
        return Posterior(folder)
    except ValueError as exc:
        raise UserError(f"--posterior: {exc}") from None

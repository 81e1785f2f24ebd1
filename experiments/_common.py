"""What every experiment script shares: its options, running a batch and publishing it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console

from sim.experiment import Batch, run_batch
from sim.experiment.progress import model_build
from sim.experiment.store import StoreError, StoreMismatch, declare_artefact
from sim.report.publish import publish_store
from sim.scenario import Scenario
from sim.scenario_files import load_scenario, parse_assignment

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
console = Console()


def options(doc: str, name: str, reps: int = 30,
            extra: dict[str, tuple[type, Any, str]] | None = None) -> argparse.Namespace:
    """The options every experiment takes, plus ``extra`` ({flag: (type, default, help)})."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for flag, (kind, default, text) in (extra or {}).items():
        parser.add_argument(flag, type=kind, default=default, help=text)
    parser.add_argument("--reps", type=int, default=reps, help="replications per scenario")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / name)
    parser.add_argument("--lang", choices=["en", "nl"], default="en")
    parser.add_argument("--backend", choices=["serial", "process", "dask"], default="process")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--posterior", type=Path, default=None,
                        help="a calibration folder (regiesim calibrate): each replication "
                             "draws one parameter set from its posterior, the same in every "
                             "scenario, so intervals carry parametric uncertainty too")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help="change every scenario, e.g. --set run.horizon_weeks=52 "
                             "(repeatable)")
    args = parser.parse_args()
    args.out_given = any(a == "--out" or a.startswith("--out=") for a in sys.argv[1:])
    return args


def fresh_folder(taken: Path) -> Path:
    """The first of ``taken``-2, ``taken``-3, ... that does not exist yet."""
    k = 2
    while taken.with_name(f"{taken.name}-{k}").exists():
        k += 1
    return taken.with_name(f"{taken.name}-{k}")


def changes(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--set`` assignments as {key: value}."""
    return dict(parse_assignment(text) for text in args.sets)


def scenario(file: str, **changes: Any) -> Scenario:
    base = load_scenario(SCENARIOS / file)
    return base.with_changes(changes) if changes else base


def run(args: argparse.Namespace, scenarios: dict[str, Scenario], out: Path | None = None,
        params: dict[str, dict[str, Any]] | None = None) -> Batch:
    out = out or args.out
    scenarios = {name: sc.with_changes(changes(args)) if args.sets else sc
                 for name, sc in scenarios.items()}
    n = len(scenarios)
    model = model_build(args.lang)  # which model runs: compiled, or the sources and why
    if args.lang == "nl":
        names = "scenario" if n == 1 else "scenario's"
        reps = "replicatie" if args.reps == 1 else "replicaties"
        console.print(f"{n} {names} × {args.reps} {reps} met gemeenschappelijke "
                      f"toevalsgetallen (seed {args.seed}) → {out} (model: {model})",
                      highlight=False)
    else:
        console.print(f"{n} scenario{'' if n == 1 else 's'} × {args.reps} replications on "
                      f"common random numbers (seed {args.seed}) → {out} (model: {model})",
                      highlight=False)
    if args.posterior is not None:
        console.print(f"posterior: {args.posterior} "
                      + ("(toeval en parameteronzekerheid)" if args.lang == "nl" else
                         "(intervals are stochastic and parametric)"), highlight=False)
    try:
        return run_batch(scenarios, reps=args.reps, seed=args.seed, out=out, params=params,
                         backend=args.backend, workers=args.workers, progress=True,
                         lang=args.lang, posterior=args.posterior)
    except StoreMismatch as exc:
        if args.out_given or out != args.out:
            _refuse(args, out, exc)
        # the default folder holds an earlier run of other code or settings (after an
        # update, say): keep it, and write this run beside it
        args.out = fresh_folder(out)
        console.print(str(exc), highlight=False, soft_wrap=True, style="yellow")
        console.print(f"{out} blijft zoals het is; deze run schrijft naar {args.out}"
                      if args.lang == "nl" else
                      f"{out} is kept as it is; this run writes to {args.out}", highlight=False)
        return run(args, scenarios, params=params)
    except StoreError as exc:
        _refuse(args, out, exc)


def _refuse(args: argparse.Namespace, out: Path, exc: StoreError) -> NoReturn:
    """Another batch's folder the user named, or one in use: say what differs and what
    to do."""
    console.print(f"[bold red]{'fout' if args.lang == 'nl' else 'error'}:[/] {exc}",
                  highlight=False, soft_wrap=True)
    console.print(
        f"Kies een nieuwe map met --out, of verwijder {out} om opnieuw te beginnen."
        if args.lang == "nl" else
        f"Give a new folder with --out, or remove {out} to start again.", highlight=False)
    raise SystemExit(2) from None


def finish(args: argparse.Namespace, batch: Batch, reference: str,
           title: str | dict[str, str], outcomes: list[str]) -> None:
    """Publish the batch's folder; the report is built from everything the folder holds
    (write an experiment's own tables there first). ``title``: one, or {"en": .., "nl": ..}."""
    out = batch.out or args.out
    paths = publish_store(out, reference=reference, title=title, outcomes=outcomes,
                          lang=args.lang, console=console)
    for kind in ("summary", "differences"):  # written by publish_store
        declare_artefact(out, paths[kind].name, kind)
    if args.lang == "nl":
        console.print(f"\nResultaten in [bold]{out}[/]: runs.parquet, series.parquet, "
                      "manifest.json, summary.csv, differences.csv")
        console.print(f"Rapport: [bold]{paths['report']}[/] (in het Engels: "
                      f"regiesim report {out} --lang en)")
    else:
        console.print(f"\nResults in [bold]{out}[/]: runs.parquet, series.parquet, "
                      "manifest.json, summary.csv, differences.csv")
        console.print(f"Report: [bold]{paths['report']}[/] (in Dutch: "
                      f"regiesim report {out} --lang nl)")

"""What every experiment script shares: its options, running a batch and publishing it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from sim.experiment import Batch, run_batch
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
    return parser.parse_args()


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
    console.print(f"{len(scenarios)} scenario(s) x {args.reps} replications on common random "
                  f"numbers (seed {args.seed}) -> {out}")
    if args.posterior is not None:
        console.print(f"over the posterior of {args.posterior}: intervals are stochastic and "
                      "parametric")
    return run_batch(scenarios, reps=args.reps, seed=args.seed, out=out, params=params,
                     backend=args.backend, workers=args.workers, progress=True,
                     posterior=args.posterior)


def finish(args: argparse.Namespace, batch: Batch, reference: str, title: str,
           outcomes: list[str], extra: list[tuple[str, str]] | None = None) -> None:
    out = batch.out or args.out
    paths = publish_store(out, reference=reference, title=title, outcomes=outcomes,
                          lang=args.lang, console=console, extra=extra)
    console.print(f"\nResults in [bold]{out}[/]: runs.parquet, series.parquet, manifest.json, "
                  "summary.csv, differences.csv")
    console.print(f"Report: [bold]{paths['report']}[/]")

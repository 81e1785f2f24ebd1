"""Flagship: directive versus direction-based work, and direction with and without fallback.

Research question: what does it cost initiatives when a municipality that works by
direction falls back into the directing role under pressure? Three scenarios on common
random numbers: the directive municipality, the direction-based one (fallback on), and
the same direction-based one with fallback switched off. Writes results/fallback/
(runs.parquet, series.parquet, manifest.json, summary.csv, differences.csv, report.html)
and prints the headline with 95% CIs.

    python experiments/fallback.py [--reps 30] [--seed 2026] [--out results/fallback]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from sim.experiment import run_batch
from sim.report.publish import publish
from sim.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent
OUTCOMES = ["success_rate", "share_dissatisfied", "frustration", "dropouts",
            "weeks_to_decision", "handoffs_per_initiative", "fallback_episodes",
            "fallback_weeks", "mean_trust"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "fallback")
    parser.add_argument("--lang", choices=["en", "nl"], default="en")
    args = parser.parse_args()

    direction = load_scenario(ROOT / "scenarios" / "direction.toml")
    scenarios = {
        "direction": direction,
        "direction-no-fallback": direction.with_changes({"fallback.enabled": False}),
        "directive": load_scenario(ROOT / "scenarios" / "directive.toml"),
    }
    console = Console()
    console.print(f"Running {len(scenarios)} scenarios x {args.reps} replications "
                  f"(common random numbers, seed {args.seed}) ...")
    batch = run_batch(scenarios, reps=args.reps, seed=args.seed, out=args.out, progress=True)
    manifest = __import__("json").loads((args.out / "manifest.json").read_text())
    paths = publish(batch.runs, batch.series, args.out, reference="direction",
                    title="Direction-based work with and without fallback, and directive work",
                    outcomes=OUTCOMES, manifest=manifest, lang=args.lang, console=console)
    console.print(f"\nResults in [bold]{args.out}[/]:")
    for name in ("runs.parquet", "series.parquet", "manifest.json"):
        console.print(f"  {args.out / name}")
    for path in paths.values():
        console.print(f"  {path}")


if __name__ == "__main__":
    main()

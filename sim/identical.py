"""Bit-identical results: the same runs by two builds of the model, table by table.

Runs every shipped scenario (``scenarios/*.toml``) and a few variants (:data:`VARIANTS`)
on several seeds, with the event log off and on, and stores or checks each run's summary,
series, initiatives, episodes and event log. Used to check that a speed-up leaves every
number as it was (``benchmarks/check_identical.py``) and that the compiled model gives the
numbers of its sources (``sim.compile_model``):

    python -m sim.identical save DIR     # one build: every run into DIR/runs.pkl
    python -m sim.identical check DIR    # the other: exit 1 on any difference

Numbers are compared bit for bit (NaN equal to NaN, 0.0 unequal to -0.0), frames column by
column with their dtypes.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.model import build
from sim.run import simulate
from sim.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SEEDS = (0, 1, 2, 7, 123)


VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "direction+rebased": ("direction", {"satisfaction.rebase_expectations": True}),
    "direction+endless-patience": ("direction", {"initiatives.patience_weeks": math.inf}),
    "typical+one-desk": ("typical", {"municipality.intake_staff": 1}),
}
"""Variants of shipped scenarios that take branches the shipped ones do not: expectations
rebased at every contact, patience that never runs out, a front office that initiatives
leave while queueing."""


def runs(seeds: tuple[int, ...]) -> dict[str, dict[str, Any]]:
    """Every shipped scenario and :data:`VARIANTS` x ``seeds`` x event log off/on: the
    tables of each run."""
    shipped = {path.stem: path for path in sorted((ROOT / "scenarios").glob("*.toml"))}
    plans = {stem: (path, {}) for stem, path in shipped.items()}
    plans.update({name: (shipped[stem], changes) for name, (stem, changes) in VARIANTS.items()})
    out: dict[str, dict[str, Any]] = {}
    for name, (path, changes) in plans.items():
        for log in (False, True):
            scenario = load_scenario(path, {**changes, "run.event_log": log})
            for seed in seeds:
                result = simulate(scenario, seed)
                out[f"{name} seed={seed} log={log}"] = {
                    "summary": result.summary, "series": result.series,
                    "initiatives": result.initiatives, "episodes": result.episodes,
                    "log": result.log}
    return out


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return np.float64(a).tobytes() == np.float64(b).tobytes()
    return type(a) is type(b) and a == b


def _same_frame(a: pd.DataFrame | None, b: pd.DataFrame | None) -> str:
    """'' when ``a`` and ``b`` are bit for bit the same, else what differs."""
    if a is None or b is None:
        return "" if a is None and b is None else "one is None"
    if list(a.columns) != list(b.columns) or a.shape != b.shape:
        return f"columns/shape {list(a.columns)} {a.shape} vs {list(b.columns)} {b.shape}"
    for col in a.columns:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        if x.dtype != y.dtype:
            return f"{col}: dtype {x.dtype} vs {y.dtype}"
        if x.dtype == object:
            if not all(_same_value(p, q) for p, q in zip(x.tolist(), y.tolist(), strict=True)):
                return f"{col}: values differ"
        elif x.tobytes() != y.tobytes():
            return f"{col}: values differ"
    return ""


def compare(base: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[str]:
    """Every difference between two sets of runs, as lines to print."""
    diffs = [f"{key}: missing" for key in base.keys() ^ new.keys()]
    for key in sorted(base.keys() & new.keys()):
        b, n = base[key], new[key]
        if list(b["summary"]) != list(n["summary"]):
            diffs.append(f"{key}: summary keys differ")
        for name, value in b["summary"].items():
            if name in n["summary"] and not _same_value(value, n["summary"][name]):
                diffs.append(f"{key}: summary[{name}] {value!r} vs {n['summary'][name]!r}")
        for table in ("series", "initiatives", "episodes", "log"):
            if why := _same_frame(b[table], n[table]):
                diffs.append(f"{key}: {table}: {why}")
    return diffs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--build", choices=("compiled", "pure"),
                        help="refuse to run unless this process runs this build of the model")
    args = parser.parse_args(argv)
    running = build()
    if args.build and not running.startswith(args.build):
        sys.exit(f"this process runs the model {running}, not {args.build}")
    store = args.folder / "runs.pkl"
    new = runs(SEEDS)
    if args.action == "save":
        args.folder.mkdir(parents=True, exist_ok=True)
        store.write_bytes(pickle.dumps(new))
        print(f"saved {len(new)} runs to {store}")
        return
    if not store.is_file():
        sys.exit(f"{store}: no baseline; run `save {args.folder}` on the code before the change")
    diffs = compare(pickle.loads(store.read_bytes()), new)
    for line in diffs[:40]:
        print(line)
    if diffs:
        sys.exit(f"{len(diffs)} differences in {len(new)} runs")
    print(f"identical: {len(new)} runs ({len(SEEDS)} seeds x {len(new) // len(SEEDS) // 2} "
          "scenarios and variants x event log off/on)")


if __name__ == "__main__":
    main()

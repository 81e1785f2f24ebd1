"""The tables a batch user analyses, as BehaviorSpace's table output has them.

Every run row (runs.parquet, runs.csv) and every summary row carries what its scenario is:

- ``source``: the scenario file, as a path relative to where the batch ran (the manifest
  keeps them under ``sources``);
- one column per parameter that varies across the batch (dotted keys, ``fallback.upper``),
  with the scenario's value; a list or a table is written as its JSON text;
- ``scenario_hash``: the scenario's digest.

So a user filters and pivots by what was varied without reading the manifest. The summary
is long (one row per scenario and outcome: mean, 95% CI, n) or wide (one row per scenario:
``<outcome>_mean``, ``<outcome>_ci_low``, ``<outcome>_ci_high`` for each outcome).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.analysis import bounded, summarise
from sim.experiment.store.artefacts import record_in_manifest, write_artefact
from sim.experiment.store.manifest import MANIFEST, read_manifest
from sim.experiment.store.parts import ROW_GROUP_ROWS
from sim.outcomes import SUMMARY
from sim.scenario import _MISSING, _get_dotted

SOURCES = "sources"
"""The manifest's key for each scenario's file (scenario name -> path)."""
BOOKKEEPING = ("scenario.name", "scenario.description", "scenario.own_values")
"""Keys that differ between scenarios without being parameters of the model."""


def sources_of(files: dict[str, Path], where: str | Path = ".") -> dict[str, str]:
    """Each scenario's file, relative to ``where`` (``../x.toml`` for a file above it)."""
    base = Path(where).resolve()
    return {name: Path(os.path.relpath(Path(path).resolve(), base)).as_posix()
            for name, path in files.items()}


def _value(manifest: dict[str, Any], info: dict[str, Any], key: str) -> Any:
    """A scenario's value of ``key``: its change from the first scenario, else the first
    scenario's value (manifests of older stores hold every scenario whole)."""
    if "changes" not in info:
        value = _get_dotted(info.get("resolved") or {}, key)
    elif key in info["changes"]:
        value = info["changes"][key]
    else:
        value = _get_dotted(manifest.get("base") or {}, key)
    if value is _MISSING:
        return None
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


def varied(manifest: dict[str, Any]) -> list[str]:
    """The parameters that take more than one value across the batch's scenarios."""
    return list(dict.fromkeys(
        key for info in (manifest.get("scenarios") or {}).values()
        for key in info.get("changes") or {} if key not in BOOKKEEPING))


def design(manifest: dict[str, Any]) -> pd.DataFrame:
    """One row per scenario of a batch: scenario, source, each varied parameter, digest."""
    keys = varied(manifest)
    sources = manifest.get(SOURCES) or {}
    rows = [{"scenario": name, "source": sources.get(name),
             **{key: _value(manifest, info, key) for key in keys},
             "scenario_hash": info.get("hash")}
            for name, info in (manifest.get("scenarios") or {}).items()]
    return pd.DataFrame(rows, columns=["scenario", "source", *keys, "scenario_hash"])


def _column(values: pd.Series) -> pa.Array:
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # values of several types: as text
        return pa.array([None if pd.isna(v) else str(v) for v in values], pa.string())


def with_design(runs: pa.Table, manifest: dict[str, Any]) -> pa.Table:
    """The run table with its scenarios' source and varied parameters after
    ``scenario_hash``, in place of the columns of those names it has (a sweep's, which
    only its variants fill, or a previous call's: a resumed batch's new rows get them)."""
    table = design(manifest).set_index("scenario")
    added = [c for c in table.columns if c != "scenario_hash"]
    runs = runs.drop_columns([c for c in added if c in runs.column_names])
    scenarios = pd.Series(runs.column("scenario").to_pylist())
    at = runs.column_names.index("scenario_hash") + 1 if (
        "scenario_hash" in runs.column_names) else 1
    for offset, name in enumerate(added):
        runs = runs.add_column(at + offset, name, _column(scenarios.map(table[name])))
    return runs


def parquet_bytes(table: pa.Table) -> bytes:
    """A table as the bytes of a Parquet file (row groups as the store writes them)."""
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=ROW_GROUP_ROWS)
    return sink.getvalue()


def summary(runs: pd.DataFrame, outcomes: list[str], keys: list[str],
            wide: bool = False) -> pd.DataFrame:
    """Mean and 95% CI of each outcome per scenario, each row led by the scenario's
    ``keys`` (columns of ``runs`` that are one value per scenario: source, varied
    parameters, digest). Long: one row per scenario and outcome; wide: one per scenario."""
    lead = runs.drop_duplicates("scenario")[["scenario", *keys]]
    long = bounded(summarise(runs, outcomes))  # no count below 0, no share above 100%
    if not wide:
        return lead.merge(long, on="scenario", how="right")[[*lead.columns,
                                                              *long.columns.drop("scenario")]]
    stats = ("mean", "ci_low", "ci_high")
    spread = long.pivot(index="scenario", columns="outcome", values=list(stats))
    spread.columns = [f"{outcome}_{stat}" for stat, outcome in spread.columns]
    ordered = [f"{o}_{s}" for o in outcomes for s in stats]
    counts = runs.groupby("scenario", sort=False).size().to_frame("runs")
    return (lead.set_index("scenario").join(counts).join(spread[ordered])
            .loc[lead["scenario"]].reset_index())


def recorded_sources(folder: str | Path) -> dict[str, str]:
    """The scenario files a result folder's manifest records (none for a new folder)."""
    path = Path(folder) / MANIFEST
    return dict((read_manifest(path) or {}).get(SOURCES) or {}) if path.exists() else {}


def write_tables(folder: str | Path, sources: dict[str, str], csv: bool = False,
                 wide: bool = False) -> list[str]:
    """Record each scenario's file in the folder's manifest, give runs.parquet its design
    columns, and write summary.csv (wide: one row per scenario) and, with ``csv``, runs.csv
    with the columns of runs.parquet (kept up to date once written); each file whole and
    listed with its kind. Returns the names written (none when the folder holds no
    successful run)."""
    folder = Path(folder)
    if not (folder / "runs.parquet").exists():
        return []
    record_in_manifest(folder, SOURCES, sources)
    manifest = read_manifest(folder / MANIFEST) or {}
    table = with_design(pq.read_table(folder / "runs.parquet"), manifest)
    write_artefact(folder, "runs.parquet", parquet_bytes(table), "runs")
    runs = table.to_pandas()
    keys = [c for c in design(manifest).columns if c != "scenario" and c in runs.columns]
    outcomes = [c for c in runs.columns if c in SUMMARY]
    write_artefact(folder, "summary.csv", summary(runs, outcomes, keys, wide), "summary")
    written = ["runs.parquet", "summary.csv"]
    if csv or "runs.csv" in (manifest.get("artefacts") or {}):
        write_artefact(folder, "runs.csv", runs, "runs_csv")
        written.append("runs.csv")
    return written

"""The artefacts of a result folder: every file it holds, each with its kind.

The manifest lists them under ``artefacts``, by file name (relative to the folder)::

    "artefacts": {
      "runs.parquet":      {"kind": "runs", "rows": 150},
      "series.parquet":    {"kind": "series", "rows": 31350},
      "decomposition.csv": {"kind": "decomposition", "rows": 9},
      "first_fit.json":    {"kind": "first_fit"}
    }

A batch lists its tables when it finishes; an experiment writes its own tables with
:func:`write_artefact` (atomically, under the folder's lock, and listed with their kind),
or lists a file another writer made with :func:`declare_artefact`. :data:`KINDS` is the
vocabulary; a report shows an artefact by its kind, not by its file's name
(:mod:`sim.report.folder`).

Folders written before the list existed, and files whose writers do not list them yet,
are still read: :func:`artefacts` adds every file with a known name (:data:`NAMES`) that
the list does not hold, with the kind its name implies.
"""

from __future__ import annotations

import fnmatch
import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from sim.experiment.store.lock import FolderLock
from sim.experiment.store.manifest import MANIFEST, read_manifest, write_manifest
from sim.experiment.store.parts import file_digest, to_table, write_table
from sim.files import atomic_write

logger = logging.getLogger(__name__)

KINDS: dict[str, str] = {
    "runs": "one row per run: scenario, variant parameters, replication, seed, outcomes",
    "series": "the weekly series of every run",
    "failures": "runs that raised or ran out of time, with their error",
    "runs_csv": "the runs table as CSV",
    "summary": "mean and 95% CI per scenario and outcome",
    "differences": "paired differences against the reference scenario, with 95% CIs",
    "report_settings": "the report's title, reference scenario and outcomes",
    "report": "an HTML report or figure",
    "decomposition": "fallback's cost split into the regime and broken expectations",
    "threshold_sweep": "paired differences against no fallback per fallback threshold",
    "robustness": "fallback's cost over its threshold and the incident rate",
    "warmup": "the warm-up check (MSER-5) per outcome",
    "warmup_series": "the series the warm-up check read",
    "discovery": "the points of a scenario discovery, with their cost",
    "prim_box": "the PRIM box around the costliest points of a discovery",
    "breach": "the members whose partnership a fallback broke, against their twins",
    "headline": "the flagship's answers, one row per claim and interval",
    "levers": "levers against fallback's cost: expected protection and regret, ranked",
    "claims": "the claims' paired effects, with minus without",
    "conditions": "the four conditions' effects against all four",
    "conditions_partnered": "the four conditions' effects among the initiatives promised "
                            "a partnership, and among all",
    "national": "the national figures and falling back's part, with their intervals",
    "national_kinds": "each kind of municipality's survey share and fallback's cost in it",
    "mix_prior": "national figures over draws of the mix of municipalities from its prior",
    "mix_posterior": "each replication's mix of municipalities, drawn from a posterior",
    "voi_particles": "each posterior particle's answer and what the measurements would show",
    "voi": "the expected shrinkage of the answer's interval per measurement and sample size",
    "design": "a sensitivity design's points and their outcome means",
    "parameters": "the parameter space of a sensitivity design",
    "sobol": "Sobol indices with their intervals",
    "morris": "Morris elementary effects (mu*, sigma)",
    "noise": "the replication noise of a sensitivity design",
    "precision": "how precise each outcome is after sequential replications",
    "replications": "how many replications an outcome needs",
    "trajectory": "the confidence interval as replications grow",
    "first_fit": "fitted values and their check against the targets",
    "posterior": "a calibration's posterior: parameter sets and weights",
    "populations": "the ABC-SMC populations: epsilon, particles, simulations",
    "posterior_predictive": "posterior predictive runs of every pattern",
    "checks": "the patterns checked on the posterior",
    "calibration_settings": "a calibration's base scenario, priors, settings and code",
    "abc_history": "pyabc's history of a calibration (SQLite)",
}
"""Every kind of artefact, and what it holds."""

NAMES: tuple[tuple[str, str], ...] = (
    ("runs.parquet", "runs"), ("series.parquet", "series"),
    ("failures.parquet", "failures"), ("runs.csv", "runs_csv"),
    ("summary.csv", "summary"), ("differences.csv", "differences"),
    ("report.json", "report_settings"), ("decomposition.csv", "decomposition"),
    ("threshold.csv", "threshold_sweep"), ("robustness.csv", "robustness"),
    ("warmup.csv", "warmup"), ("warmup_series.csv", "warmup_series"),
    ("discovery.csv", "discovery"), ("prim_box.csv", "prim_box"), ("breach.csv", "breach"),
    ("claims.csv", "claims"), ("conditions.csv", "conditions"),
    ("conditions_partnered.csv", "conditions_partnered"), ("headline.csv", "national"),
    ("levers.csv", "levers"),
    ("kinds.csv", "national_kinds"), ("prior.csv", "mix_prior"), ("mix.csv", "mix_posterior"),
    ("particles.csv", "voi_particles"), ("voi.csv", "voi"),
    ("samples.csv", "design"), ("points.parquet", "design"),
    ("parameters.csv", "parameters"), ("sobol.csv", "sobol"), ("sobol.parquet", "sobol"),
    ("morris.csv", "morris"), ("morris.parquet", "morris"), ("noise.csv", "noise"),
    ("precision.csv", "precision"), ("replications.csv", "replications"),
    ("trajectory.csv", "trajectory"), ("first_fit.json", "first_fit"),
    ("posterior.parquet", "posterior"), ("populations.csv", "populations"),
    ("ppc.parquet", "posterior_predictive"), ("checks.csv", "checks"),
    ("calibration.json", "calibration_settings"), ("abc.db", "abc_history"),
    ("report.html", "report"), ("report-*.html", "report"), ("plot-*.html", "report"),
    ("sobol.html", "report"), ("morris.html", "report"), ("replications.html", "report"),
)
"""The file names regiesim writes, and their kinds, in the order a report reads them
(where two files are of one kind, the first is read: CSV before Parquet)."""


@dataclass(frozen=True)
class Artefact:
    """One file of a result folder: its name in the folder, its kind, its path, and
    whether the manifest lists it (False: known by its name)."""

    name: str
    kind: str
    path: Path
    listed: bool


def infer_kind(name: str) -> str | None:
    """The kind a file's name implies (None: not a name regiesim writes)."""
    return next((kind for pattern, kind in NAMES if fnmatch.fnmatchcase(name, pattern)), None)


def artefacts(folder: str | Path, manifest: dict[str, Any] | None = None) -> list[Artefact]:
    """Every artefact of ``folder``: those the manifest lists (in its order, a kind this
    version does not know included), then the files with a known name that it does not
    list. A listed file that is gone is left out, with a warning."""
    folder = Path(folder)
    if manifest is None:
        manifest = read_manifest(folder / MANIFEST) or {}
    found: list[Artefact] = []
    for name, entry in (manifest.get("artefacts") or {}).items():
        kind = str(entry.get("kind") if isinstance(entry, dict) else entry)
        path = folder / name
        if path.is_file():
            found.append(Artefact(name, kind, path, True))
        else:
            logger.warning("%s: the manifest lists %s (%s), which is not there", folder,
                           name, kind)
    listed = {a.name for a in found} | set(manifest.get("artefacts") or {})
    for pattern, kind in NAMES:
        for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
            if path.is_file() and path.name not in listed:
                found.append(Artefact(path.name, kind, path, False))
                listed.add(path.name)
    return found


def of_kind(found: list[Artefact], kind: str) -> Artefact | None:
    """The first artefact of ``kind`` among ``found`` (None: there is none)."""
    return next((a for a in found if a.kind == kind), None)


def read_table(artefact: Artefact) -> pd.DataFrame:
    """A table artefact (CSV or Parquet); a CSV without columns is an empty table."""
    if artefact.path.suffix == ".parquet":
        return pd.read_parquet(artefact.path)
    if artefact.path.stat().st_size <= 1:  # an empty frame's CSV is one newline
        return pd.DataFrame()
    return pd.read_csv(artefact.path)


def table_entry(kind: str, path: Path) -> dict[str, Any]:
    """A table's entry in the manifest's list: its kind and rows."""
    entry: dict[str, Any] = {"kind": kind}
    if path.suffix == ".parquet":
        entry["rows"] = pq.ParquetFile(path).metadata.num_rows
    elif path.suffix == ".csv":
        entry["rows"] = len(read_table(Artefact(path.name, kind, path, True)))
    return entry


def _check(folder: Path, name: str, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"{name}: unknown kind of artefact {kind!r}; the kinds are "
                         f"{', '.join(KINDS)} (sim.experiment.store.artefacts.KINDS)")
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"{name}: an artefact's name is a path inside {folder}")


def declare_artefact(folder: str | Path, name: str, kind: str) -> None:
    """List ``folder/name``, written by another writer, in the manifest as ``kind``."""
    _record(Path(folder), name, kind, None)


def write_artefact(folder: str | Path, name: str, data: pd.DataFrame | str | bytes,
                   kind: str) -> Path:
    """Write ``folder/name`` whole or not at all and list it in the manifest as ``kind``.

    ``data``: a table (written as CSV, or Parquet for a ``.parquet`` name, without its
    index) or the file's text or bytes. The folder's lock is held while the file and the
    manifest are written, so a batch that holds the folder refuses this
    (:class:`~sim.experiment.store.errors.StoreLocked`). A folder without a manifest (not
    a result store: a calibration's folder) gets the file, and it is found by its name;
    a name whose kind cannot be inferred is refused there, since the kind would be lost.
    """
    return _record(Path(folder), name, kind, data)


def _record(folder: Path, name: str, kind: str,
            data: pd.DataFrame | str | bytes | None) -> Path:
    _check(folder, name, kind)
    path = folder / name
    if not (folder / MANIFEST).exists():
        if infer_kind(PurePosixPath(name).name) != kind:
            raise ValueError(f"{folder} holds no {MANIFEST} to list {name} as {kind!r} in; "
                             "write it into a result folder, or under a name of that kind")
        if data is not None:
            folder.mkdir(parents=True, exist_ok=True)
            _write(path, data)
        return path
    lock = FolderLock(folder)
    lock.acquire()
    try:
        if data is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(path, data)
        elif not path.is_file():
            raise FileNotFoundError(f"{path}: no such file to list as {kind!r}")
        manifest = read_manifest(folder / MANIFEST) or {}
        manifest.setdefault("artefacts", {})[PurePosixPath(name).as_posix()] = table_entry(
            kind, path)
        tables = manifest.get("tables") or {}
        if data is not None and name in tables:  # one of the store's tables, written anew
            tables[name] = [file_digest(path)]  # (its design columns): its digest follows
        write_manifest(folder / MANIFEST, manifest)
    finally:
        lock.release()
    return path


def _write(path: Path, data: pd.DataFrame | str | bytes) -> None:
    if isinstance(data, pd.DataFrame):
        if path.suffix == ".parquet":
            write_table(to_table(data), path)
            return
        data = data.to_csv(index=False)
    atomic_write(path, data)


def record_in_manifest(folder: str | Path, key: str, value: Any) -> None:
    """Set ``key`` of a result folder's manifest to ``value``, under the folder's lock
    (what a command adds about a batch, e.g. the files it skipped)."""
    folder = Path(folder)
    lock = FolderLock(folder)
    lock.acquire()
    try:
        manifest = read_manifest(folder / MANIFEST)
        if manifest is None:
            raise FileNotFoundError(f"{folder}: no {MANIFEST} to record {key!r} in")
        manifest[key] = value
        write_manifest(folder / MANIFEST, manifest)
    finally:
        lock.release()

"""The result store of a batch: Parquet tables and a JSON manifest in one folder.

    DIR/manifest.json     the scenarios (the first one resolved in full as ``base``, each
                          scenario as its hash, its variant parameters and the values in
                          which it differs from the base: :func:`scenario_config`), seeds,
                          package versions, code identity (version, source hash, git
                          revision), backend, hardware, start and end; created exclusively
                          by the first batch
    DIR/runs.parquet      one row per run: scenario, variant parameters, replication, seed,
                          every summary outcome
    DIR/series.parquet    the weekly series of every run
    DIR/failures.parquet  runs that raised or ran out of time: scenario, replication,
                          seed, error, traceback (only when there are any)
    DIR/.regiesim.lock    the folder's lock (empty; it stays when the lock is let go)
    DIR/.regiesim.lock.holder.json   while a batch writes: pid, host and start of its
                          process

**One writer.** A batch takes the folder's lock (:mod:`sim.lock`: an OS file lock) for as
long as it writes. A second batch into the same folder is refused, naming the holder. The
OS releases the lock when its batch ends, however it ends (``kill -9`` included), so the
same command resumes at once: no lock is ever stale.

**Nothing of the user's is touched.** A folder that is not empty and holds no regiesim
manifest is refused. The store deletes only the part files it wrote.

**Nothing computed is lost.** Finished runs are flushed every few seconds into uniquely
named part files under ``DIR/parts/`` (written under a temporary name and renamed; the
runs part of a flush is written last and commits it). A batch stopped even by SIGKILL
loses at most the runs since the last flush; the same batch into the same folder skips
every stored run. At the end the parts are consolidated into the tables by streaming
(pyarrow), so memory stays flat however many runs there are.

**Nothing is mixed.** A resume must have the same scenarios, seed and code (source hash,
see :mod:`sim.provenance`); anything else is refused with both identities named.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import socket
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment.batch import RunOutput, RunSpec
from sim.files import atomic_path, atomic_write, is_temporary
from sim.lock import HeldLock, LockBusy, holder_path, who
from sim.model import build
from sim.provenance import code_identity, describe, package_versions, same_code

logger = logging.getLogger(__name__)
FORMAT = "regiesim-store/3"
KINDS = ("runs", "series", "failures")
KEY = ["scenario", "replication"]
LOCK_NAME = ".regiesim.lock"
Selection = tuple[frozenset[str], int]
ROW_GROUP_ROWS = 65_536
FLUSH_RUNS = 500


class StoreError(ValueError):
    """The folder cannot be used as a result store (the message says why and what to do)."""


class StoreMismatch(StoreError):
    """The folder holds results of a different batch or of different code."""


class StoreLocked(StoreError):
    """Another batch holds the folder's lock."""


# ------------------------------------------------------------------ files

def _atomic_table(table: pa.Table, path: Path) -> None:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, row_group_size=max(len(table), 1))


def _to_table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)


def hardware() -> dict[str, Any]:
    """The machine a batch runs on, for the report's reproducibility block."""
    import platform

    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = round(pages * size / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        memory = None
    return {"machine": platform.machine(), "processor": platform.processor() or None,
            "cpus": os.cpu_count(), "memory_gb": memory, "system": platform.platform(),
            "python": platform.python_version(), "host": socket.gethostname()}


# ------------------------------------------------------------------ lock

class FolderLock:
    """The one-writer lock of a store folder (:class:`sim.lock.HeldLock`: the OS releases
    it when the batch ends, however it ends)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = HeldLock(directory / LOCK_NAME)

    def acquire(self, break_lock: bool = False) -> None:
        """Take the folder or refuse, naming the batch that holds it. ``break_lock`` is
        accepted for scripts written for the older lock: a lock left by a batch that
        ended is released by the OS and needs no breaking, and a held one is never
        broken."""
        try:
            left = self.lock.acquire()
        except LockBusy as busy:
            if break_lock:
                raise StoreLocked(
                    f"{self.directory} is in use by {who(busy.holder)}, which is still "
                    "running (the OS holds its lock until it ends); --break-lock breaks no "
                    "lock that is held") from None
            raise StoreLocked(
                f"{self.directory} is in use by another batch ({who(busy.holder)}); wait "
                "for it or use another --out folder") from None
        if left and left.get("token") != self.lock.info["token"]:
            logger.info("%s: the batch that held it (%s) ended without letting go; its "
                        "lock ended with it", self.directory, who(left))

    def release(self) -> None:
        self.lock.release()


# ------------------------------------------------------------------ reading

@dataclass
class StoredResults:
    """What a result folder holds: runs, weekly series, failed runs and the manifest."""

    folder: Path
    runs: pd.DataFrame
    series: pd.DataFrame
    manifest: dict[str, Any]
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def complete(self) -> bool:
        return self.manifest.get("status") == "complete"


class _RowGroups:
    """Read whole runs out of Parquet sources: key -> (file, row group), a small cache."""

    def __init__(self, files: list[Path], cache: int = 4) -> None:
        self.index: dict[tuple[str, int], tuple[Path, int]] = {}
        self.schemas: list[pa.Schema] = []
        self._open: OrderedDict[tuple[Path, int],
                                tuple[pa.Table, dict[tuple[str, int], tuple[int, int]]]] = \
            OrderedDict()
        self._cache = cache
        for path in files:
            pf = pq.ParquetFile(path)
            if pf.metadata.num_rows == 0:
                continue
            self.schemas.append(pf.schema_arrow.remove_metadata())
            for rg in range(pf.num_row_groups):
                keys = pf.read_row_group(rg, columns=KEY)
                for key in set(zip(keys["scenario"].to_pylist(),
                                   keys["replication"].to_pylist(), strict=True)):
                    self.index.setdefault((key[0], int(key[1])), (path, rg))

    def schema(self) -> pa.Schema | None:
        if not self.schemas:
            return None
        return pa.unify_schemas(self.schemas, promote_options="permissive")

    def locate(self, key: tuple[str, int], schema: pa.Schema,
               ) -> tuple[tuple[Path, int], pa.Table, int, int]:
        """Where run ``key`` is: (source, its row group in ``schema``, offset, rows)."""
        where = self.index[key]
        if where not in self._open:
            table = pq.ParquetFile(where[0]).read_row_group(where[1]).replace_schema_metadata(
                None)
            table = _conform(table, schema)
            self._open[where] = (table, _spans(table))
            if len(self._open) > self._cache:
                self._open.popitem(last=False)
        self._open.move_to_end(where)
        table, spans = self._open[where]
        return (where, table, *spans[key])

    def stream(self, keys: Iterable[tuple[str, int]], schema: pa.Schema) -> Iterator[pa.Table]:
        """The rows of ``keys`` in that order, as few slices as possible (runs that follow
        each other in a row group come out as one slice)."""
        run: tuple[tuple[Path, int], pa.Table, int, int] | None = None
        for key in keys:
            where, table, offset, rows = self.locate(key, schema)
            if run is not None and run[0] == where and run[2] + run[3] == offset:
                run = (where, table, run[2], run[3] + rows)
                continue
            if run is not None:
                yield run[1].slice(run[2], run[3])
            run = (where, table, offset, rows)
        if run is not None:
            yield run[1].slice(run[2], run[3])


def _spans(table: pa.Table) -> dict[tuple[str, int], tuple[int, int]]:
    """A row group -> (offset, rows) of each run in it (each run's rows are contiguous)."""
    names = np.asarray(table["scenario"].to_pylist(), dtype=object)
    reps = np.asarray(table["replication"].to_pylist())
    change = np.flatnonzero((names[1:] != names[:-1]) | (reps[1:] != reps[:-1])) + 1
    starts = [0, *change.tolist()]
    ends = [*change.tolist(), len(table)]
    out: dict[tuple[str, int], tuple[int, int]] = {}
    for a, b in zip(starts, ends, strict=True):
        out.setdefault((str(names[a]), int(reps[a])), (a, b - a))
    return out


def _unreadable(path: Path) -> str | None:
    """Why a Parquet file cannot be read through (row group by row group), or None."""
    try:
        pf = pq.ParquetFile(path)
        for rg in range(pf.num_row_groups):
            pf.read_row_group(rg)
    except (OSError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Columns in the schema's order and types; missing columns as nulls."""
    cols = [table[f.name].cast(f.type) if f.name in table.column_names
            else pa.nulls(len(table), f.type) for f in schema]
    return pa.Table.from_arrays(cols, schema=schema)


class ResultStore:
    """One batch's folder: locked while written, resumable, written atomically."""

    def __init__(self, directory: str | Path, flush_seconds: float = 2.0,
                 flush_runs: int | None = None) -> None:
        if str(directory).strip() == "":
            raise StoreError("out: an empty folder name; give a folder (use '.' for the "
                             "current folder)")
        self.dir = Path(directory)
        self.parts = self.dir / "parts"
        self.flush_seconds = flush_seconds
        self.flush_runs = flush_runs or FLUSH_RUNS
        self._pending: list[RunOutput] = []
        self._last_flush = time.monotonic()
        self._lock = FolderLock(self.dir)
        self._seq = 0
        self._tag = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.failed = 0
        self.stored = 0

    # -------------------------------------------------------------- reading
    @property
    def manifest_path(self) -> Path:
        return self.dir / "manifest.json"

    def manifest(self) -> dict[str, Any] | None:
        """The manifest, or None if there is none; a corrupt one is named in the error."""
        try:
            text = self.manifest_path.read_text()
        except FileNotFoundError:
            return None
        try:
            manifest = json.loads(text)
        except ValueError as exc:
            raise StoreError(f"{self.manifest_path}: not a readable manifest ({exc}); the "
                             "folder's results cannot be trusted: use a new --out folder"
                             ) from None
        if not isinstance(manifest, dict):
            raise StoreError(f"{self.manifest_path}: not a regiesim manifest")
        return manifest

    def _committed(self, kind: str) -> list[Path]:
        """Part files of ``kind`` whose flush committed (its runs part exists), oldest first."""
        if not self.parts.is_dir():
            return []
        found = []
        for part in sorted(self.parts.glob(f"{kind}-*.parquet")):
            tag = part.name.removeprefix(f"{kind}-")
            if (self.parts / f"runs-{tag}").exists():
                found.append(part)
        return found

    def _sources(self, kind: str) -> list[Path]:
        main = self.dir / f"{kind}.parquet"
        return ([main] if main.exists() else []) + self._committed(kind)

    def _order(self, keys: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
        """Plan order: scenario by scenario (manifest order), replication by replication."""
        names = list((self.manifest() or {}).get("scenarios", {}))
        rank = {n: i for i, n in enumerate(names)}
        return sorted(keys, key=lambda k: (rank.get(k[0], len(rank)), k[0] if k[0] not in rank
                                           else "", k[1]))

    def _stream(self, kind: str, select: Selection | None = None,
                ) -> tuple[pa.Schema | None, Iterator[pa.Table]]:
        groups = _RowGroups(self._sources(kind))
        schema = groups.schema()
        keys = [k for k in groups.index if select is None or (k[0] in select[0]
                                                              and k[1] < select[1])]

        if schema is None:
            return None, iter(())
        return schema, groups.stream(self._order(keys), schema)

    def _read(self, kind: str, select: Selection | None = None) -> pd.DataFrame:
        schema, tables = self._stream(kind, select)
        if schema is None:
            return pd.DataFrame()
        return pa.Table.from_batches(
            [b for t in tables for b in t.to_batches()], schema=schema).to_pandas()

    def runs(self, select: Selection | None = None) -> pd.DataFrame:
        """Every stored run (consolidated and flushed parts), in plan order; ``select``
        = (scenario names, replications) keeps replications 0..n-1 of those scenarios."""
        return self._read("runs", select)

    def series(self, select: Selection | None = None) -> pd.DataFrame:
        return self._read("series", select)

    def failures(self, select: Selection | None = None) -> pd.DataFrame:
        """Failed runs that have not succeeded since (last record per run)."""
        frames = [pd.read_parquet(p) for p in self._sources("failures")]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame()
        fails = pd.concat(frames, ignore_index=True).drop_duplicates(KEY, keep="last")
        done = self.done_keys()
        keep = [(s, int(r)) not in done for s, r in zip(fails["scenario"], fails["replication"],
                                                        strict=True)]
        if select is not None:
            keep = [k and s in select[0] and int(r) < select[1] for k, s, r in
                    zip(keep, fails["scenario"], fails["replication"], strict=True)]
        fails = fails[keep]
        order = {k: i for i, k in enumerate(self._order(
            zip(fails["scenario"], fails["replication"].astype(int), strict=True)))}
        rank = [order[(s, int(r))] for s, r in zip(fails["scenario"], fails["replication"],
                                                   strict=True)]
        return (fails.assign(_rank=rank).sort_values("_rank").drop(columns="_rank")
                .reset_index(drop=True))

    def done_keys(self) -> set[tuple[str, int]]:
        return set(_RowGroups(self._sources("runs")).index)

    @classmethod
    def load(cls, folder: str | Path) -> StoredResults:
        """Read a result folder: runs, series, failed runs and manifest.

        Raises :class:`StoreError` naming the folder when it holds no regiesim results.
        """
        store = cls(folder)
        manifest = store.manifest()
        if manifest is None:
            raise StoreError(f"{store.manifest_path} not found: {store.dir} holds no regiesim "
                             f"results; run `regiesim batch ... --out {store.dir}` first")
        return StoredResults(store.dir, store.runs(), store.series(), manifest,
                             store.failures())

    # -------------------------------------------------------------- writing
    def begin(self, specs: list[RunSpec], seed: int, reps: int, backend: str,
              extra: dict[str, Any] | None = None, break_lock: bool = False) -> list[RunSpec]:
        """Take the folder, record the plan, and return the specs still to run.

        Refuses a non-empty folder without a regiesim manifest, a folder another batch
        holds, and a folder with another plan, seed or code. Call :meth:`close` (or
        :meth:`finish`) to let go of the folder.
        """
        self._refuse_foreign()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock.acquire(break_lock)
        try:
            return self._begin(specs, seed, reps, backend, extra)
        except BaseException:
            self.close()
            raise

    def record_workers(self, workers: list[dict[str, Any]]) -> None:
        """Add Dask workers' identities (:mod:`sim.experiment.cluster`) to the manifest's
        ``workers`` (one entry per worker process; a resume adds its own)."""
        manifest = self.manifest() or {}
        known = manifest.setdefault("workers", [])
        seen = {(w.get("address"), w.get("host"), w.get("pid")) for w in known}
        known += [w for w in workers if (w.get("address"), w.get("host"), w.get("pid"))
                  not in seen]
        self._write_manifest(manifest)

    def _refuse_foreign(self) -> None:
        if self.dir.exists() and not self.dir.is_dir():
            raise StoreError(f"{self.dir} is a file, not a folder; choose another --out")
        if self.dir.is_dir() and not self.manifest_path.exists():
            mine = {LOCK_NAME, holder_path(self.dir / LOCK_NAME).name}
            others = [p.name for p in self.dir.iterdir() if p.name not in mine]
            if others:
                shown = ", ".join(sorted(others)[:3]) + (", ..." if len(others) > 3 else "")
                raise StoreError(
                    f"{self.dir} is not empty ({shown}) and holds no regiesim manifest; "
                    "refusing to write into it so that nothing of yours is overwritten. "
                    "Use a new or empty --out folder")

    def _begin(self, specs: list[RunSpec], seed: int, reps: int, backend: str,
               extra: dict[str, Any] | None) -> list[RunSpec]:
        self._refuse_foreign()  # again, now that we hold the lock
        base = _leaves(specs[0].scenario.model_dump(mode="json")) if specs else {}
        scenarios: dict[str, dict[str, Any]] = {}
        for spec in specs:
            if spec.name not in scenarios:
                leaves = _leaves(spec.scenario.model_dump(mode="json"))
                scenarios[spec.name] = {
                    "hash": spec.scenario.digest(),
                    "params": spec.params,
                    "changes": {k: v for k, v in leaves.items() if base.get(k, _NONE) != v},
                }
        code = code_identity(build())
        old = self.manifest()
        if old is not None:
            self._check_resume(old, scenarios, seed, code)
        manifest = {
            "format": FORMAT,
            "status": "running",
            "seed": seed,
            "replications": max(reps, old["replications"] if old else 0),
            "seeds": sorted({(s.replication, s.seed) for s in specs}
                            | {tuple(x) for x in (old or {}).get("seeds", [])}),
            "backend": backend,
            "started": old["started"] if old else _now(),
            "resumed": [*old.get("resumed", []), {"at": _now(), "code": code}] if old else [],
            "finished": None,
            "code": old["code"] if old else code,
            "packages": package_versions(),
            "hardware": hardware(),
            "failed_runs": 0,
            "base": specs[0].scenario.model_dump(mode="json") if specs else (old or {}).get("base"),
            "scenarios": scenarios,
            **(extra or {}),
        }
        if old is not None:
            manifest["quarantined"] = [*old.get("quarantined", []), *self._quarantine_corrupt()]
        self._write_manifest(manifest, exclusive=old is None)
        done = self.done_keys()
        return [s for s in specs if s.key not in done]

    def _check_resume(self, old: dict[str, Any], scenarios: dict[str, dict[str, Any]],
                      seed: int, code: dict[str, Any]) -> None:
        if old.get("format") != FORMAT:
            raise StoreMismatch(
                f"{self.manifest_path} was not written by this version of the regiesim store "
                f"(format {old.get('format')!r}, expected {FORMAT!r}); use a new --out folder")
        if not same_code(old.get("code"), code):
            raise StoreMismatch(
                f"{self.dir} holds results of other code: stored {describe(old.get('code'))}; "
                f"running {describe(code)}. Resuming would mix results of different code; "
                "use a new --out folder")
        old_plan = {n: s["hash"] for n, s in old.get("scenarios", {}).items()}
        new_plan = {n: s["hash"] for n, s in scenarios.items()}
        if old_plan != new_plan or old.get("seed") != seed:
            raise StoreMismatch(
                f"{self.dir} holds another batch (other scenarios or seed); "
                "use a new --out folder")

    def _quarantine_corrupt(self) -> list[dict[str, str]]:
        """Read every stored file through; move unreadable ones to DIR/quarantine/.

        A part's files go together (its runs are then run again); so do the consolidated
        tables (every run in them is run again). Returns what was moved, and why.
        """
        groups: list[list[Path]] = [[self.dir / f"{k}.parquet" for k in KINDS]]
        for part in self._committed("runs"):
            tag = part.name.removeprefix("runs-")
            groups.append([self.parts / f"{k}-{tag}" for k in KINDS])
        moved = []
        for group in groups:
            error = next((e for p in group if p.exists() and (e := _unreadable(p))), None)
            if error is None:
                continue
            target = self.dir / "quarantine"
            target.mkdir(exist_ok=True)
            for path in group:
                if path.exists():
                    os.replace(path, target / path.name)
                    moved.append({"file": str(path), "error": error, "at": _now()})
                    logger.warning("%s is corrupt (%s): moved to %s; its runs run again",
                                   path, error, target)
        return moved

    def add(self, output: RunOutput) -> None:
        """Keep an output; flush every ``flush_seconds`` or ``flush_runs`` outputs."""
        self._pending.append(output)
        if (len(self._pending) >= self.flush_runs
                or time.monotonic() - self._last_flush >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        """Write the pending outputs as one part (series, failures, then runs: the commit)."""
        if not self._pending:
            return
        self.parts.mkdir(parents=True, exist_ok=True)
        tag = f"{self._tag}-{self._seq:06d}.parquet"
        self._seq += 1
        ok = [o for o in self._pending if o.ok]
        failed = [o.failure for o in self._pending if not o.ok]
        if ok:
            _atomic_table(_to_table(pd.concat([o.series for o in ok], ignore_index=True)),
                          self.parts / f"series-{tag}")
        if failed:
            _atomic_table(_to_table(pd.DataFrame(failed)), self.parts / f"failures-{tag}")
        rows = pd.DataFrame([o.row for o in ok]) if ok else pd.DataFrame(
            {"scenario": pd.Series(dtype=str), "replication": pd.Series(dtype="int64")})
        _atomic_table(_to_table(rows), self.parts / f"runs-{tag}")
        self.stored += len(ok)
        self.failed += len(failed)
        self._pending.clear()
        self._last_flush = time.monotonic()

    def finish(self) -> None:
        """Consolidate the parts into the tables (streaming), mark the batch complete, and
        let go of the folder."""
        try:
            self.flush()
            self._consolidate()
            manifest = self.manifest() or {}
            failures = self.failures()
            manifest.update(status="complete" if failures.empty else "complete with failures",
                            finished=_now(), failed_runs=len(failures))
            self._write_manifest(manifest)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the folder (what was flushed stays; the same batch resumes)."""
        self._lock.release()

    def _consolidate(self) -> None:
        written = [p for kind in KINDS for p in self._committed(kind)]
        for kind in ("series", "runs"):  # runs last: it decides what counts as done
            self._write_stream(kind)
        fails = self.failures()
        target = self.dir / "failures.parquet"
        if not fails.empty:
            _atomic_table(_to_table(fails), target)
        elif target.exists():
            target.unlink()  # ours: every failure in it has succeeded since
        for part in written:
            part.unlink()
        self._drop_uncommitted()
        with contextlib.suppress(OSError):
            self.parts.rmdir()  # only if empty: a file we did not write stays

    def _write_stream(self, kind: str) -> None:
        schema, tables = self._stream(kind)
        if schema is None:
            return
        target = self.dir / f"{kind}.parquet"
        buffer: list[pa.Table] = []
        rows = 0
        with atomic_path(target) as tmp, pq.ParquetWriter(tmp, schema) as writer:
            for table in tables:
                buffer.append(table)
                rows += len(table)
                if rows >= ROW_GROUP_ROWS or len(buffer) >= 1024:
                    writer.write_table(pa.concat_tables(buffer), row_group_size=rows)
                    buffer, rows = [], 0
            if buffer:
                writer.write_table(pa.concat_tables(buffer), row_group_size=rows)

    def _drop_uncommitted(self) -> None:
        """Parts of a flush that was killed before its runs part: written by a store, gone."""
        if not self.parts.is_dir():
            return
        for kind in ("series", "failures"):
            for p in self.parts.glob(f"{kind}-*.parquet"):
                if not (self.parts / f"runs-{p.name.removeprefix(f'{kind}-')}").exists():
                    p.unlink()
        for p in self.parts.glob(".*.parquet.tmp-*"):  # a write killed before its rename
            if is_temporary(p):
                p.unlink()

    def _write_manifest(self, manifest: dict[str, Any], exclusive: bool = False) -> None:
        data = json.dumps(manifest, indent=2, default=str).encode()
        try:
            atomic_write(self.manifest_path, data, exclusive=exclusive)
        except FileExistsError:
            raise StoreLocked(f"{self.manifest_path} appeared while this batch started: "
                              "another batch writes into this folder; use another --out"
                              ) from None


_NONE = object()


def _leaves(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A resolved scenario as ``{"section.field": value}`` (lists are values)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, dict) and value:
            out.update(_leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def scenario_config(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    """The resolved scenario ``name`` of a batch, as a nested dict (its digest's input).

    The manifest holds the first scenario in full (``base``) and, for each scenario, the
    values in which it differs from it, so a design of ten thousand scenarios stays small;
    manifests of older stores hold every scenario in full (``resolved``).
    """
    info = manifest["scenarios"][name]
    if "resolved" in info:
        return copy.deepcopy(info["resolved"])
    config = copy.deepcopy(manifest.get("base") or {})
    for key, value in info.get("changes", {}).items():
        *sections, leaf = key.split(".")
        node = config
        for section in sections:
            node = node.setdefault(section, {})
        node[leaf] = copy.deepcopy(value)
    return config


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

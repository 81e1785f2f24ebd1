"""Reading a result folder: its manifest, and whole runs out of its tables and parts.

Runs are read by key (scenario, replication) through an index of the row groups that
hold them (:class:`RowGroups`), streamed in plan order: scenario by scenario as the
manifest lists them, replication by replication. Memory stays flat however many runs
there are, since only a few row groups are open at once.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.experiment.store.errors import StoreError
from sim.experiment.store.manifest import MANIFEST, read_manifest
from sim.experiment.store.parts import Parts, open_parquet

KEY = ["scenario", "replication"]
Selection = tuple[frozenset[str], int]


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


class RowGroups:
    """Read whole runs out of Parquet sources: key -> (file, row group), a small cache."""

    def __init__(self, files: list[Path], cache: int = 4) -> None:
        self.index: dict[tuple[str, int], tuple[Path, int]] = {}
        self.schemas: list[pa.Schema] = []
        self._open: OrderedDict[tuple[Path, int],
                                tuple[pa.Table, dict[tuple[str, int], tuple[int, int]]]] = \
            OrderedDict()
        self._cache = cache
        for path in files:
            with _named(path):
                pf = open_parquet(path)
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
            with _named(where[0]):
                table = open_parquet(where[0]).read_row_group(where[1])
            table = table.replace_schema_metadata(None)
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


@contextlib.contextmanager
def _named(path: Path) -> Iterator[None]:
    """A file that cannot be read (corrupt: its page checksums fail) named, with what to
    do."""
    try:
        yield
    except (OSError, pa.ArrowException) as exc:
        why = " ".join(str(exc).split())
        raise StoreError(f"{path} cannot be read ({type(exc).__name__}: {why}); run the "
                         "same `regiesim batch` command again: it moves the damaged file "
                         "into quarantine/ and runs its runs again") from None


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


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Columns in the schema's order and types; missing columns as nulls."""
    cols = [table[f.name].cast(f.type) if f.name in table.column_names
            else pa.nulls(len(table), f.type) for f in schema]
    return pa.Table.from_arrays(cols, schema=schema)


class FolderReader:
    """What a result folder holds, consolidated tables and flushed parts alike."""

    def __init__(self, directory: str | Path) -> None:
        if str(directory).strip() == "":
            raise StoreError("out: an empty folder name; give a folder (use '.' for the "
                             "current folder)")
        self.dir = Path(directory)
        self.parts = Parts(self.dir)

    @property
    def manifest_path(self) -> Path:
        return self.dir / MANIFEST

    def manifest(self) -> dict[str, Any] | None:
        """The manifest, or None if there is none; a corrupt one is named in the error."""
        return read_manifest(self.manifest_path)

    def _order(self, keys: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
        """Plan order: scenario by scenario (manifest order), replication by replication."""
        names = list((self.manifest() or {}).get("scenarios", {}))
        rank = {n: i for i, n in enumerate(names)}
        return sorted(keys, key=lambda k: (rank.get(k[0], len(rank)), k[0] if k[0] not in rank
                                           else "", k[1]))

    def _stream(self, kind: str, select: Selection | None = None,
                ) -> tuple[pa.Schema | None, Iterator[pa.Table]]:
        groups = RowGroups(self.parts.sources(kind))
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
        frames = []
        for path in self.parts.sources("failures"):
            with _named(path):
                frames.append(open_parquet(path).read().to_pandas())
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
        return set(RowGroups(self.parts.sources("runs")).index)

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

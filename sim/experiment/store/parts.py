"""The part files of a result folder, and the tables they end in.

While a batch runs, finished runs are flushed every few seconds into uniquely named part
files under ``DIR/parts/`` (``KIND-TAG.parquet``, each written atomically: series,
failures, then runs, whose part commits the flush). A batch stopped even by SIGKILL
loses at most the runs since the last flush. At the end the committed parts are streamed
into ``DIR/runs.parquet``, ``series.parquet`` and ``failures.parquet`` and deleted; the
store deletes only the part files it wrote. An unreadable part (or table) is moved to
``DIR/quarantine/`` with what goes with it, and its runs run again.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment.store.manifest import now
from sim.files import atomic_path, is_temporary

if TYPE_CHECKING:
    from sim.experiment.batch import RunOutput

logger = logging.getLogger(__name__)
TABLES = ("runs", "series", "failures")
ROW_GROUP_ROWS = 65_536


def to_table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)


def write_table(table: pa.Table, path: Path) -> None:
    """A Parquet table whole or not at all (one row group)."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, row_group_size=max(len(table), 1))


def unreadable(path: Path) -> str | None:
    """Why a Parquet file cannot be read through (row group by row group), or None."""
    try:
        pf = pq.ParquetFile(path)
        for rg in range(pf.num_row_groups):
            pf.read_row_group(rg)
    except (OSError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def write_stream(target: Path, schema: pa.Schema, tables: Iterator[pa.Table]) -> None:
    """Stream ``tables`` into ``target`` (atomically) in row groups of about
    :data:`ROW_GROUP_ROWS` rows."""
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


class Parts:
    """The part files under ``folder/parts`` (a writer's own are tagged uniquely)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dir = folder / "parts"
        self._tag = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._seq = 0

    def committed(self, kind: str) -> list[Path]:
        """Part files of ``kind`` whose flush committed (its runs part exists), oldest
        first."""
        if not self.dir.is_dir():
            return []
        found = []
        for part in sorted(self.dir.glob(f"{kind}-*.parquet")):
            tag = part.name.removeprefix(f"{kind}-")
            if (self.dir / f"runs-{tag}").exists():
                found.append(part)
        return found

    def sources(self, kind: str) -> list[Path]:
        """The consolidated table of ``kind`` (if any), then its committed parts."""
        main = self.folder / f"{kind}.parquet"
        return ([main] if main.exists() else []) + self.committed(kind)

    def write(self, pending: list[RunOutput]) -> tuple[int, int]:
        """Write ``pending`` as one part (series, failures, then runs: the commit);
        returns (runs stored, runs failed)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tag = f"{self._tag}-{self._seq:06d}.parquet"
        self._seq += 1
        ok = [o for o in pending if o.ok]
        failed = [o.failure for o in pending if not o.ok]
        if ok:
            write_table(to_table(pd.concat([o.series for o in ok], ignore_index=True)),
                        self.dir / f"series-{tag}")
        if failed:
            write_table(to_table(pd.DataFrame(failed)), self.dir / f"failures-{tag}")
        rows = pd.DataFrame([o.row for o in ok]) if ok else pd.DataFrame(
            {"scenario": pd.Series(dtype=str), "replication": pd.Series(dtype="int64")})
        write_table(to_table(rows), self.dir / f"runs-{tag}")
        return len(ok), len(failed)

    def drop_uncommitted(self) -> None:
        """Parts of a flush that was killed before its runs part: written by a store,
        gone."""
        if not self.dir.is_dir():
            return
        for kind in ("series", "failures"):
            for p in self.dir.glob(f"{kind}-*.parquet"):
                if not (self.dir / f"runs-{p.name.removeprefix(f'{kind}-')}").exists():
                    p.unlink()
        for p in self.dir.glob(".*.parquet.tmp-*"):  # a write killed before its rename
            if is_temporary(p):
                p.unlink()

    def quarantine_corrupt(self) -> list[dict[str, str]]:
        """Read every stored file through; move unreadable ones to DIR/quarantine/.

        A part's files go together (its runs are then run again); so do the consolidated
        tables (every run in them is run again). Returns what was moved, and why.
        """
        groups: list[list[Path]] = [[self.folder / f"{k}.parquet" for k in TABLES]]
        for part in self.committed("runs"):
            tag = part.name.removeprefix("runs-")
            groups.append([self.dir / f"{k}-{tag}" for k in TABLES])
        moved = []
        for group in groups:
            error = next((e for p in group if p.exists() and (e := unreadable(p))), None)
            if error is None:
                continue
            target = self.folder / "quarantine"
            target.mkdir(exist_ok=True)
            for path in group:
                if path.exists():
                    os.replace(path, target / path.name)
                    moved.append({"file": str(path), "error": error, "at": now()})
                    logger.warning("%s is corrupt (%s): moved to %s; its runs run again",
                                   path, error, target)
        return moved

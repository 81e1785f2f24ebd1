"""The part files of a result folder, and the tables they end in.

While a batch runs, finished runs are flushed every few seconds into part files under
``DIR/parts/``. Each flush first writes its **record**, ``parts/part-TAG.json``: the
files it is about to write and the SHA-256 of each. Then it writes them (series,
failures, then runs, whose part commits the flush), each atomically. The store knows its
parts by these records, never by their names: a file of the user's in ``parts/``, even
one named like a part, is neither read nor deleted. A batch stopped even by SIGKILL
loses at most the runs since the last flush; the files of a flush that did not commit
(named in its record) are removed on the next start.

At the end the committed parts are streamed into ``DIR/runs.parquet``,
``series.parquet`` and ``failures.parquet``, whose digests the manifest records
(``tables``), and then deleted. A part or table whose bytes no longer match its recorded
digest, or whose rows do not belong to the batch's plan (scenario and its hash,
replication, seed, posterior, columns and their types), is moved aside into
``DIR/quarantine/`` (never deleted) with what goes with it, and its runs run again.
Tables and parts are also written with Parquet page checksums, which every read checks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment.store.manifest import now
from sim.files import atomic_path, atomic_write, is_temporary

if TYPE_CHECKING:
    from sim.experiment.batch import RunOutput

logger = logging.getLogger(__name__)
TABLES = ("runs", "series", "failures")
ROW_GROUP_ROWS = 65_536
RECORD = "part-"
WRITER = "regiesim-store"
KEY_TYPES = ("scenario", "replication")
RUN_TYPES = (*KEY_TYPES, "seed", "scenario_hash")


def _check_type(name: str, t: pa.DataType) -> bool:
    """Names are strings, replications and seeds whole numbers."""
    if name in ("scenario", "scenario_hash"):
        return pa.types.is_string(t) or pa.types.is_large_string(t)
    return pa.types.is_integer(t)


def to_table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)


def table_bytes(table: pa.Table) -> bytes:
    """A Parquet file of ``table`` (one row group, page checksums) as bytes."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, row_group_size=max(len(table), 1), write_page_checksum=True)
    return sink.getvalue().to_pybytes()


def write_table(table: pa.Table, path: Path) -> str:
    """A Parquet table whole or not at all (one row group); returns its SHA-256."""
    data = table_bytes(table)
    atomic_write(path, data)
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def open_parquet(path: Path) -> pq.ParquetFile:
    """A Parquet file whose pages are checked against their checksums as they are read."""
    return pq.ParquetFile(path, page_checksum_verification=True)


def unreadable(path: Path) -> str | None:
    """Why a Parquet file cannot be read through (row group by row group), or None."""
    try:
        pf = open_parquet(path)
        for rg in range(pf.num_row_groups):
            pf.read_row_group(rg)
    except (OSError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def stream_to(tmp: Path, schema: pa.Schema, tables: Iterator[pa.Table]) -> None:
    """Stream ``tables`` into ``tmp`` in row groups of about :data:`ROW_GROUP_ROWS` rows
    (page checksums on; the caller renames it into place)."""
    buffer: list[pa.Table] = []
    rows = 0
    with pq.ParquetWriter(tmp, schema, write_page_checksum=True) as writer:
        for table in tables:
            buffer.append(table)
            rows += len(table)
            if rows >= ROW_GROUP_ROWS or len(buffer) >= 1024:
                writer.write_table(pa.concat_tables(buffer), row_group_size=rows)
                buffer, rows = [], 0
        if buffer:
            writer.write_table(pa.concat_tables(buffer), row_group_size=rows)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())


def write_stream(target: Path, schema: pa.Schema, tables: Iterator[pa.Table]) -> None:
    """Stream ``tables`` into ``target`` (atomically)."""
    with atomic_path(target) as tmp:
        stream_to(tmp, schema, tables)


def misfit(path: Path, kind: str, plan: dict[str, Any]) -> str | None:
    """Why the rows of a runs (or series) file do not belong to the batch's ``plan``
    (:func:`plan_of`), or None: an unknown scenario or one of another hash, a replication
    with another seed, another posterior, a missing outcome, a column of the wrong type."""
    try:
        pf = open_parquet(path)
        wrong = _schema_misfit(pf.schema_arrow, kind, plan["outcomes"])
        if wrong or kind != "runs":
            return wrong
        columns = [*RUN_TYPES, *(["posterior"] if "posterior" in pf.schema_arrow.names
                                 else [])]
        rows = pf.read(columns=columns).to_pylist()
    except (OSError, pa.ArrowException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return next((why for row in rows if (why := _row_misfit(row, plan))), None)


def _schema_misfit(schema: pa.Schema, kind: str, outcomes: list[str]) -> str | None:
    for name in RUN_TYPES if kind == "runs" else KEY_TYPES:
        if name not in schema.names:
            return f"the column {name!r} is missing"
        if not _check_type(name, schema.field(name).type):
            return f"the column {name!r} has type {schema.field(name).type}"
    if kind != "runs":
        return None
    missing = [o for o in outcomes if o not in schema.names]
    if missing:
        return f"the outcome column(s) {', '.join(missing[:3])} are missing"
    for name in outcomes:
        t = schema.field(name).type
        if not (pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t)):
            return f"the outcome column {name!r} has type {t}"
    return None


def _row_misfit(row: dict[str, Any], plan: dict[str, Any]) -> str | None:
    name, rep = row["scenario"], row["replication"]
    if name not in plan["hashes"]:
        return f"a run of scenario {name!r}, which the folder's plan does not hold"
    if row["scenario_hash"] != plan["hashes"][name]:
        return (f"a run of scenario {name!r} with hash {row['scenario_hash']}, not the "
                f"planned {plan['hashes'][name]}")
    if plan["seeds"].get(rep) != row["seed"]:
        return (f"replication {rep} of {name!r} ran on seed {row['seed']}, not on the "
                f"planned {plan['seeds'].get(rep)}")
    if row.get("posterior") != plan["posterior"]:
        return (f"replication {rep} of {name!r} drew from posterior {row.get('posterior')}, "
                f"not from {plan['posterior']}")
    return None


def plan_of(manifest: dict[str, Any], outcomes: list[str]) -> dict[str, Any]:
    """What every stored row must match: each scenario's hash, each replication's seed,
    the posterior's digest (None: none) and the outcome columns."""
    return {"hashes": {n: s.get("hash") for n, s in (manifest.get("scenarios") or {}).items()},
            "seeds": {int(r): int(s) for r, s in manifest.get("seeds") or []},
            "posterior": (manifest.get("posterior") or {}).get("digest"),
            "outcomes": outcomes}


class Parts:
    """The part files under ``folder/parts`` that the store's records name (a writer's
    own are tagged uniquely)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dir = folder / "parts"
        self._tag = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._seq = 0

    def records(self) -> list[tuple[Path, dict[str, str]]]:
        """Every flush's record (its path, and file name -> SHA-256), oldest first; a file
        that is not a record the store wrote is not one."""
        if not self.dir.is_dir():
            return []
        found = []
        for path in sorted(self.dir.glob(f"{RECORD}*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            files = record.get("files") if isinstance(record, dict) else None
            if (record.get("writer") != WRITER or not isinstance(files, dict)
                    or not all(isinstance(k, str) and "/" not in k and "\\" not in k
                               and isinstance(v, str) for k, v in files.items())):
                continue
            found.append((path, files))
        return found

    def _committed(self) -> list[tuple[Path, dict[str, str]]]:
        """The records whose flush committed (its runs part exists)."""
        return [(path, files) for path, files in self.records()
                if any(n.startswith("runs-") and (self.dir / n).exists() for n in files)]

    def committed(self, kind: str) -> list[Path]:
        """Part files of ``kind`` whose flush committed, oldest first."""
        return [self.dir / n for _, files in self._committed() for n in files
                if n.startswith(f"{kind}-") and (self.dir / n).exists()]

    def sources(self, kind: str) -> list[Path]:
        """The consolidated table of ``kind`` (if any), then its committed parts."""
        main = self.folder / f"{kind}.parquet"
        return ([main] if main.exists() else []) + self.committed(kind)

    def write(self, pending: list[RunOutput]) -> tuple[int, int]:
        """Write ``pending`` as one part: its record, then series, failures and runs (the
        commit); returns (runs stored, runs failed)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tag = f"{self._tag}-{self._seq:06d}"
        self._seq += 1
        ok = [o for o in pending if o.ok]
        failed = [o.failure for o in pending if not o.ok]
        data: dict[str, bytes] = {}
        if ok:
            data[f"series-{tag}.parquet"] = table_bytes(
                to_table(pd.concat([o.series for o in ok], ignore_index=True)))
        if failed:
            data[f"failures-{tag}.parquet"] = table_bytes(to_table(pd.DataFrame(failed)))
        rows = pd.DataFrame([o.row for o in ok]) if ok else pd.DataFrame(
            {"scenario": pd.Series(dtype=str), "replication": pd.Series(dtype="int64")})
        data[f"runs-{tag}.parquet"] = table_bytes(to_table(rows))
        record = {"writer": WRITER, "at": now(),
                  "files": {n: hashlib.sha256(b).hexdigest() for n, b in data.items()}}
        atomic_write(self.dir / f"{RECORD}{tag}.json", json.dumps(record, indent=1))
        for name, content in data.items():  # runs last: it commits the flush
            atomic_write(self.dir / name, content)
        return len(ok), len(failed)

    def drop_uncommitted(self) -> None:
        """The files of flushes killed before their runs part (named in their records,
        and the temporary files of their writes): written by a store, gone."""
        records = self.records()
        for path, files in records:
            if any(n.startswith("runs-") and (self.dir / n).exists() for n in files):
                continue
            for name in files:
                (self.dir / name).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        names = {n for _, files in records for n in files}
        if self.dir.is_dir():
            for p in self.dir.iterdir():
                if any(is_temporary(p, n) for n in names):
                    p.unlink()

    def delete(self, records: list[tuple[Path, dict[str, str]]]) -> None:
        """Delete the files of these records, then the records (after consolidation)."""
        for path, files in records:
            for name in files:
                (self.dir / name).unlink(missing_ok=True)
            path.unlink(missing_ok=True)

    def _quarantine(self, paths: list[Path], error: str) -> list[dict[str, str]]:
        """Move ``paths`` into a new folder under DIR/quarantine/ (never deleting)."""
        stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        target = self.folder / "quarantine" / stamp
        target.mkdir(parents=True, exist_ok=True)
        moved = []
        for path in paths:
            if path.exists():
                os.replace(path, target / path.name)
                moved.append({"file": str(path), "to": str(target / path.name),
                              "error": error, "at": now()})
                logger.warning("%s moved to %s (%s); its runs run again", path, target,
                               error)
        return moved

    def quarantine_corrupt(self, tables: dict[str, list[str]] | None,
                           plan: dict[str, Any] | None = None) -> list[dict[str, str]]:
        """Check every stored file; move the bad ones to DIR/quarantine/ and say why.

        A part is bad when a file's bytes differ from its record's digest, or its rows do
        not fit ``plan`` (:func:`plan_of`); the consolidated tables when one's digest is
        not among those ``tables`` records (``name -> digests accepted``; None: no table
        was recorded), or their rows do not fit. A part's files go together, and so do
        the tables (their runs are then run again).
        """
        moved = []
        main = [self.folder / f"{k}.parquet" for k in TABLES]
        error = next((e for p in main if p.exists()
                      and (e := _file_error(p, (tables or {}).get(p.name) or [], plan))),
                     None)
        if error:
            moved += self._quarantine(main, error)
        for record, files in self._committed():
            error = next((e for n, d in files.items()
                          if (e := _file_error(self.dir / n, [d], plan))), None)
            if error:
                moved += self._quarantine([*(self.dir / n for n in files), record], error)
        return moved


def _file_error(path: Path, digests: list[str], plan: dict[str, Any] | None) -> str | None:
    """Why a stored file cannot count: missing, bytes not those recorded (``digests``:
    those accepted), rows not of ``plan``; None: it counts."""
    if not path.exists():
        return f"{path.name} is missing"
    if file_digest(path) not in digests:
        return (f"{path.name}: its bytes differ from the digest recorded when it was "
                "written" if digests else f"{path.name}: the store recorded no such table")
    kind = path.name.split("-", 1)[0].removesuffix(".parquet")
    why = misfit(path, kind, plan) if plan is not None and kind in ("runs", "series") else None
    return f"{path.name}: its rows are not of this batch's plan: {why}" if why else None

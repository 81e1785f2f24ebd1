"""Writing a result folder: one batch takes it, records its plan, flushes its runs and
consolidates them at the end.

**One writer.** A batch takes the folder's lock (:mod:`sim.experiment.store.lock`) for as
long as it writes; a second batch into the same folder is refused, naming the holder.

**Nothing of the user's is touched.** A folder that is not empty and holds no regiesim
manifest is refused. The store deletes only the part files it wrote.

**Nothing computed is lost.** Finished runs are flushed into part files
(:mod:`sim.experiment.store.parts`); the same batch into the same folder skips every
stored run.

**Nothing is mixed.** A resume must have the same seed, code (sources and the
dependencies that change numbers, see :mod:`sim.provenance`), posterior, and the same
scenario under every name the folder holds; anything else is refused, naming each
difference (:func:`sim.experiment.store.manifest.check_resume`). Scenarios new to the
folder are added to it: an experiment grows without re-running what is stored.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.store import parts as parts_module
from sim.experiment.store.artefacts import table_entry
from sim.experiment.store.errors import StoreError
from sim.experiment.store.lock import FolderLock, lock_files
from sim.experiment.store.manifest import (
    check_resume,
    grown,
    new_manifest,
    now,
    write_manifest,
)
from sim.experiment.store.parts import TABLES
from sim.experiment.store.reader import FolderReader
from sim.model import build
from sim.provenance import code_identity

if TYPE_CHECKING:
    from sim.experiment.batch import RunOutput, RunSpec

FLUSH_RUNS = 500


class ResultStore(FolderReader):
    """One batch's folder: locked while written, resumable, written atomically."""

    def __init__(self, directory: str | Path, flush_seconds: float = 2.0,
                 flush_runs: int | None = None) -> None:
        super().__init__(directory)
        self.flush_seconds = flush_seconds
        self.flush_runs = flush_runs or FLUSH_RUNS
        self._pending: list[RunOutput] = []
        self._last_flush = time.monotonic()
        self._lock = FolderLock(self.dir)
        self.failed = 0
        self.stored = 0

    def begin(self, specs: list[RunSpec], seed: int, reps: int, backend: str,
              extra: dict[str, Any] | None = None, break_lock: bool = False,
              posterior: dict[str, Any] | None = None) -> list[RunSpec]:
        """Take the folder, record the plan, and return the specs still to run.

        Refuses a non-empty folder without a regiesim manifest, a folder another batch
        holds, and a folder with another seed, code, posterior (``posterior``: its
        identity, :func:`sim.experiment.store.manifest.posterior_identity`) or another
        scenario under a stored name; scenarios new to the folder are added. Call
        :meth:`close` (or :meth:`finish`) to let go of the folder.
        """
        self._refuse_foreign()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock.acquire(break_lock)
        try:
            return self._begin(specs, seed, reps, backend, extra, posterior)
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
            mine = lock_files(self.dir)
            others = [p.name for p in self.dir.iterdir() if p.name not in mine]
            if others:
                shown = ", ".join(sorted(others)[:3]) + (", ..." if len(others) > 3 else "")
                raise StoreError(
                    f"{self.dir} is not empty ({shown}) and holds no regiesim manifest; "
                    "refusing to write into it so that nothing of yours is overwritten. "
                    "Use a new or empty --out folder")

    def _begin(self, specs: list[RunSpec], seed: int, reps: int, backend: str,
               extra: dict[str, Any] | None,
               posterior: dict[str, Any] | None) -> list[RunSpec]:
        self._refuse_foreign()  # again, now that we hold the lock
        code = code_identity(build())
        old = self.manifest()
        if old is not None:
            check_resume(self.dir, old, specs, seed, code, posterior)
        manifest = new_manifest(old, specs, grown(old, specs), seed, reps, backend, code,
                                extra, posterior)
        if old is not None:
            manifest["quarantined"] = [*old.get("quarantined", []),
                                       *self.parts.quarantine_corrupt()]
        self._write_manifest(manifest, exclusive=old is None)
        done = self.done_keys()
        return [s for s in specs if s.key not in done]

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
        stored, failed = self.parts.write(self._pending)
        self.stored += stored
        self.failed += failed
        self._pending.clear()
        self._last_flush = time.monotonic()

    def finish(self) -> None:
        """Consolidate the parts into the tables (streaming), list them among the folder's
        artefacts, mark the batch complete, and let go of the folder."""
        try:
            self.flush()
            self._consolidate()
            manifest = self.manifest() or {}
            failures = self.failures()
            manifest.update(status="complete" if failures.empty else "complete with failures",
                            finished=now(), failed_runs=len(failures))
            listed = manifest.setdefault("artefacts", {})
            for kind in TABLES:
                path = self.dir / f"{kind}.parquet"
                if path.exists():
                    listed[path.name] = table_entry(kind, path)
                else:
                    listed.pop(path.name, None)
            self._write_manifest(manifest)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the folder (what was flushed stays; the same batch resumes)."""
        self._lock.release()

    def _consolidate(self) -> None:
        written = [p for kind in TABLES for p in self.parts.committed(kind)]
        for kind in ("series", "runs"):  # runs last: it decides what counts as done
            schema, tables = self._stream(kind)
            if schema is not None:
                parts_module.write_stream(self.dir / f"{kind}.parquet", schema, tables)
        fails = self.failures()
        target = self.dir / "failures.parquet"
        if not fails.empty:
            parts_module.write_table(parts_module.to_table(fails), target)
        elif target.exists():
            target.unlink()  # ours: every failure in it has succeeded since
        for part in written:
            part.unlink()
        self.parts.drop_uncommitted()
        with contextlib.suppress(OSError):
            self.parts.dir.rmdir()  # only if empty: a file we did not write stays

    def _write_manifest(self, manifest: dict[str, Any], exclusive: bool = False) -> None:
        write_manifest(self.manifest_path, manifest, exclusive)

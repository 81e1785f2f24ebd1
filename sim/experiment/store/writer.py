"""Writing a result folder: one batch takes it, records its plan, flushes its runs and
consolidates them at the end.

**One writer.** A batch takes the folder's lock (:mod:`sim.experiment.store.lock`) for as
long as it writes; a second batch into the same folder is refused, naming the holder.

**Nothing of the user's is touched.** A folder that is not empty and holds no regiesim
manifest is refused. The store deletes only the part files its records name
(:mod:`sim.experiment.store.parts`); a file it finds corrupt is moved aside, never
deleted.

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
from sim.experiment.store.parts import TABLES, file_digest, plan_of
from sim.experiment.store.reader import FolderReader
from sim.files import atomic_path, is_temporary
from sim.model import build
from sim.outcomes import SUMMARY
from sim.provenance import code_identity, with_contents

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
        self.quarantined: list[dict[str, str]] = []
        """The files :meth:`begin` moved into quarantine/ (and why)."""

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
        for name in ("parts", "quarantine"):
            if (self.dir / name).exists() and not (self.dir / name).is_dir():
                raise StoreError(
                    f"{self.dir / name} is a file, where the store keeps its {name} folder; "
                    "move it out of the result folder (the store never deletes it)")
        code = code_identity(build())
        old = self.manifest()
        if old is not None:
            check_resume(self.dir, old, specs, seed, code, posterior)
        else:  # the contents of the dependencies' modules, for a resume to compare
            code = with_contents(code)
        manifest = new_manifest(old, specs, grown(old, specs), seed, reps, backend, code,
                                extra, posterior)
        if old is not None:
            self._drop_temporaries()
            self.parts.drop_uncommitted()
            self.quarantined = self.parts.quarantine_corrupt(
                old.get("tables"), plan_of(manifest, list(SUMMARY)))
            manifest["quarantined"] = [*old.get("quarantined", []), *self.quarantined]
            manifest["tables"] = {n: d for n, d in manifest["tables"].items()
                                  if (self.dir / n).exists()}
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
        try:
            stored, failed = self.parts.write(self._pending)
        except OSError as exc:
            raise StoreError(
                f"{self.parts.dir}: finished runs could not be written "
                f"({exc.strerror or exc}); the runs stored before are kept: make room (or "
                "fix the folder) and run the same command again to go on") from exc
        self.stored += stored
        self.failed += failed
        self._pending.clear()
        self._last_flush = time.monotonic()

    def finish(self) -> None:
        """Consolidate the parts into the tables (streaming), list them among the folder's
        artefacts, mark the batch complete, and let go of the folder."""
        try:
            self.flush()
            manifest = self.manifest() or {}
            self._consolidate(manifest)
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

    def _consolidate(self, manifest: dict[str, Any]) -> None:
        """Stream the parts into the tables; the new tables' digests are recorded (the old
        ones still accepted while the parts exist) before they replace the old ones, and
        the parts are deleted last. Killed at any point, the folder stays whole."""
        moved = self.parts.quarantine_corrupt(manifest.get("tables"))  # checked as read
        if moved:
            manifest["quarantined"] = [*manifest.get("quarantined", []), *moved]
        committed = self.parts._committed()
        tables = manifest.setdefault("tables", {})
        failures = self.dir / "failures.parquet"
        with contextlib.ExitStack() as stack:  # leaving it puts every new table in place
            staged: dict[Path, Path] = {}
            for kind in ("series", "runs"):  # runs last: it decides what counts as done
                schema, stream = self._stream(kind)
                if schema is not None:
                    target = self.dir / f"{kind}.parquet"
                    staged[target] = stack.enter_context(atomic_path(target))
                    parts_module.stream_to(staged[target], schema, stream)
            fails = self.failures()
            if not fails.empty:
                staged[failures] = stack.enter_context(atomic_path(failures))
                staged[failures].write_bytes(parts_module.table_bytes(
                    parts_module.to_table(fails)))
            for target, tmp in staged.items():
                tables[target.name] = [*tables.get(target.name, [])[-1:], file_digest(tmp)]
            self._write_manifest(manifest)
        if fails.empty and failures.exists() and failures.name in tables:
            failures.unlink()  # ours: every failure in it has succeeded since
            tables.pop(failures.name)
        self.parts.delete(committed)
        self.parts.drop_uncommitted()
        with contextlib.suppress(OSError):
            self.parts.dir.rmdir()  # only if empty: a file we did not write stays
        for name in tables:
            tables[name] = tables[name][-1:]

    def _drop_temporaries(self) -> None:
        """The temporary tables of a consolidation that was killed (the store's own)."""
        for path in self.dir.iterdir():
            if any(is_temporary(path, f"{kind}.parquet") for kind in TABLES):
                path.unlink(missing_ok=True)

    def _write_manifest(self, manifest: dict[str, Any], exclusive: bool = False) -> None:
        write_manifest(self.manifest_path, manifest, exclusive)

"""The result store of a batch: Parquet tables and a JSON manifest in one folder.

    DIR/runs.parquet     one row per run: scenario, variant parameters, replication, seed,
                         every summary outcome
    DIR/series.parquet   the weekly series of every run
    DIR/manifest.json    resolved scenarios and their hashes, seeds, package versions, git
                         revision, backend, start and end

While a batch runs, finished runs are flushed every few seconds into numbered part files
under ``DIR/parts/`` (each written to a temporary name and renamed, so a part is either
whole or absent). A batch that is stopped, even by SIGKILL, loses at most the runs since
the last flush; running the same batch into the same folder again skips every run already
stored. At the end the parts are consolidated into the two tables, again atomically.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.batch import RunOutput, RunSpec

PACKAGES = ("regiesim", "simpy", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "dask")


class StoreMismatch(ValueError):
    """The folder holds results of a different batch."""


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    df.to_parquet(tmp, index=False)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


class ResultStore:
    """One batch's folder: resumable, written atomically."""

    def __init__(self, directory: str | Path, flush_seconds: float = 2.0) -> None:
        self.dir = Path(directory)
        self.parts = self.dir / "parts"
        self.flush_seconds = flush_seconds
        self._pending: list[RunOutput] = []
        self._last_flush = time.monotonic()

    # -------------------------------------------------------------- reading
    @property
    def manifest_path(self) -> Path:
        return self.dir / "manifest.json"

    def manifest(self) -> dict[str, Any] | None:
        if not self.manifest_path.exists():
            return None
        return json.loads(self.manifest_path.read_text())

    def _tables(self, kind: str) -> list[pd.DataFrame]:
        frames = []
        main = self.dir / f"{kind}.parquet"
        if main.exists():
            frames.append(pd.read_parquet(main))
        if self.parts.exists():
            for part in sorted(self.parts.glob(f"{kind}-*.parquet")):
                # a part counts once its runs file exists (the runs file is written last)
                if (self.parts / part.name.replace("series-", "runs-")).exists():
                    frames.append(pd.read_parquet(part))
        return frames

    def runs(self) -> pd.DataFrame:
        frames = self._tables("runs")
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def series(self) -> pd.DataFrame:
        frames = self._tables("series")
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def done_keys(self) -> set[tuple[str, int]]:
        runs = self.runs()
        if runs.empty:
            return set()
        return set(zip(runs["scenario"], runs["replication"].astype(int), strict=True))

    # -------------------------------------------------------------- writing
    def begin(self, specs: list[RunSpec], seed: int, reps: int, backend: str,
              extra: dict[str, Any] | None = None) -> list[RunSpec]:
        """Record the plan and return the specs still to run (all of them in a new folder)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        scenarios: dict[str, dict[str, Any]] = {}
        for spec in specs:
            scenarios.setdefault(spec.name, {
                "hash": spec.scenario.digest(),
                "params": spec.params,
                "resolved": spec.scenario.model_dump(mode="json"),
            })
        old = self.manifest()
        if old is not None:
            old_plan = {n: s["hash"] for n, s in old["scenarios"].items()}
            new_plan = {n: s["hash"] for n, s in scenarios.items()}
            if old_plan != new_plan or old["seed"] != seed:
                raise StoreMismatch(
                    f"{self.dir} holds another batch (other scenarios or seed); "
                    "use a new --out folder or remove this one")
        manifest = {
            "status": "running",
            "seed": seed,
            "replications": max(reps, old["replications"] if old else 0),
            "seeds": sorted({(s.replication, s.seed) for s in specs}),
            "backend": backend,
            "started": old["started"] if old else _now(),
            "resumed": [*old.get("resumed", []), _now()] if old else [],
            "finished": None,
            "git_revision": git_revision(),
            "packages": package_versions(),
            "scenarios": scenarios,
            **(extra or {}),
        }
        self._write_manifest(manifest)
        done = self.done_keys()
        return [s for s in specs if s.key not in done]

    def add(self, output: RunOutput) -> None:
        self._pending.append(output)
        if time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self.parts.mkdir(parents=True, exist_ok=True)
        existing = [int(p.stem.split("-")[1]) for p in self.parts.glob("runs-*.parquet")]
        n = max(existing, default=-1) + 1
        # series first: a part counts as done only once its runs file exists
        _atomic_parquet(pd.concat([o.series for o in self._pending], ignore_index=True),
                        self.parts / f"series-{n:06d}.parquet")
        _atomic_parquet(pd.DataFrame([o.row for o in self._pending]),
                        self.parts / f"runs-{n:06d}.parquet")
        self._pending.clear()
        self._last_flush = time.monotonic()

    def finish(self, order: Iterable[RunSpec]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Consolidate parts into runs.parquet and series.parquet, in plan order."""
        self.flush()
        self._drop_orphan_series()
        rank = {spec.key: i for i, spec in enumerate(order)}
        runs, series = self.runs(), self.series()
        runs = _ordered(runs, rank)
        series = _ordered(series, rank, extra="week")
        _atomic_parquet(runs, self.dir / "runs.parquet")
        _atomic_parquet(series, self.dir / "series.parquet")
        if self.parts.exists():
            for p in self.parts.iterdir():
                p.unlink()
            self.parts.rmdir()
        manifest = self.manifest() or {}
        manifest.update(status="complete", finished=_now())
        self._write_manifest(manifest)
        return runs, series

    def _drop_orphan_series(self) -> None:
        """A series part whose runs part never got written (a kill between the two) goes."""
        if not self.parts.exists():
            return
        for p in self.parts.glob("series-*.parquet"):
            if not (self.parts / p.name.replace("series-", "runs-")).exists():
                p.unlink()

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        _atomic_write_bytes(self.manifest_path,
                            json.dumps(manifest, indent=2, default=str).encode())


def _ordered(df: pd.DataFrame, rank: dict[tuple[str, int], int],
             extra: str | None = None) -> pd.DataFrame:
    if df.empty:
        return df
    df = df.drop_duplicates(subset=["scenario", "replication", *([extra] if extra else [])],
                            keep="first")
    key = [rank.get((s, int(r)), len(rank)) for s, r in
           zip(df["scenario"], df["replication"], strict=True)]
    cols = ["_rank", *([extra] if extra else [])]
    return (df.assign(_rank=key).sort_values(cols, kind="stable").drop(columns="_rank")
            .reset_index(drop=True))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

"""How a batch runs and what it may do to its folder, as two frozen, validated values.

:class:`Executor` says where runs go: one by one in this process (``serial``), on a pool
of ``workers`` processes (``process``, ``chunk`` runs per task), or on Dask (``dask``: a
``scheduler``'s cluster with ``security`` for tls://, else a local cluster; every worker
is checked to run this process's code). :class:`StoreOptions` says what a batch may do:
run scenarios above the scale ceiling (``force``), how long one run may take
(``time_budget``), and ``break_lock`` (kept for old scripts; it breaks nothing).

Every entry point (:func:`sim.experiment.run_batch`, sequential, replications, warm-up,
sensitivity) takes these two values, the way EMA Workbench's evaluators are objects. The
keywords they replace (``backend=``, ``workers=``, ...) are still accepted and become the
two values in one place, :func:`run_options`. Importing this module is cheap (no numpy).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields
from typing import Any

from sim.choices import BACKENDS


def check_chunk(chunk: int | None) -> None:
    """Refuse a chunk size that is not a whole number of runs >= 1 (None: automatic)."""
    if chunk is None:
        return
    whole = isinstance(chunk, int) or type(chunk).__name__.startswith(("int", "uint"))
    if isinstance(chunk, bool) or not whole or chunk < 1:
        raise ValueError(f"chunk: must be a whole number of runs per task >= 1, or None "
                         f"for automatic sizing, got {chunk!r}")


@dataclass(frozen=True)
class Executor:
    """Where and how the runs of a batch are executed (see the module)."""

    backend: str = "process"
    workers: int | None = None
    """Worker processes of the pool or of a local Dask cluster (None: all cores)."""
    chunk: int | None = None
    """Runs per task on the pool or Dask (None: sized from the runs measured)."""
    scheduler: str | None = None
    """A Dask scheduler's address (backend dask only; None: a local cluster)."""
    security: Any = None
    """A Dask ``Security`` for tls:// (:func:`sim.experiment.cluster.tls_security`)."""
    progress: bool = False
    """Show a progress bar."""
    lang: str = "en"
    """The language of the progress lines (en or nl)."""
    supervised: bool = False
    """Backend serial only: each run in one worker process of the batch (forked, one run
    at a time, the same numbers), so that Ctrl+C and SIGTERM are heard within a second
    even while the model runs in compiled code, where the batch's own process would hear
    them only when Python gets a turn. ``regiesim`` sets it; the Python API runs serial
    batches in its own process unless asked (profiling, patched models)."""

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend: must be one of {', '.join(BACKENDS)}, got "
                             f"{self.backend!r}")
        if self.scheduler is not None and self.backend != "dask":
            raise ValueError("scheduler: only with backend dask")
        if self.workers is not None and (isinstance(self.workers, bool)
                                         or not isinstance(self.workers, int)
                                         or self.workers < 1):
            raise ValueError(f"workers: must be a whole number >= 1, or None for all "
                             f"cores, got {self.workers!r}")
        check_chunk(self.chunk)
        if self.supervised and self.backend != "serial":
            raise ValueError("supervised: only with backend serial (the pool and Dask run "
                             "in worker processes already)")
        if self.lang not in ("en", "nl"):
            raise ValueError(f"lang: must be one of en, nl, got {self.lang!r}")

    @property
    def processes(self) -> int:
        """The worker processes this executor uses (all cores unless ``workers``)."""
        return self.workers or os.cpu_count() or 1


@dataclass(frozen=True)
class StoreOptions:
    """What a batch may do beyond the ordinary (see the module)."""

    force: bool = False
    """Run scenarios above the scale ceiling."""
    break_lock: bool = False
    """Kept for old scripts: the OS releases the lock of a batch that ended."""
    time_budget: float | None = None
    """Seconds one run may take (from when it is handed to its worker), kept from
    outside: each run runs in a worker process that is ended when it overstays, and the
    run is recorded as failed (serial, process)."""

    def __post_init__(self) -> None:
        budget = self.time_budget
        if budget is not None and not (budget > 0 and math.isfinite(budget)):
            raise ValueError(f"time budget: must be a number of seconds > 0, got {budget}")


EXECUTOR_KEYWORDS = tuple(f.name for f in fields(Executor))
STORE_KEYWORDS = tuple(f.name for f in fields(StoreOptions))


def run_options(executor: Executor | None = None, store: StoreOptions | None = None,
                **keywords: Any) -> tuple[Executor, StoreOptions]:
    """The executor and store options of a call: the values given, or those built from
    the old keywords (``backend="serial"``, ``force=True``, ...); the one place where they
    are built and where the two are checked against each other."""
    unknown = [k for k in keywords if k not in (*EXECUTOR_KEYWORDS, *STORE_KEYWORDS)]
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(unknown)}")
    loose = {k: v for k, v in keywords.items() if k in EXECUTOR_KEYWORDS}
    if executor is not None and loose:
        raise TypeError(f"give either executor or {', '.join(loose)}, not both")
    kept = {k: v for k, v in keywords.items() if k in STORE_KEYWORDS}
    if store is not None and kept:
        raise TypeError(f"give either store or {', '.join(kept)}, not both")
    executor = executor if executor is not None else Executor(**loose)
    store = store if store is not None else StoreOptions(**kept)
    if store.time_budget is not None and executor.backend == "dask":
        raise ValueError("time budget: works with backend serial or process, not dask")
    return executor, store

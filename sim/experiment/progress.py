"""Progress of long work: a rich bar on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class BatchProgress:
    """Counts finished runs; ``enabled=False`` keeps quiet (for tests and libraries)."""

    def __init__(self, total: int, label: str = "runs", enabled: bool = True,
                 every_seconds: float = 10.0) -> None:
        self.total, self.label, self.enabled = total, label, enabled
        self.done = 0
        self._every = every_seconds
        self._start = self._last = time.monotonic()
        self._bar: Progress | None = None
        self._task = None

    def __enter__(self) -> BatchProgress:
        if self.enabled and sys.stderr.isatty():
            self._bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                                 TimeElapsedColumn(), TimeRemainingColumn(), transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, rate="")
        return self

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        rate = self.done / max(now - self._start, 1e-9)
        if self._bar is not None:
            self._bar.update(self._task, advance=n, rate=f"{rate:.1f} runs/s")
        elif self.enabled and (now - self._last >= self._every or self.done == self.total):
            self._last = now
            left = (self.total - self.done) / rate if rate > 0 else float("nan")
            print(f"{self.label}: {self.done}/{self.total} done, {rate:.1f} runs/s, "
                  f"about {left:.0f} s left", file=sys.stderr, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

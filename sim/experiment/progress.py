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

from sim.words import BUILDS, PROGRESS, check_lang, say, word


def model_build(lang: str = "en") -> str:
    """Which model this process runs (:func:`sim.model.build`: compiled, or the sources
    and why), in ``lang`` for a start line."""
    from sim.model import build

    said = build()
    if said == "compiled":
        return word(BUILDS, "compiled", lang)
    why = said.removeprefix("pure Python (").removesuffix(")")
    why = (word(BUILDS, why, lang) if why in BUILDS
           else say(BUILDS, "other_build", lang, why=why))
    return say(BUILDS, "pure", lang, why=why)


class BatchProgress:
    """Counts finished runs; ``enabled=False`` keeps quiet (for tests and libraries);
    its lines in ``lang`` (:data:`sim.words.PROGRESS`)."""

    def __init__(self, total: int, label: str | None = None, enabled: bool = True,
                 every_seconds: float = 10.0, lang: str = "en") -> None:
        self.lang = check_lang(lang)
        self.total, self.enabled = total, enabled
        self.label = word(PROGRESS, "runs", lang) if label is None else label
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
            self._bar.update(self._task, advance=n,
                             rate=say(PROGRESS, "rate", self.lang, rate=rate))
        elif self.enabled and (now - self._last >= self._every or self.done == self.total):
            self._last = now
            left = (self.total - self.done) / rate if rate > 0 else float("nan")
            print(self.line(rate, left), file=sys.stderr, flush=True)

    def line(self, rate: float, left: float) -> str:
        """The plain progress line: "runs: 3/30 done, ..." / "runs: 3 van 30 klaar, ..."."""
        return say(PROGRESS, "line", self.lang, label=self.label, done=self.done,
                   total=self.total, rate=float(rate), left=float(left))

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

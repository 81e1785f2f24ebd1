"""The optional event log: one row per thing that happened, kept as columns."""

from __future__ import annotations

import math

import pandas as pd


class EventLog:
    """Columnar event log; ``add`` is a no-op unless the log is enabled."""

    def __init__(self, enabled: bool, offset: float) -> None:
        self.enabled = enabled
        self._offset = offset
        self.cols: dict[str, list] = {k: [] for k in ("week", "actor", "id", "event", "stage",
                                                     "value")}

    def add(self, now: float, actor: str, ident: int, event: str, stage: str = "",
            value: float = math.nan) -> None:
        if not self.enabled:
            return
        c = self.cols
        c["week"].append(now - self._offset)
        c["actor"].append(actor)
        c["id"].append(ident)
        c["event"].append(event)
        c["stage"].append(stage)
        c["value"].append(value)

    def frame(self) -> pd.DataFrame | None:
        return pd.DataFrame(self.cols) if self.enabled else None

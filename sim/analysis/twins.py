"""What a broken partnership does to the citizens it touches, against their twins.

On common random numbers the same candidate initiative arrives, with the same attributes,
in a run with fallback and in the run without it. The initiatives whose partnership a
fallback broke (the ``breach`` events of the event log) are compared with themselves in
the run without fallback: the members the survey asks, and the share of them that is
(very) dissatisfied in either run. The difference is what the breach and everything that
followed from it cost those citizens ("with minus without").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.ledger import recall_start, survey_asked
from sim.run import RunResult


@dataclass(frozen=True)
class TwinShares:
    """Surveyed members touched by a fallback's breach, dissatisfied with and without."""

    members: float
    dissatisfied_with: float
    dissatisfied_without: float

    @property
    def difference(self) -> float:
        return self.dissatisfied_with - self.dissatisfied_without


def surveyed(result: RunResult) -> pd.DataFrame:
    """The initiatives the survey asks (contact, ended within the recall window or still
    under way), with their members and whether they count as (very) dissatisfied."""
    df, sc = result.initiatives, result.scenario
    asked = df[survey_asked(df["exit_week"].to_numpy(float), df["contact"].to_numpy(bool),
                            recall_start(sc))]
    return pd.DataFrame({"id": asked["id"], "members": asked["members"].astype(float),
                         "dissatisfied": asked["satisfaction"]
                         < sc.satisfaction.dissatisfied_below})


def breach_twins(with_fallback: RunResult, without: RunResult) -> TwinShares:
    """The surveyed members whose partnership a fallback broke, against the same
    initiatives without fallback (both runs on the same seed; the first needs its event
    log). Twins the survey does not ask in either run are left out of both."""
    if with_fallback.log is None:
        raise ValueError("breach_twins needs the event log of the run with fallback "
                         "(run.event_log = true)")
    if with_fallback.seed != without.seed:
        raise ValueError(f"twins need the same seed, got {with_fallback.seed} and "
                         f"{without.seed}")
    log = with_fallback.log
    touched = set(log.loc[log["event"] == "breach", "id"].tolist())
    a = surveyed(with_fallback).set_index("id")
    b = surveyed(without).set_index("id")
    both = sorted(touched & set(a.index) & set(b.index))
    if not both:
        return TwinShares(0.0, math.nan, math.nan)
    a, b = a.loc[both], b.loc[both]
    members = float(a["members"].sum())
    return TwinShares(members,
                      float(np.sum(a["members"] * a["dissatisfied"]) / members),
                      float(np.sum(b["members"] * b["dissatisfied"]) / members))

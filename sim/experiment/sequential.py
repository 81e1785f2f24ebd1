"""Sequential replications: keep adding replications until the CIs are narrow enough.

Targets are the levels of each scenario's outcomes, the paired differences against a
reference scenario (common random numbers), or both; each target is a relative
precision, an absolute half-width, or the easier of the two
(:mod:`sim.analysis.precision`). A target whose projected need exceeds ``max_reps`` is
*out of reach*: the run stops as soon as that is clear (confirmed on at least
``confirm_reps`` replications) instead of running to ``max_reps`` in vain, and the status
table says which target missed and what it would need.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.precision import Target, precision_status
from sim.experiment.options import Executor, StoreOptions, run_options
from sim.experiment.runner import Batch, run_batch
from sim.scenario import Scenario

if TYPE_CHECKING:  # names the inherited Batch field's annotation (for pdoc)
    from sim.experiment.store import Selection  # noqa: F401


@dataclasses.dataclass
class PreciseBatch(Batch):
    """A batch run to a precision: its tables, and ``status`` (one row per target, see
    :func:`sim.analysis.precision.precision_status`, plus ``out_of_reach``)."""

    status: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)

    @property
    def reached(self) -> bool:
        return bool(self.status["met"].all()) if not self.status.empty else False

    @property
    def missed(self) -> pd.DataFrame:
        return self.status[~self.status["met"]]


def describe_miss(row: Mapping[str, Any], max_reps: int, lang: str = "en") -> str:
    """One line on a target that missed (a row of the status table): which, how wide,
    what it needs (in ``lang``)."""
    from sim.words import BATCH, formatted, say

    needed = int(row["needed"])
    reach = (say(BATCH, "out_of_reach", lang, needed=needed, max_reps=max_reps)
             if needed > max_reps else say(BATCH, "needs", lang, needed=needed))

    def num(x: Any) -> str:
        return formatted(float(x), ".3g", lang)

    from sim.outcomes import label

    outcome = row["outcome"] if lang == "en" else label(str(row["outcome"]), lang)
    return say(BATCH, "miss", lang, outcome=outcome, target=row["target"],
               half=num(row["half_width"]), width=num(row["target_width"]),
               mean=num(row["mean"]), n=row["n"], reach=reach)


# PLR0913: public API: the CLI, the tests and users pass these by keyword
def run_to_precision(scenarios: dict[str, Scenario], target: Target, seed: int = 0,  # noqa: PLR0913
                     min_reps: int = 10, max_reps: int = 1000, out: str | Path | None = None,
                     report: Callable[[int, pd.DataFrame], None] | None = None,
                     confirm_reps: int = 30, params: dict[str, dict[str, Any]] | None = None,
                     posterior: Any = None, executor: Executor | None = None,
                     store: StoreOptions | None = None, **keywords: Any) -> PreciseBatch:
    """Run until every target (``target.on``: levels, differences against its reference or
    both, of each of its outcomes) meets its half-width.

    Starts with ``min_reps``, projects the replications each target needs, extends the
    batch to the largest (the store resumes, so nothing is rerun), and repeats. Stops
    when all are met, at ``max_reps``, or as soon as a projection above ``max_reps`` holds
    on at least ``confirm_reps`` replications (out of reach). ``report(reps, status)`` is
    called after each round, if given. ``params`` and ``posterior`` are those of
    :func:`sim.experiment.run_batch`.
    """
    executor, store = run_options(executor, store, **keywords)
    if not 2 <= min_reps <= max_reps:
        raise ValueError(f"need 2 <= min_reps <= max_reps, got {min_reps} and {max_reps}")
    with tempfile.TemporaryDirectory(prefix="regiesim-seq-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        reps = min_reps
        while True:
            batch = run_batch(scenarios, reps=reps, seed=seed, out=folder, params=params,
                              posterior=posterior, executor=executor, store=store)
            status = precision_status(batch.runs, list(target.outcomes), target.precision,
                                      target.absolute, target.on, target.reference,
                                      target.level, cap=100 * max_reps)
            status["out_of_reach"] = ~status["met"] & (status["needed"] > max_reps)
            if report is not None:
                report(reps, status)
            missing = status[~status["met"]]
            needed = int(missing["needed"].max()) if not missing.empty else reps
            hopeless = needed > max_reps and reps >= min(confirm_reps, max_reps)
            if missing.empty or reps >= max_reps or hopeless:
                tables = ({} if out is not None else  # read before the temporary folder goes
                          {"_runs": batch.runs, "_series": batch.series,
                           "_failures": batch.failures, "out": None, "_select": None})
                fields = {f.name: getattr(batch, f.name) for f in dataclasses.fields(Batch)}
                return PreciseBatch(**{**fields, **tables}, status=status)
            if needed > max_reps:  # confirm on more replications before giving up
                reps = min(max_reps, max(confirm_reps, reps + 1))
            else:
                reps = min(max_reps, max(needed, reps + 1))

"""Choosing the number of replications by method: Hoad, Robinson & Davies' algorithm.

Runs a scenario (or several, on common random numbers) in growing batches and applies
:func:`sim.analysis.precision.hoad_replications` to every target (the levels of each
outcome, and/or the paired differences against a reference) until each has a stable
solution or ``max_reps`` is reached. The result holds the chosen numbers, the
confidence-interval method's table (cumulative mean and interval per n) and a figure.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.precision import Target, hoad_replications, target_values
from sim.experiment.options import Executor, StoreOptions, run_options
from sim.experiment.runner import run_batch
from sim.experiment.store.artefacts import write_artefact
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.experiment.warmup import WarmupCheck


@dataclass
class ReplicationsChoice:
    """Per target the replications chosen (``n``; NaN if not within ``max_reps``)."""

    table: pd.DataFrame
    """target, outcome, n, reached, needed_next, mean, half_width at n."""
    trajectory: pd.DataFrame
    """target, outcome and the CI method's table (n, mean, ci_low, ci_high, ...)."""
    reps_run: int

    @property
    def replications(self) -> int | None:
        """The number for the whole experiment: the largest over targets (None if any
        target is not reached)."""
        return None if not self.table["reached"].all() else int(self.table["n"].max())

    def figure(self) -> Any:
        """Cumulative mean with its interval and the target band, per target."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        keys = list(self.table[["target", "outcome"]].itertuples(index=False, name=None))
        fig = make_subplots(rows=len(keys), cols=1, vertical_spacing=0.06,
                            subplot_titles=[f"{o} ({t})" for t, o in keys])
        for i, (target, outcome) in enumerate(keys, start=1):
            part = self.trajectory[(self.trajectory["target"] == target)
                                   & (self.trajectory["outcome"] == outcome)]
            part = part[part["n"] >= 3]
            band = dict(showlegend=False, line={"width": 0})
            fig.add_trace(go.Scatter(x=part["n"], y=part["ci_high"], **band), row=i, col=1)
            fig.add_trace(go.Scatter(x=part["n"], y=part["ci_low"], fill="tonexty",
                                     fillcolor="rgba(51,34,136,0.2)", **band), row=i, col=1)
            fig.add_trace(go.Scatter(x=part["n"], y=part["mean"], name="cumulative mean",
                                     line={"color": "#332288"}, showlegend=i == 1),
                          row=i, col=1)
            for sign in (-1, 1):
                fig.add_trace(go.Scatter(
                    x=part["n"], y=part["mean"].iloc[-1] + sign * part["target_width"],
                    name="target width around the final mean", showlegend=i == 1 and sign > 0,
                    line={"color": "#CC6677", "dash": "dot"}), row=i, col=1)
            row = self.table[(self.table["target"] == target)
                             & (self.table["outcome"] == outcome)].iloc[0]
            if row["reached"]:
                fig.add_vline(x=row["n"], line={"color": "#117733", "dash": "dash"},
                              annotation_text=f"n = {int(row['n'])}", row=i, col=1)
        fig.update_layout(template="plotly_white", height=300 * len(keys),
                          title="Replications by the confidence-interval method "
                                "(Hoad, Robinson & Davies 2010)")
        fig.update_xaxes(title_text="replications", row=len(keys), col=1)
        return fig


def choose_replications(scenarios: dict[str, Scenario], target: Target, k_limit: int = 5,
                        start: int = 10, max_reps: int = 1000, seed: int = 0,
                        out: str | Path | None = None, executor: Executor | None = None,
                        store: StoreOptions | None = None,
                        **keywords: Any) -> ReplicationsChoice:
    """Run until Hoad et al.'s algorithm settles every target, or ``max_reps``."""
    executor, store = run_options(executor, store, **keywords)
    if not 3 <= start <= max_reps:
        raise ValueError(f"need 3 <= start <= max_reps, got {start} and {max_reps}")
    with tempfile.TemporaryDirectory(prefix="regiesim-reps-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        reps = start
        while True:
            runs = run_batch(scenarios, reps=reps, seed=seed, out=folder,
                             executor=executor, store=store).runs
            rows, paths = [], []
            for (what, outcome), values in target_values(runs, list(target.outcomes),
                                                         target.on, target.reference).items():
                choice = hoad_replications(values, target.precision, target.absolute,
                                           k_limit, 3, target.level)
                at = (choice.trajectory[choice.trajectory["n"] == choice.n].iloc[0]
                      if choice.n is not None else choice.trajectory.iloc[-1])
                rows.append({"target": what, "outcome": outcome,
                             "n": choice.n if choice.n is not None else float("nan"),
                             "reached": choice.n is not None,
                             "needed_next": choice.needed_next, "mean": at["mean"],
                             "half_width": at["half_width"], "target_width": at["target_width"]})
                paths.append(choice.trajectory.assign(target=what, outcome=outcome))
            table = pd.DataFrame(rows)
            undecided = table[~table["reached"]]
            if undecided.empty or reps >= max_reps:
                trajectory = pd.concat(paths, ignore_index=True)
                first = ["target", "outcome"]
                trajectory = trajectory[first + [c for c in trajectory if c not in first]]
                return ReplicationsChoice(table, trajectory, reps)
            reps = min(max_reps, max(reps + 1, int(undecided["needed_next"].max())))


def write_tables(folder: str | Path, choice: ReplicationsChoice,
                 warm: WarmupCheck | None = None) -> list[Path]:
    """replications.csv and trajectory.csv (and warmup.csv, warmup_series.csv) in
    ``folder``, each written whole and listed with its kind; returns their paths."""
    tables = [("replications.csv", choice.table, "replications"),
              ("trajectory.csv", choice.trajectory, "trajectory")]
    if warm is not None:
        tables += [("warmup.csv", warm.table, "warmup"),
                   ("warmup_series.csv", warm.series, "warmup_series")]
    return [write_artefact(folder, name, table, kind) for name, table, kind in tables]

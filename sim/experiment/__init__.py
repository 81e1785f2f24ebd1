"""Experiments: batches of replications on common random numbers, on several backends."""

from sim.experiment.batch import plan, replication_seeds
from sim.experiment.runner import Batch, run_batch
from sim.experiment.store import ResultStore

__all__ = ["Batch", "ResultStore", "plan", "replication_seeds", "run_batch"]

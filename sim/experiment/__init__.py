"""Experiments: batches of replications on common random numbers, on several backends."""

from sim.experiment.batch import Batch, plan, replication_seeds, run_batch

__all__ = ["Batch", "plan", "replication_seeds", "run_batch"]

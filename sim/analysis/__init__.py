"""Statistics on replications: confidence intervals, paired differences, precision."""

from sim.analysis.stats import bounded, mean_ci, paired_differences, summarise

__all__ = ["bounded", "mean_ci", "paired_differences", "summarise"]

"""Statistics on replications: confidence intervals, paired differences, precision."""

from sim.analysis.stats import mean_ci, paired_differences, summarise

__all__ = ["mean_ci", "paired_differences", "summarise"]

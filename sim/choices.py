"""The choices library functions accept, in one place that imports nothing heavy.

Each library module checks its argument against its tuple here (and offers it under the
same name: ``sim.experiment.calibration.KERNELS``), and the command line offers each as an
Enum (:mod:`sim.cli.common`), so a choice is written once and ``regiesim --help`` stays
quick. The figures of ``regiesim plot`` (``sim.report.plots.PLOTS``) and the languages
(``sim.words.LANGS``) are declared with their code.
"""

from __future__ import annotations

BACKENDS = ("serial", "process", "dask")
"""Where the runs of a batch go (:class:`sim.experiment.options.Executor`)."""

KERNELS = ("normal", "local", "rejection")
"""Proposal kernels between populations (see :func:`sim.experiment.calibration.calibrate`),
or ``rejection``: no populations, draws from the prior kept when they are among the
closest."""

STUDIES = ("morris", "sobol", "lhs", "qmc")
"""What :func:`sim.experiment.sensitivity.run_study` runs: a Morris screening; Sobol indices
(on the top parameters of a screening, or over given ranges); or a Latin hypercube or
scrambled Sobol sample."""

TARGETS_ON = ("levels", "differences", "both")
"""What a precision target is about (:class:`sim.analysis.precision.Target`)."""

ADJUSTMENTS = ("holm", "bh", "none")
"""p-value adjustments over a table (:func:`sim.analysis.multiple.check_adjust`)."""

PRIM_TAILS = ("high", "low")
"""Which tail of an outcome a PRIM box concentrates
(:func:`sim.experiment.exploration.prim_of`): its highest or its lowest quarter of points."""

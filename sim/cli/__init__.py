"""The ``regiesim`` command line (typer).

Every command takes scenario files; errors in them are shown as one line per problem,
naming the file and the field, without a traceback, and the command exits with status 2.
One module per group of commands, each thin over the library:

- :mod:`sim.cli.files`: validate, show, styles, outcomes;
- :mod:`sim.cli.runs`: run, batch;
- :mod:`sim.cli.results`: report, plot, compare;
- :mod:`sim.cli.methods`: replications, calibrate; :mod:`sim.cli.study`: sensitivity;
- :mod:`sim.cli.national`: value-of-information;
- :mod:`sim.cli.classroom`: narrate, animate, dashboard;
- :mod:`sim.cli.common`: the app, option types, choices and error handling they share;
- :mod:`sim.cli.inputs`: the scenario files a command is given, read and checked alike.
"""

from __future__ import annotations

import signal

from sim.cli import classroom, files, methods, national, results, runs, study
from sim.cli.classroom import animate, dashboard, narrate
from sim.cli.common import DEFAULT_SEED, UserError, app, clean_errors, safe
from sim.cli.files import outcomes, show, styles, validate
from sim.cli.inputs import scenario_paths
from sim.cli.methods import calibrate, replications
from sim.cli.national import value_of_information
from sim.cli.results import compare, plot, report
from sim.cli.runs import batch, run
from sim.cli.study import sensitivity

ORDER = ("validate", "show", "run", "batch", "calibrate", "compare", "replications",
         "sensitivity", "value_of_information", "report", "plot", "outcomes", "narrate",
         "animate", "dashboard", "styles")
"""The order `regiesim --help` lists the commands in."""

app.registered_commands.sort(key=lambda c: ORDER.index(c.callback.__name__))

__all__ = ["DEFAULT_SEED", "UserError", "animate", "app", "batch", "calibrate", "classroom",
           "clean_errors", "compare", "dashboard", "files", "main", "methods", "narrate",
           "national",
           "outcomes", "plot", "replications", "report", "results", "run", "runs", "safe",
           "scenario_paths", "sensitivity", "show", "study", "styles", "validate",
           "value_of_information"]


def main() -> None:
    """The ``regiesim`` entry point."""
    # a scheduler's SIGTERM unwinds like Ctrl+C: finished runs are flushed to the store
    # and worker processes are shut down
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    # Ctrl+C stops a batch even where the command was started with SIGINT ignored (a
    # parent that ignores it passes that on, and Python then installs no handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    app()

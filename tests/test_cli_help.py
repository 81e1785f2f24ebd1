"""The command line answers quickly: importing it pulls in no numerics or simulation."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from sim.cli import app
from sim.outcomes import SUMMARY, definition
from tests.conftest import ROOT


def test_the_command_line_imports_no_heavy_package_before_it_is_needed() -> None:
    code = ("import json, sys, sim.cli; print(json.dumps(sorted(m for m in "
            "('pandas', 'numpy', 'simpy', 'scipy', 'plotly', 'dash', 'sim.run') "
            "if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert json.loads(out.stdout) == []


def test_sim_still_offers_its_api_lazily() -> None:
    import sim

    assert sim.simulate.__module__ == "sim.run"
    assert sim.load_scenario.__module__ == "sim.scenario_files"


def test_outcomes_command_lists_every_outcome_with_its_definition() -> None:
    result = CliRunner().invoke(app, ["outcomes", "--lang", "nl"], terminal_width=400)
    assert result.exit_code == 0, result.output
    for key in SUMMARY:
        assert key in result.output
    assert definition("success_rate", "nl") in result.output


def test_every_command_has_the_same_default_seed() -> None:
    import inspect

    from sim import cli

    defaults = {name: inspect.signature(getattr(cli, name)).parameters["seed"].default
                for name in ("run", "batch", "sensitivity", "narrate", "dashboard")}
    assert set(defaults.values()) == {cli.DEFAULT_SEED}, defaults


def test_the_choices_of_the_command_line_are_the_library_s() -> None:
    """Each Enum of the command line offers what the library it calls accepts."""
    from sim.analysis.multiple import ADJUSTMENTS
    from sim.analysis.precision import TARGETS_ON
    from sim.cli import common
    from sim.experiment.calibration import KERNELS
    from sim.experiment.options import BACKENDS
    from sim.experiment.sensitivity import STUDIES
    from sim.outcomes import LANGS
    from sim.report.folder import PLOTS

    for choice, allowed in ((common.Backend, BACKENDS), (common.Lang, LANGS),
                            (common.Adjust, ADJUSTMENTS), (common.PrecisionOn, TARGETS_ON),
                            (common.PlotKind, PLOTS), (common.Kernel, KERNELS),
                            (common.Method, STUDIES)):
        assert tuple(c.value for c in choice) == tuple(allowed), choice

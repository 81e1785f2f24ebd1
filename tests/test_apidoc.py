"""The API reference (``make api``): pdoc renders every public module without a warning,
and the pages document the functions the README and the notebooks use."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.apidoc import public_modules
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # pdoc renders every module: ~50 s under load


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api")
    done = subprocess.run([sys.executable, "-m", "sim.apidoc", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in done.stderr, done.stderr
    return out


def page(api: Path, module: str) -> str:
    return (api / (module.replace(".", "/") + ".html")).read_text(encoding="utf-8")


def test_every_public_module_has_a_page(api: Path) -> None:
    modules = public_modules()
    assert {"sim", "sim.analysis.stats", "sim.experiment.runner", "sim.report.figures",
            "sim.experiment.sensitivity"} <= set(modules)
    for module in modules:
        assert "<h1" in page(api, module), module


@pytest.mark.parametrize(("module", "names"), [
    ("sim", ["simulate", "load_scenario", "build_scenario", "RunResult", "Scenario"]),
    ("sim.experiment", ["run_batch", "ResultStore"]),
    ("sim.analysis", ["paired_differences", "summarise", "mean_ci"]),
    ("sim.report", ["write_report"]),
])
def test_the_documented_api_is_on_its_page(api: Path, module: str, names: list[str]) -> None:
    """The package pages list what ``from sim... import`` offers, lazy exports included."""
    text = page(api, module)
    for name in names:
        assert f'id="{name}"' in text, f"{name} missing from {module}'s page"


def test_docstrings_render_as_written(api: Path) -> None:
    """RunResult's tables are a list, and the package page shows its example as code."""
    text = page(api, "sim")
    start = text.index('id="RunResult"')
    assert re.search(r"<li><code>(<a [^>]+>)?summary(</a>)?</code>: every outcome",
                     text[start:start + 4000])
    assert '&gt;&gt;&gt; direction = load_scenario("scenarios/direction.toml")' in text

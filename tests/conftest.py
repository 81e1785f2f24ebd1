"""Shared helpers: small scenarios for fast tests, and batches for statistical ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim import Scenario, build_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def short(style: str = "consultative", **groups: dict) -> Scenario:
    """A one-year run of a style, with any group values changed."""
    data: dict = {"scenario": {"style": style}, "run": {"horizon_weeks": 52.0,
                                                        "warmup_weeks": 8.0}}
    for group, values in groups.items():
        data.setdefault(group, {}).update(values)
    return build_scenario(data)


def in_the_sources(script: str, scenario: Scenario) -> dict:
    """Run ``script`` on the model's sources (``REGIESIM_PURE=1``: compiled modules do not
    see a patch) in a fresh interpreter, the scenario as JSON in ``sys.argv[1]``; return
    the JSON it prints."""
    done = subprocess.run([sys.executable, "-c", script,
                           json.dumps(scenario.model_dump(mode="json"))],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "REGIESIM_PURE": "1"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def tiny() -> Scenario:
    return short()


@pytest.fixture
def browser():
    """A headless Chromium at 1400 px (see tests/browser.py), for one test."""
    from tests.browser import chromium

    with chromium() as driver:
        yield driver



def plain_output(output: str) -> str:
    """A command's output as one line of words: the borders of an error panel and its line
    breaks removed (a usage error's message wraps inside the panel)."""
    return " ".join(output.translate(str.maketrans("", "", "│╭╮╰╯─")).split())

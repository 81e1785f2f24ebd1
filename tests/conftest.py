"""Shared helpers: small scenarios for fast tests, and batches for statistical ones."""

from __future__ import annotations

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

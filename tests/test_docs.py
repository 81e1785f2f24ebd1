"""The generated docs match the schema; the README's commands exist."""

from __future__ import annotations

from sim import docs
from tests.conftest import ROOT


def test_scenario_reference_is_current() -> None:
    current = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert current == docs.scenarios_md(), "run `python -m sim.docs` (make docs)"


def test_odd_parameter_table_is_current() -> None:
    current = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")
    assert current == docs.odd_md(current), "run `python -m sim.docs` (make docs)"


def test_every_schema_key_is_documented() -> None:
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for row in docs.rows():
        assert f"`{row['key']}`" in text
        assert row["meaning"], f"{row['key']} has no description"

"""Long names are cut for display (issue 25, item 6): above sim.words.NAME_LIMIT
characters a scenario name is shown as its start, an ellipsis and a digest in console
tables, validate's lines and reports; up to the limit it is shown whole (issue 23:
wrapped, never cut, pasteable); the stored name always stays whole."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.words import NAME_LIMIT, scenario_name, short_name

runner = CliRunner()
LONG = "x" * 1000 + "y"
LIMIT = "w" * NAME_LIMIT


def test_a_name_above_the_limit_is_cut_with_its_digest() -> None:
    assert short_name(LIMIT) == LIMIT  # at the limit: whole
    cut = short_name(LONG)
    assert len(cut) == NAME_LIMIT and cut.startswith("x" * 150) and "…" in cut
    other = short_name("x" * 1000 + "z")  # the same start: still told apart
    assert other != cut and other[:-12] == cut[:-12]
    assert re.search(r"… \(#[0-9a-f]{8}\)$", cut)
    for lang in ("en", "nl"):
        assert scenario_name(LONG, lang) == cut and scenario_name(LIMIT, lang) == LIMIT


def squeezed(text: str) -> str:
    """A terminal's text without its table borders, spaces and line breaks (a name a
    table folds onto several lines reads as one again)."""
    return re.sub(r"[\s│┃|]", "", text)


def scenario_file(folder: Path, name: str, stem: str) -> Path:
    path = folder / f"{stem}.toml"
    path.write_text(f'[scenario]\nname = "{name}"\n[run]\nhorizon_weeks = 5.0\n'
                    'warmup_weeks = 0.0\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("names")
    files = [scenario_file(tmp, LONG, "long"), scenario_file(tmp, LIMIT, "limit")]
    out = tmp / "out"
    result = runner.invoke(app, ["batch", *map(str, files), "--reps", "3", "--out", str(out),
                                 "--backend", "serial"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_the_stored_name_stays_whole(folder: Path) -> None:
    assert set(pd.read_parquet(folder / "runs.parquet")["scenario"]) == {LONG, LIMIT}


def test_compare_and_validate_show_a_long_name_cut(folder: Path) -> None:
    result = runner.invoke(app, ["compare", str(folder), "--reference", LIMIT],
                           catch_exceptions=False, terminal_width=100)
    assert result.exit_code == 0, result.output
    text = squeezed(result.output)
    assert squeezed(short_name(LONG)) in text and "x" * 200 not in text
    assert LIMIT in text  # the reference in the title, whole
    check = runner.invoke(app, ["validate", str(folder.parent / "long.toml"),
                                str(folder.parent / "limit.toml")], catch_exceptions=False)
    text = squeezed(check.output)
    assert squeezed(short_name(LONG)) in text and "x" * 200 not in text and LIMIT in text


def test_run_shows_a_long_name_cut_in_its_headline(folder: Path) -> None:
    result = runner.invoke(app, ["run", str(folder.parent / "long.toml"), "--reps", "2",
                                 "--backend", "serial"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # the name folds over rows beside each outcome: at most its cut letters per outcome
    digest = short_name(LONG).rsplit(" ", 1)[1]
    shown = result.output.count(digest)
    assert shown >= 3 and result.output.count("x") <= shown * NAME_LIMIT


def test_the_report_shows_a_long_name_cut_and_keeps_it_in_the_stored_config(
        folder: Path) -> None:
    result = runner.invoke(app, ["report", str(folder), "--lang", "nl"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (folder / "report.html").read_text(encoding="utf-8")
    shown_whole = page.count("x" * 1000)
    # whole only where the report prints what is stored: the resolved scenario (JSON)
    # and the manifest's list of source files
    assert shown_whole == 2, shown_whole
    assert page.count(short_name(LONG)) >= 3 and page.count(LIMIT) >= 3

"""The report shows a folder's artefacts by their kind, through one registry
(:data:`sim.report.folder.SECTIONS`): a table under any name gets the section of its
kind, an artefact of a kind this version does not know is listed (never passed over),
and a folder written before the manifest listed its artefacts still reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment import run_batch
from sim.experiment.store import KINDS, write_artefact
from sim.report.folder import SECTIONS, UNSHOWN, build_folder_report
from sim.report.labels import TEXT
from sim.words import FOLDER
from tests.conftest import short
from tests.htmlcheck import read

TABLE = pd.DataFrame({"part": ["total", "regime", "expectations"],
                      "outcome": ["success_rate"] * 3, "difference": [-0.02, -0.015, -0.005],
                      "ci_low": [-0.03, -0.02, -0.01], "ci_high": [-0.01, -0.01, 0.0],
                      "n": [2, 2, 2]})


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    run = {"horizon_weeks": 12.0, "warmup_weeks": 2.0}
    run_batch({"a": short("direction", run=run), "b": short("directive", run=run)},
              reps=2, seed=3, backend="serial", out=out)
    return out


@pytest.fixture
def folder(batch: Path, tmp_path: Path) -> Path:
    out = tmp_path / "folder"
    shutil.copytree(batch, out)
    return out


def _headings(folder: Path, lang: str = "en") -> list[str]:
    return [s.heading for s in read(build_folder_report(folder, lang)).sections]


def test_every_kind_has_a_section_or_is_named_as_having_none() -> None:
    shown = {s.kind for s in SECTIONS}
    assert shown | UNSHOWN == set(KINDS)
    assert not shown & UNSHOWN
    for section in SECTIONS:
        assert set(section.needs) | set(section.unless) <= set(KINDS)


def test_a_table_gets_the_section_of_its_kind_whatever_its_name(folder: Path) -> None:
    heading = TEXT["decomposition"]["en"]
    assert heading not in _headings(folder)
    write_artefact(folder, "cost-split.csv", TABLE, "decomposition")
    report = read(build_folder_report(folder))
    rows = report.section(heading).rows[1:]
    assert len(rows) == len(TABLE)


def test_a_known_name_listed_as_another_kind_is_shown_as_that_kind(folder: Path) -> None:
    # the manifest's kind wins over the name: decomposition.csv listed as a claims table
    write_artefact(folder, "decomposition.csv", TABLE, "claims")
    assert TEXT["decomposition"]["en"] not in _headings(folder)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_an_artefact_of_an_unknown_kind_is_listed_not_ignored(folder: Path,
                                                              lang: str) -> None:
    TABLE.to_csv(folder / "mystery.csv", index=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["artefacts"]["mystery.csv"] = {"kind": "mystery", "rows": 3}  # a newer version's
    (folder / "manifest.json").write_text(json.dumps(manifest))
    report = read(build_folder_report(folder, lang))
    table = report.section(FOLDER["unknown"][lang]).rows
    assert table[1:] == [["mystery.csv", "mystery"]]


def test_a_folder_without_the_list_still_reports_what_it_holds(folder: Path) -> None:
    TABLE.to_csv(folder / "decomposition.csv", index=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["artefacts"]  # as every folder written before the list existed
    (folder / "manifest.json").write_text(json.dumps(manifest))
    report = read(build_folder_report(folder))
    assert len(report.section(TEXT["decomposition"]["en"]).rows[1:]) == len(TABLE)
    assert FOLDER["unknown"]["en"] not in [s.heading for s in report.sections]


def test_listing_a_file_changes_nothing_in_the_report(folder: Path, tmp_path: Path) -> None:
    # the same table under its known name, listed or found by its name: the same report
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    TABLE.to_csv(old / "decomposition.csv", index=False)
    write_artefact(folder, "decomposition.csv", TABLE, "decomposition")
    assert _headings(folder) == _headings(old)
    assert (read(build_folder_report(folder)).section(TEXT["decomposition"]["en"]).rows
            == read(build_folder_report(old)).section(TEXT["decomposition"]["en"]).rows)

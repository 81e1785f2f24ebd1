"""A result folder declares what it holds: the manifest lists every artefact with its
kind. A batch lists its tables, an experiment writes its own through
:func:`write_artefact` (atomically, under the folder's lock), a resume keeps the list, and
a folder written before the list existed is still read, by its files' names."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment import run_batch
from sim.experiment.store import (
    KINDS,
    FolderLock,
    StoreLocked,
    artefacts,
    declare_artefact,
    infer_kind,
    write_artefact,
)
from sim.experiment.store.artefacts import NAMES
from tests.conftest import short

TABLE = pd.DataFrame({"part": ["total", "regime"], "outcome": ["success_rate"] * 2,
                      "difference": [-0.02, -0.01], "ci_low": [-0.03, -0.02],
                      "ci_high": [-0.01, 0.0], "n": [2, 2]})


def _batch(out: Path, reps: int = 2) -> None:
    run = {"horizon_weeks": 12.0, "warmup_weeks": 2.0}
    run_batch({"a": short("direction", run=run), "b": short("directive", run=run)},
              reps=reps, seed=3, backend="serial", out=out)


def _listed(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())["artefacts"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    _batch(out)
    return out


def test_a_batch_lists_its_tables_with_their_kinds_and_rows(folder: Path) -> None:
    listed = _listed(folder)
    assert listed["runs.parquet"] == {"kind": "runs", "rows": 4}
    assert listed["series.parquet"]["kind"] == "series"
    assert listed["series.parquet"]["rows"] == len(pd.read_parquet(folder / "series.parquet"))
    assert "failures.parquet" not in listed  # every run succeeded: no such table


def test_write_artefact_writes_the_table_and_lists_it_with_its_kind(tmp_path: Path) -> None:
    _batch(tmp_path, reps=1)
    path = write_artefact(tmp_path, "cost.csv", TABLE, "decomposition")
    assert path.read_bytes() == TABLE.to_csv(index=False).encode()  # what to_csv wrote
    assert _listed(tmp_path)["cost.csv"] == {"kind": "decomposition", "rows": 2}
    write_artefact(tmp_path, "fit.json", json.dumps({"fitted": {}}), "first_fit")
    write_artefact(tmp_path, "cost.parquet", TABLE, "decomposition")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "cost.parquet"), TABLE)
    found = {a.name: (a.kind, a.listed) for a in artefacts(tmp_path)}
    assert found["fit.json"] == ("first_fit", True)
    assert found["cost.parquet"] == ("decomposition", True)
    assert found["runs.parquet"] == ("runs", True)
    assert not list(tmp_path.glob(".*tmp-*"))  # no temporary file left behind


def test_an_unknown_kind_or_a_name_outside_the_folder_is_refused(tmp_path: Path) -> None:
    _batch(tmp_path, reps=1)
    before = (tmp_path / "manifest.json").read_bytes()
    with pytest.raises(ValueError, match=r"unknown kind of artefact 'costs'.*decomposition"):
        write_artefact(tmp_path, "cost.csv", TABLE, "costs")
    with pytest.raises(ValueError, match="a path inside"):
        write_artefact(tmp_path, "../cost.csv", TABLE, "decomposition")
    with pytest.raises(FileNotFoundError, match="no such file"):
        declare_artefact(tmp_path, "summary.csv", "summary")
    assert not (tmp_path / "cost.csv").exists() and not (tmp_path.parent / "cost.csv").exists()
    assert (tmp_path / "manifest.json").read_bytes() == before


def test_write_artefact_is_refused_while_a_batch_holds_the_folder(
        tmp_path: Path) -> None:
    _batch(tmp_path, reps=1)
    lock = FolderLock(tmp_path)
    lock.acquire()
    try:
        with pytest.raises(StoreLocked, match="in use by another batch"):
            write_artefact(tmp_path, "cost.csv", TABLE, "decomposition")
    finally:
        lock.release()
    assert not (tmp_path / "cost.csv").exists()
    assert "cost.csv" not in _listed(tmp_path)


def test_a_resume_keeps_the_list(tmp_path: Path) -> None:
    _batch(tmp_path, reps=1)
    write_artefact(tmp_path, "cost.csv", TABLE, "decomposition")
    _batch(tmp_path, reps=2)  # the same batch, more replications: a resume
    listed = _listed(tmp_path)
    assert listed["cost.csv"] == {"kind": "decomposition", "rows": 2}
    assert listed["runs.parquet"] == {"kind": "runs", "rows": 4}


def test_a_folder_without_the_list_is_read_by_its_files_names(tmp_path: Path) -> None:
    _batch(tmp_path, reps=1)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    del manifest["artefacts"]  # as every folder written before the list existed
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    TABLE.to_csv(tmp_path / "decomposition.csv", index=False)
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "notes.csv", index=False)  # the user's
    found = {a.name: (a.kind, a.listed) for a in artefacts(tmp_path)}
    assert found == {"runs.parquet": ("runs", False), "series.parquet": ("series", False),
                     "decomposition.csv": ("decomposition", False)}


def test_a_listed_file_that_is_gone_is_left_out(folder: Path, tmp_path: Path,
                                               caplog) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["artefacts"]["gone.csv"] = {"kind": "summary"}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert [a.name for a in artefacts(tmp_path)] == []
    assert "gone.csv" in caplog.text


def test_a_folder_that_is_no_result_store_gets_the_file_only_under_a_name_of_its_kind(
        tmp_path: Path) -> None:
    out = tmp_path / "calibration"
    write_artefact(out, "first_fit.json", "{}", "first_fit")
    assert (out / "first_fit.json").read_text() == "{}"
    assert not (out / "manifest.json").exists()  # no manifest made up for it
    with pytest.raises(ValueError, match=r"holds no manifest\.json"):
        write_artefact(out, "fit.json", "{}", "first_fit")


def test_every_known_name_has_a_kind_of_the_vocabulary() -> None:
    assert {kind for _, kind in NAMES} <= set(KINDS)
    assert infer_kind("report-nl-2.html") == "report"
    assert infer_kind("points.parquet") == "design" and infer_kind("notes.csv") is None

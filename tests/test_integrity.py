"""Integrity of a result folder: every part and table carries a digest that is checked
before its runs count, every stored row is checked against the plan, damaged files are
moved aside (never deleted) and their runs run again, and the store knows its parts by
its records, never by their names (a user's file is neither read nor deleted)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import ResultStore, run_batch
from sim.experiment.store import StoreError
from sim.experiment.store.parts import file_digest
from tests.conftest import SCENARIOS, short
from tests.stores import stopped_batch

runner = CliRunner()


def _two() -> dict:
    run = {"horizon_weeks": 10.0, "warmup_weeks": 2.0}
    return {"a": short("direction", run=run), "b": short("directive", run=run)}


def _scribble_values(path: Path, column: str = "trust") -> None:
    """Flip the last bytes of a column's values in a Parquet file: still readable, but
    other numbers (only the digest and the page checksums can tell)."""
    meta = pq.ParquetFile(path).metadata
    chunk = meta.row_group(0).column(meta.schema.names.index(column))
    end = chunk.data_page_offset + chunk.total_compressed_size
    data = bytearray(path.read_bytes())
    data[end - 8:end] = bytes(255 - b for b in data[end - 8:end])
    path.write_bytes(bytes(data))


def _same_as_fresh(folder: Path, reps: int, seed: int) -> None:
    fresh = run_batch(_two(), reps=reps, seed=seed, backend="serial")
    stored = ResultStore(folder)
    pd.testing.assert_frame_equal(stored.runs(), fresh.runs, check_exact=True)
    pd.testing.assert_frame_equal(stored.series(), fresh.series, check_exact=True)


def _quarantined(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "quarantine").rglob("*") if p.is_file())


# ------------------------------------------------------------------ digests

def test_noise_in_a_part_is_caught_by_its_digest_and_its_runs_run_again(
        tmp_path: Path) -> None:
    stopped_batch(tmp_path, _two(), 2, 9)
    victim = sorted((tmp_path / "parts").glob("series-*.parquet"))[0]
    _scribble_values(victim)
    run_batch(_two(), reps=2, seed=9, backend="serial", out=tmp_path)
    _same_as_fresh(tmp_path, 2, 9)
    tag = victim.name.removeprefix("series-").removesuffix(".parquet")
    assert _quarantined(tmp_path) == sorted([victim.name, f"runs-{tag}.parquet",
                                             f"part-{tag}.json"])
    moved = ResultStore(tmp_path).manifest()["quarantined"]
    assert {m["error"] for m in moved} == {f"{victim.name}: its bytes differ from the digest "
                                           "recorded when it was written"}


def test_noise_in_a_table_is_caught_and_the_same_command_repairs_it(tmp_path: Path) -> None:
    out = tmp_path / "o"
    files = [str(SCENARIOS / "direction.toml"), str(SCENARIOS / "directive.toml")]
    command = ["batch", *files, "--reps", "2", "--out", str(out), "--backend", "serial",
               "--set", "run.horizon_weeks=10", "--set", "run.warmup_weeks=2"]
    assert runner.invoke(app, command).exit_code == 0
    before = pd.read_parquet(out / "series.parquet")
    _scribble_values(out / "series.parquet")
    # a reader checks the pages' checksums: the damage is named, not read as numbers
    with pytest.raises(StoreError, match=r"series\.parquet cannot be read .*CRC.*quarantine"):
        ResultStore.load(out)
    again = runner.invoke(app, command)
    assert again.exit_code == 0, again.output
    assert "damaged file(s) moved into" in again.output
    pd.testing.assert_frame_equal(pd.read_parquet(out / "series.parquet"), before,
                                  check_exact=True)
    assert _quarantined(out) == ["failures.parquet", "runs.parquet", "series.parquet"][1:]


def test_a_reader_checks_every_page_against_its_checksum(tmp_path: Path) -> None:
    run_batch(_two(), reps=1, seed=9, backend="serial", out=tmp_path)
    _scribble_values(tmp_path / "series.parquet")
    with pytest.raises(StoreError, match=r"series\.parquet cannot be read .*CRC"):
        ResultStore(tmp_path).series()


def test_quarantine_never_overwrites_what_it_moved_before(tmp_path: Path) -> None:
    run_batch(_two(), reps=1, seed=9, backend="serial", out=tmp_path)
    for _ in range(2):
        _scribble_values(tmp_path / "runs.parquet", "success_rate")
        run_batch(_two(), reps=1, seed=9, backend="serial", out=tmp_path)
    assert _quarantined(tmp_path) == ["runs.parquet"] * 2 + ["series.parquet"] * 2
    _same_as_fresh(tmp_path, 1, 9)


# ------------------------------------------------------------------ rows against the plan

def test_a_valid_part_of_another_seed_does_not_fill_a_gap(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    stopped_batch(mine, _two(), 2, 1)
    stopped_batch(theirs, _two(), 2, 2)
    records = sorted((mine / "parts").glob("part-*.json"))
    gone = json.loads(records[-1].read_text())["files"]
    for name in gone:  # scenario b's part is lost ...
        (mine / "parts" / name).unlink()
    records[-1].unlink()
    other = sorted((theirs / "parts").glob("part-*.json"))[-1]
    for name in json.loads(other.read_text())["files"]:  # ... and b of seed 2 put there
        shutil.copy(theirs / "parts" / name, mine / "parts" / name)
    shutil.copy(other, mine / "parts" / other.name)
    run_batch(_two(), reps=2, seed=1, backend="serial", out=mine)
    _same_as_fresh(mine, 2, 1)
    errors = {m["error"] for m in ResultStore(mine).manifest()["quarantined"]}
    assert len(errors) == 1 and "ran on seed" in errors.pop()


def test_a_table_without_an_outcome_is_not_filled_with_nulls(tmp_path: Path) -> None:
    run_batch(_two(), reps=2, seed=3, backend="serial", out=tmp_path)
    runs = tmp_path / "runs.parquet"
    pq.write_table(pq.read_table(runs).drop_columns(["success_rate"]), runs)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["tables"]["runs.parquet"] = [file_digest(runs)]  # its digest passes
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    run_batch(_two(), reps=2, seed=3, backend="serial", out=tmp_path)
    _same_as_fresh(tmp_path, 2, 3)
    assert not ResultStore(tmp_path).runs()["success_rate"].isna().any()
    errors = [m["error"] for m in ResultStore(tmp_path).manifest()["quarantined"]]
    assert "success_rate are missing" in errors[0]


# ------------------------------------------------------------------ the user's files

def test_user_files_named_like_parts_are_neither_read_nor_deleted(tmp_path: Path) -> None:
    stopped_batch(tmp_path, _two(), 2, 5)
    parts = tmp_path / "parts"
    user = ["series-mine.parquet", "runs-mine.parquet", "series-lonely.parquet",
            "part-mine.json", ".series-x.parquet.tmp-1-abc"]
    mine = pd.DataFrame({"scenario": ["mine"], "replication": [0], "week": [1.0]})
    for name in user[:3]:
        mine.to_parquet(parts / name)
    (parts / "part-mine.json").write_text('{"files": {"runs-mine.parquet": "x"}}')
    (parts / ".series-x.parquet.tmp-1-abc").write_text("mine")
    kept = {name: (parts / name).read_bytes() for name in user}
    run_batch(_two(), reps=2, seed=5, backend="serial", out=tmp_path)
    assert {name: (parts / name).read_bytes() for name in user} == kept
    assert sorted(p.name for p in parts.iterdir()) == sorted(user)  # only ours went
    assert "mine" not in set(ResultStore(tmp_path).series()["scenario"])  # nor read
    _same_as_fresh(tmp_path, 2, 5)


def test_the_files_of_a_flush_killed_before_its_commit_are_removed(tmp_path: Path) -> None:
    stopped_batch(tmp_path, _two(), 2, 5)
    parts = tmp_path / "parts"
    record = sorted(parts.glob("part-*.json"))[-1]
    names = json.loads(record.read_text())["files"]
    runs_part = next(n for n in names if n.startswith("runs-"))
    (parts / runs_part).unlink()  # killed before the runs part: not committed
    assert ResultStore(tmp_path).runs()["scenario"].unique().tolist() == ["a"]
    run_batch(_two(), reps=2, seed=5, backend="serial", out=tmp_path)
    assert not parts.exists()
    _same_as_fresh(tmp_path, 2, 5)

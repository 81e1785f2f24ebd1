"""The scenario files a command is given are read and checked by one set of functions
(sim.cli.inputs): validate and batch refuse a scenario name twice with one message, and the
command line's choices are the library's, written once (sim.choices)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app
from sim.cli.inputs import claim
from tests.conftest import ROOT


def test_claim_gives_names_to_a_file_or_names_the_file_that_has_one() -> None:
    names: dict[str, Path] = {}
    assert claim(names, ["a[x=1]", "a[x=2]"], Path("a.toml")) is None
    message = claim(names, ["b", "a[x=2]"], Path("b.toml"))
    assert message is not None and "'a[x=2]'" in message
    assert "a.toml and b.toml" in message
    assert names == {"a[x=1]": Path("a.toml"), "a[x=2]": Path("a.toml")}  # b not taken


def test_validate_and_batch_refuse_a_name_twice_in_the_same_words(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.toml").write_text((ROOT / "scenarios" / "direction.toml").read_text())
    (folder / "b.toml").write_text('[scenario]\nname = "direction"\n')
    runner = CliRunner()
    checked = runner.invoke(app, ["validate", str(folder)], terminal_width=400)
    batch = runner.invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out")],
                          terminal_width=400)
    assert checked.exit_code == batch.exit_code == 2
    message = claim({"direction": folder / "a.toml"}, ["direction"], folder / "b.toml")
    assert message is not None
    assert message in " ".join(checked.output.split())
    assert message in " ".join(batch.output.split())


def test_the_command_line_s_choices_are_the_library_s_tuples() -> None:
    from sim import choices
    from sim.cli import common
    from sim.experiment import calibration, sensitivity

    assert calibration.KERNELS is choices.KERNELS
    assert sensitivity.STUDIES is choices.STUDIES
    assert tuple(common.Kernel) == choices.KERNELS
    assert tuple(common.Method) == choices.STUDIES

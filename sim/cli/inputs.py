"""The scenario files a command is given: folders and globs expanded, every file read,
every bad one listed with its problems (and a scenario name two files claim is one of
them), the same way for validate, run, batch and replications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.cli.common import UserError, check_reference, safe
from sim.scenario import Scenario, ScenarioError
from sim.scenario_files import load_variants


def scenario_paths(files: list[Path]) -> list[Path]:
    """The scenario files named: a folder stands for its *.toml files (sorted, not
    recursive), a quoted glob (``"scenarios/*.toml"``) for its matches."""
    paths: list[Path] = []
    for path in files:
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise UserError(f"{safe(path)}: a folder without scenario files (*.toml)")
            paths += found
        elif not path.exists() and any(ch in str(path) for ch in "*?["):
            found = sorted(Path().glob(str(path))) if not path.is_absolute() else sorted(
                Path(path.anchor).glob(str(path.relative_to(path.anchor))))
            if not found:
                raise UserError(f"{safe(path)}: no file matches this pattern")
            paths += found
        else:
            paths.append(path)
    return list(dict.fromkeys(paths))


def claim(names: dict[str, Path], found: Iterable[str], path: Path) -> str | None:
    """Give the scenario names ``found`` in ``path`` to it in ``names`` (name -> file), or,
    when another file has one of them already, leave ``names`` as it is and return the
    message that names both files (validate and batch refuse a name twice alike)."""
    found = list(found)
    taken = next((name for name in found if name in names), None)
    if taken is not None:
        return (f"two scenarios are named {taken!r} ({names[taken]} and {path}); give each "
                "file its own scenario.name (a file that sets none is named after the file)")
    names.update(dict.fromkeys(found, path))
    return None


@dataclass
class Loaded:
    """What the scenario files of a command hold: every scenario (sweeps expanded) by
    name, each one's swept values and file, and every file that could not be used, with
    its problems."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    invalid: dict[Path, list[str]] = field(default_factory=dict)


def load_files(files: list[Path], sets: list[str]) -> Loaded:
    """Read every file, keeping going past a bad one: its problems are collected, not
    raised (a file whose scenario's name another file already took is bad too)."""
    loaded = Loaded()
    for path in scenario_paths(files):
        try:
            found, found_params = load_variants(path, sets)
        except ScenarioError as exc:
            loaded.invalid[path] = list(exc.problems)
            continue
        clash = claim(loaded.files, found, path)
        if clash is not None:
            loaded.invalid[path] = [clash]
            continue
        loaded.scenarios.update(found)
        loaded.params.update(found_params)
    return loaded


def variants(files: list[Path], sets: list[str], reference: str | None = None,
             ) -> tuple[dict[str, Scenario], dict]:
    """Every scenario of the files (sweeps expanded) by name, and each one's swept values
    (every bad file is listed first, see :func:`checked`)."""
    loaded = checked(files, sets, reference=reference)
    return loaded.scenarios, loaded.params


def checked(files: list[Path], sets: list[str], skip_invalid: bool = False,
            reference: str | None = None) -> Loaded:
    """Every file, checked before anything runs: if any is bad, all bad ones are listed
    with their problems and nothing runs, unless ``skip_invalid`` (then the good ones run
    and ``invalid`` says which were skipped, and why). A ``reference`` (--reference) must
    be one of the scenarios."""
    loaded = load_files(files, sets)
    if loaded.invalid and not skip_invalid:
        lines = [f"{len(loaded.invalid)} of {len(loaded.invalid) + len(set(loaded.files.values()))}"
                 " scenario file(s) cannot be used; nothing was run:"]
        for path, problems in loaded.invalid.items():
            lines += [f"  {path}:", *(f"    {p}" for p in problems)]
        lines.append("Fix them (`regiesim validate FILES` checks files without running), or "
                     "pass --skip-invalid to run the others.")
        raise UserError("\n".join(lines))
    if not loaded.scenarios:
        raise UserError("no scenario file can be used: " + ", ".join(
            str(p) for p in loaded.invalid))
    check_reference(reference, loaded.scenarios)
    return loaded

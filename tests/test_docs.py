"""The generated docs match the schema; the README's commands exist."""

from __future__ import annotations

import itertools
import re
import shlex

import pytest
from typer.testing import CliRunner

from sim import docs
from sim.cli import app
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


# --- every code block of README.md and docs/ -----------------------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
PLACEHOLDERS = {"FILE": "scenarios/typical.toml", "[FILE]": "scenarios/typical.toml",
                "DIR": "results/b"}


def blocks(language: str) -> list[tuple[str, str]]:
    """(file name, code) of every fenced block in ``language`` in the docs."""
    return [(path.name, m.group(2)) for path in DOCS
            for m in FENCE.finditer(path.read_text(encoding="utf-8"))
            if m.group(1) == language]


def printed(text: str) -> dict[str, str]:
    """Python code of ``text`` -> what it prints, for every python block followed by a
    paragraph that begins "It prints" and a ```text block (the output promised)."""
    fences = list(FENCE.finditer(text))
    out = {}
    for block, after in itertools.pairwise(fences):
        between = text[block.end():after.start()].strip()
        if block.group(1) == "python" and after.group(1) == "text" and between.startswith(
                "It prints"):
            out[block.group(2)] = after.group(2)
    return out


PRINTED = {code: output for path in DOCS
           for code, output in printed(path.read_text(encoding="utf-8")).items()}


def command_lines() -> list[tuple[str, list[str]]]:
    """Every ``regiesim`` command written in the docs (fenced shell lines, continuation
    lines of options joined, and inline code), as argument lists: optional parts
    ``[--x a|b]`` become their first choice, placeholders example values."""
    found = []
    for name, code in blocks("sh"):
        lines: list[str] = []
        joined = False  # the previous line ended in a backslash: this one continues it
        for raw in code.splitlines():
            text = raw.split("  #")[0].split(" # ")[0].rstrip()
            continues = text.endswith("\\")
            text = text.removesuffix("\\").rstrip()
            if (joined or (raw.startswith(" ") and text.strip().startswith("["))) and lines:
                lines[-1] += " " + text.strip()
            elif text.strip():
                lines.append(text.strip())
            joined = continues
        found += [(name, line) for line in lines]
    for path in DOCS:
        found += [(path.name, m) for m in re.findall(r"`((?:\.venv/bin/)?regiesim [^`|]+)`",
                                                     path.read_text(encoding="utf-8"))]
    commands = []
    for name, line in found:
        if not re.match(r"(\S*/)?regiesim ", line):  # other commands of a recipe
            continue
        words = shlex.split(line.replace("...", ""))
        if not words or not words[0].endswith("regiesim"):
            continue
        args = []
        for word in words[1:]:
            word = PLACEHOLDERS.get(word, word).strip("[]")
            args.append(word.split("|")[0])
        commands.append((name, args))
    return commands


@pytest.mark.parametrize(("name", "code"), blocks("python"))
def test_every_python_block_runs(name: str, code: str, tmp_path, monkeypatch, capsys) -> None:
    """Every block runs; one followed by "It prints" prints exactly the output shown."""
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    exec(compile(code, name, "exec"), {"__name__": "__docs__"})
    if code in PRINTED:
        assert capsys.readouterr().out == PRINTED[code], f"{name}: the output shown differs"


def test_the_readme_example_prints_the_differences() -> None:
    """The README's Python example shows what it computes: a line per outcome with the
    difference and its interval, nothing elided by pandas ("[2 rows x 11 columns]",
    "...")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use from Python", 1)[1]
    [(code, output)] = [(c, o) for c, o in printed(section).items()]
    assert "paired_differences" in code
    differences = [line for line in output.splitlines() if "minus without" in line]
    assert len(differences) == 2
    number = r"[−+]\d+(?:\.\d+)? pp"
    for line in differences:
        assert re.search(rf": {number} \[{number}, {number}\]$", line), line
    assert "rows x" not in output and "..." not in output


def test_printed_pairs_a_block_with_its_output() -> None:
    text = ("```python\nprint(1)\n```\n\nIt prints:\n\n```text\n1\n```\n\n"
            "```python\nprint(2)\n```\n\nOther words.\n\n```text\n3\n```\n")
    assert printed(text) == {"print(1)\n": "1\n"}


def test_the_docs_show_regiesim_commands() -> None:
    commands = {args[0] for _, args in command_lines() if args}
    assert {"batch", "report", "narrate", "dashboard", "outcomes"} <= commands


@pytest.mark.parametrize(("name", "args"), command_lines(),
                         ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_every_regiesim_command_in_the_docs_parses(name: str, args: list[str]) -> None:
    """Command and option names exist (click refuses unknown ones before --help)."""
    for word in args:
        if word.startswith("scenarios/") and "*" not in word:
            assert (ROOT / word).exists(), f"{name}: {word} does not exist"
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, f"{name}: regiesim {' '.join(args)}\n{result.output}"


def test_every_make_target_and_script_in_the_docs_exists() -> None:
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    for name, code in blocks("sh"):
        for line in code.splitlines():
            words = line.split("#")[0].split()
            if words[:1] == ["make"]:
                assert words[1] in targets, f"{name}: make {words[1]}"
            for word in words:
                if word.startswith("experiments/"):
                    assert (ROOT / word).exists(), f"{name}: {word}"

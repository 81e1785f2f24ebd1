"""Hostile input (issue 12, items 6, 7 and 10): nothing a file or --set holds may crash
regiesim; every refusal is a ScenarioError naming the file and the field."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import threading
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim import ScenarioError
from sim.cli import app
from sim.scenario_files import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    load_scenario,
    load_variants,
    parse_assignment,
)
from tests.test_scenario_files import LEAVES, valid_files

runner = CliRunner()
SHORT = ["--set", "run.horizon_weeks=2", "--set", "run.warmup_weeks=0"]
DEEP = ".".join(["a"] * 600)


def refused(path: Path, *sets: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_variants(path, list(sets))
    assert str(path) in str(caught.value)
    return caught.value


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ item 6: nesting
@pytest.mark.parametrize("text", [f"{DEEP} = 1\n", f"[{DEEP}]\nx = 1\n",
                                  "a = " + "{b = " * 600 + "1" + "}" * 600 + "\n",
                                  "[scenario]\nname = " + "[" * 600 + "]" * 600 + "\n"])
def test_deep_nesting_in_a_file_is_refused(tmp_path: Path, text: str) -> None:
    error = refused(write(tmp_path / "deep.toml", text))
    assert "deeper than" in str(error) or "nested too deeply" in str(error)


def test_deep_nesting_via_set_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "")
    assert "deeper than" in str(refused(path, f"{DEEP}=1"))
    assert "--set" in str(refused(path, "scenario.name=" + "[" * 600 + "]" * 600))
    assert "--set" in str(refused(path, "scenario.name=" + "[" * 40 + "]" * 40))


def test_nesting_just_within_the_bound_is_a_schema_error(tmp_path: Path) -> None:
    keys = ".".join(["a"] * (MAX_DEPTH - 1))
    error = refused(write(tmp_path / "s.toml", f"{keys} = 1\n"))
    assert "a: unknown key" in str(error)


# ------------------------------------------------------------------ item 6: numbers
@pytest.mark.parametrize("spec", ["{ start = 0, stop = 1e10, step = 1e-308 }",
                                  "{ start = -1e308, stop = 1e308, step = 1 }",
                                  "{ start = 0.5, stop = 1.0, step = 1e-308 }",
                                  "{ start = 0.5, stop = 0.5000001, step = 1e-14 }"])
def test_extreme_sweep_steps_are_refused(tmp_path: Path, spec: str) -> None:
    error = refused(write(tmp_path / "s.toml", f'[sweep]\n"fallback.upper" = {spec}\n'))
    assert "sweep.fallback.upper" in str(error)


def test_an_integer_too_long_to_print_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path / "s.toml", "[initiatives]\narrival_rate = 1" + "0" * 5000))
    assert "digits" in str(error)


# ------------------------------------------------------------------ item 6: files
def test_nul_byte_in_extends_names_the_file_and_field(tmp_path: Path) -> None:
    error = refused(write(tmp_path / "s.toml", 'extends = "a\\u0000b.toml"\n'))
    assert "extends" in str(error) and "NUL" in str(error)


def test_nul_byte_in_the_text_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b'[scenario]\nname = "a\x00b"\n')
    assert "line 2" in str(refused(path))


def test_extends_of_a_device_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path / "s.toml", 'extends = "/dev/zero"\n'))
    assert "not a regular file" in str(error)


def _finishes(func, seconds: float = 10.0) -> list[BaseException]:
    raised: list[BaseException] = []

    def target() -> None:
        try:
            func()
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading blocked"
    return raised


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_extends_of_a_fifo_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")
    path = write(tmp_path / "s.toml", 'extends = "pipe.toml"\n')
    raised = _finishes(lambda: load_scenario(path))
    assert len(raised) == 1 and isinstance(raised[0], ScenarioError)
    assert "not a regular file" in str(raised[0]) and str(path) in str(raised[0])


def test_a_file_above_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert "larger than" in str(refused(path))


# ------------------------------------------------------------------ item 6: --set values
@pytest.mark.parametrize("value", ["[1,2", "{a = ", '"open', "a,b", "x=y", "'q"])
def test_set_values_that_do_not_parse_are_refused(value: str) -> None:
    with pytest.raises(ScenarioError, match="--set"):
        parse_assignment(f"scenario.name={value}")


@pytest.mark.parametrize(("text", "value"), [
    ("scenario.style=direction", "direction"), ("scenario.name=my scenario v2", "my scenario v2"),
    ("scenario.name=\"a,b\"", "a,b"), ("fallback.upper=1.5", 1.5),
    ("municipality.roles_offered=['regie']", ["regie"]), ("scenario.name=../x/y:z", "../x/y:z")])
def test_set_values_that_parse_or_are_bare_words_are_kept(text: str, value: object) -> None:
    assert parse_assignment(text)[1] == value


# ------------------------------------------------------------------ item 6: markup
NAMES = ["[/bold]oops", "[link=https://example.org]click[/link]", "[red]x"]


@pytest.mark.parametrize("name", NAMES)
def test_validate_shows_markup_in_names_literally(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / "m.toml", f'[scenario]\nname = "{name}"\n')
    result = runner.invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert name in result.output


def test_run_and_compare_show_markup_in_names_literally(tmp_path: Path) -> None:
    path = write(tmp_path / "m.toml", f'[scenario]\nname = "{NAMES[0]}"\n'
                 f'[sweep]\n"fallback.upper" = [1.0, 1.2]\n')
    result = runner.invoke(app, ["run", str(path), "--reps", "2", "--backend", "serial",
                                 *SHORT], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert NAMES[0] in result.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(path), "--out", str(out), "--reps", "2",
                                 "--backend", "serial", *SHORT], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reference = f"{NAMES[0]}[fallback.upper=1.0]"
    result = runner.invoke(app, ["compare", str(out), "--reference", reference],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert reference in result.output.replace("\n", "")


def test_control_characters_in_names_are_shown_escaped(tmp_path: Path) -> None:
    path = write(tmp_path / "m.toml", '[scenario]\nname = "a\\u001b]8;;http://x\\u001b\\\\b"\n')
    result = runner.invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\\x1b" in result.output


# ------------------------------------------------------------------ item 6: validate goes on
def test_validate_names_the_file_of_an_unexpected_error_and_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.cli

    first, second = write(tmp_path / "a.toml", ""), write(tmp_path / "b.toml", "")
    real = sim.cli.files.check_variants

    def flaky(path, sets):
        if Path(path) == first:
            raise RuntimeError("boom")
        return real(path, sets)

    monkeypatch.setattr(sim.cli.files, "check_variants", flaky)
    result = runner.invoke(app, ["validate", str(first), str(second)],
                           catch_exceptions=False)
    assert result.exit_code == 2
    assert f"{first}" in result.output and "RuntimeError: boom" in result.output
    assert f"ok {second}" in result.output.replace("\n", "")


# ------------------------------------------------------------------ item 7: extends
def test_extends_errors_name_the_whole_chain(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "c.toml"\n')
    write(tmp_path / "c.toml", "[scenario\n")
    error = refused(tmp_path / "a.toml")
    assert error.source is not None
    assert error.source.startswith(str(tmp_path / "c.toml"))
    assert "extended by" in error.source
    assert str(tmp_path / "b.toml") in error.source and str(tmp_path / "a.toml") in error.source
    assert "TOML syntax" in str(error)


def test_a_missing_base_names_the_chain(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "gone.toml"\n')
    error = refused(tmp_path / "a.toml")
    assert "gone.toml" in str(error) and str(tmp_path / "b.toml") in str(error)


def test_schema_errors_of_a_base_are_blamed_on_it_without_its_values(tmp_path: Path) -> None:
    write(tmp_path / "base.toml", '[initiatives]\narrival_rate = -7.25\n'
          '[scenario]\nstyle = "secret-style"\n')
    write(tmp_path / "child.toml", 'extends = "base.toml"\n[fallback]\nupper = -3.5\n')
    error = refused(tmp_path / "child.toml")
    text = str(error)
    assert "-7.25" not in text and "secret-style" not in text
    assert "-3.5" in text  # the child's own value is shown
    assert f"initiatives.arrival_rate (set in {tmp_path / 'base.toml'})" in text
    assert "scenario.style (set in" in text and "must be one of" in text


def test_extends_may_leave_the_folder(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "mine" / "deeper").mkdir(parents=True)
    write(tmp_path / "shared" / "base.toml", '[fallback]\nupper = 1.5\n')
    child = write(tmp_path / "mine" / "deeper" / "c.toml",
                  'extends = "../../shared/base.toml"\n')
    assert load_scenario(child).fallback.upper == 1.5
    absolute = write(tmp_path / "abs.toml",
                     f'extends = "{(tmp_path / "shared" / "base.toml").as_posix()}"\n')
    assert load_scenario(absolute).fallback.upper == 1.5


# ------------------------------------------------------------------ item 10
@pytest.mark.parametrize("key", ["initiatives.arrival_rate", "fallback.upper",
                                 "initiatives.patience_weeks"])
def test_nan_is_called_not_a_number(tmp_path: Path, key: str) -> None:
    table, name = key.rsplit(".", 1)
    error = refused(write(tmp_path / "s.toml", f"[{table}]\n{name} = nan\n"))
    assert f"{key}: must be a number, got nan (not a number)" in str(error)


@pytest.mark.parametrize("spec", ["[0.8, 0.8]", "[1, 1.0]", '["a", "b", "a"]',
                                  "{ start = 0.1, stop = 0.1000000000005, step = 1e-13 }"])
def test_duplicate_sweep_values_are_refused(tmp_path: Path, spec: str) -> None:
    error = refused(write(tmp_path / "s.toml", f'[sweep]\n"scenario.name" = {spec}\n'))
    assert "sweep.scenario.name" in str(error) and "more than once" in str(error)


def test_variants_that_would_share_a_name_are_refused(tmp_path: Path) -> None:
    text = ('[sweep]\n"scenario.description" = ["p,scenario.name=q", "p"]\n'
            '"scenario.name" = ["r", "q,scenario.name=r"]\n')
    assert "same name" in str(refused(write(tmp_path / "s.toml", text)))


@pytest.mark.parametrize("week", ["inf", "nan"])
def test_a_cut_at_week_infinity_is_refused(tmp_path: Path, week: str) -> None:
    error = refused(write(tmp_path / "s.toml", f"[[tension.cuts]]\nweek = {week}\n"))
    assert "tension.cuts[0].week" in str(error)


# ------------------------------------------------------------------ property-based, slow
HOSTILE_NUMBERS = [1e308, -1e308, 5e-324, -5e-324, 1e-300, 10**40, -(10**40), math.inf,
                   -math.inf, math.nan, 0, -0.0, 2**63, 1e15]
MARKUP = ["[/bold]oops", "[link=https://example.org]x[/link]", "[red]", "\\", "[/]",
          "\x00", "\x1b]8;;http://x\x1b\\", "\u202e", "é\u0301", ""]
BAD_EXTENDS: list[object] = ["/dev/zero", "/dev/null", "missing.toml", "a\x00b.toml", 3, [],
                             "", ".", "..", "s.toml", "base.toml", {"a": 1}]


def _nest(depth: int) -> dict:
    node: dict = {"x": 1}
    for _ in range(depth - 1):
        node = {"k": node}
    return node


@st.composite
def hostile_files(draw) -> tuple[bytes, bytes | None, list[str], bool]:
    """(top file, base file or None, what a refusal must name (any of), refusal certain)."""
    data = draw(valid_files())
    kind = draw(st.sampled_from(["valid", "deep", "markup", "number", "type", "nul",
                                 "extends", "base", "sweep", "bytes"]))
    expect, certain, base = ["s.toml"], False, None
    if kind == "deep":
        depth = draw(st.integers(2, 120))
        table = draw(st.sampled_from(["initiatives", "fallback", "zz"]))
        data.setdefault(table, {})["k"] = _nest(depth)
        expect, certain = [table], True
    elif kind == "markup":
        name = "".join(draw(st.lists(st.sampled_from(MARKUP), min_size=1, max_size=4)))
        data.setdefault("scenario", {})["name"] = name
    elif kind in ("number", "type"):
        key = draw(st.sampled_from(sorted(LEAVES)))
        value = draw(st.sampled_from(HOSTILE_NUMBERS) if kind == "number" else st.sampled_from(
            ["x", [1], {"a": 1}, True, dt.date(2020, 1, 1), [], -1]))
        group, name = key.rsplit(".", 1)
        node = data
        for part in group.split("."):
            node = node.setdefault(part, {})
        node[name] = value
        expect = [key, f"{group}:"]
    elif kind == "extends":
        data["extends"] = draw(st.sampled_from(BAD_EXTENDS))
        expect, certain = ["extends", "extended by"], True
    elif kind == "base":
        data["extends"] = "base.toml"
        inner = draw(st.sampled_from(["[scenario\n", "[[tension.cuts]]\nweek = -1\n",
                                      'extends = "s.toml"\n', 'extends = "/dev/zero"\n',
                                      "x." * 40 + "y = 1\n", "[initiatives]\nnope = 1\n"]))
        base, expect, certain = inner.encode(), ["base.toml"], True
    elif kind == "sweep":
        step = draw(st.sampled_from([1e-308, 1e-13, 0, -1, math.nan, 1, 0.5, 10**40]))
        data["sweep"] = {"fallback.lower": draw(st.sampled_from([
            [0.1, 0.1], [0.1, math.nan], {"start": 0.0, "stop": 0.3, "step": step},
            {"start": 0, "stop": 10**50, "step": step}, [0.2, "0.2"], [[0.1]]]))}
        expect = ["sweep", "fallback.lower", "fallback:"]
    blob = tomli_w.dumps(data).encode() if "extends" not in data else (
        _extends_line(data.pop("extends")) + tomli_w.dumps(data).encode())
    if kind == "nul":
        at = draw(st.integers(0, len(blob)))
        blob, certain = blob[:at] + b"\x00" + blob[at:], True
        expect = ["line", "UTF-8", "end of document"]
    elif kind == "bytes":
        at = draw(st.integers(0, len(blob)))
        blob = blob[:at] + draw(st.binary(min_size=1, max_size=8)) + blob[at:]
        expect = ["s.toml"]
    return blob, base, expect, certain


def _extends_line(value: object) -> bytes:
    return tomli_w.dumps({"extends": value}).encode() if not isinstance(value, dict) else (
        b"extends = { a = 1 }\n")


def _check_hostile(folder: Path, case: tuple[bytes, bytes | None, list[str], bool]) -> None:
    blob, base, expect, certain = case
    path = folder / "s.toml"
    path.write_bytes(blob)
    (folder / "base.toml").unlink(missing_ok=True)
    if base is not None:
        (folder / "base.toml").write_bytes(base)
    try:
        variants, _ = load_variants(path)
    except ScenarioError as exc:
        text = str(exc)
        assert str(path) in text, text
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert any(word in text for word in expect), (expect, text)
        return
    assert not certain, f"accepted {blob!r}"
    for scenario in variants.values():
        cli_safe(scenario.scenario.name)


def cli_safe(name: str) -> None:
    from rich.console import Console

    from sim.cli import safe

    console = Console(file=io.StringIO(), width=200)
    console.print(f"[green]ok[/] {safe(name)}")
    shown = console.file.getvalue()
    assert "\x1b" not in shown and "\x00" not in shown


EXAMPLES = int(os.environ.get("REGIESIM_HOSTILE_EXAMPLES", "5000"))


@pytest.mark.slow
@pytest.mark.parametrize("half", [0, 1])
def test_ten_thousand_hostile_files_never_crash(tmp_path: Path, half: int) -> None:
    """5,000 generated files per half (the halves run in parallel): valid and corrupt."""
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=hostile_files())
    def check(case) -> None:
        _check_hostile(tmp_path, case)

    check()

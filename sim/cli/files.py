"""Commands about scenario files and the model's vocabulary: validate, show, styles,
outcomes."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.common import (
    File,
    Files,
    Force,
    Lang,
    LangOption,
    Sets,
    app,
    clean_errors,
    console,
    print_wide,
    safe,
    say,
    shown,
)
from sim.cli.inputs import claim, scenario_paths
from sim.scenario import ScenarioError
from sim.scenario_files import check_variants, load_scenario
from sim.styles import STYLES, style_settings


def _check_file(path: Any, sets: list[str], force: bool, names: dict[str, Any]) -> str:
    """Check one file and print what was found: "ok", "warning" or "invalid". ``names``:
    the scenario names of the files checked so far (a name twice is refused, as
    ``batch`` refuses it)."""
    from sim.experiment.plausibility import warnings_for
    from sim.experiment.scale import MAX_INITIATIVES, estimate

    try:  # checked without building the grid: a 100,000-variant sweep in a few MB
        found = check_variants(path, sets)
        clash = claim(names, found.names(), path)
    except ScenarioError as exc:
        say(f"[red]invalid:[/] {safe(exc).removeprefix('invalid scenario in ')}")
        return "invalid"
    except Exception as exc:  # a bug: name the file and check the others
        say(f"[red]error[/] {safe(path)}: {type(exc).__name__}: {safe(exc)}")
        return "invalid"
    if clash is not None:
        say(f"[red]invalid:[/] {safe(path)}: {safe(clash)}")
        return "invalid"
    first = found.first
    extra = f", {found.count:,} sweep variants" if found.axes else ""
    biggest, lines = estimate(first), dict[str, None]()
    for sc in found.scenarios():
        scale = estimate(sc)
        if (scale.initiatives != scale.initiatives, scale.initiatives) > (
                biggest.initiatives != biggest.initiatives, biggest.initiatives):
            biggest = scale
        lines.update(dict.fromkeys(warnings_for(sc)))
    if biggest.too_big and not force:
        say(f"[red]too big[/] {safe(path)}: {biggest.describe()}, above the ceiling of "
            f"{MAX_INITIATIVES:,} initiatives; shorten the horizon or lower the arrival "
            "rate, or pass --force")
        return "invalid"
    console.print(f"[green]ok[/] {safe(path)}: {shown(first.scenario.name)} (style "
                  f"{first.scenario.style}, hash {first.digest()}{extra}): "
                  f"{biggest.describe()}", highlight=False, soft_wrap=True)
    warnings = list(lines)
    for line in warnings:
        say(f"[yellow]warning[/] {safe(path)}: {safe(line)}")
    if biggest.large:
        say(f"[yellow]warning[/] {safe(path)}: large: {biggest.describe()}")
    return "warning" if warnings or biggest.large else "ok"


@app.command()
@clean_errors
def validate(files: Files, sets: Sets = [], force: Force = False) -> None:  # noqa: B006
    """Check scenario files; print one line per file, and every problem found.

    Also estimates the size of one replication (initiatives, events, memory, CPU time):
    warns above 200,000 expected initiatives and refuses above 2,000,000 unless --force.
    """
    paths = scenario_paths(files)
    names: dict[str, Any] = {}
    verdicts = [_check_file(path, sets, force, names) for path in paths]
    ok = sum(v == "ok" for v in verdicts)
    warned = sum(v == "warning" for v in verdicts)
    bad = len(paths) - ok - warned
    console.print(f"{len(paths)} file(s): {ok} ok, {warned} with warnings, {bad} invalid",
                  highlight=False)
    if bad:
        raise typer.Exit(2)


@app.command()
@clean_errors
def show(file: File, sets: Sets = []) -> None:  # noqa: B006
    """Print the fully resolved scenario (style, extends and --set applied) as TOML."""
    import tomli_w

    scenario = load_scenario(file, sets)
    data = scenario.model_dump(mode="python")
    text = tomli_w.dumps(_toml_ready(data))
    sys.stdout.write(f"# resolved from {file} (hash {scenario.digest()})\n{text}")


def _toml_ready(value: Any) -> Any:
    """TOML has no null; an empty list of tables is written as an empty array."""
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_ready(v) for v in value]
    return value


@app.command()
@clean_errors
def outcomes(lang: LangOption = Lang.en) -> None:
    """List every outcome: key, name, unit and definition (sim/outcomes.py)."""
    from sim.outcomes import SERIES, SUMMARY, definition, unit
    from sim.words import CLI, word

    console.print(f"[bold]{word(CLI, 'outcomes', lang)}[/]\n", highlight=False)
    for key, o in [*SUMMARY.items(), *SERIES.items()]:
        console.print(f"[bold]{key}[/]  {escape(o.label(lang))} ({escape(unit(key, lang))})",
                      highlight=False, soft_wrap=True)
        console.print(f"    {escape(definition(key, lang))}", highlight=False, soft_wrap=True)


@app.command()
def styles() -> None:
    """List the leadership styles and every setting each of them fixes."""
    settings = {name: style_settings(name) for name in STYLES}
    table = Table(title="Leadership styles (a scenario can override any value)")
    table.add_column("setting", no_wrap=True)
    for name in STYLES:
        table.add_column(name, overflow="fold")
    keys: list[str] = []
    for preset in settings.values():
        for group, values in preset.items():
            keys += [f"{group}.{k}" for k in values if f"{group}.{k}" not in keys]
    for key in keys:
        group, name = key.split(".")
        table.add_row(key, *[_show(settings[s].get(group, {}).get(name)) for s in STYLES])
    print_wide(table, 120)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)

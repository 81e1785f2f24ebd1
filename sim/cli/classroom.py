"""Commands for the classroom: narrate (the story of a run), animate (every initiative a
dot on its way) and dashboard (change a knob, see the result)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    DEFAULT_SEED,
    File,
    Lang,
    LangOption,
    Replace,
    Reps,
    Seed,
    Sets,
    UserError,
    Workers,
    app,
    clean_errors,
    console,
    safe,
    say,
    writable,
)
from sim.scenario_files import load_scenario, parse_assignment
from sim.words import CLI, word

Follow = Annotated[int, typer.Option(help="Initiatives whose journeys are told in depth.",
                                     min=0)]
Before = Annotated[float, typer.Option(
    help="Begin the story this many weeks before the observation window (in the warm-up), "
         "so that a class sees how the municipality worked before the window's pressure.",
    min=0.0)]


@app.command()
@clean_errors
def narrate(file: File, seed: Seed = DEFAULT_SEED, lang: LangOption = Lang.nl,
            follow: Follow = 3, before: Before = 0.0,
            sets: Sets = []) -> None:  # noqa: B006
    """Tell the story of one run, in time order (for a classroom)."""
    from sim.report.narrate import check_before, render, story

    scenario = load_scenario(file, sets)
    try:
        check_before(before, scenario)
    except ValueError as error:
        raise UserError(f"{safe(file)}: --{error}") from None
    render(story(scenario, seed, lang, follow, before), lang, console)


AnimationOut = Annotated[Path, typer.Option(
    help="The HTML file to write (self-contained, plays offline).")]
Compare = Annotated[Path | None, typer.Option(
    help="A second scenario file, shown beside FILE on the same seed.")]
CompareSets = Annotated[list[str], typer.Option(
    "--compare-set", help="Override a key of the second panel (repeatable); without "
    "--compare it changes a copy of FILE: --compare-set fallback.enabled=false.",
    show_default=False)]


@app.command()
@clean_errors
def animate(file: File, out: AnimationOut, compare: Compare = None,
            compare_sets: CompareSets = [], seed: Seed = DEFAULT_SEED,  # noqa: B006
            lang: LangOption = Lang.nl, sets: Sets = [],  # noqa: B006
            replace: Replace = False) -> None:
    """Write the run as an animation for the classroom: every initiative a dot on its way.

    With --compare (or --compare-set) two municipalities meet the same citizens (common
    random numbers): who comes forward in both does so at the same moment. --set applies
    to both panels. If the two differ in who arrives when (e.g. another arrival rate),
    the player says they do not meet the same citizens and names the settings.
    """
    from sim.report.animate import write

    if out.is_dir():
        raise UserError(f"{safe(out)}: is a folder; --out names the HTML file to write")
    scenario = load_scenario(file, sets)
    other = None
    if compare is not None or compare_sets:
        other = load_scenario(compare if compare is not None else file,
                              [*sets, *compare_sets])
    writable(out, replace)
    write(out, scenario, seed, lang, other)
    console.print(f"{word(CLI, 'animation', lang)} {safe(out)}", highlight=False, soft_wrap=True)


Start = Annotated[Path | None, typer.Argument(
    help="Scenario to start from (default: the model defaults).", show_default=False)]
Port = Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)]
Host = Annotated[str, typer.Option(
    help="Address to bind; 127.0.0.1 keeps it on this computer.")]
LOCAL = ("127.0.0.1", "localhost", "::1")
"""Addresses only this computer reaches."""


@app.command()
@clean_errors
def dashboard(file: Start = None, port: Port = 8050, host: Host = "127.0.0.1",
              reps: Reps = 20, seed: Seed = DEFAULT_SEED, workers: Workers = None,
              sets: Sets = []) -> None:  # noqa: B006
    """Start the live dashboard in the browser (http://HOST:PORT)."""
    from sim.report.dashboard import serve
    from sim.scenario import Scenario

    base = load_scenario(file, sets) if file is not None else Scenario().with_changes(
        dict(parse_assignment(s) for s in sets))
    console.print(f"regiesim dashboard on http://{safe(host)}:{port}  (Ctrl+C stops it)",
                  highlight=False)
    if host not in LOCAL:
        say(f"[yellow]warning[/] bound to {safe(host)}: anyone who can reach this address "
            "can use the dashboard and make this computer run simulations; use 127.0.0.1 "
            "unless the network is yours")
    serve(base, host=host, port=port, reps=reps, seed=seed, workers=workers)

"""The live dashboard for the classroom (Dash), in Dutch or English.

Controls set the style, fallback on/off and its threshold, the four conditions, the
regisseur corps size and the managers' inward share (each maps onto a scenario key:
:data:`CONTROL_KEYS`). Every change starts a new set of replications on a process pool
in the background; the page polls twice a second and the headline (mean and 95% CI:
success, share dissatisfied and share satisfied of the survey, the share whose
partnership was broken, weeks to decision, weeks in fallback) and the pictures grow as
replications arrive, so the page never freezes. The weekly picture keeps the previous
setting as a faint grey trace, so a change is seen against what it changed. Choosing a
style puts that style's values on the sliders, which can then be moved. Style names are
shown in the page's language; the scenario's name stands under the title. A second tab
plays one run of the setting on the controls as an animation
(:mod:`sim.report.animate`), on its own or beside the scenario the dashboard started
from. Served quietly (no development-server banner or request lines on the trainer's
screen); works without internet: Dash serves its own scripts.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from sim.analysis import mean_ci
from sim.experiment.batch import RunOutput, execute, plan
from sim.outcomes import DASHBOARD
from sim.report import figures
from sim.report.labels import dashboard_word, interval, label, style_name, value
from sim.scenario import Scenario
from sim.styles import STYLES, style_settings
from sim.words import LIVE, word

CONDITIONS = ["clear_frames", "clear_process", "dialogue", "feedback"]
CONTROL_KEYS: dict[str, str] = {
    "style": "scenario.style", "fallback": "fallback.enabled", "threshold": "fallback.upper",
    "corps": "regisseurs.corps_size", "inward": "middle_managers.inward_share",
    **{c: f"municipality.{c}" for c in CONDITIONS}}
"""Each control and the scenario key it sets (``fallback.lower`` follows the threshold)."""
FILM_CACHE = 16
"""How many players (setting, language, comparison) the dashboard keeps made."""


@dataclass
class Job:
    """One set of replications for one setting of the controls."""

    ident: int
    futures: list[Future]
    total: int
    outputs: list[RunOutput] = field(default_factory=list)


class Runner:
    """Runs replications in the background; a newer job cancels the older one's work."""

    def __init__(self, reps: int, seed: int, workers: int | None) -> None:
        self.reps, self.seed = reps, seed
        self.pool = ProcessPoolExecutor(max_workers=workers)
        self.lock = threading.Lock()
        self.job: Job | None = None
        self.counter = 0
        self.previous: pd.DataFrame | None = None
        """The weekly series of the last setting that had finished replications."""

    def start(self, scenario: Scenario) -> int:
        specs = plan({"live": scenario}, self.reps, self.seed)
        with self.lock:
            if self.job is not None:
                done = [f.result() for f in self.job.futures if f.done() and not f.cancelled()
                        and f.exception() is None]
                if done:
                    self.previous = pd.concat([o.series for o in done], ignore_index=True)
                for fut in self.job.futures:
                    fut.cancel()
            self.counter += 1
            self.job = Job(self.counter, [self.pool.submit(execute, s) for s in specs],
                           len(specs))
            return self.counter

    def results(self) -> tuple[int, list[RunOutput], int]:
        """(job id, finished outputs in replication order, total) of the current job."""
        with self.lock:
            job = self.job
        if job is None:
            return 0, [], 0
        done = [f.result() for f in job.futures if f.done() and not f.cancelled()]
        done.sort(key=lambda o: o.spec_key[1])
        return job.ident, done, job.total

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


RANGES: dict[str, tuple[float, float, float]] = {
    "threshold": (0.4, 2.5, 0.1), "corps": (0, 12, 1), "inward": (0.1, 0.8, 0.05),
    **{c: (0.0, 1.0, 0.05) for c in CONDITIONS}}
"""Each slider's (lowest, highest, step); a value sent outside them is refused."""


def control_problems(values: dict[str, Any]) -> list[str]:
    """What is wrong with the controls' values (a request may send anything)."""
    problems = []
    if values.get("style") not in STYLES:
        problems.append(f"style: must be one of {', '.join(STYLES)}, got {values.get('style')!r}")
    for key, (low, high, _step) in RANGES.items():
        value = values.get(key)
        if (not isinstance(value, int | float) or isinstance(value, bool)
                or not low <= value <= high):
            problems.append(f"{key}: must be a number from {low:g} to {high:g}, got {value!r}")
    return problems


def _slider(ident: str, low: float, high: float, step: float, value: float) -> dcc.Slider:
    marks = {low: f"{low:g}", high: f"{high:g}"}
    return dcc.Slider(id=ident, min=low, max=high, step=step, value=value, marks=marks,
                      tooltip={"placement": "top", "always_visible": True},
                      updatemode="mouseup")


def build_app(base: Scenario, reps: int = 20, seed: int = 1,
              workers: int | None = None) -> tuple[dash.Dash, Runner]:
    """The Dash app and its background runner, starting from ``base``."""
    runner = Runner(reps, seed, workers)
    app = dash.Dash(__name__, title="regiesim", serve_locally=True)
    app.layout = _layout(base)
    _control_callbacks(app, base, runner)
    _film_callbacks(app, base, seed)
    _label_callbacks(app)
    _refresh_callback(app, runner)
    return app, runner


def _layout(base: Scenario) -> html.Div:
    """The controls (set from ``base``), the numbers and the film, side by side."""
    m = base.municipality
    control = {"style": base.scenario.style, "fallback": base.fallback.enabled,
               "threshold": base.fallback.upper, "corps": base.regisseurs.corps_size,
               "inward": base.middle_managers.inward_share,
               **{c: getattr(m, c) for c in CONDITIONS}}

    def labelled(key: str, widget: Any) -> html.Div:
        return html.Div([html.Label(dashboard_word(key, "nl"), id=f"label-{key}",
                                    style={"fontWeight": "bold"}), widget],
                        style={"marginBottom": "18px"})

    controls = html.Div([
        dcc.RadioItems(id="lang", options=[{"label": " Nederlands", "value": "nl"},
                                           {"label": " English", "value": "en"}],
                       value="nl", inline=True, style={"marginBottom": "14px"}),
        labelled("style", dcc.RadioItems(id="style", value=control["style"],
                                         options=_style_options("nl"))),
        labelled("fallback", dcc.Checklist(id="fallback", options=[
            {"label": " ", "value": "on"}], value=["on"] if control["fallback"] else [])),
        *[labelled(k, _slider(k, *RANGES[k], control[k]))
          for k in ("threshold", *CONDITIONS, "corps", "inward")],
    ], style={"width": "30%", "minWidth": "300px", "padding": "10px 20px"})
    cards = html.Div([html.Div([html.Div(id=f"name-{o}", style={"fontSize": "16px"}),
                                html.Div(id=f"value-{o}", style={"fontSize": "30px",
                                                                 "fontWeight": "bold"}),
                                html.Div(id=f"ci-{o}", style={"color": "#666"})],
                               style={"padding": "10px 16px", "border": "1px solid #ddd",
                                      "borderRadius": "8px", "minWidth": "150px"})
                      for o in DASHBOARD], style={"display": "flex", "gap": "12px",
                                                  "flexWrap": "wrap"})
    numbers = html.Div([
        html.Div(id="progress", style={"fontSize": "18px"}),
        html.Div(id="control-error", style={"color": "#CC3311", "fontSize": "16px"}), cards,
        dcc.Graph(id="series", config={"displaylogo": False}),
        dcc.Graph(id="sankey", config={"displaylogo": False}),
    ])
    film = html.Div([
        dcc.Checklist(id="film-compare", options=[{"label": "", "value": "on"}], value=[],
                      style={"fontSize": "18px", "margin": "8px 0"}),
        # as high as the window, so that the player fits its panels to it
        html.Iframe(id="film", style={"width": "100%", "height": "90vh", "border": "none"}),
    ])
    main = html.Div([
        html.H1(id="title", style={"marginBottom": "2px"}),
        html.Div(base.scenario.name, id="scenario-name",
                 style={"color": "#555", "marginBottom": "10px"}),
        dcc.Tabs(id="tabs", value="numbers", children=[
            dcc.Tab(numbers, id="tab-numbers", value="numbers"),
            dcc.Tab(film, id="tab-film", value="film")],
            style={"fontSize": "19px"}),
    ], style={"flex": "1", "padding": "10px 20px"})
    return html.Div([
        html.Div([controls, main], style={"display": "flex", "fontFamily": "system-ui",
                                          "fontSize": "17px"}),
        dcc.Store(id="job", data=0),
        dcc.Interval(id="tick", interval=500),
    ])


def _control_callbacks(app: dash.Dash, base: Scenario, runner: Runner) -> None:
    """A style sets its values on the controls; the controls start a job on the runner."""
    @app.callback([Output(c, "value") for c in CONDITIONS]
                  + [Output("corps", "value"),
                     Output("inward", "value")],
                  Input("style", "value"), prevent_initial_call=True)
    def style_values(style: str):
        preset = style_settings(style)
        return ([preset["municipality"][c] for c in CONDITIONS]
                + [preset["regisseurs"]["corps_size"], preset["middle_managers"]["inward_share"]])

    @app.callback([Output("job", "data"), Output("control-error", "children")],
                  [Input("style", "value"), Input("fallback", "value"),
                   Input("threshold", "value"), *[Input(c, "value") for c in CONDITIONS],
                   Input("corps", "value"), Input("inward", "value")])
    def start_job(style, fallback, threshold, *rest):
        setting = _setting(base, style, fallback, threshold, *rest)
        if isinstance(setting, str):  # a hand-made request: say so, keep the last results
            return dash.no_update, setting
        return runner.start(setting), ""


def _film_callbacks(app: dash.Dash, base: Scenario, seed: int) -> None:
    """The film tab: the classroom player of the setting on the controls."""
    @app.callback(Output("film", "srcDoc"),
                  [Input("tabs", "value"), Input("lang", "value"),
                   Input("film-compare", "value"), Input("style", "value"),
                   Input("fallback", "value"), Input("threshold", "value"),
                   *[Input(c, "value") for c in CONDITIONS],
                   Input("corps", "value"), Input("inward", "value")])
    def film_page(tab, lang, compare, style, fallback, threshold, *rest):
        """The classroom player of the setting on the controls (on the dashboard's seed),
        beside the scenario the dashboard started from when asked; made only when its
        tab is open."""
        if tab != "film":
            return dash.no_update
        setting = _setting(base, style, fallback, threshold, *rest)
        if isinstance(setting, str):
            return dash.no_update
        return player_page(setting, lang, "on" in (compare or []))

    made: dict[tuple[str, str, bool], str] = {}
    app.player_pages = made  # for the tests

    def player_page(setting: Scenario, lang: str, beside: bool) -> str:
        """The player's page, made once per setting, language and comparison (a tab
        switch or a language back and forth does not run the model again; the seed is
        the dashboard's). The oldest of more than FILM_CACHE is forgotten."""
        from sim.report.animate import film, page

        key = (setting.digest(), lang, beside)
        if key not in made:
            titles = (word(LIVE, "setting", lang), word(LIVE, "start", lang))
            made[key] = page(film(setting, seed, lang, base if beside else None,
                                  titles=titles))
            while len(made) > FILM_CACHE:
                made.pop(next(iter(made)))
        return made[key]

    @app.callback([Output("tab-numbers", "label"), Output("tab-film", "label"),
                   Output("film-compare", "options")], Input("lang", "value"))
    def relabel_tabs(lang: str):
        return (word(LIVE, "numbers", lang), word(LIVE, "film", lang),
                [{"label": " " + word(LIVE, "compare", lang), "value": "on"}])


def _label_callbacks(app: dash.Dash) -> None:
    """Every word of the page in the language chosen."""
    @app.callback([Output("title", "children")]
                  + [Output(f"label-{k}", "children") for k in
                     ("style", "fallback", "threshold", *CONDITIONS, "corps", "inward")]
                  + [Output(f"name-{o}", "children") for o in DASHBOARD]
                  + [Output("style", "options")],
                  Input("lang", "value"))
    def relabel(lang: str):
        return ([dashboard_word("title", lang)]
                + [dashboard_word(k, lang) for k in ("style", "fallback", "threshold", *CONDITIONS,
                                           "corps", "inward")]
                + [label(o, lang) for o in DASHBOARD] + [_style_options(lang)])


def _refresh_callback(app: dash.Dash, runner: Runner) -> None:
    """The numbers, the weekly series and the journeys of the runs finished so far."""
    @app.callback([Output("progress", "children")]
                  + [Output(f"value-{o}", "children") for o in DASHBOARD]
                  + [Output(f"ci-{o}", "children") for o in DASHBOARD]
                  + [Output("series", "figure"), Output("sankey", "figure")],
                  [Input("tick", "n_intervals"), Input("lang", "value")],
                  State("job", "data"))
    def refresh(_tick, lang: str, job_id: int):
        ident, outputs, total = runner.results()
        if not outputs or ident != job_id:
            return ([dashboard_word("waiting", lang)] + ["…"] * len(DASHBOARD)
                    + [""] * len(DASHBOARD) + [dash.no_update, dash.no_update])
        runs = pd.DataFrame([o.row for o in outputs])
        series = pd.concat([o.series for o in outputs], ignore_index=True)
        values, cis = [], []
        for o in DASHBOARD:
            ci = mean_ci(runs[o])
            values.append(value(o, ci.mean, lang))
            cis.append(interval(o, ci.low, ci.high, lang) if ci.n > 1 else "")
        progress = dashboard_word("progress", lang).format(done=len(outputs), total=total)
        picture = figures.series_plot(series, lang)
        if runner.previous is not None:
            _faint(picture, runner.previous, word(LIVE, "previous", lang))
        picture.update_yaxes(range=[0, 1], row=1, col=1)
        return [progress, *values, *cis, picture, figures.journey_sankey(runs, "live", lang)]


def _setting(base: Scenario, style: Any, fallback: Any, threshold: Any,
             *rest: Any) -> Scenario | str:
    """The scenario the controls describe, or what is wrong with their values."""
    *conditions, corps, inward = rest
    values = {"style": style, "threshold": threshold, "corps": corps, "inward": inward,
              **dict(zip(CONDITIONS, conditions, strict=True))}
    problems = control_problems(values)
    if problems:
        return "; ".join(problems)
    values = {**values, "fallback": "on" in (fallback or []), "corps": int(corps),
              **{k: float(values[k]) for k in ("threshold", "inward", *CONDITIONS)}}
    changes = {CONTROL_KEYS[k]: v for k, v in values.items()}
    changes["fallback.lower"] = min(base.fallback.lower, float(threshold) * 0.5)
    return base.with_changes(changes)


def _style_options(lang: str) -> list[dict[str, str]]:
    return [{"label": f" {style_name(s, lang)}", "value": s} for s in STYLES]


def _faint(fig: Any, previous: pd.DataFrame, name: str) -> None:
    """The previous setting's weekly trust and tension as a faint grey dotted trace."""
    means = previous.groupby("week")[["trust", "tension"]].mean().reset_index()
    for row, column in ((1, "trust"), (2, "tension")):
        fig.add_trace(go.Scatter(x=means["week"], y=means[column], name=name,
                                 legendgroup="previous", showlegend=row == 1,
                                 line={"color": "rgba(120, 120, 120, 0.45)", "dash": "dot"},
                                 hoverinfo="skip"), row=row, col=1)


def serve(base: Scenario, host: str = "127.0.0.1", port: int = 8050, reps: int = 20,
          seed: int = 1, workers: int | None = None) -> None:
    """Run the dashboard until interrupted, without Flask's banner or request lines."""
    import logging

    import flask.cli

    app, runner = build_app(base, reps, seed, workers)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    flask.cli.show_server_banner = lambda *args, **kwargs: None
    try:
        app.run(host=host, port=port, debug=False, dev_tools_silence_routes_logging=True)
    finally:
        runner.shutdown()

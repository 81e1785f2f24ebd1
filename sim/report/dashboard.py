"""The live dashboard for the classroom (Dash), in Dutch or English.

Controls set the style, fallback on/off and its threshold, the four conditions, the
regisseur corps size and the managers' inward share (each maps onto a scenario key:
:data:`CONTROL_KEYS`). Every change starts a new set of replications on a process pool
in the background; the page polls twice a second and the headline (mean and 95% CI:
success, share dissatisfied and share satisfied of the survey, the share whose
partnership was broken, weeks to decision, weeks in fallback, or weeks above the tension
threshold where falling back changes nothing) and the pictures grow as
replications arrive, so the page never freezes. The weekly picture keeps the previous
setting as a faint grey trace, so a change is seen against what it changed. Above the
levels stands the **paired difference** with its 95% CI and a sentence a class can read:
every setting runs together with a reference on the same seeds (the same citizens), by
default the same setting with fallback switched (so the sentence says what falling back
costs, with minus without), or a setting the trainer pinned. Choosing a
style puts that style's values on the sliders, which can then be moved. Style names are
shown in the page's language; the scenario's name stands under the title. A second tab
plays one run of the setting on the controls as an animation
(:mod:`sim.report.animate`), on its own or beside the scenario the dashboard started
from. Served quietly (no development-server banner or request lines on the trainer's
screen); works without internet: Dash serves its own scripts.
"""

from __future__ import annotations

import contextlib
import re
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
from sim.report.labels import (
    dashboard_word,
    interval,
    label,
    outcome_label,
    same_role,
    signed,
    signed_interval,
    style_name,
    value,
)
from sim.scenario import Scenario
from sim.styles import STYLES, style_settings
from sim.words import LANGS, LIVE, decimal, say, scenario_name, significant, word

CONDITIONS = ["clear_frames", "clear_process", "dialogue", "feedback"]
CONTROL_ORDER = ("style", "fallback", "threshold", *CONDITIONS, "corps", "inward")
"""The controls' values in the order the callbacks take them (and a pin stores them)."""
CONTROL_KEYS: dict[str, str] = {
    "style": "scenario.style", "fallback": "fallback.enabled", "threshold": "fallback.upper",
    "corps": "regisseurs.corps_size", "inward": "middle_managers.inward_share",
    **{c: f"municipality.{c}" for c in CONDITIONS}}
"""Each control and the scenario key it sets (``fallback.lower`` follows the threshold)."""
LIVE_RUN, REFERENCE_RUN = "live", "reference"
"""The names of a job's two scenarios: the setting on the controls and its reference."""
DIFFERENCES: tuple[str, ...] = ("share_dissatisfied", "success_rate", "weeks_to_decision")
"""The outcomes whose paired difference the page shows (the first one in a sentence)."""
FILM_CACHE = 16
"""How many players (setting, language, comparison) the dashboard keeps made."""


@dataclass
class Job:
    """One set of replications for one setting of the controls."""

    ident: int
    futures: list[Future]
    total: int
    outputs: list[RunOutput] = field(default_factory=list)
    swap: bool = False
    """The difference is reference minus setting (the reference is the arm with fallback)."""
    changes: bool = True
    """Falling back changes the setting's role (:func:`falling_back_changes`)."""


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

    def start(self, scenario: Scenario, reference: Scenario, swap: bool = False) -> int:
        """Run ``scenario`` and ``reference`` on the same seeds (a new job); ``swap``: the
        difference shown is reference minus scenario."""
        specs = plan({LIVE_RUN: scenario, REFERENCE_RUN: reference}, self.reps, self.seed)
        with self.lock:
            if self.job is not None:
                done = [o for o in (f.result() for f in self.job.futures if f.done()
                                    and not f.cancelled() and f.exception() is None)
                        if o.spec_key[0] == LIVE_RUN]
                if done:
                    self.previous = pd.concat([o.series for o in done], ignore_index=True)
                for fut in self.job.futures:
                    fut.cancel()
            self.counter += 1
            self.job = Job(self.counter, [self.pool.submit(execute, s) for s in specs],
                           len(specs), swap=swap, changes=falling_back_changes(scenario))
            return self.counter

    def swapped(self, ident: int) -> bool | None:
        """Whether job ``ident``'s difference is reference minus setting (None when it is
        no longer the current job)."""
        with self.lock:
            return self.job.swap if self.job is not None and self.job.ident == ident else None

    def changes(self, ident: int) -> bool:
        """Whether falling back changes the role of job ``ident``'s setting (True when it
        is no longer the current job)."""
        with self.lock:
            job = self.job
        return job.changes if job is not None and job.ident == ident else True

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
WHOLE = ("corps",)
"""Sliders that count (regisseurs): a value with a fraction is refused, never rounded."""
REFERENCES = ("switch", "pinned")
"""What a setting runs beside: itself with fallback switched, or the pinned setting."""
CONTROLS_STYLE = {"width": "30%", "minWidth": "300px", "padding": "10px 20px"}
"""The controls' column beside the numbers."""
FILM_CONTROLS_STYLE = {**CONTROLS_STYLE, "width": "20%", "minWidth": "250px"}
"""The controls' column beside the animation: narrower, so that the player gets the width
its canvas needs for its labels (below about 870 px its exits' names ran off the canvas
and into their counts, at 1280 px beside the wide column). Two municipalities side by
side need about 1100 px: while they are compared the controls step aside (they stay on
the numbers tab)."""
HIDDEN = {"display": "none"}
THUMB_ROOM = 6
"""Pixels between a slider's label and its track: the thumb (20 px on a 4 px track) would
otherwise cover the label's descenders ("corps", "Regisseurs in het korps")."""
NOWRAP = {"whiteSpace": "nowrap"}
"""A number with its unit and an interval are kept on one line ("+1,3%-punt")."""


def _shown(value: Any) -> str:
    """A value a request sent, for a message (short: a request may send anything)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "..."


def control_problems(values: dict[str, Any]) -> list[str]:
    """What is wrong with the controls' values (a request may send anything): a style
    that is not one of STYLES, a slider's value that is not a number in its range (or
    not whole where it counts), fallback other than a list of "on"."""
    problems = []
    style = values.get("style")
    if not isinstance(style, str) or style not in STYLES:
        problems.append(f"style: must be one of {', '.join(STYLES)}, got {_shown(style)}")
    if "fallback" in values and not _switch(values["fallback"]):
        problems.append(f"fallback: must be [\"on\"] or [] (the checkbox), got "
                        f"{_shown(values['fallback'])}")
    for key, (low, high, _step) in RANGES.items():
        value = values.get(key)
        if (not isinstance(value, int | float) or isinstance(value, bool)
                or not low <= value <= high):
            problems.append(f"{key}: must be a number from {low:g} to {high:g}, got "
                            f"{_shown(value)}")
        elif key in WHOLE and not float(value).is_integer():
            problems.append(f"{key}: must be a whole number from {low:g} to {high:g}, got "
                            f"{_shown(value)}")
    return problems


def _switch(value: Any) -> bool:
    """A checkbox's value: None or a list whose items are all "on"."""
    return value is None or (isinstance(value, list) and all(v == "on" for v in value))


def lang_problem(lang: Any) -> str | None:
    """What is wrong with a page language a request sent, or None."""
    if isinstance(lang, str) and lang in LANGS:
        return None
    return f"lang: must be one of {', '.join(LANGS)}, got {_shown(lang)}"


def request_problems(lang: Any = "nl", reference: Any = "switch", pinned: Any = None,
                     **switches: Any) -> list[str]:
    """What is wrong with the values of a request beside the controls: the language, the
    reference, the pinned setting (None or the controls' values) and checkboxes."""
    problems = [p for p in (lang_problem(lang),) if p]
    if not isinstance(reference, str) or reference not in REFERENCES:
        problems.append(f"reference: must be one of {', '.join(REFERENCES)}, got "
                        f"{_shown(reference)}")
    if pinned is not None and pinned != [] and (
            not isinstance(pinned, list) or len(pinned) != len(CONTROL_ORDER)
            or control_problems(dict(zip(CONTROL_ORDER, pinned, strict=True)))):
        problems.append(f"pinned: must be the controls' values ({', '.join(CONTROL_ORDER)}), "
                        f"got {_shown(pinned)}")
    problems += [f"{key}: must be [\"on\"] or [], got {_shown(value)}"
                 for key, value in switches.items() if not _switch(value)]
    return problems


def _refused(problems: list[str], outputs: int) -> list[Any]:
    """A request with malformed values: its outputs stay as they were (no HTTP 500) and
    the page's message line says what was wrong."""
    # called outside a request (a test), the outputs say enough
    with contextlib.suppress(dash.exceptions.MissingCallbackContextException):
        dash.set_props("control-error", {"children": "; ".join(problems)})
    return [dash.no_update] * outputs


def slider_marks(ident: str, lang: str) -> dict[float, str]:
    """A slider's end marks in ``lang`` (0,4 and 2,5 in Dutch)."""
    low, high, _step = RANGES[ident]
    return {low: significant(low, lang, 3), high: significant(high, lang, 3)}


def slider_value(ident: str, value: Any, lang: str) -> str:
    """A slider's value as the label beside it shows it, in ``lang``: as many decimals as
    its step has (1,0; 0,55; 6)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    step = RANGES[ident][2]
    digits = 0 if float(step).is_integer() else len(f"{step:g}".split(".")[1])
    return decimal(float(value), lang, digits)


def _slider(ident: str, low: float, high: float, step: float, value: float) -> dcc.Slider:
    # Dash's number box beside a slider writes "0.5" in any language and clamps a typed
    # value without a word: the value stands in the label instead (slider_value), in
    # the page's language; a tooltip always shown would cover the label above it
    return dcc.Slider(id=ident, min=low, max=high, step=step, value=value,
                      marks=slider_marks(ident, "nl"), allow_direct_input=False,
                      tooltip={"placement": "bottom", "always_visible": False},
                      updatemode="mouseup")


def build_app(base: Scenario, reps: int = 20, seed: int = 1,
              workers: int | None = None) -> tuple[dash.Dash, Runner]:
    """The Dash app and its background runner, starting from ``base``."""
    runner = Runner(reps, seed, workers)
    app = dash.Dash(__name__, title="regiesim", serve_locally=True)
    app.layout = _layout(base)
    _control_callbacks(app, base, runner)
    _film_callbacks(app, base, seed)
    _label_callbacks(app, base)
    _card_callbacks(app, base)
    _slider_callbacks(app)
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
        shown = ([html.Span(slider_value(key, control[key], "nl"), id=f"shown-{key}",
                            style={"marginLeft": "8px", "color": "#245"})]
                 if key in RANGES else [])
        if key in RANGES:  # the slider's thumb stands 8 px above its track: room for it
            widget = html.Div(widget, style={"paddingTop": f"{THUMB_ROOM}px"})
        return html.Div([html.Label(dashboard_word(key, "nl"), id=f"label-{key}",
                                    style={"fontWeight": "bold"}), *shown, widget],
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
        html.Div([
            html.Label(word(LIVE, "reference", "nl"), id="label-reference",
                       style={"fontWeight": "bold"}),
            dcc.RadioItems(id="reference", value="switch", options=_reference_options("nl")),
            html.Button(word(LIVE, "pin", "nl"), id="pin", n_clicks=0,
                        style={"fontSize": "17px", "margin": "8px 0", "padding": "6px 12px"}),
            html.Div(word(LIVE, "nothing_pinned", "nl"), id="pinned-note",
                     style={"color": "#555"}),
        ], style={"marginBottom": "18px"}),
        dcc.Store(id="pinned", data=None),
    ], id="controls", style=CONTROLS_STYLE)
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
        html.Div(id="control-error", style={"color": "#CC3311", "fontSize": "16px"}),
        html.Div(id="difference", style={"fontSize": "20px", "margin": "10px 0 14px",
                                         "padding": "10px 16px", "borderLeft":
                                         "5px solid #4477AA", "background": "#f4f7fb"}),
        cards,
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
        html.Div(id="scenario-name",
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
        problems = control_problems({"style": style, **{k: RANGES[k][0] for k in RANGES}})
        if problems:
            return _refused(problems, len(CONDITIONS) + 2)
        preset = style_settings(style)
        return ([preset["municipality"][c] for c in CONDITIONS]
                + [preset["regisseurs"]["corps_size"], preset["middle_managers"]["inward_share"]])

    @app.callback([Output("job", "data"), Output("control-error", "children")],
                  [Input("style", "value"), Input("fallback", "value"),
                   Input("threshold", "value"), *[Input(c, "value") for c in CONDITIONS],
                   Input("corps", "value"), Input("inward", "value"),
                   Input("reference", "value"), Input("pinned", "data")])
    def start_job(style, fallback, threshold, *rest):
        *controls, reference, pinned = rest
        problems = request_problems(reference=reference, pinned=pinned)
        if problems:
            return dash.no_update, "; ".join(problems)
        setting = _setting(base, style, fallback, threshold, *controls)
        if isinstance(setting, str):  # a hand-made request: say so, keep the last results
            return dash.no_update, setting
        return runner.start(setting, *_reference(base, setting, reference, pinned)), ""

    @app.callback(Output("pinned", "data"), Input("pin", "n_clicks"),
                  [State("style", "value"), State("fallback", "value"),
                   State("threshold", "value"), *[State(c, "value") for c in CONDITIONS],
                   State("corps", "value"), State("inward", "value")],
                  prevent_initial_call=True)
    def pin(_clicks, *values):
        """Pin the setting on the controls as the reference (a valid one only)."""
        if isinstance(_setting(base, *values), str):
            return dash.no_update
        return list(values)

    @app.callback(Output("pinned-note", "children"),
                  [Input("pinned", "data"), Input("lang", "value")])
    def pinned_note(pinned, lang: str) -> str:
        problems = request_problems(lang, pinned=pinned)
        if problems:
            return _refused(problems, 1)[0]
        if not pinned:
            return word(LIVE, "nothing_pinned", lang)
        style, fallback, threshold = pinned[0], pinned[1], pinned[2]
        return say(LIVE, "pinned_as", lang, style=style_name(style, lang),
                   fallback=word(LIVE, "on" if "on" in (fallback or []) else "off", lang),
                   threshold=decimal(float(threshold), lang, 1))


def _film_callbacks(app: dash.Dash, base: Scenario, seed: int) -> None:
    """The film tab: the classroom player of the setting on the controls, with the
    controls' column narrowed while it is open."""
    @app.callback(Output("controls", "style"),
                  [Input("tabs", "value"), Input("film-compare", "value")])
    def controls_width(tab: Any, compare: Any) -> dict[str, str]:
        if tab != "film":
            return CONTROLS_STYLE
        return HIDDEN if _switch(compare) and compare else FILM_CONTROLS_STYLE

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
        problems = request_problems(lang, **{"film-compare": compare})
        if problems:
            return _refused(problems, 1)[0]
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
        problem = lang_problem(lang)
        if problem:
            return _refused([problem], 3)
        return (word(LIVE, "numbers", lang), word(LIVE, "film", lang),
                [{"label": " " + word(LIVE, "compare", lang), "value": "on"}])


def _slider_callbacks(app: dash.Dash) -> None:
    """Each slider's value beside its label and its end marks, in the page's language."""
    for key in RANGES:
        @app.callback([Output(f"shown-{key}", "children"), Output(key, "marks")],
                      [Input(key, "value"), Input("lang", "value")])
        def shown(value: Any, lang: str, key: str = key) -> Any:
            problem = lang_problem(lang)
            if problem:
                return _refused([problem], 2)
            return slider_value(key, value, lang), slider_marks(key, lang)


def _label_callbacks(app: dash.Dash, base: Scenario) -> None:
    """Every word of the page in the language chosen; the title is the scenario's name
    in that language (:func:`sim.words.scenario_name`)."""
    @app.callback([Output("title", "children"), Output("scenario-name", "children")]
                  + [Output(f"label-{k}", "children") for k in
                     ("style", "fallback", "threshold", *CONDITIONS, "corps", "inward")]
                  + [Output("style", "options"), Output("label-reference", "children"),
                     Output("reference", "options"), Output("pin", "children")],
                  Input("lang", "value"))
    def relabel(lang: str):
        problem = lang_problem(lang)
        if problem:
            return _refused([problem], 2 + len(CONTROL_ORDER) + 4)
        name = scenario_name(base.scenario.name, lang)
        return ([name[:1].upper() + name[1:], dashboard_word("title", lang)]
                + [dashboard_word(k, lang) for k in ("style", "fallback", "threshold", *CONDITIONS,
                                           "corps", "inward")]
                + [_style_options(lang)]
                + [word(LIVE, "reference", lang), _reference_options(lang),
                   word(LIVE, "pin", lang)])


def falling_back_changes(setting: Scenario) -> bool:
    """Whether what the page counts as fallback is fallback: False where fallback is on
    and changes nothing (the municipality already plays the directing role,
    :func:`sim.report.labels.same_role`), so that its "fallback" is tension above the
    threshold."""
    return not setting.fallback.enabled or not same_role({LIVE_RUN: setting})


def card_names(setting: Scenario, lang: str) -> list[str]:
    """The cards' names for ``setting`` in ``lang``: where falling back changes nothing
    (:func:`falling_back_changes`), its weeks in fallback are weeks above the tension
    threshold, and the card says so, as the report's tables and the story do."""
    changes = falling_back_changes(setting)
    return [outcome_label(o, lang, changes) for o in DASHBOARD]


def _card_callbacks(app: dash.Dash, base: Scenario) -> None:
    """The cards' names: in the page's language, and for the setting on the controls."""
    @app.callback([Output(f"name-{o}", "children") for o in DASHBOARD],
                  [Input("lang", "value"), Input("style", "value"),
                   Input("fallback", "value"), Input("threshold", "value"),
                   *[Input(c, "value") for c in CONDITIONS],
                   Input("corps", "value"), Input("inward", "value")])
    def names(lang: str, *controls: Any) -> list[Any]:
        problem = lang_problem(lang)
        if problem:
            return _refused([problem], len(DASHBOARD))
        setting = _setting(base, *controls)
        if isinstance(setting, str):  # start_job says what is wrong
            return [dash.no_update] * len(DASHBOARD)
        return card_names(setting, lang)


def _refresh_callback(app: dash.Dash, runner: Runner) -> None:
    """The numbers, the weekly series and the journeys of the runs finished so far."""
    @app.callback([Output("progress", "children"), Output("difference", "children")]
                  + [Output(f"value-{o}", "children") for o in DASHBOARD]
                  + [Output(f"ci-{o}", "children") for o in DASHBOARD]
                  + [Output("series", "figure"), Output("sankey", "figure")],
                  [Input("tick", "n_intervals"), Input("lang", "value")],
                  [State("job", "data"), State("reference", "value"),
                   State("pinned", "data")])
    def refresh(_tick, lang: str, job_id: int, reference: str = "switch",
                pinned: Any = None):
        problems = request_problems(lang, reference, pinned)
        if problems:
            return _refused(problems, 2 + 2 * len(DASHBOARD) + 2)
        ident, outputs, total = runner.results()
        swap = runner.swapped(ident)  # of the same job as the outputs
        live = [o for o in outputs if o.spec_key[0] == LIVE_RUN]
        if not live or ident != job_id or swap is None:
            return ([dashboard_word("waiting", lang), ""] + ["…"] * len(DASHBOARD)
                    + [""] * len(DASHBOARD) + [dash.no_update, dash.no_update])
        every = pd.DataFrame([o.row for o in outputs])
        runs = every[every["scenario"] == LIVE_RUN]
        series = pd.concat([o.series for o in live], ignore_index=True)
        difference = difference_lines(every, "pinned" if reference == "pinned" and pinned
                                      else "switch", swap, lang)
        values, cis = [], []
        for o in DASHBOARD:
            ci = mean_ci(runs[o])
            values.append(value(o, ci.mean, lang))
            cis.append(interval(o, ci.low, ci.high, lang) if ci.n > 1 else "")
        # a replication is done when the setting and its reference both ran it
        pairs = len({o.spec_key[1] for o in live} & {o.spec_key[1] for o in outputs
                                                     if o.spec_key[0] == REFERENCE_RUN})
        progress = dashboard_word("progress", lang).format(done=pairs, total=total // 2)
        shown_as = word(LIVE, "setting", lang)  # never the job's name "live"
        picture = figures.series_plot(series.assign(scenario=shown_as), lang,
                                      () if runner.changes(ident) else {shown_as})
        if runner.previous is not None:
            _faint(picture, runner.previous, word(LIVE, "previous", lang))
        picture.update_yaxes(range=[0, 1], row=1, col=1)
        return [progress, difference, *values, *cis, picture,
                figures.journey_sankey(runs, LIVE_RUN, lang, shown_as)]


def _setting(base: Scenario, style: Any, fallback: Any, threshold: Any,
             *rest: Any) -> Scenario | str:
    """The scenario the controls describe, or what is wrong with their values."""
    *conditions, corps, inward = rest
    values = {"style": style, "fallback": fallback, "threshold": threshold, "corps": corps,
              "inward": inward, **dict(zip(CONDITIONS, conditions, strict=True))}
    problems = control_problems(values)
    if problems:
        return "; ".join(problems)
    values = {**values, "fallback": "on" in (fallback or []), "corps": int(corps),
              **{k: float(values[k]) for k in ("threshold", "inward", *CONDITIONS)}}
    changes = {CONTROL_KEYS[k]: v for k, v in values.items()}
    changes["fallback.lower"] = min(base.fallback.lower, float(threshold) * 0.5)
    return base.with_changes(changes)


def _reference(base: Scenario, setting: Scenario, reference: Any,
               pinned: Any) -> tuple[Scenario, bool]:
    """The reference a setting runs beside, and whether the difference is reference minus
    setting: the pinned setting when asked for and valid (setting minus pinned), else the
    same setting with fallback switched (with minus without, whichever the setting is)."""
    if reference == "pinned" and pinned:
        found = _setting(base, *pinned)
        if not isinstance(found, str):
            return found, False
    switched = setting.with_changes({"fallback.enabled": not setting.fallback.enabled})
    return switched, not setting.fallback.enabled


def paired(runs: pd.DataFrame, swap: bool) -> pd.DataFrame:
    """Per replication that both runs finished: the difference in every outcome of
    :data:`DIFFERENCES`, setting minus reference (reference minus setting with ``swap``).
    """
    live = runs[runs["scenario"] == LIVE_RUN].set_index("replication")
    ref = runs[runs["scenario"] == REFERENCE_RUN].set_index("replication")
    common = live.index.intersection(ref.index).sort_values()
    first, second = (ref, live) if swap else (live, ref)
    return first.loc[common, list(DIFFERENCES)] - second.loc[common, list(DIFFERENCES)]


def difference_lines(runs: pd.DataFrame, mode: str, swap: bool, lang: str) -> list[Any]:
    """The paired difference as a class reads it: a sentence about the share dissatisfied
    with its 95% CI, a line per other outcome, and how to read the interval. ``mode``:
    "switch" (what falling back costs) or "pinned" (against the pinned setting)."""
    diffs = paired(runs, swap)
    if len(diffs) < 2:
        return [html.Div(dashboard_word("waiting", lang))]
    if mode == "switch" and (diffs == 0.0).all().all():
        return [html.Div(word(LIVE, "no_change", lang), id="difference-sentence")]
    if mode != "switch" and (diffs == 0.0).all().all():
        return [html.Div(word(LIVE, "same", lang), id="difference-sentence")]
    head = DIFFERENCES[0]
    ci = mean_ci(diffs[head])
    size = signed(head, abs(ci.mean), lang).lstrip("+")
    key = ("cost" if mode == "switch" else "pinned") + ("_more" if ci.mean >= 0 else "_fewer")
    sentence = say(LIVE, key, lang, size="\x00", ci="\x01")
    numbers = {"\x00": size, "\x01": signed_interval(head, ci.low, ci.high, lang)}
    lines = [html.Div([html.Span(numbers[part], style=NOWRAP) if part in numbers else part
                       for part in re.split("([\x00\x01])", sentence) if part],
                      id="difference-sentence", style={"fontWeight": "bold"})]
    for outcome in DIFFERENCES[1:]:
        c = mean_ci(diffs[outcome])
        lines.append(html.Div([f"{label(outcome, lang)}: ",
                               html.Span(signed(outcome, c.mean, lang), style=NOWRAP), " ",
                               html.Span(signed_interval(outcome, c.low, c.high, lang),
                                         style=NOWRAP)]))
    lines.append(html.Div(say(LIVE, "pairs", lang, n=len(diffs)),
                          style={"fontSize": "15px", "color": "#555"}))
    return lines


def _reference_options(lang: str) -> list[dict[str, str]]:
    return [{"label": word(LIVE, "switch", lang), "value": "switch"},
            {"label": word(LIVE, "pinned", lang), "value": "pinned"}]


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

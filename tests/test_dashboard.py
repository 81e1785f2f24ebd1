"""The live dashboard: its callbacks called directly (everywhere), and the page driven in
headless Chromium (moving a control changes the numbers).

The browser test needs Debian's chromium and chromium-driver (.ci/run installs them): it
is skipped without them, except on CI (``CI=true``), where a missing browser fails it.
Set REGIESIM_SCREENSHOT=path to keep a screenshot of the page.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
import pytest
from dash import dcc

import tests.browser
from sim.analysis import mean_ci, paired_differences
from sim.experiment import run_batch
from sim.outcomes import DASHBOARD
from sim.report.dashboard import CONDITIONS, DIFFERENCES, RANGES, build_app
from sim.report.labels import (
    dashboard_word,
    interval,
    label,
    outcome_label,
    signed,
    signed_interval,
    style_name,
    value,
)
from sim.styles import style_settings
from tests.browser import require_browser
from tests.conftest import ROOT, short


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    require_browser()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port), "--reps", "6",
         "--workers", "2", "--set", "run.horizon_weeks=52", "--set", "run.warmup_weeks=8"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                proc.kill()
                pytest.fail(f"dashboard did not start:\n{out}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    # the server's worker processes go with it
    deadline = time.monotonic() + 10
    while _serving(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _serving(port)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes outlived the dashboard: {left}"


def _serving(port: int) -> list[int]:
    """Processes started for the dashboard on ``port`` (workers carry its command line)."""
    mark = f"--port\x00{port}\x00".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _text(driver, ident: str) -> str:
    return driver.find_element("id", ident).text


def _wait(predicate, timeout: float = 90.0) -> None:
    """Wait until ``predicate`` holds; elements still being rendered count as not yet."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return
        except (NoSuchElementException, StaleElementReferenceException):
            pass
        assert time.monotonic() < deadline, "timed out waiting for the dashboard"
        time.sleep(0.25)


@pytest.mark.slow  # a dashboard server and a browser: ~55 s under load
def test_moving_a_control_changes_the_numbers(server, browser) -> None:
    browser.get(server)
    _wait(lambda: "6 van 6" in _text(browser, "progress"))
    _wait(lambda: "%" in _text(browser, "value-success_rate"))
    # the paired cost of falling back, in a sentence the class can read
    _wait(lambda: "erugvallen" in _text(browser, "difference"))
    before = _text(browser, "value-success_rate"), _text(browser, "value-weeks_to_decision")
    assert "%" in before[0]
    # choose the directive style: sliders jump to its values and replications rerun
    browser.find_element("css selector", "#style input[value='directive']").click()
    _wait(lambda: "6 van 6" in _text(browser, "progress")
          and (_text(browser, "value-success_rate"), _text(browser, "value-weeks_to_decision"))
          != before)
    after = _text(browser, "value-success_rate"), _text(browser, "value-weeks_to_decision")
    assert after != before
    # the page speaks English on request
    browser.find_element("css selector", "#lang input[value='en']").click()
    _wait(lambda: _text(browser, "label-style") == "Leadership style")
    _wait(lambda: "of 6 replications" in _text(browser, "progress"))
    _wait(lambda: "alling back" in _text(browser, "difference"))
    shot = os.environ.get("REGIESIM_SCREENSHOT")
    png = Path(shot) if shot else None
    data = browser.get_screenshot_as_png()
    assert len(data) > 10_000
    if png is not None:
        png.write_bytes(data)


SLIDER_ROOM = r"""
return Object.keys(arguments[0]).map(key => {
  const box = id => document.getElementById(id).getBoundingClientRect();
  const thumb = document.querySelector('#' + key + ' .dash-slider-thumb').getBoundingClientRect();
  return [key, Math.max(box('label-' + key).bottom, box('shown-' + key).bottom), thumb.top];
});
"""


@pytest.mark.slow  # a dashboard server and a browser
@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1400, 900)])
def test_no_slider_covers_its_label(server, width: int, height: int) -> None:
    """Wherever a slider's thumb stands, it stays below its label and value, in headless
    Chromium at 1280 x 720 and 1400 x 900. Seen before: the thumb of "Regisseurs in het
    korps" over the label's descenders."""
    with tests.browser.chromium(width, height) as browser:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        browser.get(server)
        _wait(lambda: _text(browser, "shown-corps") != "")
        found = browser.execute_script(SLIDER_ROOM, dict.fromkeys(RANGES, 1))
    assert len(found) == len(RANGES)
    covered = [f"{key}: thumb from {top:.0f} px, label down to {bottom:.0f} px"
               for key, bottom, top in found if top < bottom]
    assert not covered, "\n".join(covered)


@pytest.mark.slow  # a dashboard server and a browser
@pytest.mark.parametrize("beside", [False, True], ids=["alone", "beside"])
@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1400, 900)])
def test_the_animation_tab_gives_the_player_room_for_its_labels(server, width: int,
                                                                 height: int,
                                                                 beside: bool) -> None:
    """The animation inside the dashboard (an iframe beside the controls) draws its texts
    as tests/test_animate_labels.py asks of the player on its own: none under 12 px,
    overlapping or off its canvas, at 1280 x 720 and 1400 x 900, alone and beside the
    starting scenario. Seen before: at 1280 px the exits' names ran off the canvas and
    into their counts ("212" over "Afgewezen"), and beside the starting scenario at both
    sizes."""
    from tests.test_animate_labels import LAST_FRAME, RECORD, problems

    with tests.browser.chromium(width, height) as browser:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD})
        browser.get(server)
        _wait(lambda: _text(browser, "shown-corps") != "")
        browser.find_element("id", "tab-film").click()

        def srcdoc() -> str:
            return browser.find_element("id", "film").get_attribute("srcdoc") or ""

        _wait(srcdoc, 120)
        if beside:
            alone = srcdoc()
            browser.find_element("css selector", "#film-compare input").click()
            _wait(lambda: srcdoc() not in ("", alone), 120)
        browser.switch_to.frame(browser.find_element("id", "film"))
        _wait(lambda: browser.execute_script("return !!window.regiePlayer && !!window.drawn"))
        browser.execute_script("window.drawn = []; regiePlayer.seek(30.5)")
        time.sleep(0.5)
        frame = browser.execute_script(LAST_FRAME)
    assert frame["texts"], "the player drew nothing"
    assert len(frame["sizes"]) == (2 if beside else 1)
    found = problems(frame["texts"], frame["sizes"])
    assert not found, "\n".join(found)


# --- the callbacks, without a browser ----------------------------------------------------


def test_missing_browser_fails_on_ci_and_skips_elsewhere(monkeypatch) -> None:
    monkeypatch.setattr(tests.browser, "DRIVER", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser test"):
        require_browser()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_browser()


BASE = short("direction")
REPS = 2
NO_PIN = {"reference": "switch", "pinned": None}
"""The comparison controls at their start: with and without fallback, nothing pinned."""
CONTROL_ORDER = ("style", "fallback", "threshold", *CONDITIONS, "corps", "inward")


@pytest.fixture(scope="module")
def app():
    app, runner = build_app(BASE, reps=REPS, seed=1, workers=1)
    yield app, runner
    runner.shutdown()


def _callback(app: dash.Dash, output: str) -> tuple[Callable, list[str]]:
    """The function behind the callback that sets ``output`` ("id.property"), and the ids
    of its inputs in order."""
    for key, entry in app.callback_map.items():
        if output in key.strip(".").split("..."):
            return entry["callback"].__wrapped__, [i["id"] for i in entry["inputs"]]
    raise AssertionError(f"no callback sets {output}")


def _ids(node: Any) -> set[str]:
    found = set()
    if getattr(node, "id", None):
        found.add(node.id)
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found |= _ids(child)
    return found


def _finish(runner) -> None:
    for fut in runner.job.futures:
        fut.result(timeout=120)


def test_every_callback_is_wired_to_components_on_the_page(app) -> None:
    dash_app, _ = app
    ids = _ids(dash_app.layout)
    for key, entry in dash_app.callback_map.items():
        outputs = {part.rsplit(".", 1)[0] for part in key.strip(".").split("...")}
        inputs = {i["id"] for i in entry["inputs"] + entry["state"]}
        assert outputs <= ids and inputs <= ids, key


def test_choosing_a_style_puts_its_values_on_the_sliders(app) -> None:
    style_values, _ = _callback(app[0], "corps.value")
    preset = style_settings("directive")
    assert style_values("directive") == [
        *[preset["municipality"][c] for c in CONDITIONS],
        preset["regisseurs"]["corps_size"], preset["middle_managers"]["inward_share"]]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_labels_follow_the_language(app, lang: str) -> None:
    relabel, _ = _callback(app[0], "title.children")
    words = relabel(lang)
    # the title is the scenario's name in the page's language, never its English name
    assert words[0] == {"nl": "Naamloos scenario", "en": "Unnamed"}[lang]  # BASE has no name
    assert words[1] == dashboard_word("title", lang)
    assert words[2] == {"nl": "Stijl van leidinggeven", "en": "Leadership style"}[lang]
    assert words[-3] == {"nl": "Vergelijk met", "en": "Compare with"}[lang]
    names, inputs = _callback(app[0], f"name-{DASHBOARD[0]}.children")
    assert names(*[{**DIRECTION, "lang": lang}[i] for i in inputs]) == [
        label(o, lang) for o in DASHBOARD]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_where_falling_back_changes_nothing_the_card_counts_tension_weeks(app,
                                                                         lang: str) -> None:
    """A directive municipality already plays the directing role: its "weeks in fallback"
    are weeks above the tension threshold, and the card says so, as the report's tables
    and the story do; with fallback off, or where it changes something, the card counts
    weeks in fallback."""
    names, inputs = _callback(app[0], f"name-{DASHBOARD[0]}.children")
    preset = style_settings("directive")
    directive = {**DIRECTION, "style": "directive", "lang": lang,
                 "corps": preset["regisseurs"]["corps_size"],
                 "inward": preset["middle_managers"]["inward_share"],
                 **{c: preset["municipality"][c] for c in CONDITIONS}}
    card = DASHBOARD.index("fallback_weeks")
    shown = names(*[directive[i] for i in inputs])
    assert shown[card] == {"nl": "Weken boven de spanningsdrempel",
                           "en": "Weeks above the tension threshold"}[lang]
    assert shown[card] == outcome_label("fallback_weeks", lang, changes=False)
    assert [s for k, s in enumerate(shown) if k != card] == [
        label(o, lang) for k, o in enumerate(DASHBOARD) if k != card]
    off = names(*[{**directive, "fallback": []}[i] for i in inputs])
    assert off[card] == label("fallback_weeks", lang)
    direction = names(*[{**DIRECTION, "lang": lang}[i] for i in inputs])
    assert direction[card] == {"nl": "Weken in terugval", "en": "Weeks in fallback"}[lang]
    assert names(*[{**directive, "threshold": 99}[i] for i in inputs]) == [
        dash.no_update] * len(DASHBOARD)


def test_the_cards_show_the_replications_of_the_scenario_the_controls_describe(app) -> None:
    dash_app, runner = app
    start_job, inputs = _callback(dash_app, "job.data")
    refresh, _ = _callback(dash_app, "progress.children")
    preset = style_settings("directive")
    controls = {"style": "directive", "fallback": ["on"], "threshold": 0.5,
                **{c: preset["municipality"][c] for c in CONDITIONS},
                "corps": 3, "inward": 0.3}
    job, problem = start_job(*[{**NO_PIN, **controls}[i] for i in inputs])
    assert problem == ""
    assert refresh(0, "nl", job - 1)[0] == dashboard_word("waiting", "nl")  # an older job
    _finish(runner)
    shown = refresh(1, "nl", job)
    n = len(DASHBOARD)
    progress, values, cis, (series_fig, sankey_fig) = (shown[0], shown[2:2 + n],
                                                       shown[2 + n:2 + 2 * n], shown[2 + 2 * n:])
    assert progress == f"{REPS} van {REPS} replicaties"  # each run with its twin
    expected = BASE.with_changes({
        "scenario.style": "directive", "fallback.enabled": True, "fallback.upper": 0.5,
        "fallback.lower": min(BASE.fallback.lower, 0.25), "regisseurs.corps_size": 3,
        "middle_managers.inward_share": 0.3,
        **{f"municipality.{c}": preset["municipality"][c] for c in CONDITIONS}})
    runs = run_batch({"live": expected}, reps=REPS, seed=1, backend="serial").runs
    assert runs["fallback_weeks"].gt(0).all(), "the threshold matters in this setting"
    for outcome, shown_value, shown_ci in zip(DASHBOARD, values, cis, strict=True):
        ci = mean_ci(runs[outcome])
        assert shown_value == value(outcome, ci.mean, "nl")
        assert shown_ci == interval(outcome, ci.low, ci.high, "nl")
    # the setting is named in the page's language, never by the job's name "live"
    assert {t.name for t in series_fig.data if t.name} >= {"Instelling op de knoppen"}
    assert not any("live" in str(t.name) for t in series_fig.data)
    assert sankey_fig.layout.title.text == "Instelling op de knoppen"
    # managers inward 0.3 where the directing role has more: this fallback changes things
    assert [t.name for t in series_fig.data if t.mode == "none"] == [
        "Instelling op de knoppen: aandeel runs in terugval"]
    assert sum(sankey_fig.data[0].link.value) > 0


def _shown_difference(dash_app, runner, controls: dict, reference: str = "switch",
                      pinned: list | None = None) -> list[str]:
    """Start a job for ``controls``, let it finish, and read the difference block."""
    return [_words(line) for line in _shown_block(dash_app, runner, controls, reference,
                                                 pinned)]


def _shown_block(dash_app, runner, controls: dict, reference: str = "switch",
                 pinned: list | None = None) -> list[Any]:
    """Start a job for ``controls``, let it finish: the difference block's lines."""
    start_job, inputs = _callback(dash_app, "job.data")
    refresh, _ = _callback(dash_app, "progress.children")
    job, problem = start_job(*[{**controls, "reference": reference, "pinned": pinned}[i]
                               for i in inputs])
    assert problem == ""
    _finish(runner)
    return refresh(1, "nl", job, reference, pinned)[1]


def _words(node: Any) -> str:
    """A component's text as the browser shows it (its children's text joined)."""
    if isinstance(node, str):
        return node
    children = getattr(node, "children", None)
    if children is None:
        return ""
    return "".join(_words(c) for c in (children if isinstance(children, list) else [children]))


def _nowrap(node: Any) -> list[str]:
    """The text of every span of ``node`` kept on one line (white-space: nowrap)."""
    found = []
    if isinstance(node, dash.html.Span) and (node.style or {}).get("whiteSpace") == "nowrap":
        found.append(_words(node))
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found += _nowrap(child)
    return found


def _expected(with_: dict, without: dict) -> dict[str, tuple[float, float, float]]:
    runs = run_batch({"a": _scenario(with_), "b": _scenario(without)}, reps=REPS, seed=1,
                     backend="serial").runs
    table = paired_differences(runs, list(DIFFERENCES), reference="b")
    return {r.outcome: (r.difference, r.ci_low, r.ci_high) for r in table.itertuples()}


def _scenario(controls: dict):
    from sim.report.dashboard import _setting

    return _setting(BASE, *[controls[k] for k in CONTROL_ORDER])


DIRECTION = {"style": "direction", "fallback": ["on"], "threshold": 0.6, "corps": 6,
             "inward": 0.3, **{c: style_settings("direction")["municipality"][c]
                               for c in CONDITIONS}}


def test_the_dashboard_says_what_falling_back_costs_paired_on_the_same_citizens(app) -> None:
    """The sentence is with minus without on the same seeds, with its 95% CI, and it
    says the same whether the setting on the controls has fallback on or off."""
    dash_app, runner = app
    on = _shown_difference(dash_app, runner, DIRECTION)
    expected = _expected(DIRECTION, {**DIRECTION, "fallback": []})
    mean, low, high = expected["share_dissatisfied"]
    assert mean != 0, "the threshold matters in this setting"
    size = signed("share_dissatisfied", abs(mean), "nl").lstrip("+")
    ci = signed_interval("share_dissatisfied", low, high, "nl")
    more = "meer" if mean > 0 else "minder"
    assert on[0].startswith("Terugvallen kost" if mean > 0 else "Met terugvallen")
    assert size in on[0] and ci in on[0] and more in on[0]
    # "+1,3%-punt" never breaks at its hyphen: each number and interval on one line
    block = _shown_block(dash_app, runner, DIRECTION)
    assert _nowrap(block[0]) == [size, ci] and "%-punt" in size
    mean, low, high = expected["weeks_to_decision"]
    assert _nowrap(block[2]) == [signed("weeks_to_decision", mean, "nl"),
                                 signed_interval("weeks_to_decision", low, high, "nl")]
    mean, low, high = expected["success_rate"]
    assert on[1] == (f"{label('success_rate', 'nl')}: {signed('success_rate', mean, 'nl')} "
                     f"{signed_interval('success_rate', low, high, 'nl')}")
    assert f"{REPS} replicaties van dezelfde burgers" in on[-1]
    off = _shown_difference(dash_app, runner, {**DIRECTION, "fallback": []})
    assert off == on  # still with minus without


def test_where_falling_back_changes_nothing_the_dashboard_says_so(app) -> None:
    dash_app, runner = app
    preset = style_settings("directive")
    directive = {**DIRECTION, "style": "directive",
                 "corps": preset["regisseurs"]["corps_size"],
                 "inward": preset["middle_managers"]["inward_share"],
                 **{c: preset["municipality"][c] for c in CONDITIONS}}
    assert _shown_difference(dash_app, runner, directive) == [
        "Terugvallen verandert hier niets: deze gemeente werkt al in de sturende rol."]


def test_where_falling_back_changes_nothing_the_weekly_shading_is_tension(app) -> None:
    """The directive preset already directs: the card counts weeks above the tension
    threshold and the weekly picture shades the runs above it, called so, not "in
    fallback"."""
    dash_app, runner = app
    preset = style_settings("directive")
    directive = {**DIRECTION, "style": "directive", "threshold": 0.5,
                 "corps": preset["regisseurs"]["corps_size"],
                 "inward": preset["middle_managers"]["inward_share"],
                 **{c: preset["municipality"][c] for c in CONDITIONS}}
    start_job, inputs = _callback(dash_app, "job.data")
    refresh, _ = _callback(dash_app, "progress.children")
    job, problem = start_job(*[{**directive, **NO_PIN}[i] for i in inputs])
    assert problem == ""
    _finish(runner)
    shown = refresh(1, "nl", job)
    n = len(DASHBOARD)
    assert shown[2 + DASHBOARD.index("fallback_weeks")] != "0,0", "tension crossed the threshold"
    series_fig = shown[2 + 2 * n]
    assert [t.name for t in series_fig.data if t.mode == "none"] == [
        "Instelling op de knoppen: aandeel runs boven de spanningsdrempel"]
    assert series_fig.layout.yaxis3.title.text == "Aandeel runs boven de spanningsdrempel"


def test_a_pinned_setting_is_the_reference_of_the_next(app) -> None:
    dash_app, runner = app
    pin, _ = _callback(dash_app, "pinned.data")
    pinned = pin(1, *[DIRECTION[k] for k in CONTROL_ORDER])
    assert pinned == [DIRECTION[k] for k in CONTROL_ORDER]
    assert pin(1, *[{**DIRECTION, "threshold": 99}[k] for k in CONTROL_ORDER]) is dash.no_update
    note, _ = _callback(dash_app, "pinned-note.children")
    assert note(pinned, "nl") == ("Vastgezet: Regiegemeente, terugval aan, drempel 0,6."
                                  .replace("Regiegemeente", style_name("direction", "nl")))
    more_frames = {**DIRECTION, "clear_frames": 0.2}
    shown = _shown_difference(dash_app, runner, more_frames, "pinned", pinned)
    _mean, low, high = _expected(more_frames, DIRECTION)["share_dissatisfied"]
    assert shown[0].startswith("Deze instelling heeft")
    assert signed_interval("share_dissatisfied", low, high, "nl") in shown[0]
    assert _shown_difference(dash_app, runner, DIRECTION, "pinned", pinned) == [
        "Deze instelling geeft dezelfde uitkomsten als de vastgezette."]


def test_values_outside_the_controls_are_refused_with_a_message(app) -> None:
    """A hand-made request cannot start a job with values the sliders cannot give."""
    dash_app, runner = app
    start_job, inputs = _callback(dash_app, "job.data")
    good = {"style": "direction", "fallback": ["on"], "threshold": 1.0, "corps": 6,
            "inward": 0.3, **dict.fromkeys(CONDITIONS, 0.5)}
    before = runner.job
    for bad in ({"threshold": 9.0}, {"corps": -1}, {"clear_frames": "x"},
                {"style": "anarchy"}, {"inward": None}):
        job, problem = start_job(*[{**NO_PIN, **good, **bad}[i] for i in inputs])
        assert job is dash.no_update
        assert next(iter(bad)) in problem and "must be" in problem
    assert runner.job is before  # no job was started


def _post(dash_app: dash.Dash, output: str, values: dict) -> tuple[int, dict]:
    """What the Dash server answers a hand-made request to the callback that sets
    ``output``, with ``values`` by component id (None for those not given)."""
    key = next(k for k in dash_app.callback_map if output in k.strip(".").split("..."))
    entry = dash_app.callback_map[key]

    def spec(part: str) -> dict:
        ident, prop = part.rsplit(".", 1)
        return {"id": ident, "property": prop}

    def given(deps: list) -> list:
        return [{**d, "value": values.get(d["id"])} for d in deps]

    outputs = ([spec(p) for p in key.strip(".").split("...")] if key.startswith("..")
               else spec(key))
    first = entry["inputs"][0]
    body = {"output": key, "outputs": outputs, "inputs": given(entry["inputs"]),
            "state": given(entry["state"]),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}
    answer = dash_app.server.test_client().post("/_dash-update-component", json=body)
    return answer.status_code, (answer.get_json(silent=True) or {})


GOOD = {"style": "direction", "fallback": ["on"], "threshold": 1.0, "corps": 6,
        "inward": 0.3, **dict.fromkeys(CONDITIONS, 0.5), **NO_PIN, "lang": "nl",
        "job": 0, "tabs": "film", "film-compare": []}


@pytest.mark.parametrize(("output", "bad", "said"), [
    ("job.data", {"style": ["direction"]}, "style: must be one of"),
    ("corps.value", {"style": ["direction"]}, "style: must be one of"),
    ("job.data", {"fallback": 5}, "fallback: must be"),
    ("job.data", {"corps": 3.7}, "corps: must be a whole number"),
    ("job.data", {"reference": {"x": 1}}, "reference: must be one of"),
    ("job.data", {"pinned": [1, 2]}, "pinned: must be"),
    ("title.children", {"lang": "de"}, "lang: must be one of en, nl"),
    ("progress.children", {"lang": ["nl"]}, "lang: must be one of en, nl"),
    ("pinned-note.children", {"lang": "fr"}, "lang: must be one of en, nl"),
    ("tab-film.label", {"lang": None}, "lang: must be one of en, nl"),
    ("shown-corps.children", {"lang": 5}, "lang: must be one of en, nl"),
    ("film.srcDoc", {"lang": "xx"}, "lang: must be one of en, nl"),
    ("film.srcDoc", {"film-compare": "on"}, "film-compare: must be"),
])
def test_a_malformed_request_is_answered_with_a_message_not_an_error(
        app, output: str, bad: dict, said: str) -> None:
    """A request the page's controls cannot send (a style as a list, fallback=5, corps
    3.7, an unknown language) gets HTTP 200 and the page's message line says what was
    wrong; nothing runs and nothing is cut to fit (corps 3.7 is not run as 3)."""
    dash_app, runner = app
    before = runner.job
    status, answer = _post(dash_app, output, {**GOOD, **bad})
    assert status == 200, answer
    message = {**answer.get("response", {}), **answer.get("sideUpdate", {})}
    assert said in message["control-error"]["children"], answer
    assert set(answer.get("response", {})) <= {"control-error"}  # nothing else changed
    assert runner.job is before  # no job was started


def test_a_whole_corps_sent_as_a_float_runs_as_that_many() -> None:
    from sim.report.dashboard import _setting

    setting = _setting(BASE, *[{**GOOD, "corps": 4.0}[k] for k in CONTROL_ORDER])
    assert setting.regisseurs.corps_size == 4
    assert "whole number" in _setting(BASE, *[{**GOOD, "corps": 4.5}[k]
                                             for k in CONTROL_ORDER])


def test_every_control_sets_an_existing_scenario_key() -> None:
    from sim.report.dashboard import CONTROL_KEYS

    data = BASE.model_dump(mode="json")
    for control, key in CONTROL_KEYS.items():
        group, name = key.split(".")
        assert name in data[group], f"{control} -> {key}: no such scenario key"
    assert set(CONTROL_KEYS) == {"style", "fallback", "threshold", "corps", "inward",
                                 *CONDITIONS}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_style_names_follow_the_language(app, lang: str) -> None:
    from sim.report.labels import style_name
    from sim.styles import STYLES

    relabel, _ = _callback(app[0], "title.children")
    options = relabel(lang)[-4]
    assert [o["value"] for o in options] == list(STYLES)
    assert [o["label"].strip() for o in options] == [style_name(s, lang) for s in STYLES]
    if lang == "nl":
        assert "regisserend" in [o["label"].strip() for o in options]


def test_the_cards_show_share_satisfied_and_dissatisfied() -> None:
    assert {"share_satisfied", "share_dissatisfied"} <= set(DASHBOARD)


def test_the_previous_setting_stays_as_a_faint_trace(app) -> None:
    from sim.words import LIVE

    dash_app, runner = app
    start_job, inputs = _callback(dash_app, "job.data")
    refresh, _ = _callback(dash_app, "progress.children")
    preset = style_settings("direction")
    controls = {"style": "direction", "fallback": [], "threshold": 1.0,
                **{c: preset["municipality"][c] for c in CONDITIONS}, "corps": 2,
                "inward": 0.3}
    start_job(*[{**NO_PIN, **controls}[i] for i in inputs])
    _finish(runner)
    first = runner.previous
    job, _ = start_job(*[{**NO_PIN, **controls, "corps": 0}[i] for i in inputs])
    assert runner.previous is not None and runner.previous is not first
    _finish(runner)
    picture = refresh(1, "nl", job)[-2]
    faint = [t for t in picture.data if t.name == LIVE["previous"]["nl"]]
    assert len(faint) == 2, "trust and tension of the previous setting"
    weekly = runner.previous.groupby("week")["trust"].mean()
    assert list(faint[0].y) == pytest.approx(list(weekly))


@pytest.mark.slow  # a dashboard server: ~27 s under load
def test_the_dashboard_serves_quietly() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port), "--reps", "2",
         "--workers", "1", "--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=5)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.3)
        assert b"regiesim" in page
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0].decode()
    assert "regiesim dashboard on http://127.0.0.1" in out
    for noise in ("Serving Flask app", "development server", "GET /", "Debug mode"):
        assert noise not in out, f"{noise!r} on the trainer's screen:\n{out}"


def test_binding_beyond_this_computer_is_warned_about(monkeypatch) -> None:
    from typer.testing import CliRunner

    import sim.report.dashboard as board
    from sim.cli import app as cli

    monkeypatch.setattr(board, "serve", lambda *args, **kwargs: None)
    wide = CliRunner().invoke(cli, ["dashboard", "--host", "0.0.0.0"])
    assert wide.exit_code == 0 and "anyone who can reach" in wide.output
    local = CliRunner().invoke(cli, ["dashboard"])
    assert local.exit_code == 0 and "anyone who can reach" not in local.output


def _sliders(node: Any) -> list[Any]:
    found = [node] if isinstance(node, dcc.Slider) else []
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found += _sliders(child)
    return found


@pytest.mark.parametrize(("lang", "shown", "marks"), [
    ("nl", "0,5", {0.4: "0,4", 2.5: "2,5"}), ("en", "0.5", {0.4: "0.4", 2.5: "2.5"})])
def test_slider_values_are_written_in_the_page_language(app, lang, shown, marks) -> None:
    """Dash's number box writes 0.5 in Dutch too and clamps a typed 9 without a word:
    no slider has it; the value stands beside the label in the page's language."""
    sliders = _sliders(app[0].layout)
    assert len(sliders) == len(RANGES)
    assert all(s.allow_direct_input is False for s in sliders)
    show, inputs = _callback(app[0], "shown-threshold.children")
    assert inputs == ["threshold", "lang"]
    assert show(0.5, lang) == (shown, marks)
    inward, _ = _callback(app[0], "shown-inward.children")
    assert inward(0.55, lang)[0] == {"nl": "0,55", "en": "0.55"}[lang]

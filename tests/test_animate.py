"""The classroom player: its data follows the event log, and it plays in headless Chromium.

The browser tests need chromium and chromium-driver, as in tests/test_dashboard.py (they
fail on CI without them). Set REGIESIM_ANIMATE_SHOTS=docs to keep the two screenshots
(docs/animate-1.png, docs/animate-2.png) of the large city with and without fallback.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import load_scenario, simulate
from sim.cli import app
from sim.outcomes import OUTCOMES, STAGES
from sim.report.animate import COLUMN, STATES, film, page, panel, paths
from sim.report.narrate import choose_followed, initiative_names, tell
from tests.conftest import SCENARIOS, plain_output, short

ORDER = [*STAGES, "exit"]


def _run(style: str = "direction", seed: int = 4, **groups):
    return simulate(short(style, run={"event_log": True}, **groups), seed)


def _column(state: str) -> str:
    return "exit" if state in OUTCOMES else COLUMN.get(state, state)


def _first(items: list[str]) -> list[str]:
    """Each item once, in the order it first appears."""
    return list(dict.fromkeys(items))


@pytest.fixture(scope="module")
def direction():
    return _run("direction")


# --- the data, from the log ----------------------------------------------------------


@pytest.mark.parametrize("style", ["direction", "directive"])
def test_every_path_is_the_stages_the_log_says_and_ends_in_its_outcome(style: str) -> None:
    result = _run(style)
    log = result.log
    journeys = paths(log)
    frame = result.initiatives.set_index("id")
    assert set(frame.index) <= set(journeys)
    for ident, j in journeys.items():
        weeks = [w for w, _ in j.path]
        assert weeks == sorted(weeks), ident
        assert j.path[0] == (j.arrival, "signal")
        rows = log[log["id"] == ident]
        # the stages the dot passes are the stages the log names, in the same order
        assert _first([_column(s) for _, s in j.path if s not in OUTCOMES]) == _first(
            rows["stage"].tolist()), ident
        columns = [ORDER.index(_column(s)) for _, s in j.path]
        assert columns == sorted(columns), f"{ident}: the journey reads top to bottom"
        if ident in frame.index:
            row = frame.loc[ident]
            if isinstance(row["outcome"], str) and row["outcome"] in OUTCOMES:
                assert j.path[-1] == (pytest.approx(row["exit_week"]), row["outcome"])
                assert j.outcome == row["outcome"]
            else:  # still under way at the end: in the stage the ledger says
                assert j.exit is None and _column(j.path[-1][1]) == row["stage"]


@pytest.mark.parametrize("style", ["direction", "directive"])
def test_a_handoff_raises_the_dots_frustration_as_the_log_says(style: str) -> None:
    """Every handoff in the log is a point of its dot's frustration path, at the log's
    week and value, and the path rises there (from pillar to post is a burden)."""
    result = _run(style)
    log = result.log
    handoffs = log[(log["event"] == "handoff") & (log["id"] >= 0)]
    assert len(handoffs) > 10  # enough to mean something
    journeys = paths(log)
    rises = 0
    for row in handoffs.itertuples():
        path = journeys[int(row.id)].frustration
        at = [i for i, (week, value) in enumerate(path)
              if week == row.week and value == row.value]
        assert at, (row.id, row.week, row.value, path)
        before = path[at[0] - 1][1]
        assert row.value >= before, (row.id, path)
        rises += row.value > before
    assert rises > len(handoffs) / 2


def test_piles_are_the_waits_the_log_records(direction) -> None:
    log = direction.log
    journeys = paths(log)
    waited = 0
    for ident, j in journeys.items():
        rows = log[log["id"] == ident]
        approvals = rows.loc[rows["event"] == "approval", "week"].tolist()
        assert [w for w, s in j.path if s == "approval"] == approvals
        escalated = rows.loc[rows["event"] == "escalated", "week"].tolist()
        assert [w for w, s in j.path if s == "college"] == escalated
        queued = rows.loc[rows["event"] == "queued", ["week", "value"]]
        for (week, value), served in zip(queued.itertuples(index=False),
                                         [w for w, s in j.path if s == "intake"], strict=True):
            [entered] = [w for w, s in j.path if s == "queue"]
            assert served == pytest.approx(entered + value) and served <= week + 1e-9
            waited += value > 0
    assert waited > 0, "someone waited in the front office's queue in this run"


def test_exits_in_the_window_are_the_runs_counts(direction) -> None:
    data = panel(direction, "nl")
    s = direction.summary
    counts = dict.fromkeys(OUTCOMES, 0)
    for arrive, path in zip(data["arrive"], data["path"], strict=True):
        last = STATES[path[-1]]
        if arrive >= 0 and last in OUTCOMES:
            counts[last] += 1
    assert counts == {"success": s["successes"], "rejected": s["rejected"],
                      "dropout": s["dropouts"]}
    assert sum(a >= 0 for a in data["arrive"]) == s["arrivals"]


def test_the_story_beside_a_dot_is_the_narrators(direction) -> None:
    """A followed initiative's lines in the player are the lines narrate tells of it."""
    data = panel(direction, "nl")
    lines = tell(direction, "nl", follow=3)
    names = initiative_names(direction.seed, 10_000, "nl")
    for ident in choose_followed(direction, 3):
        i = data["id"].index(ident)
        told = [line.text for line in lines if line.kind == "initiative"
                and re.search(rf"{re.escape(names[ident])}\b(?! \d)", line.text)]
        mine = [text for week, text in data["story"][i] if week >= 0]
        assert told and mine == told


def test_links_and_regisseurs_come_from_the_log(direction) -> None:
    data = panel(direction, "en")
    log = direction.log
    links = log[log["event"] == "linked_to"]
    linked = log[log["event"] == "linked"]
    assert len(links) == linked["value"].sum() > 0
    pairs = {(data["id"][a], data["id"][b]) for a, b, _ in data["links"]}
    assert pairs <= set(zip(links["id"], links["value"].astype(int), strict=True))
    adopted = set(log.loc[log["event"] == "regisseur", "id"])
    assert {ident for ident, reg in zip(data["id"], data["reg"], strict=True)
            if reg is not None} == adopted & set(data["id"])


@pytest.mark.parametrize("style", ["direction", "directive", "partner"])
def test_the_log_changes_no_number(style: str) -> None:
    """The log's calls draw nothing and change nothing: the summary is bit-identical."""
    sc = short(style, tension={"cuts": [{"week": 10.0, "tension": 3.0}]})
    off = simulate(sc, 3)
    on = simulate(sc.with_changes({"run.event_log": True}), 3)
    events = set(on.log["event"])
    assert {"stage", "queued"} <= events and ("linked_to" in events) == ("linked" in events)
    assert json.dumps(off.summary, sort_keys=True) == json.dumps(on.summary, sort_keys=True)
    assert off.initiatives.equals(on.initiatives) and off.series.equals(on.series)


def test_two_panels_meet_the_same_citizens() -> None:
    """Same seed, two settings: who comes forward in both does so at the same moment, and
    each panel shows exactly the arrivals of its own run."""
    a, b = short("direction"), short("directive")
    data = film(a, 2, "nl", b)
    for p, sc in zip(data["panels"], (a, b), strict=True):
        log = simulate(sc.with_changes({"run.event_log": True}), 2).log
        arrivals = log[(log["event"] == "arrive") & (log["week"] <= sc.run.horizon_weeks)]
        exits = log[log["event"].isin(OUTCOMES)].set_index("id")["week"]
        seen = {int(i): round(w, 3) for i, w in zip(arrivals["id"], arrivals["week"],
                                                    strict=True)
                if int(i) not in exits.index or exits[int(i)] >= 0}
        assert dict(zip(p["id"], p["arrive"], strict=True)) == seen
    first, second = (dict(zip(p["id"], p["arrive"], strict=True)) for p in data["panels"])
    common = set(first) & set(second)
    assert len(common) > 20
    assert all(first[i] == second[i] for i in common)


def test_the_page_plays_offline_and_speaks_the_language() -> None:
    data = film(short("direction"), 1, "nl")
    text = page(data)
    assert '<html lang="nl">' in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "nothing fetched"
    assert "<script src" not in text and "@import" not in text
    payload = re.search(r'<script type="application/json" id="regie-data">(.*?)</script>',
                        text, re.S).group(1)
    assert json.loads(payload.replace("<\\/", "</")) == json.loads(json.dumps(data))
    words = data["words"]
    assert (words["play"], words["pause"], words["state_dropout"]) == (
        "▶ Afspelen", "‖ Pauze", "Afgehaakt")
    assert "week" in page(film(short("direction"), 1, "en"))


def test_bad_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang: must be one of en, nl, got 'fr'"):
        film(short("direction"), 1, "fr")


def test_the_command_writes_the_player(tmp_path: Path) -> None:
    out = tmp_path / "film.html"
    args = ["animate", str(SCENARIOS / "direction.toml"), "--compare-set",
            "fallback.enabled=false", "--seed", "3", "--lang", "en", "--out", str(out),
            "--set", "run.horizon_weeks=30", "--set", "run.warmup_weeks=4"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    data = json.loads(re.search(r'id="regie-data">(.*?)</script>', out.read_text(), re.S)
                      .group(1).replace("<\\/", "</"))
    assert [p["seed"] for p in data["panels"]] == [3, 3] and data["lang"] == "en"
    assert [p["upper"] is None for p in data["panels"]] == [False, True]
    assert data["horizon"] == 30
    for bad, message in ((["--lang", "fr"], "'--lang': Value error, 'fr' is not one of 'en', 'nl'"),
                         (["--compare-set", "fallback.enabld=false"], "did you mean"),
                         (["--out", str(tmp_path)], "is a folder")):
        wrong = CliRunner().invoke(app, ["animate", str(SCENARIOS / "direction.toml"),
                                         "--out", str(out), *bad])
        assert wrong.exit_code == 2 and message in plain_output(wrong.output), wrong.output
    # the file now exists: written over only when asked to
    made = out.read_bytes()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "--replace" in again.output and out.read_bytes() == made
    assert CliRunner().invoke(app, [*args, "--replace"]).exit_code == 0


def test_the_dashboard_has_the_player_in_a_tab() -> None:
    from sim.report.dashboard import build_app
    from tests.test_dashboard import _callback

    dash_app, runner = build_app(short("direction"), reps=1, seed=5, workers=1)
    try:
        film_page, inputs = _callback(dash_app, "film.srcDoc")
        values = {"tabs": "film", "lang": "nl", "film-compare": ["on"], "style": "directive",
                  "fallback": ["on"], "threshold": 1.0, "clear_frames": 0.5,
                  "clear_process": 0.5, "dialogue": 0.5, "feedback": 0.5, "corps": 0,
                  "inward": 0.6}
        text = film_page(*[values[i] for i in inputs])
        data = json.loads(re.search(r'id="regie-data">(.*?)</script>', text, re.S)
                          .group(1).replace("<\\/", "</"))
        assert [p["seed"] for p in data["panels"]] == [5, 5]
        # named for where they come from; a directive setting does not "fall back"
        assert data["panels"][0]["title"] == "Instelling op de knoppen: sturend, terugvallen " \
            "verandert niets"
        assert data["panels"][1]["title"] == "Beginscenario: regisserend, valt terug onder druk"
        import dash

        assert film_page(*[{**values, "tabs": "numbers"}[i] for i in inputs]) is dash.no_update
        # back to the tab: the page made before, without running the model again
        made = dict(dash_app.player_pages)
        assert len(made) == 1
        from unittest import mock

        with mock.patch("sim.report.animate.simulate", side_effect=AssertionError("ran")):
            assert film_page(*[values[i] for i in inputs]) == text
        english = film_page(*[{**values, "lang": "en"}[i] for i in inputs])
        assert "Setting on the controls: directive" in english and len(dash_app.player_pages) == 2
    finally:
        runner.shutdown()


# --- in the browser ------------------------------------------------------------------


def _open(driver, tmp_path: Path, data: dict) -> None:
    path = tmp_path / "film.html"
    path.write_text(page(data), encoding="utf-8")
    driver.get(path.as_uri())
    _until(lambda: driver.execute_script(
        "return (window.regiePlayer && regiePlayer.frames) || 0") > 2)


def _until(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the player"
        time.sleep(0.05)


def _week(driver) -> float:
    return float(driver.find_element("id", "clock").get_attribute("data-week"))


def test_play_pause_and_one_week_further(browser, tmp_path: Path) -> None:
    _open(browser, tmp_path, film(short("direction"), 1, "nl"))
    clock = browser.find_element("id", "clock")
    assert _week(browser) == 0.0 and clock.text == "Week 0 van 52"
    frames = browser.execute_script("return regiePlayer.frames")
    browser.find_element("id", "play").click()
    _until(lambda: _week(browser) > 1.0)
    assert browser.execute_script("return regiePlayer.frames") > frames
    browser.find_element("id", "pause").click()
    paused = _week(browser)
    time.sleep(0.5)
    assert _week(browser) == paused, "pause stops the clock"
    browser.find_element("id", "step").click()
    _until(lambda: _week(browser) != paused)
    assert _week(browser) == math.floor(paused) + 1
    browser.find_element("id", "step").click()
    _until(lambda: _week(browser) == math.floor(paused) + 2)
    time.sleep(0.3)
    assert _week(browser) == math.floor(paused) + 2, "a step does not start playing"
    assert clock.text == f"Week {math.floor(paused) + 2} van 52"


def _at(pairs: list[float], week: float) -> int:
    """The index of the last [week, value] pair reached by ``week`` (0 if none)."""
    reached = [k for k in range(0, len(pairs), 2) if pairs[k] <= week]
    return reached[-1] if reached else 0


def test_each_dot_is_where_and_as_frustrated_as_its_path_says(browser, tmp_path: Path) -> None:
    data = film(short("direction"), 1, "en")
    _open(browser, tmp_path, data)
    p = data["panels"][0]
    for week in (5.0, 30.5, 12.0, 51.0, 0.0):  # forward and back: the cursors follow
        states, frustration = browser.execute_script(
            f"const p = regiePlayer.panels[0]; return [p.d.id.map((_, i) => p.stateAt(i, "
            f"{week})), p.d.id.map((_, i) => p.frustrationAt(i, {week}))]")
        assert states == [_at(path, week) for path in p["path"]]
        assert frustration == pytest.approx(
            [f[_at(f, week) + 1] if f else 0 for f in p["frus"]])
        assert len(set(states)) > 3  # dots in several states


def test_a_click_on_a_dot_follows_its_story(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    data = film(short("direction"), 1, "en")
    _open(browser, tmp_path, data)
    browser.execute_script("regiePlayer.seek(20)")
    p = data["panels"][0]
    # an initiative in its realisation at week 20, which has a story to tell by then
    ident = next(i for i, a, e, s in zip(p["id"], p["arrive"], p["exit"], p["story"],
                                         strict=True)
                 if 0 <= a < 15 and (e is None or e > 25) and len(s) >= 2)
    time.sleep(0.5)  # the dots travel to their places
    spot = browser.execute_script(f"return regiePlayer.dot(0, {ident})")
    assert spot is not None
    canvas = browser.find_element("id", "canvas-0")
    rect = browser.execute_script("return arguments[0].getBoundingClientRect()", canvas)
    ActionChains(browser).move_to_element_with_offset(
        canvas, spot["x"] - rect["x"] - rect["width"] / 2,
        spot["y"] - rect["y"] - rect["height"] / 2).click().perform()
    assert browser.execute_script("return regiePlayer.selected") == ident
    i = p["id"].index(ident)
    _until(lambda: p["name"][i] in browser.find_element("id", "follow").text)  # next frame
    told = browser.find_element("id", "follow").text
    assert all(text in told.replace("\n", " ") for week, text in p["story"][i] if week <= 20)
    later = [text for week, text in p["story"][i] if week > 21]
    assert all(text not in told for text in later), "the story unfolds with the clock"


def test_side_by_side_panels_show_the_same_arrivals(browser, tmp_path: Path) -> None:
    a, b = short("direction"), short("directive")
    data = film(a, 2, "nl", b)
    _open(browser, tmp_path, data)
    panels = browser.execute_script(
        "return regiePlayer.panels.map(p => ({id: p.d.id, arrive: p.d.arrive}))")
    shown = [dict(zip(p["id"], p["arrive"], strict=True)) for p in panels]
    models = [simulate(sc.with_changes({"run.event_log": True}), 2).log for sc in (a, b)]
    for arrivals, log in zip(shown, models, strict=True):
        arrive = log[log["event"] == "arrive"].set_index("id")["week"]
        assert all(round(arrive[i], 3) == w for i, w in arrivals.items())
    common = set(shown[0]) & set(shown[1])
    assert all(shown[0][i] == shown[1][i] for i in common)
    # on the canvas: a citizen who has just come forward in both is drawn in both panels
    week = 30.0
    browser.execute_script(f"regiePlayer.seek({week})")
    time.sleep(0.3)
    drawn = browser.execute_script(
        "return regiePlayer.panels.map(p => p.placed.map(q => p.d.id[q[0]]))")
    fresh = {i for i in common if week - 1 <= shown[0][i] <= week}
    assert fresh and fresh <= set(drawn[0]) and fresh <= set(drawn[1])


def _drawn_texts(browser) -> None:
    """Keep every text the canvases draw in ``window.drawnTexts``."""
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "window.drawnTexts = []; const fill = CanvasRenderingContext2D.prototype.fillText;"
        "CanvasRenderingContext2D.prototype.fillText = function (t, ...rest) {"
        "window.drawnTexts.push(String(t)); return fill.call(this, t, ...rest); };")})


def test_the_player_writes_words_and_numbers_from_its_data(browser, tmp_path: Path) -> None:
    """The script holds no words or number conventions of its own: with other words and
    another decimal mark in the data (sim.words.PLAYER, sim.words.symbols), it draws
    those."""
    data = film(short("direction"), 1, "en")
    assert data["numbers"] == {"decimal": ".", "group": ","}
    data["words"]["tension"] = "Strain"
    data["numbers"] = {"decimal": "#", "group": "_"}
    _drawn_texts(browser)
    _open(browser, tmp_path, data)
    browser.execute_script("regiePlayer.seek(20)")
    time.sleep(0.5)
    texts = browser.execute_script("return window.drawnTexts.slice(-400)")
    assert any(re.fullmatch(r"Strain \d#\d\d", t) for t in texts), "tension 0#53"
    assert not any(re.fullmatch(r"(Tension|Strain) \d\.\d\d", t) for t in texts)


def test_two_moments_of_the_large_city(browser, tmp_path: Path) -> None:
    """The large city (about 1,500 initiatives) with and without fallback plays, and two
    moments look different; kept as docs/animate-*.png with REGIESIM_ANIMATE_SHOTS."""
    browser.set_window_size(1600, 1000)
    sc = load_scenario(SCENARIOS / "large-city.toml")
    data = film(sc, 1, "nl", sc.with_changes({"fallback.enabled": False}))
    assert len(data["panels"][0]["id"]) > 1500
    _drawn_texts(browser)
    _open(browser, tmp_path, data)
    shots = []
    for week, follow in ((55, 40), (200, None)):
        browser.execute_script(f"regiePlayer.seek({week})")
        if follow is not None:
            p = data["panels"][0]
            ident = next(i for i, a, e in zip(p["id"], p["arrive"], p["exit"], strict=True)
                         if 30 <= a <= follow and e is not None and e > week + 5)
            browser.execute_script(f"regiePlayer.select({ident})")
        time.sleep(0.8)
        canvas = browser.execute_script("return document.getElementById('canvas-0')"
                                        ".toDataURL()")
        shots.append((canvas, browser.get_screenshot_as_png()))
    assert shots[0][0] != shots[1][0], "the picture changes as the run goes on"
    texts = browser.execute_script("return window.drawnTexts.slice(-400)")
    assert any(re.fullmatch(r"\d\.\d{3}", t) for t in texts), "1.015 geslaagd, in Dutch"
    assert not any(re.fullmatch(r"\d{4,}", t) for t in texts), "no 1015 in a Dutch picture"
    folder = os.environ.get("REGIESIM_ANIMATE_SHOTS")
    if folder:
        for k, (_, png) in enumerate(shots, start=1):
            (Path(folder) / f"animate-{k}.png").write_bytes(png)


# --- what the panels claim -----------------------------------------------------------


def test_only_a_municipality_that_changes_is_shown_falling_back() -> None:
    """A directive or consultative municipality already works in the directing role: its
    panel is not titled or flagged as falling back (as narrate tells it)."""
    data = film(short("direction"), 2, "nl", short("directive"))
    direction, directive = data["panels"]
    assert direction["changes"] and not directive["changes"]
    assert "valt terug" in direction["title"]
    # a scenario without a name is not shown as "unnamed" in Dutch
    assert directive["title"] == "Naamloos scenario (sturend), terugvallen verandert niets"
    named = film(load_scenario(SCENARIOS / "directive.toml").with_changes(
        {"run.horizon_weeks": 10.0, "run.warmup_weeks": 2.0}), 2, "nl")["panels"][0]
    assert named["title"] == "Sturende gemeente, terugvallen verandert niets"
    typical = panel(simulate(load_scenario(SCENARIOS / "typical.toml").with_changes(
        {"run.event_log": True, "run.horizon_weeks": 10.0, "run.warmup_weeks": 2.0}), 1), "en")
    assert not typical["changes"] and "falls back" not in typical["title"]


def test_other_arrivals_are_not_called_the_same_citizens() -> None:
    """Another arrival rate: no citizen arrives at the same moment in both, and the
    player says so (naming the setting) and does not pair the dots."""
    same = film(short("direction"), 2, "en", short("directive"))
    assert same["paired"] and "The same citizens" in same["intro"]
    other = film(short("direction"), 2, "nl",
                 short("direction", initiatives={"arrival_rate": 4.5}))
    assert not other["paired"]
    assert "niet met dezelfde burgers" in other["intro"]
    assert "initiatives.arrival_rate verschilt" in other["intro"]
    assert "Dezelfde burgers" not in other["intro"]
    # a shorter horizon: the same citizens up to its end
    shorter = film(short("direction"), 2, "en", short("direction", run={"horizon_weeks": 30.0}))
    assert shorter["paired"] and [p["horizon"] for p in shorter["panels"]] == [52.0, 30.0]


def test_set_applies_to_both_panels(tmp_path: Path) -> None:
    out, other = tmp_path / "film.html", tmp_path / "other.toml"
    other.write_text('[scenario]\nstyle = "directive"\n', encoding="utf-8")
    done = CliRunner().invoke(app, [
        "animate", str(SCENARIOS / "direction.toml"), "--compare", str(other), "--seed", "3",
        "--out", str(out), "--set", "run.horizon_weeks=20", "--set", "run.warmup_weeks=4"])
    assert done.exit_code == 0, done.output
    data = json.loads(re.search(r'id="regie-data">(.*?)</script>', out.read_text(), re.S)
                      .group(1).replace("<\\/", "</"))
    assert [p["horizon"] for p in data["panels"]] == [20.0, 20.0]
    assert data["paired"] and "Dezelfde burgers" in data["intro"]


def test_the_frustration_ramp_darkens_and_regisseur_lines_are_dashed() -> None:
    """Ordered by lightness (it reads in greyscale and for colour-blind eyes)."""
    from importlib import resources

    script = resources.files("sim.report").joinpath("animate.js").read_text(encoding="utf-8")
    ramp = re.search(r"const RAMP = (\[.*?\]\]);", script, re.S).group(1)
    stops = [tuple(map(int, c)) for c in re.findall(r"\[(\d+), (\d+), (\d+)\]", ramp)]
    assert len(stops) == 5

    def luminance(rgb):
        lin = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4
               for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    lum = [luminance(c) for c in stops]
    assert all(a > b + 0.05 for a, b in itertools.pairwise(lum)), lum
    assert re.search(r'rgba\(0,158,115,0\.45\)";\s*g\.setLineDash\(\[5, 4\]\)', script)


def test_every_player_word_the_lesson_quotes_is_the_players() -> None:
    """The lesson plan's "Watching the run" quotes the player's Dutch words in italics (a
    question to the class is in italics too, and ends in "?") and its buttons in code."""
    from sim.report.animate import labels
    from sim.words import LIVE, PLAYER

    text = (Path(__file__).resolve().parent.parent / "docs" / "classroom.md").read_text(
        encoding="utf-8")
    section = text.split("### Watching the run", 1)[1].split("\n### ", 1)[0]
    italic = re.findall(r"(?<![*\w])\*([^*]+?)\*(?![*\w])", section)
    quoted = {" ".join(q.split()) for q in italic if not q.rstrip().endswith("?")}
    quoted |= {q for q in re.findall(r"`([^`]+)`", section) if re.search("[▶‖↺▸]", q)}
    words = [*labels("nl").values(), *(w["nl"] for w in LIVE.values())]
    said = {v for w in words for v in (w, w.strip("▶‖↺▸ "), w.split(":")[0])}
    for known in ("in de regierol", "sturende rol", "regisserend", "not"):  # about words
        quoted.discard(known)
    assert {"Besluitvorming", "Pauzeer bij terugval", "▶ Afspelen"} <= quoted
    missing = sorted(q for q in quoted if q not in said)
    assert not missing, f"not words of the player: {missing}"
    assert PLAYER["step"]["nl"] in quoted


def test_the_lesson_counts_the_journeys_that_part() -> None:
    """The numbers the lesson plan gives for seed 1 are what the player shows."""
    from sim.report.animate import parted

    sc = load_scenario(SCENARIOS / "direction.toml")
    counts = parted(film(sc, 1, "nl", sc.with_changes({"fallback.enabled": False})))
    text = " ".join((Path(__file__).resolve().parent.parent / "docs" / "classroom.md")
                    .read_text(encoding="utf-8").split())
    said = (f"of the {counts['both']} citizens who come forward in both municipalities, "
            f"{counts['journey']} take another journey: another stage, pile or moment; "
            f"{counts['states']} of them pass through other places, and {counts['outcome']} "
            "end differently")
    assert said in text, (counts, said)


# --- on screen ----------------------------------------------------------------------


def _directive_beside_direction() -> dict:
    a = short("direction", tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
              aldermen={"incident_rate": 0.0})
    b = short("directive", tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
              aldermen={"incident_rate": 0.0})
    data = film(a, 2, "nl", b)
    assert all(p["fallback"][12] == 1 for p in data["panels"]), "both above the threshold"
    return data


def test_a_directive_panel_shows_no_fallback_banner(browser, tmp_path: Path) -> None:
    data = _directive_beside_direction()
    _open(browser, tmp_path, data)
    browser.execute_script("regiePlayer.seek(12.5)")
    time.sleep(0.3)
    shown = browser.execute_script("return regiePlayer.panels.map(p => p.shown)")
    assert [s["above"] for s in shown] == [True, True]
    assert [s["fallen"] for s in shown] == [True, False]
    # the backdrop as the class sees it: tinted behind the direction panel only
    corner = browser.execute_script("""return regiePlayer.panels.map(p => {
        const r = window.devicePixelRatio || 1;
        return [...p.canvas.getContext('2d').getImageData(4 * r, p.canvas.height - 4 * r, 1, 1)
                .data].slice(0, 3); })""")
    assert corner[1] == [255, 255, 255] and corner[0] != [255, 255, 255], corner
    # the regisseurs' hub (a green dot and its line) only where there are regisseurs
    hub = browser.execute_script("""return regiePlayer.panels.map(p => {
        const r = window.devicePixelRatio || 1, x = (p.pad + 2.5 * p.colW) * r;
        return [...p.canvas.getContext('2d').getImageData(x, (p.top - 12) * r, 1, 1)
                .data].slice(0, 3); })""")
    assert hub == [[0, 158, 115], [255, 255, 255]], hub


def test_both_panels_fit_a_projector_and_stay_put(tmp_path: Path) -> None:
    """At 1280 x 720 both canvases are fully on screen, nothing above them moves as the
    clock goes from week 1 to week 60, and no text of the page overlaps another."""
    from tests.browser import chromium, text_clashes

    sc = load_scenario(SCENARIOS / "direction.toml")
    data = film(sc, 1, "nl", load_scenario(SCENARIOS / "directive.toml"))
    path = tmp_path / "film.html"
    path.write_text(page(data), encoding="utf-8")
    for width, height in ((1280, 720), (1400, 900)):
        with chromium(width, height) as driver:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            driver.get(path.as_uri())
            _until(lambda d=driver: d.execute_script(
                "return (window.regiePlayer && regiePlayer.frames) || 0") > 2)
            tops = []
            for week in (1, 60):
                driver.execute_script(f"regiePlayer.seek({week})")
                time.sleep(0.4)
                boxes = driver.execute_script(
                    "return regiePlayer.panels.map(p => p.canvas.getBoundingClientRect())")
                for b in boxes:
                    assert b["top"] >= 0 and b["left"] >= 0, (width, week, b)
                    assert b["bottom"] <= height and b["right"] <= width, (width, week, b)
                news = driver.execute_script(
                    "return [...document.querySelectorAll('.news')].map(n => "
                    "n.getBoundingClientRect().bottom)")
                tops.append([round(b["top"]) for b in boxes] + [round(n) for n in news])
            assert tops[0] == tops[1], f"the page moved while it played: {tops}"
            if width == 1280:  # the page at week 60, its news and signs shown
                later = tmp_path / "later.html"
                later.write_text(page(data).replace(
                    "<body>\n", '<body>\n<script>history.replaceState(null, "", "#week=60")'
                    "</script>\n", 1), encoding="utf-8")
                clashes, _ = text_clashes(driver, later, tmp_path / "shot.png", width=1280)
                assert not clashes, clashes
                assert driver.execute_script("return regiePlayer.week") == 60
                assert driver.execute_script(
                    "return document.querySelectorAll('.news p').length") >= 8


def test_it_pauses_at_a_fallback_and_rests_when_paused(browser, tmp_path: Path) -> None:
    """With "Pauzeer bij terugval" ticked, playing stops in the week the municipality falls
    back; paused, the player draws nothing until something changes."""
    data = _directive_beside_direction()
    start = data["panels"][0]["fallback"].index(1)
    _open(browser, tmp_path, data)
    box = browser.find_element("id", "pause-fallback")
    assert box.find_element("xpath", "..").text.strip() == "Pauzeer bij terugval"
    box.click()
    browser.execute_script(f"regiePlayer.seek({start - 2})")
    browser.find_element("id", "play").click()
    _until(lambda: not browser.execute_script("return regiePlayer.playing"))
    assert start <= _week(browser) < start + 1
    shown = browser.execute_script("return regiePlayer.panels[0].shown")
    assert shown["fallen"]
    news = browser.find_element("id", "news-0").text
    assert "valt terug in de sturende rol" in news, news
    # paused and settled: no frames drawn
    time.sleep(1.8)
    frames = browser.execute_script("return regiePlayer.frames")
    time.sleep(0.8)
    assert browser.execute_script("return regiePlayer.frames") == frames
    browser.find_element("id", "step").click()
    _until(lambda: browser.execute_script("return regiePlayer.frames") > frames)


def test_following_two_columns_and_the_controls(browser, tmp_path: Path) -> None:
    """The followed initiative's stories stand in one column per panel and are rebuilt
    only when a line appears; a click on an empty spot stops following; Space plays after
    a speed was chosen; the slider follows the clock while it has the focus."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    data = film(short("direction"), 2, "nl", short("directive"))
    _open(browser, tmp_path, data)
    a, b = data["panels"]
    ident = next(i for i, w in zip(a["id"], a["arrive"], strict=True)
                 if 5 <= w < 10 and i in b["id"])
    browser.execute_script(f"regiePlayer.seek(20); regiePlayer.select({ident}, 0)")
    time.sleep(0.3)
    cols = browser.find_elements("css selector", "#follow .col")
    assert [c.find_element("tag name", "h4").text for c in cols] == [a["title"], b["title"]]
    first = browser.execute_script("return window._li = document.querySelector('#follow li')")
    assert first is not None
    story = [w for w, _ in a["story"][a["id"].index(ident)]]
    quiet = next(w for w in (20.05, 20.1, 20.2) if not any(20 < s <= w for s in story))
    browser.execute_script(f"regiePlayer.seek({quiet})")
    time.sleep(0.3)
    assert browser.execute_script("return window._li.isConnected"), "rebuilt without a line"
    # a story that began in the warm-up: "inloopperiode" stays clear of its sentence
    early = next(i for i, w, st in zip(a["id"], a["arrive"], a["story"], strict=True)
                 if w < 0 and len(st) > 1)
    browser.execute_script(f"regiePlayer.select({early}, 0)")
    time.sleep(0.3)
    gaps = browser.execute_script("""return [...document.querySelectorAll('#follow li')]
        .map(li => { const r = document.createRange(); r.selectNodeContents(li.children[0]);
                     return li.children[1].getBoundingClientRect().left
                            - r.getBoundingClientRect().right; })""")
    assert gaps and min(gaps) > 0, gaps
    assert "inloopperiode" in browser.find_element("id", "follow").text
    # an empty spot (the header of the canvas) stops following
    canvas = browser.find_element("id", "canvas-0")
    ActionChains(browser).move_to_element_with_offset(
        canvas, -canvas.size["width"] / 2 + 5, -canvas.size["height"] / 2 + 5).click().perform()
    assert browser.execute_script("return regiePlayer.selected") is None
    _until(lambda: "Klik op een stip" in browser.find_element("id", "follow").text)
    # a speed chosen, then Space plays
    Select(browser.find_element("id", "speed")).select_by_value("4")
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    _until(lambda: browser.execute_script("return regiePlayer.playing"))
    # the slider follows the clock although it has the focus
    browser.execute_script("document.getElementById('scrub').focus()")
    before = int(browser.find_element("id", "scrub").get_attribute("value"))
    _until(lambda: int(browser.find_element("id", "scrub").get_attribute("value")) > before + 2)


def test_a_shorter_run_ends_in_its_own_panel(browser, tmp_path: Path) -> None:
    data = film(short("direction"), 2, "en", short("direction", run={"horizon_weeks": 30.0}))
    _open(browser, tmp_path, data)
    browser.execute_script("regiePlayer.seek(40)")
    time.sleep(0.3)
    shown = browser.execute_script("return regiePlayer.panels.map(p => p.shown.ended)")
    assert shown == [False, True]
    assert browser.execute_script("return regiePlayer.week") == 40


def test_other_citizens_are_not_followed_across(browser, tmp_path: Path) -> None:
    """Not the same citizens: a dot is followed in its own panel only, and the story box
    says why."""
    data = film(short("direction"), 2, "nl",
                short("direction", initiatives={"arrival_rate": 4.5}))
    assert not data["paired"]
    a, b = data["panels"]
    ident = next(i for i, w, e in zip(b["id"], b["arrive"], b["exit"], strict=True)
                 if 5 <= w < 15 and (e is None or e > 22) and i in a["id"]
                 and a["arrive"][a["id"].index(i)] <= 20)
    _open(browser, tmp_path, data)
    browser.execute_script(f"regiePlayer.seek(20); regiePlayer.select({ident}, 1)")
    _until(lambda: "Andere burgers" in browser.find_element("id", "follow").text)
    assert len(browser.find_elements("css selector", "#follow .col")) == 1
    ringed = browser.execute_script("return regiePlayer.panels.map(p => p.shown.ringed)")
    assert ringed == [None, ident]

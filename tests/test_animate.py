"""The classroom player: its data follows the event log, and it plays in headless Chromium.

The browser tests need chromium and chromium-driver, as in tests/test_dashboard.py (they
fail on CI without them). Set REGIESIM_ANIMATE_SHOTS=docs to keep the two screenshots
(docs/animate-1.png, docs/animate-2.png) of the large city with and without fallback.
"""

from __future__ import annotations

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
from tests.conftest import SCENARIOS, short

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
    for bad, message in ((["--lang", "fr"], "lang: must be one of en, nl"),
                         (["--compare-set", "fallback.enabld=false"], "did you mean"),
                         (["--out", str(tmp_path)], "is a folder")):
        wrong = CliRunner().invoke(app, ["animate", str(SCENARIOS / "direction.toml"),
                                         "--out", str(out), *bad])
        assert wrong.exit_code == 2 and message in wrong.output, wrong.output


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
        assert ": sturend, valt terug" in data["panels"][0]["title"]
        assert ": regisserend, valt terug" in data["panels"][1]["title"]
        import dash

        assert film_page(*[{**values, "tabs": "numbers"}[i] for i in inputs]) is dash.no_update
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
    told = browser.find_element("id", "follow").text
    assert p["name"][i] in told
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


def test_two_moments_of_the_large_city(browser, tmp_path: Path) -> None:
    """The large city (about 1,500 initiatives) with and without fallback plays, and two
    moments look different; kept as docs/animate-*.png with REGIESIM_ANIMATE_SHOTS."""
    browser.set_window_size(1600, 1000)
    sc = load_scenario(SCENARIOS / "large-city.toml")
    data = film(sc, 1, "nl", sc.with_changes({"fallback.enabled": False}))
    assert len(data["panels"][0]["id"]) > 1500
    _open(browser, tmp_path, data)
    shots = []
    for week, follow in ((55, 40), (150, None)):
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
    folder = os.environ.get("REGIESIM_ANIMATE_SHOTS")
    if folder:
        for k, (_, png) in enumerate(shots, start=1):
            (Path(folder) / f"animate-{k}.png").write_bytes(png)

"""Every text the player draws on its canvases reads on a projector: none smaller than
12 px, none overlapping another (the fallback banner included), none running off its
canvas, at 1280 x 720, 1400 x 900 and 1600 x 900, and at 900 x 900, where the two
municipalities stand one above the other, in Dutch and English, measured in headless
Chromium (as tests/test_animate.py's browser tests; they fail on CI without it).

Seen before: "Doorverwijzing" over "Dialoog", "handtekening" and "college" about 8 px, the
count of citizens who did not come forward 8 px and over the queue's box; below 1000 px
two stacked canvases 200 px high, the exits' counts over their names.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sim import load_scenario
from sim.report.animate import film, page
from tests.browser import chromium
from tests.conftest import SCENARIOS

SIZES = ((1280, 720), (1400, 900), (1600, 900), (900, 900))
"""The last is narrower than 1000 px: the two municipalities stand one above the other."""
SMALLEST = 12.0
"""The least font size (px) of a text on a canvas."""

# every fillText of the page: its canvas, the frame it was drawn in, its text, its font
# size, and its box as drawn (the glyphs' extent around the anchor, in CSS pixels)
RECORD = r"""
window.drawn = [];
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  const m = this.measureText(String(text));
  const size = /(\d+(?:\.\d+)?)px/.exec(this.font);
  window.drawn.push({canvas: this.canvas.id, text: String(text),
    frame: window.regiePlayer ? regiePlayer.frames : -1, px: size ? Number(size[1]) : 0,
    box: [x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent,
          x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent]});
  return fill.call(this, text, x, y, ...rest);
};
"""
LAST_FRAME = """
const last = Math.max(...window.drawn.map(d => d.frame));
const sizes = Object.fromEntries(regiePlayer.panels.map(p => [p.canvas.id, [p.w, p.h]]));
return {texts: window.drawn.filter(d => d.frame === last), sizes: sizes};
"""


def problems(texts: list[dict], sizes: dict[str, list[float]], gap: float = 1.0) -> list[str]:
    """What is wrong with the texts of one frame: too small, overlapping another text of
    its canvas (boxes closer than ``gap`` px), or running off its canvas."""
    found = []
    for t in texts:
        x0, y0, x1, y1 = t["box"]
        width, height = sizes[t["canvas"]]
        if t["px"] < SMALLEST:
            found.append(f"{t['canvas']}: {t['text']!r} is {t['px']} px")
        if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
            found.append(f"{t['canvas']}: {t['text']!r} runs off the canvas {t['box']}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if a["canvas"] != b["canvas"] or not (a["text"].strip() and b["text"].strip()):
                continue
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
            if min(ax1, bx1) - max(ax0, bx0) > -gap and min(ay1, by1) - max(ay0, by0) > -gap:
                found.append(f"{a['canvas']}: {a['text']!r} overlaps {b['text']!r}")
    return found


def test_problems_finds_small_overlapping_and_cut_texts() -> None:
    """The measure itself: each fault it looks for is found, and a clean frame passes."""
    sizes = {"c": [100.0, 50.0]}
    clean = [{"canvas": "c", "text": "a", "px": 12, "box": [0, 0, 10, 10]},
             {"canvas": "c", "text": "b", "px": 12, "box": [12, 0, 20, 10]}]
    assert problems(clean, sizes) == []
    small = [{**clean[0], "px": 8}]
    touching = [clean[0], {**clean[1], "box": [10.5, 5, 20, 12]}]
    cut = [{**clean[0], "box": [95, 0, 105, 10]}]
    assert [len(problems(x, sizes)) for x in (small, touching, cut)] == [1, 1, 1]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[tuple[Path, list[float]]]:
    """The lesson's animation (fallback at week 53 of seed 1: the banner, the warning
    signs) in Dutch, and the direction-based municipality beside the directive one in
    English (its longest note: "Tension above the threshold – this municipality already
    directs"), each with the weeks to look at."""
    folder = tmp_path_factory.mktemp("labels")
    direction = load_scenario(SCENARIOS / "direction.toml")
    lesson = film(direction, 1, "nl", direction.with_changes({"fallback.enabled": False}))
    assert lesson["panels"][0]["fallback"][55] == 1
    beside = film(direction, 1, "en", load_scenario(SCENARIOS / "directive.toml"))
    assert beside["panels"][1]["fallback"][12] == 1 and not beside["panels"][1]["changes"]
    out = []
    for name, data, weeks in (("lesson", lesson, [55.5, 200.0]), ("beside", beside, [12.5])):
        path = folder / f"{name}.html"
        path.write_text(page(data), encoding="utf-8")
        out.append((path, weeks))
    return out


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_no_label_overlaps_or_is_small(pages, width: int, height: int, tmp_path: Path) -> None:
    found: list[str] = []
    with chromium(width, height) as driver:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD})
        for path, weeks in pages:
            driver.get(path.as_uri())
            for week in weeks:
                driver.execute_script(f"window.drawn = []; regiePlayer.seek({week})")
                time.sleep(0.4)
                frame = driver.execute_script(LAST_FRAME)
                texts = frame["texts"]
                shown = driver.execute_script("return regiePlayer.panels.map(p => p.shown)")
                # the frame holds what the class reads: both panels' column names, and in
                # the lesson the banner of the fallback
                assert {t["canvas"] for t in texts} == {"canvas-0", "canvas-1"}
                if path.stem == "lesson" and week < 60:
                    assert shown[0]["fallen"]
                    assert any(t["text"].startswith("⚠") for t in texts)
                found += [f"{path.stem} week {week} at {width}x{height}: {p}"
                          for p in problems(texts, frame["sizes"])]
                driver.save_screenshot(str(tmp_path / f"{path.stem}-{week}.png"))
    assert not found, "\n".join(found)

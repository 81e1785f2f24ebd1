"""The journey figure (the report's and the dashboard's Sankey) as a reader sees it: in
headless Chromium at 1280 x 720 and 1400 x 900, in Dutch and English, and at the width the
dashboard gives it at 1280 px, no name of a node overlaps another text or is cut off at
the figure's edge (:func:`tests.browser.text_clashes`, the report pages' measure), and
none is smaller than the animation's 12 px (:data:`tests.test_animate_labels.SMALLEST`).

Seen before: "Binnengekomen (752)" drawn over "Signalering (752)" at 1280 and 1400 px, and
at the dashboard's width every stage's name over the next.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.outcomes import STAGES
from sim.report import figures
from sim.report.html import figure_html, page
from tests.browser import chromium, text_clashes
from tests.test_animate_labels import SMALLEST

pytestmark = pytest.mark.slow  # a browser

SIZES = ((1280, 720), (1400, 900))
DASHBOARD_WIDTH = 820
"""About the width of the dashboard's figures in a 1280 px window (its controls take the
rest)."""

# a direction-based municipality's mean journey over a council term (counts as a batch of
# scenarios/direction.toml gives them: three digits, one with a decimal)
ARRIVALS = 752.25
LEAVING = {"signal": (0.0, 0.25), "intake": (4.5, 0.5), "handoffs": (12.0, 1.25),
           "dialogue": (2.5, 0.75), "decision": (5.0, 12.5), "realisation": (6.0, 53.5)}
"""Per stage: (gave up there, still there at the end)."""


def journey_runs(name: str) -> pd.DataFrame:
    """One run's row as journey_sankey reads it."""
    row = {"scenario": name, "arrivals": ARRIVALS, "rejected": 75.25}
    for stage in STAGES:
        row[f"dropouts_{stage}"], row[f"in_progress_{stage}"] = LEAVING[stage]
    return pd.DataFrame([row])


SIZE = r"""
return Math.min(...[...document.querySelectorAll('.plotly-graph-div svg text')]
  .filter(t => (t.textContent || '').trim())
  .map(t => parseFloat(getComputedStyle(t).fontSize)));
"""


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_name_in_the_journey_overlaps_or_is_small(tmp_path: Path, lang: str) -> None:
    name = {"nl": "Regiegemeente", "en": "direction"}[lang]
    fig = figures.journey_sankey(journey_runs(name), name, lang)
    path = tmp_path / f"journey-{lang}.html"
    path.write_text(page(name, [figure_html(fig)], lang), encoding="utf-8")
    found: list[str] = []
    for width, height in (*SIZES, (DASHBOARD_WIDTH, 720)):
        with chromium(width, height) as driver:
            shot = tmp_path / f"journey-{lang}-{width}.png"
            clashes, drawn = text_clashes(driver, path, shot, width=width)
            assert drawn == 1
            found += [f"{width} px: {c} (screenshot {shot})" for c in clashes]
            smallest = driver.execute_script(SIZE)
            if smallest < SMALLEST:
                found.append(f"{width} px: a name is {smallest} px (screenshot {shot})")
    assert not found, "\n".join(found)

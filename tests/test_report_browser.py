"""Reports as a reader sees them: opened in headless Chromium at 1400 px, no text may
overlap other text, be cut off at a figure's edge or run past the page's right edge, with
3 scenarios and with 30 (long names, Dutch), and for a sensitivity folder (Sobol indices,
the pairs plot). Each page's full screenshot is kept in the test's tmp dir.

The measuring itself is tested on a figure built to clash (long names, tick angle 0), so
that a measure that sees nothing cannot pass these tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from sim.experiment import run_batch
from sim.experiment.exploration import parse_ranges
from sim.experiment.sensitivity import run_sensitivity
from sim.report.folder import write_folder_report, write_plot
from sim.report.html import figure_html, page
from tests.browser import chromium, text_clashes
from tests.conftest import short

pytestmark = pytest.mark.slow  # a browser measures every page: ~160 s under load

BASE = short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})


def _sweep(out: Path, n: int, name: str) -> Path:
    uppers = [0.5 + 0.05 * i for i in range(n)]
    names = [name.format(i=i) for i in range(n)]
    run_batch({s: BASE.with_changes({"fallback.upper": u, "fallback.lower": 0.2})
               for s, u in zip(names, uppers, strict=True)}, reps=2, seed=5,
              backend="serial", out=out,
              params={s: {"fallback.upper": u} for s, u in zip(names, uppers, strict=True)})
    return out


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("browser")
    sensitivity = root / "sensitivity"
    ranges = parse_ranges({"municipality.dialogue": [0.1, 0.9],
                           "municipality.feedback": [0.1, 0.9],
                           "municipality.clear_frames": [0.1, 0.9]})
    run_sensitivity(BASE, ranges, 4, sensitivity, reps=1, seed=3, backend="serial",
                    outcomes=["success_rate", "share_dissatisfied"])
    return {"3": _sweep(root / "three", 3, "threshold {i}"),
            "30": _sweep(root / "thirty", 30, "municipality with a rather long name {i:02d}"),
            "sensitivity": sensitivity}


def _check(driver: Any, path: Path, least: int) -> None:
    shot = path.with_suffix(".png")
    found, figures = text_clashes(driver, path, shot)
    assert figures >= least, f"{path}: only {figures} figures drawn (screenshot {shot})"
    assert not found, (f"{path} ({len(found)} problems; screenshot {shot}):\n  "
                       + "\n  ".join(found[:25]))


@pytest.mark.parametrize(("folder", "lang", "least"),
                         [("3", "en", 8), ("30", "nl", 6), ("sensitivity", "nl", 3)])
def test_no_text_overlaps_in_a_report_at_1400_px(driver, folders, tmp_path, folder, lang,
                                                  least) -> None:
    path = write_folder_report(folders[folder], lang, out=tmp_path / f"{folder}-{lang}.html")
    _check(driver, path, least)


@pytest.mark.parametrize(("folder", "kind"), [("30", "sweep"), ("sensitivity", "sobol"),
                                              ("sensitivity", "pairs")])
def test_no_text_overlaps_in_a_plot_at_1400_px(driver, folders, tmp_path, folder,
                                                kind) -> None:
    path = write_plot(folders[folder], kind, "share_dissatisfied", "nl",
                      out=tmp_path / f"{kind}.html")
    _check(driver, path, 1)


def test_the_measure_sees_overlapping_and_cut_off_labels(driver, tmp_path) -> None:
    names = [f"a scenario with a long name {i:02d}" for i in range(30)]
    fig = go.Figure(go.Bar(x=names, y=list(range(30))))
    fig.update_xaxes(tickangle=0)
    fig.update_layout(height=400, margin={"b": 40})
    path = tmp_path / "clash.html"
    path.write_text(page("clash", [figure_html(fig)]), encoding="utf-8")
    found, figures = text_clashes(driver, path, tmp_path / "clash.png")
    assert figures == 1
    assert any('"a scenario with a long name 00" overlaps xtick "a scenario with a long '
               'name 01"' in f for f in found), found[:5]
    fig.update_xaxes(tickangle=-90)
    fig.update_layout(margin={"b": 10}, xaxis_automargin=False)
    path.write_text(page("cut", [figure_html(fig)]), encoding="utf-8")
    found, _ = text_clashes(driver, path, tmp_path / "cut.png")
    assert any("is cut off at the edge of the figure" in f for f in found), found[:5]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_text_overlaps_in_a_calibration_report(driver, tmp_path, lang) -> None:
    """The page of `regiesim calibrate` (sim/report/calibration.py) at 1280 and 1400 px:
    its panels three to a row with wrapped titles. Seen before: five panels in a row, the
    patterns' names over each other and over the tick labels."""
    from sim import build_scenario
    from sim.experiment.calibration import calibrate
    from sim.report.calibration import write_calibration_report

    result = calibrate(build_scenario({"run": {"horizon_weeks": 8.0, "warmup_weeks": 2.0}}),
                       {"satisfaction.dissatisfied_below": (0.3, 0.6),
                        "tension.release_rate": (0.1, 0.3)}, tmp_path / "cal",
                       particles=2, reps=1, backend="serial", ppc_draws=2, ppc_reps=1,
                       kernel="rejection", accept=1.0, log=lambda _line: None)
    path = write_calibration_report(result, lang)
    for width in (1280, 1400):
        shot = tmp_path / f"calibration-{lang}-{width}.png"
        found, figures = text_clashes(driver, path, shot, width=width)
        assert figures == 2
        assert not found, f"{width} px (screenshot {shot}):\n  " + "\n  ".join(found[:25])

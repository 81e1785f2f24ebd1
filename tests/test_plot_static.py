"""`regiesim plot --out FIG.svg|.png|.pdf`: a static figure for a paper, drawn by kaleido
with Debian's Chromium (what .ci/run installs), in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import run_batch
from tests.browser import require_browser
from tests.conftest import short


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    base = short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})
    uppers = (0.6, 1.4)
    run_batch({f"upper {u}": base.with_changes({"fallback.upper": u}) for u in uppers},
              reps=2, seed=5, backend="serial", out=out,
              params={f"upper {u}": {"fallback.upper": u} for u in uppers})
    return out


def test_plot_writes_svg_png_and_pdf(sweep: Path, tmp_path: Path) -> None:
    require_browser()  # kaleido draws with Chromium; on CI a missing one fails
    written = {}
    for suffix in ("svg", "png", "pdf"):
        out = tmp_path / f"figure.{suffix}"
        result = CliRunner().invoke(app, ["plot", str(sweep), "--kind", "sweep", "--lang",
                                          "nl", "--out", str(out)])
        assert result.exit_code == 0, result.output
        written[suffix] = out.read_bytes()
    svg = written["svg"].decode("utf-8")
    assert svg.startswith("<svg") and "Slagingspercentage" in svg  # the figure, in Dutch
    assert "spanningsdrempel voor terugval" in svg.lower()
    assert "Uitkomsten bij verschillende waarden" in svg  # its title is drawn on it
    assert written["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert written["pdf"][:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "figure.pdf", "figure.png", "figure.svg"]  # no temporary file left behind

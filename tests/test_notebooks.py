"""The notebooks in notebooks/ run from top to bottom on the project's Python, show what
they promise (every figure also as a static image, for GitHub and nbconvert's HTML), and
are stored without outputs.

``python -m tests.test_notebooks notebooks/*.ipynb`` clears the outputs of notebooks
saved from Jupyter.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tests.conftest import ROOT

FOLDER = ROOT / "notebooks"
NOTEBOOKS = {"researcher": FOLDER / "researcher.ipynb", "trainer": FOLDER / "trainer.ipynb"}
STORED_METADATA = {"kernelspec", "language_info"}
"""Notebook metadata a stored notebook may keep (no widget state, no timings)."""


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without outputs, execution counts and per-run metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    for key in set(nb.metadata) - STORED_METADATA:
        del nb.metadata[key]
    return nb


def venv_kernel(folder: Path) -> KernelManager:
    """A kernel on this interpreter (the project's .venv in CI), whatever kernels the
    user has installed elsewhere."""
    spec = folder / "kernels" / "regiesim"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "regiesim", "language": "python"}), encoding="utf-8")
    return KernelManager(kernel_name="regiesim", transport="ipc", ip=str(folder / "ipc"),
                         kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))


def execute(name: str, tmp: Path) -> nbformat.NotebookNode:
    """Run a notebook in notebooks/ (as Jupyter would); any cell that raises fails."""
    nb = nbformat.read(NOTEBOOKS[name], as_version=4)
    NotebookClient(nb, km=venv_kernel(tmp), timeout=300,
                   resources={"metadata": {"path": str(FOLDER)}}).execute()
    return nb


def tagged(nb: nbformat.NotebookNode, tag: str) -> str:
    """Everything the cell tagged ``tag`` showed: text, HTML and printed output."""
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}"
    parts = []
    for output in cells[0].outputs:
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts += [data.get("text/html", ""), data.get("text/plain", "")]
    return "\n".join(parts)


PLOTLY = "application/vnd.plotly.v1+json"
IMAGES = ("image/png", "image/svg+xml")


def figures_without_image(nb: nbformat.NotebookNode) -> list[str]:
    """The code cells that show more interactive plotly figures than static images (where
    plotly's JavaScript does not run, on GitHub and in nbconvert's HTML, such a figure is
    blank), each as the start of its source."""
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        data = [o.get("data", {}) for o in cell.get("outputs", [])]
        figures = sum(PLOTLY in d for d in data)
        images = sum(any(kind in d for kind in IMAGES) and PLOTLY not in d for d in data)
        if images < figures:
            missing.append(cell.source.splitlines()[0] if cell.source else "(empty cell)")
    return missing


def static_images(nb: nbformat.NotebookNode) -> list[bytes]:
    """Every PNG a notebook's outputs show, decoded."""
    import base64

    return [base64.b64decode(o["data"]["image/png"]) for c in nb.cells
            if c.cell_type == "code" for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})]


def test_a_figure_without_its_static_image_is_found() -> None:
    figure = nbformat.v4.new_output("display_data", data={PLOTLY: {"data": []},
                                                          "text/html": "<div></div>"})
    image = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    cell = nbformat.v4.new_code_cell("show(fig)")
    nb = nbformat.v4.new_notebook(cells=[cell])
    cell.outputs = [figure]
    assert figures_without_image(nb) == ["show(fig)"]
    cell.outputs = [figure, figure, image]
    assert figures_without_image(nb) == ["show(fig)"]
    cell.outputs = [figure, image]
    assert figures_without_image(nb) == []


def _drawn(png: bytes) -> None:
    """A static image that shows a figure: wide enough to read, and not blank."""
    import io

    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    assert picture.width >= 600 and picture.height >= 300, picture.size
    colours = picture.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, "a blank image"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS[name], as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.language == "python"
    stored = nbformat.writes(nb)
    assert stored == nbformat.writes(strip(nb)), (
        f"{NOTEBOOKS[name].name} has outputs: clear them (Jupyter: Edit > Clear Outputs of "
        "All Cells, or python -m tests.test_notebooks notebooks/*.ipynb)")


def test_strip_removes_what_a_run_leaves(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS["researcher"], as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="hello")]
    code.execution_count = 3
    code.metadata["execution"] = {"iopub.status.idle": "2026-01-01"}
    nb.metadata["widgets"] = {}
    stripped = strip(nb)
    assert not code.outputs and code.execution_count is None
    assert "execution" not in code.metadata and "widgets" not in stripped.metadata


@pytest.mark.slow  # a Jupyter kernel runs the whole notebook
def test_researcher_notebook_runs_and_compares(tmp_path: Path) -> None:
    nb = execute("researcher", tmp_path)
    table = tagged(nb, "compare")
    for column in ("difference", "ci_low", "ci_high", "significant"):
        assert f"<th>{column}</th>" in table
    assert table.count("<td>direction-no-fallback</td>") == 8  # reference of every row
    for scenario in ("direction", "directive"):
        assert table.count(f"<td>{scenario}</td>") == 4  # one row per outcome
    assert figures_without_image(nb) == []
    images = static_images(nb)
    assert len(images) >= 6  # bars, differences, series, sweep, Sobol, scatter
    for png in images:
        _drawn(png)


@pytest.mark.slow  # a Jupyter kernel runs the whole notebook
def test_trainer_notebook_runs_in_dutch(tmp_path: Path) -> None:
    nb = execute("trainer", tmp_path)
    table = tagged(nb, "compare")
    for scenario in ("regisserend", "regisserend, zonder terugval", "sturend"):
        assert f"<b>{scenario}</b>" in table
    assert "Slagingspercentage" in table
    # the directive municipality's weeks "in fallback" are weeks above the threshold
    assert table.count("weken boven de spanningsdrempel – stuurt al: geen terugval") == 1
    assert re.search(r"\[\d+,\d[^\]]*\]", table), "intervals with decimal commas"
    story = tagged(nb, "story")
    assert "week" in story and "Einde:" in story
    assert not re.search(r"\d\.\d", story), "decimal points in the Dutch story"
    assert "week  -13,0" in story and "De aanloop naar de verkiezingen begint" in story
    assert figures_without_image(nb) == []
    images = static_images(nb)
    assert len(images) >= 4  # differences, series, two journeys
    for png in images:
        _drawn(png)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        nbformat.write(strip(nbformat.read(path, as_version=4)), path)
        print(f"cleared {path}")

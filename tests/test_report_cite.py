"""Every report says how to cite it: the software as CITATION.cff names it, with the
version and the code identity that made the folder's runs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from sim import __version__
from sim.experiment import run_batch
from sim.provenance import describe
from sim.report.folder import build_folder_report
from sim.report.labels import TEXT
from tests.conftest import ROOT, short
from tests.htmlcheck import read


def test_citation_cff_names_this_version() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, flags=re.M)
    version = re.search(r'^version: "([^"]+)"$', text, flags=re.M)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version is not None and version.group(1) == __version__ == project
    assert re.search(r"^authors:\n  - name: ", text, flags=re.M)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_report_says_how_to_cite_it_with_its_code(tmp_path: Path, lang: str) -> None:
    base = short("direction", run={"horizon_weeks": 8.0, "warmup_weeks": 2.0})
    run_batch({"a": base}, reps=2, seed=1, backend="serial", out=tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    text = read(build_folder_report(tmp_path, lang)).section(TEXT["cite"][lang])
    html = build_folder_report(tmp_path, lang)
    block = html.split(f"<h2>{TEXT['cite'][lang]}</h2>")[1].split("<h2>")[0]
    assert text.heading == TEXT["cite"][lang]
    assert describe(manifest["code"], lang) in block  # version, source hash, revision
    assert f"{manifest['code']['version']} (CITATION.cff)" in block

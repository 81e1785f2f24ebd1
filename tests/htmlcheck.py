"""Reading a report back: its sections, the plotly figures in each, its tables.

Reports are flat: ``<h2>`` headings followed by tables and plotly divs. :func:`read`
returns one :class:`Section` per heading with the figures (their traces, decoded from
plotly's JSON, typed arrays included) and the table cells that follow it.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

RESULTS_FILES = ("runs.parquet", "series.parquet", "manifest.json")


def load_results(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Runs, series and manifest of a result folder (one place to switch to
    ``ResultStore.load(folder)`` when the store offers it)."""
    return (pd.read_parquet(folder / "runs.parquet"), pd.read_parquet(folder / "series.parquet"),
            json.loads((folder / "manifest.json").read_text()))


@dataclass
class Section:
    heading: str
    figures: list[list[dict[str, Any]]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Report:
    title: str
    lang: str
    sections: list[Section]

    def section(self, heading: str) -> Section:
        hits = [s for s in self.sections if s.heading.startswith(heading)]
        assert len(hits) == 1, f"{heading!r} not one of {[s.heading for s in self.sections]}"
        return hits[0]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[Section] = [Section("")]
        self.title = self.lang = ""
        self._tag: list[str] = []
        self._text: list[str] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        if tag in ("h1", "h2", "td", "th", "script"):
            self._text = []
        if tag == "tr":
            self._row = []
        self._tag.append(tag)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text).strip()
        if tag == "h1":
            self.title = text
        elif tag == "h2":
            self.sections.append(Section(text))
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(text)
        elif tag == "tr" and self._row is not None:
            self.sections[-1].rows.append(self._row)
            self._row = None
        elif tag == "script" and "Plotly.newPlot(" in text:
            self.sections[-1].figures.append(_traces(text))
        while self._tag and self._tag.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def _traces(script: str) -> list[dict[str, Any]]:
    """The data (list of traces) of the ``Plotly.newPlot("id", [...], ...)`` call."""
    start = script.index("Plotly.newPlot(")
    start = script.index("[", script.index(",", start))
    data, _ = json.JSONDecoder().raw_decode(script, start)
    return [_decode(trace) for trace in data]


def _decode(node: Any) -> Any:
    """Plotly's typed arrays ({"dtype", "bdata"}) as plain lists."""
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            arr = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
            if "shape" not in node:
                return arr.tolist()
            shape = node["shape"]  # plotly writes a 2-d shape as the string "4, 5"
            dims = [int(d) for d in shape.split(",")] if isinstance(shape, str) else shape
            return arr.reshape(dims).tolist()
        return {k: _decode(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decode(v) for v in node]
    return node


def read(text: str) -> Report:
    parser = _Parser()
    parser.feed(text)
    return Report(parser.title, parser.lang, parser.sections)


def parse_number(text: str) -> float:
    """A number as the report prints it ("52,3%", "0.46", "–") back to a float."""
    text = text.strip()
    if text == "–":
        return float("nan")
    scale = 0.01 if text.endswith("%") else 1.0
    return float(text.rstrip("%").replace(",", ".")) * scale


def cell_numbers(cell: str) -> tuple[float, float, float]:
    """(mean, low, high) of a headline cell "mean[low, high]" (Dutch: "[low; high]"), and
    of one with a note in words after it ("... tension episodes – already directs")."""
    match = re.fullmatch(r"(.+?)\[(.+?)[;,] (.+?)\](?:[^\d\[].*)?", cell.replace("\xa0", " "))
    assert match, cell
    return tuple(parse_number(g) for g in match.groups())  # type: ignore[return-value]

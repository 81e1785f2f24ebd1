"""Every Dutch artefact is Dutch all through: a Dutch report folder's report and plot
page (their text, table headers and the words in their figures), the classroom
animation, the dashboard's words, the story, the sensitivity study's pages and lines
(Morris and Sobol), the batch's lines and the experiment scripts' console hold no English
word of the catalogue.

The English words are found, not listed by hand: every word the catalogue
(:data:`sim.words.CATALOGUE`) and the outcome vocabulary (:mod:`sim.outcomes`) write in
English and nowhere in Dutch, plus the stored names the experiments give scenarios. A
parameter key shown as code (``<code>fallback.upper</code>``, what ``--set`` takes) and
the appendix of resolved scenarios (the scenario files' own keys) are not prose and are
not scanned, nor is a parameter key a figure or a terminal shows where the catalogue has
no Dutch name for it (:func:`without_keys`), nor a path on the terminal; everything else a
reader sees is. A parameter key in prose that the catalogue names in Dutch
(``satisfaction.dissatisfied_below``: ‘ontevreden onder’) is hidden English too
(:func:`raw_keys`). CSV files are data with machine column
names (scenario, outcome, ci_low), the same in every language, and are not Dutch
artefacts.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim import outcomes
from sim.experiment import run_batch
from sim.experiment.store import write_artefact
from sim.report.folder import build_folder_report
from sim.report.labels import TEXT
from sim.report.plots import write_plot
from sim.scenario import field_at
from sim.words import CATALOGUE, LISTS, SCENARIOS, parameter_name
from tests.conftest import ROOT, short

ALLOWED = frozenset({
    "regiesim", "seed", "seeds", "sobol", "prim", "mser", "welch", "stress", "pcg",
    "numpy", "seedsequence", "dask", "abc", "smc", "ks", "ess", "gb", "cpus", "pp", "ci",
    "s1", "st", "m", "c", "x", "git", "html", "csv", "parquet", "json", "runs", "run",
    "sankey", "college", "regie", "regisseur", "regisseurs", "partner", "partners",
    "feedback", "dialoog", "dashboard", "week", "weken", "status", "code", "software",
    "hardware", "scenario", "scenarios", "interval", "parameter", "parameters", "lang",
    "intake", "budget", "design", "manifest", "posterior", "prior", "failures",
})
"""Words both languages write (names, loanwords Dutch uses, technical terms)."""


def _words(text: str) -> set[str]:
    """The words of ``text``, lower case: a stretch with a digit in it is a version, hash
    or platform (ce742a9, x86_64-with-glibc2.36), not words; a dotted key is its words."""
    text = re.sub(r"\{[^}]*\}", " ", text)  # placeholders are not words
    chunks = [c for c in re.split(r"\s+", text) if not re.search(r"\d", c)]
    return {w.lower() for c in chunks for w in re.findall(r"[^\W\d_]+", c)}


def english_words() -> frozenset[str]:
    """Words written in English and never in Dutch by the catalogue and the outcome
    vocabulary, and the words of the stored names of the shipped scenarios."""
    en: set[str] = set()
    nl: set[str] = set()
    tables = list(CATALOGUE.values())
    for table in tables:
        for texts in table.values():
            en |= _words(texts["en"])
            nl |= _words(texts["nl"])
    for key in [*outcomes.SUMMARY, *outcomes.SERIES]:
        en |= _words(outcomes.label(key, "en")) | _words(outcomes.definition(key, "en"))
        nl |= _words(outcomes.label(key, "nl")) | _words(outcomes.definition(key, "nl"))
    for names in LISTS.values():
        en |= _words(" ".join(names["en"]))
        nl |= _words(" ".join(names["nl"]))
    en |= _words(" ".join(SCENARIOS)) | {"no", "fallback", "rebased", "live", "done"}
    return frozenset(en - nl - ALLOWED)


ENGLISH = english_words()


# a key, and a key that ends a sentence ("... satisfaction.satisfied_above.")
_KEY = re.compile(r"(?<![\w.])[A-Za-z_]+(?:\.[A-Za-z_]+)+(?!\w|\.\w)")


def raw_keys(text: str) -> list[str]:
    """The scenario parameter keys (``satisfaction.dissatisfied_below``) that ``text``
    shows as they are although the catalogue has a Dutch name for them: Dutch prose names
    a parameter (:func:`sim.words.parameter_name`: ‘ontevreden onder’); a key is code only
    where it is marked as code or the catalogue has no Dutch name."""
    return sorted({m.group() for m in _KEY.finditer(text) if field_at(m.group()) is not None
                   and parameter_name(m.group(), "nl") != m.group()})


def english_in(text: str) -> list[str]:
    """The English words of :data:`ENGLISH` in ``text``, and its raw parameter keys that
    have a Dutch name (:func:`raw_keys`)."""
    return sorted(w for w in _words(text) if w in ENGLISH) + raw_keys(text)


_VISIBLE_KEYS = frozenset({"text", "name", "title", "ticktext", "label", "x", "y"})


def _figure_words(node: Any, key: str = "") -> list[str]:
    """The strings a reader sees in a plotly figure's data and layout: titles, names,
    labels, annotations, tick and category texts (not colours, modes or templates)."""
    if isinstance(node, dict):
        return [s for k, v in node.items() if k != "template"
                for s in _figure_words(v, k if k in _VISIBLE_KEYS else key)]
    if isinstance(node, list):
        return [s for v in node for s in _figure_words(v, key)]
    return [node] if isinstance(node, str) and key in _VISIBLE_KEYS else []


def figures_of(page: str) -> list[str]:
    """The words of every plotly figure of an HTML page."""
    found = []
    decoder = json.JSONDecoder()
    for match in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]*\",\s*", page):
        data, end = decoder.raw_decode(page, match.end())
        layout, _ = decoder.raw_decode(page, page.index("{", end))
        found += _figure_words(data) + _figure_words(layout)
    return found


def without_keys(text: str) -> str:
    """``text`` without the scenario's parameter keys (``municipality.feedback``): on a
    terminal and in figures a key is code, what ``--set`` and ``[ranges]`` take, whether
    or not the catalogue has a Dutch name for it (in prose, :func:`raw_keys` catches
    one that has)."""
    return re.sub(r"[A-Za-z_]+(?:\.[A-Za-z_]+)+",
                  lambda m: " " if field_at(m.group()) is not None else m.group(), text)


_COMMAND = re.compile(r"regiesim [a-z-]+[^|;()\n]*")
_FILE = re.compile(r"\S+\.(csv|parquet|html|json|toml)\b")


def terminal(text: str) -> str:
    """What a reader reads on a terminal: the lines without paths and file names (the
    user's names, or the names a folder's files always have), the commands it suggests
    (code, as typed) and parameter keys."""
    lines = [_FILE.sub(" ", _COMMAND.sub(" ", line)) for line in text.splitlines()]
    return without_keys(" ".join(c for c in " ".join(lines).split() if "/" not in c))


def visible(page: str) -> str:
    """What a reader sees of an HTML page: its text (not scripts, styles, code or the
    appendix of resolved scenarios) and the words of its figures (parameter keys are
    code)."""
    figures = [without_keys(w.replace("<br>", "")) for w in figures_of(page)]  # a key
    # wrapped over two lines of an axis title is still a key
    page = page.split(TEXT["appendix"]["nl"])[0]
    text = re.sub(r"<(script|style|code|pre)[^>]*>.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return text + "\n" + "\n".join(figures)


@pytest.fixture(scope="module")
def dutch_folder(tmp_path_factory) -> Path:
    """A result folder as the flagship writes it: scenarios under the experiments' stored
    names, a sweep, and the tables of the answer, the threshold sweep, PRIM and the
    robustness map."""
    out = tmp_path_factory.mktemp("nl")
    base = short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})
    scenarios = {"direction[fallback.upper=0.8]": base.with_changes({"fallback.upper": 0.8}),
                 "direction[fallback.upper=1.2]": base.with_changes({"fallback.upper": 1.2}),
                 "direction-no-fallback": base.with_changes({"fallback.enabled": False})}
    params = {"direction[fallback.upper=0.8]": {"fallback.upper": 0.8},
              "direction[fallback.upper=1.2]": {"fallback.upper": 1.2},
              "direction-no-fallback": {}}
    run_batch(scenarios, reps=2, seed=5, backend="serial", out=out, params=params)
    write_artefact(out, "headline.csv", pd.DataFrame([
        {"claim": "fallback_cost_national", "estimate": 0.011, "low": 0.006,
         "high": 0.015, "interval": "ci95", "unit": "share"}]), "headline")
    write_artefact(out, "threshold.csv", pd.DataFrame([
        {"scenario": f"upper {u}", "outcome": o, "difference": -0.01, "ci_low": -0.02,
         "ci_high": 0.0, "upper": u} for u in (0.8, 1.2)
        for o in ("success_rate", "share_dissatisfied")]), "threshold_sweep")
    points = pd.DataFrame({"fallback.upper": [0.7, 1.5], "aldermen.incident_rate": [0.1, 0.2],
                           "cost": [-0.02, 0.0]})
    write_artefact(out, "discovery.csv", points, "discovery")
    write_artefact(out, "prim_box.csv", pd.DataFrame([
        {"parameter": "fallback.upper", "low": 0.6, "high": 1.0, "coverage": 0.8,
         "density": 0.7}]), "prim_box")
    write_artefact(out, "robustness.csv", pd.DataFrame([
        {"outcome": "success_rate", "fallback.upper": u, "aldermen.incident_rate": r,
         "difference": -0.01, "ci_low": -0.02, "ci_high": 0.0}
        for u in (0.8, 1.2) for r in (0.05, 0.1)]), "robustness")
    return out


def test_the_scan_finds_english_in_text_and_in_figures() -> None:
    assert {"direction", "unnamed", "live", "done", "fallback", "the"} <= ENGLISH
    assert not ENGLISH & {"terugval", "gemeente", "regisseurs", "week"}
    page = ("<p>Gepaarde verschillen ten opzichte van <i>direction</i></p>"
            "<code>fallback.upper</code><script>Plotly.newPlot(\"a\", [{\"name\": "
            "\"runs: 3/3 done\", \"mode\": \"lines\"}], {\"title\": {\"text\": "
            "\"unnamed\"}}, {})</script>")
    assert english_in(visible(page)) == ["direction", "done", "unnamed"]
    # a parameter key is code; the words around it and a path's words are read
    said = ("runs: 3/3 done in /tmp/x/unnamed, municipality.feedback the report.html\n"
            "next: regiesim compare uit --reference direction | regiesim report uit")
    assert english_in(terminal(said)) == ["done", "next", "the"]
    assert english_in(terminal("aldermen.incident_rate")) == []
    assert english_in(terminal("aldermen.incident_rated")) != []  # not a key: words
    # a key in Dutch prose where the catalogue names it in Dutch is hidden English; as
    # code it is what --set takes
    prose = "<p>een tevredenheid onder satisfaction.dissatisfied_below.</p>"
    assert "satisfaction.dissatisfied_below" in english_in(visible(prose))
    assert english_in(visible("<p>onder <code>satisfaction.dissatisfied_below</code></p>")) == []


def test_a_dutch_report_folder_holds_no_english(dutch_folder: Path) -> None:
    report = build_folder_report(dutch_folder, "nl")
    text = visible(report)
    assert english_in(text) == []
    # the sections that held English are there: names, the sweep, PRIM, STRESS
    assert "regisserende gemeente zonder terugval" in text
    assert "spanningsdrempel voor terugval" in text.lower()
    assert TEXT["prim"]["nl"] in text and TEXT["stress"]["nl"] in text


def test_a_dutch_plot_page_holds_no_english(dutch_folder: Path, tmp_path: Path) -> None:
    page = write_plot(dutch_folder, "sweep", "success_rate", "nl",
                      out=tmp_path / "sweep.html").read_text(encoding="utf-8")
    assert english_in(visible(page)) == []
    words = figures_of(page)
    assert any("spanningsdrempel" in w.lower() for w in words)  # the axis is in the scan


def test_the_dutch_animation_holds_no_english(tmp_path: Path) -> None:
    from sim.report.animate import film, page
    from sim.scenario_files import load_scenario
    from tests.conftest import SCENARIOS as FILES

    scenario = load_scenario(FILES / "direction.toml").with_changes(
        {"run.horizon_weeks": 12.0, "run.warmup_weeks": 2.0})
    played = film(scenario, 3, "nl", scenario.with_changes({"fallback.enabled": False}))
    titles = [p["title"] for p in played["panels"]]
    assert all(t.startswith("Regisserende gemeente") for t in titles), titles
    assert english_in(" ".join(titles)) == []
    assert english_in(" ".join(played["words"].values())) == []  # the player's words
    told = [line[-1] for p in played["panels"]
            for line in [*p["news"], *[line for story in p["story"] for line in story]]]
    told += [p[k] for p in played["panels"] for k in ("opening", "closing")]
    assert told and english_in(" ".join(told)) == []  # the news and the followed stories
    assert english_in(visible(page(played))) == []


def test_a_dutch_batch_reports_its_progress_in_dutch(tmp_path: Path, capsys) -> None:
    base = short("direction", run={"horizon_weeks": 8.0, "warmup_weeks": 2.0})
    run_batch({"direction": base}, reps=2, seed=5, backend="serial", out=tmp_path / "b",
              progress=True, lang="nl")
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1].startswith("runs: 2 van 2 klaar, ") and "runs per seconde" in lines[-1]
    assert english_in("\n".join(lines)) == []


class _Toy:
    """A model of known outcomes for a quick study: the dialogue drives success, the
    feedback culture dissatisfaction, and falling back adds to it."""

    def __init__(self, scenario, seed: int) -> None:
        import numpy as np

        noise = np.random.default_rng(seed).normal()
        m = scenario.municipality
        fallback = 0.1 * m.dialogue if scenario.fallback.enabled else 0.0
        self.summary = {"success_rate": 0.4 + 0.4 * m.dialogue + 0.01 * noise,
                        "share_dissatisfied": 0.5 - 0.3 * m.feedback + fallback
                        + 0.01 * noise}
        self.series = pd.DataFrame({"week": [0, 1], "x": [noise, noise]})


SMALL = """extends = "{root}/scenarios/direction.toml"
[run]
horizon_weeks = 8.0
warmup_weeks = 2.0
"""


def test_a_dutch_sensitivity_study_holds_no_english(tmp_path: Path, monkeypatch) -> None:
    """The Morris and Sobol pages (text, tables, figures) and the study's lines on the
    terminal, a derived outcome among them."""
    from typer.testing import CliRunner

    import sim.experiment.batch as batch_module
    from sim.cli import app

    monkeypatch.setattr(batch_module, "simulate", _Toy)
    monkeypatch.chdir(tmp_path)
    Path("klein.toml").write_text(SMALL.format(root=ROOT.as_posix()), encoding="utf-8")
    result = CliRunner().invoke(app, [
        "sensitivity", "klein.toml", "--method", "sobol", "--top", "2", "--samples", "4",
        "--trajectories", "2", "--reps", "2", "--relative", "0.5", "--lang", "nl",
        "--outcome", "success_rate", "--outcome", "fallback_cost:share_dissatisfied",
        "--backend", "serial", "--out", "studie"])
    assert result.exit_code == 0, result.output
    said = terminal(result.output)
    assert "Kosten van terugvallen in aandeel ontevreden (met min zonder)" in said
    assert "de 10 belangrijkste volgens μ*" in said and "runs: " in said
    assert english_in(said) == []
    for page in (Path("studie/morris/morris.html"), Path("studie/sobol/sobol.html")):
        text = visible(page.read_text(encoding="utf-8"))
        assert "Ruis tussen replicaties" in text and "aandeel ruis" in text
        assert "Kosten van terugvallen in aandeel ontevreden" in text
        assert english_in(text) == [], page
    # the folder's report over the study (regiesim report studie/sobol --lang nl)
    report = visible(build_folder_report(Path("studie/sobol"), "nl"))
    assert "Kosten van terugvallen in aandeel ontevreden (met min zonder)" in report
    assert english_in(report) == []


def test_a_dutch_batch_says_what_it_does_in_dutch(tmp_path: Path, monkeypatch) -> None:
    """regiesim batch --lang nl: its start, progress and closing lines."""
    from typer.testing import CliRunner

    from sim.cli import app

    monkeypatch.chdir(tmp_path)
    Path("klein.toml").write_text(SMALL.format(root=ROOT.as_posix()), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", "klein.toml", "--reps", "2", "--lang", "nl",
                                      "--backend", "serial", "--out", "uit"])
    assert result.exit_code == 0, result.output
    said = terminal(result.output)
    assert "replicaties = 2 runs" in said and "runs: 2 van 2 klaar" in said
    assert "klaar: 2 runs in" in said and "volgende stap:" in said
    assert english_in(said) == []


def test_a_dutch_batch_to_a_precision_and_with_a_bad_file_says_so_in_dutch(
        tmp_path: Path, monkeypatch) -> None:
    """regiesim batch --lang nl --precision: each round, the targets missed and what they
    need, the hint for a mean near zero, and the file it skipped."""
    from typer.testing import CliRunner

    from sim.cli import app

    monkeypatch.chdir(tmp_path)
    Path("klein.toml").write_text(SMALL.format(root=ROOT.as_posix()), encoding="utf-8")
    Path("kapot.toml").write_text("[initiatives]\narrival_rate = -1\n", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "batch", "klein.toml", "kapot.toml", "--reps", "2", "--max-reps", "3",
        "--precision", "0.0001", "--skip-invalid", "--lang", "nl", "--backend", "serial",
        "--out", "uit"])
    assert result.exit_code == 3, result.output  # the skipped file's exit status
    said = terminal(result.output)
    assert "replicaties klaar;" in said and "het lastigste:" in said
    assert "precisie niet gehaald" in said and "vraagt ongeveer" in said
    assert "ongeldig(e) bestand(en) overgeslagen" in said and "verder in uit" in said
    # the skipped file's problem is quoted as the schema's validation writes every problem
    assert english_in(said.replace("must be > 0.0, got -1", "")) == []


@pytest.mark.slow  # five experiment scripts, each a few batches: ~2 min under load
@pytest.mark.parametrize(("script", "extra"), [
    ("fallback", ["--points", "3"]), ("claims", []), ("national", ["--draws", "20"]),
    ("robustness", ["--points", "4"]), ("conditions", ["--samples", "2"])])
def test_an_experiment_asked_for_dutch_prints_no_english(tmp_path: Path, script: str,
                                                         extra: list[str]) -> None:
    """The console of an experiment script run with --lang nl (make demo runs fallback)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / f"{script}.py"), "--reps", "2",
         "--out", "uit", "--set", "run.horizon_weeks=26", "--set", "run.warmup_weeks=4",
         "--backend", "serial", "--lang", "nl", *extra],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    said = terminal(done.stdout + done.stderr)
    assert " klaar, " in said  # the progress lines are there, and scanned
    assert english_in(said) == []


PRIORS = """[priors]
"satisfaction.dissatisfied_below" = [0.3, 0.6]
"tension.release_rate" = [0.1, 0.3]
"""


def test_a_dutch_calibration_holds_no_english(tmp_path: Path, monkeypatch) -> None:
    """regiesim calibrate --lang nl: its lines on the terminal (the start, the draws, every
    pattern's check, the posterior) and its report.html (headings, tables, figures).
    Rejection ABC of two draws of an 8-week run, which needs no pyabc: seconds."""
    from typer.testing import CliRunner

    from sim.cli import app

    monkeypatch.chdir(tmp_path)
    Path("klein.toml").write_text(SMALL.format(root=ROOT.as_posix()), encoding="utf-8")
    Path("priors.toml").write_text(PRIORS, encoding="utf-8")
    result = CliRunner().invoke(app, [
        "calibrate", "klein.toml", "--priors", "priors.toml", "--out", "kal", "--kernel",
        "rejection", "--particles", "2", "--accept", "1", "--draws", "1", "--reps", "1",
        "--backend", "serial", "--lang", "nl"])
    assert result.exit_code == 0, result.output
    said = terminal(result.output)
    assert "ABC met verwerping" in said and "44% ontevreden" in said
    assert "effectieve steekproefomvang 2,0" in said and "klaar: posterior in" in said
    assert english_in(said) == []
    page = visible(Path("kal/report.html").read_text(encoding="utf-8"))
    assert "Toetsing van de voorspellingen uit de posterior" in page
    assert "Aandeel ontevreden" in page and "aandeel dat klopt" in page  # tables, figures
    assert english_in(page) == []


def test_a_dutch_value_of_information_holds_no_english(tmp_path: Path, monkeypatch) -> None:
    """regiesim value-of-information --lang nl: its lines and its table (three particles of
    the national calibration, one 26-week run each)."""
    from typer.testing import CliRunner

    from sim.cli import app
    from tests.test_cli_voi import POPULATION, SHORT, _posterior

    monkeypatch.chdir(tmp_path)
    posterior = _posterior(tmp_path / "posterior")
    result = CliRunner().invoke(app, [
        "value-of-information", "--posterior", str(posterior), "--population",
        str(POPULATION), "--out", "uit", "--reps", "1", "--simulations", "100",
        "--backend", "serial", "--lang", "nl", *SHORT])
    assert result.exit_code == 0, result.output
    said = terminal(result.output)
    assert "waarde van informatie" in said and "deeltjes: 3 van 3" in said
    assert "Wat als eerste meten" in said and "ontevreden in regiegemeenten" in said
    assert "%-punt" in said and "klaar:" in said
    assert english_in(said) == []

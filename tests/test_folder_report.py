"""The one report builder: it knows what kind of folder it shows (sensitivity, sweep,
batch), writes a new file unless asked to replace, and every report carries a glossary
and a reproducibility (STRESS) block from the manifest. Figures stay legible with many
scenarios (measured on plotly's layout: pixels per bar row, distinct colours)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import run_batch
from sim.experiment.exploration import parse_ranges
from sim.experiment.sensitivity import run_sensitivity
from sim.outcomes import HEADLINE, definition
from sim.report import figures
from sim.report.folder import build_folder_report, report_path, write_folder_report
from sim.report.labels import TEXT, label
from sim.report.stress import stress_rows
from sim.words import STREAMS, parameter_name, word
from tests.conftest import plain_output, short
from tests.htmlcheck import read


@pytest.fixture(scope="module")
def sensitivity(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sensitivity")
    ranges = parse_ranges({"municipality.dialogue": [0.1, 0.9],
                           "municipality.feedback": [0.1, 0.9]})
    base = short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})
    run_sensitivity(base, ranges, 4, out, reps=1, seed=3, backend="serial",
                    outcomes=["success_rate", "share_dissatisfied"])
    return out


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    base = short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})
    uppers = (0.6, 1.0, 1.4)
    run_batch({f"upper {u}": base.with_changes({"fallback.upper": u, "fallback.lower": 0.2})
               for u in uppers}, reps=2, seed=5, backend="serial", out=out,
              params={f"upper {u}": {"fallback.upper": u} for u in uppers})
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_sensitivity_folder_shows_sobol_not_hundreds_of_rows(sensitivity, lang) -> None:
    text = build_folder_report(sensitivity, lang)
    rep = read(text)
    headings = [s.heading for s in rep.sections]
    assert not any(h.startswith(TEXT["headline"][lang]) for h in headings)
    assert "[–, –]" not in text and "[–; –]" not in text
    indices = pd.read_csv(sensitivity / "sobol.csv")
    [fig, *_] = rep.section(TEXT["sobol"][lang]).figures
    assert len(fig) == 2 * indices["outcome"].nunique()  # S1 and ST, a panel per outcome
    for k, (_, part) in enumerate(indices.groupby("outcome", sort=False)):
        s1, st = fig[2 * k], fig[2 * k + 1]
        assert s1["name"] == label("S1", lang) and st["name"] == label("ST", lang)
        assert s1["y"] == [parameter_name(p, lang) for p in part["parameter"]]
        assert s1["x"] == pytest.approx(list(part["S1"]))
        assert st["x"] == pytest.approx(list(part["ST"]))
    [scatter, pairs] = rep.section(TEXT["samples"][lang]).figures
    assert {t["xaxis"] for t in scatter} == {"x", "x2"}  # a panel per parameter
    # the pairs plot: the sampled parameters, most influential (ST) first, coloured by
    # the outcome
    [matrix] = pairs
    samples = pd.read_csv(sensitivity / "samples.csv")
    st = indices[indices["outcome"] == "success_rate"].set_index("parameter")["ST"]
    ranked = list(st.sort_values(ascending=False).index)
    assert matrix["type"] == "splom"
    assert [d["label"].replace("<br>", " " if lang == "nl" else "")
            for d in matrix["dimensions"]] == [parameter_name(p, lang) for p in ranked]
    for dim, name in zip(matrix["dimensions"], ranked, strict=True):
        assert dim["values"] == pytest.approx(list(samples[name]))
    assert matrix["marker"]["color"] == pytest.approx(list(samples["success_rate"]))
    assert len(text) < 5_000_000


def test_a_sweep_folder_plots_outcomes_against_the_swept_parameter(sweep) -> None:
    rep = read(build_folder_report(sweep, "en"))
    [fig] = rep.section(TEXT["sweep"]["en"].split("{")[0]).figures
    lines = [t for t in fig if t.get("mode") == "lines+markers"]
    assert len(lines) == len(HEADLINE)
    runs = pd.read_parquet(sweep / "runs.parquet")
    means = runs.groupby("scenario")["success_rate"].mean()
    [success] = [t for t in lines if t["name"] == label("success_rate", "en")]
    assert success["x"] == [0.6, 1.0, 1.4]
    assert success["y"] == pytest.approx([means[f"upper {u}"] for u in (0.6, 1.0, 1.4)])


def test_a_report_goes_to_a_new_file_unless_asked_to_replace(sweep, tmp_path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    for name in ("runs.parquet", "series.parquet", "manifest.json"):
        (folder / name).write_bytes((sweep / name).read_bytes())
    runner = CliRunner()
    made = []
    for args in (["--lang", "en"], ["--lang", "nl"], ["--lang", "nl"], ["--replace"]):
        result = runner.invoke(app, ["report", str(folder), *args])
        assert result.exit_code == 0, result.output
        said = "rapport geschreven naar " if "nl" in args else "report written to "
        made.append(result.output.split(said)[1].split()[0])
    assert [Path(p).name for p in made] == ["report.html", "report-nl.html",
                                            "report-nl-2.html", "report.html"]
    assert read((folder / "report-nl-2.html").read_text(encoding="utf-8")).lang == "nl"
    assert report_path(folder, "en", replace=True) == folder / "report.html"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_report_has_a_glossary_and_a_stress_block(sweep, lang) -> None:
    rep = read(build_folder_report(sweep, lang))
    rows = rep.section(TEXT["glossary"][lang]).rows
    assert [r[0] for r in rows[1:]] == [label(o, lang) for o in HEADLINE]
    assert [r[2] for r in rows[1:]] == [definition(o, lang) for o in HEADLINE]
    manifest = json.loads((sweep / "manifest.json").read_text())
    block = dict(rep.section(TEXT["stress"][lang]).rows)
    assert block == dict(stress_rows(manifest, lang))
    length, reps, rng, code, _, hardware, _, took, _ = block.values()
    assert "26" in length and "4" in length
    assert reps.startswith("2 ") and "5" in reps
    assert "SeedSequence" in rng and word(STREAMS, "signs", lang) + " 7" in rng
    assert manifest["code"]["source_hash"][:16] in code
    assert f"{os.cpu_count()} " in hardware and manifest["hardware"]["host"] in hardware
    assert ("minutes" if lang == "en" else "minuten") in took
    assert dict(stress_rows({}, lang))[rep.section(TEXT["stress"][lang]).rows[5][0]] == (
        "not recorded" if lang == "en" else "niet vastgelegd")


def _summary(n: int) -> pd.DataFrame:
    names = [f"scenario-with-a-long-name-{i:02d}" for i in range(n)]
    return pd.DataFrame([{"scenario": s, "outcome": o, "mean": 0.3 + i / 200,
                          "ci_low": 0.25, "ci_high": 0.4 + i / 200, "n": 5}
                         for i, s in enumerate(names) for o in HEADLINE[:4]])


def _row_pixels(fig: go.Figure, axis: str, rows: int) -> float:
    """Pixels one category gets on a y axis, from the layout alone."""
    layout = fig.layout
    inner = layout.height - (layout.margin.t or 100) - (layout.margin.b or 80)
    low, high = layout[axis].domain
    return (high - low) * inner / rows


@pytest.mark.parametrize("n", [3, 30, 50])
def test_figures_stay_legible_with_many_scenarios(n: int) -> None:
    summary = _summary(n)
    bars = figures.outcome_bars(summary, list(HEADLINE[:4]), "nl")
    if n > figures.MANY:
        assert all(t.orientation == "h" for t in bars.data)
        assert _row_pixels(bars, "yaxis", n) >= 16  # tick labels 12 px: no overlap
    assert len(set(bars.data[0].marker.color)) == n, "no colour repeats"
    diffs = summary.rename(columns={"mean": "difference"}).assign(reference="x")
    forest = figures.difference_plot(diffs, "nl")
    assert _row_pixels(forest, "yaxis", n) >= 16
    series = pd.DataFrame([{"scenario": s, "week": w, "trust": 0.5, "tension": 0.5,
                            "fallback": 0.0} for s in summary["scenario"].unique()
                           for w in range(5)])
    lines = figures.series_plot(series, "en")
    assert _row_pixels(lines, "yaxis", 1) >= 170, "panels do not shrink under the legend"
    assert len({t.line.color for t in lines.data}) == n


def test_many_scenarios_get_one_end_state_chart_not_a_sankey_each(sweep) -> None:
    runs = pd.read_parquet(sweep / "runs.parquet")
    many = pd.concat([runs.assign(scenario=runs["scenario"] + f" #{k}") for k in range(4)])
    rep = read(build_report_for(many))
    journeys = rep.section(TEXT["journeys"]["en"]).figures
    assert len(journeys) == 1 and {t["type"] for t in journeys[0]} == {"bar"}


def build_report_for(runs: pd.DataFrame) -> str:
    from sim.report import build_report

    return build_report(runs, pd.DataFrame(), lang="en")


def test_write_folder_report_writes_what_it_builds(sweep, tmp_path) -> None:
    path = write_folder_report(sweep, "nl", out=tmp_path / "r.html")
    assert read(path.read_text(encoding="utf-8")) == read(build_folder_report(sweep, "nl"))


@pytest.mark.parametrize("command", ["report", "compare"])
def test_an_interrupted_batch_is_reported_as_incomplete(sweep, tmp_path, command) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    for name in ("runs.parquet", "series.parquet"):
        (folder / name).write_bytes((sweep / name).read_bytes())
    manifest = json.loads((sweep / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "status": "running",
                                                      "replications": 4}))
    extra = ["--reference", "upper 0.6"] if command == "compare" else []
    result = CliRunner().invoke(app, [command, str(folder), *extra], terminal_width=300)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "is incomplete: 6 of 12 runs finished" in said and "to resume" in said
    complete = CliRunner().invoke(app, [command, str(sweep), *extra], terminal_width=300)
    assert "incomplete" not in complete.output


# --- regiesim plot: one figure of a folder ------------------------------------------------


def _plot(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["plot", str(folder), *args], terminal_width=400)
    return result.exit_code, " ".join(result.output.split())


def _figure(path: Path) -> tuple[str, list[dict]]:
    text = path.read_text(encoding="utf-8")
    rep = read(text)
    [fig] = [f for s in rep.sections for f in s.figures]
    return text, fig


def test_plot_sweep_draws_the_outcome_against_the_parameter_with_its_band(sweep,
                                                                          tmp_path) -> None:
    code, said = _plot(sweep, "--kind", "sweep", "--outcome", "fallback_weeks", "--lang",
                       "nl", "--out", str(tmp_path / "s.html"))
    assert code == 0, said
    text, fig = _figure(tmp_path / "s.html")
    band, line = fig
    assert line["name"] == label("fallback_weeks", "nl")
    runs = pd.read_parquet(sweep / "runs.parquet")
    means = runs.groupby("scenario")["fallback_weeks"].mean()
    assert line["x"] == [0.6, 1.0, 1.4]
    assert line["y"] == pytest.approx([means[f"upper {u}"] for u in (0.6, 1.0, 1.4)])
    assert band["fill"] == "toself" and min(band["y"]) >= 0, "weeks are never below zero"
    assert '"separators":",."' in text and "<html lang='nl'>" in text
    assert read(text).title == TEXT["sweep"]["nl"].format(p="spanningsdrempel voor terugval")


def test_plot_sobol_and_pairs_draw_one_outcome(sensitivity, tmp_path) -> None:
    code, said = _plot(sensitivity, "--kind", "sobol", "--outcome", "share_dissatisfied",
                       "--out", str(tmp_path / "sobol.html"))
    assert code == 0, said
    _, (s1, st) = _figure(tmp_path / "sobol.html")
    indices = pd.read_csv(sensitivity / "sobol.csv")
    part = indices[indices["outcome"] == "share_dissatisfied"].sort_values(
        "ST", ascending=False)
    assert s1["y"] == list(part["parameter"]) == st["y"]
    assert st["x"] == pytest.approx(list(part["ST"]))
    assert st["error_x"]["array"] == pytest.approx(list(part["ST_conf"]))
    assert s1["error_x"]["array"] == pytest.approx(list(part["S1_conf"]))
    code, said = _plot(sensitivity, "--kind", "pairs", "--outcome", "share_dissatisfied")
    assert code == 0, said
    path = sensitivity / "plot-pairs-share_dissatisfied-en.html"
    assert f"plot written to {path}" in said
    _, [matrix] = _figure(path)
    samples = pd.read_csv(sensitivity / "samples.csv")
    assert matrix["marker"]["color"] == pytest.approx(list(samples["share_dissatisfied"]))


@pytest.mark.parametrize(("which", "args", "message"), [
    ("sensitivity", ["--kind", "sweep"], "--kind sweep needs a batch whose scenarios differ "
     "in a [sweep] parameter; this folder offers --kind sobol, pairs"),
    ("sweep", ["--kind", "pairs"], "this folder offers --kind sweep"),
    ("sweep", ["--kind", "pie"],
     "'--kind': Value error, 'pie' is not one of 'sweep', 'sobol', 'pairs'"),
    ("sweep", ["--kind", "sweep", "--outcome", "succes_rate"], "did you mean success_rate"),
    ("sensitivity", ["--kind", "sobol", "--outcome", "arrivals"],
     "sobol.csv holds no 'arrivals'; it has success_rate, share_dissatisfied"),
    ("sweep", ["--kind", "sweep", "--parameter", "x"], "varies fallback.upper, got 'x'"),
    ("sweep", ["--kind", "sweep", "--out", "plot.gif"], "must end in .html, .svg, .png, .pdf"),
    ("sweep", ["--kind", "sweep", "--lang", "de"],
     "'--lang': Value error, 'de' is not one of 'en', 'nl'"),
])
def test_plot_says_what_the_folder_lacks(sweep, sensitivity, which, args, message) -> None:
    folder = {"sweep": sweep, "sensitivity": sensitivity}[which]
    code, said = _plot(folder, *args)
    assert code == 2 and message in plain_output(said), said
    assert "Traceback" not in said


def test_a_file_named_with_out_is_not_written_over_unless_asked(sensitivity,
                                                                 tmp_path) -> None:
    mine = tmp_path / "mine.html"
    mine.write_text("my own notes")
    for command in (["plot", str(sensitivity), "--kind", "sobol"],
                    ["report", str(sensitivity)]):
        done = CliRunner().invoke(app, [*command, "--out", str(mine)], terminal_width=300)
        assert done.exit_code == 2 and "add --replace" in " ".join(done.output.split())
        assert mine.read_text() == "my own notes"
    done = CliRunner().invoke(app, ["plot", str(sensitivity), "--kind", "sobol", "--out",
                                    str(mine), "--replace"])
    assert done.exit_code == 0 and "my own notes" not in mine.read_text()


def test_plot_sweep_draws_a_line_per_value_of_another_swept_key_never_pooling(
        tmp_path) -> None:
    """A grid over the threshold and fallback on/off: at each threshold the two settings
    are two lines, named by the other key's value, not their mean."""
    out = tmp_path / "grid"
    base = short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})
    grid = {(u, on): f"upper {u} {on}" for u in (0.6, 1.4) for on in (True, False)}
    run_batch({name: base.with_changes({"fallback.upper": u, "fallback.lower": 0.2,
                                        "fallback.enabled": on})
               for (u, on), name in grid.items()}, reps=2, seed=5, backend="serial", out=out,
              params={name: {"fallback.upper": u, "fallback.enabled": on}
                      for (u, on), name in grid.items()})
    code, said = _plot(out, "--kind", "sweep", "--parameter", "fallback.upper", "--outcome",
                       "fallback_weeks", "--out", str(tmp_path / "g.html"))
    assert code == 0, said
    _text, fig = _figure(tmp_path / "g.html")
    lines = {t["name"]: t for t in fig if t.get("mode") == "lines+markers"}
    assert set(lines) == {"fallback.enabled=True", "fallback.enabled=False"}
    runs = pd.read_parquet(out / "runs.parquet")
    means = runs.groupby("scenario")["fallback_weeks"].mean()
    for on in (True, False):
        line = lines[f"fallback.enabled={on}"]
        assert line["x"] == [0.6, 1.4]
        assert line["y"] == pytest.approx([means[grid[(u, on)]] for u in (0.6, 1.4)])
    assert lines["fallback.enabled=False"]["y"] == [0.0, 0.0]  # no fallback: no weeks in it

"""Dutch output is Dutch: the report (its text and the words in its figures), the
narration and the glossary hold none of the English words that slipped into Dutch output
before (an English figure title, "1 fallback(s)", "spot", "share of runs ...")."""

from __future__ import annotations

import json
import re

import pytest

from sim.experiment import run_batch
from sim.experiment.warmup import warmup_check
from sim.outcomes import SERIES, SUMMARY, definition, label, unit
from sim.report.folder import build_folder_report
from sim.report.labels import TEXT
from sim.report.narrate import story
from tests.conftest import short

ENGLISH = ["fallback", "spot", "success", "dropout", "dropouts", "share of", "replication",
           "replications", "mean", "warm-up", "moving average", "the", "and", "with",
           "threshold", "difference", "source"]
"""Words that are wrong in Dutch output; a word inside a key or a name (fallback.upper,
x86_64-with-glibc) does not count, nor does "(s)" need word edges."""
PATTERNS = [rf"(?<![\w.-]){re.escape(w)}(?![\w.-])" for w in ENGLISH] + [r"\(s\)"]


def english(text: str) -> list[str]:
    """The English words of :data:`ENGLISH` (and "(s)") found in ``text``."""
    return [m.group(0) for pattern in PATTERNS
            for m in re.finditer(pattern, text, flags=re.IGNORECASE)]


def visible(html: str) -> str:
    """What a reader sees of a report: its text up to the technical appendix (resolved
    scenarios as JSON) and the words of its figures (titles, axis titles, trace names,
    annotations)."""
    html = html.split(TEXT["appendix"]["nl"])[0]
    words = []
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        if "Plotly.newPlot(" in script:
            words += [json.loads(f'"{s}"') for s in re.findall(
                r'"(?:text|name)":"((?:[^"\\]|\\.)*)"', script)]
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text) + "\n" + "\n".join(words)


@pytest.fixture(scope="module")
def dutch_report(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("nl")
    base = short("direction", run={"horizon_weeks": 26.0, "warmup_weeks": 4.0})
    run_batch({"met": base, "zonder": base.with_changes({"fallback.enabled": False})},
              reps=2, seed=5, backend="serial", out=out)
    warm = warmup_check(base, reps=2, seed=5, backend="serial")
    warm.table.assign(reps=warm.reps).to_csv(out / "warmup.csv", index=False)
    warm.series.to_csv(out / "warmup_series.csv", index=False)
    return build_folder_report(out, "nl")


def test_the_check_finds_english_and_passes_parameter_keys() -> None:
    assert english("1 fallback(s) on the spot, share of runs") == [
        "fallback", "spot", "share of", "the", "(s)"]
    assert english("terugval boven fallback.upper; 3 successen, Afgehaakt") == []


def test_a_dutch_report_has_no_english_words(dutch_report: str) -> None:
    text = visible(dutch_report)
    assert TEXT["warmup"]["nl"] in text and "MSER-5" in text  # the warm-up figure is in
    assert english(text) == []


def test_the_dutch_narration_has_no_english_words() -> None:
    forced = short("direction", tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
                   fallback={"enabled": True, "upper": 1.0, "lower": 0.4})
    text = "\n".join(line.text for line in story(forced, 2, "nl", follow=4))
    assert "sturende rol" in text
    assert english(text) == []


def test_the_dutch_glossary_has_no_english_words() -> None:
    """Nor a parameter's key where the catalogue names it in Dutch (‘ontevreden onder’,
    not satisfaction.dissatisfied_below)."""
    from tests.test_dutch_artefacts import raw_keys

    for key in [*SUMMARY, *SERIES]:
        shown = f"{label(key, 'nl')} ({unit(key, 'nl')}): {definition(key, 'nl')}"
        assert english(shown) == [], shown
        assert raw_keys(shown) == [], shown


def test_every_dutch_word_table_is_free_of_english_words() -> None:
    from sim.words import CATALOGUE

    shown = {f"{name}[{key!r}]": re.sub(r"\{[^}]*\}", "", words["nl"])  # no placeholders
             for name, table in CATALOGUE.items() for key, words in table.items()}
    assert {where: english(text) for where, text in shown.items() if english(text)} == {}

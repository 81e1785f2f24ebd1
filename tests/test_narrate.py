"""Narration: the story of one run, deterministic in the seed, in Dutch and English."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.report.narrate import initiative_names, story
from tests.conftest import ROOT, SCENARIOS, short


def test_names_are_deterministic_in_the_seed_and_distinct() -> None:
    assert initiative_names(3, 50, "nl") == initiative_names(3, 50, "nl")
    assert initiative_names(3, 50, "nl") != initiative_names(4, 50, "nl")
    assert len(set(initiative_names(3, 300, "nl"))) == 300


def test_same_seed_same_story() -> None:
    sc = short("direction")
    assert story(sc, 5, "nl", 2) == story(sc, 5, "nl", 2)


FALLBACK_WORDS = {"nl": "terug in de sturende rol", "en": "falls back into the directing role"}
CUT_WORDS = {"nl": "Bezuiniging zonder overleg", "en": "A budget cut without consultation"}


def _forced(fallback: bool = True):
    """A run where a large budget cut in week 10 forces a fallback (and nothing else
    raises tension by chance: no incidents)."""
    return short("direction", tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
                 fallback={"enabled": fallback, "upper": 1.0, "lower": 0.4},
                 aldermen={"incident_rate": 0.0})


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_story_tells_followed_journeys_in_time_order(lang: str) -> None:
    lines = story(_forced(), 2, lang, follow=3)
    weeks = [line.week for line in lines]
    assert weeks == sorted(weeks)
    names = initiative_names(2, 2000, lang)
    told = {n for n in names if any(n in line.text for line in lines)}
    assert 1 <= len(told) <= 3
    [cut] = [line for line in lines if CUT_WORDS[lang] in line.text]
    [fell] = [line for line in lines if FALLBACK_WORDS[lang] in line.text]
    assert cut.kind == fell.kind == "municipality"
    assert 10.0 <= cut.week <= fell.week < 12.0, "the cut is told, then the fallback it forces"
    assert lines[-1].kind == "closing"


def test_dutch_story_writes_decimal_commas_and_dutch_style_names() -> None:
    nl = " ".join(line.text for line in story(_forced(), 2, "nl", follow=3))
    en = " ".join(line.text for line in story(_forced(), 2, "en", follow=3))
    assert re.search(r"spanning \+?\d,\d\d", nl) and not re.search(r"\d\.\d", nl)
    assert re.search(r"tension \+?\d\.\d\d", en)
    assert nl.startswith("Een regisserende gemeente") and "'direction-based' style" in en


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_opening_counts_one_manager_and_one_alderman_in_the_singular(lang: str) -> None:
    sc = short("direction", middle_managers={"per_department": 1}, aldermen={"college_size": 1})
    opening = story(sc, 2, lang, follow=0)[0].text
    one = {"nl": ("één middenmanager per afdeling", "één wethouder."),
           "en": ("one middle manager per department", "one alderman.")}[lang]
    assert all(words in opening for words in one), opening


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_fallback_sentence_without_a_fallback(lang: str) -> None:
    texts = " ".join(line.text for line in story(_forced(fallback=False), 2, lang, follow=3))
    assert CUT_WORDS[lang] in texts and FALLBACK_WORDS[lang] not in texts


def test_narrate_command_is_plain_text_when_piped() -> None:
    out = subprocess.run([sys.executable, "-m", "sim.cli", "narrate",
                          str(SCENARIOS / "election-year.toml"), "--seed", "3", "--lang", "en",
                          "--follow", "2", "--set", "run.horizon_weeks=26"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    assert "\x1b[" not in out.stdout
    assert "Quarter 1" in out.stdout and "The end" in out.stdout


def test_narrate_rejects_unknown_language() -> None:
    result = CliRunner().invoke(app, ["narrate", str(SCENARIOS / "typical.toml"),
                                      "--lang", "fr"])
    assert result.exit_code == 2 and "lang" in result.output


SIGNS = ("internal_information", "cuts_without_consultation", "blaming_partners",
         "figures_over_stories", "feedback_as_criticism")
# per event of the log: a phrase only its sentence has (nl, en)
PHRASES = {
    "disappointed": ("is teleurgesteld", "is disappointed"),
    "quits": ("besluit te stoppen", "decides to stop"),
    "derailed": ("ontspoort", "derails"),
    "breach": ("is verbroken", "is broken"),
    "linked": ("in contact gebracht met", "put in touch with"),
    "dialogue_round": ("overlegronde", "round of talks"),
}


def _eventful(permit_reject: float = 1.0):
    """A run where everything v2 can tell happens: a forced fallback showing every warning
    sign (the partner role withdrawn disappoints), many derailments, rounds of talks, links,
    public backings, and permits refused with ``permit_reject``."""
    return short("direction", tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
                 fallback={"enabled": True, "upper": 1.0, "lower": 0.4,
                           "warning_signs": {s: {"prob": 1.0} for s in SIGNS}},
                 aldermen={"incident_rate": 0.0, "symbol_prob": 1.0},
                 municipality={"derail_prob": 1.0, "polder_prob": 0.9,
                               "permit_reject_prob": permit_reject},
                 initiatives={"disappointment_quit": 1.0})


def _log(scenario, seed: int):
    from sim.run import simulate

    return simulate(scenario.with_changes({"run.event_log": True}), seed)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_v2_event_is_told_once_per_event(lang: str) -> None:
    sc = _eventful()
    result = _log(sc, 4)
    log = result.log[(result.log["week"] >= 0)
                     & result.log["id"].isin([-1, *result.initiatives["id"]])]
    lines = story(sc, 4, lang, follow=100_000)  # everyone followed: every event told
    texts = [line.text for line in lines]
    column = 0 if lang == "nl" else 1
    for event, phrases in PHRASES.items():
        n = int((log["event"] == event).sum())
        assert n > 0, f"the forced run has no {event}"
        told = sum(phrases[column] in t for t in texts)
        assert told == n, (event, told, n)
    starts = lines.index(next(li for li in lines if FALLBACK_WORDS[lang] in li.text))
    signs = [li for li in lines if li.text.startswith(("Waarschuwingssignaal:", "Warning sign:"))]
    assert len(signs) == len(SIGNS) == int(log["event"].str.startswith("sign_").sum())
    assert all(li.kind == "municipality" and li.week == lines[starts].week for li in signs)
    assert len({li.text for li in signs}) == len(SIGNS)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_public_backing_tells_real_support_from_empty_symbolism(lang: str) -> None:
    sc = _eventful()
    result = _log(sc, 4)
    log = result.log
    backings = log[(log["event"] == "public_backing") & (log["week"] >= 0)
                   & log["id"].isin(result.initiatives["id"])]
    real, empty = int((backings["value"] == 1.0).sum()), int((backings["value"] == 0.0).sum())
    assert real and empty, "the forced run has both kinds of backing"
    texts = [line.text for line in story(sc, 4, lang, follow=100_000)]
    substance = {"nl": ("echt geleverd", "symboliek zonder inhoud"),
                 "en": ("really did deliver", "symbolism without substance")}[lang]
    assert sum(substance[0] in t for t in texts) == real
    assert sum(substance[1] in t for t in texts) == empty


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_refused_permit_is_told_as_a_rejection_with_its_reason(lang: str) -> None:
    permit = {"nl": "krijgt geen vergunning en wordt afgewezen",
              "en": "is refused a permit and turned down"}[lang]
    reason = {"nl": "wordt afgewezen:", "en": "is turned down:"}[lang]
    refused = _log(_eventful(1.0), 4)
    df = refused.initiatives
    needs_permit = df["needs"].str.split("+").apply(lambda n: "autonomous" in n)
    lines = [li.text for li in story(_eventful(1.0), 4, lang, follow=100_000)]
    rejections = [t for t in lines if permit in t or reason in t]
    told_permit = sum(permit in t for t in lines)
    assert told_permit >= int(((df["outcome"] == "rejected") & needs_permit).sum()) > 0
    log = refused.log
    told = log[(log["event"] == "rejected") & (log["week"] >= 0)
               & log["id"].isin(refused.initiatives["id"])]
    assert len(rejections) == len(told) > 0, "every rejection gives a reason"
    never = [li.text for li in story(_eventful(0.0), 4, lang, follow=100_000)]
    assert not any(permit in t for t in never)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_line_is_repeated_word_for_word(lang: str) -> None:
    sc = short("direction", aldermen={"incident_rate": 0.3})
    lines = [li.text for li in story(sc, 2, lang, follow=20)]
    assert len(set(lines)) == len(lines)
    assert sum(("incident" in t) for t in lines) >= 3


def test_a_municipality_without_regisseurs_loses_no_mandate() -> None:
    directive = short("directive", tension={"cuts": [{"week": 10.0, "tension": 5.0}]},
                      aldermen={"incident_rate": 0.0})
    lines = story(directive, 2, "nl", follow=2)
    assert "geen regisseurs" in lines[0].text
    [fell] = [li.text for li in lines if "De spanning loopt op tot" in li.text]
    assert "mandaat" not in fell and "partnerrol" not in fell
    # a directive municipality has no other role to fall back from: it is told so
    assert "stuurt al" in fell and "verandert niets" in fell
    assert "Meer handtekeningen" not in fell
    regie = [li.text for li in story(_forced(), 2, "nl", follow=2)
             if FALLBACK_WORDS["nl"] in li.text]
    assert "regisseurs zonder mandaat" in regie[0] and "partnerrol" in regie[0]


def test_a_directive_municipality_is_not_said_to_fall_back_at_the_end() -> None:
    """Where the directing role changes nothing, the closing counts tension episodes (the
    times tension crossed the threshold), not fallbacks."""
    sc = short("directive", tension={"cuts": [{"week": 10.0, "tension": 5.0}]})
    nl, en = (story(sc, 2, lang, follow=0)[-1].text for lang in ("nl", "en"))
    assert re.search(r"(één|\d+) spanningsepisodes? \(\d+ weken boven de drempel\)", nl), nl
    assert re.search(r"(one|\d+) tension episodes? \(\d+ weeks above the threshold\)", en), en
    assert "viel" not in nl and "terugval" not in nl.replace("terugvallen verandert niets", "")
    assert "fell back" not in en and "fallback" not in en
    regie = story(_forced(), 2, "nl", follow=0)[-1].text
    assert "viel" in regie and "terug" in regie, regie


def test_ordinals_are_words_up_to_twenty() -> None:
    from sim.report.narrate import ordinal

    assert [ordinal(n, "nl") for n in (10, 11, 12, 20, 21)] == [
        "tiende", "elfde", "twaalfde", "twintigste", "21e"]
    assert [ordinal(n, "en") for n in (11, 12, 13, 20, 21, 22)] == [
        "eleventh", "twelfth", "thirteenth", "twentieth", "21st", "22nd"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_repeat_says_so_without_two_brackets_in_a_row(lang: str) -> None:
    from sim.report.narrate import Line, _unrepeated

    eased = {"nl": "De spanning is gezakt (0,38).", "en": "Tension has eased (0.38)."}[lang]
    waits = {"nl": "Kees wacht op de eerste handtekening van een middenmanager.",
             "en": "Kees waits for a middle manager's first signature."}[lang]
    lines = [Line(float(k), "x", text) for k, text in enumerate([eased, eased, waits, waits,
                                                                 waits])]
    out = [line.text for line in _unrepeated(lines, lang)]
    assert ")(" not in "".join(out) and ") (" not in "".join(out)
    if lang == "nl":
        assert out[1] == "De spanning is gezakt (0,38), voor de tweede keer."
        assert out[3] == "Kees wacht opnieuw op de eerste handtekening van een middenmanager."
        assert out[4].endswith("middenmanager, voor de derde keer.")
    else:
        assert out[1] == "Tension has eased (0.38), for the second time."
        assert out[3] == "Kees waits again for a middle manager's first signature."
    assert len(set(out)) == len(out)

"""The catalogue of words (sim/words.py): every key in every language, the same
placeholders in each, and numbers written as each language writes them (Babel)."""

from __future__ import annotations

import math
import string

import pytest

from sim import words
from sim.words import CATALOGUE, LANGS, LISTS


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_a_text_in_every_language() -> None:
    missing = [f"{table}[{key!r}]" for table, entries in CATALOGUE.items()
               for key, texts in entries.items()
               if set(texts) != set(LANGS) or not all(texts[lang].strip(" ") for lang in LANGS)]
    assert missing == []


def test_every_key_has_the_same_placeholders_in_every_language() -> None:
    differ = {f"{table}[{key!r}]": {lang: sorted(_fields(texts[lang])) for lang in LANGS}
              for table, entries in CATALOGUE.items() for key, texts in entries.items()
              if len({frozenset(_fields(texts[lang])) for lang in LANGS}) > 1}
    assert differ == {}


def test_every_word_list_is_as_long_in_every_language() -> None:
    for name, lists in LISTS.items():
        assert set(lists) == set(LANGS), name
        assert len({len(lists[lang]) for lang in LANGS}) == 1, name


def test_every_table_is_in_the_catalogue() -> None:
    """The checks above walk :data:`CATALOGUE`: a table left out of it is not checked."""
    listed = {id(t) for t in CATALOGUE.values()}
    left_out = [name for name, v in vars(words).items() if name.isupper() and isinstance(v, dict)
                and name not in ("CATALOGUE", "LISTS", "LOCALES") and id(v) not in listed]
    assert left_out == []


@pytest.mark.parametrize(("x", "lang", "digits", "expected"), [
    (1234.5, "nl", 1, "1.234,5"), (1234.5, "en", 1, "1,234.5"),
    (1234567.0, "nl", 0, "1.234.567"), (0.25, "nl", 2, "0,25"), (-0.4, "nl", 2, "-0,40"),
    (2.675, "en", 2, "2.67")])  # rounds the float's exact value, as Python does
def test_decimal(x: float, lang: str, digits: int, expected: str) -> None:
    assert words.decimal(x, lang, digits) == expected


@pytest.mark.parametrize(("x", "lang", "digits", "expected"), [
    (0.443, "nl", 1, "44,3%"), (0.443, "en", 1, "44.3%"), (0.5, "nl", 0, "50%"),
    (12.3456, "nl", 1, "1.234,6%"), (0.125, "en", 0, "12%")])
def test_percent(x: float, lang: str, digits: int, expected: str) -> None:
    assert words.percent(x, lang, digits) == expected


@pytest.mark.parametrize(("x", "spec", "lang", "expected"), [
    (0.443, ".0%", "nl", "44%"), (0.5312, ".2f", "nl", "0,53"), (0.5312, ".2f", "en", "0.53"),
    (41.5, "g", "nl", "41,5"), (208.0, "g", "nl", "208"), (12.25, "6.1f", "nl", "  12,2"),
    (1500.0, ".0f", "nl", "1.500"), (12.3456, ".3g", "nl", "12,3"), (math.nan, ".1f", "nl", "nan")])
def test_a_template_spec_is_written_in_the_language(x: float, spec: str, lang: str,
                                                    expected: str) -> None:
    assert f"{words.local(x, lang):{spec}}" == expected
    assert words.formatted(x, spec, lang) == expected


def test_say_writes_floats_in_the_language_and_leaves_ints_alone() -> None:
    text = words.say(words.STORY, "fell_n", "nl", n=1234, weeks=12.6)
    assert text == "de gemeente viel 1234 keer terug (13 weken)"
    assert words.say(words.STORY, "quarter", "nl", q=1, arrived="3", success=1, dropout=0,
                     rejected=0, trust=0.443, tension=0.5312).endswith(
        "vertrouwen 44%, spanning 0,53.")


def test_separators_and_symbols() -> None:
    assert words.plotly_separators("nl") == ",." and words.plotly_separators("en") == ".,"
    assert words.symbols("nl") == {"decimal": ",", "group": "."}


def test_an_unknown_language_or_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="lang: must be one of en, nl, got 'fr'"):
        words.decimal(1.0, "fr")
    with pytest.raises(ValueError, match="number format"):
        words.formatted(1.0, "x", "nl")


def test_join() -> None:
    assert words.join(["a", "b", "c"], "nl") == "a, b en c"
    assert words.join(["a", "b"], "en") == "a and b" and words.join(["a"], "en") == "a"

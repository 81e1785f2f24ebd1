"""Finishing an experiment: tables, the HTML report, and the headline on the terminal."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.analysis import bounded, paired_differences, summarise
from sim.report.folder import Meta, failures_section, write_folder_report
from sim.report.html import HEADLINE, already_directing, write_report
from sim.report.labels import (
    SAME_ROLE_OUTCOMES,
    interval,
    label,
    outcome_label,
    shown_names,
    signed,
    signed_interval,
    value,
)
from sim.words import PUBLISH, join, say, word


def publish(runs: pd.DataFrame, series: pd.DataFrame, out: str | Path, reference: str,
            title: str, outcomes: list[str] | None = None, manifest: dict | None = None,
            lang: str = "en", console: Console | None = None,
            extra: list[tuple[str, str]] | None = None) -> dict[str, Path]:
    """Write summary.csv, differences.csv and report.html into ``out``; print the headline."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    outcomes = [o for o in (outcomes or HEADLINE) if o in runs.columns]
    summary, diffs, paths = _tables(runs, out, reference, outcomes)
    paths["report"] = out / "report.html"
    write_report(paths["report"], runs, series, reference=reference, manifest=manifest,
                 lang=lang, title=title, outcomes=outcomes, extra=extra)
    print_headline(summary, diffs, title, lang, console or Console(),
                   already_directing(manifest, summary["scenario"].unique()))
    return paths


def _tables(runs: pd.DataFrame, out: Path, reference: str, outcomes: list[str]
            ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Path]]:
    summary = bounded(summarise(runs, outcomes))  # no count below 0, no share above 100%
    paths = {"summary": out / "summary.csv", "differences": out / "differences.csv"}
    summary.to_csv(paths["summary"], index=False)
    diffs = (paired_differences(runs, outcomes, reference)
             if runs["scenario"].nunique() > 1 else pd.DataFrame())
    diffs.to_csv(paths["differences"], index=False)
    return summary, diffs, paths


def publish_store(folder: str | Path, reference: str, title: str | dict[str, str],
                  outcomes: list[str] | None = None, lang: str = "en",
                  console: Console | None = None) -> dict[str, Path]:
    """Finish an experiment's result folder: summary.csv, differences.csv, report.json
    (title, reference, outcomes) and report.html, which :func:`write_folder_report` builds
    from everything the folder holds, so ``regiesim report`` rebuilds the same report.
    ``title`` is one string or one per language."""
    from sim.experiment.store import ResultStore

    stored = ResultStore.load(folder)
    outcomes = [o for o in (outcomes or HEADLINE) if o in stored.runs.columns]
    summary, diffs, paths = _tables(stored.runs, stored.folder, reference, outcomes)
    titles = title if isinstance(title, dict) else {"en": title}
    Meta(titles, reference, outcomes).write(stored.folder)
    paths["report"] = write_folder_report(stored.folder, lang, replace=True)
    print_headline(summary, diffs, titles.get(lang) or titles["en"], lang,
                   console or Console(),
                   already_directing(stored.manifest, summary["scenario"].unique()))
    return paths


__all__ = ["failures_section", "print_headline", "publish", "publish_store"]


def print_headline(summary: pd.DataFrame, diffs: pd.DataFrame, title: str, lang: str,
                   console: Console, same_role: Collection[str] = ()) -> None:
    """The headline on the terminal: a column per scenario when it fits the width, else
    one line per scenario and outcome; values as the report writes them. The fallback
    counts of the scenarios in ``same_role`` (whose fallback changes nothing) are called
    tension episodes."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    changes = not (scenarios and set(scenarios) <= set(same_role))
    # names in the reader's language, shown as written (a sweep variant's [key=value] is
    # not markup)
    shown = {k: escape(v) for k, v in shown_names(
        [*scenarios, *diffs.get("reference", [])], lang).items()}
    cells = {(r.scenario, r.outcome): f"{value(r.outcome, r.mean, lang)} "
             f"{interval(r.outcome, r.ci_low, r.ci_high, lang)}" + (
                 f" ({outcome_label(str(r.outcome), lang, False).lower()})"
                 if changes and r.scenario in same_role
                 and r.outcome in SAME_ROLE_OUTCOMES else "")
             for r in summary.itertuples()}
    names = [outcome_label(str(o), lang, changes) for o in dict.fromkeys(summary["outcome"])]
    widest = max(len(c) for c in cells.values()) if cells else 0
    wide = max(map(len, names), default=0) + len(scenarios) * (max(widest, *map(
        len, [shown[n] for n in scenarios])) + 3) <= console.width
    table = Table(title=title, title_justify="left")
    if wide:
        table.add_column("")
        for name in scenarios:
            table.add_column(shown[name], justify="right", no_wrap=True)
        for outcome in dict.fromkeys(summary["outcome"]):
            table.add_row(outcome_label(str(outcome), lang, changes),
                          *[cells.get((n, outcome), "–") for n in scenarios])
    else:
        for col in ("scenario", "outcome", "mean"):
            table.add_column(word(PUBLISH, col, lang), overflow="fold",
                             justify="right" if col == "mean" else "left",
                             no_wrap=col == "mean")
        for name in scenarios:
            for outcome in dict.fromkeys(summary["outcome"]):
                table.add_row(shown[name], outcome_label(str(outcome), lang, changes),
                              cells.get((name, outcome), "–"))
            table.add_section()
    console.print(table)
    if not diffs.empty:
        ref = diffs["reference"].iloc[0]
        console.print(say(PUBLISH, "differences", lang, ref=f"[bold]{shown[ref]}[/]"))
        # a fallback count where exactly one side already directs counts tension episodes
        # there and fallbacks at the other: that difference is not given (as in the report)
        unlike = diffs["outcome"].isin(SAME_ROLE_OUTCOMES) & (
            diffs["scenario"].isin(same_role) != diffs["reference"].isin(same_role))
        for _, r in diffs[~unlike].iterrows():
            star = "*" if r["significant"] else " "
            o = r["outcome"]
            console.print(f"  {star} {shown[r['scenario']]}: {label(o, lang)} "
                          f"{signed(o, r['difference'], lang)} "
                          f"{signed_interval(o, r['ci_low'], r['ci_high'], lang)}",
                          soft_wrap=True, highlight=False)
        for outcome, left in diffs[unlike].groupby("outcome", sort=False)["scenario"]:
            console.print(say(PUBLISH, "unlike_counts", lang, outcome=label(str(outcome), lang),
                              names=join([shown[n] for n in dict.fromkeys(left)], lang),
                              counted=outcome_label(str(outcome), lang, False).lower()),
                          soft_wrap=True, highlight=False)

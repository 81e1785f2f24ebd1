"""Finishing an experiment: tables, the HTML report, and the headline on the terminal."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from sim.analysis import paired_differences, summarise
from sim.report.html import HEADLINE, write_report
from sim.report.labels import label


def publish(runs: pd.DataFrame, series: pd.DataFrame, out: str | Path, reference: str,
            title: str, outcomes: list[str] | None = None, manifest: dict | None = None,
            lang: str = "en", console: Console | None = None,
            extra: list[tuple[str, str]] | None = None) -> dict[str, Path]:
    """Write summary.csv, differences.csv and report.html into ``out``; print the headline."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    outcomes = [o for o in (outcomes or HEADLINE) if o in runs.columns]
    summary = summarise(runs, outcomes)
    paths = {"summary": out / "summary.csv", "differences": out / "differences.csv",
             "report": out / "report.html"}
    summary.to_csv(paths["summary"], index=False)
    diffs = (paired_differences(runs, outcomes, reference)
             if runs["scenario"].nunique() > 1 else pd.DataFrame())
    diffs.to_csv(paths["differences"], index=False)
    write_report(paths["report"], runs, series, reference=reference, manifest=manifest,
                 lang=lang, title=title, outcomes=outcomes, extra=extra)
    print_headline(summary, diffs, title, lang, console or Console())
    return paths


def publish_store(folder: str | Path, reference: str, title: str,
                  outcomes: list[str] | None = None, lang: str = "en",
                  console: Console | None = None,
                  extra: list[tuple[str, str]] | None = None) -> dict[str, Path]:
    """:func:`publish` a result folder (read with ``ResultStore.load``), failed runs included."""
    from sim.experiment.store import ResultStore

    stored = ResultStore.load(folder)
    return publish(stored.runs, stored.series, stored.folder, reference, title, outcomes,
                   stored.manifest, lang, console,
                   [*(extra or []), *failures_section(stored.failures)])


def failures_section(failures: pd.DataFrame) -> list[tuple[str, str]]:
    """A report section listing failed runs (none when every run succeeded)."""
    if failures is None or failures.empty:
        return []
    rows = "".join(f"<tr><td>{html.escape(str(r.scenario))}</td><td>{int(r.replication)}</td>"
                   f"<td>{int(r.seed)}</td><td>{html.escape(str(r.error))}</td></tr>"
                   for r in failures.itertuples())
    return [(f"Failed runs ({len(failures)})",
             "<p>These runs raised an error and are not in the tables above; their "
             "tracebacks are in failures.parquet.</p><table><tr><th>scenario</th>"
             f"<th>replication</th><th>seed</th><th>error</th></tr>{rows}</table>")]


def print_headline(summary: pd.DataFrame, diffs: pd.DataFrame, title: str, lang: str,
                   console: Console) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    scenarios = list(dict.fromkeys(summary["scenario"]))
    for name in scenarios:
        table.add_column(str(name), justify="right")
    for outcome, part in summary.groupby("outcome", sort=False):
        row = part.set_index("scenario")
        table.add_row(label(str(outcome), lang), *[
            f"{row.loc[n, 'mean']:.3g} [{row.loc[n, 'ci_low']:.3g}, {row.loc[n, 'ci_high']:.3g}]"
            for n in scenarios])
    console.print(table)
    if not diffs.empty:
        ref = diffs["reference"].iloc[0]
        console.print(f"Paired differences against [bold]{ref}[/] (95% CI; * excludes 0):")
        for _, r in diffs.iterrows():
            star = "*" if r["significant"] else " "
            console.print(f"  {star} {r['scenario']:<22} {label(r['outcome'], lang):<26} "
                          f"{r['difference']:+.3g} [{r['ci_low']:+.3g}, {r['ci_high']:+.3g}]",
                          soft_wrap=True)

"""A text summary of a snapshot: what `defence-dashboard sources` prints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

from dashboard import editions
from dashboard.snapshot.io import load, load_package


def summary_lines(folder: Path | None = None, today: dt.date | None = None) -> list[str]:
    """One line per source and edition: rows, years, indicators; the age of each source's newest
    edition on ``today`` (default: the real today), as every page shows it; then licences."""
    table = load(folder)
    package = load_package(folder)
    today = today or dt.date.today()
    ages = editions.ages(list(table[["source", "edition"]].drop_duplicates().itertuples(index=False, name=None)),
                         today)
    # a government budget's every figure is its own edition: one line for the registry
    table = table.assign(edition=table["edition"].where(table["source"] != editions.NATIONAL, "(every figure)"))
    counts = (table.groupby(["source", "edition"], sort=True)
              .agg(rows=("value", "size"), first=("year", "min"), last=("year", "max"),
                   indicators=("indicator", "nunique"), countries=("iso3", "nunique")))
    pairs = [cast(tuple[str, str], key) for key in counts.index]  # the two group keys, both text
    wide = max([len("edition"), *(len(e) for _, e in pairs)])  # Kiel's "2026-08-04 R29" is wider than a date
    lines = [f"{'source':<10} {'edition':<{wide}} {'rows':>8}  {'years':<9}  "
             f"{'areas':>5}  {'indicators':>10}"]
    for (source, edition), (_, row) in zip(pairs, counts.iterrows()):
        lines.append(f"{source:<10} {edition:<{wide}} {row['rows']:>8,}  "
                     f"{row['first']}-{row['last']}  {row['countries']:>5}  {row['indicators']:>10}")
    lines.append(f"{'total':<10} {'':<{wide}} {len(table):>8,}")
    lines.append("")
    lines.append(f"Age of each source's newest edition on {today.isoformat()}:")
    lines += [f"  {age.text()}" for age in ages]
    lines.append("")
    for src in package.get("sources", []):
        licence = "; ".join(lic["title"] for lic in src.get("licenses", []))
        lines.append(f"{src['name']}: {src['title']} ({src['publisher']}). Licence: {licence}.")
        for ed in src.get("editions", []):
            lines.append(f"    {ed['edition']}: {ed['file']} retrieved {ed['retrieved']}")
    return lines

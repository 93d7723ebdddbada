"""A text summary of a snapshot: what `defence-dashboard sources` prints."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from dashboard.snapshot.io import load, load_package


def summary_lines(folder: Path | None = None) -> list[str]:
    """One line per source and edition: rows, years, indicators; then licences."""
    table = load(folder)
    package = load_package(folder)
    counts = (table.groupby(["source", "edition"], sort=True)
              .agg(rows=("value", "size"), first=("year", "min"), last=("year", "max"),
                   indicators=("indicator", "nunique"), countries=("iso3", "nunique")))
    lines = [f"{'source':<10} {'edition':<11} {'rows':>8}  {'years':<9}  "
             f"{'areas':>5}  {'indicators':>10}"]
    for key, row in counts.iterrows():
        source, edition = cast(tuple[str, str], key)  # the two group keys, both text
        lines.append(f"{source:<10} {edition:<11} {row['rows']:>8,}  "
                     f"{row['first']}-{row['last']}  {row['countries']:>5}  {row['indicators']:>10}")
    lines.append(f"{'total':<10} {'':<11} {len(table):>8,}")
    lines.append("")
    for src in package.get("sources", []):
        licence = "; ".join(lic["title"] for lic in src.get("licenses", []))
        lines.append(f"{src['name']}: {src['title']} ({src['publisher']}). Licence: {licence}.")
        for ed in src.get("editions", []):
            lines.append(f"    {ed['edition']}: {ed['file']} retrieved {ed['retrieved']}")
    return lines

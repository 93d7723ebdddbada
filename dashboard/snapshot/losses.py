"""What a new build would lose compared with the snapshot it replaces.

A changed header or a deleted column in a published file can make a loader read fewer
figures without any error; "exit 0 with less data" is the worst failure a data tool
has. Before a build replaces a snapshot, every observation of the old one (its key:
source, edition, country, year, indicator, price base) must be in the new one. New
editions and new rows are gains and always welcome; a lost row stops the build with one
line saying what would be lost, unless the user accepts it with a reason
(``build --accept-loss "reason"``), which the snapshot then records.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import schema

MAX_LISTED = 4  # indicators, countries or years named per source/edition in the message


@dataclass(frozen=True)
class Loss:
    """The rows one source/edition would lose."""

    source: str
    edition: str
    rows: int
    of_rows: int                 # rows it had in the old snapshot
    indicators: dict[str, int]   # indicator → rows lost
    countries: list[str]         # codes with no row left
    years: list[int]             # years with no row left
    files: str                   # the raw file(s) it comes from

    def describe(self) -> str:
        """``nato 2024-06 (file.xlsx): 682 of 5,346 rows (milex_share_gdp 341, …)``."""
        parts = [f"{ind} {n:,}" for ind, n in list(self.indicators.items())[:MAX_LISTED]]
        if len(self.indicators) > MAX_LISTED:
            parts.append(f"{len(self.indicators) - MAX_LISTED} more indicators")
        if self.countries:
            parts.append("all of " + ", ".join(self.countries[:MAX_LISTED])
                         + (f" and {len(self.countries) - MAX_LISTED} more" if len(self.countries) > MAX_LISTED else ""))
        if self.years:
            parts.append("every row of " + ", ".join(str(y) for y in self.years[:MAX_LISTED])
                         + (f" and {len(self.years) - MAX_LISTED} more years" if len(self.years) > MAX_LISTED else ""))
        whole = " (the whole edition)" if self.rows == self.of_rows else ""
        return (f"{self.source} {self.edition} ({self.files}): {self.rows:,} of {self.of_rows:,} rows{whole}: "
                + "; ".join(parts))


def compare(old: pd.DataFrame, new: pd.DataFrame, files: dict[tuple[str, str], str],
            old_files: dict[tuple[str, str], str]) -> list[Loss]:
    """Every source/edition of ``old`` whose rows are not all in ``new``.

    ``files``/``old_files``: (source, edition) → raw file names, of the new build and
    of the old snapshot's datapackage (for an edition no longer read at all).
    """
    key = list(schema.KEY)
    old, new = _comparable(old), _comparable(new)
    kept = pd.MultiIndex.from_frame(old[key]).isin(pd.MultiIndex.from_frame(new[key]))
    lost = old.loc[~kept]
    losses = []
    for (source, edition), rows in lost.groupby(["source", "edition"], sort=True):
        before = old[(old["source"] == source) & (old["edition"] == edition)]
        after = new[(new["source"] == source) & (new["edition"] == edition)]
        indicators = rows["indicator"].value_counts().sort_values(ascending=False)
        pair = (str(source), str(edition))
        losses.append(Loss(
            source=str(source), edition=str(edition), rows=len(rows), of_rows=len(before),
            indicators={str(k): int(v) for k, v in indicators.items()},
            countries=sorted(set(before["iso3"]) - set(after["iso3"])),
            years=sorted(int(y) for y in set(before["year"]) - set(after["year"])),
            files=files.get(pair) or old_files.get(pair, "?"),
        ))
    return losses


# A government budget's edition is its document's date and the registry id (``2026-01-19
# pol-2026-adopted``): a reviewer correcting the date moves no figure, so the figures are
# compared by id; a figure taken out of the registry is a loss like any other.
DATED_BY_DOCUMENT = "national"


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each national row's edition reduced to its registry id."""
    national = frame["source"] == DATED_BY_DOCUMENT
    if not national.any():
        return frame
    out = frame.copy()
    out.loc[national, "edition"] = out.loc[national, "edition"].astype(str).str.split().str[-1]
    return out


def summary(losses: list[Loss]) -> str:
    """One line for all losses."""
    total = sum(loss.rows for loss in losses)
    return f"{total:,} rows would be lost: " + " | ".join(loss.describe() for loss in losses)


def old_file_names(package: dict) -> dict[tuple[str, str], str]:
    """(source, edition) → file name(s), from a datapackage's sources."""
    out: dict[tuple[str, str], str] = {}
    for src in package.get("sources", []) if isinstance(package, dict) else []:
        for ed in src.get("editions", []):
            for edition in str(ed.get("edition", "")).split(", "):
                key = (str(src.get("name")), edition)
                out[key] = ", ".join(filter(None, [out.get(key), str(ed.get("file", ""))]))
    return out

"""Sources side by side: recomputed shares, reconciliation with reasons, edition revisions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.model.panel import Panel

# Published shares are rounded; a recomputed share further than this from the published
# one is reported (NATO and SIPRI print two decimals: half a unit of the last place).
ROUNDING_TOLERANCE_PP = 0.005

RECONCILE_SOURCES: tuple[str, ...] = ("nato", "sipri", "worldbank", "eurostat")

# Why sources differ, in general (per source) — shown beside the figures.
KNOWN_DIFFERENCES: dict[str, str] = {
    "nato": "NATO definition: includes military pensions and forces such as coast guards or "
            "gendarmerie when trained and equipped for military operations; allies' own "
            "reports; financial years for CAN, GBR, USA",
    "sipri": "SIPRI definition: all current and capital spending on armed forces, "
             "paramilitary forces where judged trained for military operations, pensions; "
             "calendar years; GDP from the IMF",
    "worldbank": "World Bank republishes SIPRI's share of GDP (same definition, its own "
                 "release timing)",
    "eurostat": "COFOG 02 (defence) in national accounts: excludes military pensions (social "
                "protection) and includes civil defence and foreign military aid; accrual basis",
}

# SIPRI footnote symbols → what they mean for the comparison.
FLAG_REASONS: dict[str, str] = {
    "†": "SIPRI figure excludes military pensions",
    "‡": "SIPRI figure is current spending only (excludes capital spending)",
    "§": "SIPRI figure is the adopted budget, not actual spending",
    "¶": "SIPRI figure excludes paramilitary forces",
    "*": "NATO: the ally has a national 2% law or agreement",
    "uncertain": "SIPRI marks the figure as highly uncertain",
}


def recomputed_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Share of GDP recomputed as spending / GDP (US$, current) beside the published share.

    Only within one source and edition (mixing vintages would manufacture differences).
    Columns: source, edition, iso3, year, published, recomputed, difference_pp,
    beyond_rounding.
    """
    key = ["source", "edition", "iso3", "year"]
    cur = table[table["price_base"] == "current"]
    spend = cur[cur["indicator"] == "milex_usd"][key + ["value"]].rename(columns={"value": "spend"})
    gdp = cur[cur["indicator"] == "gdp_usd"][key + ["value"]].rename(columns={"value": "gdp"})
    share = (table[table["indicator"] == "milex_share_gdp"][key + ["value"]]
             .rename(columns={"value": "published"}))
    merged = spend.merge(gdp, on=key).merge(share, on=key)
    merged["recomputed"] = merged["spend"] / merged["gdp"] * 100.0
    merged["difference_pp"] = merged["recomputed"] - merged["published"]
    merged["beyond_rounding"] = merged["difference_pp"].abs() > ROUNDING_TOLERANCE_PP
    return merged[key + ["published", "recomputed", "difference_pp", "beyond_rounding"]]


def reconcile(panel: Panel, iso3: str, year: int) -> pd.DataFrame:
    """Every source's latest-edition share and spending for one country-year, with reasons."""
    rows = []
    for source in RECONCILE_SOURCES:
        share = panel.series(source, iso3, "milex_share_gdp")
        if share is None or share.at(year) is None:
            continue
        idx = int(list(share.years).index(year))
        usd = panel.series(source, iso3, "milex_usd", "current")
        reasons = [KNOWN_DIFFERENCES[source]]
        reasons += [FLAG_REASONS[f] for f in share.flags[idx].split() for f in _symbols(f)
                    if f in FLAG_REASONS]
        rows.append({
            "source": source, "edition": share.edition, "year": year,
            "share_pct": share.at(year), "estimate": bool(share.estimate[idx]),
            "price_base": share.price_base,
            "spending_usd_million": usd.at(year) if usd is not None else None,
            "flags": share.flags[idx], "reasons": reasons,
        })
    frame = pd.DataFrame(rows)
    if not frame.empty and "nato" in set(frame["source"]):
        nato = float(frame.loc[frame["source"] == "nato", "share_pct"].iloc[0])
        frame["difference_vs_nato_pp"] = frame["share_pct"] - nato
    return frame


def _symbols(flag: str) -> list[str]:
    """A flags token split into SIPRI's one-character symbols (``"§‖"``) or kept whole."""
    return [flag] if flag in FLAG_REASONS else list(flag)


@dataclass(frozen=True)
class Revisions:
    """One publisher's series for one country from every edition, year by year.

    ``values[edition][i]`` is the edition's figure for ``years[i]`` (``None``: the edition
    does not have that year); ``revision[i]`` is the latest edition minus the one before
    (``None`` where either lacks the year, and for every year with fewer than two editions).
    """

    source: str
    iso3: str
    years: tuple[int, ...]
    editions: tuple[str, ...]
    values: dict[str, tuple[float | None, ...]]
    revision: tuple[float | None, ...]

    @property
    def has_revision(self) -> bool:
        """Two editions or more (so a revision exists for the years both have)."""
        return len(self.editions) >= 2

    def frame(self) -> pd.DataFrame:
        """Wide table: ``year``, one column per edition, ``revision`` (with two editions or more)."""
        columns: dict[str, pd.Series] = {"year": pd.Series(self.years, dtype="int64")}
        for edition in self.editions:
            columns[edition] = pd.Series(_floats(self.values[edition]), dtype="float64")
        if self.has_revision:
            columns["revision"] = pd.Series(_floats(self.revision), dtype="float64")
        return pd.DataFrame(columns)


def _floats(values: tuple[float | None, ...]) -> list[float]:
    """``None`` as NaN, for a float column of a frame (the typed object keeps ``None``)."""
    return [np.nan if v is None else v for v in values]


def edition_series(rows: pd.DataFrame, source: str, iso3: str, indicator: str = "milex_share_gdp",
                   price_base: str | None = None) -> Revisions:
    """``Revisions`` of one series from observation rows (any superset of the series' rows).

    The first row of an edition-year wins (the snapshot has one). Without ``price_base``
    the current-price rows are used when there are any: constant-price series rebase every
    edition, so only like is compared with like.
    """
    rows = rows[(rows["source"] == source) & (rows["iso3"] == iso3) & (rows["indicator"] == indicator)]
    if price_base is not None:
        rows = rows[rows["price_base"] == price_base]
    elif len(rows):
        bases = rows["price_base"]
        rows = rows[bases == ("current" if (bases == "current").any() else bases.iloc[0])]
    # plain dicts, not pivot_table: this runs on a user's first click (a few hundred rows)
    by_year: dict[int, dict[str, float]] = {}
    for year, edition, value in zip(rows["year"].tolist(), rows["edition"].tolist(), rows["value"].tolist()):
        by_year.setdefault(int(year), {}).setdefault(str(edition), float(value))
    editions = tuple(sorted({e for values in by_year.values() for e in values}))
    years = tuple(sorted(by_year))
    values = {e: tuple(by_year[y].get(e) for y in years) for e in editions}
    if len(editions) >= 2:
        new, old = values[editions[-1]], values[editions[-2]]
        revision = tuple(None if n is None or o is None else n - o for n, o in zip(new, old))
    else:
        revision = tuple(None for _ in years)
    return Revisions(source, iso3, years, editions, values, revision)


def revisions(table: pd.DataFrame, source: str, iso3: str, indicator: str = "milex_share_gdp",
              price_base: str | None = None) -> pd.DataFrame:
    """One series from every edition side by side: rows are years, columns editions.

    Adds ``revision`` = latest edition minus the one before, where both have the year
    (``edition_series(...).frame()``).
    """
    return edition_series(table, source, iso3, indicator, price_base).frame()

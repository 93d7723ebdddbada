"""Sources side by side: recomputed shares, reconciliation with reasons, edition revisions."""

from __future__ import annotations

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


def revisions(table: pd.DataFrame, source: str, iso3: str, indicator: str = "milex_share_gdp",
              price_base: str | None = None) -> pd.DataFrame:
    """One series from every edition side by side: rows are years, columns editions.

    Adds ``revision`` = latest edition minus the one before, where both have the year.
    """
    rows = table[(table["source"] == source) & (table["iso3"] == iso3) & (table["indicator"] == indicator)]
    if price_base is not None:
        rows = rows[rows["price_base"] == price_base]
    elif len(rows):
        # constant-price series rebase every edition; compare like with like
        rows = rows[rows["price_base"] == ("current" if (rows["price_base"] == "current").any()
                                           else rows["price_base"].iloc[0])]
    # plain dicts, not pivot_table: this runs on a user's first click (a few hundred rows)
    by_year: dict[int, dict[str, float]] = {}
    for year, edition, value in zip(rows["year"].tolist(), rows["edition"].tolist(), rows["value"].tolist()):
        by_year.setdefault(int(year), {}).setdefault(str(edition), float(value))
    editions = sorted({e for values in by_year.values() for e in values})
    years = sorted(by_year)
    wide = pd.DataFrame({"year": pd.Series(years, dtype="int64"),
                         **{e: pd.Series([by_year[y].get(e, np.nan) for y in years], dtype="float64")
                            for e in editions}})
    if len(editions) >= 2:
        wide["revision"] = wide[editions[-1]] - wide[editions[-2]]
    return wide

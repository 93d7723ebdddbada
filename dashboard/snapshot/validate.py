"""Checks on the assembled table; each failure names source, file, row and value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.errors import ValidationError

# Shares outside [0, 100] that the publisher really printed, with the reason we keep
# them. Key: (source, iso3, year, indicator). An entry here is a reviewed decision,
# not a way to silence the check.
SHARE_OUTLIERS: dict[tuple[str, str, int, str], str] = {
    ("sipri", "KWT", 1991, "milex_share_gdp"):
        "Gulf War: Kuwait paid coalition costs while its GDP collapsed (SIPRI prints 117 %; "
        "owid/etl keeps the same exception)",
    ("worldbank", "KWT", 1991, "milex_share_gdp"):
        "WDI republishes SIPRI's Kuwait 1991 figure (see the SIPRI entry)",
}

# Real change and similar indicators can be negative; only these must be ≥ 0.
# Kiel's ``ukraine_aid_to_allocate`` is the month's change in committed-but-unallocated aid:
# negative when aid is allocated or a commitment is corrected, so it is not in this set.
NON_NEGATIVE = frozenset({"milex_lcu", "milex_lcu_fy", "milex_usd", "milex_eur", "gdp_usd", "gdp_eur",
                          "gdp_lcu", "milex_per_capita_usd", "military_personnel", "population",
                          *(name for name in schema.INDICATORS
                            if name.startswith(("ukraine_aid", "ukraine_weapons")) and name != "ukraine_aid_to_allocate")})

YEAR_RANGE = (1900, 2100)

# World Bank MS.MIL.XPND.GD.ZS is SIPRI's share of GDP × 100 (WDI takes it from SIPRI).
# A World Bank edition lines up with the SIPRI edition released before it; figures may
# differ by float rounding only.
CROSS_CHECK_REL_TOL = 1e-6


def validate(table: pd.DataFrame, files: dict[tuple[str, str], str]) -> list[str]:
    """Raise ValidationError on the first broken invariant; return notes (non-fatal)."""
    _check_vocabulary(table, files)
    _check_finite_and_years(table, files)
    _check_unique(table, files)
    _check_shares(table, files)
    _check_non_negative(table, files)
    _check_units(table, files)
    return _cross_check_worldbank_sipri(table, files)


def _where(row: pd.Series, files: dict[tuple[str, str], str]) -> str:
    """``source edition (file): country (iso3) year indicator`` for a row."""
    file = files.get((row["source"], row["edition"]), "?")
    month = row.get("month")
    when = f"{row['year']}-{int(month):02d}" if month is not None and not pd.isna(month) else f"{row['year']}"
    return (f"{row['source']} {row['edition']} ({file}): {row['country']} ({row['iso3']}) "
            f"{when} {row['indicator']} [{row['price_base']}]")


def _fail(bad: pd.DataFrame, files: dict, problem: str) -> None:
    first = bad.iloc[0]
    more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
    raise ValidationError(f"{_where(first, files)}: value {float(first['value']):g} {problem}{more}")


def _check_vocabulary(table: pd.DataFrame, files: dict) -> None:
    bad = table[~table["indicator"].isin(list(schema.INDICATORS))]
    if len(bad):
        _fail(bad, files, f"has indicator {bad.iloc[0]['indicator']!r} outside the vocabulary")
    bad = table[~table["source"].isin(list(schema.SOURCE_NAMES))]
    if len(bad):
        _fail(bad, files, "has an unknown source")
    bad = table[~table["price_base"].str.fullmatch(r"current|constant \d{4}")]
    if len(bad):
        _fail(bad, files, f"has price_base {bad.iloc[0]['price_base']!r}")


def _check_finite_and_years(table: pd.DataFrame, files: dict) -> None:
    bad = table[~np.isfinite(table["value"].to_numpy())]
    if len(bad):
        _fail(bad, files, "is not a finite number")
    bad = table[~table["year"].between(*YEAR_RANGE)]
    if len(bad):
        _fail(bad, files, f"has a year outside {YEAR_RANGE}")
    if "month" in table:
        month = table["month"]
        bad = table[month.notna() & ~month.between(1, 12)]
        if len(bad):
            _fail(bad, files, f"has month {bad.iloc[0]['month']} (months are 1–12)")


def _check_unique(table: pd.DataFrame, files: dict) -> None:
    dup = table[table.duplicated(list(schema.KEY), keep=False)]
    if len(dup):
        _fail(dup, files, "appears more than once for the same key")


def _check_shares(table: pd.DataFrame, files: dict) -> None:
    shares = table[table["indicator"].isin(list(schema.SHARE_INDICATORS))]
    out = shares[~shares["value"].between(0, 100)]
    if len(out):
        keys = list(zip(out["source"], out["iso3"], out["year"], out["indicator"]))
        out = out[[k not in SHARE_OUTLIERS for k in keys]]
    if len(out):
        _fail(out, files, "is a share outside [0, 100] and not in SHARE_OUTLIERS")


def _check_non_negative(table: pd.DataFrame, files: dict) -> None:
    bad = table[table["indicator"].isin(list(NON_NEGATIVE)) & (table["value"] < 0)]
    if len(bad):
        _fail(bad, files, "is negative")


def _check_units(table: pd.DataFrame, files: dict) -> None:
    """One unit per indicator; currency indicators one per (source, edition, country)."""
    plain = table[~table["indicator"].isin(list(schema.CURRENCY_INDICATORS))]
    units = plain.groupby("indicator")["unit"].nunique()
    for indicator in units[units > 1].index:
        rows = plain[plain["indicator"] == indicator]
        odd = rows[rows["unit"] != rows["unit"].mode().iloc[0]]
        _fail(odd, files, f"has unit {odd.iloc[0]['unit']!r}; {indicator} must use one unit")
    money = table[table["indicator"].isin(list(schema.CURRENCY_INDICATORS))]
    bad = money[~money["unit"].str.fullmatch(r"[A-Z]{3} million")]
    if len(bad):
        _fail(bad, files, f"has unit {bad.iloc[0]['unit']!r}, expected '<ISO 4217> million'")
    per = money.groupby(["source", "edition", "indicator", "iso3"])["unit"].nunique()
    if (per > 1).any():
        source, edition, indicator, iso3 = per[per > 1].index[0]
        rows = money[(money["source"] == source) & (money["edition"] == edition)
                     & (money["indicator"] == indicator) & (money["iso3"] == iso3)]
        _fail(rows, files, f"mixes units {sorted(rows['unit'].unique())} within one series")


def _cross_check_worldbank_sipri(table: pd.DataFrame, files: dict) -> list[str]:
    """World Bank share of GDP must equal SIPRI's for the SIPRI edition it was built from."""
    wb = table[(table["source"] == "worldbank") & (table["indicator"] == "milex_share_gdp")]
    sipri = table[(table["source"] == "sipri") & (table["indicator"] == "milex_share_gdp")]
    notes: list[str] = []
    if wb.empty or sipri.empty:
        return notes
    sipri_editions = sorted(sipri["edition"].unique())
    for wb_edition, wb_rows in wb.groupby("edition"):
        # SIPRI "2025-04" was out before World Bank "2026-02-24"; the latest such one
        # is what the World Bank edition carries.
        earlier = [e for e in sipri_editions if e <= str(wb_edition)[:7]]
        if not earlier:
            continue
        s_rows = sipri[sipri["edition"] == earlier[-1]]
        merged = wb_rows.merge(s_rows, on=["iso3", "year"], suffixes=("", "_sipri"))
        # Only years SIPRI's edition covers and the World Bank has already taken up.
        merged = merged[merged["year"] <= s_rows["year"].max()]
        if merged.empty:
            continue
        diff = (merged["value"] - merged["value_sipri"]).abs()
        tol = CROSS_CHECK_REL_TOL * merged["value_sipri"].abs().clip(lower=1e-9)
        bad = merged[diff > tol]
        if len(bad) > 0:
            first = bad.iloc[0]
            raise ValidationError(
                f"{_where(first, files)}: World Bank {float(first['value']):.6g} differs from SIPRI "
                f"{earlier[-1]} ({files.get(('sipri', earlier[-1]), '?')}) "
                f"{float(first['value_sipri']):.6g} ({len(bad)} of {len(merged)} pairs differ)")
        notes.append(f"worldbank {wb_edition} share of GDP matches sipri {earlier[-1]} "
                     f"on {len(merged)} country-years")
    return notes

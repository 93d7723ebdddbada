"""The Sources page's views: the snapshot's files, sources side by side, editions side by side.

``SourceViews`` memoises the reconciliation of a country-year and the revisions of a
country's share between editions (a publisher's share rows split by country once).
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import model
from dashboard.figures.common import SOURCE_LABELS, edition_label

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

SHARE = "milex_share_gdp"


class SourceViews:
    """Reconciliations and revisions, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.reconcile = lru_cache(maxsize=1024)(self._reconcile)
        self.revisions = lru_cache(maxsize=1024)(self._revisions)

    def _reconcile(self, iso3: str, year: int) -> pd.DataFrame:
        """``model.reconcile`` for one country-year."""
        return model.reconcile(self._data.panel, iso3, year)

    def _revisions(self, source: str, iso3: str) -> model.Revisions:
        """``model.edition_series`` of the share of GDP (on the country's share rows only)."""
        rows = self._share_rows.get(source, {}).get(iso3)
        return model.edition_series(rows if rows is not None else self._data.table.iloc[0:0], source, iso3)

    @cached_property
    def _share_rows(self) -> dict[str, dict[str, pd.DataFrame]]:
        """source → iso3 → share-of-GDP rows: split once, so each revision works on a few rows."""
        table = self._data.table
        shares = table[table["indicator"] == SHARE]
        return {str(s): {str(c): g for c, g in rows.groupby("iso3", sort=False)}
                for s, rows in shares.groupby("source")}

    def warm(self) -> None:
        """Split the share rows now (36–128 ms a publisher), not on a first visit."""
        _ = self._share_rows


def package_rows(package: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per source file in the snapshot: publisher, edition, file, hash, rows, years, licence."""
    out = []
    for src in package.get("sources", []):
        licence = "; ".join(lic.get("title", "") for lic in src.get("licenses", []))
        for ed in sorted(src.get("editions", []), key=lambda e: (e.get("edition", ""), e.get("file", ""))):
            years = ed.get("years") or []
            out.append({
                "source": src.get("name", ""), "publisher": src.get("publisher", src.get("name", "")),
                "title": src.get("title", ""), "edition": edition_label(src.get("name", ""), ed.get("edition", "")), "file": ed.get("file", ""),
                "url": ed.get("url") or src.get("path", ""), "sha256": (ed.get("sha256") or "")[:12],
                "rows": ed.get("rows"), "years": f"{years[0]}–{years[-1]}" if len(years) >= 2 else "",
                "retrieved": ed.get("retrieved", ""), "licence": licence, "citation": src.get("citation", ""),
                "indicators": ", ".join(ed.get("indicators", [])),
            })
    return out


def reconcile_table_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of the reconciliation table (plain values; the page renders them)."""
    out = []
    for r in frame.to_dict("records"):
        diff = r.get("difference_vs_nato_pp")
        spend = r["spending_usd_million"]
        out.append({"source": r["source"], "label": SOURCE_LABELS.get(r["source"], r["source"]),
                    "edition": r["edition"], "share_pct": float(r["share_pct"]), "estimate": bool(r["estimate"]),
                    "difference_vs_nato_pp": None if pd.isna(diff) else float(diff),
                    "spending_usd_million": None if pd.isna(spend) else float(spend),
                    "price_base": r["price_base"], "reasons": list(r["reasons"])})
    return out

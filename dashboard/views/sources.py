"""The Sources page's views: the snapshot's files, sources side by side, editions side by side,
and the nowcast's backtest.

``SourceViews`` memoises the reconciliation of a country-year and the revisions of a
country's share between editions (a publisher's share rows split by country once), and the
backtest's error table (``backtest_frame``: the model's ``Backtest`` as rows).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import model
from dashboard.model import nowcast
from dashboard.schema import SOURCE_LABELS
from dashboard.views.labels import edition_label, source_line
from dashboard.views.tabular import comment_line, neutralise_frame

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

SHARE = "milex_share_gdp"
# The backtest table's columns (errors in percentage points of GDP; coverage a fraction).
BACKTEST_COLUMNS: tuple[str, ...] = (
    "iso3", "country", "years", "n", "mae_method_pp", "mae_carry_forward_pp", "mae_trend_pp", "bias_method_pp",
    "coverage", "beats_carry_forward", "nowcast_year", "nowcast_pct",
)
OVERALL = "all"  # the overall row's iso3
BACKTEST_NOTE = ("Backtest of this dashboard's nowcast of NATO's share of GDP: each year NATO and the fresher "
                 "source both cover, nowcast from the years before plus the fresher source's figure for it, "
                 "against NATO's published value. Errors in percentage points of GDP; coverage: share of NATO's "
                 "values inside the 90 % interval (from the other countries' errors).")


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

    @cached_property
    def backtest_table(self) -> pd.DataFrame:
        """The nowcast's backtest, per country (by name) and overall (``BACKTEST_COLUMNS``)."""
        return backtest_frame(self._data.backtest, self._data.name, self._data.nowcasts)

    @cached_property
    def backtest_inputs(self) -> list[tuple[str, str]]:
        """(source, edition) the backtest compares: NATO's newest edition and each fresher source's."""
        editions = self._data.panel.editions
        table = self._data.panel.table
        # the registry of budgets is one input: its review date, not one of its figures' documents
        reviewed = table.loc[table["source"] == "national", "retrieved"]
        latest = {**{s: e[-1] for s, e in editions.items() if e},
                  **({"national": str(reviewed.max())} if len(reviewed) else {})}
        return [(s, latest[s]) for s in (nowcast.BASE, *nowcast.FRESHER) if s in latest]

    @cached_property
    def backtest_source(self) -> str:
        """The backtest table's source line (the CSV's first line too)."""
        return source_line(self.backtest_inputs, BACKTEST_NOTE)

    def backtest_csv(self) -> str:
        """The backtest table as CSV, its source line as a first comment line."""
        return comment_line(self.backtest_source) + "\n" + neutralise_frame(self.backtest_table).to_csv(index=False)

    def warm(self) -> None:
        """Split the share rows now (36–128 ms a publisher), not on a first visit."""
        _ = self._share_rows, self.backtest_table


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


def backtest_frame(test: nowcast.Backtest, name: Callable[[str], str],
                   casts: Mapping[str, Sequence[nowcast.Nowcast]] | None = None) -> pd.DataFrame:
    """One row per country (by name), then the overall row: the method's and both baselines'
    mean absolute errors, the method's bias and interval coverage, whether it beat carry-forward,
    and the newest nowcast the page shows for the country (empty: none, e.g. no outturn that year)."""
    years: dict[str, list[int]] = {}
    for p in test.points:
        years.setdefault(p.iso3, []).append(p.year)
    every = [p.year for p in test.points]
    newest = {c: cs[-1] for c, cs in (casts or {}).items() if cs}
    rows = [_backtest_row(c, name(c), years.get(c, []), e, newest.get(c))
            for c, e in sorted(test.by_country.items(), key=lambda item: name(item[0]))]
    rows.append(_backtest_row(OVERALL, "All countries", every, test.overall, None))
    # a year stays a whole number where some rows have none (not 2025.0 in the CSV)
    return pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS)).astype({"nowcast_year": "Int64"})


def _backtest_row(iso3: str, country: str, years: list[int], e: nowcast.Errors,
                  cast: nowcast.Nowcast | None) -> dict[str, Any]:
    return {"iso3": iso3, "country": country, "years": f"{min(years)}–{max(years)}" if years else "",
            "n": e.n, "mae_method_pp": _num(e.mae_method), "mae_carry_forward_pp": _num(e.mae_carry),
            "mae_trend_pp": _num(e.mae_trend), "bias_method_pp": _num(e.bias_method),
            "coverage": _num(e.coverage), "beats_carry_forward": e.beats_carry,
            "nowcast_year": cast.year if cast else None, "nowcast_pct": _num(cast.value) if cast else None}


def _num(value: float | None) -> float | None:
    """Rounded to 4 places; a missing error (no points, no trend) stays empty."""
    return None if value is None or math.isnan(value) else round(value, 4)

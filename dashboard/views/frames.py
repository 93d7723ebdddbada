"""The frames behind the charts, looked up in ``ViewData``: one place for the app and the export.

No Dash imports (page modules can only be imported inside a running app), so the pages
call these look-ups and the export calls the same ones.
"""

from __future__ import annotations

import pandas as pd

from dashboard import model
from dashboard.views.data import ViewData
from dashboard.views.specs import SPENDING_MEASURES

SHARE = "milex_share_gdp"


def spending_frame(app, code: str, measure: str, start: int) -> pd.DataFrame:
    """Rows of one spending measure (latest edition per source) from ``start`` (country.spending_frame)."""
    indicator = SPENDING_MEASURES[measure][1]
    rows = []
    for source in ("nato", "sipri"):
        edition = app.panel.editions.get(source, [""])[-1]
        bases = [b for b in app.panel.price_bases(source, edition, code, indicator)
                 if (b == "current") == (measure != "usd_constant")]
        series = app.panel.series(source, code, indicator, bases[0]) if bases else None
        if series is None:
            continue
        for y, v, e in zip(series.years, series.values, series.estimate):
            if y >= start:
                rows.append({"source": source, "edition": series.edition, "unit": series.unit,
                             "price_base": series.price_base, "year": int(y), "value": float(v), "estimate": bool(e)})
    return pd.DataFrame(rows, columns=["source", "edition", "unit", "price_base", "year", "value", "estimate"])


def revisions_wide(app, source: str, iso3: str) -> pd.DataFrame:
    """``model.revisions`` of the share of GDP for one country (sources.revisions_frame)."""
    table = app.table
    rows = table[(table["source"] == source) & (table["indicator"] == SHARE) & (table["iso3"] == iso3)]
    return model.revisions(rows, source, iso3)


def group_shares(app, group: str, source: str, targets: list[float]) -> pd.DataFrame:
    """Per year: a group's GDP-weighted share, spending and GDP (US$ m, current), who reported."""
    first, last = app.share_years.get(source, (0, -1))
    rows = []
    for year in range(first, last + 1):
        agg = model.aggregate(app.panel, app.groups[group], year, targets, source)
        if not agg.reporting:
            continue
        est = app.overview.year_shares(source, year).any_estimate(agg.reporting)
        rows.append({"year": year, "group": group, "source": source, "edition": agg.edition,
                     "weighted_share_pct": round(agg.weighted_share_pct, 4) if agg.weighted_share_pct else None,
                     "spending_usd_million": round(agg.spending_usd_million, 1),
                     "gdp_usd_million": round(agg.gdp_usd_million, 1), "members": len(agg.members),
                     "reporting": len(agg.reporting), "missing": " ".join(agg.missing), "estimate": est,
                     **{f"at_or_above_{t:g}pct": agg.at_or_above.get(t) for t in targets}})
    return pd.DataFrame(rows)


def burden(app, source: str) -> pd.DataFrame:
    """``model.burden_sharing`` over every year the source publishes."""
    first, last = app.share_years.get(source, (0, -1))
    return model.burden_sharing(app.panel, app.groups["NATO"], list(range(first, last + 1)), source)


def pledge_gap_rows(app: ViewData, pledge: str) -> pd.DataFrame:
    """Every country a pledge binds: latest share, gap, status (from the model's progress rows)."""
    cols = ["iso3", "name", "latest_share_pct", "latest_year", "latest_is_estimate", "latest_source",
            "latest_edition", "target_share_pct", "target_year", "gap_pp", "status"]
    rows = [{"iso3": r.country, "name": app.name(r.country), "latest_share_pct": r.latest_share_pct,
             "latest_year": r.latest_year, "latest_is_estimate": r.latest_is_estimate,
             "latest_source": r.latest_source, "latest_edition": r.latest_edition,
             "target_share_pct": r.target_share_pct, "target_year": r.target_year, "gap_pp": r.gap_pp,
             "status": r.status} for r in app.progress_rows if r.id == pledge]
    return pd.DataFrame(rows, columns=cols)

"""The frames behind the charts, looked up in ``ViewData``: one place for the app and the export.

No Dash imports (page modules can only be imported inside a running app), so the pages
call these look-ups and the export calls the same ones.
"""

from __future__ import annotations

import pandas as pd

from dashboard import model
from dashboard.views.data import ViewData

SHARE = "milex_share_gdp"


def group_shares(app: ViewData, group: str, source: str, targets: list[float]) -> pd.DataFrame:
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


def burden(app: ViewData, source: str) -> pd.DataFrame:
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

"""The frames behind the charts, looked up in ``ViewData``: one place for the app and the export.

No Dash imports (page modules can only be imported inside a running app), so the pages
call these look-ups and the export calls the same ones.
"""

from __future__ import annotations

import pandas as pd

from dashboard import countries, model
from dashboard.figures import compare as compare_fig
from dashboard.figures import overview as overview_fig
from dashboard.views.data import ViewData

SIPRI_TOP = 40  # pages/overview.py: the SIPRI ranking shows the top 40
SHARE = "milex_share_gdp"
SPENDING_MEASURES: dict[str, tuple[str, str]] = {  # the Country page's spending measures
    "lcu": ("National currency (current prices)", "milex_lcu"),
    "usd": ("US$ (current prices)", "milex_usd"),
    "usd_constant": ("US$ (constant prices)", "milex_usd"),
}


def edition_of(app, source: str) -> str | None:
    """Latest edition of ``source``'s shares in the snapshot."""
    editions = app.panel.editions.get(source, [])
    return editions[-1] if editions else None


def nato_targets(app) -> list[float]:
    """NATO's share-of-GDP targets from the registry (2, 3.5, 5), not the "related" 1.5 % (the Overview page and the export)."""
    return model.reference_targets([p for p in app.pledges if p.scope != "related"], "NATO")


def year_shares(app, source: str, year: int) -> pd.DataFrame:
    """Countries' shares in ``year`` (no aggregates), highest first: iso3, name, value, estimate."""
    shares = app.latest_shares
    rows = shares[(shares["source"] == source) & (shares["year"] == year)]
    rows = rows[[not countries.is_aggregate(c) and c != "EU_INST" for c in rows["iso3"]]]
    out = pd.DataFrame({"iso3": rows["iso3"].to_numpy(), "name": [app.name(c) for c in rows["iso3"]],
                        "value": rows["value"].to_numpy(dtype=float), "estimate": rows["estimate"].to_numpy(dtype=bool)})
    return out.sort_values(["value", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def ranking_rows(app, source: str, year: int, group: str) -> pd.DataFrame:
    """The ranking's bars: a group's members of that year, or SIPRI's top 40 of all countries."""
    frame = year_shares(app, source, year)
    if group != "all":
        frame = frame[frame["iso3"].isin(app.groups[group].members_in(year))]
    return overview_fig.ranking_frame(frame, SIPRI_TOP if group == "all" and source == "sipri" else None)


def share_rows(frame: pd.DataFrame, source: str, year: int, edition: str | None) -> pd.DataFrame:
    """A map or ranking frame with its provenance, as the pages' CSV downloads write it."""
    out = frame[["iso3", "name", "value", "estimate"]].rename(columns={"value": "share_of_gdp_pct"})
    return out.assign(year=year, source=source, edition=edition)


def nato_aggregates(app, thresholds: list[float]) -> dict[int, model.Aggregate]:
    """year → NATO aggregate (membership of that year) for every year NATO publishes."""
    if "NATO" not in app.groups or "nato" not in app.share_years:
        return {}
    first, last = app.share_years["nato"]
    return {y: model.aggregate(app.panel, app.groups["NATO"], y, thresholds, "nato") for y in range(first, last + 1)}


def allies_frames(app) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts the chart draws, the CSV with every target) — overview's allies_counts and download_allies."""
    targets = nato_targets(app)
    threshold = min(targets, default=2.0)
    aggs = nato_aggregates(app, targets)
    rows = []
    for year, agg in aggs.items():
        shares = year_shares(app, "nato", year)
        est = bool(shares[shares["iso3"].isin(agg.reporting)]["estimate"].any())
        rows.append({"year": year, "members": len(agg.members), "reporting": len(agg.reporting),
                     "at_or_above": agg.at_or_above.get(threshold, 0), "estimate": est})
    counts = pd.DataFrame(rows, columns=["year", "members", "reporting", "at_or_above", "estimate"])
    csv = counts.copy()
    for t in targets:
        csv[f"at_or_above_{t:g}pct"] = [aggs[y].at_or_above.get(t) for y in csv["year"]]
    csv["weighted_share_pct"] = [round(aggs[y].weighted_share_pct or 0, 4) for y in csv["year"]]
    csv["not_reported"] = [" ".join(aggs[y].missing) for y in csv["year"]]
    csv.insert(1, "edition", edition_of(app, "nato"))
    return counts, csv


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


def compare_frame(app, codes: list[str], indicator: str, source: str) -> pd.DataFrame:
    """Tidy rows (figures.compare.COLUMNS) of one indicator from one source (compare.compare_frame)."""
    price = compare_fig.INDICATORS[indicator].price
    rows = []
    for code in codes:
        series = _compare_series(app.panel, source, code, indicator, price)
        if series is None:
            continue
        name = app.name(code)
        for y, v, e in zip(series.years, series.values, series.estimate):
            rows.append((code, name, source, series.edition, series.unit, series.price_base, int(y), float(v), bool(e)))
    return pd.DataFrame(rows, columns=compare_fig.COLUMNS)


def _compare_series(panel, source: str, iso3: str, indicator: str, price: str | None):
    """The latest edition's series in the wanted price basis ("constant": whichever base year)."""
    if price != "constant":
        return panel.series(source, iso3, indicator, price)
    for edition in reversed(panel.editions.get(source, [])):
        for base in panel.price_bases(source, edition, iso3, indicator):
            if base.startswith("constant"):
                return panel.series(source, iso3, indicator, base, edition)
    return None


def scenario_frames(app, group: str, target: float, year: int, growth: float | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``model.scenario`` and its totals (the Scenarios page and the export)."""
    assumptions = model.Assumptions(gdp_growth=None if growth is None else growth / 100.0)
    frame = model.scenario(app.panel, app.groups[group], target, year, assumptions)
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    totals = model.scenario_totals(frame) if len(ok) else pd.DataFrame(
        columns=["year", "extra_usd_million", "extra_eur_million", "countries"])
    return frame, totals


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
        shares = year_shares(app, source, year)
        est = bool(shares[shares["iso3"].isin(agg.reporting)]["estimate"].any())
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

"""Overview page (/): headline strip, map, ranking, allies at or above 2% over time.

State in the URL: ``?year=2024&source=sipri&region=europe``; bad values fall back to the
defaults. Targets (2%, 3.5%, 5%) come from the pledge registry, never literals.
"""

from __future__ import annotations

from functools import lru_cache

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import countries, model
from dashboard.app.components import (
    chart_card,
    csv_download,
    deferred,
    param_choice,
    param_year,
    query,
)
from dashboard.figures import overview as fig
from dashboard.figures.common import SOURCE_LABELS, source_line
from dashboard.views import data, frames

dash.register_page(__name__, path="/", name="Overview", title="Defence spending and pledges")

SOURCES: tuple[str, ...] = ("sipri", "nato")  # SIPRI first: the widest coverage
REGIONS: dict[str, str] = {"world": "World", "europe": "Europe"}
DEFAULT_SOURCE = "sipri"
DEFAULT_REGION = "world"
SIPRI_TOP = 40  # the SIPRI ranking shows the top 40 of ~150 countries
MAP_NOTE = "Share of GDP at current prices, each source's own definition. Grey: no figure."
RANKING_NOTE = "Lines: NATO's targets from the pledge registry. Hatched, e: estimate."
ALLIES_NOTE = "Membership as of each year (accessions); e: NATO estimate."


def layout(**params: object) -> html.Div:
    """The overview; malformed parameters fall back to the defaults."""
    app = data.get()
    warm()
    source, year, region = read_params(params)
    low, high = year_bounds()
    return html.Div([
        dcc.Location(id="overview-url", refresh=False),
        html.H1("Defence spending and pledges"),
        html.P("How much each country spends on defence as a share of GDP, and how many NATO allies "
               "meet the alliance's targets. Every figure names its source and edition."),
        # rendered with the page (not only by the callback) so nothing below it moves on load
        html.Div(headline(year), id="overview-headline", **{"aria-live": "polite"}),
        html.Div([
            html.Div([
                html.Label("Source", htmlFor="overview-source"),
                dcc.RadioItems(id="overview-source", value=source, inline=True,
                               options=[{"label": SOURCE_LABELS[s], "value": s} for s in SOURCES]),
            ], className="controls"),
            html.Div([
                html.Label("Map region", htmlFor="overview-region"),
                dcc.RadioItems(id="overview-region", value=region, inline=True,
                               options=[{"label": label, "value": key} for key, label in REGIONS.items()]),
            ], className="controls"),
            html.Div([
                html.Label("Year", htmlFor="overview-year"),
                html.Div(dcc.Slider(id="overview-year", min=low, max=high, step=1, value=year,
                                    marks=year_marks(low, high),
                                    tooltip={"placement": "bottom", "always_visible": False},
                                    updatemode="mouseup"),
                         # minHeight: the slider's drawn height, before its lazily loaded code runs
                         style={"flex": "1 1 280px", "minWidth": "0", "minHeight": "40px"}),
            ], className="controls"),
        ], className="card", style={"padding": "8px 14px"}),
        chart_card("overview-map", "Defence spending as a share of GDP", "share-of-gdp-map", height=460),
        chart_card("overview-ranking", "Ranking by share of GDP", "share-of-gdp-ranking", height=820,
                   defer=True),
        chart_card("overview-allies", f"NATO allies at or above {threshold(app):g}% of GDP, by year",
                   "nato-allies-at-target", height=360, defer=True),
    ])


def read_params(params: dict) -> tuple[str, int, str]:
    """(source, year, region) from URL parameters; anything odd gives the default."""
    source = param_choice(params.get("source"), SOURCES, DEFAULT_SOURCE)
    low, high = year_bounds()
    default_year = data.get().share_years.get(source, (low, high))[1]
    year = param_year(params.get("year"), default_year, low, high)
    region = param_choice(params.get("region"), tuple(REGIONS), DEFAULT_REGION)
    return source, year, region


def year_marks(low: int, high: int) -> dict[int, str]:
    """A mark every 5 years, labelled every 10 (legible at phone width)."""
    return {y: str(y) if y % 10 == 0 else "" for y in range(low + (-low) % 5, high + 1, 5)}


def year_bounds() -> tuple[int, int]:
    """First and last year any overview source covers (the slider's range)."""
    spans = [data.get().share_years[s] for s in SOURCES if s in data.get().share_years]
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (1949, 2024)


@callback(
    Output("overview-map-graph", "figure"),
    Output("overview-map-summary", "children"),
    Output("overview-map-source", "children"),
    Input("overview-year", "value"),
    Input("overview-source", "value"),
    Input("overview-region", "value"),
)
def update_map(year: object, source: object, region: object):
    """Choropleth for the year, source and region."""
    app = data.get()
    source, year, region = read_params({"year": year, "source": source, "region": region})
    shares = year_shares(source, year)
    message = _empty_message(source, year)
    edition = edition_of(source)
    return (fig.map_figure(shares, source, year, region, max(targets(app), default=5.0), message),
            fig.map_summary(shares, source, edition, year, message),
            source_line([(source, edition)] if edition else [], MAP_NOTE))


@callback(
    deferred("overview-ranking"),
    Output("overview-ranking-summary", "children"),
    Output("overview-ranking-source", "children"),
    Output("overview-headline", "children"),
    Input("overview-year", "value"),
    Input("overview-source", "value"),
)
def update_ranking(year: object, source: object):
    """Ranking bars for the year and source, and the NATO headline strip."""
    app = data.get()
    source, year, _ = read_params({"year": year, "source": source})
    shares = year_shares(source, year)
    ranked = ranking(source, year)
    message = _empty_message(source, year)
    edition = edition_of(source)
    return (fig.ranking_figure(ranked, source, year, targets(app), message),
            fig.ranking_summary(ranked, source, edition, year, targets(app),
                                len(shares) if source == "sipri" else len(ranked), message),
            source_line([(source, edition)] if edition else [], RANKING_NOTE),
            headline(year))


@callback(
    deferred("overview-allies"),
    Output("overview-allies-summary", "children"),
    Output("overview-allies-source", "children"),
    Input("overview-year", "value"),
)
def update_allies(year: object):
    """Allies at or above the lowest NATO target per year (the chosen year outlined)."""
    app = data.get()
    _, year, _ = read_params({"year": year})
    counts = allies_counts()
    edition = edition_of("nato")
    return (fig.allies_figure(counts, threshold(app), year),
            fig.allies_summary(counts, threshold(app), edition),
            source_line([("nato", edition)] if edition else [], ALLIES_NOTE))


@callback(
    Output("overview-url", "search"),
    Input("overview-year", "value"),
    Input("overview-source", "value"),
    Input("overview-region", "value"),
    prevent_initial_call=True,
)
def sync_url(year: object, source: object, region: object) -> str:
    """Keep the view in the URL (shareable; back button restores it) without re-rendering."""
    source, year, region = read_params({"year": year, "source": source, "region": region})
    return query(year=year, source=source, region=region)


@callback(
    Output("overview-map-csv", "data"),
    Input("overview-map-csv-button", "n_clicks"),
    State("overview-year", "value"),
    State("overview-source", "value"),
    prevent_initial_call=True,
)
def download_map(_: int, year: object, source: object) -> dict:
    """CSV of the map's data (every country shown)."""
    source, year, _ = read_params({"year": year, "source": source})
    frame = _export(year_shares(source, year), source, year)
    return csv_download(frame, f"share-of-gdp-{source}-{year}", source_line([(source, edition_of(source) or "")]))


@callback(
    Output("overview-ranking-csv", "data"),
    Input("overview-ranking-csv-button", "n_clicks"),
    State("overview-year", "value"),
    State("overview-source", "value"),
    prevent_initial_call=True,
)
def download_ranking(_: int, year: object, source: object) -> dict:
    """CSV of the ranking's bars, in rank order."""
    source, year, _ = read_params({"year": year, "source": source})
    frame = _export(ranking(source, year), source, year)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return csv_download(frame, f"share-of-gdp-ranking-{source}-{year}",
                        source_line([(source, edition_of(source) or "")]))


@callback(
    Output("overview-allies-csv", "data"),
    Input("overview-allies-csv-button", "n_clicks"),
    prevent_initial_call=True,
)
def download_allies(_: int) -> dict:
    """CSV of allies at or above each target per year."""
    app = data.get()
    frame = allies_counts().copy()
    aggs = nato_aggregates(id(app))
    for t in targets(app):
        frame[f"at_or_above_{t:g}pct"] = [aggs[y].at_or_above.get(t) for y in frame["year"]]
    frame["weighted_share_pct"] = [round(aggs[y].weighted_share_pct or 0, 4) for y in frame["year"]]
    frame["not_reported"] = [" ".join(aggs[y].missing) for y in frame["year"]]
    frame.insert(1, "edition", edition_of("nato"))
    return csv_download(frame, "nato-allies-at-target", source_line([("nato", edition_of("nato") or "")]))


# ---- precomputed frames (memoised per ViewData; callbacks only look up) -------------------------

def year_shares(source: str, year: int) -> pd.DataFrame:
    """Countries' share of GDP in ``year`` from ``source``'s latest edition: iso3, name, value, estimate."""
    return shares_for(id(data.get()), source, year)


def ranking(source: str, year: int) -> pd.DataFrame:
    """Bars of the ranking: every NATO ally, or SIPRI's top 40."""
    return ranking_for(id(data.get()), source, year)


def edition_of(source: str) -> str | None:
    """Latest edition of ``source`` in the snapshot."""
    return editions(id(data.get())).get(source)


def targets(app: data.ViewData) -> list[float]:
    """NATO's share-of-GDP targets from the registry (2, 3.5, 5), not the 1.5% "related" one."""
    return _targets(id(app))


def threshold(app: data.ViewData) -> float:
    """The lowest NATO target (2%): the one "allies at or above" counts."""
    return min(targets(app), default=2.0)


EMPTY = pd.DataFrame({"iso3": pd.Series(dtype=str), "name": pd.Series(dtype=str),
                      "value": pd.Series(dtype=float), "estimate": pd.Series(dtype=bool)})


@lru_cache(maxsize=4)
def shares_base(app_id: int) -> tuple[pd.DataFrame, dict[tuple[str, int], object]]:
    """Countries' shares (no aggregates), highest first within (source, year), and the positions
    of each (source, year) — built once per ViewData; slices are taken on demand."""
    app = data.get()
    shares = app.latest_shares[app.latest_shares["source"].isin(SOURCES)]
    keep = [not countries.is_aggregate(c) and c != "EU_INST" for c in shares["iso3"]]
    shares = shares.loc[keep, ["source", "year", "iso3", "value", "estimate"]]
    shares = shares.assign(name=[app.name(c) for c in shares["iso3"]], year=shares["year"].astype(int))
    shares = shares.sort_values(["source", "year", "value", "name"], ascending=[True, True, False, True],
                                kind="stable").reset_index(drop=True)
    positions = {(s, int(y)): idx for (s, y), idx in shares.groupby(["source", "year"], sort=False).indices.items()}
    return shares[["iso3", "name", "value", "estimate"]], positions


@lru_cache(maxsize=512)
def shares_for(app_id: int, source: str, year: int) -> pd.DataFrame:
    """One (source, year) slice of :func:`shares_base`, highest first."""
    frame, positions = shares_base(app_id)
    idx = positions.get((source, year))
    return EMPTY if idx is None else frame.iloc[idx].reset_index(drop=True)


@lru_cache(maxsize=512)
def ranking_for(app_id: int, source: str, year: int) -> pd.DataFrame:
    """The ranking's rows: SIPRI's top 40, or the NATO allies of that year (NATO's tables list
    later members in earlier years)."""
    frame = shares_for(app_id, source, year)
    nato = data.get().groups.get("NATO")
    if source == "nato" and nato is not None:
        frame = frame[frame["iso3"].isin(nato.members_in(year))]
    return fig.ranking_frame(frame, SIPRI_TOP if source == "sipri" else None)


def warm() -> None:
    """Precompute what the callbacks look up (called on the first page render)."""
    app_id = id(data.get())
    shares_base(app_id)
    _allies_counts(app_id)
    for source in SOURCES:
        year = data.get().share_years.get(source, (0, 0))[1]
        ranking_for(app_id, source, year)


@lru_cache(maxsize=4)
def editions(app_id: int) -> dict[str, str]:
    """source → latest edition."""
    shares = data.get().latest_shares
    return {s: str(e) for s, e in shares.groupby("source")["edition"].max().items()}


@lru_cache(maxsize=4)
def _targets(app_id: int) -> list[float]:
    return frames.nato_targets(data.get())


@lru_cache(maxsize=4)
def nato_aggregates(app_id: int) -> dict[int, model.Aggregate]:
    """year → NATO aggregate (membership of that year) for every year NATO publishes."""
    app = data.get()
    if "NATO" not in app.groups or "nato" not in app.share_years:
        return {}
    first, last = app.share_years["nato"]
    return {y: model.aggregate(app.panel, app.groups["NATO"], y, targets(app), "nato")
            for y in range(first, last + 1)}


def allies_counts() -> pd.DataFrame:
    """year, members, reporting, at_or_above (lowest target), estimate."""
    return _allies_counts(id(data.get()))


@lru_cache(maxsize=4)
def _allies_counts(app_id: int) -> pd.DataFrame:
    app = data.get()
    t = threshold(app)
    rows = []
    for year, agg in nato_aggregates(app_id).items():
        shares = year_shares("nato", year)
        est = bool(shares[shares["iso3"].isin(agg.reporting)]["estimate"].any())
        rows.append({"year": year, "members": len(agg.members), "reporting": len(agg.reporting),
                     "at_or_above": agg.at_or_above.get(t, 0), "estimate": est})
    return pd.DataFrame(rows, columns=["year", "members", "reporting", "at_or_above", "estimate"])


def headline(year: int) -> list:
    """The NATO strip for ``year`` (NATO's latest year if it has no figures for ``year``)."""
    app = data.get()
    aggs = nato_aggregates(id(app))
    if not aggs:
        return [html.P("No NATO figures in this snapshot.")]
    shown = year if year in aggs else max(aggs)
    agg = aggs[shown]
    est = bool(allies_counts().set_index("year").loc[shown, "estimate"])
    n = len(agg.members)
    label = f"NATO {agg.edition} edition{', estimate' if est else ''}"
    stats = []
    for i, t in enumerate(targets(app)):
        text = (f"allies at or above {t:g}% of GDP in {shown} ({label})" if i == 0
                else f"at or above {t:g}%")
        stats.append(html.Div([html.Strong(f"{agg.at_or_above.get(t, 0)} of {n}"), text], className="stat"))
    if agg.weighted_share_pct is not None:
        stats.append(html.Div([html.Strong(f"{agg.weighted_share_pct:.2f}%"),
                               f"NATO-wide share of GDP (GDP-weighted, {shown})"], className="stat"))
    stats.append(html.Div([html.Strong(f"US${agg.spending_usd_million / 1000:,.0f}bn"),
                           f"allies' defence spending in {shown} (current prices)"], className="stat"))
    notes = []
    if shown != year:
        notes.append(f"NATO publishes no figures for {year}; showing {shown}.")
    if agg.missing:
        notes.append("Not reported: " + ", ".join(app.name(c) for c in agg.missing) + ".")
    return [html.Div(stats, className="strip"),
            html.P(" ".join(notes), className="source-line") if notes else None]


def _empty_message(source: str, year: int) -> str:
    first, last = data.get().share_years.get(source, (None, None))
    return fig.empty_year_message(source, year, first, last)


def _export(frame: pd.DataFrame, source: str, year: int) -> pd.DataFrame:
    """A chart's rows with their provenance, for CSV."""
    out = frame[["iso3", "name", "value", "estimate"]].rename(columns={"value": "share_of_gdp_pct"})
    return out.assign(year=year, source=source, edition=edition_of(source))

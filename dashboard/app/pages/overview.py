"""Overview page (/): headline strip, map, ranking, allies at or above 2% over time.

State in the URL: ``?year=2024&source=sipri&region=europe`` (``views.specs.OverviewView``);
bad values fall back to the defaults. Targets (2%, 3.5%, 5%) come from the pledge
registry, never literals. Every frame is a look-up in ``views.overview``.
"""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, dcc, html

from dashboard.app.components import chart_card, data_age, data_age_children, deferred, events_toggle
from dashboard.app.html_types import Attrs
from dashboard.editions import edition_short
from dashboard.figures import overview as fig
from dashboard.schema import SOURCE_LABELS
from dashboard.views import ages, data
from dashboard.views.labels import source_line
from dashboard.views.specs import OverviewView, events_on

dash.register_page(__name__, path="/", name="Overview", title="Defence spending and pledges")

MAP_NOTE = "Share of GDP at current prices, each source's own definition. Grey: no figure."
RANKING_NOTE = "Lines: NATO's targets from the pledge registry. Hatched, e: estimate."
ALLIES_NOTE = "Membership as of each year (accessions); e: NATO estimate."


def layout(**params: object) -> html.Div:
    """The overview; malformed parameters fall back to the defaults."""
    app = data.get()
    view = OverviewView.parse(params, app)
    low, high = OverviewView.bounds(app)
    # the charts as the callbacks draw them, in the layout: the live page runs no callback to
    # draw them first (the static copy's texts are these too)
    the_map, map_summary, map_source, map_drawn, map_near_years = update_map(view.year, view.source, view.region)
    ranking, ranking_summary, ranking_source, _, ranking_drawn = update_ranking(view.year, view.source, view.group)
    allies, allies_summary, allies_source = update_allies(view.year, ["on"])
    return html.Div([
        dcc.Location(id="overview-url", refresh=False),
        html.H1("Defence spending and pledges"),
        html.P("How much each country spends on defence as a share of GDP, and how many NATO allies "
               "meet the alliance's targets. Every figure names its source and edition."),
        data_age("overview", ages.overview_pairs(app, view)),
        # rendered with the page (not only by the callback) so nothing below it moves on load
        html.Div(headline(view.year), id="overview-headline", **Attrs({"aria-live": "polite"})),
        html.Div([
            html.Div([
                html.Label("Source", htmlFor="overview-source"),
                dcc.RadioItems(id="overview-source", value=view.source, inline=True,
                               options=[{"label": SOURCE_LABELS[s], "value": s} for s in OverviewView.SOURCES]),
            ], className="controls"),
            html.Div([
                html.Label("Map region", htmlFor="overview-region"),
                dcc.RadioItems(id="overview-region", value=view.region, inline=True,
                               options=[{"label": label, "value": key} for key, label in OverviewView.REGIONS.items()]),
            ], className="controls"),
            html.Div([
                html.Label("Ranking", htmlFor="overview-group"),
                html.Div(dcc.Dropdown(id="overview-group", value=view.group, clearable=False, searchable=False,
                                      options=group_options(app)), style={"minWidth": "16em", "flex": "1 1 16em"}),
            ], className="controls"),
            html.Div([
                html.Label("Year", htmlFor="overview-year"),
                html.Div(dcc.Slider(id="overview-year", min=low, max=high, step=1, value=view.year,
                                    marks=year_marks(low, high),
                                    tooltip={"placement": "bottom", "always_visible": False},
                                    updatemode="mouseup"),
                         # minHeight: the slider's drawn height, before its lazily loaded code runs
                         style={"flex": "1 1 280px", "minWidth": "0", "minHeight": "40px"}),
            ], className="controls"),
        ], className="card", style={"padding": "8px 14px"}),
        chart_card("overview-map", "Defence spending as a share of GDP", "share-of-gdp-map", height=460,
                   figure=the_map, summary=map_summary, source=map_source),
        # what the map draws now ("source|region"); the values of the years around the one drawn
        # (a step to one of them is drawn in the browser: assets/map-step.js); what the browser
        # did with the last change of the controls
        dcc.Store(id="overview-map-drawn", data=map_drawn),
        dcc.Store(id="overview-map-near", data=map_near_years),
        dcc.Store(id="overview-map-step", data={}),
        chart_card("overview-ranking", "Ranking by share of GDP", "share-of-gdp-ranking", height=820,
                   defer=True, figure=ranking, summary=ranking_summary, source=ranking_source),
        # the ranking's series now drawn ("source|series names"): a year step sends only its bars
        dcc.Store(id="overview-ranking-drawn", data=ranking_drawn),
        chart_card("overview-allies", f"NATO allies at or above {app.overview.threshold:g}% of GDP, by year",
                   "nato-allies-at-target", height=360, defer=True, figure=allies, summary=allies_summary,
                   source=allies_source),
        html.Div(events_toggle("overview-events", True), className="controls"),
    ])


def group_options(app: data.ViewData) -> list[dict]:
    """The ranking's choices: the source's default, every country, or a group's members."""
    return ([{"label": "NATO allies (NATO), top 40 (SIPRI)", "value": OverviewView.DEFAULT_GROUP},
             {"label": "Every country", "value": "all"}]
            + [{"label": group.name, "value": gid} for gid, group in app.groups.items()])


def read_params(params: dict) -> tuple[str, int, str]:
    """(source, year, region) from URL parameters or controls; anything odd gives the default."""
    view = OverviewView.parse(params, data.get())
    return view.source, view.year, view.region


def year_marks(low: int, high: int) -> dict[int, str]:
    """A mark every 5 years, labelled every 10 (legible at phone width)."""
    return {y: str(y) if y % 10 == 0 else "" for y in range(low + (-low) % 5, high + 1, 5)}


NEAR_YEARS = 2  # a map answer carries the values of this many years either side of its own


clientside_callback(
    ClientsideFunction("overview", "stepMap"),
    Output("overview-map-step", "data"),
    Input("overview-year", "value"),
    Input("overview-source", "value"),
    Input("overview-region", "value"),
    State("overview-map-near", "data"),
    State("overview-map-drawn", "data"),
    prevent_initial_call=True,  # the layout has the opening map
)


@callback(
    Output("overview-map-graph", "figure"),
    Output("overview-map-summary", "children"),
    Output("overview-map-source", "children"),
    Output("overview-map-drawn", "data"),
    Output("overview-map-near", "data"),
    Input("overview-year", "value"),
    Input("overview-source", "value"),
    Input("overview-region", "value"),
    Input("overview-map-step", "data"),
    State("overview-map-drawn", "data"),
    prevent_initial_call=True,  # the layout has the opening map
)
def update_map(year: object, source: object, region: object, step: object = None, drawn: object = None):
    """Choropleth for the year, source and region (``step``: what the browser did with them
    first — drawn the year itself, from the values of ``map_near``, or not).

    Drawn in the browser: the figure is left as it is. Else, when only the year moved on a
    map already drawn, just its values (``fig.map_values``) are patched into the figure the
    browser has; else the whole map. Either way the text summary, the source line and the
    values of the years around this one."""
    step = step if isinstance(step, dict) else {}
    views = data.get().overview
    source, year, region = read_params({"year": year, "source": source, "region": region})
    shares = views.year_shares(source, year)
    message = views.empty_message(source, year)
    edition = views.edition(source)
    now = f"{source}|{region}" if not shares.empty else ""
    painted = step.get("painted") is True and (step.get("year"), step.get("source"), step.get("region")) == (
        year, source, region)
    if now and drawn == now and painted:
        figure: object = dash.no_update  # dash.no_update, a Patch or a whole figure
    elif now and drawn == now:
        figure = Patch()
        for key, value in fig.map_values(shares, source, year, views.every_country(source)).items():
            figure["data"][0][key] = value
    else:
        figure = fig.map_figure(shares, source, year, region, max(views.targets, default=5.0), message,
                                views.every_country(source))
    return (figure, fig.map_summary(shares, source, edition, year, message),
            source_line([(source, edition)] if edition else [], MAP_NOTE), now, map_near(source, year, now))


def map_near(source: str, year: int, key: str) -> dict | None:
    """The values of the years within ``NEAR_YEARS`` of ``year`` that have figures, as the
    map's trace has them (``fig.map_values``), for the browser to draw a step to one of them."""
    if not key:
        return None
    views = data.get().overview
    years = {}
    for near in range(year - NEAR_YEARS, year + NEAR_YEARS + 1):
        shares = views.year_shares(source, near)
        if near != year and not shares.empty:
            years[str(near)] = fig.map_values(shares, source, near, views.every_country(source))
    return {"key": key, "years": years}


@callback(
    deferred("overview-ranking"),
    Output("overview-ranking-summary", "children"),
    Output("overview-ranking-source", "children"),
    Output("overview-headline", "children"),
    Output("overview-ranking-drawn", "data"),
    Input("overview-year", "value"),
    Input("overview-source", "value"),
    Input("overview-group", "value"),
    State("overview-ranking-drawn", "data"),
    prevent_initial_call=True,  # the layout has the opening ranking
)
def update_ranking(year: object, source: object, group: object = None, drawn: object = None):
    """Ranking bars for the year, source and group (the source's default countries unless a
    group is chosen), and the NATO headline strip. When the bars drawn have the same series
    (``drawn``), only what a year changes is sent (``ranking_patch``)."""
    views = data.get().overview
    view = OverviewView.parse({"year": year, "source": source, "group": group}, data.get())
    source, year = view.source, view.year
    shares = views.year_shares(source, year)
    ranked = views.ranking(source, year, view.ranking_group)
    message = views.empty_message(source, year)
    edition = views.edition(source)
    figure = fig.ranking_figure(ranked, source, year, views.targets, message)
    now = "|".join([source, *(str(t.get("name")) for t in figure["data"])]) if figure["data"] else ""
    return (ranking_patch(figure) if now and now == drawn else figure,
            fig.ranking_summary(ranked, source, edition, year, views.targets,
                                len(shares) if source == "sipri" and view.ranking_group is None else len(ranked),
                                message),
            source_line([(source, edition)] if edition else [], RANKING_NOTE),
            headline(year), now)


def ranking_patch(figure: dict) -> Patch:
    """What a year changes in a ranking with the same series: each series' bars, and the
    chart's height, value range and order of countries (the rest, targets and styles, stays)."""
    patch = Patch()
    for i, trace in enumerate(figure["data"]):
        for key in ("x", "y", "customdata", "text"):
            patch["data"][i][key] = trace[key]
    layout = figure["layout"]
    patch["layout"]["height"] = layout["height"]
    patch["layout"]["xaxis"]["range"] = layout["xaxis"]["range"]
    patch["layout"]["yaxis"]["categoryarray"] = layout["yaxis"]["categoryarray"]
    return patch


@callback(
    deferred("overview-allies"),
    Output("overview-allies-summary", "children"),
    Output("overview-allies-source", "children"),
    Input("overview-year", "value"),
    Input("overview-events", "value"),
    prevent_initial_call=True,  # the layout has the opening chart
)
def update_allies(year: object, events_value: object = None):
    """Allies at or above the lowest NATO target per year (the chosen year outlined), with the
    dated events (summits, the invasion) unless switched off."""
    views = data.get().overview
    _, year, _ = read_params({"year": year})
    edition = views.edition("nato")
    events = data.get().timeline_events() if events_on(events_value) else ()
    key = fig.allies_events_key(views.allies_counts, events)
    return (fig.allies_figure(views.allies_counts, views.threshold, year, events),
            fig.allies_summary(views.allies_counts, views.threshold, edition, events),
            source_line([("nato", edition)] if edition else [], f"{ALLIES_NOTE} {key}".strip()))


@callback(
    Output("overview-ages", "children"),
    Input("overview-source", "value"),
    prevent_initial_call=True,
)
def update_ages(source: object) -> list:
    """The data-age note for the publisher now drawn (NATO's, the nowcast's and Kiel's stay)."""
    app = data.get()
    return data_age_children(ages.overview_pairs(app, OverviewView.parse({"source": source}, app)))


@callback(
    Output("overview-url", "search"),
    Input("overview-year", "value"),
    Input("overview-source", "value"),
    Input("overview-region", "value"),
    Input("overview-group", "value"),
    prevent_initial_call=True,
)
def sync_url(year: object, source: object, region: object, group: object = None) -> str:
    """Keep the view in the URL (shareable; back button restores it) without re-rendering."""
    return OverviewView.parse({"year": year, "source": source, "region": region, "group": group},
                              data.get()).query()


def headline(year: int) -> list:
    """The NATO strip for ``year`` (NATO's latest year if it has no figures for ``year``); beside
    NATO's latest year, the nowcast year after it."""
    views = data.get().overview
    head = views.headline(year)
    if head is None:
        return [html.P("No NATO figures in this snapshot.")]
    edition = edition_short("nato", head.edition) if head.edition else "?"
    label = f"NATO's {edition} {'estimates' if head.estimate else 'edition'}"
    stats = []
    for i, (t, count) in enumerate(head.at_or_above):
        text = f"allies at or above {t:g}% of GDP in {head.year} ({label})" if i == 0 else f"at or above {t:g}%"
        stats.append(html.Div([html.Strong(f"{count} of {head.members}"), text], className="stat"))
    casts = views.nowcast_headline
    latest = head.year == max(views.nato_aggregates)
    if casts is not None and latest:
        stats.insert(1, html.Div([html.Strong(f"{casts.at_or_above} of the {casts.nowcast}"),
                                  f"allies with a {casts.year} nowcast at or above {casts.threshold:g}% "
                                  "(this dashboard's estimate, not NATO's)"], className="stat stat-nowcast"))
    if head.weighted_share_pct is not None:
        stats.append(html.Div([html.Strong(f"{head.weighted_share_pct:.2f}%"),
                               f"NATO-wide share of GDP (GDP-weighted, {head.year})"], className="stat"))
    stats.append(html.Div([html.Strong(f"US${head.spending_usd_million / 1000:,.0f}bn"),
                           f"allies' defence spending in {head.year} (current prices)"], className="stat"))
    notes = []
    if head.year != head.asked:
        notes.append(f"NATO publishes no figures for {head.asked}; showing {head.year}.")
    if head.missing:
        notes.append("Not reported: " + ", ".join(head.missing) + ".")
    ukraine = data.get().ukraine.headline
    return [html.Div(stats, className="strip"),
            html.P(" ".join(notes), className="source-line") if notes else None,
            html.P([casts.note(), " ", dcc.Link("The backtest →", href="/sources")], className="source-line")
            if casts is not None and latest else None,
            html.P([ukraine, " ", dcc.Link("Who carries Ukraine now →", href="/ukraine")], className="ukraine-line")
            if ukraine else None]


"""Scenarios page (/scenarios): what a group reaching a target share by a year would cost, per country.

The state is ``views.specs.ScenariosView`` (URL and controls alike); the scenario itself
is ``views.scenarios``, drawn by ``charts.scenario_charts`` (both memoised per process).
"""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import charts
from dashboard.app.components import (
    FIELD_STYLE,
    SCROLL_STYLE,
    TABLE_STYLE,
    chart_card,
    data_age,
    data_age_children,
)
from dashboard.app.html_types import Attrs
from dashboard.schema import SOURCE_LABELS
from dashboard.views import ages, data
from dashboard.views.specs import ScenariosView
from dashboard.views.url import param_number

dash.register_page(__name__, path="/scenarios", name="Scenarios", title="Scenarios — defence spending")

View = ScenariosView
TARGET = ScenariosView.TARGET
GROWTH = ScenariosView.GROWTH
FIELDS = ("group", "target", "year", "growth")


def parse(group: object, target: object, year: object, growth: object) -> ScenariosView:
    """A valid view from URL parameters or control values; never raises."""
    return ScenariosView.parse(dict(zip(FIELDS, (group, target, year, growth))), data.get())


def layout(**params: object) -> html.Div:
    """The scenario in the URL; malformed values fall back to the defaults (with a note)."""
    app = data.get()
    view = ScenariosView.parse(params, app)
    # memoised: the callback reuses both
    result = app.scenarios.result(view.group, view.target, view.year, view.growth)
    drawn = charts.scenario_charts(app).chart(view.group, view.target, view.year, view.growth)
    low, high, _ = ScenariosView.years(app)
    return html.Div([
        dcc.Location(id="scenarios-url", refresh=False),
        html.H1("Scenarios: what would a target cost?"),
        html.P("Every member of the group below the target share of GDP rises to it in a straight line by "
               "the target year; members already there keep their share. The chart shows the extra "
               "spending this needs each year, compared with spending at each member's latest share."),
        data_age("scenarios", ages.scenarios_pairs(app, view)),
        html.Div(_param_notice(params, view), id="scenarios-notice", role="status"),
        html.Div([
            html.Div([
                html.Label("Group", htmlFor="scenarios-group"),
                dcc.Dropdown(id="scenarios-group", value=view.group, clearable=False, searchable=False,
                             options=[{"label": g.name, "value": k} for k, g in app.groups.items()]),
            ], style={**FIELD_STYLE, "flex": "1 1 22em"}),
            html.Div([
                html.Label("Target, % of GDP", htmlFor="scenarios-target"),
                dcc.Input(id="scenarios-target", type="number", min=TARGET[0], max=TARGET[1], step=0.1,
                          value=view.target, debounce=True, style={"width": "6em"}),
            ], style=FIELD_STYLE),
            html.Div([
                html.Label("Target year", htmlFor="scenarios-year"),
                dcc.Input(id="scenarios-year", type="number", min=low, max=high, step=1,
                          value=view.year, debounce=True, style={"width": "6em"}),
            ], style=FIELD_STYLE),
            html.Div([
                html.Label("Nominal GDP growth, % a year (empty: auto)", htmlFor="scenarios-growth"),
                dcc.Input(id="scenarios-growth", type="number", min=GROWTH[0], max=GROWTH[1], step=0.1,
                          value=view.growth, placeholder="auto", debounce=True, style={"width": "6em"}),
            ], style=FIELD_STYLE),
        ], className="controls"),
        html.P("Auto: IMF WEO projections where the snapshot has them, else each country's trailing "
               "5-year nominal GDP growth (see the assumptions below the table).", className="hint"),
        # title and summary as the callback will set them: in the page's static copy
        chart_card("scenarios-chart", chart_title(app, view), "scenario", height=520, summary=drawn.summary),
        html.Section([
            html.H2("Extra spending in the target year, by country", id="scenarios-table-title"),
            # the table and assumptions the page opens with, as the callback sets them: in the static copy
            html.Div(_table(result.rows, view), id="scenarios-table", className="table-scroll", style=SCROLL_STYLE),
            html.Details([html.Summary("Assumptions by country"),
                          html.Div(_assumptions(result.rows, view), id="scenarios-assumptions")],
                         className="notes"),
        ], className="card", **Attrs({"aria-labelledby": "scenarios-table-title"})),
    ])


@callback(
    Output("scenarios-chart-graph", "figure"),
    Output("scenarios-chart-summary", "children"),
    Output("scenarios-chart-source", "children"),
    Output("scenarios-chart-title", "children"),
    Output("scenarios-table", "children"),
    Output("scenarios-assumptions", "children"),
    Input("scenarios-group", "value"),
    Input("scenarios-target", "value"),
    Input("scenarios-year", "value"),
    Input("scenarios-growth", "value"),
)
def update_scenario(group: object, target: object, year: object, growth: object):
    """Chart, summary, source line, title, per-country table and assumptions for the scenario."""
    app = data.get()
    view = parse(group, target, year, growth)
    result = app.scenarios.result(view.group, view.target, view.year, view.growth)
    drawn = charts.scenario_charts(app).chart(view.group, view.target, view.year, view.growth)
    return (drawn.figure, drawn.summary, drawn.source, chart_title(app, view), _table(result.rows, view),
            _assumptions(result.rows, view))


def chart_title(app: data.ViewData, view: ScenariosView) -> str:
    """The chart card's title for the scenario."""
    return f"Extra defence spending per year: {app.groups[view.group].name} at {view.target:g}% of GDP by {view.year}"


@callback(
    Output("scenarios-ages", "children"),
    Input("scenarios-group", "value"),
    Input("scenarios-target", "value"),
    Input("scenarios-year", "value"),
    Input("scenarios-growth", "value"),
    prevent_initial_call=True,
)
def update_ages(group: object, target: object, year: object, growth: object) -> list:
    """The data-age note for the scenario now drawn (its members' sources; the IMF's when growth is auto)."""
    return data_age_children(ages.scenarios_pairs(data.get(), parse(group, target, year, growth)))


@callback(
    Output("scenarios-url", "search"),
    Input("scenarios-group", "value"),
    Input("scenarios-target", "value"),
    Input("scenarios-year", "value"),
    Input("scenarios-growth", "value"),
    prevent_initial_call=True,
)
def sync_url(group: object, target: object, year: object, growth: object) -> str:
    """The scenario as a shareable query string (back button works)."""
    return parse(group, target, year, growth).query()


def _table(rows: tuple[dict, ...], view: ScenariosView) -> dcc.Markdown:
    """Per-country table (highest extra spending first), as one Markdown component.

    ~200 Dash html components (a cell each) cost ~200 ms of main-thread time on first load
    (Lighthouse's blocking time); one Markdown table draws the same table in a few ms.
    """
    head = ["Country", "Latest share of GDP", "Source (edition)", f"Extra in {view.year}, national currency",
            "Extra, US$", "Extra, €"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---", "--:", "---", "--:", "--:", "--:"]) + "|"]
    for r in rows:
        country = f"[{_md(r['country'])}](/country/{r['iso3']})"
        if r["status"] != "ok":
            lines.append(f"| {country} | no figures: no share of GDP or spending in national currency | | | | |")
            continue
        above = " ✓" if r["latest_share_pct"] >= view.target else ""
        lines.append("| " + " | ".join([
            country, f"{r['latest_share_pct']:.2f}% ({r['latest_year']}){above}",
            _md(f"{SOURCE_LABELS.get(r['source'], r['source'])} ({r['edition']})"),
            _money(r["extra_lcu_billion"], r["currency"]), _money(r["extra_usd_billion"], "US$"),
            _money(r["extra_eur_billion"], "€")]) + " |")
    caption = (f"Extra defence spending in {view.year} for each member to reach {view.target:g}% of GDP, billions; "
               "✓ already at or above the target.")
    return dcc.Markdown(f"{caption}\n\n" + "\n".join(lines), className="data-table", style=TABLE_STYLE)


def _assumptions(rows: tuple[dict, ...], view: ScenariosView) -> dcc.Markdown:
    growth = ("nominal GDP growth set to " + f"{view.growth:g}% a year for every country"
              if view.growth is not None else "nominal GDP growth: auto")
    items = [f"- All countries: {growth}; exchange rates move with each country's inflation gap to the US."]
    items += [f"- {_md(r['country'])}: {_md(r['assumptions'])}." for r in rows if r["status"] == "ok"]
    return dcc.Markdown("\n".join(items))


def _md(text: object) -> str:
    """Text safe inside a Markdown table cell or list item."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


def _money(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{unit} {value:,.1f}bn" if unit in ("US$", "€") else f"{value:,.1f}bn {unit}"


def _param_notice(params: dict, view: ScenariosView) -> list:
    """Say which URL values were not usable (without echoing more than a few characters)."""
    bad = []
    if params.get("group") not in (None, view.group):
        bad.append("group")
    for key, value in (("target", view.target), ("year", view.year)):
        raw = params.get(key)
        if raw not in (None, "") and round(param_number(raw, float("nan"), -1e9, 1e9), 1) != value:
            bad.append(key)
    raw_growth = params.get("growth")
    if raw_growth not in (None, "", "auto") and view.growth is None:
        bad.append("growth")
    if not bad:
        return []
    low, high, _ = ScenariosView.years(data.get())
    return [html.P(f"Some link values were not usable ({', '.join(bad)}): using "
                   f"{view.group}, {view.target:g}% by {view.year}, growth "
                   f"{'auto' if view.growth is None else f'{view.growth:g}%'} instead. Targets run from "
                   f"{TARGET[0]:g} to {TARGET[1]:g}% and years from {low} to {high}.", className="notice")]



"""The chart registry: every exportable chart by name, its parameters with defaults, and its builder.

``resolve(app, "ranking", ["year=2024", "source=nato"])`` validates the parameters
(``params``) and builds the chart (``builders``); ``listing`` is what ``export --list``
prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dashboard.charts import builders as b
from dashboard.charts import ukraine
from dashboard.charts.builders import COALITION_PLEDGES, share_pledge_ids
from dashboard.charts.built import Built
from dashboard.charts.params import Param, parse_pairs, text, validate
from dashboard.figures import country as country_fig
from dashboard.figures.publish import publish
from dashboard.views import ViewError
from dashboard.views.compare import INDICATORS
from dashboard.views.pledges import STATUS_FILTERS
from dashboard.views.specs import (
    ALL,
    HAGUE_CORE,
    SPENDING_MEASURES,
    CompareView,
    CountryView,
    OverviewView,
    PledgesView,
    ScenariosView,
    SourcesView,
    UkraineView,
    year_span,
)
from dashboard.views.tabular import comment_line

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

# Defaults and bounds are the pages' own (``views.specs``), read from the data where they are years.
TARGET = ScenariosView.TARGET


@dataclass(frozen=True)
class Chart:
    """A chart by name: what it shows, its parameters, and its builder."""

    name: str
    description: str
    params: tuple[Param, ...]
    build: Callable[[ViewData, dict[str, Any]], Built]


@dataclass(frozen=True)
class Resolved:
    """A chart with validated parameters, built."""

    chart: Chart
    params: dict[str, Any]
    built: Built


def resolve(app: ViewData, name: str, raw: dict[str, str] | tuple[str, ...] | list[str]) -> Resolved:
    """Look up ``name``, validate its parameters (``key=value`` strings or a dict) and build it."""
    chart = get(name)
    given = raw if isinstance(raw, dict) else parse_pairs(raw)
    params = validate(chart.name, chart.params, given, app)
    return Resolved(chart, params, chart.build(app, params))


def label(resolved: Resolved) -> str:
    """``ranking (source=nato, year=2024, group=NATO)``: how to make the chart again."""
    kinds = {p.name: p.kind for p in resolved.chart.params}
    args = ", ".join(f"{k}={text(v, kinds.get(k, ''))}" for k, v in resolved.params.items()
                     if text(v, kinds.get(k, "")) != "")
    return f"{resolved.chart.name} ({args})" if args else resolved.chart.name


def publication_figure(app: ViewData, name: str, params: dict[str, str],
                       exported: date | None = None) -> dict[str, Any]:
    """The chart styled for print (1200 × 675, title, subtitle, footer) as a figure dict, no browser.

    For the dashboard's download buttons: ``Plotly.downloadImage(figure, {format: "svg",
    width: 1200, height: 675})`` in the page gives the same image as ``export``.
    """
    resolved = resolve(app, name, params)
    built = resolved.built
    return publish(built.figure, built.title, built.subtitle, built.source_text, label(resolved),
                   exported or date.today())


def csv_text(resolved: Resolved) -> str:
    """The data behind a chart as CSV, its source line (and how to make it again) as a first
    comment line: what a chart card's CSV button downloads and /data/<chart>.csv serves."""
    built = resolved.built
    return comment_line(f"{built.source_text} Chart: {label(resolved)}.") + "\n" + built.csv()


def chart_csv(app: ViewData, name: str, params: dict[str, str]) -> str:
    """``csv_text`` of chart ``name`` with ``params`` (key → text)."""
    return csv_text(resolve(app, name, params))


# A page's URL parameter that a chart names differently (Sources: ?revisions=sipri).
URL_ALIASES: dict[str, dict[str, str]] = {"revisions": {"revisions": "source"}}
MAX_QUERY_VALUE = 200


def params_from_query(name: str, query: Mapping[str, object], path: str | None = None) -> dict[str, str]:
    """The chart's parameters among a page's URL parameters (others ignored; the country of
    /country/<ISO3> taken from the path)."""
    accepted = {p.name for p in get(name).params}
    aliases = URL_ALIASES.get(name, {})
    params: dict[str, str] = {}
    for key, value in query.items():
        key = aliases.get(key, key)
        if key in accepted and isinstance(value, str) and len(value) <= MAX_QUERY_VALUE:
            params[key] = value
    if path and path.startswith("/country/") and "country" in accepted:
        # the whole segment: /country/GBRX is no country (never the UK's chart under another URL)
        params["country"] = path.rstrip("/").rsplit("/", 1)[-1][:MAX_QUERY_VALUE]
    return params


def get(name: str) -> Chart:
    """The chart called ``name``, or a one-line error listing the names."""
    chart = CHARTS.get(str(name).strip().lower())
    if chart is None:
        shown = str(name)[:24]
        raise ViewError(f"no chart named {shown!r} (charts: {', '.join(CHARTS)}; see export --list)")
    return chart


def listing(app: ViewData) -> list[str]:
    """``export --list``: every chart, what it shows, its parameters with defaults and accepted values."""
    lines = []
    for chart in CHARTS.values():
        lines.append(f"{chart.name}: {chart.description}")
        done: dict[str, Any] = {}
        for p in chart.params:
            done[p.name] = p.resolve(p.default, app, done)
            accepted = _accepted(p, app, done)
            lines.append(f"    --param {p.name + '=' + text(done[p.name], p.kind):<30} {p.help}{accepted}")
    return lines


def _accepted(p: Param, app: ViewData, done: dict[str, Any]) -> str:
    if p.kind == "choice":
        choices = p.resolve(p.choices, app, done)
        return f" ({', '.join(choices)})" if len(choices) <= 12 else ""
    if p.kind in ("year", "number", "optional_year", "optional_number") and p.bounds is not None:
        low, high = p.resolve(p.bounds, app, done)
        return f" ({low:g}–{high:g})"
    return ""


# ---- parameter helpers ------------------------------------------------------------------------

def _years(source: str) -> Callable[[ViewData, dict[str, Any]], tuple[int, int]]:
    return lambda app, done: app.share_years.get(done.get("source", source), (0, -1))


def _latest(source: str) -> Callable[[ViewData, dict[str, Any]], int]:
    return lambda app, done: app.share_years.get(done.get("source", source), (0, 0))[1]


def _share_span(app: ViewData, done: dict[str, Any]) -> tuple[int, int]:
    return year_span(app)


def _scenario_years(app: ViewData, done: dict[str, Any]) -> tuple[int, int]:
    low, high, _ = ScenariosView.years(app)
    return low, high


def _groups(app: ViewData, done: dict[str, Any]) -> tuple[str, ...]:
    return tuple(app.groups)


def _country_pledges(app: ViewData, done: dict[str, Any]) -> tuple[str, ...]:
    return tuple(r.id for r in country_fig.share_pledges(app.progress_by_country.get(done["country"], [])))

def _group_pledges(app: ViewData, done: dict[str, Any]) -> tuple[str, ...]:
    return tuple(p.id for p in app.pledges if p.kind == "share_gdp" and p.scope != "related" and p.actor in app.groups)


COUNTRY = Param("country", "country", "ISO 3166 alpha-3 code of a country in the data", CountryView.DEFAULT_COUNTRY)
# The timelines' dated events (data/events.yaml): on unless asked off (a page's "Show events").
EVENTS = Param("events", "choice", "mark dated events (data/events.yaml) on the timeline", "on", choices=("on", "off"))
FROM = Param("from", "year", "first year drawn", CountryView.DEFAULT_FROM, bounds=_share_span)

# ---- the registry -----------------------------------------------------------------------------

SHARE_SOURCE = Param("source", "choice", "publisher", OverviewView.DEFAULT_SOURCE, choices=OverviewView.SOURCES)
YEAR = Param("year", "year", "year shown", _latest(OverviewView.DEFAULT_SOURCE), bounds=_years(OverviewView.DEFAULT_SOURCE))

# The budget chart's years: the registry's span (published budgets run two or three years ahead).
BUDGET_YEARS = (2024, 2027)
BUDGET_BOUNDS = (2015, 2035)

UA_AID = Param("aid", "choice", "aid type", UkraineView.AID[0], choices=UkraineView.AID)

CHARTS: dict[str, Chart] = {c.name: c for c in (
    Chart("country-share", "A country's share of GDP by source, with its pledges' targets and paths (Country page)",
          (COUNTRY, FROM, Param("pledges", "codes", "pledge ids to draw, comma-separated, or all", "all",
                                choices=_country_pledges), EVENTS), b.build_country_share),
    Chart("money-gap", "A country's money gap to each pledge in its target year (Country page)",
          (COUNTRY,), b.build_money_gap),
    Chart("spending", "A country's defence spending in national currency or US$ (Country page)",
          (COUNTRY, Param("measure", "choice", "national currency, US$ current or US$ constant", "lcu",
                          choices=tuple(SPENDING_MEASURES)), FROM), b.build_spending),
    Chart("map", "World or Europe map of share of GDP in a year (Overview)",
          (SHARE_SOURCE, YEAR, Param("region", "choice", "map view", OverviewView.DEFAULT_REGION,
                                     choices=tuple(OverviewView.REGIONS))),
          b.build_map),
    Chart("ranking", "Countries ranked by share of GDP in a year, with NATO's targets (Overview)",
          (SHARE_SOURCE, YEAR, Param("group", "choice", "a group's members, or all (SIPRI: the top 40)",
                                     lambda app, done: "NATO" if done["source"] == "nato" else "all",
                                     choices=lambda app, done: ("all", *app.groups))), b.build_ranking),
    Chart("allies-at-target", "NATO allies at or above 2% of GDP, by year (Overview)", (EVENTS,), b.build_allies),
    Chart("pledge-status", "Countries per status for each alliance pledge (Pledges page)",
          (Param("actor", "choice", "who made the pledge (a group or a country), or all", ALL,
                 choices=lambda app, done: (ALL, *app.tracker.actors)),
           # the tracker's own filters: a status among pledges in force, or their history
           Param("status", "choice", "pledges in force with this status (all: every one in force), "
                 "history (superseded or lapsed) or every", ALL, choices=STATUS_FILTERS),
           Param("q", "text", "the table's quick filter (words every row shown contains)", "",
                 limit=PledgesView.MAX_QUERY),
           Param("country", "choice", "only rows binding this country (ISO3), or all", ALL,
                 choices=lambda app, done: (ALL, *app.tracker.countries))), b.build_pledge_status),
    Chart("scenario", "Extra spending for a group to reach a share of GDP by a year (Scenarios page)",
          (Param("group", "choice", "group id", "NATO", choices=_groups),
           Param("target", "number", "% of GDP", TARGET[2], bounds=TARGET[:2]),
           Param("year", "year", "target year", lambda app, done: ScenariosView.years(app)[2],
                 bounds=_scenario_years),
           Param("growth", "optional_number", "nominal GDP growth, % a year, or auto", None,
                 bounds=ScenariosView.GROWTH)), b.build_scenario),
    Chart("compare", "One indicator for several countries, lines or bars (Compare page)",
          (Param("countries", "countries", "ISO3 codes, comma-separated (up to 12)",
                 list(CompareView.DEFAULT_COUNTRIES), limit=CompareView.MAX_COUNTRIES),
           Param("indicator", "choice", "indicator", "milex_share_gdp", choices=tuple(INDICATORS)),
           Param("source", "choice", "publisher of the indicator",
                 lambda app, done: INDICATORS[done["indicator"]].sources[0],
                 choices=lambda app, done: INDICATORS[done["indicator"]].sources),
           Param("chart", "choice", "lines over time or bars for the latest common year", "lines", choices=("lines", "bars")),
           Param("base", "optional_year", "index base year (= 100), or off", None, bounds=_share_span), EVENTS),
          b.build_compare),
    Chart("reconcile", "NATO, SIPRI, World Bank and Eurostat side by side for a country-year (Sources page)",
          (COUNTRY, Param("year", "year", "year compared", lambda app, done: SourcesView.default_year(app),
                          bounds=_share_span)), b.build_reconcile),
    Chart("revisions", "A publisher's editions side by side for a country, with the revision (Sources page)",
          (COUNTRY, Param("source", "choice", "publisher with several editions", "sipri",
                          choices=SourcesView.REVISION_SOURCES)), b.build_revisions),
    Chart("coalition-share", "A group's GDP-weighted share of GDP over time against pledge targets (pack)",
          (Param("group", "choice", "group id", "LONDON_2025", choices=_groups),
           Param("source", "choice", "publisher", "nato", choices=("nato", "sipri")),
           Param("pledges", "codes", "pledge ids whose targets are drawn, or all", list(COALITION_PLEDGES),
                 choices=share_pledge_ids, limit=6)), b.build_group_share),
    Chart("burden-sharing", "The United States vs NATO Europe and Canada: spending by year (pack)", (), b.build_burden),
    Chart("pledge-gap", "Each bound country's gap to a group pledge, e.g. the Hague 3.5% by 2035 (pack)",
          (Param("pledge", "choice", "id of a group's share-of-GDP pledge", HAGUE_CORE, choices=_group_pledges),),
          b.build_pledge_gap),
    Chart("ukraine-regions", "Aid to Ukraine from the United States, Europe and others, per year or month "
          "(Ukraine page)", (UA_AID, Param("by", "choice", "per year or per month", UkraineView.BY[0],
                                           choices=UkraineView.BY), EVENTS), ukraine.build_regions),
    Chart("ukraine-donors", "Donors to Ukraine ranked in EUR, % of GDP or % of own defence spending (Ukraine page)",
          (UA_AID, Param("measure", "choice", "EUR, % of GDP, or military aid as % of own defence spending",
                         UkraineView.MEASURES[0], choices=UkraineView.MEASURES),
           Param("period", "choice", "all months of the release, or one year", UkraineView.ALL,
                 choices=lambda app, done: UkraineView.periods(app))), ukraine.build_donors),
    Chart("ukraine-donor", "One donor's aid to Ukraine per year by type (Country page)",
          (Param("country", "choice", "ISO3 code of a donor in the Kiel tracker", "DEU",
                 choices=lambda app, done: app.ukraine.aid.donors if app.ukraine.aid else ()),),
          ukraine.build_donor),
    Chart("ukraine-sourcing", "Military aid to Ukraine by sourcing: stocks, industry, NATO PURL (Ukraine page)", (),
          ukraine.build_sourcing),
    Chart("ukraine-promised", "Commitments to Ukraine against what the Kiel tracker counts as allocated over the "
          "same months (Ukraine page)", (), ukraine.build_promised),
    Chart("ukraine-weapons", "Heavy weapons for Ukraine by donor and category (Ukraine page)",
          (Param("weapons", "choice", "number or value", UkraineView.WEAPONS[0], choices=UkraineView.WEAPONS),),
          ukraine.build_weapons),
    Chart("budgets", "Defence budgets as governments published them: the countries of a group whose budgets "
          "rose most (Budgets page)",
          (Param("group", "choice", "group id, or all (every country in the budget registry)", "NATO",
                 choices=lambda app, done: ("all", *app.groups)),
           Param("from", "year", "first fiscal year", BUDGET_YEARS[0], bounds=BUDGET_BOUNDS),
           Param("to", "year", "last fiscal year", BUDGET_YEARS[1], bounds=BUDGET_BOUNDS),
           Param("top", "number", "countries drawn (the largest rises)", 10, bounds=(1, 24))),
          b.build_budgets),
    Chart("nato-vs-sipri", "NATO vs SIPRI share of GDP for a country, with the difference (pack)",
          (COUNTRY, Param("from", "year", "first year drawn", lambda app, done: year_span(app, ("nato",))[0],
                          bounds=_share_span)), b.build_nato_vs_sipri),
)}

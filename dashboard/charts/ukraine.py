"""The Ukraine page's charts, drawn from its views (``views.ukraine``), and their registry builders.

``UkraineCharts`` memoises each chart of the page per process: aid by region (the United
States, Europe, others), donors ranked in EUR, % of GDP or % of their own defence spending
with the coalition of the willing marked, how military aid was sourced, heavy weapons by
donor, and a donor's chart for the Country page. Each is a ``Chart``: the figure, its text
summary, source line, title and the rows of its CSV. The ``build_*`` functions hand them to
the chart registry (export, /data/<chart>.csv, the cards' downloads).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from dashboard.charts.built import Built, from_rows
from dashboard.charts.memo import per_data
from dashboard.figures import ukraine as fig
from dashboard.figures.common import empty_figure
from dashboard.model import ukraine as model
from dashboard.views import ViewError, promised
from dashboard.views.labels import source_line
from dashboard.views.ukraine import AID_LABELS, MEASURE_LABELS, NOT_ADDITIVE, TOP_DONORS, month_name

if TYPE_CHECKING:
    from dashboard.views.data import ViewData
    from dashboard.views.ukraine import UkraineViews

# The Ukraine page's timeline marks the events of no one country and those concerning Ukraine
# (the EU's loan, the Paris Declaration): data/events.yaml lists UKR among their countries.
UKRAINE = "UKR"


@dataclass(frozen=True)
class Chart:
    """One chart of the page, drawn: figure, text summary, source line, title, and its rows for CSV."""

    figure: dict[str, Any]
    summary: str
    source: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, object], ...]


class UkraineCharts:
    """The page's charts, memoised per process (the views they draw from are memoised too)."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.regions = lru_cache(maxsize=16)(self._regions)
        self._ranked = lru_cache(maxsize=128)(self._ranking)
        self.weapons = lru_cache(maxsize=4)(self._weapons)
        self.donor = lru_cache(maxsize=256)(self._donor)

    @property
    def views(self) -> UkraineViews:
        """The page's data and words (``views.ukraine``)."""
        return self._data.ukraine

    def _regions(self, aid_type: str, by: str, events: bool = True) -> Chart:
        """Aid by region per year or month; ``events``: mark the dated events (data/events.yaml)
        on the months (a year's bar has no place for a day; the page's "Show events")."""
        views = self.views
        aid = views.require()
        split = model.region_split(aid, aid_type, views.europe, by)
        labels = split.periods if by == "month" else tuple(views.year_label(int(p)) for p in split.periods)
        rows = tuple({"period": p, "region": r, f"{aid_type}_aid_eur_million": round(split.values[r][i], 3)}
                     for i, p in enumerate(split.periods) for r in model.REGIONS)
        marked = self._data.timeline_events(UKRAINE) if events and by == "month" else ()
        key = fig.regions_events_key(labels, marked)
        summary = fig.regions_summary(split, labels, AID_LABELS[aid_type], views.period_text(), marked)
        return Chart(fig.regions_figure(split, labels, AID_LABELS[aid_type], marked), summary,
                     views.source_line("Europe: EU-27, UK, Norway, Switzerland, Iceland and the EU institutions."
                                       + (f" {key}" if key else "")),
                     f"{AID_LABELS[aid_type]} to Ukraine: the United States, Europe and others, per {by}",
                     ("period", "region", f"{aid_type}_aid_eur_million"), rows)

    def ranking(self, aid_type: str, measure: str, period: str) -> Chart:
        """Donors ranked (memoised; "% of own defence spending" is always of military aid)."""
        return self._ranked("military" if measure == "defence" else aid_type, measure, period)

    def _ranking(self, aid_type: str, measure: str, period: str) -> Chart:
        views = self.views
        aid = views.require()
        year = None if period == "all" else int(period)
        kind = "military" if measure == "defence" else aid_type
        rows = views.rank_rows(kind, measure, year)
        when = views.period_text() if year is None else views.year_label(year)
        what = AID_LABELS[kind] + ("" if measure == "eur" else f", {MEASURE_LABELS[measure]}")
        note = {"eur": "", "gdp": ("Share of each donor's 2021 GDP (Kiel's basis)." if year is None else
                                   "Share of each donor's GDP that year (NATO, else SIPRI spending ÷ share), in euro; "
                                   "marked where the latest GDP in the snapshot stands in."),
                "defence": "Military aid ÷ the donor's own defence spending (NATO, else SIPRI), the years both "
                           "have."}[measure]
        csv: tuple[dict[str, object], ...] = tuple({"rank": i + 1, "iso3": r.iso3, "donor": r.name, "value": round(r.value, 6),
                     "unit": "EUR million" if measure == "eur" else "percent", "aid_eur_million": round(r.aid_eur, 3),
                     "basis": r.basis, "coalition_of_the_willing": r.coalition, "stand_in_gdp_year": r.stand_in}
                    for i, r in enumerate(rows))
        figure, summary = (fig.ranking_figure(rows[:TOP_DONORS], measure, what),
                           fig.ranking_summary(rows, measure, what, when, len(aid.donors)))
        if not rows and measure != "eur" and model.ranking(aid, kind, year):
            # donors gave aid that year, but nothing to divide it by: say so, not "no donor with aid"
            why = f"No {'GDP' if measure == 'gdp' else 'defence spending'} figures for {when} in this snapshot"
            figure = empty_figure(why, 520)
            summary = f"{why} to divide {AID_LABELS[kind].lower()} by: choose an earlier year, or all months."
        return Chart(figure, summary,
                     views.source_line(note + (" " + NOT_ADDITIVE if measure == "defence" else "")),
                     f"{what}: top donors, {when}",
                     ("rank", "iso3", "donor", "value", "unit", "aid_eur_million", "basis",
                      "coalition_of_the_willing", "stand_in_gdp_year"), csv)

    @cached_property
    def sourcing(self) -> Chart:
        """All donors' military aid per year by how it was sourced, PURL included."""
        views = self.views
        aid = views.require()
        kinds = model.sourcing(aid)
        labels = tuple(views.year_label(y) for y in aid.years)
        rows = tuple({"year": y, "sourcing": k, "military_aid_eur_million": round(kinds[k][y], 3)}
                     for y in aid.years for k in model.SOURCING)
        return Chart(fig.sourcing_figure(kinds, labels), fig.sourcing_summary(kinds, labels),
                     views.source_line("All donors. PURL: US weapons bought for Ukraine by European allies "
                                       "through NATO's Prioritized Ukraine Requirements List."),
                     "How military aid to Ukraine is sourced: from stocks, from industry, through NATO's PURL",
                     ("year", "sourcing", "military_aid_eur_million"), rows)

    @cached_property
    def promised(self) -> Chart:
        """Promised and delivered: each commitment in force pro rata to the release's last month,
        against what Kiel counts as allocated in the same months."""
        views = self.views
        aid = views.require()
        items = views.promises
        shown = promised.compared(items)
        through = f"{month_name(aid.period[1])[:3]} {aid.period[0]}"
        labels = [f"{p.donor}<br>{p.commitment.amount_text}" for p in shown]
        hover = [f"{p.commitment.title}; {p.commitment.period_text}; Kiel: "
                 + promised.KIND_LABELS.get(p.commitment.compared_with or "", "aid") for p in shown]
        figure = fig.promised_figure(labels, [p.comparison.promised_to_date_eur or 0.0 for p in shown],
                                     [p.comparison.allocated_eur or 0.0 for p in shown], hover, through)
        return Chart(figure, promised.summary(items, aid.release),
                     source_line(promise_sources(views), "Aid in EUR at current prices. Promises: "
                                 "data/ukraine_commitments.yaml (each government's document: the page's table, the "
                                 "CSV's source_url). "
                                 + promised.METHOD),
                     f"Promised and delivered: commitments to Ukraine against Kiel's allocations, to {through}",
                     promised.COLUMNS, promised.rows(items))

    def _weapons(self, what: str) -> Chart:
        views = self.views
        aid = views.require()
        donors = views.weapon_donors(what)
        names = {d: views.name(d) for d in donors}
        rows = tuple({"iso3": d, "donor": names[d], "category": c, "number": int(aid.weapons[(d, c)][0]),
                      "value_eur_million": round(aid.weapons[(d, c)][1], 3)}
                     for d in donors for c in model.WEAPONS if (d, c) in aid.weapons)
        period = f"to {month_name(aid.period[1])} {aid.period[0]}"
        return Chart(fig.weapons_figure(aid, donors, names, what), fig.weapons_summary(aid, donors, names, what, period),
                     views.source_line("Heavy weapons delivered or committed, cumulative."),
                     f"Heavy weapons for Ukraine by donor ({'number' if what == 'count' else 'value, EUR million'}), "
                     f"{period}", ("iso3", "donor", "category", "number", "value_eur_million"), rows)

    def _donor(self, iso3: str) -> Chart | None:
        """The Country page's "Support to Ukraine" card: the donor's aid per year by type, in words too."""
        views = self.views
        card = views.card(iso3)
        if card is None:
            return None
        labels = tuple(views.year_label(y) for y in card.years)
        rows = tuple({"year": y, "type": t, "aid_eur_million": round(card.by_type[t][i], 3)}
                     for i, y in enumerate(card.years) for t in model.AID_TYPES)
        return Chart(fig.donor_figure(labels, card.by_type, card.name), views.card_summary(card),
                     views.source_line(NOT_ADDITIVE), f"Support to Ukraine from {card.name}, by year",
                     ("year", "type", "aid_eur_million"), rows)

    def warm(self) -> None:
        """The page's default charts, so a first visit does not pay for them."""
        if self.views.aid is None:
            return
        _ = self.sourcing, self.views.headline
        self.regions("military", "year")
        self.ranking("military", "eur", "all")
        self.weapons("count")
        _ = self.promised


drawn = per_data(UkraineCharts)


# ---- the chart registry's builders (export, /data/<chart>.csv, the cards' CSV and image buttons) ----

def built(chart: Chart, subtitle: str, source: tuple[str, str]) -> Built:
    """A page chart as the registry's ``Built`` (the CSV written from its rows)."""
    return from_rows(chart.figure, chart.columns, chart.rows, chart.title, subtitle, chart.source, [source])


def build_regions(app: ViewData, p: dict[str, Any]) -> Built:
    """Aid by region (the United States, Europe, others), per year or month."""
    events = p.get("events", "on") == "on"
    chart = drawn(app).regions(p["aid"], p["by"], events)
    marked = events and p["by"] == "month" and bool(app.timeline_events(UKRAINE))
    return built(chart, f"EUR billion, current prices, per {p['by']}; Europe: EU-27, UK, Norway, Switzerland, "
                        "Iceland and the EU institutions" + ("; numbered lines: events" if marked else ""),
                 app.ukraine.source)


def build_donors(app: ViewData, p: dict[str, Any]) -> Built:
    """Donors ranked in EUR, % of GDP or % of their own defence spending."""
    chart = drawn(app).ranking(p["aid"], p["measure"], p["period"])
    unit = {"eur": "EUR billion", "gdp": "% of GDP (all months: of 2021 GDP, Kiel's basis)",
            "defence": "military aid, % of the donor's own defence spending"}[p["measure"]]
    return built(chart, f"{unit}; coalition of the willing highlighted (lighter: reported, unverified)",
                 app.ukraine.source)


def build_sourcing(app: ViewData, p: dict[str, Any]) -> Built:
    """All donors' military aid per year by how it was sourced, NATO PURL included."""
    return built(drawn(app).sourcing, "EUR billion, all donors; PURL: US weapons bought for Ukraine by "
                                       "European allies through NATO", app.ukraine.source)


def build_weapons(app: ViewData, p: dict[str, Any]) -> Built:
    """Heavy weapons by donor and category, number or value."""
    unit = "number of weapons" if p["weapons"] == "count" else "EUR million"
    return built(drawn(app).weapons(p["weapons"]), f"{unit}, delivered or committed, cumulative; tanks, "
                                                    "infantry fighting vehicles, howitzers, MLRS, air defence",
                 app.ukraine.source)


def build_donor(app: ViewData, p: dict[str, Any]) -> Built:
    """A donor's aid to Ukraine per year by type (Country page)."""
    chart = drawn(app).donor(p["country"])
    if chart is None:
        raise ViewError(f"{app.name(p['country'])} is not among the Kiel tracker's donors")
    return built(chart, "EUR billion per year, current prices; military, financial and humanitarian aid allocated",
                 app.ukraine.source)


def build_promised(app: ViewData, p: dict[str, Any]) -> Built:
    """Each commitment to Ukraine in force, pro rata to the release's last month, against Kiel's allocations."""
    chart = drawn(app).promised
    return from_rows(one_line_labels(chart.figure), chart.columns, chart.rows, chart.title,
                     "EUR billion, log scale; grey: the promise spread evenly over its months, to the release's last month; "
                     "blue: the donor's allocations of the same type in those months (Kiel)", chart.source,
                     promise_sources(app.ukraine))


def one_line_labels(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure with each bar pair's two-line label on one line: a print chart has a fixed
    675 px for all the pairs, where the page's chart grows with them."""
    def flat(names: list[str]) -> list[str]:
        return [str(n).replace("<br>", ", ") for n in names]
    layout = {**figure["layout"], "yaxis": {**figure["layout"]["yaxis"],
                                            "categoryarray": flat(figure["layout"]["yaxis"]["categoryarray"])}}
    return {"data": [{**t, "y": flat(t["y"])} for t in figure["data"]], "layout": layout}


def promise_sources(views: UkraineViews) -> list[tuple[str, str | None]]:
    """Kiel's release, and the editions whose exchange rates converted the promises."""
    rates = (e for p in views.promises if p.comparison.rate for e in p.comparison.rate.editions)
    return list(dict.fromkeys([views.source, *rates]))

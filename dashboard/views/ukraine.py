"""The Ukraine page's views: who carries support to Ukraine, from the Kiel tracker's release.

``UkraineViews`` indexes the release once (``model.ukraine.AidData``) and memoises each
chart of the page: aid by region (the United States, Europe, others), donors ranked in
EUR, % of GDP or % of their own defence spending with the coalition of the willing marked,
how military aid was sourced, heavy weapons by donor; plus a donor's card for the Country
page and one line for the Overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from dashboard.model import ukraine as model

if TYPE_CHECKING:
    from dashboard.views.builders import Built
    from dashboard.views.data import ViewData

COALITION = "COALITION_WILLING"
EUROPE = "EUROPE_UA"
TOP_DONORS = 20   # bars in the ranking (the rest are in its CSV)
AID_LABELS: dict[str, str] = {"military": "Military aid", "total": "All aid", "financial": "Financial aid",
                              "humanitarian": "Humanitarian aid"}
MEASURE_LABELS: dict[str, str] = {"eur": "EUR", "gdp": "% of GDP", "defence": "% of own defence spending"}
# Said wherever aid and defence spending meet (the page, the country card, the exports).
NOT_ADDITIVE = ("Aid is not added to defence spending: NATO counts military aid to Ukraine inside several "
                "allies' defence expenditure, and the Hague commitment counts direct contributions to "
                "Ukraine's defence toward the 3.5 % core target.")


@dataclass(frozen=True)
class RankRow:
    """One donor in the ranking: its value in the chosen measure and what it rests on."""

    iso3: str
    name: str
    value: float          # EUR million, or percent
    aid_eur: float        # EUR million (the aid itself, whatever the measure)
    basis: str            # what a share was divided by ("" for EUR)
    coalition: str        # "member", "unverified" or ""
    stand_in: bool = False


@dataclass(frozen=True)
class Chart:
    """One chart of the page, drawn: figure, text summary, source line, title, and its rows for CSV."""

    figure: dict[str, Any]
    summary: str
    source: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, object], ...]


@dataclass(frozen=True)
class DonorCard:
    """What the Country page says of a donor: aid by year and type, totals and shares."""

    iso3: str
    name: str
    years: tuple[int, ...]
    by_type: dict[str, tuple[float, ...]]     # aid type → EUR million per year
    total_eur: float
    military_eur: float
    share_2021: model.Share | None            # all aid over the release, % of 2021 GDP (Kiel)
    defence: model.Share | None               # military aid, % of own defence spending (latest year with both)
    rank: int                                 # among all donors, by all aid over the release
    donors: int
    coalition: str


class UkraineViews:
    """The page's charts and look-ups, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.regions = lru_cache(maxsize=16)(self._regions)
        self._ranked = lru_cache(maxsize=128)(self._ranking)
        self.weapons = lru_cache(maxsize=4)(self._weapons)
        self.card = lru_cache(maxsize=256)(self._card)
        self.donor = lru_cache(maxsize=256)(self._donor)

    @cached_property
    def aid(self) -> model.AidData | None:
        """The release in the snapshot (None: the snapshot has no Kiel rows)."""
        return model.aid_data(self._data.table)

    @cached_property
    def europe(self) -> frozenset[str]:
        """Europe's members (the EU institutions are added by the model)."""
        group = self._data.groups.get(EUROPE)
        return frozenset(group.members) if group else frozenset()

    def coalition_status(self, iso3: str) -> str:
        """"member", "unverified" (reported, not checked here) or ""."""
        group = self._data.groups.get(COALITION)
        if group is None or iso3 not in group.members:
            return ""
        return "unverified" if iso3 in group.unverified else "member"

    @property
    def source(self) -> tuple[str, str]:
        """(source, edition) of every figure on the page."""
        return (model.SOURCE, self.aid.edition if self.aid else "")

    def period_text(self) -> str:
        """``January 2022 – April 2026``: the months the release covers."""
        if not self.aid:
            return ""
        (y0, m0), (y1, m1) = self.aid.months[0], self.aid.period
        return f"{_month_name(m0)} {y0} – {_month_name(m1)} {y1}"

    def year_label(self, year: int) -> str:
        """``2026 (to April)`` for the release's partial last year, else the year."""
        if self.aid and year == self.aid.period[0] and self.aid.period[1] < 12:
            return f"{year} (to {_month_name(self.aid.period[1])})"
        return str(year)

    # ---- charts -------------------------------------------------------------------------------

    def _regions(self, aid_type: str, by: str, events: bool = True) -> Chart:
        """Aid by region per year or month; ``events``: mark the dated events (data/events.yaml)
        on the months (a year's bar has no place for a day; the page's "Show events")."""
        from dashboard.figures import ukraine as fig

        aid = self._require()
        split = model.region_split(aid, aid_type, self.europe, by)
        labels = split.periods if by == "month" else tuple(self.year_label(int(p)) for p in split.periods)
        rows = tuple({"period": p, "region": r, f"{aid_type}_aid_eur_million": round(split.values[r][i], 3)}
                     for i, p in enumerate(split.periods) for r in model.REGIONS)
        marked = self._data.timeline_events() if events and by == "month" else ()
        key = fig.regions_events_key(labels, marked)
        summary = fig.regions_summary(split, labels, AID_LABELS[aid_type], self.period_text(), marked)
        return Chart(fig.regions_figure(split, labels, AID_LABELS[aid_type], marked), summary,
                     self._source_line("Europe: EU-27, UK, Norway, Switzerland, Iceland and the EU institutions."
                                       + (f" {key}" if key else "")),
                     f"{AID_LABELS[aid_type]} to Ukraine: the United States, Europe and others, per {by}",
                     ("period", "region", f"{aid_type}_aid_eur_million"), rows)

    def ranking(self, aid_type: str, measure: str, period: str) -> Chart:
        """Donors ranked (memoised; "% of own defence spending" is always of military aid)."""
        return self._ranked("military" if measure == "defence" else aid_type, measure, period)

    def _ranking(self, aid_type: str, measure: str, period: str) -> Chart:
        from dashboard.figures import ukraine as fig
        from dashboard.figures.common import empty_figure

        aid = self._require()
        year = None if period == "all" else int(period)
        kind = "military" if measure == "defence" else aid_type
        rows = self.rank_rows(kind, measure, year)
        when = self.period_text() if year is None else self.year_label(year)
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
                     self._source_line(note + (" " + NOT_ADDITIVE if measure == "defence" else "")),
                     f"{what}: top donors, {when}",
                     ("rank", "iso3", "donor", "value", "unit", "aid_eur_million", "basis",
                      "coalition_of_the_willing", "stand_in_gdp_year"), csv)

    def rank_rows(self, aid_type: str, measure: str, year: int | None) -> list[RankRow]:
        """Every donor with aid, in the measure, largest first (donors without a denominator left out)."""
        aid = self._require()
        panel = self._data.panel
        out = []
        for iso3, eur in model.ranking(aid, aid_type, year):
            share: model.Share | None = None
            if measure == "gdp":
                share = (model.share_of_gdp2021(aid, iso3, aid_type) if year is None
                         else model.share_of_gdp(aid, panel, iso3, year, aid_type))
            elif measure == "defence":
                share = self._defence_share(iso3, year)
            if measure != "eur" and share is None:
                continue
            out.append(RankRow(iso3, self.name(iso3), share.pct if share else eur, eur,
                               share.basis if share else "", self.coalition_status(iso3),
                               share.stand_in if share else False))
        return sorted(out, key=lambda r: (-r.value, r.iso3))

    def _defence_share(self, iso3: str, year: int | None) -> model.Share | None:
        """Military aid ÷ own defence spending: one year, or summed over the years both exist."""
        aid, panel = self._require(), self._data.panel
        if year is not None:
            return model.share_of_defence(aid, panel, iso3, year)
        shares = [s for y in aid.years if (s := model.share_of_defence(aid, panel, iso3, y)) is not None]
        if not shares:
            return None
        military = sum(model.donor_total(aid, "military", iso3, s.year) for s in shares)
        defence = sum(s.denominator for s in shares)
        first, last = shares[0].year, shares[-1].year
        return model.Share(military / defence * 100.0, defence, last,
                           shares[-1].basis.rsplit(",", 1)[0] + f", {first}–{last}")

    @cached_property
    def sourcing(self) -> Chart:
        """All donors' military aid per year by how it was sourced, PURL included."""
        from dashboard.figures import ukraine as fig

        aid = self._require()
        kinds = model.sourcing(aid)
        labels = tuple(self.year_label(y) for y in aid.years)
        rows = tuple({"year": y, "sourcing": k, "military_aid_eur_million": round(kinds[k][y], 3)}
                     for y in aid.years for k in model.SOURCING)
        return Chart(fig.sourcing_figure(kinds, labels), fig.sourcing_summary(kinds, labels),
                     self._source_line("All donors. PURL: US weapons bought for Ukraine by European allies "
                                       "through NATO's Prioritized Ukraine Requirements List."),
                     "How military aid to Ukraine is sourced: from stocks, from industry, through NATO's PURL",
                     ("year", "sourcing", "military_aid_eur_million"), rows)

    def _weapons(self, what: str) -> Chart:
        from dashboard.figures import ukraine as fig

        aid = self._require()
        # ties (one howitzer each) by code: a set's order changes from one process to the next
        donors = sorted({d for d, _ in aid.weapons},
                        key=lambda d: (-sum(aid.weapons.get((d, c), (0.0, 0.0))[what == "value"] for c in model.WEAPONS),
                                       d))
        names = {d: self.name(d) for d in donors}
        rows = tuple({"iso3": d, "donor": names[d], "category": c, "number": int(aid.weapons[(d, c)][0]),
                      "value_eur_million": round(aid.weapons[(d, c)][1], 3)}
                     for d in donors for c in model.WEAPONS if (d, c) in aid.weapons)
        period = f"to {_month_name(aid.period[1])} {aid.period[0]}"
        return Chart(fig.weapons_figure(aid, donors, names, what), fig.weapons_summary(aid, donors, names, what, period),
                     self._source_line("Heavy weapons delivered or committed, cumulative."),
                     f"Heavy weapons for Ukraine by donor ({'number' if what == 'count' else 'value, EUR million'}), "
                     f"{period}", ("iso3", "donor", "category", "number", "value_eur_million"), rows)

    # ---- country card and headline -----------------------------------------------------------

    def _card(self, iso3: str) -> DonorCard | None:
        aid = self.aid
        if aid is None or iso3 not in aid.donors:
            return None
        years = aid.years
        by_type = {t: tuple(model.donor_total(aid, t, iso3, y) for y in years) for t in model.AID_TYPES}
        order = [d for d, _ in model.ranking(aid, "total", None)]
        defence = next((s for y in reversed(years)
                        if (s := model.share_of_defence(aid, self._data.panel, iso3, y)) is not None), None)
        return DonorCard(iso3, self.name(iso3), years, by_type, model.donor_total(aid, "total", iso3),
                         model.donor_total(aid, "military", iso3), model.share_of_gdp2021(aid, iso3), defence,
                         order.index(iso3) + 1 if iso3 in order else 0, len(order), self.coalition_status(iso3))

    def _donor(self, iso3: str) -> Chart | None:
        """The Country page's "Support to Ukraine" card: the donor's aid per year by type, in words too."""
        from dashboard.figures import ukraine as fig

        card = self.card(iso3)
        if card is None:
            return None
        labels = tuple(self.year_label(y) for y in card.years)
        parts = [f"{card.name} allocated €{card.total_eur / 1000:,.2f}bn to Ukraine, {self.period_text()} "
                 f"(€{card.military_eur / 1000:,.2f}bn of it military): number {card.rank} of {card.donors} donors"]
        if card.share_2021:
            parts.append(f"{card.share_2021.pct:.2f} % of its 2021 GDP (Kiel's basis)")
        if card.defence:
            parts.append(f"its military aid in {card.defence.year} was {card.defence.pct:.1f} % of its own defence "
                         f"spending that year ({card.defence.basis})")
        coalition = {"member": " It is in the coalition of the willing.",
                     "unverified": " It is reported as a member of the coalition of the willing (unverified)."}
        by_year = "; ".join(f"{label}: €{sum(card.by_type[t][i] for t in model.AID_TYPES) / 1000:,.2f}bn"
                            for i, label in enumerate(labels))
        summary = "; ".join(parts) + "." + coalition.get(card.coalition, "") + f" By year — {by_year}."
        rows = tuple({"year": y, "type": t, "aid_eur_million": round(card.by_type[t][i], 3)}
                     for i, y in enumerate(card.years) for t in model.AID_TYPES)
        return Chart(fig.donor_figure(labels, card.by_type, card.name), summary,
                     self._source_line(NOT_ADDITIVE), f"Support to Ukraine from {card.name}, by year",
                     ("year", "type", "aid_eur_million"), rows)

    @cached_property
    def headline(self) -> str | None:
        """One line for the Overview: US vs Europe military aid, the last full year against the one before."""
        aid = self.aid
        if aid is None:
            return None
        full = [y for y in aid.years if (y, 12) <= aid.period]
        if len(full) < 2:
            return None
        split = model.region_split(aid, "military", self.europe)
        last, before = full[-1], full[-2]
        i, j = split.periods.index(str(last)), split.periods.index(str(before))
        us, eu = split.values["United States"], split.values["Europe"]
        return (f"Ukraine: US military aid fell from €{us[j] / 1000:,.1f}bn in {before} to €{us[i] / 1000:,.1f}bn in "
                f"{last}, while Europe gave €{eu[i] / 1000:,.1f}bn (Kiel Institute, {aid.release}, data to "
                f"{_month_name(aid.period[1])} {aid.period[0]}).")

    def name(self, iso3: str) -> str:
        """The donor's display name (the dashboard's, else Kiel's)."""
        if iso3 == model.EU_INSTITUTIONS:
            return "EU institutions"
        return self._data.names.get(iso3) or (self.aid.names.get(iso3, iso3) if self.aid else iso3)

    def warm(self) -> None:
        """The page's default charts, so a first visit does not pay for them."""
        if self.aid is None:
            return
        _ = self.sourcing, self.headline
        self.regions("military", "year")
        self.ranking("military", "eur", "all")
        self.weapons("count")

    def _require(self) -> model.AidData:
        if self.aid is None:
            from dashboard.views import ViewError

            raise ViewError("the snapshot has no Kiel Ukraine Support Tracker figures")
        return self.aid

    def _source_line(self, note: str) -> str:
        from dashboard.figures.common import source_line

        return source_line([self.source], f"Aid in EUR at current prices. {note}".strip())


def _month_name(month: int) -> str:
    return ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December")[month - 1]


# ---- the chart registry's builders (export, /data/<chart>.csv, the cards' CSV and image buttons) ----

def built(chart: Chart, subtitle: str, source: tuple[str, str]) -> Built:
    """A page chart as the registry's ``Built`` (the CSV written from its rows)."""
    import pandas as pd

    from dashboard.views.builders import Built
    from dashboard.views.tabular import records_csv

    return Built(chart.figure, lambda: pd.DataFrame(list(chart.rows), columns=list(chart.columns)), chart.title,
                 subtitle, chart.source, [source], lambda: records_csv(chart.columns, chart.rows))


def build_regions(app: ViewData, p: dict[str, Any]) -> Built:
    """Aid by region (the United States, Europe, others), per year or month."""
    events = p.get("events", "on") == "on"
    chart = app.ukraine.regions(p["aid"], p["by"], events)
    marked = events and p["by"] == "month" and bool(app.timeline_events())
    return built(chart, f"EUR billion, current prices, per {p['by']}; Europe: EU-27, UK, Norway, Switzerland, "
                        "Iceland and the EU institutions" + ("; numbered lines: events" if marked else ""),
                 app.ukraine.source)


def build_donors(app: ViewData, p: dict[str, Any]) -> Built:
    """Donors ranked in EUR, % of GDP or % of their own defence spending."""
    chart = app.ukraine.ranking(p["aid"], p["measure"], p["period"])
    unit = {"eur": "EUR billion", "gdp": "% of GDP (all months: of 2021 GDP, Kiel's basis)",
            "defence": "military aid, % of the donor's own defence spending"}[p["measure"]]
    return built(chart, f"{unit}; coalition of the willing highlighted (lighter: reported, unverified)",
                 app.ukraine.source)


def build_sourcing(app: ViewData, p: dict[str, Any]) -> Built:
    """All donors' military aid per year by how it was sourced, NATO PURL included."""
    return built(app.ukraine.sourcing, "EUR billion, all donors; PURL: US weapons bought for Ukraine by "
                                       "European allies through NATO", app.ukraine.source)


def build_weapons(app: ViewData, p: dict[str, Any]) -> Built:
    """Heavy weapons by donor and category, number or value."""
    unit = "number of weapons" if p["weapons"] == "count" else "EUR million"
    return built(app.ukraine.weapons(p["weapons"]), f"{unit}, delivered or committed, cumulative; tanks, "
                                                    "infantry fighting vehicles, howitzers, MLRS, air defence",
                 app.ukraine.source)


def build_donor(app: ViewData, p: dict[str, Any]) -> Built:
    """A donor's aid to Ukraine per year by type (Country page)."""
    from dashboard.views import ViewError

    chart = app.ukraine.donor(p["country"])
    if chart is None:
        raise ViewError(f"{app.name(p['country'])} is not among the Kiel tracker's donors")
    return built(chart, "EUR billion per year, current prices; military, financial and humanitarian aid allocated",
                 app.ukraine.source)

"""One View spec per page: its state, defaults, bounds taken from the data, URL parse and serialise.

A page reads its URL through its spec, its controls' values go through the same parse,
and ``query()`` writes the state back to the URL. The export's chart registry takes its
defaults and bounds from here too, so a page and its export never disagree. No year
bound is written as a literal: they come from the snapshot (``year_span``), so the next
edition moves them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard.views.compare import INDICATORS
from dashboard.views.pledges import STATUS_FILTERS
from dashboard.views.url import (
    MAX_PARAM_LEN,
    param_choice,
    param_codes,
    param_iso3,
    param_number,
    param_year,
    query,
)

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

Raw = Mapping[str, object]  # URL parameters or control values, unchecked

ALL = "all"
EVENTS_ON, EVENTS_OFF = "on", "off"  # the events toggle's values (?events=off hides them)
NATO_GROUP = "NATO"
# The Hague summit's core pledge: its target year is the Scenarios page's default year.
HAGUE_CORE = "nato-hague-2035-3.5-core"


def year_span(data: ViewData, sources: tuple[str, ...] | None = None) -> tuple[int, int]:
    """First and last year of the latest-edition shares of ``sources`` (default: every source)."""
    spans = [span for source, span in data.share_years.items() if sources is None or source in sources]
    if not spans:
        raise ValueError("the snapshot has no share of GDP")
    return min(a for a, _ in spans), max(b for _, b in spans)


# ---- Overview ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OverviewView:
    """/ ?year=2024&source=sipri&region=europe&group=INDO_PACIFIC"""

    source: str
    year: int
    region: str
    group: str = "default"   # the ranking's countries: a group id, "all", or the source's default

    SOURCES = ("sipri", "nato")  # SIPRI first: the widest coverage
    REGIONS = {"world": "World", "europe": "Europe"}
    DEFAULT_SOURCE = "sipri"
    DEFAULT_REGION = "world"
    DEFAULT_GROUP = "default"

    @classmethod
    def bounds(cls, data: ViewData) -> tuple[int, int]:
        """The year slider's range: every year either source covers."""
        return year_span(data, cls.SOURCES)

    @classmethod
    def parse(cls, raw: Raw, data: ViewData) -> OverviewView:
        """A valid view; anything odd falls back to the default (the source's latest year)."""
        source = param_choice(raw.get("source"), cls.SOURCES, cls.DEFAULT_SOURCE)
        low, high = cls.bounds(data)
        year = param_year(raw.get("year"), data.share_years.get(source, (low, high))[1], low, high)
        return cls(source, year, param_choice(raw.get("region"), tuple(cls.REGIONS), cls.DEFAULT_REGION),
                   param_choice(raw.get("group"), (cls.DEFAULT_GROUP, "all", *data.groups), cls.DEFAULT_GROUP))

    def query(self) -> str:
        """The view as a query string (the default group left out)."""
        return query(year=self.year, source=self.source, region=self.region,
                     group=None if self.group == self.DEFAULT_GROUP else self.group)

    @property
    def ranking_group(self) -> str | None:
        """The group the ranking draws (None: the source's default — NATO's allies, SIPRI's top 40)."""
        return None if self.group == self.DEFAULT_GROUP else self.group


# ---- Country -----------------------------------------------------------------------------------

SPENDING_MEASURES: dict[str, tuple[str, str]] = {  # measure → (label, indicator)
    "lcu": ("National currency (current prices)", "milex_lcu"),
    "usd": ("US$ (current prices)", "milex_usd"),
    "usd_constant": ("US$ (constant prices)", "milex_usd"),
}


def measure_phrase(measure: str) -> str:
    """The measure's label inside a sentence: "national currency (current prices)", "US$ (…)"."""
    label = SPENDING_MEASURES[measure][0]
    return label if label.startswith("US$") else label[0].lower() + label[1:]


@dataclass(frozen=True)
class CountryView:
    """/country/<ISO3> ?from=1990&measure=lcu&events=off"""

    iso3: str
    start: int
    measure: str
    events: bool = True  # dated events (summits, the invasion) on the share chart

    DEFAULT_COUNTRY = "GBR"
    DEFAULT_FROM = 1990   # where the charts start unless asked: the post-Cold-War years
    DEFAULT_MEASURE = "lcu"

    @classmethod
    def bounds(cls, data: ViewData, iso3: str | None = None) -> tuple[int, int]:
        """The years the country's shares cover (any country's, if it has none)."""
        series = data.share_series(iso3) if iso3 else []
        if not series:
            return year_span(data)
        return min(s.years[0] for s in series), max(s.years[-1] for s in series)

    @classmethod
    def parse(cls, raw: Raw, data: ViewData, country: object = None, fallback: str | None = None) -> CountryView | None:
        """A valid view for ``country`` (the path's code); None if it is not a country in the
        data and no ``fallback`` is given."""
        code = param_iso3(country, data.country_codes, fallback)
        if code is None:
            return None
        low, high = cls.bounds(data, code)
        return cls(code, param_year(raw.get("from"), cls.DEFAULT_FROM, low, high),
                   param_choice(raw.get("measure"), tuple(SPENDING_MEASURES), cls.DEFAULT_MEASURE),
                   events_on(raw.get("events")))

    def query(self) -> str:
        """The view as a path and query string."""
        return f"/country/{self.iso3}" + query(**{"from": self.start, "measure": self.measure,
                                                   "events": None if self.events else EVENTS_OFF})


def events_on(value: object) -> bool:
    """Events are drawn unless the URL or the toggle says "off" (a checklist gives a list)."""
    if isinstance(value, list):
        return EVENTS_ON in value
    return value != EVENTS_OFF


# ---- Pledges -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PledgesView:
    """/pledges ?status=off_track&actor=NATO&country=GBR&q=poland"""

    status: str
    actor: str
    q: str
    country: str = ALL

    MAX_QUERY = 80  # characters of the quick filter kept

    @classmethod
    def parse(cls, raw: Raw, data: ViewData) -> PledgesView:
        """A valid view; bad values fall back to "all" (and an empty search)."""
        country = raw.get("country")
        return cls(param_choice(raw.get("status"), STATUS_FILTERS, ALL),
                   param_choice(raw.get("actor"), (ALL, *data.tracker.actors), ALL),
                   cls.text(raw.get("q")),
                   param_choice(country.upper() if isinstance(country, str) else country,
                                (ALL, *data.tracker.countries, *data.tracker.regions), ALL))

    @classmethod
    def text(cls, value: object) -> str:
        """Free text from the URL, trimmed (anything but a short string gives "")."""
        if not isinstance(value, str) or len(value) > MAX_PARAM_LEN:
            return ""
        return " ".join(value.split())[:cls.MAX_QUERY]

    def query(self) -> str:
        """The filters as a query string ("all" left out)."""
        return query(status=None if self.status == ALL else self.status,
                     actor=None if self.actor == ALL else self.actor,
                     country=None if self.country == ALL else self.country, q=self.q)


# ---- Countries ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountriesView:
    """/countries ?q=poland"""

    q: str

    @classmethod
    def parse(cls, raw: Raw) -> CountriesView:
        """A valid view: the search text trimmed as the tracker's is (anything odd: no search)."""
        return cls(PledgesView.text(raw.get("q")))

    def query(self) -> str:
        """The search as a query string ("" without one)."""
        return query(q=self.q)


@dataclass(frozen=True)
class BudgetsView(CountriesView):
    """/budgets ?q=poland (the same search as /countries)."""


# ---- Compare -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompareView:
    """/compare ?countries=GBR,DEU&indicator=milex_share_gdp&source=nato&chart=lines&base=2014"""

    codes: tuple[str, ...]
    indicator: str
    source: str
    chart: str
    base: int | None

    DEFAULT_COUNTRIES = ("GBR", "DEU", "FRA", "POL", "USA")
    DEFAULT_INDICATOR = "milex_share_gdp"
    MAX_COUNTRIES = 12   # more lines than the palette has colours stop being readable
    CHARTS = {"lines": "Lines over time", "bars": "Bars, latest common year"}

    @classmethod
    def bounds(cls, data: ViewData) -> tuple[int, int]:
        """The base years offered: every year the snapshot publishes."""
        return year_span(data)

    @classmethod
    def parse(cls, raw: Raw, data: ViewData) -> CompareView:
        """A valid view from URL parameters or control values; never raises."""
        countries = raw.get("countries")
        if isinstance(countries, (list, tuple)):  # the dropdown: an empty choice stays empty
            codes = tuple(param_codes(",".join(c for c in countries if isinstance(c, str))[:MAX_PARAM_LEN],
                                      data.country_codes, limit=cls.MAX_COUNTRIES))
        else:  # the URL: nothing usable gives the default selection
            codes = tuple(param_codes(countries, data.country_codes, limit=cls.MAX_COUNTRIES)) or cls.DEFAULT_COUNTRIES
        indicator = param_choice(raw.get("indicator"), tuple(INDICATORS), cls.DEFAULT_INDICATOR)
        spec = INDICATORS[indicator]
        source = param_choice(raw.get("source"), spec.sources, spec.sources[0])
        base = raw.get("base")
        year = param_year(base, 0, *cls.bounds(data)) if base not in (None, "") else 0
        return cls(codes, indicator, source, param_choice(raw.get("chart"), tuple(cls.CHARTS), "lines"), year or None)

    def query(self) -> str:
        """The view as a query string."""
        return query(countries=self.codes, indicator=self.indicator, source=self.source, chart=self.chart,
                     base=self.base)


# ---- Scenarios ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenariosView:
    """/scenarios ?group=NATO&target=3.5&year=2035&growth=auto"""

    group: str
    target: float
    year: int
    growth: float | None   # % a year; None = the model's default (IMF or trailing growth)

    DEFAULT_GROUP = NATO_GROUP
    TARGET = (1.0, 6.0, 3.5)     # low, high, default: % of GDP (3.5: the Hague core target)
    GROWTH = (-5.0, 15.0)        # nominal GDP growth, % a year, when set by hand
    # Target years: from two years after the newest figure (a path needs at least one full
    # year ahead) to this many years after the Hague deadline.
    LEAD_YEARS = 2
    YEARS_AFTER_HAGUE = 5

    @classmethod
    def years(cls, data: ViewData) -> tuple[int, int, int]:
        """(low, high, default) target year: from the data and the Hague pledge's deadline."""
        latest = year_span(data, OverviewView.SOURCES)[1]
        hague = next((p.target_year for p in data.pledges if p.id == HAGUE_CORE), latest + 10)
        return latest + cls.LEAD_YEARS, hague + cls.YEARS_AFTER_HAGUE, hague

    @classmethod
    def parse(cls, raw: Raw, data: ViewData) -> ScenariosView:
        """A valid view from URL parameters or control values; never raises."""
        groups = tuple(data.groups)
        share = round(param_number(raw.get("target"), cls.TARGET[2], cls.TARGET[0], cls.TARGET[1]), 1)
        growth = raw.get("growth")
        auto = growth is None or (isinstance(growth, str) and growth.strip().lower() in ("", "auto"))
        rate = None if auto else param_number(growth, float("nan"), *cls.GROWTH)
        low, high, default = cls.years(data)
        return cls(param_choice(raw.get("group"), groups, cls.DEFAULT_GROUP if cls.DEFAULT_GROUP in groups else groups[0]),
                   share, param_year(raw.get("year"), default, low, high),
                   None if rate is None or math.isnan(rate) else round(rate, 2))

    def query(self) -> str:
        """The scenario as a query string."""
        return query(group=self.group, target=f"{self.target:g}", year=self.year,
                     growth="auto" if self.growth is None else f"{self.growth:g}")


# ---- Sources -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourcesView:
    """/sources ?country=GBR&year=2023&revisions=sipri"""

    country: str
    year: int
    revisions: str

    DEFAULT_COUNTRY = "GBR"
    REVISION_SOURCES = ("sipri", "worldbank")  # the publishers with several editions of shares

    @classmethod
    def bounds(cls, data: ViewData) -> tuple[int, int]:
        """Every year the snapshot publishes."""
        return year_span(data)

    @classmethod
    def default_year(cls, data: ViewData) -> int:
        """The year before SIPRI's newest: NATO and SIPRI both publish it and have revised it once
        (the newest year is a first estimate in both)."""
        return data.share_years.get("sipri", cls.bounds(data))[1] - 1

    @classmethod
    def parse(cls, raw: Raw, data: ViewData) -> SourcesView:
        """A valid view; bad values fall back to the defaults."""
        return cls(param_iso3(raw.get("country"), data.country_codes, cls.DEFAULT_COUNTRY) or cls.DEFAULT_COUNTRY,
                   param_year(raw.get("year"), cls.default_year(data), *cls.bounds(data)),
                   param_choice(raw.get("revisions"), cls.REVISION_SOURCES, cls.REVISION_SOURCES[0]))

    def query(self) -> str:
        """The view as a query string."""
        return query(country=self.country, year=self.year, revisions=self.revisions)


# ---- Ukraine -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class UkraineView:
    """/ukraine ?aid=military&by=year&measure=eur&period=all&weapons=count"""

    aid: str        # the aid type the region chart and the ranking show
    by: str         # the region chart per "year" or per "month"
    measure: str    # the ranking in "eur", % of "gdp", or % of own "defence" spending (military aid)
    period: str     # the ranking over "all" months of the release, or one year ("2025")
    weapons: str    # heavy weapons by "count" or "value"

    AID = ("military", "total", "financial", "humanitarian")
    BY = ("year", "month")
    MEASURES = ("eur", "gdp", "defence")
    WEAPONS = ("count", "value")
    ALL = "all"

    @classmethod
    def periods(cls, data: ViewData) -> tuple[str, ...]:
        """"all" and every year of the Kiel release in the snapshot (from the data)."""
        aid = data.ukraine.aid
        return (cls.ALL, *(str(y) for y in (aid.years if aid else ())))

    @classmethod
    def parse(cls, raw: Raw, data: ViewData) -> UkraineView:
        """A valid view; bad values fall back to the defaults."""
        return cls(param_choice(raw.get("aid"), cls.AID, cls.AID[0]), param_choice(raw.get("by"), cls.BY, cls.BY[0]),
                   param_choice(raw.get("measure"), cls.MEASURES, cls.MEASURES[0]),
                   param_choice(raw.get("period"), cls.periods(data), cls.ALL),
                   param_choice(raw.get("weapons"), cls.WEAPONS, cls.WEAPONS[0]))

    @property
    def year(self) -> int | None:
        """The ranking's year (None: the whole release)."""
        return None if self.period == self.ALL else int(self.period)

    def query(self) -> str:
        """The view as a query string."""
        return query(aid=self.aid, by=self.by, measure=self.measure, period=self.period, weapons=self.weapons)

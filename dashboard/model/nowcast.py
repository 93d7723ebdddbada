"""Nowcasts of NATO's share of GDP from fresher published outturn, with a backtest (pure functions).

NATO's latest edition in the snapshot ends with an estimate (June 2024: 2024e). Eurostat's
April 2026 notification already has 2025 defence spending for most EU members; the
governments' own budgets (``data/budgets.yaml``, through ``budgets.spending_series``) cover
the other allies where the registry holds NATO's latest year and a later one. A nowcast
chains NATO's last level with the fresher source's change:

    nowcast(y) = NATO(y0) × [S(y) / S(y0)] / [G(y) / G(y0)]

where ``S`` is the fresher source's defence spending in national currency and ``G`` nominal
GDP: the fresher source's own where it publishes it, else the GDP path the pledge model uses
(IMF projections where the snapshot has them, else NATO-implied GDP's trailing growth).
Eurostat's share of GDP is rounded to a tenth of a point, too coarse to give GDP growth, so
for Eurostat the GDP path is the model's. Definitions differ (COFOG 02 excludes military
pensions and some items NATO counts): only the *change* is borrowed, never the level.

The backtest nowcasts every year both sources cover from data up to the year before plus
the fresher source's figure for it, and compares with NATO's published value, against two
baselines: carry the last value forward, and extend the last one-year trend. Intervals come
from the backtest's errors of the *other* countries (90 % of absolute relative errors), so a
country's coverage is measured out of sample.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from dashboard.model import budgets
from dashboard.model.economics import economy, implied_gdp_lcu, trailing_growth
from dashboard.model.panel import Panel, Series

BASE = "nato"                     # the measure nowcast: NATO's share of (real) GDP
# Sources fresher than NATO's latest edition, in order: Eurostat's outturn where it has the
# country, else the government's own budgets (data/budgets.yaml: adopted, else outturn).
FRESHER: tuple[str, ...] = ("eurostat", "national")
SHARE = "milex_share_gdp"
SPENDING = "milex_lcu"            # the fresher source's spending, national currency, current prices
COVERAGE = 0.9                    # the interval holds this share of the backtest's errors
METHOD = "chain"                  # NATO's level × the fresher source's spending growth ÷ GDP growth
# Sources whose share of GDP is rounded too coarsely to imply GDP growth (Eurostat: 0.1 point).
COARSE_SHARE: frozenset[str] = frozenset({"eurostat"})


@dataclass(frozen=True)
class Nowcast:
    """NATO's share of GDP for a year NATO has not published, from a fresher source's outturn."""

    iso3: str
    year: int
    value: float                 # percent of GDP (NATO's definition)
    low: float
    high: float
    method: str
    inputs: tuple[tuple[str, str, int], ...]   # (source, edition, year) of every figure used
    base_year: int               # NATO's latest year and value it chains from
    base_value: float
    base_edition: str
    base_estimate: bool
    spending_growth: float       # the fresher source's, y0 → year (fraction)
    gdp_growth: float            # nominal, y0 → year (fraction)
    gdp_basis: str               # where the GDP growth comes from
    fresher: str                 # the fresher source and edition ("eurostat 2026-04-27")
    beats_carry: bool | None     # the method beat carry-forward in this country's backtest (None: no backtest)

    @property
    def edition(self) -> str:
        """The nowcast's "edition": its inputs' editions (its rows are never NATO's)."""
        return f"{self.base_edition} + {self.fresher}"

    @property
    def flags(self) -> str:
        """``method=chain:eurostat low=… high=…`` (the row's flags)."""
        beats = {True: "yes", False: "no", None: "untested"}[self.beats_carry]
        return (f"method={self.method}:{self.fresher.split()[0]} low={self.low:.4f} high={self.high:.4f} "
                f"beats_carry={beats}")


@dataclass(frozen=True)
class BacktestPoint:
    """One year of one country: NATO's published value and the three predictions of it."""

    iso3: str
    year: int
    actual: float
    method: float
    carry: float
    trend: float | None

    @property
    def relative_error(self) -> float:
        """The method's error as a fraction of the actual value."""
        return self.method / self.actual - 1.0


@dataclass(frozen=True)
class Errors:
    """Errors of the method and the baselines over a set of backtest points (percentage points)."""

    n: int
    mae_method: float
    mae_carry: float
    mae_trend: float | None
    bias_method: float           # mean (prediction − actual): positive = too high
    coverage: float | None       # share of actual values inside the out-of-sample interval
    beats_carry: bool


@dataclass(frozen=True)
class Backtest:
    """Every backtest point, errors per country and overall, and the interval half-widths."""

    points: tuple[BacktestPoint, ...]
    by_country: dict[str, Errors]
    overall: Errors
    half_width: dict[str, float] = field(default_factory=dict)   # iso3 → relative half-width (leave-one-out)
    pooled_half_width: float = 0.0                                # from every country's errors


# ---- inputs -------------------------------------------------------------------------------------

def _nato_share(panel: Panel, iso3: str) -> Series | None:
    return panel.series(BASE, iso3, SHARE)


def _spending(panel: Panel, source: str, iso3: str) -> Series | None:
    if source == budgets.SOURCE:  # each figure is its own document: joined into one series
        return budgets.spending_series(panel, iso3)
    return panel.series(source, iso3, SPENDING, "current")


def _own_gdp(panel: Panel, source: str, iso3: str) -> Series | None:
    """The fresher source's own GDP in national currency, when it publishes it precisely."""
    if source in COARSE_SHARE:
        return None
    return panel.series(source, iso3, "gdp_lcu", "current")


def _nato_gdp(panel: Panel, iso3: str) -> dict[int, float]:
    """GDP implied by NATO's spending ÷ share (the GDP NATO divided by), by year."""
    share = _nato_share(panel, iso3)
    spend = panel.series(BASE, iso3, "milex_lcu", "current")
    return implied_gdp_lcu(spend, share) if share is not None and spend is not None else {}


def _value(series: Series | None, year: int) -> float | None:
    value = series.at(year) if series is not None else None
    return value if value else None


# ---- the backtest -------------------------------------------------------------------------------

def backtest(panel: Panel, countries: Iterable[str] | None = None, coverage: float = COVERAGE) -> Backtest:
    """Nowcast every year NATO and a fresher source both cover, from data up to the year before."""
    points = []
    for iso3 in sorted(countries if countries is not None else _candidates(panel)):
        points += _country_points(panel, iso3)
    by_country: dict[str, list[BacktestPoint]] = {}
    for p in points:
        by_country.setdefault(p.iso3, []).append(p)
    pooled = _quantile([abs(p.relative_error) for p in points], coverage)
    # each country's interval from the other countries' errors; alone, from its own (in sample)
    half = {c: _quantile([abs(p.relative_error) for p in points if p.iso3 != c], coverage)
            if len(by_country) > 1 else pooled for c in by_country}
    errors = {c: _errors(ps, {c: half[c]}) for c, ps in by_country.items()}
    return Backtest(tuple(points), errors, _errors(points, half), half, pooled)


def _candidates(panel: Panel) -> list[str]:
    """Countries with a NATO share and spending from a fresher source."""
    out = set()
    for (source, _edition, iso3, indicator, _base) in panel.keys():
        if source in FRESHER and indicator == SPENDING and _nato_share(panel, iso3) is not None:
            out.add(iso3)
    return sorted(out)


def _country_points(panel: Panel, iso3: str) -> list[BacktestPoint]:
    share = _nato_share(panel, iso3)
    if share is None:
        return []
    gdp = _nato_gdp(panel, iso3)
    out = []
    for source in FRESHER:
        spend = _spending(panel, source, iso3)
        own_gdp = _own_gdp(panel, source, iso3)
        if spend is None:
            continue
        for year in (int(y) for y in spend.years):
            actual, before = _value(share, year), _value(share, year - 1)
            s_now, s_before = _value(spend, year), _value(spend, year - 1)
            if None in (actual, before, s_now, s_before):
                continue
            growth = _gdp_growth_asof(gdp, own_gdp, year - 1, year)
            if growth is None:
                continue
            assert actual is not None and before is not None and s_now is not None and s_before is not None
            earlier = _value(share, year - 2)
            out.append(BacktestPoint(iso3, year, actual, before * (s_now / s_before) / (1 + growth), before,
                                     before + (before - earlier) if earlier is not None else None))
        if out:
            break  # one fresher source per country (the first that covers it)
    return out


def _gdp_growth_asof(nato_gdp: dict[int, float], own_gdp: Series | None, y0: int, year: int) -> float | None:
    """GDP growth y0 → year as known then: the fresher source's own GDP, else NATO-implied GDP's
    trailing growth up to ``y0`` (what the model projects from, without hindsight)."""
    if own_gdp is not None:
        a, b = _value(own_gdp, y0), _value(own_gdp, year)
        if a and b:
            return b / a - 1
    rate = trailing_growth({y: v for y, v in nato_gdp.items() if y <= y0}, y0) if y0 in nato_gdp else None
    return None if rate is None else (1 + rate) ** (year - y0) - 1


def _errors(points: list[BacktestPoint], half: dict[str, float]) -> Errors:
    n = len(points)
    if not n:
        return Errors(0, math.nan, math.nan, None, math.nan, None, False)
    method = sum(abs(p.method - p.actual) for p in points) / n
    carry = sum(abs(p.carry - p.actual) for p in points) / n
    trends = [abs(p.trend - p.actual) for p in points if p.trend is not None]
    inside = [abs(p.relative_error) <= half[p.iso3] for p in points if p.iso3 in half]
    return Errors(n, method, carry, sum(trends) / len(trends) if trends else None,
                  sum(p.method - p.actual for p in points) / n,
                  sum(inside) / len(inside) if inside else None, method < carry)


def _quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank, rounded up: conservative for an interval)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


# ---- the nowcasts -------------------------------------------------------------------------------

def nowcasts(panel: Panel, test: Backtest | None = None) -> list[Nowcast]:
    """Every year after NATO's latest for which a fresher source has outturn, every country."""
    test = test if test is not None else backtest(panel)
    out = []
    for iso3 in _candidates(panel):
        out += nowcast(panel, iso3, test)
    return out


def nowcast(panel: Panel, iso3: str, test: Backtest) -> list[Nowcast]:
    """The nowcasts for one country (none when NATO is as fresh as every other source)."""
    share = _nato_share(panel, iso3)
    if share is None or not len(share):
        return []
    y0, base = int(share.years[-1]), float(share.values[-1])
    for source in FRESHER:
        spend = _spending(panel, source, iso3)
        s0 = _value(spend, y0)
        if spend is None or s0 is None:
            continue
        out = []
        for year in (int(y) for y in spend.years if y > y0):
            s1 = _value(spend, year)
            growth, basis = _gdp_growth_now(panel, share, source, iso3, y0, year)
            if s1 is None or growth is None:
                continue
            value = base * (s1 / s0) / (1 + growth)
            half = test.half_width.get(iso3, test.pooled_half_width)
            if math.isnan(half):
                continue  # no backtest error to state an interval with: no nowcast
            errors = test.by_country.get(iso3)
            out.append(Nowcast(
                iso3, year, value, value * (1 - half), value * (1 + half), METHOD,
                ((BASE, share.edition, y0), (source, spend.edition, y0), (source, spend.edition, year)),
                y0, base, share.edition, bool(share.estimate[-1]), s1 / s0 - 1, growth, basis,
                f"{source} {spend.edition}", errors.beats_carry if errors and errors.n else None))
        if out:  # else the next fresher source may reach further (Eurostat to 2024, a 2025 budget)
            return out
    return []


def _gdp_growth_now(panel: Panel, share: Series, source: str, iso3: str, y0: int,
                    year: int) -> tuple[float | None, str]:
    """GDP growth y0 → year for today's nowcast, and where it comes from."""
    own = _own_gdp(panel, source, iso3)
    a, b = _value(own, y0), _value(own, year)
    if a and b:
        return b / a - 1, f"{source} GDP"
    econ = economy(panel, share)
    if econ is None:
        return None, ""
    g0, g1 = econ.gdp_lcu(y0) if y0 >= econ.base_year else None, econ.gdp_lcu(year)
    if not g0:
        return None, ""
    basis = "IMF WEO projection" if econ.imf is not None else f"trailing growth of NATO-implied GDP ({econ.growth:.1%} a year)"
    return g1 / g0 - 1, basis


def missing(panel: Panel, year: int) -> list[str]:
    """NATO members with spending from a fresher source, but none for ``year`` (no nowcast can be made)."""
    out = []
    for iso3 in _nato_members_in_fresher(panel):
        spends = [_spending(panel, s, iso3) for s in FRESHER]
        if not any(_value(s, year) for s in spends):
            out.append(iso3)
    return out


def _nato_members_in_fresher(panel: Panel) -> list[str]:
    """Countries NATO publishes that a fresher source covers with any series (even without spending)."""
    out = set()
    for (source, _edition, iso3, _indicator, _base) in panel.keys():
        if source in FRESHER and _nato_share(panel, iso3) is not None:
            out.add(iso3)
    return sorted(out)


def input_pairs(edition: str) -> list[tuple[str, str]]:
    """A nowcast's edition ("2024-06 + eurostat 2026-04-27") as its inputs' (source, edition) pairs."""
    base, _, fresher = edition.partition(" + ")
    source, _, fresher_edition = fresher.partition(" ")
    return [(BASE, base), (source, fresher_edition)] if fresher_edition else [(BASE, base)]


def rows(casts: Iterable[Nowcast], retrieved: str) -> list[dict[str, object]]:
    """The nowcasts as tidy rows of their own: source ``nowcast``, estimates, flags naming the method."""
    return [{"source": "nowcast", "edition": n.edition, "iso3": n.iso3, "country": n.iso3, "year": n.year,
             "month": None, "indicator": SHARE, "value": n.value, "unit": "percent of GDP",
             "price_base": f"as NATO {n.base_edition}", "estimate": True, "flags": n.flags, "retrieved": retrieved}
            for n in casts]

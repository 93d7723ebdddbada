"""Progress of every pledge for every country it binds: baseline, gap, path, money, status.

Definitions (also in docs/model.md):

- **baseline**: the latest figure of the preferred source for the pledge's basis
  (NATO's definition → NATO, then SIPRI, then World Bank), latest edition; the latest
  *actual* (not estimated) figure is reported beside it.
- **gap** (percentage points) = target − latest share. Negative: above target.
- **required path**: linear in share from the latest year to the target year.
- **money gap** in the target year = (target − latest share) × projected GDP, i.e.
  required spending minus current spending, both at projected GDP.
- **status**: ``met`` when the latest share is at or above the target; ``on_track``
  when the latest annual rise in share (same source and edition) is at least the
  required annual rise and the deadline has not passed; ``off_track`` otherwise;
  ``no_data`` when no source has a share for the country.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

import numpy as np

from dashboard.editions import edition_short
from dashboard.model import budgets as national
from dashboard.model.economics import Assumptions, Economy, economy
from dashboard.model.nowcast import Nowcast
from dashboard.model.panel import Panel, Series
from dashboard.model.registry import Group, Pledge
from dashboard.schema import SOURCE_LABELS

# Which source measures a pledge, by its basis. No national-definition series is in the
# snapshot, so national pledges are measured on NATO's definition and say so.
SOURCE_PREFERENCE: dict[str, tuple[str, ...]] = {
    "nato": ("nato", "sipri", "worldbank"),
    "national": ("nato", "sipri", "worldbank"),
    "national_incl_intelligence": ("nato", "sipri", "worldbank"),
}

# Financial years: NATO reports each ally's spending for its financial year (payments
# "during the course of the fiscal year"); for these allies that is not the calendar year.
NATO_FISCAL_YEARS: dict[str, str] = {
    "GBR": "April–March (NATO 2024 = FY 2024/25)",
    "CAN": "April–March (NATO 2024 = FY 2024/25)",
    "USA": "October–September (NATO 2024 = FY 2024, Oct 2023–Sep 2024)",
}

STATUSES = ("met", "on_track", "off_track", "no_data")


class MoneyGap(TypedDict):
    """What closing a share-of-GDP gap costs in the target year (millions; a plain dict for JSON)."""

    year: int
    currency: str                 # ISO 4217 code of ``lcu_million``
    lcu_million: float            # a year, national currency; negative: above the target
    usd_million: float | None
    eur_million: float | None
    required_spending_lcu_million: float
    current_share_spending_lcu_million: float
    gdp_lcu_million: float


@dataclass
class Progress:
    """One pledge for one country (JSON-ready with :meth:`as_dict`)."""

    id: str
    actor: str
    country: str
    title: str
    kind: str
    target: float
    target_share_pct: float | None
    target_year: int
    by: str
    basis: str
    scope: str
    commitment: str
    status: str
    status_reason: str
    unit: str = "percent of GDP"  # of target, latest share, gap and path
    latest_year: int | None = None
    latest_share_pct: float | None = None
    latest_is_estimate: bool | None = None
    latest_source: str | None = None
    latest_edition: str | None = None
    latest_actual_year: int | None = None
    latest_actual_share_pct: float | None = None
    gap_pp: float | None = None
    required_annual_increase_pp: float | None = None
    latest_annual_increase_pp: float | None = None
    required_path: list[tuple[int, float]] = field(default_factory=list)
    required_growth_nominal_pct: float | None = None
    required_growth_real_pct: float | None = None
    money_gap: MoneyGap | None = None
    year_reached: int | None = None
    year_convention: str = "calendar year"
    assumptions: list[str] = field(default_factory=list)
    source_url: str = ""
    # which figure the status rests on, in words, when it is not simply the source's latest
    # ("2025: nowcast from Eurostat's 2026-04-27 outturn; NATO's latest: 2024, 2024-06 estimate")
    latest_note: str = ""
    # where the pledge stands today (registry lifecycle): active, superseded or lapsed, and why
    lifecycle: str = "active"
    lifecycle_note: str = ""
    lifecycle_url: str = ""
    currency: str | None = None  # a money target's currency (ISO 4217)
    # a money target measured in money: the latest binding budget in the target's currency and unit
    latest_amount: float | None = None
    amount_unit: str = ""          # "EUR billion"
    gap_amount: float | None = None
    # the government's budget figures for this country that are newer than the status's figure
    # but are drafts, plans or requests (context: never a status), in words
    budget_context: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON)."""
        out = asdict(self)
        out["required_path"] = [[y, round(v, 4)] for y, v in self.required_path]
        return out


def lifecycle_note(pledge: Pledge) -> str:
    """"Superseded by swe-2032-3.5 (19 Jun 2025)", "Lapsed 11 Mar 2026: …"; for a pledge in
    force, "Replaces swe-2030-3.5" when it replaced one, else ""."""
    life = pledge.lifecycle
    if life is None or life.state == "active":
        return f"Replaces {', '.join(pledge.supersedes)}" if pledge.supersedes else ""
    when = f"{life.date.day} {life.date:%b %Y}" if life.date else ""
    if life.state == "superseded":
        return f"Superseded by {life.by}" + (f" ({when})" if when else "") + (f": {life.reason}" if life.reason else "")
    return f"Lapsed {when}: {life.reason}"


def members_bound(pledge: Pledge, groups: dict[str, Group], panel: Panel) -> list[str]:
    """Countries a pledge binds: the actor, or the group's members when it was made.

    ``applies_to: below_target`` (Wales 2014) keeps members whose share in the
    announcement year was below the target.
    """
    if pledge.actor not in groups:
        return [pledge.actor]
    year = pledge.announced.year
    members = groups[pledge.actor].members_in(year)
    if pledge.applies_to != "below_target":
        return members
    bound = []
    for iso3 in members:
        share = panel.first(SOURCE_PREFERENCE[pledge.basis], iso3, _indicator(pledge))
        value = share.at(year) if share is not None else None
        if value is None or value < pledge.target:
            bound.append(iso3)
    return bound


def all_progress(panel: Panel, pledges: list[Pledge], groups: dict[str, Group],
                 assumptions: Assumptions = Assumptions(), country: str | None = None,
                 nowcasts: Mapping[str, Nowcast] | None = None,
                 budgets: Mapping[str, tuple[national.Budget, ...]] | None = None) -> list[Progress]:
    """Progress of every pledge for every bound country (optionally one country).

    ``nowcasts``: iso3 → the newest nowcast of NATO's share (``model.nowcast``); a pledge
    measured on NATO's share then rests on it where it is newer than NATO's latest figure
    and beat carrying that figure forward in the backtest. ``budgets``: iso3 → the
    government's published budget figures (``model.budgets``); a newer adopted or spent
    budget on the pledge's definition (or bridged to it) then sets the status.
    """
    rows = []
    economies: dict[tuple[str, str], Economy | None] = {}  # one GDP path per country and basis
    for pledge in pledges:
        for iso3 in members_bound(pledge, groups, panel):
            if country is None or iso3 == country:
                rows.append(progress(panel, pledge, iso3, assumptions, economies,
                                     (nowcasts or {}).get(iso3), (budgets or {}).get(iso3, ())))
    return rows


def _indicator(pledge: Pledge) -> str:
    """The measured series: equipment share for the equipment guideline, else share of GDP."""
    return "equipment_share" if pledge.kind == "equipment_share" else "milex_share_gdp"


def progress(panel: Panel, pledge: Pledge, iso3: str, assumptions: Assumptions = Assumptions(),
             economies: dict[tuple[str, str], Economy | None] | None = None,
             nowcast: Nowcast | None = None, budgets: tuple[national.Budget, ...] = ()) -> Progress:
    """Where ``iso3`` stands against ``pledge`` (``economies``: a cache shared across calls;
    ``nowcast``: a newer estimate of NATO's share, used where it beat carry-forward;
    ``budgets``: the government's published figures, used where newer and binding)."""
    base = Progress(
        id=pledge.id, actor=pledge.actor, country=iso3, title=pledge.title, kind=pledge.kind,
        target=pledge.target, target_share_pct=pledge.target if pledge.kind == "share_gdp" else None,
        target_year=pledge.target_year, by=pledge.by, basis=pledge.basis, scope=pledge.scope,
        commitment=pledge.commitment, status="no_data", status_reason="", source_url=pledge.source.url,
        unit="percent of defence expenditure" if pledge.kind == "equipment_share" else "percent of GDP",
        lifecycle=pledge.state, lifecycle_note=lifecycle_note(pledge), currency=pledge.currency,
        lifecycle_url=pledge.lifecycle.source.url if pledge.lifecycle else pledge.source.url,
    )
    indicator = _indicator(pledge)
    share = panel.first(SOURCE_PREFERENCE[pledge.basis], iso3, indicator)
    if pledge.scope == "related":
        base.status_reason = ("no published series measures defence- and security-related "
                              "spending yet (NATO will report it from 2026)")
        return base
    if share is None or not len(share):
        base.status_reason = f"no {indicator} for {iso3} in any of {', '.join(SOURCE_PREFERENCE[pledge.basis])}"
        return base
    _baseline(base, share, pledge)
    if nowcast is not None and indicator == "milex_share_gdp" and share.source == "nato":
        share = _with_nowcast(base, share, nowcast)
    econ = _economy(panel, pledge.basis, iso3, assumptions, economies)
    if econ is not None:
        base.assumptions.extend(econ.notes)
    if pledge.kind == "money" and national.money_evidence(budgets, pledge.currency or ""):
        return _money_progress(base, pledge, budgets)
    if indicator == "milex_share_gdp" and budgets:
        share = _with_budgets(base, share, pledge, budgets, panel.series("nato", iso3, "milex_share_gdp"))
    target = _target_share(pledge, econ)
    if target is None:
        base.status = "no_data"
        base.status_reason = ("a money target on the government's own definition: no published series on "
                              "that definition (NATO's and SIPRI's include pensions)" if pledge.basis != "nato"
                              else "a money target needs GDP and spending in national currency")
        return base
    base.target_share_pct = target if pledge.kind != "equipment_share" else None
    latest, latest_year = base.latest_share_pct, base.latest_year
    assert latest is not None and latest_year is not None  # set by _baseline (the series is not empty)
    years_left = pledge.target_year - latest_year
    base.gap_pp = target - latest
    base.required_annual_increase_pp = base.gap_pp / years_left if years_left > 0 else base.gap_pp
    base.required_path = linear_path(latest_year, latest, pledge.target_year, target)
    if econ is not None and pledge.kind != "equipment_share":
        _money(base, econ, pledge, target)
    _status(base, share, pledge, target)
    if base.status == "off_track" and budgets and pledge.kind == "share_gdp" and indicator == "milex_share_gdp":
        _on_plan(base, pledge, target, budgets, panel.series("nato", iso3, "milex_share_gdp"))
    if pledge.scope == "total":
        base.assumptions.append("measured with core defence spending only: defence- and "
                                "security-related spending is not yet published")
    if pledge.basis != "nato" and base.latest_source == "nato":
        base.assumptions.append(f"measured on NATO's definition: the pledge's own basis "
                                f"({pledge.basis}) has no published series")
    return base


def _economy(panel: Panel, basis: str, iso3: str, assumptions: Assumptions,
             cache: dict[tuple[str, str], Economy | None] | None) -> Economy | None:
    """The GDP path for ``iso3`` measured on ``basis`` (memoised in ``cache``)."""
    key = (iso3, basis)
    if cache is not None and key in cache:
        return cache[key]
    share = panel.first(SOURCE_PREFERENCE[basis], iso3, "milex_share_gdp")
    econ = economy(panel, share, assumptions) if share is not None else None
    if cache is not None:
        cache[key] = econ
    return econ


def _baseline(row: Progress, share: Series, pledge: Pledge) -> None:
    """Latest figure (estimate or not) and latest actual, with provenance."""
    row.latest_year = int(share.years[-1])
    row.latest_share_pct = float(share.values[-1])
    row.latest_is_estimate = bool(share.estimate[-1])
    row.latest_source, row.latest_edition = share.source, share.edition
    actual = [i for i, e in enumerate(share.estimate) if not e]
    if actual:
        row.latest_actual_year = int(share.years[actual[-1]])
        row.latest_actual_share_pct = float(share.values[actual[-1]])
    if len(share) >= 2 and share.years[-2] == share.years[-1] - 1:
        row.latest_annual_increase_pp = float(share.values[-1] - share.values[-2])
    if share.source == "nato" and share.iso3 in NATO_FISCAL_YEARS:
        row.year_convention = f"financial year {NATO_FISCAL_YEARS[share.iso3]}"
    elif share.source == "sipri":
        row.year_convention = "calendar year (SIPRI)"
    if pledge.by == "fiscal_year":
        row.assumptions.append(f"target applies to the financial year starting in {pledge.target_year}; "
                               f"figures are {row.year_convention}")


def _with_nowcast(row: Progress, share: Series, cast: Nowcast) -> Series:
    """Rest the status on the nowcast when it is newer and beat carry-forward; say which figure."""
    published = (f"NATO's latest: {row.latest_year}, {edition_short('nato', row.latest_edition or '')}"
                 f"{' estimate' if row.latest_is_estimate else ''}")
    fresher, _, fresher_edition = cast.fresher.partition(" ")
    label = SOURCE_LABELS.get(fresher, fresher)
    outturn = (f"the government's budget ({edition_short(fresher, fresher_edition)})" if fresher == national.SOURCE
               else f"{label}'s {edition_short(fresher, fresher_edition)} outturn")
    if row.latest_year is None or cast.year <= row.latest_year:
        return share
    if not cast.beats_carry:
        row.assumptions.append(f"a {cast.year} nowcast from {outturn} ({cast.value:.2f} %) is not used: it did not "
                               "beat carrying NATO's last value forward in the backtest")
        return share
    previous, previous_year = row.latest_share_pct, row.latest_year
    row.latest_year, row.latest_share_pct, row.latest_is_estimate = cast.year, cast.value, True
    row.latest_source, row.latest_edition = "nowcast", cast.edition
    row.latest_annual_increase_pp = (cast.value - previous if previous is not None and cast.year == previous_year + 1
                                     else None)
    row.latest_note = f"{cast.year}: nowcast from {outturn}; {published}"
    row.assumptions.append(f"{cast.year} nowcast {cast.value:.2f} % (90 % interval {cast.low:.2f}–{cast.high:.2f}): "
                           f"NATO's {cast.base_year} level × {label}'s spending growth "
                           f"({cast.spending_growth:+.1%}) ÷ nominal GDP growth ({cast.gdp_growth:+.1%}, "
                           f"{cast.gdp_basis})")
    return Series(share.source, share.edition, share.iso3, share.indicator, share.price_base, share.unit,
                  np.append(share.years, cast.year), np.append(share.values, cast.value),
                  np.append(share.estimate, True), (*share.flags, cast.flags))


def _with_budgets(row: Progress, share: Series, pledge: Pledge, figures: tuple[national.Budget, ...],
                  nato: Series | None) -> Series:
    """Rest the status on the government's newest adopted or spent budget where it is newer
    than the figure so far and can be put on the pledge's definition; say which, and list
    the newer drafts and plans as context."""
    found = national.evidence(figures, pledge.basis, nato, after=row.latest_year)
    if found:
        chosen = found[-1]
        previous_year, previous_share, previous_note = row.latest_year, row.latest_share_pct, row.latest_note
        label = (f"{SOURCE_LABELS.get(row.latest_source or '', row.latest_source)}'s latest: {previous_year}"
                 if previous_year is not None else "")
        budget = chosen.budget
        row.latest_year, row.latest_share_pct = budget.year, chosen.share
        row.latest_is_estimate = budget.estimate
        row.latest_source, row.latest_edition = national.SOURCE, budget.edition
        row.latest_note = chosen.describe() + (f"; {previous_note or label}" if label else "")
        row.latest_annual_increase_pp = _budget_rise(found, previous_year, previous_share, pledge)
        row.assumptions.append(f"{budget.year_label} {budget.stage_label}: {chosen.note}; share of GDP "
                               f"{budget.share_method}")
        if budget.fiscal_year_label:
            row.year_convention = f"financial year {budget.fiscal_year_label} (the government's budget)"
        extra = [e for e in found if e is not chosen]
        years = [*[int(y) for y in share.years], *[e.budget.year for e in extra], budget.year]
        values = [*[float(v) for v in share.values], *[e.share for e in extra], chosen.share]
        estimates = [*[bool(e) for e in share.estimate], *[e.budget.estimate for e in extra], budget.estimate]
        flags = (*share.flags, *[e.budget.id for e in extra], budget.id)
        share = Series(share.source, share.edition, share.iso3, share.indicator, share.price_base, share.unit,
                       np.array(years), np.array(values), np.array(estimates), flags)
    elif any(b.in_force and b.year > (row.latest_year or 0) for b in figures):
        newer = next(b for b in reversed(figures) if b.in_force and b.year > (row.latest_year or 0))
        row.assumptions.append(f"the government's {newer.year_label} {newer.stage_label} ({newer.share_text() or newer.amount_text()}) "
                               f"is not used: it is on its own definition ({national.DEFINITION_LABELS[newer.definition]}) "
                               "and no year has both it and NATO's figure to bridge it")
    row.budget_context = [b.describe() for b in figures if not b.in_force and b.year > (row.latest_year or 0)]
    return share


def _on_plan(row: Progress, pledge: Pledge, target: float, figures: tuple[national.Budget, ...],
             nato: Series | None) -> None:
    """Off track on the trajectory, but the government's own budget or plan for a year by the
    deadline reaches the target: on track on that plan, and the reason names it."""
    latest_year = row.latest_year
    if latest_year is None or latest_year >= pledge.target_year:
        return
    found = national.planned(figures, pledge.basis, nato, latest_year, target, pledge.target_year)
    if found is None:
        return
    b = found.budget
    row.status = "on_track"
    row.status_reason = (f"the government's {b.year_label} {b.stage_label} reaches {found.share:.2f} ≥ {target:.2f}"
                         f" ({b.document.short()}); the trajectory alone says {row.status_reason}")
    row.year_reached = b.year
    row.assumptions.append(f"on track on the government's own {b.stage_label} for {b.year_label}: {found.note}; "
                           "a plan is not spending, the status changes if the budget does")


def _budget_rise(found: list[national.Evidence], previous_year: int | None, previous_share: float | None,
                 pledge: Pledge) -> float | None:
    """The latest annual rise in share: between two budget years on the same footing, or from
    the figure before (NATO's or a nowcast) when the budget is on NATO's definition."""
    last = found[-1]
    before = next((e for e in found[:-1] if e.budget.year == last.budget.year - 1), None)
    if before is not None:
        return last.share - before.share
    if pledge.basis == "nato" and previous_share is not None and previous_year == last.budget.year - 1:
        return last.share - previous_share
    return None


def _money_progress(row: Progress, pledge: Pledge, figures: tuple[national.Budget, ...]) -> Progress:
    """A money target measured in money: the government's own budgets in the target's currency.

    ``met`` when the newest adopted or spent budget reaches the target; ``on_track`` when its
    last annual rise is at least the rise still needed each year (linear in money to the
    deadline); ``off_track`` otherwise. Shares of GDP are reported beside, where known.
    """
    unit = pledge.money_unit or "million"
    scale = 1000.0 if unit == "billion" else 1.0
    found = national.money_evidence(figures, pledge.currency or "")
    last = found[-1]
    amount = last.lcu / scale
    row.unit = f"{pledge.currency} {unit}"
    row.amount_unit = row.unit
    row.latest_amount, row.latest_year, row.latest_is_estimate = amount, last.year, last.estimate
    row.latest_share_pct = last.share
    row.latest_source, row.latest_edition = national.SOURCE, last.edition
    row.latest_note = last.describe()
    row.gap_amount = pledge.target - amount
    row.target_share_pct = None
    years_left = pledge.target_year - last.year
    required = row.gap_amount / years_left if years_left > 0 else row.gap_amount
    before = next((b for b in found if b.year == last.year - 1), None)
    rise = (last.lcu - before.lcu) / scale if before is not None else None
    row.required_path = linear_path(last.year, amount, pledge.target_year, pledge.target)
    row.assumptions.append(f"measured in money: the government's {last.year_label} {last.stage_label} "
                           f"({last.amount_text()}) against the target of {pledge.currency} {pledge.target:g} {unit}")
    if amount >= pledge.target:
        row.status, row.status_reason = "met", f"{amount:,.1f} ≥ {pledge.target:g} {unit} in {last.year_label}"
        row.year_reached = last.year
    elif last.year >= pledge.target_year:
        row.status = "off_track"
        row.status_reason = f"{amount:,.1f} < {pledge.target:g} {unit} in {last.year_label} (deadline reached)"
    elif rise is not None and rise >= required:
        row.status = "on_track"
        row.status_reason = (f"latest rise {rise:+,.1f} ≥ required {required:,.1f} {pledge.currency} {unit} a year "
                             f"({last.year_label} {last.stage_label})")
    else:
        row.status = "off_track"
        rise_text = f"{rise:+,.1f}" if rise is not None else "unknown"
        row.status_reason = (f"latest rise {rise_text} < required {required:,.1f} {pledge.currency} {unit} a year "
                             f"({last.year_label} {last.stage_label})")
        plan = next((b for b in figures if last.year < b.year <= pledge.target_year and b.currency == pledge.currency
                     and b.lcu_million is not None and b.lcu / scale >= pledge.target), None)
        if plan is not None:  # the government's own budget or plan for a year by the deadline reaches it
            row.status = "on_track"
            row.status_reason = (f"the government's {plan.year_label} {plan.stage_label} reaches {plan.amount_text()} "
                                 f"≥ {pledge.target:g} {unit} ({plan.document.short()}); the trajectory alone says "
                                 f"{row.status_reason}")
            row.year_reached = plan.year
    row.budget_context = [b.describe() for b in figures if not b.in_force and b.year > last.year]
    return row


def _target_share(pledge: Pledge, econ: Economy | None) -> float | None:
    """The target as a share: money targets divided by projected GDP in the target year.

    A money target on a national definition (France's €64bn budget excludes pensions) is
    not comparable with NATO's or SIPRI's spending (which include them): no share, so the
    pledge reads ``no_data`` rather than a misleading "met".
    """
    if pledge.kind != "money":
        return pledge.target
    money = pledge.target_money_million  # None only for share targets, returned above
    if econ is None or money is None or pledge.currency != econ.currency or pledge.basis != "nato":
        return None
    return money / econ.gdp_lcu(pledge.target_year) * 100.0


def linear_path(year0: int, share0: float, year1: int, target: float) -> list[tuple[int, float]]:
    """Linear in share from (year0, share0) to exactly (year1, target)."""
    if year1 <= year0:
        return [(year0, share0)]
    steps = year1 - year0
    path = [(year0 + k, share0 + (target - share0) * k / steps) for k in range(steps)]
    return path + [(year1, target)]


def _money(row: Progress, econ: Economy, pledge: Pledge, target: float) -> None:
    """Money gap in the target year, and the spending growth the target requires."""
    gap, latest, latest_year = row.gap_pp, row.latest_share_pct, row.latest_year
    assert gap is not None and latest is not None and latest_year is not None  # set by progress()
    year = max(pledge.target_year, econ.base_year)
    gdp = econ.gdp_lcu(year)
    gap_lcu = gap / 100.0 * gdp
    row.money_gap = {
        "year": year,
        "currency": econ.currency,
        "lcu_million": round(gap_lcu, 1),
        "usd_million": _round(econ.to_usd(gap_lcu, year)),
        "eur_million": _round(econ.to_eur(gap_lcu, year)),
        "required_spending_lcu_million": round(target / 100.0 * gdp, 1),
        "current_share_spending_lcu_million": round(latest / 100.0 * gdp, 1),
        "gdp_lcu_million": round(gdp, 1),
    }
    n = pledge.target_year - latest_year
    if n > 0 and latest > 0:
        nominal = ((target / latest) * gdp / econ.gdp_lcu(latest_year)) ** (1 / n) - 1
        row.required_growth_nominal_pct = nominal * 100
        if econ.inflation is not None:
            row.required_growth_real_pct = ((1 + nominal) / (1 + econ.inflation) - 1) * 100


def _status(row: Progress, share: Series, pledge: Pledge, target: float) -> None:
    """met / on_track / off_track, the reason, and the year the target is reached."""
    latest, rise = row.latest_share_pct, row.latest_annual_increase_pp
    latest_year, gap, required = row.latest_year, row.gap_pp, row.required_annual_increase_pp
    # all set by progress() before it asks for the status
    assert latest is not None and latest_year is not None and gap is not None and required is not None
    if latest >= target:
        row.status = "met"
        row.year_reached = _first_year_of_run_at_or_above(share, target)
        row.status_reason = f"{latest:.2f} ≥ {target:.2f} in {row.latest_year}"
        return
    if rise is not None and rise > 0:
        row.year_reached = latest_year + math.ceil(gap / rise)
    # a floor ("every year from Y") binds from Y on, like a deadline; before that it is a target
    deadline_passed = latest_year >= pledge.target_year
    estimate = " (latest figure is an estimate)" if row.latest_is_estimate else ""
    if deadline_passed:
        row.status = "off_track"
        row.status_reason = f"{latest:.2f} < {target:.2f} in {row.latest_year}" + (
            " (a floor for every year)" if pledge.by == "every_year" else " (deadline reached)") + estimate
    elif rise is not None and rise >= required:
        row.status = "on_track"
        row.status_reason = (f"latest rise {rise:+.2f} pp ≥ required {row.required_annual_increase_pp:.2f} pp "
                             f"a year{estimate}")
    else:
        row.status = "off_track"
        rise_text = f"{rise:+.2f} pp" if rise is not None else "unknown"
        row.status_reason = (f"latest rise {rise_text} < required {row.required_annual_increase_pp:.2f} pp "
                             f"a year{estimate}")


def _first_year_of_run_at_or_above(share: Series, target: float) -> int:
    """The first year of the latest unbroken run of years at or above ``target``."""
    year = int(share.years[-1])
    for y, v in zip(reversed(share.years), reversed(share.values)):
        if v < target:
            break
        year = int(y)
    return year


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None

"""Text and JSON renderings of model results for the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

from dashboard.errors import DashboardError

COLUMNS = ("pledge", "country", "target", "by", "latest", "source", "gap pp", "need pp/yr",
           "money gap (target yr)", "status")


def pledge_report(country: str | None, as_json: bool, gdp_growth_pct: float | None,
                  inflation_pct: float | None, snapshot: Path | None, history: bool = False) -> str:
    """The `pledges` command's output: a table, or a JSON list (pledges in force, or with
    ``history`` the superseded and lapsed ones too)."""
    from dashboard import model
    from dashboard.model import nowcast
    from dashboard.snapshot import io

    country = _iso3(country)
    for name, value in (("--gdp-growth", gdp_growth_pct), ("--inflation", inflation_pct)):
        if value is not None and (not math.isfinite(value) or not -50 < value < 100):
            raise DashboardError(f"{name} {value} is not a plausible percentage")
    assumptions = model.Assumptions(
        gdp_growth=gdp_growth_pct / 100 if gdp_growth_pct is not None else None,
        inflation=inflation_pct / 100 if inflation_pct is not None else None)
    groups = model.load_groups()
    pledges = [p for p in model.load_pledges(groups=groups) if history or p.state == "active"]
    table, package = io.read(snapshot)
    panel = model.Panel(table)
    newest = {n.iso3: n for n in nowcast.nowcasts(panel)}  # later years last: the newest wins
    rows = model.all_progress(panel, pledges, groups, assumptions, country, nowcasts=newest,
                              budgets=_budgets(panel, package))
    if country is not None and not rows:
        raise DashboardError(f"no pledge binds {country}")
    if as_json:
        return json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False)
    return _table(rows)


def _table(rows) -> str:
    lines = [" | ".join(COLUMNS)]
    for r in rows:
        unit = "%" if r.kind != "money" else ""
        target = f"{r.target:g}{unit}" if r.kind != "money" else f"{r.target:g}bn"
        latest = f"{r.latest_share_pct:.2f}{'e' if r.latest_is_estimate else ''} ({r.latest_year})" \
            if r.latest_share_pct is not None else "–"
        source = f"{r.latest_source} {r.latest_edition}" if r.latest_source else "–"
        gap = f"{r.gap_pp:+.2f}" if r.gap_pp is not None else "–"
        need = f"{r.required_annual_increase_pp:+.3f}" if r.required_annual_increase_pp is not None else "–"
        money = (f"{r.money_gap['lcu_million']:,.0f} {r.money_gap['currency']} m ({r.money_gap['year']})"
                 if r.money_gap else "–")
        status = r.status if r.lifecycle == "active" else r.lifecycle
        lines.append(" | ".join([r.id, r.country, target, str(r.target_year), latest, source, gap,
                                 need, money, status]))
    return "\n".join(lines)


def _budgets(panel, package: dict) -> dict:
    """The governments' budget figures with their shares (as the dashboard computes them)."""
    from dashboard import model
    from dashboard.model import budgets

    def economy_of(iso3: str):
        share = panel.first(("nato", "sipri"), iso3, "milex_share_gdp")
        return model.economy(panel, share) if share is not None else None

    return budgets.budgets(panel.table, package, economy_of)


BUDGET_COLUMNS = ("country", "fiscal year", "stage", "amount", "% of GDP", "definition", "document")


def budget_report(country: str | None, as_json: bool, snapshot: Path | None) -> str:
    """The `budgets` command's output: every published figure (or one country's), as a table or
    a JSON list (keys: ``model.budgets.Budget.as_dict``)."""
    from dashboard import model
    from dashboard.snapshot import io

    country = _iso3(country)
    table, package = io.read(snapshot)
    found = _budgets(model.Panel(table), package)
    figures = [b for iso3 in sorted(found) if country is None or iso3 == country for b in found[iso3]]
    if country is not None and not figures:
        raise DashboardError(f"no published budget figure for {country} in the snapshot (data/budgets.yaml)")
    if as_json:
        return json.dumps([b.as_dict() for b in figures], indent=2, ensure_ascii=False)
    lines = [" | ".join(BUDGET_COLUMNS)]
    for b in figures:
        share = f"{b.share:.2f}" + ("" if b.share_stated is not None else " (computed)") if b.share is not None else "–"
        lines.append(" | ".join([b.iso3, b.year_label, b.stage, b.amount_text() or "–", share, b.definition,
                                 f"{b.document.publisher} ({b.document.date_text()})"]))
    return "\n".join(lines)


def data_rows(filters: dict[str, str | None], fmt: str, snapshot: Path | None = None) -> bytes:
    """``defence-dashboard data``: the snapshot's rows matching ``filters``, encoded as ``fmt``."""
    from dashboard.views import data, observations

    views = data.configure(snapshot) if snapshot else data.get()
    chosen = observations.parse({k: v for k, v in filters.items() if v is not None}, views)
    return observations.encode(observations.select(views, chosen), fmt)


def chart_rows(chart: str, params: list[str], snapshot: Path | None = None) -> bytes:
    """``defence-dashboard data --chart``: a chart's table as CSV, its source line first (the
    same text as GET /data/<chart>.csv and the chart card's CSV button)."""
    from dashboard import charts
    from dashboard.views import data

    views = data.configure(snapshot) if snapshot else data.get()
    return charts.csv_text(charts.resolve(views, chart, params)).encode("utf-8")


def _iso3(country: str | None) -> str | None:
    """``--country``, upper-cased, or a one-line error if it is not an ISO3-shaped code."""
    country = country.strip().upper() if country else None
    if country is not None and (len(country) != 3 or not country.isalpha()):
        raise DashboardError(f"--country {country!r} is not an ISO3 code such as GBR")
    return country


def nowcast_report(country: str | None, as_json: bool, backtest: bool, snapshot: Path | None) -> tuple[str, str]:
    """The `nowcast` command's output, and a note for standard error (countries without a nowcast)."""
    from dashboard.model import Panel, nowcast
    from dashboard.snapshot import load

    country = _iso3(country)
    panel = Panel(load(snapshot))
    test = nowcast.backtest(panel)
    if backtest:
        return _backtest(test, country, as_json), ""
    casts = [n for n in nowcast.nowcasts(panel, test) if country is None or n.iso3 == country]
    years = sorted({n.year for n in nowcast.nowcasts(panel, test)})
    # per year: the allies a fresher source covers without a figure for that year
    gaps = {y: [c for c in nowcast.missing(panel, y) if country is None or c == country] for y in years}
    note = "; ".join(f"no {y} nowcast for {', '.join(cs)}" for y, cs in gaps.items() if cs)
    if note:
        note += f" (no {' or '.join(nowcast.FRESHER)} figure for that year)"
    if country is not None and not casts:
        raise DashboardError(note or f"no nowcast for {country}: NATO's latest figure is as fresh as any other "
                             "source's, or no fresher source covers it")
    if as_json:
        return json.dumps([{"iso3": n.iso3, "year": n.year, "value": round(n.value, 4), "low": round(n.low, 4),
                            "high": round(n.high, 4), "method": n.flags.split()[0].removeprefix("method="),
                            "inputs": [list(i) for i in n.inputs], "beats_carry_forward": n.beats_carry}
                           for n in casts], indent=2), note
    lines = ["iso3 | year | nowcast % | 90 % interval | NATO base | spending growth | GDP growth | beats carry-forward"]
    for n in casts:
        lines.append(f"{n.iso3} | {n.year} | {n.value:.2f} | {n.low:.2f}–{n.high:.2f} | {n.base_value:.2f} "
                     f"({n.base_year}{'e' if n.base_estimate else ''}, NATO {n.base_edition}) | "
                     f"{n.spending_growth:+.1%} ({n.fresher}) | {n.gdp_growth:+.1%} | "
                     f"{'yes' if n.beats_carry else 'no' if n.beats_carry is False else 'untested'}")
    return "\n".join(lines), note


def _backtest(test, country: str | None, as_json: bool) -> str:
    """The backtest's error table (percentage points), per country and overall."""
    def row(errors) -> dict:
        return {"n": errors.n, "mae_method": _round(errors.mae_method), "mae_carry_forward": _round(errors.mae_carry),
                "mae_trend": _round(errors.mae_trend), "bias_method": _round(errors.bias_method),
                "coverage": _round(errors.coverage), "beats_carry_forward": errors.beats_carry}

    countries = {c: e for c, e in sorted(test.by_country.items()) if country is None or c == country}
    if country is not None and not countries:
        raise DashboardError(f"no backtest for {country}: NATO and a fresher source never overlap for it")
    if as_json:
        return json.dumps({"unit": "percentage points of GDP", "coverage_target": 0.9,
                           "overall": row(test.overall), "countries": {c: row(e) for c, e in countries.items()}},
                          indent=2)
    lines = ["country | years | MAE method | MAE carry-forward | MAE trend | bias | coverage | beats carry-forward"]
    for name, e in [*countries.items(), ("all", test.overall)]:
        lines.append(f"{name} | {e.n} | {e.mae_method:.3f} | {e.mae_carry:.3f} | "
                     f"{'–' if e.mae_trend is None else f'{e.mae_trend:.3f}'} | {e.bias_method:+.3f} | "
                     f"{'–' if e.coverage is None else f'{e.coverage:.0%}'} | {'yes' if e.beats_carry else 'no'}")
    return "\n".join(lines)


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 4)

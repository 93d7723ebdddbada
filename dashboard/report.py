"""Text and JSON renderings of model results for the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

from dashboard.errors import DashboardError

COLUMNS = ("pledge", "country", "target", "by", "latest", "source", "gap pp", "need pp/yr",
           "money gap (target yr)", "status")


def pledge_report(country: str | None, as_json: bool, gdp_growth_pct: float | None,
                  inflation_pct: float | None, snapshot: Path | None) -> str:
    """The `pledges` command's output: a table, or a JSON list."""
    from dashboard import model
    from dashboard.snapshot import load

    country = country.strip().upper() if country else None
    if country is not None and (len(country) != 3 or not country.isalpha()):
        raise DashboardError(f"--country {country!r} is not an ISO3 code such as GBR")
    for name, value in (("--gdp-growth", gdp_growth_pct), ("--inflation", inflation_pct)):
        if value is not None and (not math.isfinite(value) or not -50 < value < 100):
            raise DashboardError(f"{name} {value} is not a plausible percentage")
    assumptions = model.Assumptions(
        gdp_growth=gdp_growth_pct / 100 if gdp_growth_pct is not None else None,
        inflation=inflation_pct / 100 if inflation_pct is not None else None)
    groups = model.load_groups()
    pledges = model.load_pledges(groups=groups)
    rows = model.all_progress(model.Panel(load(snapshot)), pledges, groups, assumptions, country)
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
        lines.append(" | ".join([r.id, r.country, target, str(r.target_year), latest, source, gap,
                                 need, money, r.status]))
    return "\n".join(lines)


def data_rows(filters: dict[str, str | None], fmt: str, snapshot: Path | None = None) -> bytes:
    """``defence-dashboard data``: the snapshot's rows matching ``filters``, encoded as ``fmt``."""
    from dashboard.views import data, observations

    views = data.configure(snapshot) if snapshot else data.get()
    chosen = observations.parse({k: v for k, v in filters.items() if v is not None}, views)
    return observations.encode(observations.select(views, chosen), fmt)

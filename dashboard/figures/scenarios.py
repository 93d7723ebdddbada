"""Scenario figures: extra spending a group needs to reach a target share by a year (pure functions).

Input is ``model.scenario_rows`` (one dict per member and year: iso3, year, status, source,
edition, latest_year, latest_share_pct, path_share_pct, currency, gdp_lcu_million,
extra_lcu_million, extra_usd_million, extra_eur_million, assumptions) and the yearly totals
(``views.scenarios.totals``: year, extra_usd_million, extra_eur_million, countries).
"""

from __future__ import annotations

from dashboard.figures.common import base_layout, empty_figure
from dashboard.figures.palette import country_colours
from dashboard.views.labels import billions, source_line

TOTAL_COLOUR = "#222222"


# A stack of 30 countries is unreadable (and slow to draw): the largest ten, then the rest
# together; the table and the CSV keep every country.
TOP_STACKED = 10
OTHERS_COLOUR = "#BBBBBB"


def extra_figure(rows: list[dict], totals: list[dict], names: dict[str, str], group: str,
                 target: float, year: int) -> dict:
    """Stacked bars: extra spending per year by country (US$ bn), with the total marked."""
    ok = _ok(rows)
    if not ok or not totals:
        return empty_figure(f"No member of {group} has the figures a scenario needs", 460)
    traces: list[dict] = []
    series: dict[str, tuple[list[int], list[float | None]]] = {}
    for r in ok:
        xs, ys = series.setdefault(r["iso3"], ([], []))
        xs.append(int(r["year"]))
        ys.append(billions(r["extra_usd_million"]))
    # largest contributors at the bottom of the stack, so the big blocks line up
    order = [c for c in sorted(series, key=lambda c: -(series[c][1][-1] or 0.0))
             if any(y for y in series[c][1] if y)]
    # neighbours in the stack must never share a colour (France and Italy once did)
    colours = country_colours(order[:TOP_STACKED], taken=(OTHERS_COLOUR, TOTAL_COLOUR))
    for iso3 in order[:TOP_STACKED]:
        xs, ys = series[iso3]
        name = names.get(iso3, iso3)
        traces.append({"type": "bar", "name": name, "x": xs, "y": ys,
                       "marker": {"color": colours[iso3]}, "legendgroup": iso3,
                       "hovertemplate": f"{name}: US$ %{{y:,.1f}}bn<extra></extra>"})
    rest = order[TOP_STACKED:]
    if rest:
        years = sorted({x for c in rest for x in series[c][0]})
        sums = [sum(dict(zip(*series[c])).get(y) or 0.0 for c in rest) for y in years]
        label = f"{len(rest)} other members"
        traces.append({"type": "bar", "name": label, "x": years, "y": sums, "marker": {"color": OTHERS_COLOUR},
                       "hovertemplate": f"{label}: US$ %{{y:,.1f}}bn<extra></extra>"})
    traces.append({"type": "scatter", "mode": "markers", "name": "Total",
                   "x": [int(t["year"]) for t in totals], "y": [t["extra_usd_million"] / 1000 for t in totals],
                   "marker": {"color": TOTAL_COLOUR, "symbol": "line-ew-open", "size": 18, "line": {"width": 2}},
                   "hovertemplate": "Total: US$ %{y:,.1f}bn<extra></extra>"})
    layout = base_layout(yaxis_title="Extra spending, US$ billion a year", height=520)
    layout["barmode"] = "stack"
    layout["hovermode"] = "closest"
    layout["legend"] = {"orientation": "h", "y": -0.15, "x": 0, "xanchor": "left", "font": {"size": 11}}
    layout["margin"]["b"] = 40
    layout["xaxis"]["dtick"] = 1
    return {"data": traces, "layout": layout}


def summary(rows: list[dict], totals: list[dict], names: dict[str, str], group: str,
            target: float, year: int, high_growth: float = 0.15) -> str:
    """Text version: the total in the target year, who is already there, who has no data.

    Notes members whose projected nominal GDP grows faster than ``high_growth`` a year:
    their national-currency amounts are mostly inflation (US$ and € amounts follow the
    inflation gap through the exchange rate, see the assumptions).
    """
    ok = _ok(rows)
    no_data = sorted(names.get(r["iso3"], r["iso3"]) for r in rows if r["status"] != "ok")
    if not ok or not totals:
        return f"No member of {group} has the figures a scenario needs."
    last = totals[-1]
    members = list(dict.fromkeys(r["iso3"] for r in ok))
    above = sorted({names.get(r["iso3"], r["iso3"]) for r in ok if r["latest_share_pct"] >= target})
    text = (f"For every member of {group} to spend {target:g}% of GDP by {year}, the {len(members)} "
            f"members with figures would together spend US$ {last['extra_usd_million'] / 1000:,.1f}bn "
            f"(€{last['extra_eur_million'] / 1000:,.1f}bn) more in {int(last['year'])} than at their latest "
            f"shares, rising in a straight line from {int(totals[0]['year'])}.")
    if above:
        text += f" Already at or above {target:g}%: {', '.join(above)} (no extra spending)."
    if no_data:
        text += f" No figures for: {', '.join(no_data)}."
    fast = {c: g for c, g in growth_rates(ok).items() if g > high_growth}
    if fast:
        who = ", ".join(f"{names.get(c, c)} ({g:.0%} a year)" for c, g in sorted(fast.items()))
        text += (f" Note: nominal GDP growth of {who} reflects high inflation, so the national-currency "
                 f"amounts are large; US$ and € amounts use an exchange rate that moves with the inflation "
                 f"gap to the US.")
    return text


def growth_rates(ok: list[dict]) -> dict[str, float]:
    """Projected nominal GDP growth per country (from the scenario's own GDP path)."""
    paths: dict[str, list[tuple[int, float]]] = {}
    for r in ok:
        paths.setdefault(r["iso3"], []).append((int(r["year"]), float(r["gdp_lcu_million"])))
    out = {}
    for iso3, path in paths.items():
        path.sort()
        (y0, first), (y1, last) = path[0], path[-1]
        out[iso3] = (last / first) ** (1 / max(y1 - y0, 1)) - 1
    return out


def source_text(rows: list[dict]) -> str:
    """Source line: the (source, edition) of every member's latest share."""
    pairs = list(dict.fromkeys((r["source"], r["edition"]) for r in _ok(rows)))
    return source_line(pairs, "Latest share of GDP per member (NATO, else SIPRI); GDP projected as in the "
                              "assumptions; linear path in share from the latest year to the target year.")


def _ok(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["status"] == "ok"]

"""Scenario figures: extra spending a group needs to reach a target share by a year (pure functions).

Input is ``model.scenario``'s frame (iso3, year, status, source, edition, latest_year,
latest_share_pct, path_share_pct, currency, gdp_lcu_million, extra_lcu_million,
extra_usd_million, extra_eur_million, assumptions) and ``model.scenario_totals``'s.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard.figures.common import (
    base_layout,
    country_colour,
    empty_figure,
    source_line,
)

TOTAL_COLOUR = "#222222"


# A stack of 30 countries is unreadable (and slow to draw): the largest ten, then the rest
# together; the table and the CSV keep every country.
TOP_STACKED = 10
OTHERS_COLOUR = "#BBBBBB"


def extra_figure(frame: pd.DataFrame, totals: pd.DataFrame, names: dict[str, str], group: str,
                 target: float, year: int) -> dict:
    """Stacked bars: extra spending per year by country (US$ bn), with the total marked."""
    ok = _ok(frame)
    if ok.empty or totals.empty:
        return empty_figure(f"No member of {group} has the figures a scenario needs", 460)
    traces: list[dict] = []
    series: dict[str, tuple[list[int], list[float]]] = {}
    for iso3, yr, usd in zip(ok["iso3"].tolist(), ok["year"].tolist(), ok["extra_usd_million"].tolist()):
        xs, ys = series.setdefault(iso3, ([], []))
        xs.append(int(yr))
        ys.append(billions(usd))
    # largest contributors at the bottom of the stack, so the big blocks line up
    order = [c for c in sorted(series, key=lambda c: -(series[c][1][-1] or 0.0))
             if any(y for y in series[c][1] if y)]
    for iso3 in order[:TOP_STACKED]:
        xs, ys = series[iso3]
        name = names.get(iso3, iso3)
        traces.append({"type": "bar", "name": name, "x": xs, "y": ys,
                       "marker": {"color": country_colour(iso3)}, "legendgroup": iso3,
                       "hovertemplate": f"{name}: US$ %{{y:,.1f}}bn<extra></extra>"})
    rest = order[TOP_STACKED:]
    if rest:
        years = sorted({x for c in rest for x in series[c][0]})
        sums = [sum(dict(zip(*series[c])).get(y) or 0.0 for c in rest) for y in years]
        label = f"{len(rest)} other members"
        traces.append({"type": "bar", "name": label, "x": years, "y": sums, "marker": {"color": OTHERS_COLOUR},
                       "hovertemplate": f"{label}: US$ %{{y:,.1f}}bn<extra></extra>"})
    traces.append({"type": "scatter", "mode": "markers", "name": "Total",
                   "x": totals["year"].astype(int).tolist(), "y": (totals["extra_usd_million"] / 1000).tolist(),
                   "marker": {"color": TOTAL_COLOUR, "symbol": "line-ew-open", "size": 18, "line": {"width": 2}},
                   "hovertemplate": "Total: US$ %{y:,.1f}bn<extra></extra>"})
    layout = base_layout(yaxis_title="Extra spending, US$ billion a year", height=520)
    layout["barmode"] = "stack"
    layout["hovermode"] = "closest"
    layout["legend"] = {"orientation": "h", "y": -0.15, "x": 0, "xanchor": "left", "font": {"size": 11}}
    layout["margin"]["b"] = 40
    layout["xaxis"]["dtick"] = 1
    return {"data": traces, "layout": layout}


def summary(frame: pd.DataFrame, totals: pd.DataFrame, names: dict[str, str], group: str,
            target: float, year: int, high_growth: float = 0.15) -> str:
    """Text version: the total in the target year, who is already there, who has no data.

    Notes members whose projected nominal GDP grows faster than ``high_growth`` a year:
    their national-currency amounts are mostly inflation (US$ and € amounts follow the
    inflation gap through the exchange rate, see the assumptions).
    """
    ok = _ok(frame)
    no_data = sorted(names.get(c, c) for c in frame.loc[frame["status"] != "ok", "iso3"])
    if ok.empty or totals.empty:
        return f"No member of {group} has the figures a scenario needs."
    last = totals[totals["year"] == totals["year"].max()].iloc[0]
    above = sorted(names.get(c, c) for c in ok.loc[ok["latest_share_pct"] >= target, "iso3"].unique())
    text = (f"For every member of {group} to spend {target:g}% of GDP by {year}, the {ok['iso3'].nunique()} "
            f"members with figures would together spend US$ {last['extra_usd_million'] / 1000:,.1f}bn "
            f"(€{last['extra_eur_million'] / 1000:,.1f}bn) more in {int(last['year'])} than at their latest "
            f"shares, rising in a straight line from {int(totals['year'].min())}.")
    if above:
        text += f" Already at or above {target:g}%: {', '.join(above)} (no extra spending)."
    if no_data:
        text += f" No figures for: {', '.join(no_data)}."
    fast = growth_rates(ok)
    fast = fast[fast > high_growth]
    if len(fast):
        who = ", ".join(f"{names.get(c, c)} ({g:.0%} a year)" for c, g in fast.items())
        text += (f" Note: nominal GDP growth of {who} reflects high inflation, so the national-currency "
                 f"amounts are large; US$ and € amounts use an exchange rate that moves with the inflation "
                 f"gap to the US.")
    return text


def growth_rates(ok: pd.DataFrame) -> pd.Series:
    """Projected nominal GDP growth per country (from the scenario's own GDP path)."""
    if ok.empty:
        return pd.Series(dtype=float)
    g = ok.sort_values("year").groupby("iso3")["gdp_lcu_million"]
    first, last = g.first(), g.last()
    years = ok.groupby("iso3")["year"].agg(lambda y: max(y.max() - y.min(), 1))
    return ((last / first) ** (1 / years) - 1).astype(float)


def source_text(frame: pd.DataFrame) -> str:
    """Source line: the (source, edition) of every member's latest share."""
    ok = _ok(frame)
    pairs = list(ok[["source", "edition"]].drop_duplicates().itertuples(index=False, name=None))
    return source_line(pairs, "Latest share of GDP per member (NATO, else SIPRI); GDP projected as in the "
                              "assumptions; linear path in share from the latest year to the target year.")


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] == "ok"] if "status" in frame else frame


def billions(million: object) -> float | None:
    """Millions as billions; None for a missing or non-numeric value."""
    try:
        value = float(million)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value / 1000

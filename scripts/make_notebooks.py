"""Write the notebooks in notebooks/ from the cells below (no outputs are committed).

Run after editing a cell: `.venv/bin/python scripts/make_notebooks.py`. The tests run
every notebook and check that none carries outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_ukraine import UKRAINE_SUPPORT  # noqa: E402  (a sibling script, not a package)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

UK_PLEDGE = [
    ("md", """# The UK's 2.5 % pledge: from published figures to a status

On 25 February 2025 the UK government pledged to spend 2.5 % of GDP on defence from April 2027.
This notebook walks from the published figures in the project's snapshot to the model's
verdict, recomputing each step by hand so every number can be checked."""),
    ("code", """from dashboard import model
from dashboard.snapshot import load

table = load()  # the embedded snapshot: every row carries source, edition and estimate flag
uk = table[(table.iso3 == "GBR") & (table.indicator == "milex_share_gdp")]
uk[uk.year >= 2019].pivot_table(index="year", columns=["source", "edition"], values="value").round(4)"""),
    ("md", """NATO's June 2024 tables give the UK's share of GDP (Table 3, NATO definition); 2023 and
2024 are estimates (`2023e`, `2024e`). SIPRI revised its 2023 figure between its April 2024 and
April 2025 releases — the model keeps both editions."""),
    ("code", """nato = uk[uk.source == "nato"].set_index("year")
latest_year = nato.index.max()
latest = nato.loc[latest_year, "value"]
print(f"NATO {nato.edition.iloc[0]}: {latest:.4f} % of GDP in {latest_year}, estimate={nato.loc[latest_year, 'estimate']}")"""),
    ("code", """groups = model.load_groups()
pledges = {p.id: p for p in model.load_pledges(groups=groups)}
pledge = pledges["gbr-2027-2.5"]
print(pledge.title, "|", pledge.source.publisher, pledge.source.date, pledge.source.url)"""),
    ("md", """## The gap and the path, by hand

Gap = target − latest share; the required path is linear in share from the latest year to the
target year, so the required rise per year is the gap divided by the years left."""),
    ("code", """gap = pledge.target - latest
years_left = pledge.target_year - latest_year
required_rise = gap / years_left
latest_rise = latest - nato.loc[latest_year - 1, "value"]
print(f"gap {gap:.4f} pp over {years_left} years: {required_rise:.4f} pp a year needed; latest rise {latest_rise:.4f} pp")"""),
    ("md", """## The money gap, by hand

GDP in pounds is implied by NATO's own figures (spending in £ / share), grown at the trailing
five-year nominal growth rate to 2027. The gap in money is the gap in share times that GDP."""),
    ("code", """spend = table[(table.source == "nato") & (table.iso3 == "GBR") & (table.indicator == "milex_lcu")
              & (table.price_base == "current")].set_index("year")["value"]
gdp = spend / (nato["value"] / 100)
growth = (gdp[latest_year] / gdp[latest_year - 5]) ** (1 / 5) - 1
gdp_target = gdp[latest_year] * (1 + growth) ** years_left
money_gap = gap / 100 * gdp_target
print(f"GDP {latest_year}: £{gdp[latest_year]:,.0f}m, growing {growth:.2%} a year → £{gdp_target:,.0f}m in {pledge.target_year}")
print(f"money gap in {pledge.target_year}: £{money_gap:,.0f}m a year")"""),
    ("md", "## The model's answer — it must agree with the hand computation"),
    ("code", """panel = model.Panel(table)
result = model.progress(panel, pledge, "GBR")
assert abs(result.gap_pp - gap) < 1e-9
assert abs(result.required_annual_increase_pp - required_rise) < 1e-9
assert abs(result.money_gap["lcu_million"] - money_gap) < 0.1
print(result.status, "—", result.status_reason)
print("\\n".join(result.assumptions))"""),
    ("md", """**On track** means the latest annual rise in share is at least the rise the linear path
requires each year; the model's docs (`docs/model.md`) define every status."""),
]


COALITION_AND_US = [
    ("md", """# The London-summit coalition and the United States

The fifteen states at the London summit on Ukraine (2 March 2025; group `LONDON_2025` in
`data/groups.yaml`) and the United States: each one's defence spending as a share of GDP, the
coalition's GDP-weighted share against the registry's targets, and burden sharing inside NATO.
Every number comes from the project's snapshot through `dashboard.model`, and every chart is
drawn by the dashboard's own figure functions (`dashboard.figures`) unless a markdown cell says
otherwise. Each table and chart names its source and edition."""),
    ("code", """import pandas as pd
import plotly.graph_objects as go

from dashboard import model
from dashboard.figures import common, compare, country
from dashboard.views import compare as compare_view
from dashboard.views.labels import source_line
from dashboard.views.data import ViewData
from dashboard.views.series import ShareSeries, cut

app = ViewData.from_snapshot()  # what the dashboard loads: snapshot, panel, registries
table, panel = app.table, app.panel
london, nato = app.groups["LONDON_2025"], app.groups["NATO"]
pledges = {p.id: p for p in app.pledges}
CODES = london.members_in(2025) + ["USA"]
print(london.name, "|", london.source.publisher, london.source.date, london.source.url)
print("members:", ", ".join(app.name(c) for c in london.members_in(2025)))
print("editions in the snapshot:", panel.editions)"""),
    ("md", """All fifteen are NATO allies today (Finland since 2023, Sweden since 2024), so NATO's
June 2024 tables (2014–2024; 2023 and 2024 are NATO estimates) cover all of them and the United
States. NATO publishes Finland's and Sweden's figures back to 2014, before they joined; the
coalition is a fixed list of states, so its history uses them. SIPRI's latest edition gives the
long view (calendar years, SIPRI's definition).

Two helpers: `share_lines` gives the typed lines the Compare page draws (`views.compare`: one
`CountrySeries` per country, latest edition; `lines_frame` turns them into a tidy frame), and `show` turns a dashboard figure dict into a plotly Figure with a
title and the source line underneath (`common.source_annotation`, as in the dashboard's exports)."""),
    ("code", """SHARE = compare_view.INDICATORS["milex_share_gdp"]


def share_lines(source: str, codes: list[str], start: int = 0) -> tuple:
    \"\"\"Share of GDP from the latest edition of ``source``, one typed line per country, from ``start``.\"\"\"
    return tuple(cut(app.compare.lines(tuple(codes), "milex_share_gdp", source), start))


def show(fig: dict, title: str, source: str) -> go.Figure:
    \"\"\"A dashboard figure dict as a Figure, with a title and its source line below.\"\"\"
    out = go.Figure(fig)
    out.update_layout(title={"text": title, "x": 0, "xanchor": "left"},
                      margin={"t": 56, "b": 150}, height=(out.layout.height or 420) + 90)
    out.add_annotation(common.source_annotation(source))
    return out"""),
    ("md", "## Each member's share of GDP: NATO, 2014–2024"),
    ("code", """nato_lines = share_lines("nato", CODES)
nato_shares = compare_view.lines_frame(nato_lines)
print(source_line([("nato", nato_shares.edition.iloc[0])], "Share of GDP, NATO definition; e: NATO estimate."))
wide = nato_shares.assign(label=[f"{v:.2f}{' e' if e else ''}" for v, e in zip(nato_shares.value, nato_shares.estimate)])
wide.pivot(index="country", columns="year", values="label").loc[[app.name(c) for c in CODES]]"""),
    ("code", """show(compare.lines_figure(nato_lines, SHARE, None, "No NATO figures"),
     "London coalition and the United States: defence spending, % of GDP (NATO)",
     compare.source_text(nato_lines, SHARE))"""),
    ("code", """latest = int(nato_shares.year.max())
show(compare.bars_figure(nato_lines, SHARE, None, latest, "No NATO figures"),
     f"Share of GDP in {latest} (NATO estimates hatched)",
     compare.source_text(nato_lines, SHARE, "bars"))"""),
    ("md", """## The long view: SIPRI since 1990

SIPRI's figures are calendar years and its own definition, so they differ from NATO's by a few
tenths of a point (see `reconciliation.ipynb`). The Czech Republic starts in 1993."""),
    ("code", """sipri_lines = share_lines("sipri", CODES, start=1990)
show(compare.lines_figure(sipri_lines, SHARE, None, "No SIPRI figures"),
     "London coalition and the United States since 1990: % of GDP (SIPRI)",
     compare.source_text(sipri_lines, SHARE))"""),
    ("md", """## The coalition as a whole against the targets

The targets are taken from the pledge registry (`data/pledges.yaml`), not typed in: NATO's 2 %
(Wales, 2014), the UK's 2.5 % (February 2025) and NATO's 3.5 % for core defence (The Hague,
2025). `model.aggregate` sums the members' spending and GDP in US$ at current prices:
the GDP-weighted share is total spending ÷ total GDP, and it counts the members at or above each
target. NATO publishes GDP; for SIPRI, GDP is implied by spending ÷ share."""),
    ("code", """TARGET_PLEDGES = [pledges[i] for i in ("nato-wales-2024-2", "gbr-2027-2.5", "nato-hague-2035-3.5-core")]
thresholds = sorted(p.target for p in TARGET_PLEDGES)
for p in TARGET_PLEDGES:
    print(f"{p.target:g}% by {p.target_year}: {p.title} ({p.source.publisher}, {p.source.date})")


def coalition(source: str, years) -> pd.DataFrame:
    \"\"\"The coalition's aggregate per year from ``source`` (latest edition).\"\"\"
    rows = []
    for year in years:
        a = model.aggregate(panel, london, year, thresholds, source)
        if not a.reporting:
            continue
        est = table[(table.source == source) & (table.edition == a.edition) & (table.year == year)
                    & (table.indicator == "milex_share_gdp") & table.iso3.isin(a.reporting)].estimate.any()
        rows.append({"year": year, "source": source, "edition": a.edition, "weighted_share_pct": a.weighted_share_pct,
                     "spending_usd_bn": a.spending_usd_million / 1000, "gdp_usd_bn": a.gdp_usd_million / 1000,
                     "reporting": len(a.reporting), "missing": ", ".join(a.missing), "estimate": bool(est),
                     **{f"at_or_above_{t:g}": n for t, n in a.at_or_above.items()}})
    return pd.DataFrame(rows)


agg_nato = coalition("nato", range(2014, 2025))
agg_sipri = coalition("sipri", range(1990, 2025))
print(source_line([("nato", agg_nato.edition.iloc[0])],
                         "Coalition of 15, US$ at current prices; NATO estimates for 2023–2024."))
agg_nato.round(3)"""),
    ("code", """print(source_line([("sipri", agg_sipri.edition.iloc[0])], "Coalition of 15, US$ at current prices; every fifth year."))
agg_sipri[agg_sipri.year % 5 == 0].round(3)"""),
    ("md", """The chart below is the dashboard's share chart (`country.share_figure`, the one on each
country page) drawn for the coalition's weighted share, one line per source; the targets are added
with `common.reference_line`, as the overview's ranking does. The dashboard has no chart of a
group's weighted share, so this reuses the country chart rather than a new one. Dotted: NATO's
estimated last two years (SIPRI also marks some members' earlier figures as estimates — Finland,
Spain, Romania, Sweden and others before the 2000s — shown in the `estimate` column above, not
on the chart)."""),
    ("code", """def as_series(frame: pd.DataFrame) -> ShareSeries:
    \"\"\"An aggregate frame as the series ``country.share_figure`` takes; only the estimated tail is dotted.\"\"\"
    est = frame.estimate.tolist()
    tail = len(est)
    while tail and est[tail - 1]:
        tail -= 1
    return ShareSeries(source=frame.source.iloc[0], edition=frame.edition.iloc[0], price_base="current",
                       years=tuple(int(y) for y in frame.year), values=tuple(float(v) for v in frame.weighted_share_pct),
                       estimate=tuple(i >= tail for i in range(len(est))), flags=("",) * len(frame))


series = [as_series(agg_nato), as_series(agg_sipri)]
fig = country.share_figure(series, [], london.name, start=1990)
for p in TARGET_PLEDGES:
    shape, note = common.reference_line(p.target, f"{p.target:g}% ({p.actor} {p.target_year})")
    fig["layout"].setdefault("shapes", []).append(shape)
    fig["layout"]["annotations"].append(note)
show(fig, "London coalition: GDP-weighted defence spending, % of GDP",
     source_line([(s.source, s.edition) for s in series],
                        "Total spending ÷ total GDP of the 15, US$ at current prices. Dotted: estimates."))"""),
    ("md", """### Check: the aggregate against the tidy table

Recompute the NATO aggregate for one year straight from the tidy rows with pandas (sum of the
members' `milex_usd` and `gdp_usd`, current prices) and compare it with `model.aggregate`."""),
    ("code", """year = 2023
a = model.aggregate(panel, london, year, thresholds, "nato")
rows = table[(table.source == "nato") & (table.edition == a.edition) & (table.year == year)
             & table.iso3.isin(london.members_in(year))]
current = rows[rows.price_base == "current"]
spend = current.loc[current.indicator == "milex_usd", "value"].sum()
gdp = current.loc[current.indicator == "gdp_usd", "value"].sum()
shares = rows.loc[rows.indicator == "milex_share_gdp", "value"]
assert abs(a.spending_usd_million - spend) < 1e-6 * spend
assert abs(a.weighted_share_pct - spend / gdp * 100) < 1e-9
assert a.at_or_above == {t: int((shares >= t).sum()) for t in thresholds}
print(f"NATO {a.edition}, {year}: coalition spends US${spend / 1000:,.1f}bn of US${gdp / 1000:,.0f}bn GDP "
      f"= {spend / gdp * 100:.3f}% (model: {a.weighted_share_pct:.3f}%); at or above "
      + ", ".join(f"{t:g}%: {n}" for t, n in a.at_or_above.items()))"""),
    ("md", """## Burden sharing: the United States and NATO Europe and Canada

`model.burden_sharing` splits NATO's total (members as of each year) into the United States and
the rest, in US$ at current prices (NATO's financial years: October–September for the US)."""),
    ("code", """years = list(range(2014, 2025))
burden = model.burden_sharing(panel, nato, years)
print(source_line([("nato", burden.edition.iloc[0])], "US$ at current prices; 2023–2024 NATO estimates."))
burden.assign(usa_usd_bn=burden.usa_usd_million / 1000, europe_canada_usd_bn=burden.europe_canada_usd_million / 1000)[
    ["year", "edition", "usa_usd_bn", "europe_canada_usd_bn", "usa_share_of_total_pct", "members", "reporting"]].round(2)"""),
    ("md", """The dashboard has no burden-sharing chart, so this one is drawn here with plotly graph
objects on the dashboard's shared layout (`common.base_layout`) and colours: stacked bars for
spending, the US share of the NATO total as a line on the right-hand axis."""),
    ("code", """layout = common.base_layout(yaxis_title="US$ billion, current prices", height=440)
layout["barmode"] = "stack"
layout["yaxis2"] = {"title": {"text": "US share of NATO total, %"}, "overlaying": "y", "side": "right",
                    "range": [0, 100], "tickmode": "linear", "dtick": 20, "showgrid": False}
traces = [
    {"type": "bar", "name": "United States", "x": years, "y": (burden.usa_usd_million / 1000).tolist(),
     "marker": {"color": common.country_colour("USA")}},
    {"type": "bar", "name": "NATO Europe and Canada", "x": years,
     "y": (burden.europe_canada_usd_million / 1000).tolist(), "marker": {"color": "#999999"}},
    {"type": "scatter", "mode": "lines+markers", "name": "US share of NATO total", "x": years,
     "y": burden.usa_share_of_total_pct.round(2).tolist(), "yaxis": "y2", "line": {"color": "#222", "width": 2}},
]
show({"data": traces, "layout": layout}, "NATO defence spending: the United States and the rest",
     source_line([("nato", burden.edition.iloc[0])], "US$ at current prices; 2023–2024 NATO estimates."))"""),
    ("md", """### Check: burden sharing against NATO's own aggregates

NATO's tables carry their own totals (`NATO`, `NATO_EUR_CAN`). The model's split, built from
members as of each year, must reproduce them; a naive sum over every country in the table would
not, because NATO lists Finland, Sweden, Montenegro and North Macedonia for years before they
joined."""),
    ("code", """usd = table[(table.source == "nato") & (table.indicator == "milex_usd") & (table.price_base == "current")]
published = usd[usd.iso3.isin(["NATO", "NATO_EUR_CAN", "USA"])].pivot(index="year", columns="iso3", values="value")
check = burden.set_index("year").join(published)
assert ((check.europe_canada_usd_million - check.NATO_EUR_CAN).abs() < 1e-6 * check.NATO_EUR_CAN).all()
assert ((check.usa_usd_million - check.USA).abs() < 1e-9).all()
assert ((check.usa_share_of_total_pct - check.USA / check.NATO * 100).abs() < 1e-9).all()
naive = usd[~usd.iso3.isin(["NATO", "NATO_EUR_CAN", "USA"])].groupby("year").value.sum()
print("model = NATO's published aggregates in every year; naive sum over all listed countries exceeds "
      f"NATO Europe and Canada by US${(naive - check.NATO_EUR_CAN).max() / 1000:,.1f}bn at most")
first, last = burden.iloc[0], burden.iloc[-1]
print(f"US share of NATO spending: {first.usa_share_of_total_pct:.1f}% in {first.year}, "
      f"{last.usa_share_of_total_pct:.1f}% in {last.year} (estimate)")"""),
    ("md", """## The coalition beside the United States

The coalition's total against US spending, both from NATO's tables (US$, current prices)."""),
    ("code", """side = agg_nato[["year", "spending_usd_bn", "weighted_share_pct"]].merge(
    burden.assign(usa_usd_bn=burden.usa_usd_million / 1000)[["year", "usa_usd_bn"]], on="year")
side["usa_share_pct"] = [panel.series("nato", "USA", "milex_share_gdp").at(y) for y in side.year]
side["coalition_as_pct_of_usa"] = side.spending_usd_bn / side.usa_usd_bn * 100
print(source_line([("nato", agg_nato.edition.iloc[0])], "US$ bn at current prices; 2023–2024 estimates."))
side.round(2)"""),
    ("md", "## In numbers (computed above, so they follow the snapshot)"),
    ("code", """n0, n1 = agg_nato.iloc[0], agg_nato.iloc[-1]
lowest = min(thresholds)
print(f"NATO {n1.edition}: the coalition's GDP-weighted share went from {n0.weighted_share_pct:.2f}% in {n0.year} "
      f"to {n1.weighted_share_pct:.2f}% in {n1.year}{' (estimate)' if n1.estimate else ''}; members at or above "
      f"{lowest:g}%: {n0[f'at_or_above_{lowest:g}']} → {n1[f'at_or_above_{lowest:g}']} of 15.")
print(f"Spending: US${n1.spending_usd_bn:,.0f}bn in {n1.year}, {side.coalition_as_pct_of_usa.iloc[-1]:.0f}% of the "
      f"United States' US${side.usa_usd_bn.iloc[-1]:,.0f}bn; the US share of the NATO total "
      f"{burden.usa_share_of_total_pct.iloc[0]:.1f}% → {burden.usa_share_of_total_pct.iloc[-1]:.1f}%.")
s0 = agg_sipri.iloc[0]
print(f"SIPRI {s0.edition}: {s0.weighted_share_pct:.2f}% in {s0.year} ({s0.reporting} of 15 reporting; missing {s0.missing}), "
      f"lowest {agg_sipri.weighted_share_pct.min():.2f}% in {agg_sipri.loc[agg_sipri.weighted_share_pct.idxmin(), 'year']}.")"""),
]

RECONCILIATION = [
    ("md", """# NATO, SIPRI, the World Bank and Eurostat side by side

Four publishers give a country's defence spending as a share of GDP, and they rarely agree to the
second decimal. This notebook puts them side by side for the United Kingdom, Germany, Poland,
France and the United States (2014–2024), measures the differences in points, lists the reasons
the model knows (`model.reconcile`), recomputes each share from its own spending and GDP
(`model.recomputed_shares`), and follows SIPRI's revisions between editions (`model.revisions`).
Charts are the dashboard's own (`dashboard.figures`), unless a markdown cell says otherwise."""),
    ("code", """import numpy as np
import pandas as pd
import plotly.graph_objects as go
from IPython.display import display

from dashboard import model
from dashboard.figures import common, country, sources
from dashboard.model.reconcile import KNOWN_DIFFERENCES
from dashboard.views.labels import source_line
from dashboard.views.data import SHARE_SOURCES, ViewData

app = ViewData.from_snapshot()  # what the dashboard loads: snapshot, panel, registries
table, panel = app.table, app.panel
CODES = ["GBR", "DEU", "POL", "FRA", "USA"]
YEARS = range(2014, 2025)
print("editions in the snapshot:", panel.editions)


def show(fig: dict, title: str, source: str) -> go.Figure:
    \"\"\"A dashboard figure dict as a Figure, with a title and its source line below.\"\"\"
    out = go.Figure(fig)
    out.update_layout(title={"text": title, "x": 0, "xanchor": "left"},
                      margin={"t": 56, "b": 150}, height=(out.layout.height or 420) + 90)
    out.add_annotation(common.source_annotation(source))
    return out"""),
    ("md", """## Shares side by side, 2014–2024

The latest edition of each source, as the country page reads it (`ViewData.share_series`).
NATO's 2023 and 2024 are estimates; Eurostat (COFOG 02, one decimal) covers EU members from 2021
only, so not the UK or the US."""),
    ("code", """long = pd.DataFrame([
    {"iso3": code, "country": app.name(code), "source": s.source, "edition": s.edition,
     "year": y, "value": v, "estimate": e}
    for code in CODES for s in app.share_series(code)
    for y, v, e in zip(s.years, s.values, s.estimate) if y in YEARS])
used = long[["source", "edition"]].drop_duplicates().sort_values("source", key=lambda c: c.map(SHARE_SOURCES.index))
print(source_line(used.itertuples(index=False, name=None), "% of GDP; NATO 2023–2024 are estimates."))
side = long.pivot_table(index=["country", "year"], columns="source", values="value")[list(SHARE_SOURCES)]
side.round(2)"""),
    ("md", """## Differences from NATO, in points

Each source minus NATO, same country and year. The World Bank column repeats SIPRI's because
the World Bank republishes SIPRI's share (checked below). In this snapshot SIPRI is below NATO
for Germany in every year and for the UK in most (different definitions, and NATO reports
the UK's April–March financial year); Eurostat's COFOG figure, which leaves out military pensions, is the lowest for
every EU country here."""),
    ("code", """diff = side[["sipri", "worldbank", "eurostat"]].sub(side["nato"], axis=0)
print(source_line(used.itertuples(index=False, name=None), "Points: source minus NATO."))
summary = diff.groupby(level="country").agg(["mean", "min", "max"]).round(2)
display(summary)
diff.round(2).unstack("country")["sipri"]"""),
    ("md", """The dashboard has no chart of the differences, so this one is drawn here with plotly
graph objects on the dashboard's shared layout (`common.base_layout`) and country colours:
SIPRI minus NATO, per country and year."""),
    ("code", """layout = common.base_layout(yaxis_title="SIPRI − NATO, points", height=420)
layout["yaxis"]["zeroline"], layout["yaxis"]["zerolinecolor"] = True, "#666"
traces = [{"type": "scatter", "mode": "lines+markers", "name": app.name(code), "x": list(YEARS),
           "y": diff.loc[app.name(code), "sipri"].reindex(YEARS).round(3).tolist(),
           "line": {"color": common.country_colour(code), "width": 2}} for code in CODES]
pairs = used[used.source.isin(["nato", "sipri"])].itertuples(index=False, name=None)
show({"data": traces, "layout": layout}, "SIPRI minus NATO: share of GDP, points",
     source_line(pairs, "NATO 2023–2024 are estimates."))"""),
    ("md", """One country in full: the country page's share chart (`country.share_figure`), every
source's latest edition, without the pledge paths."""),
    ("code", """code = "POL"
series = app.share_series(code)
show(country.share_figure(series, [], app.name(code), start=2014),
     f"{app.name(code)}: defence spending, % of GDP, by source", country.share_source(series))"""),
    ("md", """## Reconciliation with reasons: `model.reconcile`

For one year, each source's latest-edition share, its difference from NATO, the footnote flags
and the reasons the model records (definitions, years, SIPRI's footnotes). The year is 2023, the
year of the SIPRI revision below (NATO's 2023 figure is an estimate)."""),
    ("code", """YEAR = 2023
recon = pd.concat([model.reconcile(panel, code, YEAR).assign(country=app.name(code)) for code in CODES],
                  ignore_index=True)
print(source_line(recon[["source", "edition"]].drop_duplicates().itertuples(index=False, name=None),
                         f"{YEAR}; latest edition of each source."))
recon[["country", "source", "edition", "share_pct", "estimate", "difference_vs_nato_pp", "flags"]].round(3)"""),
    ("code", """for source, why in KNOWN_DIFFERENCES.items():
    print(f"{source}: {why}")
specific = recon[recon.reasons.map(len) > 1]
for r in specific.itertuples(index=False):
    print(f"{r.country}, {r.source} {r.edition}: " + "; ".join(r.reasons[1:]))
if specific.empty:
    print(f"No footnote-specific reasons for these countries in {YEAR}: only the definitions differ.")"""),
    ("code", """code = "DEU"
frame = model.reconcile(panel, code, YEAR)
print(sources.reconcile_summary(frame, app.name(code), YEAR))
show(sources.reconcile_figure(frame, app.name(code), YEAR), f"{app.name(code)}, {YEAR}: share of GDP by source",
     sources.reconcile_source(frame))"""),
    ("md", """## The World Bank republishes SIPRI

The World Bank's indicator MS.MIL.XPND.GD.ZS is SIPRI's share of GDP. Each World Bank edition
must equal the SIPRI edition released before it, as the snapshot build validates
(`dashboard/snapshot/validate.py`); here the same check is done independently with pandas, for
every country, and it also shows the World Bank carries SIPRI's *revised* UK 2023 figure."""),
    ("code", """shares = table[table.indicator == "milex_share_gdp"]
wb = shares[shares.source == "worldbank"]
wb_edition = wb.edition.max()
sipri_edition = max(e for e in shares[shares.source == "sipri"].edition.unique() if e <= wb_edition[:7])
sipri = shares[(shares.source == "sipri") & (shares.edition == sipri_edition)]
pairs = wb[wb.edition == wb_edition].merge(sipri, on=["iso3", "year"], suffixes=("_wb", "_sipri"))
pairs = pairs[pairs.year <= sipri.year.max()]
assert len(pairs) > 1000
assert np.allclose(pairs.value_wb, pairs.value_sipri, rtol=1e-6, atol=0)
print(f"World Bank {wb_edition} = SIPRI {sipri_edition} on all {len(pairs):,} country-years")
mine = pairs[pairs.iso3.isin(CODES) & (pairs.year == YEAR)][["iso3", "year", "value_wb", "value_sipri"]]
older = shares[(shares.source == "sipri") & (shares.edition < sipri_edition) & (shares.year == YEAR)
               & shares.iso3.isin(CODES)].set_index("iso3").value
mine.assign(sipri_older_edition=mine.iso3.map(older)).round(4)"""),
    ("md", """## Shares recomputed from spending and GDP: `model.recomputed_shares`

Spending ÷ GDP (US$, current) beside the published share, within one source and edition only
(mixing vintages would manufacture differences); beyond 0.005 points is more than rounding. Only
NATO publishes spending, GDP and share in one edition: SIPRI publishes no GDP, and the World Bank's
spending and GDP (2024-03-28) come from a different edition than its share (2026-02-24), so the
function returns NATO rows only."""),
    ("code", """recomputed = model.recomputed_shares(table)
assert set(recomputed.source) == {"nato"}
mine = recomputed[recomputed.iso3.isin(CODES) & recomputed.year.isin(YEARS)]
print(source_line(mine[["source", "edition"]].drop_duplicates().itertuples(index=False, name=None),
                         "Published share vs spending ÷ GDP, US$ at current prices."))
display(mine.groupby("iso3").agg(max_abs_difference_pp=("difference_pp", lambda d: d.abs().max()),
                                 beyond_rounding=("beyond_rounding", "sum")).round(4))
mine[mine.beyond_rounding].round(4)"""),
    ("md", """The UK, Germany and Poland recompute to the published figure; France differs once and
the United States in most years (in this snapshot by up to about 0.07 points). NATO's tables do
not say why; the model reports the difference rather than explaining it away. A by-hand check
of one row:"""),
    ("code", """nato_rows = table[(table.source == "nato") & (table.iso3 == "GBR") & (table.year == YEAR)]
by_hand = (nato_rows.query("indicator == 'milex_usd' and price_base == 'current'").value.item()
           / nato_rows.query("indicator == 'gdp_usd' and price_base == 'current'").value.item() * 100)
row = recomputed[(recomputed.iso3 == "GBR") & (recomputed.year == YEAR)].iloc[0]
assert abs(row.recomputed - by_hand) < 1e-12
print(f"UK {YEAR}, NATO {row.edition}: published {row.published:.4f}%, recomputed {by_hand:.4f}%")"""),
    ("md", """## Revisions between SIPRI editions: `model.edition_series`

SIPRI revises back years in each release. Its UK share for 2023 was 2.26 % in April 2024 and
2.23 % in April 2025. `model.edition_series` gives every edition year by year (typed, what the
Sources page draws); its `frame()` is the wide table (`model.revisions` returns the same)."""),
    ("code", """uk_editions = model.edition_series(table, "sipri", "GBR")
uk = uk_editions.frame()
print(sources.revisions_source(uk_editions))
print(sources.revisions_summary(uk_editions, app.name("GBR")))
uk[uk.year >= 2014].set_index("year").round(4)"""),
    ("code", """row = uk.set_index("year").loc[2023]
assert round(row["2024-04"], 2) == 2.26 and round(row["2025-04"], 2) == 2.23
assert abs(row["revision"] - (-0.034)) < 0.0005
print(f"UK 2023: {row['2024-04']:.4f}% (SIPRI 2024-04) → {row['2025-04']:.4f}% (SIPRI 2025-04), "
      f"revision {row['revision']:+.4f} points")
show(sources.revisions_figure(uk_editions, app.name("GBR")), "United Kingdom: SIPRI share of GDP by edition",
     sources.revisions_source(uk_editions))"""),
    ("code", """revs = pd.concat([model.revisions(table, "sipri", code).assign(country=app.name(code)) for code in CODES])
print(source_line([("sipri", "2024-04"), ("sipri", "2025-04")], "% of GDP; revision = 2025-04 − 2024-04, points."))
revs[revs.year.between(2020, 2023)].pivot(index="year", columns="country", values="revision").round(4)"""),
    ("md", """The UK's revision is small beside Poland's: SIPRI's April 2025 edition lowered Poland's 2023
share by over half a point, and France's by about a tenth (the table above). The World Bank's 2026
edition carries the revised figures (the `sipri_older_edition` column in the World Bank check), so
a chart mixing World Bank and an older SIPRI edition would show a gap that is only a revision."""),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook with the given markdown/code cells and no outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # stable ids: regenerating does not churn the file
    return nb


if __name__ == "__main__":
    NOTEBOOKS.mkdir(exist_ok=True)
    nbformat.write(build(UK_PLEDGE), NOTEBOOKS / "uk_pledge.ipynb")
    nbformat.write(build(COALITION_AND_US), NOTEBOOKS / "coalition_and_us.ipynb")
    nbformat.write(build(RECONCILIATION), NOTEBOOKS / "reconciliation.ipynb")
    nbformat.write(build(UKRAINE_SUPPORT), NOTEBOOKS / "ukraine_support.ipynb")

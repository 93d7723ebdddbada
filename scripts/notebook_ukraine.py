"""Cells of notebooks/ukraine_support.ipynb (written by scripts/make_notebooks.py)."""

from __future__ import annotations

UKRAINE_SUPPORT = [
    ("md", """# Who carries Ukraine now: from the Kiel files to the US-vs-Europe chart

The Kiel Institute's Ukraine Support Tracker (Release 29: data to April 2026, published
4 August 2026) records every government's aid to Ukraine month by month. This notebook goes
from the Institute's published CSV files to the dashboard's chart of military aid from the
United States, Europe and everyone else — recomputing the key numbers by hand on the way.

Money is EUR: Kiel publishes EUR **billion**; the project's table holds EUR **million**."""),
    ("code", """from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import common
from dashboard.figures import ukraine as fig
from dashboard.model import Panel, load_groups
from dashboard.model import ukraine as model
from dashboard.snapshot import load
from dashboard.views.labels import source_line

table = load()  # the embedded snapshot, built from the Kiel files among others
kiel = table[table.source == "kiel"]
print("edition", ", ".join(sorted(kiel.edition.unique())), "|", len(kiel), "rows,", kiel.indicator.nunique(), "indicators")
kiel.groupby("indicator").size().sort_values(ascending=False).head(8)"""),
    ("md", """## The published files, read by the project's loader

When the published files are beside the project (`../shared/data/sources/kiel/`), the loader
reads `data_explorer.csv` (one row per donor and month, EUR bn) again here and the snapshot's
rows must be the same; without them the notebook works on the snapshot alone."""),
    ("code", """from dashboard.provenance import read_raw
from dashboard.sources import kiel as loader

folder = Path("../shared/data/sources/kiel")
if (folder / "data_explorer.csv").is_file():
    raw = pd.read_csv(folder / "data_explorer.csv")
    print("published columns:", list(raw.columns))
    print(raw.head(3).to_string(index=False))
    parsed = loader.parse(read_raw("kiel", folder / "data_explorer.csv"))
    mine = parsed[parsed.indicator == "ukraine_aid_military"].value.sum()
    ours = kiel[(kiel.indicator == "ukraine_aid_military") & (kiel.iso3 != "UST_ALL")].value.sum()
    assert abs(mine - ours) < 1e-6 and abs(raw.military.sum() * 1000 - ours) < 1e-3
    print(f"military aid, all donors and months: {raw.military.sum():,.3f} EUR bn in the file = {ours:,.0f} EUR m")
else:
    print("The published files are not here: the snapshot's rows (built from them) are used.")"""),
    ("md", """## Two numbers by hand

Germany's military aid in 2023 is the sum of its twelve months; Denmark's total over the whole
release, divided by its 2021 GDP (Kiel's basis, the `gdp_eur` row of 2021), is the share Kiel
quotes."""),
    ("code", """deu = kiel[(kiel.iso3 == "DEU") & (kiel.indicator == "ukraine_aid_military") & (kiel.year == 2023)]
print(f"Germany, military aid 2023: {deu.value.sum():,.0f} EUR million over {len(deu)} months")
assert round(deu.value.sum()) == 4223

dnk = kiel[(kiel.iso3 == "DNK") & (kiel.indicator == "ukraine_aid_total")].value.sum()
gdp = kiel[(kiel.iso3 == "DNK") & (kiel.indicator == "gdp_eur")].value.item()
print(f"Denmark, all aid: {dnk:,.0f} EUR million = {dnk / gdp * 100:.2f} % of its 2021 GDP")
assert round(dnk) == 11025 and round(dnk / gdp * 100, 2) == 3.27"""),
    ("md", """## The United States, Europe and the others

Europe is the registry's group `EUROPE_UA` (EU-27, UK, Norway, Switzerland, Iceland) plus the
EU institutions; everyone else is "others". `model.ukraine.region_split` sums military aid per
year; the table below recomputes it with pandas from the rows."""),
    ("code", """aid = model.aid_data(table)
europe = frozenset(load_groups()["EUROPE_UA"].members)
split = model.region_split(aid, "military", europe)
by_hand = (kiel[(kiel.indicator == "ukraine_aid_military") & (kiel.iso3 != "UST_ALL")]
           .assign(region=lambda d: d.iso3.map(lambda c: model.region_of(c, europe)))
           .pivot_table(index="year", columns="region", values="value", aggfunc="sum", fill_value=0.0))
for i, year in enumerate(split.periods):
    for region in model.REGIONS:
        assert abs(split.values[region][i] - by_hand.loc[int(year), region]) < 1e-6
print(source_line([("kiel", aid.edition)], "EUR million; 2026: January to April."))
(by_hand / 1000).round(2).rename(columns=lambda c: f"{c}, EUR bn")"""),
    ("code", """us = dict(zip(split.periods, split.values["United States"]))
print(f"US military aid: €{us['2024'] / 1000:.1f}bn in 2024, €{us['2025'] / 1000:.1f}bn in 2025 "
      f"({split.share('United States', split.periods.index('2025')):.1f} % of all military aid that year)")
assert us["2025"] < us["2024"] / 10  # the 2025 break"""),
    ("code", """labels = [y if y != "2026" else "2026 (to April)" for y in split.periods]
chart = go.Figure(fig.regions_figure(split, labels, "Military aid"))
chart.update_layout(title={"text": "Military aid to Ukraine: the United States, Europe and others", "x": 0},
                    margin={"t": 56, "b": 150}, height=520)
chart.add_annotation(common.source_annotation(source_line([("kiel", aid.edition)],
                     "EUR billion. Europe: EU-27, UK, Norway, Switzerland, Iceland, EU institutions.")))
chart"""),
    ("md", """## How the aid is sourced, and NATO's PURL

From 2025 European allies buy US weapons for Ukraine through NATO's Prioritized Ukraine
Requirements List (PURL); Kiel counts them as the buyers' military aid."""),
    ("code", """kinds = model.sourcing(aid)
pd.DataFrame(kinds).div(1000).round(2).rename(columns=fig.SOURCING_LABELS)"""),
    ("md", """Aid is not added to defence spending: NATO counts military aid to Ukraine inside several
allies' defence expenditure, and the Hague commitment counts direct contributions to Ukraine's
defence toward the 3.5 % core target. The dashboard compares the two (military aid as a share of
a donor's own defence spending) and never sums them."""),
    ("code", """panel = Panel(table)
for code in ("DNK", "DEU", "GBR", "POL"):
    share = model.share_of_defence(aid, panel, code, 2024)
    print(f"{code}: military aid 2024 = {share.pct:.1f} % of its own defence spending ({share.basis})")"""),
]

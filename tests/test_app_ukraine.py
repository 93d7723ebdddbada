"""Ukraine page: layout with good, missing and hostile URL parameters; callbacks as plain functions;
the Country page's "Support to Ukraine" card and the Overview's Ukraine line.

Expected figures are worked out here from the snapshot's Kiel rows with pandas (sum by
donor, year and region), never read back from the views.
"""

from __future__ import annotations

import importlib
import io
from urllib.parse import parse_qs

import pandas as pd
import pytest
from dash import dcc, html

from tests.conftest import PICTURE, card_csv, component_ids
from tests.conftest import text_of as _words
from tests.conftest import walk as _walk

DEFAULTS = {"aid": "military", "by": "year", "measure": "eur", "period": "all", "weapons": "count"}
CONTROLS = {"ukraine-aid": "aid", "ukraine-by": "by", "ukraine-measure": "measure", "ukraine-period": "period",
            "ukraine-weapons": "weapons"}
CHARTS = ("ukraine-regions", "ukraine-donors", "ukraine-sourcing", "ukraine-weapons")
HOSTILE = [
    {"aid": "<script>alert(1)</script>", "by": "x", "measure": "NaN", "period": "1999", "weapons": "-1e309"},
    {"aid": ["total"], "by": ["month"], "measure": ["gdp"], "period": ["2025"], "weapons": ["value"]},
    {"aid": "total" * 2000, "by": "month" * 2000, "period": "2025" * 5000, "measure": "x" * 100_000},
    {"aid": "Total", "by": "MONTH", "measure": "GDP", "period": " 2025", "weapons": "Value"},
    {"period": "", "measure": None, "unknown": "1", "aid": 3},
    {"period": "2021", "measure": "defence "},
    {},
]
CALLBACK_ARGS = [("<script>", "1999", "nan"), (None, None, None), (["total"], 2025, {"a": 1}),
                 ("x" * 10_000, float("nan"), -1e309), ("", "", "")]
SOURCE_LINE = "# Source: Kiel Institute"
MEMBER, UNVERIFIED = "member", "unverified"


@pytest.fixture(scope="module")
def page():
    """The Ukraine page module, imported the way Dash imports it (after the app exists)."""
    from dashboard.app import create_app
    from dashboard.views import data

    data.configure()
    create_app()
    return importlib.import_module("dashboard.app.pages.ukraine")


@pytest.fixture(scope="module")
def app_data(page):
    from dashboard.views import data

    return data.get()


@pytest.fixture(scope="module")
def kiel(app_data) -> pd.DataFrame:
    """The snapshot's rows of the latest Kiel release."""
    table = app_data.table
    rows = table[table["source"] == "kiel"]
    return rows[rows["edition"] == rows["edition"].max()]


@pytest.fixture(scope="module")
def groups():
    from dashboard.model import load_groups

    return load_groups()


@pytest.fixture(scope="module")
def client(page):
    from dashboard.app import create_app

    c = create_app().server.test_client()
    c.get("/")
    return c


def _donor_rows(kiel: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator's monthly rows per donor (Kiel's all-donor row ``UST_ALL`` left out)."""
    return kiel[(kiel["indicator"] == indicator) & kiel["month"].notna() & (kiel["iso3"] != "UST_ALL")]


def _military_by_region(kiel: pd.DataFrame, groups) -> dict[str, pd.Series]:
    """EUR million of military aid per year: the United States, Europe (group + EU institutions), others."""
    military = _donor_rows(kiel, "ukraine_aid_military")
    europe = set(groups["EUROPE_UA"].members) | {"EU_INST"}
    us = military["iso3"] == "USA"
    eu = military["iso3"].isin(europe)
    return {"United States": military[us].groupby("year")["value"].sum(),
            "Europe": military[eu].groupby("year")["value"].sum(),
            "Others": military[~us & ~eu].groupby("year")["value"].sum()}


def _last_month(kiel: pd.DataFrame) -> tuple[int, int]:
    flows = _donor_rows(kiel, "ukraine_aid_total")
    return max(zip(flows["year"].astype(int), flows["month"].astype(int)))


def _bars(figure: dict) -> dict[str, dict]:
    """trace name → {x: y} of a figure's bar traces."""
    return {t["name"]: dict(zip(t["x"], t["y"])) for t in figure["data"]}


def _hbars(figure: dict) -> dict[str, tuple[float, str]]:
    """bar label → (value, colour) of a horizontal bar chart (one bar per label)."""
    return {y: (x, t["marker"]["color"]) for t in figure["data"] for y, x in zip(t["y"], t["x"])}


def _text(component) -> str:
    return str(component.to_plotly_json())






def _controls(layout) -> dict[str, object]:
    ids = component_ids(layout)
    return {key: ids[cid].value for cid, key in CONTROLS.items()}


def _csv(content: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(content), skiprows=1, keep_default_na=False)


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# ---- layout -----------------------------------------------------------------------------------

def test_layout_defaults(page, kiel):
    layout = page.layout()
    assert _controls(layout) == DEFAULTS
    ids = component_ids(layout)
    for chart in CHARTS:
        # a chart below the fold has its slot; its graph is put in when it is seen
        assert {f"{chart}-summary", f"{chart}-source", f"{chart}-card"} <= set(ids)
        assert f"{chart}-graph" in ids or f"{chart}-slot" in ids
        assert str(ids[f"{chart}-source"].children).startswith("Source: Kiel Institute")
    headings = [n for n in _walk(layout) if isinstance(n, html.H1)]
    assert [h.children for h in headings] == ["Who carries Ukraine now"]
    labels = {n.htmlFor for n in _walk(layout) if isinstance(n, html.Label)}
    assert set(CONTROLS) <= labels
    # the period dropdown: all months, then each year of the release, the last one partial
    years = sorted({int(y) for y in _donor_rows(kiel, "ukraine_aid_total")["year"]})
    last_year, last_month = _last_month(kiel)
    month = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")[last_month - 1]
    options = ids["ukraine-period"].options
    assert [o["value"] for o in options] == ["all", *map(str, years)]
    assert options[0]["label"] == "All months"
    assert options[-1]["label"] == (f"{last_year} (to {month})" if last_month < 12 else str(last_year))
    assert f"{month} {last_year}" in _words(layout)


def test_layout_reads_good_params(page):
    layout = page.layout(aid="total", by="month", measure="gdp", period="2025", weapons="value")
    assert _controls(layout) == {"aid": "total", "by": "month", "measure": "gdp", "period": "2025", "weapons": "value"}
    ids = component_ids(layout)
    assert ids["ukraine-regions-title"].children == "All aid to Ukraine: the United States, Europe and others, per month"
    assert ids["ukraine-donors-title"].children == "All aid, % of GDP: top donors, 2025"
    assert ids["ukraine-weapons-title"].children.startswith("Heavy weapons for Ukraine by donor (value, EUR million)")


@pytest.mark.parametrize("params", HOSTILE)
def test_layout_falls_back_to_defaults_on_hostile_params(page, params):
    layout = page.layout(**params)
    assert _controls(layout) == DEFAULTS
    text = _text(layout)
    assert "Who carries Ukraine now" in text
    assert "<script>" not in text and "1999" not in text and "x" * 100 not in text


def test_coalition_list_names_verified_and_reported_members(page, app_data, groups):
    group = groups["COALITION_WILLING"]
    # the coalition's list, not the page's data-age note or a chart card's Share/Embed
    details = next(n for n in _walk(page.layout())
                   if isinstance(n, html.Details) and n.className not in ("data-age", "share"))
    text = _words(details)
    assert "coalition of the willing" in text and group.source.publisher in text
    verified, reported = text.split("Reported at the coalition's later meetings")
    for code in group.members:
        assert app_data.name(code) in (reported if code in group.unverified else verified), code
    assert group.unverified and all(app_data.name(code) not in verified for code in group.unverified)


# ---- callbacks --------------------------------------------------------------------------------

@pytest.mark.parametrize("args", CALLBACK_ARGS)
def test_callbacks_never_raise(page, args):
    a, b, c = args
    for out in (page.update_regions(a, b), page.update_ranking(a, b, c), page.update_weapons(c)):
        figure, summary, source, title = out
        assert "layout" in figure and summary and source.startswith("Source: Kiel Institute") and title
    assert "layout" in page.update_sourcing(a)
    expected = "?aid=military&by=year&measure=eur&period=all&weapons=count"
    assert page.sync_url(a, b, c, a, b) == expected
    query = {"aid": a, "by": b, "measure": b, "period": c, "weapons": c}
    downloads = [card_csv(card, "/ukraine", **query)
                 for card in ("ukraine-regions", "ukraine-donors", "ukraine-sourcing", "ukraine-weapons")]
    for out in downloads:
        assert out["filename"].endswith(".csv") and out["content"].startswith(SOURCE_LINE)
    assert downloads[0]["filename"] == "ukraine-military-aid-by-region-per-year.csv"
    assert downloads[1]["filename"] == "ukraine-donors-military-eur-all.csv"


def test_hostile_values_fall_back_to_the_default_charts(page):
    assert page.update_regions("<script>", ["month"]) == page.update_regions("military", "year")
    assert page.update_ranking("Total", "GDP", "1999") == page.update_ranking("military", "eur", "all")
    assert page.update_weapons("x" * 5000) == page.update_weapons("count")


def test_url_round_trip(page):
    search = page.sync_url("total", "month", "gdp", "2025", "value")
    assert search == "?aid=total&by=month&measure=gdp&period=2025&weapons=value"
    params = {k: v[0] for k, v in parse_qs(search[1:]).items()}
    assert params == {"aid": "total", "by": "month", "measure": "gdp", "period": "2025", "weapons": "value"}
    assert page.view(**params) == page.UkraineView("total", "month", "gdp", "2025", "value")
    assert _controls(page.layout(**params)) == params
    assert page.sync_url(*params.values()) == search


# ---- downloads --------------------------------------------------------------------------------

@pytest.mark.parametrize("card,query,filename,header", [
    ("ukraine-regions", {"aid": "military", "by": "year"}, "ukraine-military-aid-by-region-per-year.csv",
     "period,region,military_aid_eur_million"),
    ("ukraine-regions", {"aid": "total", "by": "month"}, "ukraine-total-aid-by-region-per-month.csv",
     "period,region,total_aid_eur_million"),
    ("ukraine-donors", {"aid": "military", "measure": "gdp", "period": "2025"}, "ukraine-donors-military-gdp-2025.csv",
     "rank,iso3,donor,value,unit,aid_eur_million,basis,coalition_of_the_willing,stand_in_gdp_year"),
    ("ukraine-sourcing", {}, "ukraine-military-aid-sourcing.csv", "year,sourcing,military_aid_eur_million"),
    ("ukraine-weapons", {"weapons": "value"}, "ukraine-heavy-weapons.csv",
     "iso3,donor,category,number,value_eur_million"),
], ids=["regions-year", "regions-month", "donors", "sourcing", "weapons"])
def test_csv_downloads(page, card, query, filename, header):
    out = card_csv(card, "/ukraine", **query)
    assert out["filename"] == filename and out["type"] == "text/csv"
    lines = out["content"].splitlines()
    assert lines[0].startswith(SOURCE_LINE) and "Release 29" in lines[0]
    assert lines[1] == header
    assert len(lines) > 3


def test_region_csv_has_every_period_and_region(page, kiel, groups):
    rows = _csv(card_csv("ukraine-regions", "/ukraine", aid="military", by="year")["content"])
    expected = _military_by_region(kiel, groups)
    years = sorted(expected["Europe"].index)
    assert len(rows) == 3 * len(years)
    for region, series in expected.items():
        mine = rows[rows["region"] == region].set_index("period")["military_aid_eur_million"]
        for year in years:
            assert mine[year] == pytest.approx(series.get(year, 0.0), abs=1e-3), (region, year)
    months = _csv(card_csv("ukraine-regions", "/ukraine", aid="military", by="month")["content"])
    assert len(months) == 3 * len(set(zip(_donor_rows(kiel, "ukraine_aid_total")["year"],
                                          _donor_rows(kiel, "ukraine_aid_total")["month"])))
    assert months["military_aid_eur_million"].sum() == pytest.approx(rows["military_aid_eur_million"].sum(), abs=0.1)


def test_ranking_csv_lists_every_donor_not_only_the_bars(page, kiel):
    rows = _csv(card_csv("ukraine-donors", "/ukraine", aid="military", measure="eur", period="all")["content"])
    military = _donor_rows(kiel, "ukraine_aid_military").groupby("iso3")["value"].sum()
    military = military[military > 0].sort_values(ascending=False)
    assert len(rows) == len(military) > 20
    assert list(rows["iso3"][:5]) == list(military.index[:5])
    assert rows.set_index("iso3")["value"].to_dict() == pytest.approx(military.round(3).to_dict(), abs=1e-3)
    assert list(rows["rank"]) == list(range(1, len(rows) + 1))


# ---- the region chart: the United States' share collapses in 2025 ------------------------------

def test_region_chart_shows_the_us_share_collapsing_in_2025(page, kiel, groups):
    expected = _military_by_region(kiel, groups)
    figure, summary, source, title = page.update_regions("military", "year")
    bars = _bars(figure)
    assert list(bars) == ["United States", "Europe", "Others"]
    for region, series in expected.items():
        for year in (2024, 2025):
            assert bars[region][str(year)] == pytest.approx(series.get(year, 0.0) / 1000, abs=1e-4), (region, year)
    us24, us25 = expected["United States"][2024], expected["United States"].get(2025, 0.0)
    eu24, eu25 = expected["Europe"][2024], expected["Europe"][2025]
    total25 = sum(s.get(2025, 0.0) for s in expected.values())
    total24 = sum(s.get(2024, 0.0) for s in expected.values())
    assert us24 / total24 > 0.4 and us25 / total25 < 0.05      # the collapse
    assert eu25 > eu24 and eu25 > 50 * us25                    # Europe carries it
    assert f"2025: US €{us25 / 1000:,.1f}bn ({us25 / total25 * 100:.0f} %), Europe €{eu25 / 1000:,.1f}bn" in summary
    assert "EU institutions" in source and "Military aid" in title
    # the three regions add up to Kiel's own all-donor row, every year
    everyone = kiel[(kiel["indicator"] == "ukraine_aid_military") & (kiel["iso3"] == "UST_ALL")]
    for year, value in everyone.groupby("year")["value"].sum().items():
        label = next(x for x in bars["Europe"] if x.startswith(str(year)))
        assert sum(bars[r][label] for r in bars) == pytest.approx(value / 1000, abs=3e-4), year


def test_region_chart_per_month(page, kiel):
    figure, summary, _source, title = page.update_regions("military", "month")
    months = sorted(set(zip(_donor_rows(kiel, "ukraine_aid_total")["year"].astype(int),
                            _donor_rows(kiel, "ukraine_aid_total")["month"].astype(int))))
    assert figure["data"][0]["x"] == [f"{y}-{m:02d}" for y, m in months]
    assert all(t.endswith(("-01", "-04", "-07", "-10")) for t in figure["layout"]["xaxis"]["tickvals"])
    us = _donor_rows(kiel, "ukraine_aid_military")
    us = us[(us["iso3"] == "USA") & (us["value"] > 0)]
    last = max(zip(us["year"].astype(int), us["month"].astype(int)))
    assert f"The last month with US military aid: {last[0]}-{last[1]:02d}." in summary
    assert title.endswith("per month")


# ---- the ranking: % of GDP, coalition colours --------------------------------------------------

def test_ranking_in_share_of_gdp_over_all_months_puts_denmark_first(page, kiel, app_data):
    military = _donor_rows(kiel, "ukraine_aid_military").groupby("iso3")["value"].sum()
    gdp = kiel[kiel["indicator"] == "gdp_eur"].set_index("iso3")["value"]   # Kiel's 2021 GDP, EUR million
    share = (military / gdp * 100).dropna()
    share = share[share > 0].sort_values(ascending=False)
    assert share.index[0] == "DNK"
    denmark = military["DNK"] / gdp["DNK"] * 100
    assert round(denmark, 2) == 2.95
    figure, summary, source, title = page.update_ranking("military", "gdp", "all")
    order = figure["layout"]["yaxis"]["categoryarray"]
    assert order[-1] == "Denmark"                                  # largest on top
    bars = _hbars(figure)
    assert bars["Denmark"][0] == pytest.approx(denmark, abs=1e-4)
    top = [app_data.name(code) for code in share.index[:20]]
    assert list(reversed(order)) == top
    for code in share.index[:20]:
        assert bars[app_data.name(code)][0] == pytest.approx(share[code], abs=1e-4), code
    assert summary.startswith("Military aid, % of GDP, January 2022 – ") and "1. Denmark 2.95 %" in summary
    assert "2021 GDP" in source and title.startswith("Military aid, % of GDP: top donors")
    assert figure["layout"]["xaxis"]["title"]["text"] == "percent"


def test_coalition_members_coloured_unverified_lighter(page, groups):
    from dashboard.figures.ukraine import COALITION_COLOURS

    group = groups["COALITION_WILLING"]
    seen: dict[str, set[str]] = {MEMBER: set(), UNVERIFIED: set(), "": set()}
    for measure in ("eur", "gdp"):
        figure, *_ = page.update_ranking("military", measure, "all")
        listed = _csv(card_csv("ukraine-donors", "/ukraine", aid="military", measure=measure, period="all")["content"])
        by_name = dict(zip(listed["donor"], listed["iso3"]))
        for name, (_value, colour) in _hbars(figure).items():
            code = by_name[name.removesuffix(" ¹")]
            status = (UNVERIFIED if code in group.unverified else MEMBER) if code in group.members else ""
            assert colour == COALITION_COLOURS[status], (name, status)
            seen[status].add(code)
    assert "DNK" in seen[MEMBER] and "EST" in seen[UNVERIFIED] and "USA" in seen[""]
    member, unverified, other = (COALITION_COLOURS[s] for s in (MEMBER, UNVERIFIED, ""))
    assert len({member, unverified, other}) == 3
    assert _luminance(unverified) > _luminance(member)
    rows = _csv(card_csv("ukraine-donors", "/ukraine", aid="military", measure="gdp", period="all")["content"]).set_index("iso3")
    assert rows.loc["DNK", "coalition_of_the_willing"] == MEMBER
    assert rows.loc["EST", "coalition_of_the_willing"] == UNVERIFIED
    assert rows.loc["USA", "coalition_of_the_willing"] == ""


def test_defence_ranking_for_a_year_without_defence_figures_says_why(page):
    figure, summary, *_ = page.update_ranking("military", "defence", "2025")
    assert figure["data"] == []
    assert figure["layout"]["annotations"][0]["text"] == "No defence spending figures for 2025 in this snapshot"
    assert summary.startswith("No defence spending figures for 2025 in this snapshot") and "No donor" not in summary
    figure, summary, *_ = page.update_ranking("military", "defence", "2023")
    assert figure["data"] and "% of own defence spending" in summary


# ---- the Country page's card and the Overview's line ------------------------------------------

def test_country_card_for_a_donor(kiel):
    from dashboard.app.pages import country

    ids = component_ids(country.layout(iso3="DNK"))
    assert {"country-ukraine-slot", "country-ukraine-summary", "country-ukraine-source",
            "country-ukraine-card"} <= set(ids)
    assert ids["country-ukraine-title"].children == "Support to Ukraine from Denmark, by year"
    figure = ids["country-ukraine-figure"].data  # drawn once seen (a deferred chart)
    military = _donor_rows(kiel, "ukraine_aid_military")
    military = military[military["iso3"] == "DNK"].groupby("year")["value"].sum()
    bars = _bars(figure)["Military"]
    for year, value in military.items():
        label = next(x for x in bars if x.startswith(str(year)))
        assert bars[label] == pytest.approx(value / 1000, abs=1e-4), year
    total = _donor_rows(kiel, "ukraine_aid_total").groupby("iso3")["value"].sum()
    total = total[total > 0].sort_values(ascending=False)
    summary = ids["country-ukraine-summary"].children
    assert summary.startswith(f"Denmark allocated €{total['DNK'] / 1000:,.2f}bn to Ukraine")
    assert f"number {list(total.index).index('DNK') + 1} of {len(total)} donors" in summary
    assert "It is in the coalition of the willing." in summary
    assert "Aid is not added to defence spending" in ids["country-ukraine-source"].children
    links = [n.href for n in _walk(country.layout(iso3="DNK")) if isinstance(n, dcc.Link)]
    assert "/ukraine#ukraine-promised-card" in links
    out = card_csv("country-ukraine", "/country/DNK")
    assert out["filename"] == "DNK-support-to-ukraine.csv" and out["content"].startswith(SOURCE_LINE)
    assert out["content"].splitlines()[1] == "year,type,aid_eur_million"


def test_no_country_card_for_a_non_donor(kiel, app_data):
    from dashboard.app.pages import country

    donors = set(kiel["iso3"])
    outsiders = [c for c in app_data.country_codes if c not in donors]
    assert "BRA" in outsiders
    for code in ("BRA", outsiders[0]):
        layout = country.layout(iso3=code)
        assert not [i for i in component_ids(layout) if i.startswith("country-ukraine")], code
        assert "/ukraine" not in [n.href for n in _walk(layout) if isinstance(n, dcc.Link)]
        assert "Support to Ukraine" not in _text(layout)


def test_overview_headline_has_one_ukraine_line(page, kiel, groups):
    from dashboard.app.pages import overview

    expected = _military_by_region(kiel, groups)
    us, eu = expected["United States"], expected["Europe"]
    strip = overview.headline(2024)
    lines = [n for n in _walk(strip) if isinstance(n, html.P) and "Ukraine:" in _words(n)]
    assert len(lines) == 1
    text = _words(lines[0])
    assert text.startswith(f"Ukraine: US military aid fell from €{us[2024] / 1000:,.1f}bn in 2024 to "
                           f"€{us[2025] / 1000:,.1f}bn in 2025, while Europe gave €{eu[2025] / 1000:,.1f}bn")
    assert [n.href for n in _walk(lines[0]) if isinstance(n, dcc.Link)] == ["/ukraine"]
    *_, ranking_strip, _ = overview.update_ranking(2024, "sipri")   # the strip the callback draws
    assert "Ukraine:" in _words(ranking_strip)


# ---- data by URL, the static copy, image downloads ----------------------------------------------

def test_donors_csv_by_url(page, client):
    resp = client.get("/data/ukraine-donors.csv?measure=gdp&period=2025")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data(as_text=True)
    assert body == card_csv("ukraine-donors", "/ukraine", aid="military", measure="gdp", period="2025")["content"]
    assert body.startswith(SOURCE_LINE)
    rows = _csv(body)
    assert len(rows) >= 20 and set(rows["unit"]) == {"percent"}
    assert list(rows["rank"]) == list(range(1, len(rows) + 1))
    assert list(rows["value"]) == sorted(rows["value"], reverse=True)
    assert (rows["aid_eur_million"] > 0).all()


@pytest.mark.parametrize("url,message", [
    ("/data/ukraine-donors.csv?measure=bitcoin", "measure: 'bitcoin' is not one of eur, gdp, defence"),
    ("/data/ukraine-donors.csv?period=1999", "period: '1999' is not one of all, 2022"),
    ("/data/ukraine-regions.csv?aid=%3Cscript%3E", "aid: "),
    ("/data/ukraine-weapons.csv?weapons=", "weapons: empty value"),
    ("/data/ukraine-donor.csv?country=BRA", "country: 'BRA' is not one of"),
])
def test_bad_chart_params_by_url_are_one_line_400(client, url, message):
    resp = client.get(url)
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert text.count("\n") == 1 and message in text


def test_the_static_copy_is_the_page_and_escapes_hostile_params(client):
    body = client.get("/ukraine?aid=%3Cscript%3Ealert(1)%3C/script%3E&period=%3Cimg%3E").get_data(as_text=True)
    start = body.find('<div class="prerender">')
    copy = body[start:body.index('<div id="react-entry-point">', start)]
    assert "<h1>Who carries Ukraine now</h1>" in copy and "</main>" in copy
    low = PICTURE.sub("", copy.lower())  # the copy's own chart pictures are its only images
    assert "<script" not in low and "<img" not in low
    assert "Military aid to Ukraine by year" in copy  # the region chart's summary, in words


def _trigger(card: str, fmt: str):
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    prop = f'{{"card":"{card}","format":"{fmt}","type":"image-button"}}.n_clicks'
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))


@pytest.mark.parametrize("card,path,search,filename", [
    ("ukraine-regions", "/ukraine", "?aid=total&by=month&measure=gdp", "ukraine-regions-total-month"),
    ("ukraine-donors", "/ukraine", "?aid=military&measure=gdp&period=2025&weapons=value", "ukraine-donors-military-gdp-2025"),
    ("ukraine-donors", "/ukraine", "?measure=<script>&period=1999", "ukraine-donors"),
    ("ukraine-sourcing", "/ukraine", "?aid=total", "ukraine-sourcing"),
    ("ukraine-weapons", "/ukraine", "?weapons=value", "ukraine-weapons-value"),
    ("country-ukraine", "/country/DNK", "?from=2000", "ukraine-donor-DNK"),
])
def test_image_downloads_of_the_ukraine_cards(page, card, path, search, filename):
    from dashboard.app import cards

    _trigger(card, "svg")
    out = cards.image([0, 1], path, search)
    assert out["format"] == "svg" and out["filename"] == filename
    layout = out["figure"]["layout"]
    assert layout["width"] == 1200 and layout["height"] == 675
    texts = " ".join(a.get("text", "") for a in layout["annotations"])
    assert "Kiel Institute, Ukraine Support Tracker (Release 29, 2026-08-04)" in texts
    assert out["figure"]["data"]


def test_promised_and_delivered_card_table_and_csv(page, client):
    """The chart pairs each promise to date with Kiel's allocations; the table links each
    commitment to its document; /data/ukraine-promised.csv is the same rows."""
    layout = page.layout()
    ids = component_ids(layout)
    assert {"ukraine-promised-slot", "ukraine-promised-summary", "ukraine-promised-table"} <= set(ids)
    table_links = [n.href for n in _walk(ids["ukraine-promised-table"]) if isinstance(n, html.A)]
    assert "https://sg.news.yahoo.com/keir-starmer-pushing-nato-back-213007957.html" in table_links
    words = _words(ids["ukraine-promised-table"])
    for donor in ("United Kingdom", "Germany", "EU institutions", "United States", "France", "Denmark", "Sweden",
                  "Norway", "Finland", "Canada"):
        assert donor in words
    figure = page.update_promised("/ukraine")
    names = [t["name"] for t in figure["data"]]
    assert names == ["Allocated in the same months (Kiel)", "Promised, pro rata to Apr 2026"]
    resp = client.get("/data/ukraine-promised.csv")
    assert resp.status_code == 200 and resp.get_data(as_text=True).startswith(SOURCE_LINE)
    rows = _csv(resp.get_data(as_text=True))
    uk = rows[rows["commitment"] == "gbr-2024-3bn-a-year"].iloc[0]
    # Apr 2024 - Apr 2026 is 25 of the promise's 84 months
    assert (uk["compared_from"], uk["compared_to"], int(uk["months_compared"])) == ("2024-04", "2026-04", 25)
    assert float(uk["promised_to_date_eur_million"]) == pytest.approx(float(uk["promised_eur_million"]) * 25 / 84,
                                                                      rel=1e-5)
    assert uk["source_url"].startswith("https://")

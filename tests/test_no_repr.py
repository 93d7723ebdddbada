"""No Python repr reaches a reader: titles, subtitles, footers and on-page summaries are text.

A headline export once printed ``% of GDP by source. {'nato': 'share of real GDP', …}`` in
its subtitle while every test passed (a module constant redefined 90 lines later). This
walks every chart of the registry (its defaults, the pack's parameters and a few
countries) and the static copy of every page for a set of URLs, and fails on anything
that looks like a dict, a list, ``None``, ``nan`` or a NumPy scalar.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from dashboard import charts
from dashboard.app import create_app
from dashboard.export.pack import PACK
from dashboard.figures import publish
from dashboard.views import data

REPR = re.compile(r"\{'|\['|\bNone\b|\bnan\b|\bNaN\b|\bnp\.|np\.float|np\.int|dtype")
COUNTRIES = ("GBR", "DEU", "POL", "USA", "ISL", "LUX", "UKR", "CHN")


@pytest.fixture(scope="module")
def app_data():
    return data.get()


def _chart_cases(app_data) -> list[tuple[str, dict]]:
    cases: list[tuple[str, dict]] = [(name, {}) for name in charts.CHARTS]
    cases += [(item.chart, dict(item.params)) for item in PACK]
    for name, chart in charts.CHARTS.items():
        country = next((p for p in chart.params if p.name == "country"), None)
        if country is not None:
            # a "choice" of countries (a donor of the Kiel tracker) accepts only its own codes
            known = country.resolve(country.choices, app_data, {}) if country.kind == "choice" else app_data.country_codes
            cases += [(name, {"country": c}) for c in COUNTRIES if c in known]
    cases += [("ranking", {"source": "nato", "year": "2024"}), ("map", {"source": "nato", "region": "europe"}),
              ("compare", {"indicator": "milex_usd", "chart": "bars"}), ("compare", {"base": "2014"}),
              ("scenario", {"group": "LONDON_2025", "growth": "3"})]
    return cases


def test_no_chart_text_is_a_python_repr(app_data):
    checked = 0
    for name, params in _chart_cases(app_data):
        resolved = charts.resolve(app_data, name, {k: str(v) if not isinstance(v, list) else ",".join(v)
                                                   for k, v in params.items()})
        built = resolved.built
        figure = publish.publish(built.figure, built.title, built.subtitle, built.source_text,
                                 charts.label(resolved), date(2026, 11, 30))
        footer = figure["layout"]["annotations"][-1]["text"]
        for part, text in (("title", built.title), ("subtitle", built.subtitle), ("source", built.source_text),
                           ("footer", footer), ("layout title", figure["layout"]["title"]["text"]),
                           ("subtitle", figure["layout"]["title"]["subtitle"]["text"])):
            assert not REPR.search(text), f"{name} {params} {part}: {text}"
        checked += 1
    assert checked >= 40


URLS = ["/", "/?source=nato&year=2024", "/?year=1990", "/pledges", "/pledges?status=off_track", "/countries",
        "/countries?q=united",
        "/compare", "/compare?countries=GBR,XYZ&indicator=milex_usd&chart=bars", "/scenarios",
        "/scenarios?group=EU27&target=2&year=2030&growth=1", "/sources", "/sources?country=ISL&year=2023",
        *(f"/country/{c}" for c in COUNTRIES), "/country/GBR?from=2020&measure=usd_constant",
        "/ukraine", "/ukraine?aid=total&by=month&measure=gdp&period=2025&weapons=value",
        "/ukraine?measure=defence&period=2023", "/ukraine?aid=<b>&period=1999"]


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.mark.parametrize("url", URLS)
def test_no_page_text_is_a_python_repr(client, url):
    page = client.get(url).get_data(as_text=True)
    copy = page.split('<div class="prerender">', 1)[1].split('<div id="react-entry-point"', 1)[0]
    text = re.sub(r"<[^>]+>", " ", copy)
    match = REPR.search(text)
    assert not match, f"{url}: …{text[max(0, match.start() - 80):match.end() + 80]}…"

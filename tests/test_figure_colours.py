"""Colour and marks: the palette policy, and no two series of any chart in one colour.

Every chart the pages and the export make is built from the chart registry
(``charts.CHARTS``), with its defaults and with the parameter sets readers use most.
Two traces may share a colour only when they are one series drawn twice: the same
``legendgroup`` (a line and its dotted estimate, NATO's line and its nowcast, a pledge's path
and the one star it shares). Colours are read from the trace dicts (``marker.color``,
``line.color``), never from figure JSON, where plotly may store arrays as base64.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import pytest

from dashboard import charts
from dashboard.figures import country as country_fig
from dashboard.figures.palette import PALETTE, STABLE_COLOURS, country_colour, country_colours, distinct_colours
from dashboard.views import data
from dashboard.views.series import cut

# The parameter sets beyond each chart's defaults: the views readers ask for most.
CASES: list[tuple[str, dict[str, str]]] = [(name, {}) for name in charts.CHARTS] + [
    ("scenario", {"group": "NATO"}), ("scenario", {"group": "NATO_EUR_CAN"}), ("scenario", {"group": "EU27"}),
    ("scenario", {"group": "LONDON_2025"}),
    ("compare", {"countries": "GBR,DEU,FRA,POL,ITA,NLD,ESP,CAN,TUR,NOR,SWE,FIN"}),
    ("compare", {"countries": "USA,GBR,DEU,FRA,POL,ITA,CAN,NLD,ESP,TUR,NOR,SWE", "chart": "bars"}),
    ("compare", {"countries": "EST,LVA,LTU,FIN,SWE,NOR,DNK,SVK,IRL,AUT,CHE,BEL", "indicator": "milex_usd"}),
    ("country-share", {"country": "DEU"}), ("country-share", {"country": "GBR"}),
    ("country-share", {"country": "POL"}), ("country-share", {"country": "USA"}),
    ("spending", {"country": "GBR", "measure": "usd"}), ("ukraine-regions", {"by": "month"}),
    ("ukraine-donors", {"measure": "gdp"}), ("coalition-share", {"group": "NATO"}),
]
# A trace that colours each bar by what it is (status, sign, coalition): repeats there are meaning.
KEYED_BARS = {"money-gap", "pledge-gap", "reconcile", "revisions", "nato-vs-sipri"}


@pytest.fixture(scope="module")
def app():
    return data.get()


def trace_colours(trace: dict) -> set[str]:
    """The single colours a trace is drawn in (marker and line), upper-case hex."""
    found = set()
    for part in ("marker", "line"):
        colour = (trace.get(part) or {}).get("color")
        if isinstance(colour, str):
            found.add(colour.upper())
    return found


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{'-'.join(p.values()) or 'defaults'}" for n, p in CASES])
def test_no_two_series_of_a_chart_share_a_colour(app, name, params):
    figure = charts.resolve(app, name, params).built.figure
    series_by_colour: dict[str, set[str]] = defaultdict(set)
    for i, trace in enumerate(figure["data"]):
        series = trace.get("legendgroup") or trace.get("name") or f"trace {i}"
        for colour in trace_colours(trace):
            series_by_colour[colour].add(series)
    shared = {c: sorted(s) for c, s in series_by_colour.items() if len(s) > 1}
    assert not shared, f"{name} {params}: series sharing a colour: {shared}"


def test_bars_coloured_by_country_repeat_no_colour(app):
    figure = charts.resolve(app, "compare", {"countries": "GBR,DEU,FRA,POL,ITA,NLD,ESP,CAN,TUR,NOR,SWE,FIN",
                                             "chart": "bars"}).built.figure
    colours = figure["data"][0]["marker"]["color"]
    assert len(colours) == 12 and len(set(colours)) == 12


def test_bars_keyed_by_meaning_are_listed():
    assert KEYED_BARS <= set(charts.CHARTS)  # the exceptions above name real charts


def test_palette_is_large_distinct_and_led_by_the_colour_blind_safe_colours():
    assert len(PALETTE) >= 24 and len({c.upper() for c in PALETTE}) == len(PALETTE)
    assert PALETTE[:6] == ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")  # Okabe–Ito
    closest = min(_delta_e76(a, b) for a, b in itertools.combinations(PALETTE, 2))
    assert closest >= 19, "two palette colours too close to tell apart"
    assert len(set(STABLE_COLOURS.values())) == len(STABLE_COLOURS)  # the most-shown countries never clash


def test_a_chart_keeps_stable_colours_and_never_repeats_one():
    assert country_colour("GBR") == country_colour("GBR") == STABLE_COLOURS["GBR"]
    codes = ["GBR", "DEU", "FRA", "ITA", "TUR", "CAN", "NLD", "AUT", "IRL", "MLT", "CYP", "ISL"]
    colours = country_colours(codes)
    assert len(set(colours.values())) == len(codes)
    assert all(colours[c] == STABLE_COLOURS[c] for c in codes if c in STABLE_COLOURS)
    # a colour taken by something else in the chart (a total, a publisher) is never reused
    assert "#0072B2" not in distinct_colours(["#0072B2", None, None], taken=["#0072b2"])
    assert len(set(distinct_colours([None] * len(PALETTE)))) == len(PALETTE)


def test_pledges_are_told_apart_by_colour_and_dash(app):
    figure = charts.resolve(app, "country-share", {"country": "GBR"}).built.figure
    paths = [t for t in figure["data"] if " by 20" in t["name"] and t.get("showlegend", True)]
    assert len(paths) >= 5
    assert len({t["line"]["color"] for t in paths}) == len(paths)
    assert len({t["line"]["dash"] for t in paths}) > 1


def test_the_uk_2027_stars_are_one_marker_naming_both(app):
    figure = charts.resolve(app, "country-share", {"country": "GBR"}).built.figure
    stars = [(t["x"][i], t["y"][i]) for t in figure["data"] if t.get("marker", {}).get("symbol") == "star"
             for i, size in enumerate(_sizes(t)) if size]
    assert len([s for s in stars if s[0] == 2027]) == 1
    shared = next(t for t in figure["data"] if t.get("showlegend") is False and t.get("text"))
    assert "2.5% by 2027" in shared["text"][0] and "2.6% by 2027" in shared["text"][0]


def test_a_pledge_already_met_is_a_floor(app):
    figure = charts.resolve(app, "country-share", {"country": "POL"}).built.figure
    floor = next(t for t in figure["data"] if t["name"].startswith("3.5% by 2035 (met)"))
    assert set(floor["y"]) == {3.5} and floor["x"][-1] == 2035 and floor["x"][0] < 2035


def test_the_share_chart_says_what_it_hides_and_names_only_what_it_draws(app):
    series = cut(app.share_series("GBR"), 1990)
    summary = country_fig.share_summary(series, app.progress_by_country["GBR"], "United Kingdom")
    assert "World Bank's line coincides with SIPRI's" in summary
    assert "Eurostat" not in charts.resolve(app, "country-share", {"country": "GBR"}).built.source_text
    poland = charts.resolve(app, "country-share", {"country": "POL"}).built
    assert "Eurostat: COFOG 02" in poland.source_text and "Eurostat" in poland.subtitle


def _sizes(trace: dict) -> list[float]:
    size = trace.get("marker", {}).get("size", 0)
    return list(size) if isinstance(size, list) else [size] * len(trace["x"])


def _delta_e76(a: str, b: str) -> float:
    """CIE76 colour difference: distance in CIELAB (D65)."""
    return math.dist(_lab(a), _lab(b))


def _lab(hex_colour: str) -> tuple[float, float, float]:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)

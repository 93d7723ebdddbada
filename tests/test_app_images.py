"""Chart image downloads: URL → export parameters → the print-styled figure (no browser)."""

from __future__ import annotations

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict


@pytest.fixture(scope="module")
def images():
    from dashboard.app import create_app

    create_app()
    from dashboard.app import images

    return images


def test_url_params_keep_only_what_the_chart_takes(images):
    assert images.url_params("country-share", "/country/DEU", "?from=2000&measure=usd&x=1") == {
        "from": "2000", "country": "DEU"}
    assert images.url_params("ranking", "/", "?year=2020&source=nato&region=europe") == {
        "year": "2020", "source": "nato"}
    assert images.url_params("map", "/", "?" + "a" * 600) == {}
    assert images.url_params("map", None, None) == {}


def _trigger(card: str, fmt: str):
    prop = f'{{"card":"{card}","format":"{fmt}","type":"image-button"}}.n_clicks'
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))


def test_image_callback_returns_the_export_figure(images):
    _trigger("country-share", "svg")
    out = images.image([0, 1], "/country/POL", "?from=2010")
    assert out["format"] == "svg" and out["filename"] == "country-share-POL-2010"
    texts = " ".join(a.get("text", "") for a in out["figure"]["layout"]["annotations"])
    assert "NATO (2024-06 edition)" in texts  # the same footer as the CLI export
    assert out["figure"]["layout"]["width"] == 1200 and out["figure"]["layout"]["height"] == 675


def test_odd_urls_fall_back_to_the_chart_defaults(images):
    _trigger("overview-ranking", "png")
    out = images.image([1, 0], "/", "?year=abc&source=<script>")
    assert out["format"] == "png" and out["filename"] == "ranking"


def test_a_bad_parameter_keeps_the_pages_country(images):
    _trigger("country-share", "png")
    out = images.image([1, 0], "/country/POL", "?from=abc")
    assert out["filename"] == "country-share-POL"

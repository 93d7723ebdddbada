"""A live chart's figure by URL, for the browser to draw without Dash's round of callbacks.

    GET /figure/country-share.json?country=FIN&from=1990&events=on

The country page's share chart, exactly as its callback would send it for those controls
(``pages.country.share_figure``: the same function). ``assets/country-switch.js`` asks for it
the moment a reader picks another country, and draws it while Dash's own callbacks are still
being dispatched (docs/performance.md, "the country switch's fast path"). The parameters are
read as the page reads its controls (``views.specs.CountryView``): a year out of range is
clipped, anything unreadable is the default; an unknown country is a 404 in one line.

Answers are built once per (country, first year, events) and kept in a byte-bounded cache
(``CACHE_BYTES`` per worker; ~15 KB an answer, so about 270 of them), compressed once per
encoding by the data routes' cache, and carry an ETag and a day's caching like them.
"""

from __future__ import annotations

from collections.abc import Callable

import flask
from plotly.io.json import to_json_plotly

from dashboard.app.server.bytecache import ByteLRU
from dashboard.app.server.data_routes import DataRoutes, _etag, _plain

URL = "/figure/country-share.json"
CACHE_BYTES = 4 * 1024 * 1024
MAX_ITEM_BYTES = 256 * 1024      # a figure larger than this is sent, not kept
# the query's parameters and the most of each that is read (a longer value is not a country
# or a year: it is cut, and then read as the page would read it)
PARAMS = {"country": 8, "from": 8, "events": 8}

# (iso3, first year, events on) for a request's parameters, or None for an unknown country;
# and the figure for that key
Key = tuple[str, int, bool]


def install(server: flask.Flask, routes: DataRoutes, key_of: Callable[[dict[str, str]], Key | None],
            figure: Callable[[Key], dict]) -> ByteLRU:
    """Add the figure route to ``server``; its answers are kept in the returned cache."""
    kept = ByteLRU(CACHE_BYTES, MAX_ITEM_BYTES)

    @server.route(URL)
    def _country_share() -> flask.Response:
        params = {name: str(flask.request.args.get(name, ""))[:cut] for name, cut in PARAMS.items()}
        key = key_of(params)
        if key is None:
            return _plain(f"no country with the code {params['country']!r} in the data", 404)
        etag = _etag(routes.edition, "country-share", repr(key))
        if routes.not_modified(etag):
            return flask.Response(status=304)   # known before the figure is built
        body = kept.get(key)
        if not isinstance(body, bytes):
            body = to_json_plotly(figure(key)).encode("utf-8")
            kept.put(key, body)
        return routes.respond(body, etag, "application/json", "country-share.json")

    server.extensions["dashboard_figure_cache"] = kept
    return kept

"""Share and embed: every chart card's "Share" and "Embed", and the embed view they point at.

    GET <a page's URL>&embed=<card>     e.g. /country/GBR?from=2000&embed=country-share

"Share" gives the page's current URL ending in ``#<card>-card`` (the page as it is now, at
this chart); "Embed" gives an ``<iframe>`` of the embed view: the chart alone with its title,
subtitle, source line with editions, a link to its data and a link back to the full page.
Both are disclosures (``<details>``) holding a read-only field, filled with the page's
current address by assets/share.js when opened (the server never learns the address a
reader sees: it does not trust the Host header), with a copy button: no Dash callback.

The embed view is a small HTML page, not a Dash page: the registry chart
(``dashboard.charts``) the card draws, with the parameters the page's URL holds
(``cards.card_view``), drawn interactively by the same trimmed plotly.js the dashboard
loads (~0.4 MB compressed, cached by the browser across pages and embeds; the print-styled
PNG, made on first request, stands in without JavaScript). Only these answers may be
framed by other sites (``flask.g.frameable``: security.py drops X-Frame-Options and sets
``frame-ancestors *`` for them); every other page keeps DENY.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import flask
import plotly
from dash import html

from dashboard.app import cards
from dashboard.app.cards import CARD_CHARTS
from dashboard.app.html_types import Attrs
from dashboard.app.index import raw_path
from dashboard.app.pictures import social
from dashboard.views import data

EMBED_ARG = "embed"
ANCHOR = "-card"  # a chart card's id: its prefix + this (components.chart_card; "ukraine-weapons" is a control)
# Title, subtitle, source line and links around the chart in the embed view: the iframe's
# suggested height is the card's chart height plus this.
CHROME_PX = 230
PHONE_CHART_PX = 420  # a chart's height on a narrow screen when its figure sets none
SHARE_JS = Path(__file__).resolve().parent / "assets" / "share.js"
# dcc.Graph asks for plotly.js at exactly this path, which serves the trimmed bundle
# (server/bundles.py): the embed asks for the same, so a browser keeps one copy for both
PLOTLY_JS = "/_dash-component-suites/plotly/package_data/plotly.min.js"
NOT_PAGES = ("/_", "/assets/", "/data/", "/images/", "/health")


def controls(prefix: str, height: int) -> list:
    """The card's Share and Embed disclosures (Embed only for a chart in the registry)."""
    share = _disclosure(prefix, "link", "Share", "Link to this chart, as it is now", 2,
                        "Opens this page with the same choices, scrolled to this chart.")
    if prefix not in CARD_CHARTS:
        return [share]
    embed = _disclosure(prefix, "embed", "Embed", "Embed code", 4,
                        "Paste into a web page: this chart with its title and source line, linking back here.",
                        height + CHROME_PX)
    return [share, embed]


def _disclosure(prefix: str, kind: str, label: str, field_label: str, rows: int, hint: str,
                height: int | None = None) -> html.Details:
    """One ``<details>``: its summary is the button; its panel a labelled read-only field and a copy button."""
    field = f"{prefix}-{kind}-field"
    actions: list = [html.Button(f"Copy {'link' if kind == 'link' else 'code'}", type="button", className="button",
                                 **Attrs({"data-copy": field}))]
    if kind == "embed":
        actions.append(html.A("Preview", href=f"?{EMBED_ARG}={prefix}", target="_blank", rel="noopener",
                              **Attrs({"data-preview": "1"})))
    actions.append(html.Span(className="share-status", role="status"))
    return html.Details([
        html.Summary(label, className="button button-quiet"),
        html.Div([
            html.Label(field_label, htmlFor=field),
            html.Textarea(id=field, readOnly="readonly", rows=rows, spellCheck="false", className="share-field"),
            html.Div(actions, className="share-actions"),
            html.P(hint, className="hint"),
        ], className="share-panel"),
    ], className="share", **Attrs({"data-share": kind, "data-card": prefix,
                                   **({"data-height": str(height)} if height else {})}))


def install(server: flask.Flask, public_url: str = "") -> None:
    """Answer ``?embed=<card>`` on any page's URL with the embed view (before Dash sees the request)."""
    script = f"/assets/share.js?m={SHARE_JS.stat().st_mtime:.0f}"

    @server.before_request
    def _embed():
        card = flask.request.args.get(EMBED_ARG)
        path = raw_path(flask.request)
        if card is None or flask.request.method not in ("GET", "HEAD") or path.startswith(NOT_PAGES):
            return None
        flask.g.frameable = True  # the answer, even "not found", is shown inside someone's page
        query = urlencode([(k, v) for k, v in parse_qsl(flask.request.query_string.decode("utf-8", "replace"))
                           if k != EMBED_ARG])
        body = page(card, path, query, public_url, script)
        if body is None:
            return flask.Response(f"No chart {card[:40]!r} on this page, or none for these choices.\n",
                                  status=404, mimetype="text/plain")
        return flask.Response(body, mimetype="text/html")


def page(card: str, path: str, query: str, public_url: str = "", script: str = "/assets/share.js") -> str | None:
    """The embed view's HTML (None: no such chart on this page, or none it can draw for the query)."""
    if card.split("-", 1)[0] != cards.page_name(path) or card not in CARD_CHARTS:
        return None
    return _page(data.get().content_id, card, path, query, public_url, script, dt.date.today())


@lru_cache(maxsize=64)
def _page(content: str, card: str, path: str, query: str, public_url: str, script: str, day: dt.date) -> str | None:
    """``content`` and ``day`` key the memo only (as ``cards.card_view``'s)."""
    view = cards.card_view(card, path, query)
    if view is None:
        return None
    built = view.built
    back = f"{public_url}{path}{'?' + query if query else ''}#{card}{ANCHOR}"
    csv = f"/data/{view.chart}.csv?{urlencode(view.params)}"
    layout = {k: v for k, v in built.figure.get("layout", {}).items() if k not in ("height", "width")}
    spec = {"figure": {**built.figure, "layout": {**layout, "autosize": True}}, "config": cards.graph_config(view.chart)}
    # inside <script type="application/json">: "<" escaped so no text can close the element
    payload = json.dumps(spec, cls=plotly.utils.PlotlyJSONEncoder).replace("<", "\\u003c")
    title, subtitle, source = escape(built.title), escape(built.subtitle), escape(built.source_text)
    return TEMPLATE.format(title=title, subtitle=subtitle, source=source, back=escape(back, quote=True),
                           csv=escape(csv, quote=True), image=escape(social.image_url(view), quote=True),
                           plotly=PLOTLY_JS, script=script, payload=payload,
                           css=CSS, height=int(built.figure.get("layout", {}).get("height") or PHONE_CHART_PX))


# Small and self-contained: no site stylesheet, no Dash; the chart fills what the iframe leaves.
CSS = """
:root { --fg: #1b1b1b; --muted: #4a4a4a; --accent: #005a8f; }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { font-family: Inter, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: #fff;
       line-height: 1.4; }
main { display: flex; flex-direction: column; height: 100%; padding: 10px 12px 8px; }
h1 { font-size: 1.1rem; margin: 0; }
.subtitle, .source-line, .links { color: var(--muted); font-size: 0.82rem; margin: 2px 0; }
figure { flex: 1 0 auto; display: flex; min-height: 300px; margin: 6px 0 0; }
/* narrow: the chart keeps its dashboard height (its legend wraps below it) and the frame scrolls */
@media (max-width: 560px) { figure { min-height: var(--chart-height, 300px); } .source-line { font-size: 0.75rem; } }
#embed-chart { flex: 1; min-width: 0; }
noscript img { max-width: 100%; height: auto; }
a { color: var(--accent); }
a:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Defence spending and pledges</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{back}">
<link rel="icon" href="/_favicon.ico">
<style>{css}</style>
<script defer src="{plotly}"></script>
<script defer src="{script}"></script>
</head>
<body>
<main style="--chart-height: {height}px">
<h1 id="embed-title">{title}</h1>
<p class="subtitle" id="embed-subtitle">{subtitle}</p>
<figure aria-labelledby="embed-title" aria-describedby="embed-subtitle">
<div id="embed-chart"></div>
<noscript><img src="{image}" alt="{title}" width="1200" height="675"></noscript>
</figure>
<p class="source-line">{source}</p>
<p class="links"><a href="{back}" target="_blank" rel="noopener">Open in the defence-spending dashboard</a>
 · <a href="{csv}" download>Data (CSV)</a></p>
</main>
<script type="application/json" id="embed-figure">{payload}</script>
</body>
</html>
"""

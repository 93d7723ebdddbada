"""A server-rendered copy of each page, shown until Dash has drawn the page in the browser.

Dash's scripts load only when the reader first interacts (static_copy/hydration.py): until then
this copy is the page, so it carries everything a reader reads — text, each control's
setting, each chart as a picture, each grid's rows (static_copy/grid_copy.py).

Dash draws everything in the browser: before its scripts have run and the page's
layout has come back from the server, a visitor sees a blank page (Lighthouse: the
largest text painted 1.0-1.5 s after the first byte, most of it waiting for scripts).
The index therefore carries a static HTML copy of the page's layout — the same
components, rendered here — before Dash's entry point. A stylesheet rule hides Dash's
half-built tree and shows the copy until the page's content exists, then swaps them in
one style recalculation (assets/style.css); assets/prerender.js removes the copy afterwards,
so a later navigation can never bring it back. Browsers without ``:has()`` never show
the copy. Without JavaScript the copy stays: a readable page with working links.

Plain HTML components are copied; controls show their current value (not operable);
charts are pictures and grids their rows, through ``fills`` (dashboard/app/index.py),
in frames of the live components' fixed heights; ids are dropped (no duplicates with
the live tree; only ``main``, the skip link's target, stays), and so are ARIA references
to ids. Every text and attribute is escaped:
layouts echo cleaned URL parameters, never raw ones, but the copy does not rely on it.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from dash.development.base_component import Component

from dashboard.app import dash_internals
from dashboard.app.server.frozen import attribute
from dashboard.app.server.routing import PATH_ARG
from dashboard.app.static_copy import markdown_copy

CONTENT_ID = dash_internals.PAGES_CONTENT  # dash.page_container's div the router fills
# The root class of every "not found" layout (unknown path, unknown country): the index
# answers such a page with HTTP 404, the friendly page still in its body.
NOT_FOUND_CLASS = "page-not-found"
# Copies the index keeps by full path (the query string makes the key space unbounded). The pages
# as served are kept by bytes (static_copy/page_cache.py); this only spares a page's other
# encodings (brotli, gzip, none) a second render: a few dozen recent copies, ≤ ~75 KB each.
CACHE_SIZE = 64
VOID = frozenset({"br", "hr", "img", "input", "wbr", "col"})
# Attributes worth copying (React prop name -> HTML attribute); everything else is dropped,
# <label for> too: its control exists only in Dash's tree.
ATTRIBUTES = {
    "tabIndex": "tabindex", "className": "class", "style": "style", "href": "href", "title": "title",
    "role": "role", "scope": "scope", "colSpan": "colspan", "rowSpan": "rowspan", "lang": "lang",
    "alt": "alt", "aria-label": "aria-label", "type": "type",
}
# Ids the copy keeps: the skip link's target (the copy comes before Dash's tree, so it wins
# while both exist; the copy is gone before anything else looks the id up).
KEEP_IDS = frozenset({"main"})
# Controls Dash draws; the copy shows each one's setting in its place (``_control``).
CONTROLS = frozenset({"Dropdown", "RadioItems", "Checklist", "Slider", "RangeSlider", "Input", "AgGrid"})
# A chart card's texts (components.chart_card: {prefix}-summary, {prefix}-source): where a
# callback writes them, the copy asks ``fills`` for them (the chart's own description and source).
CARD_TEXTS = ("-summary", "-source")


# (component type, id, props) -> what the copy shows in a graph's frame (its picture:
# dashboard/app/pictures/svg.py) or in a grid's place (its rows: static_copy/grid_copy.py)
Fills = Callable[[str, str, dict], str]


def render(node: object, slots: dict[str, object] | None = None, fills: Fills | None = None) -> str:
    """HTML for a Dash component tree (plain HTML components, links, frames of the rest).

    ``slots`` maps component ids to what to render in their place (the page's layout in
    the shell's page container); ``fills`` gives what to show for a graph or a grid.
    """
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return escape(str(node))
    if isinstance(node, (list, tuple)):
        return "".join(render(child, slots, fills) for child in node)
    if not isinstance(node, Component):
        return ""
    props = node.to_plotly_json()["props"]
    cid = props.get("id")
    if slots and isinstance(cid, str) and cid in slots:
        return render(slots[cid], slots, fills)
    inner = render(props.get("children"), slots, fills)
    namespace, kind = dash_internals.component_kind(node)
    if namespace == "dash_html_components":
        tag = kind.lower()
        if tag in ("script", "iframe", "object", "embed"):
            return ""
        if isinstance(props.get("data-graph"), str) and not inner:
            # a deferred chart's slot (components.chart_card): the graph comes when seen, the copy shows it
            return _graph(props["data-graph"], props, fills)
        attrs = _attributes(props)
        if not inner and fills and isinstance(cid, str) and cid.endswith(CARD_TEXTS):
            inner = fills("Text", cid, props)  # a chart's summary or source line its callback writes
        if tag == "button":
            # nothing to do before Dash is running; pressed, the live button gets the focus (hydrate.js)
            attrs += f"{_for(cid)} disabled"
        return f"<{tag}{attrs}>" if tag in VOID else f"<{tag}{attrs}>{inner}</{tag}>"
    if kind == "Link":
        return f"<a{_attributes(props)}>{inner}</a>"
    if kind == "Loading":
        return inner
    if kind == "Graph":
        return _graph(cid, props, fills)
    if kind == "AgGrid" and fills and isinstance(cid, str):
        return fills(kind, cid, props) or '<div class="prerender-control"></div>'
    if kind in CONTROLS:
        return _control(kind, props, slots, fills)
    if kind == "Markdown" and isinstance(props.get("children"), str):
        return f"<div{_attributes(props)}>{markdown_copy.to_html(props['children'])}</div>"
    return ""  # Location, Store, Download, Markdown a callback fills, ...


def _graph(cid: object, props: dict, fills: Fills | None) -> str:
    """A chart in the copy: its picture in a frame of the graph's size."""
    shown = fills("Graph", cid, props) if fills and isinstance(cid, str) else ""
    # data-graph: the graph's id, for the stylesheet's rules sizing a graph (ids stay Dash's)
    name = f' data-graph="{escape(cid, quote=True)}"' if isinstance(cid, str) else ""
    return f'<div class="prerender-graph"{name}{_attributes({"style": props.get("style")})}>{shown}</div>'


def _for(cid: object) -> str:
    """`` data-for="<id>"``: the live component a copy's stand-in is for (static_copy/hydrate.js focuses it
    when the reader pressed the stand-in); ids themselves stay Dash's."""
    target = dash_internals.dom_id(cid)
    return f' data-for="{escape(target, quote=True)}"' if target else ""


def _control(kind: str, props: dict, slots: dict[str, object] | None, fills: Fills | None) -> str:
    """A control as it stands (its value shown, not operable): the reader sees the page's
    settings before Dash draws the live control in its place."""
    value = props.get("value")
    chosen = set(map(str, value)) if isinstance(value, (list, tuple)) else {str(value)} if value is not None else set()
    options = _options(props.get("options"))
    if kind in ("Checklist", "RadioItems"):
        on, off = ("☑", "☐") if kind == "Checklist" else ("◉", "○")
        items = "".join(f'<span class="prerender-option">{on if v in chosen else off} {render(label, slots, fills)}</span>'
                        for v, label in options)
        return f'<div class="prerender-control prerender-options"{_for(props.get("id"))}>{items}</div>'
    if kind == "Dropdown":
        shown = ", ".join(render(label, slots, fills) for v, label in options if v in chosen)
    elif kind in ("Input", "Slider", "RangeSlider"):
        shown = escape(" – ".join(sorted(chosen))) if chosen and chosen != {""} else ""
    else:
        return '<div class="prerender-control"></div>'
    if not shown:
        placeholder = props.get("placeholder")
        text = escape(str(placeholder)) if isinstance(placeholder, str) else ""
        return f'<div class="prerender-control prerender-field prerender-placeholder"{_for(props.get("id"))}>{text}</div>'
    return f'<div class="prerender-control prerender-field"{_for(props.get("id"))}>{shown}</div>'


def _options(options: object) -> list[tuple[str, object]]:
    """(value as text, label) of a control's options, in any of the forms Dash accepts."""
    if isinstance(options, dict):
        return [(str(v), label) for v, label in options.items()]
    found = []
    for option in options if isinstance(options, (list, tuple)) else []:
        if isinstance(option, dict):
            found.append((str(option.get("value")), option.get("label", option.get("value"))))
        else:
            found.append((str(option), str(option)))
    return found


def _attributes(props: dict) -> str:
    cid = props.get("id")
    parts = [f' id="{cid}"'] if isinstance(cid, str) and cid in KEEP_IDS else []
    parts += [attribute(prop, attr, props.get(prop)) for prop, attr in ATTRIBUTES.items()]
    return "".join(parts)


def px_height(style: object) -> int:
    """A style's height in px (0 if it has none in px)."""
    height = style.get("height") if isinstance(style, dict) else None
    if isinstance(height, (int, float)):
        return int(height)
    text = str(height or "")
    return int(text[:-2]) if text.endswith("px") and text[:-2].isdigit() else 0


def page_layout(pathname: str, search: str) -> object:
    """The layout Dash's page router would return for this URL (the 404 page if none)."""
    page, variables = dash_internals.path_to_page(pathname)
    page = page or dash_internals.not_found_page()
    layout = page.get("layout", "")
    # as the live router calls it: path variables, then the query, then the routing state
    params = dash_internals.parse_query_string(search)
    return layout(**{**variables, **params, PATH_ARG: pathname}) if callable(layout) else layout


def render_page(shell: Component, pathname: str, search: str,
                fills: Fills | None = None) -> tuple[str, int]:
    """The whole page (the app's shell with the page's layout in its container) as HTML,
    and the HTTP status it deserves (404 for a page that says "not found")."""
    layout = page_layout(pathname, search)
    return render(shell, {CONTENT_ID: layout}, fills), 404 if is_not_found(layout) else 200


def is_not_found(layout: object) -> bool:
    """True for a layout that is a "not found" page (its root carries ``NOT_FOUND_CLASS``)."""
    classes = getattr(layout, "className", None)
    return isinstance(classes, str) and NOT_FOUND_CLASS in classes.split()

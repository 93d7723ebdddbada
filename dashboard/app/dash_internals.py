"""Every private detail of Dash the app relies on, in one place (docs/design.md lists them).

Dash has no public API for these; each is checked against the installed Dash by
tests/test_private_apis.py, which fails loudly, naming the detail, when Dash changes.

- the ids of ``dash.page_container``'s components (the page router reads and fills them);
- ``dash._pages``: how the router finds a page and its path variables for a URL, and how
  it parses the query string (the static copy must route exactly as the live page does);
- a component's ``_namespace`` and ``_type`` (the static copy renders plain HTML
  components itself);
- the ``id`` attribute the renderer writes for a pattern-matching id (the copy's stand-ins
  name the live control they are for).
"""

from __future__ import annotations

import json
from typing import Any

from dash import _pages
from dash.development.base_component import Component

# dash.page_container: a dcc.Location, the div the router fills, a store of the page's
# title, and a dummy the title's clientside callback writes to.
PAGES_LOCATION = "_pages_location"
PAGES_CONTENT = "_pages_content"
PAGES_STORE = "_pages_store"
PAGES_DUMMY = "_pages_dummy"
ROUTER_OUTPUT = f"{PAGES_CONTENT}.children"  # in the key of the router's callback
NOT_FOUND_MODULE = "not_found_404"           # Dash pages' name for the page of unmatched URLs


def path_to_page(pathname: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(page registry entry, path variables) Dash's router finds for ``pathname`` (({}, {}) if none)."""
    page, variables = _pages._path_to_page(pathname.strip("/"))
    return page, variables or {}


def parse_query_string(search: str) -> dict[str, Any]:
    """The query string as Dash's router passes it to a page's layout."""
    return dict(_pages._parse_query_string(search))


def not_found_page() -> dict[str, Any]:
    """The registry entry of the "not found" page ({} if the app has none)."""
    return next((p for m, p in _pages.PAGE_REGISTRY.items() if m.split(".")[-1] == NOT_FOUND_MODULE), {})


def component_kind(node: Component) -> tuple[str, str]:
    """(namespace, type) of a component: ("dash_html_components", "Div"), ("dash_core_components", "Graph")."""
    return node._namespace, node._type


def dom_id(cid: object) -> str | None:
    """The ``id`` attribute Dash's renderer gives a component in the page: a string id as it is;
    a pattern-matching (dict) id as its keys sorted, JSON without spaces (the renderer's
    ``stringifyId``; checked in a browser by tests/browser/test_hydration.py). None: no id."""
    if isinstance(cid, str):
        return cid
    if isinstance(cid, dict) and all(isinstance(v, (str, int, float, bool)) for v in cid.values()):
        return json.dumps(cid, sort_keys=True, separators=(",", ":"))
    return None

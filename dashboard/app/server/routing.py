"""The path wins over the query: /country/GBR?iso3=DEU is the United Kingdom's page.

Dash's page router calls a page's ``layout`` with the path's variables and the query's
parameters in one dict, the query last, so ``?iso3=DEU`` replaced the ``iso3`` the path
named: Germany was shown under the title GBR. The router also passes its routing state
after both; :data:`ROUTING_INPUTS` adds the raw pathname to it, and
:func:`path_wins` wraps each page whose path has variables so they are read again
from that pathname, whatever the query says.

A page that changes in place keeps its URL in step with a ``dcc.Location`` that tells the
router (``refresh="callback-nav"``, so the router's own location never goes stale and the
back button and links to the previous URL still lay the page out), and says which URL it
shows now in a store (:func:`shown_store`). When the router is asked for the URL the page
already shows, it leaves the page as it is (``dash.no_update``): choosing another country on
/country/GBR redraws the charts in place instead of laying out the whole page again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

import dash
from dash import ALL, State, dcc

from dashboard.app import dash_internals

PATH_ARG = "page_path_"  # the routing state's name: the pathname as the browser has it
ROUTER_LOCATION = dash_internals.PAGES_LOCATION  # dash.page_container's dcc.Location
SEARCH_ARG = "page_search_"  # the query string as the browser has it
SHOWN_ARG = "page_shown_"    # the URL an in-place page shows now (a list: one store, or none)
SHOWN_KEY = "shown-url"      # the key of that store's pattern-matching id
ROUTING_INPUTS = {PATH_ARG: State(ROUTER_LOCATION, "pathname"), SEARCH_ARG: State(ROUTER_LOCATION, "search"),
                  SHOWN_ARG: State({SHOWN_KEY: ALL}, "data")}
_VARIABLE = re.compile(r"<(\w+)>")


def template_regex(template: str) -> re.Pattern[str]:
    """A regex matching a Dash path template (``/country/<iso3>``), one group per variable."""
    parts = _VARIABLE.split(template.strip("/"))
    pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]*)" for i, part in enumerate(parts))
    return re.compile(pattern)


def path_wins(layout: Callable[..., object], template: str) -> Callable[..., object]:
    """``layout`` with the template's variables taken from the pathname, not the query."""
    regex = template_regex(template)

    @wraps(layout)
    def wrapped(**params: object) -> object:
        if _shown_already(params):
            return dash.no_update
        path = params.pop(PATH_ARG, None)
        if isinstance(path, str) and (match := regex.fullmatch(path.strip("/"))):
            params.update(match.groupdict())
        return layout(**params)

    return wrapped


def install(registry: dict[str, dict]) -> None:
    """Wrap every registered page's layout (once): path variables from the pathname, and
    the routing state never passed on to the page."""
    for page in registry.values():
        template, layout = page.get("path_template"), page.get("layout")
        if callable(layout) and not getattr(layout, WRAPPED, False):
            page["layout"] = path_wins(layout, template) if template else _without_state(layout)
            setattr(page["layout"], WRAPPED, True)


WRAPPED = "_routing_wrapped"


def _without_state(layout: Callable[..., object]) -> Callable[..., object]:
    @wraps(layout)
    def wrapped(**params: object) -> object:
        if _shown_already(params):
            return dash.no_update
        params.pop(PATH_ARG, None)
        return layout(**params)

    return wrapped


def shown_store(page: str, url: str) -> dcc.Store:
    """The store that says which URL (path and query) page ``page`` shows now; the page's
    callback that writes its URL writes this too, in the same answer."""
    return dcc.Store(id={SHOWN_KEY: page}, data=url)


def shown_output(page: str) -> dash.Output:
    """The Output of ``shown_store(page)``."""
    return dash.Output({SHOWN_KEY: page}, "data")


def _shown_already(params: dict[str, object]) -> bool:
    """True when the page on screen already shows the URL the router was asked for (the
    routing state is taken out of ``params`` either way, except the pathname)."""
    shown = params.pop(SHOWN_ARG, None)
    search = params.pop(SEARCH_ARG, None)
    path = params.get(PATH_ARG)
    if not (isinstance(shown, list) and len(shown) == 1 and isinstance(path, str)):
        return False
    return shown[0] == path + (search if isinstance(search, str) else "")

"""The path wins over the query: /country/GBR?iso3=DEU is the United Kingdom's page.

Dash's page router calls a page's ``layout`` with the path's variables and the query's
parameters in one dict, the query last, so ``?iso3=DEU`` replaced the ``iso3`` the path
named: Germany was shown under the title GBR. The router also passes its routing state
after both; :data:`ROUTING_INPUTS` adds the raw pathname to it, and
:func:`path_wins` wraps each page whose path has variables so they are read again
from that pathname, whatever the query says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from dash import State

from dashboard.app import dash_internals

PATH_ARG = "page_path_"  # the routing state's name: the pathname as the browser has it
ROUTER_LOCATION = dash_internals.PAGES_LOCATION  # dash.page_container's dcc.Location
ROUTING_INPUTS = {PATH_ARG: State(ROUTER_LOCATION, "pathname")}
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
        params.pop(PATH_ARG, None)
        return layout(**params)

    return wrapped

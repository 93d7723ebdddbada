"""Static parts of the live page sent as one component each: HTML that React sets at once.

Dash draws every ``html.*`` component through its own wrapper (a store subscription, an error
boundary, the component): on a page's first render that costs ~0.25 ms per component on a
2-core machine, and the country page has ~350 of them, most of them text that never changes
(tables of budgets, footnotes, links, lists). So the layouts and callback answers Dash sends
are rewritten on their way out (``freeze_answer``, ``freeze_layout``): each largest subtree of
plain HTML with no id and no property but those a static page has (``SAFE_PROPS``) becomes
one ``Frozen`` component (assets/frozen.js) holding the same elements as HTML. What the reader
sees is the same markup; the page's Python code, the static copy and the tests still see the
components. ``dcc.Link``s inside keep their in-page navigation (the link's
``data-dash-link``: assets/frozen.js follows it as dcc.Link would; one with ``refresh`` loads
the page, as a plain link does).

Texts and attributes are escaped; a link whose address is not a site path or http(s) loses
its ``href``. An answer that cannot be read back as JSON is sent unchanged.
"""

from __future__ import annotations

import json
import re
from html import escape

NAMESPACE = "dashboard_frozen"   # window.dashboard_frozen.Frozen (assets/frozen.js)
TYPE = "Frozen"
HTML = "dash_html_components"
DCC = "dash_core_components"
LINK_MARK = "data-dash-link"
# Below this many components a subtree is left as it is (a frozen one costs one component)
MIN_COMPONENTS = 3
# React property → HTML attribute, for the properties a frozen element may have
ATTRIBUTES = {"className": "class", "style": "style", "title": "title", "role": "role", "scope": "scope",
              "colSpan": "colspan", "rowSpan": "rowspan", "lang": "lang", "alt": "alt", "href": "href",
              "target": "target", "rel": "rel", "aria-label": "aria-label", "aria-hidden": "aria-hidden",
              "hidden": "hidden", "open": "open"}
SAFE_PROPS = frozenset(ATTRIBUTES) | {"children"}
LINK_PROPS = frozenset({"children", "href", "className", "style", "title", "target", "refresh"})
BOOLEAN = frozenset({"hidden", "open"})
UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "style", "link", "meta", "base", "form"})
VOID = frozenset({"br", "hr", "img", "wbr", "col"})
UNITLESS = frozenset({"flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "opacity", "order",
                      "zIndex", "zoom"})
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def freeze(node: object) -> tuple[object, int]:
    """``node`` (a layout as Dash sends it: JSON components) with its static subtrees frozen,
    and how many components that removed."""
    if isinstance(node, list):
        out, saved = [], 0
        for child in node:
            frozen, n = freeze(child)
            out.append(frozen)
            saved += n
        return out, saved
    if not _is_component(node):
        return node, 0
    assert isinstance(node, dict)
    size = _static_size(node)
    if size is not None and size >= MIN_COMPONENTS:
        return _frozen(node), size - 1
    # components are drawn from ``children`` (other properties are data: a figure, a store's)
    children, saved = freeze(node["props"].get("children"))
    return ({**node, "props": {**node["props"], "children": children}}, saved) if saved else (node, 0)


def freeze_answer(body: bytes) -> bytes:
    """A callback answer (``{"response": {id: {prop: value}}}``) with the components in it frozen."""
    answer = _json(body)
    response = answer.get("response") if isinstance(answer, dict) else None
    if not isinstance(response, dict):
        return body
    saved = 0
    for props in response.values():
        if isinstance(props, dict) and "children" in props:
            props["children"], n = freeze(props["children"])
            saved += n
    return _dumps(answer, body) if saved else body


def freeze_layout(body: bytes) -> bytes:
    """Dash's ``_dash-layout`` answer (the app's shell) with its static parts frozen."""
    layout = _json(body)
    if layout is None:
        return body
    frozen, saved = freeze(layout)
    return _dumps(frozen, body) if saved else body


def _is_component(node: object) -> bool:
    return isinstance(node, dict) and isinstance(node.get("props"), dict) and "type" in node and "namespace" in node


def _static_size(node: object) -> int | None:
    """How many components a subtree has if all of it can be frozen, else None."""
    if node is None or isinstance(node, (str, int, float, bool)):
        return 0
    if isinstance(node, list):
        total = 0
        for child in node:
            n = _static_size(child)
            if n is None:
                return None
            total += n
        return total
    if not _is_component(node):
        return None
    assert isinstance(node, dict)
    props, kind, namespace = node["props"], str(node["type"]), node["namespace"]
    if namespace == HTML and kind.lower() not in UNSAFE_TAGS and set(props) <= SAFE_PROPS:
        pass
    elif namespace == DCC and kind == "Link" and set(props) <= LINK_PROPS:
        pass
    else:
        return None
    inner = _static_size(props.get("children"))
    return None if inner is None else inner + 1


def _frozen(node: dict) -> dict:
    """The Frozen component standing for a static subtree: its root element, the rest as HTML."""
    props = node["props"]
    attrs = {name: value for name, value in props.items() if name in ATTRIBUTES}
    if "href" in attrs and not safe_href(str(attrs["href"])):
        del attrs["href"]
    if _in_page(node):
        attrs[LINK_MARK] = ""
    return {"type": TYPE, "namespace": NAMESPACE,
            "props": {"tag": _tag(node), "attrs": attrs,
                      "html": _html(props.get("children"))}}


def _tag(node: dict) -> str:
    return "a" if node["namespace"] == DCC else str(node["type"]).lower()   # a dcc.Link is an <a>


def _in_page(node: dict) -> bool:
    """A dcc.Link that moves the page in place (with ``refresh`` it loads the page: a plain link)."""
    return node["namespace"] == DCC and not node["props"].get("refresh")


def _html(node: object) -> str:
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return escape(str(node), quote=False)
    if isinstance(node, list):
        return "".join(_html(child) for child in node)
    assert isinstance(node, dict)
    props, tag = node["props"], _tag(node)
    attrs = _attributes(props) + (f" {LINK_MARK}" if _in_page(node) else "")
    if tag in VOID:
        return f"<{tag}{attrs}>"
    return f"<{tag}{attrs}>{_html(props.get('children'))}</{tag}>"


def _attributes(props: dict) -> str:
    return "".join(attribute(prop, attr, props.get(prop)) for prop, attr in ATTRIBUTES.items())


def attribute(prop: str, attr: str, value: object) -> str:
    """One HTML attribute from a React property, escaped; "" for no value, an empty style or
    a link that is not a site path or http(s)."""
    if value is None or value is False:
        return ""
    if prop in BOOLEAN:
        return f" {attr}"
    if prop == "style":
        value = css(value) if isinstance(value, dict) else ""
        if not value:
            return ""
    elif prop == "href" and not safe_href(str(value)):
        return ""
    return f' {attr}="{escape(str(value), quote=True)}"'


def css(style: dict) -> str:
    """A React style object as CSS text (numbers in px, but for the unitless properties)."""
    rules = []
    for name, value in style.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            continue
        if isinstance(value, (int, float)) and name not in UNITLESS and value != 0:
            value = f"{value}px"
        rules.append(f"{_CAMEL.sub('-', str(name)).lower()}: {value}")
    return "; ".join(rules)


def safe_href(href: str) -> bool:
    """Only site paths and http(s) or mail links (never javascript: or data: URLs)."""
    lowered = href.strip().lower()
    return lowered.startswith(("/", "#", "?", "http://", "https://", "mailto:"))


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _dumps(value: object, original: bytes) -> bytes:
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except ValueError:   # a NaN Dash wrote (plotly's encoder can): sent as Dash made it
        return original

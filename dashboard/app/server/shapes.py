"""The shape a callback request must have, checked against the callback's own declaration.

Dash's renderer POSTs ``{"output", "outputs", "inputs", "state", "changedPropIds"}`` to
``/_dash-update-component``. Dash itself trusts that shape: a list where it expects an
object, an id that is not the declared one, a ``changedPropIds`` entry that is not
``<id>.<property>`` of an input, or a pattern-matching id with the wrong keys all
reach Dash's plumbing and end in a 500. :func:`problem` compares a request with what
the renderer would send for that callback and says what is wrong, so the server can
answer 400 before Dash sees it. Values are not checked here (callbacks validate their
own values), except the page router's pathname and search, which Dash parses itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dashboard.app import dash_internals

# A pattern-matching ALL/ALLSMALLER dependency arrives as a list of concrete
# dependencies, one per matching component on the page; no page has more than a few.
MAX_PATTERN_MATCHES = 200
MAX_URL_CHARS = 2048
WILDCARDS = frozenset({"MATCH", "ALL", "ALLSMALLER"})
SCALAR = (str, int, float, bool)
ROUTER_OUTPUT = dash_internals.ROUTER_OUTPUT  # Dash pages' router: it parses pathname and search


def problem(body: object, callback_map: Mapping[str, dict]) -> str | None:
    """Why ``body`` is not a request the renderer would send, or None if it is one."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown output"
    spec = callback_map[output]
    if not callable(spec.get("callback")):
        return "not a server-side callback"
    found = _outputs_problem(body.get("outputs"), spec)
    if found:
        return found
    ids: set[str] = set()
    for key in ("inputs", "state"):
        found = _dependencies_problem(body.get(key, []), spec.get(key, []), key, ids)
        if found:
            return found
    found = _changed_problem(body.get("changedPropIds", []), ids)
    if found:
        return found
    if ROUTER_OUTPUT in output:
        return _router_problem(body["inputs"])
    return None


def _outputs_problem(outputs: object, spec: dict) -> str | None:
    declared = spec.get("output")
    if isinstance(declared, (list, tuple)):  # a multi-output callback: one entry per output
        if not isinstance(outputs, list) or len(outputs) != len(declared):
            return f"outputs must be a list of {len(declared)} {{id, property}}"
        pairs = list(zip(outputs, declared))
    else:
        pairs = [(outputs, declared)]
    for sent, want in pairs:
        if _dependency_problem(sent, _spec_of(want)):
            return "outputs do not match the callback's outputs"
    return None


def _dependencies_problem(items: object, declared: list[dict], key: str, ids: set[str]) -> str | None:
    if not isinstance(items, list) or len(items) != len(declared):
        return f"{key} must be a list of {len(declared)} {{id, property, value}}"
    for sent, want in zip(items, declared):
        found = _dependency_problem(sent, want)
        if found:
            return f"{key}: {found}"
        for dep in sent if isinstance(sent, list) else [sent]:
            ids.add(f"{stringify(dep['id'])}.{dep['property']}")
    return None


def _dependency_problem(sent: object, want: dict) -> str | None:
    """Why ``sent`` is not a concrete instance of the declared dependency ``want``."""
    pattern = _pattern(want["id"])
    if pattern is not None and _multi(pattern):
        if not isinstance(sent, list) or len(sent) > MAX_PATTERN_MATCHES:
            return f"{want['id']} matches a list of components"
        for item in sent:
            found = _one_problem(item, want, pattern)
            if found:
                return found
        return None
    return _one_problem(sent, want, pattern)


def _one_problem(sent: object, want: dict, pattern: dict | None) -> str | None:
    if not isinstance(sent, dict) or sent.get("property") != want["property"]:
        return f"expected {{id, property: {want['property']!r}}}"
    cid = sent.get("id")
    if pattern is None:
        return None if cid == want["id"] else f"expected id {want['id']!r}"
    if not isinstance(cid, dict) or set(cid) != set(pattern):
        return f"expected an id with keys {sorted(pattern)}"
    for k, v in cid.items():
        if not isinstance(v, SCALAR) or (pattern[k] not in WILDCARDS and v != pattern[k]):
            return f"id key {k!r} does not match {want['id']!r}"
    return None


def _changed_problem(changed: object, ids: set[str]) -> str | None:
    if not isinstance(changed, list) or len(changed) > max(len(ids), 1):
        return "changedPropIds must be a list of the inputs' ids"
    for item in changed:
        if not isinstance(item, str) or item not in ids:
            return "changedPropIds names a property that is not an input"
    return None


def _router_problem(inputs: list) -> str | None:
    pathname, search = (dep.get("value") for dep in inputs[:2])
    if not isinstance(pathname, str) or not pathname.startswith("/") or len(pathname) > MAX_URL_CHARS:
        return "pathname must be an absolute path"
    if search is not None and (not isinstance(search, str) or len(search) > MAX_URL_CHARS
                               or (search and not search.startswith("?"))):
        return "search must be a query string"
    return None


def _spec_of(output: Any) -> dict:
    """{id, property} of a declared Output (its id stringified as in the callback map)."""
    return {"id": stringify(output.component_id), "property": output.component_property}


def _pattern(cid: str) -> dict | None:
    """The key → value (or wildcard name) of a stringified pattern-matching id, else None."""
    if not cid.startswith("{"):
        return None
    raw = json.loads(cid)
    return {k: (v[0] if isinstance(v, list) and v and v[0] in WILDCARDS else v) for k, v in raw.items()}


def _multi(pattern: dict) -> bool:
    return any(v in ("ALL", "ALLSMALLER") for v in pattern.values())


def stringify(cid: object) -> str:
    """A component id as Dash writes it in ``changedPropIds`` (sorted keys, compact JSON)."""
    if isinstance(cid, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_wildcard_json(cid[k])}" for k in sorted(cid)) + "}"
    return str(cid)


def _wildcard_json(value: object) -> str:
    to_json = getattr(value, "to_json", None)
    return to_json() if callable(to_json) else json.dumps(value)

"""Server-side timing of every Dash callback on the full snapshot.

Each page is rendered with sample URL parameters; every callback whose inputs live on
that page is then posted to ``/_dash-update-component`` through Flask's test client
with the values the page was rendered with (what a browser sends on first load, or on
a click for buttons), and timed end to end on the server: routing, the callback, JSON
serialisation. Reports p50/p95 per callback.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable

# Pages and the URLs to render them with (path, query parameters).
SAMPLE_PAGES: tuple[tuple[str, dict], ...] = (
    ("/", {}),
    ("/country/GBR", {}),
    ("/country/DEU", {"from": "2000", "measure": "usd"}),
    ("/pledges", {}),
    ("/compare", {}),
    ("/scenarios", {}),
    ("/sources", {}),
)
# Router callbacks of Dash pages itself: timed separately as "page render".
ROUTER_OUTPUTS = ("_pages_content", "_pages_dummy")


def _walk(component) -> Iterable:
    """Every component in a layout tree."""
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from _walk(child)
    elif children is not None and hasattr(children, "to_plotly_json"):
        yield from _walk(children)


def _values(layout) -> dict[tuple[str, str], object]:
    """(component id, property) → value, for every component with an id."""
    out: dict[tuple[str, str], object] = {}
    for comp in _walk(layout):
        cid = getattr(comp, "id", None)
        if not isinstance(cid, str):
            continue
        for prop, value in comp.to_plotly_json()["props"].items():
            if prop != "children" or isinstance(value, (str, int, float)):
                out[(cid, prop)] = value
    return out


def _payload(key: str, spec: dict, values: dict) -> dict | None:
    """The request body Dash's renderer would send for this callback, or None."""
    def item(dep: dict) -> dict:
        return {"id": dep["id"], "property": dep["property"], "value": values.get((dep["id"], dep["property"]))}

    if not all((d["id"], d["property"]) in values for d in spec["inputs"]):
        return None
    inputs = [item(d) for d in spec["inputs"]]
    for dep in inputs:  # a button's click
        if dep["property"] == "n_clicks":
            dep["value"] = 1
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]}
               for o in key.strip(".").split("...")] if key.startswith("..") else \
        {"id": key.split(".")[0], "property": key.split(".")[1]}
    return {"output": key, "outputs": outputs, "inputs": inputs,
            "state": [item(d) for d in spec["state"]],
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}


def callback_timings(app, runs: int = 30) -> dict[str, dict[str, float]]:
    """name → {"p50_ms", "p95_ms", "runs"} for every callback reachable on a sample page."""
    import dash

    client = app.server.test_client()
    client.get("/")  # registers page callbacks
    times: dict[str, list[float]] = {}
    for path, params in SAMPLE_PAGES:
        page = next((p for p in dash.page_registry.values()
                     if p["path"] == path or (p.get("path_template") and path.startswith(p["path_template"].split("<")[0])
                                              and p["path_template"] != "/")), None)
        if page is None:
            continue
        layout = page["layout"](**({"iso3": path.rsplit("/", 1)[-1]} if "<iso3>" in (page.get("path_template") or "") else {}), **params) \
            if callable(page["layout"]) else page["layout"]
        values = _values(layout)
        for key, spec in app.callback_map.items():
            if any(k in key for k in ROUTER_OUTPUTS):
                continue
            body = _payload(key, spec, values)
            if body is None:
                continue
            func = getattr(spec["callback"], "__wrapped__", spec["callback"])
            name = f"{func.__module__.rsplit('.', 1)[-1]}.{func.__name__}"
            samples = times.setdefault(name, [])
            for _ in range(runs):
                start = time.perf_counter()
                resp = client.post("/_dash-update-component", data=json.dumps(body),
                                   content_type="application/json")
                samples.append((time.perf_counter() - start) * 1000)
                if resp.status_code not in (200, 204):
                    raise RuntimeError(f"{name}: HTTP {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    times.update(_image_times(app, client, runs))
    return {name: {"p50_ms": statistics.median(v), "p95_ms": _p95(v), "runs": len(v)}
            for name, v in sorted(times.items())}


# The page each chart card sits on (for the image-download callback's URL state).
CARD_PAGES = {"overview": "/", "country": "/country/GBR", "pledges": "/pledges", "scenarios": "/scenarios",
              "compare": "/compare", "sources": "/sources"}


def _image_times(app, client, runs: int) -> dict[str, list[float]]:
    """images.image per card (a pattern-matching callback): a click on "Download SVG"."""
    from dashboard.app.images import CARD_CHARTS

    key = next(k for k, v in app.callback_map.items() if callable(v.get("callback"))
               and getattr(v["callback"], "__wrapped__", v["callback"]).__name__ == "image")
    out: dict[str, list[float]] = {}
    for card in CARD_CHARTS:
        path = CARD_PAGES[card.split("-", 1)[0]]
        button = {"card": card, "format": "svg", "type": "image-button"}
        body = {"output": key, "outputs": {"id": {"card": card, "type": "image-store"}, "property": "data"},
                "inputs": [[{"id": {**button, "format": f}, "property": "n_clicks", "value": int(f == "svg")}
                            for f in ("png", "svg")]],
                "state": [{"id": "_pages_location", "property": "pathname", "value": path},
                          {"id": "_pages_location", "property": "search", "value": ""}],
                "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
        samples = out.setdefault(f"images.image[{card}]", [])
        for _ in range(runs):
            start = time.perf_counter()
            resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
            samples.append((time.perf_counter() - start) * 1000)
            if resp.status_code != 200:
                raise RuntimeError(f"image {card}: HTTP {resp.status_code} {resp.get_data(as_text=True)[:200]}")
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]

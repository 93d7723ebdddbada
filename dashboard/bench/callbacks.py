"""Server-side timing of every Dash callback on the full snapshot: warm repeats and first hits.

Each page is rendered with sample URL parameters; every callback whose inputs live on
that page is then posted to ``/_dash-update-component`` through Flask's test client and
timed end to end on the server: routing, the callback, JSON serialisation.

- ``callback_timings``: the values the page was rendered with, posted again and again
  (what a browser sends on first load, or on a click for buttons): warm, memoised work.
- ``first_hit_timings``: every request with input values not seen before in the process
  (a new year, country, group, target…): what a user's first click on a new value costs.
  The values come from the page's own controls (their options, their min–max range, the
  countries in the data); a combination any callback has already been sent is skipped.

The app must be built with the answer memo off (``DEFENCE_DASHBOARD_NO_ANSWER_CACHE=1``):
it would otherwise answer the warm repeats without calling Dash at all.
"""

from __future__ import annotations

import itertools
import json
import random
import statistics
import time
from collections.abc import Iterable, Iterator

from dashboard.app.dash_internals import PAGES_CONTENT, PAGES_DUMMY, PAGES_LOCATION

# Pages and the URLs to render them with (path, query parameters).
SAMPLE_PAGES: tuple[tuple[str, dict], ...] = (
    ("/", {}),
    ("/country/GBR", {}),
    ("/country/DEU", {"from": "2000", "measure": "usd"}),
    ("/pledges", {}),
    ("/countries", {"q": "united"}),
    ("/budgets", {"q": "latvia"}),
    ("/compare", {}),
    ("/scenarios", {}),
    ("/sources", {}),
    ("/ukraine", {}),
)
# Router callbacks of Dash pages itself: timed separately as "page render".
ROUTER_OUTPUTS = (PAGES_CONTENT, PAGES_DUMMY)
FIRST_HITS = 20     # new values per callback
SEED = 20261130


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
    outputs = [_output(o) for o in key.strip(".").split("...")] if key.startswith("..") else _output(key)
    return {"output": key, "outputs": outputs, "inputs": inputs,
            "state": [item(d) for d in spec["state"]],
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}


def _output(part: str) -> dict:
    """One output of a callback's key: ``id.property``, the id JSON when it is pattern-matching."""
    cid, prop = part.rsplit(".", 1)
    return {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop}


def _pages(app) -> Iterator[tuple[object, dict[tuple[str, str], object]]]:
    """(layout, values) of every sample page."""
    import dash

    for path, params in SAMPLE_PAGES:
        page = next((p for p in dash.page_registry.values()
                     if p["path"] == path or (p.get("path_template") and path.startswith(p["path_template"].split("<")[0])
                                              and p["path_template"] != "/")), None)
        if page is None:
            continue
        variables = {"iso3": path.rsplit("/", 1)[-1]} if "<iso3>" in (page.get("path_template") or "") else {}
        layout = page["layout"](**variables, **params) if callable(page["layout"]) else page["layout"]
        values = _values(layout)
        for comp in _walk(layout):  # a dcc.Location's path and query: what the browser fills in
            if type(comp).__name__ == "Location" and isinstance(getattr(comp, "id", None), str):
                values.setdefault((comp.id, "pathname"), path)
                values.setdefault((comp.id, "search"), "")
        yield layout, values


def _callbacks(app, values: dict) -> Iterator[tuple[str, str, dict]]:
    """(name, key, spec) of every callback whose inputs are on the page with these values."""
    for key, spec in app.callback_map.items():
        if any(k in key for k in ROUTER_OUTPUTS) or "callback" not in spec or _payload(key, spec, values) is None:
            continue  # the router, clientside functions, callbacks of controls not on the page
        func = getattr(spec["callback"], "__wrapped__", spec["callback"])
        yield f"{func.__module__.rsplit('.', 1)[-1]}.{func.__name__}", key, spec


def _post(client, name: str, body: dict) -> float:
    """Milliseconds for one request (raising on anything but 200/204)."""
    start = time.perf_counter()
    resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    took = (time.perf_counter() - start) * 1000
    if resp.status_code not in (200, 204):
        raise RuntimeError(f"{name}: HTTP {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    return took


def callback_timings(app, runs: int = 30) -> dict[str, dict[str, float]]:
    """name → {"p50_ms", "p95_ms", "runs"} for every callback reachable on a sample page (warm)."""
    client = app.server.test_client()
    client.get("/")  # registers page callbacks
    times: dict[str, list[float]] = {}
    for _layout, values in _pages(app):
        for name, key, spec in _callbacks(app, values):
            body = _payload(key, spec, values)
            assert body is not None  # _callbacks yields only callbacks with a payload
            times.setdefault(name, []).extend(_post(client, name, body) for _ in range(runs))
    times.update(_image_times(app, client, runs))
    return _summary(times)


def first_hit_timings(app, hits: int = FIRST_HITS) -> dict[str, dict[str, float]]:
    """name → {"p50_ms", "p95_ms", "runs"}: each request with values no request has had before.

    Callbacks of a page that share a small choice of values (the Ukraine page's region chart
    and its CSV button: 8 combinations) take turns: every callback gets a first hit before
    any gets a second, so none is left with only values another has already sent.
    """
    client = app.server.test_client()
    client.get("/")
    seen: set[frozenset] = set()
    times: dict[str, list[float]] = {}
    for number, (layout, values) in enumerate(_pages(app)):
        pools = _pools(app, layout, values)
        queue = []
        for name, key, spec in _callbacks(app, values):
            deps = [(d["id"], d["property"]) for d in spec["inputs"] + spec["state"]]
            varied = [d for d in deps if d in pools]
            if not varied:
                continue
            # what the page was rendered with is not new
            seen.add(frozenset((d, _freeze(values.get(d))) for d in varied))
            combos = _fresh(varied, pools, random.Random(f"{SEED}-{number}-{name}"))
            queue.append((name, key, spec, combos, times.setdefault(name, [])))
        while queue:  # one new value per callback per round
            for entry in list(queue):
                name, key, spec, combos, samples = entry
                combo = next((c for c in combos if _key(c) not in seen), None)
                if combo is None:
                    queue.remove(entry)
                    continue
                seen.add(_key(combo))
                body = _payload(key, spec, {**values, **combo})
                assert body is not None  # values has every input (_callbacks); combo replaces some
                samples.append(_post(client, name, body))
                if len(samples) >= hits:
                    queue.remove(entry)
    times.update(_image_first_hits(app, client, hits))
    return _summary({k: v for k, v in times.items() if v})


def _key(combo: dict) -> frozenset:
    return frozenset((d, _freeze(v)) for d, v in combo.items())


def _pools(app, layout, values: dict) -> dict[tuple[str, str], list]:
    """(id, property) → the values a user can give it (from the control's own options and range)."""
    from dashboard.views import data

    pools: dict[tuple[str, str], list] = {}
    for comp in _walk(layout):
        cid = getattr(comp, "id", None)
        if not isinstance(cid, str):
            continue
        props = comp.to_plotly_json()["props"]
        kind = type(comp).__name__
        if kind in ("Dropdown", "RadioItems") and props.get("options"):
            options = [o["value"] if isinstance(o, dict) else o for o in props["options"]]
            pools[(cid, "value")] = ([options[i:i + k] for k in (1, 2, 3, 5) for i in range(0, len(options) - k, 7)]
                                     if props.get("multi") else options)
        elif kind == "Slider":
            pools[(cid, "value")] = list(range(int(props["min"]), int(props["max"]) + 1))
        elif kind == "Input" and props.get("type") == "number" and props.get("min") is not None:
            low, high, step = props["min"], props["max"], props.get("step") or 1
            count = int(round((high - low) / step)) + 1
            pools[(cid, "value")] = [round(low + i * step, 2) for i in range(count)]
        elif kind == "Input" and props.get("type") == "search":
            pools[(cid, "value")] = ["", *sorted({n.split()[0].lower() for n in data.get().names.values()})[:80]]
        elif kind == "Store" and cid.endswith("-code"):
            pools[(cid, "data")] = list(data.get().country_codes)
    return pools


def _fresh(varied: list, pools: dict, rng: random.Random) -> Iterator[dict]:
    """Combinations of the varied inputs' values, in a shuffled order (never repeating)."""
    sizes = [len(pools[d]) for d in varied]
    total = 1
    for size in sizes:
        total *= size
    for index in rng.sample(range(total), min(total, 5000)):
        combo = {}
        for dep, size in zip(varied, sizes):
            index, pick = divmod(index, size)
            combo[dep] = pools[dep][pick]
        yield combo


def _freeze(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _summary(times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {name: {"p50_ms": statistics.median(v), "p95_ms": _p95(v), "runs": len(v)}
            for name, v in sorted(times.items())}


# The page each chart card sits on (for the download callbacks' URL state).
CARD_PAGES = {"overview": "/", "country": "/country/GBR", "pledges": "/pledges", "scenarios": "/scenarios",
              "compare": "/compare", "sources": "/sources", "ukraine": "/ukraine", "budgets": "/budgets"}


def _card_body(app, kind: str, card: str, path: str, search: str) -> dict:
    """The renderer's request for a card's download callback (``kind``: "image" or "csv", both
    pattern-matching callbacks of ``app.cards``): a click on "Download SVG" or "Download data"."""
    from dashboard.app import cards

    key = next(k for k, v in app.callback_map.items() if callable(v.get("callback"))
               and getattr(v["callback"], "__wrapped__", v["callback"]).__name__ == kind)
    state = [{"id": PAGES_LOCATION, "property": "pathname", "value": path},
             {"id": PAGES_LOCATION, "property": "search", "value": search}]
    if kind == "csv":
        button = {"card": card, "type": cards.CSV_BUTTON}
        return {"output": key, "outputs": {"id": {"card": card, "type": cards.CSV_FILE}, "property": "data"},
                "inputs": [{"id": button, "property": "n_clicks", "value": 1}], "state": state,
                "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
    button = {"card": card, "format": "svg", "type": cards.IMAGE_BUTTON}
    return {"output": key, "outputs": {"id": {"card": card, "type": cards.IMAGE_STORE}, "property": "data"},
            "inputs": [[{"id": {**button, "format": f}, "property": "n_clicks", "value": int(f == "svg")}
                        for f in cards.FORMATS]], "state": state,
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}


def _image_times(app, client, runs: int) -> dict[str, list[float]]:
    """cards.image and cards.csv per card (pattern-matching callbacks): "Download SVG" and
    "Download data" on the page the card sits on."""
    from dashboard.app.cards import CARDS

    out: dict[str, list[float]] = {}
    for card in CARDS:
        path = CARD_PAGES[card.split("-", 1)[0]]
        for kind in ("image", "csv"):
            body = _card_body(app, kind, card, path, "")
            samples = out.setdefault(f"cards.{kind}[{card}]", [])
            samples.extend(_post(client, f"{kind} {card}", body) for _ in range(runs))
    return out


def _image_first_hits(app, client, hits: int) -> dict[str, list[float]]:
    """cards.image and cards.csv on a new chart view each time (a new country or year in the page's URL)."""
    from dashboard.views import data

    views = data.get()
    cards = [("country-share", "/country/{}", ""), ("overview-map", "/", "?year={}"),
             ("sources-reconcile", "/sources", "?country={}&year=2020"), ("compare-chart", "/compare", "?countries={}")]
    codes = list(views.country_codes)
    years = list(range(*views.share_years.get("sipri", (1990, 2024))))
    out: dict[str, list[float]] = {}
    for kind in ("image", "csv"):
        rng = random.Random(f"{SEED}-{kind}")
        samples = out.setdefault(f"cards.{kind}", [])
        for card, path, search in itertools.islice(itertools.cycle(cards), hits):
            value = rng.choice(years) if "year={}" in search else rng.choice(codes)
            body = _card_body(app, kind, card, path.format(value), search.format(value))
            samples.append(_post(client, f"{kind} {card}", body))
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]

"""What a reader gets, written out so that a refactor can be shown to change none of it.

    python scripts/output_fingerprints.py write OUT_DIR [--pack]
    python scripts/output_fingerprints.py diff BEFORE_DIR AFTER_DIR

Writes, for the embedded snapshot:

- ``charts/<chart>-<n>.json``: every registry chart (default parameters and the export pack's)
  as its live figure, its print-styled figure, title, subtitle, source line and CSV;
- ``pages/<path>.html``: every page's HTML (the static copy) as a reader first gets it;
- ``embeds/<card>.html``: each chart card's embed view (holds the live figure);
- ``callbacks/<page>.json``: every callback a page fires on load, with its answer (download
  callbacks, which fire only on a click, are left out: their CSVs are under ``charts/``).

- ``pack/``: with ``--pack``, the export pack's SVGs and CSVs (``export --pack --formats svg``;
  Chromium needed).

Everything is written with sorted keys and today's date. ``diff`` compares two folders file by
file after blanking what differs between any two runs of unchanged code: the code fingerprint in
picture and asset URLs (moving a module changes it by design), Dash's per-process ``end_id``, and
the random ids plotly.js gives each SVG's clip paths and traces. It prints the files that differ
and exits 1 if any do: a refactor that means to change nothing shows none.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("DEFENCE_DASHBOARD_NO_ANSWER_CACHE", "1")

# Page URLs a reader opens: each page with and without parameters.
PAGES = ("/", "/?year=2015&source=sipri&region=europe", "/countries", "/countries?q=united", "/country/GBR",
         "/country/DEU?from=2000&measure=usd", "/country/UKR", "/pledges", "/pledges?country=GBR&status=history",
         "/compare", "/compare?countries=POL,DEU&indicator=milex_usd&source=sipri&base=2014",
         "/scenarios", "/scenarios?group=EU&target=3&year=2030&growth=2", "/sources",
         "/sources?country=FRA&year=2020&revisions=nato", "/ukraine", "/ukraine?aid=total&by=month&measure=gdp",
         "/no-such-page")
# The code fingerprint in cached-picture URLs and the files' times in asset URLs (change whenever code moves).
FINGERPRINT = re.compile(r"([?&](?:code|m|v)=)[0-9a-f.]{6,}")


def _registry():
    """The chart registry, wherever this version of the code keeps it."""
    try:
        from dashboard import charts
        return charts
    except ImportError:
        from dashboard.views import charts
        return charts


def _card_charts() -> dict[str, str]:
    try:
        from dashboard.app.cards import CARD_CHARTS
    except ImportError:
        from dashboard.app.images import CARD_CHARTS
    return dict(CARD_CHARTS)


def _pack() -> list[tuple[str, dict[str, str]]]:
    from dashboard.export.pack import PACK
    return [(item.chart, dict(item.params)) for item in PACK]


def _dump(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, sort_keys=True, indent=1, default=str) + "\n", encoding="utf-8")


def charts(out: Path) -> None:
    """Every chart with its defaults, then each pack item: figures, words and CSV."""
    from dashboard.views import data

    registry = _registry()
    app = data.get()
    wanted = [(name, {}) for name in registry.CHARTS] + _pack()
    for n, (name, params) in enumerate(wanted):
        resolved = registry.resolve(app, name, params)
        built = resolved.built
        _dump(out / "charts" / f"{name}-{n}.json", {
            "label": registry.label(resolved), "figure": built.figure, "title": built.title,
            "subtitle": built.subtitle, "source": built.source_text, "sources": list(built.sources),
            "csv": registry.csv_text(resolved),
            "publication": registry.publication_figure(app, name, params)})


def pages(out: Path) -> None:
    """Every page's HTML and each card's embed view."""
    from dashboard.app import create_app

    client = create_app().server.test_client()
    for url in PAGES:
        body = client.get(url).get_data(as_text=True)
        name = re.sub(r"[^A-Za-z0-9]+", "_", url).strip("_") or "root"
        (out / "pages").mkdir(parents=True, exist_ok=True)
        (out / "pages" / f"{name}.html").write_text(FINGERPRINT.sub(r"\1…", body), encoding="utf-8")
    paths = {"overview": "/", "country": "/country/GBR", "pledges": "/pledges", "scenarios": "/scenarios",
             "compare": "/compare", "sources": "/sources", "ukraine": "/ukraine"}
    for card in _card_charts():
        page = paths[card.split("-")[0]]
        body = client.get(f"{page}?embed={card}").get_data(as_text=True)
        (out / "embeds").mkdir(parents=True, exist_ok=True)
        (out / "embeds" / f"{card}.html").write_text(FINGERPRINT.sub(r"\1…", body), encoding="utf-8")


def callbacks(out: Path) -> None:
    """The answers of every callback each sample page fires on load (clicks left out)."""
    from dashboard.app import create_app
    from dashboard.bench import callbacks as cb

    app = create_app()
    client = app.server.test_client()
    client.get("/")
    for number, (_layout, values) in enumerate(cb._pages(app)):
        answers = {}
        for _name, key, spec in cb._callbacks(app, values):
            if any(d["property"] == "n_clicks" for d in spec["inputs"]):
                continue  # a download: fires on a click only
            body = cb._payload(key, spec, values)
            resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
            answers[key] = {"status": resp.status_code, "body": resp.get_data(as_text=True)}
        path, params = cb.SAMPLE_PAGES[number]
        _dump(out / "callbacks" / f"{number:02d}-{re.sub(r'[^A-Za-z0-9]+', '_', path).strip('_') or 'root'}.json",
              {"path": path, "params": params, "answers": answers})


def pack(out: Path) -> None:
    """The export pack's SVGs and CSVs, through the CLI as a user makes them."""
    subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "--pack", str(out / "pack"),
                    "--formats", "svg"], check=True, stdout=subprocess.DEVNULL)


# What differs between two runs of the same code (see the module docstring).
END_ID = re.compile(r'"end_id":"[^"]*"')
PLOTLY_UID = re.compile(r"(?:(?<=defs-)|(?<=clip)|(?<=trace)|(?<=legend))([0-9a-f]{6})(?![0-9a-f])"
                        r"|(?<=[#\"])(p[0-9a-f]{6}-(?:legend-)?[0-9a-f]{6})(?![0-9a-f])")  # a pattern fill's id


def normalised(path: Path) -> str:
    """The file's text with run-to-run noise blanked; plotly's uids numbered by first appearance."""
    text = END_ID.sub('"end_id":"…"', path.read_text(encoding="utf-8"))
    order: dict[str, str] = {}
    return PLOTLY_UID.sub(lambda m: order.setdefault(m.group(0), f"uid{len(order)}"), text)


def diff(before: Path, after: Path) -> int:
    """Print the files that differ (or exist on one side only); 1 if any do."""
    names = sorted({p.relative_to(before) for p in before.rglob("*") if p.is_file()}
                   | {p.relative_to(after) for p in after.rglob("*") if p.is_file()})
    changed = [n for n in names if not (before / n).is_file() or not (after / n).is_file()
               or normalised(before / n) != normalised(after / n)]
    for name in changed:
        print(f"differs: {name}")
    print(f"{len(names) - len(changed)} of {len(names)} files identical")
    return 1 if changed else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[1] == "write":
        out = Path(argv[2])
        charts(out)
        pages(out)
        callbacks(out)
        if "--pack" in argv[3:]:
            pack(out)
        print(f"wrote {sum(1 for p in out.rglob('*') if p.is_file())} files to {out}")
        return 0
    if len(argv) == 4 and argv[1] == "diff":
        return diff(Path(argv[2]), Path(argv[3]))
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

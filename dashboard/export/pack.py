"""The standard chart pack: a dozen charts for articles and briefings, the data behind each, a manifest.

``export_pack(folder)`` writes, for every chart in ``PACK``, ``NN-<slug>.png`` and ``.svg``
(``.pdf``/``.html`` on request) and ``NN-<slug>.csv``, then ``manifest.json``: chart,
parameters, title, sources with editions and citations, files, generated date. File names
come from ``PACK`` (constants), never from parameter values. One browser renders them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from dashboard import charts
from dashboard.atomic import check_target
from dashboard.charts import label, text
from dashboard.export import IMAGE_FORMATS, ExportError
from dashboard.export.browser import DEFAULT_TIMEOUT, Renderer, plotly_js
from dashboard.export.output import export_date, load_app, render, write_atomic
from dashboard.figures import publish
from dashboard.model import nowcast

PACK_FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "html")
DEFAULT_FORMATS = "png,svg"
MANIFEST = "manifest.json"
PLOTLY_JS = "plotly.min.js"  # plotly's to_html(include_plotlyjs="directory") loads it from beside the page


@dataclass(frozen=True)
class PackItem:
    """One chart of the pack: its file name stem, chart and parameters."""

    slug: str
    chart: str
    params: dict[str, str] = field(default_factory=dict)


PACK: tuple[PackItem, ...] = (
    PackItem("london-coalition-share-of-gdp", "coalition-share", {"group": "LONDON_2025", "source": "nato"}),
    PackItem("uk-path-to-2.5-and-3-percent", "country-share",
             {"country": "GBR", "from": "2014", "pledges": "gbr-2027-2.5,gbr-2034-3"}),
    PackItem("nato-allies-at-2-percent", "allies-at-target"),
    PackItem("burden-sharing-us-vs-europe-canada", "burden-sharing"),
    PackItem("nato-ranking-latest-year", "ranking", {"source": "nato", "group": "NATO"}),
    PackItem("germany-path", "country-share", {"country": "DEU", "from": "2014"}),
    PackItem("poland-path", "country-share", {"country": "POL", "from": "2014"}),
    PackItem("hague-2035-gap-by-country", "pledge-gap", {"pledge": "nato-hague-2035-3.5-core"}),
    PackItem("uk-nato-vs-sipri", "nato-vs-sipri", {"country": "GBR"}),
    PackItem("uk-sipri-revisions", "revisions", {"country": "GBR", "source": "sipri"}),
    PackItem("nato-3.5-percent-by-2035-cost", "scenario", {"group": "NATO", "target": "3.5", "year": "2035"}),
    PackItem("alliance-pledge-status", "pledge-status"),
    PackItem("defence-budgets-2024-2027-as-published", "budgets", {"group": "NATO", "from": "2024", "to": "2027"}),
    PackItem("ukraine-military-aid-us-vs-europe", "ukraine-regions", {"aid": "military", "by": "year"}),
    PackItem("ukraine-top-donors-percent-of-gdp", "ukraine-donors", {"aid": "total", "measure": "gdp",
                                                                    "period": "all"}),
    PackItem("ukraine-military-aid-sourcing-purl", "ukraine-sourcing"),
    PackItem("ukraine-promised-and-delivered", "ukraine-promised"),
)


def export_pack(folder: Path, formats: str = DEFAULT_FORMATS, timeout: float = DEFAULT_TIMEOUT,
                snapshot: Path | None = None, renderer: Renderer | None = None) -> dict:
    """Write the pack to ``folder`` (created if missing); return the manifest.

    ``renderer``: a browser already running (left running); by default one is started and stopped.
    """
    wanted = pack_formats(formats)
    folder = Path(folder).expanduser()
    if folder.is_symlink():
        raise ExportError(f"--pack {folder} is a symbolic link: give the folder itself")
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"--pack {folder} is a file: give a folder")
    # every file the pack will write, checked before any is written (a link or a device
    # among them is refused, not followed or replaced)
    for number, item in enumerate(PACK, start=1):
        for fmt in (*wanted, "csv"):
            check_target(folder / f"{number:02d}-{item.slug}.{fmt}", "--pack file")
    for name in (MANIFEST, PLOTLY_JS):
        check_target(folder / name, "--pack file")
    needs_browser = any(f in IMAGE_FORMATS for f in wanted)
    own = Renderer(timeout) if renderer is None and needs_browser else None  # started and stopped here
    renderer = own if own is not None else renderer
    exported = export_date()
    try:
        if own is not None:
            own.start()  # no browser: one line now; else it starts while the data loads
        app = load_app(snapshot)
        resolved = [charts.resolve(app, item.chart, item.params) for item in PACK]
        entries = []
        for number, (item, chart) in enumerate(zip(PACK, resolved), start=1):
            stem = f"{number:02d}-{item.slug}"
            files = {}
            for fmt in (*wanted, "csv"):
                files[fmt] = f"{stem}.{fmt}"
                write_atomic(folder / files[fmt], render(chart, fmt, renderer, exported, "directory"))
            entries.append(entry(app, chart, files))
        if "html" in wanted:  # the pages share one copy of plotly.js
            write_atomic(folder / PLOTLY_JS, plotly_js())
    finally:
        if own is not None:
            own.stop()
    manifest = {"generated": exported.isoformat(), "generator": generator(), "charts": entries,
                "size": {"width": publish.WIDTH, "height": publish.HEIGHT, "png_scale": publish.PNG_SCALE},
                "shared_files": [PLOTLY_JS] if "html" in wanted else []}
    write_atomic(folder / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return manifest


def pack_formats(formats: str) -> tuple[str, ...]:
    """``"png,svg"`` → ("png", "svg"): image and HTML formats (CSV is always written)."""
    wanted = [f.strip().lower() for f in str(formats).split(",") if f.strip()]
    for fmt in wanted:
        if fmt not in PACK_FORMATS and fmt != "csv":
            raise ExportError(f"--formats {fmt[:12]!r}: choose from {', '.join(PACK_FORMATS)} (CSV is always written)")
    return tuple(dict.fromkeys(f for f in wanted if f != "csv"))


def entry(app, chart: charts.Resolved, files: dict[str, str]) -> dict:
    """The manifest's record of one chart."""
    kinds = {p.name: p.kind for p in chart.chart.params}
    return {"chart": chart.chart.name, "title": chart.built.title, "subtitle": chart.built.subtitle,
            "parameters": {k: text(v, kinds.get(k, "")) for k, v in chart.params.items()},
            "command": f"defence-dashboard export {chart.chart.name}"
                       + "".join(f" --param {k}={text(v, kinds.get(k, ''))}" for k, v in chart.params.items()),
            "label": label(chart), "source_line": chart.built.source_text,
            "sources": [source_record(app.package, s, e) for s, e in chart.built.sources], "files": files}


def source_record(package: dict, source: str, edition: str | None) -> dict:
    """Publisher, title, licence, citation and the file of one (source, edition) from the datapackage;
    a figure this project derives (a nowcast) names its method and its inputs instead."""
    if source == "nowcast":
        return {"source": source, "edition": edition, "publisher": "this project (derived, not published)",
                "title": "Nowcast of NATO's share of GDP",
                "citation": "NATO's last level × the fresher source's spending growth ÷ nominal GDP growth; "
                            "method and backtest: docs/model.md and `defence-dashboard nowcast --backtest`",
                "licence": "as its inputs", "files": [],
                "inputs": [source_record(package, s, e) for s, e in nowcast.input_pairs(edition or "")]}
    found: dict[str, Any] = next((s for s in package.get("sources", []) if s.get("name") == source), {})
    files = [e for e in found.get("editions", []) if e.get("edition") == edition]
    return {"source": source, "edition": edition, "publisher": found.get("publisher", source),
            "title": found.get("title", ""), "citation": found.get("citation", ""),
            "licence": "; ".join(lic.get("title", "") for lic in found.get("licenses", [])),
            "files": [{k: e.get(k) for k in ("file", "sha256", "url", "retrieved")} for e in files]}


def generator() -> str:
    """``defence-dashboard 0.1.0 (export --pack)``."""
    try:
        version = metadata.version("defence-dashboard")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"defence-dashboard {version} (export --pack)"

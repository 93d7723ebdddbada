"""Words every layer above the model says the same way: statuses, editions, source lines.

The views write them into summaries, tables and CSVs; the figures into legends, hovers and
footers; the app into headings. They live here, below both, so that figures never have to
be imported for a word (publishers' names themselves are one table: ``dashboard.schema``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from dashboard.schema import SOURCE_LABELS

STATUS_LABELS: dict[str, str] = {
    "met": "Met", "on_track": "On track", "off_track": "Off track", "no_data": "No data",
}

# Kiel's edition "2026-08-04 R29" reads as its release: "Ukraine Support Tracker, Release 29 of 2026-08-04".
KIEL_EDITION = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2}) R(?P<number>\d+)")


def join_and(names: Iterable[str]) -> str:
    """"NATO", "NATO and SIPRI", "Spain, Italy and the Netherlands": names inside a sentence."""
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def join_or(names: Iterable[str]) -> str:
    """``NATO``, ``NATO or SIPRI``, ``NATO, SIPRI or the World Bank``."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1] if names else ""


def edition_label(source: str, edition: str) -> str:
    """An edition as readers know it: ``2024-06``; Kiel's ``2026-08-04 R29`` as ``Release 29 (2026-08-04)``."""
    kiel = KIEL_EDITION.fullmatch(edition) if source == "kiel" else None
    return f"Release {kiel['number']} ({kiel['date']})" if kiel else edition


def source_label(source: str, edition: str | None = None) -> str:
    """``NATO (2024-06 edition)`` or ``NATO``; Kiel: ``Kiel Institute, Ukraine Support Tracker (Release 29, 2026-08-04)``."""
    name = SOURCE_LABELS.get(source, source)
    if source == "nowcast" and edition:  # "2024-06 + eurostat 2026-04-27": say what it chains
        base, _, fresher = edition.partition(" + ")
        fresher_source, _, fresher_edition = fresher.partition(" ")
        if fresher_source == "national":  # a government's budget figure: "2025-12-04 gbr-2025-plan-core"
            return (f"this dashboard's nowcast (NATO {base} × the government's budget, {fresher_edition.split()[-1]} "
                    "in data/budgets.yaml)")
        return (f"this dashboard's nowcast (NATO {base} × {SOURCE_LABELS.get(fresher_source, fresher_source)} "
                f"{fresher_edition})")
    if source == "national" and edition:  # "2026-01-19 pol-2026-adopted": the figure and its document's date
        *day, figure = edition.split()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", figure):  # the registry as a whole: its review date
            return f"{name} (data/budgets.yaml, reviewed {figure})"
        return f"{name} ({figure} in data/budgets.yaml{', document of ' + day[0] if day else ''})"
    kiel = KIEL_EDITION.fullmatch(edition or "") if source == "kiel" else None
    if kiel:
        return f"{name}, Ukraine Support Tracker (Release {kiel['number']}, {kiel['date']})"
    return f"{name} ({edition} edition)" if edition else name


def source_line(pairs: Iterable[tuple[str, str | None]], note: str = "") -> str:
    """The line under every chart: "Source: NATO (2024-06 edition); SIPRI (2025-04 edition)."."""
    seen = list(dict.fromkeys((s, e) for s, e in pairs))
    text = "Source: " + "; ".join(source_label(s, e) for s, e in seen) if seen else "Source: —"
    return f"{text}. {note}".strip() if note else text + "."


def billions(million: object) -> float | None:
    """Millions as billions; None for a missing or non-numeric value."""
    try:
        value = float(million)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value / 1000

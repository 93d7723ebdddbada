"""How old every figure is: an edition's date, its age from today, and whether newer editions exist.

Editions are the publishers' own labels (``2024-06``, ``2026-02-24``, Kiel ``2026-08-04 R29``);
their dates are read from the label, never written in. ``data/editions.yaml`` (human-reviewed)
gives each publisher's release cadence and the newer editions known to exist that the snapshot
does not hold. Ages are computed from today's date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dashboard.schema import SOURCE_LABELS

NATIONAL = "national"  # governments' budget documents: each figure's edition is its document's date
EDITIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "editions.yaml"
# "2024-06", "2026-02-24", "2026-08-04 R29": a year, a month and perhaps a day at the start.
EDITION_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?: R(?P<release>\d+))?")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Age:
    """One source edition's date, age and successors, as a reader is told it."""

    source: str
    edition: str
    date: dt.date | None          # None: the label holds no date
    months: int | None            # whole months between the edition and today
    newer: tuple[str, ...]        # newer editions known to exist (their labels)
    overdue: bool                 # older than the publisher's usual gap between editions

    def short(self) -> str:
        """``29 months old (NATO June 2024 edition; newer exist)`` — for a table cell."""
        label = SOURCE_LABELS.get(self.source, self.source)
        when = edition_words(self.source, self.edition)
        if self.months is None:
            return f"{when} ({label})" if self.source == NATIONAL else f"{label} {when}"
        if self.source == NATIONAL:  # a government's document: no editions to come, no cadence
            return f"{self.months} month{'s' if self.months != 1 else ''} old ({label}, {when})"
        newer = "; newer exist" if self.newer else "; a newer one is probably out" if self.overdue else ""
        return f"{self.months} month{'s' if self.months != 1 else ''} old ({label} {when}{newer})"

    def text(self) -> str:
        """``NATO: June 2024 edition, 29 months old — newer editions exist (2025-08, 2026-07); run
        `defence-dashboard refresh nato``."""
        label = SOURCE_LABELS.get(self.source, self.source)
        when = edition_words(self.source, self.edition)
        if self.months is None:
            return f"{label}: {when}"
        age = "this month" if self.months == 0 else f"{self.months} month{'s' if self.months != 1 else ''} old"
        text = f"{label}: {when}, {age}"
        if self.newer:
            plural = "s exist" if len(self.newer) > 1 else " exists"
            text += (f" — newer edition{plural} ({', '.join(self.newer)}); run "
                     f"`defence-dashboard refresh {self.source}`")
        elif self.overdue:
            text += f" — a newer edition is probably out; run `defence-dashboard refresh {self.source}`"
        return text


def edition_date(edition: str) -> dt.date | None:
    """The date an edition label names (the first of the month when it names only a month)."""
    match = EDITION_DATE.match(edition or "")
    if not match:
        return None
    try:
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"] or 1))
    except ValueError:
        return None


def edition_words(source: str, edition: str) -> str:
    """``June 2024 edition``; Kiel's ``Release 29 (4 August 2026)``; a government budget's
    ``document of 19 January 2026``; the label itself if it names no date."""
    match = EDITION_DATE.match(edition or "")
    day = edition_date(edition)
    if source == NATIONAL:
        return f"document of {day.day} {MONTHS[day.month - 1]} {day.year}" if day else "undated document"
    if not match or day is None:
        return f"{edition} edition" if edition else "edition unknown"
    month = f"{MONTHS[day.month - 1]} {day.year}"
    if match["release"]:
        return f"Release {match['release']} ({day.day} {month})"
    return f"{month} edition"


def edition_short(source: str, edition: str) -> str:
    """``June 2024``, Kiel ``Release 29``, a budget's ``19 Jan 2026``: an edition inside a sentence."""
    if source == NATIONAL:
        day = edition_date(edition)
        return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}" if day else "undated"
    return edition_words(source, edition).removesuffix(" edition").split(" (")[0]


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 in the same month)."""
    return (end.year - start.year) * 12 + end.month - start.month


def age(source: str, edition: str, today: dt.date | None = None) -> Age:
    """How old ``edition`` of ``source`` is on ``today`` (default: the real today)."""
    today = today or dt.date.today()
    date = edition_date(edition)
    months = months_between(date, today) if date else None
    info = _registry().get(source, {})
    # newer than the edition, and already out on ``today`` (an age asked for a past day lists
    # only what had been released by then)
    newer = tuple(str(e["edition"]) for e in info.get("newer", [])
                  if _later(str(e["edition"]), edition) and not _later(str(e["edition"]), today.isoformat()))
    cadence = info.get("cadence_months")
    overdue = bool(months is not None and isinstance(cadence, int) and months > cadence)
    return Age(source, edition, date, months, newer, overdue)


def ages(pairs: list[tuple[str, str]], today: dt.date | None = None) -> list[Age]:
    """The age of each (source, edition), newest edition per source only, in the order given."""
    latest: dict[str, str] = {}
    for source, edition in pairs:
        if source in SOURCE_LABELS and source != "nowcast" and (
                source not in latest or _order(edition) > _order(latest[source])):
            latest[source] = edition
    return [age(s, e, today) for s, e in latest.items()]


def _order(edition: str) -> tuple[dt.date, str]:
    """Editions by the date they name (undated ones first), then by label."""
    return edition_date(edition) or dt.date.min, edition


def _later(candidate: str, edition: str) -> bool:
    a, b = edition_date(candidate), edition_date(edition)
    return a is not None and (b is None or a > b)


@lru_cache(maxsize=1)
def _registry() -> dict[str, dict[str, Any]]:
    """``data/editions.yaml`` by source (empty when the file is absent)."""
    if not EDITIONS_FILE.is_file():
        return {}
    entries = yaml.safe_load(EDITIONS_FILE.read_text(encoding="utf-8")) or []
    return {str(e["source"]): e for e in entries if isinstance(e, dict) and "source" in e}

"""The events registry: dated events with sources (``data/events.yaml``), loaded and validated.

The same rules as the pledge registry (``model.registry``): human-reviewed YAML, every entry
cites where it was published, and a bad entry fails with one line naming the entry and the
field. The charts draw events as thin vertical lines on their timelines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dashboard.model.registry import (
    DATA_DIR,
    Citation,
    RegistryError,
    _citation,
    _date,
    _is_country,
    checked_entries,
    text_field,
)

EVENTS_FILE = DATA_DIR / "events.yaml"
# The chart's key names each event by its label: short enough for a phone's source line.
MAX_LABEL = 24
FIELDS = frozenset({"id", "label", "title", "date", "until", "countries", "notes", "source"})


@dataclass(frozen=True)
class Event:
    """Something that happened on a day (or over a few), drawn on the timelines."""

    id: str
    label: str                      # "Wales summit": the chart's key
    title: str                      # one line: hover text and summaries
    date: dt.date                   # where the line is drawn (the first day)
    source: Citation
    url_checked: bool
    until: dt.date | None = None    # the last day of an event over several days
    countries: tuple[str, ...] = ()  # the countries it concerns; () = every timeline
    notes: str = ""

    def concerns(self, codes: Iterable[str]) -> bool:
        """True if the event belongs on a chart of ``codes`` (an event of no country belongs on all)."""
        return not self.countries or any(c in self.countries for c in codes)

    @property
    def when(self) -> str:
        """"24 Feb 2022", "4–5 Sep 2014", "27 Feb – 18 Mar 2014": the date as a reader says it."""
        start, end = self.date, self.until
        if end is None or end == start:
            return f"{start.day} {start:%b %Y}"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end:%b %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def load_events(path: Path = EVENTS_FILE) -> list[Event]:
    """All events, validated, in date order."""
    events: list[Event] = []
    for eid, where, entry in checked_entries(path, "event", FIELDS):
        label = text_field(entry, "label", where)
        if len(label) > MAX_LABEL:
            raise RegistryError(f"{where}: label {label!r} is longer than {MAX_LABEL} characters")
        if "source" not in entry or not entry["source"]:
            raise RegistryError(f"{where}: no source — every event must cite where it was published")
        date = _date(entry.get("date"), where, "date")
        until = _date(entry["until"], where, "until") if entry.get("until") is not None else None
        if until is not None and until < date:
            raise RegistryError(f"{where}: until {until} is before date {date}")
        events.append(Event(
            id=eid, label=label, title=text_field(entry, "title", where), date=date,
            source=_citation(entry, where), url_checked=_url_checked(entry["source"], where),
            until=until, countries=_countries(entry.get("countries"), where),
            notes=str(entry.get("notes") or "").strip(),
        ))
    return sorted(events, key=lambda e: (e.date, e.id))


def on_timeline(events: Sequence[Event], codes: Iterable[str] = ()) -> tuple[Event, ...]:
    """The events that belong on a chart of ``codes`` (none given: only events of no country)."""
    wanted = tuple(codes)
    return tuple(e for e in events if e.concerns(wanted))


def _url_checked(source: object, where: str) -> bool:
    """``url_checked`` must be said, true or false: the registry records what a reviewer saw."""
    value = source.get("url_checked") if isinstance(source, dict) else None
    if not isinstance(value, bool):
        raise RegistryError(f"{where}: source url_checked must be true or false, got {value!r}")
    return value


def _countries(raw: object, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise RegistryError(f"{where}: countries must be a list of ISO3 codes")
    bad = [c for c in raw if not isinstance(c, str) or not _is_country(c)]
    if bad:
        raise RegistryError(f"{where}: countries has unknown code(s) {bad}")
    return tuple(raw)

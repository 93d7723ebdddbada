"""Events on a timeline: thin vertical lines, numbered at the top, named in the chart's key.

Pure functions over ``model.events.Event``. A chart draws the events that fall inside the
years it shows; events a few days apart (the UK's pledge and the London summit) share a
number, and numbers too close to read side by side on a phone go on a second row. The names
are in the source line (:func:`key`) and the text summary (:func:`words`), and in the hover
text of each number, so the marks stay legible at 390 px where names would collide.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dashboard.model.events import Event

EVENTS_FILE_NOTE = "data/events.yaml"
EVENT_NAME = "event"          # the annotations' and shapes' ``name``: print styling finds them by it
LINE_COLOUR = "#8C8C8C"
LABEL_COLOUR = "#444444"
LABEL_FONT = 11
ROW_PX = 16                   # a second row of numbers sits this much above the first
LABEL_PX = 19                 # height of one number's box, with its border
# Events closer than this share of the chart's x span share a number: at any width they are
# one line (the UK's pledge and the London summit are five days apart).
MERGE_SPAN = 0.012
# Numbers closer than this share of the span would touch on a phone (a boxed digit is ~14 px
# and a phone's plot ~300 px wide): the second goes on the next row; with both rows taken it
# joins the number before it.
LABEL_GAP_SPAN = 16 / 300
ROWS = 2

Position = Callable[[dt.date], float | None]


@dataclass(frozen=True)
class Mark:
    """One number at the top of a chart: the events it stands for and where their lines are."""

    number: int
    events: tuple[Event, ...]
    xs: tuple[float, ...]
    row: int

    @property
    def x(self) -> float:
        """Where the number sits: the middle of its lines."""
        return (min(self.xs) + max(self.xs)) / 2

    @property
    def names(self) -> str:
        """"Crimea annexed (27 Feb – 18 Mar 2014), Wales summit (4–5 Sep 2014)"."""
        return ", ".join(f"{e.label} ({e.when})" for e in self.events)


def decimal_year(day: dt.date) -> float:
    """A day on an axis of years: 2022-02-24 → 2022.15 (the tick "2022" is 1 January)."""
    days = 366 if calendar.isleap(day.year) else 365
    return day.year + (day.timetuple().tm_yday - 1) / days


def bar_year(day: dt.date) -> float:
    """A day on an axis of yearly bars, each centred on its year: inside its year's bar
    (2022-02-24 → 2021.65), not in the next one's left edge as a decimal year would put autumn."""
    return decimal_year(day) - 0.5


def month_position(months: Sequence[str]) -> Position:
    """A day on a category axis of months ("2022-02", …): inside its month's bar, by the day;
    None for a day outside those months."""
    index = {label: i for i, label in enumerate(months)}

    def position(day: dt.date) -> float | None:
        i = index.get(f"{day.year:04d}-{day.month:02d}")
        if i is None:
            return None
        return i - 0.5 + (day.day - 1) / calendar.monthrange(day.year, day.month)[1]
    return position


def marks(events: Sequence[Event], low: float, high: float, position: Position = decimal_year) -> list[Mark]:
    """The numbered marks for the events between ``low`` and ``high`` on the chart's x axis."""
    placed = [(e, x) for e in sorted(events, key=lambda e: e.date)
              if (x := position(e.date)) is not None and low <= x <= high]
    span = max(high - low, 1e-9)
    groups: list[list[tuple[Event, float]]] = []
    for event, x in placed:
        if groups and x - groups[-1][0][1] < MERGE_SPAN * span:
            groups[-1].append((event, x))
        else:
            groups.append([(event, x)])
    laid: list[tuple[list[tuple[Event, float]], int]] = []
    last_in_row: dict[int, float] = {}
    for group in groups:
        x = (group[0][1] + group[-1][1]) / 2
        row = next((r for r in range(ROWS) if x - last_in_row.get(r, -float("inf")) >= LABEL_GAP_SPAN * span), None)
        if row is None:  # both rows taken here: one number for this and the one before
            previous, row = laid.pop()
            group = previous + group
            x = (group[0][1] + group[-1][1]) / 2
        last_in_row[row] = x
        laid.append((group, row))
    return [Mark(i + 1, tuple(e for e, _ in group), tuple(x for _, x in group), row)
            for i, (group, row) in enumerate(laid)]


def draw(layout: dict, drawn: Sequence[Mark], layer: str = "below") -> None:
    """Add the marks to a figure's layout: a dotted line per event, a boxed number per mark.

    ``layer``: "below" the traces for line charts, "above" for bars that would hide the lines.
    """
    if not drawn:
        return
    shapes = layout.setdefault("shapes", [])
    notes = layout.setdefault("annotations", [])
    for mark in drawn:
        for x in mark.xs:
            shapes.append({"type": "line", "name": EVENT_NAME, "xref": "x", "yref": "paper", "x0": x, "x1": x,
                           "y0": 0, "y1": 1, "layer": layer, "line": {"color": LINE_COLOUR, "width": 1, "dash": "dot"}})
        notes.append({"text": str(mark.number), "name": EVENT_NAME, "xref": "x", "yref": "paper", "x": mark.x,
                      "y": 1, "xanchor": "center", "yanchor": "bottom", "yshift": ROW_PX * mark.row,
                      "showarrow": False, "font": {"size": LABEL_FONT, "color": LABEL_COLOUR},
                      "bgcolor": "#fff", "bordercolor": LINE_COLOUR, "borderwidth": 1, "borderpad": 1,
                      "hovertext": "<br>".join(f"{e.title} ({e.when})" for e in mark.events)})
    margin = layout.setdefault("margin", {})
    rows = max(m.row for m in drawn) + 1
    margin["t"] = max(int(margin.get("t", 0)), LABEL_PX + ROW_PX * (rows - 1) + 4)


def key(drawn: Sequence[Mark]) -> str:
    """The marks in the source line: "Events: 1 Crimea annexed (…); 2 … (data/events.yaml)." ("" if none)."""
    if not drawn:
        return ""
    return "Events: " + "; ".join(f"{m.number} {m.names}" for m in drawn) + f" ({EVENTS_FILE_NOTE})."


def words(drawn: Sequence[Mark]) -> str:
    """The marks in the text summary: "Numbered dotted lines mark events: 1: … ." ("" if none)."""
    if not drawn:
        return ""
    return ("Numbered dotted lines mark events: "
            + "; ".join(f"{m.number}: " + _and([f"{e.title} ({e.when})" for e in m.events]) for m in drawn) + ".")


def _and(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

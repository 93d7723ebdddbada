"""Support-to-Ukraine figures: aid by region, donors ranked, sourcing, heavy weapons (pure functions).

Inputs are the model's typed results (``model.ukraine``) and the view's rows; money is EUR
million in, EUR billion on the axis. No Dash imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dashboard.figures import events as timeline
from dashboard.figures.common import base_layout, empty_figure
from dashboard.model import Event
from dashboard.model import ukraine as model

if TYPE_CHECKING:
    from dashboard.views.ukraine import RankRow

REGION_COLOURS: dict[str, str] = {"United States": "#0072B2", "Europe": "#E69F00", "Others": "#999999"}
SOURCING_LABELS: dict[str, str] = {"stockpile": "From the donor's stocks", "procurement": "Procured from industry",
                                   "unspecified": "Not specified", "purl": "US weapons via NATO's PURL"}
SOURCING_WORDS: dict[str, str] = {"stockpile": "from stocks", "procurement": "from industry",
                                  "unspecified": "not specified", "purl": "US weapons via NATO's PURL"}
SOURCING_COLOURS: dict[str, str] = {"stockpile": "#56B4E9", "procurement": "#009E73", "unspecified": "#BBBBBB",
                                    "purl": "#D55E00"}
WEAPON_LABELS: dict[str, str] = {"tanks": "Tanks", "ifv": "Infantry fighting vehicles", "howitzers": "Howitzers",
                                 "mlrs": "Rocket launchers (MLRS)", "air_defense": "Air defence"}
WEAPON_WORDS: dict[str, str] = {"tanks": "tanks", "ifv": "infantry fighting vehicles", "howitzers": "howitzers",
                                "mlrs": "rocket launchers (MLRS)", "air_defense": "air-defence systems"}
WEAPON_COLOURS: dict[str, str] = {"tanks": "#0072B2", "ifv": "#56B4E9", "howitzers": "#E69F00", "mlrs": "#D55E00",
                                  "air_defense": "#009E73"}
# The ranking: coalition of the willing in orange (reported but unchecked members lighter), others grey.
COALITION_COLOURS: dict[str, str] = {"member": "#E69F00", "unverified": "#F3CF85", "": "#9E9E9E"}
COALITION_LABELS: dict[str, str] = {"member": "Coalition of the willing",
                                    "unverified": "Coalition (reported, unverified)", "": "Other donors"}


def axis_labels(labels: Sequence[str]) -> list[str]:
    """Period labels as category ticks: "2026 (to April)" on two lines, so a phone's axis keeps it whole."""
    return [label.replace(" (", "<br>(") for label in labels]


def bn(million: float) -> float:
    """EUR million → EUR billion, rounded for the chart."""
    return round(million / 1000.0, 4)


def regions_figure(split: model.RegionSplit, labels: Sequence[str], what: str,
                   events: Sequence[Event] = ()) -> dict[str, Any]:
    """Stacked bars per period: the United States, Europe, others; ``events``: dated events as
    numbered dotted lines, on months only (``labels`` "2022-02", …; () draws none)."""
    if not split.periods:
        return empty_figure(f"No {what.lower()} in the snapshot", 420)
    traces = [{"type": "bar", "name": region, "x": axis_labels(labels), "y": [bn(v) for v in split.values[region]],
               "marker": {"color": REGION_COLOURS[region]},
               "hovertemplate": f"{region}: €%{{y:,.2f}}bn<extra>%{{x}}</extra>"} for region in model.REGIONS]
    layout = base_layout(yaxis_title="EUR billion", height=420)
    layout["barmode"] = "stack"
    layout["xaxis"]["type"] = "category"
    layout["legend"]["traceorder"] = "normal"
    if len(labels) > 24:  # months: a tick a quarter
        layout["xaxis"]["tickvals"] = [p for p in axis_labels(labels) if p.endswith(("-01", "-04", "-07", "-10"))]
        layout["xaxis"]["tickangle"] = -45
    timeline.draw(layout, regions_marks(labels, events), layer="above")  # lines over the bars they fall in
    return {"data": traces, "layout": layout}


def regions_marks(labels: Sequence[str], events: Sequence[Event]) -> list[timeline.Mark]:
    """The events the monthly chart numbers, placed inside their month's bar (none per year)."""
    if not events or not labels or not all(len(label) == len("2022-02") for label in labels):
        return []
    return timeline.marks(events, -0.5, len(labels) - 0.5, timeline.month_position(labels))


def regions_events_key(labels: Sequence[str], events: Sequence[Event]) -> str:
    """The monthly chart's events for its source line ("" when none is drawn)."""
    return timeline.key(regions_marks(labels, events))


def regions_summary(split: model.RegionSplit, labels: Sequence[str], what: str, period: str,
                    events: Sequence[Event] = ()) -> str:
    """Each period's split in words (years), or the totals and the US's last month with aid (months),
    and the events drawn."""
    if not split.periods:
        return f"No {what.lower()} in the snapshot."
    if len(labels) > 12:
        totals = {region: sum(v) for region, v in split.values.items()}
        us_months = split.values["United States"]
        last_us = max((i for i, v in enumerate(us_months) if v > 0), default=None)
        tail = f" The last month with US {what.lower()}: {labels[last_us]}." if last_us is not None else ""
        marks = timeline.words(regions_marks(labels, events))
        return (f"{what} to Ukraine per month, {period}: the United States €{bn(totals['United States']):,.1f}bn, "
                f"Europe €{bn(totals['Europe']):,.1f}bn, others €{bn(totals['Others']):,.1f}bn.{tail}"
                + (f" {marks}" if marks else ""))
    parts = []
    for i, label in enumerate(labels):
        us, eu, other = (split.values[region][i] for region in model.REGIONS)
        share = split.share("United States", i)
        parts.append(f"{label}: US €{bn(us):,.1f}bn ({share or 0:.0f} %), Europe €{bn(eu):,.1f}bn, "
                     f"others €{bn(other):,.1f}bn")
    return f"{what} to Ukraine by year — " + "; ".join(parts) + "."


def ranking_figure(rows: Sequence[RankRow], measure: str, what: str) -> dict[str, Any]:
    """Horizontal bars, largest on top; coalition members in orange (unverified lighter), others grey."""
    if not rows:
        return empty_figure(f"No donor with {what.lower()}", 520)
    ordered = list(reversed(rows))
    fmt = ",.2f" if measure != "eur" else ",.2f"
    unit = "bn" if measure == "eur" else "%"
    traces = []
    for status in ("member", "unverified", ""):
        picked = [r for r in ordered if r.coalition == status]
        if not picked:
            continue
        names = [r.name + (" ¹" if r.stand_in else "") for r in picked]
        values = [bn(r.value) if measure == "eur" else round(r.value, 4) for r in picked]
        traces.append({"type": "bar", "orientation": "h", "name": COALITION_LABELS[status], "y": names, "x": values,
                       "marker": {"color": COALITION_COLOURS[status]},
                       "hovertemplate": f"%{{y}}: {'€' if measure == 'eur' else ''}%{{x:{fmt}}}{unit}<extra></extra>"})
    layout = base_layout(height=max(360, 22 * len(rows) + 120))
    layout["barmode"] = "stack"  # one trace per status, so each donor has exactly one bar
    layout["hovermode"] = "closest"
    layout["yaxis"] = {"categoryorder": "array", "categoryarray": [r.name + (" ¹" if r.stand_in else "")
                                                                    for r in ordered], "automargin": True}
    layout["xaxis"]["title"] = {"text": "EUR billion" if measure == "eur" else "percent"}
    layout["legend"]["traceorder"] = "normal"
    layout["margin"]["l"] = 140
    return {"data": traces, "layout": layout}


def ranking_summary(rows: Sequence[RankRow], measure: str, what: str, when: str, donors: int) -> str:
    """The top five in words, and how many of the leaders are in the coalition."""
    if not rows:
        return f"No donor with {what.lower()}, {when}."
    def value(r: RankRow) -> str:
        return f"€{bn(r.value):,.1f}bn" if measure == "eur" else f"{r.value:,.2f} %"
    top = "; ".join(f"{i + 1}. {r.name} {value(r)}" for i, r in enumerate(rows[:5]))
    leaders = rows[:10]
    in_coalition = sum(1 for r in leaders if r.coalition)
    stand_in = " ¹ GDP of an earlier year (the snapshot's latest)." if any(r.stand_in for r in rows[:20]) else ""
    return (f"{what}, {when}: {top}. {in_coalition} of the top {len(leaders)} are in the coalition of the willing "
            f"(as announced; some members unverified). {len(rows)} of the {donors} donors have a figure in this measure.{stand_in}")


def sourcing_figure(kinds: Mapping[str, Mapping[int, float]], labels: Sequence[str]) -> dict[str, Any]:
    """Stacked bars per year: stocks, industry, unspecified, PURL."""
    years = list(next(iter(kinds.values())).keys()) if kinds else []
    if not years:
        return empty_figure("No military aid in the snapshot", 420)
    traces = [{"type": "bar", "name": SOURCING_LABELS[k], "x": axis_labels(labels), "y": [bn(kinds[k][y]) for y in years],
               "marker": {"color": SOURCING_COLOURS[k]},
               "hovertemplate": f"{SOURCING_LABELS[k]}: €%{{y:,.2f}}bn<extra>%{{x}}</extra>"} for k in model.SOURCING]
    layout = base_layout(yaxis_title="EUR billion", height=420)
    layout["barmode"] = "stack"
    layout["xaxis"]["type"] = "category"
    layout["legend"]["traceorder"] = "normal"
    return {"data": traces, "layout": layout}


def sourcing_summary(kinds: Mapping[str, Mapping[int, float]], labels: Sequence[str]) -> str:
    """Each year's split by sourcing, and when PURL purchases began."""
    years = list(next(iter(kinds.values())).keys()) if kinds else []
    if not years:
        return "No military aid in the snapshot."
    parts = []
    for year, label in zip(years, labels):
        total = sum(kinds[k][year] for k in model.SOURCING)
        shares = ", ".join(f"{SOURCING_WORDS[k]} {kinds[k][year] / total * 100:.0f} %"
                           for k in model.SOURCING if total and kinds[k][year] > 0)
        parts.append(f"{label}: €{bn(total):,.1f}bn ({shares})")
    first_purl = next((label for year, label in zip(years, labels) if kinds["purl"][year] > 0), None)
    purl = f" Purchases of US weapons through NATO's PURL start in {first_purl}." if first_purl else ""
    return "Military aid by how it was sourced — " + "; ".join(parts) + "." + purl


def weapons_figure(aid: model.AidData, donors: Sequence[str], names: Mapping[str, str], what: str) -> dict[str, Any]:
    """Stacked horizontal bars per donor, one colour per category (number or EUR million)."""
    if not donors:
        return empty_figure("No heavy weapons in the snapshot", 520)
    ordered = list(reversed(donors))
    index = 0 if what == "count" else 1
    traces = [{"type": "bar", "orientation": "h", "name": WEAPON_LABELS[c], "y": [names[d] for d in ordered],
               "x": [aid.weapons.get((d, c), (0.0, 0.0))[index] for d in ordered],
               "marker": {"color": WEAPON_COLOURS[c]},
               "hovertemplate": f"{WEAPON_LABELS[c]}: %{{x:,.0f}}{'' if what == 'count' else ' EUR m'}<extra>%{{y}}</extra>"}
              for c in model.WEAPONS]
    layout = base_layout(height=max(360, 24 * len(donors) + 120))
    layout["barmode"] = "stack"
    layout["hovermode"] = "closest"
    layout["yaxis"] = {"automargin": True}
    layout["xaxis"]["title"] = {"text": "number of weapons" if what == "count" else "EUR million"}
    layout["legend"]["traceorder"] = "normal"
    layout["margin"]["l"] = 130
    return {"data": traces, "layout": layout}


def weapons_summary(aid: model.AidData, donors: Sequence[str], names: Mapping[str, str], what: str,
                    period: str) -> str:
    """The leading donors and the totals per category."""
    if not donors:
        return "No heavy weapons in the snapshot."
    index = 0 if what == "count" else 1
    totals = {c: sum(aid.weapons.get((d, c), (0.0, 0.0))[index] for d in donors) for c in model.WEAPONS}
    if what == "count":
        cats = ", ".join(f"{WEAPON_WORDS[c]} {totals[c]:,.0f}" for c in model.WEAPONS)
    else:
        cats = ", ".join(f"{WEAPON_WORDS[c]} €{bn(totals[c]):,.1f}bn" for c in model.WEAPONS)
    top = ", ".join(names[d] for d in donors[:3])
    return f"Heavy weapons for Ukraine, {period}, by {len(donors)} donors: {cats}. Most from {top}."


AID_COLOURS: dict[str, str] = {"military": "#0072B2", "financial": "#009E73", "humanitarian": "#E69F00"}


def donor_figure(years: Sequence[str], by_type: Mapping[str, Sequence[float]], name: str) -> dict[str, Any]:
    """One donor's aid per year, stacked by type (military, financial, humanitarian)."""
    if not years:
        return empty_figure(f"No aid to Ukraine from {name} in the snapshot", 320)
    traces = [{"type": "bar", "name": kind.capitalize(), "x": axis_labels(years), "y": [bn(v) for v in by_type[kind]],
               "marker": {"color": AID_COLOURS[kind]},
               "hovertemplate": f"{kind.capitalize()}: €%{{y:,.2f}}bn<extra>%{{x}}</extra>"} for kind in model.AID_TYPES]
    layout = base_layout(yaxis_title="EUR billion", height=320)
    layout["barmode"] = "stack"
    layout["xaxis"]["type"] = "category"
    layout["legend"]["traceorder"] = "normal"
    return {"data": traces, "layout": layout}


PROMISED_COLOURS: tuple[str, str] = ("#BBBBBB", "#0072B2")   # promised to date (grey), allocated (blue)


def promised_figure(labels: Sequence[str], to_date: Sequence[float], allocated: Sequence[float],
                    hover: Sequence[str], through: str) -> dict[str, Any]:
    """Pairs of horizontal bars on a log axis, largest promise on top: the promise pro rata to
    ``through`` (grey) and what Kiel counts as allocated in the same months (blue), each
    labelled with its value. EUR million in; a zero has no bar on a log axis but keeps its label."""
    if not labels:
        return empty_figure("No commitment overlaps the Kiel release's months", 360)
    order = list(reversed(range(len(labels))))
    names = [labels[i] for i in order]
    traces = [{"type": "bar", "orientation": "h", "name": name, "y": names,
               "x": [bn(values[i]) for i in order], "marker": {"color": colour},
               "text": [f"€{bn(values[i]):,.2f}bn" for i in order], "textposition": "outside",
               "cliponaxis": False, "textfont": {"size": 11},
               "customdata": [hover[i] for i in order],
               "hovertemplate": f"{name}: €%{{x:,.2f}}bn<br>%{{customdata}}<extra></extra>"}
              # allocated first: plotly stacks a group's bars bottom-up, so the promise reads on top
              for name, values, colour in (("Allocated in the same months (Kiel)", allocated, PROMISED_COLOURS[1]),
                                           (f"Promised, pro rata to {through}", to_date, PROMISED_COLOURS[0]))]
    layout = base_layout(height=max(360, 46 * len(labels) + 130))
    layout["barmode"] = "group"
    layout["hovermode"] = "closest"
    layout["yaxis"] = {"categoryorder": "array", "categoryarray": names, "automargin": True}
    # a log axis: promises run from €0.05bn (a Finnish package) to €160bn (US appropriations),
    # and on a linear one every European bar would vanish beside the American ones
    layout["xaxis"].update({"type": "log", "dtick": 1, "title": {"text": "EUR billion (log scale)"},
                            "showgrid": True, "gridcolor": "#e5e5e5"})
    # the key above the bars: below a tall chart it would sit far from the first pair
    layout["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
                        "traceorder": "reversed"}
    layout["margin"]["t"] = 40
    layout["margin"]["b"] = 56
    layout["margin"]["l"] = 150
    layout["margin"]["r"] = 60
    return {"data": traces, "layout": layout}

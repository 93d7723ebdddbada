"""Country figures: share of GDP by source with pledges, spending, money gaps (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.editions import edition_short
from dashboard.figures import events as timeline
from dashboard.figures.common import (
    ESTIMATE_DASH,
    LABELS_OVERFLOW,
    SOURCE_COLOURS,
    STATUS_COLOURS,
    base_layout,
    empty_figure,
    split_estimates,
    wrap_label,
)
from dashboard.figures.palette import distinct_colours
from dashboard.model import Event, MoneyGap, Progress
from dashboard.model.budgets import DEFINITION_LABELS, DEFINITION_SHORT, Budget
from dashboard.model.nowcast import Nowcast
from dashboard.schema import SOURCE_LABELS
from dashboard.views.labels import STATUS_LABELS, source_line
from dashboard.views.series import CountrySeries, ShareSeries, cut

# The order the share chart draws its sources in (later lines on top): the World Bank
# republishes SIPRI's shares, so it goes first and thin, and SIPRI stays visible.
DRAW_ORDER: dict[str, int] = {"worldbank": 0, "eurostat": 1, "sipri": 2, "nato": 3}
# What each publisher's share of GDP measures: the source line names only those drawn.
DEFINITIONS: dict[str, str] = {"nato": "share of real GDP, NATO definition", "sipri": "SIPRI definition",
                               "worldbank": "SIPRI definition", "eurostat": "COFOG 02"}
# Why a line can lie exactly under another (said in the summary, so no reader hunts for it).
COINCIDENCE_REASONS: dict[tuple[str, str], str] = {
    ("worldbank", "sipri"): "the World Bank republishes SIPRI's figures"}
# Two lines closer than this (points of GDP) in every year they share look like one line.
COINCIDE_PP = 0.005
# Pledge paths: each its own colour (never a publisher's) and dash, so none is told apart by
# dash alone; the star marks the target.
PLEDGE_DASHES: tuple[str, ...] = ("dash", "dashdot", "longdash", "longdashdot")
STAR_SIZE = 14
# Targets in the same year closer than this share of the y axis would draw overlapping stars
# (a 14 px star on a ~370 px plot): they get one star, with both targets in its hover text.
STAR_MERGE_SHARE = 0.04


def share_figure(series: Sequence[ShareSeries], pledges: Sequence[Progress], name: str, start: int = 0,
                 nowcasts: Sequence[Nowcast] = (), events: Sequence[Event] = (),
                 budgets: Sequence[Budget] = ()) -> dict:
    """Share of GDP over time, one line per source (estimates dotted), pledge targets and paths.

    ``series``: the latest edition of each source; ``pledges``: the model's progress rows
    for the country; ``nowcasts``: NATO's share for later years from fresher outturn, drawn
    as hollow points with their interval (never joined to NATO's line); ``events``: dated
    events (``model.events``) drawn as numbered dotted lines; () draws none; ``budgets``: the
    government's own budget figures with a share of GDP, drawn as diamonds (filled: adopted or
    spent; hollow: a draft, plan or request), never joined into a line.
    """
    series = cut(list(series), start)
    if not series:
        return empty_figure(f"No published share of GDP for {name}")
    traces: list[dict] = []
    under = {hidden.source: covering for hidden, covering, _ in hidden_lines(series)}
    for s in sorted(series, key=lambda s: DRAW_ORDER.get(s.source, 9)):
        label = SOURCE_LABELS.get(s.source, s.source)
        colour = SOURCE_COLOURS.get(s.source, "#444")
        actual, est = split_estimates(list(s.years), list(s.values), list(s.estimate))
        width = 1 if s.source == "worldbank" else 2.5
        over = under[s.source].source if s.source in under else ""
        legend = f"{label} ({s.edition})" + (f", under {SOURCE_LABELS.get(over, over)}'s line" if over else "")
        traces.append({"type": "scatter", "mode": "lines", "name": legend, "x": actual["x"],
                       "y": actual["y"], "line": {"color": colour, "width": width}, "legendgroup": s.source,
                       "hovertemplate": f"{label} {s.edition}: %{{y:.2f}}%<extra></extra>"})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{label} estimate",
                           "x": est["x"], "y": est["y"], "legendgroup": s.source, "showlegend": False,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH},
                           "marker": {"size": 5},
                           "hovertemplate": f"{label} {s.edition} (estimate): %{{y:.2f}}%<extra></extra>"})
    traces += nowcast_traces(nowcasts)
    traces += budget_traces([b for b in budgets if b.year >= start])
    traces += pledge_traces(distinct_targets(share_pledges(pledges)), _y_top(series, pledges, budgets))
    layout = base_layout(yaxis_title="% of GDP", height=460)
    layout["yaxis"]["rangemode"] = "tozero"
    timeline.draw(layout, share_marks(series, pledges, events))
    return {"data": traces, "layout": layout}


def pledge_traces(rows: Sequence[Progress], y_top: float) -> list[dict]:
    """Each pledge's path (or floor) in its own colour and dash, a star at its target; targets
    that would draw overlapping stars share one star that names them all."""
    colours = distinct_colours([None] * len(rows), taken=SOURCE_COLOURS.values())
    clusters = star_clusters(rows, y_top)
    shared = {id(r) for cluster in clusters if len(cluster) > 1 for r in cluster}
    traces: list[dict] = []
    groups: dict[int, tuple[str, str]] = {}
    for i, row in enumerate(rows):
        label = pledge_label(row)
        path = drawn_path(row)
        colour = colours[i]
        groups[id(row)] = (label, colour)
        star = 0 if id(row) in shared else STAR_SIZE
        floor = is_floor(row)
        hover = (f"{row.title}: floor at %{{y:.2f}}% to {row.target_year} (already met)" if floor
                 else f"{row.title}: path %{{y:.2f}}% in %{{x}}")
        traces.append({"type": "scatter", "mode": "lines+markers", "name": label, "legendgroup": label,
                       "x": [p[0] for p in path], "y": [p[1] for p in path],
                       "line": {"color": colour, "width": 1.5, "dash": PLEDGE_DASHES[i % len(PLEDGE_DASHES)]},
                       "marker": {"size": [0] * (len(path) - 1) + [star], "symbol": "star", "color": colour,
                                  "line": {"color": "#222", "width": 1}},
                       "hovertemplate": hover + "<extra></extra>"})
    for cluster in clusters:
        if len(cluster) < 2:
            continue
        label, colour = groups[id(cluster[0])]  # drawn with the first pledge: the same series
        targets = [r.target_share_pct or 0.0 for r in cluster]
        text = "<br>".join(f"{pledge_label(r)}: {r.title}" for r in cluster)
        traces.append({"type": "scatter", "mode": "markers", "name": " and ".join(pledge_label(r) for r in cluster),
                       "legendgroup": label, "showlegend": False, "x": [cluster[0].target_year],
                       "y": [sum(targets) / len(targets)], "text": [text],
                       "marker": {"size": STAR_SIZE, "symbol": "star", "color": colour,
                                  "line": {"color": "#222", "width": 1}},
                       "hovertemplate": "%{text}<extra></extra>"})
    return traces


def pledge_label(row: Progress) -> str:
    """"2.5% by 2027 (off track)": a pledge in the legend and the summaries."""
    return f"{row.target_share_pct:g}% by {row.target_year} ({STATUS_LABELS.get(row.status, row.status).lower()})"


def is_floor(row: Progress) -> bool:
    """A pledge the latest figure already meets: spending must not fall below it, not come down to it."""
    target = row.target_share_pct
    return target is not None and (row.status == "met" or (row.latest_share_pct is not None
                                                           and row.latest_share_pct >= target))


def drawn_path(row: Progress) -> list[tuple[int, float]]:
    """Where a pledge's line runs: the required path from the latest year to the target; for a
    pledge already met, a floor at the target from the latest year to the deadline (Poland at
    4.1 % needs no cut to reach 3.5 % by 2035)."""
    target = row.target_share_pct
    assert target is not None  # share_pledges keeps only rows with a share target
    if is_floor(row):
        start = row.latest_year if row.latest_year is not None else row.target_year
        return [(start, target), (row.target_year, target)] if start < row.target_year else [(row.target_year, target)]
    return list(row.required_path)[1:] or [(row.target_year, target)]


def star_clusters(rows: Sequence[Progress], y_top: float) -> list[list[Progress]]:
    """The pledges whose stars would overlap (same year, targets within ``STAR_MERGE_SHARE`` of
    the axis), together; every other pledge alone."""
    clusters: list[list[Progress]] = []
    for row in sorted(rows, key=lambda r: (r.target_year, r.target_share_pct or 0.0)):
        last = clusters[-1][-1] if clusters else None
        if (last is not None and last.target_year == row.target_year
                and abs((row.target_share_pct or 0.0) - (last.target_share_pct or 0.0)) < STAR_MERGE_SHARE * y_top):
            clusters[-1].append(row)
        else:
            clusters.append([row])
    return clusters


def hidden_lines(series: Sequence[ShareSeries]) -> list[tuple[ShareSeries, ShareSeries, tuple[int, int]]]:
    """(hidden, covering, (first, last year)): a source's line drawn exactly under a later one
    in every year both publish (the World Bank's under SIPRI's)."""
    ordered = sorted(series, key=lambda s: DRAW_ORDER.get(s.source, 9))
    found = []
    for i, low in enumerate(ordered):
        mine = dict(zip(low.years, low.values))
        for high in ordered[i + 1:]:
            shared = [(y, v) for y, v in zip(high.years, high.values) if y in mine]
            if len(shared) >= 2 and all(abs(mine[y] - v) <= COINCIDE_PP for y, v in shared):
                found.append((low, high, (shared[0][0], shared[-1][0])))
                break
    return found


def hidden_words(series: Sequence[ShareSeries]) -> str:
    """The summary's sentence on lines hidden under others ("" if none)."""
    parts = []
    for low, high, (first, last) in hidden_lines(series):
        a, b = SOURCE_LABELS.get(low.source, low.source), SOURCE_LABELS.get(high.source, high.source)
        why = COINCIDENCE_REASONS.get((low.source, high.source))
        parts.append(f"{a}'s line coincides with {b}'s in every year both publish ({first}–{last})"
                     + (f": {why}" if why else "") + f", so it lies hidden under {b}'s.")
    return " ".join(parts)


def share_marks(series: Sequence[ShareSeries], pledges: Sequence[Progress],
                events: Sequence[Event]) -> list[timeline.Mark]:
    """The events the share chart numbers: from its first year to its last (data or pledge)."""
    if not series or not events:
        return []
    first = min(s.years[0] for s in series)
    last = max([s.years[-1] for s in series] + [r.target_year for r in share_pledges(pledges)]
               + [timeline.decimal_year(e.date) for e in events])
    return timeline.marks(events, first, last)


def _y_top(series: Sequence[ShareSeries], pledges: Sequence[Progress], budgets: Sequence[Budget] = ()) -> float:
    """The top of the share chart's y axis (it starts at zero), for telling overlapping stars."""
    values = [v for s in series for v in s.values] + [r.target_share_pct or 0.0 for r in share_pledges(pledges)]
    values += [b.share for b in budgets if b.share is not None]
    return max(values, default=1.0) * 1.05


BUDGET_MARKS: tuple[tuple[bool, str, str], ...] = (
    (True, "diamond", "adopted or spent"),
    (False, "diamond-open", "draft, plan or request"),
)


def budget_traces(budgets: Sequence[Budget]) -> list[dict]:
    """The government's budget figures with a share of GDP: one diamond each (filled: law or
    spent; hollow: a draft, plan or request), in one legend group, each named in its hover."""
    colour = SOURCE_COLOURS["national"]
    traces: list[dict] = []
    drawn = [b for b in budgets if b.share is not None]
    # one legend entry for both marks (a phone's legend has no room for two): the filled and
    # hollow diamonds are told apart in the name, the hover and the source line
    legend = (f"Budgets, {DEFINITION_SHORT[drawn[0].definition]} (◆ adopted, ◇ draft/plan)" if drawn else "")
    for binding, symbol, words in BUDGET_MARKS:
        shown = [b for b in drawn if b.binding == binding]
        if not shown:
            continue
        traces.append({"type": "scatter", "mode": "markers", "name": legend if not traces else words,
                       "showlegend": not traces, "legendgroup": "national",
                       "x": [b.year for b in shown], "y": [round(b.share or 0.0, 4) for b in shown],
                       "text": [budget_hover(b) for b in shown],
                       "marker": {"symbol": symbol, "size": 11, "color": colour, "line": {"color": colour, "width": 2}},
                       "hovertemplate": "%{text}<extra></extra>"})
    return traces


def budget_hover(b: Budget) -> str:
    """``2026 adopted budget: 4.81% of GDP (stated)<br>PLN 200.1 billion, …<br>Ministry …, 5 Dec 2025``."""
    how = "stated" if b.share_stated is not None else "computed from projected GDP"
    stage = b.stage_label + (" in force" if b.under_way else "")
    amount = f"{b.amount_text()}, " if b.amount is not None else ""
    return (f"{b.year_label} {stage}: {b.share:.2f}% of GDP ({how})<br>{amount}"
            f"{DEFINITION_LABELS[b.definition]}<br>{wrap_label(b.document.publisher, 48, 2)}, "
            f"{b.document.date_text()}")


def budget_words(budgets: Sequence[Budget]) -> str:
    """The drawn budget figures in a sentence ("" when none has a share)."""
    shown = [b for b in budgets if b.share is not None]
    if not shown:
        return ""
    return (f"Government budgets ({DEFINITION_SHORT[shown[0].definition]}): "
            + "; ".join(f"{b.year_label} {b.stage_label} {b.share:.2f}%"
                        + ("" if b.share_stated is not None else " (computed)") for b in shown) + ".")


def nowcast_traces(nowcasts: Sequence[Nowcast]) -> list[dict]:
    """Hollow points with their 90 % interval: NATO's measure for years NATO has not published."""
    traces = []
    for cast in nowcasts:
        fresher, when = _fresher(cast)
        caveat = "" if cast.beats_carry else " (did not beat carry-forward)"
        # the budget's document date says little in a legend: "from its budget"
        origin = "its budget" if cast.fresher.startswith("national") else f"{fresher} {when}"
        # NATO's own measure, carried forward: NATO's colour and legend group (it toggles with NATO's line)
        traces.append({"type": "scatter", "mode": "markers", "x": [cast.year],
                       "name": wrap_label(f"NATO nowcast {cast.year}, from {origin}{caveat}", 48, 2), "y": [round(cast.value, 4)], "legendgroup": "nato",
                       "marker": {"symbol": "circle-open", "size": 12, "color": SOURCE_COLOURS["nato"],
                                  "line": {"width": 2.5}},
                       "error_y": {"type": "data", "symmetric": False, "array": [round(cast.high - cast.value, 4)],
                                   "arrayminus": [round(cast.value - cast.low, 4)], "color": SOURCE_COLOURS["nato"],
                                   "thickness": 1.5, "width": 6},
                       "hovertemplate": f"Nowcast {cast.year}: %{{y:.2f}}% (90 % interval {cast.low:.2f}–"
                                        f"{cast.high:.2f}){caveat}<extra></extra>"})
    return traces


def _fresher(cast: Nowcast) -> tuple[str, str]:
    """Who the nowcast's fresher figure is from, and when: ``Eurostat``, ``April 2026``;
    a government's budget: ``the government's budget``, its document's date."""
    source, _, edition = cast.fresher.partition(" ")
    if source == "national":
        return "the government's budget", edition_short(source, edition)
    return SOURCE_LABELS.get(source, source), edition_short(source, edition)


def nowcast_words(nowcasts: Sequence[Nowcast]) -> str:
    """The nowcasts in a sentence ("" when there are none)."""
    parts = []
    for cast in nowcasts:
        who, when = _fresher(cast)
        what = (f"{who} ({when})" if cast.fresher.startswith("national") else f"{who}'s {when} outturn")
        parts.append(f"{cast.year} {cast.value:.2f}% (90 % interval {cast.low:.2f}–{cast.high:.2f}), from {what}"
                     + ("" if cast.beats_carry else "; in the backtest it did not beat carrying NATO's last "
                        "value forward"))
    return ("Nowcast of NATO's measure (not published by NATO): " + "; ".join(parts) + ".") if parts else ""


def share_summary(series: Sequence[ShareSeries], pledges: Sequence[Progress], name: str,
                  nowcasts: Sequence[Nowcast] = (), events: Sequence[Event] = (),
                  budgets: Sequence[Budget] = ()) -> str:
    """A text version of the chart (alt text and screen readers); ``series`` as drawn (cut to the
    first year shown), ``events`` as given to :func:`share_figure`."""
    if not series:
        return f"No source publishes {name}'s defence spending as a share of GDP."
    parts = [f"{SOURCE_LABELS.get(s.source, s.source)}: {s.values[-1]:.2f}% in {s.years[-1]}"
             + (" (estimate)" if s.estimate[-1] else "") for s in series]
    text = f"{name}, defence spending as a share of GDP. Latest: " + "; ".join(parts) + "."
    hidden = hidden_words(series)
    if hidden:
        text += " " + hidden
    if nowcasts:
        text += " " + nowcast_words(nowcasts)
    if budget_words(budgets):
        text += " " + budget_words(budgets)
    goals = distinct_targets(share_pledges(pledges))
    if goals:
        text += " Pledges: " + "; ".join(pledge_label(r) + (" — drawn as a floor to the deadline" if is_floor(r)
                                                            and r.target_year > (r.latest_year or 0) else "")
                                         for r in goals) + "."
        shared = [c for c in star_clusters(goals, _y_top(series, pledges, budgets)) if len(c) > 1]
        text += "".join(f" The targets {' and '.join(f'{r.target_share_pct:g}%' for r in c)} for {c[0].target_year} "
                        "are marked by one star." for c in shared)
    marks = timeline.words(share_marks(series, pledges, events))
    return f"{text} {marks}" if marks else text


def share_definitions(sources: Sequence[str]) -> str:
    """What the drawn sources' shares measure, only theirs: "NATO: share of real GDP, NATO
    definition; SIPRI and World Bank: SIPRI definition"."""
    by_definition: dict[str, list[str]] = {}
    for source in sorted(dict.fromkeys(sources), key=lambda s: -DRAW_ORDER.get(s, -1)):
        if source in DEFINITIONS:
            by_definition.setdefault(DEFINITIONS[source], []).append(SOURCE_LABELS.get(source, source))
    return "; ".join(f"{' and '.join(names)}: {definition}" for definition, names in by_definition.items())


def share_source(series: Sequence[ShareSeries], nowcasts: Sequence[Nowcast] = (), events: Sequence[Event] = (),
                 pledges: Sequence[Progress] = (), budgets: Sequence[Budget] = ()) -> str:
    """Source line for the share chart: the sources drawn (``series`` cut as drawn), their
    definitions, and the key to the numbered events (give the figure's ``pledges`` too: the
    events drawn run to the last pledge's year)."""
    definitions = share_definitions([s.source for s in series])
    note = (f"{definitions}. " if definitions else "") + "Dotted: estimates."
    if nowcasts:
        note += (" Hollow points: this dashboard's nowcast of NATO's measure — NATO's last level × the fresher "
                 "source's spending growth ÷ nominal GDP growth, with a 90 % interval from its backtest "
                 "(Sources page).")
    drawn = [b for b in budgets if b.share is not None]
    if drawn:
        note += (" Diamonds: the government's own budget figures (filled: adopted or spent; hollow: draft, plan or "
                 f"request) on one definition ({DEFINITION_SHORT[drawn[0].definition]}), from "
                 + "; ".join(dict.fromkeys(b.document.short() for b in drawn)) + " (data/budgets.yaml).")
    key = timeline.key(share_marks(series, pledges, events))
    pairs = [(s.source, s.edition) for s in series] + ([("national", None)] if drawn else [])
    return source_line(pairs, f"{note} {key}" if key else note)


def share_frame(series: Sequence[ShareSeries], start: int = 0, nowcasts: Sequence[Nowcast] = (),
                budgets: Sequence[Budget] = ()) -> pd.DataFrame:
    """The data behind the share chart (for CSV download); nowcasts as rows of source "nowcast",
    the government's budgets as rows of source "national" (their flags name stage, definition
    and document)."""
    rows = [{"source": s.source, "edition": s.edition, "year": y, "share_of_gdp_pct": v,
             "estimate": e, "flags": f, "price_base": s.price_base}
            for s in cut(list(series), start) for y, v, e, f in zip(s.years, s.values, s.estimate, s.flags)]
    rows += [{"source": "nowcast", "edition": c.edition, "year": c.year, "share_of_gdp_pct": c.value,
              "estimate": True, "flags": c.flags, "price_base": f"as NATO {c.base_edition}"}
             for c in nowcasts if c.year >= start]
    rows += [{"source": "national", "edition": b.edition, "year": b.year, "share_of_gdp_pct": b.share,
              "estimate": b.estimate, "flags": f"stage={b.stage} definition={b.definition} share="
              f"{'stated' if b.share_stated is not None else 'computed'} document={b.document.url}",
              "price_base": "current"} for b in budgets if b.share is not None and b.year >= start]
    return pd.DataFrame(rows, columns=["source", "edition", "year", "share_of_gdp_pct", "estimate", "flags",
                                       "price_base"])


def money_gaps(pledges: Sequence[Progress]) -> list[tuple[Progress, MoneyGap]]:
    """The pledges with an open money gap (more spending needed), with it."""
    return [(r, r.money_gap) for r in pledges if r.money_gap is not None and r.money_gap["lcu_million"] > 0]


def money_gap_figure(pledges: Sequence[Progress], name: str) -> dict:
    """Extra spending a year each share pledge needs in its target year (national currency)."""
    rows = money_gaps(pledges)
    if not rows:
        return empty_figure(f"No open money gap for {name}: every measurable pledge is met")
    currency = rows[0][1]["currency"]
    titles = [f"{r.title} ({r.target_year})" for r, _ in rows]
    labels = [wrap_label(t, GAP_LABEL_CHARS, GAP_LABEL_LINES) for t in titles]
    values = [gap["lcu_million"] / 1000 for _, gap in rows]
    layout = base_layout(yaxis_title="", height=money_gap_height(pledges))
    layout["xaxis"] = {"title": {"text": wrap_label(f"{currency} billion a year, in the target year", GAP_LABEL_CHARS)},
                       "gridcolor": "#e5e5e5", "automargin": True, **LABELS_OVERFLOW}
    layout["yaxis"] = {"automargin": True, "tickfont": {"size": 11}, "autorange": "reversed"}
    layout["margin"] = {**layout["margin"], "l": 8, "b": 16}
    layout["hovermode"] = "closest"
    return {"data": [{"type": "bar", "orientation": "h", "x": values, "y": labels, "customdata": titles,
                      "marker": {"color": [STATUS_COLOURS.get(r.status, "#666") for r, _ in rows]},
                      "text": [f"{v:,.1f}bn" for v in values], "textangle": 0,
                      # inside long bars, beside short ones: never turned sideways or shrunk to fit
                      # (the bar's width in px depends on the screen; its share of the longest does not)
                      "textposition": ["inside" if v >= GAP_LABEL_INSIDE * max(values) else "outside"
                                       for v in values], "cliponaxis": False,
                      "hovertemplate": f"%{{customdata}}: %{{x:,.1f}}bn {currency}<extra></extra>"}],
            "layout": layout}


# A pledge's title beside its bar, wrapped at a fixed width that leaves a 390-px phone room for the
# bars (the full title is in the hover text); each bar gets the height of its label's lines.
GAP_LABEL_CHARS = 26
# A money-gap bar at least this share of the longest carries its label inside (room on a phone)
GAP_LABEL_INSIDE = 0.45
GAP_LABEL_LINES = 3
GAP_LINE_PX = 15


def money_gap_height(pledges: Sequence[Progress]) -> int:
    """The money-gap chart's height: its bars, each as tall as its wrapped label, and the axis."""
    rows = money_gaps(pledges)
    lines = [min(GAP_LABEL_LINES, len(wrap_label(f"{r.title} ({r.target_year})", GAP_LABEL_CHARS).split("<br>")))
             for r, _ in rows]
    return max(240, sum(GAP_LINE_PX * n + 16 for n in lines) + 110)


def money_gap_frame(pledges: Sequence[Progress]) -> pd.DataFrame:
    """The data behind the money-gap chart (for CSV download), with assumptions."""
    out = []
    for r in pledges:
        m = r.money_gap
        out.append({"pledge": r.id, "title": r.title, "target_share_pct": r.target_share_pct,
                    "target_year": r.target_year, "status": r.status, "latest_share_pct": r.latest_share_pct,
                    "latest_source": r.latest_source, "latest_edition": r.latest_edition,
                    "currency": m["currency"] if m else None, "money_gap_lcu_million": m["lcu_million"] if m else None,
                    "money_gap_usd_million": m["usd_million"] if m else None,
                    "money_gap_eur_million": m["eur_million"] if m else None,
                    "assumptions": " | ".join(r.assumptions)})
    return pd.DataFrame(out)


def spending_figure(spending: Sequence[CountrySeries], name: str, measure: str) -> dict:
    """Spending over time by source: ``measure`` is "lcu", "usd" (current) or "usd_constant"."""
    if not spending:
        return empty_figure(f"No spending figures for {name} in this measure")
    traces = []
    for line in spending:
        actual, est = split_estimates(list(line.years), [v / 1000 for v in line.values], list(line.estimate))
        label = f"{SOURCE_LABELS.get(line.source, line.source)} ({line.edition}, {line.price_base})"
        colour = SOURCE_COLOURS.get(line.source, "#444")
        traces.append({"type": "scatter", "mode": "lines", "name": label, "x": actual["x"], "y": actual["y"],
                       "line": {"color": colour, "width": 2}, "legendgroup": label,
                       "hovertemplate": f"{label}: %{{y:,.1f}}bn<extra></extra>"})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines", "name": f"{label} estimate", "showlegend": False,
                           "x": est["x"], "y": est["y"], "legendgroup": label,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH},
                           "hovertemplate": f"{label} (estimate): %{{y:,.1f}}bn<extra></extra>"})
    unit = spending[0].unit.replace(" million", "")
    layout = base_layout(yaxis_title=f"{unit} billion", height=380)
    return {"data": traces, "layout": layout}


def distinct_targets(pledges: Sequence[Progress]) -> list[Progress]:
    """One row per (target, year): a national pledge hides the same alliance target."""
    ordered = sorted(pledges, key=lambda r: r.actor != r.country)
    seen: set[tuple[float | None, int]] = set()
    out = []
    for r in ordered:
        key = (r.target_share_pct, r.target_year)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def share_pledges(pledges: Sequence[Progress]) -> list[Progress]:
    """Pledges with a share-of-GDP target that can be drawn (not related spending, not equipment)."""
    return [r for r in pledges if r.target_share_pct is not None and r.unit == "percent of GDP"
            and r.scope != "related"]

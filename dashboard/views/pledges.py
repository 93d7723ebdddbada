"""The pledge tracker's table: one display row per pledge × country, and what filters it.

``pledge_table`` turns the model's progress rows into flat, provenance-carrying rows (the
grid, its CSV, the export's pledge charts read them); :class:`Tracker` holds everything
the Pledges page looks up, built once per ``ViewData``: the grid's records, the search
text, the CSV lines, the status counts by filter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast
from urllib.parse import urlparse

import pandas as pd

from dashboard import editions
from dashboard.model import STATUSES, MoneyGap, Pledge, Progress, nowcast
from dashboard.schema import SOURCE_LABELS
from dashboard.views.labels import STATUS_LABELS
from dashboard.views.tabular import comment_line, csv_value

ALL = "all"  # the status filter's default: every pledge in force, whatever its status
# Pledges no longer in force (registry lifecycle) are the tracker's history: off by default,
# shown on their own ("history") or with the current ones ("every").
HISTORY, EVERY = "history", "every"
STATUS_FILTERS: tuple[str, ...] = (ALL, *STATUSES, HISTORY, EVERY)
LIFECYCLE_LABELS: dict[str, str] = {"superseded": "Superseded", "lapsed": "Lapsed"}
KIND_UNITS: dict[str, str] = {"share_gdp": "of GDP", "equipment_share": "of defence spending on equipment"}
TABLE_COLUMNS: tuple[str, ...] = (
    "key", "id", "actor", "iso3", "country", "title", "kind", "target", "target_text", "target_share_pct",
    "target_year", "deadline_text", "basis", "scope", "commitment", "latest_share_pct", "latest_year",
    "latest_is_estimate", "latest_source", "latest_edition", "latest_text", "latest_from", "latest_age", "progress_pct", "gap_pp",
    "money_gap_currency", "money_gap_year", "money_gap_lcu_bn", "money_gap_usd_bn", "money_gap_eur_bn",
    "money_gap_text", "status", "status_label", "status_reason", "lifecycle", "history_text", "lifecycle_url",
    "source_url", "source_site", "assumptions",
)
# The grid's fields: the table's columns the grid shows or filters on, plus two markdown links.
GRID_FIELDS: tuple[str, ...] = (
    "key", "country_link", "country", "iso3", "actor", "id", "title", "target", "target_text", "target_year",
    "deadline_text", "basis", "scope", "commitment", "latest_share_pct", "latest_text", "latest_from", "latest_age", "progress_pct",
    "gap_pp",
    "money_gap_usd_bn", "money_gap_text", "status", "status_label", "status_reason", "history_text", "source_link",
)
CSV_DROP: tuple[str, ...] = ("key", "source_site")
SEARCHED: tuple[str, ...] = ("country", "iso3", "actor", "id", "title", "status_label", "basis", "scope",
                             "commitment", "latest_from", "target_text", "history_text")
# The grid's rows as the browser reports them are read up to this many (the table has a
# few hundred); the answer never holds a row twice, nor one the table lacks.
MAX_SHOWN_ROWS = 5000


def pledge_table(progress: Sequence[Progress], name: Callable[[str], str]) -> pd.DataFrame:
    """One row per pledge × country, with display text beside every number."""
    return pd.DataFrame([_row(r, name) for r in progress], columns=list(TABLE_COLUMNS))


def status_counts(table: pd.DataFrame, group_actors: set[str] | frozenset[str]) -> pd.DataFrame:
    """Per group pledge (in registry order): id, title, label, and a count per status.

    Plain-Python counting: this runs in a callback, and pandas' groupby costs ~10 ms here.
    """
    counts: dict[str, dict[str, int]] = {}
    first: dict[str, tuple[str, str]] = {}
    for pid, actor, status, title, target_text, year in zip(
            table["id"], table["actor"], table["status"], table["title"], table["target_text"],
            table["target_year"]):
        if actor not in group_actors or status not in STATUSES:  # superseded, lapsed: history, not a status
            continue
        if pid not in counts:
            counts[pid] = dict.fromkeys(STATUSES, 0)
            first[pid] = (title, short_label(title, target_text, int(year)))
        if status in counts[pid]:
            counts[pid][status] += 1
    columns: dict[str, list[Any]] = {"id": list(counts), "title": [first[i][0] for i in counts],
                                     "label": [first[i][1] for i in counts]}
    columns.update({s: [counts[i][s] for i in counts] for s in STATUSES})
    return pd.DataFrame(columns, columns=["id", "title", "label", *STATUSES])


def short_label(title: str, target_text: str, target_year: int) -> str:
    """"NATO Hague summit<br>3.5% of GDP by 2035": fits a phone-width axis."""
    head = title.split(":", 1)[0].strip()
    return f"{head}<br>{target_text.replace(' of defence spending on equipment', ' on equipment')} by {target_year}"


@dataclass
class Tracker:
    """Everything the Pledges page looks up, computed once from the table."""

    table: pd.DataFrame
    group_actors: frozenset[str]
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # every country a row binds, by name (the Country filter)
    # group id → its members among those countries: the Country filter also offers a group's
    # countries together (Indo-Pacific partners, the EU…), whoever made the pledges
    regions: dict[str, frozenset[str]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)
    search: list[str] = field(default_factory=list)
    sources: list[tuple[tuple[str, str], ...]] = field(default_factory=list)  # per row: its figure's sources
    csv_header: str = ""
    csv_lines: list[str] = field(default_factory=list)
    _counts: dict[tuple[int, ...], pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, progress: Sequence[Progress], name: Callable[[str], str],
              group_actors: frozenset[str], headline: frozenset[str] = frozenset(),
              this_year: int | None = None, groups: dict[str, frozenset[str]] | None = None) -> Tracker:
        """The tracker of every progress row, in reading order (:func:`reading_order`);
        ``groups``: group id → members, offered by the Country filter (those with a row)."""
        this_year = this_year or dt.date.today().year
        ordered = sorted(progress, key=lambda r: reading_order(r, name(r.country), group_actors, headline, this_year))
        table = pledge_table(ordered, name)
        tracker = cls(table=table, group_actors=group_actors, actors=tuple(dict.fromkeys(table["actor"])))
        tracker.records = _grid_records(table)
        tracker.keys = {k: i for i, k in enumerate(table["key"])}
        tracker.countries = tuple(sorted(set(table["iso3"]), key=name))
        bound = set(tracker.countries)
        tracker.regions = {g: frozenset(m) & bound for g, m in (groups or {}).items() if frozenset(m) & bound}
        tracker.search = [" ".join(str(v) for v in row if v is not None).lower()
                          for row in table[list(SEARCHED)].itertuples(index=False, name=None)]
        tracker.sources = [_figure_sources(s, e) for s, e in zip(table["latest_source"], table["latest_edition"])]
        tracker.csv_header, tracker.csv_lines = _csv_lines(table.drop(columns=list(CSV_DROP)))
        return tracker

    def matching(self, status: str, actor: str, q: str, country: str = ALL) -> list[int]:
        """Row positions matching the filters (case-insensitive search over the row's text).

        ``status``: ALL is every pledge in force; a model status, those in force with it;
        HISTORY, the superseded and lapsed pledges; EVERY, all of them.
        """
        words = q.lower().split()
        rows = self._columns
        return [i for i, (st, act, code, current) in enumerate(rows)
                if (status == EVERY or (status == HISTORY and not current)
                    or (current and status in (ALL, st)))
                and (actor == ALL or act == actor)
                and (country == ALL or code == country or code in self.regions.get(country, ()))
                and all(w in self.search[i] for w in words)]

    @cached_property
    def _columns(self) -> list[tuple[str, str, str, bool]]:
        """(status, actor, iso3, in force) per row, as plain Python: a filter runs in a
        callback, and pandas' column look-ups cost more than the loop over ~200 rows."""
        return list(zip(self.table["status"].tolist(), self.table["actor"].tolist(), self.table["iso3"].tolist(),
                        [life == "active" for life in self.table["lifecycle"].tolist()]))

    def shown_positions(self, shown: list[object]) -> list[int]:
        """Positions of the grid's visible rows in order: each row at most once, only rows the
        table has (a request repeating one key 55,882 times once made a 51 MB answer)."""
        keys = dict.fromkeys(k for r in shown[:MAX_SHOWN_ROWS] if isinstance(r, dict)
                             and isinstance(k := r.get("key"), str) and k in self.keys)
        return [self.keys[k] for k in keys]

    def source_pairs(self, keep: Sequence[int]) -> list[tuple[str, str]]:
        """(source, edition) of the kept rows' latest figures, once each."""
        return list(dict.fromkeys(pair for i in keep for pair in self.sources[i]))

    def csv(self, keep: Sequence[int], source: str) -> str:
        """The CSV of the kept rows, the source line as its first comment line."""
        return "\n".join([comment_line(source), self.csv_header, *(self.csv_lines[i] for i in keep)]) + "\n"

    def frame(self, keep: Sequence[int]) -> pd.DataFrame:
        """The kept rows as the CSV has them."""
        return self.table.iloc[list(keep)].drop(columns=list(CSV_DROP)).reset_index(drop=True)

    def status_counts(self, keep: tuple[int, ...]) -> pd.DataFrame:
        """Status counts per alliance pledge over the kept rows (memoised by rows kept)."""
        if keep not in self._counts:
            if len(self._counts) > 256:
                self._counts.clear()
            columns = self.table[["id", "actor", "status", "title", "target_text", "target_year"]]
            self._counts[keep] = status_counts(columns.iloc[list(keep)], self.group_actors)
        return self._counts[keep]


def deadline_text(r: Progress) -> str:
    """"2027"; "FY2025" for a fiscal year (the one starting in that year); "2026 on" for a floor."""
    return {"fiscal_year": f"FY{r.target_year}", "every_year": f"{r.target_year} on"}.get(r.by, str(r.target_year))


def _row(r: Progress, name: Callable[[str], str]) -> dict[str, Any]:
    """One display row from a model progress row."""
    target_share = r.target_share_pct
    goal: float | None
    latest = r.latest_share_pct
    money = r.money_gap
    if r.kind in KIND_UNITS:
        target_text, goal = f"{r.target:g}% {KIND_UNITS[r.kind]}", r.target
    else:  # money targets: shown with the share of GDP they imply
        implied = f" (≈{target_share:.2f}% of GDP)" if target_share is not None else ""
        currency = money["currency"] if money else (r.currency or "")
        target_text, goal = f"{currency} {r.target:g}bn{implied}".strip(), target_share
    estimate = bool(r.latest_is_estimate)
    unit = "%" if r.kind != "money" else "% of GDP"
    latest_text = f"{latest:.2f}{unit}{' e' if estimate else ''}" if latest is not None else "—"
    if r.latest_amount is not None and r.amount_unit:  # a money target measured in money (a budget)
        currency, _, scale = r.amount_unit.partition(" ")
        latest_text = f"{currency} {r.latest_amount:,.1f}{'bn' if scale == 'billion' else 'm'}{' e' if estimate else ''}"
    source = r.latest_source
    latest_from = r.latest_note or (f"{SOURCE_LABELS.get(source, source)} {r.latest_edition}, {r.latest_year}"
                                    f"{' estimate' if estimate else ''}" if source and r.latest_year is not None
                                    else "no published figure")
    progress = latest / goal * 100 if latest is not None and goal else None
    if r.latest_amount is not None and r.amount_unit and r.target:
        progress = r.latest_amount / r.target * 100
    lcu = money["lcu_million"] if money else None
    return {
        "key": f"{r.id}|{r.country}", "id": r.id, "actor": r.actor, "iso3": r.country, "country": name(r.country),
        "title": r.title, "kind": r.kind, "target": float(r.target), "target_text": target_text,
        "target_share_pct": target_share, "target_year": r.target_year, "deadline_text": deadline_text(r),
        "basis": r.basis, "scope": r.scope,
        "commitment": r.commitment, "latest_share_pct": _round(latest, 3), "latest_year": r.latest_year,
        "latest_is_estimate": estimate if latest is not None else None, "latest_source": source,
        "latest_edition": r.latest_edition if source else None, "latest_text": latest_text,
        "latest_from": latest_from, "latest_age": figure_age(source, r.latest_edition), "progress_pct": _round(progress, 1), "gap_pp": _round(r.gap_pp, 2),
        "money_gap_currency": money["currency"] if money else None,
        "money_gap_year": money["year"] if money else None,
        "money_gap_lcu_bn": _round(lcu / 1000, 2) if lcu is not None else None,
        "money_gap_usd_bn": _bn(money["usd_million"]) if money else None,
        "money_gap_eur_bn": _bn(money["eur_million"]) if money else None,
        "money_gap_text": _money_text(money),
        **_status(r), "lifecycle": r.lifecycle, "history_text": r.lifecycle_note, "lifecycle_url": r.lifecycle_url,
        "source_url": r.source_url or "",
        "source_site": urlparse(r.source_url).netloc.removeprefix("www.") if r.source_url else "",
        "assumptions": " | ".join(r.assumptions),
    }


def reading_order(r: Progress, country: str, group_actors: frozenset[str], headline: frozenset[str],
                  this_year: int) -> tuple[int, int, str, str]:
    """The tracker's row order: what readers ask about first.

    Headline pledges (registry ``headline: true``), then other national pledges whose
    deadline is this year or later, then alliance pledges still to come, each by deadline
    and country; then pledges whose deadline has passed (national before alliance, most
    recent first); superseded and lapsed pledges last. A floor "every year from" is never
    past: its deadline counts as this year.
    """
    deadline = max(r.target_year, this_year) if r.by == "every_year" else r.target_year
    group = r.actor in group_actors
    if r.lifecycle != "active":
        rank = 5
    elif deadline < this_year:
        rank = 3 + group
    else:
        rank = 0 if r.id in headline else 1 + group
    return rank, -deadline if rank in (3, 4) else deadline, country, r.id


@dataclass(frozen=True)
class HistoryItem:
    """A pledge no longer in force, as the tracker's history lists it."""

    id: str
    title: str
    state: str            # "superseded" or "lapsed"
    when: str             # "19 June 2025"
    why: str              # the registry's reason ("" when none is given)
    successor: str        # the replacing pledge's title ("" when lapsed)
    source_url: str       # the successor's announcement, or the report that it lapsed


def pledge_history(pledges: Sequence[Pledge]) -> list[HistoryItem]:
    """Every superseded or lapsed pledge, newest change first, with what replaced it and why."""
    titles = {p.id: p.title for p in pledges}
    items = []
    for p in pledges:
        life = p.lifecycle
        if life is None or life.state == "active":
            continue
        when = f"{life.date.day} {life.date:%B %Y}" if life.date else ""
        items.append((life.date, HistoryItem(p.id, p.title, life.state, when, life.reason,
                                             titles.get(life.by or "", ""), life.source.url)))
    return [item for _, item in sorted(items, key=lambda t: str(t[0]), reverse=True)]


def _status(r: Progress) -> dict[str, str]:
    """Status columns: the model's status for a pledge in force; "superseded" / "lapsed" (with
    why) for one that is not — progress against a dropped promise is not a status."""
    if r.lifecycle != "active":
        return {"status": r.lifecycle, "status_label": LIFECYCLE_LABELS.get(r.lifecycle, r.lifecycle),
                "status_reason": r.lifecycle_note}
    return {"status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status),
            "status_reason": r.status_reason or ""}


def _money_text(money: MoneyGap | None) -> str:
    """"GBP 4.2bn a year in 2027", "none (above target)" or "—"."""
    if not money:
        return "—"
    lcu = money["lcu_million"]
    if lcu <= 0:
        return "none (above target)"
    usd = money["usd_million"]
    usd_text = f" (US${usd / 1000:,.1f}bn)" if usd is not None and money["currency"] != "USD" else ""
    return f"{money['currency']} {lcu / 1000:,.1f}bn{usd_text} in {money['year']}"


def _grid_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The grid's rows: table columns plus markdown links (country page, announcement)."""
    table = table.copy()
    table["country_link"] = [f"[{_md(n)}](/country/{c})" for n, c in zip(table["country"], table["iso3"])]
    table["source_link"] = [f"[{_md(s)}]({u})" if u.startswith(("https://", "http://")) else ""
                            for s, u in zip(table["source_site"], table["source_url"])]
    grid = table[list(GRID_FIELDS)].astype(object)
    # the grid's columns are GRID_FIELDS: strings
    records = cast(list[dict[str, Any]], grid.where(grid.notna(), None).to_dict("records"))
    return records


def _csv_lines(frame: pd.DataFrame) -> tuple[str, list[str]]:
    """The CSV header and one ready-made line per row (a download only joins lines)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="")
    lines = []
    for row in frame.itertuples(index=False, name=None):
        buffer.seek(0)
        buffer.truncate()
        # missing: an empty field; text made safe for spreadsheets (titles, notes, reasons)
        writer.writerow([csv_value(v) for v in row])
        lines.append(buffer.getvalue())
    buffer.seek(0)
    buffer.truncate()
    writer.writerow(frame.columns)
    return buffer.getvalue(), lines


def _md(text: str) -> str:
    """Escape markdown's link brackets in a label."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _round(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


def _bn(million: float | None) -> float | None:
    return round(million / 1000, 2) if million is not None else None


def _figure_sources(source: object, edition: object) -> tuple[tuple[str, str], ...]:
    """The (source, edition) pairs a status's figure rests on: a nowcast's inputs, then the nowcast."""
    if not isinstance(source, str) or not isinstance(edition, str):
        return ()
    if source == "nowcast":
        return (*nowcast.input_pairs(edition), (source, edition))
    return ((source, edition),)


def figure_age(source: str | None, edition: str | None) -> str:
    """How old the figure a status rests on is (a nowcast: its fresher input's age and NATO's)."""
    if not source or not edition:
        return "—"
    if source == "nowcast":
        return "; ".join(editions.age(s, e).short() for s, e in reversed(nowcast.input_pairs(edition)))
    return editions.age(source, edition).short()

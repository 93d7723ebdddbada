"""The Countries page's list: every country in the data, its latest share of GDP and its pledges.

One row per country. The share is the one a pledge's baseline uses
(``model.pledges.SOURCE_PREFERENCE["nato"]``: NATO's definition where NATO publishes the
country, else SIPRI's, else the World Bank's; latest edition, latest year): the list and
the pledge tracker name the same source. It is the published figure. The pledge named
beside it is the one the tracker lists first for the country (``pledges.reading_order``);
its status may rest on a later figure, this dashboard's nowcast of NATO's share, and the
row says which (``status_basis``), never showing the nowcast as NATO's. :class:`CountryList`
holds the grid's rows, the search text and the CSV, built once per ``ViewData``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboard.model import Progress
from dashboard.model.pledges import SOURCE_PREFERENCE
from dashboard.schema import SOURCE_LABELS
from dashboard.views.labels import STATUS_LABELS, source_line
from dashboard.views.pledges import MAX_SHOWN_ROWS, reading_order
from dashboard.views.pledges import _md as markdown_label  # the tracker's escape: links made as it makes them
from dashboard.views.series import ShareSeries
from dashboard.views.tabular import comment_line, records_csv

# The sources a country's headline share may come from, in order: the pledge baseline's.
HEADLINE_SOURCES: tuple[str, ...] = SOURCE_PREFERENCE["nato"]
CSV_COLUMNS: tuple[str, ...] = (
    "iso3", "country", "share_gdp_pct", "year", "estimate", "source", "edition", "pledges_in_force",
    "first_pledge_id", "first_pledge", "first_pledge_status", "first_pledge_status_rests_on",
)
SEARCHED: tuple[str, ...] = ("country", "iso3", "from_text", "first_pledge", "status_label")
NOTE = ("Share of GDP: NATO's definition where NATO publishes the country, else SIPRI's; "
        "e = estimate. Pledges: data/pledges.yaml, those in force; a status may rest on a later figure "
        "(this dashboard's nowcast), named with it.")


@dataclass(frozen=True)
class CountryRow:
    """One country as the list shows it; ``None`` where there is no figure."""

    iso3: str
    name: str
    has_page: bool                  # /country/<iso3> exists (the country has a share of GDP); else the
                                    # list links to its pledges in the tracker
    share_pct: float | None = None  # percent of GDP
    year: int | None = None
    source: str | None = None
    edition: str | None = None
    estimate: bool = False
    pledges: int = 0                # pledges in force that bind the country
    first_pledge_id: str = ""
    first_pledge: str = ""          # the tracker's first pledge for the country ("" if none)
    first_status: str = ""          # its model status ("" if none)
    status_reason: str = ""         # the model's reason for it
    status_basis: str = ""          # the figure it rests on: "NATO 2024-06, 2024 (estimate)", a nowcast's note


@dataclass
class CountryList:
    """Everything the Countries page looks up, computed once."""

    rows: tuple[CountryRow, ...]
    records: list[dict[str, Any]] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, codes: Sequence[str], name: Callable[[str], str],
              shares: Callable[[str], Sequence[ShareSeries]], progress: Mapping[str, Sequence[Progress]],
              group_actors: frozenset[str], headline: frozenset[str], this_year: int) -> CountryList:
        """Rows for ``codes`` (countries with a share of GDP) and for every other country a pledge
        in force binds (Iceland: no armed forces, no share), by name."""
        with_page = set(codes)
        every = sorted(with_page | {c for c, rows in progress.items() if rows}, key=name)
        rows = tuple(country_row(c, name(c), c in with_page, shares(c) if c in with_page else (),
                                 progress.get(c, ()), group_actors, headline, this_year) for c in every)
        records = [_record(r) for r in rows]
        return cls(rows=rows, records=records,
                   search=[" ".join(str(rec[k]) for k in SEARCHED).lower() for rec in records],
                   keys={r.iso3: i for i, r in enumerate(rows)})

    def matching(self, q: str) -> list[int]:
        """Row positions whose text holds every word of ``q`` (case-insensitive)."""
        words = q.lower().split()
        return [i for i, text in enumerate(self.search) if all(w in text for w in words)]

    def shown_positions(self, shown: Sequence[object]) -> list[int]:
        """Positions of the grid's visible rows in order: each row once, only rows the list has."""
        keys = dict.fromkeys(k for r in shown[:MAX_SHOWN_ROWS] if isinstance(r, dict)
                             and isinstance(k := r.get("iso3"), str) and k in self.keys)
        return [self.keys[k] for k in keys]

    def source_pairs(self, keep: Sequence[int]) -> list[tuple[str, str]]:
        """(source, edition) of the kept rows' shares, once each, in the headline sources' order."""
        pairs = {(r.source, r.edition) for r in (self.rows[i] for i in keep) if r.source and r.edition}
        return sorted(pairs, key=lambda p: (HEADLINE_SOURCES.index(p[0]) if p[0] in HEADLINE_SOURCES else 99, p))

    def source_text(self, keep: Sequence[int]) -> str:
        """The line under the list: every source and edition its figures come from."""
        return source_line(self.source_pairs(keep), NOTE)

    def csv(self, keep: Sequence[int]) -> str:
        """The kept rows as CSV, the source line as its first comment line."""
        body = records_csv(CSV_COLUMNS, (_csv_record(self.rows[i]) for i in keep))
        return f"{comment_line(self.source_text(keep))}\n{body}"


def country_row(iso3: str, name: str, has_page: bool, series: Sequence[ShareSeries],
                pledges: Sequence[Progress], group_actors: frozenset[str], headline: frozenset[str],
                this_year: int) -> CountryRow:
    """A country's row: its headline share (:func:`headline_share`) and its pledges in force."""
    share = headline_share(series)
    ordered = sorted(pledges, key=lambda r: reading_order(r, name, group_actors, headline, this_year))
    first = ordered[0] if ordered else None
    found: dict[str, Any] = {}
    if share is not None:
        year, value, estimate = share.latest
        found = {"share_pct": value, "year": year, "source": share.source, "edition": share.edition,
                 "estimate": estimate}
    if first is None:
        return CountryRow(iso3, name, has_page, **found)
    return CountryRow(iso3, name, has_page, **found, pledges=len(pledges), first_pledge_id=first.id,
                      first_pledge=first.title, first_status=first.status, status_reason=first.status_reason,
                      status_basis=status_basis(first))


def status_basis(pledge: Progress) -> str:
    """The figure a pledge's status rests on, in words ("" for none): the model's note where it
    is not simply the source's latest (a nowcast), else source, edition and year."""
    if pledge.latest_note:
        return pledge.latest_note
    if pledge.latest_source is None or pledge.latest_year is None:
        return ""
    label = SOURCE_LABELS.get(pledge.latest_source, pledge.latest_source)
    return f"{label} {pledge.latest_edition}, {pledge.latest_year}{' (estimate)' if pledge.latest_is_estimate else ''}"


def headline_share(series: Sequence[ShareSeries]) -> ShareSeries | None:
    """The first of ``HEADLINE_SOURCES`` with a series (the pledge baseline's choice), else None."""
    by_source = {s.source: s for s in series if s.years}
    return next((by_source[s] for s in HEADLINE_SOURCES if s in by_source), None)


def from_text(row: CountryRow) -> str:
    """"NATO 2024-06 (estimate)", "SIPRI 2025-04" (source and edition) or "no share of GDP published"."""
    if row.source is None:
        return "no share of GDP published"
    label = SOURCE_LABELS.get(row.source, row.source)
    return f"{label} {row.edition}{' (estimate)' if row.estimate else ''}"


def _record(row: CountryRow) -> dict[str, Any]:
    """The grid's row: plain values plus display text and a markdown link to the country page."""
    label = markdown_label(row.name)
    share = round(row.share_pct, 2) if row.share_pct is not None else None
    return {
        "iso3": row.iso3, "country": row.name,
        # every cell a link, so the column sorts by name: a country without a page (no share of
        # GDP) links to its pledges in the tracker
        "country_link": f"[{label}](/country/{row.iso3})" if row.has_page else f"[{label}](/pledges?country={row.iso3})",
        "share_pct": share,
        "share_text": f"{share:.2f}%{' e' if row.estimate else ''}" if share is not None else "—",
        "year": row.year, "from_text": from_text(row), "pledges": row.pledges,
        "first_pledge": row.first_pledge or "—",
        "status": row.first_status, "status_label": STATUS_LABELS.get(row.first_status, row.first_status),
        "status_tip": "; ".join(t for t in (row.status_reason, f"rests on {row.status_basis}" if row.status_basis
                                            else "") if t),
    }


def _csv_record(row: CountryRow) -> dict[str, Any]:
    return {"iso3": row.iso3, "country": row.name, "share_gdp_pct": row.share_pct, "year": row.year,
            "estimate": row.estimate if row.source else None, "source": row.source, "edition": row.edition,
            "pledges_in_force": row.pledges, "first_pledge_id": row.first_pledge_id or None,
            "first_pledge": row.first_pledge or None, "first_pledge_status": row.first_status or None,
            "first_pledge_status_rests_on": row.status_basis or None}

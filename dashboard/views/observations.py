"""Tidy rows of the snapshot by filter: what `defence-dashboard data` prints and /data/observations serves.

Filters are given as text (command options or URL query parameters) and checked against
the snapshot: an unknown source, country code or indicator, or a year range the wrong way
round, is one line saying what is wrong. Rows come in the table's own order (source,
edition, country, year, indicator, price base) with every provenance column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.views import ViewError
from dashboard.views.tabular import csv_value, neutralise_frame

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

FORMATS: tuple[str, ...] = ("csv", "json", "parquet")
FILTERS: tuple[str, ...] = ("source", "edition", "iso3", "indicator", "years", "offset", "limit")
INDEXED: tuple[str, ...] = ("source", "edition", "iso3", "indicator")
MAX_CODES = 50          # countries or indicators in one filter
MAX_VALUE = 400         # characters of one filter value
MAX_OFFSET = 10_000_000
YEARS = re.compile(r"\s*(\d{4})?\s*(?:-\s*(\d{4})?)?\s*")
NO_YEARS = (1, 0)       # a year range outside the data's: no row, one canonical form
EMPTY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Index:
    """The table's rows by value, built once at load: a request looks up row positions instead
    of scanning all ~150k rows (``select``), and checks its codes against these sets (``parse``)."""

    positions: dict[str, dict[str, np.ndarray]]   # column → value → ascending row positions
    years: np.ndarray                             # each row's year
    first_year: int
    last_year: int
    table: pd.DataFrame = field(repr=False, compare=False)

    @classmethod
    def build(cls, table: pd.DataFrame) -> Index:
        """Group every indexed column's row positions by value (one pass per column)."""
        positions = {c: {str(k): np.asarray(v, dtype=np.int64) for k, v in table.groupby(c, sort=False).indices.items()}
                     for c in INDEXED}
        years = table["year"].to_numpy(dtype=np.int64)
        return cls(positions, years, int(years.min()) if len(years) else 0, int(years.max()) if len(years) else 0,
                   table)

    def values(self, column: str) -> frozenset[str]:
        """Every value ``column`` holds."""
        return frozenset(self.positions[column])

    @cached_property
    def columns(self) -> dict[str, list[object]]:
        """Every column of the answers as plain Python values (missing: None), made on the first
        data request of a worker (~0.2 s): an answer is then a few list look-ups per row, not a
        pandas take and conversion (6 ms for 170 rows before)."""
        table = self.table
        out: dict[str, list[object]] = {}
        for column in schema.COLUMNS:
            values = table[column].tolist()
            # one object per distinct value: ~150k rows hold a few hundred countries, units and
            # editions, and a copy each would cost a worker ~100 MB more
            pool: dict[object, object] = {}
            out[column] = [None if v is pd.NA or (isinstance(v, float) and v != v) else pool.setdefault(v, v)
                           for v in values]
        return out


@dataclass(frozen=True)
class Filters:
    """Which rows: each field None for "any"; ``offset``/``limit`` page through them."""

    source: tuple[str, ...] | None = None
    edition: tuple[str, ...] | None = None
    iso3: tuple[str, ...] | None = None
    indicator: tuple[str, ...] | None = None
    years: tuple[int, int] | None = None
    offset: int = 0
    limit: int | None = None

    def canonical(self) -> str:
        """The filters as one normalised string (a cache key and part of the ETag): filters
        selecting the same rows in the same way give the same string (``parse`` sorts the
        lists and clips the years to the data's)."""
        return json.dumps([self.source, self.edition, self.iso3, self.indicator, self.years, self.offset, self.limit])



def parse(raw: Mapping[str, object], data: ViewData) -> Filters:
    """Filters from text values (``iso3="GBR,DEU"``, ``years="2000-2024"``); ViewError if one is wrong."""
    unknown = sorted(set(raw) - set(FILTERS))
    if unknown:
        raise ViewError(f"unknown filter {unknown[0][:20]!r} (filters: {', '.join(FILTERS)})")
    index = data.observation_index
    return Filters(
        source=_listed(raw, "source", schema.SOURCE_NAMES),
        edition=_listed(raw, "edition", sorted(index.values("edition"))),
        iso3=_listed(raw, "iso3", None, upper=True, known=index.values("iso3")),
        indicator=_listed(raw, "indicator", tuple(schema.INDICATORS)),
        years=_clip(_years(raw.get("years")), index),
        offset=_count(raw.get("offset"), "offset", 0, MAX_OFFSET) or 0,
        limit=_count(raw.get("limit"), "limit", 1, MAX_OFFSET),
    )


def matching(data: ViewData, filters: Filters) -> np.ndarray:
    """Positions of the rows matching every filter (before ``offset``/``limit``), ascending."""
    index = data.observation_index
    found: np.ndarray | None = None
    for column in INDEXED:
        wanted = getattr(filters, column)
        if wanted is None:
            continue
        parts = [index.positions[column].get(v, EMPTY) for v in wanted]
        rows = np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]
        found = rows if found is None else np.intersect1d(found, rows, assume_unique=True)
    if found is None:
        found = np.arange(len(index.years), dtype=np.int64)
    if filters.years is not None:
        low, high = filters.years
        years = index.years[found]
        found = found[(years >= low) & (years <= high)]
    return found


def select(data: ViewData, filters: Filters) -> pd.DataFrame:
    """The rows matching every filter, in the table's order, the page ``offset``/``limit`` asks for."""
    found = matching(data, filters)
    end = None if filters.limit is None else filters.offset + filters.limit
    return data.table.iloc[found[filters.offset:end]][list(schema.COLUMNS)].reset_index(drop=True)


def encode_rows(data: ViewData, positions: np.ndarray, fmt: str, chunk: int = 2_000) -> Iterator[bytes]:
    """The rows at ``positions`` as CSV or JSON, in pieces (a few thousand rows each) so an
    answer can be stopped once it grows past a size cap without being built whole. The same
    text as ``encode`` of the same rows (tests/test_data_routes.py), at list-look-up cost."""
    columns = data.observation_index.columns
    names = list(schema.COLUMNS)
    cells = [columns[c] for c in names]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for start in range(0, len(positions), chunk):
            for i in positions[start:start + chunk].tolist():
                writer.writerow([csv_value(col[i]) for col in cells])
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
        yield out.getvalue().encode("utf-8")
        return
    if fmt != "json":
        yield encode(data.table.iloc[positions][names].reset_index(drop=True), fmt)
        return
    yield b"["
    for start in range(0, len(positions), chunk):
        records = [dict(zip(names, [col[i] for col in cells])) for i in positions[start:start + chunk].tolist()]
        text = json.dumps(records, ensure_ascii=False)[1:-1]
        yield ((", " if start else "") + text).encode("utf-8")   # json.dumps's own separator
    yield b"]"


def encode(rows: pd.DataFrame, fmt: str) -> bytes:
    """The rows as CSV, JSON (a list of objects) or parquet."""
    if fmt == "csv":
        return neutralise_frame(rows).to_csv(index=False).encode("utf-8")
    if fmt == "json":
        return json.dumps(_records(rows), ensure_ascii=False).encode("utf-8")
    if fmt == "parquet":
        buffer = io.BytesIO()
        rows.to_parquet(buffer, index=False, compression="zstd")
        return buffer.getvalue()
    raise ViewError(f"format {fmt[:12]!r}: choose one of {', '.join(FORMATS)}")


def _records(rows: pd.DataFrame) -> list[dict[str, object]]:
    """Plain JSON values (ints, floats, bools, strings) row by row."""
    out = []
    for rec in cast(list[dict[str, object]], rows.to_dict("records")):  # columns: schema.COLUMNS, strings
        out.append({k: (v.item() if isinstance(v, np.generic) else v) for k, v in rec.items()})
    return out


def _listed(raw: Mapping[str, object], name: str, allowed: tuple[str, ...] | list[str] | None,
            upper: bool = False, known: frozenset[str] | None = None) -> tuple[str, ...] | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_VALUE:
        raise ViewError(f"{name}: give comma-separated values (at most {MAX_VALUE} characters)")
    items = [v.strip().upper() if upper else v.strip() for v in value.split(",") if v.strip()]
    if not items or len(items) > MAX_CODES:
        raise ViewError(f"{name}: give 1 to {MAX_CODES} comma-separated values")
    pool = set(allowed) if allowed is not None else (known or frozenset())
    for item in items:
        if item not in pool:
            hint = f" (one of {', '.join(allowed)})" if allowed is not None and len(allowed) <= 12 else ""
            raise ViewError(f"{name}: {item[:20]!r} is not in the snapshot{hint}")
    return tuple(sorted(set(items)))   # sorted: the same rows have one cache key


def _clip(years: tuple[int, int] | None, index: Index) -> tuple[int, int] | None:
    """Years clipped to the data's: a range holding every year is no filter; one outside it, NO_YEARS."""
    if years is None:
        return None
    low, high = max(years[0], index.first_year), min(years[1], index.last_year)
    if low > high:
        return NO_YEARS
    return None if (low, high) == (index.first_year, index.last_year) else (low, high)


def _count(value: object, name: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else ""
    if not text.isdigit() or len(text) > 9 or not low <= int(text) <= high:
        raise ViewError(f"{name}: give a whole number from {low} to {high:,}")
    return int(text)


def _years(value: object) -> tuple[int, int] | None:
    if value is None or value == "":
        return None
    match = YEARS.fullmatch(value) if isinstance(value, str) and len(value) <= 20 else None
    if match is None or not (match.group(1) or match.group(2)):
        raise ViewError("years: give a year (2024) or a range (2000-2024, 2000-, -1990)")
    single = "-" not in str(value)
    low = int(match.group(1)) if match.group(1) else 0
    high = low if single else (int(match.group(2)) if match.group(2) else 9999)
    if low > high:
        raise ViewError(f"years: {low} is after {high}")
    return low, high

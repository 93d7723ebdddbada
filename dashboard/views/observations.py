"""Tidy rows of the snapshot by filter: what `defence-dashboard data` prints and /data/observations serves.

Filters are given as text (command options or URL query parameters) and checked against
the snapshot: an unknown source, country code or indicator, or a year range the wrong way
round, is one line saying what is wrong. Rows come in the table's own order (source,
edition, country, year, indicator, price base) with every provenance column.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.views import ViewError

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

FORMATS: tuple[str, ...] = ("csv", "json", "parquet")
FILTERS: tuple[str, ...] = ("source", "edition", "iso3", "indicator", "years")
MAX_CODES = 50          # countries or indicators in one filter
MAX_VALUE = 400         # characters of one filter value
YEARS = re.compile(r"\s*(\d{4})?\s*(?:-\s*(\d{4})?)?\s*")


@dataclass(frozen=True)
class Filters:
    """Which rows: each field None for "any"."""

    source: tuple[str, ...] | None = None
    edition: tuple[str, ...] | None = None
    iso3: tuple[str, ...] | None = None
    indicator: tuple[str, ...] | None = None
    years: tuple[int, int] | None = None

    def canonical(self) -> str:
        """The filters as one normalised string (a cache key and part of the ETag)."""
        return json.dumps([self.source, self.edition, self.iso3, self.indicator, self.years])


def parse(raw: Mapping[str, object], data: ViewData) -> Filters:
    """Filters from text values (``iso3="GBR,DEU"``, ``years="2000-2024"``); ViewError if one is wrong."""
    unknown = sorted(set(raw) - set(FILTERS))
    if unknown:
        raise ViewError(f"unknown filter {unknown[0][:20]!r} (filters: {', '.join(FILTERS)})")
    table = data.table
    return Filters(
        source=_listed(raw, "source", schema.SOURCE_NAMES),
        edition=_listed(raw, "edition", sorted(set(table["edition"]))),
        iso3=_listed(raw, "iso3", None, upper=True, known=set(table["iso3"])),
        indicator=_listed(raw, "indicator", tuple(schema.INDICATORS)),
        years=_years(raw.get("years")),
    )


def select(data: ViewData, filters: Filters) -> pd.DataFrame:
    """The rows matching every filter, in the table's order."""
    table = data.table
    keep = np.ones(len(table), dtype=bool)
    for column in ("source", "edition", "iso3", "indicator"):
        wanted = getattr(filters, column)
        if wanted is not None:
            keep &= table[column].isin(list(wanted)).to_numpy()
    if filters.years is not None:
        low, high = filters.years
        keep &= table["year"].between(low, high).to_numpy()
    return table.loc[keep, list(schema.COLUMNS)].reset_index(drop=True)


def encode(rows: pd.DataFrame, fmt: str) -> bytes:
    """The rows as CSV, JSON (a list of objects) or parquet."""
    if fmt == "csv":
        return rows.to_csv(index=False).encode("utf-8")
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
            upper: bool = False, known: set[str] | None = None) -> tuple[str, ...] | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_VALUE:
        raise ViewError(f"{name}: give comma-separated values (at most {MAX_VALUE} characters)")
    items = [v.strip().upper() if upper else v.strip() for v in value.split(",") if v.strip()]
    if not items or len(items) > MAX_CODES:
        raise ViewError(f"{name}: give 1 to {MAX_CODES} comma-separated values")
    pool = set(allowed) if allowed is not None else (known or set())
    for item in items:
        if item not in pool:
            hint = f" (one of {', '.join(allowed)})" if allowed is not None and len(allowed) <= 12 else ""
            raise ViewError(f"{name}: {item[:20]!r} is not in the snapshot{hint}")
    return tuple(dict.fromkeys(items))


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

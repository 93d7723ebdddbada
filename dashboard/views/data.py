"""Everything the pages read, computed once per process when the app is created.

Callbacks only look things up here; nothing is loaded at import time. ``configure`` is
called by ``create_app``; ``get`` returns the instance (building the default one on first
use, so callbacks are testable as plain functions).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pycountry

from dashboard import countries, model
from dashboard.snapshot import load, load_package

# The sources a country page compares, in the order they are drawn.
SHARE_SOURCES: tuple[str, ...] = ("nato", "sipri", "worldbank", "eurostat")


@dataclass
class ViewData:
    """The snapshot and everything precomputed from it."""

    table: pd.DataFrame
    package: dict
    panel: model.Panel
    groups: dict[str, model.Group]
    pledges: list[model.Pledge]

    @classmethod
    def from_snapshot(cls, folder: Path | None = None) -> ViewData:
        """Load the snapshot and the registries; precompute the shared frames."""
        table = load(folder)
        groups = model.load_groups()
        data = cls(table=table, package=load_package(folder), panel=model.Panel(table),
                   groups=groups, pledges=model.load_pledges(groups=groups))
        data.warm()
        return data

    def warm(self) -> None:
        """Compute the cached frames now, so no user request pays for them."""
        _ = self.progress, self.latest_shares, self.names, self.country_codes, self.share_years
        _ = self.progress_by_country

    @cached_property
    def progress_by_country(self) -> dict[str, list[dict]]:
        """iso3 → that country's progress rows as plain dicts (fast to iterate in callbacks)."""
        out: dict[str, list[dict]] = {}
        for row in self.progress.to_dict("records"):
            out.setdefault(row["country"], []).append(row)
        return out

    def share_series(self, iso3: str) -> list[dict]:
        """Share of GDP per source (latest edition) for one country, as plain lists; cached."""
        cache = self.__dict__.setdefault("_share_series", {})
        if iso3 not in cache:
            found = []
            for source in SHARE_SOURCES:
                s = self.panel.series(source, iso3, "milex_share_gdp")
                if s is not None and len(s):
                    found.append({"source": source, "edition": s.edition, "years": s.years.tolist(),
                                  "values": s.values.tolist(), "estimate": s.estimate.tolist(),
                                  "flags": list(s.flags), "price_base": s.price_base})
            cache[iso3] = found
        return cache[iso3]

    @cached_property
    def progress(self) -> pd.DataFrame:
        """Every pledge × bound country (dicts of model.Progress) as a frame."""
        rows = model.all_progress(self.panel, self.pledges, self.groups)
        return pd.DataFrame([r.as_dict() for r in rows])

    @cached_property
    def latest_shares(self) -> pd.DataFrame:
        """Share of GDP from each source's latest edition: source, edition, iso3, year, value, estimate."""
        shares = self.table[self.table["indicator"] == "milex_share_gdp"]
        latest = shares.groupby("source")["edition"].transform("max")
        cols = ["source", "edition", "iso3", "country", "year", "value", "estimate", "flags"]
        return shares.loc[shares["edition"] == latest, cols].reset_index(drop=True)

    @cached_property
    def share_years(self) -> dict[str, tuple[int, int]]:
        """source → (first, last) year of its latest-edition shares."""
        g = self.latest_shares.groupby("source")["year"]
        return {s: (int(a), int(b)) for s, a, b in zip(g.min().index, g.min(), g.max())}

    @cached_property
    def names(self) -> dict[str, str]:
        """Code → display name (ISO short name, else the publisher's name)."""
        out: dict[str, str] = {}
        for code, name in self.table[["iso3", "country"]].drop_duplicates("iso3").itertuples(index=False):
            country = pycountry.countries.get(alpha_3=code)
            out[code] = getattr(country, "common_name", None) or (country.name if country else name)
        return out

    @cached_property
    def country_codes(self) -> list[str]:
        """Countries (not aggregates) with a share of GDP from any source, by name."""
        codes = {c for c in self.latest_shares["iso3"].unique() if not countries.is_aggregate(c)
                 and c not in countries.HISTORICAL and c != "EU_INST"}
        return sorted(codes, key=lambda c: self.names.get(c, c))

    def name(self, iso3: str) -> str:
        """Display name for a code."""
        return self.names.get(iso3, iso3)


_DATA: ViewData | None = None


def configure(folder: Path | None = None) -> ViewData:
    """Build the app's data from the snapshot in ``folder`` (default: the embedded one)."""
    global _DATA
    _DATA = ViewData.from_snapshot(folder)
    return _DATA


def get() -> ViewData:
    """The app's data (built from the embedded snapshot on first use if not configured)."""
    return _DATA if _DATA is not None else configure()

"""The Scenarios page's view: what a group reaching a target share by a year would cost.

``ScenarioViews.result`` computes ``model.scenario`` for a view once per process and keeps
what the page shows of it: the table's rows, the yearly totals, the CSV (the chart drawn
from it is ``charts.scenarios``'s).
"""

from __future__ import annotations

import itertools
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import model
from dashboard.views.labels import billions
from dashboard.views.tabular import records_csv

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

# Above this nominal growth (high inflation) the model's held exchange rates overstate US$ and
# € amounts: Türkiye's trailing 56 % a year turns a 1.4-point gap into trillions of dollars.
HIGH_GROWTH_WARNING = 15.0
TEXT_COLUMNS = frozenset({"iso3", "status", "source", "edition", "currency", "assumptions"})


Row = dict[str, Any]   # one member and year of ``model.scenario_rows``


class ScenarioResult:
    """One scenario, computed once: the model's rows and everything drawn from them.

    ``records``: the model's rows (every member and year); ``rows``: the page's table (one
    per member). The frames (``frame``, ``totals``) are made only when asked for (a CSV
    download, the export): the page draws from the records.
    """

    def __init__(self, records: list[Row], names: dict[str, str], group: str, target: float, year: int) -> None:
        self.records = records
        self.names = names
        self.group = group                      # the group's display name, not its id
        self.target, self.year = target, year
        self.totals_rows = totals(records)
        self.rows = tuple(table_rows(records, names, year))

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Every member and year (the CSV). Text columns stay Python objects: converting ~300
        rows of long assumption notes to Arrow strings costs more than the scenario itself."""
        return pd.DataFrame({c: pd.Series([r.get(c) for r in self.records],
                                          dtype=object if c in TEXT_COLUMNS else None) for c in self.columns})

    @cached_property
    def columns(self) -> list[str]:
        """The model's fields, in the order the records first name them."""
        return list(dict.fromkeys(itertools.chain.from_iterable(self.records)))

    @cached_property
    def csv(self) -> str:
        """Every member and year as CSV (the frame's columns, written without making it)."""
        return records_csv(self.columns, self.records)

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Per year: extra US$ and EUR (millions) summed over members, and how many."""
        return pd.DataFrame(self.totals_rows, columns=["year", "extra_usd_million", "extra_eur_million", "countries"])


def totals(rows: list[Row]) -> list[Row]:
    """Per year (ascending): extra US$ and EUR millions summed over the members with figures."""
    by_year: dict[int, Row] = {}
    for r in rows:
        if r["status"] != "ok":
            continue
        t = by_year.setdefault(r["year"], {"year": r["year"], "extra_usd_million": 0.0, "extra_eur_million": 0.0,
                                           "countries": set()})
        t["extra_usd_million"] += r["extra_usd_million"] or 0.0
        t["extra_eur_million"] += r["extra_eur_million"] or 0.0
        t["countries"].add(r["iso3"])
    return [{**t, "countries": len(t["countries"])} for _, t in sorted(by_year.items())]


class ScenarioViews:
    """Scenario results, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.result = lru_cache(maxsize=256)(self._result)

    def _result(self, group: str, target: float, year: int, growth: float | None) -> ScenarioResult:
        data = self._data
        assumptions = model.Assumptions(gdp_growth=None if growth is None else growth / 100.0)
        rows = model.scenario_rows(data.panel, data.groups[group], target, year, assumptions)
        return ScenarioResult(rows, data.names, data.groups[group].name, target, year)


def table_rows(rows: list[Row], names: dict[str, str], year: int) -> list[Row]:
    """One row per country: latest share and its provenance, extra spending in ``year``."""
    last: dict[str, Row] = {}
    for rec in rows:
        iso3 = rec["iso3"]
        if rec["status"] != "ok":
            last.setdefault(iso3, rec)
        elif last.get(iso3, {}).get("status") != "ok" or rec["year"] > last[iso3]["year"]:
            last[iso3] = rec
    out: list[Row] = []
    for iso3, rec in sorted(last.items()):
        name = names.get(iso3, iso3)
        if rec["status"] != "ok":
            out.append({"iso3": iso3, "country": name, "status": "no_data"})
            continue
        out.append({
            "iso3": iso3, "country": name, "status": "ok", "source": rec["source"], "edition": rec["edition"],
            "latest_year": int(rec["latest_year"]), "latest_share_pct": float(rec["latest_share_pct"]),
            "year": int(rec["year"]), "currency": rec["currency"],
            "extra_lcu_billion": billions(rec["extra_lcu_million"]), "extra_usd_billion": billions(rec["extra_usd_million"]),
            "extra_eur_billion": billions(rec["extra_eur_million"]), "assumptions": rec["assumptions"],
        })
    return sorted(out, key=lambda r: -(r.get("extra_usd_billion") or -1.0))

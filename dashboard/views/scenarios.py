"""The Scenarios page's view: what a group reaching a target share by a year would cost.

``ScenarioViews.result`` computes ``model.scenario`` for a view once per process and keeps
everything drawn from it: the figure, the text summary, the source line and the table's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import model
from dashboard.figures.scenarios import billions

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

# Above this nominal growth (high inflation) the model's held exchange rates overstate US$ and
# € amounts: Türkiye's trailing 56 % a year turns a 1.4-point gap into trillions of dollars.
HIGH_GROWTH_WARNING = 15.0


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario, computed once: the model's frames and everything drawn from them."""

    frame: pd.DataFrame
    totals: pd.DataFrame
    rows: tuple[dict[str, Any], ...]
    figure: dict[str, Any]
    summary: str
    source: str


def frames(data: ViewData, group: str, target: float, year: int,
           growth: float | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``model.scenario`` and its totals (growth in % a year; None: the model's default)."""
    assumptions = model.Assumptions(gdp_growth=None if growth is None else growth / 100.0)
    frame = model.scenario(data.panel, data.groups[group], target, year, assumptions)
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    totals = model.scenario_totals(frame) if len(ok) else pd.DataFrame(
        columns=["year", "extra_usd_million", "extra_eur_million", "countries"])
    return frame, totals


class ScenarioViews:
    """Scenario results, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.result = lru_cache(maxsize=256)(self._result)

    def _result(self, group: str, target: float, year: int, growth: float | None) -> ScenarioResult:
        from dashboard.figures import scenarios as fig

        data = self._data
        frame, totals = frames(data, group, target, year, growth)
        name = data.groups[group].name
        return ScenarioResult(frame, totals, tuple(table_rows(frame, data.names, year)),
                              fig.extra_figure(frame, totals, data.names, name, target, year),
                              fig.summary(frame, totals, data.names, name, target, year, HIGH_GROWTH_WARNING / 100.0),
                              fig.source_text(frame))


def table_rows(frame: pd.DataFrame, names: dict[str, str], year: int) -> list[dict]:
    """One row per country: latest share and its provenance, extra spending in ``year``."""
    last: dict[str, dict] = {}
    for rec in frame.to_dict("records"):  # plain dicts: a few hundred rows, no per-group pandas cost
        iso3 = rec["iso3"]
        if rec["status"] != "ok":
            last.setdefault(iso3, rec)
        elif last.get(iso3, {}).get("status") != "ok" or rec["year"] > last[iso3]["year"]:
            last[iso3] = rec
    out = []
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

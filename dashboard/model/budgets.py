"""National defence budgets as governments publish them, and what they say of each pledge.

The snapshot's ``national`` rows (``dashboard.sources.national``: one per figure of
``data/budgets.yaml``) and the documents the datapackage carries with them become
:class:`Budget` figures, each with its share of GDP: the share the government states, or
one computed here as the amount over the country's GDP projected for that fiscal year
(``economics.economy``: IMF WEO where the snapshot has it, else trailing growth of the GDP
implied by NATO's, else SIPRI's, spending and share), with the method in words.

``evidence`` then says which figure a pledge's status may rest on (docs/model.md, "National
budgets"): only outturn and adopted budgets (drafts, plans and requests are context), on the
pledge's definition — a NATO-basis pledge takes the government's NATO-definition figure as
it is, or another definition *bridged* by the ratio of NATO's share to the budget's share in
the latest year both exist; with no such year the budget is shown but not used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from dashboard.model.economics import Economy
from dashboard.model.panel import Panel, Series

SOURCE = "national"
STAGE_ORDER: dict[str, int] = {"outturn": 0, "adopted": 1, "draft": 2, "plan": 3, "request": 4}
BINDING: frozenset[str] = frozenset({"outturn", "adopted"})
STAGE_LABELS: dict[str, str] = {"outturn": "outturn", "adopted": "adopted budget", "draft": "draft budget",
                                "plan": "budget plan", "request": "budget request"}
DEFINITION_LABELS: dict[str, str] = {
    "core": "defence budget as voted, national definition",
    "core_special_funds": "defence budget with special funds",
    "nato": "NATO's definition, as the government reports it",
    "core_intelligence": "defence with the intelligence agencies",
    "defence_function": "the budget's national-defence chapter",
}
# In a legend or a sentence's brackets.
DEFINITION_SHORT: dict[str, str] = {
    "core": "national definition", "core_special_funds": "with special funds", "nato": "NATO definition",
    "core_intelligence": "with intelligence agencies", "defence_function": "defence chapter",
}
# Definitions a pledge on the government's own basis may be measured with, best first.
# Definitions a NATO-basis pledge may bridge from, closest to NATO's first (special funds count
# for NATO; the defence ministry's budget alone leaves more out).
NATO_BASIS: tuple[str, ...] = ("nato", "core_special_funds", "core_intelligence", "core", "defence_function")
NATIONAL_BASES: dict[str, tuple[str, ...]] = {
    "national": ("core_special_funds", "core", "defence_function", "nato", "core_intelligence"),
    "national_incl_intelligence": ("core_intelligence", "nato", "core_special_funds", "core"),
}


@dataclass(frozen=True)
class Document:
    """Where a figure was published (as the registry names it)."""

    publisher: str
    title: str
    date: dt.date | None          # None: the stored copy shows no date
    url: str
    url_checked: bool
    kind: str

    def short(self) -> str:
        """``Polskie Radio, 19 Jan 2026``: who (without the bracketed detail) and when."""
        return f"{self.publisher.split(' (')[0].strip()}, {self.date_text()}"

    def citation(self) -> str:
        """``Ministry of Finance, "Budget act 2026" (5 Dec 2025)``; ``(undated)`` where no date is shown."""
        return f"{self.publisher}, \u201c{self.title}\u201d ({self.date_text()})"

    def date_text(self) -> str:
        """``5 Dec 2025``, or ``undated``."""
        return "undated" if self.date is None else f"{self.date.day} {self.date:%b %Y}"


@dataclass(frozen=True)
class Budget:
    """One published defence-budget figure with its share of GDP and where it comes from."""

    id: str
    iso3: str
    year: int                     # fiscal year (the first calendar year of a split one)
    stage: str
    definition: str
    lcu_million: float | None     # None: the document states only a share of GDP
    currency: str
    amount: float | None          # as printed
    unit: str                     # as printed
    fiscal_year_label: str
    share_stated: float | None
    share: float | None           # stated, else computed; None when no GDP could be had
    share_method: str             # "stated by the government" / how it was computed / why there is none
    document: Document
    notes: str = ""
    definition_note: str = ""
    # a plan for a fiscal year already under way when the registry was reviewed: the allocation
    # being spent (the UK's spending review), so it may set a status like an adopted budget
    under_way: bool = False
    not_comparable: str = ""      # why its change on the year before is not spending growth (a one-off)

    @property
    def lcu(self) -> float:
        """The amount in million national currency, for figures known to have one
        (``lcu_million`` is None where the document states only a share)."""
        if self.lcu_million is None:
            raise ValueError(f"{self.id} states a share of GDP, not an amount")
        return self.lcu_million

    @property
    def edition(self) -> str:
        """The snapshot rows' edition: the document's date and the id (``national.Figure.edition``)."""
        return f"{self.document.date.isoformat()} {self.id}" if self.document.date else self.id

    @property
    def binding(self) -> bool:
        """Law or spent."""
        return self.stage in BINDING

    @property
    def in_force(self) -> bool:
        """Law, spent, or the plan for a year under way: a pledge's status may rest on it."""
        return self.binding or self.under_way

    @property
    def estimate(self) -> bool:
        """Not yet spent."""
        return self.stage != "outturn"

    @property
    def year_label(self) -> str:
        """``2026-27`` for a fiscal year named by two years (however the document writes it:
        ``2026/27``, ``26/27``, ``2026–2027``), ``FY2026`` as printed, else ``2026``."""
        if not self.fiscal_year_label:
            return str(self.year)
        if len(re.findall(r"\d{2,4}", self.fiscal_year_label)) >= 2:
            return f"{self.year}-{(self.year + 1) % 100:02d}"
        return self.fiscal_year_label

    @property
    def stage_label(self) -> str:
        """``adopted budget``."""
        return STAGE_LABELS[self.stage]

    def amount_text(self) -> str:
        """``PLN 200.1 billion``: the figure as the document prints it ("" where it states only a share)."""
        if self.amount is None:
            return ""
        return f"{self.currency} {self.amount:,.7g} {self.unit}"

    def share_text(self) -> str:
        """``4.81 % of GDP`` (``computed``, where the government did not state it), or ""."""
        if self.share is None:
            return ""
        return f"{self.share:.2f} % of GDP" + ("" if self.share_stated is not None else " (computed)")

    def describe(self) -> str:
        """``2026: adopted budget, 4.81 % of GDP (Polskie Radio, 19 Jan 2026)``."""
        stage = self.stage_label + (" in force" if self.under_way else "")
        parts = [f"{self.year_label}: {stage}", self.share_text() or self.amount_text()]
        return ", ".join(p for p in parts if p) + f" ({self.document.short()})"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (``defence-dashboard budgets --json``)."""
        doc = self.document
        return {"id": self.id, "iso3": self.iso3, "fiscal_year": self.year, "fiscal_year_label": self.year_label,
                "stage": self.stage, "amount": self.amount, "currency": self.currency, "unit": self.unit,
                "lcu_million": None if self.lcu_million is None else round(self.lcu_million, 3),
                "share_gdp": None if self.share is None
                else round(self.share, 4), "share_gdp_stated": self.share_stated,
                "share_gdp_method": self.share_method, "definition": self.definition,
                "definition_note": self.definition_note, "estimate": self.estimate, "in_force": self.in_force,
                "document": {"publisher": doc.publisher, "title": doc.title,
                             "date": None if doc.date is None else doc.date.isoformat(),
                             "url": doc.url, "url_checked": doc.url_checked, "kind": doc.kind},
                "notes": self.notes}


def budgets(table: pd.DataFrame, package: Mapping[str, Any],
            economy_of: Any = None) -> dict[str, tuple[Budget, ...]]:
    """iso3 → its published budget figures, by fiscal year then stage (outturn first).

    ``economy_of(iso3) -> Economy | None`` gives the GDP path a share is computed with where
    the document states none (None: shares are only the stated ones).
    """
    records = {r["id"]: r for r in _documents(package)}
    rows = table[table["source"] == SOURCE]
    out: dict[str, list[Budget]] = {}
    for edition, group in rows.groupby("edition", sort=True):
        fid = figure_id(str(edition))
        record = records.get(fid)
        if record is None:
            continue  # a row without its document is never shown (the build puts both in)
        amount = group.loc[group["indicator"] == "milex_lcu", "value"]
        stated = group.loc[group["indicator"] == "milex_share_gdp", "value"]
        lcu = float(amount.iloc[0]) if len(amount) else None
        share_stated = float(stated.iloc[0]) if len(stated) else None
        first = group.iloc[0]
        iso3, year = str(first["iso3"]), int(first["year"])
        under_way = str(record["stage"]) == "plan" and _started(
            year, str(record.get("fiscal_year_starts") or ""), str(record.get("fiscal_year_label") or ""),
            str(first["retrieved"]))  # superseded below where a later stage exists
        share, method = _share(share_stated, lcu, iso3, year, str(record["currency"]),
                               economy_of(iso3) if economy_of is not None else None)
        doc = record["document"]
        out.setdefault(iso3, []).append(Budget(
            id=str(fid), iso3=iso3, year=year, stage=str(record["stage"]), definition=str(record["definition"]),
            lcu_million=lcu, currency=str(record["currency"]),
            amount=None if record.get("amount") is None else float(record["amount"]),
            unit=str(record["unit"]), fiscal_year_label=str(record.get("fiscal_year_label") or ""),
            share_stated=share_stated, share=share, share_method=method,
            document=Document(str(doc["publisher"]), str(doc["title"]),
                              dt.date.fromisoformat(str(doc["date"])) if doc.get("date") else None,
                              str(doc["url"]), bool(doc["url_checked"]), str(doc["kind"])),
            notes=str(record.get("notes") or ""), definition_note=str(record.get("definition_note") or ""),
            under_way=under_way, not_comparable=str(record.get("not_comparable") or "")))
    return {iso3: tuple(sorted(_superseded(figs), key=lambda b: (b.year, STAGE_ORDER[b.stage], b.definition)))
            for iso3, figs in out.items()}


def figure_id(edition: str) -> str:
    """The registry id in a national row's edition (``2026-01-19 pol-2026-adopted`` → the id)."""
    return edition.split()[-1] if edition else edition


def _superseded(figures: list[Budget]) -> list[Budget]:
    """A plan for a year under way stops being the allocation in force once that year has a
    budget bill, act or outturn on the same definition (the later stage replaces it)."""
    later = {(b.year, b.definition) for b in figures if b.stage in ("outturn", "adopted", "draft")}
    return [replace(b, under_way=False) if b.under_way and (b.year, b.definition) in later else b
            for b in figures]


def _started(year: int, starts: str, label: str, reviewed: str) -> bool:
    """Whether fiscal year ``year`` (starting ``MM-DD``, else 1 January) had begun by the
    registry's review date (the rows' ``retrieved``), so its plan is the allocation in force.

    A year named by two years (UK 2025-26) starts in the first; one named by a single year that
    starts in the second half (US FY2026, from 1 October 2025) starts the year before.
    """
    try:
        month, day = (int(x) for x in starts.split("-")) if starts else (1, 1)
        begins = year - 1 if month > 6 and len(re.findall(r"\d{2,4}", label)) < 2 else year
        return dt.date(begins, month, day) <= dt.date.fromisoformat(reviewed[:10])
    except ValueError:
        return False


def _documents(package: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """The registry's figures as the datapackage carries them."""
    for source in package.get("sources", []):
        if source.get("name") == SOURCE:
            yield from source.get("figures", [])


def _share(stated: float | None, lcu: float | None, iso3: str, year: int, currency: str,
           econ: Economy | None) -> tuple[float | None, str]:
    """The stated share, else amount ÷ projected GDP, with how it was had (or why not)."""
    if stated is not None:
        return stated, "stated by the government"
    if lcu is None:  # the loader keeps no figure with neither; belt and braces
        return None, "neither an amount nor a share"
    if econ is None:
        return None, "not stated, and no GDP for this country in the snapshot to compute it with"
    if econ.currency != currency:
        return None, (f"not stated; the snapshot's GDP for {iso3} is in {econ.currency}, the budget in {currency}: "
                      "not computed")
    gdp = econ.gdp_lcu(year)
    growth_note = econ.notes[1] if len(econ.notes) > 1 else ""
    return lcu / gdp * 100.0, (f"computed: {lcu:,.0f} ÷ GDP of {gdp:,.0f} {currency} million projected for {year} "
                               f"({econ.notes[0]}; {growth_note})")


# ---- what a budget says of a pledge ------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """A budget figure a pledge's status rests on, on the pledge's definition."""

    budget: Budget
    share: float                  # on the pledge's definition (bridged where it had to be)
    ratio: float | None           # the bridge (NATO ÷ budget share) applied, or None
    bridge_year: int | None
    note: str                     # how the figure was put on the pledge's definition

    def describe(self) -> str:
        """``2026: adopted budget, 4.81 % of GDP, …`` (bridged: the NATO-equivalent share)."""
        b = self.budget
        if self.ratio is None:
            return b.describe()
        stage = b.stage_label + (" in force" if b.under_way else "")
        return (f"{b.year_label}: {stage}, {self.share:.2f} % of GDP on NATO's definition "
                f"({b.share:.2f} % on its own, bridged by NATO's {self.bridge_year} ratio {self.ratio:.3f}) "
                f"({b.document.short()})")


def evidence(figures: Iterable[Budget], basis: str, nato: Series | None, after: int | None) -> list[Evidence]:
    """Budget figures in force (spent, adopted, or the plan for a year under way) a pledge on
    ``basis`` may rest on, for years after ``after`` (None: any year), oldest first; one per
    year (outturn before adopted before plan, the best definition)."""
    usable = [b for b in figures if b.in_force and b.share is not None and (after is None or b.year > after)]
    chosen: dict[int, Evidence] = {}
    # a figure on the pledge's own definition before one that must be bridged, then by stage
    for b in sorted(usable, key=lambda b: (b.year, _bridged(b, basis), STAGE_ORDER[b.stage], _rank(b, basis))):
        if b.year in chosen:
            continue
        found = _on_basis(b, basis, nato, figures)
        if found is not None:
            chosen[b.year] = found
    return [chosen[y] for y in sorted(chosen)]


def _rank(b: Budget, basis: str) -> int:
    order = NATO_BASIS if basis == "nato" else NATIONAL_BASES.get(basis, ())
    return order.index(b.definition) if b.definition in order else len(order)


def _bridged(b: Budget, basis: str) -> bool:
    """Whether ``b`` must be bridged to be on ``basis`` (only NATO-basis pledges bridge)."""
    return basis == "nato" and b.definition != "nato"


def _on_basis(b: Budget, basis: str, nato: Series | None, figures: Iterable[Budget]) -> Evidence | None:
    """``b`` on the pledge's definition, or None when it cannot be put there."""
    assert b.share is not None
    if basis != "nato":
        if b.definition not in NATIONAL_BASES.get(basis, ()):
            return None
        return Evidence(b, b.share, None, None, f"the government's own definition ({DEFINITION_LABELS[b.definition]})")
    if b.definition == "nato":
        return Evidence(b, b.share, None, None, "the government's figure on NATO's definition")
    bridge = bridge_ratio(b.definition, nato, figures)
    if bridge is None:
        return None
    year, ratio = bridge
    return Evidence(b, b.share * ratio, ratio, year,
                    f"bridged to NATO's definition: × {ratio:.3f}, NATO's share ÷ the budget's in {year}")


def planned(figures: Iterable[Budget], basis: str, nato: Series | None, after: int, target: float,
            deadline: int) -> Evidence | None:
    """The government's own figure for a year after ``after`` and by ``deadline`` — any stage:
    a budget act for a later year, a bill, a plan, a request — that reaches ``target`` on the
    pledge's definition (bridged where it must be), the earliest such; None if none does."""
    for b in sorted(figures, key=lambda b: (b.year, STAGE_ORDER[b.stage], _rank(b, basis))):
        if b.share is None or not after < b.year <= deadline:
            continue
        found = _on_basis(b, basis, nato, figures)
        if found is not None and found.share >= target:
            return found
    return None


def bridge_ratio(definition: str, nato: Series | None, figures: Iterable[Budget]) -> tuple[int, float] | None:
    """(year, NATO share ÷ budget share) in the latest year both exist for ``definition``
    (binding figures only), or None."""
    if nato is None or not len(nato):
        return None
    years = sorted(((b.year, b.share) for b in figures
                    if b.definition == definition and b.binding and b.share and nato.at(b.year) is not None),
                   reverse=True)
    if not years:
        return None
    year, share = years[0]
    value = nato.at(year)
    assert value is not None and share  # filtered above
    return year, value / share


def money_evidence(figures: Iterable[Budget], currency: str, year_max: int | None = None) -> list[Budget]:
    """Figures in force in ``currency`` (a money pledge's own), one per year (outturn before
    adopted; national definitions before NATO's), oldest first."""
    chosen: dict[int, Budget] = {}
    for b in sorted((b for b in figures if b.in_force and b.currency == currency and b.lcu_million is not None
                     and (year_max is None or b.year <= year_max)),
                    key=lambda b: (b.year, STAGE_ORDER[b.stage], _rank(b, "national"))):
        chosen.setdefault(b.year, b)
    return [chosen[y] for y in sorted(chosen)]


# ---- the governments' spending as one series (the nowcast's second input) ---------------------

# The nowcast chains NATO's level with the change in a country's budget from one year to the
# next: budget to budget, so each year's adopted figure first, the outturn where none was
# adopted, then the government's bill or plan for the year (the UK votes no budget act; a bill
# is the best figure there is for a year whose act is not yet passed), and one definition
# throughout (the one with the most years, NATO's first on a tie). Years after the registry's
# review year are plans, not spending: left out. The backtest measures what this is worth.
SERIES_STAGES: tuple[str, ...] = ("adopted", "outturn", "draft", "plan")
SERIES_DEFINITIONS: tuple[str, ...] = ("nato", "core", "core_special_funds", "core_intelligence", "defence_function")


def spending_series(panel: Panel, iso3: str) -> Series | None:
    """The country's binding budget figures as one series (million national currency), or None.

    Its edition is its newest figure's (that document's date and id: the nowcast's age is the
    document's); its flags name each year's figure (``id=…``), so a nowcast's inputs can be
    traced to their documents.
    """
    return panel.memo(("national-spending", iso3), lambda: _spending_series(panel, iso3))


def _spending_series(panel: Panel, iso3: str) -> Series | None:
    figures: dict[str, dict[int, tuple[int, Series]]] = {}   # definition → year → (stage rank, figure)
    national = panel.table.loc[panel.table["source"] == SOURCE, "retrieved"]
    if not len(national):
        return None
    reviewed = str(national.max())
    last_year = int(reviewed[:4])
    for source, edition, code, indicator, base in panel.keys():
        if source != SOURCE or code != iso3 or indicator != "milex_lcu":
            continue
        one = panel.series(SOURCE, iso3, "milex_lcu", base, edition=edition)
        if one is None or not len(one):
            continue
        if "not_comparable" in str(one.flags[0]).split():  # a one-off: its change is not spending growth
            continue
        stage, definition = _flag(one.flags[0], "stage"), _flag(one.flags[0], "definition")
        if stage not in SERIES_STAGES or definition not in SERIES_DEFINITIONS or int(one.years[0]) > last_year:
            continue
        rank, year = SERIES_STAGES.index(stage), int(one.years[0])
        found = figures.setdefault(definition, {})
        if year not in found or rank < found[year][0]:
            found[year] = (rank, one)
    if not figures:
        return None
    definition = max(figures, key=lambda d: (len(figures[d]), -SERIES_DEFINITIONS.index(d)))
    chosen = [figures[definition][y][1] for y in sorted(figures[definition])]
    units = {s.unit for s in chosen}
    if len(units) != 1:  # a change of currency (a country joining the euro) breaks the chain
        last = chosen[-1].unit
        chosen = [s for s in chosen if s.unit == last]
    return Series(SOURCE, chosen[-1].edition, iso3, "milex_lcu", "current", chosen[0].unit,
                  np.array([int(s.years[0]) for s in chosen]), np.array([float(s.values[0]) for s in chosen]),
                  np.array([bool(s.estimate[0]) for s in chosen]),
                  tuple(f"id={figure_id(s.edition)} {s.flags[0]}" for s in chosen))


def _flag(flags: str, name: str) -> str:
    """The value of ``name=`` in a national row's flags."""
    for part in str(flags).split():
        key, _, value = part.partition("=")
        if key == name:
            return value
    return ""

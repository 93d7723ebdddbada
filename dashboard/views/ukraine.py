"""The Ukraine page's views: who carries support to Ukraine, from the Kiel tracker's release.

``UkraineViews`` indexes the release once (``model.ukraine.AidData``) and keeps what the
page's charts are drawn from (``charts.ukraine``) and the words around them: donors ranked
in EUR, % of GDP or % of their own defence spending with the coalition of the willing
marked, the heavy-weapons donors in order, the months the release covers; plus a donor's
card for the Country page and one line for the Overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from dashboard.model import ukraine as model
from dashboard.model.commitments import Commitment
from dashboard.model.panel import Panel
from dashboard.views import ViewError, promised
from dashboard.views.labels import source_line

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

COALITION = "COALITION_WILLING"
EUROPE = "EUROPE_UA"
TOP_DONORS = 20   # bars in the ranking (the rest are in its CSV)
AID_LABELS: dict[str, str] = {"military": "Military aid", "total": "All aid", "financial": "Financial aid",
                              "humanitarian": "Humanitarian aid"}
MEASURE_LABELS: dict[str, str] = {"eur": "EUR", "gdp": "% of GDP", "defence": "% of own defence spending"}
# Said wherever aid and defence spending meet (the page, the country card, the exports).
NOT_ADDITIVE = ("Aid is not added to defence spending: NATO counts military aid to Ukraine inside several "
                "allies' defence expenditure, and the Hague commitment counts direct contributions to "
                "Ukraine's defence toward the 3.5 % core target.")


@dataclass(frozen=True)
class RankRow:
    """One donor in the ranking: its value in the chosen measure and what it rests on."""

    iso3: str
    name: str
    value: float          # EUR million, or percent
    aid_eur: float        # EUR million (the aid itself, whatever the measure)
    basis: str            # what a share was divided by ("" for EUR)
    coalition: str        # "member", "unverified" or ""
    stand_in: bool = False


@dataclass(frozen=True)
class DonorCard:
    """What the Country page says of a donor: aid by year and type, totals and shares."""

    iso3: str
    name: str
    years: tuple[int, ...]
    by_type: dict[str, tuple[float, ...]]     # aid type → EUR million per year
    total_eur: float
    military_eur: float
    share_2021: model.Share | None            # all aid over the release, % of 2021 GDP (Kiel)
    defence: model.Share | None               # military aid, % of own defence spending (latest year with both)
    rank: int                                 # among all donors, by all aid over the release
    donors: int
    coalition: str


class UkraineViews:
    """The page's look-ups, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.card = lru_cache(maxsize=256)(self._card)
        self.weapon_donors = lru_cache(maxsize=4)(self._weapon_donors)

    @cached_property
    def aid(self) -> model.AidData | None:
        """The release in the snapshot (None: the snapshot has no Kiel rows)."""
        return model.aid_data(self._data.table)

    @cached_property
    def europe(self) -> frozenset[str]:
        """Europe's members (the EU institutions are added by the model)."""
        group = self._data.groups.get(EUROPE)
        return frozenset(group.members) if group else frozenset()

    @property
    def panel(self) -> Panel:
        """The snapshot's annual series (GDP, spending, the exchange rates they imply)."""
        return self._data.panel

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """What donors promised Ukraine (data/ukraine_commitments.yaml)."""
        return self._data.commitments

    @cached_property
    def promises(self) -> tuple[promised.Promise, ...]:
        """Every commitment in force against Kiel's allocations over the same months."""
        return promised.promises(self)

    def donor_promises(self, iso3: str) -> tuple[promised.Promise, ...]:
        """The donor's commitments, compared (the Country page's line)."""
        return tuple(p for p in self.promises if p.commitment.donor == iso3)

    def donor_name(self, code: str) -> str:
        """A donor's name: a country's, the EU institutions', or a group's."""
        group = self._data.groups.get(code)
        return group.name if group is not None else self.name(code)

    def coalition_status(self, iso3: str) -> str:
        """"member", "unverified" (reported, not checked here) or ""."""
        group = self._data.groups.get(COALITION)
        if group is None or iso3 not in group.members:
            return ""
        return "unverified" if iso3 in group.unverified else "member"

    @property
    def source(self) -> tuple[str, str]:
        """(source, edition) of every figure on the page."""
        return (model.SOURCE, self.aid.edition if self.aid else "")

    def period_text(self) -> str:
        """``January 2022 – April 2026``: the months the release covers."""
        if not self.aid:
            return ""
        (y0, m0), (y1, m1) = self.aid.months[0], self.aid.period
        return f"{month_name(m0)} {y0} – {month_name(m1)} {y1}"

    def year_label(self, year: int) -> str:
        """``2026 (to April)`` for the release's partial last year, else the year."""
        if self.aid and year == self.aid.period[0] and self.aid.period[1] < 12:
            return f"{year} (to {month_name(self.aid.period[1])})"
        return str(year)

    def rank_rows(self, aid_type: str, measure: str, year: int | None) -> list[RankRow]:
        """Every donor with aid, in the measure, largest first (donors without a denominator left out)."""
        aid = self.require()
        panel = self._data.panel
        out = []
        for iso3, eur in model.ranking(aid, aid_type, year):
            share: model.Share | None = None
            if measure == "gdp":
                share = (model.share_of_gdp2021(aid, iso3, aid_type) if year is None
                         else model.share_of_gdp(aid, panel, iso3, year, aid_type))
            elif measure == "defence":
                share = self._defence_share(iso3, year)
            if measure != "eur" and share is None:
                continue
            out.append(RankRow(iso3, self.name(iso3), share.pct if share else eur, eur,
                               share.basis if share else "", self.coalition_status(iso3),
                               share.stand_in if share else False))
        return sorted(out, key=lambda r: (-r.value, r.iso3))

    def _defence_share(self, iso3: str, year: int | None) -> model.Share | None:
        """Military aid ÷ own defence spending: one year, or summed over the years both exist."""
        aid, panel = self.require(), self._data.panel
        if year is not None:
            return model.share_of_defence(aid, panel, iso3, year)
        shares = [s for y in aid.years if (s := model.share_of_defence(aid, panel, iso3, y)) is not None]
        if not shares:
            return None
        military = sum(model.donor_total(aid, "military", iso3, s.year) for s in shares)
        defence = sum(s.denominator for s in shares)
        first, last = shares[0].year, shares[-1].year
        return model.Share(military / defence * 100.0, defence, last,
                           shares[-1].basis.rsplit(",", 1)[0] + f", {first}–{last}")

    def _weapon_donors(self, what: str) -> tuple[str, ...]:
        """Donors of heavy weapons, most first by number (``count``) or value (``value``)."""
        aid = self.require()
        # ties (one howitzer each) by code: a set's order changes from one process to the next
        return tuple(sorted({d for d, _ in aid.weapons},
                            key=lambda d: (-sum(aid.weapons.get((d, c), (0.0, 0.0))[what == "value"]
                                                for c in model.WEAPONS), d)))

    # ---- country card and headline -----------------------------------------------------------

    def _card(self, iso3: str) -> DonorCard | None:
        aid = self.aid
        if aid is None or iso3 not in aid.donors:
            return None
        years = aid.years
        by_type = {t: tuple(model.donor_total(aid, t, iso3, y) for y in years) for t in model.AID_TYPES}
        order = [d for d, _ in model.ranking(aid, "total", None)]
        defence = next((s for y in reversed(years)
                        if (s := model.share_of_defence(aid, self._data.panel, iso3, y)) is not None), None)
        return DonorCard(iso3, self.name(iso3), years, by_type, model.donor_total(aid, "total", iso3),
                         model.donor_total(aid, "military", iso3), model.share_of_gdp2021(aid, iso3), defence,
                         order.index(iso3) + 1 if iso3 in order else 0, len(order), self.coalition_status(iso3))

    def card_summary(self, card: DonorCard) -> str:
        """The donor's card in words: total, rank, shares of GDP and of defence spending, by year."""
        labels = tuple(self.year_label(y) for y in card.years)
        parts = [f"{card.name} allocated €{card.total_eur / 1000:,.2f}bn to Ukraine, {self.period_text()} "
                 f"(€{card.military_eur / 1000:,.2f}bn of it military): number {card.rank} of {card.donors} donors"]
        if card.share_2021:
            parts.append(f"{card.share_2021.pct:.2f} % of its 2021 GDP (Kiel's basis)")
        if card.defence:
            parts.append(f"its military aid in {card.defence.year} was {card.defence.pct:.1f} % of its own defence "
                         f"spending that year ({card.defence.basis})")
        coalition = {"member": " It is in the coalition of the willing.",
                     "unverified": " It is reported as a member of the coalition of the willing (unverified)."}
        by_year = "; ".join(f"{label}: €{sum(card.by_type[t][i] for t in model.AID_TYPES) / 1000:,.2f}bn"
                            for i, label in enumerate(labels))
        return "; ".join(parts) + "." + coalition.get(card.coalition, "") + f" By year — {by_year}."

    @cached_property
    def headline(self) -> str | None:
        """One line for the Overview: US vs Europe military aid, the last full year against the one before."""
        aid = self.aid
        if aid is None:
            return None
        full = [y for y in aid.years if (y, 12) <= aid.period]
        if len(full) < 2:
            return None
        split = model.region_split(aid, "military", self.europe)
        last, before = full[-1], full[-2]
        i, j = split.periods.index(str(last)), split.periods.index(str(before))
        us, eu = split.values["United States"], split.values["Europe"]
        return (f"Ukraine: US military aid fell from €{us[j] / 1000:,.1f}bn in {before} to €{us[i] / 1000:,.1f}bn in "
                f"{last}, while Europe gave €{eu[i] / 1000:,.1f}bn (Kiel Institute, {aid.release}, data to "
                f"{month_name(aid.period[1])} {aid.period[0]}).")

    def name(self, iso3: str) -> str:
        """The donor's display name (the dashboard's, else Kiel's)."""
        if iso3 == model.EU_INSTITUTIONS:
            return "EU institutions"
        return self._data.names.get(iso3) or (self.aid.names.get(iso3, iso3) if self.aid else iso3)

    def warm(self) -> None:
        """What the Overview's first request looks up (the page's charts: ``charts.ukraine``)."""
        _ = self.aid, self.headline

    def require(self) -> model.AidData:
        """The release, or a one-line error when the snapshot has none."""
        if self.aid is None:
            raise ViewError("the snapshot has no Kiel Ukraine Support Tracker figures")
        return self.aid

    def source_line(self, note: str) -> str:
        """The page's source line: Kiel's release, "Aid in EUR at current prices", and ``note``."""
        return source_line([self.source], f"Aid in EUR at current prices. {note}".strip())


def month_name(month: int) -> str:
    """1 → "January"."""
    return ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December")[month - 1]

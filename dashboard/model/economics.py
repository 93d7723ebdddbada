"""GDP projections, deflators and exchange rates behind money gaps — with their assumptions.

Every projection says how it was made ("GDP grows 4.1 % a year: trailing 5-year nominal
growth of GDP implied by NATO 2024-06"), and every parameter can be overridden for a
scenario (:class:`Assumptions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dashboard.model.panel import Panel, Series

# Trailing window for growth and inflation when no IMF projection is in the snapshot:
# long enough to smooth one odd year, short enough to reflect the current economy.
TRAILING_YEARS = 5
# Euro amounts are converted through US$ with the euro-per-dollar rate implied by a
# euro-area country's figures in the same source and year (spending in EUR / in US$).
EURO_REFERENCE = "DEU"
# Exchange rates drift with the inflation gap to the United States (relative PPP).
US_REFERENCE = "USA"


@dataclass(frozen=True)
class Assumptions:
    """Scenario parameters; None means "derive from the data" (and say how)."""

    gdp_growth: float | None = None    # nominal GDP growth per year, fraction (0.04 = 4 %)
    inflation: float | None = None     # GDP-deflator inflation per year, fraction
    lcu_per_usd: float | None = None   # national currency units per US$
    eur_per_usd: float | None = None   # euro per US$


@dataclass
class Economy:
    """A country's GDP path and conversion rates, with the text that explains them."""

    iso3: str
    currency: str            # ISO 4217 of the national-currency figures
    base_year: int
    base_gdp_lcu: float      # million national currency
    growth: float            # nominal, per year
    inflation: float | None
    lcu_per_usd: float | None
    eur_per_usd: float | None
    imf: Series | None = None
    notes: list[str] = field(default_factory=list)
    fx_drift: float = 0.0    # yearly change of national currency per US$ (relative PPP)
    eur_drift: float = 0.0   # yearly change of euro per US$ (euro-area vs US inflation)

    def gdp_lcu(self, year: int) -> float:
        """Projected (or, at the base year, published) GDP in million national currency.

        IMF growth up to the WEO's last year, then ``growth`` from there on.
        """
        if self.imf is not None and (base := self.imf.at(self.base_year)):
            last = int(min(int(self.imf.years[-1]), year))
            reach = self.imf.at(last)
            if reach:
                return self.base_gdp_lcu * reach / base * (1 + self.growth) ** (year - last)
        return self.base_gdp_lcu * (1 + self.growth) ** (year - self.base_year)

    def lcu_per_usd_in(self, year: int) -> float | None:
        """The exchange rate in ``year``: the base year's, moved by the inflation gap."""
        if not self.lcu_per_usd:
            return None
        return self.lcu_per_usd * (1 + self.fx_drift) ** (year - self.base_year)

    def to_usd(self, lcu: float, year: int | None = None) -> float | None:
        """Million national currency in ``year`` → million US$ at that year's assumed rate."""
        rate = self.lcu_per_usd_in(year if year is not None else self.base_year)
        return lcu / rate if rate else None

    def to_eur(self, lcu: float, year: int | None = None) -> float | None:
        """Million national currency in ``year`` → million EUR (euro per US$ held)."""
        if self.currency == "EUR":
            return lcu
        usd = self.to_usd(lcu, year)
        if usd is None or not self.eur_per_usd:
            return None
        years = (year if year is not None else self.base_year) - self.base_year
        return usd * self.eur_per_usd * (1 + self.eur_drift) ** years


def implied_gdp_lcu(spending_lcu: Series, share: Series) -> dict[int, float]:
    """GDP (million national currency) = spending / share, year by year.

    Uses the publisher's own GDP vintage: NATO's share of real GDP equals the nominal
    ratio (NATO deflates both with the GDP deflator), so spending / share is the GDP
    NATO divided by.
    """
    out: dict[int, float] = {}
    for year, value in zip(spending_lcu.years, spending_lcu.values):
        pct = share.at(int(year))
        if pct:
            out[int(year)] = float(value) / (pct / 100.0)
    return out


def economy(panel: Panel, share: Series, assumptions: Assumptions = Assumptions()) -> Economy | None:
    """The GDP path of ``share``'s country, from the same source and edition where possible.

    Computed once per country, series and assumptions (``Panel.memo``): a scenario for a
    new target or year reuses the members' GDP paths.
    """
    key = ("economy", share.source, share.iso3, share.edition, share.price_base, assumptions)
    if assumptions.gdp_growth is None:
        return panel.memo(key, lambda: _economy(panel, share, assumptions))
    # a growth setting changes only the growth: start from the derived economy (memoised),
    # so a scenario with a new growth rate does not re-derive every member's rates
    return panel.memo(key, lambda: _with_growth(economy(panel, share, replace(assumptions, gdp_growth=None)),
                                                assumptions.gdp_growth))


def _with_growth(derived: Economy | None, growth: float | None) -> Economy | None:
    """``derived`` with nominal GDP growth set by hand (no IMF path; its note says so)."""
    if derived is None or growth is None:
        return derived
    # notes[1] is always the growth note (``_economy`` writes exactly one)
    notes = [derived.notes[0], f"nominal GDP growth {growth:.1%} a year (scenario setting)", *derived.notes[2:]]
    return replace(derived, growth=growth, imf=None, notes=notes)


def _economy(panel: Panel, share: Series, assumptions: Assumptions) -> Economy | None:
    src, iso3, ed = share.source, share.iso3, share.edition
    spending = panel.series(src, iso3, "milex_lcu", "current", edition=ed)
    if spending is None:
        return None
    gdp = implied_gdp_lcu(spending, share)
    if not gdp:
        return None
    base_year = max(gdp)
    currency = spending.unit.split()[0]
    notes = [f"GDP in {base_year}: {gdp[base_year]:,.0f} {currency} million, implied by "
             f"{share.label} spending and share of GDP"]
    imf = panel.series("imf", iso3, "gdp_lcu")
    growth = trailing_growth(gdp, base_year)
    if assumptions.gdp_growth is not None:
        growth, imf = assumptions.gdp_growth, None
        notes.append(f"nominal GDP growth {growth:.1%} a year (scenario setting)")
    elif imf is not None and len(imf):
        growth = growth if growth is not None else 0.0
        notes.append(f"nominal GDP growth from IMF WEO {imf.edition} projections to {int(imf.years[-1])}, "
                     f"then {growth:.1%} a year (trailing {TRAILING_YEARS}-year growth)")
    elif growth is not None:
        notes.append(f"nominal GDP growth {growth:.1%} a year: trailing {TRAILING_YEARS}-year "
                     f"growth of that GDP (no IMF projection in the snapshot)")
    else:
        growth = 0.0
        notes.append("GDP held at its latest level (too short a history for a trend)")
    inflation = assumptions.inflation
    if inflation is None:
        inflation = _inflation(panel, src, ed, iso3, base_year)
        if inflation is not None:
            notes.append(f"inflation {inflation:.1%} a year: trailing {TRAILING_YEARS}-year change "
                         f"of {share.label}'s deflator (current / constant-price spending)")
    else:
        notes.append(f"inflation {inflation:.1%} a year (scenario setting)")
    lcu_per_usd = assumptions.lcu_per_usd or _rate(panel, src, ed, iso3, base_year)
    eur_per_usd = assumptions.eur_per_usd or _rate(panel, src, ed, EURO_REFERENCE, base_year)
    drift = eur_drift = 0.0
    us_inflation = _inflation(panel, src, ed, US_REFERENCE, base_year)
    euro_inflation = _inflation(panel, src, ed, EURO_REFERENCE, base_year)
    if assumptions.eur_per_usd is None and euro_inflation is not None and us_inflation is not None:
        # the euro's rate drifts the same way, so euro sums across countries stay consistent
        eur_drift = (1 + euro_inflation) / (1 + us_inflation) - 1
    if lcu_per_usd:
        if assumptions.lcu_per_usd is None and inflation is not None and us_inflation is not None \
                and currency != "USD":
            # relative purchasing-power parity: a currency with 50 % inflation does not keep
            # its exchange rate for a decade; holding it would inflate every US$ figure
            drift = (1 + inflation) / (1 + us_inflation) - 1
            notes.append(f"exchange rate {lcu_per_usd:,.4g} {currency} per US$ in {base_year}, moving "
                         f"{drift:+.1%} a year with the inflation gap to the US ({us_inflation:.1%})")
        else:
            notes.append(f"exchange rate of {base_year} held: {lcu_per_usd:,.4g} {currency} per US$")
        if eur_per_usd and currency != "EUR":
            notes.append(f"{eur_per_usd:.4g} EUR per US$ in {base_year}, moving {eur_drift:+.1%} a year "
                         "(euro-area vs US inflation)")
    return Economy(iso3, currency, base_year, gdp[base_year], growth, inflation,
                   lcu_per_usd, eur_per_usd, imf if assumptions.gdp_growth is None else None, notes, drift,
                   eur_drift)


def trailing_growth(levels: dict[int, float], last: int) -> float | None:
    """Compound annual growth over the TRAILING_YEARS ending at ``last`` (or fewer)."""
    earlier = [y for y in levels if last - TRAILING_YEARS <= y < last]
    if not earlier or levels.get(last, 0) <= 0 or levels[min(earlier)] <= 0:
        return None
    first = min(earlier)
    growth: float = (levels[last] / levels[first]) ** (1 / (last - first)) - 1  # levels > 0: never complex
    return growth


def _inflation(panel: Panel, source: str, edition: str, iso3: str, year: int) -> float | None:
    """Trailing yearly change of the deflator implied by current / constant-price spending."""
    return panel.memo(("inflation", source, edition, iso3, year),
                      lambda: _deflator_growth(panel, source, edition, iso3, year))


def _deflator_growth(panel: Panel, source: str, edition: str, iso3: str, year: int) -> float | None:
    spending = panel.series(source, iso3, "milex_lcu", "current", edition=edition)
    if spending is None:
        return None
    constant = _constant_lcu(panel, spending)
    if constant is None:
        return None
    deflator = {int(y): float(v) / c for y, v in zip(spending.years, spending.values)
                if (c := constant.at(int(y)))}
    return trailing_growth(deflator, year) if year in deflator else None


def _constant_lcu(panel: Panel, spending: Series) -> Series | None:
    """The same spending at constant prices (same source and edition), if published."""
    for base in panel.price_bases(spending.source, spending.edition, spending.iso3, "milex_lcu"):
        if base.startswith("constant"):
            return panel.series(spending.source, spending.iso3, "milex_lcu", base, spending.edition)
    return None


def _rate(panel: Panel, source: str, edition: str, iso3: str, year: int) -> float | None:
    """National currency per US$ implied by spending in both (same source, edition, year)."""
    lcu = panel.series(source, iso3, "milex_lcu", "current", edition=edition)
    usd = panel.series(source, iso3, "milex_usd", "current", edition=edition)
    if lcu is None or usd is None:
        return None
    a, b = lcu.at(year), usd.at(year)
    return a / b if a and b else None

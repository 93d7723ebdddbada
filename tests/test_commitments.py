"""The Ukraine commitments registry and promised-against-delivered, on small tables built here.

Every expectation is worked out by hand in the comments (the exchange rate, the months, the
pro-rata promise), never taken from the code's output.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from dashboard import schema
from dashboard.model import Panel
from dashboard.model import promised as pm
from dashboard.model import ukraine as u
from dashboard.model.commitments import load_commitments
from dashboard.model.registry import RegistryError, load_groups
from tests.test_ukraine_model import kiel, nato

MIL = "ukraine_aid_military"
FIN = "ukraine_aid_financial"
ROWS = [
    # Kiel: the release covers January - June 2024 (its last row is June)
    kiel("GBR", 2024, 1, MIL, 100.0), kiel("GBR", 2024, 4, MIL, 200.0), kiel("GBR", 2024, 5, MIL, 0.0),
    kiel("GBR", 2024, 6, MIL, 300.5), kiel("GBR", 2024, 5, FIN, 999.0),
    kiel("GBR", 2024, 1, "ukraine_aid_total", 100.0), kiel("GBR", 2024, 6, "ukraine_aid_total", 1299.5),
    # NATO 2024: the UK spends GBP 60,000m = US$75,000m (0.8 GBP per US$); Germany EUR 90,000m =
    # US$100,000m (0.9 EUR per US$). So one pound is 0.9 / 0.8 = 1.125 euro.
    nato("GBR", 2024, "milex_lcu", 60_000.0, "GBP million"), nato("GBR", 2024, "milex_usd", 75_000.0, "US$ million"),
    nato("DEU", 2024, "milex_lcu", 90_000.0, "EUR million"), nato("DEU", 2024, "milex_usd", 100_000.0, "US$ million"),
]

SOURCE = {"publisher": "GOV.UK", "title": "PM statement", "url": "https://www.gov.uk/x", "date": "2024-07-10",
          "url_checked": False}
UK = {"id": "gbr-3bn", "donor": "GBR", "title": "£3bn a year", "kind": "military", "amount": 3, "currency": "GBP",
      "unit": "billion", "per_year": True, "from": "2024-04", "to": "2031-03", "announced": "2024-07-10",
      "lifecycle": "active", "source": SOURCE}


@pytest.fixture(scope="module")
def table():
    return schema.tidy(ROWS)


def _write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "ukraine_commitments.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def test_one_donor_worked_out_by_hand(tmp_path, table):
    """The UK's £3bn a year, April 2024 - March 2031, against Kiel to June 2024.

    Whole promise: 84 months = 7 years × GBP 3,000m = GBP 21,000m × 1.125 = EUR 23,625m.
    Months both cover: April, May, June 2024 = 3, so EUR 23,625m × 3 / 84 = EUR 843.75m promised to
    date. Kiel's UK military aid in those months: 200 + 0 + 300.5 = EUR 500.5m (January's 100 is
    before the promise; May's 999 is financial). 500.5 / 843.75 = 59.3185…%.
    """
    [commitment] = load_commitments(_write(tmp_path, [UK]))
    cmp = pm.compare(commitment, u.aid_data(table), Panel(table))
    assert cmp.rate is not None and cmp.rate.eur_per_unit == pytest.approx(1.125)
    assert (cmp.rate.year, cmp.rate.stand_in, cmp.rate.editions) == (2024, False, (("nato", "2024-06"),))
    assert cmp.promised_eur == pytest.approx(23_625.0)
    assert (cmp.window, cmp.months_covered) == (((2024, 4), (2024, 6)), 3)
    assert cmp.promised_to_date_eur == pytest.approx(843.75)
    assert cmp.allocated_eur == pytest.approx(500.5)
    assert cmp.delivered_pct == pytest.approx(59.3185, abs=1e-4)


def test_a_later_year_uses_the_latest_rate_and_says_so(tmp_path, table):
    """Announced in 2026, when the snapshot's latest rate is 2024's: 2024 stands in."""
    [commitment] = load_commitments(_write(tmp_path, [{**UK, "announced": "2026-01-05"}]))
    rate = pm.compare(commitment, u.aid_data(table), Panel(table)).rate
    assert rate is not None and (rate.year, rate.stand_in) == (2024, True)


def test_loans_meet_financial_aid_and_declarations_are_not_compared(tmp_path, table):
    """A EUR 1.2bn loan over May - August 2024: 4 months, 2 inside the release (May, June), so
    EUR 600m promised to date against the UK's May financial aid of EUR 999m (166.5 %). A
    declaration moves no money; a promise with no end month cannot be spread over months."""
    loan = {**UK, "id": "gbr-loan", "kind": "loan", "amount": 1.2, "currency": "EUR", "per_year": False,
            "from": "2024-05", "to": "2024-08"}
    declaration = {k: v for k, v in UK.items() if k not in ("amount", "currency", "unit", "per_year", "to")}
    declaration.update(id="coalition-paris", kind="declaration", donor="COALITION_WILLING")
    open_ended = {k: v for k, v in UK.items() if k != "to"} | {"id": "gbr-open", "per_year": False}
    entries = load_commitments(_write(tmp_path, [loan, declaration, open_ended]), load_groups())
    by_id = {c.id: pm.compare(c, u.aid_data(table), Panel(table)) for c in entries}
    assert by_id["gbr-loan"].promised_to_date_eur == pytest.approx(600.0)
    assert by_id["gbr-loan"].allocated_eur == pytest.approx(999.0)
    assert by_id["gbr-loan"].delivered_pct == pytest.approx(166.5)
    assert by_id["coalition-paris"].allocated_eur is None and "declaration" in by_id["coalition-paris"].reason
    assert by_id["gbr-open"].allocated_eur is None and "no end month" in by_id["gbr-open"].reason
    assert by_id["gbr-open"].promised_eur == pytest.approx(3_000 * 1.125)


@pytest.mark.parametrize("change, message", [
    ({"source": None}, "no source"),
    ({"source": {**SOURCE, "url": None}}, "source lacks url"),
    ({"source": {**SOURCE, "date": "soon"}}, "is not a date"),
    ({"source": {k: v for k, v in SOURCE.items() if k != "url_checked"}}, "url_checked must be true or false"),
    ({"lifecycle": None}, "no lifecycle"),
    ({"lifecycle": {"state": "lapsed"}}, "says why"),
    ({"announced": "2024-13-40"}, "announced"),
    ({"from": "2024"}, "is not a month"),
    ({"to": "2023-01"}, "before from"),
    ({"amount": None}, "needs an amount"),
    ({"currency": "pounds"}, "currency"),
    ({"kind": "gift"}, "kind"),
    ({"donor": "XXX"}, "donor"),
    ({"evidence": "x" * 401}, "longer than 400"),
    ({"surprise": 1}, "unknown field"),
])
def test_an_entry_without_source_lifecycle_or_dates_fails(tmp_path, change, message):
    entry = copy.deepcopy(UK) | change
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(RegistryError, match=message):
        load_commitments(_write(tmp_path, [entry]))


def test_the_committed_registry_covers_the_donors_the_page_promises():
    """The issue's donors each have a commitment with a document; every entry validates."""
    entries = load_commitments(groups=load_groups())
    donors = {c.donor for c in entries}
    assert {"GBR", "DEU", "EU_INST", "USA", "FRA", "CAN", "DNK", "SWE", "NOR", "FIN", "NLD", "COALITION_WILLING"} <= donors
    assert all(c.source.url.startswith("https://") and c.source.publisher and c.evidence for c in entries)
    uk = {c.id: c for c in entries}["gbr-2024-3bn-a-year"]
    assert (uk.amount, uk.currency, uk.per_year, uk.start, uk.end) == (3, "GBP", True, (2024, 4), (2031, 3))
    thales = {c.id: c for c in entries}["gbr-2025-thales-missiles-1.6bn"]
    assert (thales.kind, thales.amount, thales.currency) == ("contract", 1.6, "GBP")

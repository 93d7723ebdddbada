"""The registry of national defence budgets (data/budgets.yaml) and its loader: every check,
the tidy rows it gives, and the committed registry's coverage."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from dashboard.errors import SourceError
from dashboard.model.registry import load_groups
from dashboard.provenance import RawFile
from dashboard.sources import national

GOOD = {
    "id": "pol-2026-adopted", "iso3": "POL", "fiscal_year": 2026, "stage": "adopted", "amount": 200,
    "currency": "PLN", "unit": "billion", "share_gdp_stated": 4.81, "definition": "core_special_funds",
    "document": {"publisher": "Polskie Radio", "title": "Polish president signs 2026 budget into law",
                 "date": dt.date(2026, 1, 19), "url": "https://polskieradio.pl/x", "url_checked": False,
                 "kind": "news"},
    "evidence": "defence spending is expected to reach PLN 200 billion, standing at 4.81 percent of GDP.",
}


def write(tmp_path: Path, figures: list[dict], reviewed: dt.date = dt.date(2026, 12, 5)) -> Path:
    path = tmp_path / "budgets.yaml"
    path.write_text(yaml.safe_dump({"reviewed": reviewed, "figures": figures}, allow_unicode=True), encoding="utf-8")
    return path


def entry(**changes: object) -> dict:
    out = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def parse(path: Path):
    return national.parse(RawFile("national", path, "2026-12-05", ""))


# ---- the rows ----------------------------------------------------------------------------------

def test_a_figure_becomes_its_amount_in_millions_and_its_stated_share(tmp_path):
    frame = parse(write(tmp_path, [GOOD]))
    rows = {r["indicator"]: r for r in frame.to_dict("records")}
    assert set(rows) == {"milex_lcu", "milex_share_gdp"}
    lcu, share = rows["milex_lcu"], rows["milex_share_gdp"]
    assert lcu["value"] == 200_000.0 and lcu["unit"] == "PLN million"        # 200 billion = 200,000 million
    assert share["value"] == 4.81 and share["unit"] == "percent of GDP"
    # the edition is the document's date and the id: a figure's age is its document's
    assert lcu["edition"] == "2026-01-19 pol-2026-adopted" and lcu["year"] == 2026
    assert bool(lcu["estimate"]) is True                 # adopted, not yet spent
    assert lcu["flags"] == "stage=adopted definition=core_special_funds"
    assert lcu["source"] == "national" and lcu["retrieved"] == "2026-12-05" and lcu["country"] == "Poland"
    [doc] = frame.attrs["documents"]
    assert doc["id"] == "pol-2026-adopted" and doc["document"]["url"] == "https://polskieradio.pl/x"
    assert "evidence" not in doc  # the reviewer's quotation stays in the registry


def test_units_as_printed_are_converted_to_millions(tmp_path):
    india = entry(id="ind-2024-draft", iso3="IND", fiscal_year=2024, stage="draft", amount=621940.85,
                  currency="INR", unit="crore", share_gdp_stated=None, definition="core",
                  fiscal_year_label="2024-25", fiscal_year_starts="04-01")
    lakh = entry(id="ind-2026-draft", iso3="IND", fiscal_year=2026, stage="draft", amount=7.85, currency="INR",
                 unit="lakh crore", share_gdp_stated=None, definition="core")
    taiwan = entry(id="twn-2025-adopted", iso3="TWN", fiscal_year=2025, amount=6400, currency="TWD",
                   unit="hundred million", share_gdp_stated=None)
    outturn = entry(id="pol-2024-outturn", fiscal_year=2024, stage="outturn", amount=159.9)
    frame = parse(write(tmp_path, [india, lakh, taiwan, outturn]))
    lcu = {r["edition"].split()[-1]: r for r in frame.to_dict("records") if r["indicator"] == "milex_lcu"}
    assert lcu["ind-2024-draft"]["value"] == pytest.approx(6_219_408.5)    # 1 crore = 10 million
    assert lcu["ind-2026-draft"]["value"] == pytest.approx(7_850_000.0)    # 1 lakh crore = 10^12
    assert lcu["twn-2025-adopted"]["value"] == pytest.approx(640_000.0)    # 億 = 10^8
    assert lcu["ind-2024-draft"]["flags"] == "stage=draft definition=core fy=2024-25"
    assert bool(lcu["pol-2024-outturn"]["estimate"]) is False              # spent: not an estimate


def test_a_document_that_states_only_a_share_and_an_undated_one(tmp_path):
    share_only = entry(id="gbr-2025-plan-nato", iso3="GBR", fiscal_year=2025, stage="plan", amount=None,
                       currency=None, unit=None, share_gdp_stated=2.36, definition="nato",
                       document={**GOOD["document"], "date": None})
    frame = parse(write(tmp_path, [share_only]))
    assert list(frame["indicator"]) == ["milex_share_gdp"]
    assert list(frame["edition"]) == ["gbr-2025-plan-nato"]  # no date: the id alone


def test_not_comparable_is_a_flag(tmp_path):
    one_off = entry(not_comparable="includes a one-off pension buy-out")
    frame = parse(write(tmp_path, [one_off]))
    assert set(frame["flags"]) == {"stage=adopted definition=core_special_funds not_comparable"}


# ---- every check: one line naming the entry and the field --------------------------------------

BAD = [
    (entry(document=None), "figure 'pol-2026-adopted': document is missing"),
    (entry(document={k: v for k, v in GOOD["document"].items() if k != "url"}), "document lacks url"),
    (entry(document={**GOOD["document"], "url": "ftp://x"}), "document.url is not an http(s) address"),
    (entry(document={**GOOD["document"], "publisher": " "}), "document.publisher is empty"),
    (entry(document={**GOOD["document"], "kind": "blog"}), "document.kind 'blog' is not one of"),
    (entry(document={**GOOD["document"], "url_checked": "yes"}), "document.url_checked must be true or false"),
    (entry(document={**GOOD["document"], "date": dt.date(2027, 1, 1)}), "is after the registry's review date"),
    (entry(currency="XYZ"), "currency 'XYZ' is not an ISO 4217 code known to CLDR"),
    (entry(unit="lakh"), "unit 'lakh' is not one of"),
    (entry(share_gdp_stated=45), "share_gdp_stated 45 is not a share of GDP between 0 and 40 %"),
    (entry(share_gdp_stated=0), "share_gdp_stated 0 is not a share of GDP"),
    (entry(amount=-5), "amount -5 is not a positive number"),
    (entry(amount=None, share_gdp_stated=None), "every figure needs an amount, a share of GDP or both"),
    (entry(stage="enacted", id="pol-2026-enacted"), "stage 'enacted' is not one of outturn, adopted"),
    (entry(definition="total"), "definition 'total' is not one of core"),
    (entry(iso3="XXX", id="xxx-2026-adopted"), "iso3 'XXX' is not an ISO 3166 alpha-3 code"),
    (entry(id="POL-2026-adopted"), "id must look like pol-2026-adopted"),
    (entry(id="pol-2025-adopted"), "id must start pol-2026-adopted"),
    (entry(fiscal_year=1850, id="pol-1850-adopted"), "fiscal_year 1850 is not a year between"),
    (entry(evidence=None), "evidence is missing"),
    (entry(evidence="x" * 401), "evidence must be the document's own words, at most 400 characters"),
    (entry(source="MoF"), "has unknown field(s) source"),
    (entry(fiscal_year_starts="04-01"), "fiscal_year_label and fiscal_year_starts go together"),
    (entry(not_comparable=3), "not_comparable is not text"),
]


@pytest.mark.parametrize(("bad", "message"), BAD, ids=[m[:40] for _, m in BAD])
def test_a_bad_figure_is_one_line_naming_it(tmp_path, bad, message):
    with pytest.raises(SourceError) as info:
        national.read(write(tmp_path, [bad]))
    text = str(info.value)
    assert message in text and "\n" not in text and "budgets.yaml" in text


def test_two_figures_for_one_country_year_stage_and_definition(tmp_path):
    again = entry(id="pol-2026-adopted-pap", amount=200.1)
    with pytest.raises(SourceError, match="figures 'pol-2026-adopted' and 'pol-2026-adopted-pap' are both POL 2026 "
                                          r"adopted \(core_special_funds\): keep one"):
        national.read(write(tmp_path, [GOOD, again]))
    with pytest.raises(SourceError, match="figure 'pol-2026-adopted' appears twice"):
        national.read(write(tmp_path, [GOOD, entry(definition="core")]))
    # a draft and the act of one year, or two definitions of one budget, are two figures
    assert len(national.read(write(tmp_path, [GOOD, entry(id="pol-2026-draft", stage="draft"),
                                              entry(id="pol-2026-adopted-core", definition="core")])).figures) == 3


def test_a_broken_file_is_one_line(tmp_path):
    path = tmp_path / "budgets.yaml"
    path.write_text("reviewed: 2026-12-05\nfigures:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(SourceError, match="not valid YAML at line"):
        national.read(path)
    path.write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(SourceError, match="expected a mapping with 'reviewed'"):
        national.read(path)


def test_discover_takes_a_folders_own_registry_else_the_projects(tmp_path):
    assert national.discover(tmp_path) == [national.REGISTRY]
    own = write(tmp_path, [GOOD])
    assert national.discover(tmp_path) == [own]


# ---- the committed registry ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def registry() -> national.Registry:
    return national.read()


def test_the_committed_registry_covers_every_ally_and_the_big_spenders(registry):
    figures = registry.figures
    countries = {f.iso3 for f in figures}
    assert len(figures) >= 100 and len(countries) >= 40
    allies = set(load_groups()["NATO"].members_in(2026))
    assert len(allies) == 32
    recent = {f.iso3 for f in figures if f.fiscal_year in (2025, 2026)}
    assert allies <= recent, sorted(allies - recent)
    assert {"JPN", "KOR", "AUS", "TWN", "UKR", "ISR", "IND", "CHN", "RUS"} <= recent
    # every figure names its document, with an address, and the words that give it
    assert all(f.document.publisher and f.document.title and f.document.url.startswith("http") and f.evidence
               for f in figures)
    # a news report is never marked as the government's page seen
    assert not [f.id for f in figures if f.document.kind == "news" and f.document.url_checked]


def test_figures_the_model_relies_on_are_as_their_documents_print_them(registry):
    by_id = {f.id: f for f in registry.figures}
    # Poland's 2026 budget act: PLN 200bn, 4.81 % of GDP (Polskie Radio, 19 Jan 2026)
    poland = by_id["pol-2026-adopted-special-funds"]
    assert (poland.amount, poland.unit, poland.currency, poland.share_gdp_stated) == (200, "billion", "PLN", 4.81)
    # Latvia's 2026 budget, adopted 4 Dec 2025: €2.16bn, 4.91 % (its defence ministry's page, seen)
    latvia = by_id["lva-2026-adopted"]
    assert (latvia.amount, latvia.share_gdp_stated, latvia.document.url_checked) == (2.16, 4.91, True)
    # the MOD's written answer: 2.36 % (2025-26) and 2.60 % (2027-28) on NATO's definition
    assert by_id["gbr-2025-plan-nato"].share_gdp_stated == 2.36 and by_id["gbr-2027-plan-nato"].share_gdp_stated == 2.6
    assert by_id["gbr-2025-plan-nato"].fiscal_year_label == "2025-26"
    # Germany's 2026 draft: Einzelplan 14 €82.69bn (the Bundestag's page, seen)
    assert by_id["deu-2026-draft-core"].amount == 82.69 and by_id["deu-2026-draft-core"].document.url_checked
    # France: the 2026 budget act €57.1bn; Macron's €64bn for 2027
    assert by_id["fra-2026-adopted-core"].amount == 57.1 and by_id["fra-2027-plan-core"].amount == 64

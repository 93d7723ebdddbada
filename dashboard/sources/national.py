"""Published national defence budgets: the project's own registry, ``data/budgets.yaml``.

Governments publish their defence budgets long before NATO or SIPRI publish the year:
budget acts, budget bills, spending reviews, programming laws, the US President's request.
The registry keeps one reviewed figure per country × fiscal year × stage × definition, each
with the document it comes from (see the file's header for every field). This loader checks
every entry — a figure without its document, an unknown currency, a share out of range or a
second figure for one country-year-stage-definition is a one-line error naming the entry —
and gives tidy rows:

- ``milex_lcu``: the amount, in million national currency (the document's unit converted);
- ``milex_share_gdp``: the share of GDP where the document states it (shares it does not
  state are computed by the model, ``dashboard.model.budgets``, naming the GDP they rest on).

Each figure is its own publication: its ``edition`` is the document's date and the entry's id
(``2026-01-19 pol-2026-adopted``; the id alone for an undated document), so its age is the
document's,
its ``year`` the fiscal year (the year the government names it by, the first of two), its
``estimate`` true for anything not yet spent (every stage but ``outturn``), and its ``flags``
say the stage, definition and fiscal year. The documents travel with the snapshot in the
datapackage (``frame.attrs["documents"]``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry
import requests
import yaml
from babel.numbers import list_currencies

from dashboard.errors import SourceError
from dashboard.provenance import RawFile, SourceInfo
from dashboard.rawcache import RawCache
from dashboard.schema import tidy
from dashboard.sources import read_limited

SOURCE = "national"

INFO = SourceInfo(
    name=SOURCE,
    publisher="Governments and parliaments (national budget documents)",
    title="National defence budgets as governments publish them (this project's registry, data/budgets.yaml)",
    url="https://github.com/defence-dashboard/defence-dashboard/blob/main/data/budgets.yaml",
    licence="Each figure is a fact published by a government; the registry is this project's (MIT)",
    citation="Defence-spending dashboard, registry of national defence budgets (data/budgets.yaml); "
             "cite each figure's own document, named in the registry.",
)
# parse reads its own file only (the build's parse memo may ignore the files beside it)
PARSES_ALONE = True

REGISTRY = Path(__file__).resolve().parents[2] / "data" / "budgets.yaml"
FILE_GLOB = "budgets*.yaml"

STAGES: tuple[str, ...] = ("outturn", "adopted", "draft", "plan", "request")
# Stages that are law or spent: a pledge's status may rest on them (drafts and plans are context).
BINDING_STAGES: frozenset[str] = frozenset({"outturn", "adopted"})
DEFINITIONS: dict[str, str] = {
    "core": "the defence ministry's budget as voted (national definition)",
    "core_special_funds": "the defence budget plus special or extra-budgetary defence funds",
    "nato": "the government's own figure on NATO's definition",
    "core_intelligence": "defence including the intelligence and security agencies",
    "defence_function": "the budget's national-defence function or chapter",
}
# The document's unit → millions (India prints crore = 10 million, lakh crore = 10^12; Taiwan
# prints 億, a hundred million).
UNITS: dict[str, float] = {"million": 1.0, "hundred million": 100.0, "billion": 1e3, "trillion": 1e6,
                           "crore": 10.0, "lakh crore": 1e6}
DOCUMENT_KINDS: tuple[str, ...] = ("government", "news")
# Ukraine spends over a quarter of its GDP on defence: shares up to 40 % are plausible.
MAX_SHARE = 40.0
YEARS = (1990, 2040)
ID = re.compile(r"[a-z]{3}-\d{4}-[a-z]+(-[a-z0-9.]+)*")
MONTH_DAY = re.compile(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
FIELDS = frozenset({"id", "iso3", "fiscal_year", "fiscal_year_label", "fiscal_year_starts", "stage", "amount",
                    "currency", "unit", "share_gdp_stated", "definition", "definition_note", "document", "notes",
                    "evidence", "not_comparable"})
# amount (with currency and unit) or share_gdp_stated: a document may state only one of them.
REQUIRED = ("id", "iso3", "fiscal_year", "stage", "definition", "document", "evidence")
# The evidence is a short quotation of the document's own words, for the reviewer: no more.
MAX_EVIDENCE = 400
DOCUMENT_FIELDS = frozenset({"publisher", "title", "date", "url", "url_checked", "kind"})


@dataclass(frozen=True)
class Document:
    """Where a figure was published."""

    publisher: str
    title: str
    date: dt.date | None   # None: the stored copy shows no date (the fiscal year dates the figure)
    url: str
    url_checked: bool
    kind: str          # government | news (a report quoting the government's document)


@dataclass(frozen=True)
class Figure:
    """One registry entry: a country's defence budget for one fiscal year, stage and definition."""

    id: str
    iso3: str
    fiscal_year: int
    stage: str
    amount: float | None   # as the document prints it, in ``unit``; None: it states only a share
    currency: str
    unit: str
    definition: str
    document: Document
    evidence: str = ""
    not_comparable: str = ""   # why the figure cannot be compared with the year before (a one-off)
    share_gdp_stated: float | None = None
    fiscal_year_label: str = ""
    fiscal_year_starts: str = ""   # MM-DD; "" for a calendar year
    definition_note: str = ""
    notes: str = ""

    @property
    def lcu_million(self) -> float | None:
        """The amount in million national currency (None: the document states only a share)."""
        return None if self.amount is None else self.amount * UNITS[self.unit]

    @property
    def edition(self) -> str:
        """``2026-01-19 pol-2026-adopted``: the document's date (an edition's age is its date's)
        and the id; the id alone where the document shows no date."""
        return f"{self.document.date.isoformat()} {self.id}" if self.document.date else self.id

    @property
    def estimate(self) -> bool:
        """Anything not yet spent is an estimate of spending."""
        return self.stage != "outturn"

    def flags(self) -> str:
        """``stage=adopted definition=core fy=2026-27`` (what the row's key cannot say)."""
        parts = [f"stage={self.stage}", f"definition={self.definition}"]
        if self.not_comparable:
            parts.append("not_comparable")
        if self.fiscal_year_label:
            parts.append(f"fy={self.fiscal_year_label}")
        return " ".join(parts)

    def document_record(self) -> dict[str, Any]:
        """The entry without its numbers, for the datapackage (JSON types only; the evidence,
        for reviewers, stays in the registry)."""
        return {"id": self.id, "iso3": self.iso3, "fiscal_year": self.fiscal_year,
                "fiscal_year_label": self.fiscal_year_label, "fiscal_year_starts": self.fiscal_year_starts,
                "stage": self.stage, "definition": self.definition, "definition_note": self.definition_note,
                "amount": self.amount, "currency": self.currency, "unit": self.unit,
                "share_gdp_stated": self.share_gdp_stated, "notes": self.notes,
                "not_comparable": self.not_comparable,
                "document": {"publisher": self.document.publisher, "title": self.document.title,
                             "date": None if self.document.date is None else self.document.date.isoformat(),
                             "url": self.document.url,
                             "url_checked": self.document.url_checked, "kind": self.document.kind}}


@dataclass(frozen=True)
class Registry:
    """The whole file: when it was last reviewed, and its figures."""

    reviewed: dt.date
    figures: tuple[Figure, ...]


def discover(folder: Path) -> list[Path]:
    """Registries (``budgets*.yaml``) under ``folder``; none there: the project's own.

    The registry is project data, reviewed like ``data/pledges.yaml``, not a publisher's file
    in the raw cache: a build from the published files takes it from ``data/``. A folder that
    holds its own registry (the tests' small builds) uses that instead.
    """
    found = sorted(p for p in folder.rglob(FILE_GLOB) if not p.is_dir())
    return found or ([REGISTRY] if REGISTRY.is_file() else [])


def parse(raw: RawFile) -> pd.DataFrame:
    """Tidy rows of the registry: every figure's amount, and its share where stated."""
    registry = read(raw.path)
    rows: list[dict[str, Any]] = []
    for f in registry.figures:
        common = {"source": SOURCE, "edition": f.edition, "iso3": f.iso3, "country": _name(f.iso3),
                  "year": f.fiscal_year, "month": pd.NA, "price_base": "current", "estimate": f.estimate,
                  "flags": f.flags(), "retrieved": registry.reviewed.isoformat()}
        if f.lcu_million is not None:
            rows.append({**common, "indicator": "milex_lcu", "value": f.lcu_million,
                         "unit": f"{f.currency} million"})
        if f.share_gdp_stated is not None:
            rows.append({**common, "indicator": "milex_share_gdp", "value": f.share_gdp_stated,
                         "unit": "percent of GDP"})
    frame = tidy(pd.DataFrame(rows))
    frame.attrs["documents"] = [f.document_record() for f in registry.figures]
    frame.attrs["edition"] = f"reviewed {registry.reviewed.isoformat()}"
    frame.attrs["file_edition"] = (f"{len(registry.figures)} figures from {len({f.iso3 for f in registry.figures})} "
                                   f"countries, reviewed {registry.reviewed.isoformat()}")
    return frame


def fetch(sess: requests.Session, cache: RawCache) -> list[Path]:
    """Nothing to download: the registry is written by reviewers from the documents it cites."""
    return []


def read(path: Path = REGISTRY) -> Registry:
    """The registry at ``path``, checked (one-line SourceError naming the entry and the field)."""
    try:
        # the C loader where PyYAML has it: 5× faster on the 6,000-line registry
        loaded = yaml.load(read_limited(SOURCE, path).decode("utf-8"),
                           Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SourceError(SOURCE, path, f"not valid YAML{where}") from None
    if not isinstance(loaded, dict) or set(loaded) != {"reviewed", "figures"}:
        raise SourceError(SOURCE, path, "expected a mapping with 'reviewed' (a date) and 'figures' (a list)")
    reviewed = _date(loaded["reviewed"], path, "reviewed")
    if not isinstance(loaded["figures"], list):
        raise SourceError(SOURCE, path, "'figures' is not a list")
    figures = tuple(_figure(entry, i, path, reviewed) for i, entry in enumerate(loaded["figures"]))
    _unique(figures, path)
    return Registry(reviewed, figures)


# ---- checking one entry ---------------------------------------------------------------------

def _figure(entry: object, index: int, path: Path, reviewed: dt.date) -> Figure:
    """One entry, every field checked."""
    if not isinstance(entry, dict):
        raise SourceError(SOURCE, path, f"entry {index + 1} is not a mapping")
    name = str(entry.get("id", f"#{index + 1}"))[:60]

    def bad(field: str, why: str) -> SourceError:
        return SourceError(SOURCE, path, f"figure {name!r}: {field} {why}")

    unknown = sorted(set(entry) - FIELDS)
    if unknown:
        raise bad("", f"has unknown field(s) {', '.join(map(str, unknown))}".lstrip())
    for field in REQUIRED:
        if entry.get(field) in (None, ""):
            raise bad(field, "is missing (every figure needs it)")
    if not isinstance(entry["id"], str) or not ID.fullmatch(entry["id"]):
        raise bad("id", "must look like pol-2026-adopted (iso3-year-stage[-tag], lowercase)")
    iso3 = entry["iso3"]
    if not isinstance(iso3, str) or not _known_country(iso3):
        raise bad("iso3", f"{iso3!r} is not an ISO 3166 alpha-3 code")
    year = entry["fiscal_year"]
    if not isinstance(year, int) or isinstance(year, bool) or not YEARS[0] <= year <= YEARS[1]:
        raise bad("fiscal_year", f"{year!r} is not a year between {YEARS[0]} and {YEARS[1]}")
    if not entry["id"].startswith(f"{iso3.lower()}-{year}-{entry['stage']}"):
        raise bad("id", f"must start {iso3.lower()}-{year}-{entry['stage']} (country, fiscal year, stage)")
    if entry["stage"] not in STAGES:
        raise bad("stage", f"{entry['stage']!r} is not one of {', '.join(STAGES)}")
    amount = entry.get("amount")
    if amount is None and entry.get("share_gdp_stated") is None:
        raise bad("amount", "is missing (every figure needs an amount, a share of GDP or both)")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float)) or not amount > 0):
        raise bad("amount", f"{amount!r} is not a positive number")
    currency = entry.get("currency")
    if amount is not None or currency is not None:
        if not isinstance(currency, str) or currency not in _currencies():
            raise bad("currency", f"{currency!r} is not an ISO 4217 code known to CLDR")
    if amount is not None and entry.get("unit") not in UNITS:
        raise bad("unit", f"{entry.get('unit')!r} is not one of {', '.join(UNITS)}")
    evidence = entry["evidence"]
    if not isinstance(evidence, str) or len(evidence) > MAX_EVIDENCE:
        raise bad("evidence", f"must be the document's own words, at most {MAX_EVIDENCE} characters")
    if entry["definition"] not in DEFINITIONS:
        raise bad("definition", f"{entry['definition']!r} is not one of {', '.join(DEFINITIONS)}")
    share = entry.get("share_gdp_stated")
    if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float))
                              or not 0 < share <= MAX_SHARE):
        raise bad("share_gdp_stated", f"{share!r} is not a share of GDP between 0 and {MAX_SHARE:g} %")
    starts = entry.get("fiscal_year_starts", "")
    if starts and not (isinstance(starts, str) and MONTH_DAY.fullmatch(starts)):
        raise bad("fiscal_year_starts", f"{starts!r} is not MM-DD")
    label = entry.get("fiscal_year_label", "")
    if bool(starts) != bool(label):
        raise bad("fiscal_year_label", "and fiscal_year_starts go together (a fiscal year that is not the calendar year)")
    for text in ("fiscal_year_label", "definition_note", "notes", "not_comparable"):
        if not isinstance(entry.get(text, ""), str):
            raise bad(text, "is not text")
    document = _document(entry["document"], bad, reviewed)
    return Figure(id=entry["id"], iso3=iso3, fiscal_year=year, stage=entry["stage"],
                  amount=None if amount is None else float(amount), currency=currency or "",
                  unit=entry.get("unit") or "", definition=entry["definition"], document=document,
                  evidence=" ".join(evidence.split()), not_comparable=entry.get("not_comparable", "") or "",
                  share_gdp_stated=float(share) if share is not None else None, fiscal_year_label=label or "",
                  fiscal_year_starts=starts or "", definition_note=entry.get("definition_note", "") or "",
                  notes=entry.get("notes", "") or "")


def _document(doc: object, bad: Any, reviewed: dt.date) -> Document:
    """The figure's document: who published it, what, when, where, and whether the address was seen."""
    if not isinstance(doc, dict):
        raise bad("document", "is not a mapping (publisher, title, date, url, url_checked, kind)")
    missing = sorted(DOCUMENT_FIELDS - set(doc))
    if missing:
        raise bad("document", f"lacks {', '.join(missing)} (a figure without its document is not kept)")
    unknown = sorted(set(doc) - DOCUMENT_FIELDS)
    if unknown:
        raise bad("document", f"has unknown field(s) {', '.join(map(str, unknown))}")
    for text in ("publisher", "title", "url"):
        if not isinstance(doc[text], str) or not doc[text].strip():
            raise bad(f"document.{text}", "is empty")
    if not re.fullmatch(r"https?://[^\s]+", doc["url"]):
        raise bad("document.url", "is not an http(s) address")
    if not isinstance(doc["url_checked"], bool):
        raise bad("document.url_checked", "must be true or false")
    if doc["kind"] not in DOCUMENT_KINDS:
        raise bad("document.kind", f"{doc['kind']!r} is not one of {', '.join(DOCUMENT_KINDS)}")
    date: dt.date | None = None
    if doc["date"] is not None:  # null: the stored copy shows no date (say so rather than guess one)
        try:
            date = _date(doc["date"], None, "")
        except SourceError:
            raise bad("document.date", f"{doc['date']!r} is not a date (YYYY-MM-DD) or null") from None
    if date is not None and date > reviewed:
        raise bad("document.date", f"{date} is after the registry's review date {reviewed}")
    return Document(doc["publisher"].strip(), doc["title"].strip(), date, doc["url"], doc["url_checked"], doc["kind"])


def _unique(figures: tuple[Figure, ...], path: Path) -> None:
    """One id per figure; one figure per country, fiscal year, stage and definition."""
    seen: dict[str, str] = {}
    keys: dict[tuple[str, int, str, str], str] = {}
    for f in figures:
        if f.id in seen:
            raise SourceError(SOURCE, path, f"figure {f.id!r} appears twice")
        seen[f.id] = f.id
        key = (f.iso3, f.fiscal_year, f.stage, f.definition)
        if key in keys:
            raise SourceError(SOURCE, path, f"figures {keys[key]!r} and {f.id!r} are both {f.iso3} {f.fiscal_year} "
                                            f"{f.stage} ({f.definition}): keep one")
        keys[key] = f.id


def _date(value: object, path: Path | None, field: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise SourceError(SOURCE, path or REGISTRY, f"{field} {value!r} is not a date (YYYY-MM-DD)")


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    """ISO 4217 codes CLDR knows (babel)."""
    return frozenset(list_currencies())


def _known_country(iso3: str) -> bool:
    return pycountry.countries.get(alpha_3=iso3) is not None


def _name(iso3: str) -> str:
    """The country's display name (ISO's common name where it has one)."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    return getattr(country, "common_name", None) or country.name

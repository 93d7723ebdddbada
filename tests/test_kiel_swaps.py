"""Kiel loader: two money headers swapped are refused by what the columns hold, not read as each other.

A swap of ``financial`` and ``humanitarian`` (or ``military``) keeps every total and every sum
right, so the loader tells the kinds apart by content. The built release's figures
(tests/builders.py, EUR bn), added up by hand:

               military  financial  humanitarian   procurement_trends.csv, four ways summed
    2026-01    1.75      0.125      0.1875         1.25 + 0.5 + 0.25 + 0   = 2.0
    2026-02    0.75      3.0        0.53125        0.25 + 0.5 + 0    + 0   = 0.75
    2026-03    2.75      0.3125     0.0            0.5  + 1.0 + 0.25 + 1.0 = 2.75
    release    5.25      3.4375     0.71875

Each kind's distance from the sourcing, the months' differences added up: military
0.25 + 0 + 0 = 0.25; financial 1.875 + 2.25 + 2.4375 = 6.5625; humanitarian
1.8125 + 0.21875 + 2.75 = 4.78125. January's humanitarian (0.1875) is more than its financial
(0.125): humanitarian is the smallest kind over the release, not in every month.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.errors import SourceError
from dashboard.snapshot.build import build
from dashboard.sources import kiel
from tests.builders import KIEL_MONTHS, KIEL_SOURCING, edit_text, write_kiel_release
from tests.conftest import raw, shared_file

KINDS = ("military", "financial", "humanitarian")
SOURCING_WAYS = ("stockpile", "procurement", "unspecified", "nato_purl")


def _swap(path: Path, one: str, other: str) -> Path:
    """Trade two names in the file's header line; the figures stay where they are."""
    head, body = path.read_text(encoding="utf-8").split("\n", 1)
    names = [name.strip('"') for name in head.split(",")]
    assert one in names and other in names, (one, other, names)
    names = [other if n == one else one if n == other else n for n in names]
    path.write_text(",".join(f'"{n}"' for n in names) + "\n" + body, encoding="utf-8")
    return path


def _parse_all(folder: Path) -> pd.DataFrame:
    """Every file of the release, in the order a build reads them."""
    return pd.concat([kiel.parse(raw("kiel", path)) for path in kiel.discover(folder)], ignore_index=True)


def _refused(path: Path) -> str:
    """The one-line error parsing ``path`` gives."""
    with pytest.raises(SourceError) as exc:
        kiel.parse(raw("kiel", path))
    message = str(exc.value)
    assert "\n" not in message and message.startswith(f"kiel: {path}: "), message
    return message


# --- built releases (invented figures, the published layout) --------------------------------


@pytest.fixture
def built(tmp_path: Path) -> Path:
    return write_kiel_release(tmp_path / "kiel")


def test_built_release_passes_the_content_checks(built: Path):
    frame = _parse_all(built)
    everyone = frame[frame.iso3 == "UST_ALL"]
    assert everyone[everyone.indicator == "ukraine_aid_humanitarian"].value.sum() == 718.75   # 0.71875 bn
    assert everyone[everyone.indicator == "ukraine_aid_military"].value.sum() == 5250.0


# Expected lines worked out from the table in the module docstring.
BUILT_SWAPS = [
    ("financial", "humanitarian",
     "column 'humanitarian' ({who}) adds up to 3.4375 EUR bn over the release, more than column 'financial' "
     "(0.71875), but humanitarian aid is the smallest kind: are the headers 'humanitarian' and 'financial' swapped?"),
    ("military", "humanitarian",
     "column 'military' ({who}) is 4.78125 EUR bn away from procurement_trends.csv's military aid (months' "
     "differences added up), column 'humanitarian' only 0.25: are the headers 'military' and 'humanitarian' "
     "swapped?"),
    ("financial", "military",
     "column 'military' ({who}) is 6.5625 EUR bn away from procurement_trends.csv's military aid (months' "
     "differences added up), column 'financial' only 0.25: are the headers 'military' and 'financial' swapped?"),
]


@pytest.mark.parametrize("name,who", [("data_explorer.csv", "summed over donors"),
                                      ("total_allocations.csv", "all donors")], ids=["donors", "all-donors"])
@pytest.mark.parametrize("one,other,problem", BUILT_SWAPS, ids=["fin-hum", "mil-hum", "fin-mil"])
def test_built_swap_is_refused_by_the_file_itself(built: Path, name, who, one, other, problem):
    path = _swap(built / name, one, other)
    assert _refused(path) == f"kiel: {path}: {problem.format(who=who)}"


@pytest.mark.parametrize("one,other,problem", BUILT_SWAPS, ids=["fin-hum", "mil-hum", "fin-mil"])
def test_built_swap_in_both_files_alike_is_still_refused(built: Path, one, other, problem):
    """The two files then agree with each other; each is refused by its own content."""
    _swap(built / "data_explorer.csv", one, other)
    path = _swap(built / "total_allocations.csv", one, other)
    assert _refused(path) == f"kiel: {path}: {problem.format(who='all donors')}"
    assert _refused(built / "data_explorer.csv").endswith(problem.format(who="summed over donors"))


def test_built_swap_in_the_donor_file_is_refused_by_the_all_donor_file_too(built: Path):
    """January: all donors' financial is 0.125; the donors' "financial" column now holds their humanitarian."""
    _swap(built / "data_explorer.csv", "financial", "humanitarian")
    path = built / "total_allocations.csv"
    assert _refused(path) == (f"kiel: {path}: 2026-01: all donors' financial 0.125 EUR bn, but the donors' financial "
                              "in data_explorer.csv sums to 0.1875 and their humanitarian to 0.125: are the headers "
                              "'financial' and 'humanitarian' swapped in one of the two files?")


@pytest.mark.parametrize("name,problem", [
    ("total_allocations.csv", "2026-01: all donors' military 0.125 EUR bn, but the donors' military in "
     "data_explorer.csv sums to 1.75 and their financial to 0.125"),
    ("data_explorer.csv", "2026-01: all donors' military 1.75 EUR bn, but the donors' military in "
     "data_explorer.csv sums to 0.125 and their financial to 1.75"),
], ids=["all-donor-file", "donor-file"])
def test_without_the_sourcing_file_the_two_monthly_files_still_catch_a_swap(built: Path, name, problem):
    """No procurement_trends.csv: military and financial cannot be told apart within one file
    (humanitarian is still the smallest), but the files disagree, column by column."""
    (built / "procurement_trends.csv").unlink()
    _swap(built / name, "financial", "military")
    path = built / "total_allocations.csv"
    assert _refused(path) == (f"kiel: {path}: {problem}: are the headers 'military' and 'financial' swapped in "
                              "one of the two files?")


def test_total_swapped_with_a_kind_in_the_donor_file(built: Path):
    """Denmark 2026-01 (line 2): 0 + 0.125 + 0.25 = 0.375; swapped, total reads 0.25 and the parts
    0 + 0.125 + 0.375 = 0.5."""
    path = _swap(built / "data_explorer.csv", "total", "military")
    assert _refused(path) == (f"kiel: {path}: line 2: Denmark 2026-01: total 0.25 is not military + financial + "
                              "humanitarian (0.5): are the headers 'total' and 'military' swapped?")


def test_total_swapped_with_a_kind_in_the_all_donor_file(built: Path):
    """2026-01: 1.75 + 0.125 + 0.1875 = 2.0625; swapped, total reads 0.1875 and the parts
    1.75 + 0.125 + 2.0625 = 3.9375."""
    path = _swap(built / "total_allocations.csv", "total_allocations", "humanitarian")
    assert _refused(path) == (f"kiel: {path}: 2026-01: total_allocations 0.1875 is not military + financial + "
                              "humanitarian (3.9375): are the headers 'total_allocations' and 'humanitarian' swapped?")


def test_an_all_donor_total_that_is_not_its_parts_without_the_donor_file(built: Path):
    """2026-02: 0.75 + 3.0 + 0.53125 = 4.28125; no swap explains 4.5."""
    (built / "data_explorer.csv").unlink()
    path = edit_text(built / "total_allocations.csv", "\n2026,2,4.28125,", "\n2026,2,4.5,")
    assert _refused(path) == (f"kiel: {path}: 2026-02: total_allocations 4.5 is not military + financial + "
                              "humanitarian (4.28125): a column holds something else?")


def test_a_total_off_by_printed_rounding_is_read(built: Path):
    """Denmark 2026-01's total 0.375 printed as 0.375001 (EUR 1,000 more): within the tolerances."""
    edit_text(built / "data_explorer.csv", '"Denmark","DNK",2026,1,0.375,', '"Denmark","DNK",2026,1,0.375001,')
    frame = _parse_all(built)
    dnk = frame[(frame.iso3 == "DNK") & (frame.indicator == "ukraine_aid_total") & (frame.month == 1)]
    assert dnk.value.tolist() == [pytest.approx(375.001)]


def test_a_release_of_military_aid_alone_is_not_refused(tmp_path: Path):
    """Financial and humanitarian both 0: ties among the kinds do not count as a swap."""
    months = [(*m[:4], 0.0, 0.0, *m[6:]) for m in KIEL_MONTHS]
    folder = write_kiel_release(tmp_path / "kiel", months=months)
    frame = _parse_all(folder)
    assert frame[frame.indicator == "ukraine_aid_humanitarian"].value.eq(0).all()


def _in_eur_million(folder: Path) -> str:
    sourcing = [(y, m, *(v * 1000 for v in values)) for y, m, *values in KIEL_SOURCING]
    write_kiel_release(folder, sourcing=sourcing)
    return "line 2: stockpile 1250: the tracker publishes EUR billion (a file in EUR million?)"


def _month_after_the_period(folder: Path) -> str:
    edit_text(write_kiel_release(folder) / "procurement_trends.csv", "\n2026,3,", "\n2026,4,")
    return "line 4: 2026-04 is outside Release 12's period (2022-01 to 2026-03): a file of another release?"


@pytest.mark.parametrize("fault", [_in_eur_million, _month_after_the_period], ids=["eur-million", "month-after"])
def test_a_fault_of_the_sourcing_file_is_named_not_taken_for_a_swap(tmp_path: Path, fault):
    """data_explorer.csv's checks read procurement_trends.csv: its faults are reported as its own."""
    folder = tmp_path / "kiel"
    problem = fault(folder)
    with pytest.raises(SourceError) as exc:
        kiel.parse(raw("kiel", folder / "data_explorer.csv"))
    assert str(exc.value) == f"kiel: {folder / 'procurement_trends.csv'}: {problem}"


@pytest.mark.parametrize("name", ["total_allocations.csv", "procurement_trends.csv"])
def test_a_month_twice_in_an_all_donor_file_is_named(built: Path, name):
    """The months are compared as wholes, so a month given twice is refused where it is read."""
    path = built / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + lines[-1:]), encoding="utf-8")   # 2026-03 again, as line 5
    assert _refused(path) == f"kiel: {path}: line 5: 2026-03 appears twice"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_swap_fails_the_build_and_keeps_the_snapshot(tmp_path: Path):
    sources = tmp_path / "sources"
    write_kiel_release(sources / "kiel")
    out = tmp_path / "snapshot"
    build(sources, out, only=("kiel",))
    before = _digest(out)
    _swap(sources / "kiel" / "total_allocations.csv", "military", "humanitarian")
    with pytest.raises(SourceError, match=r"total_allocations\.csv: column 'military' \(all donors\) is 4\.78125 "
                                          r"EUR bn away"):
        build(sources, out, only=("kiel",))
    assert _digest(out) == before


# --- the published files (../shared) -----------------------------------------------------
# Release 29, measured with the csv module (EUR bn, 2022-01 … 2026-04): humanitarian 25.72,
# financial 159.68, military 172.99; the military column is 8.57 from procurement_trends.csv's
# four ways summed (months' differences added up), financial 127.55, humanitarian 143.27.


def _published_copy(tmp_path: Path) -> Path:
    """The six published files copied to a scratch folder (never into the repository)."""
    source = shared_file("kiel/release_info.csv").parent
    folder = tmp_path / "sources" / "kiel"
    folder.mkdir(parents=True)
    for name in kiel.FILES:
        shutil.copyfile(source / name, folder / name)
    return folder


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _kind_sums(folder: Path) -> dict[str, float]:
    """The release's all-donor sum of each kind, from total_allocations.csv as published."""
    rows = _read(folder / "total_allocations.csv")
    return {kind: sum(float(r[kind]) for r in rows) for kind in KINDS}


def _gaps(folder: Path) -> dict[str, float]:
    """How far each kind's all-donor months are from procurement_trends.csv's (four ways summed)."""
    everyone = {(r["year"], r["month"]): r for r in _read(folder / "total_allocations.csv")}
    sourcing = {(r["year"], r["month"]): sum(float(r[c]) for c in SOURCING_WAYS)
                for r in _read(folder / "procurement_trends.csv")}
    assert set(sourcing) == set(everyone) and len(everyone) == 52   # 2022-01 … 2026-04
    return {kind: sum(abs(float(everyone[k][kind]) - sourcing[k]) for k in everyone) for kind in KINDS}


def test_real_release_holds_what_the_checks_rely_on(tmp_path: Path):
    folder = _published_copy(tmp_path)
    assert _kind_sums(folder) == pytest.approx({"military": 172.99, "financial": 159.68, "humanitarian": 25.72},
                                               abs=0.01)
    assert _gaps(folder) == pytest.approx({"military": 8.57, "financial": 127.55, "humanitarian": 143.27}, abs=0.01)
    # each row's total is its kinds, each all-donor month its donors' sum, kind by kind, to float rounding
    donors: dict[tuple[str, str, str], float] = {}
    for r in _read(folder / "data_explorer.csv"):
        assert abs(float(r["total"]) - sum(float(r[k]) for k in KINDS)) < 1e-12
        for kind in KINDS:
            donors[(r["year"], r["month"], kind)] = donors.get((r["year"], r["month"], kind), 0.0) + float(r[kind])
    for r in _read(folder / "total_allocations.csv"):
        assert abs(float(r["total_allocations"]) - sum(float(r[k]) for k in KINDS)) < 1e-12
        for kind in KINDS:
            assert abs(donors.get((r["year"], r["month"], kind), 0.0) - float(r[kind])) < 1e-12
    assert len(_parse_all(folder)) > 0   # and the loader reads the release as published


REAL_SWAPS = [
    ("data_explorer.csv", "financial", "humanitarian"),
    ("data_explorer.csv", "military", "humanitarian"),
    ("data_explorer.csv", "financial", "military"),
    ("total_allocations.csv", "financial", "humanitarian"),
    ("total_allocations.csv", "military", "humanitarian"),
    ("total_allocations.csv", "financial", "military"),
]


@pytest.mark.parametrize("name,one,other", REAL_SWAPS, ids=[f"{n.split('_')[0]}-{a[:3]}-{b[:3]}"
                                                           for n, a, b in REAL_SWAPS])
def test_real_swap_is_refused(tmp_path: Path, name, one, other):
    folder = _published_copy(tmp_path)
    sums, gaps = _kind_sums(folder), _gaps(folder)
    path = _swap(folder / name, one, other)
    who = "summed over donors" if name == "data_explorer.csv" else "all donors"
    if "military" in (one, other):   # military is nearest procurement_trends.csv's months, by far
        partner = other if one == "military" else one
        expected = (f"column 'military' ({who}) is {gaps[partner]:g} EUR bn away from procurement_trends.csv's "
                    f"military aid (months' differences added up), column '{partner}' only {gaps['military']:g}: "
                    f"are the headers 'military' and '{partner}' swapped?")
    else:                            # humanitarian is the smallest kind, by far
        expected = (f"column 'humanitarian' ({who}) adds up to {sums['financial']:g} EUR bn over the release, more "
                    f"than column 'financial' ({sums['humanitarian']:g}), but humanitarian aid is the smallest "
                    "kind: are the headers 'humanitarian' and 'financial' swapped?")
    assert _refused(path) == f"kiel: {path}: {expected}"


def test_real_swap_fails_a_build_and_keeps_the_snapshot(tmp_path: Path):
    folder = _published_copy(tmp_path)
    sources = folder.parent
    out = tmp_path / "snapshot"
    build(sources, out, only=("kiel",))
    before = _digest(out)
    _swap(folder / "data_explorer.csv", "financial", "humanitarian")
    with pytest.raises(SourceError, match=r"data_explorer\.csv: column 'humanitarian' \(summed over donors\)"):
        build(sources, out, only=("kiel",))
    assert _digest(out) == before

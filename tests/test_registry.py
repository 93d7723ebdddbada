"""Pledge and group registries: the committed YAML, and the messages bad entries get."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.model import RegistryError, load_groups, load_pledges

GOOD = {
    "id": "gbr-2027-2.5", "actor": "GBR", "title": "UK 2.5 %", "kind": "share_gdp", "target": 2.5,
    "target_year": 2027, "by": "fiscal_year", "announced": "2025-02-25", "basis": "nato",
    "scope": "core", "commitment": "commitment",
    "source": {"publisher": "PM's Office", "title": "PM statement", "url": "https://www.gov.uk/x",
               "date": "2025-02-25"},
}


def _write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "pledges.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))
    return path


def test_committed_registries_load_and_cite_sources():
    groups = load_groups()
    pledges = load_pledges(groups=groups)
    assert len(pledges) >= 10
    assert all(p.source.url.startswith("https://") and p.source.publisher for p in pledges)
    ids = {p.id for p in pledges}
    assert {"gbr-2027-2.5", "nato-hague-2035-3.5-core"} <= ids
    hague = next(p for p in pledges if p.id == "nato-hague-2035-3.5-core")
    assert (hague.actor, hague.target, hague.target_year, hague.scope) == ("NATO", 3.5, 2035, "core")
    france = [p for p in pledges if p.actor == "FRA" and p.kind == "money"]
    assert france and france[0].target_money_million == 64_000


def test_nato_membership_follows_accessions():
    nato = load_groups()["NATO"]
    assert len(nato.members_in(2000)) == 19   # 16 in 1982 + Czechia, Hungary, Poland (1999)
    assert len(nato.members_in(2024)) == 32   # Finland 2023, Sweden 2024
    assert len(nato.members_in(2023)) == 31 and "SWE" not in nato.members_in(2023)
    groups = load_groups()
    assert "USA" not in groups["NATO_EUR_CAN"].members_in(2024) and len(groups["NATO_EUR_CAN"].members_in(2024)) == 31
    # EU-15 in 2000 less the United Kingdom, which EU27 does not include: 14
    assert len(groups["EU27"].members_in(2024)) == 27 and len(groups["EU27"].members_in(2000)) == 14
    assert len(groups["LONDON_2025"].members_in(1990)) == 15  # a fixed list, all years


@pytest.mark.parametrize("change,message", [
    ({"source": None}, "no source"),
    ({"source": {"publisher": "x", "title": "y", "date": "2025-01-01"}}, "source lacks url"),
    ({"actor": "XYZ"}, "actor 'XYZ' is neither"),
    ({"target": 250}, "not a percentage"),
    ({"kind": "vibes"}, "kind 'vibes' must be one of"),
    ({"announced": "last spring"}, "not a date"),
    ({"kind": "money", "target": 64}, "needs currency and money_unit"),
    ({"id": "Bad ID"}, "id must be lowercase"),
])
def test_bad_pledge_entries_are_named(tmp_path, change, message):
    entry = {**GOOD, **change}
    with pytest.raises(RegistryError) as info:
        load_pledges(_write(tmp_path, [entry]))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_duplicate_ids_and_broken_yaml(tmp_path):
    with pytest.raises(RegistryError, match="id used twice"):
        load_pledges(_write(tmp_path, [GOOD, GOOD]))
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: x\n  actor: [unclosed\n")
    with pytest.raises(RegistryError, match="not valid YAML at line"):
        load_pledges(broken)


def test_pledges_cli_json_for_the_uk():
    result = CliRunner().invoke(main, ["pledges", "--country", "GBR", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    uk = rows["gbr-2027-2.5"]
    # NATO June 2024 tables, Table 3: UK 2024e share 2.3323 % → gap 2.5 − 2.3323 = 0.1677 pp
    assert (uk["latest_source"], uk["latest_edition"], uk["latest_year"]) == ("nato", "2024-06", 2024)
    assert uk["latest_is_estimate"] is True
    assert round(uk["latest_share_pct"], 2) == 2.33 and round(uk["gap_pp"], 2) == 0.17
    assert uk["required_annual_increase_pp"] == pytest.approx(0.1677 / 3, abs=1e-3)
    assert uk["money_gap"]["currency"] == "GBP" and uk["money_gap"]["year"] == 2027
    assert uk["money_gap"]["lcu_million"] > 0
    assert uk["status"] in {"on_track", "off_track"}
    assert any("GDP" in a and "growth" in a for a in uk["assumptions"])
    for key in ("id", "actor", "target_share_pct", "target_year", "basis", "latest_year",
                "latest_share_pct", "latest_source", "latest_edition", "gap_pp",
                "required_annual_increase_pp", "money_gap", "status", "assumptions"):
        assert key in uk
    hague = rows["nato-hague-2035-3.5-core"]
    assert (hague["actor"], hague["country"], hague["target_share_pct"], hague["target_year"]) == ("NATO", "GBR", 3.5, 2035)


def test_pledges_cli_table_and_bad_country():
    result = CliRunner().invoke(main, ["pledges", "--country", "gbr"])
    assert result.exit_code == 0 and "gbr-2027-2.5 | GBR | 2.5% | 2027" in result.output
    bad = CliRunner().invoke(main, ["pledges", "--country", "../../etc"])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: --country") and "Traceback" not in bad.stderr
    none = CliRunner().invoke(main, ["pledges", "--country", "ATA"])
    assert none.exit_code == 1 and "no pledge binds ATA" in none.stderr

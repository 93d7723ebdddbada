"""Pledge and group registries: human-reviewed YAML, loaded and validated on start.

A pledge or group with no source, an unknown actor, or a value out of range is rejected
with a message naming the entry and the field — the registry is data people edit by
hand, so its errors must read like a review comment, not a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
import yaml

from dashboard.errors import DashboardError

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PLEDGES_FILE = DATA_DIR / "pledges.yaml"
GROUPS_FILE = DATA_DIR / "groups.yaml"

KINDS = ("share_gdp", "money", "equipment_share")
BY = ("calendar_year", "fiscal_year", "every_year")
BASES = ("nato", "national", "national_incl_intelligence")
SCOPES = ("core", "related", "total")
COMMITMENTS = ("commitment", "ambition", "budget", "law")
APPLIES_TO = ("all", "below_target")
SOURCE_FIELDS = ("publisher", "title", "url", "date")
# A pledge's standing today: still in force, replaced by a later pledge, or dropped.
ACTIVE, SUPERSEDED, LAPSED = "active", "superseded", "lapsed"
LIFECYCLES = (ACTIVE, SUPERSEDED, LAPSED)
# libyaml's C loader when present: the registries are parsed at every app start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9.\-]*")
# Codes that are actors but not ISO 3166 countries (see dashboard.countries).
NON_ISO_ACTORS = frozenset({"XKX", "EU_INST"})


class RegistryError(DashboardError):
    """An entry of pledges.yaml or groups.yaml is invalid."""


@dataclass(frozen=True)
class Citation:
    """Where a pledge or group definition was published."""

    publisher: str
    title: str
    url: str
    date: dt.date


@dataclass(frozen=True)
class Group:
    """A group of countries; membership may depend on the year (accessions)."""

    id: str
    name: str
    members: dict[str, int | None]  # ISO3 → accession year (None: member in every year)
    source: Citation
    description: str = ""
    also_attended: tuple[str, ...] = ()
    # members named only by a report that could not be checked against the publisher here
    # (no official list exists): code → where it was reported. They count as members and are
    # shown marked "unverified" wherever the group is.
    unverified: dict[str, Citation] = field(default_factory=dict)

    def members_in(self, year: int) -> list[str]:
        """Members in ``year`` (joined in or before it), sorted."""
        return sorted(c for c, joined in self.members.items() if joined is None or joined <= year)


@dataclass(frozen=True)
class Lifecycle:
    """Where a pledge stands, and on whose word.

    ``active``: the source is the announcement itself, or ``source`` when a later report
    confirmed it; ``superseded``: ``by`` names the pledge that replaced it (date and source
    are that pledge's); ``lapsed``: dropped without a replacement — ``date``, ``reason``
    and ``source`` are required.
    """

    state: str
    source: Citation
    date: dt.date | None = None
    reason: str = ""
    by: str | None = None


@dataclass(frozen=True)
class Pledge:
    """One promise: a target, a deadline, a definition, and who said it where."""

    id: str
    actor: str
    title: str
    kind: str
    target: float
    target_year: int
    by: str
    announced: dt.date
    basis: str
    scope: str
    commitment: str
    source: Citation
    currency: str | None = None
    money_unit: str | None = None
    applies_to: str = "all"
    supersedes: tuple[str, ...] = ()
    notes: str = ""
    lifecycle: Lifecycle | None = None  # set for every loaded pledge (None only in hand-made ones)
    # one of the few pledges readers ask about first (the UK's 2.5 % by 2027…): the tracker leads with them
    headline: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def state(self) -> str:
        """``active``, ``superseded`` or ``lapsed``."""
        return self.lifecycle.state if self.lifecycle else ACTIVE

    @property
    def target_money_million(self) -> float | None:
        """A money target in millions of ``currency`` (None for share targets)."""
        if self.kind != "money":
            return None
        return self.target * (1000.0 if self.money_unit == "billion" else 1.0)


def load_groups(path: Path = GROUPS_FILE) -> dict[str, Group]:
    """All groups by id, with derived groups (``derived_from`` + ``exclude``) resolved."""
    entries = _read_list(path)
    raw_by_id: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        gid = _str(entry, "id", path, i)
        if gid in raw_by_id:
            raise RegistryError(f"{path.name}: group {gid!r} defined twice")
        raw_by_id[gid] = entry
    groups: dict[str, Group] = {}
    for gid, entry in raw_by_id.items():
        where = f"{path.name}: group {gid!r}"
        members = _members(entry, raw_by_id, where)
        groups[gid] = Group(
            id=gid, name=_str(entry, "name", path, gid), members=members,
            source=_citation(entry, where), description=str(entry.get("description", "")).strip(),
            also_attended=tuple(entry.get("also_attended") or ()),
            unverified=_unverified(entry, members, where),
        )
    return groups


def _unverified(entry: dict[str, Any], members: dict[str, int | None], where: str) -> dict[str, Citation]:
    """``unverified: {ISO3: {publisher, title, url, date}}``: each such member with its report."""
    raw = entry.get("unverified") or {}
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: unverified must map member codes to the report naming them")
    out = {}
    for code, src in raw.items():
        if str(code) not in members:
            raise RegistryError(f"{where}: unverified member {code!r} is not in members")
        out[str(code)] = _citation({"source": src}, f"{where} unverified member {code!r}")
    return out


def load_pledges(path: Path = PLEDGES_FILE, groups: dict[str, Group] | None = None) -> list[Pledge]:
    """All pledges, validated; group actors must exist in ``groups``."""
    groups = load_groups() if groups is None else groups
    pledges: list[Pledge] = []
    seen: set[str] = set()
    for i, entry in enumerate(_read_list(path)):
        pid = _str(entry, "id", path, i)
        where = f"{path.name}: pledge {pid!r}"
        check_id(pid, where, seen)
        if "source" not in entry or not entry["source"]:
            raise RegistryError(f"{where}: no source — every pledge must cite where it was announced")
        actor = _str(entry, "actor", path, pid)
        if actor not in groups and not _is_country(actor):
            raise RegistryError(f"{where}: actor {actor!r} is neither an ISO3 country nor a group "
                                f"({', '.join(sorted(groups))})")
        kind = _choice(entry, "kind", KINDS, where)
        target = _number(entry, "target", where)
        if kind != "money" and not 0 < target <= 100:
            raise RegistryError(f"{where}: target {target} is not a percentage in (0, 100]")
        currency = entry.get("currency")
        if kind == "money" and (not currency or entry.get("money_unit") not in ("million", "billion")):
            raise RegistryError(f"{where}: a money target needs currency and money_unit (million|billion)")
        source = _citation(entry, where)
        pledges.append(Pledge(
            id=pid, actor=actor, title=_str(entry, "title", path, pid), kind=kind, target=target,
            target_year=int(_number(entry, "target_year", where)),
            by=_choice(entry, "by", BY, where), announced=_date(entry.get("announced"), where, "announced"),
            basis=_choice(entry, "basis", BASES, where), scope=_choice(entry, "scope", SCOPES, where),
            commitment=_choice(entry, "commitment", COMMITMENTS, where),
            source=source, currency=currency, money_unit=entry.get("money_unit"),
            applies_to=_choice({"applies_to": entry.get("applies_to", "all")}, "applies_to", APPLIES_TO, where),
            supersedes=tuple(entry.get("supersedes") or ()), notes=str(entry.get("notes", "")).strip(),
            lifecycle=_lifecycle(entry.get("lifecycle"), source, where),
            headline=_flag(entry, "headline", where),
            extra={k: v for k, v in entry.items() if k not in _PLEDGE_FIELDS},
        ))
    unknown = {s for p in pledges for s in p.supersedes} - seen
    if unknown:
        raise RegistryError(f"{path.name}: supersedes names unknown pledge(s) {sorted(unknown)}")
    return _link_successors(pledges, path)


def checked_entries(path: Path, noun: str, fields: frozenset[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(id, where, entry) for each entry of a registry file whose id is well-formed and unique
    and whose fields are all known; ``where`` ("events.yaml: event 'x'") starts its errors."""
    seen: set[str] = set()
    for i, entry in enumerate(_read_list(path)):
        ident = entry.get("id")
        if not isinstance(ident, str) or not ident.strip():
            raise RegistryError(f"{path.name}: entry {i + 1} lacks id")
        where = f"{path.name}: {noun} {ident!r}"
        check_id(ident, where, seen)
        unknown = sorted(set(entry) - fields)
        if unknown:
            raise RegistryError(f"{where}: unknown field(s) {', '.join(map(str, unknown))} "
                                f"(fields: {', '.join(sorted(fields))})")
        yield ident, where, entry


def text_field(entry: dict[str, Any], key: str, where: str) -> str:
    """A required one-line text field, its whitespace collapsed."""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: lacks {key}")
    return " ".join(value.split())


def check_id(ident: str, where: str, seen: set[str]) -> None:
    """A registry id is lowercase letters, digits, '.', '-' and used once (adds it to ``seen``)."""
    if not ID_PATTERN.fullmatch(ident):
        raise RegistryError(f"{where}: id must be lowercase letters, digits, '.', '-'")
    if ident in seen:
        raise RegistryError(f"{where}: id used twice")
    seen.add(ident)


def _lifecycle(raw: object, source: Citation, where: str) -> Lifecycle:
    """``lifecycle: active`` or a mapping ``{state, by | date, reason, source}`` (see :class:`Lifecycle`)."""
    if raw is None:
        raise RegistryError(f"{where}: no lifecycle — say active, superseded (by) or lapsed (date, reason, source)")
    entry = {"state": raw} if isinstance(raw, str) else raw
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: lifecycle must be a state or a mapping with one")
    state = _choice(entry, "state", LIFECYCLES, f"{where} lifecycle")
    if state == ACTIVE:
        confirmed = _citation(entry, f"{where} lifecycle") if entry.get("source") else source
        return Lifecycle(ACTIVE, confirmed, reason=str(entry.get("reason", "")).strip())
    if state == SUPERSEDED:
        by = entry.get("by")
        if not isinstance(by, str) or not by.strip():
            raise RegistryError(f"{where}: a superseded pledge names the pledge that replaced it (lifecycle.by)")
        # date and source are the successor's; filled in by _link_successors
        return Lifecycle(SUPERSEDED, source, by=by.strip(), reason=str(entry.get("reason", "")).strip())
    reason = str(entry.get("reason", "")).strip()
    if not reason:
        raise RegistryError(f"{where}: a lapsed pledge says why (lifecycle.reason)")
    return Lifecycle(LAPSED, _citation(entry, f"{where} lifecycle"), _date(entry.get("date"), where, "lapsed date"),
                     reason)


def _link_successors(pledges: list[Pledge], path: Path) -> list[Pledge]:
    """Superseded pledges take their successor's date and source; ``by`` and ``supersedes`` agree."""
    by_id = {p.id: p for p in pledges}
    replaced = {old: p.id for p in pledges for old in p.supersedes}
    out = []
    for p in pledges:
        where = f"{path.name}: pledge {p.id!r}"
        life = p.lifecycle
        assert life is not None
        if life.state == SUPERSEDED:
            successor = by_id.get(life.by or "")
            if successor is None:
                raise RegistryError(f"{where}: superseded by unknown pledge {life.by!r}")
            if p.id not in successor.supersedes:
                raise RegistryError(f"{where}: superseded by {successor.id!r}, whose supersedes does not list it")
            life = Lifecycle(SUPERSEDED, successor.source, successor.announced, life.reason, successor.id)
            p = dataclasses.replace(p, lifecycle=life)
        elif p.id in replaced:
            raise RegistryError(f"{where}: {replaced[p.id]!r} supersedes it, so its lifecycle must be "
                                f"superseded (by: {replaced[p.id]})")
        out.append(p)
    return out


_PLEDGE_FIELDS = frozenset({"id", "actor", "title", "kind", "target", "target_year", "by", "announced",
                            "basis", "scope", "commitment", "source", "currency", "money_unit",
                            "applies_to", "supersedes", "notes", "lifecycle", "headline"})


def _read_list(path: Path) -> list[dict[str, Any]]:
    """The YAML file as a list of mappings, or a one-line RegistryError."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise RegistryError(f"{path.name}: not valid YAML{at}") from None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise RegistryError(f"{path.name}: expected a list of entries")
    return data


def _members(entry: dict[str, Any], raw_by_id: dict[str, dict[str, Any]], where: str) -> dict[str, int | None]:
    if "derived_from" in entry:
        parent = raw_by_id.get(entry["derived_from"])
        if parent is None or "members" not in parent:
            raise RegistryError(f"{where}: derived_from {entry['derived_from']!r} is not a listed group")
        members = _members(parent, raw_by_id, where)
        for code in entry.get("exclude") or ():
            members.pop(code, None)
        return members
    raw = entry.get("members")
    if isinstance(raw, list):
        members = {str(c): None for c in raw}
    elif isinstance(raw, dict):
        members = {str(c): int(y) for c, y in raw.items()}
    else:
        raise RegistryError(f"{where}: members must be a list or a mapping ISO3 → accession year")
    bad = [c for c in members if not _is_country(c)]
    if bad:
        raise RegistryError(f"{where}: unknown member code(s) {bad}")
    return members


def _is_country(code: str) -> bool:
    return code in NON_ISO_ACTORS or pycountry.countries.get(alpha_3=code) is not None


def _citation(entry: dict[str, Any], where: str) -> Citation:
    src = entry.get("source")
    if not isinstance(src, dict):
        raise RegistryError(f"{where}: no source — cite publisher, title, url and date")
    missing = [f for f in SOURCE_FIELDS if not src.get(f)]
    if missing:
        raise RegistryError(f"{where}: source lacks {', '.join(missing)}")
    url = str(src["url"])
    if not url.startswith(("https://", "http://")):
        raise RegistryError(f"{where}: source url {url!r} is not a web address")
    return Citation(str(src["publisher"]), str(src["title"]), url, _date(src["date"], where, "source date"))


def _date(value: object, where: str, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RegistryError(f"{where}: {what} {value!r} is not a date (YYYY-MM-DD)") from None


def _str(entry: dict[str, Any], key: str, path: Path, ident: object) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{path.name}: entry {ident!r} lacks {key}")
    return value.strip()


def _number(entry: dict[str, Any], key: str, where: str) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RegistryError(f"{where}: {key} must be a number, got {value!r}")
    return float(value)


def _flag(entry: dict[str, Any], key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise RegistryError(f"{where}: {key} must be true or false, got {value!r}")
    return value


def _choice(entry: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    value = entry.get(key)
    if value not in allowed:
        raise RegistryError(f"{where}: {key} {value!r} must be one of {', '.join(allowed)}")
    return str(value)

"""Chart parameters: ``key=value`` strings in, typed values out, or one line saying what is wrong.

Values are checked against the data (a country must have figures, a year must be one the
source publishes) and never used to build a file path. Errors echo at most a few
characters of what was given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dashboard.views import ViewError

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

MAX_VALUE_LEN = 200
SHOWN = 24  # characters of a bad value repeated in an error
ISO3 = re.compile(r"[A-Z]{3}")
NAME = re.compile(r"[a-z][a-z0-9_]*")

# (app, parameters resolved so far) → a value: defaults and limits that depend on the data
Dynamic = Callable[["ViewData", dict[str, Any]], Any]


@dataclass(frozen=True)
class Param:
    """One chart parameter: name, kind, default, and the values it accepts."""

    name: str
    kind: str                 # a key of PARSERS: country, year, number, choice, codes (ids), ...
    help: str
    default: Any | Dynamic
    choices: tuple[str, ...] | Dynamic | None = None
    bounds: tuple[float, float] | Dynamic | None = None   # inclusive, for years and numbers
    limit: int = 12           # most items in a list parameter

    def resolve(self, value: Any, app: ViewData, done: dict[str, Any]) -> Any:
        """A default, choice list or bounds that may depend on the data and earlier parameters."""
        return value(app, done) if callable(value) else value


def parse_pairs(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["year=2024", "source=nato"]`` → ``{"year": "2024", "source": "nato"}`` (no repeats)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not sep or not key:
            raise ViewError(f"--param {_show(pair)}: expected KEY=VALUE (e.g. --param country=GBR)")
        if not NAME.fullmatch(key):
            raise ViewError(f"--param {_show(key)}: not a parameter name")
        if key in out:
            raise ViewError(f"--param {key} given twice")
        out[key] = value.strip()
    return out


def validate(chart: str, params: tuple[Param, ...], raw: dict[str, str], app: ViewData) -> dict[str, Any]:
    """Typed values for every parameter of ``chart`` (defaults filled in), in declaration order."""
    known = {p.name for p in params}
    for key in raw:
        if key not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise ViewError(f"chart {chart!r} has no parameter {_show(key)!r} (its parameters: {listed})")
    done: dict[str, Any] = {}
    for param in params:
        if param.name in raw:
            done[param.name] = parse(param, raw[param.name], app, done)
        else:
            done[param.name] = param.resolve(param.default, app, done)
    return done


def parse(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> Any:
    """One value, typed and checked; ViewError with one line otherwise."""
    if len(value) > MAX_VALUE_LEN:
        raise ViewError(f"{param.name}: value longer than {MAX_VALUE_LEN} characters")
    if value == "":
        raise ViewError(f"{param.name}: empty value")
    return PARSERS[param.kind](param, value, app, done)


def _country(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> str:
    code = value.strip().upper()
    if not ISO3.fullmatch(code) or code not in set(app.country_codes):
        raise ViewError(f"{param.name}: {_show(value)!r} is not a country with figures in the data "
                          "(ISO 3166 alpha-3 code, e.g. GBR)")
    return code


def _countries(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> list[str]:
    codes = [_country(param, part, app, done) for part in value.split(",") if part.strip()]
    if not codes:
        raise ViewError(f"{param.name}: give one or more ISO3 codes separated by commas (e.g. GBR,DEU)")
    if len(codes) > param.limit:
        raise ViewError(f"{param.name}: at most {param.limit} countries")
    return list(dict.fromkeys(codes))


def _year(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> int:
    text = value.strip()
    if not re.fullmatch(r"-?\d{1,6}", text):
        raise ViewError(f"{param.name}: {_show(value)!r} is not a year")
    year = int(text)
    low, high = param.resolve(param.bounds, app, done)
    if not low <= year <= high:
        raise ViewError(f"{param.name}: {year} is out of range ({int(low)}–{int(high)})")
    return year


def _optional_year(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> int | None:
    return None if value.strip().lower() in ("off", "none") else _year(param, value, app, done)


def _number(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ViewError(f"{param.name}: {_show(value)!r} is not a number") from None
    if not math.isfinite(number):
        raise ViewError(f"{param.name}: {_show(value)!r} is not a finite number")
    low, high = param.resolve(param.bounds, app, done)
    if not low <= number <= high:
        raise ViewError(f"{param.name}: {number:g} is out of range ({low:g}–{high:g})")
    return number


def _optional_number(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> float | None:
    return None if value.strip().lower() in ("auto", "off", "none") else _number(param, value, app, done)


def _choice(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> str:
    choices = param.resolve(param.choices, app, done)
    if value in choices:
        return value
    folded: dict[str, str] = {c.lower(): c for c in choices}
    if value.lower() in folded:
        return folded[value.lower()]
    raise ViewError(f"{param.name}: {_show(value)!r} is not one of {', '.join(choices)}")


def _codes(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> list[str] | str:
    if value.strip().lower() == "all":
        return "all"
    choices = param.resolve(param.choices, app, done)
    codes = [part.strip() for part in value.split(",") if part.strip()]
    for code in codes:
        if code not in choices:
            raise ViewError(f"{param.name}: {_show(code)!r} is not one of {', '.join(choices)}")
    if not codes or len(codes) > param.limit:
        raise ViewError(f"{param.name}: give 'all' or 1 to {param.limit} ids separated by commas")
    return list(dict.fromkeys(codes))


def _text(param: Param, value: str, app: ViewData, done: dict[str, Any]) -> str:
    """Free text (a search), whitespace folded, at most ``limit`` characters."""
    return " ".join(value.split())[:param.limit]


PARSERS: dict[str, Callable[[Param, str, ViewData, dict[str, Any]], Any]] = {
    "country": _country, "countries": _countries, "year": _year, "optional_year": _optional_year,
    "number": _number, "optional_number": _optional_number, "choice": _choice, "codes": _codes, "text": _text,
}


def text(value: Any, kind: str = "") -> str:
    """A parameter value as the user would type it (for --list, titles and the manifest)."""
    if value is None:
        return "auto" if kind == "optional_number" else "off"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _show(value: str) -> str:
    """At most a few characters of a user's value, printable."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return clean if len(clean) <= SHOWN else clean[:SHOWN] + "…"

"""URL parameters: safe parsing of raw values (query strings, control values) and serialising.

Every function returns a valid value and never raises: anything odd gives the default.
Used by the page specs (``specs.py``) for the URL and for the controls alike.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from urllib.parse import urlencode

ISO3 = re.compile(r"[A-Z]{3}")
MAX_PARAM_LEN = 200  # longer query values are ignored, not parsed


def param_iso3(value: object, known: Collection[str], default: str | None = None) -> str | None:
    """A known ISO3 code from a URL parameter, else ``default`` (never raises)."""
    if not isinstance(value, str) or len(value) > MAX_PARAM_LEN:
        return default
    code = value.strip().upper()
    return code if ISO3.fullmatch(code) and code in known else default


def param_codes(value: object, known: Collection[str], limit: int = 12) -> list[str]:
    """Comma-separated ISO3 codes from a URL parameter; unknown codes dropped."""
    if not isinstance(value, str) or len(value) > MAX_PARAM_LEN:
        return []
    codes = [param_iso3(v, known) for v in value.split(",")]
    return list(dict.fromkeys(c for c in codes if c))[:limit]


def param_year(value: object, default: int, low: int, high: int) -> int:
    """A year from a URL parameter, clamped to [low, high]; anything odd gives ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or len(value) > 4:
            return default
    try:
        # a query or control value from Dash (untyped): int() itself rejects what is not a number
        year: int = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return default
    return min(max(year, low), high)


def param_choice(value: object, allowed: Sequence[str], default: str) -> str:
    """``value`` if it is one of ``allowed`` (exactly), else ``default``."""
    return value if isinstance(value, str) and value in allowed else default


def param_number(value: object, default: float, low: float, high: float) -> float:
    """A finite number within [low, high] from a URL parameter, else ``default``."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return default
    if number != number or number in (float("inf"), float("-inf")):
        return default
    return min(max(number, low), high)


def query(**params: object) -> str:
    """``?a=1&b=x`` from the non-empty parameters (for shareable URLs)."""
    clean = {k: (",".join(v) if isinstance(v, (list, tuple)) else v) for k, v in params.items()
             if v not in (None, "", [], ())}
    return "?" + urlencode(clean, safe=",") if clean else ""

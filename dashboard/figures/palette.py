"""The palette policy, in one place: a stable colour per country, never two alike in one chart.

Every chart that colours series by country (or any other key) asks :func:`distinct_colours`
for its colours, in drawing order: each series keeps its stable colour (:func:`country_colour`)
unless an earlier series of the same chart took it, and then takes the next unused colour
of :data:`PALETTE`. So the UK is the same blue on every page and in every export wherever it
can be, and no chart ever draws two series in one colour (tests/test_figure_colours.py
builds every chart of the registry and checks).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

# 24 colours, most distinct first: Okabe–Ito's colour-blind-safe six (no yellow or black: too
# faint on white, and black marks totals), then colours from Paul Tol's, Tableau's and Kelly's
# palettes, each picked as the one farthest (CIEDE2000) from those before it and from white,
# the totals' near-black and the "others" grey. Every pair is ≥ 14 ΔE2000 apart. The first
# six tell apart for readers with colour-vision deficiency; beyond them, labels and hover
# carry the names (no palette of 24 colours can do that).
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#882255", "#666633", "#8DB600", "#332288", "#882D17", "#225555",
    "#E15759", "#76B7B2", "#9C755F", "#C2B280", "#997700", "#875692",
    "#117733", "#FF9DA7", "#654522", "#DCD300", "#2B3D26", "#EE8866",
)
# The countries charts show most (the Compare page's defaults, the London-summit coalition,
# NATO's largest spenders, Ukraine and Russia) each own a palette colour, so they keep it in
# any chart they share; every other country hashes into the palette and yields to them.
STABLE_COLOURS: dict[str, str] = dict(zip((
    "GBR", "DEU", "FRA", "POL", "ITA", "USA", "CAN", "NLD", "ESP", "TUR", "NOR", "SWE",
    "FIN", "DNK", "CZE", "ROU", "EST", "RUS", "CHN", "BEL", "GRC", "UKR", "LVA", "LTU",
), PALETTE, strict=True))


def country_colour(iso3: str) -> str:
    """The country's preferred colour: stable across pages, sessions and exports."""
    return STABLE_COLOURS.get(iso3) or PALETTE[zlib.crc32(iso3.encode()) % len(PALETTE)]


def distinct_colours(preferred: Sequence[str | None], taken: Iterable[str] = ()) -> list[str]:
    """One colour per series of a chart, in drawing order, no two alike.

    ``preferred``: each series' stable colour (None: no preference); ``taken``: colours the
    chart already uses for something else (a total, "others", the publishers' lines). A series
    keeps its preferred colour unless an earlier one (or ``taken``) has it; else it takes the
    first unused colour of :data:`PALETTE`. Beyond the palette's 24 colours they repeat: charts
    draw fewer series than that (the scenario stacks ten countries, Compare takes twelve).
    """
    used = {c.upper() for c in taken}
    spare = [c for c in PALETTE if c.upper() not in used]
    out: list[str] = []
    for colour in preferred:
        if colour is None or colour.upper() in used:
            free = [c for c in spare if c.upper() not in used]
            colour = free[0] if free else PALETTE[len(out) % len(PALETTE)]
        used.add(colour.upper())
        out.append(colour)
    return out


def country_colours(codes: Sequence[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Code → colour for the countries of one chart, in drawing order (see :func:`distinct_colours`)."""
    unique = list(dict.fromkeys(codes))
    return dict(zip(unique, distinct_colours([country_colour(c) for c in unique], taken), strict=True))

"""Types for building pages from Dash components: children, and attributes whose names have hyphens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from dash.development.base_component import Component

# What a component takes as children (Dash's own ComponentType, which it does not export).
Child = str | int | float | Component | None
Children = Child | Sequence[Child]

# An element's ARIA and data attributes. Dash takes them only as keyword arguments with
# hyphens in their names, so they are passed as ``**Attrs({"aria-label": ...})``: each key
# is then checked against the component's properties (none of them) and its ``**kwargs``.
Attrs = TypedDict("Attrs", {
    "aria-label": str,
    "aria-labelledby": str,
    "aria-describedby": str,
    "aria-live": str,
    "data-defer": str,
    "data-graph": str,
    "data-share": str,
    "data-card": str,
    "data-height": str,
    "data-copy": str,
    "data-preview": str,
}, total=False)

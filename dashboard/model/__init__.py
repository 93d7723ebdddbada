"""The pledge model: pure functions over the tidy table (no I/O beyond the registries, no Dash).

Typical use::

    from dashboard.snapshot import load
    from dashboard import model

    panel = model.Panel(load())
    groups = model.load_groups()
    pledges = model.load_pledges(groups=groups)
    rows = model.all_progress(panel, pledges, groups, country="GBR")
"""

from dashboard.model.economics import Assumptions, Economy, economy, implied_gdp_lcu
from dashboard.model.events import Event, load_events, on_timeline
from dashboard.model.groups import (
    Aggregate,
    aggregate,
    burden_sharing,
    country_year,
    reference_targets,
    scenario,
    scenario_rows,
    scenario_totals,
)
from dashboard.model.panel import Panel, Series
from dashboard.model.pledges import (
    STATUSES,
    MoneyGap,
    Progress,
    all_progress,
    linear_path,
    members_bound,
    progress,
)
from dashboard.model.reconcile import Revisions, edition_series, recomputed_shares, reconcile, revisions
from dashboard.model.registry import Citation, Group, Pledge, RegistryError, load_groups, load_pledges

__all__ = [
    "Aggregate", "Assumptions", "Citation", "Economy", "Event", "Group", "MoneyGap", "Panel", "Pledge", "Progress",
    "RegistryError", "Revisions", "STATUSES", "Series", "aggregate", "all_progress", "burden_sharing",
    "country_year", "economy", "edition_series", "implied_gdp_lcu", "linear_path", "load_events", "load_groups",
    "load_pledges", "members_bound", "on_timeline", "progress", "recomputed_shares", "reconcile", "reference_targets",
    "revisions", "scenario", "scenario_rows", "scenario_totals",
]

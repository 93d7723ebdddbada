"""Draw the pages' opening charts before the first reader asks (``create_app`` calls ``warm``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard.charts.scenarios import drawn as scenario_charts
from dashboard.charts.ukraine import drawn as ukraine_charts
from dashboard.views.specs import ScenariosView

if TYPE_CHECKING:
    from dashboard.views.data import ViewData


def warm(app: ViewData) -> None:
    """The views' look-ups (``ViewData.warm_views``), then the charts drawn from them: the
    Ukraine page's defaults and each group's default scenario."""
    app.warm_views()
    ukraine_charts(app).warm()
    default = ScenariosView.parse({}, app)
    for group in app.groups:
        scenario_charts(app).chart(group, default.target, default.year, default.growth)

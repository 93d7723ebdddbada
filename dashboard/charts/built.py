"""``Built``: one chart, ready to style and render — the figure and everything said about it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from dashboard.views.tabular import neutralise_frame, records_csv


@dataclass(frozen=True)
class Built:
    """One chart, ready to style and render: the figure and everything said about it."""

    figure: dict[str, Any]
    data: pd.DataFrame | Callable[[], pd.DataFrame]  # the frame, or how to make it when asked
    title: str
    subtitle: str
    source_text: str
    sources: Sequence[tuple[str, str | None]] = field(default_factory=list)  # (source, edition); None: no edition
    csv_body: Callable[[], str] | None = None  # the CSV without a frame, where that is faster

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The data behind the chart (made on first use when ``data`` is a function)."""
        return self.data() if callable(self.data) else self.data

    def csv(self) -> str:
        """The data behind the chart as CSV with a header row, no index."""
        return self.csv_body() if self.csv_body is not None else neutralise_frame(self.frame).to_csv(index=False)


def from_rows(figure: dict[str, Any], columns: Sequence[str], rows: Sequence[dict[str, object]], title: str,
              subtitle: str, source_text: str, sources: Sequence[tuple[str, str | None]]) -> Built:
    """A chart whose data is plain rows: the CSV written from them, the frame made only when asked."""
    return Built(figure, lambda: pd.DataFrame(list(rows), columns=list(columns)), title, subtitle, source_text,
                 sources, lambda: records_csv(columns, rows))

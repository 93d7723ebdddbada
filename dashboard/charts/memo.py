"""Charts drawn once per process: one memo object per ``ViewData``, made on first use.

The views memoise their data on the ``ViewData`` they belong to; the charts drawn from
them live a layer up and cannot hang on it, so each kind of memo (``UkraineCharts``…)
is kept here, keyed by the ``ViewData`` itself (by identity, weakly: a data object that
goes away takes its charts with it, and a second one — the tests, a refreshed build —
gets its own).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

T = TypeVar("T")


def per_data(factory: Callable[[ViewData], T]) -> Callable[[ViewData], T]:
    """``get(data)``: the one ``factory(data)`` for that data object, made on first use."""
    made: weakref.WeakKeyDictionary[ViewData, T] = weakref.WeakKeyDictionary()
    lock = threading.Lock()

    def get(data: ViewData) -> T:
        found = made.get(data)
        if found is None:
            with lock:
                found = made.get(data)
                if found is None:
                    found = made[data] = factory(data)
        return found

    get.__doc__ = f"The {getattr(factory, '__name__', 'memo')} of ``data``, made on first use and kept with it."
    return get

"""A least-recently-used cache bounded by bytes, per worker: what every in-process answer cache is.

An entry count says nothing about memory (one data answer is 1 KB, another 5 MB); a byte
budget does. Entries larger than ``max_item`` are never kept; the least recently used are
dropped until the total fits. Thread-safe (gevent's greenlets and Flask's threads alike).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ByteLRU:
    """Values are bytes (or a (bytes, text) pair, counted by both lengths); keys anything hashable."""

    def __init__(self, max_bytes: int, max_item: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_item = max_bytes if max_item is None else max_item
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self.size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        """The kept value, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: object) -> None:
        """Keep ``value`` unless larger than ``max_item``; drop the least recently used to fit."""
        cost = _cost(value) + _cost(key)   # keys count too (a page's key is its URL)
        if cost > self.max_item:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (value, cost)
            self.size += cost
            while self.size > self.max_bytes and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def __len__(self) -> int:
        return len(self._items)


def _cost(value: object) -> int:
    if isinstance(value, (bytes, bytearray, str)):
        return len(value)
    if isinstance(value, tuple):
        return sum(_cost(v) for v in value) + 64
    return 64   # a number, None, a small object

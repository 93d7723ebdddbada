"""CPU work of a request run off the gevent loop, so one heavy answer does not stall the worker.

A gevent worker runs every connection's greenlet on one OS thread: a request that spends
0.3 s encoding a 5 MB answer holds /health and every page for those 0.3 s. ``offload``
runs such work in the hub's thread pool instead; the loop keeps running (the interpreter
switches threads every few milliseconds), and only the waiting greenlet waits. Outside
gevent (tests, ``serve --dev``) it is a plain call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def offload(work: Callable[..., T], *args: object) -> T:
    """``work(*args)``, in gevent's thread pool when the standard library is patched for gevent."""
    try:
        from gevent import get_hub, monkey
    except ImportError:  # gevent is a serving dependency; without it there is no loop to keep free
        return work(*args)
    if not monkey.is_module_patched("threading"):
        return work(*args)
    return get_hub().threadpool.apply(work, args)

"""Answers of callbacks kept by request, per worker: the same question is answered once.

Every callback is a pure function of its request (the snapshot is fixed for the life of
the process), so two identical requests get identical answers. Every reader who opens
/country/FIN sends the same ``update_spending`` request; Dash spends ~2 ms rebuilding
the same figure and serialising it again. :class:`AnswerMemo` keeps the JSON answer of
each (day, request body) — the day because a few answers carry the export date — and
serves a repeat without calling Dash: the server's throughput on popular views roughly
doubles (docs/performance.md). It is bounded by bytes (least recently used dropped
first), never keeps an error, and keeps only requests that passed the shape check.
A first request for a new view is not helped; ``bench`` times those separately.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections import OrderedDict

MAX_BYTES = 32 * 1024 * 1024   # per worker
MAX_ANSWER = 512 * 1024        # larger answers (the pledge grid's rows) are not kept
ENV_OFF = "DEFENCE_DASHBOARD_NO_ANSWER_CACHE"  # set to 1 to measure Dash without it


class AnswerMemo:
    """A byte-bounded LRU of callback answers by request body (thread-safe)."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_answer: int = MAX_ANSWER) -> None:
        self._max_bytes, self._max_answer = max_bytes, max_answer
        self._answers: OrderedDict[bytes, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.enabled = os.environ.get(ENV_OFF, "") in ("", "0")

    @staticmethod
    def key(body: bytes) -> bytes:
        """The memo key of a request body (today's date included)."""
        return hashlib.blake2b(dt.date.today().isoformat().encode() + b"\0" + body, digest_size=20).digest()

    def get(self, key: bytes) -> bytes | None:
        """The kept answer, or None."""
        if not self.enabled:
            return None
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: bytes, answer: bytes) -> None:
        """Keep ``answer`` unless it is too large; drop the least recently used to fit."""
        if not self.enabled or len(answer) > self._max_answer:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._size += len(answer)
            while self._size > self._max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._answers)

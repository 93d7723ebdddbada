"""The gunicorn worker the dashboard runs in: gevent, a read deadline, headers on errors.

Imported by gunicorn (``serving.WORKER_CLASS``) after ``serving.run`` has monkey-patched
the standard library; importing it earlier would load ``ssl`` unpatched.
"""

from __future__ import annotations

import socket
import time

from gunicorn.workers.ggevent import GeventWorker

from dashboard.app.server.security import BASE_HEADERS
from dashboard.app.server.serving import read_timeout

# gunicorn's own error pages (400, 414, 431 for requests it cannot parse) are HTML with no
# scripts: nothing may run in them and nothing may frame them.
ERROR_HEADERS = {**BASE_HEADERS, "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}


class DeadlineSocket:
    """A client socket whose reads must all be done by a deadline (the request's read time).

    gunicorn's parser reads the request through ``recv``; each call gets the time left,
    and a client out of time reads as a closed connection (gunicorn then closes it
    quietly). Writes (the answer) are not limited here.
    """

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self._sock = sock
        self._deadline = time.monotonic() + seconds

    def recv(self, size: int, *args: int) -> bytes:
        """Bytes from the client, or b"" (end of stream) once the deadline has passed."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            return b""
        self._sock.settimeout(left)
        try:
            return self._sock.recv(size, *args)
        except TimeoutError:
            return b""

    def sendall(self, data: bytes, *args: int) -> None:
        """Write without the read deadline."""
        self._sock.settimeout(None)
        self._sock.sendall(data, *args)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class HeaderedSocket:
    """Adds the security headers to an error answer gunicorn writes itself."""

    def __init__(self, sock: socket.socket | DeadlineSocket) -> None:
        self._sock = sock

    def sendall(self, data: bytes, *args: int) -> None:
        """The answer with ``ERROR_HEADERS`` after its status line."""
        head, sep, rest = bytes(data).partition(b"\r\n")
        if sep and head.startswith(b"HTTP/"):
            extra = "".join(f"{k}: {v}\r\n" for k, v in ERROR_HEADERS.items()).encode("latin-1")
            data = head + sep + extra + rest
        self._sock.sendall(data, *args)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class DashboardWorker(GeventWorker):
    """gevent worker: a read deadline per request, security headers on gunicorn's own errors."""

    read_timeout_s = read_timeout()

    def handle(self, listener, client, addr) -> None:
        super().handle(listener, DeadlineSocket(client, self.read_timeout_s), addr)

    def handle_error(self, req, client, addr, exc) -> None:
        super().handle_error(req, HeaderedSocket(client), addr, exc)

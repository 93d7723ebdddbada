"""A long-lived SVG painter: figures in on stdin, SVG out on stdout, one warm Chromium throughout.

    python -m dashboard.export.painter

The app's pages carry each chart as an SVG picture until plotly.js is needed
(``dashboard.app.pictures``). Starting Python, kaleido and Chromium costs 3–6 s, and a
page has up to five charts at two widths, so the app keeps one of these processes per
server, shared by its workers through the painter service (``dashboard.app.pictures.paint``:
started on demand, stopped when idle), and sends it one request per picture (~0.2–0.5 s
each once warm). Chromium stays out of the web workers (docs/design.md).

Protocol, one JSON object per line each way:
    in:  {"figure": {...}, "width": 1140, "height": 420, "format": "svg"}   (format: svg or png)
    out: {"svg": "<svg ...>"}  or  {"png": "<base64>"}  or  {"error": "one line"}
A PNG is painted at twice the size, as the export's (``browser.PNG_SCALE``): the social cards.
The process ends at end of input. It never restarts its own browser: when Chromium dies or
hangs, the service (``dashboard.app.pictures.paint``) kills this process with its whole
tree, Chromium included, and starts another after a short back-off. Its own per-picture
timeout (``browser.DEFAULT_TIMEOUT``) is longer than the app's, so it is only a backstop.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import IO

from dashboard.export import ExportError

MIN_SIDE, MAX_SIDE = 100, 2400  # px: what a page could ask for, with room
FORMATS = ("svg", "png")


def answer(line: str, paint) -> dict[str, str]:
    """The answer to one request line (``paint(figure, width, height, format) -> bytes``)."""
    try:
        request = json.loads(line)
        figure, width, height = request["figure"], int(request["width"]), int(request["height"])
        fmt = request.get("format", "svg")
    except (ValueError, KeyError, TypeError, AttributeError):
        return {"error": "bad request: expected {\"figure\": {...}, \"width\": px, \"height\": px}"}
    if not (isinstance(figure, dict) and MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE
            and fmt in FORMATS):
        return {"error": f"bad request: a figure, a size between {MIN_SIDE} and {MAX_SIDE} px, svg or png"}
    try:
        image = paint(figure, width, height, fmt)
    except ExportError as exc:
        return {"error": str(exc)[:300]}
    return {"svg": image.decode("utf-8")} if fmt == "svg" else {"png": base64.b64encode(image).decode("ascii")}


def serve(lines: IO[str], out: IO[str], timeout: float) -> None:
    """Answer each request line until end of input, with one browser kept open."""
    from dashboard.export.browser import Renderer

    renderer = Renderer(timeout)
    try:
        for line in lines:
            if not line.strip():
                continue
            reply = answer(line, lambda f, w, h, fmt: renderer.image(f, fmt, f"{fmt.upper()} picture", (w, h)))
            out.write(json.dumps(reply) + "\n")
            out.flush()
    finally:
        renderer.stop()


def main() -> None:
    """Entry point: stdin/stdout, the export's default timeout per picture."""
    from dashboard.export.browser import DEFAULT_TIMEOUT

    try:
        serve(sys.stdin, sys.stdout, DEFAULT_TIMEOUT)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

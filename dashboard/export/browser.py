"""Rendering: kaleido with one warm Chromium for a whole batch, and a timeout around every image.

``Renderer`` starts kaleido's sync server once (``kaleido.start_sync_server``), renders each
image with ``plotly.io.to_image`` in a worker thread it waits for with a timeout, and stops
the server at the end. A missing browser is found before anything starts; a browser that
hangs is killed (only the process this export started) and reported in one line. HTML and
CSV need no browser.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from dashboard.export import ExportError
from dashboard.figures.publish import HEIGHT, PNG_SCALE, WIDTH

CHROMIUM_HINT = ("install it with `apt-get install -y chromium` "
                 "(or set BROWSER_PATH to a Chromium or Chrome executable)")
BROWSER_VARIABLES: tuple[str, ...] = ("BROWSER_PATH", "CHROMIUM")  # BROWSER_PATH is choreographer's own
BROWSER_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "chrome")
DEFAULT_TIMEOUT = 20.0      # seconds per image; the first also waits for the browser to start (2×)
# Chromium prints hatch patterns to PDF slowly (the 32 hatched bars of the NATO ranking: ~13 s,
# 14 MB; without hatching 0.3 s), so a PDF may take this many times the timeout.
PDF_FACTOR = 3
STOP_TIMEOUT = 10.0
# kaleido fetches map outlines from plotly's CDN unless told otherwise: use the app's copies
TOPOJSON = Path(__file__).resolve().parents[1] / "app" / "assets" / "topojson"
# choreographer runs Chromium through this wrapper script (its own session): how we find it
WRAPPER_MARK = b"_unix_pipe_chromium_wrapper"
QUIET_LOGGERS: tuple[str, ...] = ("choreographer", "kaleido", "browser_proc", "logistro")
HTML_CONFIG = {"displaylogo": False, "responsive": False,
               "toImageButtonOptions": {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": PNG_SCALE}}


def browser_path() -> str:
    """The browser kaleido will drive, or a one-line ExportError saying how to install one."""
    for variable in BROWSER_VARIABLES:
        value = os.environ.get(variable)
        if value:
            if _is_exe(value):
                return value
            raise ExportError(f"Chromium not found: {variable}={value[:80]!r} is not an executable; {CHROMIUM_HINT}")
    found = _lookup()
    if not found:
        raise ExportError(f"Chromium not found; {CHROMIUM_HINT}")
    return found


class Renderer:
    """One warm browser for a batch of images: ``with Renderer() as r: r.image(fig, "png")``."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        if not 0 < timeout <= 600:  # NaN fails this too
            raise ExportError("--timeout: give a number of seconds between 0 and 600")
        self.timeout = timeout
        self._started = False
        self._warm = False
        self._broken = False

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Find the browser (fail fast) and start it in the background; the first image waits for it."""
        if self._started:
            return
        path = browser_path()
        import kaleido
        import plotly.io as pio

        for name in QUIET_LOGGERS:  # their warnings would print bare on stderr (logging's last resort)
            logging.getLogger(name).addHandler(logging.NullHandler())
        pio.defaults.mathjax = False  # no MathJax from a CDN
        if hasattr(pio.defaults, "headers"):
            pio.defaults.headers = {}  # else every call warns that kopts are ignored by the server
        pio.defaults.topojson = TOPOJSON.as_uri() + "/"
        kaleido.start_sync_server(path=path, mathjax=False, timeout=self.timeout * PDF_FACTOR,
                                  silence_warnings=True)
        self._started = True

    def image(self, figure: dict, fmt: str, what: str = "", size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
        """PNG, SVG or PDF bytes of a figure at ``size`` (px; default the print size);
        ExportError (one line) on a timeout or failure."""
        import plotly.io as pio

        if self._broken:
            raise ExportError("the browser was stopped after an earlier failure")
        self.start()
        scale = PNG_SCALE if fmt == "png" else 1
        wait = self.timeout * (PDF_FACTOR if fmt == "pdf" else 1) * (1 if self._warm else 2)
        result = self._call(lambda: pio.to_image(figure, format=fmt, width=size[0], height=size[1], scale=scale,
                                                 validate=False), wait, what or fmt.upper())
        self._warm = True
        return result

    def stop(self) -> None:
        """Stop the browser; never waits longer than a few seconds, even if it hangs."""
        if not self._started:
            return
        import kaleido

        self._started = False
        with _quiet_threads():
            if not _run(lambda: kaleido.stop_sync_server(silence_warnings=True), STOP_TIMEOUT):
                _kill_browsers()
                if not _run(lambda: kaleido.stop_sync_server(silence_warnings=True), 5.0):
                    _forget_server()

    def _call(self, fn: Callable[[], bytes], wait: float, what: str) -> bytes:
        box: dict[str, bytes] = {}
        errors: dict[str, BaseException] = {}

        def work() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed to the caller's thread below
                errors["error"] = exc

        worker = threading.Thread(target=work, name="export-render", daemon=True)
        worker.start()
        worker.join(wait)
        if worker.is_alive():
            self._abort()
            raise ExportError(f"Chromium not responding: no {what} after {wait:g} s; check that it starts "
                              f"(`chromium --headless --dump-dom about:blank`) or {CHROMIUM_HINT}")
        error = errors.get("error")
        if error is not None:
            if type(error).__name__ in ("ChromeNotFoundError", "BrowserFailedError", "BrowserClosedError"):
                self._abort()
                raise ExportError(f"Chromium failed: {_one_line(error)[:200]}; {CHROMIUM_HINT}")
            raise ExportError(f"rendering {what} failed: {_one_line(error)[:300]}")
        return box["value"]

    def _abort(self) -> None:
        """Kill the browser this export started and stop the server without waiting on it."""
        self._broken = True
        with _quiet_threads():
            _kill_browsers()
            self.stop()


def html(figure: dict, plotlyjs: bool | str = True) -> bytes:
    """An HTML page of the styled figure (no browser needed).

    ``plotlyjs``: True inlines plotly.js (one self-contained file); "directory" loads
    ``plotly.min.js`` from beside the page (a pack writes it once for all its pages).
    """
    import plotly.io as pio

    page = pio.to_html(figure, config=HTML_CONFIG, include_plotlyjs=plotlyjs, full_html=True, validate=False,
                       div_id="chart")
    return page.replace("<body>", "<body>\n" + _geo_assets(figure), 1).encode("utf-8")


def _geo_assets(figure: dict) -> str:
    """A map's outlines inlined (plotly.js reads ``window.PlotlyGeoAssets`` before fetching them)."""
    if not any(t.get("type") in ("choropleth", "scattergeo") for t in figure.get("data", [])):
        return ""
    geo = figure.get("layout", {}).get("geo", {})
    name = f"{geo.get('scope', 'world')}_{geo.get('resolution', 110)}m"
    path = TOPOJSON / f"{name}.json"
    if not path.is_file():
        return ""
    return f"<script>window.PlotlyGeoAssets = {{topojson: {{{json.dumps(name)}: {path.read_text()}}}}};</script>\n"


def plotly_js() -> bytes:
    """plotly.js itself (the copy plotly.py ships), for pages that load it from beside them."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


def _lookup() -> str | None:
    """choreographer's own search (kaleido's download, PATH, the usual places), else PATH."""
    try:
        from choreographer.browsers.chromium import Chromium

        found = Chromium.find_browser(skip_local=False)
    except Exception:  # a lookup that fails is the same as no browser found
        found = None
    return found or next((p for p in map(shutil.which, BROWSER_NAMES) if p), None)


def _is_exe(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _kill_browsers() -> None:
    """Kill the browser processes this process started (choreographer's wrapper and its group)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid != me or WRAPPER_MARK not in (entry / "cmdline").read_bytes():
                continue
            pid = int(entry.name)
            if os.getpgid(pid) == pid:  # the wrapper leads its own group: Chromium is in it
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            continue


def _forget_server() -> None:
    """Last resort: kaleido's exit handler joins its server thread, which would wait forever."""
    import kaleido

    server = getattr(kaleido, "_global_server", None)
    if server is not None and getattr(server, "_initialized", False):
        server._initialized = False


def _run(fn: Callable[[], object], wait: float) -> bool:
    """Run ``fn`` in a daemon thread; True if it finished within ``wait`` seconds."""
    worker = threading.Thread(target=fn, name="export-stop", daemon=True)
    worker.start()
    worker.join(wait)
    return not worker.is_alive()


class _quiet_threads:
    """While stopping: a dying server thread's traceback is noise (the error is reported once)."""

    def __enter__(self) -> None:
        self._previous = threading.excepthook
        threading.excepthook = lambda args: None

    def __exit__(self, *exc: object) -> None:
        threading.excepthook = self._previous


def _one_line(exc: BaseException) -> str:
    return " ".join((str(exc) or type(exc).__name__).split())

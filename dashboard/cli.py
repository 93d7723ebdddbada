"""``defence-dashboard``: one command group; each command calls the package and nothing more."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard.errors import DashboardError

DEBUG_HINT = "run with --debug for the traceback"


class Group(click.Group):
    """A group that turns any failure into one line on stderr (traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        """Run the command; print one line (exit 1) for any error unless --debug."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # the one place errors meet the user
            if ctx.params.get("debug"):
                raise
            click.echo(f"error: {_one_line(exc)}", err=True)
            if not isinstance(exc, (DashboardError, OSError)):
                click.echo(f"({type(exc).__name__}; {DEBUG_HINT})", err=True)
            ctx.exit(1)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:500]


@click.group(cls=Group)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="defence-dashboard")
def main(debug: bool) -> None:
    """Defence spending, pledges and money gaps from published figures."""


@main.command()
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of raw files (default: the raw cache filled by 'refresh').")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder to write (default: data/snapshot).")
@click.option("--only", multiple=True, help="Build from these sources only (repeatable).")
@click.option("--accept-loss", metavar="REASON", default=None,
              help="Write the snapshot even if it lacks rows of the one it replaces; "
                   "the reason is recorded in datapackage.json.")
def build(sources_dir: Path | None, out: Path | None, only: tuple[str, ...], accept_loss: str | None) -> None:
    """Turn raw files into the snapshot (all or nothing; the old one is kept on failure).

    A build that would lose rows of the snapshot it replaces stops and says what would
    be lost, unless --accept-loss gives a reason.
    """
    from dashboard import rawcache
    from dashboard.snapshot import DEFAULT_DIR
    from dashboard.snapshot.build import build as run_build

    report = run_build(sources_dir or rawcache.default_root(), out or DEFAULT_DIR, only, accept_loss)
    for raw in report.files:
        click.echo(f"  read {raw.source:<9} {raw.path.name}")
    for note in report.notes:
        click.echo(f"  check: {note}")
    if report.accepted:
        click.echo(f"  accepted loss: {report.accepted}")
    click.echo(f"wrote {report.rows:,} rows to {report.out} in {report.seconds:.2f} s")


@main.command()
@click.argument("source_names", nargs=-1)
@click.option("--cache", type=click.Path(path_type=Path), default=None,
              help="Raw cache folder (default: $DEFENCE_DASHBOARD_CACHE or the user cache dir).")
def refresh(source_names: tuple[str, ...], cache: Path | None) -> None:
    """Download the current editions into the raw cache (never overwrites earlier files)."""
    from dashboard.refresh import refresh as run_refresh

    result = run_refresh(source_names, cache)
    for name, paths in result.stored.items():
        for path in paths:
            click.echo(f"  {name:<9} {path}")
    if result.failed:
        click.echo("failed:", err=True)
        for name, reason in result.failed.items():
            click.echo(f"  {name}: {reason}", err=True)
        sys.exit(1)
    click.echo(f"raw cache: {result.root}")


@main.command("sources")
@click.option("--snapshot", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder (default: the embedded data/snapshot).")
def sources_cmd(snapshot: Path | None) -> None:
    """List what the snapshot holds: source, edition, rows, years, licence."""
    from dashboard.snapshot.summary import summary_lines

    for line in summary_lines(snapshot):
        click.echo(line)


@main.command()
@click.option("--source", default=None, metavar="NAMES", help="Sources, comma-separated (sipri, nato, …).")
@click.option("--edition", default=None, metavar="EDITIONS", help="Editions, comma-separated (e.g. 2025-04).")
@click.option("--iso3", default=None, metavar="CODES", help="Countries or aggregates, comma-separated (GBR,DEU).")
@click.option("--indicator", default=None, metavar="NAMES", help="Indicators, comma-separated (milex_share_gdp).")
@click.option("--years", default=None, metavar="RANGE", help="A year or a range: 2024, 2000-2024, 2000-, -1990.")
@click.option("--format", "fmt", default="csv", show_default=True, type=click.Choice(["csv", "json", "parquet"]),
              help="Output format (parquet needs --out).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="File to write (default: standard output).")
@click.option("--snapshot", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder (default: the embedded data/snapshot).")
@click.option("--chart", default=None, metavar="NAME",
              help="A chart's table instead, as CSV: the rows of GET /data/<NAME>.csv (e.g. ukraine-promised; "
                   "names: export --list).")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="With --chart: a chart parameter (repeatable).")
def data(source: str | None, edition: str | None, iso3: str | None, indicator: str | None, years: str | None,
         fmt: str, out: Path | None, snapshot: Path | None, chart: str | None, params: tuple[str, ...]) -> None:
    """Tidy rows of the snapshot, filtered: the same rows as GET /data/observations.csv (or, with
    --chart, a chart's table: the same as GET /data/<chart>.csv)."""
    from dashboard.report import chart_rows, data_rows

    if chart is not None:
        if fmt != "csv":
            raise click.UsageError("--chart writes CSV (its source line first): leave out --format")
        body = chart_rows(chart, list(params), snapshot)
    else:
        body = data_rows({"source": source, "edition": edition, "iso3": iso3, "indicator": indicator,
                          "years": years}, fmt, snapshot)
    if out is not None:
        from dashboard.atomic import write_bytes

        write_bytes(out, body)
        click.echo(f"wrote {out}", err=True)
    elif fmt == "parquet":
        raise click.UsageError("--format parquet writes a binary file: give --out PATH")
    else:
        click.echo(body.decode("utf-8"), nl=False)


@main.command()
@click.option("--country", default=None, metavar="ISO3", help="Only this country (e.g. GBR).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pledge and country.")
@click.option("--gdp-growth", type=float, default=None, metavar="PCT",
              help="Scenario: nominal GDP growth, % a year (default: IMF or trailing growth).")
@click.option("--inflation", type=float, default=None, metavar="PCT",
              help="Scenario: inflation, % a year (default: trailing deflator change).")
@click.option("--history", is_flag=True,
              help="Include superseded and lapsed pledges (their lifecycle in the JSON).")
@click.option("--snapshot", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder (default: the embedded data/snapshot).")
def pledges(country: str | None, as_json: bool, gdp_growth: float | None,
            inflation: float | None, history: bool, snapshot: Path | None) -> None:
    """Every pledge in force: its progress for every country it binds (group pledges per member)."""
    from dashboard.report import pledge_report

    click.echo(pledge_report(country, as_json, gdp_growth, inflation, snapshot, history=history))


@main.command()
@click.option("--country", default=None, metavar="ISO3", help="Only this country (e.g. POL).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list: one object per figure, with its document.")
@click.option("--snapshot", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder (default: the embedded data/snapshot).")
def budgets(country: str | None, as_json: bool, snapshot: Path | None) -> None:
    """National defence budgets as governments published them (data/budgets.yaml).

    One line per figure: fiscal year, stage (outturn, adopted, draft, plan, request), the amount
    as printed, the share of GDP (as stated, else computed from projected GDP), the definition
    and the document.
    """
    from dashboard.report import budget_report

    click.echo(budget_report(country, as_json, snapshot))


@main.command()
@click.option("--country", default=None, metavar="ISO3", help="Only this country (e.g. DEU).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list (or, with --backtest, the error table).")
@click.option("--backtest", is_flag=True,
              help="The method's errors against NATO's published values, with two baselines.")
@click.option("--snapshot", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder (default: the embedded data/snapshot).")
def nowcast(country: str | None, as_json: bool, backtest: bool, snapshot: Path | None) -> None:
    """NATO's share of GDP for years after its latest edition, from fresher published outturn.

    Each nowcast chains NATO's last level with the fresher source's spending growth over
    nominal GDP growth, with a 90 % interval from the backtest's errors.
    """
    from dashboard.report import nowcast_report

    out, note = nowcast_report(country, as_json, backtest, snapshot)
    click.echo(out)
    if note:
        click.echo(note, err=True)


@main.command()
@click.option("--snapshot", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder (default: the embedded data/snapshot).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Serve with gunicorn and this many worker processes (default: one per CPU core).")
@click.option("--debug", "dev", is_flag=True,
              help="Development server with Dash's debug tools and reload (never in production).")
@click.option("--public-url", default=None, metavar="URL",
              help="The site's public address, for absolute URLs in its pages' meta tags "
                   "(default: $DEFENCE_DASHBOARD_PUBLIC_URL; none: no absolute URLs).")
@click.option("--no-warm", is_flag=True,
              help="Do not paint the pages' chart pictures in the background at start (they are then "
                   "painted when first asked for).")
def serve(snapshot: Path | None, host: str, port: int, workers: int | None, dev: bool,
          public_url: str | None, no_warm: bool) -> None:
    """Serve the dashboard on the snapshot (default: the embedded one).

    Without --debug the app runs under gunicorn (debug off); --debug starts Dash's
    development server instead.
    """
    if dev and workers:
        raise click.UsageError("--debug runs the single-process development server; drop --workers")
    from dashboard.app.server import serving

    serving.check_port(host, port)
    click.echo(f"Serving the dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
    if dev:
        from dashboard.app import create_app

        create_app(snapshot, dev=True, public_url=public_url).run(host=host, port=port, debug=True)
        return
    serving.run(snapshot, host, port, workers or serving.default_workers(), public_url, warm=not no_warm)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object (medians, callbacks' p50/p95).")
@click.option("--runs", type=click.IntRange(1, 50), default=5, show_default=True, help="Repetitions per measure.")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=None,
              help="Raw files to time the build on (default: ../shared/data/sources).")
@click.option("--no-browser", is_flag=True, help="Skip the measures that need Chromium.")
def bench(as_json: bool, runs: int, sources_dir: Path | None, no_browser: bool) -> None:
    """Run the benchmarks: build, load, model, app start, first page, export pack, callbacks."""
    from dashboard.bench import suite

    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "sources"
    result = suite.run_suite(sources_dir or default, runs, browser=not no_browser)
    click.echo(suite.as_json(result) if as_json else suite.format_table(result))


@main.command()
@click.argument("chart", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A chart parameter, e.g. --param country=GBR (repeatable; see --list).")
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="png, svg, pdf, html or csv (default: from --out's extension).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="File to write.")
@click.option("--list", "list_charts", is_flag=True, help="List the charts, their parameters and defaults.")
@click.option("--pack", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Write the standard chart pack (images, CSVs, manifest.json) to DIR.")
@click.option("--formats", default="png,svg", show_default=True,
              help="Pack formats, comma-separated: png, svg, pdf, html (CSV is always written).")
@click.option("--timeout", type=float, default=20.0, show_default=True, metavar="SECONDS",
              help="Seconds to wait for the browser per image (the first image: twice that).")
@click.option("--snapshot", type=click.Path(path_type=Path), default=None,
              help="Snapshot folder (default: the embedded data/snapshot).")
def export(chart: str | None, params: tuple[str, ...], fmt: str | None, out: Path | None, list_charts: bool,
           pack: Path | None, formats: str, timeout: float, snapshot: Path | None) -> None:
    """Export a chart as PNG, SVG, PDF, HTML or CSV, styled for print, or the standard chart pack."""
    from dashboard.export.cli import run

    for line in run(chart, params, fmt, out, list_charts, pack, formats, timeout, snapshot):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()

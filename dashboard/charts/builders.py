"""How each exportable chart is built: its frame, the dashboard's figure function, and what is said about it.

Each builder takes the app's data (``ViewData``) and validated parameters and returns a
``Built``: the figure, the data behind it (the CSV), a title, a subtitle naming unit and
basis, and the source line with editions. Pledge targets always come from the registry
(``data/pledges.yaml``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import model
from dashboard.charts.built import Built
from dashboard.charts.scenarios import drawn as scenario_charts
from dashboard.figures import budgets as budgets_fig
from dashboard.figures import compare as compare_fig
from dashboard.figures import country as country_fig
from dashboard.figures import overview as overview_fig
from dashboard.figures import pack as pack_fig
from dashboard.figures import pledges as pledges_fig
from dashboard.figures import sources as sources_fig
from dashboard.schema import SOURCE_LABELS
from dashboard.views import budgets as budgets_view
from dashboard.views import frames
from dashboard.views.compare import INDICATORS, indexed, latest_common_year, lines_csv, lines_frame
from dashboard.views.labels import source_line
from dashboard.views.overview import SIPRI_TOP, share_rows
from dashboard.views.pledges import ALL
from dashboard.views.series import ShareSeries, cut
from dashboard.views.specs import measure_phrase
from dashboard.views.tabular import records_csv

if TYPE_CHECKING:
    from dashboard.model import Pledge
    from dashboard.views.data import ViewData

# The spending chart's CSV: one row per source and year.
SPENDING_COLUMNS = ["source", "edition", "unit", "price_base", "year", "value", "estimate"]
# The targets the coalition chart draws by default, by pledge id: their values come from the registry.
COALITION_PLEDGES = ("nato-vilnius-2024-2", "gbr-2027-2.5", "nato-hague-2035-3.5-core")  # 2, 2.5, 3.5 %


def share_pledge_ids(app: ViewData, done: dict[str, Any] | None = None) -> tuple[str, ...]:
    """Ids of the registry's share-of-GDP pledges (not "related" spending)."""
    return tuple(p.id for p in app.pledges if p.kind == "share_gdp" and p.scope != "related")


def _pledge(app: ViewData, pledge_id: str) -> Pledge:
    return next(p for p in app.pledges if p.id == pledge_id)


# ---- the dashboard's charts -------------------------------------------------------------------

def build_country_share(app: ViewData, p: dict[str, Any]) -> Built:
    """Country page: share of GDP by source with the pledges' targets and required paths."""
    code, name = p["country"], app.name(p["country"])
    series = app.share_series(code)
    pledges = app.progress_by_country.get(code, [])
    if p["pledges"] != "all":
        pledges = [r for r in pledges if r.id in p["pledges"]]
    shown = cut(series, p["from"])
    casts = app.nowcasts.get(code, [])
    events = app.timeline_events(code) if p["events"] == "on" else ()
    marks = [b for b in budgets_view.chart_figures(app.budgets.get(code, ())) if b.year >= p["from"]]
    definitions = country_fig.share_definitions([s.source for s in shown])  # only the sources drawn
    return Built(country_fig.share_figure(series, pledges, name, p["from"], casts, events, marks),
                 country_fig.share_frame(series, p["from"], casts, marks),
                 f"{name}: defence spending as a share of GDP",
                 f"% of GDP by source. {definitions}. Dashed: pledge paths (star: target; flat: a floor met); "
                 "dotted: estimates"
                 + ("; circles: nowcast" if casts else "")
                 + ("; numbered lines: events" if events else "")
                 + ("; diamonds: budgets" if marks else ""),
                 country_fig.share_source(shown, casts, events, pledges, marks),
                 [(s.source, s.edition) for s in shown] + [("nowcast", c.edition) for c in casts]
                 + [("national", b.edition) for b in marks])


def build_money_gap(app: ViewData, p: dict[str, Any]) -> Built:
    """Country page: extra spending a year each pledge needs in its target year."""
    code, name = p["country"], app.name(p["country"])
    pledges = app.progress_by_country.get(code, [])
    pairs = [(r.latest_source, r.latest_edition) for r in pledges
             if r.latest_source is not None and r.latest_edition is not None]
    gaps = [r.money_gap for r in pledges if r.money_gap is not None]
    currency = gaps[0]["currency"] if gaps else "national currency"
    return Built(country_fig.money_gap_figure(pledges, name), country_fig.money_gap_frame(pledges),
                 f"{name}: money gap to each pledge",
                 f"{currency} billion a year in the target year: (target − latest share) × projected GDP",
                 source_line(pairs, "Money gap: (target − latest share) × projected GDP in the target year; "
                                    "assumptions in the CSV."), list(dict.fromkeys(pairs)))


def build_spending(app: ViewData, p: dict[str, Any]) -> Built:
    """Country page: spending in national currency or US$, every source's latest edition."""
    code, name = p["country"], app.name(p["country"])
    lines = cut(app.spending(code, p["measure"]), p["from"])
    pairs = list(dict.fromkeys((line.source, line.edition) for line in lines))
    unit = lines[0].unit.replace(" million", "") if lines else ""
    records = [r for line in lines for r in line.records()]
    return Built(country_fig.spending_figure(lines, name, p["measure"]),
                 lambda: pd.DataFrame(records, columns=SPENDING_COLUMNS),
                 f"{name}: defence spending, {measure_phrase(p['measure'])}",
                 f"{unit} billion; each source's own definition (NATO, SIPRI); dotted: estimates".strip(),
                 source_line(pairs), pairs, lambda: records_csv(SPENDING_COLUMNS, records))


def build_map(app: ViewData, p: dict[str, Any]) -> Built:
    """Overview: the world or Europe coloured by share of GDP."""
    source, year = p["source"], p["year"]
    views = app.overview
    shares = views.year_shares(source, year)
    edition = views.edition(source)
    zmax = max(views.targets, default=5.0)
    label = SOURCE_LABELS[source]
    return Built(overview_fig.map_figure(shares, source, year, p["region"], zmax),
                 share_rows(shares, source, year, edition),
                 f"Defence spending as a share of GDP, {year}",
                 f"% of GDP, {label} definition ({SHARE_BASIS[source]}); colours saturate at {zmax:g}%, "
                 "NATO's top target; grey: no figure",
                 source_line([(source, edition)], f"Share of GDP: {SHARE_BASIS[source]}, {label} definition."),
                 [(source, edition)])


# What each publisher's share of GDP is a share of (NATO divides constant-price spending by
# real GDP; the ratio equals the nominal one, but the label must say what was published).
SHARE_BASIS: dict[str, str] = {"nato": "share of real GDP", "sipri": "share of GDP at current prices",
                               "worldbank": "share of GDP at current prices", "eurostat": "share of GDP"}


def build_ranking(app: ViewData, p: dict[str, Any]) -> Built:
    """Overview: countries ranked by share of GDP, with NATO's targets."""
    source, year, group = p["source"], p["year"], p["group"]
    views = app.overview
    ranked = views.ranking(source, year, group)
    edition = views.edition(source)
    targets = views.targets
    who = f"top {SIPRI_TOP} countries" if group == "all" and source == "sipri" else (
        "all countries" if group == "all" else app.groups[group].name)
    csv = share_rows(ranked, source, year, edition)
    csv.insert(0, "rank", range(1, len(csv) + 1))
    return Built(overview_fig.ranking_figure(ranked, source, year, targets), csv,
                 f"Defence spending as a share of GDP, {year}: {who}",
                 f"% of GDP, {SOURCE_LABELS[source]} definition; lines: NATO's targets "
                 f"({', '.join(f'{t:g}%' for t in targets)}, pledge registry); hatched, e: estimate",
                 source_line([(source, edition)], "Lines: NATO's targets from the pledge registry. Hatched, e: estimate."),
                 [(source, edition)])


def build_allies(app: ViewData, p: dict[str, Any]) -> Built:
    """Overview: allies at or above NATO's lowest target each year."""
    views = app.overview
    threshold = views.threshold
    edition = views.edition("nato")
    events = app.timeline_events() if p["events"] == "on" else ()
    key = overview_fig.allies_events_key(views.allies_counts, events)
    return Built(overview_fig.allies_figure(views.allies_counts, threshold, events=events), views.allies_csv,
                 f"NATO allies at or above {threshold:g}% of GDP, by year",
                 "Number of allies, membership as of each year; share of real GDP, NATO definition; e: estimate"
                 + ("; numbered lines: events" if key else ""),
                 source_line([("nato", edition)], "Membership as of each year (accessions); e: NATO estimate."
                             + (f" {key}" if key else "")),
                 [("nato", edition)])


def build_pledge_status(app: ViewData, p: dict[str, Any]) -> Built:
    """Pledges page: countries per status for each alliance pledge, over the rows the filters keep."""
    tracker = app.tracker
    keep = tuple(tracker.matching(p["status"], p["actor"], p["q"], p.get("country", ALL)))
    counts = tracker.status_counts(keep)
    pairs = tracker.source_pairs(keep)
    return Built(pledges_fig.status_figure(counts), counts,
                 "Alliance pledges: how many countries have met them",
                 "Countries bound by each group pledge, by status: met, on track (recent rise fast enough), "
                 "off track, no data; latest share of GDP, NATO definition, else SIPRI",
                 source_line(pairs, "Pledges: data/pledges.yaml, each with its announcement."), pairs)


def build_scenario(app: ViewData, p: dict[str, Any]) -> Built:
    """Scenarios page: extra spending per year for a group to reach a target share by a year."""
    group, target, year, growth = p["group"], p["target"], p["year"], p["growth"]
    result = app.scenarios.result(group, target, year, growth)
    drawn = scenario_charts(app).chart(group, target, year, growth)
    gname = app.groups[group].name
    pairs = list(dict.fromkeys((r["source"], r["edition"]) for r in result.records if r["status"] == "ok"))
    growth_text = "auto (IMF WEO, else trailing 5-year growth)" if growth is None else f"{growth:g}% a year"
    return Built(drawn.figure, lambda: result.frame,
                 f"Extra defence spending per year: {gname} at {target:g}% of GDP by {year}",
                 f"US$ billion a year (current prices) above spending at each member's latest share of GDP; "
                 f"linear path in share; nominal GDP growth {growth_text}",
                 drawn.source, pairs, lambda: result.csv)


def build_compare(app: ViewData, p: dict[str, Any]) -> Built:
    """Compare page: one indicator for several countries from one source, lines or bars."""
    spec = INDICATORS[p["indicator"]]
    lines = app.compare.lines(tuple(p["countries"]), p["indicator"], p["source"])
    base = p["base"] if spec.indexable else None
    empty = f"No {SOURCE_LABELS[p['source']]} {spec.noun} for the selected countries"
    if base:
        lines, _missing = indexed(lines, base)
    events = app.timeline_events(*p["countries"]) if p["events"] == "on" and p["chart"] == "lines" else ()
    if p["chart"] == "bars":
        figure = compare_fig.bars_figure(lines, spec, base, latest_common_year(lines), empty)
    else:
        figure = compare_fig.lines_figure(lines, spec, base, empty, events)
    pairs = list(dict.fromkeys((line.source, line.edition) for line in lines))
    prices = ", ".join(sorted({line.price_base for line in lines}))
    unit = f"Index, {base} = 100" if base else spec.axis
    return Built(figure, lambda: lines_frame(lines, base),
                 f"{spec.label}, {SOURCE_LABELS[p['source']]}" + (f", index {base} = 100" if base else ""),
                 f"{unit}; {SOURCE_LABELS[p['source']]} definition" + (f", prices: {prices}" if prices else ""),
                 compare_fig.source_text(lines, spec, p["chart"], events), pairs, lambda: lines_csv(lines, base))


def build_reconcile(app: ViewData, p: dict[str, Any]) -> Built:
    """Sources page: every source's share of GDP for one country-year."""
    name, year = app.name(p["country"]), p["year"]
    frame = model.reconcile(app.panel, p["country"], year)
    csv = frame.copy()
    if len(csv):
        csv["reasons"] = [" | ".join(r) for r in csv["reasons"]]
    pairs = list(frame[["source", "edition"]].itertuples(index=False, name=None)) if len(frame) else []
    return Built(sources_fig.reconcile_figure(frame, name, year), csv, f"Share of GDP by source: {name}, {year}",
                 "% of GDP, each source's latest edition and own definition (NATO: share of real GDP); "
                 "hatched: estimate", sources_fig.reconcile_source(frame), pairs)


def build_revisions(app: ViewData, p: dict[str, Any]) -> Built:
    """Sources page: one publisher's editions side by side, with the revision."""
    source, name = p["source"], app.name(p["country"])
    revs = app.sources.revisions(source, p["country"])
    label = SOURCE_LABELS[source]
    return Built(sources_fig.revisions_figure(revs, name), revs.frame(),
                 f"Revisions between {label} editions: {name}",
                 f"% of GDP, {label} definition, by edition; bars: revision (latest minus previous edition, "
                 "points); last 15 years",
                 sources_fig.revisions_source(revs), [(source, e) for e in revs.editions])


def build_budgets(app: ViewData, p: dict[str, Any]) -> Built:
    """Budgets page (and the pack): a group's members whose published budgets changed most."""
    group, first, last, top = p["group"], p["from"], p["to"], int(p["top"])
    members = list(app.groups[group].members) if group in app.groups else sorted(app.budgets)
    lines = budgets_view.index_lines(app.budgets, members, app.name, first, last, top)
    gname = app.groups[group].name if group in app.groups else "every country in the registry"
    rows = [{"iso3": iso3, "country": name, "id": b.id, "fiscal_year": b.year, "fiscal_year_label": b.year_label,
             "stage": b.stage, "amount": b.amount, "currency": b.currency, "unit": b.unit,
             "index_first_eq_100": round(b.lcu / figs[0].lcu * 100, 3), "definition": b.definition,
             "document_publisher": b.document.publisher, "document_date": "" if b.document.date is None else b.document.date.isoformat(),
             "document_url": b.document.url} for iso3, name, figs in lines for b in figs]
    columns = ["iso3", "country", "id", "fiscal_year", "fiscal_year_label", "stage", "amount", "currency", "unit",
               "index_first_eq_100", "definition", "document_publisher", "document_date", "document_url"]
    publishers = "; ".join(dict.fromkeys(f"{name}: {figs[-1].document.short()}" for _, name, figs in lines))
    return Built(budgets_fig.index_figure(lines, first, last), pd.DataFrame(rows, columns=columns),
                 f"Defence budgets {first}–{last} as governments published them: {gname}, the largest rises",
                 "Index, each country's first figure = 100 (national currency, current prices, the government's "
                 "own definition); filled: adopted or spent, hollow: draft, plan or request",
                 source_line([("national", None)], "data/budgets.yaml; the documents: " + publishers + "."
                             if publishers else "data/budgets.yaml."),
                 list(dict.fromkeys(("national", b.edition) for _, _, figs in lines for b in figs)),
                 lambda: records_csv(columns, rows))


# ---- charts of the pack that no page draws yet ------------------------------------------------

def build_group_share(app: ViewData, p: dict[str, Any]) -> Built:
    """A group's GDP-weighted share of GDP over time against pledge targets from the registry."""
    group, source = p["group"], p["source"]
    # "all": the pledges in force; a superseded or lapsed one is drawn only when asked for by id
    ids = p["pledges"] if p["pledges"] != "all" else [i for i in share_pledge_ids(app)
                                                      if _pledge(app, i).state == "active"]
    pledges = [_pledge(app, i) for i in ids]
    targets = [(pl.target, f"{pl.target:g}%: {pl.title.split(':')[0]}" + (f" ({pl.target_year})"
                                                                            if pl.by != "every_year" else ""))
               for pl in pledges]
    frame = frames.group_shares(app, group, source, sorted({t for t, _ in targets}))
    gname = app.groups[group].name
    edition = app.overview.edition(source)
    return Built(pack_fig.group_share_figure(frame, gname, _distinct(targets)), frame,
                 f"{gname}: defence spending as a share of GDP",
                 f"% of GDP, GDP-weighted (members' total spending ÷ total GDP, current US$), "
                 f"{SOURCE_LABELS[source]} figures; dashed: pledge targets (registry); dotted: estimates",
                 source_line([(source, edition)], "Targets: data/pledges.yaml (" + ", ".join(pl.id for pl in pledges) + ")."),
                 [(source, edition)])


def build_burden(app: ViewData, p: dict[str, Any]) -> Built:
    """The United States vs NATO Europe and Canada: defence spending by year."""
    frame = frames.burden(app, "nato")
    edition = app.overview.edition("nato")
    return Built(pack_fig.burden_figure(frame), frame,
                 "Burden sharing: the United States vs NATO Europe and Canada",
                 "Defence spending, US$ billion at current prices and exchange rates, NATO definition; "
                 "labels: share of the allies' total",
                 source_line([("nato", edition)], "Allies reporting in each year; membership as of each year."),
                 [("nato", edition)])


def build_pledge_gap(app: ViewData, p: dict[str, Any]) -> Built:
    """Each country's gap to a group pledge (e.g. the Hague 3.5 % by 2035)."""
    pledge = _pledge(app, p["pledge"])
    rows = frames.pledge_gap_rows(app, pledge.id)
    drawn = rows.dropna(subset=["latest_share_pct", "gap_pp"])
    pairs = list(dict.fromkeys(zip(drawn["latest_source"], drawn["latest_edition"])))
    missing = ", ".join(rows.loc[rows["latest_share_pct"].isna(), "name"])
    head = pledge.title.split(":")[0]
    return Built(pack_fig.pledge_gap_figure(drawn, pledge.target, pledge.id), rows,
                 f"{head}: gap to {pledge.target:g}% of GDP by {pledge.target_year}, by country",
                 "Points of GDP to the target (NATO definition; latest: NATO, else SIPRI); colour: status; "
                 "hatched: estimate",
                 source_line(pairs, f"Pledge {pledge.id}: data/pledges.yaml." + (f" No figure: {missing}." if missing else "")),
                 pairs)


def build_nato_vs_sipri(app: ViewData, p: dict[str, Any]) -> Built:
    """NATO and SIPRI share of GDP for one country, with the difference."""
    code, name = p["country"], app.name(p["country"])
    shown = {s.source: s for s in cut(app.share_series(code), p["from"]) if s.source in ("nato", "sipri")}
    nato, sipri = shown.get("nato"), shown.get("sipri")
    pairs = [(s.source, s.edition) for s in (nato, sipri) if s is not None]
    return Built(pack_fig.sources_figure(nato, sipri, name), _sources_frame(nato, sipri),
                 f"{name}: NATO vs SIPRI, defence spending as a share of GDP",
                 "% of GDP. NATO: share of real GDP, NATO definition, financial years for the UK, Canada and the US; "
                 "SIPRI: SIPRI definition, calendar years; bars: NATO − SIPRI, points",
                 source_line(pairs, "Why they differ: definitions (pensions, paramilitary forces) and year conventions; "
                                    "see the Sources page."), pairs)


def _sources_frame(nato: ShareSeries | None, sipri: ShareSeries | None) -> pd.DataFrame:
    """year, NATO and SIPRI share with edition and estimate flag, and the difference."""
    parts = []
    for source, s in (("nato", nato), ("sipri", sipri)):
        if s is not None:
            parts.append(pd.DataFrame({"year": s.years, f"{source}_share_pct": s.values,
                                       f"{source}_estimate": s.estimate, f"{source}_edition": s.edition}))
    if not parts:
        return pd.DataFrame(columns=["year"])
    frame = parts[0] if len(parts) == 1 else parts[0].merge(parts[1], on="year", how="outer")
    if len(parts) == 2:
        frame["nato_minus_sipri_pp"] = frame["nato_share_pct"] - frame["sipri_share_pct"]
    return frame.sort_values("year").reset_index(drop=True)


def _distinct(targets: list[tuple[float, str]]) -> list[tuple[float, str]]:
    seen: dict[float, str] = {}
    for value, label in targets:
        seen.setdefault(value, label)
    return sorted(seen.items())

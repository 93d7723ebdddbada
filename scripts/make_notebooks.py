"""Write the notebooks in notebooks/ from the cells below (no outputs are committed).

Run after editing a cell: `.venv/bin/python scripts/make_notebooks.py`. The tests run
every notebook and check that none carries outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

UK_PLEDGE = [
    ("md", """# The UK's 2.5 % pledge: from published figures to a status

On 25 February 2025 the UK government pledged to spend 2.5 % of GDP on defence from April 2027.
This notebook walks from the published figures in the project's snapshot to the model's
verdict, recomputing each step by hand so every number can be checked."""),
    ("code", """from dashboard import model
from dashboard.snapshot import load

table = load()  # the embedded snapshot: every row carries source, edition and estimate flag
uk = table[(table.iso3 == "GBR") & (table.indicator == "milex_share_gdp")]
uk[uk.year >= 2019].pivot_table(index="year", columns=["source", "edition"], values="value").round(4)"""),
    ("md", """NATO's June 2024 tables give the UK's share of GDP (Table 3, NATO definition); 2023 and
2024 are estimates (`2023e`, `2024e`). SIPRI revised its 2023 figure between its April 2024 and
April 2025 releases — the model keeps both editions."""),
    ("code", """nato = uk[uk.source == "nato"].set_index("year")
latest_year = nato.index.max()
latest = nato.loc[latest_year, "value"]
print(f"NATO {nato.edition.iloc[0]}: {latest:.4f} % of GDP in {latest_year}, estimate={nato.loc[latest_year, 'estimate']}")"""),
    ("code", """groups = model.load_groups()
pledges = {p.id: p for p in model.load_pledges(groups=groups)}
pledge = pledges["gbr-2027-2.5"]
print(pledge.title, "|", pledge.source.publisher, pledge.source.date, pledge.source.url)"""),
    ("md", """## The gap and the path, by hand

Gap = target − latest share; the required path is linear in share from the latest year to the
target year, so the required rise per year is the gap divided by the years left."""),
    ("code", """gap = pledge.target - latest
years_left = pledge.target_year - latest_year
required_rise = gap / years_left
latest_rise = latest - nato.loc[latest_year - 1, "value"]
print(f"gap {gap:.4f} pp over {years_left} years: {required_rise:.4f} pp a year needed; latest rise {latest_rise:.4f} pp")"""),
    ("md", """## The money gap, by hand

GDP in pounds is implied by NATO's own figures (spending in £ / share), grown at the trailing
five-year nominal growth rate to 2027. The gap in money is the gap in share times that GDP."""),
    ("code", """spend = table[(table.source == "nato") & (table.iso3 == "GBR") & (table.indicator == "milex_lcu")
              & (table.price_base == "current")].set_index("year")["value"]
gdp = spend / (nato["value"] / 100)
growth = (gdp[latest_year] / gdp[latest_year - 5]) ** (1 / 5) - 1
gdp_target = gdp[latest_year] * (1 + growth) ** years_left
money_gap = gap / 100 * gdp_target
print(f"GDP {latest_year}: £{gdp[latest_year]:,.0f}m, growing {growth:.2%} a year → £{gdp_target:,.0f}m in {pledge.target_year}")
print(f"money gap in {pledge.target_year}: £{money_gap:,.0f}m a year")"""),
    ("md", "## The model's answer — it must agree with the hand computation"),
    ("code", """panel = model.Panel(table)
result = model.progress(panel, pledge, "GBR")
assert abs(result.gap_pp - gap) < 1e-9
assert abs(result.required_annual_increase_pp - required_rise) < 1e-9
assert abs(result.money_gap["lcu_million"] - money_gap) < 0.1
print(result.status, "—", result.status_reason)
print("\\n".join(result.assumptions))"""),
    ("md", """**On track** means the latest annual rise in share is at least the rise the linear path
requires each year; the model's docs (`docs/model.md`) define every status."""),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook with the given markdown/code cells and no outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # stable ids: regenerating does not churn the file
    return nb


if __name__ == "__main__":
    NOTEBOOKS.mkdir(exist_ok=True)
    nbformat.write(build(UK_PLEDGE), NOTEBOOKS / "uk_pledge.ipynb")

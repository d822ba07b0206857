"""Writing the adopted template: the shop's own workbook with placeholders in its cells.

Only the cells the table finder found are touched: each item's 得分 cell gets
the live formula ``{{=项目.得分}}`` (a supervisor-scored or rubric item without
appraiser columns gets its input cell ``{{项目.评分}}``), the 数值 cell
``{{项目.数值}}``, each appraiser column its input (``{{项目.主管}}``), the 合计
cell ``{{=总分}}``, the 姓名 / 月份 cells ``{{客服昵称}}`` / ``{{月份}}``, an 等级
cell ``{{=等级}}`` and a 提成 cell ``{{=个人提成}}``. Styles, merged cells,
column widths, print settings and every other cell stay as the shop made them.
An old ``.xls`` cannot be written back: its template is an ``.xlsx`` holding
its values (formatting is not carried over).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from cskpi_xl.adopt.grid import Grid
from cskpi_xl.adopt.table import Table
from cskpi_xl.files.atomic import atomic_write


def write_template(source: Path, kind: str, grid: Grid, table: Table, items: list[dict[str, Any]],
                   has_grades: bool, has_commission: bool, out: Path) -> list[tuple[str, str, str]]:
    """Write the template to ``out``; returns ``(cell, placeholder, what was there)`` for each cell written."""
    if kind == "xlsx":
        wb = load_workbook(source)
        ws = wb[table.sheet]
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = table.sheet[:31] or "考核表"
        for (r, c), v in grid.cells.items():
            ws.cell(r, c, v)
    done: list[tuple[str, str, str]] = []

    def put(cell: str | None, text: str, inline: bool = False) -> None:
        if not cell:
            return
        old = ws[cell].value
        ws[cell].value = (str(old) + text) if inline and old is not None else text
        done.append((cell, text, "" if old is None else str(old)))

    for it in items:
        name = it["name"]
        supervisor = it["rules"][0]["kind"] in ("score", "rubric") if it["rules"] else True
        if table.review_columns:
            for col, cell in it["review_cells"].items():
                put(cell, f"{{{{{name}.{col}}}}}")
            put(it["score_cell"], f"{{{{={name}.得分}}}}")
        else:
            put(it["score_cell"], f"{{{{{name}.评分}}}}" if supervisor else f"{{{{={name}.得分}}}}")
        if it.get("metric"):
            put(it["value_cell"], f"{{{{{name}.数值}}}}")
    put(table.total_cell, "{{=总分}}")
    for attr, text, want in (("name_cell", "{{客服昵称}}", True), ("month_cell", "{{月份}}", True),
                             ("grade_cell", "{{=等级}}", has_grades), ("commission_cell", "{{=个人提成}}", has_commission)):
        spot = getattr(table, attr)
        if spot and want:
            put(spot[0], text, inline=spot[1] == "inline")
    buf = io.BytesIO()
    wb.save(buf)
    with atomic_write(out, "wb") as f:
        f.write(buf.getvalue())
    return done

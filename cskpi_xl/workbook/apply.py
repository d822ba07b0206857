"""Apply a fill plan to an openpyxl workbook (CLI and batch; the Excel button: :mod:`cskpi_xl.excel.apply`).

The plan (:func:`cskpi_xl.workbook.template.plan_fill`) is a list of cell
writes plus row inserts; applying it here is the only place cells change:

- inserted rows take the styles, heights and merged cells of the template row;
  formulas HR wrote below the insert point are moved with their rows;
- names typed by people are literal strings (:func:`write_text_cell`), never formulas;
- input cells are unlocked, get their dropdowns, and the agent sheets are
  protected without a password (formula cells locked);
- every input cell, formula cell and the agent's name cell is recorded on the
  very hidden ``_cskpi`` sheet with the value written, who it is from and a
  defined name that moves with the cell, so a later run can tell what a
  person typed (see :mod:`cskpi_xl.workbook.registry`);
- formula cells get the core's value as their cached value when saved by
  :func:`cskpi_xl.workbook.save.save_workbook`.

>>> from openpyxl import Workbook
>>> ws = Workbook().active
>>> write_text_cell(ws["A1"], '=HYPERLINK("http://x","点我")')
>>> ws["A1"].data_type, ws["A1"].quotePrefix
('s', True)
"""

from __future__ import annotations

import re
from copy import copy
from typing import Any, Iterable, Mapping

from openpyxl.cell.cell import MergedCell
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cskpi_xl.workbook.celltext import is_formula_like, plain_text
from cskpi_xl.workbook.template import FillPlan, RowInsert

from cskpi_xl.workbook import registry as reg
from cskpi_xl.workbook.registry import REGISTRY

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
RULE_STYLES = {
    "title": dict(font=Font(bold=True, size=14)),
    "caption": dict(font=Font(bold=True, size=11, color="1F4E78")),
    "header": dict(font=Font(bold=True), fill=HEADER_FILL, border=BORDER, alignment=Alignment(horizontal="center", wrap_text=True)),
    "data": dict(border=BORDER),
    "note": dict(font=Font(italic=True, color="595959")),
}

_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


# ---- rows -------------------------------------------------------------------------------------------------------


def _shift_formula(formula: str, sheet: str, at: int, count: int) -> str:
    """Move the same-sheet row references at or below ``at`` down by ``count``."""
    try:
        tok = Tokenizer(formula)
    except Exception:  # noqa: BLE001 - not a formula openpyxl can read: leave it
        return formula
    out = []
    for t in tok.items:
        v = t.value
        if t.type == Token.OPERAND and t.subtype == Token.RANGE:
            ref_sheet, _, ref = v.rpartition("!")
            if not ref_sheet or ref_sheet.strip("'") == sheet:
                ref = _REF.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}"
                               f"{int(m.group(4)) + count if int(m.group(4)) >= at else m.group(4)}", ref)
                v = f"{ref_sheet}!{ref}" if ref_sheet else ref
        out.append(v)
    return "=" + "".join(out)


def insert_rows(ws, ins: RowInsert) -> None:
    """Insert rows like Excel does: cells, merged cells, heights, validations and formulas move down."""
    at, count, like = ins.at, ins.count, ins.like
    merged = [CellRange(r.coord) for r in ws.merged_cells.ranges]
    for r in merged:
        ws.merged_cells.remove(r.coord)
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
    ws.insert_rows(at, count)
    for row in ws.iter_rows(min_row=at + count):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.value = _shift_formula(c.value, ws.title, at, count)
    for r in merged:
        if r.min_row >= at:
            r.shift(0, count)
        elif r.max_row >= at:
            r.expand(down=count)
        ws.merge_cells(r.coord)
    for r, h in sorted(heights.items(), reverse=True):
        if r >= at:
            ws.row_dimensions[r + count].height = h
            ws.row_dimensions[r].height = None
    for dv in ws.data_validations.dataValidation:
        new = []
        for rng in dv.sqref.ranges:
            rr = CellRange(rng.coord)
            if rr.min_row >= at:
                rr.shift(0, count)
            new.append(rr.coord)
        dv.sqref = " ".join(new)
    # style the new rows like the template row
    src = list(ws.iter_rows(min_row=like, max_row=like))[0]
    like_merges = [r for r in ws.merged_cells.ranges if r.min_row == like and r.max_row == like]
    for k in range(count):
        row = at + k
        for c in src:
            d = ws.cell(row=row, column=c.column)
            if c.has_style:
                d._style = copy(c._style)
        if like in heights:
            ws.row_dimensions[row].height = heights[like]
        for m in like_merges:
            ws.merge_cells(start_row=row, end_row=row, start_column=m.min_col, end_column=m.max_col)


# ---- cells ------------------------------------------------------------------------------------------------------


def write_text_cell(cell, text) -> None:
    """Set an openpyxl ``cell`` to ``text`` as a literal string, never a formula.

    The value goes through :func:`cskpi_xl.workbook.celltext.plain_text`, the cell type
    is forced to string (openpyxl then writes an inline string with no
    ``<f>`` element), and formula-like text (``= + - @`` …) also gets the
    *quote prefix* style, so Excel and WPS keep it as text when a person
    edits the cell (a nickname such as ``=HYPERLINK(...)``).
    """
    value = plain_text(text)
    cell.value = value
    if value == "":
        cell.value = None
        return
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True


def _sheet(wb, name: str):
    if name in wb.sheetnames:
        return wb[name]
    ws = wb.create_sheet(name)
    if name == "规则":
        ws.column_dimensions["A"].width = 16
        for col in "BCDEFGHIJKLMNOP":
            ws.column_dimensions[col].width = 11
    return ws


def drop_validations(ws, cells: list[str]) -> None:
    """Take ``cells`` out of every data validation of ``ws`` (a cell must carry one at most)."""
    gone = set(cells)
    keep = []
    for dv in ws.data_validations.dataValidation:
        left = []
        for rng in dv.sqref.ranges:
            small = rng.size["rows"] * rng.size["columns"] <= 10000
            coords = [f"{get_column_letter(col)}{row}" for row, col in CellRange(rng.coord).cells] if small else [rng.coord]
            if gone.isdisjoint(coords):
                left.append(rng.coord)
            else:
                left.extend(c for c in coords if c not in gone)
        if left:
            dv.sqref = " ".join(left)
            keep.append(dv)
    ws.data_validations.dataValidation = keep


def add_validation(ws, spec: str, cells: list[str]) -> DataValidation:
    """A dropdown (``"7,5,3,2,1"``) or a range check (``"between:0:10"``) on ``cells``, replacing any they had."""
    drop_validations(ws, cells)
    return _validation(ws, spec, cells)


def _validation(ws, spec: str, cells: list[str]) -> DataValidation:
    if spec.startswith("between:"):
        _, lo, hi = spec.split(":")
        dv = DataValidation(type="decimal", operator="between", formula1=lo, formula2=hi, allow_blank=True,
                            showErrorMessage=True, errorTitle="分数超出范围", error=f"请输入 {lo} 到 {hi} 之间的分数")
    else:
        dv = DataValidation(type="list", formula1=f'"{spec}"', allow_blank=True, showErrorMessage=True,
                            errorTitle="请从下拉列表选择", error=f"可选：{spec}")
    for c in cells:
        dv.add(c)
    ws.add_data_validation(dv)
    return dv


def apply_plan(wb, plan: FillPlan, *, sheet_map: Mapping[str, str] | None = None, agent: str | None = None,
               month: str | None = None, protect: bool = True) -> dict[str, dict[str, Any]]:
    """Apply ``plan`` to an openpyxl workbook; return ``{sheet: {cell: cached value}}`` for formula cells.

    ``sheet_map`` renames the plan's agent sheets (one workbook, a sheet per agent).
    """
    sheet_map = dict(sheet_map or {})

    def title(s: str) -> str:
        return sheet_map.get(s, s)

    # wb[name] scans every sheet: with a sheet per agent (one-book layout) that is O(sheets) per cell
    found: dict[str, Any] = {}

    def sheet(s: str):
        name = title(s)
        ws = found.get(name)
        if ws is None:
            ws = found[name] = _sheet(wb, name)
        return ws

    for ins in plan.inserts:
        insert_rows(sheet(ins.sheet), ins)
    values: dict[str, dict[str, Any]] = {}
    validations: dict[tuple[str, str], list[str]] = {}
    styles: dict[tuple, Any] = {}
    for w in plan:
        ws = sheet(w.sheet)
        c = ws[w.cell]
        if isinstance(c, MergedCell):  # e.g. a 规则 sheet laid out for another version of the scheme
            for rng in [r for r in ws.merged_cells.ranges if w.cell in r]:
                ws.unmerge_cells(str(rng))
            c = ws[w.cell]
        if w.formula:
            c.value = w.formula
            values.setdefault(ws.title, {})[w.cell] = w.value
        elif w.text:
            write_text_cell(c, w.value)
        else:
            c.value = w.value
        if w.number_format or w.style or w.locked is False:
            # openpyxl hashes every Border/Font/Fill object on each assignment: build each
            # resulting style once and copy it to the cells that end up the same
            key = (tuple(c._style), w.number_format, w.style, w.locked is False) if c._style is not None else None
            done = styles.get(key) if key is not None else None
            if done is not None:
                c._style = copy(done)
            else:
                if w.number_format:
                    c.number_format = w.number_format
                if w.style:
                    for attr, v in RULE_STYLES.get(w.style, {}).items():
                        setattr(c, attr, v)
                if w.locked is False:
                    c.protection = Protection(locked=False)
                    c.fill = INPUT_FILL
                if key is not None:
                    styles[key] = copy(c._style)
        if w.validation:
            validations.setdefault((ws.title, w.validation), []).append(w.cell)
    for (sh, spec), cells in validations.items():
        add_validation(found[sh], spec, cells)
    if protect:
        for s in plan.agent_sheets:
            ws = sheet(s)
            ws.protection.sheet = True
            ws.protection.formatColumns = False
            ws.protection.formatRows = False
    rows = reg.rows_for_plan(plan, title, agent or "", month or "", plan.agent_sheets, sheet)
    if rows:
        reg.record(wb, rows)
    return values

"""An in-memory stand-in for an xlwings Book open in Excel: sheets, ranges, values and formulas in dicts.

Used by tests/test_xlbutton.py to drive the buttons without Excel, and by bench/run.py to time the
填充本表 button the same way. Like xlwings, ``used_range.value`` of one row or one column is a flat list.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from openpyxl.utils import column_index_from_string, get_column_letter


def _cells(addr: str):
    a, _, b = addr.replace("$", "").partition(":")
    m1 = re.fullmatch(r"([A-Z]+)(\d+)", a)
    m2 = re.fullmatch(r"([A-Z]+)(\d+)", b or a)
    if not m1:  # whole rows "5:7"
        return [], (0, 0)
    c1, r1 = column_index_from_string(m1[1]), int(m1[2])
    c2, r2 = column_index_from_string(m2[1]), int(m2[2])
    return [[(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)], (r2 - r1 + 1, c2 - c1 + 1)


class FakeRange:
    def __init__(self, sheet, addr):
        self.sheet, self.addr = sheet, addr
        self.grid, self.shape = _cells(addr)
        self.api = SimpleNamespace(Locked=True)

    def _get(self, store):
        vals = [[store.get(rc) for rc in row] for row in self.grid]
        return vals[0][0] if self.shape == (1, 1) else vals

    @property
    def value(self):
        return self._get(self.sheet.values)

    @value.setter
    def value(self, v):
        r0, c0 = self.grid[0][0]
        rows = v if isinstance(v, list) else [[v]]
        for i, row in enumerate(rows):
            for j, x in enumerate(row if isinstance(row, list) else [row]):
                self.sheet.values[(r0 + i, c0 + j)] = x
                self.sheet.formulas.pop((r0 + i, c0 + j), None)

    @property
    def formula(self):
        return self._get(self.sheet.formulas)

    @formula.setter
    def formula(self, f):
        self.sheet.formulas[self.grid[0][0]] = f
        self.sheet.values[self.grid[0][0]] = None  # Excel would show the result; the fake does not calculate

    number_format = None

    def clear_contents(self):
        for row in self.grid:
            for rc in row:
                self.sheet.values.pop(rc, None)

    def insert(self, *a):
        self.sheet.log.append(("insert", self.addr))

    def copy(self, *a):
        pass

    def paste(self, *a):
        pass


class FakeSheet:
    def __init__(self, name, cells=None):
        self.name = name
        self.values, self.formulas, self.log = {}, {}, []
        for addr, v in (cells or {}).items():
            FakeRange(self, addr).value = v

    def range(self, addr):
        return FakeRange(self, addr)

    @property
    def used_range(self):
        keys = list(self.values) or [(1, 1)]
        r1, c1 = min(k[0] for k in keys), min(k[1] for k in keys)
        r2, c2 = max(k[0] for k in keys), max(k[1] for k in keys)
        rng = FakeRange(self, f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
        rng.row, rng.column = r1, c1
        v = rng.value
        if isinstance(v, list) and rng.shape[0] == 1:
            v = v[0]
        elif isinstance(v, list) and rng.shape[1] == 1:
            v = [r[0] for r in v]
        return SimpleNamespace(value=v, row=r1, column=c1, shape=rng.shape)


class FakeSheets(list):
    def __getitem__(self, k):
        if isinstance(k, str):
            for s in self:
                if s.name == k:
                    return s
            raise KeyError(k)
        return list.__getitem__(self, k)

    def add(self, name, after=None, before=None):
        s = FakeSheet(name)
        self.append(s)
        return s


class FakeBook:
    def __init__(self, sheets):
        self.name = "模板.xlsm"
        self.sheets = FakeSheets(sheets)


def open_book(template, settings) -> FakeBook:
    """The workbook ``template`` as Excel would have it open, its 设置 sheet holding ``settings`` (key, value) rows."""
    import openpyxl

    wb = openpyxl.load_workbook(template)
    book = FakeBook([])
    book.name = Path(template).name
    for ws in wb.worksheets:
        sh = book.sheets.add(ws.title)
        if ws.title == "设置":
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    sh.values[(c.row, c.column)] = c.value
    if "设置" not in [s.name for s in book.sheets]:
        book.sheets.add("设置")
    for i, (k, v) in enumerate(settings, start=1):
        book.sheets["设置"].values[(i, 1)], book.sheets["设置"].values[(i, 2)] = k, v
    return book

"""A worksheet as the adoption readers see it: values by (row, column), merged ranges.

``.xlsx`` (and WPS-saved ``.xlsx``) are read with openpyxl, keeping merged
cells; an old ``.xls`` is read through the importers' guarded reader
(calamine in a child process), which gives values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from cskpi_xl.adopt.text import norm
from cskpi_xl.core.problems import Problem


@dataclass
class Grid:
    """One worksheet: ``cells[(row, col)]`` (1-based), merged ranges ``(r1, c1, r2, c2)``."""

    sheet: str
    cells: dict[tuple[int, int], Any]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.max_row = max((r for r, _ in self.cells), default=0)
        self.max_col = max((c for _, c in self.cells), default=0)
        self._merge_at = {}
        for m in self.merges:
            if (m[2] - m[0] + 1) * (m[3] - m[1] + 1) <= 10_000:  # a scorecard's merges; a whole-sheet one is ignored
                for r in range(m[0], m[2] + 1):
                    for c in range(m[1], m[3] + 1):
                        self._merge_at[(r, c)] = m

    def value(self, r: int, c: int) -> Any:
        return self.cells.get((r, c))

    def text(self, r: int, c: int) -> str:
        v = self.cells.get((r, c))
        return "" if v is None else str(v).strip()

    def ntext(self, r: int, c: int) -> str:
        return norm(self.cells.get((r, c)))

    def merge_of(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        return self._merge_at.get((r, c))

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        m = self.merge_of(r, c)
        return (m[0], m[1]) if m else (r, c)

    def covered(self, r: int, c: int) -> bool:
        """The cell is inside a merged range but not its top-left cell."""
        return self.top_left(r, c) != (r, c)

    def row_texts(self, r: int) -> list[tuple[int, str]]:
        return [(c, self.text(r, c)) for c in range(1, self.max_col + 1) if self.text(r, c)]


def address(r: int, c: int) -> str:
    return f"{get_column_letter(c)}{r}"


def read_grids(path: Path) -> tuple[list[Grid], str, list[Problem]]:
    """Every visible worksheet of ``path`` as a :class:`Grid`, the file kind (``xlsx``/``xls``) and problems."""
    from cskpi_xl.importers.filecheck import check_file

    kind, problems = check_file(path)
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, data_only=False)
        except Exception as exc:  # noqa: BLE001 - a damaged file is a problem, never a traceback
            return [], kind, [Problem(f"无法读取工作簿：{exc}", f"cannot read the workbook: {exc}", file=str(path))]
        grids = []
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            cells = {}
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None and not (isinstance(c.value, str) and not c.value.strip()):
                        cells[(c.row, c.column)] = c.value
            merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
            grids.append(Grid(ws.title, cells, merges))
        return grids, kind, problems
    if kind in ("xls", "html"):
        from cskpi_xl.importers.read import read_table

        sheets, more = read_table(path)
        grids = []
        for sh in sheets:
            cells = {}
            for i, row in enumerate(sh.rows):
                for j, v in enumerate(row):
                    if v is not None and not (isinstance(v, str) and not v.strip()):
                        cells[(i + 1, j + 1)] = v
            grids.append(Grid(sh.name, cells))  # values only: merges are not read from old .xls
        return grids, kind, problems + more
    if not problems:
        problems.append(Problem("不是 Excel 工作簿（.xlsx / .xls）", "not an Excel workbook (.xlsx / .xls)", file=str(path)))
    return [], kind or "", problems


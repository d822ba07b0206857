"""Compute workbooks that call the cskpi functions, without Excel (through ``formulas``).

:func:`register` puts every function of :mod:`cskpi_xl.udfs` into
``formulas``' function table under its Excel name and under the
``_xludf.`` prefix some writers store UDF names with. Ranges arrive as 2-D
arrays (blank cells → None), Excel errors in the inputs pass through, and the
error markers the UDFs return become ``formulas`` errors (``#N/A``,
``#VALUE!``, ``#DIV/0!`` …), so ``=IFERROR(KPI_SCORE(...),0)`` works too.

:class:`CompiledWorkbook` loads and compiles a workbook once (slow: seconds
per thousand formulas) and evaluates it many times with different inputs;
:func:`compile_workbook` caches compiled workbooks by path and modification
time. :func:`calc_file` writes a copy with values in place of formulas
(``cskpi calc``); the input is never overwritten.

Known gaps of ``formulas`` (1.3): ``--`` (double negation) is wrong, write
``1*(...)``; there is no ``OFFSET``; a formula whose result is a whole column
must be an array formula (Excel 365 saves spilled formulas that way; in
older Excel use Ctrl+Shift+Enter).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from cskpi_xl import udfs

PREFIX = "_XLUDF."


def _errors():
    from formulas.tokens.operand import Error

    return Error.errors


def _is_xlerror(v: Any) -> bool:
    return type(v).__name__ == "XlError"


def _is_empty(v: Any) -> bool:
    return type(v).__name__ == "Token" and str(v) == "empty"


def _arg_in(v: Any) -> Any:
    """A ``formulas`` argument as the UDFs take it: lists of rows, None for blank, marker text for errors."""
    if hasattr(v, "value") and type(v).__name__ == "Ranges":
        v = v.value
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _cell_in(v.item())
        if v.ndim == 1:
            v = v.reshape(-1, 1)
        return [[_cell_in(c) for c in row] for row in v.tolist()]
    return _cell_in(v)


def _cell_in(c: Any) -> Any:
    if _is_empty(c):
        return None
    if _is_xlerror(c):
        return str(c)
    if isinstance(c, np.generic):
        return c.item()
    return c


def _cell_out(c: Any) -> Any:
    import schedula as sh

    if isinstance(c, str) and c in udfs.MARKERS:
        return _errors().get(c, _errors()["#VALUE!"])
    if c is None:
        return sh.EMPTY
    return c


def _adapt(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def call(*args):
        result = fn(*(_arg_in(a) for a in args))
        if isinstance(result, list):
            return np.asarray([[_cell_out(c) for c in row] for row in result], object)
        return _cell_out(result)

    return call


_registered = False
_lock = threading.Lock()


def register() -> dict[str, Callable]:
    """Register the UDFs in ``formulas.get_functions()`` (idempotent); returns name → function."""
    global _registered
    import formulas
    from formulas.functions import wrap_func

    table = formulas.get_functions()
    with _lock:
        added = {}
        for name, fn in udfs.FUNCTIONS.items():
            f = wrap_func(_adapt(fn))
            added[name] = added[PREFIX + name] = f
        if not _registered or any(table.get(k) is None for k in added):
            table.update(added)
            _registered = True
    return added


class CompiledWorkbook:
    """A workbook loaded and compiled once, evaluated as often as needed.

    ``calculate(inputs)`` takes cell values keyed ``"Sheet!B2"`` (or
    ``formulas``' own ``"'[book.xlsx]SHEET'!B2"``) and returns every cell's
    value keyed ``(sheet, "B2")``; a range result (array formula) is spread
    over its cells. Sheet names are the workbook's own.
    """

    def __init__(self, path: str | Path) -> None:
        import formulas

        register()
        self.path = Path(path)
        self.book = self.path.name
        self.model = formulas.ExcelModel().loads(str(self.path)).finish()
        self._lock = threading.Lock()
        import openpyxl

        wb = openpyxl.load_workbook(self.path, read_only=True)
        self.sheets = {n.upper(): n for n in wb.sheetnames}
        wb.close()

    def key(self, ref: str) -> str:
        """``'Sheet!B2'`` → ``"'[book.xlsx]SHEET'!B2"`` (already-full keys pass through)."""
        if ref.startswith("'["):
            return ref
        sheet, _, cell = ref.rpartition("!")
        sheet = sheet.strip("'")
        return f"'[{self.book}]{sheet.upper()}'!{cell.replace('$', '').upper()}"

    def calculate(self, inputs: dict[str, Any] | None = None) -> dict[tuple[str, str], Any]:
        given = {self.key(k): v for k, v in (inputs or {}).items()}
        with self._lock:
            sol = self.model.calculate(inputs=given) if given else self.model.calculate()
        return self._cells(sol)

    def _cells(self, sol) -> dict[tuple[str, str], Any]:
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string, get_column_letter

        out: dict[tuple[str, str], Any] = {}
        for key, v in sol.items():
            if "!" not in key or not key.startswith("'["):
                continue
            head, _, ref = key.rpartition("!")
            sheet = head.strip("'").split("]", 1)[1]
            sheet = self.sheets.get(sheet, sheet)
            value = getattr(v, "value", v)
            arr = np.asarray(value, object)
            if arr.ndim == 0:
                arr = arr.reshape(1, 1)
            first = ref.split(":")[0]
            col_letters, row = coordinate_from_string(first)
            col = column_index_from_string(col_letters)
            for i, r in enumerate(arr.tolist()):
                for j, c in enumerate(r if isinstance(r, list) else [r]):
                    out[(sheet, f"{get_column_letter(col + j)}{row + i}")] = _cell_in(c)
        return out


_CACHE: OrderedDict[tuple, CompiledWorkbook] = OrderedDict()


def compile_workbook(path: str | Path) -> CompiledWorkbook:
    """A :class:`CompiledWorkbook` for ``path``, reused while the file is unchanged (8 kept)."""
    p = Path(path).resolve()
    st = p.stat()
    key = (str(p), st.st_mtime_ns, st.st_size)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    cw = CompiledWorkbook(p)
    _CACHE[key] = cw
    while len(_CACHE) > 8:
        _CACHE.popitem(last=False)
    return cw


def default_out(path: str | Path) -> Path:
    """``报表.xlsx`` → ``报表_计算结果.xlsx`` beside it."""
    p = Path(path)
    return p.with_name(f"{p.stem}_计算结果.xlsx")


def formula_cells(path: str | Path) -> Iterable[tuple[str, str]]:
    """(sheet, cell) of every formula in the workbook (array formulas: their whole range)."""
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, ArrayFormula):
                    for r in ws[v.ref]:
                        for c in (r if isinstance(r, tuple) else (r,)):
                            yield ws.title, c.coordinate
                elif isinstance(v, str) and v.startswith("="):
                    yield ws.title, cell.coordinate


def calc_file(path: str | Path, out: str | Path | None = None, inputs: dict[str, Any] | None = None) -> tuple[Path, dict]:
    """Compute ``path`` and save a copy with values in place of formulas; returns (out path, values).

    Formatting, column widths and other sheets are kept (the copy is the
    input opened with openpyxl); errors are written as real error cells.
    Raises ``ValueError`` when ``out`` is the input itself.
    """
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    from cskpi_xl.workbook.xlsxio import atomic_save_workbook, write_text_cell

    src = Path(path)
    dst = Path(out) if out else default_out(src)
    if dst.resolve() == src.resolve():
        raise ValueError("不能覆盖输入文件，请换一个输出文件名")
    values = compile_workbook(src).calculate(inputs)
    wb = openpyxl.load_workbook(src)
    for sheet, cell in formula_cells(src):
        ws = wb[sheet]
        v = values.get((sheet, cell))
        c = ws[cell]
        if isinstance(c.value, ArrayFormula) or c.value is None or isinstance(c.value, str):
            c.value = None
        if isinstance(v, str) and v in udfs.MARKERS:
            c.value = v  # openpyxl stores a known error text as an error cell
            c.data_type = "e"
        elif isinstance(v, str):
            write_text_cell(c, v)
        else:
            c.value = v
    atomic_save_workbook(wb, dst)
    return dst, values

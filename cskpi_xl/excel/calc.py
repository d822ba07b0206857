"""Compute workbooks that call the cskpi functions, without Excel (through ``formulas``).

:func:`register` puts every function of :mod:`cskpi_xl.udfs` into
``formulas``' function table under its Excel name and under the
``_xludf.`` prefix some writers store UDF names with. Ranges arrive as 2-D
arrays (blank cells → None), Excel errors in the inputs pass through, and the
error markers the UDFs return become ``formulas`` errors (``#N/A``,
``#VALUE!``, ``#DIV/0!`` …), so ``=IFERROR(KPI_SCORE(...),0)`` works too.

:class:`CompiledWorkbook` loads and compiles a workbook once and evaluates
it many times with different inputs; :func:`compile_workbook` caches compiled
workbooks by path and modification time. ``formulas`` parses and compiles
every cell's formula alone (about 1 ms each); we compile each distinct formula
*shape* once — the formula relative to its cell, as R1C1 notation writes it:
``=KPI_SCORE(B5,C5)`` in row 5 and ``=KPI_SCORE(B6,C6)`` in row 6 are one
shape — and give the other cells of that shape the same compiled function with
their own references (:class:`ShapeSharingModel`). A formula whose meaning
depends on its own cell in another way (``ROW()``, ``INDIRECT``, spill
anchors, structured or external references, R1C1 text) is compiled alone, as
before. ``formulas``' circular-reference solver is not used (``finish()``
without ``circular``), so a shared function never has to name its cells. :func:`calc_file` writes a copy with values in place of formulas
(``cskpi calc``); the input is never overwritten.

Known gaps of ``formulas`` (1.3): ``--`` (double negation) is wrong, write
``1*(...)``; there is no ``OFFSET``; a formula whose result is a whole column
must be an array formula (Excel 365 saves spilled formulas that way; in
older Excel use Ctrl+Shift+Enter).
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from cskpi_xl import udfs
from cskpi_xl.errors import CskpiError

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


# ---- one compile per formula shape ---------------------------------------------------------------

_MAX_ROW, _MAX_COL = 1_048_576, 16_384
_CELL_RE = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)\Z")
_COL_RE = re.compile(r"(\$?)([A-Za-z]{1,3})\Z")
_ROW_RE = re.compile(r"(\$?)([0-9]+)\Z")
_NAME_RE = re.compile(r"[A-Za-z_\\][A-Za-z0-9_.\\]*\Z")
_R1C1_RE = re.compile(r"[Rr](\[-?\d+\]|\d+)?([Cc](\[-?\d+\]|\d+)?)?\Z|[Cc](\[-?\d+\]|\d+)?\Z")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def _endpoint(text: str, row0: int, col0: int):
    """One end of an A1 reference → (shape part, normalised text), or None when it is not A1."""
    m = _CELL_RE.match(text)
    if m:
        cabs, letters, rabs, row = m.group(1), m.group(2).upper(), m.group(3), int(m.group(4))
        col = _col_index(letters)
        if not (1 <= row <= _MAX_ROW and 1 <= col <= _MAX_COL):
            return None
        return ("c", bool(cabs), col if cabs else col - col0, bool(rabs), row if rabs else row - row0), \
            f"{letters}{row}", (row, col)
    m = _COL_RE.match(text)
    if m:
        letters = m.group(2).upper()
        col = _col_index(letters)
        if not 1 <= col <= _MAX_COL:
            return None
        return ("C", bool(m.group(1)), col if m.group(1) else col - col0), letters, (0, col)
    m = _ROW_RE.match(text)
    if m:
        row = int(m.group(2))
        if not 1 <= row <= _MAX_ROW:
            return None
        return ("R", bool(m.group(1)), row if m.group(1) else row - row0), str(row), (row, 0)
    return None


def _ref_shape(text: str, row0: int, col0: int):
    """A range operand → (shape part, normalised reference or None for a defined name), or None: compile alone."""
    prefix, _, ref = text.rpartition("!")
    if "[" in text or "#" in ref:  # external workbook, structured reference, spill anchor
        return None
    parts = ref.split(":")
    if len(parts) == 1:
        end = _endpoint(parts[0], row0, col0)
        if end is not None:
            if end[0][0] != "c":
                return None
            return ("ref", prefix, end[0]), end[1]
        if _NAME_RE.match(ref) and not _R1C1_RE.match(ref):
            return ("name", prefix, ref), None  # a defined name: the same in every cell
        return None
    if len(parts) == 2:
        a, b = _endpoint(parts[0], row0, col0), _endpoint(parts[1], row0, col0)
        if a is None or b is None or a[0][0] != b[0][0]:
            return None
        (r1, c1), (r2, c2) = a[2], b[2]
        # whether the range is flipped or one cell decides how formulas names it: part of the shape
        return ("ref", prefix, a[0], b[0], _sign(r2 - r1), _sign(c2 - c1)), f"{a[1]}:{b[1]}"
    return None


def formula_shape(formula: str, row: int, col: int):
    """``(key, refs)`` of a formula in cell (row, col): equal keys = the same formula relative to its cell.

    ``refs`` holds, per range operand, its normalised A1 text (``None`` for a
    defined name). Returns None for a formula that must be compiled alone.
    """
    from openpyxl.formula.tokenizer import Tokenizer

    try:
        items = Tokenizer(formula).items
    except Exception:  # openpyxl cannot tokenise it: let formulas decide, alone
        return None
    key, refs = [], []
    for t in items:
        if t.type == "OPERAND" and t.subtype == "RANGE":
            got = _ref_shape(t.value, row, col)
            if got is None:
                return None
            key.append(got[0])
            refs.append(got[1])
        else:
            key.append((t.type, t.subtype, t.value))
    return tuple(key), refs


_POSITION = ("r1", "r2", "c1", "c2", "n1", "n2", "ref", "name")


class _Template:
    """The compiled function of one shape and how its inputs map to the range operands of the formula."""

    __slots__ = ("pipe", "inputs", "groups", "sheet_ids", "leftover")

    @classmethod
    def of(cls, cell, refs: list, texts: list, context: dict):
        """The template of ``cell`` (compiled alone), or None when its function depends on its own cell."""
        from formulas.cell import CELL
        from formulas.ranges import Ranges

        pipe = cell.func.func
        if CELL in pipe.dsp.nodes:  # reads the cell it is in (the caller checked the parsed formula too)
            return None
        inputs = cell.func.inputs
        groups: dict[str, list[int]] = {}
        sheet_ids: dict[int, str] = {}
        names = set()
        for i, (norm, text) in enumerate(zip(refs, texts)):
            if norm is None:
                names.add(text.rpartition("!")[2].upper())
                continue
            try:
                rng = Ranges.get_range(text, context)
            except Exception:
                return None
            if rng.get("name") != f"{rng.get('sheet_id')}!{norm}" or rng["name"] not in inputs:
                return None
            sheet_ids[i] = rng["sheet_id"]
            groups.setdefault(rng["name"], []).append(i)
        leftover = [k for k in inputs if k not in groups]
        if any(not isinstance(k, str) or k.rpartition("!")[2] not in names for k in leftover):
            return None
        t = cls()
        t.pipe, t.inputs, t.groups, t.sheet_ids, t.leftover = pipe, inputs, groups, sheet_ids, set(leftover)
        return t

    def instantiate(self, crd: str, formula: str, refs: list, context: dict, references):
        """A compiled ``formulas`` Cell at ``crd`` sharing this template's function, or None to compile alone."""
        from formulas.cell import Cell, wrap_cell_func
        from formulas.ranges import Ranges

        renamed = {}
        for old, idxs in self.groups.items():
            new = {f"{self.sheet_ids[i]}!{refs[i]}" for i in idxs}
            if len(new) != 1:
                return None
            renamed[old] = new.pop()
        targets = set(renamed.values())
        if len(targets) != len(renamed) or targets & self.leftover:
            return None  # two operands that were one input are two now, or the other way round
        inputs = OrderedDict()
        try:
            for k, v in self.inputs.items():
                if k in renamed:
                    # the template's range with this cell's position: the same dict compiling alone builds
                    at = Ranges.get_range(renamed[k])
                    (old_range,) = v.ranges
                    inputs[renamed[k]] = Ranges((dict(old_range, **{p: at[p] for p in _POSITION}),))
                else:
                    inputs[k] = v
        except Exception:
            return None
        cell = Cell(crd, None, context=context)
        func = wrap_cell_func(self.pipe, cell._args)
        func.inputs = inputs  # in the template's order: the shared function takes its arguments by position
        func.__name__ = f"{formula} @{cell.output}"
        cell.func = func
        cell.update_inputs(references=references)
        return cell


@functools.lru_cache(None)
def shape_sharing_model():
    """The ``formulas.ExcelModel`` subclass that compiles each formula shape once (built on first use)."""
    import formulas
    from formulas.cell import CELL, Cell

    class ShapeSharingModel(formulas.ExcelModel):
        """``formulas.ExcelModel`` whose cells of one formula shape share one compiled function.

        ``shape_stats``: ``formulas`` (formula cells), ``shapes`` (distinct
        shapes), ``compiled`` (cells ``formulas`` compiled: the first of each
        shape and every cell that must stand alone), ``shared`` (cells given
        an already compiled function); ``compiled + shared == formulas``.
        """

        def __init__(self):
            super().__init__()
            self._shapes: dict = {}
            self.shape_stats = {"formulas": 0, "shapes": 0, "compiled": 0, "shared": 0}

        def _compile_cell(self, crd, val, context, check_formula, references):
            alone = formulas.ExcelModel._compile_cell
            stats = self.shape_stats
            if not (check_formula and isinstance(val, str) and val[:1] == "="):
                return alone(crd, val, context, check_formula, references)
            stats["formulas"] += 1
            m = _CELL_RE.match(crd)  # an array formula's crd is its range: alone
            shape = formula_shape(val, int(m.group(4)), _col_index(m.group(2))) if m else None
            if shape is None:
                stats["compiled"] += 1
                return alone(crd, val, context, check_formula, references)
            key, refs = shape
            key = (context.get("excel"), context.get("sheet"), key)
            templates = self._shapes.get(key)
            if templates is None:
                templates = self._shapes[key] = []
                stats["shapes"] += 1
            for template in templates:
                cell = template.instantiate(crd, val, refs, context, references)
                if cell is not None:
                    stats["shared"] += 1
                    return cell
            # the first cell of this shape, or one whose operands coincide differently (=A2+A$2 in row 2)
            cell = Cell(crd, val, context=context, check_formula=check_formula)
            # ROW(), COLUMN() … read the cell they are in, and formulas may fold that into the function
            reads_cell = cell.builder is not None and CELL in cell.builder.dsp.nodes
            cell.compile(references=references, context=context)
            stats["compiled"] += 1
            if cell.func is not None and not reads_cell and len(templates) < 4:
                template = _Template.of(cell, refs, _range_texts(val), context)
                if template is not None:
                    templates.append(template)
            return cell

    return ShapeSharingModel


_MISSING = object()


def _range_texts(formula: str) -> list[str]:
    from openpyxl.formula.tokenizer import Tokenizer

    return [t.value for t in Tokenizer(formula).items if t.type == "OPERAND" and t.subtype == "RANGE"]


class CompiledWorkbook:
    """A workbook loaded and compiled once, evaluated as often as needed.

    ``calculate(inputs)`` takes cell values keyed ``"Sheet!B2"`` (or
    ``formulas``' own ``"'[book.xlsx]SHEET'!B2"``) and returns every cell's
    value keyed ``(sheet, "B2")``; a range result (array formula) is spread
    over its cells. Sheet names are the workbook's own.
    """

    def __init__(self, path: str | Path, *, share_shapes: bool = True) -> None:
        import formulas

        register()
        self.path = Path(path)
        self.book = self.path.name
        model = shape_sharing_model()() if share_shapes else formulas.ExcelModel()
        self.model = model.loads(str(self.path)).finish()
        #: formula cells, distinct shapes, cells compiled alone (None without shape sharing)
        self.shape_stats = getattr(model, "shape_stats", None)
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
            first = ref.split(":")[0]
            if not sheet or not _CELL_RE.match(first):  # a defined name, a whole column or row: not a cell
                continue
            sheet = self.sheets.get(sheet, sheet)
            value = getattr(v, "value", v)
            arr = np.asarray(value, object)
            if arr.ndim == 0:
                arr = arr.reshape(1, 1)
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
    Raises :class:`~cskpi_xl.errors.CskpiError` when ``out`` is the input itself.
    """
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    from cskpi_xl.workbook.apply import write_text_cell
    from cskpi_xl.workbook.save import atomic_save_workbook

    src = Path(path)
    dst = Path(out) if out else default_out(src)
    if dst.resolve() == src.resolve():
        raise CskpiError("不能覆盖输入文件，请换一个输出文件名", "will not overwrite the input file; choose another output name",
                         file=str(src))
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

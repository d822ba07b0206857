"""The one error boundary of the Excel functions: what goes wrong becomes an Excel error marker.

A UDF raises :class:`CellError` (an :class:`ErrorKind` and the Chinese
reason); :func:`udf` turns it into the marker text (``"#N/A"`` …) the cell
shows and remembers the reason for ``=CSKPI_ERROR(C2)``. Any other exception
becomes ``#VALUE!`` with "内部错误…": never a Python traceback in a cell.
xlwings cannot return real error values (https://github.com/xlwings/xlwings/issues/776), so the VBA in
``macros/cskpi_udfs.bas`` turns the markers into ``CVErr(...)`` and
:mod:`cskpi_xl.excel.calc` into ``formulas`` errors.

:func:`each` maps a function over a whole column (one bad row keeps its own
error and does not spoil the column).

>>> @udf
... def HALF(x, where=None):
...     return each(lambda v: Decimal(v) / 2 if v != "x" else bad("不是数字"), x)
>>> HALF([[1], ["x"]]), ERRORS.last[ErrorKind.VALUE]
([[0.5], ['#VALUE!']], '不是数字')
"""

from __future__ import annotations

import collections
import enum
import functools
import inspect
import re
import threading
from decimal import Decimal
from typing import Any, Callable, NoReturn

from cskpi_xl.core.numbers import NA


class ErrorKind(str, enum.Enum):
    """The Excel error values (a closed set); the value is the marker text a cell shows."""

    VALUE = "#VALUE!"
    NA = "#N/A"
    DIV0 = "#DIV/0!"
    NUM = "#NUM!"
    REF = "#REF!"
    NAME = "#NAME?"
    NULL = "#NULL!"
    SPILL = "#SPILL!"
    CALC = "#CALC!"
    GETTING_DATA = "#GETTING_DATA"


#: The marker texts, as the UDFs return them (what the VBA and :mod:`cskpi_xl.excel.calc` translate).
MARKERS = tuple(k.value for k in ErrorKind)
# Excel's error codes as pywin32 hands them over (xlwings' cell_errors).
CODES = {-2146826281: ErrorKind.DIV0, -2146826246: ErrorKind.NA, -2146826259: ErrorKind.NAME,
         -2146826288: ErrorKind.NULL, -2146826252: ErrorKind.NUM, -2146826265: ErrorKind.REF,
         -2146826273: ErrorKind.VALUE}


class CellError(Exception):
    """What a cell shows instead of a value: an Excel error ``kind`` and the Chinese ``reason``."""

    def __init__(self, kind: ErrorKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = ErrorKind(kind)
        self.reason = reason


def bad(reason: str) -> NoReturn:
    """Raise ``#VALUE!``: the input is not what the function takes."""
    raise CellError(ErrorKind.VALUE, reason)


def unknown(reason: str) -> NoReturn:
    """Raise ``#N/A``: a name, scheme or figure is missing or unknown."""
    raise CellError(ErrorKind.NA, reason)


class _ErrorLog:
    """The reasons of recent errors: per calling cell when known, else per function and arguments (bounded)."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self.by_key: collections.OrderedDict[Any, dict] = collections.OrderedDict()
        self.last: dict[ErrorKind, str] = {}
        self.last_any: str | None = None
        self.lock = threading.Lock()

    def record(self, key: Any, cells: dict[tuple[int, int], tuple[ErrorKind, str]]) -> None:
        with self.lock:
            self.by_key.pop(key, None)
            if cells:
                self.by_key[key] = cells
                while len(self.by_key) > self.size:
                    self.by_key.popitem(last=False)
                for kind, reason in cells.values():
                    self.last[kind] = reason
                    self.last_any = reason

    def lookup(self, address: str) -> str | None:
        """The reason for the cell at ``address`` (``[Book]Sheet!$C$3``), also inside a spilled result."""
        want = _parse_address(address)
        with self.lock:
            items = list(self.by_key.items())
        for key, cells in reversed(items):
            if not isinstance(key, str):
                continue
            got = _parse_address(key)
            if want is None or got is None or got[0] != want[0]:
                continue
            (r1, c1, r2, c2), (r, c) = got[1], want[1][:2]
            if r1 <= r <= r2 and c1 <= c <= c2:
                hit = cells.get((r - r1, c - c1))
                if hit:
                    return hit[1]
                return ""
        return None

    def clear(self) -> None:
        with self.lock:
            self.by_key.clear()
            self.last.clear()
            self.last_any = None


ERRORS = _ErrorLog()


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _parse_address(address: str):
    """``[Book1.xlsx]Sheet1!$C$2:$C$6`` → (``[Book1.xlsx]Sheet1``, (2, 3, 6, 3)) (rows, columns, 1-based)."""
    if not isinstance(address, str) or "!" not in address:
        return None
    prefix, _, cells = address.rpartition("!")
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?", cells.strip())
    if not m:
        return None
    c1, r1 = _col_number(m.group(1)), int(m.group(2))
    c2, r2 = (_col_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    return prefix.strip("'"), (r1, c1, r2, c2)


def is_grid(v: Any) -> bool:
    """Whether an argument is a range (rows of cells) rather than one value."""
    return isinstance(v, (list, tuple)) or hasattr(v, "tolist") and getattr(v, "ndim", 0) > 0


def grid(v: Any) -> list[list]:
    """A range as a list of rows; a 1-D list is a column."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    v = list(v)
    if v and all(isinstance(r, (list, tuple)) for r in v):
        return [list(r) for r in v]
    return [[x] for x in v]


def is_single(arg: Any) -> bool:
    """Whether a range is one cell."""
    g = grid(arg)
    return len(g) == 1 and len(g[0]) == 1


def scalar(v: Any, what: str) -> Any:
    """One value from an argument that must be a single cell."""
    if is_grid(v):
        g = grid(v)
        if len(g) == 1 and len(g[0]) == 1:
            return g[0][0]
        bad(f"{what}只能是一个单元格")
    return v


def _out(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, NA):
        return ErrorKind.NA.value
    return v


def udf(fn: Callable) -> Callable:
    """The one error boundary every UDF goes through.

    A :class:`CellError` (in the whole call, or in one element of a column
    result) becomes its marker, and its reason is remembered for
    ``CSKPI_ERROR`` (per calling cell: the hidden ``where`` argument); any
    other exception becomes ``#VALUE!`` with the reason "内部错误…". A 1×1
    result is returned as a single value; Decimals as floats.
    """
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            where = sig.bind(*args, **kwargs).arguments.get("where")
        except TypeError:
            where = None
        key = where if isinstance(where, str) and where else (fn.__name__, repr(args)[:500])
        cells: dict[tuple[int, int], tuple[ErrorKind, str]] = {}
        try:
            result = fn(*args, **kwargs)
        except CellError as e:
            result = e
        except Exception as e:  # the boundary: never a traceback in a cell
            result = CellError(ErrorKind.VALUE, f"内部错误（{type(e).__name__}）：{e}")
        if isinstance(result, list):
            rows = []
            for i, row in enumerate(result):
                out_row = []
                for j, v in enumerate(row):
                    if isinstance(v, CellError):
                        cells[(i, j)] = (v.kind, v.reason)
                        v = v.kind.value
                    out_row.append(_out(v))
                rows.append(out_row)
            result = rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
        elif isinstance(result, CellError):
            cells[(0, 0)] = (result.kind, result.reason)
            result = result.kind.value
        else:
            result = _out(result)
        ERRORS.record(key, cells)
        return result

    return wrapper


def each(fn: Callable, *args: Any) -> Any:
    """``fn`` on every element when any argument is a range (others broadcast); else on the values.

    Each element's :class:`CellError` stays in its place, so one bad row does
    not spoil the column.
    """
    shapes = [(len(g), max((len(r) for r in g), default=0)) for g in (grid(a) for a in args if is_grid(a))]
    if not shapes:
        return fn(*args)
    shape = max(shapes, key=lambda s: s[0] * s[1])
    for s in shapes:
        if s != shape and s != (1, 1):
            bad(f"区域大小不一致：{s[0]}行{s[1]}列 与 {shape[0]}行{shape[1]}列")
    grids = [(grid(a) if is_grid(a) else None) for a in args]
    out = []
    for i in range(shape[0]):
        row = []
        for j in range(shape[1]):
            vals = []
            for a, g in zip(args, grids):
                if g is None:
                    vals.append(a)
                elif len(g) == 1 and len(g[0]) == 1:
                    vals.append(g[0][0])
                else:
                    vals.append(g[i][j] if j < len(g[i]) else None)
            try:
                row.append(fn(*vals))
            except CellError as e:
                row.append(e)
        out.append(row)
    return out

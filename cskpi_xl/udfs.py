"""Excel functions (UDFs) for customer-service appraisal, through xlwings.

In Excel: xlwings 选项卡 → UDF Modules = ``cskpi_xl.udfs`` (see docs/excel_zh.md).
Every function is in the category 客服绩效; its first docstring line and its
arguments' ``doc`` are the Chinese texts Excel's function wizard shows.

The functions are thin: coerce the cells, call :mod:`cskpi_xl.core`, return.
One error boundary (:func:`udf`) turns what goes wrong into an Excel error
*marker*: bad text → ``"#VALUE!"``, unknown item or scheme → ``"#N/A"``,
zero denominator → ``"#DIV/0!"``. xlwings cannot return real error values
(xlwings issue 776), so the VBA in ``macros/cskpi_udfs.bas`` turns the markers
into ``CVErr(...)``; :mod:`cskpi_xl.xlcalc` turns them into ``formulas``
errors. The Chinese reason is kept and ``=CSKPI_ERROR(C2)`` shows it. Never a
Python traceback in a cell.

A range in ``item``/``value``/``sales``/``score`` (a whole column) gives a
column of results: Excel 365 spills it; older Excel needs the result range
selected and the formula entered with Ctrl+Shift+Enter (array formula).

The hidden last argument ``where`` is filled by the VBA wrapper with the
calling cell's address (``Application.Caller.Address(External:=True)``), so
errors are remembered per cell; called from Python it is None.

>>> KPI_SCORE("咨询转化率", 0.36, "duoyi")
30.0
>>> COMMISSION_TIER([[14999], [15000], [22000]])
[[224.99], [150.0], [330.0]]
>>> CONVERSION_RATE(18, 0), CSKPI_ERROR("#DIV/0!")
('#DIV/0!', '询单人数为 0，无法计算询单转化率')
"""

from __future__ import annotations

import collections
import datetime as _dt
import functools
import inspect
import os
import re
import threading
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import xlwings as xw

from cskpi_xl.core import names as N
from cskpi_xl.core import tables as T
from cskpi_xl.core.engine import score_item, total_of
from cskpi_xl.core.loader import BUILTIN_IDS, SchemeError, builtin, load_scheme
from cskpi_xl.core.metrics import RATIO_BY_NAME, Ratio, compute_metrics, ratio
from cskpi_xl.core.numbers import NA, round_money, to_decimal
from cskpi_xl.core.rules import Condition, Linear, PerCount, Rubric, Score
from cskpi_xl.core.scheme import Item, Scheme
from cskpi_xl.core.tiers import CoefficientTable, TierTable, public_commission

CATEGORY = "客服绩效"

# ---- the error boundary -------------------------------------------------------------------------------------------

VALUE, NA_ERR, DIV0, NUM, REF, NAME = "#VALUE!", "#N/A", "#DIV/0!", "#NUM!", "#REF!", "#NAME?"
MARKERS = (VALUE, NA_ERR, DIV0, NUM, REF, NAME, "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")
# Excel's error codes as pywin32 hands them over (xlwings' cell_errors).
_CODES = {-2146826281: DIV0, -2146826246: NA_ERR, -2146826259: NAME, -2146826288: "#NULL!",
          -2146826252: NUM, -2146826265: REF, -2146826273: VALUE}


class CellError(Exception):
    """What a cell shows instead of a value: an Excel error ``kind`` and the Chinese ``reason``."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def _bad(reason: str) -> CellError:
    return CellError(VALUE, reason)


def _unknown(reason: str) -> CellError:
    return CellError(NA_ERR, reason)


class _ErrorLog:
    """The reasons of recent errors: per calling cell when known, else per function and arguments (bounded)."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self.by_key: collections.OrderedDict[Any, dict] = collections.OrderedDict()
        self.last: dict[str, str] = {}
        self.last_any: str | None = None
        self.lock = threading.Lock()

    def record(self, key: Any, cells: dict[tuple[int, int], tuple[str, str]]) -> None:
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


def _is_grid(v: Any) -> bool:
    return isinstance(v, (list, tuple)) or hasattr(v, "tolist") and getattr(v, "ndim", 0) > 0


def _grid(v: Any) -> list[list]:
    """A range as a list of rows; a 1-D list is a column."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    v = list(v)
    if v and all(isinstance(r, (list, tuple)) for r in v):
        return [list(r) for r in v]
    return [[x] for x in v]


def _out(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, NA):
        return NA_ERR
    return v


def udf(fn: Callable) -> Callable:
    """The one error boundary every UDF goes through.

    A :class:`CellError` (in the whole call, or in one element of a column
    result) becomes its marker, and its reason is remembered for
    :func:`CSKPI_ERROR`; any other exception becomes ``#VALUE!`` with the
    reason "内部错误…". A 1×1 result is returned as a single value; Decimals
    as floats.
    """
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            bound = sig.bind(*args, **kwargs)
            where = bound.arguments.get("where")
        except TypeError:
            where = None
        key = where if isinstance(where, str) and where else (fn.__name__, _args_key(args))
        cells: dict[tuple[int, int], tuple[str, str]] = {}
        try:
            result = fn(*args, **kwargs)
        except CellError as e:
            result = e
        except Exception as e:  # the boundary: never a traceback in a cell
            result = CellError(VALUE, f"内部错误（{type(e).__name__}）：{e}")
        if isinstance(result, list):
            rows = []
            for i, row in enumerate(result):
                out_row = []
                for j, v in enumerate(row):
                    if isinstance(v, CellError):
                        cells[(i, j)] = (v.kind, v.reason)
                        v = v.kind
                    out_row.append(_out(v))
                rows.append(out_row)
            result = rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
        elif isinstance(result, CellError):
            cells[(0, 0)] = (result.kind, result.reason)
            result = result.kind
        else:
            result = _out(result)
        ERRORS.record(key, cells)
        return result

    return wrapper


def _args_key(args: tuple) -> str:
    return repr(args)[:500]


def _each(fn: Callable, *args: Any) -> Any:
    """``fn`` on every element when any argument is a range (others broadcast); else on the values.

    Each element's :class:`CellError` stays in its place, so one bad row does
    not spoil the column.
    """
    shapes = [(len(g), max((len(r) for r in g), default=0)) for g in (_grid(a) for a in args if _is_grid(a))]
    if not shapes:
        return fn(*args)
    shape = max(shapes, key=lambda s: s[0] * s[1])
    for s in shapes:
        if s != shape and s != (1, 1):
            raise _bad(f"区域大小不一致：{s[0]}行{s[1]}列 与 {shape[0]}行{shape[1]}列")
    grids = [(_grid(a) if _is_grid(a) else None) for a in args]
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


def _scalar(v: Any, what: str) -> Any:
    """One value from an argument that must be a single cell."""
    if _is_grid(v):
        g = _grid(v)
        if len(g) == 1 and len(g[0]) == 1:
            return g[0][0]
        raise _bad(f"{what}只能是一个单元格")
    return v


# ---- coercion -----------------------------------------------------------------------------------------------------

_NOT_FINAL = ("延迟统计", "统计中", "计算中", "待统计", "暂无数据")
_MISSING = {"", "-", "--", "---", "—", "——", "/", "无", "n/a", "na", "null", "none"}


def _error_in(v: Any) -> CellError | None:
    """An Excel error arriving as an input (marker text, error code, formulas' XlError) passes through."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int) and v in _CODES:
        return CellError(_CODES[v], f"引用的单元格本身是错误值 {_CODES[v]}")
    if type(v).__name__ == "XlError" or isinstance(v, str) and v.strip().upper() in MARKERS:
        kind = str(v).strip().upper()
        return CellError(kind, f"引用的单元格本身是错误值 {kind}")
    return None


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    if type(v).__name__ == "Token" and str(v) == "empty":  # formulas' EMPTY
        return True
    return isinstance(v, str) and unicodedata.normalize("NFKC", v).strip().lower() in _MISSING


def _number(v: Any, what: str, kind: str | None = None) -> Decimal | NA | None:
    """A cell as a number: None when blank, NA when not final (延迟统计), else a Decimal; bad text → #VALUE!."""
    err = _error_in(v)
    if err:
        raise err
    if hasattr(v, "item") and not isinstance(v, (list, tuple)):
        v = v.item()  # numpy scalars
    if _blank(v):
        return None
    if isinstance(v, bool):
        raise _bad(f"{what}应为数字，而不是逻辑值 {v}")
    if isinstance(v, (_dt.date, _dt.time, _dt.datetime)):
        raise _bad(f"{what}应为数字，而不是日期或时间")
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v).strip()
        if any(s.startswith(t) for t in _NOT_FINAL):
            return NA(f"{what}尚未统计完（{s}）", f"{what} is not final")
        try:
            return T.parse_number(s)
        except ValueError:
            pass
        if kind == "seconds":
            from cskpi_xl.importers.cells import parse_duration

            d, problem = parse_duration(s)
            if problem is None and d is not None:
                return d
        raise _bad(f"{what}不是数字：{v!r}")
    try:
        return to_decimal(v)
    except ValueError:
        raise _bad(f"{what}不是数字：{v!r}") from None


def _required(v: Any, what: str, kind: str | None = None) -> Decimal:
    d = _number(v, what, kind)
    if d is None:
        raise _unknown(f"缺少{what}")
    if isinstance(d, NA):
        raise _unknown(d.reason)
    return d


def _money_or_zero(v: Any, what: str) -> Decimal:
    d = _number(v, what)
    if d is None:
        return Decimal(0)
    if isinstance(d, NA):
        raise _unknown(d.reason)
    return d


def _text(v: Any, what: str) -> str:
    err = _error_in(v)
    if err:
        raise err
    if _blank(v):
        raise _unknown(f"缺少{what}")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unicodedata.normalize("NFKC", str(v)).strip()


# ---- schemes and tables -------------------------------------------------------------------------------------------

_FILE_CACHE: dict[str, tuple[float, Scheme]] = {}
_TABLE_CACHE: collections.OrderedDict[tuple, Any] = collections.OrderedDict()


def _scheme(arg: Any, default: str) -> Scheme:
    """A scheme from its id (duoyi …), its Chinese name, or the path of a scheme file."""
    arg = _scalar(arg, "方案")
    if _blank(arg):
        arg = default
    sid = _text(arg, "方案")
    if sid in BUILTIN_IDS:
        try:
            return builtin(sid)
        except SchemeError as e:
            raise _unknown(f"内置方案 {sid} 无法加载：{e}") from None
        except (OSError, ValueError) as e:
            raise _unknown(f"内置方案 {sid} 无法加载：{e}") from None
    for b in BUILTIN_IDS:
        try:
            s = builtin(b)
        except Exception:
            continue
        if s.name == sid:
            return s
    if sid.lower().endswith(".toml") and os.path.isfile(sid):
        mtime = os.path.getmtime(sid)
        hit = _FILE_CACHE.get(sid)
        if hit and hit[0] == mtime:
            return hit[1]
        scheme, problems = load_scheme(Path(sid))
        if scheme is None:
            first = next((p for p in problems if p.is_error), None)
            raise _unknown(f"方案文件有错误：{first.format() if first else sid}")
        _FILE_CACHE[sid] = (mtime, scheme)
        return scheme
    raise _unknown(f"没有方案「{sid}」；内置方案：{'、'.join(BUILTIN_IDS)}，或填方案文件（.toml）的完整路径")


def _table(rows: Any, parse: Callable, what: str, *extra: Any) -> Any:
    """A table typed in cells, parsed once per distinct content (cached)."""
    g = _grid(rows)
    key = (parse.__name__, extra, tuple(tuple(_hashable(c) for c in r) for r in g))
    hit = _TABLE_CACHE.get(key)
    if hit is not None:
        return hit
    if extra:
        result, problems = parse(g, *extra)
    else:
        result, problems = parse(g)
    if result is None:
        first = next((p for p in problems if p.is_error), None)
        where = first.where() if first else ""
        raise _bad(f"{what}有错误：{where + '：' if where else ''}{first.text() if first else ''}"
                   + (f"（值：{first.value!r}）" if first is not None and first.value not in (None, "") else ""))
    _TABLE_CACHE[key] = result
    while len(_TABLE_CACHE) > 64:
        _TABLE_CACHE.popitem(last=False)
    return result


def _hashable(c: Any) -> Any:
    if hasattr(c, "item") and not isinstance(c, (list, tuple)):
        try:
            return c.item()
        except (ValueError, AttributeError):
            return str(c)
    if isinstance(c, (str, int, float, bool, Decimal)) or c is None:
        return c
    return str(c)


def _tier_table(arg: Any, default: str) -> TierTable:
    if _is_grid(arg) and not _is_single(arg):
        return _table(arg, T.rows_to_tiers, "提成表")
    s = _scheme(arg, default)
    if isinstance(s.commission, TierTable):
        return s.commission
    if isinstance(s.commission, CoefficientTable):
        raise _unknown(f"方案「{s.id}」的提成按考核得分定比例，不是按销售额分档")
    raise _unknown(f"方案「{s.id}」没有提成表")


def _grades(arg: Any, default: str):
    if _is_grid(arg) and not _is_single(arg):
        return _table(arg, T.rows_to_grades, "等级表")
    s = _scheme(arg, default)
    if s.grades is None:
        raise _unknown(f"方案「{s.id}」没有等级")
    return s.grades


def _is_single(arg: Any) -> bool:
    g = _grid(arg)
    return len(g) == 1 and len(g[0]) == 1


def _main_input(item: Item) -> str | None:
    """The figure KPI_SCORE's ``value`` stands for: the item's metric, else its first rule's input."""
    if item.metric:
        return item.metric
    for r in item.rules:
        if isinstance(r, Linear):
            return r.metric
        if isinstance(r, PerCount):
            return r.inputs[0]
        if isinstance(r, (Rubric, Score)):
            return r.input
        if isinstance(r, Condition):
            return r.tests[0].inputs[0]
    return None


def _named_baselines(item: Item, scheme_params: dict) -> list[str]:
    out = []
    for r in item.rules:
        if isinstance(r, Linear):
            for ref in (r.upper, r.lower):
                if isinstance(ref, str) and ref not in scheme_params and ref not in out:
                    out.append(ref)
    return out


# ---- the functions ------------------------------------------------------------------------------------------------

_SCHEME_DOC = "方案：内置方案名（duoyi、standard…）或方案文件路径；默认 {}"


@xw.func(category=CATEGORY)
@xw.arg("item", ndim=2, err_to_str=True, doc="考核项目名称，如 咨询转化率（可用别名；可选一整列）")
@xw.arg("value", ndim=2, err_to_str=True, doc="该项目的指标值或次数，如 0.36 或 36%（可选一整列）")
@xw.arg("scheme", ndim=2, err_to_str=True, doc=_SCHEME_DOC.format("duoyi") + "；也可选项目规则表区域")
@xw.arg("baseline", err_to_str=True, doc="基准值：以团队数值为基准的项目（如平均客单价）填团队客单价")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def KPI_SCORE(item, value, scheme="duoyi", baseline=None, where=None):
    """按方案规则计算一个考核项目的得分。例：=KPI_SCORE("咨询转化率",0.36,"duoyi") 得 30"""
    if _is_grid(scheme) and not _is_single(scheme):
        grid, sch = _grid(scheme), None
        params: dict = {}

        def find(name: str) -> Item:
            return _table(grid, T.rows_to_item, "项目规则表", name)
    else:
        sch = _scheme(scheme, "duoyi")
        params = sch.params

        def find(name: str) -> Item:
            found = T.find_item(sch.items, name)
            if found is None:
                raise _unknown(f"方案「{sch.id}」没有项目「{name}」；项目有：{'、'.join(i.name for i in sch.items)}")
            return found

    base = _number(_scalar(baseline, "基准"), "基准")

    def one(name: Any, v: Any) -> Decimal:
        it = find(_text(name, "项目名称"))
        main = _main_input(it)
        if main is None:
            raise _unknown(f"项目「{it.name}」没有可以填写的指标")
        x = _number(v, main, N.kind_of(main))
        ctx: dict[str, Any] = {**params, main: x}
        for ref in _named_baselines(it, params):
            if base is None:
                raise _unknown(f"项目「{it.name}」以{ref}为基准，请在第 4 个参数填写{ref}")
            ctx[ref] = base
        res = score_item(it, ctx)
        if res.error:
            raise _bad(f"{it.name}：{res.error}")
        return res.points

    return _each(one, item, value)


@xw.func(category=CATEGORY)
@xw.arg("sales", ndim=2, err_to_str=True, doc="当月销售额（元），可选一整列")
@xw.arg("scheme_or_table", ndim=2, err_to_str=True,
        doc=_SCHEME_DOC.format("standard") + "；或选提成表区域（标题行：下限 上限 含下限 含上限 方式 比例 基数 起算额）")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def COMMISSION_TIER(sales, scheme_or_table="standard", where=None):
    """按提成表计算个人提成（元，四舍五入到分）。例：=COMMISSION_TIER(22000) 得 330"""
    table = _tier_table(scheme_or_table, "standard")

    def one(v: Any) -> Decimal:
        x = _number(v, "销售额", "money")
        if isinstance(x, NA):
            raise _unknown(x.reason)
        return table.commission(x if x is not None else Decimal(0))

    return _each(one, sales)


@xw.func(category=CATEGORY)
@xw.arg("score", ndim=2, err_to_str=True, doc="考核总分，可选一整列")
@xw.arg("scheme_or_table", ndim=2, err_to_str=True,
        doc=_SCHEME_DOC.format("standard") + "；或选等级表区域（标题行：等级 下限 上限 含下限 含上限）")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def GRADE(score, scheme_or_table="standard", where=None):
    """按方案的等级分数段给出考核等级。例：=GRADE(94.6) 得 优秀"""
    grades = _grades(scheme_or_table, "standard")

    def one(v: Any) -> str:
        band = grades.grade(_required(v, "总分"))
        if band is None:
            raise _unknown(f"分数 {v} 不在任何等级的分数段内")
        return band.label

    return _each(one, score)


@xw.func(category=CATEGORY)
@xw.arg("score", ndim=2, err_to_str=True, doc="考核总分，可选一整列")
@xw.arg("attr", err_to_str=True, doc="等级带出的项目，如 岗位工资、岗位级别、培训需求、职位晋升")
@xw.arg("scheme_or_table", ndim=2, err_to_str=True, doc=_SCHEME_DOC.format("standard") + "；或选等级表区域")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def GRADE_ATTR(score, attr, scheme_or_table="standard", where=None):
    """给出分数所在等级带出的项目（岗位工资等）。例：=GRADE_ATTR(94.6,"岗位工资") 得 1700"""
    grades = _grades(scheme_or_table, "standard")
    name = _text(_scalar(attr, "项目"), "等级项目名称")

    def one(v: Any) -> Any:
        band = grades.grade(_required(v, "总分"))
        if band is None:
            raise _unknown(f"分数 {v} 不在任何等级的分数段内")
        if name not in band.attrs:
            have = "、".join(band.attrs) or "（无）"
            raise _unknown(f"等级「{band.label}」没有「{name}」；有：{have}")
        return band.attrs[name]

    return _each(one, score)


def _ratio(metric: str, num: Any, den: Any) -> Any:
    r = RATIO_BY_NAME[metric]

    def one(a: Any, b: Any) -> Decimal:
        kind = N.kind_of(r.numerator)
        x, y = _number(a, r.numerator, kind), _number(b, r.denominator, N.kind_of(r.denominator))
        if y is not None and not isinstance(y, NA) and y == 0:
            raise CellError(DIV0, f"{r.denominator}为 0，无法计算{metric}")
        got = ratio({r.numerator: x, r.denominator: y}, r)
        if isinstance(got, NA):
            raise _unknown(got.reason)
        return got

    return _each(one, num, den)


_N = dict(ndim=2, err_to_str=True)
_SHARE = Ratio("咨询占比", "接待人数", "团队接待人数")


@xw.func(category=CATEGORY)
@xw.arg("paid", doc="询单->最终付款人数（可选一整列）", **_N)
@xw.arg("inquiries", doc="询单人数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def CONVERSION_RATE(paid, inquiries, where=None):
    """询单转化率 = 最终付款人数 ÷ 询单人数；询单人数为 0 时显示 #DIV/0!。"""
    return _ratio("询单转化率", paid, inquiries)


@xw.func(category=CATEGORY)
@xw.arg("paid", doc="最终付款人数（可选一整列）", **_N)
@xw.arg("orders", doc="下单人数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def ORDER_SUCCESS_RATE(paid, orders, where=None):
    """最终下单成功率 = 最终付款人数 ÷ 下单人数。"""
    return _ratio("最终下单成功率", paid, orders)


@xw.func(category=CATEGORY)
@xw.arg("sales", doc="销售额（元，可选一整列）", **_N)
@xw.arg("buyers", doc="付款客户人数（销售人数，可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def AVG_ORDER_VALUE(sales, buyers, where=None):
    """客单价 = 销售额 ÷ 付款客户人数。"""
    return _ratio("客单价", sales, buyers)


@xw.func(category=CATEGORY)
@xw.arg("replied", doc="回复客户数（可选一整列）", **_N)
@xw.arg("served", doc="接待客户数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def REPLY_RATE(replied, served, where=None):
    """旺旺回复率 = 回复客户数 ÷ 接待客户数。"""
    return _ratio("回复率", replied, served)


@xw.func(category=CATEGORY)
@xw.arg("sales", doc="实际销售额（元，可选一整列）", **_N)
@xw.arg("target", doc="计划销售额（元，可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def TARGET_COMPLETION(sales, target, where=None):
    """指标完成率 = 实际销售额 ÷ 计划销售额。"""
    return _ratio("指标完成率", sales, target)


@xw.func(category=CATEGORY)
@xw.arg("agent_messages", doc="客服消息数（可选一整列）", **_N)
@xw.arg("buyer_messages", doc="买家消息数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def ANSWER_RATIO(agent_messages, buyer_messages, where=None):
    """答问比 = 客服消息数 ÷ 买家消息数。"""
    return _ratio("答问比", agent_messages, buyer_messages)


@xw.func(category=CATEGORY)
@xw.arg("total_seconds", doc="响应总秒数（可选一整列）", **_N)
@xw.arg("responses", doc="响应次数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def AVG_RESPONSE(total_seconds, responses, where=None):
    """平均响应时间（秒）= 响应总秒数 ÷ 响应次数（不是每日平均值的平均）。"""
    return _ratio("平均响应时间", total_seconds, responses)


@xw.func(category=CATEGORY)
@xw.arg("public_sales", doc="公共销售总额（元，可选一整列）", **_N)
@xw.arg("agents", doc="客服人数", **_N)
@xw.arg("rate", err_to_str=True, doc="公共提成比例，默认 0.5%")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def PUBLIC_COMMISSION(public_sales, agents, rate=0.005, where=None):
    """每人公共提成 = 公共销售总额 × 比例 ÷ 客服人数（元，四舍五入到分）。"""
    r = _number(_scalar(rate, "比例"), "公共提成比例")
    r = Decimal("0.005") if r is None else r
    if isinstance(r, NA):
        raise _unknown(r.reason)

    def one(s: Any, n: Any) -> Decimal:
        total = _required(s, "公共销售总额", "money")
        k = _required(n, "客服人数")
        if k == 0:
            raise CellError(DIV0, "客服人数为 0，无法平分公共提成")
        if k < 0 or k != k.to_integral_value():
            raise _bad(f"客服人数应为正整数：{n!r}")
        return public_commission(total, r, int(k))

    return _each(one, public_sales, agents)


@xw.func(category=CATEGORY)
@xw.arg("post_pay", doc="岗位工资（元，可选一整列）", **_N)
@xw.arg("commission", doc="个人绩效提成（元）", **_N)
@xw.arg("public_commission", doc="公共绩效提成（元）", **_N)
@xw.arg("seniority", doc="工龄工资（元）", **_N)
@xw.arg("bonus", doc="奖励（元），可不填", **_N)
@xw.arg("fines", doc="罚款（元，填正数，从工资中扣除），可不填", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def MONTH_PAY(post_pay, commission, public_commission, seniority, bonus=0, fines=0, where=None):
    """当月工资 = 岗位工资 + 个人提成 + 公共提成 + 工龄工资 + 奖励 − 罚款（元，四舍五入到分）。"""

    def one(a: Any, b: Any, c: Any, d: Any, e: Any, f: Any) -> Decimal:
        parts = [_money_or_zero(x, w) for x, w in ((a, "岗位工资"), (b, "个人提成"), (c, "公共提成"), (d, "工龄工资"), (e, "奖励"))]
        return round_money(sum(parts, Decimal(0)) - _money_or_zero(f, "罚款"))

    return _each(one, post_pay, commission, public_commission, seniority, bonus, fines)


def _headers_and_rows(headers: Any, values: Any) -> tuple[list[str], list[list], bool]:
    h = _grid(headers)
    v = _grid(values)
    if len(h) == 1:  # a header row: each row of values is one agent
        names = [("" if _blank(x) else _text(x, "标题")) for x in h[0]]
        return names, v, False
    if all(len(r) == 1 for r in h):  # a header column: each column of values is one agent
        names = [("" if _blank(r[0]) else _text(r[0], "标题")) for r in h]
        cols = [[row[j] if j < len(row) else None for row in v] for j in range(max((len(r) for r in v), default=0))]
        return names, cols, True
    raise _bad("标题只能是一行或一列")


@xw.func(category=CATEGORY)
@xw.arg("headers", ndim=2, err_to_str=True, doc="标题行：指标与录入项的标准名称（如 询单人数、最终付款人数、销售额…）")
@xw.arg("values", ndim=2, err_to_str=True, doc="与标题对应的数值；选多行则每行一人，结果为一列")
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("duoyi"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def AGENT_TOTAL(headers, values, scheme="duoyi", where=None):
    """按方案由一行数据算出一名客服的考核总分（团队数值如 团队客单价 也可作为一列填入）。"""
    sch = _scheme(scheme, "duoyi")
    names, rows, by_column = _headers_and_rows(headers, values)
    if len(names) != len({n for n in names if n}) + names.count(""):
        raise _bad("标题有重复")

    def one(row: list) -> Decimal:
        figures: dict[str, Any] = {}
        for name, raw in zip(names, row):
            if not name:
                continue
            canon = N.canonical(name)
            kind = N.kind_of(canon)
            if kind is None or kind == "text":
                err = _error_in(raw)
                if err:
                    raise err
                if not _blank(raw):
                    try:
                        figures[canon] = T.parse_number(raw) if not isinstance(raw, bool) else raw
                    except ValueError:
                        figures[canon] = raw.strip() if isinstance(raw, str) else raw
                continue
            x = _number(raw, canon, kind)
            if x is not None:
                figures[canon] = x
        metrics = compute_metrics(figures)
        if "团队接待人数" in figures and "接待人数" in figures and "咨询占比" not in figures:
            metrics["咨询占比"] = ratio(metrics, _SHARE)
        if "人均咨询占比" not in metrics and isinstance(figures.get("团队人数"), Decimal) and figures["团队人数"] > 0:
            metrics["人均咨询占比"] = Decimal(1) / figures["团队人数"]
        ctx = {**sch.params, **metrics}
        items = [score_item(it, ctx, sch.review) for it in sch.items]
        for it in items:
            if it.error:
                raise _bad(f"{it.name}：{it.error}")
        total, _ = total_of(sch, items)
        if isinstance(total, NA):
            raise _unknown(total.reason)
        return total

    results = []
    for row in rows:
        if all(_blank(x) for x in row):
            results.append(None)
            continue
        try:
            results.append(one(row))
        except CellError as e:
            results.append(e)
    return [results] if by_column else [[r] for r in results]


def _blank_cells(rows: list[list]) -> list[list]:
    return [["" if c is None else c for c in r] for r in rows]


@xw.func(category=CATEGORY)
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("duoyi"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def SCHEME_ITEMS(scheme="duoyi", where=None):
    """列出方案的考核项目与规则（标题行 + 每条规则一行，自动溢出成表）。"""
    return _blank_cells(T.items_to_rows(_scheme(scheme, "duoyi")))


@xw.func(category=CATEGORY)
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("standard"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def COMMISSION_TABLE(scheme="standard", where=None):
    """列出方案的提成表（标题行 + 每档一行），可复制后修改，作为 COMMISSION_TIER 的第二个参数。"""
    s = _scheme(scheme, "standard")
    if isinstance(s.commission, TierTable):
        return _blank_cells(T.tiers_to_rows(s.commission))
    if isinstance(s.commission, CoefficientTable):
        return _blank_cells(T.coefficient_to_rows(s.commission))
    raise _unknown(f"方案「{s.id}」没有提成表")


@xw.func(category=CATEGORY)
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("standard"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def GRADE_TABLE(scheme="standard", where=None):
    """列出方案的等级表（标题行 + 每个等级一行），可复制后修改，作为 GRADE 的第二个参数。"""
    return _blank_cells(T.grades_to_rows(_grades(scheme, "standard")))


class CellRef:
    """xlwings converter for CSKPI_ERROR: the cell itself when a cell is given, else the value as typed."""

    @classmethod
    def reader(cls, options):
        from xlwings.conversion.framework import Pipeline

        def keep(c):
            c.value = c.range if c.range is not None else c.value

        return Pipeline().append_stage(keep)


def _address_of(cell: Any) -> str | None:
    get = getattr(cell, "get_address", None)
    if get is None:
        return None
    try:
        return get(external=True)
    except Exception:  # a closed book, a broken COM object: fall back to the value
        return None


@xw.func(category=CATEGORY)
@xw.arg("cell", CellRef, doc="出错的单元格（如 C2），或错误值文字 #N/A、#VALUE!、#DIV/0!；不填则为最近一次错误")
@udf
def CSKPI_ERROR(cell=None):
    """显示本工具函数出错的中文原因。例：=CSKPI_ERROR(C2)"""
    address = _address_of(cell)
    if address is not None:
        found = ERRORS.lookup(address)
        if found is not None:
            return found
        try:
            cell = cell.value
        except Exception:
            cell = None
    if _is_grid(cell):
        g = _grid(cell)
        cell = g[0][0] if g and g[0] else None
    err = _error_in(cell)
    if err is not None:
        return ERRORS.last.get(err.kind) or f"没有找到 {err.kind} 的原因（请重新计算：Ctrl+Alt+F9）"
    if _blank(cell):
        return ERRORS.last_any or ""
    return ""


#: Every UDF, by its Excel name (what :mod:`cskpi_xl.xlcalc` registers and the VBA wraps).
FUNCTIONS: dict[str, Callable] = {
    name: obj for name, obj in list(globals().items())
    if callable(obj) and name.isupper() and getattr(obj, "__module__", "") == __name__ and hasattr(obj, "__wrapped__")
}

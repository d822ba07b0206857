"""What the Excel functions make of their arguments: numbers, text, schemes and tables typed in cells.

A number is read by the one cell-text parser of the core,
:func:`cskpi_xl.core.schemefile.sheet.parse_number` ("12,000", "1.2万", "36%", "15000元");
this module adds only what a cell brings on top of it: an Excel error
arriving as an input passes through, a blank (or a dash an export writes for
"no data", as :func:`cskpi_xl.importers.cells.is_missing` has them) is None,
a figure not final yet ("延迟统计") is n/a, and seconds may be written
"8分48秒". What cannot be read, or is absurdly large (the importer's bound,
|x| < 10^13, non-zero |x| ≥ 10^-100), raises :class:`~cskpi_xl.excel.boundary.CellError`.

>>> number("1.2万", "销售额"), number("-", "销售额"), number("延迟统计", "销售额")
(Decimal('12000.0'), None, NA('销售额尚未统计完（延迟统计）'))
>>> number("8分48秒", "平均响应时间", "seconds")
Decimal('528')
"""

from __future__ import annotations

import collections
import datetime as _dt
import os
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from cskpi_xl.core import names as N
from cskpi_xl.core.schemefile import sheet as T
from cskpi_xl.core.schemefile import BUILTIN_IDS, SchemeError, builtin, load_scheme
from cskpi_xl.core.numbers import FIGURE_RANGE_TEXT, NA, plausible
from cskpi_xl.core.rules import Condition, Linear, PerCount, Rubric, Score
from cskpi_xl.core.scheme import Item, Scheme
from cskpi_xl.core.tiers import CoefficientTable, TierTable
from cskpi_xl.excel.boundary import CODES, MARKERS, CellError, ErrorKind, bad, grid, is_grid, is_single, scalar, unknown
from cskpi_xl.importers.cells import NOT_FINAL_TEXTS, is_missing, parse_duration

# ---- one cell -----------------------------------------------------------------------------------------------------


def error_in(v: Any) -> CellError | None:
    """An Excel error arriving as an input (marker text, pywin32's error code, formulas' XlError), to pass through."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int) and v in CODES:
        return CellError(CODES[v], f"引用的单元格本身是错误值 {CODES[v].value}")
    if type(v).__name__ == "XlError" or isinstance(v, str) and v.strip().upper() in MARKERS:
        kind = ErrorKind(str(v).strip().upper())
        return CellError(kind, f"引用的单元格本身是错误值 {kind.value}")
    return None


def _raise_error_in(v: Any) -> None:
    err = error_in(v)
    if err:
        raise err


def blank(v: Any) -> bool:
    """An empty cell (also formulas' EMPTY) or a "no data" dash; an Excel error (``#N/A``) is not blank."""
    return _empty_token(v) or error_in(v) is None and is_missing(v)


def _empty_token(v: Any) -> bool:
    return type(v).__name__ == "Token" and str(v) == "empty"  # formulas' EMPTY


def number(v: Any, what: str, kind: str | None = None) -> Decimal | NA | None:
    """A cell as a number: None when blank, NA when not final (延迟统计), else a Decimal; bad text → #VALUE!.

    ``what`` names the figure in the reasons; ``kind`` ``"seconds"`` also
    reads durations ("8分48秒", "1小时").
    """
    _raise_error_in(v)
    if hasattr(v, "item") and not isinstance(v, (list, tuple)):
        v = v.item()  # numpy scalars
    if _empty_token(v) or is_missing(v):  # (not an error: checked above)
        return None
    if isinstance(v, bool):
        bad(f"{what}应为数字，而不是逻辑值 {v}")
    if isinstance(v, (_dt.date, _dt.time, _dt.datetime)):
        bad(f"{what}应为数字，而不是日期或时间")
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v).strip()
        if s.startswith(NOT_FINAL_TEXTS):
            return NA(f"{what}尚未统计完（{s}）", f"{what} is not final")
    try:
        d = T.parse_number(v)
    except ValueError:
        d = None
    if d is None and kind == "seconds" and isinstance(v, str):
        d, problem = parse_duration(v)
        d = d if problem is None else None
    if d is None:
        bad(f"{what}不是数字：{v!r}")
    return _in_range(d, what, v)


def _in_range(d: Decimal, what: str, v: Any) -> Decimal:
    """``d``, unless absurdly large or small (the importer's bounds: nothing overflows further on)."""
    if not plausible(d):
        bad(f"{what}超出合理范围（{FIGURE_RANGE_TEXT[0]}）：{v!r}")
    return d


def required(v: Any, what: str, kind: str | None = None) -> Decimal:
    """A number that must be there: blank or not final → #N/A."""
    d = number(v, what, kind)
    if d is None:
        unknown(f"缺少{what}")
    if isinstance(d, NA):
        unknown(d.reason)
    return d


def money_or_zero(v: Any, what: str) -> Decimal:
    """An amount where a blank cell means 0 (not final → #N/A)."""
    d = number(v, what)
    if d is None:
        return Decimal(0)
    if isinstance(d, NA):
        unknown(d.reason)
    return d


def text(v: Any, what: str) -> str:
    """A cell as text (a name, an id); blank → #N/A."""
    _raise_error_in(v)
    if blank(v):
        unknown(f"缺少{what}")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unicodedata.normalize("NFKC", str(v)).strip()


def figure(name: str, raw: Any) -> Any:
    """One cell of an agent's row under the header ``name`` (canonical): None when blank.

    A known figure is a number (:func:`number`); a column the core does not
    know (or a text input such as a rubric choice) keeps its text, read as a
    number when it is one.
    """
    kind = N.kind_of(name)
    if kind is not None and kind != "text":
        return number(raw, name, kind)
    _raise_error_in(raw)
    if blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    try:
        return T.parse_number(raw)
    except ValueError:
        return raw.strip() if isinstance(raw, str) else raw


def agent_rows(headers: Any, values: Any) -> tuple[list[str], list[list], bool]:
    """Canonical header names and one list of cells per agent; True when the headers are a column."""
    h = grid(headers)
    v = grid(values)
    if len(h) == 1:  # a header row: each row of values is one agent
        names = [("" if blank(x) else text(x, "标题")) for x in h[0]]
        rows = v
        by_column = False
    elif all(len(r) == 1 for r in h):  # a header column: each column of values is one agent
        names = [("" if blank(r[0]) else text(r[0], "标题")) for r in h]
        rows = [[row[j] if j < len(row) else None for row in v] for j in range(max((len(r) for r in v), default=0))]
        by_column = True
    else:
        bad("标题只能是一行或一列")
    if len(names) != len({n for n in names if n}) + names.count(""):
        bad("标题有重复")
    return [N.canonical(n) if n else "" for n in names], rows, by_column


def figures_of(names: list[str], row: list) -> dict[str, Any]:
    """One agent's figures from its row (blank cells left out)."""
    out: dict[str, Any] = {}
    for name, raw in zip(names, row):
        if name:
            x = figure(name, raw)
            if x is not None:
                out[name] = x
    return out


# ---- schemes and tables -------------------------------------------------------------------------------------------

_FILE_CACHE: dict[str, tuple[float, Scheme]] = {}
_TABLE_CACHE: collections.OrderedDict[tuple, Any] = collections.OrderedDict()


def scheme(arg: Any, default: str) -> Scheme:
    """A scheme from its id (duoyi …), its Chinese name, or the path of a scheme file."""
    arg = scalar(arg, "方案")
    if blank(arg):
        arg = default
    sid = text(arg, "方案")
    if sid in BUILTIN_IDS:
        try:
            return builtin(sid)
        except (SchemeError, OSError, ValueError) as e:
            unknown(f"内置方案 {sid} 无法加载：{e}")
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
        loaded, problems = load_scheme(Path(sid))
        if loaded is None:
            first = next((p for p in problems if p.is_error), None)
            unknown(f"方案文件有错误：{first.format() if first else sid}")
        _FILE_CACHE[sid] = (mtime, loaded)
        return loaded
    unknown(f"没有方案「{sid}」；内置方案：{'、'.join(BUILTIN_IDS)}，或填方案文件（.toml）的完整路径")


def table(rows: Any, parse: Callable, what: str, *extra: Any) -> Any:
    """A table typed in cells, parsed once per distinct content (cached)."""
    g = grid(rows)
    key = (parse.__name__, extra, tuple(tuple(_hashable(c) for c in r) for r in g))
    hit = _TABLE_CACHE.get(key)
    if hit is not None:
        return hit
    result, problems = parse(g, *extra)
    if result is None:
        first = next((p for p in problems if p.is_error), None)
        where = first.where() if first else ""
        bad(f"{what}有错误：{where + '：' if where else ''}{first.text() if first else ''}"
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


def tier_table(arg: Any, default: str) -> TierTable:
    """A commission tier table: typed in cells, or the scheme's."""
    if is_grid(arg) and not is_single(arg):
        return table(arg, T.rows_to_tiers, "提成表")
    s = scheme(arg, default)
    if isinstance(s.commission, TierTable):
        return s.commission
    if isinstance(s.commission, CoefficientTable):
        unknown(f"方案「{s.id}」的提成按考核得分定比例，不是按销售额分档")
    unknown(f"方案「{s.id}」没有提成表")


def grades(arg: Any, default: str):
    """A grade table: typed in cells, or the scheme's."""
    if is_grid(arg) and not is_single(arg):
        return table(arg, T.rows_to_grades, "等级表")
    s = scheme(arg, default)
    if s.grades is None:
        unknown(f"方案「{s.id}」没有等级")
    return s.grades


def item_finder(arg: Any, default: str) -> tuple[Callable[[str], Item], dict]:
    """``(find, params)``: an item by name from a typed item-rules table or a scheme, and the scheme's parameters."""
    if is_grid(arg) and not is_single(arg):
        g = grid(arg)
        return (lambda name: table(g, T.rows_to_item, "项目规则表", name)), {}
    sch = scheme(arg, default)

    def find(name: str) -> Item:
        found = T.find_item(sch.items, name)
        if found is None:
            unknown(f"方案「{sch.id}」没有项目「{name}」；项目有：{'、'.join(i.name for i in sch.items)}")
        return found

    return find, sch.params


def main_input(item: Item) -> str:
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
    unknown(f"项目「{item.name}」没有可以填写的指标")


def named_baselines(item: Item, scheme_params: dict) -> list[str]:
    """The team values (团队客单价 …) an item's rules compare with that the scheme does not set."""
    out = []
    for r in item.rules:
        if isinstance(r, Linear):
            for ref in (r.upper, r.lower):
                if isinstance(ref, str) and ref not in scheme_params and ref not in out:
                    out.append(ref)
    return out

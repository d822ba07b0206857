"""Cells of an .xlsx the fast reader sees as empty although the file says more.

``fill_cells(path, sheets) -> problems`` looks into the worksheet XML of the
sheets read (only parts that have formulas or error cells) and puts back:

* **Excel error cells** (``t="e"``, ``#DIV/0!``, ``#VALUE!`` …): their literal,
  so the cell parsers report them as Excel errors instead of blanks.
* **Formulas saved without a value** (a workbook written by a script, or saved
  without recalculation): the value computed with the ``formulas`` package;
  where it cannot be computed, a :class:`~cskpi_xl.importers.rawsheet.NoValue`
  carrying the formula and the reason, which the importer reports on the cell.

Each sheet with computed formulas gets one warning naming the cells, so a
person knows the figures came from formulas the program evaluated.
"""

from __future__ import annotations

import contextlib
import html
import io
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.importers.rawsheet import NoValue, Sheet

_CELL = re.compile(rb"<(?:[A-Za-z0-9_]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z0-9_]+:)?c>)", re.S)
_REF = re.compile(rb'\br="\$?([A-Za-z]{1,3})\$?([0-9]{1,7})"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_VALUE = re.compile(rb"<(?:[A-Za-z0-9_]+:)?v>(.*?)</(?:[A-Za-z0-9_]+:)?v>", re.S)
_FORMULA = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z0-9_]+:)?f>)", re.S)
_SHEET = re.compile(rb"<(?:[A-Za-z0-9_]+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([A-Za-z_:]+)="([^"]*)"')
_REL = re.compile(rb"<(?:[A-Za-z0-9_]+:)?Relationship\b([^>]*)/?>")

#: Beyond this many formulas in a workbook, uncached ones are reported, not computed (compiling
#: a workbook costs about a millisecond per formula).
MAX_FORMULAS = 20_000


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its part name in the zip."""
    try:
        wb = z.read("xl/workbook.xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for m in _REL.finditer(rels):
        a = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(m.group(1))}
        if "Id" in a and "Target" in a:
            t = a["Target"]
            targets[a["Id"]] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    out: dict[str, str] = {}
    for m in _SHEET.finditer(wb):
        a = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(m.group(1))}
        rid = next((v for k, v in a.items() if k.endswith(":id")), None)
        if "name" in a and rid in targets:
            out[html.unescape(a["name"])] = targets[rid]
    return out


_MARKS = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[ >/]|\bt=\"e\"")


def _has_marks(z: zipfile.ZipFile, part: str) -> bool:
    """Whether a worksheet part has a formula or an error cell, read in 1 MB chunks (a big sheet is not held)."""
    tail = b""
    with z.open(part) as fh:
        while chunk := fh.read(1 << 20):
            if _MARKS.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


#: Beyond this many cells in one range a formula is not computed here (``SUM(A1:XFD1048576)`` would
#: ask ``formulas`` for an array of 17 billion cells).
MAX_RANGE_CELLS = 1_000_000
_AREA = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]{1,7}):\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_WHOLE = re.compile(rb"(?<![A-Za-z0-9_])\$?(?:[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|[0-9]{1,7}:\$?[0-9]{1,7})(?![A-Za-z0-9_(])")


def _unsafe(formula: bytes) -> str | None:
    """Why a formula is not computed here (another workbook, a huge range), or None."""
    formula = re.sub(rb'"[^"]*"', b'""', formula.replace(b"&quot;", b'"'))  # text literals are not references
    if b"[" in formula:
        return "公式引用了其他工作簿，不在导入时计算"
    if _WHOLE.search(formula):
        return "公式引用了整行或整列，不在导入时计算"
    for m in _AREA.finditer(formula):
        rows = abs(int(m.group(4)) - int(m.group(2))) + 1
        cols = abs(_col(m.group(3).decode()) - _col(m.group(1).decode())) + 1
        if rows * cols > MAX_RANGE_CELLS:
            return f"公式引用的区域超过 {MAX_RANGE_CELLS} 个单元格，不在导入时计算"
    return None


def _scan(data: bytes) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str], int, str | None]:
    """(error cells → literal, uncached formula cells → formula text, formulas seen, why not to compute)."""
    errors: dict[tuple[int, int], str] = {}
    uncached: dict[tuple[int, int], str] = {}
    n = 0
    unsafe = None
    for m in _CELL.finditer(data):
        attrs, inner = m.group(1), m.group(2) or b""
        ref = _REF.search(attrs)
        if ref is None:
            continue
        pos = (int(ref.group(2)) - 1, _col(ref.group(1).decode()))
        t = _TYPE.search(attrs)
        v = _VALUE.search(inner)
        f = _FORMULA.search(inner)
        if f is not None:
            n += 1
            if unsafe is None and f.group(1):
                unsafe = _unsafe(f.group(1))
        if t is not None and t.group(1) == b"e" and v is not None:
            errors[pos] = html.unescape(v.group(1).decode("utf-8", "replace")).strip()
        elif f is not None and (v is None or not v.group(1).strip()) and not (t is not None and t.group(1) == b"str" and v is not None):
            text = html.unescape((f.group(1) or b"").decode("utf-8", "replace"))
            uncached[pos] = "=" + text if text else "=（共享公式）"
    return errors, uncached, n, unsafe


def _put(rows: list[list[Any]], r: int, c: int, value: Any) -> None:
    while len(rows) <= r:
        rows.append([])
    row = rows[r]
    if len(row) <= c:
        row.extend([""] * (c + 1 - len(row)))
    row[c] = value


def _ref(r: int, c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _compute(path: Path, wanted: dict[str, dict[tuple[int, int], str]]) -> tuple[dict[tuple[str, str], Any], str | None]:
    """Values of the wanted cells (``(SHEET upper-cased, "B2")`` → value) by ``formulas``, or the failure."""
    try:
        import formulas

        sink = io.StringIO()
        with contextlib.redirect_stderr(sink), contextlib.redirect_stdout(sink):
            model = formulas.ExcelModel().loads(str(path)).finish()
            sol = model.calculate()
    except Exception as exc:  # a formula the library cannot parse, a damaged part: report, never crash
        return {}, f"{type(exc).__name__}: {str(exc)[:200]}"
    out: dict[tuple[str, str], Any] = {}
    for key, val in sol.items():
        k = str(key)
        if "!" not in k or ":" in k.split("!")[-1]:
            continue
        book_sheet, ref = k.rsplit("!", 1)
        sheet = book_sheet.strip("'")
        if "]" in sheet:
            sheet = sheet.split("]", 1)[1]
        v = getattr(val, "value", val)
        try:
            v = v[0][0] if hasattr(v, "__getitem__") and not isinstance(v, str) else v
        except Exception:
            continue
        out[(sheet.upper(), ref.upper().replace("$", ""))] = v
    return out, None


def _plain(v: Any) -> Any:
    """A ``formulas`` value as the reader gives cells: float, str, "" for empty, the error literal."""
    name = type(v).__name__
    if name == "XlError":
        return str(v)
    if name == "Token" and str(v) == "empty":
        return ""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return v if isinstance(v, str) else str(v)


def fill_cells(path: str | Path, sheets: list) -> list:
    """Put error literals and computed formula values into ``sheets`` (in place); the problems met."""

    p = Path(path)
    problems: list[Problem] = []
    pending: dict[str, dict[tuple[int, int], str]] = {}
    total = 0
    unsafe: str | None = None
    try:
        with zipfile.ZipFile(p) as z:
            parts = _sheet_parts(z)
            if any("externalLink" in n for n in z.namelist()):
                unsafe = "工作簿链接了其他工作簿，不在导入时计算"
            for sh in sheets:
                part = parts.get(sh.name)
                if part is None:
                    continue
                try:
                    if not _has_marks(z, part):
                        continue
                    data = z.read(part)
                except KeyError:
                    continue
                errors, uncached, n, why = _scan(data)
                total += n
                unsafe = unsafe or why
                for (r, c), lit in errors.items():
                    _put(sh.rows, r, c, lit)
                if uncached:
                    pending[sh.name] = uncached
    except (zipfile.BadZipFile, OSError):
        return problems
    if not pending:
        return problems
    values: dict[tuple[str, str], Any] = {}
    failure = None
    if total > MAX_FORMULAS:
        failure = f"工作簿有 {total} 个公式，超过 {MAX_FORMULAS} 个，不在导入时计算"
    elif unsafe is not None:
        failure = unsafe
    else:
        values, failure = _compute(p, pending)
    by_name = {sh.name: sh for sh in sheets}
    for name, cells in pending.items():
        sh: Sheet = by_name[name]
        done: list[str] = []
        for (r, c), formula in sorted(cells.items()):
            key = (name.upper(), _ref(r, c))
            v = _plain(values[key]) if key in values else None
            if isinstance(v, str) and v.startswith("#"):
                _put(sh.rows, r, c, NoValue(formula, f"按公式算出的是 {v}（公式出错，或是本程序不支持的函数）"))
            elif key in values:
                _put(sh.rows, r, c, v)
                done.append(_ref(r, c))
            else:
                why = failure or "无法计算这个公式"
                _put(sh.rows, r, c, NoValue(formula, why))
        if done:
            listed = "、".join(done[:10]) + (f" 等 {len(done)} 个" if len(done) > 10 else "")
            problems.append(Problem(
                f"{len(done)} 个公式单元格没有保存计算结果（文件保存时没有重新计算），已按公式算出：{listed}",
                f"{len(done)} formula cells were saved without their values; computed here from the formulas: "
                f"{', '.join(done[:10])}",
                file=str(path), sheet=name or None, value=len(done), severity=WARNING))
    return problems


__all__ = ["fill_cells", "MAX_FORMULAS"]

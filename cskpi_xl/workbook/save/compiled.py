"""An agent's workbook from its values alone: the template compiled once per batch.

Every agent's workbook of a batch is the same template filled by a plan of
the same *shape* — the same cells written, with the same formulas, number
formats, styles, validations, row inserts and registry rows — only the
values differ. So the first agent's workbook is made the ordinary way
(openpyxl: :func:`~cskpi_xl.workbook.apply.apply_plan` and
:func:`~cskpi_xl.workbook.apply.workbook_parts`), and :func:`compile_book`
keeps its parts as

* the parts no plan write touches (theme, styles, 规则, 设置, rels, content
  types, workbook.xml with the registry's defined names): deflated once, their
  compressed bytes reused in every file (:mod:`cskpi_xl.workbook.save.zipwrite`);
* the sheets the plan writes (the agent sheet and the ``_cskpi`` registry):
  their XML cut into fixed byte fragments around *holes*, one per written
  cell, each remembering the cell's style index;
* ``docProps/core.xml``: the same but for its modified time.

:meth:`CompiledBook.render` fills the holes of another agent's plan: each
value is bound as openpyxl's own cell (:class:`openpyxl.cell.cell.Cell`)
binds it, so its type is what openpyxl would infer. A hole's element is its
head (``<c r="…" s="…"``, made once) and a body that depends only on the
value, its type and a formula's cached value (:class:`_Bodies`): exactly
what :mod:`cskpi_xl.workbook.save.parts` writes for the cell with the cached
value :mod:`cskpi_xl.workbook.save.cached` puts in, for text, numbers,
booleans, empty cells and formulas; any other kind goes through those two
modules themselves. The registry is rendered by rows (:class:`_RegistryCut`):
the columns that are the same for every agent of a shape are kept as bytes
per row, and only the agent's name and the written value are rendered anew.
A plan of another shape — other cells, a value of another kind (empty
instead of a number, a date, text that looks like a formula), other
registry rows — renders to None and the caller writes that agent the
ordinary way: the compiled path never guesses.

``tests/test_workbook_save_compiled.py`` checks for every built-in scheme that
every agent's file is byte for byte the file the ordinary path writes, and
that each body is the one parts._cell and cached._with_values give.
"""

from __future__ import annotations

import datetime
import operator
import re
import time
from decimal import Decimal
from typing import Any, Callable, Mapping

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.xml.functions import tostring

from cskpi_xl.workbook.celltext import is_formula_like, plain_text
from cskpi_xl.workbook.save import cached as save_cached, parts as save_parts, save_bytes
from cskpi_xl.workbook import registry as reg
from cskpi_xl.workbook.apply import apply_plan, write_text_cell
from cskpi_xl.workbook.save import workbook_parts
from cskpi_xl.workbook.template import FillPlan
from cskpi_xl.workbook.save.parts import _escape_cdata
from cskpi_xl.workbook.save.zipwrite import Member, deflate, zip_members

__all__ = ["CompiledBook", "Writer", "compile_book"]

CORE = "docProps/core.xml"
_SHEET_DATA = re.compile(rb"<sheetData>(.*)</sheetData>|<sheetData />", re.S)
_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*?)(?: ?/>|>.*?</c>)', re.S)
_STYLE = re.compile(rb' s="([0-9]+)"')
_REG_COLS = [get_column_letter(i) for i in range(1, len(reg.HEADER) + 1)]

_SCRATCH: list = []


def _scratch_sheet():
    if not _SCRATCH:
        from openpyxl import Workbook

        _SCRATCH.append(Workbook().active)
    return _SCRATCH[0]


class _Fake:
    """What :func:`cskpi_xl.workbook.save.parts._cell` reads of a cell."""

    __slots__ = ("coordinate", "_value", "data_type", "hyperlink", "style_id")

    def __init__(self, ref: str, value: Any, data_type: str, style_id: int) -> None:
        self.coordinate, self._value, self.data_type, self.hyperlink, self.style_id = ref, value, data_type, None, style_id


_PLAIN = (int, float, Decimal)


def _string(value: str) -> str | None:
    """openpyxl's ``check_string`` of ``value``; None where it would raise (the caller then asks openpyxl)."""
    if len(value) > 32767:
        value = value[:32767]
    # every illegal character is a control character, never printable: most texts need no search
    return value if value.isprintable() or not ILLEGAL_CHARACTERS_RE.search(value) else None


def _bind(value: Any, *, text: bool = False, formula: str | None = None) -> tuple[str, Any, bool]:
    """(data type, value, quote prefix) of an openpyxl cell given ``value`` as apply_plan gives it.

    The common kinds (numbers, booleans, plain strings, empty) are bound here as
    ``Cell._bind_value`` binds them; anything else goes through openpyxl's own cell.
    """
    if formula:
        v = formula if type(formula) is str else None
        if v is not None and len(v) > 1 and v[0] == "=" and _string(v) == v:
            return "f", v, False
    elif text:
        t = plain_text(value)
        if t == "":
            return "n", None, False
        v = _string(t)
        if v is not None:
            return "s", v, is_formula_like(v)
    elif value is None:
        return "n", None, False
    elif type(value) is bool:
        return "b", value, False
    elif type(value) in _PLAIN:
        return "n", value, False
    elif type(value) is str:
        v = _string(value)
        if v is not None and not (len(v) > 1 and v[0] == "=") and v not in ERROR_CODES:
            return "s", v, False
    c = Cell(_scratch_sheet())
    if formula:
        c.value = formula
    elif text:
        write_text_cell(c, value)
    else:
        c.value = value
    return c.data_type, c._value, bool(c.has_style and c.quotePrefix)


def _bind_registry(value: Any) -> tuple[str, Any]:
    """(data type, value) as :func:`cskpi_xl.workbook.registry.record` stores ``value``."""
    if type(value) is str:
        v = _string(value)
        if v is not None:
            return "s", v
    elif type(value) is bool:
        return "b", value
    elif type(value) in _PLAIN:
        return "n", value
    c = Cell(_scratch_sheet())
    c.value = value
    if isinstance(value, str):
        c.data_type = "s"
    return c.data_type, c._value


_NONE = type(None)
_INF = (float("inf"), float("-inf"))
_VOID = b" />"  # what follows the head of a styled cell without a value (with its type attribute)


class _Bodies:
    """The rest of a cell's element after ``<c r="…"`` and its style attribute, by (data type, value, cached value).

    That rest does not depend on the cell's address or style: it is the same for
    every hole. :meth:`body` gives exactly what :func:`cskpi_xl.workbook.save.parts._cell`
    writes after the head, with :func:`cskpi_xl.workbook.save.cached._with_values`
    applied for a formula's cached value, for the kinds batches write (text,
    numbers, booleans, empty cells, formulas with a cached value of any kind);
    None for any other kind (the caller then asks those two functions).
    """

    def __init__(self) -> None:
        self.memo: dict[tuple, bytes] = {}  # (dt, value, cached, type(cached)) → body, for values written alike
        self.formulas: dict[str, bytes] = {}  # formula → its escaped text

    def body(self, dt: str, value: Any, cached: Any) -> bytes | None:
        tv = type(value)
        tc = type(cached)
        key = None
        # equal values of these types are written alike (not so 0.0 and -0.0, or True and 1 as cached values)
        if (tv is str or tv is bool or value is None) and (
                cached is _NO or tc is str or tc is int or tc is bool or cached is None):
            key = (dt, value, cached, tc)
            b = self.memo.get(key)
            if b is not None:
                return b
        b = self._body(dt, value, tv, cached)
        if key is not None and b is not None:
            if len(self.memo) >= _SEEN_MAX:  # the agents' own texts pile up: start again, the shared ones come back
                self.memo.clear()
            self.memo[key] = b
        return b

    def _body(self, dt: str, value: Any, tv: type, cached: Any) -> bytes | None:
        if dt == "f":  # cached values only ever go into formula cells (cached._CELL_RE needs the <f>)
            if tv is not str or value == "":
                return None
            f = self.formulas.get(value)
            if f is None:
                if len(self.formulas) >= _SEEN_MAX:
                    self.formulas.clear()
                f = self.formulas[value] = _escape_cdata(value[1:]).encode("utf-8")
            tv_ = None if cached is _NO else save_cached._v(cached)
            if tv_ is None:
                return b"><f>" + f + b"</f><v /></c>"
            t, text = tv_
            return (b"><f>" if t == "n" else b' t="' + t.encode("ascii") + b'"><f>') + f + b"</f><v>" + \
                text.encode("utf-8") + b"</v></c>"
        if dt == "s":
            if tv is not str:
                return None
            if value == "":
                return b' t="inlineStr"' + _VOID
            stripped = value.strip()
            open_ = b' t="inlineStr"><is><t xml:space="preserve">' if stripped and value != stripped else \
                b' t="inlineStr"><is><t>'
            return open_ + _escape_cdata(value).encode("utf-8") + b"</t></is></c>"
        if dt == "n":
            if value is None:
                return b' t="n"' + _VOID
            return _number(value) if tv is int or tv is float else None
        if dt == "b" and tv is bool:
            return b' t="b"><v>1</v></c>' if value else b' t="b"><v>0</v></c>'
        return None


def _number(value: int | float) -> bytes:
    """The body of a number cell (an int or a float, exactly of those types), as openpyxl's safe_string writes it."""
    if value != value or value in _INF:  # NaN and infinities: an empty <v />
        return b' t="n"><v /></c>'
    return b' t="n"><v>' + (b"%.16g" % float(value)) + b"</v></c>"  # (an int past float range: OverflowError)


def _head(ref: str, style: int | None) -> bytes:
    """``<c r="…"`` with the style attribute, as parts._cell begins a cell."""
    return f'<c r="{ref}"'.encode("ascii") + (b"" if style is None else f' s="{style}"'.encode("ascii"))


def _slow_cell(ref: str, style: int | None, dt: str, value: Any, cached: Any) -> bytes | None:
    """A cell's element the general way: parts._cell, then cached._with_values for a cached value."""
    text = save_parts._cell(_Fake(ref, value, dt, style or 0), style is not None)
    if text is None:
        return None
    b = text.encode("utf-8")
    if cached is not _NO:
        b = save_cached._with_values(b, {ref: cached})
    return b


class _Cut:
    """A sheet's XML as fixed fragments around holes: ``fixed[i]``, then ``holes[i]`` = (ref, style or None, head)."""

    def __init__(self, xml: bytes, refs: set[str]) -> None:
        m = _SHEET_DATA.search(xml)
        if m is None or m.group(1) is None:
            raise ValueError("no rows")
        start = m.start(1)
        fixed: list[bytes] = []
        holes: list[tuple[str, int | None, bytes]] = []
        pos = 0
        self.found: set[str] = set()
        for c in _CELL.finditer(xml, start, m.end(1)):
            ref = c.group(1).decode("ascii")
            if ref not in refs:
                continue
            if ref in self.found:
                raise ValueError(f"cell {ref} twice")
            self.found.add(ref)
            st = _STYLE.search(c.group(2))
            style = int(st.group(1)) if st else None
            fixed.append(xml[pos:c.start()])
            holes.append((ref, style, _head(ref, style)))
            pos = c.end()
        fixed.append(xml[pos:])
        self.fixed, self.holes = fixed, holes
        self.missing = refs - self.found
        self.bodies = _Bodies()

    def render(self, cells: Mapping[str, tuple[str, Any, Any]]) -> bytes | None:
        """The sheet with each hole's cell ``(data type, value, cached value or _NO)``; None if one cannot be written.

        An unstyled cell without a value is not written (as openpyxl skips it); a
        written cell the probe did not have (it was empty and unstyled there) has
        no place here: None.
        """
        for ref in self.missing:
            if cells.get(ref, _EMPTY)[1] is not None:
                return None
        fixed = self.fixed
        out = [fixed[0]]
        body = self.bodies.body
        i = 0
        for ref, style, head in self.holes:
            i += 1
            dt, value, cached = cells.get(ref, _EMPTY)
            if value is None and style is None:
                out.append(fixed[i])
                continue
            b = body(dt, value, cached)
            if b is None:
                b = _slow_cell(ref, style, dt, value, cached)
                if b is None:
                    return None
                out += (b, fixed[i])
            else:
                out += (head, b, fixed[i])
        return b"".join(out)


_NO = object()  # no cached value
_EMPTY = ("n", None, _NO)
_SEEN_MAX = 5000


class _RegistryCut:
    """The registry sheet's XML row by row: the fixed bytes before each row's cells, and its ten columns' holes.

    A registry row's columns 月份 工作表 单元格 录入项 and 来源 名称 行标签 标签名称 are
    the same for every agent of a shape (or nearly: a typed entry changes 来源),
    so their bytes are kept per row by their values; only 客服 and 写入的值 are
    rendered for each agent.
    """

    def __init__(self, cut: _Cut, start: int, shape: tuple) -> None:
        count = len(shape)
        self.names = [(name, label_name) for _, _, name, label_name, _ in shape]
        width = len(reg.HEADER)
        self.before: list[bytes] = []
        self.cols: list[list[tuple[str, int | None, bytes] | None]] = [[None] * width for _ in range(count)]
        col_of = {c: j for j, c in enumerate(_REG_COLS)}
        last = -1
        for k, hole in enumerate(cut.holes):
            col, row = coordinate_from_string(hole[0])
            i, j = row - start - 1, col_of[col]
            if i == last + 1:
                self.before.append(cut.fixed[k])
                last = i
            elif i != last or cut.fixed[k] != b"" or self.cols[i][j] is not None:
                raise ValueError(f"registry cell {hole[0]} out of order")
            self.cols[i][j] = hole
        if last != count - 1:
            raise ValueError("registry rows without cells")
        self.after = cut.fixed[-1]
        self.groups: list[dict[tuple, tuple[bytes, bytes]]] = [{} for _ in range(count)]
        self.bodies = _Bodies()

    def _bound(self, v: Any) -> tuple[str, Any, bytes | None]:
        """(data type, value) of ``v`` as record binds it, and its cell's body (None: only the general way)."""
        dt, value = _bind_registry(v)
        if dt not in ("n", "s", "b"):
            raise _NotCompiled(f"registry value {v!r}: {dt}")
        return dt, value, self.bodies.body(dt, value, _NO)

    def cell(self, i: int, j: int, v: Any) -> bytes | None:
        """Column ``j`` of registry row ``i`` holding ``v`` as :func:`cskpi_xl.workbook.registry.record` writes it."""
        hole = self.cols[i][j]
        if v is None or v == "":  # record writes no cell
            return b"" if hole is None or hole[1] is None else hole[2] + b' t="n"' + _VOID
        if hole is None:  # a value where the probe had none
            return None
        dt, value, b = self._bound(v)
        return hole[2] + b if b is not None else _slow_cell(hole[0], hole[1], dt, value, _NO)

    def render(self, rows: list[reg.Row], agent: Any) -> bytes | None:
        """The sheet with these rows (shaped as the probe's: named as its rows); None if one cannot be written.

        Raises _NotCompiled for a value the registry would not hold as text, a number or a boolean.
        """
        before, cols, groups, cell = self.before, self.cols, self.groups, self.cell
        # the agent's name is in every row: its cell's body once
        abody = None if agent is None or agent == "" else self._bound(agent)[2]
        out: list[bytes] = []
        for i, r in enumerate(rows):
            out.append(before[i])
            hole = cols[i][0]
            if abody is not None and r.agent is agent and hole is not None:
                out += (hole[2], abody)
            else:
                a = cell(i, 0, r.agent)
                if a is None:
                    return None
                out.append(a)
            # the columns but 客服 and 写入的值, kept by their values when they are texts (equal texts are
            # written alike; 名称, 标签名称, 工作表 and 单元格 are the same in row i of every plan of this shape)
            m, k, src, lab = r.month, r.key, r.source, r.label
            ts = type(src)
            key = (m, k, src, lab, ts) if type(m) is str and type(k) is str and type(lab) is str and (
                ts is str or ts is reg.Source) and type(r.sheet) is str and type(r.cell) is str else None
            group = groups[i]
            got = None if key is None else group.get(key)
            if got is None:
                first = [cell(i, j, v) for j, v in ((1, m), (2, r.sheet), (3, r.cell), (4, k))]
                name, label_name = self.names[i]
                second = [cell(i, j, v) for j, v in ((6, src), (7, name), (8, lab), (9, label_name))]
                if None in first or None in second:
                    return None
                got = (b"".join(first), b"".join(second))
                if key is not None:
                    if len(group) >= 64:
                        group.clear()
                    group[key] = got
            v = r.value
            hole = cols[i][5]
            if hole is not None and (type(v) is int or type(v) is float):  # most values: a number
                value = hole[2] + _number(v)
            else:
                value = cell(i, 5, v)
                if value is None:
                    return None
            out += (got[0], value, got[1])
        out.append(self.after)
        return b"".join(out)


class _Rows:
    """A worksheet as :func:`cskpi_xl.workbook.registry.rows_for_plan` reads it (``ws[row]`` for row labels)."""

    def __init__(self, snap: Mapping[int, list[tuple[str, Any]]], values: Mapping[str, Any]) -> None:
        self.snap, self.values = snap, values

    def __getitem__(self, row: int):
        cells = self.snap.get(row)
        if cells is None:
            raise _NotCompiled(f"row {row}")
        return [_Val(coord, self.values.get(coord, v)) for coord, v in cells]


class _Val:
    __slots__ = ("coordinate", "value")

    def __init__(self, coordinate: str, value: Any) -> None:
        self.coordinate, self.value = coordinate, value


class _NotCompiled(Exception):
    pass


def plan_cells(plan: FillPlan) -> tuple[dict[str, dict[str, tuple]], dict[str, dict[str, Any]], tuple]:
    """Per sheet: ref → (data type, value, cached value or _NO); per sheet: ref → value held; the plan's shape.

    The shape is everything about the plan but its values that decides the
    workbook's bytes (with the row inserts and agent sheets). Raises
    _NotCompiled for what the compiled path does not write (a date, a cell
    written twice …).
    """
    cells: dict[str, dict[str, tuple]] = {}
    raw: dict[str, dict[str, Any]] = {}
    shape: list = [tuple(plan.inserts), tuple(plan.agent_sheets)]
    add = shape.append
    sheet = sheet_cells = sheet_raw = None
    for w in plan:
        f, v = w.formula, w.value
        dt, value, qp = _bind(v, text=w.text, formula=f)
        if dt not in _KINDS or (dt == "f" and not f):
            raise _NotCompiled(f"{w.cell}: {dt}")
        add((_SHAPE_OF(w), f is not None, not f, qp))  # (a formula "" is no formula: no registry row)
        if w.sheet is not sheet:
            sheet = w.sheet
            sheet_cells, sheet_raw = cells.setdefault(sheet, {}), raw.setdefault(sheet, {})
        ref = w.cell
        if ref in sheet_cells:
            raise _NotCompiled(f"{ref} twice")
        sheet_cells[ref] = (dt, value, v if f else _NO)
        sheet_raw[ref] = value
    return cells, raw, tuple(shape)


_KINDS = frozenset({"n", "s", "b", "f", "e"})
#: What a plan's shape holds of each write (with whether it is a formula and the quote prefix)
_SHAPE_OF = operator.attrgetter("sheet", "cell", "number_format", "style", "text", "locked", "validation", "key",
                                "item", "anchor")


class CompiledBook:
    """The compiled template of one batch (see the module docstring); made by :func:`compile_book`."""

    def __init__(self) -> None:
        self.order: list[str] = []  # part names, in the order openpyxl writes them
        self.fixed: dict[str, Member] = {}
        self.cuts: dict[str, _Cut] = {}  # part name → its fragments
        self.parts_of: dict[str, str] = {}  # sheet title → part name (for the sheets with holes)
        self.shape: tuple = ()
        self.reg_shape: tuple = ()
        self.reg_start = 1
        self.regcut: _RegistryCut | None = None
        self.row_spec: list[tuple[int, reg.Source]] = []  # the plan writes with a registry row, and their kind
        self.label_rows: list[tuple[int, tuple[str, bool]]] = []  # rows of item inputs: (label cell, has a label)
        self.snaps: dict[str, dict[int, list[tuple[str, Any]]]] = {}
        self.props: Any = None
        self._core: tuple[str, Member] | None = None

    # ---- one agent ----------------------------------------------------------------------------------------------

    def registry_rows(self, plan: FillPlan, raw: Mapping[str, Mapping[str, Any]], agent: str,
                      month: str) -> tuple[list[reg.Row], tuple]:
        """The registry rows as apply_plan records them (named, with their row labels' names), and their shape.

        ``raw`` is what each written cell holds (sheet → ref → value), for the row labels.
        """
        rows = reg.rows_for_plan(plan, lambda s: s, agent, month, plan.agent_sheets,
                                 lambda s: _Rows(self.snaps.get(s, {}), raw.get(s, {})))
        n = self.reg_start
        labels: dict[tuple[str, str], str] = {}
        rshape = []
        for r in rows:
            n += 1
            r.name = f"{reg.NAME_PREFIX}{n}"
            if r.label_name:
                at = (r.sheet, r.label_cell)
                if at not in labels:
                    labels[at] = f"{reg.NAME_PREFIX}{n}_L"
                r.label_name = labels[at]
            rshape.append((r.sheet, r.cell, r.name, r.label_name, r.label_cell))
        return rows, tuple(rshape)

    def plan_rows(self, plan: FillPlan, raw: Mapping[str, Mapping[str, Any]], agent: str,
                  month: str) -> list[reg.Row] | None:
        """:meth:`registry_rows` of a plan of this book's shape, unnamed; None if they are not shaped as the probe's.

        A plan of the same shape has its registry rows from the same writes
        (:data:`row_spec`), on the same sheets and cells; only a row label could
        be found elsewhere (the texts of its row are values): checked.
        """
        labels = reg.RowLabels(lambda s: _Rows(self.snaps.get(s, {}), raw.get(s, {})))
        rows = []
        plan_row = reg.plan_row
        for k, kind in self.row_spec:
            w = plan[k]
            rows.append(plan_row(w, w.sheet, kind, agent, month, labels))
        for i, (label_cell, labelled) in self.label_rows:
            r = rows[i]
            if r.label_cell != label_cell or bool(r.label_name) != labelled:
                return None
        return rows

    def registry(self, plan: FillPlan, raw: Mapping[str, Mapping[str, Any]], agent: str, month: str) -> bytes | None:
        """The registry sheet's XML for a plan of this book's shape; None if its rows are shaped otherwise."""
        rows = self.plan_rows(plan, raw, agent, month)
        return None if rows is None else self.regcut.render(rows, agent)

    def render(self, plan: FillPlan, agent: str, month: str, cells=None) -> dict[str, bytes] | None:
        """The parts that differ between agents (sheets with holes), or None: write it the ordinary way.

        ``cells`` is :func:`plan_cells` of ``plan`` when already worked out.
        """
        try:
            cells, raw, shape = cells or plan_cells(plan)
            if shape != self.shape:
                return None
            out: dict[str, bytes] = {}
            for title, part in self.parts_of.items():
                body = self.registry(plan, raw, agent, month) if title == reg.REGISTRY else \
                    self.cuts[part].render(cells.get(title, {}))
                if body is None:
                    return None
                out[part] = body
        except _NotCompiled:
            return None
        return out

    def core(self) -> Member:
        """docProps/core.xml deflated, modified now (as openpyxl stamps it, to the second)."""
        now = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
        key = now.isoformat(timespec="seconds")
        if self._core is None or self._core[0] != key:
            self.props.modified = now
            self._core = (key, deflate(CORE, tostring(self.props.to_tree())))
        return self._core[1]

    def zip(self, plan: FillPlan, agent: str, month: str) -> bytes | None:
        """The agent's .xlsx bytes, or None (see :meth:`render`)."""
        parts = self.render(plan, agent, month)
        if parts is None:
            return None
        return self.zip_parts(parts)

    def zip_parts(self, parts: Mapping[str, bytes]) -> bytes:
        members = []
        for name in self.order:
            m = self.fixed.get(name)
            if m is None:
                m = self.core() if name == CORE else deflate(name, parts[name])
            members.append(m)
        return zip_members(members, time.localtime(time.time())[:6])


def compile_book(wb, plan: FillPlan, *, agent: str, month: str,
                 sheets: Mapping[str, bytes] | None = None) -> tuple[CompiledBook | None, dict[str, bytes]]:
    """Fill the template workbook ``wb`` with ``plan`` the ordinary way and compile it.

    Returns the compiled book (None when this template or plan cannot be
    compiled: the caller writes every agent the ordinary way) and the
    parts of this agent's workbook exactly as
    :func:`~cskpi_xl.workbook.apply.save_workbook` would zip them.
    """
    start = wb[reg.REGISTRY].max_row if reg.REGISTRY in wb.sheetnames else 1
    values = apply_plan(wb, plan, agent=agent, month=month)
    snaps: dict[str, dict[int, list]] = {}
    for w in plan:  # the rows holding row labels, as rows_for_plan saw them (the written cells are holes)
        if w.key and not w.formula and w.item:
            row = coordinate_from_string(w.cell)[1]
            snap = snaps.setdefault(w.sheet, {})
            if row not in snap and w.sheet in wb.sheetnames:
                snap[row] = [(c.coordinate, c.value) for c in wb[w.sheet][row]]
    parts = workbook_parts(wb, values, sheets=sheets)
    try:
        book = _compile(wb, plan, parts, start, snaps, sheets or {}, agent, month)
    except Exception:  # noqa: BLE001 - not compiled: every agent of this shape is written by openpyxl
        book = None
    return book, parts


def _compile(wb, plan, parts, start, snaps, sheets, agent, month) -> CompiledBook | None:
    book = CompiledBook()
    book.order = list(parts)
    book.reg_start = start
    book.snaps = snaps
    book.props = wb.properties
    files = save_cached.sheet_files(parts)
    refs: dict[str, set[str]] = {}
    for w in plan:
        refs.setdefault(w.sheet, set()).add(w.cell)
    if any(s in sheets or s not in files for s in refs) or reg.REGISTRY not in files or CORE not in parts:
        return None
    # the probe's own shape: what every other agent's plan must match
    _, raw, book.shape = plan_cells(plan)
    _, book.reg_shape = book.registry_rows(plan, raw, agent, month)
    regrows = range(start + 1, start + 1 + len(book.reg_shape))
    refs[reg.REGISTRY] = {f"{c}{n}" for n in regrows for c in _REG_COLS}
    for title, rs in refs.items():
        part = files[title]
        book.parts_of[title] = part
        book.cuts[part] = _Cut(parts[part], rs)
    book.regcut = _RegistryCut(book.cuts[files[reg.REGISTRY]], start, book.reg_shape)
    agent_titles = set(plan.agent_sheets)
    book.row_spec = [(k, kind) for k, w in enumerate(plan)
                     if (kind := reg.row_kind(w, w.sheet, agent_titles)) is not None]
    book.label_rows = [(i, (label_cell, bool(label_name))) for i, ((k, _), (_, _, _, label_name, label_cell))
                       in enumerate(zip(book.row_spec, book.reg_shape)) if plan[k].item]
    rows, _ = book.registry_rows(plan, raw, agent, month)
    again = book.plan_rows(plan, raw, agent, month)
    if again is None or [r.as_tuple()[:7] + (r.label, r.label_cell) for r in rows] != [
            r.as_tuple()[:7] + (r.label, r.label_cell) for r in again]:
        return None
    for name, body in parts.items():
        if name != CORE and name not in book.cuts:
            book.fixed[name] = deflate(name, body)
    # the probe through the compiled path must give its own parts again
    again = book.render(plan, agent, month)
    if again is None or any(again[p] != parts[p] for p in again):
        return None
    return book


# ---- writing a batch's agents -----------------------------------------------------------------------------------


class Writer:
    """One process's writer of a batch's agent workbooks.

    An agent whose plan has a shape not seen yet is written the ordinary way
    and compiled (:func:`compile_book`, up to :data:`MAX_SHAPES` shapes); the
    next agent of that shape is rendered both ways and the compiled path is
    kept only if the two agree part for part (else it is turned off for the
    rest of the batch); every later agent of a known shape costs its values.
    ``counts`` tells how the agents were written: ``compiled`` (``checked`` of
    them also the ordinary way) and ``ordinary``.

    ``template_copy()`` gives a fresh openpyxl workbook of the template;
    ``sheets`` the sheets serialized once for every file (see
    ; ``sink(path, data)``
    writes a file (default :func:`~cskpi_xl.workbook.save.save_bytes`; a
    :class:`~cskpi_xl.workbook.save.Durable` writes
    many at once).
    """

    def __init__(self, template_copy: Callable[[], Any], sheets: Mapping[str, bytes] | None = None,
                 sink: Callable[[Any, bytes], Any] | None = None) -> None:
        self.template_copy, self.sheets = template_copy, sheets
        self.sink = sink or save_bytes  # where a file's bytes go: written atomically now, or by Durable
        self.books: dict[tuple, CompiledBook] = {}
        self.checked: set[int] = set()
        self.off = False
        self.compiles = 0
        self.counts = {"compiled": 0, "ordinary": 0, "checked": 0}

    def ordinary_parts(self, plan: FillPlan, agent: str, month: str) -> dict[str, bytes]:
        """The parts as :func:`cskpi_xl.pipeline.write_book` saves them."""
        wb = self.template_copy()
        values = apply_plan(wb, plan, agent=agent, month=month)
        return workbook_parts(wb, values, sheets=self.sheets)

    def write(self, plan: FillPlan, path, agent: str, month: str) -> str:
        """Write the agent's workbook to ``path`` (atomically); returns ``compiled`` or ``ordinary``."""
        parts = book = None
        if not self.off:
            try:
                cells = plan_cells(plan)
                book = self.books.get(cells[2])
                if book is not None:  # found by an equal shape: render compares the book's own (at once)
                    parts = book.render(plan, agent, month, (cells[0], cells[1], book.shape))
            except Exception:  # noqa: BLE001 - whatever the compiled path cannot do, openpyxl does (or says why not)
                parts = None
        if parts is None:
            if self.off or self.compiles >= MAX_SHAPES:
                want = self.ordinary_parts(plan, agent, month)
            else:
                self.compiles += 1
                book, want = compile_book(self.template_copy(), plan, agent=agent, month=month, sheets=self.sheets)
                if book is not None:
                    self.books.setdefault(book.shape, book)
            self.sink(path, save_parts.zip_parts(want))
            self.counts["ordinary"] += 1
            return "ordinary"
        if id(book) not in self.checked:
            want = self.ordinary_parts(plan, agent, month)
            if any(want[p] != parts[p] for p in parts) or list(want) != book.order or any(
                    deflate(p, want[p]) != m for p, m in book.fixed.items()):
                self.off = True
                self.books.clear()
                self.sink(path, save_parts.zip_parts(want))
                self.counts["ordinary"] += 1
                return "ordinary"
            self.checked.add(id(book))
            self.counts["checked"] += 1
        self.sink(path, book.zip_parts(parts))
        self.counts["compiled"] += 1
        return "compiled"


#: A batch whose agents' plans come in more shapes than this writes the others the ordinary way.
MAX_SHAPES = 8

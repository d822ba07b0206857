"""The template language: HR's own form, with placeholders, becomes a scorecard.

Write placeholders into the cells of any workbook:

``{{客服昵称}}`` ``{{月份}}`` ``{{方案}}``
    the agent (always written as literal text, never a formula), the month,
    the scheme's name.
``{{询单人数}}`` ``{{询单转化率}}`` ``{{团队客单价}}`` …
    any canonical figure, metric, manual input or team value (aliases such as
    ``{{咨询转化率}}`` work too).
``{{总分}}`` ``{{等级}}`` ``{{排名}}`` ``{{个人提成}}`` ``{{公共提成}}`` ``{{当月工资}}``
``{{不参加考核}}`` ``{{标记}}``
    results; ``{{等级.岗位工资}}`` (any attribute of the grade), ``{{分区.工作表现}}``
    (a section's score), ``{{工资.岗位工资}}`` ``{{工资.奖励}}`` … (the parts of the pay).
``{{主管评语}}``
    a comment box typed by hand (kept when a month is regenerated).
``{{咨询转化率.得分}}``
    a field of the item of that name: ``序号 名称 规则 满分 数值 得分 说明 分区 档 差异``,
    ``评分`` (the rubric choice / typed score, an input cell with a dropdown)
    and each appraiser column of the scheme (``自评`` ``主管`` ``审核``,
    ``一次考核`` ``二次考核``, ``上级审核``) as input cells.
``{{#项目}}``
    in any cell of a row: the row repeats once per item; ``{{项目.名称}}``,
    ``{{项目.得分}}`` … fill it.
``{{#数据}}``
    the row repeats once per figure the scheme reads: ``{{数据.名称}}``,
    ``{{数据.数值}}``, ``{{数据.说明}}``.

``{{=总分}}`` — the ``=`` asks for the *live formula* (Excel/WPS recompute
it when a figure or a 规则 number changes); without it the cell gets the
value only. Every formula cell also carries the computed value, so phone
previews show numbers. Inputs (figures, hand scores) are always values that
the formulas read. A cell holding text around placeholders (``客服：{{客服昵称}}``)
gets the text with the values put in.

A placeholder that names nothing known is reported as a problem (file,
sheet, cell, name) and the cell is left as it was.

:func:`plan_fill` turns the template's cells into a list of
:class:`CellWrite` for one agent; :mod:`cskpi_xl.workbook.apply` applies a
plan with openpyxl (CLI, batch) or xlwings (the Excel button).

>>> parse("客服：{{ 客服昵称 }}，{{=总分}}")
[('客服：', None), ('', ('客服昵称', True, False)), ('，', None), ('', ('总分', False, True))]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, NamedTuple

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from cskpi_xl.core import names as N
from cskpi_xl.core.metrics import RATIO_BY_NAME
from cskpi_xl.core.problems import Problem
from cskpi_xl.core.rules import Rubric, Score
from cskpi_xl.core.scheme import Review, Scheme
from cskpi_xl.workbook import rulesheet
from cskpi_xl.workbook.registry import REGISTRY, Source
from cskpi_xl.workbook.sheetnames import SETTINGS, XLWINGS_CONF
from cskpi_xl.workbook.xlformula import (
    HISTORY_BONUS, HISTORY_VIOLATIONS, BuildMemo, Emitter, cached, inputs_needed, item_key,
)

PLACEHOLDER = re.compile(r"\{\{\s*(#?)\s*(=?)\s*([^{}]*?)\s*\}\}")
REPEATS = ("项目", "数据")
COMMENT = "主管评语"
#: Sheets plan_fill never treats as agent sheets.
RESERVED_SHEETS = (rulesheet.SHEET, SETTINGS, XLWINGS_CONF, REGISTRY)

ITEM_FIELDS = ("序号", "名称", "规则", "满分", "数值", "得分", "说明", "分区", "档", "差异", "评分")
RESULTS = ("总分", "等级", "排名", N.OWN_COMMISSION, N.PUBLIC_COMMISSION, "当月工资", "不参加考核", "标记")
INFO = ("客服昵称", "月份", "方案", "方案编号")

PERCENT = "0.00%"
MONEY = "#,##0.00"
POINTS = "0.00"


class TemplateCell(NamedTuple):
    """A template cell holding placeholder text."""

    sheet: str
    address: str
    text: str


@dataclass
class CellWrite:
    """One cell to write.

    Attributes:
      sheet, cell: where (``cell`` in A1 form, in the final layout).
      value: the value (for a formula cell: its cached value).
      formula: the formula (``=…``) or None.
      number_format: or None to keep the template's.
      text: write ``value`` as literal text (names typed by people).
      locked: False for input cells (unlocked under sheet protection).
      validation: a dropdown list (``"7,5,3,2,1"``) or a range ``"between:0:10"``.
      key: the name of the input, for cells typed by hand (kept on regeneration).
      style: ``title``/``caption``/``header``/``note``/``data`` for cells of the 规则 sheet.
      source: for an input, who the value is from: ``生成`` (the program), ``手填`` (a person's entry
        carried over), ``清空`` (emptied by a person on purpose): a :class:`~cskpi_xl.workbook.registry.Source`.
      anchor: ``agent`` for the cell naming the agent.
      item: for an input in an item's row, the item's name (found again beside the input after a sort).
      what: for a formula cell, the placeholder it fills (named in a conflict message).
    """

    sheet: str
    cell: str
    value: Any = None
    formula: str | None = None
    number_format: str | None = None
    text: bool = False
    locked: bool | None = None
    validation: str | None = None
    key: str | None = None
    style: str | None = None
    source: Source | None = None
    anchor: str | None = None
    item: str | None = None
    what: str | None = None


class RowInsert(NamedTuple):
    """Insert ``count`` rows before row ``at`` (1-based, final layout), styled like row ``like``."""

    sheet: str
    at: int
    count: int
    like: int


class FillPlan(list):
    """A list of :class:`CellWrite`, with ``inserts`` to do first and ``problems`` found."""

    def __init__(self, writes: Iterable[CellWrite] = (), inserts: list[RowInsert] | None = None,
                 problems: list[Problem] | None = None, agent_sheets: list[str] | None = None) -> None:
        super().__init__(writes)
        self.inserts = inserts or []
        self.problems = problems or []
        self.agent_sheets = agent_sheets or []


def parse(text: str) -> list[tuple[str, tuple[str, bool, bool] | None]]:
    """Split cell text into literal parts and placeholders ``(name, is_value, is_formula)``.

    A repeat marker ``{{#项目}}`` comes back as ``("#项目", False, False)``.
    """
    out: list[tuple[str, tuple[str, bool, bool] | None]] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        hash_, eq, name = m.groups()
        if hash_:
            out.append(("", ("#" + name, False, False)))
        else:
            out.append(("", (name, not eq, bool(eq))))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple:
    """:func:`parse`, once per distinct text (a batch plans the same template for every agent)."""
    return tuple(parse(text))


_LAYOUTS: dict[int, tuple[Scheme, Any]] = {}


def _layout(scheme: Scheme):
    """``rulesheet.layout(scheme)``, once per scheme object (the result is only read)."""
    hit = _LAYOUTS.get(id(scheme))
    if hit is None or hit[0] is not scheme:
        if len(_LAYOUTS) >= 16:
            _LAYOUTS.clear()
        hit = _LAYOUTS[id(scheme)] = (scheme, rulesheet.layout(scheme))
    return hit[1]


def has_placeholder(text: Any) -> bool:
    return isinstance(text, str) and PLACEHOLDER.search(text) is not None


def read_template(wb) -> list[TemplateCell]:
    """The placeholder cells of an openpyxl workbook (every sheet but the reserved ones)."""
    out = []
    for ws in wb.worksheets:
        if ws.title in RESERVED_SHEETS:
            continue
        for row in ws.iter_rows():
            for c in row:
                if has_placeholder(c.value):
                    out.append(TemplateCell(ws.title, c.coordinate, c.value))
    return out


# ---- what a placeholder names -----------------------------------------------------------------------------------


class Target(NamedTuple):
    """What a placeholder resolves to: the key, whether it is an input, its display kind."""

    key: str
    input: bool = False
    kind: str = "value"       # value | text | points | money | ratio | rank
    validation: str | None = None
    static: Any = None        # a fixed value (item name, rule text…) when not from the emitter
    has_static: bool = False
    item: str | None = None   # for an input in an item's row: the item's name (the row's label)


_FORMATS = {"ratio": PERCENT, "money": MONEY, "points": POINTS, "seconds": "0.0"}


def _kind_format(kind: str | None) -> str | None:
    return _FORMATS.get(kind or "")


def _figure_kind(name: str) -> str | None:
    if name in (HISTORY_BONUS,):
        return "money"
    k = N.kind_of(name)
    return {"ratio": "ratio", "money": "money", "seconds": "seconds"}.get(k or "", None)


class _Resolver:
    def __init__(self, scheme: Scheme, agent: str, month: str | None) -> None:
        self.s = scheme
        self.agent = agent
        self.month = month
        self.items = {it.name: it for it in scheme.items}
        self.needed = inputs_needed(scheme)

    def known_figure(self, name: str) -> str | None:
        c = N.canonical(name)
        if c in N.ALL or c in self.s.params or c in (HISTORY_BONUS, HISTORY_VIOLATIONS) or c in self.needed:
            return c
        return None

    def item_field(self, item_name: str, fld: str, index: int) -> Target | None:
        it = self.items.get(item_name)
        if it is None:
            return None
        s = self.s
        if fld == "序号":
            return Target(item_key(it.name, fld), static=index, has_static=True)
        if fld == "名称":
            return Target(item_key(it.name, fld), kind="text", static=it.name, has_static=True)
        if fld in ("规则", "说明", "分区", "档", "差异"):
            return Target(item_key(it.name, fld), kind="text")
        if fld == "满分":
            return Target(item_key(it.name, fld))
        if fld == "得分":
            return Target(item_key(it.name, fld), kind="points")
        if fld == "数值":
            vr = it.value_rule
            kind = "points" if vr is not None else _figure_kind(it.metric or "") or "value"
            if vr is None and not it.metric:
                kind = "value"
            return Target(item_key(it.name, fld), kind=kind)
        if fld == "评分":
            vr = it.value_rule
            if vr is None or s.review is not None:
                return Target(item_key(it.name, fld), static=None, has_static=True)
            return Target(vr.input, input=True, validation=_validation(vr), item=it.name)
        if s.review is not None and fld in s.review.columns:
            vr = it.value_rule
            val = _validation(vr) if vr is not None else f"between:0:{format(it.full.normalize(), 'f')}"
            return Target(Review.key(it.name, fld), input=True, validation=val, item=it.name)
        return None

    def resolve(self, name: str, context: tuple[str, Any, int] | None) -> Target | None:
        s = self.s
        if name in INFO:
            return Target(name, kind="text", static={"客服昵称": self.agent, "月份": self.month or "",
                                                     "方案": s.name, "方案编号": s.id}[name], has_static=True)
        if name == COMMENT:
            return Target(COMMENT, input=True, kind="text")
        if name in RESULTS:
            kind = {"总分": "points", N.OWN_COMMISSION: "money", N.PUBLIC_COMMISSION: "money", "当月工资": "money"}.get(name, "text")
            return Target(name, kind="value" if name == "排名" else kind)
        if "." in name:
            head, fld = name.split(".", 1)
            if head == "等级" and s.grades is not None:
                attrs = {k for b in s.grades.bands for k in b.attrs}
                if fld in attrs:
                    return Target(f"等级.{fld}", kind="money" if fld == N.POST_PAY else "value")
                return None
            if head == "分区":
                if any(x.name == fld for x in s.sections):
                    return Target(f"分区:{fld}", kind="points")
                return None
            if head == "工资":
                if fld in N.PAY_PARTS:
                    return Target(f"工资:{fld}", kind="money")
                return None
            if head == "项目":
                if context is None or context[0] != "项目":
                    return None
                return self.item_field(context[1], fld, context[2])
            if head == "数据":
                if context is None or context[0] != "数据":
                    return None
                fig = context[1]
                if fld == "名称":
                    return Target(f"数据:{fig}:名称", kind="text", static=fig, has_static=True)
                if fld == "数值":
                    return self.figure(fig)
                if fld == "说明":
                    return Target(f"数据:{fig}:说明", kind="text", static=_explain(fig), has_static=True)
                return None
            if head in self.items:
                return self.item_field(head, fld, list(self.items).index(head) + 1)
            return None
        fig = self.known_figure(name)
        if fig is not None:
            return self.figure(fig)
        return None

    def figure(self, name: str) -> Target:
        # computed (ratios, parameters) or read from the earlier months (连续奖励, 此前违规次数): not typed on the sheet
        derived = name in RATIO_BY_NAME or name == "咨询占比" or name in self.s.params or \
            name in (HISTORY_BONUS, HISTORY_VIOLATIONS)
        manual = name in {n.name for n in N.MANUAL_INPUTS}
        return Target(name, input=not derived, kind=_figure_kind(name) or "value",
                      validation=None) if not manual else Target(name, input=True, kind=_figure_kind(name) or "value")


def _explain(name: str) -> str:
    n = N.ALL.get(name)
    if name == HISTORY_BONUS:
        return "连续月份奖励（按往月汇总计算）"
    if name == HISTORY_VIOLATIONS:
        return "此前各月累计违规次数（按往月汇总计算）"
    if n is None:
        return "参数（见规则表）"
    return n.help or n.en


def _validation(vr) -> str | None:
    if isinstance(vr, Rubric):
        return ",".join(o.label for o in vr.options)
    if isinstance(vr, Score):
        return f"between:{format(vr.low.normalize(), 'f')}:{format(vr.high.normalize(), 'f')}"
    return None


# ---- the plan ---------------------------------------------------------------------------------------------------


def _split(addr: str) -> tuple[int, int]:
    col, row = coordinate_from_string(addr)
    return column_index_from_string(col), row


def _display(v: Any, kind: str) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if kind == "ratio":
            return f"{v * 100:.2f}%"
        if kind in ("money", "points"):
            return f"{v:,.2f}" if kind == "money" else f"{v:.2f}"
        return format(v, "g") if isinstance(v, float) else str(v)
    return str(v)


@dataclass
class _Slot:
    sheet: str
    col: int
    row: int
    text: str
    context: tuple[str, Any, int] | None = None

    @property
    def address(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


#: Stands for the agent's name in a plan's shared part (:class:`_Shared`); each plan puts the name in.
_AGENT = type("_AgentName", (), {"__repr__": lambda self: "<the agent>"})()


class _Shared:
    """What a plan is for every agent of one template, scheme, file and month: computed once per process.

    The slots (repeat rows expanded), what each placeholder names, the row inserts, the problems, where
    inputs and formulas may be placed; and the formula bodies built so far (:class:`BuildMemo` per set of
    placed cells), lent to the next agent when its values give the same.
    """

    def __init__(self, cells: tuple[TemplateCell, ...], scheme: Scheme, file: str | None, month: str | None) -> None:
        self.cells = cells
        self.scheme = scheme
        self.file = file
        self.month = month
        problems: list[Problem] = []
        res = _Resolver(scheme, _AGENT, month)
        # repeat blocks: (sheet, row) → kind
        blocks: dict[tuple[str, int], str] = {}
        for c in cells:
            for _, ph in _parsed(c.text):
                if ph and ph[0].startswith("#"):
                    kind = ph[0][1:].strip()
                    col, row = _split(c.address)
                    if kind in REPEATS:
                        blocks[(c.sheet, row)] = kind
                    else:
                        problems.append(Problem(f"未知的重复标记「{{{{#{kind}}}}}」，可用：{{{{#项目}}}}、{{{{#数据}}}}",
                                                f"unknown repeat marker '{{{{#{kind}}}}}'", file=file, sheet=c.sheet, row=row,
                                                column=get_column_letter(col), value=c.text))
        data_names = inputs_needed(scheme)
        elements = {"项目": [it.name for it in scheme.items], "数据": data_names}

        def count(kind: str) -> int:
            return len(elements[kind])

        def shift(sheet: str, row: int) -> int:
            return sum(max(count(k), 1) - 1 for (sh, r), k in blocks.items() if sh == sheet and r < row)

        inserts: list[RowInsert] = []
        for (sh, r), k in sorted(blocks.items()):
            final = r + shift(sh, r)
            n = count(k)
            if n > 1:
                inserts.append(RowInsert(sh, final + 1, n - 1, final))

        slots: list[_Slot] = []
        for c in cells:
            col, row = _split(c.address)
            k = blocks.get((c.sheet, row))
            base = row + shift(c.sheet, row)
            if k is None:
                slots.append(_Slot(c.sheet, col, base, c.text))
                continue
            text = PLACEHOLDER.sub(lambda m: "" if m.group(1) else m.group(0), c.text)
            for i, el in enumerate(elements[k]):
                slots.append(_Slot(c.sheet, col, base + i, text, (k, el, i + 1)))
            if not elements[k]:
                slots.append(_Slot(c.sheet, col, base, ""))

        # what each slot is; the cells that hold an input or may hold a live formula (the first of a key wins)
        self.refs_cells, self.refs = _layout(scheme)
        self.candidates: list[tuple[str, tuple[str, str], bool, bool]] = []
        self.writes: list[tuple] = []
        for sl in slots:
            parts = []
            for lit_text, ph in _parsed(sl.text):
                if ph is None:
                    parts.append((lit_text, None))
                    continue
                pname, is_value, is_formula = ph
                if pname.startswith("#"):
                    continue
                t = res.resolve(pname, sl.context)
                if t is None:
                    problems.append(Problem(f"未知的占位符「{{{{{pname}}}}}」", f"unknown placeholder '{{{{{pname}}}}}'", file=file,
                                            sheet=sl.sheet, row=sl.row, column=get_column_letter(sl.col), value=pname))
                    parts.append(("{{" + ("=" if is_formula else "") + pname + "}}", None))
                    continue
                parts.append(("", (t, is_formula)))
            only = [p for p in parts if p[1] is not None]
            plain = all(not x[0] for x in parts if x[1] is None)
            address = sl.address
            if len(only) == 1 and plain:
                t, is_formula = only[0][1]
                if not t.has_static:
                    self.candidates.append((t.key, (sl.sheet, address), t.input, is_formula))
            if not only:
                text = "".join(x[0] for x in parts)
                if text != sl.text or sl.context is not None:
                    self.writes.append(("text", sl.sheet, address, text or None, bool(text)))
            elif len(only) == 1 and plain:
                t, is_formula = only[0][1]
                fmt = _kind_format(t.kind)
                if t.has_static:
                    self.writes.append(("static", sl.sheet, address, t.static, fmt, "agent" if t.key == "客服昵称" else None))
                elif t.input:
                    self.writes.append(("input", sl.sheet, address, t, fmt, t.key.startswith("项目:")))
                else:
                    self.writes.append(("formula", sl.sheet, address, t.key, fmt, is_formula))
            else:
                self.writes.append(("parts", sl.sheet, address, [(lit_text, p[0] if p else None) for lit_text, p in parts],
                                    "agent" if any(p[1][0].key == "客服昵称" for p in only) else None))
        self.problems = problems
        self.inserts = inserts
        order = [c.sheet for c in cells]
        self.agent_sheets = sorted({sl.sheet for sl in slots}, key=lambda s: order.index(s))
        self._placings: dict[tuple, dict[str, tuple[dict, BuildMemo]]] = {}

    def placing(self, placed: dict[str, tuple[str, str]]) -> dict[str, tuple[dict, BuildMemo]]:
        """Per agent sheet: the references to the placed cells from it and the memo of their formulas."""
        key = tuple(placed.items())
        hit = self._placings.get(key)
        if hit is None:
            if len(self._placings) >= 64:
                self._placings.clear()
            hit = self._placings[key] = {}
            for sh in self.agent_sheets:
                local = {k: (a if s == sh else f"'{s}'!{a}") for k, (s, a) in placed.items()}
                hit[sh] = (local, BuildMemo(self.scheme, self.refs, local))
        return hit


_SHARED: dict[tuple, _Shared] = {}


def _shared(cells: tuple[TemplateCell, ...], scheme: Scheme, file: str | None, month: str | None) -> _Shared:
    """The :class:`_Shared` part of a plan, made once per template cells, scheme (object), file and month."""
    key = (cells, id(scheme), file, month)
    hit = _SHARED.get(key)
    if hit is None or hit.scheme is not scheme:
        if len(_SHARED) >= 16:
            _SHARED.clear()
        hit = _SHARED[key] = _Shared(cells, scheme, file, month)
    return hit


def plan_fill(template_cells: Iterable[TemplateCell], scheme: Scheme, team_result: Any, agent: str | Any, *,
              file: str | None = None, month: str | None = None, extra: dict[str, Any] | None = None,
              rules: bool = True, typed: Mapping[str, Any] | None = None) -> FillPlan:
    """The cell writes that fill a template for one agent.

    ``team_result`` is the core's :class:`~cskpi_xl.core.engine.TeamResult`;
    ``agent`` the agent's name (or its AgentResult). ``extra`` gives values
    the core does not hold (history: 连续奖励, 此前违规次数). With ``rules``
    (default) the plan also writes the 规则 sheet the formulas reference.
    ``typed`` are the agent's entries typed by a person (None: emptied on
    purpose): their input cells are marked as the person's.
    The plan's ``problems`` name every unknown placeholder.

    What does not depend on the agent (the template's structure, what each
    placeholder names, the formula bodies that read none of the agent's
    values) is worked out once per process and reused: the plan is the same
    as one made from scratch.
    """
    typed = typed or {}
    result = agent if hasattr(agent, "items") and hasattr(agent, "agent") else team_result.agent(agent)
    name = result.agent
    month = month if month is not None else getattr(team_result, "month", None)
    sh = _shared(tuple(template_cells), scheme, file, month)
    metrics = result.metrics

    # where inputs and live formulas live (a formula only where the agent's figures make one)
    emit0 = Emitter(scheme, sh.refs, metrics, result, extra)
    placed: dict[str, tuple[str, str]] = {}
    for key, where, is_input, is_formula in sh.candidates:
        if is_input or (is_formula and emit0.has_formula(key)):
            placed.setdefault(key, where)
    emitters = {s: Emitter(scheme, sh.refs, metrics, result, extra, local, memo=memo)
                for s, (local, memo) in sh.placing(placed).items()}

    writes: list[CellWrite] = []
    for w in sh.writes:
        how, sheet, address = w[0], w[1], w[2]
        if how == "formula":
            _, _, _, key, fmt, is_formula = w
            em = emitters[sheet]
            v = em.value(key)
            f = em.formula(key) if is_formula else None
            if f is None:
                writes.append(CellWrite(sheet, address, v, text=isinstance(v, str), number_format=fmt))
            else:
                writes.append(CellWrite(sheet, address, v, formula=f, number_format=fmt, what=key))
        elif how == "input":
            _, _, _, t, fmt, in_item = w
            key = t.key
            if key == COMMENT:
                v = emitters[sheet].raw(COMMENT)
            elif in_item:
                v = None  # a hand input of an item's row: typed on the sheet only
            else:
                v = cached(emitters[sheet].raw(key))
            mine = placed.get(key) == (sheet, address)
            cw = CellWrite(sheet, address, v, text=isinstance(v, str), number_format=fmt, locked=False,
                           validation=t.validation, key=key if mine else None, item=t.item)
            if mine and key in typed:
                cw.source = Source.CLEARED if typed[key] is None else Source.TYPED
            writes.append(cw)
        elif how == "static":
            v = name if w[3] is _AGENT else w[3]
            writes.append(CellWrite(sheet, address, v, text=isinstance(v, str), number_format=w[4], anchor=w[5]))
        elif how == "text":
            writes.append(CellWrite(sheet, address, w[3], text=w[4]))
        else:
            em = emitters[sheet]
            out = []
            for lit_text, t in w[3]:
                if t is None:
                    out.append(lit_text)
                else:
                    v = (name if t.static is _AGENT else t.static) if t.has_static else em.value(t.key)
                    out.append(_display(v, t.kind))
            writes.append(CellWrite(sheet, address, "".join(out), text=True, anchor=w[4]))

    if rules:
        for rc in sh.refs_cells:
            writes.append(CellWrite(rulesheet.SHEET, rc.address, rc.value, number_format=rc.number_format,
                                    text=isinstance(rc.value, str), style=rc.kind))
    return FillPlan(writes, list(sh.inserts), list(sh.problems), list(sh.agent_sheets))

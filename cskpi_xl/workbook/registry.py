"""What a person typed into an output, read back so that regeneration keeps it.

Every output carries a very hidden sheet ``_cskpi`` (the registry) with one
row per cell the program will want to find again:

========  =====================================================================
来源       the row is …
========  =====================================================================
生成       an input cell (a score, a rubric letter, a count, 主管评语) holding
           the value the program generated (from the exports, or empty)
手填       an input cell holding a value a person typed (carried from an earlier
           run): the entry stays the person's until they clear it
清空       an input cell a person emptied on purpose (stays empty)
公式       a formula cell (a value typed over it is reported)
客服       the cell naming the agent (a workbook copied for another agent is
           recognised by it)
========  =====================================================================

Cells are found again by **defined names** (``_cskpi_<row>``), never by a
fixed address: Excel, WPS and LibreOffice move a name with its cell when rows
or columns are inserted or deleted and when the sheet is renamed or moved.
An input in an item row also names the cell holding the item's name in the
same row (the *row label*), so after the item rows were sorted a value is
attributed to the item whose name now stands beside it.

:func:`read_book` reads one earlier output: per agent the entries a person
typed (``{input: value}``, None for a cell emptied on purpose), the
conflicts to show, and — when a cell cannot be found again or the row
labels do not match — a refusal that says exactly what did not match, so
the caller keeps the person's file and writes the new one beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable, Container, Iterable

from openpyxl.utils.cell import coordinate_from_string
from openpyxl.workbook.defined_name import DefinedName

from cskpi_xl.core.problems import WARNING, Problem

REGISTRY = "_cskpi"
HEADER = ("客服", "月份", "工作表", "单元格", "录入项", "写入的值", "来源", "名称", "行标签", "标签名称")
#: The registry of outputs written before provenance was recorded had these six columns.
LEGACY_COLUMNS = 6


class Source(StrEnum):
    """Where a registry row's value came from: the member's value is the text in the 来源 column."""

    GENERATED = "生成"  # written by the program
    TYPED = "手填"  # typed by a person into an input cell
    CLEARED = "清空"  # an input cell a person emptied
    FORMULA = "公式"  # a cell holding a formula of the template
    AGENT = "客服"  # the cell naming the agent


#: The sources of an input cell's row.
INPUT_SOURCES = (Source.GENERATED, Source.TYPED, Source.CLEARED)
NAME_PREFIX = "_cskpi_"


class Row:
    """One registry row as written (``record``) or read back."""

    __slots__ = ("agent", "month", "sheet", "cell", "key", "value", "source", "name", "label", "label_name", "label_cell")

    def __init__(self, agent, month, sheet, cell, key, value, source, name="", label="", label_name="") -> None:
        self.agent, self.month, self.sheet, self.cell, self.key = agent, month, sheet, cell, key
        self.value, self.source, self.name, self.label, self.label_name = value, source, name, label, label_name
        self.label_cell = ""

    def as_tuple(self) -> tuple:
        return (self.agent, self.month, self.sheet, self.cell, self.key, self.value, self.source, self.name,
                self.label, self.label_name)


def record(wb, rows: list[Row]) -> None:
    """Append ``rows`` to the registry of ``wb`` and give each its defined name (and its row label's)."""
    if REGISTRY in wb.sheetnames:
        ws = wb[REGISTRY]
    else:
        ws = wb.create_sheet(REGISTRY)
        ws.append(HEADER)
        ws.sheet_state = "veryHidden"
    n = ws.max_row  # scans every cell once; counted from here on
    names = wb.defined_names
    labels: dict[tuple[str, str], str] = {}  # one name per label cell, shared by the inputs of its row
    for r in rows:
        n += 1
        r.name = f"{NAME_PREFIX}{n}"
        names[r.name] = DefinedName(r.name, attr_text=_ref(r.sheet, r.cell))
        if r.label_name:
            at = (r.sheet, r.label_cell)
            if at not in labels:
                labels[at] = f"{NAME_PREFIX}{n}_L"
                names[labels[at]] = DefinedName(labels[at], attr_text=_ref(r.sheet, r.label_cell))
            r.label_name = labels[at]
        for col, v in enumerate(r.as_tuple(), start=1):
            if v is None or v == "":
                continue
            c = ws.cell(row=n, column=col)
            c.value = v
            if isinstance(v, str):
                c.data_type = "s"  # text stays text (a nickname like "=1+1" is never a formula)


def _ref(sheet: str, cell: str) -> str:
    col, row = coordinate_from_string(cell)
    return "'" + sheet.replace("'", "''") + f"'!${col}${row}"


def same(a: Any, b: Any) -> bool:
    """Equal as a spreadsheet shows them: blanks alike, numbers by value, text stripped."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ---- reading back -----------------------------------------------------------------------------------------------


@dataclass
class AgentReading:
    """What one earlier output holds for one agent.

    Attributes:
      agent: the agent the output was generated for (registry).
      claimed: the agent the workbook's own agent cell names now (None: no such cell, or empty).
      typed: input → the person's value (None: emptied on purpose).
      refused: why the entries cannot be read with certainty (the person's file must be kept), or None.
      problems: conflicts and notes to show (values typed over formulas, a moved structure).
    """

    agent: str
    month: str
    claimed: str | None = None
    typed: dict[str, Any] = field(default_factory=dict)
    refused: str | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class BookReading:
    """One earlier output: its agents, or why it could not be read (``error``) or is not ours (``foreign``)."""

    path: Path
    agents: dict[str, AgentReading] = field(default_factory=dict)
    error: str | None = None
    foreign: bool = False
    rule_edits: list[str] = field(default_factory=list)


def read_book(path: str | Path, scheme: Any = None) -> BookReading:
    """Read the entries people typed into the output ``path`` (see the module docstring); never raises.

    With ``scheme``, numbers changed on the output's 规则 sheet (against
    ``scheme``) are listed in ``rule_edits``.
    """
    from openpyxl import load_workbook

    from cskpi_xl.workbook.rulesheet import SHEET as RULES_SHEET
    from cskpi_xl.workbook.rulesread import openpyxl_value_at, read_rules

    from cskpi_xl.files.oserrors import read_reason

    path = Path(path)
    try:
        wb = load_workbook(path)
    except Exception as exc:  # noqa: BLE001 - a damaged, locked or foreign file: the caller says so
        return BookReading(path, error=read_reason(exc))
    try:
        if REGISTRY not in wb.sheetnames:
            return BookReading(path, foreign=True)
        book = _read(wb, path)
        if scheme is not None and RULES_SHEET in wb.sheetnames:
            edited, notes = read_rules(scheme, openpyxl_value_at(wb), str(path))
            if edited is not scheme or notes:
                book.rule_edits = [p.message for p in notes]
        return book
    except Exception as exc:  # noqa: BLE001
        return BookReading(path, error=read_reason(exc))
    finally:
        wb.close()


def _rows(wb) -> list[Row]:
    out = []
    for values in wb[REGISTRY].iter_rows(min_row=2, values_only=True):
        if not values or len(values) < LEGACY_COLUMNS or not values[4]:
            continue
        v = list(values) + [None] * (len(HEADER) - len(values))
        agent, month, sheet, cell, key, written, source, name, label, label_name = v[:len(HEADER)]
        out.append(Row(str(agent or ""), str(month or ""), str(sheet or ""), str(cell or ""), str(key), written,
                       str(source or Source.GENERATED), str(name or ""), "" if label is None else str(label),
                       str(label_name or "")))
    return out


_ONE_CELL = re.compile(r"(?:'((?:[^']|'')+)'|([^'!:]+))!\$?([A-Z]{1,3})\$?([0-9]+)")


def _locate(wb, name: str):
    """The (worksheet, coordinate) a defined name points at now, or None when it no longer points at one cell."""
    dn = wb.defined_names.get(name)
    if dn is None or not dn.attr_text:
        return None
    m = _ONE_CELL.fullmatch(dn.attr_text.strip())
    if m is None:  # #REF! (the cell was deleted), a range, several areas
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    if sheet not in wb.sheetnames:
        return None
    return wb[sheet], f"{m.group(3)}{m.group(4)}"


def claimed_agent(now: Any, written: Any, agent: str) -> str | None:
    """The agent a nickname cell names now, given what was written there for ``agent``.

    >>> claimed_agent("新人", "小美", "小美"), claimed_agent("客服：阿强", "客服：小美", "小美"), claimed_agent(None, "小美", "小美")
    ('新人', '阿强', None)
    """
    if blank(now):
        return None
    now = str(now).strip()
    written = "" if written is None else str(written)
    if written.strip() == agent or agent not in written:
        return now
    pre, _, post = written.partition(agent)
    pre, post = pre.strip(), post.strip()
    if now.startswith(pre) and now.endswith(post) and len(now) >= len(pre) + len(post):
        return now[len(pre):len(now) - len(post)].strip() or None
    return now


def _column(cell: str) -> str:
    return coordinate_from_string(cell)[0]


def _read(wb, path: Path) -> BookReading:
    book = BookReading(path)
    rows = _rows(wb)
    by_agent: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        by_agent.setdefault((r.agent, r.month), []).append(r)
    for (agent, month), rs in by_agent.items():
        book.agents[agent] = _read_agent(wb, path, agent, month, rs)
    return book


def _read_agent(wb, path: Path, agent: str, month: str, rows: list[Row]) -> AgentReading:
    out = AgentReading(agent, month)
    file = path.name
    legacy = not any(r.name for r in rows)
    if legacy:  # written before cells had names: fixed addresses, the registry value as generated
        for r in rows:
            if r.sheet in wb.sheetnames and r.cell:
                now = wb[r.sheet][r.cell].value
                if not same(now, r.value):
                    out.typed[r.key] = None if blank(now) else now
        return out

    moved = False
    broken: list[str] = []
    # the agent cell
    for r in rows:
        if r.source != Source.AGENT:
            continue
        at = _locate(wb, r.name)
        if at is None:
            continue
        ws, coord = at
        out.claimed = claimed_agent(ws[coord].value, r.value, agent)
        moved |= ws.title != r.sheet or coord != r.cell
    # inputs: which registry row each value belongs to, through its row label when there is one
    inputs = [r for r in rows if r.source in INPUT_SOURCES]
    by_label = {(r.label, _column(r.cell)): r for r in inputs if r.label_name}
    owner: dict[str, tuple[Row, Any, str]] = {}
    for r in inputs:
        at = _locate(wb, r.name)
        if at is None:
            broken.append(f"「{r.key}」的录入格（原在 {r.sheet}!{r.cell}）找不到了：所在的行、列或工作表被删除")
            continue
        ws, coord = at
        moved |= ws.title != r.sheet or coord != r.cell
        belongs = r
        if r.label_name:
            lab = _locate(wb, r.label_name)
            now_label = None if lab is None else lab[0][lab[1]].value
            now_label = "" if now_label is None else str(now_label).strip()
            if now_label != r.label:
                belongs = by_label.get((now_label, _column(r.cell)))
                moved = True
                if belongs is None:
                    broken.append(f"{ws.title}!{coord} 所在行的项目名称是「{now_label}」，原来是「{r.label}」，对不上任何项目")
                    continue
        if belongs.key in owner:
            broken.append(f"「{belongs.key}」出现了两次（{owner[belongs.key][2]} 和 {ws.title}!{coord}）")
            continue
        owner[belongs.key] = (belongs, ws[coord].value, f"{ws.title}!{coord}")
    if broken:
        out.refused = "；".join(broken)
        return out
    for key, (r, now, where) in owner.items():
        if r.source == Source.GENERATED:
            if not same(now, r.value):
                out.typed[key] = None if blank(now) else now
        elif r.source == Source.TYPED:
            out.typed[key] = None if blank(now) else now
        else:  # Source.CLEARED: stays empty until someone types again
            out.typed[key] = None if blank(now) else now
    # formula cells: a value typed over one is shown, never silently dropped or counted
    for r in rows:
        if r.source != Source.FORMULA:
            continue
        at = _locate(wb, r.name)
        if at is None:
            moved = True
            continue
        ws, coord = at
        now = ws[coord].value
        if not (isinstance(now, str) and now.startswith("=")):
            shown = "（清空）" if blank(now) else now
            out.problems.append(Problem(
                f"{file} 的公式单元格 {ws.title}!{coord}（{r.key}）被改成了 {shown}：按规则重新计算，手工值没有计入；"
                f"要改分数请填在黄色录入格里",
                f"{file}: the formula cell {ws.title}!{coord} ({r.key}) was overwritten with {now!r}; recomputed, the typed "
                f"value is not counted", file=str(path), sheet=ws.title, value=now, agent=agent, severity=WARNING))
    if moved:
        out.problems.append(Problem(f"{file} 的表格结构改动过（插入/删除行列、排序、改名或移动工作表）：手填内容已按名称找回，新表按模板排版",
                                    f"{file}: the sheet was restructured; typed entries were found by name, the new sheet "
                                    f"follows the template", file=str(path), agent=agent, severity=WARNING))
    return out


def rows_for_plan(plan: Iterable[Any], title: Callable[[str], str], agent: str, month: str,
                  agent_sheets: Iterable[str], sheet: Callable[[str], Any]) -> list[Row]:
    """The registry rows of an applied plan: inputs (with provenance and row labels), formulas, the agent cell.

    ``title`` maps a plan sheet to the workbook's sheet title, ``sheet`` a plan sheet to its worksheet.
    An input of an item gets as row label the cell of its row holding the item's name, when there is one.
    """
    agent_titles = {title(s) for s in agent_sheets}
    labels = RowLabels(sheet)
    out: list[Row] = []
    for w in plan:
        t = title(w.sheet)
        kind = row_kind(w, t, agent_titles)
        if kind is not None:
            out.append(plan_row(w, t, kind, agent, month, labels))
    return out


def row_kind(w: Any, title: str, agent_titles: Container[str]) -> Source | None:
    """The kind of registry row a plan write gets (its 来源 for a formula or the agent cell), or None for none.

    ``Source.GENERATED`` stands for every input (its 来源 is the write's own source).
    """
    if w.key and not w.formula:
        return Source.GENERATED
    if w.formula and title in agent_titles:
        return Source.FORMULA
    if w.anchor == "agent":
        return Source.AGENT
    return None


class RowLabels:
    """The row label of an input in an item row: the cell of its row holding the item's name (each row read once)."""

    def __init__(self, sheet: Callable[[str], Any]) -> None:
        self.sheet = sheet
        self.rows_text: dict[tuple[str, int], dict[str, str]] = {}

    def __call__(self, s: str, cell: str, item: str) -> str | None:
        row = coordinate_from_string(cell)[1]
        key = (s, row)
        found = self.rows_text.get(key)
        if found is None:
            ws = self.sheet(s)
            found = self.rows_text[key] = {}
            for c in ws[row]:
                v = c.value
                if isinstance(v, str) and v.strip() and v.strip() not in found:
                    found[v.strip()] = c.coordinate
        at = found.get(item)
        return at if at is not None and at != cell else None


def plan_row(w: Any, title: str, kind: Source, agent: str, month: str, labels: RowLabels) -> Row:
    """The registry row of plan write ``w`` of kind ``kind`` (:func:`row_kind`) on sheet ``title``."""
    value = "" if w.value is None else w.value
    if kind == Source.GENERATED:
        r = Row(agent, month, title, w.cell, w.key, value, w.source or Source.GENERATED)
        if w.item:
            at = labels(w.sheet, w.cell, w.item)
            if at is not None:
                r.label, r.label_name, r.label_cell = w.item, "L", at
        return r
    if kind == Source.FORMULA:
        return Row(agent, month, title, w.cell, w.what or w.formula[:60], value, Source.FORMULA)
    return Row(agent, month, title, w.cell, "客服昵称", value, Source.AGENT)

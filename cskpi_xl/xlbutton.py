"""The template's two buttons, run from Excel through xlwings' ``RunPython``.

``macros/cskpi_buttons.bas`` binds them::

    Sub FillThisSheet()   ' caption 填充本表
        RunPython "import cskpi_xl.xlbutton as b; b.fill_this()"
    Sub BatchAll()        ' caption 批量生成全部
        RunPython "import cskpi_xl.xlbutton as b; b.batch_all()"

Both read the sheet ``设置`` of the open workbook: column A a name, column B
its value (further values of 导出文件 on the following rows, A left blank)::

    方案        duoyi                  (built-in id or a scheme file path)
    月份        2026-10
    客服昵称    小美                    (fill_this only)
    导出文件    D:\\导出\\自定义报表_….xlsx
                D:\\导出\\千牛_….csv
    手工录入    D:\\导出\\手工录入.xlsx  (optional)
    别名表      D:\\导出\\别名表.csv     (optional)
    输出文件夹  D:\\绩效\\2026-10       (batch_all only)
    历史记录    D:\\绩效               (optional: earlier months' 汇总, their folder, or a
                                      hand-kept table; more on the following rows)

:func:`fill_book` scores the team from the exports, plans the agent's
cells with :func:`cskpi_xl.workbook.template.plan_fill` from the
placeholders of the open workbook and writes them through xlwings;
:func:`batch_book` runs :func:`cskpi_xl.workbook.batch.run_batch`. Both
write what happened (and every problem, in Chinese) to column D of 设置 and
never raise into Excel. The Excel-specific code is the few lines touching
``book``; the rest is plain and tested with a fake book.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.workbook.sheetnames import SETTINGS

KEYS = {"方案": "scheme", "月份": "month", "客服昵称": "agent", "客服": "agent", "导出文件": "exports",
        "手工录入": "manual", "别名表": "aliases", "输出文件夹": "out_dir", "模板": "template", "历史记录": "history"}
#: Settings that take several values, one a row (A left blank on the rows after the first).
LISTS = ("exports", "history")
STATUS_COLUMN = "D"


class Settings(NamedTuple):
    scheme: str | None = None
    month: str | None = None
    agent: str | None = None
    exports: tuple[str, ...] = ()
    manual: str | None = None
    aliases: str | None = None
    out_dir: str | None = None
    template: str | None = None
    history: tuple[str, ...] = ()


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m")
    s = str(v).strip()
    return s or None


def parse_settings(rows: Any) -> tuple[Settings, list[Problem]]:
    """Settings from the 设置 sheet's rows (A = name, B = value); unknown names are reported.

    >>> s, p = parse_settings([["方案", "duoyi"], ["导出文件", "a.xlsx"], [None, "b.csv"], ["月份", "2026-10"]])
    >>> s.scheme, s.exports, s.month, p
    ('duoyi', ('a.xlsx', 'b.csv'), '2026-10', [])
    """
    values: dict[str, Any] = {}
    lists: dict[str, list[str]] = {k: [] for k in LISTS}
    problems: list[Problem] = []
    last = None
    for i, row in enumerate(rows or [], start=1):
        row = list(row) if isinstance(row, (list, tuple)) else [row]
        name = _text(row[0]) if row else None
        value = _text(row[1]) if len(row) > 1 else None
        if name is None:
            if last in lists and value:
                lists[last].append(value)
            continue
        key = KEYS.get(name.rstrip("：:"))
        if key is None:
            if value is not None:
                problems.append(Problem(f"设置表中不认识的名称「{name}」；可用：{'、'.join(KEYS)}", f"unknown setting '{name}'",
                                        sheet=SETTINGS, row=i, column="A", value=name, severity=WARNING))
            last = None
            continue
        last = key
        if key in lists:
            if value:
                lists[key].append(value)
        elif value is not None:
            values[key] = value
    return Settings(**{k: tuple(v) for k, v in lists.items()}, **values), problems


def read_settings(book) -> tuple[Settings, list[Problem]]:
    """The 设置 sheet of an xlwings book."""
    names = [s.name for s in book.sheets]
    if SETTINGS not in names:
        return Settings(), [Problem("工作簿中没有「设置」工作表（A 列名称、B 列值：方案、月份、客服昵称、导出文件、输出文件夹）",
                                    "the workbook has no 设置 sheet")]
    rows = book.sheets[SETTINGS].range("A1:B60").value
    return parse_settings(rows)


def xlwings_value_at(book):
    """``value_at`` (see :mod:`cskpi_xl.workbook.rulesread`) for an open xlwings book."""

    def value_at(ref: str):
        sheet, _, addr = ref.rpartition("!")
        return book.sheets[sheet.strip("'")].range(addr.replace("$", "")).value

    return value_at


def template_cells(book):
    """The placeholder cells of every sheet of the open book (not 设置/规则), as plan_fill takes them."""
    from openpyxl.utils import get_column_letter

    from cskpi_xl.workbook.template import RESERVED_SHEETS, TemplateCell, has_placeholder

    out = []
    for sh in book.sheets:
        if sh.name in RESERVED_SHEETS:
            continue
        used = sh.used_range
        values = used.value
        if not isinstance(values, list):
            values = [[values]]
        elif values and not isinstance(values[0], list):
            values = [values] if used.shape[0] == 1 else [[v] for v in values]
        r0, c0 = used.row, used.column
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if has_placeholder(v):
                    out.append(TemplateCell(sh.name, f"{get_column_letter(c0 + j)}{r0 + i}", v))
    return out


def _need(s: Settings, *fields: str) -> list[Problem]:
    labels = {v: k for k, v in KEYS.items() if k != "客服"}
    return [Problem(f"设置表缺少「{labels[f]}」", f"设置 lacks {f}", sheet=SETTINGS)
            for f in fields if not getattr(s, f)]


def fill_book(book) -> list[Problem]:
    """Fill the open workbook for the agent named in 设置; returns the problems (also written to 设置)."""
    from cskpi_xl import pipeline
    from cskpi_xl.core.schemefile import load_scheme
    from cskpi_xl.excel.apply import apply_plan_xlwings
    from cskpi_xl.workbook.rulesheet import SHEET as RULES_SHEET
    from cskpi_xl.workbook.rulesread import needs_reset

    settings, problems = read_settings(book)
    missing = _need(settings, "scheme", "agent", "exports") if not problems else []
    if missing or any(p.is_error for p in problems):
        return _report(book, problems + missing, "未填充")
    settings = _resolved(settings, problems)
    if settings is None:
        return _report(book, problems, "未填充")
    cells = template_cells(book)
    if not cells:  # filled before: its placeholders are gone, and what people typed there is theirs
        problems.append(Problem("本表没有占位符（{{…}}），可能已经填过：没有改动任何单元格。要重新计算，请在模板上重新填充，"
                                "或用「批量生成全部」重新生成（手填的内容会保留）",
                                "no placeholders on this workbook (filled already?): nothing was changed; fill the "
                                "template again or regenerate with the batch button (typed entries are kept)",
                                sheet=SETTINGS))
        return _report(book, problems, "未填充")
    scheme, sp = load_scheme(settings.scheme)
    problems += sp
    if scheme is None:
        return _report(book, problems, "未填充：方案无法加载")
    rule_sheets = [(xlwings_value_at(book), getattr(book, "name", None))] \
        if RULES_SHEET in [s.name for s in book.sheets] else []  # numbers HR changed on the 规则 sheet count
    scheme, more = pipeline.load(scheme, rule_sheets)
    problems += more
    if rule_sheets and needs_reset(scheme, rule_sheets[0][0]):  # HR moved rows on 规则: write it afresh, nothing stale
        book.sheets[RULES_SHEET].range("A1:AZ1000").clear_contents()

    def earlier(mo: str):
        from cskpi_xl.workbook.history import find_history

        history, _found, found_problems = find_history(settings.out_dir, mo, settings.history, scheme)
        problems.extend(found_problems)
        return history

    m, more = pipeline.score_month(scheme, settings.exports, month=settings.month, manual=settings.manual,
                                   aliases=settings.aliases, history=earlier)
    problems += more
    if settings.agent not in m.figures:
        have = "、".join(m.figures) or "（无）"
        problems.append(Problem(f"导出文件中没有客服「{settings.agent}」；有：{have}", f"no agent {settings.agent!r} in the exports",
                                sheet=SETTINGS))
        return _report(book, problems, "未填充")
    month = m.month or settings.month
    plan = pipeline.plan_agent(cells, m, settings.agent, file=getattr(book, "name", None))
    problems += plan.problems
    apply_plan_xlwings(book, plan)
    return _report(book, problems, f"已填充 {settings.agent}（{month or ''}，{len(plan)} 个单元格）")


def batch_book(book) -> list[Problem]:
    """Run the whole month's batch with the exports and folder named in 设置."""
    from cskpi_xl.workbook.batch import run_batch

    settings, problems = read_settings(book)
    missing = _need(settings, "scheme", "exports", "out_dir") if not problems else []
    if missing or any(p.is_error for p in problems):
        return _report(book, problems + missing, "未生成")
    settings = _resolved(settings, problems)
    if settings is None:
        return _report(book, problems, "未生成")
    report, more = run_batch(settings.exports, settings.scheme, settings.month, settings.out_dir, manual=settings.manual,
                             aliases=settings.aliases, progress=False, template=settings.template,
                             history=settings.history)
    problems += more
    n = len(report.get("outputs") or [])
    return _report(book, problems, f"已生成 {n} 个文件到 {Path(settings.out_dir)}" if n else "未生成任何文件")


def _resolved(settings: Settings, problems: list[Problem]) -> Settings | None:
    """The scheme by id or Chinese name, the exports with folders and wildcards expanded (as the CLI does)."""
    from cskpi_xl.commands.inputs import ArgumentProblem, expand_exports, scheme_arg

    try:
        return settings._replace(scheme=scheme_arg(settings.scheme), exports=tuple(expand_exports(
            settings.exports, skip=(settings.manual, settings.aliases, settings.template))))
    except ArgumentProblem as exc:
        problems.append(exc.problem(sheet=SETTINGS))
        return None


def _report(book, problems: list[Problem], headline: str) -> list[Problem]:
    """Write the headline and every problem to column D of 设置 (cleared first); never raises."""
    lines = [headline] + [p.format() for p in problems]
    try:
        names = [s.name for s in book.sheets]
        if SETTINGS not in names:
            book.sheets.add(SETTINGS)
        sh = book.sheets[SETTINGS]
        sh.range(f"{STATUS_COLUMN}1:{STATUS_COLUMN}200").clear_contents()
        sh.range(f"{STATUS_COLUMN}1").value = [[line] for line in lines[:200]]
    except Exception:  # Excel busy or the sheet protected: the return value still tells
        pass
    return problems


def _guarded(fn, book) -> list[Problem]:
    try:
        return fn(book)
    except Exception as exc:  # never a Python traceback dialog: say it in Chinese on the sheet
        p = Problem(f"运行出错（{type(exc).__name__}）：{exc}", f"failed: {type(exc).__name__}: {exc}")
        return _report(book, [p], "运行出错")


def fill_this() -> None:  # pragma: no cover - needs Excel
    """The 填充本表 button."""
    import xlwings as xw

    _guarded(fill_book, xw.Book.caller())


def batch_all() -> None:  # pragma: no cover - needs Excel
    """The 批量生成全部 button."""
    import xlwings as xw

    _guarded(batch_book, xw.Book.caller())

"""The 汇总 workbook of a batch: ranking with a bar chart, pay, the 历史记录 rows the
next month reads back, the daily trend (S10) and the problems found.

``write_summary(path, scheme, team, figures, files, daily, problems)`` writes it
(:func:`summary_bytes`: the same file as bytes, for the batch to make while its workers write);
``add_daily_sheet`` also serves the one-book layout's per-agent trend sheets.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import statistics
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo

from cskpi_xl.core import names as N
from cskpi_xl.core.daily import daily_trend
from cskpi_xl.core.engine import TeamResult
from cskpi_xl.core.numbers import NA, NA_TEXT, to_decimal
from cskpi_xl.core.problems import Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.workbook import printing as P
from cskpi_xl.workbook.xlformula import HISTORY_BONUS, HISTORY_VIOLATIONS, PENDING_TOTAL, cached, cached_total
from cskpi_xl.workbook.apply import write_text_cell
from cskpi_xl.workbook.save import save_bytes, workbook_bytes

SUMMARY = "汇总"
HISTORY_SHEET = "历史记录"
HISTORY_HEADER = ("月份", "客服", "排名", "等级", "违规次数", "参加考核")
#: A 7th column: the first month on record when this month was made (the run's own month when nothing
#: earlier was found). A later run that finds this 汇总 knows every month from there on should exist,
#: so a month whose 汇总 was deleted is reported missing instead of read as "before the records".
HISTORY_START = "记录起始"
#: The sheet that keeps the command regenerating this month (A2 to read, A3 the arguments as JSON):
#: a re-run of an earlier month prints it for each later month whose flags may be stale.
REGENERATE_SHEET = "重新生成"
DAILY_SHEET = "每日趋势"
PROBLEMS_SHEET = "问题"
LOW = "低"


def _daily_rows(points) -> list[tuple]:
    return [(d.date, cached(d.inquiries), cached(d.orders), cached(d.rate), LOW if d.low else "") for d in points]


#: Height of the trend chart (cm) and its width; the chart sits to the right of the table.
DAILY_CHART_CM = (9.0, 17.0)


def add_daily_sheet(wb, title: str, points, flag_ratio: Decimal, chart_title: str) -> dict[str, Any]:
    """A daily trend sheet (date, 咨询人数, 下单人数, 转化率, low flag) with a line chart; returns cached values.

    Printed on A4 landscape, one page wide, the header row repeated; the chart stands beside the
    table, so a month of days and the chart share the first page (and the chart is never split).
    """
    ws = wb.create_sheet(title)
    st = P.Styler()
    ws.append(["日期", "咨询人数", "下单人数", "转化率", "低转化", "", "标记比例", float(flag_ratio)])
    P.header(ws, 1, 1, 5, st)
    rows = _daily_rows(points)
    n = len(rows)
    last = n + 1
    values: dict[str, Any] = {}
    valid = [p.rate for p in points if isinstance(p.rate, Decimal)]
    median = statistics.median(valid) if valid else None
    ws["G2"] = "当月中位数"
    ws["H2"] = f'=IF(COUNT(D2:D{max(last, 2)})=0,"{NA_TEXT}",MEDIAN(D2:D{max(last, 2)}))'
    values["H2"] = float(median) if median is not None else NA_TEXT
    ws["G3"] = "低转化天数"
    ws["H3"] = f'=COUNTIF(E2:E{max(last, 2)},"{LOW}")'
    values["H3"] = sum(1 for p in points if p.low)
    ws["G4"] = f"转化率低于当月中位数 × 标记比例的日子标为「{LOW}」"
    ws["G4"].font = Font(color="595959", size=9)
    ws["H1"].number_format = "0%"
    ws["H2"].number_format = P.PERCENT
    ws["H3"].number_format = '0" 天"'
    for r in range(1, 4):
        ws.cell(row=r, column=7).font = P.HEAD_FONT
        ws.cell(row=r, column=7).fill = P.HEAD_FILL
        ws.cell(row=r, column=8).alignment = P.RIGHT
    P.box(ws, 1, 3, 7, 8, st)
    for i, (d, inq, orders, rate, low) in enumerate(rows, start=2):
        st(ws.cell(row=i, column=1, value=d), alignment=P.CENTER)
        st(ws.cell(row=i, column=2, value=inq), number_format=P.COUNT)
        st(ws.cell(row=i, column=3, value=orders), number_format=P.COUNT)
        st(ws.cell(row=i, column=4, value=f'=IF(N(B{i})=0,"{NA_TEXT}",C{i}/B{i})'), number_format=P.PERCENT,
           alignment=P.RIGHT)
        values[f"D{i}"] = rate
        st(ws.cell(row=i, column=5, value=f'=IF(AND(ISNUMBER(D{i}),ISNUMBER($H$2)),IF(D{i}<$H$1*$H$2,"{LOW}",""),"")'),
           alignment=P.CENTER)
        values[f"E{i}"] = low
    if n:
        P.box(ws, 1, last, 1, 5, st)
        ws.conditional_formatting.add(f"A2:E{last}", FormulaRule(formula=[f'$E2="{LOW}"'], fill=FLAG_FILL))
    for col, w in zip("ABCDEFGH", (12, 10, 10, 10, 8, 2, 12, 10)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"
    P.a4(ws, landscape=True, title_rows="1:1")
    if n:
        ch = LineChart()
        ch.title = chart_title
        ch.y_axis.title = "人数"
        ch.x_axis.title = "日期"
        ch.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
        ch.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        for series in ch.series:
            series.smooth = False  # the days as they were, not a curve through them
        ch.height, ch.width = DAILY_CHART_CM
        ws.add_chart(ch, "G6")
    return values


def _violations(scheme: Scheme, figures: Mapping[str, Any]) -> int:
    name = scheme.pay.fine.input if scheme.pay and scheme.pay.fine else "违规次数"
    try:
        return int(to_decimal(figures.get(name) or 0))
    except (ValueError, TypeError):
        return 0


#: Columns of the 汇总 table: header, number format, alignment. K (the total that ranks) is hidden.
COLUMNS = (
    ("排名", None, P.CENTER), ("客服昵称", None, P.LEFT), ("总分", P.POINTS, P.RIGHT), ("等级", None, P.CENTER),
    (N.OWN_COMMISSION, P.MONEY, P.RIGHT), (N.PUBLIC_COMMISSION, P.MONEY, P.RIGHT), ("当月工资", P.MONEY, P.RIGHT),
    ("不参加考核", None, P.LEFT), ("标记", None, P.WRAP), ("文件", None, P.LEFT), ("参与排名的总分", P.POINTS, P.RIGHT),
)
#: The 汇总 as an Excel table (filter and sort buttons on the header row).
TABLE_NAME = "汇总表"
GOOD_FILL = PatternFill("solid", fgColor="C6EFCE")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
PENDING_FILL = PatternFill("solid", fgColor="FFEB9C")
FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")
NO_CHART = "还没有人有总分（都有待评分的项目）：主管评完分后重新生成，这里就会出现总分排名图。"
#: The ranking chart: its height grows with the number of agents, up to about half a landscape page.
BAR_CM_PER_AGENT, BAR_CM_MIN, BAR_CM_MAX = 0.5, 7.0, 15.0


def command_text(argv: Sequence[str]) -> str:
    """A command line to copy into this machine's shell (cmd quoting on Windows).

    >>> command_text(["cskpi", "batch", "a b.xlsx", "--month", "2026-10"]) in (
    ...     "cskpi batch 'a b.xlsx' --month 2026-10", 'cskpi batch "a b.xlsx" --month 2026-10')
    True
    """
    return subprocess.list2cmdline(list(argv)) if os.name == "nt" else shlex.join(argv)


def write_summary(path: Path, scheme: Scheme, team: TeamResult, figures: Mapping[str, Mapping[str, Any]],
                  files: Mapping[str, str], daily: Mapping[str, list], problems: Sequence[Problem],
                  command: Sequence[str] | None = None, history_start: str | None = None) -> Path:
    """The 汇总 workbook (:func:`summary_bytes`) saved to ``path`` atomically."""
    return save_bytes(path, summary_bytes(scheme, team, figures, files, daily, problems, command=command,
                                          history_start=history_start))


def summary_bytes(scheme: Scheme, team: TeamResult, figures: Mapping[str, Mapping[str, Any]],
                  files: Mapping[str, str], daily: Mapping[str, list], problems: Sequence[Problem],
                  command: Sequence[str] | None = None, history_start: str | None = None) -> bytes:
    """The 汇总 workbook as .xlsx bytes: ranking with a bar chart, history rows, daily trend (S10), problems.

    Every sheet prints on A4, one page wide, its header row repeated on each page; the 汇总 itself
    is an Excel table (filter and sort buttons), grades and flags coloured, the header frozen.
    ``command``: the ``cskpi batch`` arguments that regenerate this month,
    kept on the 重新生成 sheet (see :mod:`cskpi_xl.workbook.history`);
    ``history_start``: the first month on record (column 记录起始 of 历史记录).
    """
    wb = Workbook()
    st = P.Styler()  # the styles of many cells, each distinct one worked out once
    ws = wb.active
    ws.title = SUMMARY
    month = team.month or ""
    ws["A1"] = f"{scheme.name} · {month} 汇总"
    ws["A1"].font = Font(bold=True, size=14)
    hr = 3
    for c, (h, _, _) in enumerate(COLUMNS, start=1):
        ws.cell(row=hr, column=c, value=h)
    P.header(ws, hr, 1, len(COLUMNS), st)
    order = team.ranking() + [a for a in team.agents if a.rank is None]
    first = hr + 1
    last = hr + len(order)
    values: dict[str, Any] = {}
    for i, a in enumerate(order):
        r = first + i
        ranked = a.rank is not None
        ws.cell(row=r, column=11, value=cached(a.total) if ranked else None)
        ws.cell(row=r, column=1, value=f"=IF(ISNUMBER(K{r}),RANK(K{r},$K${first}:$K${last}),\"\")")
        values[f"A{r}"] = a.rank if ranked else ""
        write_text_cell(ws.cell(row=r, column=2), a.agent)
        ws.cell(row=r, column=3, value=cached_total(a.total))
        ws.cell(row=r, column=4, value=a.grade or "")
        ws.cell(row=r, column=5, value=cached(a.commission))
        ws.cell(row=r, column=6, value=cached(a.public_commission))
        # the pay of a total still awaiting scores is not known yet either (its grade decides parts of it)
        ws.cell(row=r, column=7, value=PENDING_TOTAL if _pending(a) else cached(a.pay_total) if a.pay_total is not None else None)
        write_text_cell(ws.cell(row=r, column=8), a.excluded or "")
        write_text_cell(ws.cell(row=r, column=9), "；".join(a.flags + a.grade_notes))
        write_text_cell(ws.cell(row=r, column=10), files.get(a.agent, ""))
        for c, (_, fmt, align) in enumerate(COLUMNS, start=1):
            st(ws.cell(row=r, column=c), number_format=fmt, alignment=align)
    tr_ = last + 1
    ws.cell(row=tr_, column=2, value="合计").font = Font(bold=True)
    for col, key in ((5, "commission"), (6, "public_commission"), (7, "pay_total")):
        letter = "EFG"[col - 5]
        c = ws.cell(row=tr_, column=col, value=f"=SUM({letter}{first}:{letter}{last})")
        c.number_format = P.MONEY
        c.font = Font(bold=True)
        values[f"{letter}{tr_}"] = float(sum((getattr(a, key) or Decimal(0)) for a in order
                                             if not (key == "pay_total" and _pending(a))))
    P.box(ws, hr, tr_, 1, 10, st)
    pr = tr_ + 2
    ws.cell(row=pr, column=1, value="公共提成池").font = Font(bold=True)
    pub = team.team.get("公共销售额")
    rate = scheme.pay.public_rate if scheme.pay and scheme.pay.public_rate is not None else None
    ws.cell(row=pr + 1, column=1, value="公共销售额")
    ws.cell(row=pr + 1, column=2, value=cached(pub)).number_format = P.MONEY
    source = {"given": "（批量生成时指定）", "column": "（导入表中的「公共销售额」列）"}.get(getattr(team, "public_sales_from", ""))
    if source:  # the default (the team's 销售额) is left unsaid, as before
        ws.cell(row=pr + 1, column=3, value=source)
    given = getattr(team, "given", None) or {}
    for k, (name, v) in enumerate(given.items()):  # given for the month (--team)
        ws.cell(row=pr + 4 + k, column=1, value=name)
        ws.cell(row=pr + 4 + k, column=2, value=cached(v))
        ws.cell(row=pr + 4 + k, column=3, value="（批量生成时指定）")
    ws.cell(row=pr + 2, column=1, value="提成比例")
    ws.cell(row=pr + 2, column=2, value=cached(rate) if rate is not None else "（本方案无公共提成）").number_format = P.PERCENT
    ws.cell(row=pr + 3, column=1, value="客服人数")
    ws.cell(row=pr + 3, column=2, value=len(team.agents)).number_format = '0" 人"'
    for r in range(pr + 1, pr + 4 + len(given)):
        ws.cell(row=r, column=1).fill = P.HEAD_FILL
        ws.cell(row=r, column=2).alignment = P.RIGHT
    ws.merge_cells(start_row=pr, end_row=pr, start_column=1, end_column=2)
    P.box(ws, pr, pr + 3 + len(given), 1, 2, st)

    widths = P.fit_columns(ws, "ABCDEFGHJ", values, first_row=hr, last_row=pr + 3 + len(given), minimum=6, maximum=24)
    widths["A"] = ws.column_dimensions["A"].width = max(widths["A"], 11)  # the pool's labels
    widths["I"] = ws.column_dimensions["I"].width = min(36, max(8, max(
        (P.text_width(ws.cell(row=r, column=9).value) for r in range(hr, last + 1)), default=4) + 2))
    for r in range(first, last + 1):
        flags = ws.cell(row=r, column=9).value
        if flags and P.text_width(flags) > widths["I"] - 1:
            ws.row_dimensions[r].height = P.wrapped_height(flags, widths["I"])
    ws.column_dimensions["K"].hidden = True
    ws.freeze_panes = f"C{first}"
    P.a4(ws, landscape=True, title_rows=f"{hr}:{hr}")
    if order:
        table = Table(displayName=TABLE_NAME, ref=f"A{hr}:K{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        table._initialise_columns()
        for col, (h, _, _) in zip(table.tableColumns, COLUMNS):
            col.name = h
        ws.add_table(table)
        _colour(ws, scheme, first, last)
    ranked_n = len(team.ranking())
    if order and not ranked_n:  # an empty chart would say nothing: say why there is none
        ws.cell(row=pr + 5 + len(given), column=1, value=NO_CHART).font = Font(color="9C5700")
    if ranked_n:
        ch = BarChart()
        ch.type = "bar"
        ch.title = "总分排名"
        ch.y_axis.title = "总分"
        ch.add_data(Reference(ws, min_col=3, min_row=hr, max_row=hr + ranked_n), titles_from_data=True)
        ch.set_categories(Reference(ws, min_col=2, min_row=first, max_row=hr + ranked_n))
        ch.x_axis.scaling.orientation = "maxMin"  # rank 1 on top, as in the table
        ch.y_axis.crosses = "max"  # ... and the score axis still below the bars
        height = min(BAR_CM_MAX, max(BAR_CM_MIN, BAR_CM_PER_AGENT * ranked_n + 2.5))
        ch.height, ch.width = height, 16
        ch.legend = None
        anchor = pr + 5 + len(given)
        ws.add_chart(ch, f"A{anchor}")
        P.keep_on_one_page(ws, anchor, height, widths=list(widths.values()), landscape=True, title_rows=1)
    summary_values = {SUMMARY: values}

    hs = wb.create_sheet(HISTORY_SHEET)
    hs.append(list(HISTORY_HEADER) + [HISTORY_START])
    start = min(history_start or month, month) if month else history_start
    for r, a in enumerate(team.agents, start=2):  # row numbers counted: ws.max_row scans every cell
        hs.append([month, None, a.rank, a.grade, _violations(scheme, figures.get(a.agent, {})),
                   "否" if a.excluded else "是", start])
        write_text_cell(hs.cell(row=r, column=2), a.agent)
        for c in (1, 3, 4, 5, 6, 7):
            st(hs.cell(row=r, column=c), alignment=P.CENTER)
        st(hs.cell(row=r, column=2), alignment=P.LEFT)
    hlast = len(team.agents) + 1
    hcols = len(HISTORY_HEADER) + 1
    P.header(hs, 1, 1, hcols, st)
    P.box(hs, 1, hlast, 1, hcols, st)
    P.fit_columns(hs, "ABCDEFG", minimum=8, maximum=30, pad=4)
    hs.freeze_panes = "A2"
    P.a4(hs, title_rows="1:1")

    if scheme.daily is not None and daily:
        rows = []
        for a in team.agents:
            for p in daily.get(a.agent, []):
                rows.append((p.date, {"咨询人数": p.inquiries, "下单人数": p.orders}))
        pts = daily_trend(rows, scheme.daily.flag_ratio)
        summary_values[DAILY_SHEET] = add_daily_sheet(wb, DAILY_SHEET, pts, scheme.daily.flag_ratio, "全团队每日咨询与下单")

    _problem_sheet(wb.create_sheet(PROBLEMS_SHEET), problems, st)
    if command:
        import json

        cs = wb.create_sheet(REGENERATE_SHEET)
        cs["A1"] = "重新生成本月（例如之前的月份重新生成之后）的命令："
        cs["A1"].font = P.HEAD_FONT
        write_text_cell(cs["A2"], command_text(command))
        write_text_cell(cs["A3"], json.dumps(list(command), ensure_ascii=False))
        cs.row_dimensions[3].hidden = True
        cs.column_dimensions["A"].width = 120
        cs["A2"].alignment = P.WRAP
        cs.row_dimensions[2].height = P.wrapped_height(cs["A2"].value, 120)
        P.a4(cs, landscape=True)
    return workbook_bytes(wb, summary_values)


def _pending(a) -> bool:
    """Whether the agent's total still waits for a supervisor's score."""
    return isinstance(a.total, NA) and a.excluded is None


def _colour(ws, scheme: Scheme, first: int, last: int) -> None:
    """Best grade green, worst red, a total still awaiting scores yellow, a flagged row's 标记 orange."""
    labels = scheme.grades.labels() if scheme.grades is not None else []
    if len(labels) >= 2:
        ws.conditional_formatting.add(f"D{first}:D{last}", FormulaRule(formula=[f'$D{first}="{labels[0]}"'], fill=GOOD_FILL))
        ws.conditional_formatting.add(f"D{first}:D{last}", FormulaRule(formula=[f'$D{first}="{labels[-1]}"'], fill=BAD_FILL))
    for col in "CG":
        ws.conditional_formatting.add(f"{col}{first}:{col}{last}",
                                      FormulaRule(formula=[f'${col}{first}="{PENDING_TOTAL}"'], fill=PENDING_FILL))
    ws.conditional_formatting.add(f"I{first}:I{last}", FormulaRule(formula=[f'LEN($I{first})>0'], fill=FLAG_FILL))
    ws.conditional_formatting.add(f"H{first}:H{last}", FormulaRule(formula=[f'LEN($H{first})>0'], font=Font(color="808080")))


def _problem_sheet(ps, problems: Sequence[Problem], st: P.Styler | None = None) -> None:
    """The 问题 sheet: 级别, 位置 (the file by its name), 说明 — wrapped to fit an A4 landscape page."""
    st = st or P.Styler()
    ps.append(["级别", "位置", "说明"])
    widths = {"A": 8, "B": 44, "C": 80}
    for r, p in enumerate(problems, start=2):
        ps.append([p.label(), None, None])
        where = p.where()
        if p.file and str(p.file) in where:  # the folder is the same for every export: the name says which
            where = where.replace(str(p.file), Path(str(p.file)).name, 1)
        write_text_cell(ps.cell(row=r, column=2), where)
        write_text_cell(ps.cell(row=r, column=3), p.message)
        st(ps.cell(row=r, column=1), alignment=P.TOP_CENTER)
        st(ps.cell(row=r, column=2), alignment=P.WRAP)
        st(ps.cell(row=r, column=3), alignment=P.WRAP)
        ps.row_dimensions[r].height = max(P.wrapped_height(where, widths["B"]), P.wrapped_height(p.message, widths["C"]))
    P.header(ps, 1, 1, 3, st)
    P.box(ps, 1, len(problems) + 1, 1, 3, st)
    for col, w in widths.items():
        ps.column_dimensions[col].width = w
    ps.freeze_panes = "A2"
    if problems:
        ps.auto_filter.ref = f"A1:C{len(problems) + 1}"
    P.a4(ps, landscape=True, title_rows="1:1")


def extra_figures(scheme: Scheme, res, figures: Mapping[str, Any]) -> dict[str, Any]:
    """Values of the month the core does not keep apart: the streak bonus and earlier violations."""
    out: dict[str, Any] = {}
    p = scheme.pay
    if p is None:
        return out
    if any(st.bonus for st in scheme.streaks):
        base = Decimal(0)
        for name in ("奖励",) + tuple(r.input for r in p.rewards):
            v = figures.get(name)
            try:
                n = to_decimal(v) if v not in (None, "") and not isinstance(v, NA) else Decimal(0)
            except ValueError:
                n = Decimal(0)
            amt = Decimal(1) if name == "奖励" else next(r.amount for r in p.rewards if r.input == name)
            base += amt * n
        out[HISTORY_BONUS] = res.pay.get("奖励", Decimal(0)) - base.quantize(Decimal("0.01"))
    if p.fine is not None:
        out[HISTORY_VIOLATIONS] = res.earlier_violations
    return out

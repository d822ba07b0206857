"""The 汇总 workbook of a batch: ranking with a bar chart, pay, the 历史记录 rows the
next month reads back, the daily trend (S10) and the problems found.

``write_summary(path, scheme, team, figures, files, daily, problems)`` writes it;
``add_daily_sheet`` also serves the one-book layout's per-agent trend sheets.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties

from cskpi_xl.core.daily import daily_trend
from cskpi_xl.core.engine import TeamResult
from cskpi_xl.core.numbers import NA_TEXT, to_decimal
from cskpi_xl.core.problems import Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.workbook.apply import save_workbook
from cskpi_xl.workbook.xlformula import cached, cached_total
from cskpi_xl.workbook.xlsxio import write_text_cell

SUMMARY = "汇总"
HISTORY_SHEET = "历史记录"
HISTORY_HEADER = ("月份", "客服", "排名", "等级", "违规次数", "参加考核")
DAILY_SHEET = "每日趋势"
LOW = "低"
HEAD = PatternFill("solid", fgColor="DDEBF7")


def _daily_rows(points) -> list[tuple]:
    return [(d.date, cached(d.inquiries), cached(d.orders), cached(d.rate), LOW if d.low else "") for d in points]


def add_daily_sheet(wb, title: str, points, flag_ratio: Decimal, chart_title: str) -> dict[str, Any]:
    """A daily trend sheet (date, 咨询人数, 下单人数, 转化率, low flag) with a line chart; returns cached values."""
    ws = wb.create_sheet(title)
    ws.append(["日期", "咨询人数", "下单人数", "转化率", "低转化", "", "标记比例", float(flag_ratio)])
    for c in ws[1][:5]:
        c.font = Font(bold=True)
        c.fill = HEAD
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
    for i, (d, inq, orders, rate, low) in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=d)
        ws.cell(row=i, column=2, value=inq)
        ws.cell(row=i, column=3, value=orders)
        ws.cell(row=i, column=4, value=f'=IF(N(B{i})=0,"{NA_TEXT}",C{i}/B{i})').number_format = "0.00%"
        values[f"D{i}"] = rate
        ws.cell(row=i, column=5, value=f'=IF(AND(ISNUMBER(D{i}),ISNUMBER($H$2)),IF(D{i}<$H$1*$H$2,"{LOW}",""),"")')
        values[f"E{i}"] = low
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["G"].width = 12
    if n:
        ch = LineChart()
        ch.title = chart_title
        ch.y_axis.title = "人数"
        ch.x_axis.title = "日期"
        ch.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
        ch.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        ch.height, ch.width = 8, 18
        ws.add_chart(ch, "G5")
    return values


def _violations(scheme: Scheme, figures: Mapping[str, Any]) -> int:
    name = scheme.pay.fine.input if scheme.pay and scheme.pay.fine else "违规次数"
    try:
        return int(to_decimal(figures.get(name) or 0))
    except (ValueError, TypeError):
        return 0


def write_summary(path: Path, scheme: Scheme, team: TeamResult, figures: Mapping[str, Mapping[str, Any]],
                  files: Mapping[str, str], daily: Mapping[str, list], problems: Sequence[Problem]) -> Path:
    """The 汇总 workbook: ranking with a bar chart, history rows, daily trend (S10), problems."""
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY
    month = team.month or ""
    ws["A1"] = f"{scheme.name} · {month} 汇总"
    ws["A1"].font = Font(bold=True, size=14)
    header = ["排名", "客服昵称", "总分", "等级", "个人提成", "公共提成", "当月工资", "不参加考核", "标记", "文件", "参与排名的总分"]
    hr = 3
    for c, h in enumerate(header, start=1):
        cell = ws.cell(row=hr, column=c, value=h)
        cell.font = Font(bold=True)
        cell.fill = HEAD
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
        ws.cell(row=r, column=3, value=cached_total(a.total)).number_format = "0.00"
        ws.cell(row=r, column=4, value=a.grade or "")
        ws.cell(row=r, column=5, value=cached(a.commission)).number_format = "#,##0.00"
        ws.cell(row=r, column=6, value=cached(a.public_commission)).number_format = "#,##0.00"
        ws.cell(row=r, column=7, value=cached(a.pay_total) if a.pay_total is not None else None).number_format = "#,##0.00"
        write_text_cell(ws.cell(row=r, column=8), a.excluded or "")
        write_text_cell(ws.cell(row=r, column=9), "；".join(a.flags + a.grade_notes))
        write_text_cell(ws.cell(row=r, column=10), files.get(a.agent, ""))
    tr_ = last + 1
    ws.cell(row=tr_, column=2, value="合计").font = Font(bold=True)
    for col, key in ((5, "commission"), (6, "public_commission"), (7, "pay_total")):
        letter = "EFG"[col - 5]
        ws.cell(row=tr_, column=col, value=f"=SUM({letter}{first}:{letter}{last})").number_format = "#,##0.00"
        values[f"{letter}{tr_}"] = float(sum((getattr(a, key) or Decimal(0)) for a in order))
    pr = tr_ + 2
    ws.cell(row=pr, column=1, value="公共提成池").font = Font(bold=True)
    pub = team.team.get("公共销售额")
    rate = scheme.pay.public_rate if scheme.pay and scheme.pay.public_rate is not None else None
    ws.cell(row=pr + 1, column=1, value="公共销售额")
    ws.cell(row=pr + 1, column=2, value=cached(pub)).number_format = "#,##0.00"
    ws.cell(row=pr + 2, column=1, value="提成比例")
    ws.cell(row=pr + 2, column=2, value=cached(rate) if rate is not None else "（本方案无公共提成）").number_format = "0.00%"
    ws.cell(row=pr + 3, column=1, value="客服人数")
    ws.cell(row=pr + 3, column=2, value=len(team.agents))
    for c, w in zip("ABCDEFGHIJK", (6, 14, 9, 8, 11, 11, 11, 22, 30, 22, 8)):
        ws.column_dimensions[c].width = w
    ws.column_dimensions["K"].hidden = True
    ws.freeze_panes = f"A{first}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{hr}:{hr}"
    if order:
        ch = BarChart()
        ch.type = "bar"
        ch.title = "总分排名"
        ch.y_axis.title = "总分"
        ranked_n = len(team.ranking()) or len(order)
        ch.add_data(Reference(ws, min_col=3, min_row=hr, max_row=hr + ranked_n), titles_from_data=True)
        ch.set_categories(Reference(ws, min_col=2, min_row=first, max_row=hr + ranked_n))
        ch.height, ch.width = 8, 16
        ch.legend = None
        ws.add_chart(ch, f"A{pr + 6}")
    summary_values = {SUMMARY: values}

    hs = wb.create_sheet(HISTORY_SHEET)
    hs.append(list(HISTORY_HEADER))
    for r, a in enumerate(team.agents, start=2):  # row numbers counted: ws.max_row scans every cell
        hs.append([month, None, a.rank, a.grade, _violations(scheme, figures.get(a.agent, {})),
                   "否" if a.excluded else "是"])
        write_text_cell(hs.cell(row=r, column=2), a.agent)

    if scheme.daily is not None and daily:
        rows = []
        for a in team.agents:
            for p in daily.get(a.agent, []):
                rows.append((p.date, {"咨询人数": p.inquiries, "下单人数": p.orders}))
        pts = daily_trend(rows, scheme.daily.flag_ratio)
        summary_values[DAILY_SHEET] = add_daily_sheet(wb, DAILY_SHEET, pts, scheme.daily.flag_ratio, "全团队每日咨询与下单")

    ps = wb.create_sheet("问题")
    ps.append(["级别", "位置", "说明"])
    for r, p in enumerate(problems, start=2):
        ps.append([p.label(), None, None])
        write_text_cell(ps.cell(row=r, column=2), p.where())
        write_text_cell(ps.cell(row=r, column=3), p.message)
    ps.column_dimensions["B"].width = 50
    ps.column_dimensions["C"].width = 80
    save_workbook(wb, path, summary_values)
    return path

"""The built-in templates: each scheme's form, written in the template language.

:func:`build_template` lays out the shop's form for a scheme — title, agent
and month, one row per item (rule text, full marks/weight, value, appraiser
or rubric input columns, points, notes), total, grade, commission and pay,
the supervisor's comment, the figures the rules read, signature lines — with
placeholders (:mod:`cskpi_xl.workbook.template`) where the values go, plus
the 规则 sheet, a 设置 sheet for the Excel button and the ``xlwings.conf``
sheet. :func:`template_bytes` gives reproducible bytes (fixed properties and
zip timestamps); :func:`build_all` writes every built-in scheme's template
into a folder (``cskpi templates``, ``scripts/build_templates.py``).

>>> from cskpi_xl.core.schemefile import builtin
>>> wb = build_template(builtin("duoyi"))
>>> wb.sheetnames
['考核表', '规则', '设置', 'xlwings.conf']
>>> wb["考核表"]["B2"].value
'{{客服昵称}}'
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from cskpi_xl.core import names as N
from cskpi_xl.core.metrics import RATIO_BY_NAME
from cskpi_xl.core.scheme import PostPay, Scheme
from cskpi_xl.workbook import printing as P
from cskpi_xl.workbook import rulesheet
from cskpi_xl.workbook.apply import RULE_STYLES
from cskpi_xl.workbook.save import workbook_bytes
from cskpi_xl.workbook.printing import BOX, HEAD_FILL
from cskpi_xl.workbook.rulesheet import CellKind
from cskpi_xl.workbook.sheetnames import SETTINGS, SETTINGS_HEADER, UDF_MODULE, XLWINGS_CONF
from cskpi_xl.workbook.xlformula import inputs_needed

MAIN = "考核表"

HEAD = HEAD_FILL  # the header fill every printed table shares (workbook/printing)
TOTAL = PatternFill("solid", fgColor="F2F2F2")
INPUT = PatternFill("solid", fgColor="FFF2CC")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)

SETTINGS_ROWS = (
    ("方案", "方案编号、方案的中文名称或方案文件路径", None),
    ("月份", "考核月份，例如 2026-10", None),
    ("客服昵称", "要填写的客服（与导出表或别名表一致）", None),
    ("输出文件夹", "批量生成时的输出文件夹；每月一个文件夹时放在同一个上级文件夹下并以月份命名，如 D:\\绩效\\2026-10、D:\\绩效\\2026-11（连续月份的奖励和标记要读之前月份的汇总）", None),
    ("历史记录", "可不填：之前月份的汇总_*.xlsx 或它们所在的文件夹（不在输出文件夹旁边时才需要）", None),
    ("手工录入", "手工录入表的路径（可不填）", None),
    ("别名表", "别名表的路径：子账号 → 客服（可不填）", None),
    ("导出文件", "导出文件的路径，一行一个；更多文件接着往下写（A 列留空），也可以写一个文件夹", None),
)
#: Blank rows left under the settings for more exports (read as further 导出文件 rows).
SETTINGS_SPARE = 5
SETTINGS_NOTE = ("点「填充本表」按钮：按上面的设置导入导出文件，把本表填成该客服的考核表（公式保留，数值同时写入）；"
                 "点「批量生成全部」：为每位客服各生成一份，另加汇总表，写到输出文件夹。")


def columns(scheme: Scheme) -> list[tuple[str, str, float]]:
    """The item table's columns: (header, field placeholder, width)."""
    cols = [("序号", "序号", 5), ("考核项目", "名称", 13), ("考核标准", "规则", 38),
            ("权重" if scheme.total == "sections" else "满分", "=满分", 7), ("数值", "=数值", 11)]
    if scheme.review is not None:
        cols += [(c, c, 9) for c in scheme.review.columns]
    elif any(it.value_rule is not None for it in scheme.items):
        cols.append(("评分", "评分", 9))
    cols += [("得分", "=得分", 9), ("说明", "说明", 30)]
    return cols


def _box(ws, row: int, ncols: int, fill=None, bold: bool = False) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.border = BOX
        cell.alignment = WRAP if c in (3, ncols) else CENTER
        if fill is not None:
            cell.fill = fill
        if bold:
            cell.font = Font(bold=True)


def _label_value(ws, row: int, ncols: int, label: str, placeholder: str, fmt: str | None = None) -> None:
    """A results row: label across the first columns, value in the 得分 column."""
    ws.cell(row=row, column=1, value=label)
    ws.merge_cells(start_row=row, end_row=row, start_column=1, end_column=ncols - 2)
    v = ws.cell(row=row, column=ncols - 1, value=placeholder)
    if fmt:
        v.number_format = fmt
    _box(ws, row, ncols, TOTAL, bold=True)
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="right", vertical="center")


def build_template(scheme: Scheme) -> Workbook:
    """The scheme's form as a template workbook (placeholders, 规则, 设置, xlwings.conf)."""
    wb = Workbook()
    ws = wb.active
    ws.title = MAIN
    cols = columns(scheme)
    n = len(cols)
    last = get_column_letter(n)
    for i, (_, _, w) in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w

    ws["A1"] = scheme.name
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 28
    ws["A2"], ws["B2"] = "客服", "{{客服昵称}}"
    ws["C2"] = "考核月份：{{月份}}"
    ws.cell(row=2, column=n - 1, value="排名")
    ws.cell(row=2, column=n, value="{{排名}}")
    for c in ("A2", "C2"):
        ws[c].font = Font(bold=True)
    ws["B2"].font = Font(bold=True, color="1F4E78")

    row = 4
    for i, (h, _, _) in enumerate(cols, start=1):
        ws.cell(row=row, column=i, value=h)
    _box(ws, row, n, HEAD, bold=True)
    header_row = row

    def item_row(r: int, name: str, index: int) -> None:
        for c, (_, fld, _) in enumerate(cols, start=1):
            eq = fld.startswith("=")
            f = fld.lstrip("=")
            if f == "序号":
                ws.cell(row=r, column=c, value=index)
            elif f == "名称":
                ws.cell(row=r, column=c, value=name)
            elif f == "说明" and scheme.review is not None and scheme.review.self_column:
                # the agent reads on their own sheet where their self score and the final one differ
                ws.cell(row=r, column=c, value=f"{{{{{name}.说明}}}}\n{{{{{name}.差异}}}}")
            else:
                ws.cell(row=r, column=c, value=f"{{{{{'=' if eq else ''}{name}.{f}}}}}")
        _box(ws, r, n)
        it = scheme.item(name)
        rule_text = it.text or "；".join(x.describe() for x in it.rules)
        per_line = max(1, int(cols[2][2] / 2) - 1)
        ws.row_dimensions[r].height = max(2, -(-len(rule_text) // per_line)) * 14
        for c, (_, fld, _) in enumerate(cols, start=1):
            if fld.lstrip("=") in ("得分",):
                ws.cell(row=r, column=c).number_format = "0.00"

    index = 0
    if scheme.sections:
        for sec in scheme.sections:
            row += 1
            w = "不加权，直接加到总分" if sec.addon else f"权重 {sec.weight.normalize():f}%"
            ws.cell(row=row, column=1, value=f"{sec.name}（{w}，{'各项合计' if sec.combine == 'sum' else '各项平均'}）")
            ws.merge_cells(start_row=row, end_row=row, start_column=1, end_column=n - 2)
            ws.cell(row=row, column=n - 1, value=f"{{{{=分区.{sec.name}}}}}").number_format = "0.00"
            _box(ws, row, n, TOTAL, bold=True)
            ws.cell(row=row, column=1).alignment = Alignment(horizontal="left", vertical="center")
            for it in scheme.items:
                if it.section == sec.name:
                    index += 1
                    row += 1
                    item_row(row, it.name, index)
    else:
        for it in scheme.items:
            index += 1
            row += 1
            item_row(row, it.name, index)

    row += 1
    _label_value(ws, row, n, "总分", "{{=总分}}", "0.00")
    if scheme.grades is not None:
        row += 1
        _label_value(ws, row, n, "等级", "{{=等级}}")
        attrs: list[str] = []
        for b in scheme.grades.bands:
            for k in b.attrs:
                if k not in attrs:
                    attrs.append(k)
        for a in attrs:
            if a == N.POST_PAY and scheme.pay is not None and scheme.pay.post_pay == PostPay.GRADE:
                continue
            row += 1
            _label_value(ws, row, n, a, f"{{{{=等级.{a}}}}}", "0%" if a == N.PERFORMANCE_PAY_RATIO else None)
    if scheme.exclusions:
        row += 1
        _label_value(ws, row, n, "不参加考核", "{{=不参加考核}}")
    if scheme.commission is not None or scheme.pay is not None:
        row += 1
        _label_value(ws, row, n, f"个人提成（按{getattr(scheme.commission, 'basis', '销售额')}）", "{{=个人提成}}", "#,##0.00")
    if scheme.pay is not None:
        from cskpi_xl.workbook.xlformula import Emitter  # the pay parts the core lists
        parts = Emitter(scheme, rulesheet.RuleRefs(), {}, None).pay_parts()
        for p in parts:
            if p == N.OWN_COMMISSION:
                continue
            row += 1
            _label_value(ws, row, n, p, f"{{{{=工资.{p}}}}}", "#,##0.00")
        row += 1
        _label_value(ws, row, n, "当月工资", "{{=当月工资}}", "#,##0.00")
    row += 1
    _label_value(ws, row, n, "标记", "{{标记}}")
    ws.cell(row=row, column=n - 1).alignment = WRAP
    ws.merge_cells(start_row=row, end_row=row, start_column=n - 1, end_column=n)

    row += 1
    ws.cell(row=row, column=1, value="主管评语")
    ws.cell(row=row, column=2, value="{{主管评语}}")
    ws.merge_cells(start_row=row, end_row=row, start_column=2, end_column=n)
    _box(ws, row, n)
    ws.cell(row=row, column=1).font = Font(bold=True)
    ws.cell(row=row, column=2).alignment = Alignment(vertical="top", wrap_text=True)
    ws.row_dimensions[row].height = 48

    # the figures the rules read
    row += 2
    ws.cell(row=row, column=1, value="考核数据（导出与录入；带公式的指标自动计算）").font = Font(bold=True, color="1F4E78")
    row += 1
    for c, h in ((2, "名称"), (3, "说明"), (4, "数值")):
        ws.cell(row=row, column=c, value=h)
    ws.merge_cells(start_row=row, end_row=row, start_column=4, end_column=5)
    for c in range(2, 6):
        ws.cell(row=row, column=c).border = BOX
        ws.cell(row=row, column=c).fill = HEAD
        ws.cell(row=row, column=c).font = Font(bold=True)
    for name in inputs_needed(scheme):
        row += 1
        derived = name in RATIO_BY_NAME or name == "咨询占比" or name in scheme.params
        ws.cell(row=row, column=2, value=name)
        nm = N.ALL.get(name)
        ws.cell(row=row, column=3, value=(nm.help or "") if nm else ("参数（见规则表）" if name in scheme.params else "按往月汇总"))
        ws.cell(row=row, column=4, value=f"{{{{{'=' if derived else ''}{name}}}}}")
        ws.merge_cells(start_row=row, end_row=row, start_column=4, end_column=5)
        for c in range(2, 6):
            ws.cell(row=row, column=c).border = BOX
        ws.cell(row=row, column=3).alignment = WRAP

    row += 2
    sig = [(1, "本人签名："), (3, "主管签名："), (n - 2 if n > 5 else 4, "审批：")]
    for c, t in sig:
        ws.cell(row=row, column=c, value=t).font = Font(bold=True)
    row += 1
    ws.cell(row=row, column=1, value="日期：")
    ws.cell(row=row, column=3, value="日期：")
    ws.cell(row=row, column=n - 2 if n > 5 else 4, value="日期：")

    # print set-up: A4, fit to one page wide, title rows repeat
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"1:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = f"A{header_row + 1}"
    ws.protection.sheet = True
    unlock_inputs(ws, scheme)

    # 规则
    rs = wb.create_sheet(rulesheet.SHEET)
    cells, _ = rulesheet.layout(scheme)
    for rc in cells:
        c = rs.cell(row=rc.row, column=rc.col, value=rc.value)
        if rc.number_format:
            c.number_format = rc.number_format
        for attr, v in RULE_STYLES.get(rc.kind, {}).items():
            setattr(c, attr, v)
    print_rules_sheet(rs, cells)

    st = wb.create_sheet(SETTINGS)
    st["A1"], st["B1"], st["C1"] = SETTINGS_HEADER
    P.header(st, 1, 1, 3)
    widths = {"A": 12, "B": 44, "C": 44, "D": 20}
    for col, w in widths.items():
        st.column_dimensions[col].width = w
    for i, (k, help_, _) in enumerate(SETTINGS_ROWS, start=2):
        st.cell(row=i, column=1, value=k).font = Font(bold=True)
        st.cell(row=i, column=2, value=scheme.id if k == "方案" else None)
        st.cell(row=i, column=3, value=help_).alignment = P.WRAP
        st.cell(row=i, column=2).fill = INPUT
        st.row_dimensions[i].height = P.wrapped_height(help_, widths["C"])
    last = len(SETTINGS_ROWS) + 1
    for r in range(last + 1, last + 1 + SETTINGS_SPARE):  # more exports, a row each, A left blank
        st.cell(row=r, column=2).fill = INPUT
    P.box(st, 1, last + SETTINGS_SPARE, 1, 3)
    note = last + SETTINGS_SPARE + 2
    st.cell(row=note, column=1, value=SETTINGS_NOTE).alignment = P.WRAP
    st.merge_cells(start_row=note, end_row=note, start_column=1, end_column=3)
    st.row_dimensions[note].height = P.wrapped_height(SETTINGS_NOTE, sum(widths[c] for c in "ABC"))
    P.a4(st)

    xc = wb.create_sheet(XLWINGS_CONF)
    xc["A1"], xc["B1"] = "UDF Modules", UDF_MODULE
    xc.sheet_state = "hidden"

    wb.properties.title = scheme.name
    wb.properties.subject = f"{scheme.source} {scheme.id}"
    wb.properties.creator = "cskpi_xl"
    return wb


#: The 规则 sheet's columns: numbers and short labels at most this wide; the last column (the rule
#: text of each item) this wide, wrapped.
RULES_COLUMN_MAX, RULES_TEXT_WIDTH = 14, 40


def print_rules_sheet(rs, cells) -> None:
    """Lay out the 规则 sheet for print: A4 landscape, one page wide, readable.

    Columns are as wide as their numbers and short labels; the long rule texts of the last
    column wrap; a note longer than the tables are wide wraps across them; a long text
    that would run into a filled cell wraps in its own cell. Row heights follow the lines.
    """
    last_col = max((rc.col for rc in cells), default=1)
    by_pos = {(rc.row, rc.col): rc for rc in cells}
    widths: dict[int, float] = {}
    for rc in cells:
        if rc.kind != CellKind.DATA:
            continue
        w = P.text_width(P.shown(rc.value, rc.number_format)) + 2
        widths[rc.col] = max(widths.get(rc.col, 6), min(RULES_COLUMN_MAX, w))
    for rc in cells:  # a header may wrap onto two lines, but not more
        if rc.kind == CellKind.HEADER:
            widths[rc.col] = max(widths.get(rc.col, 6), min(RULES_COLUMN_MAX, P.text_width(rc.value) / 2 + 2))
    widths[last_col] = max(widths.get(last_col, 6), min(RULES_TEXT_WIDTH, max(
        (P.text_width(rc.value) + 2 for rc in cells if rc.col == last_col and rc.kind == CellKind.DATA), default=6)))
    for col in range(1, last_col + 1):
        widths.setdefault(col, 6)
        rs.column_dimensions[get_column_letter(col)].width = widths[col]
    total = sum(widths.values())
    heights: dict[int, float] = {}
    for rc in cells:
        if not isinstance(rc.value, str) or rc.kind == CellKind.TITLE:
            continue
        text = P.text_width(rc.value)
        if rc.kind == CellKind.HEADER:
            if text > widths[rc.col] - 1:
                heights[rc.row] = max(heights.get(rc.row, P.LINE), 2 * P.LINE)
            continue
        room = sum(widths[c] for c in range(rc.col, last_col + 1)
                   if c == rc.col or not any((rc.row, k) in by_pos for k in range(rc.col + 1, c + 1)))
        if rc.col == last_col or text > room - 1:
            c = rs.cell(row=rc.row, column=rc.col)
            c.alignment = Alignment(vertical="top", wrap_text=True)
            width = widths[rc.col]
            if rc.kind == CellKind.NOTE and rc.col == 1 and not any((rc.row, k) in by_pos for k in range(2, last_col + 1)):
                rs.merge_cells(start_row=rc.row, end_row=rc.row, start_column=1, end_column=last_col)
                width = total
            heights[rc.row] = max(heights.get(rc.row, P.LINE), P.wrapped_height(rc.value, width))
    for row, h in heights.items():
        rs.row_dimensions[row].height = h
    for rc in cells:  # a row of wrapped text reads from its top line
        if rc.row in heights and rc.kind == CellKind.DATA:
            c = rs.cell(row=rc.row, column=rc.col)
            c.alignment = Alignment(horizontal=c.alignment.horizontal, vertical="top", wrap_text=c.alignment.wrap_text)
    P.a4(rs, landscape=True)


def unlock_inputs(ws, scheme: Scheme) -> None:
    """Unlock (and shade) the template cells that take typed input: scores, appraiser columns, comments, counts.

    Rubric and score cells get their dropdown or range check in the template
    itself, so HR typing into an unfilled template is guided too.
    """
    from cskpi_xl.workbook.apply import add_validation
    from cskpi_xl.workbook.template import _Resolver, parse

    res = _Resolver(scheme, "", None)
    checks: dict[str, list[str]] = {}
    for r in ws.iter_rows():
        for c in r:
            if not isinstance(c.value, str):
                continue
            phs = [p for _, p in parse(c.value) if p]
            if len(phs) != 1:
                continue
            t = res.resolve(phs[0][0], None)
            if t is not None and t.input:
                c.protection = Protection(locked=False)
                c.fill = INPUT
                if t.validation:
                    checks.setdefault(t.validation, []).append(c.coordinate)
    for spec, cells in checks.items():
        add_validation(ws, spec, cells)


def template_bytes(scheme: Scheme) -> bytes:
    """The built-in template of ``scheme`` as reproducible .xlsx bytes."""
    return workbook_bytes(build_template(scheme), reproducible=True)


def build_all(out: str | Path) -> list[Path]:
    """Build every built-in template into ``out``; returns the files written."""
    from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
    from cskpi_xl.files.atomic import atomic_write

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sid in BUILTIN_IDS:
        path = out / f"{sid}.xlsx"
        data = template_bytes(builtin(sid))
        if path.exists() and path.read_bytes() == data:
            written.append(path)
            continue
        with atomic_write(path, "wb") as f:
            f.write(data)
        written.append(path)
    return written

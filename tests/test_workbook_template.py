"""Built-in templates: reproducible, complete, and the template language on HR's own form."""

from __future__ import annotations

import glob
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.workbook.apply import apply_plan
from cskpi_xl.workbook.save import workbook_bytes
from cskpi_xl.workbook.builder import template_bytes
from cskpi_xl.workbook.template import TemplateCell, plan_fill, read_template

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sid", BUILTIN_IDS)
def test_committed_template_is_rebuilt_identically(sid):
    data = template_bytes(builtin(sid))
    assert data == template_bytes(builtin(sid))
    assert (ROOT / "workbook_templates" / f"{sid}.xlsx").read_bytes() == data, "run: cskpi templates"


@pytest.mark.parametrize("sid", BUILTIN_IDS)
def test_template_parts(sid):
    scheme = builtin(sid)
    wb = load_workbook(io.BytesIO(template_bytes(scheme)))
    assert wb.sheetnames[:2] == ["考核表", "规则"] and "设置" in wb.sheetnames
    ws = wb["考核表"]
    assert ws["A1"].value == scheme.name
    assert ws.protection.sheet and ws.page_setup.fitToWidth == 1 and ws.print_title_rows
    conf = wb["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "cskpi_xl.udfs")
    settings = [r[0] for r in wb["设置"].iter_rows(min_row=2, max_row=14, values_only=True)]
    assert settings == ["方案", "月份", "客服昵称", "输出文件夹", "历史记录", "手工录入", "别名表", "导出文件"] + [None] * 5
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("本人签名" in t for t in texts) and any("主管签名" in t for t in texts) and any("审批" in t for t in texts)
    if scheme.review is not None:
        header = [c.value for c in ws[4]]
        assert all(col in header for col in scheme.review.columns)
        unlocked = [c for row in ws.iter_rows() for c in row if c.protection.locked is False]
        assert len(unlocked) >= len(scheme.items) * len(scheme.review.columns)
    # filling it for nobody in particular raises no unknown placeholder
    team, _ = score_team(scheme, {"小美": {"销售额": 30000, "询单人数": 100, "最终付款人数": 30}}, "2026-10")
    plan = plan_fill(read_template(wb), scheme, team, "小美")
    assert plan.problems == []


def test_hr_form_with_repeat_rows_and_unknown_placeholder():
    """HR's own form: a repeat row, results below it, a typo reported with sheet and cell."""
    wb = Workbook()
    ws = wb.active
    ws.title = "我的考核表"
    ws["A1"] = "客服：{{客服昵称}}（{{月份}}）"
    ws.append(["项目", "标准", "满分", "得分"])
    ws.append(["{{#项目}}{{项目.名称}}", "{{项目.规则}}", "{{=项目.满分}}", "{{=项目.得分}}"])
    ws.append(["合计", None, None, "{{=总分}}"])
    ws.append(["=SUM(D3:D3)", None, None, "{{总粉}}"])
    ws.append(["询单人数", "{{询单人数}}", "转化率", "{{=咨询转化率}}"])
    scheme = builtin("duoyi")
    team, _ = score_team(scheme, {"小美": {"询单人数": 600, "最终付款人数": 240, "销售额": 36000, "销售人数": 250},
                                  "小王": {"询单人数": 100, "最终付款人数": 30}}, "2026-10")
    plan = plan_fill(read_template(wb), scheme, team, "小美", file="我的.xlsx")
    assert [(p.sheet, p.row, p.column, p.value) for p in plan.problems] == [("我的考核表", 12, "D", "总粉")]
    assert plan.problems[0].message == "未知的占位符「{{总粉}}」"
    values = apply_plan(wb, plan)
    ws = wb["我的考核表"]
    assert ws["A1"].value == "客服：小美（2026-10）"
    names = [ws.cell(row=r, column=1).value for r in range(3, 3 + len(scheme.items))]
    assert names == [it.name for it in scheme.items]
    total_row = 3 + len(scheme.items)
    assert ws.cell(row=total_row, column=4).value.startswith("=IF(COUNT(D3,D4,")
    assert ws.cell(row=total_row + 1, column=1).value == "=SUM(D3:D3)"   # HR's own formula kept
    conv = ws.cell(row=total_row + 2, column=4).value
    assert "B13" in conv                                                 # reads the 询单人数 cell HR placed
    # the 咨询转化率 item's points formula reads the live metric cell
    assert f"D{total_row + 2}" in ws.cell(row=4, column=4).value
    assert values["我的考核表"][f"D{total_row}"] == float(team.agent("小美").total)
    assert "规则" in wb.sheetnames


def test_cached_values_are_in_the_file():
    scheme = builtin("standard")
    wb = load_workbook(io.BytesIO(template_bytes(scheme)))
    team, _ = score_team(scheme, {"小美": {"销售额": 22000, "计划销售额": 20000}}, "2026-10")
    values = apply_plan(wb, plan_fill(read_template(wb), scheme, team, "小美"))
    data = workbook_bytes(wb, values)
    cached = load_workbook(io.BytesIO(data), data_only=True)["考核表"]
    flat = [c.value for row in cached.iter_rows() for c in row]
    assert 330 in flat                     # 250 + 4% × 2,000 personal commission, cached for phone previews


def test_templates_carry_dropdowns_and_fills_do_not_duplicate_them(tmp_path):
    """Rubric cells have their dropdown already in the template; a filled sheet has exactly one check per cell."""
    from openpyxl import load_workbook

    from cskpi_xl.workbook.fill import fill_template

    ws = load_workbook("workbook_templates/employee_form.xlsx")["考核表"]
    specs = {d.formula1: str(d.sqref) for d in ws.data_validations.dataValidation}
    assert '"7,5,3,2,1"' in specs
    exports = tmp_path / "e_2026-10.csv"
    exports.write_text("客服昵称,销售额\n小美,100\n", encoding="utf-8")
    out, _ = fill_template("workbook_templates/employee_form.xlsx", [exports], "小美", "2026-10", out=tmp_path / "o.xlsx")
    ws = load_workbook(out)["考核表"]
    seen: list[tuple[int, int]] = []
    for d in ws.data_validations.dataValidation:
        for rng in d.sqref.ranges:
            seen += list(rng.cells)
    assert seen and len(seen) == len(set(seen))

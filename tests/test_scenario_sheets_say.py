"""Sheets say what matters: the self-rating mismatch on the agent's own sheet, no empty chart,
a section header that reads once, docs and template agree on the 设置 sheet."""

from __future__ import annotations

import glob
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from cskpi_xl.core.schemefile import builtin
from cskpi_xl.workbook.builder import SETTINGS_ROWS, template_bytes
from cskpi_xl.workbook.fill import fill_template
from cskpi_xl.xlbutton import KEYS, parse_settings

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = sorted(glob.glob(str(ROOT / "samples" / "exports" / "*")))
ALIASES = ROOT / "samples" / "manual" / "别名表.csv"


def test_self_rating_mismatch_is_on_the_agents_own_sheet(tmp_path):
    scores = tmp_path / "评分.csv"
    # 工作态度: 自评 7, 主管 5 → final 5 (主管, no 审核): the sheet says they differ; 团队意识 agrees (7 = 7)
    scores.write_text("客服,事项追踪进度(主管),工作积极性(主管),工作责任心(主管),工作态度(自评),工作态度(主管),"
                      "团队意识(自评),团队意识(主管),服从意识(主管)\n"
                      "小美,9,8,7,7,5,7,7,7\n", encoding="utf-8")
    out, problems = fill_template(ROOT / "workbook_templates" / "employee_form.xlsx", EXPORTS, "小美", "2026-10",
                                  out=tmp_path / "小美.xlsx", manual=scores, aliases=ALIASES)
    assert out is not None, [p.format() for p in problems if p.is_error]
    ws = load_workbook(out, data_only=True)["考核表"]
    notes = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=10).value for r in range(5, 18)}
    assert notes["工作态度"] == "工作态度较为端正，工作任务极少延迟\n自评与最终评分不一致"  # 5 分's description
    assert "不一致" not in notes["团队意识"]
    assert "工作态度：自评与最终评分不一致" in [p.message for p in problems]


def test_section_header_reads_once():
    ws = load_workbook(io.BytesIO(template_bytes(builtin("kpi_ko_ksa"))))["考核表"]
    headers = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("加分项")]
    assert headers == ["加分项（不加权，直接加到总分，各项合计）"]


def test_settings_sheet_the_docs_and_the_button_agree():
    ws = load_workbook(io.BytesIO(template_bytes(builtin("duoyi"))))["设置"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("「填充本表」" in t for t in texts) and not any("填写本表" in t for t in texts)
    assert not any("分号" in t for t in texts)  # the button reads one export per row
    names = [r[0] for r in SETTINGS_ROWS]
    assert set(names) <= set(KEYS)  # every row the template offers is one the button reads
    docs = (ROOT / "docs" / "excel_zh.md").read_text(encoding="utf-8")
    table = re.search(r"A 列名称、B 列值：\n\n(.*?)\n\n", docs, re.S).group(1)
    doc_names = [line.split("|")[1].strip() for line in table.splitlines()[2:] if line.split("|")[1].strip()]
    assert sorted(doc_names) == sorted(names)
    # the 导出文件 row is last, so more exports go on the rows below it, as the button reads them
    rows = [[ws.cell(row=r, column=1).value, None] for r in range(1, ws.max_row + 1)]
    i = names.index("导出文件") + 2
    rows[i - 1][1], rows[i][1], rows[i + 1][1] = "a.xlsx", "b.xlsx", "c.csv"
    settings, problems = parse_settings(rows)
    assert settings.exports == ("a.xlsx", "b.xlsx", "c.csv") and problems == []


def test_pay_of_a_pending_total_is_pending_in_the_summary(tmp_path):
    from cskpi_xl.cli import main

    assert main(["batch", "--demo", "--scheme", "kpi_ko_ksa", "--out", str(tmp_path), "--quiet"]) == 0
    ws = load_workbook(tmp_path / "kpi_ko_ksa" / "汇总_2026-10.xlsx", data_only=True)["汇总"]
    rows = [r for r in ws.iter_rows(min_row=4, max_row=11, values_only=True)]
    assert [r[2] for r in rows] == ["待评分"] * 8  # KO and KSA await the supervisor for everyone
    assert [r[6] for r in rows] == ["待评分"] * 8  # so does the pay (its 绩效工资 follows the grade), not 0.00
    assert ws["G12"].value == 0  # the 合计 adds the known pays only
    assert "这里就会出现总分排名图" in ws["A19"].value  # where the chart would stand, under the pool

"""HR changes numbers on a template's 规则 sheet: the filled sheet's scores follow, and the live formulas agree."""

import shutil
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cskpi_xl.core.schemefile import builtin
from cskpi_xl.workbook.fill import fill_template
from cskpi_xl.workbook.rulesheet import layout
from cskpi_xl.workbook.rulesread import openpyxl_value_at, read_rules


def _cell(wb, ref):
    sheet, _, addr = ref.rpartition("!")
    return wb[sheet.strip("'")][addr.replace("$", "")]


@pytest.fixture
def edited_standard(tmp_path):
    """The standard template with three edits: 询单转化率 目标 0.35 → 0.30, the 2nd tier's rate 2% → 3%, 优秀 from 85 → 80."""
    src = tmp_path / "标准模板.xlsx"
    shutil.copy("workbook_templates/standard.xlsx", src)
    wb = load_workbook(src)
    _, refs = layout(builtin("standard"))
    _cell(wb, refs.params["询单转化率目标"]).value = 0.30
    _cell(wb, refs.tier(1, "比例")).value = "3%"
    _cell(wb, refs.grades[(1, "下限")]).value = 80
    _cell(wb, refs.grades[(2, "上限")]).value = 80
    wb.save(src)
    return src


def test_read_rules_applies_the_edits(edited_standard):
    wb = load_workbook(edited_standard)
    scheme, problems = read_rules(builtin("standard"), openpyxl_value_at(wb), "t.xlsx")
    assert scheme.params["询单转化率目标"] == Decimal("0.3")
    # 18,000 in the 2nd tier: 150 + 3% × 3,000 = 240 (was 210)
    assert scheme.commission.commission(18000) == 240
    assert scheme.grades.grade(82).label == "优秀"
    assert any("按「规则」表中修改过的数值计算" in p.message for p in problems)


def test_untouched_template_changes_nothing():
    wb = load_workbook("workbook_templates/standard.xlsx")
    scheme, problems = read_rules(builtin("standard"), openpyxl_value_at(wb))
    assert scheme is builtin("standard") and problems == []


def test_bad_cell_keeps_the_scheme_value(tmp_path):
    src = tmp_path / "t.xlsx"
    shutil.copy("workbook_templates/duoyi.xlsx", src)
    wb = load_workbook(src)
    _, refs = layout(builtin("duoyi"))
    _cell(wb, refs.item_full["咨询转化率"]).value = "二十"
    scheme, problems = read_rules(builtin("duoyi"), openpyxl_value_at(wb), str(src))
    assert scheme.item("咨询转化率").full == 20
    assert any("咨询转化率的满分" in p.message and p.value == "二十" for p in problems)


def test_fill_scores_with_the_edited_rules(edited_standard, tmp_path):
    exports = tmp_path / "e_2026-10.csv"
    # 询单转化率 32%: target 30% → 25 + 2 = 27 (with the scheme's 35% it would be 22); 18,000 sales → 240
    exports.write_text("客服昵称,询单人数,最终付款人数,销售额\n小美,100,32,18000\n", encoding="utf-8")
    out, problems = fill_template(edited_standard, [exports], "小美", "2026-10", out=tmp_path / "小美.xlsx")
    values = [c for row in load_workbook(out, data_only=True)["考核表"].iter_rows(values_only=True) for c in row]
    assert 27 in values and 240 in values


def test_libreoffice_agrees_with_the_edited_rules(edited_standard, tmp_path):
    from tests.test_scenario_lo_crosscheck import compare

    exports = tmp_path / "e_2026-10.csv"
    exports.write_text("客服昵称,询单人数,最终付款人数,销售额,计划销售额\n小美,100,32,18000,20000\n阿强,80,20,26000,20000\n",
                       encoding="utf-8")
    out, _ = fill_template(edited_standard, [exports], "小美", "2026-10", out=tmp_path / "小美.xlsx")
    checked, mismatches = compare([out], tmp_path / "lo")
    assert checked > 20 and mismatches == []


def _edited(tmp_path, scheme_id, edits):
    src = tmp_path / f"{scheme_id}.xlsx"
    shutil.copy(f"workbook_templates/{scheme_id}.xlsx", src)
    wb = load_workbook(src)
    _, refs = layout(builtin(scheme_id))
    for ref, value in edits(refs):
        _cell(wb, ref).value = value
    wb.save(src)
    return read_rules(builtin(scheme_id), openpyxl_value_at(load_workbook(src)), str(src))


def test_tier_table_with_a_gap_keeps_the_scheme_table(tmp_path):
    # the 2nd tier now starts at 16,000: 15,000–16,000 belongs to no tier → an error of the table, kept as a warning
    scheme, problems = _edited(tmp_path, "standard", lambda r: [(r.tier(1, "下限"), 16000)])
    assert scheme.commission is builtin("standard").commission
    assert any(p.message.startswith("提成「第1档」与「第2档」之间有空档") and p.severity == "warning" for p in problems)


def test_tier_rate_of_one_keeps_the_scheme_table(tmp_path):
    scheme, problems = _edited(tmp_path, "standard", lambda r: [(r.tier(1, "比例"), 1)])
    assert scheme.commission is builtin("standard").commission
    assert [p.column for p in problems if "0 到 1" in p.message] == ["比例"]


def test_a_bounded_top_tier_is_used_with_a_warning(tmp_path):
    # the top tier (> 25,000, 2%) now ends at 100,000 (上限 not included: the one default): above it no commission
    scheme, problems = _edited(tmp_path, "standard", lambda r: [(r.tier(3, "上限"), 100000), (r.tier(3, "含上限"), None)])
    t = scheme.commission
    assert [str(t.commission(x)) for x in (99999, 100000, 100001)] == ["1999.98", "0.00", "0.00"]
    assert any(p.message == "最高提成「第4档」有上限 100000，更高的金额没有提成" for p in problems)


def test_coefficient_table_edit_through_the_same_reader(tmp_path):
    # yali: 80–90 → 0.8%; typed 0.9%: a KPI score of 85 on 20,000 sales pays 180.00 (was 160.00)
    scheme, problems = _edited(tmp_path, "yali", lambda r: [(r.coef[(2, "比例")], "0.9%")])
    assert scheme.commission.commission(85, 20000) == Decimal("180.00")
    assert builtin("yali").commission.commission(85, 20000) == Decimal("160.00")
    assert any("系数提成表" in p.message for p in problems)


def test_public_rate_of_one_keeps_the_scheme_rate(tmp_path):
    scheme, problems = _edited(tmp_path, "standard", lambda r: [(r.pay["公共提成比例"], 1)])
    assert scheme.pay.public_rate == Decimal("0.005")
    assert any("公共提成比例应在 0 到 1 之间" in p.message and p.value == 1 for p in problems)

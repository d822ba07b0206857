"""HR edits the 规则 sheet in LibreOffice Calc; the tables are read by their headers.

The edits are made in LibreOffice (rows inserted and deleted, cells typed), the template is then filled
and batched; scores are worked by hand from the rule texts below, and LibreOffice recomputes every formula
of the outputs to the cached values.

duoyi, two agents:
  小美: 询单 100 → 付款 36 (36%), 下单 36 (100%), 销售额 70,000 / 500 buyers (140), 接待 100, one 冲突
  阿强: 询单 100 → 付款 34 (34%), 下单 34 (100%), 销售额 90,000 / 643 buyers (139.97…), 接待 100
"""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.core.schemefile import builtin
from cskpi_xl.workbook import libreoffice
from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.fill import fill_template
from cskpi_xl.workbook.rulesread import find_tables, openpyxl_value_at, read_rules, retext

ROOT = Path(__file__).resolve().parents[1]
needs_lo = pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice (soffice) not installed")

EXPORT = ("客服昵称,询单人数,最终付款人数,下单人数,销售额,销售人数,接待人数,冲突次数\n"
          "小美,100,36,36,70000,500,100,1\n阿强,100,34,34,90000,643,100,0\n")

# The built-in duoyi 规则 sheet (rulesheet.layout): items from row 6 (服务态度 rows 6–7, 咨询转化率 8,
# 平均客单价 11, 其他加减分 13–15, 日常记录 16–18), commission tiers rows 22–25 (≤30,000 / 30,000–50,000 / 50,000–60,000 / >60,000).
EDITS = [
    ("insrows", "规则", 1, 1),                     # a note row at the top: every table moves down one row
    ("settext", "规则", "A1", "注：2026 年 11 月起按本表执行"),
    ("delrows", "规则", 8, 1),                     # 服务态度's second rule row (冲突 −5) deleted: tables move back up
    ("settext", "规则", "E8", "30%"),                 # 咨询转化率 baseline 34% → 30%
    ("set", "规则", "E11", 100),                   # 平均客单价 baseline 团队客单价 → a set 100 yuan
    ("set", "规则", "B17", 25),                    # 日常记录 满分 20 → 25, typed on its second rule row
    ("set", "规则", "B25", 80000),                 # the top tier now ends at 80,000 …
    ("insrows", "规则", 26, 1),                    # … and a new tier row below it: above 80,000 → 1.5% of all sales
    ("set", "规则", "A26", 80000),
    ("settext", "规则", "C26", "否"),
    ("settext", "规则", "D26", "是"),
    ("settext", "规则", "E26", "全额"),
    ("settext", "规则", "F26", "1.5%"),
]

MISTAKES = [
    ("set", "规则", "E8", 34),                     # 咨询转化率 baseline typed as 34 (meant 34%)
    ("set", "规则", "B16", 25),                    # 日常记录 满分 edited on two of its rows, to different numbers
    ("set", "规则", "B17", 30),
]


def points(path: Path) -> dict[str, object]:
    """Item → 得分, and 总分 / 个人提成 / 考核标准 texts, from a filled duoyi sheet's cached values."""
    ws = load_workbook(path, data_only=True)["考核表"]
    out: dict[str, object] = {}
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[0], int) and isinstance(row[1], str):
            out[row[1]] = row[5]
            out[f"{row[1]}:考核标准"] = row[2]
        elif row[0] in ("总分", "个人提成（按销售额）"):
            out[row[0]] = row[5]
    return out


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    from lo_edit import lo_edit as edit

    d = tmp_path_factory.mktemp("rules")
    good, bad = d / "改过的模板.xlsx", d / "改错的模板.xlsx"
    shutil.copy(ROOT / "workbook_templates" / "duoyi.xlsx", good)
    shutil.copy(ROOT / "workbook_templates" / "duoyi.xlsx", bad)
    edit(good, EDITS)
    edit(bad, MISTAKES)
    exports = d / "导出_2026-10.csv"
    exports.write_text(EXPORT, encoding="utf-8")
    return d, good, bad, exports


@needs_lo
def test_the_edits_are_read_by_their_headers(edited):
    d, good, bad, exports = edited
    wb = load_workbook(good)
    tables = find_tables(openpyxl_value_at(wb).grid())
    assert tables["items"].header_row == 6 and tables["tiers"].header_row == 21  # moved by the note row, back by the deletion
    scheme, problems = read_rules(builtin("duoyi"), openpyxl_value_at(wb), str(good))
    assert [r.inputs for r in scheme.item("服务态度").rules] == [("不耐心次数",)]  # the deleted row's rule is gone
    assert scheme.item("咨询转化率").rules[0].upper == D("0.3")
    assert scheme.item("平均客单价").rules[0].upper == D(100)
    assert scheme.item("日常记录").full == 25
    assert [(t.lower, t.upper, t.rate) for t in scheme.commission.tiers][-2:] == [(60000, 80000, D("0.012")),
                                                                               (80000, None, D("0.015"))]
    assert scheme.commission.commission(D(70000)) == D("840.00") and scheme.commission.commission(D(90000)) == D("1350.00")
    (summary,) = [p for p in problems if p.message.startswith("按「规则」表中修改过的数值计算")]
    for what in ("咨询转化率的基准", "平均客单价的基准", "日常记录的满分", "提成表", "删去服务态度的规则"):
        assert what in summary.message
    # the shop's texts follow the numbers
    assert scheme.item("咨询转化率").text == "订单数/咨询人数；高于30%每点加5分，低于30%每点扣5分"
    assert "100" in scheme.item("平均客单价").text and "团队" not in scheme.item("平均客单价").text
    assert "冲突" not in scheme.item("服务态度").text


@needs_lo
def test_fill_and_batch_score_the_edited_rules_and_libreoffice_agrees(edited):
    from test_scenario_lo_crosscheck import compare

    d, good, bad, exports = edited
    # 小美: 服务态度 20 (the 冲突 rule deleted); 咨询转化率 36% vs 30% → 20 + 6 × 5 = 50; 定单销售比 100% → 5 + 5 = 10;
    #   平均响应 n/a → 20; 平均客单价 140 vs 100 → 4 whole tens → 9; 售后 5; 其他 (share 1/2 = per capita) 5;
    #   日常记录 25 (new 满分). Total 144; 70,000 → 60,000–80,000 tier 1.2% → 840.
    # 阿强: 34% → 20 + 4 × 5 = 40; 90,000/643 = 139.97 → 3 whole tens → 8; 10 + 20 + 20 + 5 + 5 + 25;
    #   total 133; 90,000 → the new tier 1.5% → 1,350.
    outs = []
    for agent, total, commission in (("小美", 144, 840), ("阿强", 133, 1350)):
        out, problems = fill_template(good, [exports], agent, "2026-10", out=d / f"{agent}.xlsx")
        assert out is not None, [p.format() for p in problems]
        got = points(out)
        assert got["总分"] == total and got["个人提成（按销售额）"] == commission, got
        outs.append(out)
    got = points(outs[0])
    assert {k: v for k, v in got.items() if ":" not in k and k not in ("总分", "个人提成（按销售额）")} == {
        "服务态度": 20, "咨询转化率": 50, "定单销售比": 10, "平均响应时间": 20, "平均客单价": 9, "售后客服": 5,
        "其他加减分": 5, "日常记录": 25}
    assert got["咨询转化率:考核标准"] == "订单数/咨询人数；高于30%每点加5分，低于30%每点扣5分"
    # the filled 规则 sheet is the edited scheme, laid out afresh: no stale row left (the note row is gone, 5 tiers)
    wb = load_workbook(outs[0])
    assert wb["规则"]["A1"].value.startswith("规则：")
    assert not any("2026 年 11 月" in str(c) for row in wb["规则"].iter_rows(values_only=True) for c in row)
    tiers = find_tables(openpyxl_value_at(wb).grid())["tiers"]
    assert [row[0] for _, row in tiers.rows] == [None, 30000, 50000, 60000, 80000]
    report, problems = run_batch([exports], "duoyi", "2026-10", d / "batch", template=good, progress=False)
    assert report["summary"], [p.format() for p in problems if p.is_error]
    ws = load_workbook(report["summary"], data_only=True)["汇总"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] in ("小美", "阿强")}
    assert (rows["小美"][2], rows["小美"][4]) == (144, 840) and (rows["阿强"][2], rows["阿强"][4]) == (133, 1350)
    files = outs + [Path(p) for p in report["outputs"]]
    n, mismatches = compare(files, d / "lo")
    assert n > 100 and mismatches == [], mismatches[:10]


@needs_lo
def test_unit_mistake_and_conflicting_edits_are_refused_with_a_message(edited):
    d, good, bad, exports = edited
    scheme, problems = read_rules(builtin("duoyi"), openpyxl_value_at(load_workbook(bad)), str(bad))
    assert scheme.item("咨询转化率").rules[0].upper == D("0.34") and scheme.item("日常记录").full == 20
    texts = [p.message for p in problems]
    assert any("咨询转化率的基准" in t and "34%" in t for t in texts), texts
    assert any("日常记录的满分" in t and "不同的数" in t for t in texts), texts
    out, problems = fill_template(bad, [exports], "小美", "2026-10", out=d / "小美_错.xlsx")
    got = points(out)
    # as the scheme: 15 + 30 + 10 + 20 + 5 + 5 + 5 + 20 = 110
    assert got["总分"] == 110 and got["咨询转化率"] == 30


def test_untouched_builtin_templates_read_as_the_schemes():
    from cskpi_xl.core.schemefile import BUILTIN_IDS

    for sid in BUILTIN_IDS:
        wb = load_workbook(ROOT / "workbook_templates" / f"{sid}.xlsx")
        scheme, problems = read_rules(builtin(sid), openpyxl_value_at(wb))
        assert scheme is builtin(sid) and problems == [], sid


def test_a_row_inserted_at_the_top_changes_nothing(tmp_path):
    wb = load_workbook(ROOT / "workbook_templates" / "standard.xlsx")
    wb["规则"].insert_rows(1, 3)
    wb["规则"]["A2"] = "HR 备注"
    scheme, problems = read_rules(builtin("standard"), openpyxl_value_at(wb))
    assert scheme is builtin("standard") and problems == []


def test_retext_falls_back_to_the_rules_when_the_text_does_not_hold_the_number():
    import dataclasses

    it = builtin("duoyi").item("定单销售比")  # 高于95%每点加1分，低于90%每点扣1分
    r = dataclasses.replace(it.rules[0], upper=D("0.96"), above=D(2))
    assert retext(it, dataclasses.replace(it, rules=(r,))) == "付款订单数/下单数；高于96%每点加2分，低于90%每点扣1分"
    r = dataclasses.replace(it.rules[0], unit=D("0.02"))  # "每点" cannot say it: the rule's own words
    assert retext(it, dataclasses.replace(it, rules=(r,))) == r.describe()


def test_option_points_texts_and_shown_only_rules():
    # employee_form: 工作责任心 option 7 → 6 points; 产品发错货率's 说明 rewritten; 表现记事 起始分 (shown only) refused
    wb = load_workbook(ROOT / "workbook_templates" / "employee_form.xlsx")
    ws = wb["规则"]
    ws["C32"], ws["C55"], ws["P6"] = 6, 2, "发错货一次扣1分（2026 版）"
    # (the 评分选项 header is row 31: 工作责任心 "7" is row 32; 其他规则 表现记事 起始分 row 55; 产品发错货率 说明 P6)
    scheme, problems = read_rules(builtin("employee_form"), openpyxl_value_at(wb), "t.xlsx")
    assert [o.points for o in scheme.item("工作责任心").value_rule.options] == [6, 5, 3, 2, 1]
    assert scheme.item("产品发错货率").text == "发错货一次扣1分（2026 版）"
    assert scheme.item("表现记事").base == builtin("employee_form").item("表现记事").base
    assert any("起始分" in p.message and "方案文件" in p.message for p in problems)
    from cskpi_xl.core.engine import score_team

    team, _ = score_team(scheme, {"甲": {"工作责任心(主管)": "7"}})
    assert team.agent("甲").item("工作责任心").points == 6

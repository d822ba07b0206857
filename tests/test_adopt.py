"""cskpi adopt: the shops' own scorecards typed into workbooks become schemes that score like the built-in ones."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

from adopt_sheets import S1_ITEMS, build_s1, build_s4, build_s9
from cskpi_xl.adopt.reader import adopt
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import builtin, load_scheme
from cskpi_xl.pipeline import score_files

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPORTS = sorted(p for p in (SAMPLES / "exports").iterdir() if p.is_file())
MANUAL = SAMPLES / "manual" / "手工录入.xlsx"
ALIASES = SAMPLES / "manual" / "别名表.csv"


def _scores(scheme):
    team, _ = score_files(scheme, [str(p) for p in EXPORTS], manual=str(MANUAL), aliases=str(ALIASES))
    return {a.agent: (a.total, {i.name: i.points for i in a.items}, a.commission) for a in team.agents}


@pytest.fixture(scope="module")
def s1(tmp_path_factory):
    d = tmp_path_factory.mktemp("s1")
    res = adopt(build_s1(d / "朵以考核表.xlsx"), d / "out")
    return res


def test_s1_scheme_loads_clean_and_reads_every_item(s1):
    assert s1.scheme is not None
    assert [p for p in s1.problems if p.is_error] == []
    again, problems = load_scheme(s1.scheme_path)  # what `cskpi check` does
    assert again is not None and not any(p.is_error for p in problems)
    assert [i.name for i in s1.scheme.items] == [n for n, *_ in S1_ITEMS]
    assert all(not it.unread and not it.supervisor for it in s1.items)
    # the only warning: the rate missing from the shop's table (> 60,000), named by its cell
    warns = [p for p in s1.problems if not p.is_error]
    assert len(warns) == 1 and (warns[0].row, warns[0].column) == (15, "D") and "1.2%" in warns[0].message


def test_s1_rules_equal_the_builtin_duoyi(s1):
    ref = builtin("duoyi")
    for mine, theirs in zip(s1.scheme.items, ref.items):
        assert (mine.name, mine.full, mine.floor, mine.cap, mine.start) == (theirs.name, theirs.full, theirs.floor, theirs.cap, theirs.start)
        assert mine.rules == theirs.rules, mine.name
    assert s1.scheme.commission.tiers == ref.commission.tiers


def test_s1_scores_the_samples_exactly_like_duoyi(s1):
    mine, theirs = _scores(s1.scheme), _scores(builtin("duoyi"))
    assert set(mine) == set(theirs) and len(mine) >= 3
    assert mine == theirs  # total, every item, commission, for every agent


def test_s1_hand_worked(s1):
    # the duoyi example tests/test_core_engine_schemes.py works by hand:
    # 小美 30 + 5 + 20 + 12 + 7 + 10 + 20 + 5 = 109, commission 40,000 × 1% = 400;
    # 阿强 conversion 25% → 0 (floor), 日常记录 −20 (no floor): 33
    team, problems = score_team(s1.scheme, {
        "小美": {"询单人数": 50, "最终付款人数": 18, "下单人数": 19, "销售额": 40000, "销售人数": 18, "接待人数": 100,
               "响应总秒数": 3000, "响应次数": 100, "迟到早退次数": 6},
        "阿强": {"询单人数": 40, "最终付款人数": 10, "销售额": 20000, "销售人数": 10, "接待人数": 60, "冲突次数": 1,
               "旷工次数": 1, "迟到超30分钟次数": 1, "违规次数": 1},
    })
    a, b = team.agents
    assert {i.name: i.points for i in a.items} == {"服务态度": 20, "咨询转化率": 30, "定单销售比": 5, "平均响应时间": 20,
                                                   "平均客单价": 12, "售后客服": 5, "其他加减分": 7, "日常记录": 10}
    assert a.total == D(109) and a.commission == D("400.00")
    assert b.item("日常记录").points == D(-20) and b.item("咨询转化率").points == 0 and b.total == D(33)
    # commission boundaries as the sheet wrote them: 30,000 → 0; 30,000.50 → 1%; 50,001 → 1.2%; 60,001 → 1.2% (rate lost)
    for sales, expected in ((30000, "0.00"), ("30000.50", "300.01"), (50000, "500.00"), (50001, "600.01"), (60001, "720.01")):
        t, _ = score_team(s1.scheme, {"x": {"销售额": sales}})
        assert t.agents[0].commission == D(expected), sales


def test_s1_template_keeps_the_look_and_has_placeholders(s1, tmp_path):
    src = load_workbook(build_s1(tmp_path / "src.xlsx"))["考核表"]
    tpl = load_workbook(s1.template_path)["考核表"]
    assert tpl["E4"].value == "{{=服务态度.得分}}" and tpl["E11"].value == "{{=日常记录.得分}}"
    assert tpl["E12"].value == "{{=总分}}" and tpl["B2"].value == "{{客服昵称}}" and tpl["D2"].value == "{{月份}}"
    changed = {c.coordinate for row in tpl.iter_rows() for c in row if c.value != src[c.coordinate].value}
    assert changed == {"E4", "E5", "E6", "E7", "E8", "E9", "E10", "E11", "E12", "B2", "D2"}
    assert [str(m) for m in tpl.merged_cells.ranges] == [str(m) for m in src.merged_cells.ranges]
    assert tpl.column_dimensions["C"].width == 50 and tpl["A3"].font.b


def test_s1_template_fills_through_the_fill_path(s1, tmp_path):
    from cskpi_xl.workbook.fill import fill_template

    out, problems = fill_template(s1.template_path, EXPORTS, "小美", "2026-10", scheme_id=str(s1.scheme_path),
                                  out=tmp_path / "小美.xlsx", manual=MANUAL, aliases=ALIASES)
    assert out is not None, [p.format() for p in problems]
    assert not [p for p in problems if "占位符" in p.message]
    ws = load_workbook(out)["考核表"]
    wsv = load_workbook(out, data_only=True)["考核表"]
    ref = _scores(builtin("duoyi"))["小美"]
    assert ws["B2"].value == "小美" and ws["D2"].value == "2026-10"
    assert str(ws["E12"].value).startswith("=") and D(str(wsv["E12"].value)) == ref[0]
    assert D(str(wsv["E5"].value)) == ref[1]["咨询转化率"]


def test_s4_scores_like_employee_form(tmp_path):
    res = adopt(build_s4(tmp_path / "员工绩效考核表.xlsx"), tmp_path / "out")
    s, ref = res.scheme, builtin("employee_form")
    assert s is not None and [i.name for i in s.items] == [i.name for i in ref.items]
    assert s.review == ref.review and [i.full for i in s.items] == [i.full for i in ref.items]
    assert {i.name for i in res.items if i.supervisor} == {"事项追踪进度", "工作积极性"}
    assert [b.label for b in s.grades.bands] == [b.label for b in ref.grades.bands]
    # hand data: per-count items computed, review scores typed, a rubric choice, attendance conditions
    agent = {"发错货次数": 2, "被投诉次数": 1, "好人好事次数": 1, "建议采纳次数": 1, "迟到次数": 4, "旷工次数": 0}
    for it in ref.items:
        agent[f"{it.name}(主管)"] = {"事项追踪进度": 8, "工作积极性": 9, "工作责任心": 5, "工作态度": 7, "团队意识": 3,
                                    "服从意识": 7}.get(it.name)
    agent["订单修正率(审核)"] = 6
    a = score_team(s, {"a": agent})[0].agents[0]
    b = score_team(ref, {"a": agent})[0].agents[0]
    assert {i.name: i.points for i in a.items} == {i.name: i.points for i in b.items}
    # by hand: 10−2=8, 8, 6 (审核), 9, 5−2=3, 5, 10, 0+4+3=7, 5, 7, 3, 7, 5−1=4 → 82 → 良好 (75–85)
    assert a.total == b.total == D(82) and a.grade == b.grade == "良好"


def test_s9_scores_like_manager(tmp_path):
    res = adopt(build_s9(tmp_path / "高级职员考核表.xlsx"), tmp_path / "out")
    s, ref = res.scheme, builtin("manager")
    assert s is not None and s.review == ref.review
    assert [(i.name, i.full) for i in s.items] == [(i.name, i.full) for i in ref.items]
    for mine, theirs in zip(s.items, ref.items):
        assert [(b.low, b.high, b.high_inclusive) for b in mine.rules[0].bands] == \
               [(b.low, b.high, b.high_inclusive) for b in theirs.rules[0].bands]
    agent = {f"{i.name}(上级审核)": v for i, v in zip(ref.items, (14, 15, 12, 6, 10, 8, 7, 4))}
    agent.update({f"{i.name}(自评)": 15 for i in ref.items})
    a = score_team(s, {"m": agent})[0].agents[0]
    b = score_team(ref, {"m": agent})[0].agents[0]
    assert a.total == b.total == D(76)  # 14+15+12+6+10+8+7+4
    assert a.item("责任感").label == b.item("责任感").label == "无责任心，时时需督导，也不能完成任务"
    assert tuple(load_workbook(res.template_path)["高级职员考核表"]["E5"].value for _ in [0]) == ("{{领导能力.上级审核}}",)


def test_s1_in_other_words_scores_the_samples_like_duoyi(tmp_path):
    # 考核内容/评分标准/分值 headers, percent full marks, 咨询转化率 over two merged rows, other wordings of every rule,
    # a vertical commission table with numeric rates: the same rules, the same scores
    from adopt_sheets import build_s1_reworded

    res = adopt(build_s1_reworded(tmp_path / "客服考核.xlsx"), tmp_path / "out")
    assert res.scheme is not None and res.problems == []
    ref = builtin("duoyi")
    for mine, theirs in zip(res.scheme.items, ref.items):
        assert (mine.name, mine.full, mine.floor, mine.start) == (theirs.name, theirs.full, theirs.floor, theirs.start)
        assert sorted(map(repr, mine.rules)) == sorted(map(repr, theirs.rules)), mine.name
    assert _scores(res.scheme) == _scores(ref)
    for sales in (30000, "30000.01", 50000, 50001, 60000, 60001, 100000):
        a = score_team(res.scheme, {"x": {"销售额": sales}})[0].agents[0].commission
        assert a == score_team(ref, {"x": {"销售额": sales}})[0].agents[0].commission, sales

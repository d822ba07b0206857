"""Issue 13 item 5: the seed's remaining rules in force (or decided in the scheme's notes).

Each test names the seed sentence it rests on; values worked by hand.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal as D
from importlib import resources

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.history import PastMonth
from cskpi_xl.core.schemefile import builtin, parse_scheme


def text_of(sid: str) -> str:
    return resources.files("cskpi_xl.schemes").joinpath(f"{sid}.toml").read_text(encoding="utf-8")


# S3 2.2 试用期员工的考核结果仅作为是否录用转正的依据,不纳入工资考核范围


def kpi_agent(**extra):
    # every score 95, 回复率 100%, 指标完成率 100%, 询单转化率 35% → every indicator 95 or 100;
    # KPI (100 + 100 + 100)/3 = 100 → 60; KO 95 → 28.5; KSA 95 → 4.75; 考勤 100 → 5 → 98.25 → A (90–100] → 100%
    return {"计划销售额": 10000, "销售额": 10000, "询单人数": 100, "最终付款人数": 35, "接待人数": 10, "回复人数": 10,
            "常规工作完成情况": 95, "重点工作完成情况": 95, "工作态度": 95, "绩效工资": 2000, "岗位工资": 3000, **extra}


def test_probation_agent_is_graded_but_not_paid_by_the_result():
    team, problems = score_team(builtin("kpi_ko_ksa"), {"正式": kpi_agent(), "试用": kpi_agent(试用期=1)})
    a, b = team.agent("正式"), team.agent("试用")
    assert a.total == b.total == D("98.25") and a.grade == b.grade == "A"
    assert a.pay["绩效工资"] == D("2000.00") and a.pay_total == D("5000.00")
    assert b.pay["绩效工资"] == D("0.00") and b.pay_total == D("3000.00")
    assert any("转正" in f for f in b.flags) and not any("转正" in f for f in a.flags)


def test_probation_factor_is_editable():
    s, problems = parse_scheme(tomllib.loads(text_of("kpi_ko_ksa").replace("factor = 0,", "factor = 1,")), "k.toml")
    assert s is not None, [p.format() for p in problems]
    team, _ = score_team(s, {"试用": kpi_agent(试用期=1)})
    assert team.agent("试用").pay["绩效工资"] == D("2000.00")
    s, problems = parse_scheme(tomllib.loads(text_of("kpi_ko_ksa").replace("factor = 0,", "factor = 100,")), "k.toml")
    assert s is None and [p.path for p in problems if p.is_error] == ["pay.exempt.factor"]


# S2 当月工资=岗位工资+个人绩效提成+公共绩效提成+工龄工资; 第12条 连续3个月考核排名第一的 …200元; 第2条 缺岗; 第10条 ÷客服人数


def test_standard_own_seniority_pay_wins_over_the_yearly_amount():
    team, _ = score_team(builtin("standard"), {"甲": {"工龄年数": 3, "工龄工资": 300}, "乙": {"工龄年数": 3}, "丙": {}})
    assert team.agent("甲").pay["工龄工资"] == D("300.00")  # own figure
    assert team.agent("乙").pay["工龄工资"] == D("150.00")  # 3 × 50
    assert team.agent("丙").pay["工龄工资"] == D("0.00")


def test_standard_tied_first_places_both_count_as_first():
    same = {"销售额": 22000}
    past = [PastMonth("2026-08", rank=1), PastMonth("2026-09", rank=1)]
    team, _ = score_team(builtin("standard"), {"甲": same, "乙": dict(same)}, month="2026-10",
                         history={"甲": past, "乙": past})
    a, b = team.agent("甲"), team.agent("乙")
    assert a.rank == b.rank == 1
    assert a.pay["奖励"] == b.pay["奖励"] == D("200.00")


def test_standard_agent_excluded_for_absence_still_shares_the_public_pool():
    # 3 agents, public sales 300,000: 300,000 × 0.5% ÷ 3 = 500 each, the excluded one too
    team, _ = score_team(builtin("standard"), {"甲": {"销售额": 1}, "乙": {"销售额": 1}, "缺": {"缺岗月数": 3}},
                         public_sales=300000)
    c = team.agent("缺")
    assert c.excluded and c.rank is None and c.grade is None
    assert {a.agent: a.public_commission for a in team.agents} == {"甲": D("500.00"), "乙": D("500.00"), "缺": D("500.00")}
    assert any("客服人数" in n for n in builtin("standard").notes)


# S6 售前工作做到首次回应和平均回应都在15秒内; 成绩不合格者自动退出(享基础工资); 金牌(高级、中级)客服标准自动晋升


def yali_agent(first: int, avg: int) -> dict:
    return {"首次响应总秒数": first * 10, "首次响应次数": 10, "响应总秒数": avg * 10, "响应次数": 10, "随机抽检": 90}


def test_yali_flags_follow_the_standard_seconds_parameter():
    team, _ = score_team(builtin("yali"), {"at": yali_agent(15, 15), "over": yali_agent(16, 15)})
    assert team.agent("at").flags == []
    assert team.agent("over").flags == ["首次响应超过标准秒数"]
    s, problems = parse_scheme(tomllib.loads(text_of("yali").replace('"响应标准秒数" = 15', '"响应标准秒数" = 20')), "y.toml")
    assert s is not None and problems == []
    team, _ = score_team(s, {"a": yali_agent(18, 21)})
    assert team.agent("a").flags == ["平均响应超过标准秒数"]
    # and the items: 首次 18 ≤ 20 → 100; 平均 21 → 100 − 5 = 95
    assert team.agent("a").item("首次响应").points == 100 and team.agent("a").item("平均响应").points == 95


def test_yali_failed_trainee_is_flagged_to_leave_with_base_pay_only():
    # 转化率 0/100 → 100 − 30 × 5 = −50 → 0; 抽检 0; 响应, 答问比 n/a → 100 each: (0 + 100 + 100 + 100 + 0)/5 = 60 → 合格
    # 首次响应 50 s → 100 − 35 × 5 = −75 → 0: (0 + 0 + 100 + 100 + 0)/5 = 40 → 不合格 → coefficient 0 → no commission
    team, _ = score_team(builtin("yali"), {"新人": {"询单人数": 100, "最终付款人数": 0, "随机抽检": 0, "首次响应总秒数": 500,
                                                   "首次响应次数": 10, "销售额": 50000, "岗位工资": 2500}}, month="2026-10")
    a = team.agent("新人")
    assert a.total == D(40) and a.grade == "不合格"
    assert "考核不合格：新人自动退出（享基础工资）" in a.flags
    assert a.commission == D("0.00")
    assert any("金牌" in n for n in builtin("yali").notes)  # the promotion standards were lost: decided in the notes


# S7 绩效考核成绩不得列为一等以上者 … 缺勤(不计原因)超过_天以上者 (the two levels have their own counts): see
# tests/test_core_engine_schemes.py::test_operations_caps_and_exclusions; the 运营 weights line (40/40/15/5) likewise.


def test_operations_weights_from_the_yunying_line():
    s = builtin("operations")
    assert {x.name: x.weight for x in s.sections} == {"关键业绩指标": 40, "常规工作任务": 40, "工作态度": 15, "考勤评价": 5}
    rated = {f"{i.name}(二次考核)": "E" for i in s.items}
    rated["关键业绩指标(二次考核)"] = "A"
    rated.update({f"{i.name}(一次考核)": "E" for i in s.items})
    # 5 × 0.4 + 1 × 0.4 + 1 × 0.15 + 1 × 0.05 = 2.6 → C (2.5–3.5); an unweighted mean would be 2 → D
    team, _ = score_team(s, {"a": {**rated, "工龄月数": 24, "出勤天数": 22}})
    assert team.agent("a").total == D("2.6") and team.agent("a").grade == "C"

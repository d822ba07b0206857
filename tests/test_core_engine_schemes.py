"""Every built-in scheme loads and scores realistic agents; values worked out by hand from the schemes' rule texts."""

import dataclasses
import pickle
from decimal import Decimal as D

import pytest

from cskpi_xl.core.daily import daily_trend, low_days
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.history import PastMonth
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin, load_scheme


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_builtin_loads_without_errors_or_warnings(scheme_id):
    scheme, problems = load_scheme(scheme_id)
    assert scheme is not None and scheme.id == scheme_id
    assert problems == []
    assert scheme.effective_from.year >= 2010


def test_duoyi_hand_worked():
    # 小美: 咨询转化率 18/50 = 36% → 20 + 2×5 = 30 (the duoyi scheme's rule text)
    #       定单销售比 18/19 = 94.7% (dead zone 90–95) → 5
    #       平均响应 3000 s / 100 = 30 s ≤ 32 → 20
    #       客单价 40000/18 = 2222.22; team 60000/28 = 2142.86; 79.37 above → 7 whole tens → 5 + 7 = 12
    #       咨询占比 100/160 = 62.5% vs 50% → 12.5 points → 2 whole fives → 5 + 2 = 7
    #       日常记录: 6 lates → 4×1 + 2×3 = 10 → 20 − 10 = 10; 服务态度, 售后 full
    #       total 20+30+5+20+12+5+7+10 = 109; commission 40000 × 1% = 400
    # 阿强: 咨询转化率 10/40 = 25% → 20 − 45 → floor 0; 定单销售比, 平均响应 n/a → full marks
    #       客单价 2000 < team → 5; 咨询占比 37.5% → −12.5 → −2 → 3; 服务态度 1 conflict → 15
    #       日常记录: 1 absence + 1 late >30 min → −20 → 0; one game → −20 more (no floor) → −20
    #       total 15+0+5+20+5+5+3−20 = 33
    team, problems = score_team(builtin("duoyi"), {
        "小美": {"询单人数": 50, "最终付款人数": 18, "下单人数": 19, "销售额": 40000, "销售人数": 18, "接待人数": 100,
               "响应总秒数": 3000, "响应次数": 100, "迟到早退次数": 6},
        "阿强": {"询单人数": 40, "最终付款人数": 10, "销售额": 20000, "销售人数": 10, "接待人数": 60, "冲突次数": 1,
               "旷工次数": 1, "迟到超30分钟次数": 1, "违规次数": 1},
    })
    a, b = team.agents
    pts = {i.name: i.points for i in a.items}
    assert pts == {"服务态度": 20, "咨询转化率": 30, "定单销售比": 5, "平均响应时间": 20, "平均客单价": 12,
                   "售后客服": 5, "其他加减分": 7, "日常记录": 10}
    assert a.total == D(109) and a.commission == D("400.00") and a.rank == 1
    pts = {i.name: i.points for i in b.items}
    assert pts == {"服务态度": 15, "咨询转化率": 0, "定单销售比": 5, "平均响应时间": 20, "平均客单价": 5,
                   "售后客服": 5, "其他加减分": 3, "日常记录": -20}
    assert b.total == D(33) and b.rank == 2 and b.commission == D("0.00")
    assert "按满分计" in b.item("平均响应时间").notes[0]
    assert problems == []


def test_standard_pay_streaks_and_fines():
    # 小美: 指标完成率 22000/20000 = 110% → 30 + 10×0.5 = 35; 询单转化率 40% → 25 + 5 = 30;
    #   最终下单成功率 40/42 = 95.2% → 10; 回复率 100% → 10; 服务态度 1 impatience → 13; 纪律 1 late → 8
    #   total 106 → 卓越 → 岗位工资 1800; commission 22000 → 330.00;
    #   public (22000 + 14999) × 0.5% ÷ 2 = 92.4975 → 92.50; 工龄 3 × 50 = 150;
    #   rewards 2 data errors × 10 + 1 suggestion × 30 = 50; ranked first in Aug, Sep and now Oct → +200;
    #   second violation ever (one in Sep) → fine 30. Pay = 1800+330+92.50+150+250−30 = 2592.50
    # 阿强: 指标完成率 14999/20000 = 74.995% → 30 − 25.005 = 4.995 → 5.00; 询单转化率 25% → 15;
    #   最终下单成功率 80% → 0; 回复率 95% → 5; 15 + 10 → total 50 → 不及格 → 1400;
    #   failed Aug and Sep too → 自动请辞. Pay = 1400 + 224.99 + 92.50 = 1717.49
    history = {
        "小美": [PastMonth("2026-08", rank=1, grade="卓越"), PastMonth("2026-09", rank=1, grade="卓越", violations=1)],
        "阿强": [PastMonth("2026-08", rank=2, grade="不及格"), PastMonth("2026-09", rank=2, grade="不及格")],
    }
    team, problems = score_team(builtin("standard"), {
        "小美": {"询单人数": 100, "最终付款人数": 40, "下单人数": 42, "销售额": 22000, "销售人数": 40, "接待人数": 150,
               "回复人数": 150, "计划销售额": 20000, "不耐心次数": 1, "迟到早退次数": 1, "工龄年数": 3,
               "数据纠错次数": 2, "建议采纳次数": 1, "违规次数": 1},
        "阿强": {"询单人数": 80, "最终付款人数": 20, "下单人数": 25, "销售额": 14999, "销售人数": 20, "接待人数": 100,
               "回复人数": 95, "计划销售额": 20000},
    }, month="2026-10", history=history)
    a, b = team.agents
    assert a.total == D(106) and a.grade == "卓越" and a.rank == 1
    assert a.pay == {"岗位工资": D("1800.00"), "个人提成": D("330.00"), "公共提成": D("92.50"), "工龄工资": D("150.00"),
                     "奖励": D("250.00"), "罚款": D("-30.00")}
    assert a.pay_total == D("2592.50")
    assert any("连续3个月考核排名第一" in f for f in a.flags)
    assert b.item("指标完成率").points == D("5.00")
    assert b.total == D(50) and b.grade == "不及格" and b.pay_total == D("1717.49")
    assert "连续3个月不及格：自动请辞" in b.flags


def test_standard_third_violation_flags_dismissal_and_bonus_is_once_per_run():
    history = {"小美": [PastMonth("2026-07", rank=1), PastMonth("2026-08", rank=1), PastMonth("2026-09", rank=1, violations=2)]}
    team, _ = score_team(builtin("standard"), {"小美": {"销售额": 10000, "违规次数": 1}}, month="2026-10", history=history)
    a = team.agents[0]
    assert "第三次违规：开除" in a.flags and a.pay["罚款"] == D("0.00")
    assert a.pay["奖励"] == D("0.00")  # 4th month in a row: the one-off 200 was paid in September


def test_standard_absent_more_than_two_months_not_appraised():
    team, _ = score_team(builtin("standard"), {"a": {"销售额": 1000, "缺岗月数": 3}, "b": {"销售额": 1000}})
    a, b = team.agents
    assert a.excluded and a.grade is None and a.rank is None and b.rank == 1


def test_kpi_ko_ksa_sections_and_performance_pay():
    # KPI: 指标完成率 90% → 80; 询单转化率 30% → 85; 回复率 98% → 90; mean 85
    # KO: (80 + 90)/2 = 85; KSA 90; 考勤: 2 lates → 90; add-ons: 7 suggestions → capped 5, 1 good deed → 1
    # total = 0.6×85 + 0.3×85 + 0.05×90 + 0.05×90 + 6 = 91.5 → A → 100% of 2000
    base = {"销售额": 18000, "计划销售额": 20000, "询单人数": 100, "最终付款人数": 30, "接待人数": 100, "回复人数": 98,
            "常规工作完成情况": 80, "重点工作完成情况": 90, "工作态度": 90, "迟到早退次数": 2, "建议采纳次数": 7,
            "好人好事次数": 1, "岗位工资": 3000, "绩效工资": 2000}
    top = {"销售额": 20000, "计划销售额": 20000, "常规工作完成情况": 100, "重点工作完成情况": 100, "工作态度": 100,
           "建议采纳次数": 5, "好人好事次数": 3, "岗位工资": 3000, "绩效工资": 2000}
    low = {"销售额": 10000, "计划销售额": 20000, "常规工作完成情况": 60, "重点工作完成情况": 60, "工作态度": 60,
           "岗位工资": 3000, "绩效工资": 2000}
    team, problems = score_team(builtin("kpi_ko_ksa"), {"a": base, "top": top, "low": low})
    a, t, lo = team.agents
    assert a.sections["关键业绩指标KPI"] == D(85) and a.total == D("91.50") and a.grade == "A"
    assert a.pay["绩效工资"] == D("2000.00") and a.pay_total == D("5000.00")
    # top: every indicator 100 (n/a metrics give full marks) + 5 + 3 → 108 → A+ → 108% of 2000
    assert t.total == D(108) and t.grade == "A+" and t.pay["绩效工资"] == D("2160.00")
    # low: KPI (0 + 100 + 100)/3 [指标完成率 50% → 0]; KO 60; KSA 60; 考勤 100
    #   = 0.6×66.67 + 18 + 3 + 5 = 66 → B → 66% of 2000 = 1320
    assert lo.total == D("66.00") and lo.grade == "B" and lo.pay["绩效工资"] == D("1320.00")


def test_employee_form_review_columns():
    # 发错货 2 → 8; 事项追踪 9; 订单修正 10; 积极性 8; 满意度 3 complaints → 5 − 6 → 0; 协作 5; 制度 1 → 9;
    # 表现记事 0 + 4 + 3 = 7; 责任心 7; 工作态度 审核 3 (主管 5, 自评 7); 团队意识 5; 服从 7;
    # 出勤 4 lates → 5 − 1 = 4. Total 8+9+10+8+0+5+9+7+7+3+5+7+4 = 82 → 良好
    fig = {"发错货次数": 2, "被投诉次数": 3, "制度违规次数": 1, "好人好事次数": 1, "建议采纳次数": 1, "迟到次数": 4,
           "事项追踪进度(主管)": 9, "工作积极性(主管)": 8, "工作责任心(主管)": 7, "工作态度(自评)": 7,
           "工作态度(主管)": 5, "工作态度(审核)": 3, "团队意识(主管)": 5, "服从意识(主管)": 7}
    team, problems = score_team(builtin("employee_form"), {"小美": fig})
    a = team.agents[0]
    assert a.total == D(82) and a.grade == "良好"
    assert a.item("工作态度").differs
    assert [p.column for p in problems] == ["工作态度"] and problems[0].severity == "warning"
    # without the supervisor's score an item cannot be scored: it awaits the score, and there is no total yet
    del fig["服从意识(主管)"]
    team, problems = score_team(builtin("employee_form"), {"小美": fig})
    assert team.agents[0].item("服从意识").points is None and team.agents[0].grade is None
    assert [(p.column, p.severity) for p in problems if p.column == "服从意识"] == [("服从意识", "pending")]
    assert not any(p.is_error for p in problems)


def test_yali_trainee_flags_commission_and_two_month_streak():
    # 转化率 28/100 = 28% → 100 − 10 = 90; 首次响应 1800/100 = 18 s → 85; 平均响应 2500/100 = 25 s → 50;
    # 答问比 900/1000 = 0.9 → 90; 随机抽检 80; mean 79 → 合格; 0.5% × 30000 = 150
    fig = {"询单人数": 100, "最终付款人数": 28, "首次响应总秒数": 1800, "首次响应次数": 100, "响应总秒数": 2500,
           "响应次数": 100, "客服消息数": 900, "买家消息数": 1000, "随机抽检": 80, "销售额": 30000}
    weak = {"询单人数": 100, "最终付款人数": 10, "随机抽检": 50, "销售额": 5000}
    team, _ = score_team(builtin("yali"), {"a": fig, "weak": weak}, month="2026-10",
                         history={"weak": [PastMonth("2026-09", grade="不合格")]})
    a, w = team.agents
    assert [i.points for i in a.items] == [90, 85, 50, 90, 80]
    assert a.total == D(79) and a.grade == "合格" and a.commission == D("150.00")
    assert a.flags == ["首次响应超过标准秒数", "平均响应超过标准秒数"]
    # weak: 10% → 100 − 20×5 = 0; both responses and 答问比 n/a → 100 each; 抽检 50 → 350/5 = 70 → 合格
    assert w.total == D(70) and w.grade == "合格"
    team, _ = score_team(builtin("yali"), {"weak": {**weak, "随机抽检": 0, "首次响应总秒数": 3000, "首次响应次数": 100}},
                         month="2026-10", history={"weak": [PastMonth("2026-09", grade="不合格")]})
    w = team.agents[0]
    # 首次响应 3000/100 = 30 s → 15 s over × 5 = 75 → 25; 抽检 0: (0 + 25 + 100 + 100 + 0)/5 = 45 → 不合格
    assert w.total == D(45) and w.grade == "不合格" and "连续2个月不合格：辞退或调岗" in w.flags


def test_operations_caps_and_exclusions():
    def rated(**kw):
        return {f"{k}({col})": v for k, (col, v) in kw.items()}

    top = {"关键业绩指标(二次考核)": "A", "常规工作任务(二次考核)": "A", "工作态度(二次考核)": "B", "考勤评价(二次考核)": "A",
           "关键业绩指标(一次考核)": "B", "常规工作任务(一次考核)": "B", "工作态度(一次考核)": "B", "考勤评价(一次考核)": "B",
           "工龄月数": 24, "出勤天数": 22}
    team, problems = score_team(builtin("operations"), {
        "a": top,
        "punished": {**top, "惩戒处分次数": 1},
        "demerit": {**top, "记过未撤销": 1},
        "late": {**top, "迟到早退次数": 3},
        "later": {**top, "迟到早退次数": 6},
        "absent3": {**top, "缺勤天数": 3},
        "absent4": {**top, "缺勤天数": 4},
        "absent10": {**top, "缺勤天数": 10},
        "first_only": {k: v for k, v in top.items() if "二次" not in k},
        "probation": {**top, "试用期": 1},
        "new": {**top, "工龄月数": 3},
    })
    r = {a.agent: a for a in team.agents}
    # weighted 40/40/15/5 (S3's 运营 line): 5×0.4 + 5×0.4 + 4×0.15 + 5×0.05 = 2 + 2 + 0.6 + 0.25 = 4.85
    assert r["a"].total == D("4.85") and r["a"].grade == "A"
    assert r["punished"].grade == "B" and "曾受过惩戒处分" in r["punished"].grade_notes[0]
    assert r["demerit"].grade == "C"
    # the two cap levels have their own counts: 3 lates → not A (B); 6 → not A or B (C)
    assert r["late"].grade == "B" and r["later"].grade == "C"
    # 缺勤 (any reason) more than 3 days → not A; more than 6 → not A or B
    assert r["absent3"].grade == "A" and r["absent4"].grade == "B" and r["absent10"].grade == "C"
    assert r["first_only"].total == D(4) and r["first_only"].grade == "B"
    assert r["probation"].excluded == "试用期未满，不参加考核" and r["probation"].rank is None
    assert r["new"].excluded == "连续工作不满半年，不参加考核"


def test_designer_sections():
    # 工作表现 (100 + 80 + 70)/3 = 83.33…; 团队精神 (100 + 80 + 60)/3 = 80; 日常 90
    # 0.5 × 83.333… + 0.3 × 80 + 0.2 × 90 = 41.667 + 24 + 18 = 83.67 → 良好
    team, _ = score_team(builtin("designer"), {"阿美": {"质": "a", "量": "b", "责": "d", "沟通": "a", "协助": "b",
                                                       "配合": "c", "日常考核": 90}})
    a = team.agents[0]
    assert a.total == D("83.67") and a.grade == "良好"


def test_manager_bands_supervisor_final():
    scores = {"领导能力": 14, "策划能力": 13, "工作任务及效率": 15, "责任感": 12, "沟通协调": 9, "授权指导": 7,
              "工作态度": 10, "成本意识": 8}
    fig = {f"{k}(上级审核)": v for k, v in scores.items()} | {"领导能力(自评)": 15}
    team, problems = score_team(builtin("manager"), {"王经理": fig})
    a = team.agents[0]
    assert a.total == D(88) and a.grade == "良好"
    assert a.item("领导能力").label == "灵活运用部属顺利达成工作计划和目标"
    assert a.item("领导能力").differs
    bad = dict(fig, **{"沟通协调(上级审核)": 11})
    team, problems = score_team(builtin("manager"), {"王经理": bad})
    assert any("0–10" in p.message for p in problems if p.is_error)


def test_daily_view_flags_the_promotion_day():
    # S10: days 2–7 steady (≈ 40 inquiries, 20 orders); day 8 a promotion: 200 inquiries, 20 orders
    rows = [(f"2026-10-0{d}", {"咨询人数": 40, "下单人数": 20}) for d in range(2, 8)]
    rows.append(("2026-10-08", {"咨询人数": 200, "下单人数": 20}))
    trend = daily_trend(rows, D("0.7"))
    assert [d.low for d in trend] == [False] * 6 + [True]
    assert trend[-1].rate == D("0.1")
    assert low_days(rows, D("0.7")) == 1
    # scored: 月询单转化率 32% → 60 + 2×2 = 64; one low day → 40 − 10 = 30; total 94 → 优秀
    team, _ = score_team(builtin("daily"), {"小美": {"询单人数": 100, "最终付款人数": 32, "低转化天数": 1}})
    assert team.agents[0].total == D(94) and team.agents[0].grade == "优秀"


class TestTeamResultIsAValue:
    """A scored month refuses change; ``agent(name)`` reads an index built with the result."""

    def team(self):
        team, _ = score_team(builtin("duoyi"), {"小美": {"询单人数": 50, "最终付款人数": 18, "销售额": 40000},
                                                "阿强": {"询单人数": 40, "最终付款人数": 10, "销售额": 2000}}, "2026-10")
        return team

    def test_success(self):
        team = self.team()
        assert team.agent("阿强") is team.agents[1] and team.agent("小美").agent == "小美"
        pickled = pickle.loads(pickle.dumps(team))  # the batch's spawned workers get it pickled
        assert pickled.agent("阿强").agent == "阿强" and pickled.agents[1] is pickled.agent("阿强")
        wider = dataclasses.replace(team, given={"公共销售额": D(1)})
        assert wider.given == {"公共销售额": D(1)} and team.given == {} and wider.agent("小美").agent == "小美"

    def test_fail(self):
        team = self.team()
        with pytest.raises(dataclasses.FrozenInstanceError):
            team.given = {}
        with pytest.raises(dataclasses.FrozenInstanceError):
            team._by_name = {}
        with pytest.raises(AttributeError):
            team.agents.append(team.agents[0])
        with pytest.raises(TypeError):
            team.team["销售额"] = D(0)
        with pytest.raises(TypeError):
            team.given["x"] = 1
        with pytest.raises(KeyError):
            team.agent("没有这个人")

"""The Excel functions and the batch agree: AGENT_TOTAL and MONTH_PAY against core.engine.score_team.

Each expected value is worked by hand from the scheme files (duoyi.toml, standard.toml) in the
comments; the engine and the UDF must both give it. Then the coercion: one cell parser (core/schemefile/sheet),
the UDF-only parts around it, and the Excel error kinds as an enum.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl import udfs as U
from cskpi_xl.core.schemefile import sheet as T
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.core.metrics import team_values
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.one_agent import score_one
from cskpi_xl.core.payslip import payslip
from cskpi_xl.excel import coerce as C
from cskpi_xl.excel.boundary import CellError, ErrorKind
from cskpi_xl.importers import cells


@pytest.fixture(autouse=True)
def fresh_log():
    U.ERRORS.clear()
    yield


# ---- AGENT_TOTAL vs the engine (duoyi) ----------------------------------------------------------------------------

DUOYI_TEAM = {
    "小美": {"询单人数": 50, "最终付款人数": 18, "下单人数": 20, "平均响应时间": 30, "销售额": 12500, "销售人数": 100,
             "接待人数": 200, "不耐心次数": 2, "表扬次数": 1, "售后差评数": 1, "迟到早退次数": 5},
    "小王": {"询单人数": 100, "最终付款人数": 30, "下单人数": 32, "平均响应时间": 40, "销售额": 9000, "销售人数": 100,
             "接待人数": 150},
    "小李": {"询单人数": 40, "最终付款人数": 14, "下单人数": 14, "平均响应时间": 25, "销售额": 5000, "销售人数": 50,
             "接待人数": 50},
}
# Team: 团队接待人数 = 200 + 150 + 50 = 400; 团队人数 = 3 (人均咨询占比 1/3);
# 团队客单价 = (12500 + 9000 + 5000) ÷ (100 + 100 + 50) = 26500 ÷ 250 = 106.
#
# 小美: 服务态度 20 − 2×1 = 18; 咨询转化率 18/50 = 36%, 2 points above 34% × 5 → 20 + 10 = 30;
#   定单销售比 18/20 = 90%, not below 90% nor above 95% → 5; 平均响应时间 30 s ≤ 32 → 20;
#   平均客单价 12500/100 = 125, 19 above 106 → 1 whole 10 yuan → 6; 售后客服 5 − 1 = 4;
#   其他加减分 5 + 1 (praise) + 咨询占比 200/400 = 50% vs 33.33%: 16.67 points → 3 whole 5s → +3 = 9;
#   日常记录 20 − (4×1 + 1×3) = 13.  Total 18+30+5+20+6+4+9+13 = 105.
# 小王: 20; 30/100 = 30%, 4 below → 20 − 20 = 0; 30/32 = 93.75% → 5; 40 s: 8 s over × 2 → 4;
#   90 < 106 → 5; 5; share 150/400 = 37.5% vs 33.33% → 0 whole steps → 5; 20.  Total 64.
# 小李: 20; 14/40 = 35% → 25; 14/14 = 100%, 5 points above 95% → 10; 25 s → 20; 100 < 106 → 5; 5;
#   share 50/400 = 12.5%, 20.83 below → 4 whole steps → 5 − 4 = 1; 20.  Total 106.
DUOYI_BY_HAND = {"小美": 105, "小王": 64, "小李": 106}

FIGURES = ["询单人数", "最终付款人数", "下单人数", "平均响应时间", "销售额", "销售人数", "接待人数",
           "不耐心次数", "表扬次数", "售后差评数", "迟到早退次数"]
TEAM_COLUMNS = ["团队接待人数", "团队人数", "团队客单价"]


def _rows(team: dict, typed_team: dict) -> tuple[list[list], list[list]]:
    head = ["客服昵称"] + FIGURES + TEAM_COLUMNS
    rows = [[name] + [f.get(h) for h in FIGURES] + [typed_team.get(h) for h in TEAM_COLUMNS] for name, f in team.items()]
    return [head], rows


class TestAgentTotalAgreesWithEngine:
    def test_engine_gives_the_hand_worked_totals(self):
        result, _ = score_team(builtin("duoyi"), DUOYI_TEAM)
        assert {a.agent: a.total for a in result.agents} == DUOYI_BY_HAND

    def test_agent_total_gives_the_same(self):
        head, rows = _rows(DUOYI_TEAM, {"团队接待人数": 400, "团队人数": 3, "团队客单价": 106})
        assert U.AGENT_TOTAL(head, rows, "duoyi") == [[105.0], [64.0], [106.0]]

    def test_consult_share_is_the_engines(self):
        """咨询占比 comes from core.metrics: 200 ÷ 400 for 小美, the same number the batch shows."""
        result, _ = score_team(builtin("duoyi"), DUOYI_TEAM)
        one = score_one(builtin("duoyi"), {"接待人数": Decimal(200), "团队接待人数": Decimal(400), "团队人数": Decimal(3)})
        assert one.metrics["咨询占比"] == result.agent("小美").metrics["咨询占比"] == Decimal("0.5")
        assert one.metrics["人均咨询占比"] == result.team["人均咨询占比"] == Decimal(1) / 3

    def test_a_typed_share_is_used_as_typed(self):
        # 咨询占比 typed 0.45 vs 人均 0.2: 25 points → 5 whole steps → 其他加减分 5 + 5 = 10; total 100 + 5
        assert U.AGENT_TOTAL([["咨询占比", "接待人数", "团队接待人数", "团队人数"]], [[0.45, 30, 100, 5]]) == 105

    def test_a_share_exactly_on_a_step_boundary(self):
        # 接待 50 / 50 / 500 of 600, 人均 1/3: 50/600 − 1/3 = −25 points exactly → −5 whole steps → 其他加减分 0,
        # total 95; 500/600 − 1/3 = +50 points → +10 → 其他加减分 15, total 110. (Found by the property below:
        # 1 ÷ 团队人数 rounded to 28 digits made it −24.99…, 4 steps, 96.)
        head = [["接待人数", "团队接待人数", "团队人数"]]
        assert U.AGENT_TOTAL(head, [[50, 600, 3], [50, 600, 3], [500, 600, 3]], "duoyi") == [[95.0], [95.0], [110.0]]

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.fixed_dictionaries({
        "询单人数": st.integers(0, 300), "最终付款人数": st.integers(0, 300), "下单人数": st.integers(0, 300),
        "平均响应时间": st.integers(0, 90), "销售额": st.integers(0, 90000), "销售人数": st.integers(0, 500),
        "接待人数": st.integers(0, 800), "不耐心次数": st.integers(0, 5), "表扬次数": st.integers(0, 5),
        "迟到早退次数": st.integers(0, 9)}), min_size=1, max_size=5))
    def test_any_team(self, agents):
        team = {f"客服{i}": a for i, a in enumerate(agents)}
        result, _ = score_team(builtin("duoyi"), team)
        tv = team_values(team)
        typed = {k: (None if isinstance(tv[k], NA) else tv[k]) for k in TEAM_COLUMNS}
        head, rows = _rows(team, typed)
        got = U.AGENT_TOTAL(head, rows, "duoyi")
        want = [[float(a.total) if isinstance(a.total, Decimal) else "#N/A"] for a in result.agents]
        assert (got if isinstance(got, list) else [[got]]) == want


# ---- MONTH_PAY vs the engine (standard) ---------------------------------------------------------------------------

STANDARD_TEAM = {
    "小美": {"销售额": 22000, "计划销售额": 20000, "询单人数": 100, "最终付款人数": 38, "下单人数": 40, "接待人数": 200,
             "回复人数": 200, "不耐心次数": 1, "工龄年数": 3, "数据纠错次数": 2, "违规次数": 1},
    "小王": {"销售额": 18000, "计划销售额": 20000, "询单人数": 100, "最终付款人数": 35, "下单人数": 40, "接待人数": 100,
             "回复人数": 100},
}
# 小美 under standard: 指标完成率 22000/20000 = 110%, 10 points above × 0.5 → 30 + 5 = 35;
#   询单转化率 38% vs the 35% target → 25 + 3 = 28; 最终下单成功率 38/40 = 95% ≥ 90% → 10; 回复率 100% → 10;
#   服务态度 15 − 2 = 13; 工作纪律 10.  Total 106 → 卓越 → 岗位工资 1800.
# Pay: 个人提成 on 22,000 = 250 + 4% × 2,000 = 330; 公共提成 = (22,000 + 18,000) × 0.5% ÷ 2 = 100;
#   工龄工资 = 3 years × 50 = 150; 奖励 = 2 data corrections × 10 = 20; 罚款 = first violation 10.
#   当月工资 = 1800 + 330 + 100 + 150 + 20 − 10 = 2390.
XIAOMEI_PAY = {"岗位工资": Decimal("1800.00"), "个人提成": Decimal("330.00"), "公共提成": Decimal("100.00"),
               "工龄工资": Decimal("150.00"), "奖励": Decimal("20.00"), "罚款": Decimal("-10.00")}


class TestMonthPayAgreesWithEngine:
    def test_engine_gives_the_hand_worked_pay(self):
        result, _ = score_team(builtin("standard"), STANDARD_TEAM)
        a = result.agent("小美")
        assert (a.total, a.grade) == (Decimal(106), "卓越")
        assert a.pay == XIAOMEI_PAY and a.pay_total == Decimal("2390.00")

    def test_month_pay_gives_the_same(self):
        assert U.MONTH_PAY(1800, 330, 100, 150, 20, 10) == 2390

    def test_every_agent_of_the_batch(self):
        result, _ = score_team(builtin("standard"), STANDARD_TEAM)
        for a in result.agents:
            p = a.pay
            assert payslip(p) == (p, a.pay_total)
            got = U.MONTH_PAY(p["岗位工资"], p["个人提成"], p["公共提成"], p["工龄工资"], p["奖励"], -p["罚款"])
            assert got == float(a.pay_total)

    def test_each_part_to_the_cent_then_summed(self):
        # the slip adds up (README): 1700.004 → 1700.00 and 0.004 → 0.00, so 1700.00 (not 1700.008 → 1700.01)
        assert U.MONTH_PAY(1700.004, 0.004, 0, 0) == 1700
        # 0.005 → 0.01 each (half up): 0.01 + 0.01 = 0.02; a fine of 0.005 → −0.01
        assert U.MONTH_PAY(0.005, 0.005, 0, 0) == 0.02
        assert U.MONTH_PAY(100, 0, 0, 0, 0, 0.005) == 99.99

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.integers(0, 10**7), min_size=6, max_size=6))
    def test_whole_cents_add_exactly(self, cents):
        yuan = [Decimal(c) / 100 for c in cents]
        want = (sum(yuan[:5], Decimal(0)) - yuan[5]).quantize(Decimal("0.01"))
        assert U.MONTH_PAY(*[str(y) for y in yuan]) == float(want)


# ---- coercion: one cell parser, the UDF's own parts around it -----------------------------------------------------

class TestOneNumberParser:
    @pytest.mark.parametrize("text", ["12000", "12,000", "1.2万", "15000元", "36%", "1.5‰", "１２３", " 1 2 ", "1，200", "-3"])
    def test_numbers_are_tables_parse_number(self, text):
        assert C.number(text, "销售额") == T.parse_number(text)

    @pytest.mark.parametrize("text", ["(120)", "¥1,234.5元", "50人", "abc", "Infinity"])
    def test_what_tables_refuses_is_value(self, text):
        with pytest.raises(CellError) as e:
            C.number(text, "销售额")
        assert e.value.kind is ErrorKind.VALUE and e.value.reason == f"销售额不是数字：{text!r}"

    @pytest.mark.parametrize("v", [None, "", "  ", "-", "--", "—", "–", "_", "/", "无", "nan", "N/A", float("nan")])
    def test_blanks_are_the_importers(self, v):
        assert cells.is_missing(v) and C.number(v, "销售额") is None

    def test_error_markers_pass_through_and_are_not_blank(self):
        assert not C.blank("#N/A")
        with pytest.raises(CellError) as e:
            C.number("#N/A", "销售额")
        assert e.value.kind is ErrorKind.NA
        assert U.COMMISSION_TIER(22000, "#N/A") == "#N/A"  # an error in the scheme cell is not "use the default"

    def test_not_final_is_na(self):
        for t in cells.NOT_FINAL_TEXTS:
            got = C.number(t, "销售额")
            assert isinstance(got, NA) and got.reason == f"销售额尚未统计完（{t}）"

    @pytest.mark.parametrize("v", ["1e999999", 1e20, "-1e15", 1e-101, 1e30, 1e-320, 5e-324, -1e308, 10**40, "1E+13",
                                   1e-101, Decimal("1e-999999")])
    def test_absurd_numbers_are_value_as_in_an_import(self, v):
        # importers/cells refuses |x| ≥ 10^13 (and non-zero |x| < 10^-100); so do the functions, instead of
        # an internal Decimal error (COMMISSION_TIER) or an infinite ratio (CONVERSION_RATE gave inf)
        assert cells.parse_number(v)[1].is_error
        assert U.COMMISSION_TIER(v) == U.CONVERSION_RATE(v, 3) == "#VALUE!"
        assert "超出合理范围" in U.CSKPI_ERROR("#VALUE!")
        assert U.AGENT_TOTAL([["销售额", "询单人数"]], [[v, 5]]) == "#VALUE!"
        assert U.KPI_SCORE("咨询转化率", v, "duoyi") == U.GRADE(v) == U.AVG_RESPONSE(v, 3) == "#VALUE!"

    def test_durations_only_for_seconds(self):
        assert C.number("8分48秒", "平均响应时间", "seconds") == 8 * 60 + 48
        with pytest.raises(CellError):
            C.number("8分48秒", "销售额")


class TestErrorKinds:
    def test_markers_are_the_enum(self):
        assert U.MARKERS == ("#VALUE!", "#N/A", "#DIV/0!", "#NUM!", "#REF!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!",
                             "#GETTING_DATA")
        assert [k.value for k in ErrorKind] == list(U.MARKERS)

    def test_cells_get_plain_text(self):
        got = U.CONVERSION_RATE(1, 0)
        assert got == "#DIV/0!" and type(got) is str  # xlwings and formulas take plain text, not the enum

    def test_reasons_keyed_by_kind(self):
        U.GRADE("x")
        assert U.ERRORS.last[ErrorKind.VALUE] == "总分不是数字：'x'"
        assert U.CSKPI_ERROR("#VALUE!") == "总分不是数字：'x'"
        assert U.CSKPI_ERROR("#NUM!") == "没有找到 #NUM! 的原因（请重新计算：Ctrl+Alt+F9）"

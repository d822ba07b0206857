"""Boundary tables for every rule kind: exactly at a threshold, just below, just above."""

from decimal import Decimal as D

import pytest

from cskpi_xl.core.engine import score_item
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.rules import Band, Condition, Linear, Option, PerCount, Rubric, Score, Test
from cskpi_xl.core.scheme import Item, Review


class TestLinear:
    # duoyi 咨询转化率: baseline 34%, +5 / −5 per point
    conv = Linear("询单转化率", D("0.34"), D("0.34"), D("0.01"), D(5), D(-5))

    @pytest.mark.parametrize("value, delta", [
        (0.34, D(0)), (0.3399, D("-0.05")), (0.3401, D("0.05")), (0.36, D(10)), (0.30, D(-20)),
    ])
    def test_single_baseline(self, value, delta):
        assert self.conv.apply({"询单转化率": value}).delta == delta

    # duoyi 定单销售比: dead zone 90%–95%
    dead = Linear("最终下单成功率", D("0.95"), D("0.90"), D("0.01"), D(1), D(-1))

    @pytest.mark.parametrize("value, delta", [
        (0.95, D(0)), (0.9501, D("0.01")), (0.97, D(2)), (0.92, D(0)), (0.90, D(0)), (0.8999, D("-0.01")), (0.85, D(-5)),
    ])
    def test_dead_zone(self, value, delta):
        assert self.dead.apply({"最终下单成功率": value}).delta == delta

    # duoyi 平均客单价: +1 per WHOLE 10 yuan above the team's 客单价
    step = Linear("客单价", "团队客单价", "团队客单价", D(10), D(1), D(0), step=True)

    @pytest.mark.parametrize("value, delta", [(200, D(0)), (209.99, D(0)), (210, D(1)), (219.99, D(1)), (245, D(4)), (150, D(0))])
    def test_step_and_team_baseline(self, value, delta):
        assert self.step.apply({"客单价": value, "团队客单价": D(200)}).delta == delta

    def test_float_noise_does_not_lose_a_step(self):
        # 0.36 − 0.34 is 0.019999… in binary floats; whole points must still count 2
        r = Linear("x", D("0.34"), D("0.34"), D("0.01"), D(1), D(-1), step=True)
        assert r.apply({"x": 0.36}).delta == D(2)

    def test_na_metric_gives_no_adjustment_and_says_why(self):
        o = self.conv.apply({"询单转化率": NA("询单人数为 0")})
        assert o.delta == 0 and o.na is not None and "询单人数为 0" in o.note

    def test_missing_team_baseline_is_na(self):
        o = self.step.apply({"客单价": 300})
        assert o.delta == 0 and o.na is not None


class TestPerCount:
    late = PerCount(("迟到早退次数",), D(-1), after=4, then=D(-3))

    @pytest.mark.parametrize("count, delta", [(0, 0), (1, -1), (4, -4), (5, -7), (6, -10), (10, -22)])
    def test_escalating(self, count, delta):
        assert self.late.apply({"迟到早退次数": count}).delta == D(delta)

    def test_inputs_are_summed(self):
        absence = PerCount(("旷工次数", "迟到超30分钟次数"), D(-10))
        assert absence.apply({"旷工次数": 1, "迟到超30分钟次数": 2}).delta == D(-30)

    def test_missing_is_zero_and_negative_is_an_error(self):
        assert self.late.apply({}).delta == 0
        assert self.late.apply({"迟到早退次数": -1}).error


class TestCondition:
    attendance = Condition((Test(("迟到次数",), ">", D(3)), Test(("早退次数",), ">=", D(1))), points=D(-1))

    @pytest.mark.parametrize("late, early, delta", [(3, 0, 0), (4, 0, -1), (0, 1, -1), (5, 2, -1)])
    def test_any_holds_once(self, late, early, delta):
        assert self.attendance.apply({"迟到次数": late, "早退次数": early}).delta == D(delta)

    def test_unrecorded_inputs_never_hold(self):
        assert not Test(("工龄月数",), "<", D(6)).holds({})
        assert Test(("工龄月数",), "<", D(6)).holds({"工龄月数": 5})


class TestRubric:
    r = Rubric("工作态度", tuple(Option(D(p), str(p)) for p in (7, 5, 3, 2, 1)))

    def test_choice_by_points_or_label(self):
        assert self.r.apply({"工作态度": 5}).value == D(5)
        assert self.r.apply({"工作态度": "3"}).value == D(3)

    def test_not_an_option(self):
        assert "只能选" in self.r.apply({"工作态度": 4}).error

    def test_letters(self):
        r = Rubric("质", (Option(D(100), "a"), Option(D(80), "b")))
        assert r.apply({"质": "B"}).value == D(80)


class TestScore:
    s = Score("领导能力", D(0), D(15), (Band(D(15), D(15), "优"), Band(D(13), D(14), "良"), Band(D(0), D(7), "差", False)))

    @pytest.mark.parametrize("v, label", [(15, "优"), (14, "良"), (13, "良"), (6.5, "差"), (7, None)])
    def test_band(self, v, label):
        assert self.s.apply({"领导能力": v}).label == label

    @pytest.mark.parametrize("v", [-1, 15.01, "很好"])
    def test_out_of_range(self, v):
        assert self.s.apply({"领导能力": v}).error


class TestItem:
    def test_floor_zero_by_default_and_none_when_said(self):
        rules = (PerCount(("冲突次数",), D(-5)),)
        assert score_item(Item("服务态度", D(20), rules), {"冲突次数": 5}).points == D(0)
        assert score_item(Item("服务态度", D(20), rules, floor=None), {"冲突次数": 5}).points == D(-5)

    def test_bonus_may_exceed_full_unless_capped(self):
        rules = (Linear("x", D(0), D(0), D(1), D(1), D(0)),)
        assert score_item(Item("a", D(5), rules), {"x": 3}).points == D(8)
        assert score_item(Item("a", D(5), rules, cap=D(5)), {"x": 3}).points == D(5)

    def test_na_gives_full_marks_with_the_reason(self):
        rules = (Linear("询单转化率", D("0.34"), D("0.34"), D("0.01"), D(5), D(-5)),)
        r = score_item(Item("咨询转化率", D(20), rules), {"询单转化率": NA("询单人数为 0")})
        assert r.points == D(20) and "询单人数为 0" in r.notes[0]

    def test_set_to_overrides(self):
        rules = (Condition((Test(("旷工次数",), ">=", D(1)),), set_to=D(0)),)
        assert score_item(Item("员工出勤率", D(5), rules), {"旷工次数": 1}).points == D(0)

    def test_points_round_half_up_to_two_decimals(self):
        rules = (Linear("x", D(0), D(0), D(3), D(1), D(0)),)
        assert score_item(Item("a", D(0), rules), {"x": 1}).points == D("0.33")
        assert score_item(Item("a", D(0), rules), {"x": 2}).points == D("0.67")

    def test_review_final_column_and_required(self):
        review = Review(("自评", "主管", "审核"), ("审核", "主管"), "主管", "自评")
        item = Item("工作态度", D(7), (Rubric("工作态度", tuple(Option(D(p), str(p)) for p in (7, 5, 3, 2, 1))),))
        r = score_item(item, {"工作态度(自评)": 7, "工作态度(主管)": 5}, review)
        assert r.points == D(5) and r.differs
        r = score_item(item, {"工作态度(自评)": 7, "工作态度(主管)": 5, "工作态度(审核)": 3}, review)
        assert r.points == D(3)
        r = score_item(item, {"工作态度(自评)": 7}, review)
        assert r.points is None and "主管" in r.error

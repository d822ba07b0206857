"""Scheme parts ↔ 2-D tables with a Chinese header row (cskpi_xl.core.schemefile.sheet)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.core.engine import score_item
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.core.schemefile import sheet as T
from cskpi_xl.core.tiers import CoefficientBand, CoefficientTable, Tier, TierTable

AMOUNTS = [0, 1, 9999.99, 14999, 14999.99, 15000, 15000.01, 19999, 20000, 20001, 24999, 25000, 25001, 30000, 30001,
           49999, 50000, 50001, 60000, 60001, 123456.78]


class TestTiers:
    def test_standard_round_trip(self):
        table = builtin("standard").commission
        back, problems = T.rows_to_tiers(T.tiers_to_rows(table))
        assert problems == []
        for x in AMOUNTS:
            assert back.commission(x) == table.commission(x), x

    def test_duoyi_round_trip(self):
        table = builtin("duoyi").commission
        back, problems = T.rows_to_tiers(T.tiers_to_rows(table))
        assert [p for p in problems if p.is_error] == []
        for x in AMOUNTS:
            assert back.commission(x) == table.commission(x), x

    def test_header_row(self):
        assert T.tiers_to_rows(builtin("standard").commission)[0] == ["下限", "上限", "含下限", "含上限", "方式", "比例", "基数", "起算额"]

    def test_typed_by_hr(self):
        rows = [
            ["下限", "上限", "含下限", "含上限", "方式", "比例", "基数", "起算额"],
            [None, None, None, None, None, None, None, None],  # blank rows are ignored
            ["", "1.5万", "", "否", "全额", "1.5%", "", ""],
            [15000, "20,000", "是", "是", "超额", "2%", "150元", None],
            [20000, 25000, "否", "是", "超额累进", 0.04, 250, ""],
            [25000, None, "否", "", "全额", "２％", None, None],  # full-width digits
        ]
        table, problems = T.rows_to_tiers(rows)
        assert problems == []
        got = {x: str(table.commission(x)) for x in (14999, 15000, 22000, 25000, 25001)}
        assert got == {14999: "224.99", 15000: "150.00", 22000: "330.00", 25000: "450.00", 25001: "500.02"}

    def test_threshold_column(self):
        rows = [["下限", "方式", "比例", "基数", "起算额"], [0, "超额", "10%", 5, 100]]
        table, problems = T.rows_to_tiers(rows)
        assert problems == [] and table.commission(300) == Decimal("25.00")

    def test_fixed_without_rate(self):
        table, problems = T.rows_to_tiers([["下限", "上限", "方式", "比例", "基数"], [None, 30000, "固定", None, 0],
                                           [30000, None, "全额", "1%", None]])
        # row 2 ends at 30000 exclusive (blank 含上限 = 否), row 3 starts at 30000 inclusive
        assert problems == [] and table.commission(30000) == Decimal("300.00")

    def test_bad_cells_name_row_and_column(self):
        rows = [["下限", "上限", "方式", "比例"], [0, 100, "全额", "abc"], [100, "x", "按月", 0.01], [200, None, "全额", 5]]
        table, problems = T.rows_to_tiers(rows, where="规则", first_row=3)
        assert table is None
        got = {(p.row, p.column) for p in problems}
        assert got == {(4, "比例"), (5, "上限"), (5, "方式"), (6, "比例")}
        assert all(p.sheet == "规则" for p in problems)
        assert "第 4 行" in problems[0].format() and "列「比例」" in problems[0].format()

    def test_overlap_is_an_error(self):
        table, problems = T.rows_to_tiers([["下限", "上限", "含上限", "比例"], [0, 100, "是", 0.01], [100, None, "否", 0.02]])
        assert table is None and "重叠" in problems[0].message

    def test_top_tier_with_upper_bound_is_a_warning(self):
        table, problems = T.rows_to_tiers([["下限", "上限", "比例"], [0, 100, 0.01]])
        assert table is not None and [p.severity for p in problems] == ["warning"]
        assert table.commission(150) == Decimal("0.00")

    def test_missing_headers(self):
        table, problems = T.rows_to_tiers([["甲", "乙"], [1, 2]])
        assert table is None and "比例" in problems[0].message

    @pytest.mark.parametrize("junk", [None, 5, "abc", [], [[]], [[None, None]], [["下限"]], {"a": 1}, [[1, 2], 3]])
    def test_never_raises(self, junk):
        table, problems = T.rows_to_tiers(junk)
        assert table is None and problems

    def test_rate_out_of_range(self):
        table, problems = T.rows_to_tiers([["比例"], [1.5]])
        assert table is None and problems[0].column == "比例" and "1.5%" in problems[0].message


def _tier_tables():
    bounds = st.lists(st.integers(1, 200) .map(lambda k: Decimal(k * 500)), min_size=0, max_size=5, unique=True).map(sorted)

    @st.composite
    def build(draw):
        bs = draw(bounds)
        edges = [None] + bs + [None]
        tiers = []
        for lo, hi in zip(edges, edges[1:]):
            kind = draw(st.sampled_from(["flat", "marginal", "fixed"]))
            rate = Decimal(draw(st.integers(0, 1000))) / Decimal(10000)
            base = Decimal(draw(st.integers(0, 50000))) / Decimal(100)
            thr = draw(st.one_of(st.none(), st.integers(0, 100000).map(Decimal)))
            # the boundary belongs to exactly one side
            upper_inc = draw(st.booleans())
            tiers.append([lo, hi, kind, rate, base, thr, upper_inc])
        out = []
        for i, (lo, hi, kind, rate, base, thr, upper_inc) in enumerate(tiers):
            lower_inc = True if i == 0 else not tiers[i - 1][6]
            out.append(Tier(lo, hi, lower_inc, upper_inc if hi is not None else True, kind, rate, base, thr))
        return TierTable(tuple(out))

    return build()


@settings(max_examples=150, deadline=None)
@given(_tier_tables(), st.lists(st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False), min_size=1, max_size=30))
def test_tiers_round_trip_property(table, amounts):
    back, problems = T.rows_to_tiers(T.tiers_to_rows(table))
    assert [p for p in problems if p.is_error] == []
    for b in table.boundaries():
        amounts = amounts + [b - 1, b, b + 1, b - Decimal("0.01"), b + Decimal("0.01")]
    for x in amounts:
        assert back.commission(x) == table.commission(x)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=4), st.integers(-10, 10**6), st.floats(allow_nan=True),
                                   st.booleans()), max_size=9), max_size=6))
def test_garbage_never_raises(rows):
    for fn in (T.rows_to_tiers, T.rows_to_grades, T.rows_to_coefficient, T.rows_to_items):
        result, problems = fn([list(T.TIER_HEADERS)] + rows)
        assert result is not None or any(p.is_error for p in problems)


class TestGrades:
    def test_standard_round_trip(self):
        grades = builtin("standard").grades
        rows = T.grades_to_rows(grades)
        assert rows[0][:5] == ["等级", "下限", "上限", "含下限", "含上限"]
        assert "岗位工资" in rows[0]
        back, problems = T.rows_to_grades(rows)
        assert problems == []
        for s in ["0", "64.99", "65", "74.9", "75", "84.99", "85", "94.6", "95", "120"]:
            a, b = grades.grade(Decimal(s)), back.grade(Decimal(s))
            assert (a.label, a.attrs) == (b.label, b.attrs), s
        assert back.grade(Decimal("94.6")).attrs["岗位工资"] == Decimal(1700)

    def test_typed_by_hr(self):
        rows = [["等级", "下限", "上限", "含下限", "含上限", "岗位工资", "绩效工资比例"],
                ["A+", 100, None, "否", None, "1,800", "得分"],
                ["A", 90, 100, "否", "是", 1700, "100%"],
                ["C", None, 90, None, "是", 1400, 0]]
        g, problems = T.rows_to_grades(rows)
        assert problems == []
        assert g.grade(Decimal(100)).label == "A" and g.grade(Decimal("100.01")).attrs["绩效工资比例"] == "得分"
        assert g.grade(Decimal(95)).attrs["绩效工资比例"] == Decimal(1)

    def test_gap_and_bad_cells(self):
        g, problems = T.rows_to_grades([["等级", "下限", "上限", "岗位工资"], ["优", 90, None, "很多"], ["差", None, 80, 1400]])
        assert g is None
        assert [(p.row, p.column) for p in problems] == [(2, "岗位工资")]
        g, problems = T.rows_to_grades([["等级", "下限", "上限"], ["优", 90, None], ["差", None, 80]])
        assert g is None and "空档" in problems[0].message


class TestCoefficient:
    def test_round_trip(self):
        c = CoefficientTable((CoefficientBand(None, Decimal(60), Decimal(0)), CoefficientBand(Decimal(60), Decimal(90), Decimal("0.01")),
                              CoefficientBand(Decimal(90), None, Decimal("0.015"))))
        back, problems = T.rows_to_coefficient(T.coefficient_to_rows(c))
        assert problems == []
        for s in (0, 59.99, 60, 75, 89.99, 90, 120):
            assert back.commission(s, 20000) == c.commission(s, 20000)

    def test_hr_table(self):
        c, problems = T.rows_to_coefficient([["下限", "上限", "比例"], [None, 60, 0], [60, None, "1%"]])
        assert problems == [] and c.commission(75, 20000) == Decimal("200.00")


class TestItems:
    @pytest.mark.parametrize("scheme_id", ["duoyi", "standard"])
    def test_round_trip_scores(self, scheme_id):
        scheme = builtin(scheme_id)
        rows = T.items_to_rows(scheme)
        assert rows[0] == list(T.ITEM_HEADERS)
        items, problems = T.rows_to_items(rows)
        assert problems == []
        ctxs = [
            {"询单转化率": Decimal("0.36"), "最终下单成功率": Decimal("0.88"), "平均响应时间": 40, "客单价": 123, "团队客单价": 100,
             "不耐心次数": 3, "冲突次数": 1, "迟到早退次数": 6, "旷工次数": 1, "咨询占比": Decimal("0.3"), "人均咨询占比": Decimal("0.2"),
             "指标完成率": Decimal("1.1"), "回复率": Decimal("0.97"), "被投诉次数": 2, "表扬次数": 1},
            {},
        ]
        for ctx in ctxs:
            ctx = {**scheme.params, **ctx}
            for orig, back in zip(scheme.items, items):
                assert back.name == orig.name and back.full == orig.full and back.floor == orig.floor
                assert score_item(back, ctx).points == score_item(orig, ctx).points, orig.name

    def test_rows_to_item_for_kpi_score(self):
        rows = T.items_to_rows(builtin("duoyi"))
        item, problems = T.rows_to_item(rows, "咨询转化率")
        assert problems == [] and score_item(item, {"询单转化率": Decimal("0.36")}).points == Decimal(30)
        item, problems = T.rows_to_item(rows, "不存在")
        assert item is None and "不存在" in problems[-1].message

    def test_merged_name_cells(self):
        rows = [["项目", "满分", "规则类型", "指标/录入项", "每次", "最低分"],
                ["服务态度", 20, "按次", "不耐心次数", -1, "不设下限"],
                [None, None, "按次", "冲突次数", -5, None]]
        item, problems = T.rows_to_item(rows)
        assert problems == [] and len(item.rules) == 2 and item.floor is None
        assert score_item(item, {"不耐心次数": 3, "冲突次数": 4}).points == Decimal(-3)

    def test_only_table_rule_kinds(self):
        items, problems = T.rows_to_items([["项目", "满分", "规则类型", "指标/录入项"], ["工作态度", 7, "评分选项", "工作态度"]])
        assert items is None and problems[0].column == "规则类型" and problems[0].row == 2

    def test_bad_cells(self):
        rows = [["项目", "满分", "规则类型", "指标/录入项", "基准", "单位", "高于每单位"],
                ["转化", "二十", "线性", "询单转化率", "34%", "0", 5]]
        items, problems = T.rows_to_items(rows, where="规则")
        assert items is None
        assert {(p.row, p.column) for p in problems} >= {(2, "满分"), (2, "单位")}

"""What the Excel functions compute, and the one error boundary (plain import: no-op decorators)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cskpi_xl import udfs as U
from cskpi_xl.core.schemefile import sheet as T
from cskpi_xl.core.schemefile import builtin


@pytest.fixture(autouse=True)
def fresh_log():
    U.ERRORS.clear()
    yield


class TestKpiScore:
    def test_example(self):
        assert U.KPI_SCORE("咨询转化率", 0.36, "duoyi") == 30

    @pytest.mark.parametrize("item,value,points", [
        ("咨询转化率", "36%", 30), ("询单转化率", 0.30, 0), ("定单销售比", 0.97, 7), ("定单销售比", 0.88, 3),
        ("平均响应时间", 35, 14), ("平均响应时间", 60, -36), ("服务态度", 3, 17), ("售后客服", 6, 0),
        ("日常记录", 1, 0), ("咨询转化率", None, 20), ("咨询转化率", "延迟统计", 20),
    ])
    def test_duoyi_items(self, item, value, points):
        assert U.KPI_SCORE(item, value) == points

    def test_baseline(self):
        assert U.KPI_SCORE("平均客单价", 125, "duoyi", 100) == 7
        assert U.KPI_SCORE("平均客单价", 125) == "#N/A"
        assert "第 4 个参数" in U.CSKPI_ERROR("#N/A")

    def test_scheme_param_is_not_asked(self):
        assert U.KPI_SCORE("询单转化率", 0.40, "standard") == 30

    def test_column_in_column_out(self):
        got = U.KPI_SCORE([["咨询转化率"], ["定单销售比"], ["不存在"], ["咨询转化率"]], [[0.36], [0.97], [1], ["abc"]])
        assert got == [[30.0], [7.0], ["#N/A"], ["#VALUE!"]]

    def test_one_item_many_values(self):
        assert U.KPI_SCORE("咨询转化率", [[0.34], [0.35], [None]]) == [[20.0], [25.0], [20.0]]

    def test_errors(self):
        assert U.KPI_SCORE("不存在", 1) == "#N/A"
        assert "项目有：服务态度" in U.CSKPI_ERROR()
        assert U.KPI_SCORE("咨询转化率", 1, "nosuch") == "#N/A"
        assert "没有方案「nosuch」" in U.CSKPI_ERROR("#N/A")
        assert U.KPI_SCORE("咨询转化率", "abc") == "#VALUE!"
        assert U.KPI_SCORE("咨询转化率", True) == "#VALUE!"
        assert U.KPI_SCORE("咨询转化率", "#DIV/0!") == "#DIV/0!"  # an error cell passes through
        assert U.KPI_SCORE("咨询转化率", -2146826246) == "#N/A"  # pywin32's code for #N/A

    def test_item_table(self):
        rows = T.items_to_rows(builtin("duoyi"))
        assert U.KPI_SCORE("咨询转化率", 0.36, rows) == 30
        rows[3][4] = 0.30  # HR changes the baseline in the cell
        assert U.KPI_SCORE("咨询转化率", 0.36, rows) == 50

    def test_scheme_file(self, tmp_path):
        src = builtin("duoyi").path
        from importlib import resources

        text = resources.files("cskpi_xl.schemes").joinpath("duoyi.toml").read_text("utf-8").replace("baseline = 0.34", "baseline = 0.30")
        p = tmp_path / "我的方案.toml"
        p.write_text(text, "utf-8")
        assert src
        assert U.KPI_SCORE("咨询转化率", 0.36, str(p)) == 50

    def test_scheme_by_chinese_name(self):
        assert U.KPI_SCORE("咨询转化率", 0.36, "朵以网店客服考核表") == 30


class TestCommission:
    @pytest.mark.parametrize("sales,pay", [(22000, 330), (14999, 224.99), (15000, 150), (25000, 450), (25001, 500.02),
                                           (0, 0), (None, 0), ("1.5万", 150)])
    def test_standard(self, sales, pay):
        assert U.COMMISSION_TIER(sales) == pay

    def test_duoyi(self):
        assert U.COMMISSION_TIER(40000, "duoyi") == 400 and U.COMMISSION_TIER(30000, "duoyi") == 0

    def test_typed_table(self):
        rows = [["下限", "上限", "含上限", "方式", "比例"], [None, 10000, "否", "全额", "1%"], [10000, None, None, "全额", "2%"]]
        assert U.COMMISSION_TIER([[9999], [10000]], rows) == [[99.99], [200.0]]

    def test_bad_table_names_the_cell(self):
        rows = [["下限", "比例"], [0, "abc"]]
        assert U.COMMISSION_TIER(100, rows) == "#VALUE!"
        assert U.CSKPI_ERROR() == "提成表有错误：第 2 行 列「比例」：比例不是数字或百分比（值：'abc'）"

    def test_not_final(self):
        assert U.COMMISSION_TIER("延迟统计") == "#N/A"


class TestGrades:
    def test_grade(self):
        assert U.GRADE(94.6) == "优秀" and U.GRADE(95) == "卓越" and U.GRADE(10) == "不及格"
        assert U.GRADE_ATTR(94.6, "岗位工资") == 1700 and U.GRADE_ATTR(94.6, "岗位级别") == "二级客服"

    def test_errors(self):
        assert U.GRADE("x") == "#VALUE!" and U.GRADE(None) == "#N/A"
        assert U.GRADE_ATTR(90, "奖金") == "#N/A" and "有：培训需求" in U.CSKPI_ERROR("#N/A")
        assert U.GRADE(80, "duoyi") == "#N/A"

    def test_table(self):
        assert U.GRADE([[100], [89.9]], U.GRADE_TABLE("standard")) == [["卓越"], ["优秀"]]


class TestMetrics:
    def test_ratios(self):
        assert U.CONVERSION_RATE(18, 50) == 0.36
        assert U.ORDER_SUCCESS_RATE(19, 20) == 0.95
        assert U.AVG_ORDER_VALUE(1000, 8) == 125
        assert U.REPLY_RATE(99, 100) == 0.99
        assert U.TARGET_COMPLETION(11000, 10000) == 1.1
        assert U.ANSWER_RATIO(150, 100) == 1.5
        assert U.AVG_RESPONSE(3000, 100) == 30
        assert U.AVG_RESPONSE("1小时", 120) == 30

    def test_zero_denominator(self):
        assert U.CONVERSION_RATE(18, 0) == "#DIV/0!"
        assert U.CSKPI_ERROR("#DIV/0!") == "询单人数为 0，无法计算询单转化率"

    def test_missing(self):
        assert U.CONVERSION_RATE(None, 50) == "#N/A" and "缺少最终付款人数" in U.CSKPI_ERROR()
        assert U.CONVERSION_RATE("abc", 50) == "#VALUE!"

    def test_columns(self):
        assert U.CONVERSION_RATE([[18], [5], [1]], [[50], [0], ["x"]]) == [[0.36], ["#DIV/0!"], ["#VALUE!"]]

    def test_shape_mismatch(self):
        assert U.CONVERSION_RATE([[1], [2]], [[1], [2], [3]]) == "#VALUE!"


class TestPay:
    def test_public(self):
        assert U.PUBLIC_COMMISSION(200000, 8) == 125
        assert U.PUBLIC_COMMISSION(200000, 8, "1%") == 250
        assert U.PUBLIC_COMMISSION(200000, 0) == "#DIV/0!"
        assert U.PUBLIC_COMMISSION(200000, 2.5) == "#VALUE!"

    def test_month_pay(self):
        assert U.MONTH_PAY(1700, 330, 125, 100) == 2255
        assert U.MONTH_PAY(1700, 330.005, 125, 100, 10, 30) == 2235.01
        assert U.MONTH_PAY(1700, None, None, None) == 1700
        assert U.MONTH_PAY([[1700], [1400]], 0, 0, 0, 0, [[0], [10]]) == [[1700.0], [1390.0]]


class TestAgentTotal:
    HEAD = [["客服昵称", "询单人数", "最终付款人数", "平均响应时间", "不耐心次数", "团队客单价", "客单价"]]

    def test_rows(self):
        vals = [["小美", 50, 18, 30, 2, 100, 125], ["小王", 100, 30, 40, 0, 100, 90], [None] * 7, ["小李", "abc", 1, 1, 1, 1, 1]]
        assert U.AGENT_TOTAL(self.HEAD, vals, "duoyi") == [[110.0], [64.0], [None], ["#VALUE!"]]

    def test_column_layout(self):
        head = [[h] for h in self.HEAD[0]]
        vals = [["小美"], [50], [18], [30], [2], [100], [125]]
        assert U.AGENT_TOTAL(head, vals) == 110

    def test_consult_share(self):
        head = [["接待人数", "团队接待人数", "团队人数"]]
        # share 0.3 vs per-capita 0.2: +2 on 其他加减分 (each whole 5 points)
        assert U.AGENT_TOTAL(head, [[30, 100, 5]]) == 102


class TestTables:
    def test_scheme_items_spills(self):
        rows = U.SCHEME_ITEMS("duoyi")
        assert rows[0][0] == "项目" and rows[1][0] == "服务态度" and all(c is not None for r in rows for c in r)
        assert U.COMMISSION_TABLE("standard")[0] == list(T.TIER_HEADERS)
        assert U.GRADE_TABLE("standard")[1][0] == "卓越"


class TestErrorBoundary:
    def test_internal_error_is_value_with_reason(self, monkeypatch):
        monkeypatch.setattr(U.C, "tier_table", lambda *a: 1 / 0)
        assert U.COMMISSION_TIER(1) == "#VALUE!"
        assert U.CSKPI_ERROR().startswith("内部错误（ZeroDivisionError）")

    def test_reason_by_calling_cell(self):
        assert U.KPI_SCORE("咨询转化率", "abc", where="[模板.xlsm]得分!$C$2") == "#VALUE!"
        assert U.CONVERSION_RATE(1, 0, where="[模板.xlsm]得分!$D$2") == "#DIV/0!"

        class Cell:
            def __init__(self, address, value):
                self.address, self.value = address, value

            def get_address(self, external=False):
                return self.address

        assert U.CSKPI_ERROR(Cell("[模板.xlsm]得分!$C$2", "#VALUE!")) == "询单转化率不是数字：'abc'"
        assert U.CSKPI_ERROR(Cell("[模板.xlsm]得分!$D$2", "#DIV/0!")) == "询单人数为 0，无法计算询单转化率"
        # a later good result clears the cell's reason
        assert U.KPI_SCORE("咨询转化率", 0.36, where="[模板.xlsm]得分!$C$2") == 30
        assert U.CSKPI_ERROR(Cell("[模板.xlsm]得分!$C$2", 30)) == ""

    def test_reason_inside_a_spilled_column(self):
        class Cell:
            def __init__(self, address):
                self.address = address

            def get_address(self, external=False):
                return self.address

        U.CONVERSION_RATE([[1], [2], [3]], [[2], [0], ["x"]], where="[b.xlsx]S!$E$2:$E$4")
        assert U.CSKPI_ERROR(Cell("[b.xlsx]S!$E$3")) == "询单人数为 0，无法计算询单转化率"
        assert U.CSKPI_ERROR(Cell("[b.xlsx]S!$E$4")).startswith("询单人数不是数字")
        assert U.CSKPI_ERROR(Cell("[b.xlsx]S!$E$2")) == ""

    def test_log_is_bounded(self):
        for i in range(U.ERRORS.size + 50):
            U.KPI_SCORE("x", 1, where=f"[b]S!$A${i + 1}")
        assert len(U.ERRORS.by_key) == U.ERRORS.size

    def test_no_error_text(self):
        assert U.CSKPI_ERROR(42) == "" and U.CSKPI_ERROR() == ""

    def test_cellref_converter(self):
        from types import SimpleNamespace

        pipeline = U.CellRef.reader({})  # what xlwings' conversion.read runs for this argument
        typed = SimpleNamespace(range=None, value="#N/A")
        pipeline(typed)
        assert typed.value == "#N/A"
        cell = SimpleNamespace(range="<the Range>", value=1)
        pipeline(cell)
        assert cell.value == "<the Range>"

    @pytest.mark.parametrize("junk", [object(), [[object()]], {"a": 1}, float("nan"), b"x", [[[1]]]])
    def test_never_raises(self, junk):
        for name, f in U.FUNCTIONS.items():
            for args in [(junk,), (junk, junk), (junk, junk, junk)]:
                try:
                    r = f(*args)
                except TypeError:
                    continue  # wrong number of arguments: Excel never calls like that
                assert not isinstance(r, (Decimal, Exception))


def test_decimals_leave_as_floats():
    assert isinstance(U.COMMISSION_TIER(22000), float) and isinstance(U.GRADE_ATTR(90, "岗位工资"), float)

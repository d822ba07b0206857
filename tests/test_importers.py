"""Importers on small files built here, with values worked out by hand."""

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cskpi_xl.core.numbers import NA
from cskpi_xl.core.metrics import compute_metrics
from cskpi_xl.importers import AgentMonth, MonthData, import_files, read_table


def xlsx(path: Path, rows, title="Sheet1", more=None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for name, extra in (more or {}).items():
        s = wb.create_sheet(name)
        for r in extra:
            s.append(r)
    wb.save(path)
    return path


def csv_file(path: Path, rows, encoding="utf-8", sep=",") -> Path:
    text = "\r\n".join(sep.join(str(c) for c in r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def where(p):
    return (Path(p.file).name if p.file else None, p.sheet, p.row, p.column, p.message, p.value, p.severity)


# ----------------------------------------------------------------- weighting

class TestDailyToMonth:
    def test_average_weighted_by_count_not_mean_of_days(self, tmp_path):
        # day 1: 10 responses at 20 s; day 2: 30 at 40 s → (200 + 1200) / 40 = 35 s, not (20 + 40) / 2 = 30
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "接待人数", "平均响应(秒)"],
                                        ["2026-10-01", "小美", 10, 20], ["2026-10-02", "小美", 30, 40]])
        data, problems = import_files([f])
        fig = data.agents["小美"].figures
        assert problems == []
        assert data.month == "2026-10"
        assert fig["平均响应时间"] == 35
        assert fig["响应总秒数"] == 1400 and fig["响应次数"] == 40 and fig["接待人数"] == 40

    def test_api_totals_and_counts(self, tmp_path):
        # 千牛 API: 100 s over 10 first responses, 900 s over 30 → 1000 / 40 = 25 s (mean of daily averages: 20)
        f = csv_file(tmp_path / "api.csv", [["日期", "旺旺昵称", "首次响应总耗时(s)", "首次响应人数", "询单人数"],
                                            ["20261001", "a", 100, 10, 5], ["20261002", "a", 900, 30, 7]])
        data, problems = import_files([f])
        a = data.agents["a"]
        assert problems == []
        assert a.figures["首次响应总秒数"] == 1000 and a.figures["首次响应次数"] == 40 and a.figures["询单人数"] == 12
        assert a.sources == ((str(f), "", "qianniu_api", "a"),)
        from cskpi_xl.core.metrics import compute_metrics
        assert compute_metrics(a.figures)["首次响应时间"] == 25

    def test_ratio_recomputed_from_counts(self, tmp_path):
        # 5/10 = 50% and 3/30 = 10%: the month is 8/40 = 20%, not the mean 30%
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "询单人数", "询单->最终付款人数", "询单->最终付款转化率"],
                                        ["2026-10-01", "小美", 10, 5, "50.00%"], ["2026-10-02", "小美", 30, 3, "10.00%"]])
        data, _ = import_files([f])
        fig = data.agents["小美"].figures
        assert fig["询单转化率"] == Decimal("0.2")
        assert fig["最终付款人数"] == 8 and fig["询单人数"] == 40

    def test_rate_without_counts_kept_directly(self, tmp_path):
        f = xlsx(tmp_path / "m_2026-10.xlsx", [["客服昵称", "询单人数", "销售额", "回复率"], ["小美", 50, 100, "97.50%"]])
        data, problems = import_files([f])
        assert data.agents["小美"].figures["回复率"] == Decimal("0.975")
        assert problems == []

    def test_monthly_average_keeps_direct_value_and_totals(self, tmp_path):
        f = xlsx(tmp_path / "m.xlsx", [["客服昵称", "接待人数", "平均响应(秒)", "首次响应(秒)"], ["小美", 120, 32.5, 11]])
        fig = import_files([f], month="2026-10")[0].agents["小美"].figures
        assert fig["平均响应时间"] == Decimal("32.5")
        assert fig["响应总秒数"] == 3900 and fig["响应次数"] == 120
        assert fig["首次响应总秒数"] == 1320 and fig["首次响应次数"] == 120

    def test_daily_rates_without_counts_cannot_be_averaged(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "询单人数", "满意率"],
                                        ["2026-10-01", "a", 1, "90%"], ["2026-10-02", "a", 1, "100%"]])
        data, problems = import_files([f])
        assert isinstance(data.agents["a"].figures["满意率"], NA)  # never the mean 95%
        assert [(p.agent, p.message, p.severity) for p in problems] == [
            ("a", "有 2 行只给出满意率、没有评价量，无法按人数加权合并，满意率记为「无法计算」", "warning")]

    def test_daily_rate_weighted_by_its_denominator(self, tmp_path):
        # 回复率 90% of 10 and 50% of 30 buyers served → (9 + 15) / 40 = 60%
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "接待人数", "回复率"],
                                        ["2026-10-01", "a", 10, "90%"], ["2026-10-02", "a", 30, "50%"]])
        assert import_files([f])[0].agents["a"].figures["回复率"] == Decimal("0.6")

    def test_uneven_sources_are_flagged_and_paired(self, tmp_path):
        # one account gives 询单人数 and 最终付款人数, the other only 询单人数: the total-based rate
        # 5/20 would mislead, so the rate comes from the source that gives both: 5/10
        a = xlsx(tmp_path / "a_2026-10.xlsx", [["客服昵称", "询单人数", "询单->最终付款人数"], ["店A:x", 10, 5]])
        b = xlsx(tmp_path / "b_2026-10.xlsx", [["客服昵称", "询单人数", "下单人数"], ["店B:x", 10, 2]])
        data, problems = import_files([a, b], aliases={"店A:x": "x", "店B:x": "x"})
        f = data.agents["x"].figures
        assert {k: f[k] for k in ("询单人数", "最终付款人数", "下单人数", "询单转化率")} == \
            {"询单人数": 20, "最终付款人数": 5, "下单人数": 2, "询单转化率": Decimal("0.5")}
        assert isinstance(f["最终下单成功率"], NA)  # no source gives both 最终付款人数 and 下单人数
        m = compute_metrics(f)
        assert m["询单转化率"] == Decimal("0.5") and isinstance(m["最终下单成功率"], NA) and "_paired" not in m
        assert [(p.agent, p.severity) for p in problems] == [("x", "warning")]
        assert "询单转化率（最终付款人数÷询单人数）" in problems[0].message
        assert "最终下单成功率（最终付款人数÷下单人数）" in problems[0].message

    def test_daily_view(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "咨询人数", "下单人数"],
                                        ["2026-10-02", "小美", 30, 6], ["2026-10-01", "小美", 20, 5]])
        a = import_files([f])[0].agents["小美"]
        assert a.daily == ((dt.date(2026, 10, 1), {"咨询人数": 20, "下单人数": 5}),
                           (dt.date(2026, 10, 2), {"咨询人数": 30, "下单人数": 6}))
        assert a.figures == {"咨询人数": 50, "下单人数": 11}

    def test_money_is_decimal_and_exact(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "销售额", "询单人数"],
                                        ["2026-10-01", "a", 0.1, 1], ["2026-10-02", "a", 0.2, 1], ["2026-10-03", "a", "12,345.60", 1]])
        v = import_files([f])[0].agents["a"].figures["销售额"]
        assert isinstance(v, Decimal) and v == Decimal("12345.90")

    def test_date_formats(self, tmp_path):
        rows = [["日期", "客服昵称", "询单人数", "下单人数"],
                ["2026-10-01", "a", 1, 1], ["2026/10/2", "a", 2, 1], ["20261003", "a", 3, 1], [46299, "a", 4, 1],
                [dt.datetime(2026, 10, 5, 0, 0), "a", 5, 1], ["合计", "", 15, 5]]
        a = import_files([xlsx(tmp_path / "d.xlsx", rows)])[0].agents["a"]
        assert [d for d, _ in a.daily] == [dt.date(2026, 10, i) for i in range(1, 6)]
        assert a.figures["询单人数"] == 15


# ----------------------------------------------------------------- mess

class TestMess:
    def test_real_export_cells(self, tmp_path):
        f = xlsx(tmp_path / "自定义报表_x_下单优先判定_2026-10-01至2026-10-31.xlsx", [
            ["客服昵称", "接待人数", "询单人数", "回复率", "平均接待时长", "销售额", "客户满意率", "退款金额"],
            ["  小美 ", 100, 50, "100.00%", "8分48秒", "12,345.60", "延迟统计", "-"],
            ["阿杰", 80, "", 1.0, "1小时2分", "", 0.98, None],
            ["汇总", 180, 50, "-", "-", "-", "-", "-"],
            ["均值", 90, 25, "-", "-", "-", "-", "-"],
        ])
        data, problems = import_files([f])
        assert data.month == "2026-10"
        assert list(data.agents) == ["小美", "阿杰"]
        m, j = data.agents["小美"].figures, data.agents["阿杰"].figures
        assert m["回复率"] == 1 and j["回复率"] == 1
        assert m["接待总秒数"] == 528 * 100 and m["平均接待时长"] == 528
        assert j["接待总秒数"] == 3720 * 80 and j["平均接待时长"] == 3720
        assert m["销售额"] == Decimal("12345.60")
        assert "退款金额" not in m and "询单人数" not in j and "销售额" not in j
        assert isinstance(m["满意率"], NA)
        assert [where(p) for p in problems] == [
            (f.name, "Sheet1", 2, "客户满意率", "数据尚未统计完成（延迟统计），按缺失处理，请稍后重新导入", "延迟统计", "warning"),
            # every row is used or reported
            (f.name, "Sheet1", 4, None, "跳过了 2 行汇总/合计/均值行（第 4、5 行），不计入任何人", 2, "warning")]

    def test_title_rows_above_the_header(self, tmp_path):
        f = xlsx(tmp_path / "jd.xlsx", [["京东咚咚客服工作量统计（2026-09-01~2026-09-30）"], [],
                                         ["客服", "接待量", "售前接待人数", "促成下单人数"], ["x", 10, 5, 2]])
        data, problems = import_files([f])
        assert data.month == "2026-09"
        assert data.agents["x"].figures == {"接待人数": 10, "询单人数": 5, "最终付款人数": 2, "销售人数": 2}
        assert data.agents["x"].sources[0][2] == "jd"

    def test_broken_file_exact_problems(self, tmp_path):
        f = xlsx(tmp_path / "坏.xlsx", [
            ["客服昵称", "接待人数", "询单人数", "回复率", "销售额", "平均响应(秒)"],
            ["小美", -3, 10, "150%", "abc", 30],
            ["阿杰", 12.5, 10, 0.9, "100", "半分钟"],
            ["小美", 1, 1, 1, 1, 1],
            ["", 5, 5, 5, 5, 5],
            ["小王", 10, 4, 0.5, 200, 20],
        ], title="数据")
        data, problems = import_files([f], month="2026-10")
        assert [where(p) for p in problems] == [
            ("坏.xlsx", "数据", 2, "接待人数", "不能为负数，已忽略该值", -3.0, "error"),
            ("坏.xlsx", "数据", 2, "回复率", "比率超过 100%，已忽略该值", "150%", "error"),
            ("坏.xlsx", "数据", 2, "销售额", "不是数字", "abc", "error"),
            ("坏.xlsx", "数据", 3, "接待人数", "人数/次数应为整数，已忽略该值", 12.5, "error"),
            ("坏.xlsx", "数据", 3, "平均响应(秒)", "不是时长", "半分钟", "error"),
            ("坏.xlsx", "数据", 4, "客服昵称", "客服「小美」在第 2 行和第 4 行重复出现，只保留第 2 行，请检查导出", "小美", "error"),
            ("坏.xlsx", "数据", 5, "客服昵称", "客服昵称为空，该行已跳过", None, "error"),
        ]
        assert all(p.message_en for p in problems)
        # the good values of bad rows and the good rows go through
        assert data.agents["小美"].figures == {"询单人数": 10, "平均响应时间": Decimal(30)}
        assert data.agents["阿杰"].figures == {"询单人数": 10, "回复率": Decimal("0.9"), "销售额": Decimal(100)}
        assert data.agents["小王"].figures["销售额"] == 200

    def test_daily_duplicate_agent_and_day(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "询单人数"], ["2026-10-01", "a", 1], ["2026-10-02", "a", 2],
                                        ["2026/10/1", "a", 5]])
        data, problems = import_files([f])
        assert data.agents["a"].figures["询单人数"] == 3
        assert [where(p) for p in problems] == [
            ("d.xlsx", "Sheet1", 4, "客服昵称", "客服「a」在 2026-10-01 有两行（第 2 行和第 4 行），只保留第 2 行", "a", "error")]

    def test_bad_date_row_is_skipped(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "询单人数"], ["昨天", "a", 1], ["2026-10-02", "a", 2]])
        data, problems = import_files([f])
        assert data.agents["a"].figures["询单人数"] == 2
        assert [where(p) for p in problems] == [("d.xlsx", "Sheet1", 2, "日期", "日期无法识别，该行已跳过", "昨天", "error")]

    def test_nickname_is_plain_text(self, tmp_path):
        nick = '=HYPERLINK("http://x","点我")'
        f = csv_file(tmp_path / "a.csv", [["客服昵称", "询单人数", "销售额"], [f'"{nick.replace(chr(34), chr(34) * 2)}"', 1, 2]])
        data, _ = import_files([f], month="2026-10")
        assert list(data.agents) == [nick]

    def test_several_sheets(self, tmp_path):
        f = xlsx(tmp_path / "两店_2026-10.xlsx", [["客服昵称", "询单人数", "销售额"], ["店A:小美", 10, 100]], title="A店",
                 more={"说明": [["这是说明"]], "B店": [["客服昵称", "询单人数", "销售额"], ["店B:小美", 5, 50]]})
        data, problems = import_files([f], aliases={"店A:小美": "小美", "店B：小美": "小美"})
        assert problems == []
        assert data.agents["小美"].figures == {"询单人数": 15, "销售额": Decimal(150)}
        assert [s[1] for s in data.agents["小美"].sources] == ["A店", "B店"]


    def test_same_account_in_two_sheets_of_one_file(self, tmp_path):
        head = ["客服昵称", "询单人数", "销售额"]
        f = xlsx(tmp_path / "m_2026-10.xlsx", [head, ["a", 10, 100]], title="一", more={"二": [head, ["a", 5, 50]]})
        data, problems = import_files(f)  # a single path is accepted too
        assert data.agents["a"].figures == {"询单人数": 10, "销售额": Decimal(100)}
        assert [where(p) for p in problems] == [
            ("m_2026-10.xlsx", "二", 2, None, "账号「a」在工作表「一」和「二」中都有数据，只保留「一」的", "a", "error")]


# ----------------------------------------------------------------- months

class TestMonth:
    def test_rows_of_other_months_dropped_with_warning(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "询单人数", "下单人数"],
                                        ["2026-09-30", "a", 100, 1], ["2026-10-01", "a", 1, 1], ["2026-10-02", "a", 2, 1]])
        data, problems = import_files([f], month="2026-10")
        assert data.agents["a"].figures["询单人数"] == 3
        assert [where(p) for p in problems] == [
            ("d.xlsx", "Sheet1", 2, None, "有 1 行属于其他月份（2026-09），不是 2026-10，已忽略（第一行是第 2 行）", "2026-09", "warning")]

    def test_without_month_the_latest_is_kept(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", [["日期", "客服昵称", "询单人数", "下单人数"],
                                        ["2026-09-30", "a", 100, 1], ["2026-10-01", "a", 1, 1]])
        data, problems = import_files([f])
        assert data.month == "2026-10" and data.agents["a"].figures["询单人数"] == 1
        assert problems[0].severity == "warning" and "2026-09、2026-10" in problems[0].message

    def test_monthly_file_of_another_month_skipped(self, tmp_path):
        f = xlsx(tmp_path / "报表_2026-09-01至2026-09-30.xlsx", [["客服昵称", "询单人数", "销售额"], ["a", 1, 2]])
        data, problems = import_files([f], month="2026-10")
        assert data.agents == {}
        assert [p.message for p in problems] == ["这份月报属于 2026-09（按文件名），不是 2026-10，已跳过"]

    def test_monthly_file_without_month_takes_the_option(self, tmp_path):
        f = xlsx(tmp_path / "报表.xlsx", [["客服昵称", "询单人数", "销售额"], ["a", 1, 2]])
        assert import_files([f], month="2026-10")[0].month == "2026-10"
        assert import_files([f])[0].month is None

    def test_bad_month_option(self, tmp_path):
        f = xlsx(tmp_path / "报表.xlsx", [["客服昵称", "询单人数", "销售额"], ["a", 1, 2]])
        data, problems = import_files([f], month="2026-13")
        assert problems[0].message == "月份格式应为 YYYY-MM（例如 2026-10）"


# ----------------------------------------------------------------- re-import

DAILY = [["日期", "客服昵称", "询单人数", "询单->最终付款人数", "销售额", "平均响应(秒)", "接待人数"],
         ["2026-10-01", "a", 10, 2, 100, 20, 10], ["2026-10-02", "a", 20, 3, 150, 40, 30]]


class TestReimport:
    def test_same_file_twice_counts_once(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", DAILY)
        data, problems = import_files([f, f])
        assert data.agents["a"].figures["询单人数"] == 30
        assert [p.severity for p in problems] == ["warning"]
        assert "只导入一次" in problems[0].message

    def test_a_copy_of_the_file_does_not_double_count(self, tmp_path):
        f, g = xlsx(tmp_path / "d.xlsx", DAILY), xlsx(tmp_path / "d_copy.xlsx", DAILY)
        data, problems = import_files([f, g])
        fig = data.agents["a"].figures
        assert fig["询单人数"] == 30 and fig["销售额"] == 250 and fig["响应总秒数"] == 1400 and fig["平均响应时间"] == 35
        assert [p.message for p in problems] == [
            f"后读入的文件「{g}」更新了「{f}」中的 2 行（同一平台、账号和日期，以后读入的为准，不重复计算）"]

    def test_late_file_replaces_the_figures_it_gives(self, tmp_path):
        f = xlsx(tmp_path / "d.xlsx", DAILY)
        late = xlsx(tmp_path / "d_补数.xlsx", [["日期", "客服昵称", "询单->最终付款人数", "销售额"], ["2026-10-02", "a", 7, 390]])
        fig = import_files([f, late])[0].agents["a"].figures
        # day 2: 3 → 7 payers and 150 → 390 yuan; other figures stay
        assert fig["最终付款人数"] == 2 + 7 and fig["销售额"] == 100 + 390
        assert fig["询单人数"] == 30 and fig["响应总秒数"] == 1400
        assert fig["询单转化率"] == Decimal(9) / Decimal(30) if "询单转化率" in fig else True
        # read in the other order, the base file wins again (later file wins)
        fig2 = import_files([late, f])[0].agents["a"].figures
        assert fig2["最终付款人数"] == 5 and fig2["销售额"] == 250

    def test_monthly_and_daily_of_one_account_never_both_count(self, tmp_path):
        d = xlsx(tmp_path / "d.xlsx", DAILY)
        m = xlsx(tmp_path / "m_2026-10.xlsx", [["客服昵称", "询单人数", "询单->最终付款人数"], ["a", 100, 10]])
        data, problems = import_files([d, m])
        assert data.agents["a"].figures["询单人数"] == 100
        assert any("既有月报又有日报" in p.message for p in problems)
        data, _ = import_files([m, d])
        assert data.agents["a"].figures["询单人数"] == 30


# ----------------------------------------------------------------- people

class TestPeople:
    def test_merge_by_alias_file(self, tmp_path):
        pre = xlsx(tmp_path / "售前_2026-10.xlsx", [["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "平均响应(秒)", "销售额", "销售人数"],
                                                  ["朵以旗舰店:小美", 10, 8, 3, 20, "100.50", 3], ["阿杰", 5, 5, 1, 10, 10, 1]])
        post = csv_file(tmp_path / "抖音_2026-10.csv", [["客服账号", "人工已接待人数", "询单人数", "平均响应时长（秒）", "支付人数", "客服销售额（元）"],
                                                       ["飞鸽-小美", 30, 2, 40, 1, 50]], encoding="utf-8-sig")
        amap = csv_file(tmp_path / "别名表.csv", [["子账号", "客服"], ["朵以旗舰店：小美", "小美"], ["飞鸽-小美", "小美"]])
        data, problems = import_files([pre, post], aliases=amap)
        assert problems == []
        assert list(data.agents) == ["小美", "阿杰"]
        fig = data.agents["小美"].figures
        assert fig["接待人数"] == 40 and fig["询单人数"] == 10 and fig["销售额"] == Decimal("150.50")
        assert fig["最终付款人数"] == 4 and fig["销售人数"] == 4
        assert fig["平均响应时间"] == 35  # (10×20 + 30×40) / 40
        assert [(s[2], s[3]) for s in data.agents["小美"].sources] == [("chitu", "朵以旗舰店:小美"), ("douyin", "飞鸽-小美")]

    def test_alias_conflict_is_an_error(self, tmp_path):
        amap = csv_file(tmp_path / "a.csv", [["账号", "姓名"], ["x", "甲"], ["x", "乙"]])
        from cskpi_xl.importers.people import load_aliases
        m, problems = load_aliases(amap)
        assert m == {"x": "甲"}
        assert [(p.row, p.column, p.message) for p in problems] == [
            (3, "账号", "账号「x」在第 2 行对应「甲」，在第 3 行又对应「乙」；保留第 2 行")]

    def test_manual_inputs_joined(self, tmp_path):
        f = xlsx(tmp_path / "m_2026-10.xlsx", [["客服昵称", "询单人数", "销售额"], ["店:小美", 10, 100], ["阿杰", 1, 1]])
        manual = xlsx(tmp_path / "手工.xlsx", [["姓名", "差评", "表扬", "投诉", "不耐心次数", "工龄年数", "计划销售额", "备注"],
                                              ["小美", 1, 3, 0, 2, 2.5, 40000, "好"], ["阿杰", "", 1, 1, -1, 1, "", ""],
                                              ["新人", 0, 0, 0, 0, 0, 10000, ""]])
        data, problems = import_files([f], aliases={"店:小美": "小美"}, manual=manual)
        m = data.agents["小美"].figures
        assert (m["售后差评数"], m["表扬次数"], m["被投诉次数"], m["不耐心次数"], m["工龄年数"], m["计划销售额"]) == (1, 3, 0, 2, Decimal("2.5"), 40000)
        assert m["询单人数"] == 10
        assert "售后差评数" not in data.agents["阿杰"].figures and "不耐心次数" not in data.agents["阿杰"].figures
        assert data.agents["新人"].figures["计划销售额"] == 10000
        assert [(p.row, p.column, p.message, p.severity) for p in problems] == [
            (None, None, "手工录入表没有写月份：按本月 2026-10 使用，请确认不是上个月的", "warning"),
            (1, None, "手工录入表中以下列无法识别，已忽略：备注", "warning"),
            (3, "不耐心次数", "不能为负数，已忽略该值", "error"),
            (None, None, "手工录入中的「新人」在导出数据里没有记录，只有手工录入的数字", "warning"),
        ]

    def test_manual_month_column(self, tmp_path):
        f = xlsx(tmp_path / "m_2026-10.xlsx", [["客服昵称", "询单人数", "销售额"], ["a", 1, 1]])
        manual = csv_file(tmp_path / "手工.csv", [["月份", "客服", "迟到早退次数"], ["2026-09", "a", 9], ["2026-10", "a", 2]])
        assert import_files([f], manual=manual)[0].agents["a"].figures["迟到早退次数"] == 2


def test_public_types():
    data, problems = import_files([])
    assert data == MonthData(None, {}) and problems == []
    assert [f.name for f in dataclasses.fields(AgentMonth)] == ["agent", "figures", "sources", "daily"]


class TestAgentMonthIsAValue:
    """An imported month refuses change: its fields, its figures, its sources and its days."""

    def month(self):
        figures = {"询单人数": 5}
        am = AgentMonth("a", figures, [("f.xlsx", "", "jd", "a")], [(dt.date(2026, 10, 1), {"询单人数": 5})])
        figures["询单人数"] = 6  # the caller's dict was copied: the month keeps 5
        return am

    def test_success(self):
        am = self.month()
        assert am.figures == {"询单人数": 5} and am.sources == (("f.xlsx", "", "jd", "a"),)
        assert am.daily == ((dt.date(2026, 10, 1), {"询单人数": 5}),)
        changed = dataclasses.replace(am, figures={**am.figures, "销售额": 1})
        assert changed.figures == {"询单人数": 5, "销售额": 1} and am.figures == {"询单人数": 5}

    def test_fail(self):
        am = self.month()
        with pytest.raises(dataclasses.FrozenInstanceError):
            am.figures = {}
        with pytest.raises(TypeError):
            am.figures["询单人数"] = 7
        with pytest.raises(TypeError):
            am.figures.update({"询单人数": 7})
        with pytest.raises(TypeError):
            del am.figures["询单人数"]
        with pytest.raises(AttributeError):
            am.sources.append(("g.xlsx", "", "jd", "a"))
        with pytest.raises(TypeError):
            am.daily[0][1]["询单人数"] = 7
        assert am.figures == {"询单人数": 5} and len(am.sources) == 1

    def test_manual_inputs_build_a_new_month(self, tmp_path):
        f = xlsx(tmp_path / "m_2026-10.xlsx", [["客服昵称", "询单人数", "销售额"], ["a", 4, 10]])
        manual = csv_file(tmp_path / "手工.csv", [["月份", "客服", "迟到早退次数"], ["2026-10", "a", 2]])
        a = import_files([f], manual=manual)[0].agents["a"]
        assert a.figures["迟到早退次数"] == 2 and a.figures["询单人数"] == 4
        assert [s[2] for s in a.sources] == ["generic", "manual"]
    assert read_table  # lower-level reader is public

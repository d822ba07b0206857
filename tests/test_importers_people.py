"""The 手工录入 table and its month: a 月份 column keeps the month scored; a file or title naming another
month is refused; a file saying no month is used with a warning. Last month's counts are never used silently.

Figures worked by hand from the duoyi rulebook (cskpi_xl/schemes/duoyi.toml): one agent 小美, so her 咨询占比 (1) equals the
人均咨询占比 (1 ÷ 1) and her 客单价 the team's; 询单转化率 34/100 = 34% is the baseline; 最终下单成功率
34/36 ≈ 94.4% lies between 90% and 95%; 平均响应时间 30 s ≤ 32 s. Every export-driven item therefore keeps
its full marks and only the hand-typed counts move the total from 100:

- October row (不耐心 2, 冲突 0, 迟到早退 5): 服务态度 20 − 2 = 18; 日常记录 20 − (4×1 + 1×3) = 13; total 91.
- September row (不耐心 1, 冲突 1, 迟到早退 0): 服务态度 20 − 1 − 5 = 14; 日常记录 20; total 94.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl

from cskpi_xl.core.schemefile import builtin
from cskpi_xl.importers import import_files
from cskpi_xl.importers.people import load_manual
from cskpi_xl.pipeline import score_files

HEAD = ["客服", "不耐心次数", "冲突次数", "迟到早退次数", "售后差评数", "表扬次数", "被投诉次数", "违规次数", "旷工次数",
        "迟到超30分钟次数"]
OCT = [2, 0, 5, 0, 0, 0, 0, 0, 0]
SEP = [1, 1, 0, 0, 0, 0, 0, 0, 0]
NO_MONTH = "手工录入表没有写月份：按本月 2026-10 使用，请确认不是上个月的"


def book(path: Path, rows, title="手工录入") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def export(folder: Path) -> Path:
    return book(folder / "客服数据_2026-10.xlsx",
                [["客服昵称", "接待人数", "询单人数", "下单人数", "最终付款人数", "销售人数", "销售额", "平均响应时间"],
                 ["小美", 100, 100, 36, 34, 34, 3400, 30]], title="Sheet1")


def with_month(head, rows):
    """Rows with a 月份 column after the person column."""
    return [[head[0], "月份"] + head[1:]] + [[r[0], m] + r[1:] for m, r in rows]


def manual_problems(problems):
    return [(Path(p.file).name if p.file else None, p.sheet, p.row, p.column, p.message, p.value, p.severity)
            for p in problems if "手工" in p.message or "月份" in p.message]


class TestMonthColumn:
    def test_two_months_only_the_run_month_counts(self, tmp_path):
        m = book(tmp_path / "手工录入.xlsx", with_month(HEAD, [("2026-09", ["小美"] + SEP), ("2026-10", ["小美"] + OCT)]))
        data, problems = import_files([export(tmp_path)], manual=m)
        fig = data.agents["小美"].figures
        assert (fig["不耐心次数"], fig["冲突次数"], fig["迟到早退次数"]) == (2, 0, 5)
        assert manual_problems(problems) == [
            ("手工录入.xlsx", "手工录入", 2, "月份", "手工录入表第 2 行是 2026-09 的，本次考核 2026-10：这些行没有使用",
             "2026-09", "warning")]

    def test_duoyi_total_follows_the_run_month(self, tmp_path):
        scheme = builtin("duoyi")
        oct_file = book(tmp_path / "手工录入.xlsx",
                        with_month(HEAD, [("2026-09", ["小美"] + SEP), ("2026-10", ["小美"] + OCT)]))
        team, _ = score_files(scheme, [str(export(tmp_path))], manual=str(oct_file))
        a = next(x for x in team.agents if x.agent == "小美")
        items = {i.name: i.points for i in a.items}
        assert (items["服务态度"], items["日常记录"]) == (Decimal(18), Decimal(13))
        assert a.total == Decimal(91)
        # the same rows with the months swapped: September's counts are now the run's
        swapped = book(tmp_path / "手工录入2.xlsx",
                       with_month(HEAD, [("2026-10", ["小美"] + SEP), ("2026-09", ["小美"] + OCT)]))
        team, _ = score_files(scheme, [str(export(tmp_path))], manual=str(swapped))
        a = next(x for x in team.agents if x.agent == "小美")
        assert ({i.name: i.points for i in a.items}["服务态度"], a.total) == (Decimal(14), Decimal(94))

    def test_month_forms(self, tmp_path):
        # 2026年10月, 10月 (year from the file name), a date cell, 202610 and 十月 all name October
        rows = [["客服", "月份", "不耐心次数"], ["甲", "2026年10月", 1], ["乙", "10月", 2], ["丙", dt.datetime(2026, 10, 1), 3],
                ["丁", 202610, 4], ["戊", "十月", 5], ["甲", "2026年9月", 9], ["乙", dt.date(2026, 9, 30), 9]]
        out, problems = load_manual(book(tmp_path / "手工录入_2026年.xlsx", rows), {}, "2026-10")
        assert {k: v["不耐心次数"] for k, v in out.items()} == {"甲": 1, "乙": 2, "丙": 3, "丁": 4, "戊": 5}
        assert [(p.row, p.message, p.severity) for p in problems] == [
            (7, "手工录入表第 7–8 行是 2026-09 的，本次考核 2026-10：这些行没有使用", "warning")]

    def test_csv_month_column(self, tmp_path):
        f = tmp_path / "手工.csv"
        f.write_text("月份,客服,迟到早退次数\n2026-09,a,9\n2026-10,a,2\n2026-08,a,7\n", encoding="utf-8")
        out, problems = load_manual(f, {}, "2026-10")
        assert out == {"a": {"迟到早退次数": 2}}
        assert [(p.row, p.message) for p in problems] == [
            (4, "手工录入表第 4 行是 2026-08 的，本次考核 2026-10：这些行没有使用"),
            (2, "手工录入表第 2 行是 2026-09 的，本次考核 2026-10：这些行没有使用")]

    def test_bad_month_value_reports_that_row(self, tmp_path):
        rows = [["客服", "月份", "不耐心次数"], ["甲", "上个月", 1], ["乙", "2026-13", 2], ["丙", "2026-10", 3], ["丁", "", 4]]
        out, problems = load_manual(book(tmp_path / "手工录入.xlsx", rows), {}, "2026-10")
        assert out == {"丙": {"不耐心次数": 3}}
        assert [(p.row, p.column, p.value, p.message, p.severity) for p in problems] == [
            (2, "月份", "上个月", "月份「上个月」无法识别（应写 2026-10、2026年10月 或 10月），这一行没有使用", "error"),
            (3, "月份", "2026-13", "月份「2026-13」无法识别（应写 2026-10、2026年10月 或 10月），这一行没有使用", "error"),
            (5, "月份", "丁", "这一行没有填月份（文件名、标题里也没有），无法确定是哪个月的，没有使用", "error")]

    def test_blank_month_takes_the_file_month(self, tmp_path):
        rows = [["客服", "月份", "不耐心次数"], ["甲", "", 1], ["乙", "2026-10", 2]]
        out, problems = load_manual(book(tmp_path / "手工录入_2026-10.xlsx", rows), {}, "2026-10")
        assert out == {"甲": {"不耐心次数": 1}, "乙": {"不耐心次数": 2}} and problems == []

    def test_duplicate_within_a_month_is_an_error_naming_both_rows(self, tmp_path):
        rows = [["客服", "月份", "不耐心次数"], ["甲", "2026-09", 5], ["甲", "2026-10", 1], ["乙", "2026-10", 0],
                ["甲", "2026-10", 2]]
        out, problems = load_manual(book(tmp_path / "手工录入.xlsx", rows), {}, "2026-10")
        assert out["甲"] == {"不耐心次数": 1}
        assert [(p.row, p.message, p.severity) for p in problems] == [
            (5, "「甲」在手工录入表中同一个月重复（第 3 行和第 5 行），只保留第 3 行", "error"),
            (2, "手工录入表第 2 行是 2026-09 的，本次考核 2026-10：这些行没有使用", "warning")]


class TestNoMonthColumn:
    def test_file_named_for_last_month_is_refused(self, tmp_path):
        m = book(tmp_path / "手工录入_2026-09.xlsx", [HEAD, ["小美"] + OCT])
        data, problems = import_files([export(tmp_path)], manual=m)
        fig = data.agents["小美"].figures
        assert not {"不耐心次数", "冲突次数", "迟到早退次数"} & set(fig)
        assert fig["询单人数"] == 100  # the exports still go through
        assert manual_problems(problems) == [
            ("手工录入_2026-09.xlsx", "手工录入", None, None, "手工录入表是 2026-09 的（按文件名），本次考核 2026-10：没有使用",
             "2026-09", "error")]

    def test_refused_file_never_reaches_the_duoyi_score(self, tmp_path):
        m = book(tmp_path / "手工录入_2026-09.xlsx", [HEAD, ["小美"] + OCT])
        team, problems = score_files(builtin("duoyi"), [str(export(tmp_path))], manual=str(m))
        assert any(p.message == "手工录入表是 2026-09 的（按文件名），本次考核 2026-10：没有使用" for p in problems)
        a = next(x for x in team.agents if x.agent == "小美")
        # no count of the refused file is used: no 不耐心/冲突/迟到早退 recorded, every item at full marks
        assert ({i.name: i.points for i in a.items}["服务态度"], a.total) == (Decimal(20), Decimal(100))

    def test_title_line_naming_another_month_is_refused(self, tmp_path):
        m = book(tmp_path / "手工录入.xlsx", [["2026年9月 客服手工录入"], HEAD, ["小美"] + OCT])
        out, problems = load_manual(m, {}, "2026-10")
        assert out == {}
        assert [(p.message, p.severity) for p in problems] == [
            ("手工录入表是 2026-09 的（按标题），本次考核 2026-10：没有使用", "error")]

    def test_sheet_per_month(self, tmp_path):
        wb = openpyxl.Workbook()
        for i, (name, n) in enumerate((("9月", 9), ("10月", 1))):
            ws = wb.active if i == 0 else wb.create_sheet()
            ws.title = name
            ws.append(["客服", "不耐心次数"])
            ws.append(["甲", n])
        wb.save(tmp_path / "手工录入_2026年.xlsx")
        out, problems = load_manual(tmp_path / "手工录入_2026年.xlsx", {}, "2026-10")
        assert out == {"甲": {"不耐心次数": 1}}
        assert [(p.sheet, p.message) for p in problems] == [
            ("9月", "手工录入表是 2026-09 的（按工作表名），本次考核 2026-10：没有使用")]

    def test_file_of_the_run_month_is_used_quietly(self, tmp_path):
        m = book(tmp_path / "手工录入_2026-10.xlsx", [HEAD, ["小美"] + OCT])
        out, problems = load_manual(m, {}, "2026-10")
        assert out["小美"]["迟到早退次数"] == 5 and problems == []

    def test_no_month_anywhere_is_used_with_one_warning(self, tmp_path):
        m = book(tmp_path / "手工录入.xlsx", [HEAD, ["小美"] + OCT, ["阿杰"] + SEP])
        data, problems = import_files([export(tmp_path)], manual=m)
        assert data.agents["小美"].figures["不耐心次数"] == 2
        assert manual_problems(problems) == [("手工录入.xlsx", None, None, None, NO_MONTH, None, "warning"),
                                             ("手工录入.xlsx", None, None, None,
                                              "手工录入中的「阿杰」在导出数据里没有记录，只有手工录入的数字", None, "warning")]


def test_the_sample_is_october_and_quiet():
    root = Path(__file__).resolve().parents[1] / "samples" / "manual"
    out, problems = load_manual(root / "手工录入.xlsx", {}, "2026-10")
    assert problems == [] and out["小美"]["迟到早退次数"] == 5
    out, problems = load_manual(root / "手工录入.xlsx", {}, "2026-11")
    assert out == {} and [p.message for p in problems] == [
        "手工录入表第 2–9 行是 2026-10 的，本次考核 2026-11：这些行没有使用"]

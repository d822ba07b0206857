"""Realistic exports as shops and Excel/WPS really leave them, each with its truth table.

``make_cases(folder)`` writes every case into ``folder`` and returns :class:`Case` objects:
the files, the ``--month`` given (if any), and the truth worked out by hand from the cells
written — never from what the importer prints:

* ``figures``: agent → figure → the exact value the month must have;
* ``missing``: (agent, figure) pairs that must be absent (or n/a) **and** named by a problem
  whose text contains the hint given (a figure the importer cannot be sure of);
* ``said``: texts that must appear in some problem's message (notes and errors the case needs);
* ``agents``: the exact set of agents the import must give.

Like ``scripts/make_samples.py`` the generator is deterministic; unlike it, it writes into a
temporary folder, so nothing generated is committed.
"""

from __future__ import annotations

import csv as _csv
import io
from decimal import Decimal as D
from pathlib import Path
from typing import Any, NamedTuple

import openpyxl


class Case(NamedTuple):
    name: str
    files: list[Path]
    month: str | None
    agents: set[str]
    figures: dict[str, dict[str, Any]]
    missing: dict[tuple[str, str], str] = {}
    said: tuple[str, ...] = ()
    aliases: dict[str, str] | None = None


def xlsx(path: Path, sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = (), merges: dict[str, list[str]] | None = None
         ) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
        if name in hidden:
            ws.sheet_state = "hidden"
        for m in (merges or {}).get(name, []):
            ws.merge_cells(m)
    wb.save(path)
    return path


def text(path: Path, rows: list[list[Any]], sep: str = ",", encoding: str = "utf-8", above: str = "") -> Path:
    buf = io.StringIO()
    if above:
        buf.write(above + "\r\n")
    w = _csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if c is None else c for c in r])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def make_cases(folder: Path) -> list[Case]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [build(folder) for build in BUILDERS]


# ----------------------------------------------------------------------------- the cases

def units_in_headers(d: Path) -> Case:
    # 销售额(元) 12,345.60 → 12345.60; 接待人数(人) 100; 客单价(元) 49.38; 平均响应时间(秒) 28.5;
    # 回复率(%) "98.5" → 0.985; 客户满意率（%） "96" → 0.96 (a CSV: text, so percent points as written)
    rows = [["客服昵称", "销售额(元)", "接待人数(人)", "客单价(元)", "平均响应时间(秒)", "回复率(%)", "客户满意率（%）"],
            ["小美", "12,345.60", "100", "49.38", "28.5", "98.5", "96"],
            ["阿杰", "800", "40", "40", "30", "100", "90.5"]]
    f = text(d / "客服绩效_units_2026-10.csv", rows)
    return Case("units_in_headers", [f], None, {"小美", "阿杰"}, {
        "小美": {"销售额": D("12345.60"), "接待人数": 100, "客单价": D("49.38"), "平均响应时间": D("28.5"),
                 "回复率": D("0.985"), "满意率": D("0.96"), "响应总秒数": D("2850")},
        "阿杰": {"销售额": D(800), "接待人数": 40, "平均响应时间": D(30), "回复率": D(1), "满意率": D("0.905")},
    })


def scaled_units(d: Path) -> Case:
    # 销售额(万元) 4.52 → 45200; 平均响应时间(分钟) 0.5 → 30 s; 首次响应[秒] 12; 平均接待时长【分钟】 8.8 → 528 s;
    # a cell that writes its own unit is read by it: "9000元" in the 万元 column is 9000
    rows = [["客服昵称", "接待人数", "销售额(万元)", "平均响应时间(分钟)", "首次响应[秒]", "平均接待时长【分钟】"],
            ["小美", 10, "4.52", "0.5", "12", "8.8"],
            ["阿杰", 20, "9000元", "1", "6", "9分5秒"]]
    f = text(d / "scaled_2026-10.csv", rows)
    return Case("scaled_units", [f], None, {"小美", "阿杰"}, {
        "小美": {"销售额": D(45200), "平均响应时间": D(30), "首次响应时间": D(12), "平均接待时长": D(528)},
        "阿杰": {"销售额": D(9000), "平均响应时间": D(60), "首次响应时间": D(6), "平均接待时长": D(545)},
    })


def percent_formatted_xlsx(d: Path) -> Case:
    # an Excel column 回复率(%) holding 0.985 (percent number format): fractions, with a note
    f = xlsx(d / "pct_2026-10.xlsx", {"Sheet1": [["客服昵称", "询单人数", "回复率(%)"], ["小美", 10, 0.985], ["阿杰", 5, 1]]})
    return Case("percent_formatted_xlsx", [f], None, {"小美", "阿杰"},
                {"小美": {"回复率": D("0.985")}, "阿杰": {"回复率": D(1)}}, said=("按小数读取",))


def formulas_without_values(d: Path) -> Case:
    # written by a script: no cached values. 销售额 = 接待人数 × 30; 客单价 = FOOBAR() cannot be computed
    rows = [["客服昵称", "接待人数", "销售额", "客单价"],
            ["小美", 100, "=B2*30", "=C2/B2"],
            ["阿杰", 50, "=SUM(B2:B3)", "=FOOBAR(1)"]]
    f = xlsx(d / "script_2026-10.xlsx", {"数据": rows})
    return Case("formulas_without_values", [f], None, {"小美", "阿杰"}, {
        "小美": {"接待人数": 100, "销售额": D(3000), "客单价": D(30)},
        "阿杰": {"接待人数": 50, "销售额": D(150)},
    }, missing={("阿杰", "客单价"): "没有保存它的计算结果"}, said=("已按公式算出",))


def formulas_too_big_to_compute(d: Path) -> Case:
    # a formula over a whole column is not computed at import (it could ask for billions of cells): reported
    rows = [["客服昵称", "接待人数", "销售额"], ["小美", 100, "=SUM(B:B)*30"], ["阿杰", 50, "=SUM(B:B)"]]
    f = xlsx(d / "bigformula_2026-10.xlsx", {"数据": rows})
    return Case("formulas_too_big_to_compute", [f], None, {"小美", "阿杰"},
                {"小美": {"接待人数": 100}, "阿杰": {"接待人数": 50}},
                missing={("小美", "销售额"): "整行或整列", ("阿杰", "销售额"): "整行或整列"})


def range_reports(d: Path) -> Case:
    # one month as three date-range reports, no date column: 1–10, 11–20, 21–31 add up
    head = ["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "平均响应(秒)"]
    parts = [("2026-10-01至2026-10-10", ["小美", 100, 50, 20, "1000", 20], ["阿杰", 10, 5, 1, "100", 30]),
             ("2026-10-11至2026-10-20", ["小美", 300, 100, 30, "3000", 40], ["阿杰", 20, 10, 3, "200", 30]),
             ("2026-10-21至2026-10-31", ["小美", 100, 50, 10, "500.50", 20], ["阿杰", 30, 5, 1, "300", 30])]
    files = [xlsx(d / f"自定义报表_客服绩效_{r}.xlsx", {"Sheet1": [head, a, b]}) for r, a, b in parts]
    # 小美 response seconds: 100×20 + 300×40 + 100×20 = 16000 over 500 = 32
    return Case("range_reports", files, None, {"小美", "阿杰"}, {
        "小美": {"接待人数": 500, "询单人数": 200, "最终付款人数": 60, "销售额": D("4500.50"), "平均响应时间": D(32),
                 "询单转化率": D("0.3")},
        "阿杰": {"接待人数": 60, "询单人数": 20, "最终付款人数": 5, "销售额": D(600), "平均响应时间": D(30),
                 "询单转化率": D("0.25")},
    })


def overlapping_ranges(d: Path) -> Case:
    # 1–15 and 10–31 overlap on 10-10..10-15, with no day rows: 小美's figures cannot be known
    head = ["客服昵称", "接待人数", "销售额"]
    a = xlsx(d / "报表_2026-10-01至2026-10-15.xlsx", {"Sheet1": [head, ["小美", 100, 1000]]})
    b = xlsx(d / "报表_2026-10-10至2026-10-31.xlsx", {"Sheet1": [head, ["小美", 200, 2000]]})
    return Case("overlapping_ranges", [a, b], None, {"小美"}, {"小美": {}},
                missing={("小美", "接待人数"): "重叠 10-10至10-15", ("小美", "销售额"): "重叠 10-10至10-15"})


def range_gap(d: Path) -> Case:
    # 1–10 and 21–31 only: the parts add up, the gap is reported
    head = ["客服昵称", "接待人数"]
    a = xlsx(d / "r_2026-10-01至2026-10-10.xlsx", {"Sheet1": [head, ["小美", 10]]})
    b = xlsx(d / "r_2026-10-21至2026-10-31.xlsx", {"Sheet1": [head, ["小美", 30]]})
    return Case("range_gap", [a, b], None, {"小美"}, {"小美": {"接待人数": 40}}, said=("缺少 10-11至10-20",))


def tab_per_month(d: Path) -> Case:
    # tabs 8月, 9月, 10月 in a file without a year, --month 2026-10: the 10月 tab only
    head = ["客服昵称", "接待人数", "销售额"]
    f = xlsx(d / "客服月度数据.xlsx", {"8月": [head, ["小美", 80, 800]], "9月": [head, ["小美", 90, 900]],
                                      "10月": [head, ["小美", 100, 1000]]})
    return Case("tab_per_month", [f], "2026-10", {"小美"}, {"小美": {"接待人数": 100, "销售额": D(1000)}})


def tab_per_month_year_in_name(d: Path) -> Case:
    # the same with the year in the file name, no --month: the latest tab, 10月, is taken
    head = ["客服昵称", "接待人数"]
    f = xlsx(d / "客服数据_2026年.xlsx", {"8月": [head, ["小美", 80]], "9月": [head, ["小美", 90]],
                                         "10月": [head, ["小美", 100]]})
    return Case("tab_per_month_year_in_name", [f], None, {"小美"}, {"小美": {"接待人数": 100}})


def hidden_stale_sheet(d: Path) -> Case:
    head = ["客服昵称", "接待人数", "销售额"]
    f = xlsx(d / "hidden_2026-10.xlsx", {"旧数据": [head, ["小美", 1, 1]], "本月": [head, ["小美", 100, 5000]]},
             hidden=("旧数据",))
    return Case("hidden_stale_sheet", [f], None, {"小美"}, {"小美": {"接待人数": 100, "销售额": D(5000)}},
                said=("隐藏的工作表「旧数据」已跳过",))


def only_hidden_sheet(d: Path) -> Case:
    f = xlsx(d / "onlyhidden_2026-10.xlsx", {"说明": [["这是说明"]], "数据": [["客服昵称", "接待人数"], ["小美", 7]]},
             hidden=("数据",))
    return Case("only_hidden_sheet", [f], None, {"小美"}, {"小美": {"接待人数": 7}}, said=("只有隐藏的工作表「数据」",))


def two_row_header(d: Path) -> Case:
    rows = [["客服昵称", "咨询数据", None, "销售数据", None],
            [None, "接待人数", "询单人数", "销售额", "销售人数"],
            ["小美", 100, 40, 3000, 20],
            ["阿杰", 60, 30, 1500, 10]]
    f = xlsx(d / "two_2026-10.xlsx", {"Sheet1": rows}, merges={"Sheet1": ["A1:A2", "B1:C1", "D1:E1"]})
    return Case("two_row_header", [f], None, {"小美", "阿杰"}, {
        "小美": {"接待人数": 100, "询单人数": 40, "销售额": D(3000), "销售人数": 20, "客单价": D(150)},
        "阿杰": {"接待人数": 60, "询单人数": 30, "销售额": D(1500), "销售人数": 10, "客单价": D(150)},
    })


def decimal_commas(d: Path) -> Case:
    rows = [["客服昵称", "销售额", "平均响应时间", "回复率"],
            ["小美", "33397,56", "28,5", "98,5%"],
            ["阿杰", "1.234,5", "30", "100%"]]
    f = text(d / "semi_2026-10.csv", rows, sep=";")
    return Case("decimal_commas", [f], None, {"小美", "阿杰"}, {
        "小美": {"销售额": D("33397.56"), "平均响应时间": D("28.5"), "回复率": D("0.985")},
        "阿杰": {"销售额": D("1234.5"), "平均响应时间": D(30), "回复率": D(1)},
    })


def ambiguous_commas(d: Path) -> Case:
    # a semicolon file whose only comma number is 1,234: a thousands comma or 1.234? refused, not guessed
    rows = [["客服昵称", "销售额", "接待人数"], ["小美", "1,234", "10"], ["阿杰", "500", "5"]]
    f = text(d / "amb_2026-10.csv", rows, sep=";")
    return Case("ambiguous_commas", [f], None, {"小美", "阿杰"},
                {"小美": {"接待人数": 10}, "阿杰": {"销售额": D(500), "接待人数": 5}},
                missing={("小美", "销售额"): "逗号既像小数点又像千分位"})


def blank_agent_rows(d: Path) -> Case:
    rows = [["客服昵称", "接待人数", "销售额", "回复率"],
            ["小美", 100, 3000, "99%"], ["空空", None, None, None], ["杠杠", "-", "-", "-"]]
    f = xlsx(d / "blank_2026-10.xlsx", {"Sheet1": rows})
    return Case("blank_agent_rows", [f], None, {"小美", "空空", "杠杠"},
                {"小美": {"接待人数": 100, "销售额": D(3000), "回复率": D("0.99")}, "空空": {}, "杠杠": {}},
                said=("客服「空空」导出中没有任何数据", "客服「杠杠」导出中没有任何数据"))


def money_forms(d: Path) -> Case:
    # 1.2万 → 12000; ￥4.52万元 → 45200; 净销售额 (120.00) → −120 and −120.00 (U+2212) → −120;
    # a negative 销售额 is refused (not net sales)
    rows = [["旺旺昵称", "净销售额", "询单人数"],
            ["小美", "1.2万", 10], ["阿杰", "￥4.52万元", 10], ["糖糖", "(120.00)", 10], ["阿福", "\u2212120.00", 10]]
    f = text(d / "千牛_2026-10.csv", rows)
    rows2 = [["客服昵称", "销售额", "接待人数"], ["小鱼", "(50)", 3]]
    g = text(d / "neg_2026-10.csv", rows2)
    return Case("money_forms", [f, g], None, {"小美", "阿杰", "糖糖", "阿福", "小鱼"}, {
        "小美": {"销售额": D(12000)}, "阿杰": {"销售额": D(45200)}, "糖糖": {"销售额": D(-120)},
        "阿福": {"销售额": D(-120)}, "小鱼": {"接待人数": 3},
    }, missing={("小鱼", "销售额"): "不能为负数"})


def month_day_dates(d: Path) -> Case:
    rows = [["日期", "客服昵称", "接待人数", "平均响应时间"],
            ["10月1日", "小美", 10, 20], ["10月2日", "小美", 30, 40], ["10月2日", "阿杰", 5, 10]]
    f = text(d / "按天_2026年10月.csv", rows)
    return Case("month_day_dates", [f], None, {"小美", "阿杰"}, {
        "小美": {"接待人数": 40, "平均响应时间": D(35), "响应总秒数": D(1400)},
        "阿杰": {"接待人数": 5, "平均响应时间": D(10)},
    })


def title_above_semicolons(d: Path) -> Case:
    rows = [["客服昵称", "接待人数", "销售额"], ["小美", "12", "100,5"], ["阿杰", "3", "7"]]
    f = text(d / "title.csv", rows, sep=";", above="客服绩效报表 2026年10月")
    return Case("title_above_semicolons", [f], None, {"小美", "阿杰"},
                {"小美": {"接待人数": 12, "销售额": D("100.5")}, "阿杰": {"接待人数": 3, "销售额": D(7)}})


def total_row_blank_nick(d: Path) -> Case:
    rows = [["序号", "客服昵称", "接待人数"], [1, "小美", 10], [2, "阿杰", 20], ["合计", None, 30]]
    f = xlsx(d / "total_2026-10.xlsx", {"Sheet1": rows})
    return Case("total_row_blank_nick", [f], None, {"小美", "阿杰"},
                {"小美": {"接待人数": 10}, "阿杰": {"接待人数": 20}}, said=("跳过了 1 行汇总/合计/均值行（第 4 行）",))


def lookalike_nicknames(d: Path) -> Case:
    # a zero-width space inside 小美 is the same 小美 (merged, said); Amy/amy and ＡＢ/AB are kept apart, said
    rows = [["日期", "客服昵称", "接待人数"],
            ["2026-10-01", "小美", 10], ["2026-10-02", "小\u200b美", 20],
            ["2026-10-01", "Amy", 1], ["2026-10-01", "amy", 2], ["2026-10-01", "ＡＢ", 3], ["2026-10-01", "AB", 4]]
    f = text(d / "look_2026-10.csv", rows)
    return Case("lookalike_nicknames", [f], None, {"小美", "Amy", "amy", "ＡＢ", "AB"}, {
        "小美": {"接待人数": 30}, "Amy": {"接待人数": 1}, "amy": {"接待人数": 2}, "ＡＢ": {"接待人数": 3},
        "AB": {"接待人数": 4},
    }, said=("看不见的字符（U+200B）", "只差大小写", "只差全角/半角"))


def excel_error_literals(d: Path) -> Case:
    # text literals in a CSV and a real error cell (t="e") in an xlsx
    f = text(d / "err_2026-10.csv", [["客服昵称", "接待人数", "客单价"], ["小美", 10, "#DIV/0!"], ["阿杰", "#VALUE!", 5]])
    g = xlsx(d / "err2_2026-10.xlsx", {"Sheet1": [["客服昵称", "销售额", "销售人数"], ["糖糖", "#N/A", 3]]})
    return Case("excel_error_literals", [f, g], None, {"小美", "阿杰", "糖糖"}, {
        "小美": {"接待人数": 10}, "阿杰": {"客单价": D(5)}, "糖糖": {"销售人数": 3},
    }, missing={("小美", "客单价"): "Excel 错误值 #DIV/0!", ("阿杰", "接待人数"): "Excel 错误值 #VALUE!",
                ("糖糖", "销售额"): "Excel 错误值 #N/A"})


def standard_total_names(d: Path) -> Case:
    # the README's names for the weighted-average inputs
    rows = [["客服昵称", "响应总秒数", "响应次数", "首次响应总秒数", "首次响应次数", "接待总秒数", "接待人数"],
            ["小美", 3200, 100, 1200, 100, 52800, 100]]
    f = text(d / "std_2026-10.csv", rows)
    return Case("standard_total_names", [f], None, {"小美"}, {"小美": {
        "响应总秒数": D(3200), "响应次数": 100, "首次响应总秒数": D(1200), "首次响应次数": 100, "接待总秒数": D(52800)}})


def mixed_response_inputs(d: Path) -> Case:
    # an average 32 over 响应次数 100, with 接待人数 2300: total 3200 over 100 = 32, not 73600/100 = 736
    rows = [["客服昵称", "平均响应时间", "响应次数", "接待人数"], ["小美", 32, 100, 2300]]
    f = text(d / "mixed_2026-10.csv", rows)
    return Case("mixed_response_inputs", [f], None, {"小美"}, {"小美": {
        "平均响应时间": D(32), "响应总秒数": D(3200), "响应次数": 100, "接待人数": 2300}})


def mixed_bases_across_sources(d: Path) -> Case:
    # two accounts of one person: one gives totals over 响应次数 (responses), one an average over 接待人数 (buyers).
    # Summing 3000 s/100 responses with 20 s × 50 buyers would mix the two; by buyers: (30×200 + 20×50)/250 = 28
    a = text(d / "a_2026-10.csv", [["客服昵称", "响应总秒数", "响应次数", "接待人数"], ["店A:小美", 3000, 100, 200]])
    b = text(d / "b_2026-10.csv", [["客服昵称", "平均响应时间", "接待人数"], ["店B:小美", 20, 50]])
    return Case("mixed_bases_across_sources", [a, b], None, {"小美"},
                {"小美": {"平均响应时间": D(28), "接待人数": 250}}, said=("统一按接待人数加权",),
                aliases={"店A:小美": "小美", "店B:小美": "小美"})


def unknown_and_duplicate_columns(d: Path) -> Case:
    rows = [["客服昵称", "接待人数", "备注", "销售额(%)", "接待量", None],
            ["小美", 10, "好", "5", 99, "孤儿"]]
    f = xlsx(d / "cols_2026-10.xlsx", {"Sheet1": rows})
    return Case("unknown_and_duplicate_columns", [f], None, {"小美"}, {"小美": {"接待人数": 10}},
                missing={("小美", "销售额"): "单位「%」不适用于销售额"},
                said=("列「备注」不是已知的列名", "列「接待量」与列「接待人数」都是接待人数", "第 F 列有数据但没有表头"))


def cross_month_range(d: Path) -> Case:
    head = ["客服昵称", "接待人数"]
    a = xlsx(d / "x_2026-09-25至2026-10-05.xlsx", {"Sheet1": [head, ["小美", 10]]})
    b = xlsx(d / "y_2026-10.xlsx", {"Sheet1": [head, ["阿杰", 5]]})
    return Case("cross_month_range", [a, b], None, {"阿杰"}, {"阿杰": {"接待人数": 5}}, said=("日期范围跨月",))


def utf16_tab_decimal_commas(d: Path) -> Case:
    # Excel's "Unicode text" in a comma-decimal locale
    rows = [["客服昵称", "销售额", "接待人数"], ["小美", "2500,75", "8"]]
    f = text(d / "u16_2026-10.txt", rows, sep="\t", encoding="utf-16")
    return Case("utf16_tab_decimal_commas", [f], None, {"小美"}, {"小美": {"销售额": D("2500.75"), "接待人数": 8}})


def unquoted_thousands_comma(d: Path) -> Case:
    # a comma CSV with 1,234.50 unquoted: the row has a field too many and its columns are shifted
    path = d / "unquoted_2026-10.csv"
    path.write_bytes("客服昵称,接待人数,销售额\r\n小美,10,1,234.50\r\n阿杰,5,20\r\n".encode())
    return Case("unquoted_thousands_comma", [path], None, {"阿杰"}, {"阿杰": {"接待人数": 5, "销售额": D(20)}},
                said=("字段比表头多",))


def percent_column_of_fractions_csv(d: Path) -> Case:
    # a CSV column 回复率(%) whose values are all at most 1: fractions (with a note), not 0.985 %
    rows = [["客服昵称", "接待人数", "回复率(%)"], ["小美", "10", "0.985"], ["阿杰", "5", "1"]]
    f = text(d / "fracs_2026-10.csv", rows)
    return Case("percent_column_of_fractions_csv", [f], None, {"小美", "阿杰"},
                {"小美": {"回复率": D("0.985")}, "阿杰": {"回复率": D(1)}}, said=("按小数读取",))


def dot_thousands_in_comma_file(d: Path) -> Case:
    # a semicolon file with decimal commas: 1.234 is one thousand two hundred thirty-four
    rows = [["客服昵称", "销售额", "接待人数"], ["小美", "1.234", "3"], ["阿杰", "99,5", "4"]]
    f = text(d / "dots_2026-10.csv", rows, sep=";")
    return Case("dot_thousands_in_comma_file", [f], None, {"小美", "阿杰"},
                {"小美": {"销售额": D(1234)}, "阿杰": {"销售额": D("99.5")}})


def range_in_title(d: Path) -> Case:
    # the ranges in a title line above the header (the file names say nothing): 1–15 + 16–31 add up
    head = ["客服昵称", "接待人数", "销售额"]
    a = xlsx(d / "客服数据_上半月.xlsx", {"Sheet1": [["统计时间：2026-10-01至2026-10-15"], head, ["小美", 10, "100.10"]]})
    b = xlsx(d / "客服数据_下半月.xlsx", {"Sheet1": [["统计时间：2026-10-16至2026-10-31"], head, ["小美", 15, "200.20"]]})
    return Case("range_in_title", [a, b], None, {"小美"}, {"小美": {"接待人数": 25, "销售额": D("300.30")}})


def units_row_under_header(d: Path) -> Case:
    # the units in a row of their own under the header: 万元 → × 10000, % → percent points
    rows = [["客服昵称", "销售额", "接待人数", "回复率"], ["", "万元", "人", "%"], ["小美", "1.5", "10", "98.5"]]
    f = text(d / "unitsrow_2026-10.csv", rows)
    return Case("units_row_under_header", [f], None, {"小美"},
                {"小美": {"销售额": D(15000), "接待人数": 10, "回复率": D("0.985")}})


BUILDERS = (units_in_headers, scaled_units, percent_formatted_xlsx, formulas_without_values,
            formulas_too_big_to_compute, range_reports,
            overlapping_ranges, range_gap, tab_per_month, tab_per_month_year_in_name, hidden_stale_sheet,
            only_hidden_sheet, two_row_header, decimal_commas, ambiguous_commas, blank_agent_rows, money_forms,
            month_day_dates, title_above_semicolons, total_row_blank_nick, lookalike_nicknames,
            excel_error_literals, standard_total_names, mixed_response_inputs, mixed_bases_across_sources,
            unknown_and_duplicate_columns, cross_month_range, utf16_tab_decimal_commas, unquoted_thousands_comma,
            units_row_under_header, percent_column_of_fractions_csv, dot_thousands_in_comma_file,
            range_in_title)

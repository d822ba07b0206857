"""One test per platform on the committed samples (scripts/make_samples.py).

The first data row of each sample has hand-picked values; the month totals
of the daily samples are checked against sums read independently with
openpyxl / csv.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cskpi_xl.core.metrics import compute_metrics
from cskpi_xl.core.numbers import NA
from cskpi_xl.importers import import_files

EXPORTS = Path(__file__).resolve().parent.parent / "samples" / "exports"
MANUAL = Path(__file__).resolve().parent.parent / "samples" / "manual"
CHITU = EXPORTS / "自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx"
CHITU_DAILY = EXPORTS / "自定义报表_客服绩效_按天_2026-10-01至2026-10-31.xlsx"
CHITU_LATE = EXPORTS / "自定义报表_客服绩效_按天_2026-10-01至2026-10-31_补数.xlsx"
QIANNU = EXPORTS / "千牛_客服接待_接口_2026-10.csv"
JD = EXPORTS / "京东客服绩效_2026-10.xlsx"
PDD = EXPORTS / "拼多多客服数据_2026-10-01至2026-10-31.xls"
DOUYIN = EXPORTS / "抖音飞鸽_客服数据_2026-10-01至2026-10-31.csv"


def sheet_rows(path):
    ws = openpyxl.load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_chitu_monthly():
    data, problems = import_files([CHITU])
    assert data.month == "2026-10"
    assert list(data.agents) == ["朵以旗舰店:小美", "阿杰", "糖糖", "阿福", "小鱼"]  # 汇总 and 均值 skipped
    m = data.agents["朵以旗舰店:小美"].figures
    assert (m["咨询人数"], m["接待人数"], m["询单人数"], m["最终付款人数"]) == (1200, 1150, 600, 240)
    assert m["销售额"] == Decimal("36000.00") and m["销售人数"] == 250 and m["退款金额"] == Decimal("1200.5")
    assert m["回复率"] == 1 and m["回复人数"] == 1150
    assert m["平均接待时长"] == 528 and m["接待总秒数"] == 528 * 1150
    assert m["平均响应时间"] == Decimal("28.3") and m["响应总秒数"] == Decimal("32545")
    assert m["首次响应总秒数"] == 14375 and m["首次响应次数"] == 1150
    assert m["询单转化率"] == Decimal("0.4") and m["答问比"] == Decimal("1.5") and m["客单价"] == 144
    assert isinstance(m["满意率"], NA)
    assert data.agents["阿杰"].figures["回复率"] == 1  # the cell holds 1.0, the one above "100.00%"
    assert data.agents["阿杰"].figures["平均接待时长"] == 545  # 9分5秒
    # the 汇总 and 均值 rows are skipped with one note (every row is used or reported)
    assert [(p.row, p.column, p.severity) for p in problems] == [(2, "客户满意率", "warning"), (7, None, "warning")]
    assert problems[1].message == "跳过了 2 行汇总/合计/均值行（第 7、8 行），不计入任何人"


def test_chitu_daily_and_late_figures():
    header, rows = sheet_rows(CHITU_DAILY)
    late_header, late_rows = sheet_rows(CHITU_LATE)
    col, lcol = header.index("询单->最终付款人数"), late_header.index("询单->最终付款人数")
    nick = "朵以家居店:小王"
    base = {r[0]: r[col] for r in rows if r[1] == nick}
    late = {r[0]: r[lcol] for r in late_rows if r[1] == nick}
    assert len(base) == 31 and len(late) == 7

    data, problems = import_files([CHITU_DAILY])
    a = data.agents[nick]
    assert len(a.daily) == 31 and a.daily[0][0] == dt.date(2026, 10, 1)
    day1, day2 = a.daily[0][1], a.daily[1][1]
    assert (day1["接待人数"], day1["平均响应时间"], day2["接待人数"], day2["平均响应时间"]) == (10, 20, 30, 40)
    assert a.figures["最终付款人数"] == sum(base.values())
    assert [p.message for p in problems] == ["跳过了 1 行汇总/合计/均值行（第 64 行），不计入任何人"]

    data, problems = import_files([CHITU_DAILY, CHITU_LATE])
    expected = sum(v for d, v in base.items() if d not in late) + sum(late.values())
    assert data.agents[nick].figures["最终付款人数"] == expected
    assert expected > sum(base.values())
    problems = [p for p in problems if not p.message.startswith("跳过了")]  # the 合计 rows' notes
    assert [p.severity for p in problems] == ["warning"] and "不重复计算" in problems[0].message
    # importing the late file again changes nothing
    again, _ = import_files([CHITU_DAILY, CHITU_LATE, CHITU_LATE])
    assert again.agents[nick].figures == data.agents[nick].figures


def test_qianniu_api_gbk_csv():
    raw = list(csv.reader(QIANNU.read_bytes().decode("gbk").splitlines()))
    h = raw[0]
    mine = [r for r in raw[1:] if r[h.index("旺旺昵称")] == "朵以母婴店:晓晓"]
    data, problems = import_files([QIANNU])
    assert problems == []  # the "-" for day 15 is missing, not an error
    a = data.agents["朵以母婴店:晓晓"]
    assert a.sources[0][2] == "qianniu_api"
    d1 = a.daily[0][1]
    assert a.daily[0][0] == dt.date(2026, 10, 1)
    assert (d1["询单人数"], d1["下单人数"], d1["最终付款人数"], d1["接待人数"]) == (40, 18, 15, 42)
    assert d1["销售额"] == Decimal("1234.50")
    assert (d1["首次响应总秒数"], d1["首次响应次数"]) == (480, 40)
    assert d1["响应总秒数"] == Decimal("945.0")  # 22.5 s × 42 sessions
    assert a.figures["首次响应总秒数"] == sum(int(r[h.index("首次响应总耗时(s)")]) for r in mine)
    assert a.figures["首次响应次数"] == sum(int(r[h.index("首次响应人数")]) for r in mine)
    assert compute_metrics(a.figures)["首次响应时间"] == Decimal(a.figures["首次响应总秒数"]) / a.figures["首次响应次数"]
    assert a.figures["销售额"] == sum(Decimal(r[h.index("净销售额")].replace(",", "")) for r in mine)


def test_jd():
    data, problems = import_files([JD])
    assert data.month == "2026-10" and list(data.agents) == ["阿杰_jd", "小王_jd"]
    assert [p.message for p in problems] == ["跳过了 1 行汇总/合计/均值行（第 5 行），不计入任何人"]
    f = data.agents["阿杰_jd"].figures
    assert (f["接待人数"], f["询单人数"], f["最终付款人数"], f["销售人数"], f["好评量"], f["评价量"]) == (300, 200, 60, 60, 45, 50)
    assert f["销售额"] == Decimal("9000.00")
    assert (f["首次响应总秒数"], f["响应总秒数"], f["响应次数"]) == (3000, 7500, 300)
    assert "下单人数" not in f  # 促成下单人数 is JD's conversion numerator (最终付款人数)


def test_pdd_xls():
    data, problems = import_files([PDD])
    assert data.month == "2026-10" and problems == []
    f = data.agents["pdd_糖糖"].figures
    assert data.agents["pdd_糖糖"].sources[0][1:3] == ("客服数据", "pdd")
    assert (f["咨询人数"], f["询单人数"], f["最终付款人数"], f["投诉数"]) == (500, 300, 90, 1)
    assert f["询单转化率"] == Decimal("0.3") and f["销售额"] == 8100
    assert (f["平均响应时间"], f["响应总秒数"], f["响应次数"]) == (18, 9000, 500)  # weighted by 咨询人数


def test_douyin_utf8_bom_csv():
    assert DOUYIN.read_bytes().startswith(b"\xef\xbb\xbf")
    data, problems = import_files([DOUYIN])
    assert problems == []
    f = data.agents["大熊-飞鸽"].figures
    assert (f["接待人数"], f["询单人数"], f["下单人数"], f["最终付款人数"]) == (400, 250, 100, 80)
    assert f["销售额"] == Decimal("12000.00") and f["满意率"] == Decimal("0.975")
    assert (f["首次响应总秒数"], f["响应总秒数"]) == (3200, 8000)
    assert compute_metrics(f)["最终下单成功率"] == Decimal("0.8")


def test_everything_merged_per_person():
    files = sorted(EXPORTS.iterdir())
    data, problems = import_files(files, aliases=MANUAL / "别名表.csv", manual=MANUAL / "手工录入.xlsx")
    assert data.month == "2026-10"
    assert sorted(data.agents) == sorted(["小美", "小王", "阿杰", "晓晓", "大熊", "糖糖", "小鱼", "阿福"])
    assert not any(p.is_error for p in problems)
    m = data.agents["小美"].figures
    assert (m["不耐心次数"], m["冲突次数"], m["售后差评数"], m["表扬次数"], m["迟到早退次数"], m["工龄年数"], m["计划销售额"]) \
        == (2, 0, 1, 3, 5, 2.5, 40000)
    assert m["询单人数"] == 600
    jie = data.agents["阿杰"]
    assert jie.figures["询单人数"] == 450 + 200 and jie.figures["接待人数"] == 880 + 300
    assert {s[2] for s in jie.sources} == {"chitu", "jd", "manual"}
    wang = data.agents["小王"]
    assert {s[3] for s in wang.sources} == {"朵以家居店:小王", "小王_jd", "小王"}

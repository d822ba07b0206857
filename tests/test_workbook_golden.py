"""Golden values for the samples: points, totals, grades, commission and pay worked out by hand.

Each expected number is computed here from the sample's own figures with the
rule as the scheme states it (not copied from an output), then compared
with the cells of the workbooks the batch wrote (their cached values, which
phones show) — see test_scenario_lo_crosscheck.py for LibreOffice recalculating them.
"""

from __future__ import annotations

import glob
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.workbook.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = sorted(glob.glob(str(ROOT / "samples" / "exports" / "*")))
MANUAL = ROOT / "samples" / "manual" / "手工录入.xlsx"
ALIASES = ROOT / "samples" / "manual" / "别名表.csv"

# The sample team (after the alias map): each agent's 销售额, 销售人数 and 接待人数.
SALES = {"阿杰": "28890.00", "小王": "25052.94", "晓晓": "34645.14", "小鱼": "42664.59", "大熊": "30709.24",
         "阿福": "39191.08", "糖糖": "22864.86", "小美": "36000.00"}
BUYERS = {"阿杰": 213, "小王": 204, "晓晓": 285, "小鱼": 310, "大熊": 236, "阿福": 306, "糖糖": 249, "小美": 250}
SERVED = {"阿杰": 1180, "小王": 1244, "晓晓": 1306, "小鱼": 1823, "大熊": 1376, "阿福": 1676, "糖糖": 801, "小美": 1150}


def money(x) -> float:
    return float(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def sheet_values(path: Path) -> tuple[dict[str, float], dict[str, object]]:
    """(item → 得分, result label → value) from an agent's 考核表 (cached values)."""
    ws = load_workbook(path, data_only=True)["考核表"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if any(c.value == "得分" for c in r))
    col = {c.value: c.column for c in header}
    points, results = {}, {}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        name = row[1].value
        if isinstance(name, str) and row[col["得分"] - 1].value is not None and row[0].value is not None \
                and isinstance(row[0].value, int):
            points[name] = row[col["得分"] - 1].value
        label = row[0].value
        if isinstance(label, str):
            results[label.split("（")[0]] = row[col["得分"] - 1].value
    return points, results


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = {}
    for sid in ("duoyi", "standard"):
        d = tmp_path_factory.mktemp(sid)
        report, problems = run_batch(EXPORTS, sid, "2026-10", d, manual=MANUAL, aliases=ALIASES, progress=False, jobs=1)
        assert report["summary"], [p.format() for p in problems]
        out[sid] = d / "2026-10"
    return out


def test_standard_xiaomei(outputs):
    # 小美: 销售额 36000, 计划销售额 40000, 询单 600 → 付款 240, no 下单人数, 回复 1150/1150,
    # 不耐心 2, 被投诉 0, 冲突 0, 迟到早退 5, 旷工 0, 工龄 2.5 年
    completion = 36000 / 40000                      # 0.90 → 10 points below 100% × −1
    p_completion = 30 - (1.0 - completion) * 100 * 1
    p_conversion = 25 + (240 / 600 - 0.35) * 100 * 1  # 0.40 vs 0.35 → +5
    p_success = 10                                   # 下单人数 missing → n/a → full marks
    p_reply = 10                                     # 1150/1150 = 100%
    p_attitude = 15 - 2 * 2
    p_discipline = max(0, 10 - 2 * 5 - 5 * 0)
    total = p_completion + p_conversion + p_success + p_reply + p_attitude + p_discipline
    assert round(total, 2) == 81.0
    points, results = sheet_values(outputs["standard"] / "小美.xlsx")
    assert points["指标完成率"] == pytest.approx(p_completion)
    assert points["询单转化率"] == pytest.approx(p_conversion)
    assert points["最终下单成功率"] == p_success
    assert points["回复率"] == p_reply
    assert points["服务态度"] == p_attitude
    assert points["工作纪律"] == p_discipline
    assert results["总分"] == pytest.approx(total)
    assert results["等级"] == "良好"                 # 75 ≤ 81 < 85
    commission = money(36000 * 0.02)                 # x > 25,000: 2% of the whole
    team_sales = sum(Decimal(v) for v in SALES.values())
    public = money(team_sales * Decimal("0.005") / 8)
    seniority = money(50 * 2.5)
    pay = money(Decimal(1600) + Decimal(str(commission)) + Decimal(str(public)) + Decimal(str(seniority)))
    assert results["个人提成"] == commission == 720.0
    assert results["公共提成"] == public
    assert results["岗位工资"] == 1600
    assert results["工龄工资"] == seniority
    assert results["当月工资"] == pay


def test_duoyi_xiaomei(outputs):
    team_aov = float(sum(Decimal(v) for v in SALES.values()) / sum(BUYERS.values()))
    share = 1150 / sum(SERVED.values())
    expected = {
        "服务态度": 20 - 1 * 2 - 5 * 0,
        "咨询转化率": 20 + (240 / 600 - 0.34) * 100 * 5,         # +6 points × 5
        "定单销售比": 5,                                         # no 下单人数: n/a → full
        "平均响应时间": 20,                                       # 32545/1150 = 28.3 s ≤ 32
        "平均客单价": 5 + int((36000 / 250 - team_aov) // 10),      # whole 10 yuan above the team's
        "售后客服": 5 - 1,
        "其他加减分": 5 + 3 * 1 - 0 * 2 - int((1 / 8 - share) // 0.05),  # below per-capita share by < 5 points
        "日常记录": 20 - 0 * 20 - (4 * 1 + 1 * 3) - 10 * (0 + 1),   # 5 late: 4×1 + 1×3; late > 30 min = absence
    }
    points, results = sheet_values(outputs["duoyi"] / "小美.xlsx")
    for k, v in expected.items():
        assert points[k] == pytest.approx(v), k
    assert results["总分"] == pytest.approx(sum(expected.values()))
    assert results["个人提成"] == money(36000 * 0.01)  # 30,000 < x ≤ 50,000: 1%
    assert results["当月工资"] == money(36000 * 0.01)


def test_standard_commission_cliff_agent(outputs):
    # 小王 sells 25,052.94: above 25,000 the table pays 2% of the whole
    _, results = sheet_values(outputs["standard"] / "小王.xlsx")
    assert results["个人提成"] == money(Decimal("25052.94") * Decimal("0.02"))
    # 糖糖 sells 22,864.86: 250 + 4% × (x − 20,000)
    _, results = sheet_values(outputs["standard"] / "糖糖.xlsx")
    assert results["个人提成"] == money(250 + (Decimal("22864.86") - 20000) * Decimal("0.04"))


def test_summary_ranks_and_history(outputs):
    summary = outputs["standard"].parent / "汇总_2026-10.xlsx"
    wb = load_workbook(summary, data_only=True)
    ws = wb["汇总"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    totals = [r[2] for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert [r[0] for r in rows][0] == 1
    assert ws._charts or load_workbook(summary)["汇总"]._charts is not None
    hist = list(wb["历史记录"].iter_rows(min_row=2, values_only=True))
    assert {h[1] for h in hist} == set(SALES)
    assert all(h[0] == "2026-10" for h in hist)

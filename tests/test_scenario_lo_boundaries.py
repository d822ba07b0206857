"""LibreOffice recalculates the native formulas of agents sitting exactly on step and tier boundaries.

The batch writes each item's formula and beside it the value the core computed; at a boundary a float
formula could drift (9.999…97 whole steps instead of 10). Every formula's LibreOffice value must equal
the cached value, and the cached values are the ones worked by hand below.
"""

from __future__ import annotations

import csv
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.core.schemefile import builtin
from cskpi_xl.pipeline import score_files
from cskpi_xl.workbook import libreoffice
from cskpi_xl.workbook.batch import run_batch
from test_scenario_lo_crosscheck import compare

pytestmark = pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice (soffice) not installed")

HEAD = ["客服昵称", "日期", "销售额", "销售人数", "接待人数", "询单人数", "最终付款人数", "下单人数"]


def spread(total: int, n: int) -> list[int]:
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def duoyi_rows() -> list[list]:
    """12 agents. 甲: 客单价 30,100/300 exactly 10 above the team's 81,300/900 → 平均客单价 5 + 1 = 6;
    接待 80 of 600 = exactly 5 points above 1/12 → 其他加减分 5 + 1 = 6; 询单 35/100 = 35% exactly → 20 + 5 = 25;
    付款/下单 35/35 = 100% → 5 + 5 = 10 (5 points above 95%). Total 20+25+10+20+6+5+6+20 = 112.
    乙: 付款/下单 9/10 = 90% exactly (no deduction) → 5; 询单 9/27 = 33.33…% → 20 − 5 × 2/3 = 16.666… → 16.67.
    丙: 付款/下单 89/100 = 89% → 5 − 1 = 4; 询单 89/250 = 35.6% → 20 + 8 = 28.
    the rest: 34% → 20, no 下单人数 → 定单销售比 n/a → 5."""
    rows = [HEAD, ["甲", "2026-10-01", 30100, 300, 80, 100, 35, 35]]
    sales, buyers, served = spread(51200, 11), spread(600, 11), spread(520, 11)
    for i in range(11):
        name = {0: "乙", 1: "丙"}.get(i, f"客服{i:02d}")
        inq, paid, orders = {0: (27, 9, 10), 1: (250, 89, 100)}.get(i, (100, 34, ""))
        rows.append([name, "2026-10-01", sales[i], buyers[i], served[i], inq, paid, orders])
    return rows


def drift_rows() -> list[list]:
    """甲 770.71 / 7 = 110.10142857…; team (770.71 + 70,001) / 707 = 100.10142857…: exactly 10 above → 5 + 1 = 6,
    where floats give (甲 − team) / 10 = 0.9999999999999986 (a formula without rounding would give 5)."""
    return [HEAD, ["甲", "2026-10-01", "770.71", 7, 10, 100, 34, ""], ["乙", "2026-10-01", 70001, 700, 10, 100, 34, ""]]


def tie_rows() -> list[list]:
    """Half a cent exactly: 甲 34,001/100,000 = 34.001% → 20 + 5 × 0.1 × 0.01 … = 20.005 → 20.01 (half up);
    乙 68,003/200,000 = 34.0015% → 20.0075 → 20.01; 丙 341/1,000 = 34.1% → 20.5."""
    return [HEAD, ["甲", "2026-10-01", 1000, 10, 10, 100000, 34001, ""], ["乙", "2026-10-01", 1000, 10, 10, 200000, 68003, ""],
            ["丙", "2026-10-01", 1000, 10, 10, 1000, 341, ""]]


def standard_rows() -> list[list]:
    """Sales on every bound of the standard commission table (as written): 14,999 → 224.99; 15,000 → 150.00;
    20,000 → 250.00; 20,000.01 → 250.0004 → 250.00; 25,000 → 450.00; 25,001 → 500.02; 0 → 0."""
    rows = [HEAD]
    for name, s in (("甲", "14999"), ("乙", "15000"), ("丙", "20000"), ("丁", "20000.01"), ("戊", "25000"), ("己", "25001"), ("庚", "0")):
        rows.append([name, "2026-10-01", s, 10, 100, 100, 35, 40])
    return rows


def write(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_boundary_agents_agree_with_libreoffice(tmp_path):
    d = write(tmp_path / "duoyi.csv", duoyi_rows())
    s = write(tmp_path / "standard.csv", standard_rows())
    f = write(tmp_path / "drift.csv", drift_rows())
    t = write(tmp_path / "tie.csv", tie_rows())
    team, _ = score_files(builtin("duoyi"), [str(t)], month="2026-10")
    assert [a.item("咨询转化率").points for a in team.agents] == [D("20.01"), D("20.01"), D("20.50")]
    assert (770.71 / 7 - 70771.71 / 707) / 10 < 1  # the float trap this case is about

    team, _ = score_files(builtin("duoyi"), [str(f)], month="2026-10")
    assert team.agent("甲").item("平均客单价").points == 6

    team, problems = score_files(builtin("duoyi"), [str(d)], month="2026-10")
    pts = {a.agent: {i.name: i.points for i in a.items} for a in team.agents}
    assert pts["甲"]["平均客单价"] == 6 and pts["甲"]["其他加减分"] == 6
    assert pts["甲"]["咨询转化率"] == 25 and pts["甲"]["定单销售比"] == 10
    assert team.agent("甲").total == 112
    assert pts["乙"]["定单销售比"] == 5 and pts["乙"]["咨询转化率"] == D("16.67")
    assert pts["丙"]["定单销售比"] == 4 and pts["丙"]["咨询转化率"] == 28

    team, problems = score_files(builtin("standard"), [str(s)], month="2026-10")
    assert {a.agent: a.commission for a in team.agents} == {
        "甲": D("224.99"), "乙": D("150.00"), "丙": D("250.00"), "丁": D("250.00"), "戊": D("450.00"), "己": D("500.02"),
        "庚": D("0.00")}

    files: list[Path] = []
    for sid, src, out, public, team in (("duoyi", d, "duoyi", None, None), ("standard", s, "standard", None, None),
                                        ("duoyi", f, "drift", None, None), ("standard", s, "public", "300000", None),
                                        ("duoyi", t, "tie", None, None), ("standard", s, "target", None, ["询单转化率目标=30%"]),
                                        ("duoyi", d, "baseline", None, ["团队客单价=100"])):
        report, problems = run_batch([src], sid, "2026-10", tmp_path / out, progress=False, public_sales=public, team=team)
        assert report["summary"], [p.format() for p in problems if p.is_error]
        files += sorted((tmp_path / out / "2026-10").glob("*.xlsx")) + [Path(report["summary"])]
    # the cached values are the hand-worked ones …
    summary = load_workbook(tmp_path / "duoyi" / "汇总_2026-10.xlsx", data_only=True)["汇总"]
    totals = {r[1]: r[2] for r in summary.iter_rows(min_row=4, values_only=True) if r[1]}
    assert totals["甲"] == 112
    summary = load_workbook(tmp_path / "drift" / "汇总_2026-10.xlsx", data_only=True)["汇总"]
    totals = {r[1]: r[2] for r in summary.iter_rows(min_row=4, values_only=True) if r[1]}
    assert totals["甲"] == 101  # 100 + 1: the step counted
    summary = load_workbook(tmp_path / "public" / "汇总_2026-10.xlsx", data_only=True)["汇总"]
    public = {r[1]: r[5] for r in summary.iter_rows(min_row=4, values_only=True) if r[1] in tuple("甲乙丙丁戊己庚")}
    assert set(public.values()) == {214.29}  # 300,000 × 0.5% ÷ 7 = 214.2857… → 214.29
    # a target and a baseline given for the month: 35/100 = 35% vs 30% → 25 + 5 = 30 (standard 询单转化率);
    # duoyi 甲 客单价 100.33 vs a set 100 → 0 whole tens → 5 (with the team's 90.33 it was 6): total 111
    summary = load_workbook(tmp_path / "baseline" / "汇总_2026-10.xlsx", data_only=True)["汇总"]
    assert {r[1]: r[2] for r in summary.iter_rows(min_row=4, values_only=True) if r[1] == "甲"} == {"甲": 111}
    # … and LibreOffice recomputes every formula to the same value
    n, bad = compare(files, tmp_path / "stage")
    assert n > 200
    assert not bad, "\n".join(bad[:30])

"""Issue 13 item 4: the shop-wide public sales total given to score, batch and fill, or as a column.

standard: 公共提成 = 公共销售额 × 0.5% ÷ 客服人数 (DOMAIN.md S2).
"""

from __future__ import annotations

import csv
from decimal import Decimal as D
from pathlib import Path

from openpyxl import load_workbook

from cskpi_xl.cli import main
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.loader import builtin

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_default_is_the_team_sales():
    # (22,000 + 14,999) × 0.5% ÷ 2 = 92.4975 → 92.50
    team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000}, "乙": {"销售额": 14999}})
    assert team.agent("甲").public_commission == D("92.50") and team.public_sales_from == "" and problems == []


def test_given_total():
    # 300,000 × 0.5% ÷ 2 = 750
    for given in (300000, "300000", "300,000", "３０万", D(300000)):
        team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000}, "乙": {"销售额": 14999}}, public_sales=given)
        assert team.agent("乙").public_commission == D("750.00") and team.public_sales_from == "given", given
        assert team.agent("甲").metrics["公共销售额"] == D(300000)


def test_column_on_every_row():
    # 100,000 × 0.5% ÷ 2 = 250; the option wins over the column: 200,000 → 500
    agents = {"甲": {"销售额": 22000, "公共销售额": 100000}, "乙": {"销售额": 14999, "公共销售额": "100000"}}
    team, problems = score_team(builtin("standard"), agents)
    assert team.agent("甲").public_commission == D("250.00") and team.public_sales_from == "column" and problems == []
    team, problems = score_team(builtin("standard"), agents, public_sales=200000)
    assert team.agent("甲").public_commission == D("500.00")
    assert team.agent("甲").metrics["公共销售额"] == D(200000)  # what the sheet's formula reads


def test_column_on_one_row_counts_for_the_shop():
    team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000, "公共销售额": 100000}, "乙": {"销售额": 14999}})
    assert team.agent("乙").public_commission == D("250.00") and problems == []


def test_column_that_differs_between_rows_is_an_error_and_says_what_is_used():
    team, problems = score_team(builtin("standard"), {"甲": {"公共销售额": 100000}, "乙": {"公共销售额": 120000}})
    (p,) = problems
    assert p.is_error and "120,000" in p.message and "100,000" in p.message and "--public-sales" in p.message
    # 120,000 × 0.5% ÷ 2 = 300
    assert team.agent("甲").public_commission == D("300.00")


def test_bad_given_total_is_an_error_not_a_crash():
    team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000}, "乙": {"销售额": 14999}}, public_sales="很多")
    assert [p.column for p in problems if p.is_error] == ["公共销售额"]
    assert team.agent("甲").public_commission == D("92.50")  # the default, said in the error
    team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000}}, public_sales=-5)
    assert [p.column for p in problems if p.is_error] == ["公共销售额"]


def test_batch_and_fill_take_it_and_the_summary_shows_it(tmp_path, capsys):
    src = write(tmp_path / "m.csv", [["客服昵称", "销售额"], ["甲", 22000], ["乙", 14999]])
    out = tmp_path / "out"
    assert main(["batch", str(src), "--scheme", "standard", "--month", "2026-10", "--out", str(out), "--quiet",
                 "--public-sales", "300000"]) == 0
    ws = load_workbook(out / "汇总_2026-10.xlsx")["汇总"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows["甲"][5] == 750 and rows["乙"][5] == 750
    pool = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert pool["公共销售额"][1] == 300000 and "指定" in pool["公共销售额"][2]
    filled = tmp_path / "f.xlsx"
    assert main(["fill", str(ROOT / "workbook_templates" / "standard.xlsx"), str(src), "--agent", "甲", "--month", "2026-10",
                 "--out", str(filled), "--public-sales", "300000"]) == 0
    values = [c.value for row in load_workbook(filled, data_only=True).worksheets[0].iter_rows() for c in row]
    assert 750 in values


def test_batch_reads_the_column(tmp_path):
    src = write(tmp_path / "m.csv", [["客服昵称", "销售额", "公共销售额"], ["甲", 22000, 100000], ["乙", 14999, 100000]])
    out = tmp_path / "out"
    assert main(["batch", str(src), "--scheme", "standard", "--month", "2026-10", "--out", str(out), "--quiet"]) == 0
    ws = load_workbook(out / "汇总_2026-10.xlsx")["汇总"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows["甲"][5] == 250
    pool = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert pool["公共销售额"][1] == 100000 and "列" in pool["公共销售额"][2]

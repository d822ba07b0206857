"""The shop-wide public sales total given to score, batch and fill, or as a column.

standard: 公共提成 = 公共销售额 × 0.5% ÷ 客服人数 (cskpi_xl/schemes/standard.toml).
"""

from __future__ import annotations

import csv
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.cli import main
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import builtin

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def public_problems(problems):
    """The problems about the public sales total (others, such as an unknown month for the streak rules, aside)."""
    return [p for p in problems if p.column == "公共销售额"]


def test_default_is_the_team_sales():
    # (22,000 + 14,999) × 0.5% ÷ 2 = 92.4975 → 92.50
    team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000}, "乙": {"销售额": 14999}})
    assert team.agent("甲").public_commission == D("92.50") and team.public_sales_from == "" and public_problems(problems) == []


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
    assert team.agent("甲").public_commission == D("250.00") and team.public_sales_from == "column" and public_problems(problems) == []
    team, problems = score_team(builtin("standard"), agents, public_sales=200000)
    assert team.agent("甲").public_commission == D("500.00")
    assert team.agent("甲").metrics["公共销售额"] == D(200000)  # what the sheet's formula reads


def test_column_on_one_row_counts_for_the_shop():
    team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000, "公共销售额": 100000}, "乙": {"销售额": 14999}})
    assert team.agent("乙").public_commission == D("250.00") and public_problems(problems) == []


def test_column_that_differs_between_rows_is_an_error_and_says_what_is_used():
    team, problems = score_team(builtin("standard"), {"甲": {"公共销售额": 100000}, "乙": {"公共销售额": 120000}})
    (p,) = public_problems(problems)
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


# ---- other shop-wide figures: targets (scheme parameters) and team values, --team 名称=数值 -----------------------


def test_shop_figures_parse_and_refuse():
    from cskpi_xl.core.shopwide import apply_shop_figures

    s, team, public, problems = apply_shop_figures(builtin("duoyi"), {"团队客单价": "150", "公共销售额": "30万"})
    assert team == {"团队客单价": D(150)} and public == D(300000) and problems == []
    s, team, public, problems = apply_shop_figures(builtin("standard"), {"询单转化率目标": "35", "人均咨询占比": 3, "错": 1,
                                                                         "团队客单价": "很多"})
    assert s is builtin("standard") and team == {} and public is None
    assert sorted(p.column for p in problems) == sorted(["询单转化率目标", "人均咨询占比", "错", "团队客单价"])
    assert all(p.is_error for p in problems)


def test_a_target_given_for_the_month_scores():
    # standard 询单转化率 25 points, target 35% → given 30%: 32/100 = 32% → 25 + 2 = 27 (with 35%: 25 − 3 = 22)
    from cskpi_xl.core.shopwide import apply_shop_figures

    s, team_figs, _, _ = apply_shop_figures(builtin("standard"), {"询单转化率目标": "30%"})
    team, _ = score_team(s, {"甲": {"询单人数": 100, "最终付款人数": 32}}, team_figures=team_figs)
    assert team.agent("甲").item("询单转化率").points == 27


def test_a_set_order_value_baseline_for_the_month():
    # duoyi 平均客单价 against a given 团队客单价 150 instead of the team's 100: 甲 185 → 3 whole tens → 8
    team, _ = score_team(builtin("duoyi"), {"甲": {"销售额": 18500, "销售人数": 100}, "乙": {"销售额": 1500, "销售人数": 100}},
                         team_figures={"团队客单价": D(150)})
    assert team.agent("甲").item("平均客单价").points == 8 and team.agent("甲").metrics["团队客单价"] == 150


def test_batch_and_score_take_team_figures_and_the_summary_shows_them(tmp_path, capsys):
    src = write(tmp_path / "m.csv", [["客服昵称", "询单人数", "最终付款人数", "销售额", "销售人数"],
                                     ["甲", 100, 32, 18500, 100], ["乙", 100, 35, 1500, 100]])
    out = tmp_path / "out"
    assert main(["batch", str(src), "--scheme", "standard", "--month", "2026-10", "--out", str(out), "--quiet",
                 "--team", "询单转化率目标=30%", "--team", "公共销售额=30万"]) == 0
    ws = load_workbook(out / "汇总_2026-10.xlsx")["汇总"]
    pool = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert pool["询单转化率目标"][1:3] == (0.3, "（批量生成时指定）") and pool["公共销售额"][1] == 300000
    # 甲 32% → 27; 乙 35% → 25 + 5 = 30 (target 30%)
    capsys.readouterr()
    assert main(["score", "--scheme", "standard", str(src), "--team", "询单转化率目标=30%", "--json"]) == 0
    import json

    got = json.loads(capsys.readouterr().out)
    pts = {a["agent"]: {i["name"]: i["points"] for i in a["items"]} for a in got["agents"]}
    assert pts["甲"]["询单转化率"] == 27 and pts["乙"]["询单转化率"] == 30
    assert main(["score", "--scheme", "standard", str(src), "--team", "询单转化率目标"]) == 0
    assert "名称=数值" in capsys.readouterr().err


@pytest.mark.parametrize("raw", ["1e13", "1E+30", "1e-101", 1e30, 5e-324])
def test_shop_figures_outside_the_figure_bound_are_refused(raw):
    """The bound every figure has (|x| < 10^13, non-zero |x| ≥ 10^-100) holds for --team and --public-sales too."""
    from cskpi_xl.core.shopwide import apply_shop_figures

    s, team, public, problems = apply_shop_figures(builtin("duoyi"), {"团队客单价": raw, "公共销售额": raw})
    assert team == {} and public is None
    assert sorted(p.column for p in problems) == ["公共销售额", "团队客单价"] and all(p.is_error for p in problems)
    assert all("数值超出合理范围" in p.message for p in problems)
    # given straight to the core: refused with a problem, the team's own sales used instead (22,000 + 14,999)
    team, problems = score_team(builtin("standard"), {"甲": {"销售额": 22000}, "乙": {"销售额": 14999}}, public_sales=raw)
    assert [p.column for p in problems if p.is_error] == ["公共销售额"]
    # (22,000 + 14,999) × 0.5% ÷ 2 = 92.4975 → 92.50, the team's own sales as without a given total
    assert team.agent("甲").public_commission == D("92.50") and team.public_sales_from == ""


def test_shop_figures_at_the_edge_of_the_bound_are_used():
    from cskpi_xl.core.shopwide import apply_shop_figures

    s, team, public, problems = apply_shop_figures(builtin("duoyi"), {"团队客单价": "9999999999999.99", "公共销售额": "1e-100"})
    assert problems == [] and team == {"团队客单价": D("9999999999999.99")} and public == D("1e-100")

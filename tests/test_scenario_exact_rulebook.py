"""Exact to the rulebook — no float drift at step boundaries, unit mistakes in scheme files caught.

Every expected value is worked by hand from the rule text (cskpi_xl/schemes/duoyi.toml) and the inputs.
"""

from __future__ import annotations

import textwrap
import tomllib
from decimal import Decimal as D
from fractions import Fraction
from importlib import resources

import pytest

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.numbers import number_text
from cskpi_xl.core.schemefile import builtin, load_scheme, parse_scheme
from cskpi_xl.core.metrics import compute_metrics, team_values
from cskpi_xl.core.numbers import exact, quotient, round_points


def spread(total: int, n: int) -> list[int]:
    """``total`` split over ``n`` agents as evenly as whole numbers allow."""
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


# ---- regression 1: float drift at exact step boundaries ----------------------------------------------------------


def test_duoyi_order_value_exactly_ten_above_the_team_gets_the_step():
    # team 客单价 = (30,100 + 51,200) / (300 + 600) = 81,300 / 900 = 90.33…
    # 甲 30,100 / 300 = 100.33…: exactly 10 yuan above → one whole 10 → 5 + 1 = 6
    team, _ = score_team(builtin("duoyi"), {"甲": {"销售额": 30100, "销售人数": 300},
                                           "乙": {"销售额": 51200, "销售人数": 600}})
    assert team.team["团队客单价"].exact == Fraction(81300, 900)
    assert team.agent("甲").item("平均客单价").points == D(6)
    # one yuan of sales less: 30,099/300 − 81,299/900 = (90,297 − 81,299)/900 = 8,998/900 < 10 → no step → 5
    team, _ = score_team(builtin("duoyi"), {"甲": {"销售额": 30099, "销售人数": 300},
                                           "乙": {"销售额": 51200, "销售人数": 600}})
    assert team.agent("甲").item("平均客单价").points == D(5)


def test_duoyi_consult_share_exactly_five_points_above_per_capita_gets_the_step():
    # 80 of 600 served, 12 agents: 80/600 − 1/12 = 2/15 − 1/12 = 1/20 = exactly 5 points → +1 → 6
    agents = {"甲": {"接待人数": 80}}
    agents.update({f"客服{i:02d}": {"接待人数": n} for i, n in enumerate(spread(520, 11))})
    team, _ = score_team(builtin("duoyi"), agents)
    assert team.agent("甲").item("其他加减分").points == D(6)
    # 79 of 599: 79/599 − 1/12 = (948 − 599)/7188 = 349/7188 < 1/20 (359.4/7188) → no step → 5
    agents["甲"] = {"接待人数": 79}
    team, _ = score_team(builtin("duoyi"), agents)
    assert team.agent("甲").item("其他加减分").points == D(5)
    # at the deduction side: 20 of 540 (11 others 520): 1/12 − 1/27 = (9 − 4)/108 = 5/108 < 1/20 → no step → 5
    agents["甲"] = {"接待人数": 20}
    team, _ = score_team(builtin("duoyi"), agents)
    assert team.agent("甲").item("其他加减分").points == D(5)


def test_quotients_keep_their_exact_value():
    m = compute_metrics({"销售额": 30100, "销售人数": 300})
    assert m["客单价"] == D("100.3333333333333333333333333")  # shown as before
    assert exact(m["客单价"]) == Fraction(301, 3)
    assert team_values({"a": {"接待人数": 1}, "b": {"接待人数": 2}, "c": {"接待人数": 3}})["人均咨询占比"].exact == Fraction(1, 3)
    assert quotient(18, 50) == D("0.36") and type(quotient(18, 50)) is D


def test_weighted_mean_is_rounded_from_the_exact_value():
    # a section mean of 100.15/3 weighted 30% is exactly 10.015 → ROUND half up → 10.02
    # (a 28-digit mean 33.38333…3 × 0.3 = 10.01499…9 rounded down to 10.01)
    assert round_points(Fraction(10015, 1000)) == D("10.02")
    assert round_points(exact(D(30)) * Fraction(10015, 100) / 3 / 100) == D("10.02")


def test_section_mean_weighted_rounds_from_the_exact_value():
    # section X (weight 30) = mean of 0, 0, 0.25 = 1/12; Y (weight 70) = 0
    # total = 30 × (1/12) / 100 = 0.025 exactly → half up → 0.03
    # (a 28-digit mean 0.08333…3 gives 0.02499…9 → 0.02)
    text = textwrap.dedent("""
        id = "t"
        name = "测试"
        effective_from = 2026-01-01
        total = "sections"
        [[sections]]
        name = "X"
        weight = 30
        [[sections]]
        name = "Y"
        weight = 70
        [[items]]
        name = "a"
        section = "X"
        full = 100
        rules = [{ kind = "score" }]
        [[items]]
        name = "b"
        section = "X"
        full = 100
        rules = [{ kind = "score" }]
        [[items]]
        name = "c"
        section = "X"
        full = 100
        rules = [{ kind = "score" }]
        [[items]]
        name = "d"
        section = "Y"
        full = 100
        rules = [{ kind = "score" }]
    """)
    s, problems = parse_scheme(tomllib.loads(text), "t.toml")
    assert s is not None, [p.format() for p in problems]
    team, problems = score_team(s, {"甲": {"a": 0, "b": 0, "c": D("0.25"), "d": 0}})
    assert problems == []
    assert team.agent("甲").total == D("0.03")
    assert exact(team.agent("甲").sections["X"]) == Fraction(1, 12)


# ---- item 6: unit mistakes in scheme files ---------------------------------------------------------------------

DUOYI = resources.files("cskpi_xl.schemes").joinpath("duoyi.toml").read_text(encoding="utf-8")
STANDARD = resources.files("cskpi_xl.schemes").joinpath("standard.toml").read_text(encoding="utf-8")


def parsed(text: str, old: str, new: str):
    assert old in text
    return parse_scheme(tomllib.loads(text.replace(old, new, 1)), "s.toml")


@pytest.mark.parametrize("typed", ["34", '"34"'])
def test_ratio_baseline_above_one_is_refused(typed):
    s, problems = parsed(DUOYI, "baseline = 0.34", f"baseline = {typed}")
    assert s is None
    (p,) = [p for p in problems if p.is_error]
    assert p.path == "items[1].rules[0].baseline" and "0.34" in p.message and "34%" in p.message


@pytest.mark.parametrize("typed", ['"３４％"', '"34%"', '" 34 % "'])
def test_percent_and_full_width_thresholds_are_parsed(typed):
    s, problems = parsed(DUOYI, "baseline = 0.34", f"baseline = {typed}")
    assert problems == [] and s is not None
    r = s.item("咨询转化率").rules[0]
    assert r.upper == r.lower == D("0.34")
    # scores as the built-in: 18/50 = 36% → 20 + 2 × 5 = 30
    team, _ = score_team(s, {"小美": {"询单人数": 50, "最终付款人数": 18}})
    assert team.agent("小美").item("咨询转化率").points == D(30)


@pytest.mark.parametrize("typed", ['"３４x"', '"34 点"', '"%"'])
def test_number_like_text_that_is_no_number_is_refused_not_taken_for_a_name(typed):
    s, problems = parsed(DUOYI, "baseline = 0.34", f"baseline = {typed}")
    assert s is None
    assert [p.path for p in problems if p.is_error] == ["items[1].rules[0].baseline"]


def test_dead_zone_bound_above_one_and_percent_unit_are_refused():
    s, problems = parsed(DUOYI, "upper = 0.95", "upper = 95")
    assert s is None and [p.path for p in problems if p.is_error] == ["items[2].rules[0].upper"]
    s, problems = parsed(DUOYI, "unit = 0.01, above = 5", "unit = 1, above = 5")
    assert s is None and [p.path for p in problems if p.is_error] == ["items[1].rules[0].unit"]


@pytest.mark.parametrize("old,new,path", [
    ("rate = 0.01", "rate = 1", "commission.tiers[1].rate"),
    ("rate = 0.012 },\n  { lower = 60000", "rate = 1.2 },\n  { lower = 60000", "commission.tiers[2].rate"),
])
def test_rate_of_one_or_more_is_refused(old, new, path):
    s, problems = parsed(DUOYI, old, new)
    assert s is None
    (p,) = [p for p in problems if p.is_error]
    assert p.path == path and "是不是想写" in p.message


def test_public_rate_of_one_is_refused_and_percent_text_is_parsed():
    s, problems = parsed(STANDARD, "public_rate = 0.005", "public_rate = 1")
    assert s is None and [p.path for p in problems if p.is_error] == ["pay.public_rate"]
    s, problems = parsed(STANDARD, "public_rate = 0.005", 'public_rate = "0.5%"')
    assert s is not None and s.pay.public_rate == D("0.005")


def test_rate_as_percent_text():
    s, problems = parsed(DUOYI, "rate = 0.01", 'rate = "1%"')
    assert problems == [] and s is not None
    # 40,000 × 1% = 400.00
    team, _ = score_team(s, {"小美": {"销售额": 40000}})
    assert team.agent("小美").commission == D("400.00")


def test_number_text():
    assert number_text("３４％") == D("0.34")
    assert number_text("１，２００") == D(1200)
    with pytest.raises(ValueError):
        number_text("三十四")


def test_condition_on_a_share_above_one_is_refused(tmp_path):
    text = textwrap.dedent("""
        id = "t"
        name = "测试"
        effective_from = 2026-01-01
        [[items]]
        name = "a"
        full = 100
        rules = [{ kind = "condition", when = [{ input = "回复率", op = "<", value = 90 }], points = -5 }]
    """)
    s, problems = parse_scheme(tomllib.loads(text), "t.toml")
    assert s is None and [p.path for p in problems if p.is_error] == ["items[0].rules[0].when[0].value"]


def test_batch_shows_the_scheme_warnings(tmp_path, capsys):
    from cskpi_xl.cli import main

    scheme = tmp_path / "s.toml"
    scheme.write_text(DUOYI.replace('inputs = ["冲突次数"]', 'inputs = ["摸鱼次数"]'), encoding="utf-8")
    src = tmp_path / "m.csv"
    src.write_text("客服昵称,销售额\n甲,40000\n", encoding="utf-8")
    assert main(["batch", str(src), "--scheme", str(scheme), "--month", "2026-10", "--out", str(tmp_path / "out"),
                 "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "摸鱼次数" in err and "不是已知的指标或录入项" in err
    out = tmp_path / "f.xlsx"
    assert main(["fill", "workbook_templates/duoyi.xlsx", str(src), "--agent", "甲", "--scheme", str(scheme),
                 "--month", "2026-10", "--out", str(out)]) == 0
    assert "摸鱼次数" in capsys.readouterr().err


def test_tables_typed_by_hr_catch_the_same_unit_mistakes():
    # the tables a UDF or the 规则 sheet reads: 比例 1 (meant 1%) and a share 基准 34 (meant 34%) are errors;
    # "1%", "３４％" are read as numbers
    from cskpi_xl.core.schemefile import sheet as T

    table, problems = T.rows_to_tiers([["下限", "比例"], [0, 1]])
    assert table is None and [(p.column, "1%" in p.message) for p in problems] == [("比例", True)]
    table, problems = T.rows_to_tiers([["下限", "比例"], [0, "１％"]])
    assert problems == [] and table.commission(D(40000)) == D("400.00")
    head = ["项目", "满分", "规则类型", "指标/录入项", "基准", "单位", "高于每单位"]
    item, problems = T.rows_to_item([head, ["咨询转化率", 20, "线性", "咨询转化率", 34, "1%", 5]])
    assert item is None and [p.column for p in problems if p.is_error] == ["基准"]
    item, problems = T.rows_to_item([head, ["咨询转化率", 20, "线性", "咨询转化率", "３４％", "1%", 5]])
    assert problems == [] and item.rules[0].upper == D("0.34")
    table, problems = T.rows_to_coefficient([["下限", "比例"], [0, 2]])
    assert table is None and problems[0].column == "比例"

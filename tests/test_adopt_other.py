"""cskpi adopt on another shop's sheet: other words, other numbers; the adopted scheme equals one written by hand."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from adopt_sheets import OTHER_ITEMS, build_other
from cskpi_xl.adopt.reader import adopt
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import load_scheme
from cskpi_xl.pipeline import score_files

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPORTS = sorted(str(p) for p in (SAMPLES / "exports").iterdir() if p.is_file())
MANUAL = str(SAMPLES / "manual" / "手工录入.xlsx")
ALIASES = str(SAMPLES / "manual" / "别名表.csv")

# What the sheet says, written by hand in the scheme format (the expected reading).
EXPECTED = '''
id = "other_expected"
name = "某某旗舰店 客服月度绩效考核"
effective_from = 2026-01-01
full_marks = 100

[[items]]
name = "询单转化率"
full = 25
metric = "询单转化率"
rules = [{ kind = "linear", metric = "询单转化率", baseline = 0.30, unit = 0.01, above = 3, below = -2 }]

[[items]]
name = "平均响应时间"
full = 15
rules = [{ kind = "linear", metric = "平均响应时间", baseline = 25, unit = 1, above = -1 }]

[[items]]
name = "客单价"
full = 10
cap = 15
rules = [{ kind = "linear", metric = "客单价", baseline = "团队客单价", unit = 20, above = 1, step = true }]

[[items]]
name = "差评"
full = 15
rules = [{ kind = "per_count", inputs = ["售后差评数"], points = -3 }]

[[items]]
name = "考勤"
full = 20
rules = [
  { kind = "per_count", inputs = ["迟到早退次数"], points = -2, after = 2, then = -5 },
  { kind = "per_count", inputs = ["旷工次数", "迟到超30分钟次数"], points = -10 },
]

[[items]]
name = "表扬"
full = 5
base = 0
rules = [{ kind = "per_count", inputs = ["表扬次数"], points = 2 }]

[[items]]
name = "工作态度"
full = 10
rules = [{ kind = "score", low = 0, high = 10 }]

[commission]
kind = "tiers"
basis = "销售额"
tiers = [
  { upper = 30000, upper_inclusive = false, kind = "flat", rate = 0 },
  { lower = 30000, upper = 50000, upper_inclusive = false, kind = "flat", rate = 0.008 },
  { lower = 50000, upper_inclusive = true, kind = "flat", rate = 0.01 },  # adopt writes the open top tier's flag out
]

[[grades]]
label = "优秀"
low = 90

[[grades]]
label = "良好"
low = 75
high = 90

[[grades]]
label = "合格"
low = 60
high = 75

[[grades]]
label = "不合格"
high = 60
'''


@pytest.fixture(scope="module")
def adopted(tmp_path_factory):
    d = tmp_path_factory.mktemp("other")
    return adopt(build_other(d / "其他店.xlsx"), d / "out")


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    f = tmp_path_factory.mktemp("exp") / "expected.toml"
    f.write_text(EXPECTED, encoding="utf-8")
    s, problems = load_scheme(f)
    assert s is not None, problems
    return s


def test_reads_every_item_no_warning(adopted):
    assert adopted.scheme is not None and adopted.problems == []
    assert [i.name for i in adopted.scheme.items] == [n for n, *_ in OTHER_ITEMS]
    assert [it.supervisor for it in adopted.items] == [False] * 6 + [True]


def test_equal_to_the_hand_written_scheme(adopted, expected):
    s = adopted.scheme
    for mine, theirs in zip(s.items, expected.items):
        assert (mine.name, mine.full, mine.rules, mine.floor, mine.cap, mine.start) == \
               (theirs.name, theirs.full, theirs.rules, theirs.floor, theirs.cap, theirs.start), mine.name
    assert s.commission == expected.commission and s.grades == expected.grades


def _scores(scheme):
    team, _ = score_files(scheme, EXPORTS, manual=MANUAL, aliases=ALIASES)
    return {a.agent: (a.total, a.grade, {i.name: i.points for i in a.items}, a.commission) for a in team.agents}


def test_scores_the_samples_like_the_hand_written_scheme(adopted, expected):
    assert _scores(adopted.scheme) == _scores(expected)


def test_hand_worked(adopted):
    # 转化率 36% → 25 + 6×3 = 43; 响应 27.5 s → 15 − 2.5 = 12.5; 客单价 2222.22 vs team 2142.86: 79.36 → 3 whole 20s
    # → 13; 差评 2 → 9; 考勤 4 lates → 2×(−2) + 2×(−5) = −14 → 6, 1 absence + 1 late >30 min → −20 → floor 0;
    # 表扬 3 → 0 + 6 = 6 (above its 5: bonuses may exceed); 工作态度 typed 8 → total 43+12.5+13+9+0+6+8 = 91.5 → 优秀
    # commission: 40,000 → 0.8% = 320; 50,000 exactly → 1% = 500; 29,999.99 → 0
    team, _ = score_team(adopted.scheme, {
        "a": {"询单人数": 50, "最终付款人数": 18, "销售额": 40000, "销售人数": 18, "响应总秒数": 2750, "响应次数": 100,
              "售后差评数": 2, "迟到早退次数": 4, "旷工次数": 1, "迟到超30分钟次数": 1, "表扬次数": 3, "工作态度": 8},
        "b": {"销售额": 20000, "销售人数": 10},
    })
    a = team.agent("a")
    assert {i.name: i.points for i in a.items} == {"询单转化率": 43, "平均响应时间": D("12.5"), "客单价": 13, "差评": 9,
                                                   "考勤": 0, "表扬": 6, "工作态度": 8}
    assert a.total == D("91.5") and a.grade == "优秀" and a.commission == D("320.00")
    for sales, pay in ((50000, "500.00"), ("29999.99", "0.00"), (30000, "240.00")):
        t, _ = score_team(adopted.scheme, {"x": {"销售额": sales}})
        assert t.agents[0].commission == D(pay), sales
    # the cap: 客单价 far above the team → at most 15
    t, _ = score_team(adopted.scheme, {"x": {"销售额": 100000, "销售人数": 10}, "y": {"销售额": 1000, "销售人数": 10}})
    assert t.agent("x").item("客单价").points == 15


def test_template_fills_total_grade_commission(adopted, tmp_path):
    from openpyxl import load_workbook

    from cskpi_xl.workbook.fill import fill_template

    tpl = load_workbook(adopted.template_path)["Sheet1"]
    assert (tpl["D4"].value, tpl["D10"].value, tpl["D11"].value, tpl["G7"].value) == \
        ("{{=询单转化率.得分}}", "{{工作态度.评分}}", "{{=总分}}", "{{=个人提成}}")
    team, _ = score_files(adopted.scheme, EXPORTS, manual=MANUAL, aliases=ALIASES)
    agent = next(a for a in team.agents if a.commission > 0)
    out, problems = fill_template(adopted.template_path, [Path(e) for e in EXPORTS], agent.agent, "2026-10",
                                  scheme_id=str(adopted.scheme_path), out=tmp_path / "o.xlsx", manual=MANUAL, aliases=ALIASES)
    assert out is not None and not [p for p in problems if p.is_error and not p.is_pending]
    ws = load_workbook(out, data_only=True)["Sheet1"]
    assert D(str(ws["G7"].value)) == agent.commission
    assert D(str(ws["D4"].value)) == agent.item("询单转化率").points
    assert ws["D10"].value is None  # 工作态度 waits for the supervisor's score

"""A huge or tiny number never crashes or hangs a batch (1E+30 in a count column, a subnormal 5e-324, nan).

The bound (core/numbers.FIGURE_MAX / FIGURE_MIN): a figure whose magnitude is ≥ 10^13, or non-zero and below
10^-100, is no real shop figure. The importer refuses it with file/sheet/row/column; a figure that reaches the core
by another path (a typed cell, 手工录入, a caller) becomes NA with a problem naming the agent and the figure;
the escalating fine counts in O(len(amounts)), not O(violations).
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.cli import main
from cskpi_xl.core.describe import agent_json
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.history import PastMonth, escalating_fine
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.i18n import set_language
from cskpi_xl.importers import import_files
from cskpi_xl.pipeline import score_files
from cskpi_xl.workbook.xlformula import inputs_needed
from hostile import files

RANGE = "数值超出合理范围（绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100）"
IMPORTED = "不是有效数字（数值超出合理范围，绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100），按缺失处理"
INPUTS = {sid: inputs_needed(builtin(sid)) for sid in BUILTIN_IDS}
PAIRS = [(sid, name) for sid in BUILTIN_IDS for name in INPUTS[sid]]


@contextmanager
def no_hang(seconds: int = 20):
    """Fail (instead of waiting for ever) when the block does not finish: a guard, not a speed assertion."""
    def stop(*_):
        raise TimeoutError(f"did not finish within {seconds} s")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---- 1. the escalating fine ----------------------------------------------------------------------------------------

def fine_by_loop(amounts, earlier, now):
    """The rule as written (the k-th violation of the period costs amounts[k-1]; one past the list: the flag)."""
    total, flag = Decimal(0), False
    for k in range(earlier + 1, earlier + now + 1):
        if k <= len(amounts):
            total += amounts[k - 1]
        else:
            flag = True
    return total, flag


@settings(max_examples=300, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=1000, places=2), max_size=5), st.integers(0, 12), st.integers(0, 12))
def test_fine_without_the_loop_gives_what_the_loop_gives(amounts, earlier, now):
    assert escalating_fine(amounts, earlier, now) == fine_by_loop(amounts, earlier, now)


def test_fine_of_a_huge_count_by_hand():
    ten_thirty = [Decimal(10), Decimal(30)]
    with no_hang():
        # violations 1 and 2 of the year cost 10 + 30; the third and every later one: the flag
        assert escalating_fine(ten_thirty, earlier=0, now=10**30) == (Decimal(40), True)
        # one before: this month's first is the second (30), then the flag
        assert escalating_fine(ten_thirty, earlier=1, now=10**18) == (Decimal(30), True)
        # already past the list: nothing more to pay, the flag again
        assert escalating_fine(ten_thirty, earlier=7, now=10**12) == (Decimal(0), True)
        assert escalating_fine(ten_thirty, earlier=0, now=0) == (Decimal(0), False)


def test_standard_with_a_huge_but_plausible_violation_count():
    # 9,999,999,999,999 violations (< 10^13: not refused) in October, one in September (same year):
    # the 2nd costs 30, the 3rd … flag 开除; fines 30 → pay line 罚款 −30.00
    history = {"小美": [PastMonth("2026-09", violations=1)]}
    with no_hang():
        team, problems = score_team(builtin("standard"), {"小美": {"违规次数": 9_999_999_999_999, "销售额": 22000}},
                                    month="2026-10", history=history)
    a = team.agent("小美")
    assert a.pay["罚款"] == Decimal("-30.00")
    assert "第三次违规：开除" in a.flags


# ---- 2/3. every built-in scheme × every input × absurd values through score_team ---------------------------------

LEAD_VALUES = (5e-324, 1e-320, 1e308, -5e-324, 1e30)


def out_of_range(v) -> bool:
    """By the rule, independently of the code: not finite, or |x| ≥ 10^13, or 0 < |x| < 10^-100."""
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return True
        d = Decimal(repr(v))
    elif isinstance(v, str):
        d = Decimal(v)
    else:
        d = Decimal(v)
    if not d.is_finite():
        return True
    return d != 0 and not (Decimal("1e-100") <= abs(d) < Decimal("1e13"))


def assert_named(team, problems, name, value):
    """The figure is missing for agent a, and one problem names agent a, the figure and the value."""
    mine = [p for p in problems if p.agent == "a" and p.column == name]
    assert len(mine) == 1, (name, value, problems)
    p = mine[0]
    assert p.message.startswith(f"{name}：") and p.message.endswith("，按缺失处理")
    assert RANGE in p.message or "不是有限的数字" in p.message
    assert p.value == str(value) and p.is_error
    got = team.agent("a").metrics.get(name)
    # a shop-wide value (公共销售额, 团队接待人数 …) is the team's own there, never the refused figure
    assert isinstance(got, NA) or name in team.team and got == team.team[name] and not out_of_range(got)


@pytest.mark.parametrize("sid, name", PAIRS)
def test_the_leads_grid_never_raises(sid, name):
    scheme = builtin(sid)
    for v in LEAD_VALUES:
        with no_hang():
            team, problems = score_team(scheme, {"a": {name: v}, "b": {"销售额": 1000, "询单人数": 10}}, month="2026-10")
        assert_named(team, problems, name, v)
        # the other agent is scored exactly as if a's figure were not there at all
        alone, _ = score_team(scheme, {"a": {}, "b": {"销售额": 1000, "询单人数": 10}}, month="2026-10")
        assert agent_json(team.agent("b")) == agent_json(alone.agent("b"))


VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
    st.sampled_from([5e-324, -5e-324, 1e-320, 1e308, -1e308, 1e30, 1e13, 9.99e12, 1e-9, 1e-10, 1e-100, 1e-101, float("nan")]),
    st.integers(min_value=-10**40, max_value=10**40),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("1E+999999"), Decimal("-1E-999999"), Decimal("1e13"), Decimal("9999999999999.99")]),
    st.sampled_from(["1E+30", "5e-324", "12", "1e13"]),
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PAIRS), VALUES, st.booleans())
def test_score_team_never_raises_nor_hangs(pair, value, with_other):
    sid, name = pair
    agents = {"a": {name: value}}
    if with_other:
        agents["b"] = {"销售额": 5000, "销售人数": 50, "询单人数": 40, "最终付款人数": 14, "接待人数": 50}
    with no_hang():
        team, problems = score_team(builtin(sid), agents, month="2026-10")
    a = team.agent("a")
    if out_of_range(value):
        assert_named(team, problems, name, value)
    # the agent scores, or its total is NA (a problem says why: the figure, an item, a missing score)
    assert isinstance(a.total, Decimal) or isinstance(a.total, NA) and any(p.agent == "a" for p in problems) \
        or a.excluded is not None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([sid for sid in BUILTIN_IDS if INPUTS[sid]]), st.data())
def test_extreme_but_plausible_combinations_never_raise(sid, data):
    # every figure inside the bound, at its edges: a ratio of 9.99e12 ÷ 1e-9 is 10^22; whatever overflows the
    # 28-digit decimals on the way makes that item (or the pay) unscored with a problem, never an exception
    edge = st.sampled_from([Decimal("9999999999999.99"), Decimal("-9999999999999.99"), Decimal("1e-9"),
                            Decimal("-1e-9"), Decimal(0), Decimal(1)])
    names = INPUTS[sid]
    figures = {n: data.draw(edge) for n in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names)))}
    with no_hang():
        team, problems = score_team(builtin(sid), {"a": figures}, month="2026-10")
    a = team.agent("a")
    if a.excluded is not None:
        # an agent an exclusion rule takes out (缺岗月数 past the limit) is not scored at all: the exclusion is
        # what the sheet says, and no item of theirs is reported as unscorable
        return
    unscored = [i.name for i in a.items if i.points is None and not i.pending and i.error]
    for n in unscored:
        assert any(p.agent == "a" and p.column == n for p in problems)


# ---- importer: an export holding 1E+30 and 5e-324 --------------------------------------------------------------

HEADER = ["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "下单人数", "销售额", "销售人数"]
ROWS = [["小美", 200, 50, 18, 20, 12500, 100],
        ["阿杰", 150, 100, 30, 32, 9000, 100],
        ["晓晓", 50, 40, 14, 14, 5000, 50]]


def bad_rows(a, b):
    rows = [list(r) for r in ROWS]
    rows[1][5] = a  # 阿杰's 销售额 (row 3 of the file, column 销售额)
    rows[2][2] = b  # 晓晓's 询单人数 (row 4, column 询单人数)
    return [HEADER, *rows]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_with_absurd_cells(tmp_path, kind):
    (tmp_path / "blank").mkdir()
    if kind == "csv":
        bad = files.csv(tmp_path / "bad_2026-10.csv", bad_rows("1E+30", "5e-324"))
        blank = files.csv(tmp_path / "blank" / "bad_2026-10.csv", bad_rows("", ""))
        sheet = None
    else:
        bad = files.xlsx(tmp_path / "bad_2026-10.xlsx", bad_rows(1e30, 5e-324))
        blank = files.xlsx(tmp_path / "blank" / "bad_2026-10.xlsx", bad_rows(None, None))
        sheet = "Sheet1"
    data, problems = import_files([bad])
    said = [(Path(p.file).name, p.sheet, p.row, p.column, p.message, p.agent) for p in problems if p.is_error]
    assert said == [
        (bad.name, sheet, 3, "销售额", IMPORTED, "阿杰"),
        (bad.name, sheet, 4, "询单人数", IMPORTED, "晓晓"),
    ]
    assert "销售额" not in data.agents["阿杰"].figures and "询单人数" not in data.agents["晓晓"].figures
    assert data.agents["阿杰"].figures["询单人数"] == 100  # the rest of the row still counts
    # every agent scored exactly as from the same export with those two cells left empty
    scheme = builtin("duoyi")
    got, _ = score_files(scheme, [str(bad)], month="2026-10")
    want, _ = score_files(scheme, [str(blank)], month="2026-10")
    assert [agent_json(a) for a in got.agents] == [agent_json(a) for a in want.agents]
    # 小美 has no bad cell: by hand (as tests/test_udfs_core.py DUOYI_BY_HAND, with 团队客单价 now 17500/150):
    # conversion 18/50 = 36 % → 30; 18/20 = 90 % → 5; 125 vs 116.67 → 0 whole 10 yuan → 5 …
    assert got.agent("小美").item("咨询转化率").points == Decimal("30.00")
    assert got.agent("小美").item("定单销售比").points == Decimal("5.00")


def test_batch_on_such_an_export_exits_normally(tmp_path, capsys):
    bad = files.csv(tmp_path / "bad_2026-10.csv", bad_rows("1E+30", "5e-324"))
    set_language(None)
    with no_hang(300):
        code = main(["batch", str(bad), "--scheme", "duoyi", "--month", "2026-10", "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert code == 0, out
    text = out.out + out.err
    assert "bad_2026-10.csv" in text and "第 3 行" in text and "列「销售额」" in text and IMPORTED in text
    assert "第 4 行" in text and "列「询单人数」" in text
    books = sorted(p.name for p in (tmp_path / "out").rglob("*.xlsx"))
    assert any("阿杰" in b for b in books) and any("晓晓" in b for b in books) and any("汇总" in b for b in books)


TINY_UNIT = '''
id = "tiny"
name = "单位极小的方案"
effective_from = 2026-01-01
total = "sum"
full_marks = 100
[[items]]
name = "转化"
full = 50
metric = "询单转化率"
rules = [{ kind = "linear", metric = "询单转化率", baseline = 0.3, unit = 1e-90, above = 2, below = -2 }]
[[items]]
name = "其他"
full = 50
rules = [{ kind = "per_count", inputs = ["迟到次数"], points = -1 }]
'''


def test_arithmetic_beyond_the_decimals_leaves_one_item_unscored():
    # every figure is plausible and the scheme file is valid (unit 1e-90 is within its own bound), yet
    # 小美's 50 % is 0.2 ÷ 1e-90 × 2 = 4 × 10^89 points: beyond 28 digits. Before: decimal.InvalidOperation
    # for the whole team; now that item is unscored with a problem, her other item and 阿杰 are scored.
    import tomllib

    from cskpi_xl.core.schemefile import parse_scheme
    scheme, problems = parse_scheme(tomllib.loads(TINY_UNIT))
    assert problems == []
    team, problems = score_team(scheme, {"小美": {"询单人数": 10, "最终付款人数": 5, "迟到次数": 2},
                                         "阿杰": {"询单人数": 10, "最终付款人数": 3}})
    mei, jie = team.agent("小美"), team.agent("阿杰")
    assert mei.item("转化").points is None and "超出可精确计算的范围" in mei.item("转化").error
    assert mei.item("其他").points == Decimal("48.00")  # 50 − 2 × 1
    assert isinstance(mei.total, NA) and mei.rank is None
    # 阿杰: 3/10 = 30 % is the baseline → 50; no lateness → 50; total 100, rank 1
    assert (jie.item("转化").points, jie.total, jie.rank) == (Decimal("50.00"), Decimal("100.00"), 1)
    assert [(p.agent, p.column, p.message) for p in problems] == [
        ("小美", "转化", "转化：数值过大或过小，超出可精确计算的范围，不计分；请核对本人的数据")]


@pytest.mark.parametrize("count", [2.5, "2.5", -1, Decimal("-0.5")])
def test_a_violation_count_that_is_no_whole_number_is_reported_not_truncated(count):
    # the importers refuse it ("次数应为整数"); typed in a cell it reaches the core: reported, never 2.5 → 2
    team, problems = score_team(builtin("standard"), {"小美": {"违规次数": count, "销售额": 22000}}, month="2026-01")
    a = team.agent("小美")
    assert a.pay["罚款"] == Decimal("0.00") and "第三次违规：开除" not in a.flags
    assert [(p.agent, p.column, p.message) for p in problems if p.agent == "小美"] == [
        ("小美", "违规次数", f"违规次数应为 0 或正整数：{Decimal(str(count))}，违规罚款按没有违规计算，请改正")]


def test_a_whole_violation_count_by_hand():
    # January, nothing earlier in the year: 3 violations → 10 + 30, and the third: 开除
    team, problems = score_team(builtin("standard"), {"小美": {"违规次数": "3", "销售额": 22000}}, month="2026-01")
    a = team.agent("小美")
    assert a.pay["罚款"] == Decimal("-40.00") and "第三次违规：开除" in a.flags
    assert not [p for p in problems if p.agent == "小美"]


def test_a_formulas_rounding_noise_is_read_as_the_number_it_is():
    """``=0.1+0.2-0.3`` leaves 5.551115123125783e-17 in a cell (Excel shows 0.00): a number, not an error."""
    from cskpi_xl.importers import cells

    noise = 0.1 + 0.2 - 0.3
    assert noise != 0 and abs(noise) < 1e-16
    d, problem = cells.parse_number(noise)
    assert problem is None and d == Decimal(repr(noise))
    d, problem = cells.parse_number(5e-324)
    assert d is None and problem.is_error

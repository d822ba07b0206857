"""Exports as shops really leave them, read right or reported — figure by figure against a truth table.

The cases and their hand-worked truth are in ``tests/exports_truth.py``. Then Hypothesis mutates
real exports (cosmetic changes that must not change a figure, and damage that may only make a
figure missing-and-reported) and checks "right, or missing-and-reported, never wrong".
"""

from __future__ import annotations

import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cskpi_xl.core import names
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.metrics import compute_metrics
from cskpi_xl.core.numbers import NA
from cskpi_xl.importers import import_files
from exports_truth import BUILDERS, D, text, xlsx
from hostile import examples

CJK = re.compile(r"[\u4e00-\u9fff]")


def value_of(figures: dict, name: str):
    """A figure of the month, or the metric the scoring computes from them."""
    if name in figures:
        return figures[name]
    return compute_metrics(figures).get(name)


def present(v) -> bool:
    return v is not None and not isinstance(v, NA)


def check_case(case, data, problems) -> None:
    assert set(data.agents) == case.agents, case.name
    for p in problems:
        assert CJK.search(p.message) and p.message_en, p
    texts = [p.message for p in problems]
    for agent, figs in case.figures.items():
        got = data.agents[agent].figures
        for name, want in figs.items():
            v = value_of(got, name)
            assert present(v), (case.name, agent, name, v, texts)
            assert Decimal(v) == Decimal(want), (case.name, agent, name, v, want)
    for (agent, name), hint in case.missing.items():
        v = value_of(data.agents[agent].figures, name) if agent in data.agents else None
        assert not present(v), (case.name, agent, name, v)
        assert any(hint in t for t in texts), (case.name, hint, texts)
    for s in case.said:
        assert any(s in t for t in texts), (case.name, s, texts)


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_case_against_its_truth_table(tmp_path, build):
    case = build(tmp_path)
    data, problems = import_files(case.files, month=case.month, aliases=case.aliases)
    check_case(case, data, problems)


# ----------------------------------------------------------------- messages that say exactly what happened

def test_overlap_names_both_files_and_the_overlap(tmp_path):
    case = BUILDERS[[b.__name__ for b in BUILDERS].index("overlapping_ranges")](tmp_path)
    _, problems = import_files(case.files)
    errs = [p for p in problems if p.is_error]
    # the overlap, and then 小美 has no figure left at all: 待核实, not full marks
    assert len(errs) == 2 and errs[0].agent == "小美" and errs[0].value == "10-10至10-15"
    assert errs[1].agent == "小美" and "待核实" in errs[1].message
    assert "报表_2026-10-01至2026-10-15.xlsx" in errs[0].message and "报表_2026-10-10至2026-10-31.xlsx" in errs[0].message
    assert not any("不重复计算" in p.message for p in problems)  # no false "不重复计算" message for files that do not overlap


def test_disjoint_ranges_are_added_without_the_later_file_wins_message(tmp_path):
    case = BUILDERS[[b.__name__ for b in BUILDERS].index("range_reports")](tmp_path)
    _, problems = import_files(case.files)
    assert problems == []


def test_same_range_given_again_is_a_reimport_not_a_sum(tmp_path):
    head = ["客服昵称", "接待人数"]
    a = xlsx(tmp_path / "a_2026-10-01至2026-10-10.xlsx", {"S": [head, ["小美", 10]]})
    b = xlsx(tmp_path / "b_2026-10-01至2026-10-10.xlsx", {"S": [head, ["小美", 12]]})
    data, problems = import_files([a, b])
    assert data.agents["小美"].figures["接待人数"] == 12
    assert any("以后读入的为准" in p.message for p in problems)


def test_month_tab_without_year_and_without_month_is_refused(tmp_path):
    head = ["客服昵称", "接待人数"]
    f = xlsx(tmp_path / "tabs.xlsx", {"9月": [head, ["小美", 9]], "10月": [head, ["小美", 10]]})
    data, problems = import_files([f])
    assert data.agents == {} or all(not present(a.figures.get("接待人数")) for a in data.agents.values())
    assert sum("请用 --month 指定月份" in p.message for p in problems) == 2


def test_month_tab_of_another_month_is_said(tmp_path):
    case = BUILDERS[[b.__name__ for b in BUILDERS].index("tab_per_month")](tmp_path)
    _, problems = import_files(case.files, month="2026-10")
    said = sorted(p.message for p in problems)
    assert said == ["工作表「10月」只写了月份、没有年份，按 2026-10 导入", "工作表「8月」是 8 月的数据，不是 2026-10，已跳过",
                    "工作表「9月」是 9 月的数据，不是 2026-10，已跳过"]


def test_an_agent_with_no_figures_is_neither_scored_nor_ranked(tmp_path):
    # 空空 (all blank) and 杠杠 (all "-") must not get 100 分 卓越 above 小美
    case = BUILDERS[[b.__name__ for b in BUILDERS].index("blank_agent_rows")](tmp_path)
    data, problems = import_files(case.files)
    for who in ("空空", "杠杠"):
        assert data.agents[who].figures[names.NO_DATA]
        err = [p for p in problems if p.agent == who and p.is_error]
        assert len(err) == 1 and "待核实" in err[0].message
    team, _ = score_team(builtin("standard"), {k: a.figures for k, a in data.agents.items()}, month="2026-10")
    for who in ("空空", "杠杠"):
        r = team.agent(who)
        assert r.rank is None and r.grade is None and isinstance(r.total, NA)
        assert r.excluded.startswith("待核实")
        assert all(i.points is None for i in r.items)  # no item gets its full marks either
    assert team.agent("小美").rank == 1 and [a.agent for a in team.ranking()] == ["小美"]


def test_blank_day_row_next_to_real_days_is_a_warning_not_an_agent_error(tmp_path):
    rows = [["日期", "客服昵称", "接待人数"], ["2026-10-01", "小美", 10], ["2026-10-02", "小美", "-"]]
    data, problems = import_files([text(tmp_path / "d.csv", rows)])
    assert data.agents["小美"].figures["接待人数"] == 10 and names.NO_DATA not in data.agents["小美"].figures
    assert [(p.row, p.severity) for p in problems] == [(3, "warning")]


def test_excel_error_is_called_an_excel_error(tmp_path):
    case = BUILDERS[[b.__name__ for b in BUILDERS].index("excel_error_literals")](tmp_path)
    _, problems = import_files(case.files)
    p = next(p for p in problems if p.column == "客单价")
    assert (p.row, p.value, p.severity) == (2, "#DIV/0!", "error") and "Excel 错误值 #DIV/0!" in p.message


# ----------------------------------------------------------------- Hypothesis: mutations of real exports

#: A real export (a 赤兔-style monthly custom report) and its truth, worked by hand from the cells.
BASE_HEADER = ["客服昵称", "咨询人数", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "销售人数", "回复率", "平均响应(秒)"]
BASE_ROWS = [
    ["小美", 1200, 1150, 600, 240, D("36000.00"), 250, D("0.985"), D("28.3")],
    ["阿杰", 900, 880, 400, 150, D("21000.50"), 160, D("1"), D("31.2")],
    ["糖糖", 700, 690, 300, 90, D("9800.00"), 95, D("0.97"), D("25")],
]
FIG = ["咨询人数", "接待人数", "询单人数", "最终付款人数", "销售额", "销售人数", "回复率", "平均响应时间"]
TRUTH = {r[0]: dict(zip(FIG, r[1:])) for r in BASE_ROWS}


def fmt(v) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


# cosmetic: each returns (header text, cell writer) for a column, the truth unchanged
def cosmetic_header(name: str, draw) -> tuple[str, callable]:
    kind = FIG[BASE_HEADER.index(name) - 1]
    opts = [("plain", lambda v: fmt(v))]
    if kind == "销售额":
        opts += [("元", lambda v: f"{v:,}"), ("万元", lambda v: fmt((v / 10000).normalize())),
                 ("yuan-suffix", lambda v: f"￥{v}元"), ("wan-cell", lambda v: f"{fmt((v / 10000).normalize())}万")]
    if kind in ("咨询人数", "接待人数", "询单人数", "最终付款人数", "销售人数"):
        opts += [("人", lambda v: fmt(v)), ("fullwidth", lambda v: fmt(v).translate(str.maketrans("0123456789", "０１２３４５６７８９")))]
    if kind == "回复率":
        opts += [("%", lambda v: fmt((v * 100).normalize())), ("pct-cell", lambda v: f"{fmt((v * 100).normalize())}%")]
    if kind == "平均响应时间":
        opts += [("[秒]", lambda v: fmt(v)), ("s-cell", lambda v: f"{fmt(v)}s")]
    label, writer = draw(st.sampled_from(opts))
    header = {"元": f"{name}(元)", "万元": f"{name}（万元）", "人": f"{name}(人)", "%": f"{name}(%)",
              "[秒]": "平均响应[秒]"}.get(label, name)
    return header, writer


GARBAGE = ["abc", "#DIV/0!", "#VALUE!", "12,34,5", "1e999999", "??", "(", "9分x秒"]


@st.composite
def mutated_export(draw):
    """(rows, damaged cells {(agent, figure)}, blanked cells, dropped figures, the writer kind)."""
    columns = list(range(len(BASE_HEADER)))
    order = [0] + draw(st.permutations(columns[1:]))
    headers, writers = {}, {}
    for j in columns[1:]:
        headers[j], writers[j] = cosmetic_header(BASE_HEADER[j], draw)
    damaged: set[tuple[str, str]] = set()
    blanked: set[tuple[str, str]] = set()
    dropped: set[str] = set()
    rows = [[BASE_HEADER[0]] + [headers[j] for j in order[1:]]]
    zw = draw(st.booleans())
    for r in BASE_ROWS:
        nick = r[0]
        shown = nick[0] + "\u200b" + nick[1:] if zw and nick == "阿杰" else nick
        out = [shown]
        for j in order[1:]:
            fig = FIG[j - 1]
            cell = writers[j](r[j])
            roll = draw(st.integers(0, 19))
            if roll == 0:
                cell = draw(st.sampled_from(GARBAGE))
                damaged.add((nick, fig))
            elif roll == 1:
                cell = draw(st.sampled_from(["", "-", "--"]))
                blanked.add((nick, fig))
            out.append(cell)
        rows.append(out)
    if draw(st.booleans()):  # a column renamed to something unknown: the whole column is missing-and-reported
        j = draw(st.sampled_from(range(1, len(rows[0]))))
        dropped.add(FIG[order[j] - 1])
        rows[0][j] = "说明" + rows[0][j]
    if draw(st.booleans()):
        rows.append(["合计"] + [""] * (len(rows[0]) - 1))
    if draw(st.booleans()):
        rows.insert(2, [""] * len(rows[0]))
    kind = draw(st.sampled_from(["csv", "semicolon", "xlsx", "title-csv"]))
    return rows, damaged, blanked, dropped, kind


def write(folder: Path, rows, kind: str) -> Path:
    name = "自定义报表_客服绩效_2026-10-01至2026-10-31"
    if kind == "xlsx":
        return xlsx(folder / f"{name}.xlsx", {"Sheet1": rows})
    if kind == "semicolon":
        return text(folder / f"{name}.csv", rows, sep=";")
    return text(folder / f"{name}.csv", rows, above="客服绩效 2026年10月" if kind == "title-csv" else "")


@settings(max_examples=examples(120), deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_export())
def test_mutated_exports_are_right_or_missing_and_reported(m):
    rows, damaged, blanked, dropped, kind = m
    folder = Path(tempfile.mkdtemp(prefix="cskpi-truth-"))
    try:
        f = write(folder, rows, kind)
        data, problems = import_files([f])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert set(data.agents) <= set(TRUTH), (set(data.agents), [p.message for p in problems])
    header_of = {}
    for h in rows[0][1:]:
        for fig, base in zip(FIG, BASE_HEADER[1:]):
            if base in h or (fig == "平均响应时间" and "平均响应" in h):
                header_of.setdefault(fig, h)
    for agent, truth in TRUTH.items():
        figs = data.agents[agent].figures if agent in data.agents else {}
        for fig, want in truth.items():
            v = figs.get(fig)
            if present(v):  # right …
                assert Decimal(v) == Decimal(want), (agent, fig, v, want, kind, rows)
                continue
            # … or missing-and-reported (a blank cell is missing in the export itself)
            if (agent, fig) in blanked:
                continue
            col = header_of.get(fig)
            said = [p for p in problems if (p.column == col or (col and p.value == col))
                    and (p.agent in (agent, None) or p.row is not None)]
            said += [p for p in problems if p.agent == agent and p.column is None]
            assert said, (agent, fig, v, kind, [p.format() for p in problems], rows)


# ----------------------------------------------------------------- Hypothesis: mutations of the committed 赤兔 sample

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "exports" / "自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx"
#: The sample's count and money columns → the figure each feeds; their truth is the cell as written.
SAMPLE_FIGS = {"聊天人数(原咨询人数)": "咨询人数", "接待人数": "接待人数", "询单人数": "询单人数", "询单->最终付款人数": "最终付款人数",
               "总消息数": "总消息数", "买家消息数": "买家消息数", "客服消息数": "客服消息数", "未回复人数": "未回复人数",
               "慢接待人数": "慢接待人数", "销售额": "销售额", "销售量": "销售量", "销售人数": "销售人数", "退款金额": "退款金额"}
MONEY = {"销售额", "退款金额"}


def _sample_rows():
    ws = openpyxl.load_workbook(SAMPLE).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _cell_truth(v) -> Decimal:
    return Decimal(str(v).replace(",", ""))


@st.composite
def mutated_sample(draw):
    rows = _sample_rows()
    header = rows[0]
    agents = [r for r in rows[1:] if r[0] not in ("汇总", "均值")]
    truth = {r[0]: {SAMPLE_FIGS[h]: _cell_truth(r[j]) for j, h in enumerate(header) if h in SAMPLE_FIGS} for r in agents}
    damaged, blanked = set(), set()
    new_header = list(header)
    for j, h in enumerate(header):
        if h in SAMPLE_FIGS and draw(st.integers(0, 3)) == 0:
            new_header[j] = f"{h}（元）" if SAMPLE_FIGS[h] in MONEY else f"{h}(人)"
    out = [new_header]
    for r in rows[1:]:
        r = list(r)
        if r[0] in truth:
            for j, h in enumerate(header):
                if h not in SAMPLE_FIGS:
                    continue
                fig, v = SAMPLE_FIGS[h], _cell_truth(r[j])
                roll = draw(st.integers(0, 24))
                if roll == 0:
                    r[j] = draw(st.sampled_from(GARBAGE))
                    damaged.add((r[0], fig))
                elif roll == 1:
                    r[j] = draw(st.sampled_from([None, "-", "  "]))
                    blanked.add((r[0], fig))
                elif roll == 2:
                    r[j] = f"{v:,}" if fig in MONEY else f"{v}人"
                elif roll == 3:
                    r[j] = str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                elif roll == 4 and fig in MONEY:
                    r[j] = f"￥{(v / 10000).normalize()}万元"
            if draw(st.integers(0, 9)) == 0:
                r[0] = r[0][:1] + "\u200b" + r[0][1:]
        out.append(r)
    if draw(st.booleans()):
        out.append(["合计", None] + [None] * (len(header) - 2))
    title = draw(st.booleans())
    stale = draw(st.booleans())
    return out, truth, damaged, blanked, title, stale


@settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_sample())
def test_mutated_sample_is_right_or_missing_and_reported(m):
    rows, truth, damaged, blanked, title, stale = m
    folder = Path(tempfile.mkdtemp(prefix="cskpi-sample-"))
    try:
        sheets = {}
        if stale:  # a hidden stale copy before the real sheet: its numbers must never be used
            sheets["上月"] = [rows[0]] + [[r[0]] + [7] * (len(r) - 1) for r in rows[1:]]
        sheets["客服绩效"] = ([["客服绩效 2026年10月"], []] if title else []) + rows
        f = xlsx(folder / SAMPLE.name, sheets, hidden=("上月",) if stale else ())
        data, problems = import_files([f])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert set(data.agents) == set(truth), [p.message for p in problems]
    column_of = {SAMPLE_FIGS[base]: text for text in rows[0] for base in SAMPLE_FIGS
                 if text == base or text in (f"{base}(人)", f"{base}（元）")}
    for agent, figs in truth.items():
        got = data.agents[agent].figures
        for fig, want in figs.items():
            v = got.get(fig)
            if present(v):  # right …
                assert Decimal(v) == want, (agent, fig, v, want)
            elif (agent, fig) not in blanked:  # … or missing-and-reported (a blank is missing in the export itself)
                assert (agent, fig) in damaged, (agent, fig, v)
                assert any(p.agent == agent and p.column == column_of[fig] for p in problems), \
                    (agent, fig, [p.format() for p in problems])

"""Plans share what does not depend on the agent, and are exactly the plans made from scratch.

``plan_fill`` works out the template's structure once per process and lends formula bodies built for one
agent to the next when every value the build read is the same for both (same type, same exact value).
Every plan here is compared, field by field and type by type, with :func:`plan_reference.plan_fill_reference`
(the algorithm before sharing, nothing cached).
"""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cskpi_xl import pipeline
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.workbook import template as T
from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.builder import template_bytes
from cskpi_xl.workbook.summary import extra_figures
from cskpi_xl.workbook.rulesheet import layout
from cskpi_xl.workbook.template import TemplateCell, plan_fill, read_template
from cskpi_xl.workbook.xlformula import BuildMemo, Emitter, same_key
from tests.plan_reference import plan_fill_reference

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def exact(plan) -> tuple:
    """Every field of every write with its type (1, 1.0 and Decimal("1") differ), the inserts, problems, sheets."""
    writes = [tuple((type(v), repr(v)) for v in dataclasses.astuple(w)) for w in plan]
    return writes, list(plan.inserts), list(plan.problems), list(plan.agent_sheets)


def reference(cells, m, agent, *, file=None, extra=None, rules=True):
    name = agent if isinstance(agent, str) else agent.agent
    return plan_fill_reference(cells, m.scheme, m.team, agent, file=file, month=m.month,
                               extra=dict(extra) if extra else None, rules=rules, typed=m.typed.get(name))


@pytest.fixture
def recorded(monkeypatch):
    """Every plan_agent call of a batch, with the plan it gave."""
    calls = []
    original = pipeline.plan_agent

    def record(cells, m, agent, **kw):
        plan = original(cells, m, agent, **kw)
        calls.append((cells, m, agent, kw, plan))
        return plan

    monkeypatch.setattr(pipeline, "plan_agent", record)
    return calls


@pytest.mark.parametrize("sid", BUILTIN_IDS)
def test_demo_batch_plans_equal_plans_from_scratch(sid, recorded, tmp_path):
    """The demo batch of every built-in scheme, run twice over one folder (the second keeps typed entries)."""
    exports = sorted(p for p in (SAMPLES / "exports").iterdir() if p.is_file())
    for _ in range(2):
        report, _ = run_batch(exports, sid, None, tmp_path, manual=SAMPLES / "manual" / "手工录入.xlsx",
                              aliases=SAMPLES / "manual" / "别名表.csv", jobs=1, progress=False)
    agents = {a if isinstance(a, str) else a.agent for _, _, a, _, _ in recorded}
    assert len(agents) == len(report["agents"]) >= 5
    for cells, m, agent, kw, plan in list(recorded):
        assert exact(plan) == exact(reference(cells, m, agent, **kw))
    assert len(recorded) >= 2 * len(agents)


def _synth(tmp_path, n):
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return synth.monthly_export(tmp_path, n), synth.manual_inputs(tmp_path, n)


@pytest.mark.parametrize("sid", BUILTIN_IDS)
def test_synthetic_agents_plans_equal_plans_from_scratch(sid, tmp_path):
    """80 agents of bench/synth.py for every scheme, with the 规则 sheet and without, planned in turn."""
    export, manual = _synth(tmp_path, 80)
    scheme = builtin(sid)
    m, _ = pipeline.score_month(scheme, [export], manual=manual)
    cells = read_template(load_workbook(io.BytesIO(template_bytes(scheme))))
    assert len(m.team.agents) == 80
    for i, res in enumerate(m.team.agents):
        extra = extra_figures(scheme, res, m.figures[res.agent])
        rules = i % 7 == 0
        got = pipeline.plan_agent(cells, m, res, file=f"{sid}.xlsx", extra=extra, rules=rules)
        assert exact(got) == exact(reference(cells, m, res, file=f"{sid}.xlsx", extra=extra, rules=rules)), res.agent


# ---- an HR form where agents' values become literals inside formulas -------------------------------------------

#: Only 询单人数 and 不耐心次数 have cells: the other figures and the history (连续奖励) are written into the
#: formulas as the agent's own literals.
FORM = [
    TemplateCell("表", "A1", "客服：{{客服昵称}}（{{月份}}），总分 {{总分}}"),
    TemplateCell("表", "B1", "{{客服昵称}}"),
    TemplateCell("表", "C1", "{{=总分}}"),
    TemplateCell("表", "D1", "{{=当月工资}}"),
    TemplateCell("表", "E1", "{{=工资.奖励}}"),
    TemplateCell("表", "F1", "{{=咨询转化率}}"),
    TemplateCell("表", "G1", "{{询单人数}}"),
    TemplateCell("表", "H1", "{{不耐心次数}}"),
    TemplateCell("表", "I1", "{{总粉}}"),
    TemplateCell("表", "A3", "{{#项目}}{{项目.名称}}"),
    TemplateCell("表", "B3", "{{=项目.数值}}"),
    TemplateCell("表", "C3", "{{=项目.得分}}"),
    TemplateCell("表", "D3", "{{项目.说明}}"),
    TemplateCell("另表", "A1", "{{=总分}}"),
    TemplateCell("另表", "B1", "{{=等级}}"),
    TemplateCell("另表", "C1", "{{=项目.得分}}"),
]
DUOYI = builtin("duoyi")
FIGURES = ("询单人数", "最终付款人数", "下单人数", "销售额", "销售人数", "接待人数", "响应次数", "响应总秒数",
           "不耐心次数", "冲突次数", "售后差评数", "表扬次数", "被投诉次数", "违规次数", "迟到早退次数", "奖励", "罚款")

numbers = st.one_of(
    st.integers(min_value=0, max_value=2000),
    st.sampled_from([0, 1, Decimal("1"), Decimal("1.0"), 1.0, 0.0, -0.0, Decimal("0"), Decimal("-0"), 12, Decimal("12.50")]),
    st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False),
    st.integers(min_value=0, max_value=500_000).map(lambda x: x / 100),  # floats as an export gives them
)
values = st.one_of(numbers, st.none())
history = st.one_of(values, st.just(NA("无往月数据")), st.sampled_from(["", "3"]))
agent_values = st.fixed_dictionaries({f: values for f in FIGURES})


class _Month:
    """What plan_agent reads of a Month."""

    def __init__(self, scheme, team, month):
        self.scheme, self.team, self.month, self.typed = scheme, team, month, {}


def _plans_match(figures: dict, extras: dict, order: list[str]) -> None:
    team, _ = score_team(DUOYI, figures, "2026-10")
    m = _Month(DUOYI, team, "2026-10")
    for name in order:
        res = team.agent(name)
        got = pipeline.plan_agent(FORM, m, res, file="表.xlsx", extra=extras[name], rules=False)
        assert exact(got) == exact(reference(FORM, m, res, file="表.xlsx", extra=extras[name], rules=False)), name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(agent_values, history, history), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_varied_values_give_the_plan_from_scratch(agents, rnd):
    """Figures and history values (ints, Decimals of any exponent, floats, -0, NA, None, text) vary per agent:
    the cached path (warm from earlier examples and agents) gives the fresh path's plan, in any order."""
    figures = {f"客服{i}": dict(fig) for i, (fig, _, _) in enumerate(agents)}
    extras = {f"客服{i}": {"连续奖励": bonus, "此前违规次数": before} for i, (_, bonus, before) in enumerate(agents)}
    order = list(figures) * 2
    rnd.shuffle(order)
    _plans_match(figures, extras, order)


def _formula(plan, cell, sheet="表"):
    return next(w.formula for w in plan if (w.sheet, w.cell) == (sheet, cell))


def test_one_agents_literal_never_reaches_another():
    """连续奖励 is not on the form: each agent's own amount is written into 工资.奖励 and 当月工资."""
    figs = {"询单人数": 100, "最终付款人数": 40, "销售额": 5000, "销售人数": 40}
    team, _ = score_team(DUOYI, {"甲": figs, "乙": figs, "丙": figs, "丁": figs}, "2026-10")
    m = _Month(DUOYI, team, "2026-10")
    bonus = {"甲": Decimal("12.50"), "乙": 12, "丙": 12.0, "丁": None}
    plans = {}
    for name in ("甲", "乙", "丙", "丁", "甲"):
        plans[name] = pipeline.plan_agent(FORM, m, name, extra={"连续奖励": bonus[name]}, rules=False)
        assert exact(plans[name]) == exact(reference(FORM, m, name, extra={"连续奖励": bonus[name]}, rules=False))
    # worked out by hand: N(连续奖励) + N(奖励), 奖励 not typed (not on the form either)
    assert _formula(plans["甲"], "E1") == '=ROUND(N(12.5)+N(""),2)'
    assert _formula(plans["乙"], "E1") == '=ROUND(N(12)+N(""),2)'
    assert _formula(plans["丙"], "E1") == '=ROUND(N(12.0)+N(""),2)'
    assert _formula(plans["丁"], "E1") == '=ROUND(N("")+N(""),2)'
    assert "+E1+" in _formula(plans["甲"], "D1")  # 当月工资 reads the 奖励 cell
    assert not any("12.5" in (w.formula or "") for name in ("乙", "丙", "丁") for w in plans[name])


def test_agent_name_and_month_are_each_plans_own():
    figs = {"询单人数": 100, "最终付款人数": 40}
    team, _ = score_team(DUOYI, {"小美": figs, "小王": figs}, "2026-10")
    m = _Month(DUOYI, team, "2026-10")
    a = pipeline.plan_agent(FORM, m, "小美", rules=False)
    b = pipeline.plan_agent(FORM, m, "小王", rules=False)
    assert [w.value for w in a if w.cell in ("A1", "B1") and w.sheet == "表"][1] == "小美"
    assert next(w for w in b if w.cell == "B1" and w.sheet == "表").value == "小王"
    assert next(w for w in b if w.cell == "A1" and w.sheet == "表").value.startswith("客服：小王（2026-10），总分 ")
    assert [(p.sheet, p.row, p.column, p.value) for p in b.problems] == [("表", 1, "I", "总粉"), ("另表", 1, "C", "项目.得分")]
    assert b.problems == a.problems and b.inserts == a.inserts and b.agent_sheets == ["表", "另表"]
    b.problems.append("mine")  # a plan's lists are its own
    assert pipeline.plan_agent(FORM, m, "小美", rules=False).problems == a.problems


def test_a_build_reading_the_agents_data_directly_is_not_shared():
    """A build that reads metrics, result or extra other than through raw/value/_m_get keeps its body to itself."""

    class Sneaky(Emitter):
        def _build(self, key):
            if key == "总分":
                return f'"{self.r.agent}"'  # reads the result directly: cannot be compared
            return super()._build(key)

    figs = {"询单人数": 100}
    team, _ = score_team(DUOYI, {"甲": figs, "乙": figs}, "2026-10")
    refs = layout(DUOYI)[1]
    memo = BuildMemo(DUOYI, refs, {})
    a = Sneaky(DUOYI, refs, team.agent("甲").metrics, team.agent("甲"), memo=memo)
    b = Sneaky(DUOYI, refs, team.agent("乙").metrics, team.agent("乙"), memo=memo)
    assert a.formula("总分") == '="甲"' and b.formula("总分") == '="乙"'
    assert "总分" not in memo.roots
    # a body that read only through the tracked readers is shared
    assert a.formula("工资:奖励") == b.formula("工资:奖励") and "工资:奖励" in memo.roots


def test_memo_is_of_one_scheme_refs_and_placed_cells():
    refs = layout(DUOYI)[1]
    memo = BuildMemo(DUOYI, refs, {"询单人数": "B2"})
    team, _ = score_team(DUOYI, {"甲": {"询单人数": 1}}, "2026-10")
    res = team.agent("甲")
    with pytest.raises(ValueError):
        Emitter(DUOYI, refs, res.metrics, res, placed={"询单人数": "B3"}, memo=memo)
    em = Emitter(DUOYI, refs, res.metrics, res, placed={"询单人数": "B2"}, memo=memo)
    em.placed = {}  # changing what builds depend on drops the memo
    assert em.memo is None


def test_same_key_tells_apart_what_formulas_write_differently():
    keys = [same_key(v) for v in (1, 1.0, Decimal("1"), Decimal("1.0"), True, "1", 0.0, -0.0, Decimal("0"),
                                  Decimal("-0"), None, "", NA("x"), NA("y"))]
    assert len(set(keys)) == len(keys)
    assert same_key(Decimal("2.50")) == same_key(Decimal("2.50")) and same_key(0.1 + 0.2) == same_key(0.30000000000000004)


def test_shared_part_is_per_template_and_scheme():
    """Another scheme object, template, file or month gets its own shared part."""
    figs = {"询单人数": 100, "最终付款人数": 40}
    other = dataclasses.replace(DUOYI, name="朵以（另一份）")
    team, _ = score_team(DUOYI, {"小美": figs}, "2026-10")
    team2, _ = score_team(other, {"小美": figs}, "2026-10")
    cells = tuple(FORM)
    first = T._shared(cells, DUOYI, "a.xlsx", "2026-10")
    assert T._shared(cells, DUOYI, "a.xlsx", "2026-10") is first
    assert all(T._shared(*k) is not first for k in ((cells, other, "a.xlsx", "2026-10"), (cells[:3], DUOYI, "a.xlsx", "2026-10"),
                                                     (cells, DUOYI, "b.xlsx", "2026-10"), (cells, DUOYI, "a.xlsx", "2026-11")))
    for sch, tm in ((DUOYI, team), (other, team2), (DUOYI, team)):
        for cs, file, month in ((FORM, "a.xlsx", None), (FORM[:3], "b.xlsx", None), (FORM, "a.xlsx", "2026-11")):
            got = plan_fill(cs, sch, tm, "小美", file=file, month=month)
            assert exact(got) == exact(plan_fill_reference(cs, sch, tm, "小美", file=file, month=month))


@pytest.mark.parametrize("sid", BUILTIN_IDS)
def test_has_formula_is_whether_a_formula_is_built(sid, tmp_path):
    """Placement asks has_formula (nothing built): it says what build says, for every key, agent and placing."""
    from cskpi_xl.core import names as N
    from cskpi_xl.core.metrics import RATIO_BY_NAME
    from cskpi_xl.workbook.template import RESULTS
    from cskpi_xl.workbook.xlformula import inputs_needed

    export, manual = _synth(tmp_path, 30)
    scheme = builtin(sid)
    m, _ = pipeline.score_month(scheme, [export], manual=manual)
    refs = layout(scheme)[1]
    keys = [f"项目:{it.name}:{part}" for it in scheme.items for part in ("得分", "数值", "满分", "名称", "评分")]
    keys += [f"分区:{s.name}" for s in scheme.sections] + ["分区:无此分区", "项目:无此项:得分", "无此数据"]
    keys += [f"等级.{a}" for b in (scheme.grades.bands if scheme.grades else ()) for a in b.attrs] + ["等级.无此列"]
    keys += [f"工资:{p}" for p in N.PAY_PARTS] + list(RATIO_BY_NAME) + ["咨询占比"] + list(scheme.params)
    keys += list(RESULTS) + inputs_needed(scheme)
    shared = T._shared(tuple(read_template(load_workbook(io.BytesIO(template_bytes(scheme))))), scheme, None, m.month)
    inputs = {k: "B1" for k, _, is_input, _ in shared.candidates if is_input}
    metrics_placed = {**inputs, **{k: "C1" for k in RATIO_BY_NAME}}
    for res in m.team.agents:
        extra = extra_figures(scheme, res, m.figures[res.agent])
        for placed in ({}, inputs, metrics_placed):
            em = Emitter(scheme, refs, res.metrics, res, extra, placed)
            for key in keys:
                assert em.has_formula(key) == (em.build(key) is not None), (res.agent, key, placed)

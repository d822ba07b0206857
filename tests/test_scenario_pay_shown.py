"""The agent's own sheet says what is known about the pay .

- 当月工资 of a total still awaiting a supervisor's score shows 待评分 (as the 汇总 does), not a sum
  that leaves out the part the grade decides; so does 绩效工资 (kpi_ko_ksa), except for a 试用期
  agent, whose 绩效工资 the result does not set.
- A scheme that takes 岗位工资 from the 手工录入 table (post_pay = "input": duoyi, kpi_ko_ksa, yali)
  shows 未录入 when none was typed for the agent, never 0.00 as if 0 had been paid; 当月工资 adds the
  other parts.

Values are worked by hand from kpi_ko_ksa.toml: weights KPI 60, KO 30, KSA 5, 考勤 5, 加分项 added;
the KPI items' metrics are not given (无法计算 → full marks, 100 each), 考勤 has no counts (100),
加分项 0. Grades: B is 60 < x ≤ 90 with 绩效工资比例 = 得分 (the total as a percentage).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.cli import main
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.workbook import libreoffice
from cskpi_xl.workbook.rulesheet import RuleRefs, layout
from cskpi_xl.workbook.xlformula import Emitter

# KO (60 + 70) / 2 = 65, KSA 50: 0.6×100 + 0.3×65 + 0.05×50 + 0.05×100 + 0 = 60 + 19.5 + 2.5 + 5 = 87 → B
SCORED = {"常规工作完成情况": 60, "重点工作完成情况": 70, "工作态度": 50}
PAY = {"岗位工资": 3000, "绩效工资": 2000}


def _emitters(figures: dict[str, dict]) -> dict[str, Emitter]:
    scheme = builtin("kpi_ko_ksa")
    team, _ = score_team(scheme, figures, "2026-10")
    return {a.agent: Emitter(scheme, RuleRefs(), figures[a.agent], a) for a in team.agents}


def test_a_scored_agent_gets_the_pay_worked_by_hand():
    em = _emitters({"甲": {**SCORED, **PAY}})["甲"]
    assert em.value("总分") == 87 and em.value("等级") == "B"
    # 绩效工资 2000 × 87% = 1740; 当月工资 3000 + 0 (个人提成) + 0 (工龄) + 1740 + 0 (奖励) − 0 (罚款) = 4740
    assert em.value("工资:绩效工资") == 1740
    assert em.value("工资:岗位工资") == 3000
    assert em.value("当月工资") == 4740


def test_a_pending_total_shows_daipingfen_for_the_pay_and_the_part_the_grade_sets():
    ems = _emitters({"乙": dict(PAY), "丙": {**PAY, "试用期": 1}})
    yi, bing = ems["乙"], ems["丙"]
    assert yi.value("总分") == "待评分"
    assert yi.value("当月工资") == "待评分"          # not 3000.00 (岗位工资 alone)
    assert yi.value("工资:绩效工资") == "待评分"     # not 0.00: the grade that sets it is not known yet
    assert yi.value("工资:岗位工资") == 3000         # typed by HR: known
    # 试用期: 绩效工资 × 0 whatever the result (known), but the month's pay waits as in the 汇总
    assert bing.value("工资:绩效工资") == 0
    assert bing.value("当月工资") == "待评分"


def test_post_pay_not_typed_is_weiluru_not_zero():
    em = _emitters({"丁": {**SCORED, "绩效工资": 2000}})["丁"]
    assert em.value("工资:岗位工资") == "未录入"
    # the other parts: 1740 (绩效工资, as above)
    assert em.value("当月工资") == 1740
    typed_zero = _emitters({"戊": {**SCORED, "岗位工资": 0, "绩效工资": 2000}})["戊"]
    assert typed_zero.value("工资:岗位工资") == 0    # a typed 0 is a 0


def test_formulas_carry_the_same_guards():
    scheme = builtin("kpi_ko_ksa")
    team, _ = score_team(scheme, {"乙": dict(PAY)}, "2026-10")
    em = Emitter(scheme, layout(scheme)[1], PAY, team.agents[0])
    assert em.formula("当月工资").startswith('=IF(NOT(ISNUMBER(') and '"待评分"' in em.formula("当月工资")
    assert em.formula("工资:岗位工资").startswith("=IF(ISNUMBER(") and '"未录入"' in em.formula("工资:岗位工资")
    # a scheme whose items cannot wait for a score keeps the plain sum, and its grade's 岗位工资
    std = builtin("standard")
    team, _ = score_team(std, {"甲": {}}, "2026-10")
    f = Emitter(std, layout(std)[1], {}, team.agents[0]).formula("当月工资")
    assert f.startswith("=ROUND(") and '"未录入"' not in f  # (the inlined total keeps its own 待评分 branch)


def _results(path: Path) -> dict[str, str]:
    """Label → cell address of the results rows of the agent's sheet (label in A, value in the 得分 column)."""
    ws = load_workbook(path).worksheets[0]
    out: dict[str, str] = {}
    for r in range(1, ws.max_row + 1):
        label = ws.cell(row=r, column=1).value
        if label in ("总分", "岗位工资", "绩效工资", "当月工资") and label not in out:
            out[label] = ws.cell(row=r, column=ws.max_column - 1).coordinate
    return out


def _batch(tmp_path: Path, scheme: str) -> list[Path]:
    assert main(["batch", "--demo", "--scheme", scheme, "--out", str(tmp_path), "--quiet"]) == 0
    return sorted(p for p in (tmp_path / scheme).rglob("*.xlsx") if "汇总" not in p.name)


@pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice (soffice) not installed")
def test_agent_sheets_show_pending_pay_and_missing_post_pay_and_libreoffice_agrees(tmp_path):
    # the demo has no supervisor scores (every kpi_ko_ksa total 待评分) and no 岗位工资 in 手工录入
    books = {s: _batch(tmp_path / s, s) for s in ("kpi_ko_ksa", "duoyi")}
    stage = tmp_path / "stage"
    stage.mkdir()
    staged = []
    for s, files in books.items():
        assert len(files) == 8
        for f in files:
            staged.append(stage / f"{s}_{f.name}")
            shutil.copy(f, staged[-1])
    outs = libreoffice.recalculate_many(staged, stage / "lo")
    for f, o in zip(staged, outs):
        cells = _results(f)
        ws = load_workbook(f).worksheets[0]
        cached = load_workbook(f, data_only=True).worksheets[0]
        lo = load_workbook(o, data_only=True).worksheets[0]
        assert ws[cells["岗位工资"]].value.startswith("=IF(ISNUMBER(")
        assert cached[cells["岗位工资"]].value == lo[cells["岗位工资"]].value == "未录入", f.name
        if f.name.startswith("kpi_ko_ksa"):
            assert cached[cells["总分"]].value == "待评分"
            for label in ("当月工资", "绩效工资"):
                assert ws[cells[label]].value.startswith("=") and '"待评分"' in ws[cells[label]].value
                assert cached[cells[label]].value == lo[cells[label]].value == "待评分", (f.name, label)
        else:  # duoyi has no typed scores, so its pay is a number: the parts other than 岗位工资
            pay = cached[cells["当月工资"]].value
            assert isinstance(pay, (int, float)) and lo[cells["当月工资"]].value == pytest.approx(pay, abs=0.005)

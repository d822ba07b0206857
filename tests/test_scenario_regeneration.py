"""Regeneration keeps every entry a person typed, through any number of runs.

Entries are typed with openpyxl into the output files, as a person would;
the expected totals are the core's score of the exports plus the typed
values (:func:`expected_total`), never what the workbook happens to show.
"""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.core.rules import Rubric, Score
from cskpi_xl.pipeline import figures_for, import_for, previous_files, read_previous
from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.fill import fill_template
from cskpi_xl.workbook.registry import REGISTRY, Source
from cskpi_xl.workbook.xlformula import cached_total
from tests.regen_helpers import (MONTH, TYPED_EF, agent_cell, batch, digest, inputs, read_inputs, total,
                                 type_into)

ROOT = Path(__file__).resolve().parents[1]
HEADER = "客服昵称,询单人数,最终付款人数,销售额,接待人数,下单人数\n"


def export(folder: Path, rows: dict[str, tuple], name: str = f"e_{MONTH}.csv") -> Path:
    """A small export (CSV with canonical columns) of ``rows``: agent → (询单, 付款, 销售额, 接待, 下单)."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(HEADER + "".join(f"{a},{','.join(map(str, v))}\n" for a, v in rows.items()), encoding="utf-8")
    return p


ROWS = {"小美": (100, 32, 18000, 300, 40), "阿强": (80, 20, 26000, 250, 30)}


def run(out: Path, scheme: str, exports, **kw):
    report, problems = run_batch(exports, scheme, MONTH, out, progress=False, jobs=1, **kw)
    assert report["summary"], [p.format() for p in problems if p.is_error]
    return report, problems


def total_cell(path: Path, agent: str) -> object:
    """The cached value of the agent's live 总分 cell, found through the registry."""
    wb = load_workbook(path)
    for row in wb[REGISTRY].iter_rows(min_row=2, values_only=True):
        if row[0] == agent and row[6] == Source.FORMULA and row[4] == "总分":
            return load_workbook(path, data_only=True)[row[2]][row[3]].value
    raise KeyError("总分")


def expected_total(scheme_id: str, exports, agent: str, typed: dict[str, object]):
    """The core's total from the exports plus what was typed (None: emptied), as the cell shows it."""
    scheme = builtin(scheme_id)
    data, _ = import_for(scheme, exports, month=MONTH)
    figures = figures_for(scheme, data)
    figures[agent].update(typed)
    team, _ = score_team(scheme, figures, MONTH)
    return cached_total(team.agent(agent).total)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


# ---- the cases ------------------------------------------------------------------------------------------


def test_third_run_keeps_scores_and_comment(tmp_path):
    """Type, regenerate, regenerate again (the issue's 'third run'), … five times: all still there and counted."""
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    run(out, "employee_form", [e])
    f = out / MONTH / "小美.xlsx"
    type_into(f, TYPED_EF)
    want = expected_total("employee_form", [e], "小美", {k: v for k, v in TYPED_EF.items() if k != "主管评语"})
    assert isinstance(want, (int, float))  # every supervisor score typed: a number, not 待评分
    previous = None
    for _ in range(5):
        run(out, "employee_form", [e])
        assert read_inputs(f, TYPED_EF) == TYPED_EF
        assert total_cell(f, "小美") == want
        now = parts(f)
        if previous is not None:  # idempotent: the same workbook every time (apart from the generation time)
            assert now == previous
        previous = now


def test_clearing_on_purpose_survives(tmp_path):
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    run(out, "employee_form", [e])
    f = out / MONTH / "小美.xlsx"
    type_into(f, TYPED_EF)
    run(out, "employee_form", [e])
    type_into(f, {"工作态度(主管)": None, "主管评语": None})
    for _ in range(3):
        run(out, "employee_form", [e])
        assert read_inputs(f, ["工作态度(主管)", "主管评语", "工作积极性(主管)"]) == \
            {"工作态度(主管)": None, "主管评语": None, "工作积极性(主管)": 9}
        assert total_cell(f, "小美") == "待评分"  # a supervisor score is missing again


def test_typed_export_value_is_kept_and_the_conflict_shown(tmp_path):
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    run(out, "duoyi", [e])
    f = out / MONTH / "小美.xlsx"
    type_into(f, {"询单人数": 128})  # a person corrects the export: 32 / 128 = 25 % conversion
    for _ in range(2):
        report, problems = run(out, "duoyi", [e])
        assert read_inputs(f, ["询单人数"]) == {"询单人数": 128}
        assert total_cell(f, "小美") == expected_total("duoyi", [e], "小美", {"询单人数": 128})
        shown = [p for p in problems if p.agent == "小美" and "询单人数" in p.message and "导出数据为 100" in p.message]
        assert shown and "手填的是 128" in shown[0].message


def test_copied_workbook_is_a_question_not_a_guess(tmp_path):
    """小美.xlsx copied to 阿强.xlsx, the agent cell changed, 阿强's scores typed: nobody gets the wrong scores."""
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    run(out, "employee_form", [e])
    mei, qiang = out / MONTH / "小美.xlsx", out / MONTH / "阿强.xlsx"
    type_into(mei, TYPED_EF)
    shutil.copy(mei, qiang)
    wb = load_workbook(qiang)
    sheet, cell = agent_cell(qiang)
    wb[sheet][cell].value = "阿强"
    wb.save(qiang)
    type_into(qiang, {"工作态度(主管)": 1, "主管评语": "阿强的评语"})
    before = digest(qiang)
    report, problems = run(out, "employee_form", [e])
    assert read_inputs(mei, TYPED_EF) == TYPED_EF                      # 小美 keeps her own entries
    assert digest(qiang) == before                                     # the file HR typed into is untouched
    new = out / MONTH / "阿强.新.xlsx"
    assert read_inputs(new, ["工作态度(主管)", "主管评语"]) == {"工作态度(主管)": None, "主管评语": None}
    asked = [p for p in problems if p.is_error and p.agent == "阿强"]
    assert asked and "是为「小美」生成的" in asked[0].message and "阿强.xlsx" in asked[0].message


def test_renamed_agent_carries_entries_through_the_alias_table(tmp_path):
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    run(out, "employee_form", [e])
    type_into(out / MONTH / "小美.xlsx", TYPED_EF)
    aliases = tmp_path / "in" / "别名表.csv"
    aliases.write_text("子账号,客服\n小美,美美\n", encoding="utf-8")
    report, problems = run(out, "employee_form", [e], aliases=aliases)
    assert "美美" in report["agents"]
    assert read_inputs(out / MONTH / "美美.xlsx", TYPED_EF, "美美") == TYPED_EF
    assert any("改名为「美美」" in p.message for p in problems)


def test_agent_gone_from_the_exports_keeps_file_and_entries(tmp_path):
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    run(out, "employee_form", [e])
    f = out / MONTH / "阿强.xlsx"
    type_into(f, {"工作态度(主管)": 5, "主管评语": "好"}, "阿强")
    before = digest(f)
    e2 = export(tmp_path / "in2", {"小美": ROWS["小美"]})
    report, problems = run(out, "employee_form", [e2])
    assert digest(f) == before
    assert any(p.agent == "阿强" and "不在本月的导出数据中" in p.message and "2 项" in p.message for p in problems)


def test_one_book_layout_keeps_entries(tmp_path):
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    report, _ = run(out, "employee_form", [e], layout="one-book")
    book = Path(report["outputs"][0])
    type_into(book, TYPED_EF, "小美")
    type_into(book, {"工作态度(主管)": 2}, "阿强")
    want = expected_total("employee_form", [e], "小美", {k: v for k, v in TYPED_EF.items() if k != "主管评语"})
    for _ in range(3):
        run(out, "employee_form", [e], layout="one-book")
        assert read_inputs(book, TYPED_EF, "小美") == TYPED_EF
        assert read_inputs(book, ["工作态度(主管)"], "阿强") == {"工作态度(主管)": 2}
        assert total_cell(book, "小美") == want


def test_unreadable_earlier_output_is_named_with_the_reason(tmp_path):
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    run(out, "employee_form", [e])
    f = out / MONTH / "小美.xlsx"
    f.write_bytes(b"PK\x03\x04 damaged")
    prev = read_previous(previous_files(out, MONTH), MONTH, ["小美", "阿强"])
    assert [p.file for p in prev.problems] == [str(f.resolve())]
    assert prev.problems[0].message.startswith("上次生成的考核表无法读取：文件已损坏或不是有效的工作簿（BadZipFile")
    assert "该文件保留未动，新表写在旁边（小美.新.xlsx）" in prev.problems[0].message
    report, problems = run(out, "employee_form", [e])
    assert f.read_bytes() == b"PK\x03\x04 damaged"           # kept
    assert (out / MONTH / "小美.新.xlsx").exists()


def test_fill_over_a_filled_file_keeps_entries(tmp_path):
    e = export(tmp_path / "in", ROWS)
    template = ROOT / "workbook_templates" / "employee_form.xlsx"
    out = tmp_path / "小美.xlsx"
    fill_template(template, [e], "小美", MONTH, out=out)
    type_into(out, TYPED_EF)
    want = expected_total("employee_form", [e], "小美", {k: v for k, v in TYPED_EF.items() if k != "主管评语"})
    for _ in range(3):
        path, problems = fill_template(template, [e], "小美", MONTH, out=out)
        assert path == out, [p.format() for p in problems]
        assert read_inputs(out, TYPED_EF) == TYPED_EF
        assert total_cell(out, "小美") == want


def test_hr_template_batch_keeps_entries(tmp_path):
    e = export(tmp_path / "in", ROWS)
    template = tmp_path / "in" / "我们的表.xlsx"
    shutil.copy(ROOT / "workbook_templates" / "employee_form.xlsx", template)
    out = tmp_path / "out"
    run(out, "employee_form", [e], template=template)
    f = out / MONTH / "小美.xlsx"
    type_into(f, TYPED_EF)
    for _ in range(3):
        run(out, "employee_form", [e], template=template)
        assert read_inputs(f, TYPED_EF) == TYPED_EF


# ---- the property: any typing, clearing and export changes, any number of runs ---------------------------------


def _domain(scheme, key: str):
    """A strategy of valid values a person may type into the input ``key`` of ``scheme``."""
    if key == "主管评语":
        return st.text(alphabet="好稳定注意回复速度。ABC 12", min_size=1, max_size=12).filter(lambda s: s.strip() == s)
    item_name, paren, column = key.partition("(")
    rule = None
    if paren:
        try:
            it = scheme.item(item_name)
        except KeyError:
            it = None
        if it is not None:
            rule = it.value_rule
            if rule is None:
                return st.integers(0, int(it.full))
    else:
        rule = next((it.value_rule for it in scheme.items if it.value_rule is not None and it.value_rule.input == key), None)
    if isinstance(rule, Rubric):
        return st.sampled_from([o.label for o in rule.options])
    if isinstance(rule, Score):
        return st.integers(int(rule.low), int(rule.high))
    return st.integers(0, 6)  # a count or a figure typed by hand


_FIRST: dict[str, Path] = {}


def _first_run(factory, scheme_id: str, e: Path) -> Path:
    if scheme_id not in _FIRST:
        out = factory.mktemp(f"first_{scheme_id}") / "out"
        run(out, scheme_id, [e])
        _FIRST[scheme_id] = out
    return _FIRST[scheme_id]


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_entry_present_and_counted_after_every_run(tmp_path_factory, scheme_id, data):
    scheme = builtin(scheme_id)
    tmp = tmp_path_factory.mktemp(scheme_id)
    rows = dict(ROWS)
    e = export(tmp / "in", rows)
    out = tmp / "out"
    shutil.copytree(_first_run(tmp_path_factory, scheme_id, e), out)  # the first run is the same every example
    f = out / MONTH / "小美.xlsx"
    keys = sorted(inputs(f, "小美"))
    typed: dict[str, object] = {}
    for step in range(data.draw(st.integers(1, 5), label="runs")):
        action = data.draw(st.sampled_from(["type", "clear", "export", "nothing"]), label=f"action {step}")
        if action == "type":
            chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=6, unique=True), label="keys")
            values = {k: data.draw(_domain(scheme, k), label=k) for k in chosen}
            type_into(f, values, "小美")
            typed.update(values)
        elif action == "clear" and typed:
            k = data.draw(st.sampled_from(sorted(typed)), label="clear")
            type_into(f, {k: None}, "小美")
            typed[k] = None
        elif action == "export":
            a, b, c, d, g = rows["小美"]
            rows["小美"] = (a + data.draw(st.integers(1, 50), label="more enquiries"), b, c + 1000, d, g)
            e = export(tmp / f"in{step}", rows)
        run(out, scheme_id, [e])
        assert read_inputs(f, typed, "小美") == typed
        scored = {k: v for k, v in typed.items() if k != "主管评语"}
        got, want = total_cell(f, "小美"), expected_total(scheme_id, [e], "小美", scored)
        assert got == want or (isinstance(got, float) and isinstance(want, (int, float)) and abs(got - want) < 1e-9)


def test_one_book_with_an_agent_gone_is_kept_and_written_beside(tmp_path):
    """In one book, regenerating without 阿强 would drop his sheet and his entries: the book is kept instead."""
    e = export(tmp_path / "in", ROWS)
    out = tmp_path / "out"
    report, _ = run(out, "employee_form", [e], layout="one-book")
    book = Path(report["outputs"][0])
    type_into(book, {"工作态度(主管)": 2}, "阿强")
    before = digest(book)
    e2 = export(tmp_path / "in2", {"小美": ROWS["小美"]})
    report, problems = run(out, "employee_form", [e2], layout="one-book")
    assert digest(book) == before
    assert Path(report["outputs"][0]).name == book.stem + ".新.xlsx"
    assert any(p.agent == "阿强" and "不在本月的导出数据中" in p.message for p in problems)

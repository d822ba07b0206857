"""Regeneration after the edits people make in a spreadsheet program, made by LibreOffice itself (UNO, Basic).

Each test: a batch, a supervisor types entries (openpyxl, as a person would),
LibreOffice edits the workbook (insert/delete rows and columns above and
inside the table, sort the item rows, rename and move the sheet, re-save),
the batch runs again. Each must give the right totals — the core's score
of the exports plus the typed values — or refuse for that agent by name,
keeping the person's file byte for byte and writing the new one beside it.
"""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from cskpi_xl.workbook import libreoffice
from tests.lo_edit import lo_edit
from tests.regen_helpers import MONTH, as_number, batch, core_total, digest, inputs, read_inputs, total, type_into

pytestmark = pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice (soffice) not installed")

#: 小美's supervisor scores (employee_form: rubric 7/5/3/2/1 items and 0–10 scores), a comment and a count.
TYPED = {"事项追踪进度(主管)": 8, "工作积极性(主管)": 9, "工作责任心(主管)": 5, "工作态度(主管)": 7,
         "团队意识(主管)": 3, "服从意识(主管)": 7, "主管评语": "本月表现稳定，注意回复速度。", "发错货次数": 2}


@pytest.fixture(scope="module")
def typed_folder(tmp_path_factory):
    """employee_form for every sample agent, with 小美's entries typed."""
    out = tmp_path_factory.mktemp("ef") / "out"
    batch(out, "employee_form")
    type_into(out / MONTH / "小美.xlsx", TYPED)
    return out


@pytest.fixture(scope="module")
def expected_total():
    # the core's total from the exports and the typed values (the comment is not scored)
    return as_number(core_total("employee_form", "小美", {k: v for k, v in TYPED.items() if k != "主管评语"}))


def _regen_after(typed_folder, tmp_path, ops):
    out = tmp_path / "out"
    shutil.copytree(typed_folder, out)
    f = out / MONTH / "小美.xlsx"
    lo_edit(f, ops)
    before = digest(f)
    report, problems = batch(out, "employee_form")
    return out, f, before, problems


EDITS = {
    "re-save only": [],
    "rows and a column inserted above and inside the table, sheet renamed and moved": [
        ("insrows", "考核表", 1, 2), ("inscols", "考核表", 1, 1), ("insrows", "考核表", 10, 1),
        ("rename", "考核表", "小美10月"), ("move", "小美10月", 2)],
    "an empty row deleted above the table, a column deleted inside it": [
        ("delrows", "考核表", 3, 1), ("delcols", "考核表", 10, 1)],
    "item rows sorted by name": [("sort", "考核表", "A5:J17", 2)],
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_entries_survive_structural_edits(typed_folder, tmp_path, expected_total, edit):
    out, f, before, problems = _regen_after(typed_folder, tmp_path, EDITS[edit])
    assert not [p for p in problems if p.is_error and p.agent == "小美"], [p.format() for p in problems]
    new = out / MONTH / "小美.xlsx"
    assert read_inputs(new, TYPED) == TYPED
    assert total(new) == expected_total
    # and once more: the entries are still the person's (not taken for generated values)
    batch(out, "employee_form")
    assert read_inputs(new, TYPED) == TYPED and total(new) == expected_total
    if EDITS[edit]:
        assert any("表格结构改动过" in p.message and p.agent == "小美" for p in problems)


def test_deleted_item_row_is_refused_and_the_file_kept(typed_folder, tmp_path):
    # row 8 is 工作积极性, where the supervisor typed 9: its input cells are gone
    out, f, before, problems = _regen_after(typed_folder, tmp_path, [("delrows", "考核表", 8, 1)])
    refusals = [p for p in problems if p.is_error and p.agent == "小美"]
    assert refusals and "工作积极性(主管)" in refusals[0].message and "找不到了" in refusals[0].message
    assert digest(f) == before                       # the person's file, byte for byte
    assert (out / MONTH / "小美.新.xlsx").exists()    # the new one beside it
    assert any("保留 小美.xlsx" in p.message and "小美.新.xlsx" in p.message for p in problems)


def test_duoyi_row_deleted_above_the_table_reads_every_count_from_its_own_cell(tmp_path):
    """The issue's case: an empty row deleted above a duoyi table (nothing typed) must not shift the counts."""
    out = tmp_path / "out"
    batch(out, "duoyi")
    f = out / MONTH / "小美.xlsx"
    counts = ("冲突次数", "售后差评数", "不耐心次数", "询单人数")
    generated = read_inputs(f, counts)
    t0 = total(f)
    lo_edit(f, [("delrows", "考核表", 3, 1)])
    report, problems = batch(out, "duoyi")
    assert read_inputs(f, counts) == generated
    assert total(f) == t0
    assert not any("沿用上次生成后手工填写" in p.message and p.agent == "小美" for p in problems)


def test_value_typed_over_a_formula_is_shown(typed_folder, tmp_path, expected_total):
    out = tmp_path / "out"
    shutil.copytree(typed_folder, out)
    f = out / MONTH / "小美.xlsx"
    ws = load_workbook(f)["考核表"]
    row = next(r for r in ws.iter_rows() if r[0].value == "总分")
    cell = next(c for c in row if isinstance(c.value, str) and c.value.startswith("="))
    lo_edit(f, [("set", "考核表", cell.coordinate, 100)])
    report, problems = batch(out, "employee_form")
    shown = [p for p in problems if p.agent == "小美" and "公式单元格" in p.message]
    assert shown and cell.coordinate in shown[0].message and "100" in shown[0].message
    assert total(f) == expected_total  # the formula is back, the typed value not counted


def test_edited_rules_sheet_in_an_output_is_reported_and_kept(typed_folder, tmp_path):
    from cskpi_xl.core.schemefile import builtin
    from cskpi_xl.workbook.rulesheet import layout

    _, refs = layout(builtin("employee_form"))
    sheet, _, addr = refs.item_full["工作态度"].rpartition("!")
    out = tmp_path / "out"
    shutil.copytree(typed_folder, out)
    f = out / MONTH / "小美.xlsx"
    lo_edit(f, [("set", "规则", addr.replace("$", ""), 9)])
    before = digest(f)
    report, problems = batch(out, "employee_form")
    shown = [p for p in problems if "「规则」表改动过" in p.message]
    assert shown and "小美.xlsx" in shown[0].message
    assert digest(f) == before
    new = out / MONTH / "小美.新.xlsx"
    assert read_inputs(new, TYPED) == TYPED

"""Text fit for a cell: formula-like text told apart and written as a literal string (cskpi_xl/workbook/celltext.py)."""

from __future__ import annotations

import zipfile

import openpyxl

from cskpi_xl.workbook.celltext import is_formula_like, plain_text
from cskpi_xl.workbook.apply import write_text_cell

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "../../x", "\t=1+1", "＝1+1"]


def test_is_formula_like():
    assert [is_formula_like(t) for t in HOSTILE] == [True, True, True, True, False, True, True]
    assert [is_formula_like(t) for t in ["＋1", "－2", "＠x", "\r@x", " =1", "小王", "a=b", "", "\t", None, 5]] == [
        True, True, True, True, True, False, False, False, False, False, False]


def test_plain_text():
    assert plain_text(None) == ""
    assert plain_text(1.5) == "1.5"
    assert plain_text("=1+1") == "=1+1"
    assert plain_text("a\x00\x07b\tc\n") == "ab\tc\n"
    assert len(plain_text("x" * 40000)) == 32767


def test_write_text_cell_never_writes_a_formula(tmp_path):
    from python_calamine import CalamineWorkbook

    texts = HOSTILE + ["小王", "-", "=", "a\x00b"]
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, t in enumerate(texts, start=1):
        write_text_cell(ws.cell(row=i, column=1), t)
    write_text_cell(ws.cell(row=1, column=2), None)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        styles = z.read("xl/styles.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    assert xml.count('t="inlineStr"') == len(texts)
    assert "<t>=HYPERLINK(&quot;http://x&quot;,&quot;点我&quot;)</t>" in xml or '<t>=HYPERLINK("http://x","点我")</t>' in xml
    assert 'quotePrefix="1"' in styles
    expected = [plain_text(t) for t in texts]
    back = openpyxl.load_workbook(path).active
    assert [back.cell(row=i, column=1).value for i in range(1, len(texts) + 1)] == expected
    assert back["A1"].data_type == "s" and back["A1"].quotePrefix
    assert back["B1"].value is None
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows] == expected


"""The fast saver writes every part exactly as openpyxl's own ``Workbook.save`` does."""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.formula import ArrayFormula

from cskpi_xl.workbook.save import cached, parts as fastparts
from cskpi_xl.workbook.save import workbook_bytes

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "workbook_templates").glob("*.xlsx"))
OUTPUTS = sorted((ROOT / "samples" / "output").rglob("*.xlsx"))


def openpyxl_parts(wb) -> dict[str, bytes]:
    buf = io.BytesIO()
    wb.save(buf)
    z = zipfile.ZipFile(buf)
    parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    cached.normalize_parts(parts)
    return parts


def fast_parts(wb) -> dict[str, bytes]:
    parts = fastparts.workbook_parts(wb)
    cached.normalize_parts(parts)
    return parts


def assert_same(load) -> None:
    """Two independent copies of one workbook, saved each way: the same parts, in the same order, byte for byte."""
    ours, theirs = fast_parts(load()), openpyxl_parts(load())
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name


@pytest.mark.parametrize("path", TEMPLATES + OUTPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_and_outputs_saved_byte_for_byte(path):
    assert TEMPLATES and OUTPUTS
    assert_same(lambda: openpyxl.load_workbook(path))


def hostile_book():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "考核表"
    ws["A1"] = "  前后空格  "
    ws["A2"] = "   "
    ws["A3"] = '<b>&"引号"\'</b>'
    ws["A4"] = "第一行\n第二行\t制表"
    ws["B1"] = 0.1 + 0.2
    ws["B2"] = 10**20
    ws["B3"] = Decimal("1234.5600")
    ws["B4"] = True
    ws["B5"] = -0.0
    ws["B6"] = float("nan")
    ws["C1"] = '=IF(A1<>"",A1&"<&>","")'
    ws["C2"] = "=#N/A"
    ws["C3"] = "#N/A"
    ws["C3"].data_type = "e"
    ws["D1"] = datetime.date(2026, 10, 31)
    ws["D2"] = datetime.datetime(2026, 10, 31, 8, 48)
    ws["D3"] = datetime.timedelta(minutes=8, seconds=48)
    ws["E1"] = "链接"
    ws["E1"].hyperlink = "https://example.com/?a=1&b=2"
    ws["E2"] = "批注"
    ws["E2"].comment = Comment("主管：请复核", "HR")
    ws["E3"] = CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗")])
    ws["E4"] = ArrayFormula("E4:E4", "=SUM(B1:B2*1)")
    ws["F1"].font = Font(bold=True)  # styled, no value
    ws["F2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["F2"] = "=1+1"
    ws["F3"] = ""
    ws.row_dimensions[7].height = 30
    ws.row_dimensions[8].hidden = True
    ws.merge_cells("A9:C9")
    ws["A9"] = "合并"
    other = wb.create_sheet("=HYPERLINK(1)")
    other["A1"] = "+1"
    other["A1"].data_type = "s"
    other["A1"].quotePrefix = True
    return wb


def test_hostile_values_saved_byte_for_byte():
    assert_same(hostile_book)


def test_styles_cached_only_for_the_same_style_tables():
    def book(bold: bool):
        wb = openpyxl.Workbook()
        wb.active["A1"] = "x"
        wb.active["A1"].font = Font(bold=bold, color="FF0000")
        return wb

    fastparts._STYLESHEETS.clear()
    assert_same(lambda: book(True))
    assert_same(lambda: book(False))  # another style table: not the cached styles.xml of the first
    a, b = fast_parts(book(True)), fast_parts(book(False))
    assert a["xl/styles.xml"] != b["xl/styles.xml"]


def test_workbook_bytes_zips_once_and_opens():
    data = workbook_bytes(hostile_book(), {"考核表": {"C1": "  前后空格  <&>", "F2": 2}})
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.testzip() is None
    sheet = z.read("xl/worksheets/sheet1.xml")
    assert b'<c r="F2" s="' in sheet and b"<f>1+1</f><v>2</v>" in sheet
    assert '<c r="C1" t="str"><f>IF(A1&lt;&gt;"",A1&amp;"&lt;&amp;&gt;","")</f><v>  前后空格  &lt;&amp;&gt;</v></c>'.encode() in sheet
    back = openpyxl.load_workbook(io.BytesIO(data))
    assert back["考核表"]["A1"].value == "  前后空格  "
    assert back["考核表"]["E2"].comment.text == "主管：请复核"
    assert back["考核表"]["E1"].hyperlink.target == "https://example.com/?a=1&b=2"
    assert back["=HYPERLINK(1)"]["A1"].value == "+1"


def test_reproducible_bytes_are_identical():
    one = workbook_bytes(hostile_book(), reproducible=True)
    two = workbook_bytes(hostile_book(), reproducible=True)
    assert one == two


def test_other_openpyxl_versions_get_openpyxl_own_writer(monkeypatch):
    monkeypatch.setattr(fastparts, "CHECKED_OPENPYXL", False)
    assert_same(hostile_book)
    assert fastparts.CHECKED_OPENPYXL is False


def test_this_openpyxl_is_the_checked_one():
    assert fastparts.CHECKED_OPENPYXL, openpyxl.__version__


def test_an_et_xmlfile_without_a_text_sink_gets_openpyxl_rows(monkeypatch):
    monkeypatch.setattr(fastparts, "_text_sink", lambda xf: None)
    assert_same(hostile_book)

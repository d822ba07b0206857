"""``cskpi xl --workbook``: the macro-enabled workbook, read back by independent readers.

- oletools' ``olevba`` (not the library that wrote it) reads the VBA project:
  every module is there with exactly the text put in, ``Workbook_Open`` is
  there, the DLL version in the xlwings module is ``xlwings.__version__``;
- the package: macro-enabled content type, the vbaProject part and its
  relationship, every part of the source unchanged except the few this writes
  on purpose (compared part by part, and cell by cell with python-calamine);
- LibreOffice opens the .xlsm headless and lists the modules, the sheets and
  the two buttons with the macro each one runs (:mod:`lo_vba_probe`).
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import warnings

import pytest
import xlwings

with warnings.catch_warnings():  # oletools' pyparsing grammar warns about deprecated names on import
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

sys.path.insert(0, str(Path(__file__).parent))
from lo_vba_probe import probe  # noqa: E402

from cskpi_xl.excel import vba  # noqa: E402
from cskpi_xl.excel.xlsm import XlsmError, build_workbook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"
XLWINGS_DIR = Path(xlwings.__file__).resolve().parent
WIN_PYTHON = r"C:\Users\hr\AppData\Local\Programs\Python\Python311\python.exe"
OWN = ("xlwings", "Dictionary", "cskpi_udfs", "cskpi_buttons")
EXPORT = ROOT / "samples" / "exports" / "自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx"
HR_MODULE = ('Attribute VB_Name = "HR_Tools"\r\nOption Explicit\r\n\r\nSub HrHello()\r\n'
             '    MsgBox "HR " & ChrW(&H4F60)\r\nEnd Sub\r\n')
HR_OPEN = "Private Sub Workbook_Open()\r\n    Application.StatusBar = \"HR\"\r\nEnd Sub\r\n"


def macros(path) -> dict[str, str]:
    """Module name → the text olevba decompresses from its stream (attribute lines included)."""
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def bas(name: str) -> str:
    """A committed macros/*.bas as text (what the manual path imports)."""
    return (MACROS / name).read_bytes().decode("ascii")


def build(tmp_path, name, template=None, **kw):
    kw.setdefault("interpreter", WIN_PYTHON)
    kw.setdefault("platform", "win32")
    return build_workbook(tmp_path / name, template, **kw)


# ---- source workbooks -------------------------------------------------------------------------

def hr_workbook(path: Path, settings_comment: bool = False) -> Path:
    """HR's own workbook: formulas, styles, merged cells, a validation, a comment, a chart; no 设置 unless asked."""
    wb = Workbook()
    ws = wb.active
    ws.title = "我的考核"
    ws["A1"], ws["B1"], ws["C1"] = "客服", "销售额", "提成"
    for r, (n, v) in enumerate([("小美", 30000), ("阿杰", 52000), ("糖糖", 14999)], start=2):
        ws.cell(r, 1, n)
        ws.cell(r, 2, v)
        ws.cell(r, 3, f"=COMMISSION_TIER(B{r},\"duoyi\")")
    ws["E1"] = "=SUM(B2:B4)"
    ws.merge_cells("A6:C6")
    ws["A6"] = "主管签名："
    ws["A1"].comment = Comment("HR 的批注", "HR")
    dv = DataValidation(type="list", formula1='"优秀,良好"')
    ws.add_data_validation(dv)
    dv.add("D2:D4")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    ws.add_chart(chart, "G2")
    if settings_comment:
        st = wb.create_sheet("设置")
        st["A1"], st["B1"] = "方案", "duoyi"
        st["A2"], st["B2"] = "月份", "2026-10"
        st["A1"].comment = Comment("设置说明", "HR")
    wb.save(path)
    return path


def hr_xlsm(tmp_path) -> Path:
    """An .xlsm HR made: their module HR_Tools, their own Workbook_Open, a 设置 sheet with a comment."""
    from pyopenvba import ExcelFile

    src = hr_workbook(tmp_path / "hr_src.xlsx", settings_comment=True)
    data = parts(src)
    data["[Content_Types].xml"] = data["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    out = tmp_path / "hr.xlsm"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in data.items():
            z.writestr(n, b)
    with ExcelFile(out) as wb:
        project = wb.add_vba_project()
        project.add_module("HR_Tools", HR_MODULE)
        wb.set_module("ThisWorkbook", HR_OPEN)
        wb.save()
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Workbooks built from a scheme, a filled sheet, HR's .xlsx and HR's .xlsm (updated in place)."""
    from cskpi_xl.workbook.fill import fill_template

    tmp = tmp_path_factory.mktemp("xlsm")
    out = {}
    out["scheme"] = (None, build(tmp, "方案.xlsm", "duoyi"))
    filled = tmp / "filled.xlsx"
    result = fill_template(ROOT / "workbook_templates" / "duoyi.xlsx", [EXPORT], "阿杰", "2026-10", out=filled)
    assert filled.is_file(), result
    out["filled"] = (filled, build(tmp, "填好的.xlsm", str(filled)))
    hr = hr_workbook(tmp / "hr.xlsx")
    out["hr"] = (hr, build(tmp, "HR.xlsm", str(hr)))
    xlsm = hr_xlsm(tmp)
    before = xlsm.read_bytes()
    copy = tmp / "hr_before.xlsm"
    copy.write_bytes(before)
    out["hr_xlsm"] = (copy, build_workbook(xlsm, None, interpreter=WIN_PYTHON, platform="win32"))
    return out


ALL = ("scheme", "filled", "hr", "hr_xlsm")


# ---- the VBA project, read by olevba -------------------------------------------------------------

@pytest.mark.parametrize("case", ALL)
def test_every_module_holds_exactly_the_source_put_in(made, case):
    _, built = made[case]
    got = macros(built.path)
    for name in OWN:
        assert got[name] == built.own[name], name
    book = next(n for n in built.own if n not in OWN)
    assert got[book] == built.own[book]


def test_sources_are_the_shipped_files(made):
    """What was put in is the manual path's .bas files and the installed xlwings' own files."""
    got = macros(made["scheme"][1].path)
    assert got["cskpi_udfs"] == bas("cskpi_udfs.bas")
    assert got["cskpi_buttons"] == bas("cskpi_buttons.bas")
    assert got["xlwings"] == (XLWINGS_DIR / "xlwings.bas").read_bytes().decode("ascii")
    cls = (XLWINGS_DIR / "addin" / "Dictionary.cls").read_bytes().decode("ascii").split("\r\n")
    end = cls.index("END")
    # the export's VERSION/BEGIN…END preamble gone, VB_Base after VB_Name, the rest line for line
    want = [cls[end + 1], 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'] + cls[end + 2:]
    assert got["Dictionary"].split("\r\n") == want
    for text in got.values():
        text.encode("ascii")


@pytest.mark.parametrize("case", ALL)
def test_workbook_open_registers_the_functions(made, case):
    _, built = made[case]
    got = macros(built.path)
    book = got["ThisWorkbook"]
    assert book.startswith('Attribute VB_Name = "ThisWorkbook"\r\nAttribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"')
    assert len(re.findall(r"^Private Sub Workbook_Open\(\)\r$", book, re.M)) == 1
    helper = re.search(r"Private Sub CskpiWorkbookOpen\(\)\r\n(.*?)End Sub", book, re.S)
    assert helper, book
    helper = helper[1]
    assert "    CskpiRegisterFunctions\r\n" in helper and "Me.Saved = wasSaved" in helper
    udfs = got["cskpi_udfs"]
    assert "Public Sub CskpiRegisterFunctions()" in udfs
    # the category is 客服绩效, written as UTF-16 hex decoded by ChrW (ASCII source)
    assert '    cat = CskpiU("5BA2670D7EE96548")' in udfs and "ChrW(CLng(\"&H\" & Mid$(units, i, 4)))" in udfs
    assert "".join(chr(int("5BA2670D7EE96548"[i:i + 4], 16)) for i in range(0, 16, 4)) == "客服绩效"
    assert udfs.count("Application.MacroOptions") == 18 and udfs.count("ArgumentDescriptions:=Array(") == 18


def test_own_workbook_open_gets_one_line(made):
    """HR's own Workbook_Open stays; one call line goes at its top; HR's module is untouched."""
    _, built = made["hr_xlsm"]
    got = macros(built.path)
    assert got["HR_Tools"] == HR_MODULE
    book = got["ThisWorkbook"]
    assert ("Private Sub Workbook_Open()\r\n    CskpiWorkbookOpen ' cskpi_xl\r\n"
            "    Application.StatusBar = \"HR\"\r\nEnd Sub\r\n") in book
    assert book.count("Workbook_Open()") == 1
    assert built.kept == ["HR_Tools"]
    assert any("Workbook_Open" in n for n in built.notes)


@pytest.mark.parametrize("case", ALL)
def test_dll_version_is_the_installed_xlwings(made, case):
    code = macros(made[case][1].path)["xlwings"]
    dlls = re.findall(r'Lib "xlwings(32|64)-([^"]+)\.dll"', code)
    assert {bits for bits, _ in dlls} == {"32", "64"}
    assert {ver for _, ver in dlls} == {xlwings.__version__}
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in code


# ---- the package ------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ALL)
def test_content_type_and_project_part(made, case):
    p = parts(made[case][1].path)
    ct = p["[Content_Types].xml"].decode()
    assert re.search(r'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main\+xml"\s*/>', ct)
    assert ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml") not in ct
    assert (re.search(r'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>', ct)
            or '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"' in ct)
    rels = p["xl/_rels/workbook.xml.rels"].decode()
    assert re.search(r'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"', rels)
    assert p["xl/vbaProject.bin"][:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # a compound file


def _sheet_parts(p: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → part name, from workbook.xml and its relationships."""
    wb = p["xl/workbook.xml"].decode()
    rels = dict(re.findall(r'<Relationship[^>]*Id="(rId\d+)"[^>]*Target="([^"]+)"', p["xl/_rels/workbook.xml.rels"].decode()))
    rels.update({i: t for t, i in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="(rId\d+)"',
                                             p["xl/_rels/workbook.xml.rels"].decode())})
    out = {}
    for tag in re.findall(r"<sheet\b[^>]*>", wb):
        name = re.search(r'name="([^"]*)"', tag)[1]
        rid = re.search(r'r:id="([^"]*)"', tag)[1]
        out[name] = "xl/" + rels[rid].lstrip("/").removeprefix("xl/")
    return out


def _without_ours(xml: str) -> str:
    """A sheet or workbook part less what this writes on purpose: code names and the buttons' legacyDrawing."""
    xml = re.sub(r' codeName="[^"]*"', "", xml)
    xml = re.sub(r"<sheetPr\s*/>", "", xml)
    xml = xml.replace("<workbookPr  />", "<workbookPr />").replace("<workbookPr />", "<workbookPr/>")
    return xml


@pytest.mark.parametrize("case", ("filled", "hr", "hr_xlsm"))
def test_source_parts_unchanged(made, case):
    source, built = made[case]
    before, after = parts(source), parts(built.path)
    names_before, names_after = _sheet_parts(before), _sheet_parts(after)
    # the sheets keep their order; ours come after them
    assert list(names_after)[:len(names_before)] == list(names_before)
    assert set(names_after) - set(names_before) <= {"xlwings.conf", "设置"}
    touched = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/vbaProject.bin"}
    for name, part in names_before.items():
        if name == "xlwings.conf":
            touched.add(part)
            continue
        old, new = before[part].decode(), after[part].decode()
        if name == "设置" and built.buttons_sheet == "设置":
            if "<legacyDrawing" not in old:
                new, n = re.subn(r'<legacyDrawing r:id="rId\d+"/>', "", new)
                assert n == 1
                if "xmlns:r=" not in old:  # declared for the legacyDrawing's r:id
                    new, n = re.subn(r' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"', "", new, 1)
                    assert n == 1
                touched.add(part.replace("worksheets/", "worksheets/_rels/") + ".rels")
            touched.add(part)
        assert _without_ours(new) == _without_ours(old), name
        # the cells themselves (formulas, cached values, styles) byte for byte
        assert re.search(r"<sheetData.*</sheetData>|<sheetData/>", new, re.S)[0] == \
            re.search(r"<sheetData.*</sheetData>|<sheetData/>", old, re.S)[0]
    for name, data in before.items():
        if name in touched or name.startswith("xl/worksheets/sheet"):
            continue
        if name.endswith(".vml") and built.buttons_sheet and name in after and b"FmlaMacro" in after[name] and b"FmlaMacro" not in data:
            # HR's comment drawing on 设置 with our buttons appended: HR's shapes stay as they were
            # (the root gains declarations of the v:, o:, x: prefixes our shapes use)
            grown = re.sub(r' xmlns:[vox]="urn:schemas-microsoft-com:[^"]*"', "", after[name].decode(), count=3)
            assert grown.startswith(data.decode().rstrip().removesuffix("</xml>"))
            continue
        assert after.get(name) == data, name
    assert _without_ours(after["xl/workbook.xml"].decode().split("<sheets>")[0]) == \
        _without_ours(before["xl/workbook.xml"].decode().split("<sheets>")[0])
    assert after["xl/workbook.xml"].decode().split("</sheets>")[1] == before["xl/workbook.xml"].decode().split("</sheets>")[1]


@pytest.mark.parametrize("case", ("filled", "hr", "hr_xlsm"))
def test_cached_values_unchanged(made, case):
    """python-calamine reads the same value in every cell of every source sheet (formulas' cached results too)."""
    from python_calamine import CalamineWorkbook

    source, built = made[case]
    a = CalamineWorkbook.from_path(str(source))
    b = CalamineWorkbook.from_path(str(built.path))
    for name in a.sheet_names:
        if name == "xlwings.conf":
            continue
        assert b.get_sheet_by_name(name).to_python() == a.get_sheet_by_name(name).to_python(), name
    if case == "filled":
        values = a.get_sheet_by_name("考核表").to_python()
        assert any(isinstance(v, float) and v for row in values for v in row)


@pytest.mark.parametrize("case", ALL)
def test_xlwings_conf_sheet(made, case):
    wb = load_workbook(made[case][1].path)
    conf = wb["xlwings.conf"]
    rows = [[c.value for c in r] for r in conf.iter_rows()]
    assert rows == [["UDF Modules", "cskpi_xl.udfs"], ["Interpreter_Win", WIN_PYTHON]]
    assert conf.sheet_state == "hidden"


def test_conf_has_no_interpreter_off_windows(tmp_path):
    built = build(tmp_path, "l.xlsm", "standard", interpreter="/usr/bin/python3", platform="linux")
    rows = [[c.value for c in r] for r in load_workbook(built.path)["xlwings.conf"].iter_rows()]
    assert rows == [["UDF Modules", "cskpi_xl.udfs"]]
    assert any("Interpreter_Win" in n for n in built.notes)
    mac = build(tmp_path, "m.xlsm", "standard", interpreter="/opt/py/bin/python3", platform="darwin")
    rows = [[c.value for c in r] for r in load_workbook(mac.path)["xlwings.conf"].iter_rows()]
    assert rows == [["UDF Modules", "cskpi_xl.udfs"], ["Interpreter_Mac", "/opt/py/bin/python3"]]


@pytest.mark.parametrize("case", ALL)
def test_buttons_on_settings_sheet(made, case):
    built = made[case][1]
    assert built.buttons_sheet == "设置"
    p = parts(built.path)
    sheet = _sheet_parts(p)["设置"]
    rel = re.search(r'<legacyDrawing\b[^>]*\br:id="([^"]+)"', p[sheet].decode())[1]
    rels = p[sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"].decode()
    tags = [dict(re.findall(r'(\w+)="([^"]*)"', t)) for t in re.findall(r"<Relationship\b[^>]*>", rels)]
    link = next(t for t in tags if t["Id"] == rel)
    assert link["Type"].endswith("/vmlDrawing")
    target = link["Target"]
    vml = p[target.lstrip("/") if target.startswith("/") else "xl/drawings/" + target.removeprefix("../drawings/")].decode()
    buttons = re.findall(r'<x:ClientData ObjectType="Button">.*?<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>', vml)
    assert buttons == ["FillThisSheet", "BatchAll"]
    assert ">填充本表</font>" in vml and ">批量生成全部</font>" in vml
    assert 'type="#_x0000_t201"' in vml and vml.count('id="_x0000_t201"') == 1
    ids = re.findall(r'<v:shape id="_x0000_s(\d+)"', vml)
    assert len(ids) == len(set(ids))
    assert re.search(r'<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"\s*/>',
                     p["[Content_Types].xml"].decode())


def test_settings_sheet_added_for_hr_workbook(made):
    _, built = made["hr"]
    wb = load_workbook(built.path)
    assert wb.sheetnames == ["我的考核", "设置", "xlwings.conf"] or wb.sheetnames == ["我的考核", "xlwings.conf", "设置"]
    names = [r[0] for r in wb["设置"].iter_rows(min_row=2, max_row=9, values_only=True)]
    assert names == ["方案", "月份", "客服昵称", "输出文件夹", "历史记录", "手工录入", "别名表", "导出文件"]
    from cskpi_xl.xlbutton import parse_settings

    settings, problems = parse_settings([[c.value for c in r] for r in wb["设置"].iter_rows(min_row=2, max_row=9)])
    assert problems == []


# ---- over an existing .xlsm ------------------------------------------------------------------------

def test_rebuild_in_place_is_idempotent_and_keeps_a_copy(tmp_path):
    first = build(tmp_path, "绩效.xlsm", "yali")
    before = first.path.read_bytes()
    mods = macros(first.path)
    again = build_workbook(first.path, None, interpreter=WIN_PYTHON, platform="win32")
    assert again.backup == tmp_path / "绩效_更新前.xlsm" and again.backup.read_bytes() == before
    assert macros(again.path) == mods
    assert again.buttons_sheet == ""  # there already: not placed twice
    vml = [d.decode() for n, d in parts(again.path).items() if n.endswith(".vml")]
    assert sum(v.count('ObjectType="Button"') for v in vml) == 2
    assert again.kept == []


def test_stale_own_modules_are_replaced(tmp_path):
    """An .xlsm with an old cskpi_udfs (manual path) and an old standalone xlwings gets the current ones."""
    from pyopenvba import ExcelFile

    built = build(tmp_path, "old.xlsm", "duoyi")
    with ExcelFile(built.path) as wb:
        wb.set_module("cskpi_udfs", 'Attribute VB_Name = "cskpi_udfs"\r\nFunction KPI_SCORE()\r\nEnd Function\r\n')
        wb.set_module("xlwings", vba.crlf(macros(built.path)["xlwings"].replace(xlwings.__version__, "0.30.0")))
        wb.save()
    assert "0.30.0" in macros(built.path)["xlwings"]
    again = build_workbook(built.path, None, interpreter=WIN_PYTHON, platform="win32")
    got = macros(again.path)
    assert got["cskpi_udfs"] == bas("cskpi_udfs.bas")
    assert "0.30.0" not in got["xlwings"]


# ---- refusals ----------------------------------------------------------------------------------------

def test_refusals(tmp_path):
    with pytest.raises(XlsmError, match=r"\.xlsm"):
        build(tmp_path, "a.xlsx", "duoyi")
    with pytest.raises(XlsmError, match="内置方案"):
        build(tmp_path, "a.xlsm", "no_such_scheme")
    with pytest.raises(XlsmError, match="找不到文件"):
        build(tmp_path, "a.xlsm", str(tmp_path / "missing.xlsx"))
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(XlsmError, match=r"^文件不是有效的 \.xlsx（不是 zip 格式），可能已损坏或扩展名不对$"):
        build(tmp_path, "a.xlsm", str(tmp_path / "bad.xlsx"))
    from cskpi_xl.i18n import set_language

    set_language("en")
    try:
        with pytest.raises(XlsmError, match=r"^not a valid \.xlsx \(not a zip file\): damaged or wrongly named$"):
            build(tmp_path, "a.xlsm", str(tmp_path / "bad.xlsx"))
    finally:
        set_language(None)
    assert not (tmp_path / "a.xlsm").exists()
    # an existing workbook is never overwritten from another source
    built = build(tmp_path, "b.xlsm", "duoyi")
    data = built.path.read_bytes()
    with pytest.raises(XlsmError, match="不会覆盖"):
        build(tmp_path, "b.xlsm", "standard")
    assert built.path.read_bytes() == data


def test_cli(tmp_path, capsys):
    from cskpi_xl.cli import main

    out = tmp_path / "绩效.xlsm"
    assert main(["xl", "--workbook", str(out), "--template", "duoyi"]) == 0
    text = capsys.readouterr().out
    assert "已写入" in text and "设置" in text and "启用内容" in text and "解除锁定" in text
    assert set(OWN) <= set(macros(out))
    assert main(["xl", "--workbook", str(out), "--template", "standard"]) == 1
    assert "不会覆盖" in capsys.readouterr().err
    assert main(["xl", "--template", "duoyi"]) == 2


# ---- LibreOffice --------------------------------------------------------------------------------------

def _lo_text(source: str, kind: str) -> str:
    """How LibreOffice shows a module it imported from VBA: a header of its own, the Attribute lines gone."""
    body = "\n".join(line for line in source.split("\r\n") if not line.startswith("Attribute "))
    head = {"standard": "Rem Attribute VBA_ModuleType=VBAModule\nOption VBASupport 1\n",
            "class": "Rem Attribute VBA_ModuleType=VBAClassModule\nOption VBASupport 1\nOption ClassModule\n",
            "document": "Rem Attribute VBA_ModuleType=VBADocumentModule\nOption VBASupport 1\n"}[kind]
    return head + body + "\n"


@pytest.mark.parametrize("case", ("scheme", "hr_xlsm"))
def test_libreoffice_lists_modules_sheets_and_buttons(made, case):
    source, built = made[case]
    seen = probe(built.path)
    assert "ERROR" not in seen["raw"], seen["raw"]
    modules = seen["libs"]["VBAProject"]
    assert set(modules) == set(macros(built.path)), seen["raw"]
    for name in OWN:
        kind = "class" if name == "Dictionary" else "standard"
        assert modules[name] == _lo_text(built.own[name], kind), name
    assert modules["ThisWorkbook"] == _lo_text(built.own["ThisWorkbook"], "document")
    if case == "hr_xlsm":
        assert modules["HR_Tools"] == _lo_text(HR_MODULE, "standard")
    assert seen["sheets"] == load_workbook(built.path).sheetnames
    buttons = [(label, script) for sheet, label, script in seen["controls"] if sheet == "设置"]
    assert buttons == [
        ("填充本表", "vnd.sun.star.script:VBAProject.cskpi_buttons.FillThisSheet?language=Basic&location=document"),
        ("批量生成全部", "vnd.sun.star.script:VBAProject.cskpi_buttons.BatchAll?language=Basic&location=document"),
    ]


# ---- the VBA texts themselves ------------------------------------------------------------------------

def test_this_workbook_code_is_stable():
    body, own = vba.this_workbook_code("")
    assert own and vba.this_workbook_code(body) == (body, True)
    hr = "Option Explicit\r\n\r\nPublic Sub Workbook_Open ()\r\n    x = 1\r\nEnd Sub\r\n"
    merged, own = vba.this_workbook_code(hr)
    assert not own and vba.this_workbook_code(merged) == (merged, False)
    assert merged.startswith("Option Explicit\r\n\r\nPublic Sub Workbook_Open ()\r\n    CskpiWorkbookOpen ' cskpi_xl\r\n    x = 1\r\n")
    assert merged.count("Sub Workbook_Open") == 1
    merged.encode("ascii")


def test_standalone_sources_need_the_dll(tmp_path):
    (tmp_path / "addin").mkdir()
    (tmp_path / "xlwings.bas").write_bytes(b'Attribute VB_Name = "xlwings"\r\n')
    (tmp_path / "addin" / "Dictionary.cls").write_bytes(b'Attribute VB_Name = "Dictionary"\r\n')
    with pytest.raises(vba.XlwingsSourceError, match="DLL"):
        vba.xlwings_standalone(tmp_path)
    (tmp_path / "xlwings.bas").write_bytes('\' 中文\r\n'.encode("utf-8"))
    with pytest.raises(vba.XlwingsSourceError, match="ASCII"):
        vba.xlwings_standalone(tmp_path)


def test_hr_conf_keys_kept_and_import_functions_module_removed(tmp_path):
    """HR's other xlwings.conf keys stay (after ours); a stale xlwings_udfs made for cskpi_xl.udfs goes,
    one that also wraps HR's own Python module stays."""
    from pyopenvba import ExcelFile

    wb = Workbook()
    wb.active.title = "表"
    conf = wb.create_sheet("xlwings.conf")
    for row in (["UDF Modules", "old_module"], ["Conda Path", r"C:\Miniconda3"], ["Conda Env", "base"],
                ["Interpreter_Win", r"C:\old\python.exe"], [None, None], ["Ignored", "after a blank"]):
        conf.append(row)
    src = tmp_path / "hr.xlsx"
    wb.save(src)
    built = build(tmp_path, "a.xlsm", str(src))
    rows = [[c.value for c in r] for r in load_workbook(built.path)["xlwings.conf"].iter_rows()]
    assert rows == [["UDF Modules", "cskpi_xl.udfs"], ["Interpreter_Win", WIN_PYTHON],
                    ["Conda Path", r"C:\Miniconda3"], ["Conda Env", "base"]]

    stale = ('Attribute VB_Name = "xlwings_udfs"\r\nFunction KPI_SCORE(item, value)\r\n'
             '    KPI_SCORE = XLPy.CallUDF("cskpi_xl.udfs", "KPI_SCORE", Array(item, value))\r\nEnd Function\r\n')
    with ExcelFile(built.path) as x:
        x.vba_project().add_module("xlwings_udfs", stale)
        x.save()
    again = build_workbook(built.path, None, interpreter=WIN_PYTHON, platform="win32")
    assert "xlwings_udfs" not in macros(again.path)
    assert any("xlwings_udfs" in n for n in again.notes)
    mixed = stale + ('Function HR_F(x)\r\n    HR_F = XLPy.CallUDF("hr_tools", "HR_F", Array(x))\r\nEnd Function\r\n')
    with ExcelFile(again.path) as x:
        x.vba_project().add_module("xlwings_udfs", mixed)
        x.save()
    third = build_workbook(again.path, None, interpreter=WIN_PYTHON, platform="win32")
    assert macros(third.path)["xlwings_udfs"] == mixed and "xlwings_udfs" in third.kept


def test_grid_places_buttons_below_the_used_rows():
    from cskpi_xl.excel.xlsm import Grid

    xml = ('<worksheet><sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="12" customWidth="1"/>'
           '<col min="2" max="3" width="40" customWidth="1"/></cols><sheetData><row r="1"/><row r="8" ht="30"/>'
           '</sheetData></worksheet>')
    g = Grid(xml)
    # Excel: width w characters of Calibri 11 → int(w*7+5) pixels; rows 15 pt = 20 px, 30 pt = 40 px
    assert (g.col(0), g.col(1), g.col(2), g.col(3)) == (89, 285, 285, 64)
    assert g.last_row == 8 and g.row(7) == 40 and g.row(6) == 20
    assert g.x_of(1) == 89 and g.y_of(9) == 8 * 20 + 40
    assert g.cell_at(89 + 8, True) == (1, 8) and g.cell_at(89 + 285, True) == (2, 0)
    assert g.cell_at(200, False) == (9, 0)
    zero = Grid('<worksheet><sheetFormatPr defaultRowHeight="0" defaultColWidth="0"/></worksheet>')
    assert zero.cell_at(50, False)[0] == 50 and zero.cell_at(100, True) == (1, 36)


# ---- ThisWorkbook merging, as a property ----------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LINE = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30).filter(
    lambda t: "cskpi" not in t.lower() and "workbook_open" not in t.lower())


@st.composite
def hr_code(draw):
    """ThisWorkbook code HR might have: any ASCII lines, maybe with their own Workbook_Open somewhere."""
    lines = draw(st.lists(_LINE, max_size=8))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(lines)))
        head = draw(st.sampled_from(["Private Sub Workbook_Open()", "Sub Workbook_Open()", "Public Sub workbook_open ()"]))
        lines[at:at] = [head] + draw(st.lists(_LINE, max_size=3)) + ["End Sub"]
    return "\r\n".join(lines) + draw(st.sampled_from(["", "\r\n"]))


@settings(max_examples=300, deadline=None)
@given(hr_code())
def test_this_workbook_merge_keeps_hr_code_and_is_idempotent(code):
    merged, own = vba.this_workbook_code(code)
    # exactly one Workbook_Open, and the helper runs from it
    opens = re.findall(r"^[ \t]*(?:(?:Private|Public)[ \t]+)?Sub[ \t]+Workbook_Open[ \t]*\(", merged, re.M | re.I)
    assert len(opens) == 1
    assert own == (re.search(r"Workbook_Open", code, re.I) is None)
    # running it again changes nothing
    assert vba.this_workbook_code(merged) == (merged, own)
    # taking our block and our one call line out gives HR's lines back
    rest = re.sub(re.escape(vba.BLOCK_BEGIN) + ".*?" + re.escape(vba.BLOCK_END) + r"(\r\n)?", "", merged, flags=re.S)
    rest = rest.replace(f"\r\n    {vba.OPEN_HELPER} {vba.CALL_MARK}", "")
    # (code of blanks only carries nothing, and is not kept: found by Hypothesis, code=" ")
    hr = vba.crlf(code).rstrip("\r\n") if code.strip() else ""
    assert rest.rstrip("\r\n") == hr
    merged.encode("ascii")


@pytest.mark.parametrize("case", ("scheme", "hr_xlsm"))
def test_project_stream_declares_every_module(made, case):
    """The compound file read with olefile: one stream per module under VBA/, and the PROJECT stream
    (what Excel reads to know each module's kind) declares them with the right kind."""
    import olefile

    built = made[case][1]
    with zipfile.ZipFile(built.path) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    try:
        streams = {"/".join(s) for s in ole.listdir()}
        project = ole.openstream("PROJECT").read().decode("ascii")
    finally:
        ole.close()
    modules = set(macros(built.path))
    assert {"PROJECT", "VBA/dir", "VBA/_VBA_PROJECT"} <= streams
    assert {s.removeprefix("VBA/") for s in streams if s.startswith("VBA/")} - {"dir", "_VBA_PROJECT"} == modules
    declared = {name: kind for kind, name in re.findall(r"^(Module|Class|Document)=([^/\r\n]+)", project, re.M)}
    assert declared["xlwings"] == "Module" and declared["cskpi_udfs"] == "Module" and declared["cskpi_buttons"] == "Module"
    assert declared["Dictionary"] == "Class" and declared["ThisWorkbook"] == "Document"
    assert set(declared) == modules

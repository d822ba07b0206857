"""Safe names, literal text cells, atomic writes, folder locks and the spreadsheet pre-check."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl import safety
from cskpi_xl.safety import (
    FolderBusy,
    FolderLock,
    atomic_write,
    check_spreadsheet_file,
    is_formula_like,
    path_inside,
    plain_text,
    safe_file_stem,
    safe_sheet_name,
)
from cskpi_xl.workbook.apply import write_text_cell
from cskpi_xl.workbook.save import atomic_save_workbook

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "../../x", "\t=1+1", "＝1+1"]


def test_safety_imports_no_excel_library():
    code = "import sys, cskpi_xl.safety; bad = {'openpyxl', 'python_calamine', 'xlwings', 'formulas'} & set(sys.modules); print(sorted(bad))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- sheet names


class TestSafeSheetName:
    def test_success(self):
        assert safe_sheet_name("客服绩效", set()) == "客服绩效"

    def test_bad_characters_become_underscore(self):
        assert safe_sheet_name("a/b:c", set()) == "a_b_c"
        assert safe_sheet_name("[x]*?\\", set()) == "_x____"
        assert safe_sheet_name('=HYPERLINK("http://x","点我")', set()) == '=HYPERLINK("http___x","点我")'
        assert safe_sheet_name("../../x", set()) == ".._.._x"

    def test_blank_quotes_and_reserved(self):
        assert safe_sheet_name("", set()) == "Sheet"
        assert safe_sheet_name(None, set()) == "Sheet"
        assert safe_sheet_name("   ", set()) == "Sheet"
        assert safe_sheet_name("''", set()) == "Sheet"
        assert safe_sheet_name("'abc'", set()) == "abc"
        assert safe_sheet_name("History", set()) == "History_"
        assert safe_sheet_name("history", set()) == "history_"

    def test_length_is_31(self):
        assert safe_sheet_name("x" * 40, set()) == "x" * 31
        # cutting must not leave a trailing apostrophe
        assert safe_sheet_name("a" * 30 + "'b", set()) == "a" * 30
        # Excel counts UTF-16 units: an emoji takes two
        assert safe_sheet_name("😀" * 20, set()) == "😀" * 15

    def test_unique_ignoring_case(self):
        taken: set[str] = set()
        got = [safe_sheet_name(n, taken) for n in ["客服", "客服", "客服", "Abc", "aBC", "ABC (2)"]]
        assert got == ["客服", "客服 (2)", "客服 (3)", "Abc", "aBC (2)", "ABC (2) (2)"]
        assert taken == set(got)

    def test_unique_long_names_stay_within_31(self):
        taken: set[str] = set()
        first = safe_sheet_name("y" * 40, taken)
        second = safe_sheet_name("Y" * 40, taken)
        assert first == "y" * 31
        assert second == "Y" * 27 + " (2)"

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.text(max_size=45), max_size=12))
    def test_property_valid_and_unique(self, names):
        taken: set[str] = set()
        out = [safe_sheet_name(n, taken) for n in names]
        assert len({o.casefold() for o in out}) == len(out)
        for o in out:
            assert 1 <= len(o.encode("utf-16-le")) // 2 <= 31
            assert not set(o) & set("[]:*?/\\")
            assert o.strip() and not o.startswith("'") and not o.endswith("'")
            assert o.casefold() != "history"

    def test_openpyxl_accepts_result(self):
        wb = openpyxl.Workbook()
        taken = {wb.active.title}
        for n in HOSTILE + ["x" * 40, "History", "'q'"]:
            wb.create_sheet(safe_sheet_name(n, taken))
        wb.save(io.BytesIO())


# ---------------------------------------------------------------- file stems


class TestSafeFileStem:
    def test_success(self):
        assert safe_file_stem("小王", set()) == "小王"

    def test_hostile(self):
        assert safe_file_stem("../../x", set()) == "_.._x"
        assert safe_file_stem('a/b\\c:d*e?f"g<h>i|j', set()) == "a_b_c_d_e_f_g_h_i_j"
        assert safe_file_stem('=HYPERLINK("http://x","点我")', set()) == "=HYPERLINK(_http___x_,_点我_)"
        assert safe_file_stem("tab\there\x00", set()) == "tab_here_"
        assert safe_file_stem(".", set()) == "未命名"
        assert safe_file_stem("..", set()) == "未命名"
        assert safe_file_stem("", set()) == "未命名"
        assert safe_file_stem(".hidden", set()) == "hidden"
        assert safe_file_stem("abc... ", set()) == "abc"

    def test_windows_reserved(self):
        got = [safe_file_stem(n, set()) for n in ["CON", "con.txt", "nul", "COM1", "LPT9", "COM10", "AUX "]]
        assert got == ["_CON", "_con.txt", "_nul", "_COM1", "_LPT9", "COM10", "_AUX"]

    def test_length_by_utf8_bytes(self):
        taken: set[str] = set()
        first = safe_file_stem("客" * 50, taken)  # 150 bytes
        second = safe_file_stem("客" * 50, taken)
        assert first == "客" * 40  # 120 bytes
        assert second == "客" * 38 + " (2)"  # 114 + 4 bytes
        assert len(second.encode("utf-8")) <= 120

    def test_unique_ignoring_case(self):
        taken: set[str] = set()
        got = [safe_file_stem(n, taken) for n in ["Xiao", "xiao", "XIAO", "小王", "小王"]]
        assert got == ["Xiao", "xiao (2)", "XIAO (3)", "小王", "小王 (2)"]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.text(max_size=80), max_size=10))
    def test_property_never_escapes(self, names):
        taken: set[str] = set()
        out = [safe_file_stem(n, taken) for n in names]
        assert len({o.casefold() for o in out}) == len(out)
        for o in out:
            assert o and len(o.encode("utf-8")) <= 120
            assert not set(o) & set('/\\:*?"<>|')
            assert not any(ord(c) < 32 for c in o)
            assert not o.startswith(".") and o not in (".", "..")
            assert o.split(".")[0].upper().rstrip() not in safety._WINDOWS_RESERVED
            path_inside("/tmp/some-folder", o, ".xlsx")


class TestPathInside:
    def test_success(self, tmp_path):
        assert path_inside(tmp_path, "小王", ".xlsx") == tmp_path.resolve() / "小王.xlsx"

    def test_fail(self, tmp_path):
        for stem, suffix in [("../x", ".xlsx"), ("a/../../b", ""), ("", ""), ("sub/x", ".xlsx"), ("/etc/passwd", "")]:
            with pytest.raises(ValueError):
                path_inside(tmp_path, stem, suffix)

    def test_symlink_out_is_refused(self, tmp_path):
        outside = tmp_path / "outside"
        inside = tmp_path / "inside"
        outside.mkdir()
        inside.mkdir()
        (inside / "evil.xlsx").symlink_to(outside / "target.xlsx")
        with pytest.raises(ValueError):
            path_inside(inside, "evil", ".xlsx")


# ---------------------------------------------------------------- cell text


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


# ---------------------------------------------------------------- atomic writes


class TestAtomicWrite:
    def test_success_and_mode_kept(self, tmp_path):
        p = tmp_path / "a.bin"
        p.write_bytes(b"old")
        os.chmod(p, 0o640)
        with atomic_write(p) as f:
            f.write(b"new")
        assert p.read_bytes() == b"new"
        assert p.stat().st_mode & 0o777 == 0o640
        assert os.listdir(tmp_path) == ["a.bin"]

    def test_text_mode_is_utf8(self, tmp_path):
        p = tmp_path / "a.txt"
        with atomic_write(p, "w") as f:
            f.write("客服")
        assert p.read_bytes() == "客服".encode("utf-8")

    def test_body_raises_old_file_whole(self, tmp_path):
        p = tmp_path / "a.xlsx"
        p.write_bytes(b"old content")
        with pytest.raises(ZeroDivisionError):
            with atomic_write(p) as f:
                f.write(b"half")
                1 / 0
        assert p.read_bytes() == b"old content"
        assert os.listdir(tmp_path) == ["a.xlsx"]

    def test_replace_fails_no_temp_left(self, tmp_path, monkeypatch):
        p = tmp_path / "a.xlsx"
        p.write_bytes(b"old")

        def refuse(src, dst):
            raise PermissionError(13, "denied")

        monkeypatch.setattr(os, "replace", refuse)
        with pytest.raises(PermissionError):
            with atomic_write(p) as f:
                f.write(b"new")
        assert p.read_bytes() == b"old"
        assert os.listdir(tmp_path) == ["a.xlsx"]

    def test_parent_is_a_file(self, tmp_path):
        blocker = tmp_path / "file"
        blocker.write_bytes(b"x")
        with pytest.raises(OSError):
            with atomic_write(blocker / "a.xlsx") as f:
                f.write(b"new")
        assert os.listdir(tmp_path) == ["file"]

    def test_bad_mode(self, tmp_path):
        with pytest.raises(ValueError):
            with atomic_write(tmp_path / "a", "rb"):
                pass


def test_atomic_save_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "客服"
    p = tmp_path / "out.xlsx"
    p.write_bytes(b"old")
    assert atomic_save_workbook(wb, p) == p
    assert openpyxl.load_workbook(p).active["A1"].value == "客服"
    assert os.listdir(tmp_path) == ["out.xlsx"]
    assert check_spreadsheet_file(p) == []


def test_atomic_save_workbook_failure_keeps_old(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    p = tmp_path / "out.xlsx"
    p.write_bytes(b"old")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wb, "save", boom)
    with pytest.raises(OSError):
        atomic_save_workbook(wb, p)
    assert p.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.xlsx"]


# ---------------------------------------------------------------- folder lock

HOLDER = textwrap.dedent(
    """
    import sys
    from cskpi_xl.safety import FolderLock
    with FolderLock(sys.argv[1]):
        print("locked", flush=True)
        sys.stdin.read()
    """
)


class TestFolderLock:
    def test_sequential_use(self, tmp_path):
        with FolderLock(tmp_path):
            assert (tmp_path / ".cskpi.lock").exists()
        with FolderLock(tmp_path):
            pass

    def test_same_process_second_lock_is_busy(self, tmp_path):
        with FolderLock(tmp_path):
            with pytest.raises(FolderBusy):
                with FolderLock(tmp_path):
                    pass

    def test_other_process_holds_it(self, tmp_path):
        child = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "locked"
            with pytest.raises(FolderBusy) as info:
                with FolderLock(tmp_path):
                    pass
            message = str(info.value)
            assert f"文件夹 {tmp_path} 正在被另一个批量任务使用" in message
            assert "请等待它结束后再运行" in message
            assert f"进程 {child.pid}" in message
            assert isinstance(info.value, RuntimeError)
            start = time.monotonic()
            with pytest.raises(FolderBusy):
                with FolderLock(tmp_path, wait_seconds=0.3):
                    pass
            assert time.monotonic() - start >= 0.3
        finally:
            child.stdin.close()
            child.wait(timeout=20)
        with FolderLock(tmp_path, wait_seconds=5):
            pass

    def test_wait_until_released(self, tmp_path):
        child = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "locked"
        child.stdin.close()  # the holder finishes shortly
        with FolderLock(tmp_path, wait_seconds=20):
            pass
        child.wait(timeout=20)


# ---------------------------------------------------------------- spreadsheet pre-check


def make_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "客服"
    wb.active["B1"] = 3
    wb.save(path)
    return path


def replace_part(src: Path, dst: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == name else zin.read(info))
    return dst


def make_cfb(stream_names: list[str]) -> bytes:
    """A minimal OLE compound file: header, one FAT sector, one directory sector."""
    header = bytearray(512)
    header[0:8] = safety.OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x2C, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0, 0)
    header[0x4C:0x200] = b"\xff" * (0x200 - 0x4C)
    struct.pack_into("<I", header, 0x4C, 0)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    directory = bytearray()
    for i, name in enumerate(["Root Entry"] + stream_names[:3]):
        entry = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entry[0:len(raw)] = raw
        struct.pack_into("<HBB", entry, 64, len(raw), 5 if i == 0 else 2, 1)
        struct.pack_into("<III", entry, 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if i == 0 else 0xFFFFFFFF)
        directory += entry
    directory += b"\x00" * (512 - len(directory))
    return bytes(header + fat + directory)


def messages(problems):
    return [p.message for p in problems]


ENCRYPTED = "文件已加密（设置了打开密码），请在 Excel 中取消密码后另存为 .xlsx 再导入"
CORRUPT = "文件已损坏（zip 结构不完整，可能没有下载完或保存中断），请重新导出"


class TestCheckSpreadsheetFile:
    def test_success(self, tmp_path):
        assert check_spreadsheet_file(make_xlsx(tmp_path / "ok.xlsx")) == []
        (tmp_path / "ok.csv").write_text("客服,接待量\n小王,3\n", encoding="utf-8")
        assert check_spreadsheet_file(tmp_path / "ok.csv") == []

    def test_missing_and_empty(self, tmp_path):
        assert messages(check_spreadsheet_file(tmp_path / "no.xlsx")) == ["文件不存在"]
        (tmp_path / "empty.xlsx").write_bytes(b"")
        [p] = check_spreadsheet_file(tmp_path / "empty.xlsx")
        assert p.message == "文件是空的（0 字节），可能没有下载或保存完整"
        assert p.file == str(tmp_path / "empty.xlsx") and p.message_en and p.is_error
        assert messages(check_spreadsheet_file(tmp_path)) == ["不是一个文件（可能是文件夹）"]

    def test_pdf_renamed(self, tmp_path):
        (tmp_path / "r.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
        assert messages(check_spreadsheet_file(tmp_path / "r.xlsx")) == [
            "这是 PDF 文件，不是表格；请导入后台导出的原始 .xlsx / .xls / .csv 文件"]

    def test_encrypted_ooxml(self, tmp_path):
        cfb = make_cfb(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])
        for name in ["enc.xlsx", "enc.xlsm"]:
            (tmp_path / name).write_bytes(cfb)
            [p] = check_spreadsheet_file(tmp_path / name)
            assert p.message == ENCRYPTED
            assert p.message_en.startswith("the file is encrypted")
        # OLE magic with unreadable directory: still reported as encrypted
        (tmp_path / "bare.xlsx").write_bytes(safety.OLE_MAGIC + b"\x00" * 600)
        assert messages(check_spreadsheet_file(tmp_path / "bare.xlsx")) == [ENCRYPTED]

    def test_ole_named_xls_is_fine(self, tmp_path):
        (tmp_path / "old.xls").write_bytes(make_cfb(["Workbook"]))
        assert check_spreadsheet_file(tmp_path / "old.xls") == []

    def test_old_xls_renamed_xlsx(self, tmp_path):
        (tmp_path / "old.xlsx").write_bytes(make_cfb(["Workbook", "\x05SummaryInformation"]))
        assert messages(check_spreadsheet_file(tmp_path / "old.xlsx")) == [
            "这是旧版 .xls 文件，但扩展名是 .xlsx；请在 Excel 中打开后另存为 .xlsx 再导入"]

    def test_not_a_zip(self, tmp_path):
        (tmp_path / "t.xlsx").write_bytes(b"just some text")
        (tmp_path / "h.xlsx").write_bytes(b"<html><table><tr><td>1</td></tr></table></html>")
        assert messages(check_spreadsheet_file(tmp_path / "t.xlsx")) == ["文件不是有效的 .xlsx（不是 zip 格式），可能已损坏或扩展名不对"]
        assert messages(check_spreadsheet_file(tmp_path / "h.xlsx")) == [
            "文件不是真正的 .xlsx（内容是网页/HTML 或 XML）；请在 Excel 中打开后另存为 .xlsx 再导入"]

    def test_truncated_zip(self, tmp_path):
        data = make_xlsx(tmp_path / "ok.xlsx").read_bytes()
        for cut in (len(data) // 2, len(data) - 10, 100):
            (tmp_path / "cut.xlsx").write_bytes(data[:cut])
            assert messages(check_spreadsheet_file(tmp_path / "cut.xlsx")) == [CORRUPT]

    def test_corrupt_member(self, tmp_path):
        data = bytearray(make_xlsx(tmp_path / "ok.xlsx").read_bytes())
        with zipfile.ZipFile(tmp_path / "ok.xlsx") as z:
            info = z.getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data[start:start + 40] = b"\xff" * 40  # garbage in the deflate stream
        (tmp_path / "bad.xlsx").write_bytes(bytes(data))
        assert messages(check_spreadsheet_file(tmp_path / "bad.xlsx")) == [CORRUPT]

    def test_zip_without_content_types(self, tmp_path):
        with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as z:
            z.writestr("报表.xlsx", b"x")
        assert messages(check_spreadsheet_file(tmp_path / "a.xlsx")) == [
            "这是一个 zip 压缩包，不是 Excel 工作簿；请先解压，导入里面的表格文件"]

    def test_csv_that_is_a_workbook(self, tmp_path):
        make_xlsx(tmp_path / "x.csv")
        assert messages(check_spreadsheet_file(tmp_path / "x.csv")) == [
            "扩展名是 .csv，但内容是 zip / .xlsx 工作簿；请把扩展名改为 .xlsx"]

    def test_zip_bomb_300mb(self, tmp_path):
        bomb = tmp_path / "bomb.xlsx"
        chunk = b"\x00" * (1024 * 1024)
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
                for _ in range(300):
                    f.write(chunk)
        assert bomb.stat().st_size < 3 * 1024 * 1024
        start = time.monotonic()
        [p] = check_spreadsheet_file(bomb)
        assert time.monotonic() - start < 1.0
        assert p.message == "文件解压后过大（约 300 MB，上限 200 MB），疑似压缩炸弹，已拒绝读取"
        assert p.value == 300 * 1024 * 1024 + len(b"<Types/>")

    def test_zip_bomb_limits_by_parameter(self, tmp_path):
        bomb = tmp_path / "b.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            z.writestr("xl/big.xml", b"<a/>" + b" " * (2 * 1024 * 1024))
        assert check_spreadsheet_file(bomb) == []
        assert "疑似压缩炸弹" in check_spreadsheet_file(bomb, max_uncompressed=1024 * 1024)[0].message

    def test_compression_ratio(self, tmp_path):
        bomb = tmp_path / "r.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            z.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * (20 * 1024 * 1024))
        [p] = check_spreadsheet_file(bomb)
        assert p.message.startswith("文件压缩比异常（") and p.message.endswith("倍，上限 200 倍），疑似压缩炸弹，已拒绝读取")
        assert check_spreadsheet_file(bomb, max_ratio=1e9) == []

    def test_too_many_entries(self, tmp_path):
        many = tmp_path / "m.xlsx"
        with zipfile.ZipFile(many, "w") as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            for i in range(30):
                z.writestr(f"xl/p{i}.bin", b"")
        assert check_spreadsheet_file(many) == []
        assert messages(check_spreadsheet_file(many, max_entries=10)) == [
            "文件内部条目过多（31 个，上限 10），疑似恶意构造的压缩包，已拒绝读取"]

    LAUGHS = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
        + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )

    def test_billion_laughs(self, tmp_path):
        ok = make_xlsx(tmp_path / "ok.xlsx")
        bomb = replace_part(ok, tmp_path / "lol.xlsx", "xl/worksheets/sheet1.xml", self.LAUGHS.encode("utf-8"))
        [p] = check_spreadsheet_file(bomb)
        assert p.message == ("文件内部的 XML 部件 xl/worksheets/sheet1.xml 含有 DTD/实体声明（真正的 Excel 文件不会有），"
                             "疑似恶意构造（XML 炸弹），已拒绝读取")
        assert p.value == "xl/worksheets/sheet1.xml"

    def test_billion_laughs_utf16_and_odd_part_name(self, tmp_path):
        ok = make_xlsx(tmp_path / "ok.xlsx")
        text = self.LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
        bomb = replace_part(ok, tmp_path / "u16.xlsx", "xl/worksheets/sheet1.xml", b"\xff\xfe" + text.encode("utf-16-le"))
        assert "XML 炸弹" in check_spreadsheet_file(bomb)[0].message
        with zipfile.ZipFile(ok) as zin, zipfile.ZipFile(tmp_path / "odd.xlsx", "w") as zout:
            for info in zin.infolist():
                zout.writestr(info, zin.read(info))
            zout.writestr("xl/worksheets/sheet9.dat", self.LAUGHS.encode("utf-8"))
        assert check_spreadsheet_file(tmp_path / "odd.xlsx")[0].value == "xl/worksheets/sheet9.dat"

    def test_dtd_hidden_after_long_comment(self, tmp_path):
        ok = make_xlsx(tmp_path / "ok.xlsx")
        text = '<?xml version="1.0"?><!--' + "x" * 100_000 + "-->" + self.LAUGHS.split("?>", 1)[1]
        bomb = replace_part(ok, tmp_path / "c.xlsx", "xl/worksheets/sheet1.xml", text.encode("utf-8"))
        [p] = check_spreadsheet_file(bomb)
        assert p.message.startswith("文件内部的 XML 部件 xl/worksheets/sheet1.xml 开头异常")

    def test_big_real_sheet_is_fast(self, tmp_path):
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("数据")
        for i in range(30_000):
            ws.append([f"客服{i}", i, i * 0.5, "备注文本"])
        path = tmp_path / "big.xlsx"
        wb.save(path)
        start = time.monotonic()
        assert check_spreadsheet_file(path) == []
        assert time.monotonic() - start < 0.5

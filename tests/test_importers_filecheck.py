"""The one check of an input file before a reader opens it (cskpi_xl/importers/filecheck.py)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl

from cskpi_xl.importers.filecheck import OLE_MAGIC, check_file

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
    header[0:8] = OLE_MAGIC
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


def found(path, **limits):
    """The problems :func:`check_file` finds (the kind is None exactly when there is one)."""
    kind, problems = check_file(path, **limits)
    assert (kind is None) == bool(problems)
    return problems


def messages(problems):
    return [p.message for p in problems]


ENCRYPTED = "文件已加密（设置了打开密码），请在 Excel 中取消密码后另存为 .xlsx 再导入"
CORRUPT = "文件已损坏（zip 结构不完整，可能没有下载完或保存中断），请重新导出"


class TestCheckFile:
    def test_success(self, tmp_path):
        assert check_file(make_xlsx(tmp_path / "ok.xlsx")) == ("xlsx", [])
        (tmp_path / "ok.csv").write_text("客服,接待量\n小王,3\n", encoding="utf-8")
        assert check_file(tmp_path / "ok.csv") == ("csv", [])

    def test_missing_and_empty(self, tmp_path):
        assert messages(found(tmp_path / "no.xlsx")) == ["文件不存在"]
        (tmp_path / "empty.xlsx").write_bytes(b"")
        [p] = found(tmp_path / "empty.xlsx")
        assert p.message == "文件是空的（0 字节），可能没有下载或保存完整"
        assert p.file == str(tmp_path / "empty.xlsx") and p.message_en and p.is_error
        # the one message for a folder (the importer's old pre-check said 不是一个文件（可能是文件夹）)
        assert messages(found(tmp_path)) == ["这是一个文件夹，不是文件"]

    def test_pdf_renamed(self, tmp_path):
        (tmp_path / "r.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
        assert messages(found(tmp_path / "r.xlsx")) == [
            "这是 PDF 文件，不是表格；请导入后台导出的原始 .xlsx / .xls / .csv 文件"]

    def test_encrypted_ooxml(self, tmp_path):
        cfb = make_cfb(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])
        for name in ["enc.xlsx", "enc.xlsm"]:
            (tmp_path / name).write_bytes(cfb)
            [p] = found(tmp_path / name)
            assert p.message == ENCRYPTED
            assert p.message_en.startswith("the file is encrypted")
        # OLE magic with unreadable directory: still reported as encrypted
        (tmp_path / "bare.xlsx").write_bytes(OLE_MAGIC + b"\x00" * 600)
        assert messages(found(tmp_path / "bare.xlsx")) == [ENCRYPTED]

    def test_ole_named_xls_is_fine(self, tmp_path):
        (tmp_path / "old.xls").write_bytes(make_cfb(["Workbook"]))
        assert check_file(tmp_path / "old.xls") == ("xls", [])

    def test_old_xls_renamed_xlsx(self, tmp_path):
        (tmp_path / "old.xlsx").write_bytes(make_cfb(["Workbook", "\x05SummaryInformation"]))
        assert messages(found(tmp_path / "old.xlsx")) == [
            "这是旧版 .xls 文件，但扩展名是 .xlsx；请在 Excel 中打开后另存为 .xlsx 再导入"]

    def test_not_a_zip(self, tmp_path):
        (tmp_path / "t.xlsx").write_bytes(b"just some text")
        (tmp_path / "h.xlsx").write_bytes(b"<html><table><tr><td>1</td></tr></table></html>")
        assert messages(found(tmp_path / "t.xlsx")) == ["文件不是有效的 .xlsx（不是 zip 格式），可能已损坏或扩展名不对"]
        assert messages(found(tmp_path / "h.xlsx")) == [
            "文件不是真正的 .xlsx（内容是网页/HTML 或 XML）；请在 Excel 中打开后另存为 .xlsx 再导入"]

    def test_truncated_zip(self, tmp_path):
        data = make_xlsx(tmp_path / "ok.xlsx").read_bytes()
        for cut in (len(data) // 2, len(data) - 10, 100):
            (tmp_path / "cut.xlsx").write_bytes(data[:cut])
            assert messages(found(tmp_path / "cut.xlsx")) == [CORRUPT]

    def test_corrupt_member(self, tmp_path):
        data = bytearray(make_xlsx(tmp_path / "ok.xlsx").read_bytes())
        with zipfile.ZipFile(tmp_path / "ok.xlsx") as z:
            info = z.getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data[start:start + 40] = b"\xff" * 40  # garbage in the deflate stream
        (tmp_path / "bad.xlsx").write_bytes(bytes(data))
        assert messages(found(tmp_path / "bad.xlsx")) == [CORRUPT]

    def test_zip_without_content_types(self, tmp_path):
        with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as z:
            z.writestr("报表.xlsx", b"x")
        assert messages(found(tmp_path / "a.xlsx")) == [
            "这是一个 zip 压缩包，不是 Excel 工作簿；请先解压，导入里面的表格文件"]

    def test_password_protected_entry(self, tmp_path):
        # told by the entry's "encrypted" flag bit, before any reader is asked (and its English text parsed)
        data = bytearray(make_xlsx(tmp_path / "ok.xlsx").read_bytes())
        name = b"xl/worksheets/sheet1.xml"
        with zipfile.ZipFile(tmp_path / "ok.xlsx") as z:
            local = z.getinfo(name.decode()).header_offset
        central = data.find(b"PK\x01\x02")  # the central directory entry that names the sheet …
        while data[central + 46:central + 46 + len(name)] != name:
            central = data.find(b"PK\x01\x02", central + 4)
        data[local + 6] |= 0x1  # … and the local header: set the entry's "encrypted" bit in both
        data[central + 8] |= 0x1
        (tmp_path / "pw.xlsx").write_bytes(bytes(data))
        with zipfile.ZipFile(tmp_path / "pw.xlsx") as z:
            assert z.getinfo(name.decode()).flag_bits & 0x1
        [p] = found(tmp_path / "pw.xlsx")
        assert (p.message, p.message_en) == ("文件内部的压缩包设置了密码，无法读取",
                                             "the zip inside is password-protected and cannot be read")

    def test_csv_that_is_a_workbook(self, tmp_path):
        make_xlsx(tmp_path / "x.csv")
        assert messages(found(tmp_path / "x.csv")) == [
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
        [p] = found(bomb)
        assert p.message == "文件解压后过大（约 300 MB，上限 200 MB），疑似压缩炸弹，已拒绝读取"
        assert p.value == 300 * 1024 * 1024 + len(b"<Types/>")

    def test_zip_bomb_limits_by_parameter(self, tmp_path):
        bomb = tmp_path / "b.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            z.writestr("xl/big.xml", b"<a/>" + b" " * (2 * 1024 * 1024))
        assert found(bomb) == []
        assert "疑似压缩炸弹" in found(bomb, max_uncompressed=1024 * 1024)[0].message

    def test_compression_ratio(self, tmp_path):
        bomb = tmp_path / "r.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            z.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * (20 * 1024 * 1024))
        [p] = found(bomb)
        assert p.message.startswith("文件压缩比异常（") and p.message.endswith("倍，上限 200 倍），疑似压缩炸弹，已拒绝读取")
        assert found(bomb, max_ratio=1e9) == []

    def test_too_many_entries(self, tmp_path):
        many = tmp_path / "m.xlsx"
        with zipfile.ZipFile(many, "w") as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            for i in range(30):
                z.writestr(f"xl/p{i}.bin", b"")
        assert found(many) == []
        assert messages(found(many, max_entries=10)) == [
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
        [p] = found(bomb)
        assert p.message == ("文件内部的 XML 部件 xl/worksheets/sheet1.xml 含有 DTD/实体声明（真正的 Excel 文件不会有），"
                             "疑似恶意构造（XML 炸弹），已拒绝读取")
        assert p.value == "xl/worksheets/sheet1.xml"

    def test_billion_laughs_utf16_and_odd_part_name(self, tmp_path):
        ok = make_xlsx(tmp_path / "ok.xlsx")
        text = self.LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
        bomb = replace_part(ok, tmp_path / "u16.xlsx", "xl/worksheets/sheet1.xml", b"\xff\xfe" + text.encode("utf-16-le"))
        assert "XML 炸弹" in found(bomb)[0].message
        with zipfile.ZipFile(ok) as zin, zipfile.ZipFile(tmp_path / "odd.xlsx", "w") as zout:
            for info in zin.infolist():
                zout.writestr(info, zin.read(info))
            zout.writestr("xl/worksheets/sheet9.dat", self.LAUGHS.encode("utf-8"))
        assert found(tmp_path / "odd.xlsx")[0].value == "xl/worksheets/sheet9.dat"

    def test_dtd_hidden_after_long_comment(self, tmp_path):
        ok = make_xlsx(tmp_path / "ok.xlsx")
        text = '<?xml version="1.0"?><!--' + "x" * 100_000 + "-->" + self.LAUGHS.split("?>", 1)[1]
        bomb = replace_part(ok, tmp_path / "c.xlsx", "xl/worksheets/sheet1.xml", text.encode("utf-8"))
        [p] = found(bomb)
        assert p.message.startswith("文件内部的 XML 部件 xl/worksheets/sheet1.xml 开头异常")

    def test_big_real_sheet_passes(self, tmp_path):
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("数据")
        for i in range(30_000):
            ws.append([f"客服{i}", i, i * 0.5, "备注文本"])
        path = tmp_path / "big.xlsx"
        wb.save(path)
        assert check_file(path) == ("xlsx", [])


class TestKinds:
    """The kind comes from the bytes, whatever the name says (what the importer's own sniffing did)."""

    def test_text_files(self, tmp_path):
        (tmp_path / "a.txt").write_bytes("客服昵称\t询单人数\n小美\t3\n".encode("utf-16"))
        (tmp_path / "b.xls").write_bytes(b"\xef\xbb\xbf  <html><table><tr><td>1</td></tr></table></html>")
        (tmp_path / "c.xls").write_bytes(b"<?xml version='1.0'?><Workbook/>")
        (tmp_path / "d.csv").write_bytes("客服昵称,询单人数\n小美,3\n".encode("gbk"))
        assert [check_file(tmp_path / n).kind for n in ("a.txt", "b.xls", "c.xls", "d.csv")] == [
            "csv", "html", "html", "csv"]

    def test_zip_and_ole_whatever_the_name(self, tmp_path):
        make_xlsx(tmp_path / "wb.xls")
        (tmp_path / "old.dat").write_bytes(make_cfb(["Workbook"]))
        assert check_file(tmp_path / "wb.xls") == ("xlsx", [])
        assert check_file(tmp_path / "old.dat") == ("xls", [])

    def test_blank_only_is_empty(self, tmp_path):
        (tmp_path / "b.csv").write_bytes(b"\xef\xbb\xbf \r\n\t\n")
        [p] = found(tmp_path / "b.csv")
        assert (p.message, p.message_en) == ("文件是空的（只有空白，没有内容）", "the file is empty (blanks only)")

    def test_binary_garbage(self, tmp_path):
        (tmp_path / "g.csv").write_bytes(b"GIF89a\x00\x01\x02" * 20)
        assert messages(found(tmp_path / "g.csv")) == ["文件已损坏或不是表格文件（无法识别的二进制内容）"]

    def test_encrypted_workbook_named_xls(self, tmp_path):
        # an encrypted .xlsx saved as .xls: an OLE file with an EncryptionInfo stream; a plain old .xls passes
        (tmp_path / "enc.xls").write_bytes(make_cfb(["EncryptionInfo", "EncryptedPackage"]))
        assert messages(found(tmp_path / "enc.xls")) == [ENCRYPTED]

    def test_old_workbook_named_csv(self, tmp_path):
        (tmp_path / "old.csv").write_bytes(make_cfb(["Workbook"]))
        assert messages(found(tmp_path / "old.csv")) == ["扩展名是 .csv，但内容是旧版 Excel 工作簿；请把扩展名改为 .xls"]


class TestOneChecker:
    """The importer, the adopter and the other commands all tell a bad file with these same messages."""

    def test_read_table_says_what_the_check_says(self, tmp_path):
        from cskpi_xl.importers.read import read_table

        (tmp_path / "r.xlsx").write_bytes(b"%PDF-1.7\n")
        (tmp_path / "enc.xls").write_bytes(make_cfb(["EncryptionInfo", "EncryptedPackage"]))
        (tmp_path / "e.csv").write_bytes(b"")
        for f in (tmp_path / "r.xlsx", tmp_path / "enc.xls", tmp_path / "e.csv", tmp_path / "no.csv", tmp_path):
            assert read_table(f) == ([], check_file(f).problems), f
        assert messages(check_file(tmp_path / "enc.xls").problems) == [ENCRYPTED]

    def test_adopt_says_what_the_check_says(self, tmp_path):
        from cskpi_xl.adopt.grid import read_grids

        (tmp_path / "enc.xls").write_bytes(make_cfb(["EncryptionInfo", "EncryptedPackage"]))
        assert read_grids(tmp_path / "enc.xls") == ([], "", check_file(tmp_path / "enc.xls").problems)

"""The one check of an input file before any reader opens it: what kind it is, or why it cannot be read.

Real exports are often misnamed and sometimes hostile: a PDF renamed to
``.xlsx``, an encrypted workbook, an old ``.xls`` renamed, a truncated
download, a zip bomb, an XML part carrying a DTD (the "billion laughs"). The
kind is told by the first bytes, not the name. :func:`check_file` answers
``FileCheck(kind, problems)``: ``kind`` is ``"xlsx"``, ``"xls"``, ``"csv"`` or
``"html"``, or None with one Chinese problem naming the file. It reads only
the first bytes and, for a zip, the central directory and a bounded prefix
(64 KB) of each XML part, so it is fast and small even on a hostile file. Pure
standard library: no Excel library is imported here.

>>> check_file("/nonexistent/a.xlsx").problems[0].message
'文件不存在'
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import NamedTuple

from cskpi_xl.core.problems import Problem
from cskpi_xl.files.oserrors import os_reason

__all__ = ["check_file", "FileCheck", "ENCRYPTED", "OLE_MAGIC"]

MB = 1024 * 1024
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OOXML_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
XML_PREFIX_BYTES = 64 * 1024
_XML_NAME = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_DTD_MARKS = tuple(
    mark.encode(enc)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("utf-8", "utf-16-le", "utf-16-be")
)

_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_HTML_STARTS = (b"<html", b"<table", b"<!doctype", b"<meta", b"<?xml", b"<head")
#: What an encrypted workbook is told, by this check and by a reader that meets a password.
ENCRYPTED = (
    "文件已加密（设置了打开密码），请在 Excel 中取消密码后另存为 .xlsx 再导入",
    "the file is encrypted (password to open); remove the password in Excel and save as .xlsx",
)


class FileCheck(NamedTuple):
    """What :func:`check_file` found.

    Attributes:
      kind: ``"xlsx"`` (a zip), ``"xls"`` (an old Excel file), ``"csv"`` (text) or ``"html"`` (a web
        page saved as ``.xls``); None when the file must not be read.
      problems: why it must not be read (one error), or ``[]``.
    """

    kind: str | None
    problems: list[Problem]


def _problem(path: Path, zh: str, en: str, value=None) -> Problem:
    return Problem(zh, en, file=str(path), value=value)


def _refused(path: Path, zh: str, en: str) -> FileCheck:
    return FileCheck(None, [_problem(path, zh, en)])


def check_file(
    path,
    max_uncompressed: int = 200 * MB,
    max_ratio: float = 200,
    max_entries: int = 10000,
) -> FileCheck:
    """The kind of ``path`` from its bytes, or the one problem that makes it unsafe or pointless to read.

    Refused: a missing file, a folder, an empty file (0 bytes or blanks
    only); a PDF; an OLE file named ``.xlsx`` (encrypted, or an old ``.xls``
    renamed) and an encrypted workbook named ``.xls``; a ``.xlsx`` that is
    not a zip (HTML, text), a ``.csv`` that is a workbook; a truncated or
    corrupt zip; a zip bomb (more than ``max_uncompressed`` bytes once
    unpacked, a compression ratio above ``max_ratio`` with more than 10 MB
    unpacked, or more than ``max_entries`` entries); an XML part carrying a
    DTD (a real xlsx never has one); other binary content.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("客服,接待人数\\n小美,3\\n", encoding="utf-8")
    >>> check_file(d / "a.csv")
    FileCheck(kind='csv', problems=[])
    >>> check_file(d).problems[0].message
    '这是一个文件夹，不是文件'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if not path.exists():
            return _refused(path, "文件不存在", "file does not exist")
        if path.is_dir():
            return _refused(path, "这是一个文件夹，不是文件", "this is a folder, not a file")
        if not path.is_file():
            return _refused(path, "不是一个普通文件（可能是设备或管道）", "not a regular file (a device or a pipe?)")
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        return _refused(path, f"文件无法读取：{os_reason(exc)[0]}", f"cannot read the file: {exc}")
    if size == 0:
        return _refused(path, "文件是空的（0 字节），可能没有下载或保存完整", "the file is empty (0 bytes)")
    if head.startswith(b"%PDF"):
        return _refused(
            path,
            "这是 PDF 文件，不是表格；请导入后台导出的原始 .xlsx / .xls / .csv 文件",
            "this is a PDF, not a spreadsheet; import the original .xlsx/.xls/.csv export",
        )
    if head.startswith(OLE_MAGIC):
        return _check_ole(path, suffix, head)
    if head.startswith(ZIP_MAGICS):
        if suffix == ".csv":
            return _refused(
                path,
                "扩展名是 .csv，但内容是 zip / .xlsx 工作簿；请把扩展名改为 .xlsx",
                "named .csv but the content is a zip/.xlsx workbook; rename it to .xlsx",
            )
        problems = _check_zip(path, suffix, size, max_uncompressed, max_ratio, max_entries)
        return FileCheck(None if problems else "xlsx", problems)
    if suffix in OOXML_SUFFIXES:
        if head.lstrip()[:1] == b"<":
            return _refused(
                path,
                "文件不是真正的 .xlsx（内容是网页/HTML 或 XML）；请在 Excel 中打开后另存为 .xlsx 再导入",
                "not a real .xlsx (the content is HTML/XML); open it in Excel and save as .xlsx",
            )
        return _refused(
            path,
            "文件不是有效的 .xlsx（不是 zip 格式），可能已损坏或扩展名不对",
            "not a valid .xlsx (not a zip file): damaged or wrongly named",
        )
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        return _refused(path, "文件是空的（只有空白，没有内容）", "the file is empty (blanks only)")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _refused(path, "文件已损坏或不是表格文件（无法识别的二进制内容）",
                        "the file is damaged or not a spreadsheet (unrecognised binary content)")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_HTML_STARTS):
        return FileCheck("html", [])
    return FileCheck("csv", [])


def _check_ole(path: Path, suffix: str, head: bytes) -> FileCheck:
    """An OLE (CFB) file: an old ``.xls`` passes; encrypted or misnamed ones are refused."""
    if suffix in OOXML_SUFFIXES:
        if _ole_kind(path, head) == "xls":
            return _refused(
                path,
                "这是旧版 .xls 文件，但扩展名是 .xlsx；请在 Excel 中打开后另存为 .xlsx 再导入",
                "this is an old .xls file named .xlsx; open it in Excel and save as .xlsx",
            )
        return _refused(path, *ENCRYPTED)
    if suffix == ".csv":
        return _refused(
            path,
            "扩展名是 .csv，但内容是旧版 Excel 工作簿；请把扩展名改为 .xls",
            "named .csv but the content is an old Excel workbook; rename it to .xls",
        )
    try:
        with path.open("rb") as f:
            body = f.read(4 * MB)  # an encrypted .xlsx saved as .xls carries an EncryptionInfo stream
    except OSError as exc:
        return _refused(path, f"文件无法读取：{os_reason(exc)[0]}", f"cannot read the file: {exc}")
    if _ENCRYPTION_INFO in body:
        return _refused(path, *ENCRYPTED)
    return FileCheck("xls", [])


def _ole_kind(path: Path, head: bytes) -> str:
    """``"encrypted"``, ``"xls"`` or ``"unknown"``: what an OLE (CFB) file holds.

    Reads only the header and a bounded window from the first directory
    sector: an encrypted Office 2007+ file has an ``EncryptedPackage``
    stream, an old Excel file a ``Workbook`` (or ``Book``) stream.
    """
    windows = [head]
    if len(head) >= 0x34:
        shift = int.from_bytes(head[0x1E:0x20], "little")
        first_dir = int.from_bytes(head[0x30:0x34], "little")
        if 7 <= shift <= 16 and first_dir < 0xFFFFFFFA:
            sector = 1 << shift
            with path.open("rb") as f:
                f.seek((first_dir + 1) * sector)
                windows.append(f.read(XML_PREFIX_BYTES))
    blob = b"".join(windows)
    if "EncryptedPackage".encode("utf-16-le") in blob:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in blob or "Book\x00".encode("utf-16-le") in blob:
        return "xls"
    return "unknown"


def _xml_prolog_problem(prefix: bytes, complete: bool) -> str | None:
    """Why an XML part's opening is refused (``"dtd"`` or ``"long"``), or None.

    Refuses any DTD (``<!DOCTYPE``/``<!ENTITY``, in UTF-8 or UTF-16) in the
    prefix, and a prefix cut off before the root element starts (a DTD could
    hide behind a long comment). ``complete`` says the prefix is the whole part.
    """
    if any(mark in prefix for mark in _DTD_MARKS):
        return "dtd"
    if prefix.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in prefix[:4]:
        big = prefix.startswith(b"\xfe\xff") or prefix[:1] == b"\x00"
        text = prefix.decode("utf-16-be" if big else "utf-16-le", errors="replace")
    else:
        text = prefix.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return None if complete else "long"
        if text.startswith("<?", i):
            j = text.find("?>", i)
        elif text.startswith("<!--", i):
            j = text.find("-->", i)
        elif text.startswith("<!", i):
            return "dtd"
        else:
            return None  # the root element (or not XML at all: the reader will say so)
        if j < 0:
            return None if complete else "long"
        i = j + 2

def _check_zip(path: Path, suffix: str, size: int, max_uncompressed: int,
               max_ratio: float, max_entries: int) -> list[Problem]:
    corrupt = _problem(
        path,
        "文件已损坏（zip 结构不完整，可能没有下载完或保存中断），请重新导出",
        "the file is damaged (incomplete zip: truncated download or interrupted save); export it again",
    )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        return [corrupt]
    with zf:
        infos = zf.infolist()
        if len(infos) > max_entries:
            return [_problem(
                path,
                f"文件内部条目过多（{len(infos)} 个，上限 {max_entries}），疑似恶意构造的压缩包，已拒绝读取",
                f"too many entries inside ({len(infos)}, limit {max_entries}): looks like a zip bomb; refused",
                value=len(infos),
            )]
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > max_uncompressed:
            return [_problem(
                path,
                f"文件解压后过大（约 {total // MB} MB，上限 {max_uncompressed // MB} MB），疑似压缩炸弹，已拒绝读取",
                f"too large once unpacked (about {total // MB} MB, limit {max_uncompressed // MB} MB): "
                "looks like a zip bomb; refused",
                value=total,
            )]
        ratio = total / max(packed, 1)
        if total > 10 * MB and ratio > max_ratio:
            return [_problem(
                path,
                f"文件压缩比异常（{ratio:.0f} 倍，上限 {max_ratio:g} 倍），疑似压缩炸弹，已拒绝读取",
                f"abnormal compression ratio ({ratio:.0f}x, limit {max_ratio:g}x): looks like a zip bomb; refused",
                value=round(ratio),
            )]
        names = {i.filename.lower() for i in infos}
        if suffix in OOXML_SUFFIXES and "[content_types].xml" not in names:
            return [_problem(
                path,
                "这是一个 zip 压缩包，不是 Excel 工作簿；请先解压，导入里面的表格文件",
                "this is a zip archive, not an Excel workbook; unpack it and import the spreadsheet inside",
            )]
        if suffix in OOXML_SUFFIXES and not any(n.startswith("xl/") for n in names):
            return [_problem(
                path,
                "这是另一种 Office 文件（如 Word、PowerPoint），不是 Excel 工作簿；请在 Excel 中打开正确的表格另存为 .xlsx",
                "this is another kind of Office file (Word, PowerPoint …), not an Excel workbook",
            )]
        for info in infos:
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:  # the entry is encrypted (the zip format's own flag, not the reader's text)
                return [_problem(
                    path,
                    "文件内部的压缩包设置了密码，无法读取",
                    "the zip inside is password-protected and cannot be read",
                )]
            try:
                with zf.open(info) as part:
                    if _XML_NAME.search(info.filename):
                        prefix = part.read(XML_PREFIX_BYTES)
                    else:
                        prefix = part.read(16)
                        if prefix.lstrip()[:1] == b"<" or prefix.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
                            prefix += part.read(XML_PREFIX_BYTES - len(prefix))
                        else:
                            continue
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
                return [corrupt]
            except Exception:  # zlib.error and friends
                return [corrupt]
            why = _xml_prolog_problem(prefix, complete=len(prefix) < XML_PREFIX_BYTES)
            if why == "long":
                return [_problem(
                    path,
                    f"文件内部的 XML 部件 {info.filename} 开头异常（64 KB 内没有出现正文），疑似恶意构造，已拒绝读取",
                    f"XML part {info.filename} has no root element within its first 64 KB: "
                    "looks maliciously crafted; refused",
                    value=info.filename,
                )]
            if why:
                return [_problem(
                    path,
                    f"文件内部的 XML 部件 {info.filename} 含有 DTD/实体声明（真正的 Excel 文件不会有），"
                    "疑似恶意构造（XML 炸弹），已拒绝读取",
                    f"XML part {info.filename} declares a DTD/entities (real Excel files never do): "
                    "looks like an XML bomb; refused",
                    value=info.filename,
                )]
    return []

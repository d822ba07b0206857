"""Reading export files into plain tables: ``read_table(path) -> (sheets, problems)``.

The kind of file is told by its first bytes, not its name, because real
exports are often misnamed: ``.xlsx`` (a zip), ``.xls`` (an OLE file; also
read by calamine), ``.csv`` (UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030,
comma, tab or semicolon separated) and the HTML tables some platforms save
with an ``.xls`` name. Files that cannot be read give a Chinese problem, never
a traceback: a missing file, an empty file, a PDF or random bytes renamed to
``.xlsx``, an encrypted workbook.

Each :class:`Sheet` keeps every row from the top of the sheet, so that
``rows[i]`` is spreadsheet row ``i + 1`` as the user sees it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

from cskpi_xl import safety
from cskpi_xl.core.problems import Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


class Sheet(NamedTuple):
    """One table read from a file.

    Attributes:
      file: the file as the user named it.
      name: the worksheet name ("" for a CSV file).
      rows: every row, cells as read (str, float, int, date, datetime, time,
        timedelta, bool); ``rows[i]`` is spreadsheet row ``i + 1``.
    """

    file: str
    name: str
    rows: list[list[Any]]


def sniff(path: Path) -> tuple[str | None, list[Problem]]:
    """The kind of file (``xlsx``, ``xls``, ``csv``, ``html``) from its bytes.

    This is the importer's own pre-check (magic bytes); the zip-bomb and size
    checks live in :mod:`cskpi_xl.safety` and run before it.
    """
    f = str(path)
    try:
        if not path.exists():
            return None, [Problem("文件不存在", "file not found", file=f)]
        if path.is_dir():
            return None, [Problem("这是一个文件夹，不是文件", "this is a folder, not a file", file=f)]
        with path.open("rb") as fh:
            head = fh.read(4096)
            size = os.fstat(fh.fileno()).st_size
    except OSError as exc:
        return None, [Problem(f"无法打开文件：{exc.strerror or exc}", f"cannot open the file: {exc}", file=f)]
    if size == 0 or not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        return None, [Problem("文件是空的", "the file is empty", file=f)]
    if head.startswith(ZIP_MAGIC):
        return "xlsx", []
    if head.startswith(OLE_MAGIC):
        with path.open("rb") as fh:
            body = fh.read(4 * 1024 * 1024)
        if _ENCRYPTED_MARK in body or path.suffix.lower() in (".xlsx", ".xlsm"):
            return None, [Problem(
                "文件已加密，请先在 Excel 中取消密码后另存为 .xlsx 再导入",
                "the workbook is password-protected: remove the password in Excel, save it again and re-import",
                file=f)]
        return "xls", []
    if head.startswith(b"%PDF"):
        return None, [Problem("这是 PDF 文件，不是表格；请从平台导出 Excel 或 CSV",
                              "this is a PDF, not a spreadsheet; export Excel or CSV from the platform", file=f)]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem("文件已损坏或不是表格文件（无法识别的二进制内容）",
                              "the file is damaged or not a spreadsheet (unrecognised binary content)", file=f)]
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text_head.startswith((b"<html", b"<table", b"<!doctype", b"<meta", b"<?xml", b"<head")):
        return "html", []
    return "csv", []


def read_table(path: str | os.PathLike, stream: bool = False) -> tuple[list[Sheet], list[Problem]]:
    """Every non-empty sheet of ``path`` with its rows, and the problems met.

    With ``stream=True`` a CSV sheet's ``rows`` is a :class:`CsvRows`, which
    reads the file again each time it is iterated instead of holding it in
    memory (a 1,000,000-row export is never materialised); a row that cannot
    be read stops that pass and adds one problem to ``rows.problems`` (the
    rows before it still count). Other kinds are read whole.

    >>> sheets, problems = read_table("no/such/file.xlsx")
    >>> sheets, [p.message for p in problems]
    ([], ['文件不存在'])
    """
    p = Path(path)
    f = str(path)
    if p.exists() and p.is_file():
        problems = list(safety.check_spreadsheet_file(p))
        if any(x.is_error for x in problems):
            return [], problems
    else:
        problems = []
    kind, more = sniff(p)
    problems += more
    if kind is None:
        return [], problems
    try:
        if kind in ("xlsx", "xls"):
            sheets = _read_calamine(p, f)
        elif kind == "html":
            sheets = _read_html(p, f)
        elif stream:
            sheets, more = _stream_csv(p, f)
            problems += more
        else:
            sheets, more = _read_csv(p, f)
            problems += more
    except BaseException as exc:  # calamine and decoders raise many kinds; explain, never crash
        # a Rust panic inside calamine (a damaged .xls directory) arrives as pyo3's PanicException,
        # which derives from BaseException: catch it too, but let Ctrl-C and exits through
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        name = type(exc).__name__
        if name == "PasswordError":
            msg = ("文件已加密，请先在 Excel 中取消密码后另存为 .xlsx 再导入",
                   "the workbook is password-protected: remove the password in Excel, save it again and re-import")
        else:
            msg = (f"文件已损坏或不是 Excel 文件，无法读取（{name}）；请重新从平台导出",
                   f"the file is damaged or not an Excel file and cannot be read ({name}: {exc}); export it again")
        return [], problems + [Problem(msg[0], msg[1], file=f)]
    sheets = [s for s in sheets if any(_filled(c) for r in s.rows for c in r)]
    if not sheets and not any(x.is_error for x in problems):
        problems.append(Problem("文件里没有任何数据", "the file holds no data", file=f))
    return sheets, problems


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _read_calamine(p: Path, f: str) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(p))
    sheets = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append(Sheet(f, name, rows))
    return sheets


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """The text of a CSV file and the encoding it was in (None if undecodable).

    >>> decode_text("客服".encode("gbk"))
    ('客服', 'gb18030')
    >>> decode_text(b"\\xef\\xbb\\xbf\\xe5\\xae\\xa2")
    ('客', 'utf-8-sig')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encs = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encs = ("utf-16",)
    else:
        encs = ("utf-8", "gb18030")
    for enc in encs:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return None, None


def _read_csv(p: Path, f: str) -> tuple[list[Sheet], list[Problem]]:
    text, enc = decode_text(p.read_bytes())
    if text is None:
        return [], [Problem("无法识别文件编码（不是 UTF-8 也不是 GBK），请另存为 UTF-8 CSV 或 Excel",
                            "unknown text encoding (neither UTF-8 nor GBK); save as UTF-8 CSV or Excel", file=f)]
    first = next((line for line in text.splitlines() if line.strip()), "")
    delim = max((",", "\t", ";"), key=first.count)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    return [Sheet(f, "", rows)], []


_CHUNK = 1 << 20


def detect_encoding(p: Path) -> str | None:
    """The encoding :func:`decode_text` would find for the file, read in 1 MB chunks."""
    with p.open("rb") as fh:
        start = fh.read(3)
        if start.startswith(b"\xef\xbb\xbf"):
            encs: tuple[str, ...] = ("utf-8-sig",)
        elif start.startswith((b"\xff\xfe", b"\xfe\xff")):
            encs = ("utf-16",)
        else:
            encs = ("utf-8", "gb18030")
        for enc in encs:
            fh.seek(0)
            dec = codecs.getincrementaldecoder(enc)()
            try:
                while chunk := fh.read(_CHUNK):
                    dec.decode(chunk)
                dec.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return enc
    return None


class CsvRows:
    """The rows of a CSV file, read from disk each time they are iterated.

    ``rows[i]`` is not supported: iterate. A row that cannot be read (a cell
    over the csv module's 128 KB limit, a decoding error) ends the pass and
    adds one problem to its ``problems`` list (once) naming the row; the
    rows before it are kept.
    """

    def __init__(self, path: Path, file: str, encoding: str, delimiter: str) -> None:
        self.path, self.file, self.encoding, self.delimiter = path, file, encoding, delimiter
        self.problems: list[Problem] = []
        self._reported = False

    def __iter__(self):
        n = 0
        try:
            with self.path.open("rb") as raw:
                text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
                for row in csv.reader(text, delimiter=self.delimiter):
                    n += 1
                    yield row
        except Exception as exc:  # csv.Error, UnicodeDecodeError, OSError: explain, never crash
            if not self._reported:
                self._reported = True
                name = type(exc).__name__
                self.problems.append(Problem(
                    f"第 {n + 1} 行无法读取（{name}），该行及之后的行未导入；请检查文件或重新导出",
                    f"row {n + 1} cannot be read ({name}: {exc}); it and the rows after it were not imported",
                    file=self.file, row=n + 1))

    def __eq__(self, other: object) -> bool:
        return list(self) == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _stream_csv(p: Path, f: str) -> tuple[list[Sheet], list[Problem]]:
    enc = detect_encoding(p)
    if enc is None:
        return [], [Problem("无法识别文件编码（不是 UTF-8 也不是 GBK），请另存为 UTF-8 CSV 或 Excel",
                            "unknown text encoding (neither UTF-8 nor GBK); save as UTF-8 CSV or Excel", file=f)]
    first = ""
    with p.open("rb") as raw:
        for line in io.TextIOWrapper(raw, encoding=enc, newline=""):
            first = next((x for x in line.splitlines() if x.strip()), "")
            if first:
                break
    delim = max((",", "\t", ";"), key=first.count)
    return [Sheet(f, "", CsvRows(p, f, enc, delim))], []


class _TableParser(HTMLParser):
    """Rows of the HTML tables some platforms save under an ``.xls`` name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _read_html(p: Path, f: str) -> list[Sheet]:
    text, _ = decode_text(p.read_bytes())
    parser = _TableParser()
    parser.feed(text or "")
    return [Sheet(f, f"表{i + 1}" if len(parser.tables) > 1 else "", rows) for i, rows in enumerate(parser.tables)]


__all__ = ["Sheet", "read_table", "sniff", "decode_text", "detect_encoding", "CsvRows"]

"""Reading export files into plain tables: ``read_table(path) -> (sheets, problems)``.

The kind of file is told by its first bytes, not its name, because real
exports are often misnamed (:func:`cskpi_xl.importers.filecheck.check_file`
looks at it first): ``.xlsx`` (a zip), ``.xls`` (an OLE file; also
read by calamine), ``.csv`` (UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030,
comma, tab or semicolon separated) and the HTML tables some platforms save
with an ``.xls`` name. Files that cannot be read give a Chinese problem, never
a traceback: a missing file, an empty file, a PDF or random bytes renamed to
``.xlsx``, an encrypted workbook.

Each :class:`~cskpi_xl.importers.rawsheet.Sheet` keeps every row from the top of the sheet, so that
``rows[i]`` is spreadsheet row ``i + 1`` as the user sees it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from cskpi_xl.core.problems import Problem
from cskpi_xl.importers.filecheck import ENCRYPTED, check_file
from cskpi_xl.importers.rawsheet import Sheet



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
    kind, problems = check_file(p)
    if kind is None:
        return [], problems
    if kind == "xlsx":
        far = _too_wide(p, f)
        if far is not None:
            return [], problems + [far]
    try:
        if kind == "xls":
            sheets = _read_xls_guarded(p, f)
        elif kind == "xlsx":
            sheets = _read_calamine(p, f)
            from cskpi_xl.importers.formulas_fill import fill_cells

            problems += fill_cells(p, sheets)
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
        name = exc.name if isinstance(exc, ReaderFailed) else type(exc).__name__
        if name == "PasswordError":
            msg = ENCRYPTED
        else:
            why = "" if name.isascii() else f"（{name}）"  # a reader's own Chinese reason, never a class name
            msg = (f"文件已损坏或不是 Excel 文件，无法读取{why}；请重新从平台导出",
                   f"the file is damaged or not an Excel file and cannot be read ({name}: {exc}); export it again")
        return [], problems + [Problem(msg[0], msg[1], file=f)]
    sheets = [s for s in sheets if any(_filled(c) for r in s.rows for c in r)]
    if not sheets and not any(x.is_error for x in problems):
        problems.append(Problem("文件里没有任何数据", "the file holds no data", file=f))
    return sheets, problems


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


#: The reader holds a sheet as a dense rectangle from A1 to its farthest cell: beyond this many
#: cells (1,000,000 rows × 20 columns) a sheet is refused before it is read. One cell at XFD1048576
#: in a 6 KB file would otherwise ask for 17 billion cells and end the process.
MAX_CELLS = 20_000_000
#: A cell reference ``r="B7"`` (``$`` allowed), its column letters and its row number taken apart
#: (the same matches either way), and a row's ``r="7"``.
_CELL_COL = re.compile(rb'\br="\$?([A-Za-z]+)\$?[0-9]+"')
_CELL_ROW = re.compile(rb'\br="\$?[A-Za-z]+\$?([0-9]+)"')
_ROW_REF = re.compile(rb'\br="([0-9]+)"')


def _col_number(letters: bytes) -> int:
    if len(letters) > 8:  # (XFD is the last column Excel has)
        return 26 ** 8
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _reach(text: bytes) -> tuple[int, int]:
    """The farthest row and column the cell and row references in ``text`` name (0 when none).

    Each distinct reference is converted once: a sheet repeats its columns on every row.

    >>> _reach(b'<row r="3"><c r="B3"/><c r="$AA$2"/></row><row r="12"/>')
    (12, 27)
    """
    cols = max(map(_col_number, set(_CELL_COL.findall(text))), default=0)
    rows = 0
    for found in (_CELL_ROW.findall(text), _ROW_REF.findall(text)):
        rows = max(rows, max((int(d) if len(d) < 12 else 10 ** 12 for d in set(found)), default=0))
    return rows, cols


def _too_wide(p: Path, f: str) -> Problem | None:
    """A problem if a part of the workbook reaches farther than :data:`MAX_CELLS` allow.

    Every part is scanned (a workbook may point a sheet at any part name), in
    1 MB chunks, for cell and row references; the pre-check has already
    bounded the unpacked size.
    """
    try:
        with zipfile.ZipFile(p) as z:
            for info in z.infolist():
                rows = cols = 0
                tail = b""
                with z.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        text = tail + chunk
                        r, c = _reach(text)
                        rows, cols = max(rows, r), max(cols, c)
                        tail = text[-4096:]
                if rows * max(cols, 1) > MAX_CELLS:
                    return Problem(
                        f"工作表范围过大（部件 {info.filename} 用到第 {rows} 行、第 {cols} 列，超过 {MAX_CELLS // 10000} 万个单元格），"
                        "可能有远处的空白单元格或是恶意构造；请删除多余的行列后另存再导入",
                        f"the sheet reaches too far (part {info.filename}: row {rows}, column {cols}, more than "
                        f"{MAX_CELLS:,} cells): stray far-away cells or a crafted file; delete the extra rows and "
                        "columns, save and import again", file=f, value=info.filename)
    except Exception:  # a damaged zip is the reader's to explain
        return None
    return None


#: Address space allowed to the child process that reads an old .xls (a BIFF sheet has at most
#: 65,536 × 256 cells; a damaged one can make the reader ask for 4 GB and more at once).
XLS_CHILD_BYTES = 2 << 30
XLS_CHILD_SECONDS = 120

_XLS_CHILD = """
import pickle, resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    from cskpi_xl.importers.read import _read_calamine
    sheets = _read_calamine(__import__("pathlib").Path(sys.argv[1]), sys.argv[1])
    out = ("ok", [(s.name, s.rows, s.hidden) for s in sheets])
except BaseException as exc:
    out = ("error", type(exc).__name__, str(exc)[:500])
sys.stdout.buffer.write(pickle.dumps(out))
"""


#: Why a CSV row could not be read, in Chinese (the exception class names are Python's).
_CSV_REASONS = {"UnicodeDecodeError": "文字编码不对", "Error": "CSV 格式错误", "OSError": "读取文件出错"}


class ReaderFailed(Exception):
    """The child process reading an .xls failed; ``name`` says how."""

    def __init__(self, name: str, detail: str = "") -> None:
        super().__init__(detail or name)
        self.name = name


def _read_xls_guarded(p: Path, f: str) -> list[Sheet]:
    """An old .xls, read in a child process with bounded memory and time (POSIX).

    A damaged .xls can make calamine allocate gigabytes at once; when that
    fails, Rust aborts the whole process — an import, a batch, Excel's
    button. In a child, only the child dies and the file gets a problem. On
    systems without ``resource`` (Windows) it is read in-process.
    """
    try:
        import resource  # noqa: F401
    except ImportError:  # pragma: no cover - Windows
        return _read_calamine(p, f)
    import pickle
    import subprocess
    import sys

    try:
        cp = subprocess.run([sys.executable, "-c", _XLS_CHILD, str(p), str(XLS_CHILD_BYTES)], capture_output=True,
                            timeout=XLS_CHILD_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ReaderFailed("读取超时", f"the reader took more than {XLS_CHILD_SECONDS} s") from None
    if cp.returncode != 0 or not cp.stdout:
        raise ReaderFailed("读取进程异常退出", f"the reader process died (exit {cp.returncode})")
    out = pickle.loads(cp.stdout)  # our own child's output
    if out[0] == "error":
        raise ReaderFailed(out[1], out[2])
    return [Sheet(f, name, rows, hidden) for name, rows, hidden in out[1]]


def _read_calamine(p: Path, f: str) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(p))
    hidden = set()
    try:
        hidden = {m.name for m in wb.sheets_metadata if str(m.visible).rsplit(".", 1)[-1].lower() != "visible"}
    except Exception:  # older calamine: no metadata; every sheet counts as visible
        pass
    sheets = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append(Sheet(f, name, rows, name in hidden))
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
    delim = guess_delimiter(text.splitlines()[:200])
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    return [Sheet(f, "", rows, False, decimal_mark(rows[:DECIMAL_SCAN_ROWS]))], []


def guess_delimiter(lines: list[str]) -> str:
    """The separator of a text table: the one that splits the most lines of its top into the same number of fields.

    A title line above the header (``客服数据 2026年10月``) has no separator and
    does not count; decimal commas (``100,5``) split fewer lines evenly than the
    real separator does.

    >>> guess_delimiter(["客服绩效 2026年10月", "客服昵称;销售额;接待人数", "小美;100,5;3", "阿杰;7;2"])
    ';'
    >>> guess_delimiter(["a,b,c", "1,2,3"])
    ','
    """
    from collections import Counter

    lines = [x for x in lines if x.strip()][:30]
    best, score = ",", (0, 0)
    for d in (",", "\t", ";"):
        counts = Counter(n for x in lines if (n := x.count(d)) > 0)
        if not counts:
            continue
        n, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (freq, n) > score:
            best, score = d, (freq, n)
    return best


#: Rows of a text file looked at to tell its decimal mark.
DECIMAL_SCAN_ROWS = 5000
_DEC_COMMA = re.compile(r"[-−+(]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),(?:[0-9]{1,2}|[0-9]{4,})\)?[%‰]?")
_DEC_COMMA_GROUPED = re.compile(r"[-−+(]?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+\)?[%‰]?")
_DEC_POINT = re.compile(r"[-−+(]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.(?:[0-9]{1,2}|[0-9]{4,})\)?[%‰]?")
_AMBIGUOUS = re.compile(r"[-−+(]?[0-9]{1,3}(?:[.,][0-9]{3})+\)?")


def decimal_mark(rows: Any) -> str:
    """The decimal mark of a text table's numbers: ``"."``, ``","`` or ``"?"`` (cannot tell).

    ``33397,56`` (two decimals) or ``1.234,5`` can only be decimal commas;
    ``12.5`` only a decimal point. A file with both, or with only numbers like
    ``1,234`` (a thousands comma or a decimal comma), cannot be told: its
    comma numbers are refused rather than guessed.

    >>> decimal_mark([["销售额"], ["33397,56"], ["12"]]), decimal_mark([["1,234.5"]]), decimal_mark([["1,234"]])
    (',', '.', '?')
    """
    comma = point = ambiguous = False
    for row in rows:
        for c in row:
            if not isinstance(c, str) or not c or not ("," in c or "." in c):
                continue
            t = c.strip().replace(" ", "")
            if _DEC_COMMA.fullmatch(t) or _DEC_COMMA_GROUPED.fullmatch(t):
                comma = True
            elif _DEC_POINT.fullmatch(t):
                point = True
            elif _AMBIGUOUS.fullmatch(t) and "," in t:
                ambiguous = True
    if comma and not point:
        return ","
    if comma and point:
        return "?"
    if ambiguous and not point:
        return "?"
    return "."


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
                    f"第 {n + 1} 行无法读取（{_CSV_REASONS.get(name, '格式错误')}），该行及之后的行未导入；请检查文件或重新导出",
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
    top: list[str] = []
    with p.open("rb") as raw:
        for line in io.TextIOWrapper(raw, encoding=enc, newline=""):
            top += [x for x in line.splitlines() if x.strip()]
            if len(top) >= 30:
                break
    delim = guess_delimiter(top)
    rows = CsvRows(p, f, enc, delim)
    from itertools import islice

    mark = decimal_mark(islice(rows, DECIMAL_SCAN_ROWS))
    rows.problems.clear()
    rows._reported = False
    return [Sheet(f, "", rows, False, mark)], []


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


__all__ = ["read_table", "decode_text", "detect_encoding", "CsvRows", "guess_delimiter",
           "decimal_mark"]

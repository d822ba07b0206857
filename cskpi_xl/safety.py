"""Guards for everything that touches files or cells made from untrusted text.

Agent nicknames, shop names and whole export files come from outside: a
nickname may be ``=HYPERLINK(...)`` or ``../../x``, an export may be a PDF
renamed to ``.xlsx``, an encrypted workbook, a truncated download or a zip
bomb. This module turns such input into safe names and paths, tells formula
text apart, writes files atomically, keeps two batch runs out of one folder
and looks at a spreadsheet file *before* any reader opens it.

It is pure standard library: no Excel library is imported here (writing a
cell as literal text lives in :mod:`cskpi_xl.workbook.xlsxio`).

>>> taken = set()
>>> safe_sheet_name("a/b:c", taken), safe_sheet_name("A_B_C", taken)
('a_b_c', 'A_B_C (2)')
>>> safe_file_stem("../../x", set())
'_.._x'
>>> is_formula_like("=1+1"), is_formula_like("＝1"), is_formula_like("小王")
(True, True, False)
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import threading
import time
import unicodedata
import zipfile
from pathlib import Path
from typing import IO, Iterator

from cskpi_xl.core.problems import Problem

__all__ = [
    "NameSet",
    "safe_sheet_name",
    "safe_file_stem",
    "path_inside",
    "is_formula_like",
    "plain_text",
    "atomic_write",
    "FolderLock",
    "FolderBusy",
    "check_spreadsheet_file",
    "SHEET_NAME_MAX",
    "FILE_STEM_MAX_BYTES",
    "CELL_TEXT_MAX",
]

# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

#: Excel refuses sheet names longer than this (counted in UTF-16 units).
SHEET_NAME_MAX = 31
#: File stems are capped at this many UTF-8 bytes (room for a suffix and
#: a " (99)" counter below the 255-byte limit of common file systems).
FILE_STEM_MAX_BYTES = 120
#: Excel keeps at most this many characters in one cell.
CELL_TEXT_MAX = 32767

_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_FILE_BAD = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in "123456789¹²³"]
    + [f"LPT{i}" for i in "123456789¹²³"]
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, fits) -> str:
    """The longest prefix of ``text`` (whole characters) for which ``fits`` holds."""
    while text and not fits(text):
        text = text[:-1]
    return text


class NameSet(set):
    """A set of names that also keeps them case-folded, so a clash check costs O(1), not O(names).

    Pass one to :func:`safe_file_stem` / :func:`safe_sheet_name` when naming
    thousands of files; a plain ``set`` works too (folded on every call).

    >>> taken = NameSet({"Xiao"})
    >>> safe_file_stem("XIAO", taken), sorted(taken.folded)
    ('XIAO (2)', ['xiao', 'xiao (2)'])
    """

    def __init__(self, names=()) -> None:
        super().__init__(names)
        self.folded = {t.casefold() for t in self}

    def add(self, name: str) -> None:
        super().add(name)
        self.folded.add(name.casefold())

    def update(self, *others) -> None:
        for names in others:
            for name in names:
                self.add(name)


def _unique(base: str, taken: set[str], fits, tidy) -> str:
    """``base``, or ``base (2)``, ``base (3)``… — the first not in ``taken`` (case-insensitively)."""
    folded = taken.folded if isinstance(taken, NameSet) else {t.casefold() for t in taken}
    if base.casefold() not in folded:
        return base
    n = 2
    while True:
        suffix = f" ({n})"
        stem = tidy(_cut(base, lambda s: fits(s + suffix)))
        candidate = stem + suffix
        if candidate.casefold() not in folded:
            return candidate
        n += 1


def safe_sheet_name(name, taken: set[str]) -> str:
    """A worksheet name Excel accepts, unique (ignoring case) among ``taken``.

    Rules applied: the characters ``[ ] : * ? / \\`` and control characters
    become ``_``; surrounding blanks and apostrophes are removed (Excel
    forbids a leading or trailing ``'``); a blank name becomes ``Sheet``;
    the reserved name ``History`` becomes ``History_``; the name is cut to 31
    characters (UTF-16 units, as Excel counts); a clash gets `` (2)``,
    `` (3)``… while staying within 31 characters. The result is added to
    ``taken``.

    >>> taken = {"客服"}
    >>> safe_sheet_name("客服", taken), safe_sheet_name("'=SUM(A1)'", taken)
    ('客服 (2)', '=SUM(A1)')
    >>> len(safe_sheet_name("x" * 40, set()))
    31
    """
    text = "" if name is None else str(name)
    text = _SHEET_BAD.sub("_", text)
    text = text.strip().strip("'").strip()
    if not text:
        text = "Sheet"
    if text.casefold() == "history":
        text = text + "_"

    def fits(s: str) -> bool:
        return _utf16_len(s) <= SHEET_NAME_MAX

    def tidy(s: str) -> str:
        s = s.rstrip().rstrip("'").rstrip()
        return s or "Sheet"

    text = tidy(_cut(text, fits))
    result = _unique(text, taken, fits, tidy)
    taken.add(result)
    return result


def safe_file_stem(name, taken: set[str]) -> str:
    """A file-name stem that stays inside its folder on Windows, macOS and Linux.

    The characters ``/ \\ : * ? " < > |`` and control characters become
    ``_``; leading dots and blanks and trailing dots and blanks are removed
    (so ``.``, ``..`` and hidden names are impossible); an empty result
    becomes ``未命名``; Windows device names (``CON``, ``NUL``, ``COM1``…,
    also with an extension such as ``con.txt``) get a leading ``_``; the stem
    is cut to 120 UTF-8 bytes; a clash (ignoring case) with ``taken`` gets
    `` (2)``, `` (3)``… The result is added to ``taken``.

    >>> taken = set()
    >>> [safe_file_stem(n, taken) for n in ["小王", "小王", "CON", "a:b", ".."]]
    ['小王', '小王 (2)', '_CON', 'a_b', '未命名']
    """
    text = "" if name is None else str(name)
    text = unicodedata.normalize("NFC", text)
    text = _FILE_BAD.sub("_", text)

    def fits(s: str) -> bool:
        return len(s.encode("utf-8")) <= FILE_STEM_MAX_BYTES

    def tidy(s: str) -> str:
        s = s.lstrip(". \u3000").rstrip(". \u3000")
        if not s:
            s = "未命名"
        if s.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
            s = "_" + s
        return _cut(s, fits).rstrip(". ") or "未命名"

    text = tidy(_cut(tidy(text), fits))
    result = _unique(text, taken, fits, tidy)
    taken.add(result)
    return result


def path_inside(folder, stem: str, suffix: str) -> Path:
    """``folder / (stem + suffix)``, after proving that it resolves inside ``folder``.

    Raises :class:`ValueError` if the joined path (following symbolic links)
    would land outside ``folder`` or be the folder itself — use
    :func:`safe_file_stem` first and this never happens.

    >>> path_inside("/tmp/out", "小王", ".xlsx").name
    '小王.xlsx'
    >>> path_inside("/tmp/out", "../x", ".xlsx")
    Traceback (most recent call last):
    ...
    ValueError: 文件名 '../x.xlsx' 会落在文件夹 /tmp/out 之外
    """
    base = Path(folder).resolve()
    name = f"{stem}{suffix}"
    candidate = (base / name).resolve()
    if candidate == base or not candidate.is_relative_to(base) or candidate.parent != base:
        raise ValueError(f"文件名 {name!r} 会落在文件夹 {base} 之外")
    return candidate


# --------------------------------------------------------------------------
# Cell text
# --------------------------------------------------------------------------

_FORMULA_START = "=+-@＝＋－＠"
_LEADING_BLANKS = "\t\r\n "
# Characters XML 1.0 cannot carry at all (openpyxl raises IllegalCharacterError).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_formula_like(text) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula.

    True when it starts with ``= + - @`` (or their full-width forms
    ``＝ ＋ － ＠``), also after leading tabs, carriage returns, line feeds or
    spaces.

    >>> [is_formula_like(t) for t in ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)"]]
    [True, True, True, True]
    >>> [is_formula_like(t) for t in ["\\t=1", "小王-2", "", None, 3]]
    [True, False, False, False, False]
    """
    if not isinstance(text, str):
        return False
    stripped = text.lstrip(_LEADING_BLANKS)
    return bool(stripped) and stripped[0] in _FORMULA_START


def plain_text(value) -> str:
    """``value`` as text fit to be stored as a *literal string* cell.

    Cells filled from untrusted text (nicknames, shop names, remarks, anything
    read from an export) must be written as strings, never as formulas: with
    openpyxl a value starting with ``=`` silently becomes a formula. Write such
    cells with :func:`cskpi_xl.workbook.xlsxio.write_text_cell`, which uses this
    helper, forces the string type and sets the quote prefix.

    This function returns ``""`` for ``None``, ``str(value)`` otherwise, with
    characters XML cannot hold removed and the text cut to Excel's 32767
    characters per cell.

    >>> plain_text(None), plain_text(12), plain_text("a\\x00b")
    ('', '12', 'ab')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _XML_ILLEGAL.sub("", text)
    if len(text) > CELL_TEXT_MAX:
        text = text[:CELL_TEXT_MAX]
    return text


# --------------------------------------------------------------------------
# Atomic writes and folder locks
# --------------------------------------------------------------------------


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (read by setting it, so one thread at a time: batch files are written from threads)."""
    with _UMASK_LOCK:
        umask = os.umask(0)
        os.umask(umask)
    return umask


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Write ``path`` all at once or not at all.

    The body writes to a temporary file in the same folder; on success it is
    flushed, fsync'ed and moved over ``path`` with :func:`os.replace`, so a
    reader sees either the old file or the complete new one. If the body (or
    the move) raises, the temporary file is removed, the old file is left
    untouched and the exception propagates. A replaced file keeps the old
    file's permission bits.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_write(p, "w") as f:
    ...     _ = f.write("好")
    >>> p.read_text(encoding="utf-8")
    '好'
    """
    if "w" not in mode or "+" in mode:
        raise ValueError(f"atomic_write needs a write mode such as 'wb' or 'w', got {mode!r}")
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if "b" not in mode and encoding is None:
        encoding = "utf-8"
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _named(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.errno is not None:
            raise _named(exc, path) from exc
        raise
    _fsync_dir(folder)


_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def remove_stale_temps(folder) -> list[Path]:
    """Delete the temp files :func:`atomic_write` left in ``folder`` when its process was killed mid-write.

    Call it only while holding the folder's :class:`FolderLock` (no writer is
    running then). Returns what was removed.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / ".小美.xlsx.ab12cd_9.tmp").write_bytes(b"x"); _ = (d / "小美.xlsx").write_bytes(b"y")
    >>> [p.name for p in remove_stale_temps(d)], sorted(p.name for p in d.iterdir())
    (['.小美.xlsx.ab12cd_9.tmp'], ['小美.xlsx'])
    """
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for p in entries:
        if _TEMP_NAME.match(p.name) and p.is_file() and not p.is_symlink():
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` naming the file being written, not its temp file (the same subclass: disk full, permission …)."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))


class FolderBusy(RuntimeError):
    """Another batch run holds the folder's lock."""


LOCK_NAME = ".cskpi.lock"


class FolderLock:
    """Keep two batch runs out of one folder.

    ``with FolderLock(folder, wait_seconds=0):`` takes an exclusive lock on
    ``folder/.cskpi.lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows).
    If another process holds it, waits up to ``wait_seconds`` and then raises
    :class:`FolderBusy` with a Chinese message. The lock is released when the
    block ends or the process dies, and a run that ends normally removes the
    lock file (no stray ``.cskpi.lock`` in HR's folder). Removing it is safe:
    it is unlinked while still locked, and a run that locked a file which was
    unlinked meanwhile sees that its file is no longer the folder's and tries
    again on the new one. The lock is per open file, so a second
    ``FolderLock`` on the same folder inside the same process is busy too.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with FolderLock(d):
    ...     (d / LOCK_NAME).exists()
    True
    >>> (d / LOCK_NAME).exists()
    False
    """

    def __init__(self, folder, wait_seconds: float = 0) -> None:
        self.folder = Path(folder)
        self.wait_seconds = wait_seconds
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def _try_lock(self, fd: int) -> bool:
        try:
            if os.name == "nt":  # pragma: no cover - exercised on Windows only
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except (BlockingIOError, PermissionError):
            return False
        except OSError as exc:  # EDEADLK / EACCES on some systems
            if exc.errno in (11, 13, 35, 36):
                return False
            raise

    def _holder(self) -> str:
        try:
            text = self.path.read_text(encoding="ascii", errors="ignore").strip()
        except OSError:
            return ""
        return text if text.isdigit() else ""

    def _current(self, fd: int) -> bool:
        """Whether the locked ``fd`` is still the folder's lock file (not one unlinked by a run that ended)."""
        if os.name == "nt":  # pragma: no cover - an open file cannot be unlinked on Windows
            return True
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except OSError:
            return False

    def acquire(self) -> "FolderLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + max(0.0, float(self.wait_seconds))
        while True:
            if self._try_lock(fd):
                if self._current(fd):
                    break
                os.close(fd)  # locked a file the previous holder removed: take the folder's new one
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
                continue
            if time.monotonic() >= deadline:
                os.close(fd)
                pid = self._holder()
                who = f"（进程 {pid}）" if pid else ""
                who_en = f" (process {pid})" if pid else ""
                raise FolderBusy(
                    f"文件夹 {self.folder} 正在被另一个批量任务使用{who}，请等待它结束后再运行"
                    f" / folder {self.folder} is in use by another batch run{who_en}; wait for it to finish"
                )
            time.sleep(0.05)
        if os.name != "nt":
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if os.name == "nt":  # pragma: no cover
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                with contextlib.suppress(OSError):
                    os.unlink(self.path)  # still locked: a waiting run will see its file is gone and reopen
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        if os.name == "nt":  # pragma: no cover - fails harmlessly while another run has it open
            with contextlib.suppress(OSError):
                os.unlink(self.path)

    def __enter__(self) -> "FolderLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


# --------------------------------------------------------------------------
# Looking at a spreadsheet file before a reader does
# --------------------------------------------------------------------------

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


_OS_REASONS = {
    errno.ENOSPC: ("磁盘空间不足", "the disk is full"),
    errno.EDQUOT: ("超出磁盘配额", "the disk quota is exceeded"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "permission denied"),
    errno.EROFS: ("磁盘或文件夹是只读的", "the file system is read-only"),
    errno.ENOTDIR: ("路径中有一部分是文件而不是文件夹", "part of the path is a file, not a folder"),
    errno.ENOENT: ("文件夹不存在", "no such folder"),
    errno.EISDIR: ("这是一个文件夹", "it is a folder"),
    errno.EEXIST: ("已经有一个同名的文件或文件夹", "a file or folder of that name exists"),
    errno.ENAMETOOLONG: ("文件名或路径太长", "the file name or path is too long"),
    errno.EBUSY: ("文件正被其他程序使用（例如在 Excel 中打开着）", "the file is in use by another program"),
    errno.ETXTBSY: ("文件正被其他程序使用（例如在 Excel 中打开着）", "the file is in use by another program"),
    errno.EMFILE: ("同时打开的文件太多", "too many open files"),
    errno.EIO: ("读写磁盘出错", "input/output error"),
    errno.EINVAL: ("文件名或路径不合法", "invalid file name or path"),
}


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why a file operation failed, in Chinese and English — never the system's English alone.

    >>> os_reason(OSError(errno.EEXIST, "File exists"))[0]
    '已经有一个同名的文件或文件夹'
    >>> os_reason(OSError("File contains no valid workbook part"))[0]
    '系统错误：File contains no valid workbook part'
    """
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    en = exc.strerror or str(exc)
    code = f"（错误码 {exc.errno}）" if exc.errno is not None else ""
    return f"系统错误{code}：{en}", en


def read_reason(exc: BaseException) -> str:
    """Why an earlier output or 汇总 could not be read back, in Chinese (locked by Excel, unreadable, damaged)."""
    if isinstance(exc, PermissionError):
        return "没有读取权限，或文件正被 Excel 等程序打开并锁定（关闭后重新运行）"
    if isinstance(exc, OSError):
        return f"文件无法读取：{exc.strerror or exc}"
    return f"文件已损坏或不是有效的工作簿（{type(exc).__name__}：{exc}）"


def os_error_problem(exc: OSError, what: str = "写入", what_en: str = "writing") -> Problem:
    """A Chinese Problem for a failed file operation, naming the file and why (disk full, no permission …).

    >>> import errno
    >>> os_error_problem(OSError(errno.ENOSPC, "No space left", "out/小美.xlsx")).message
    '写入 out/小美.xlsx 失败：磁盘空间不足。已有的文件保持不变，请腾出空间后重新运行'
    """
    zh, en = os_reason(exc)
    name = exc.filename if exc.filename is not None else ""
    return Problem(f"{what} {name} 失败：{zh}。已有的文件保持不变，请{'腾出空间' if exc.errno in (errno.ENOSPC, errno.EDQUOT) else '检查'}后重新运行",
                   f"{what_en} {name} failed: {en}; existing files are unchanged", file=str(name) or None)


def _problem(path: Path, zh: str, en: str, value=None) -> Problem:
    return Problem(zh, en, file=str(path), value=value)


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


def check_spreadsheet_file(
    path,
    max_uncompressed: int = 200 * MB,
    max_ratio: float = 200,
    max_entries: int = 10000,
) -> list[Problem]:
    """Problems that make ``path`` unsafe or pointless to open; ``[]`` if it may be read.

    Run this before any reader touches an input file. It looks at the first
    bytes and, for a zip (xlsx), at the central directory and a bounded
    prefix (64 KB) of each XML part — never the whole content — so it is
    fast and uses little memory even on a hostile file. It reports: a missing
    or empty file; a PDF; an encrypted workbook (an OLE file named ``.xlsx``)
    or an old ``.xls`` renamed to ``.xlsx``; a ``.xlsx`` that is not a zip,
    or a truncated or corrupt zip; a zip bomb (more than ``max_uncompressed``
    bytes once unpacked, a compression ratio above ``max_ratio`` with more
    than 10 MB unpacked, or more than ``max_entries`` entries); and XML
    parts carrying a DTD (``<!DOCTYPE``/``<!ENTITY``, the "billion laughs"
    bomb) — a real xlsx never has one. An OLE file named ``.xls`` is a real
    old Excel file and passes.

    >>> [p.message for p in check_spreadsheet_file("/nonexistent/a.xlsx")]
    ['文件不存在']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        return [_problem(path, "文件不存在", "file does not exist")]
    if not path.is_file():
        return [_problem(path, "不是一个文件（可能是文件夹）", "not a regular file (a folder?)")]
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        return [_problem(path, f"文件无法读取：{os_reason(exc)[0]}", f"cannot read the file: {exc}")]
    if size == 0:
        return [_problem(path, "文件是空的（0 字节），可能没有下载或保存完整", "the file is empty (0 bytes)")]
    if head.startswith(b"%PDF"):
        return [_problem(
            path,
            "这是 PDF 文件，不是表格；请导入后台导出的原始 .xlsx / .xls / .csv 文件",
            "this is a PDF, not a spreadsheet; import the original .xlsx/.xls/.csv export",
        )]
    if head.startswith(OLE_MAGIC):
        if suffix in OOXML_SUFFIXES:
            if _ole_kind(path, head) == "xls":
                return [_problem(
                    path,
                    "这是旧版 .xls 文件，但扩展名是 .xlsx；请在 Excel 中打开后另存为 .xlsx 再导入",
                    "this is an old .xls file named .xlsx; open it in Excel and save as .xlsx",
                )]
            return [_problem(
                path,
                "文件已加密（设置了打开密码），请在 Excel 中取消密码后另存为 .xlsx 再导入",
                "the file is encrypted (password to open); remove the password in Excel and save as .xlsx",
            )]
        if suffix == ".csv":
            return [_problem(
                path,
                "扩展名是 .csv，但内容是旧版 Excel 工作簿；请把扩展名改为 .xls",
                "named .csv but the content is an old Excel workbook; rename it to .xls",
            )]
        return []
    is_zip = head.startswith(ZIP_MAGICS)
    if not is_zip:
        if suffix in OOXML_SUFFIXES:
            if head.lstrip()[:1] == b"<":
                return [_problem(
                    path,
                    "文件不是真正的 .xlsx（内容是网页/HTML 或 XML）；请在 Excel 中打开后另存为 .xlsx 再导入",
                    "not a real .xlsx (the content is HTML/XML); open it in Excel and save as .xlsx",
                )]
            return [_problem(
                path,
                "文件不是有效的 .xlsx（不是 zip 格式），可能已损坏或扩展名不对",
                "not a valid .xlsx (not a zip file): damaged or wrongly named",
            )]
        return []
    if suffix == ".csv":
        return [_problem(
            path,
            "扩展名是 .csv，但内容是 zip / .xlsx 工作簿；请把扩展名改为 .xlsx",
            "named .csv but the content is a zip/.xlsx workbook; rename it to .xlsx",
        )]
    return _check_zip(path, suffix, size, max_uncompressed, max_ratio, max_entries)


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
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
                if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
                    return [_problem(
                        path,
                        "文件内部的压缩包设置了密码，无法读取",
                        "the zip inside is password-protected and cannot be read",
                    )]
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

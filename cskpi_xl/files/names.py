"""Safe names for sheets and files made from untrusted text, and paths that stay in their folder.

Agent nicknames and shop names come from outside: a nickname may be
``=HYPERLINK(...)`` or ``../../x``. These helpers turn such text into a
worksheet name Excel accepts and a file name that stays inside its folder on
Windows, macOS and Linux, unique (ignoring case) among the names taken.

>>> taken = set()
>>> safe_sheet_name("a/b:c", taken), safe_sheet_name("A_B_C", taken)
('a_b_c', 'A_B_C (2)')
>>> safe_file_stem("../../x", set())
'_.._x'
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from cskpi_xl.errors import CskpiError

__all__ = ["NameSet", "safe_sheet_name", "safe_file_stem", "path_inside", "PathOutside", "SHEET_NAME_MAX",
           "FILE_STEM_MAX_BYTES"]

#: Excel refuses sheet names longer than this (counted in UTF-16 units).
SHEET_NAME_MAX = 31
#: File stems are capped at this many UTF-8 bytes (room for a suffix and
#: a " (99)" counter below the 255-byte limit of common file systems).
FILE_STEM_MAX_BYTES = 120

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


class PathOutside(CskpiError, ValueError):
    """A file name that would land outside its folder (``../x``, a link that leads out).

    Attributes (besides :class:`~cskpi_xl.errors.CskpiError`'s): ``folder`` and ``name``.
    """

    def __init__(self, folder: Path, name: str) -> None:
        super().__init__(f"文件名 {name!r} 会落在文件夹 {folder} 之外",
                         f"file name {name!r} would land outside the folder {folder}", file=str(folder), value=name)
        self.folder = folder
        self.name = name


def path_inside(folder, stem: str, suffix: str) -> Path:
    """``folder / (stem + suffix)``, after proving that it resolves inside ``folder``.

    Raises :class:`PathOutside` (a :class:`ValueError`) if the joined path
    (following symbolic links) would land outside ``folder`` or be the folder
    itself — use :func:`safe_file_stem` first and this never happens.

    >>> path_inside("/tmp/out", "小王", ".xlsx").name
    '小王.xlsx'
    >>> path_inside("/tmp/out", "../x", ".xlsx")
    Traceback (most recent call last):
    ...
    cskpi_xl.files.names.PathOutside: 文件名 '../x.xlsx' 会落在文件夹 /tmp/out 之外
    """
    base = Path(folder).resolve()
    name = f"{stem}{suffix}"
    candidate = (base / name).resolve()
    if candidate == base or not candidate.is_relative_to(base) or candidate.parent != base:
        raise PathOutside(base, name)
    return candidate

"""Text fit for a spreadsheet cell: formula-like text told apart, characters XML cannot carry removed.

Cells filled from untrusted text (nicknames, shop names, remarks) are written
as literal strings, never as formulas: :func:`is_formula_like` says which
text a spreadsheet could take for a formula, :func:`plain_text` makes any
value a string a cell can hold. Pure standard library; the writers are
:func:`cskpi_xl.workbook.apply.write_text_cell` (openpyxl) and
:func:`cskpi_xl.excel.apply.apply_plan_xlwings` (Excel).

>>> is_formula_like("=1+1"), is_formula_like("＝1"), is_formula_like("小王")
(True, True, False)
"""

from __future__ import annotations

import re

__all__ = ["is_formula_like", "plain_text", "CELL_TEXT_MAX"]

#: Excel keeps at most this many characters in one cell.
CELL_TEXT_MAX = 32767

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
    cells with :func:`cskpi_xl.workbook.apply.write_text_cell`, which uses this
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

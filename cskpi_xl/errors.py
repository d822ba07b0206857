"""Errors that carry their fields, so no caller reads them back from their text.

Like beancount's ``BeancountError`` (source, message, entry), a
:class:`CskpiError` keeps the Chinese and English message and where the fault
is (file, sheet, row, column, a path inside a scheme file, the value) as
attributes; :meth:`CskpiError.problem` turns it into the
:class:`~cskpi_xl.core.problems.Problem` every command prints. Its text
(``str(exc)``) is the message in the current language.

>>> exc = CskpiError("回复率不是数字", "reply rate is not a number", file="a.xlsx", row=3, value="abc")
>>> str(exc), exc.en
('回复率不是数字', 'reply rate is not a number')
>>> p = exc.problem()
>>> (p.message, p.message_en, p.file, p.row, p.value, p.is_error)
('回复率不是数字', 'reply rate is not a number', 'a.xlsx', 3, 'abc', True)
"""

from __future__ import annotations

from typing import Any

from cskpi_xl.core.problems import ERROR, Problem
from cskpi_xl.i18n import language

__all__ = ["CskpiError"]


class CskpiError(Exception):
    """A fault a person can fix, with its message in Chinese and English and where it is.

    Attributes:
      zh: what is wrong, in Simplified Chinese.
      en: the same in English.
      file: the file (or folder) concerned, if the message is about one.
      sheet, row, column: where in a workbook, as the user sees it, if any.
      path: a path inside a scheme file (``items[2].full``), if any.
      value: the offending value, if any.
    """

    def __init__(self, zh: str, en: str = "", *, file: str | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None, path: str | None = None,
                 value: Any = None) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.path = path
        self.value = value

    def __str__(self) -> str:
        return self.en if language() == "en" and self.en else self.zh

    def problem(self, severity: str = ERROR, **fields: Any) -> Problem:
        """This error as a :class:`Problem`; ``fields`` add or replace places (``sheet="设置"``, ``agent=…``)."""
        place = dict(file=self.file, sheet=self.sheet, row=self.row, column=self.column, path=self.path,
                     value=self.value)
        place.update(fields)
        return Problem(self.zh, self.en, severity=severity, **place)

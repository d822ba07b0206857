"""Problems are values: every step returns ``(result, problems)`` and never aborts.

A :class:`Problem` names where it was found (file, sheet, row, column, or a
path inside a scheme file) so a person can jump to it, and says what is wrong
in Chinese, with an English text beside it.

>>> p = Problem("回复率不是数字", "reply rate is not a number", file="a.xlsx",
...             sheet="Sheet1", row=3, column="回复率", value="abc")
>>> p.where()
'a.xlsx 工作表 Sheet1 第 3 行 列「回复率」'
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

from cskpi_xl.i18n import language


class Severity(StrEnum):
    """How bad a problem is; the value is the text written to JSON (``"error"``)."""

    ERROR = "error"
    WARNING = "warning"
    #: A score that is simply not typed yet (a supervisor's review, a rubric
    #: choice): expected on a first run, not an error in the data. The item and
    #: the total stay unscored until it is typed; the batch keeps what is typed.
    PENDING = "pending"


#: The members by their short names (``severity=WARNING``).
ERROR, WARNING, PENDING = Severity.ERROR, Severity.WARNING, Severity.PENDING

_LABELS = {ERROR: ("错误", "error"), WARNING: ("警告", "warning"), PENDING: ("待评分", "awaiting score")}


class Problem(NamedTuple):
    """One thing wrong with an input, a scheme or a result.

    Attributes:
      message: what is wrong, in Simplified Chinese.
      message_en: the same in English.
      file: the file it was found in, if any.
      sheet: the worksheet, if any.
      row: the 1-based row number as the user sees it in the spreadsheet, if any.
      column: the column header (or letter) as the user sees it, if any.
      path: a path inside a scheme file (``items[2].rules[0].baseline``), if any.
      value: the offending value, if any.
      severity: a :class:`Severity`: error, warning or pending (a score not typed yet).
      agent: the agent the problem concerns, if any.
    """

    message: str
    message_en: str = ""
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None
    value: Any = None
    severity: Severity = ERROR
    agent: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_pending(self) -> bool:
        return self.severity == PENDING

    def label(self) -> str:
        """错误 / 警告 / 待评分 (English: error / warning / awaiting score).

        >>> Problem("x", severity=PENDING).label()
        '待评分'
        """
        zh, en = _LABELS.get(self.severity, _LABELS[WARNING])
        return en if language() == "en" else zh

    def text(self) -> str:
        """The message in the current language."""
        if language() == "en" and self.message_en:
            return self.message_en
        return self.message

    def where(self) -> str:
        """Where the problem is, as a person reads it."""
        en = language() == "en"
        parts: list[str] = []
        if self.file:
            parts.append(str(self.file))
        if self.sheet:
            parts.append(f"sheet {self.sheet}" if en else f"工作表 {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}" if en else f"第 {self.row} 行")
        if self.column:
            parts.append(f"column '{self.column}'" if en else f"列「{self.column}」")
        if self.path:
            parts.append(self.path)
        if self.agent:
            parts.append(f"agent {self.agent}" if en else f"客服 {self.agent}")
        return " ".join(parts)

    def format(self) -> str:
        """One line: severity, place, message and value."""
        en = language() == "en"
        sev = self.label()
        where = self.where()
        line = f"{sev}: {where}: {self.text()}" if where else f"{sev}: {self.text()}"
        if self.value is not None and self.value != "":
            line += f" (value: {self.value!r})" if en else f"（值：{self.value!r}）"
        return line

    def to_dict(self) -> dict[str, Any]:
        d = self._asdict()
        v = d["value"]
        if v is not None and not isinstance(v, (str, int, float, bool)):
            d["value"] = str(v)
        return d


def has_errors(problems) -> bool:
    return any(p.is_error for p in problems)

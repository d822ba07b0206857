"""A table as read from a file: :class:`Sheet`, and :class:`NoValue` for a formula cell without a value.

The readers (:mod:`cskpi_xl.importers.read`) make them, the formula filler
(:mod:`cskpi_xl.importers.formulas_fill`) puts computed values into them, and the
sheet openers (:mod:`cskpi_xl.importers.sheets`, :mod:`cskpi_xl.importers.people`)
read them; they live here so that none of those imports another for them.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Sheet(NamedTuple):
    """One table read from a file.

    Attributes:
      file: the file as the user named it.
      name: the worksheet name ("" for a CSV file).
      rows: every row, cells as read (str, float, int, date, datetime, time,
        timedelta, bool); ``rows[i]`` is spreadsheet row ``i + 1``. An Excel
        error cell holds its literal (``"#DIV/0!"``); a formula cell saved
        without its value holds the value computed here, or a :class:`NoValue`.
      hidden: the worksheet is hidden (or very hidden) in the workbook.
      decimal: the decimal mark of a text file's numbers: ``"."``, ``","``
        (``33397,56`` in a semicolon file) or ``"?"`` (commas in numbers that
        could be either: such cells are refused).
    """

    file: str
    name: str
    rows: list[list[Any]]
    hidden: bool = False
    decimal: str = "."


class NoValue(str):
    """A formula cell saved without its value, that could not be computed here.

    Its text is the formula; ``reason`` says why it has no value (Chinese).
    """

    reason: str = ""

    def __new__(cls, formula: str, reason: str) -> "NoValue":
        obj = super().__new__(cls, formula)
        obj.reason = reason
        return obj


__all__ = ["Sheet", "NoValue"]

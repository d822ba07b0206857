"""Numbers: exact decimals, rounding rules, and "n/a with a reason".

Money is computed in :class:`~decimal.Decimal` and rounded half-up to 0.01
yuan at the end; item points are rounded half-up to 2 decimals (the same
rounding Excel's ``ROUND`` does, so a sheet's live formulas agree).

>>> round_money(Decimal("224.985"))
Decimal('224.99')
>>> to_decimal(0.36) - to_decimal(0.34)
Decimal('0.02')
>>> NA("询单人数为 0", "no inquiries").is_na
True
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
POINTS = Decimal("0.01")

#: What a person reads (on a sheet, in a cell formula, in the CLI) where a value cannot be computed.
#: The one place this text is spelled; the sheets' formulas write it and the readers treat it as missing.
NA_TEXT = "无法计算"


class NA:
    """A value that is not available, with the reason (Chinese and English).

    Falsy, never equal to a number; a rule that meets it gives its full marks
    unless the scheme says otherwise.
    """

    __slots__ = ("reason", "reason_en")
    is_na = True

    def __init__(self, reason: str, reason_en: str = "") -> None:
        self.reason = reason
        self.reason_en = reason_en or reason

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NA) and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(("NA", self.reason))

    def __repr__(self) -> str:
        return f"NA({self.reason!r})"

    def __str__(self) -> str:
        return NA_TEXT


def is_na(value: Any) -> bool:
    return isinstance(value, NA) or value is None


def to_decimal(value: Any) -> Decimal:
    """An exact Decimal from an int, float (by its shortest repr), str or Decimal.

    Raises ``ValueError`` for anything that is not a finite number.
    """
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, bool):
        d = Decimal(int(value))
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise ValueError(f"not a number: {value!r}")
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return d


def within(x: Decimal, low: Decimal | None, high: Decimal | None, low_inclusive: bool, high_inclusive: bool) -> bool:
    """Whether ``x`` lies in a band whose bounds (None: unbounded) say whether they belong to it.

    >>> within(Decimal(95), Decimal(85), Decimal(95), True, False), within(Decimal(85), Decimal(85), None, True, False)
    (False, True)
    """
    if low is not None and (x < low or (x == low and not low_inclusive)):
        return False
    if high is not None and (x > high or (x == high and not high_inclusive)):
        return False
    return True


def round_money(value: Decimal) -> Decimal:
    """Round half-up (away from zero) to 0.01 yuan."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_points(value: Decimal) -> Decimal:
    """Round points half-up (away from zero) to 2 decimals, as Excel's ROUND(x, 2)."""
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


def as_float(value: Any) -> Any:
    """Decimals to float for display/JSON; NA to its text; anything else unchanged."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, NA):
        return "n/a"
    return value

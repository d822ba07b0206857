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

A quotient of counts keeps its exact value beside its 28-digit decimal, so a
rule that compares or counts steps works on the exact number (81,300/900 is
exactly 10 below 30,100/300, not 9.999…97):

>>> a, b = quotient(30100, 300), quotient(81300, 900)
>>> a - b
Decimal('9.99999999999999999999999997')
>>> exact(a) - exact(b)
Fraction(10, 1)
"""

from __future__ import annotations

import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
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


#: The plausible magnitude of a figure (a count, money, seconds, a rate): no real shop's month reaches
#: 10^13 (ten trillion yuan, 300,000 years of seconds), and nothing but a subnormal float (``5e-324``) or
#: garbage is non-zero and nearer 0 than 10^-100 (a formula's rounding noise such as ``5.55E-17`` from
#: ``=0.1+0.2-0.3`` is nearer than 10^-9 but is a number Excel shows as 0: it is kept as the cell holds it).
#: Outside it a figure is refused (the importers,
#: the Excel functions) or, reaching the core by another path, made NA with a problem: the core's 28-digit
#: Decimal arithmetic then never overflows, and no rule spends time on a huge count.
FIGURE_MAX = Decimal("1e13")
FIGURE_MIN = Decimal("1e-100")
#: The bound as the messages say it.
FIGURE_RANGE_TEXT = ("绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100",
                     "|x| must be below 10^13 and, unless 0, at least 10^-100")


def plausible(d: Decimal) -> bool:
    """Whether a finite Decimal lies within the plausible magnitude of a figure (0 does).

    >>> plausible(Decimal("9999999999999.99")), plausible(Decimal("1e13")), plausible(Decimal(0))
    (True, False, True)
    >>> plausible(Decimal("1e-9")), plausible(Decimal(5e-324))
    (True, False)
    """
    return not d or FIGURE_MIN <= d.copy_abs() < FIGURE_MAX


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


class Exact(Decimal):
    """A Decimal (rounded to the context's 28 digits, for display and Excel) that keeps its exact value.

    Made by :func:`quotient` for a quotient that is no finite decimal; arithmetic on it gives plain
    Decimals (rounded), so rules read :func:`ratio_of` / :func:`exact` instead.
    """

    __slots__ = ("_num", "_den")

    def __new__(cls, value: Fraction | tuple[int, int], shown: Decimal | None = None) -> "Exact":
        num, den = (value.numerator, value.denominator) if isinstance(value, Fraction) else value
        if den < 0:
            num, den = -num, -den
        obj = super().__new__(cls, shown if shown is not None else Decimal(num) / Decimal(den))
        obj._num, obj._den = num, den
        return obj

    @property
    def exact(self) -> Fraction:
        return Fraction(self._num, self._den)

    def __reduce__(self):  # keep the exact value across processes
        return (Exact, ((self._num, self._den),))

    def __copy__(self) -> "Exact":
        return self

    def __deepcopy__(self, memo: Any) -> "Exact":
        return self


Ratio = tuple[int, int]
"""An exact number as ``(numerator, denominator)``, denominator > 0, not reduced (cheap integer arithmetic)."""


def ratio_of(value: Any) -> Ratio:
    """The exact value of a number as an integer ratio (see :func:`exact`).

    >>> ratio_of(quotient(1, 3)), ratio_of(Decimal("0.25")), ratio_of(7)
    ((1, 3), (1, 4), (7, 1))
    """
    if isinstance(value, Exact):
        return value._num, value._den
    if isinstance(value, Decimal):
        return value.as_integer_ratio()
    if isinstance(value, int) and not isinstance(value, bool):
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    return to_decimal(value).as_integer_ratio()


def from_ratio(num: int, den: int) -> Decimal:
    """A Decimal for ``num / den`` (den > 0): exact when it is a finite decimal, else an :class:`Exact`."""
    g = math.gcd(num, den)
    if g > 1:
        num, den = num // g, den // g
    q = Decimal(num) / Decimal(den)
    if den == 1 or q.as_integer_ratio() == (num, den):
        return q  # a finite decimal, exactly
    return Exact((num, den), q)


def quotient(numerator: Any, denominator: Any) -> Decimal:
    """``numerator ÷ denominator`` as a Decimal that remembers the exact quotient.

    A quotient that is a finite decimal is a plain Decimal (``quotient(18, 50)`` is ``Decimal('0.36')``).
    Raises ``ZeroDivisionError`` for a zero denominator and ``ValueError`` for a non-number.

    >>> quotient(18, 50), quotient(1, 12).exact
    (Decimal('0.36'), Fraction(1, 12))
    """
    (a, b), (c, d) = ratio_of(numerator), ratio_of(denominator)
    if not c:
        raise ZeroDivisionError("quotient by zero")
    n, m = a * d, b * c
    return from_ratio(n, m) if m > 0 else from_ratio(-n, -m)


def from_fraction(q: Fraction) -> Decimal:
    """A Decimal for a Fraction: exact when it is a finite decimal, else an :class:`Exact`."""
    return from_ratio(q.numerator, q.denominator)


def exact(value: Any) -> Fraction:
    """The exact value of a number: an :class:`Exact` gives its fraction; Decimal, int, float (by repr), str exactly.

    Raises ``ValueError`` for anything that is not a finite number.

    >>> exact(Decimal("0.34")), exact(0.1)
    (Fraction(17, 50), Fraction(1, 10))
    """
    if isinstance(value, Exact):
        return value.exact
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value))


def number_text(v: str) -> Decimal:
    """A number typed as text: full-width digits and signs, thousands separators, a trailing ``%``/``％`` or ``万``.

    Raises ``ValueError`` when it is not a number.

    >>> number_text("３４％"), number_text(" 1,200 "), number_text("0.5%"), number_text("１２.5万")
    (Decimal('0.34'), Decimal('1200'), Decimal('0.005'), Decimal('125000.0'))
    """
    t = unicodedata.normalize("NFKC", v).strip().replace(",", "").replace(" ", "")
    percent = t.endswith("%")
    wan = t.endswith("万")
    if percent or wan:
        t = t[:-1]
    d = to_decimal(t)
    return d / 100 if percent else d * 10000 if wan else d


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


def round_points(value: Decimal | Fraction) -> Decimal:
    """Round points half-up (away from zero) to 2 decimals, as Excel's ROUND(x, 2); exact for an :class:`Exact` or a Fraction.

    >>> round_points(quotient(30015, 3000)), round_points(Fraction(1001, 100) + Fraction(1, 200))
    (Decimal('10.01'), Decimal('10.02'))
    """
    if isinstance(value, (Exact, Fraction)):
        n, d = ratio_of(value)
        whole = (2 * abs(n) * 100 + d) // (2 * d)  # floor(|x| × 100 + 1/2)
        return Decimal(whole if n >= 0 else -whole).scaleb(-2).quantize(POINTS)
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


def as_float(value: Any) -> Any:
    """Decimals to float for display/JSON; NA to its text; anything else unchanged."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, NA):
        return "n/a"
    return value

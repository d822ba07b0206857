"""Cell parsers: one export cell in, ``(value, problem_or_None)`` out.

Pure functions that never raise, whatever they are given (text, numbers,
dates, ``None``, ``bytes``, ``bool``...). A problem they return carries only
the message and the value; the importer adds the file, sheet, row and column.

* Missing (blank, ``-``, ``--``, ``/``, ``—``, ``None``): ``(None, None)``.
* Not final (``延迟统计``, ``统计中``): ``(NA(...), warning)``.
* Not a number: ``(None, error)``.

>>> parse_number("12,345.60")
(Decimal('12345.60'), None)
>>> parse_percent("100.00%")[0] == parse_percent(1.0)[0] == 1
True
>>> parse_duration("8分48秒")
(Decimal('528'), None)
>>> parse_duration("1小时2分")
(Decimal('3720'), None)
>>> parse_date("2026/10/1")
(datetime.date(2026, 10, 1), None)
>>> parse_date(46296)
(datetime.date(2026, 10, 1), None)
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from cskpi_xl.core.numbers import FIGURE_RANGE_TEXT, NA, plausible
from cskpi_xl.core.problems import ERROR, WARNING, Problem

MISSING_TEXTS = frozenset({"", "-", "--", "---", "—", "——", "–", "/", "_", "null", "none", "nan", "n/a", "na", "无", "无法计算"})
#: What Excel writes in a cell whose formula failed; read as missing, reported as an Excel error.
EXCEL_ERRORS = ("#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
_EXCEL_ERRORS_UPPER = frozenset(e.upper() for e in EXCEL_ERRORS)
NOT_FINAL_TEXTS = ("延迟统计", "统计中", "计算中", "待统计", "暂无数据")

_EXCEL_EPOCH = _dt.date(1899, 12, 30)
# Serial numbers this side of 1982-01-01 .. 2119-12-31 are taken as Excel dates.
_SERIAL_MIN, _SERIAL_MAX = 29952, 80353

Result = tuple[Any, "Problem | None"]

# Figures outside :func:`~cskpi_xl.core.numbers.plausible` (too large, or this close to zero without being
# zero) are not real export figures; they are refused so that later arithmetic can neither overflow Decimal
# (``1E+30`` × 38) nor spend minutes on a huge count (``int(Decimal("1e99999999"))``), and a subnormal float
# (``5e-324``) never divides anything.
# The common cases, read without normalising the text (each gives what the general path gives):
# a plain ASCII number; one with thousands separators; a percentage; minutes and seconds.
# Their digits keep them plausible (13 digits before the point, 9 after; 7 for a percentage).
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,13}(?:\.[0-9]{1,9})?\Z")
_GROUPED_NUMBER = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3}){1,3}(?:\.[0-9]{1,9})?\Z")
_PLAIN_PERCENT = re.compile(r"(-?[0-9]{1,13}(?:\.[0-9]{1,7})?)%\Z")
_MIN_SEC = re.compile(r"([0-9]{1,9})分([0-9]{1,9})秒\Z")
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")


def _per(d: Decimal, per: Decimal) -> Decimal:
    d = (d / per).normalize()
    if d == d.to_integral():
        d = d.quantize(Decimal(1))
    return d


def _out_of_range(result: Result, zh: str, en: str, value: Any) -> Result:
    """``result``, or an error when its number is absurdly large or small."""
    d = result[0]
    if isinstance(d, Decimal) and not plausible(d):
        return None, _err(f"{zh}（数值超出合理范围，{FIGURE_RANGE_TEXT[0]}），按缺失处理",
                          f"{en} (out of range: {FIGURE_RANGE_TEXT[1]}); treated as missing", value)
    return result


def _err(zh: str, en: str, value: Any, severity: str = ERROR) -> Problem:
    return Problem(zh, en, value=_show(value), severity=severity)


def _show(value: Any) -> Any:
    """The value as it goes into a problem (plain text for odd types)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    try:
        return str(value)
    except Exception:  # pragma: no cover - str() of builtins does not fail
        return repr(type(value))


def _text(value: Any) -> str | None:
    """The cell as normalised text (NFKC, no spaces), or None if it is not text."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str):
        return None
    t = unicodedata.normalize("NFKC", value)
    return "".join(t.split())


def is_missing(value: Any) -> bool:
    """True for an empty cell or a dash that platforms write for "no data"."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    t = _text(value)
    return t is not None and t.lower() in MISSING_TEXTS


def excel_error(value: Any) -> str | None:
    """The Excel error literal a cell holds (``#DIV/0!``), or None.

    >>> excel_error(" #div/0! "), excel_error("#N/A"), excel_error("n/a")
    ('#DIV/0!', '#N/A', None)
    """
    t = _text(value)
    if t is None or not t.startswith("#"):
        return None
    up = t.upper()
    return next((e for e in EXCEL_ERRORS if e.upper() == up), None)


def _excel_error_result(value: Any, err: str) -> Result:
    return None, _err(f"单元格是 Excel 错误值 {err}（公式出错，不是数字），按缺失处理；请在 Excel 中修正公式后重新导出",
                      f"the cell holds the Excel error {err} (a failed formula, not a number); treated as missing",
                      value)


def _not_final(t: str) -> bool:
    return t.startswith(NOT_FINAL_TEXTS)


def _not_final_result(value: Any) -> Result:
    return (
        NA("数据未出（延迟统计）", "figure not final yet (delayed statistics)"),
        _err("数据尚未统计完成（延迟统计），按缺失处理，请稍后重新导入",
             "figure not final yet (delayed statistics); treated as missing, re-import later",
             value, WARNING),
    )


_GROUPING = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?\Z")
_SCALE_WORDS = (("万", Decimal(10000)), ("亿", Decimal(100000000)), ("千", Decimal(1000)))


def _number_from_text(t: str) -> Decimal | None:
    """A number written as text (already NFKC, no spaces), or None.

    Thousands separators must be real groups of three (``33397,56`` is not a
    number here: it may be a decimal comma); ``1.2万``, ``￥4.52万元``; an
    accounting negative ``(120.00)``; the minus sign U+2212.
    """
    t = t.replace("\u2212", "-").replace("¥", "").replace("$", "").replace("￥", "")
    negative = False
    if len(t) > 2 and t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    for suffix in ("元", "人", "次", "个", "件", "条", "单"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
            break
    scale = None
    for word, factor in _SCALE_WORDS:
        if t.endswith(word):
            t, scale = t[: -len(word)], factor
            break
    if "," in t:
        if not _GROUPING.match(t):
            return None
        t = t.replace(",", "")
    if not t or len(t) > 60 or (negative and t.startswith(("-", "+"))):
        return None
    try:
        d = Decimal(t)
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    if scale is not None:
        d = d * scale
    return -d if negative else d


def parse_number(value: Any) -> Result:
    """A plain number (count or money) as Decimal.

    >>> parse_number("¥1,234.5元")
    (Decimal('1234.5'), None)
    >>> parse_number("-")
    (None, None)
    >>> parse_number("abc")[1].message
    '不是数字'
    """
    if type(value) is str:
        if _PLAIN_NUMBER.match(value):
            return Decimal(value), None
        if _GROUPED_NUMBER.match(value):
            return Decimal(value.replace(",", "")), None
    try:
        return _out_of_range(_parse_number(value), "不是有效数字", "not a valid number", value)
    except Exception:  # never raise: the importer must go on
        return None, _err("不是数字", "not a number", value)


def _parse_number(value: Any) -> Result:
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return None, _err("不是数字", "not a number", value)
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        if math.isinf(value):
            return None, _err("不是数字", "not a number", value)
        return Decimal(repr(value)), None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None, _err("不是数字", "not a number", value)
        return value, None
    t = _text(value)
    if t is None:
        return None, _err("不是数字", "not a number", value)
    if _not_final(t):
        return _not_final_result(value)
    err = excel_error(value)
    if err is not None:
        return _excel_error_result(value, err)
    d = _number_from_text(t)
    if d is None:
        return None, _not_a_number(t, value)
    return d, None


def _not_a_number(t: str, value: Any) -> Problem:
    if re.search(r"[0-9],[0-9]", t):
        return _err("不是数字：逗号不是千分位（每三位一个逗号），可能是小数逗号；无法确定，按缺失处理",
                    "not a number: the comma is not a thousands separator (maybe a decimal comma); "
                    "cannot tell, treated as missing", value)
    return _err("不是数字", "not a number", value)


def parse_percent(value: Any) -> Result:
    """A rate as a fraction: ``"36.5%"`` and ``0.365`` both give 0.365.

    A bare number is already a fraction (exports write 1.0 for 100%). Range
    checks (above 100%, negative) are the importer's: it knows the column.

    >>> parse_percent("36.50%")
    (Decimal('0.365'), None)
    >>> parse_percent(0.365)
    (Decimal('0.365'), None)
    """
    if type(value) is str:
        if _PLAIN_NUMBER.match(value):
            return Decimal(value), None
        m = _PLAIN_PERCENT.match(value)
        if m:
            return _per(Decimal(m.group(1)), Decimal(100)), None
    try:
        return _out_of_range(_parse_percent(value), "不是有效百分比", "not a valid percentage", value)
    except Exception:
        return None, _err("不是百分比", "not a percentage", value)


def _parse_percent(value: Any) -> Result:
    t = _text(value)
    err = excel_error(value)
    if err is not None:
        return _excel_error_result(value, err)
    if t is not None and not is_missing(value) and not _not_final(t):
        per = None
        if t.endswith("%"):
            per, t = Decimal(100), t[:-1]
        elif t.endswith("‰"):
            per, t = Decimal(1000), t[:-1]
        d = _number_from_text(t)
        if d is None:
            p = _not_a_number(t, value)
            return None, p if "逗号" in p.message else _err("不是百分比", "not a percentage", value)
        if per is not None:
            d = _per(d, per)
        return d, None
    d, p = _parse_number(value)
    if p is not None and p.is_error:
        return None, _err("不是百分比", "not a percentage", value)
    return d, p


_DURATION_UNITS = (
    ("天", 86400), ("日", 86400), ("小时", 3600), ("时", 3600), ("h", 3600),
    ("分钟", 60), ("分", 60), ("min", 60), ("m", 60), ("秒钟", 1), ("秒", 1), ("s", 1),
)
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(天|日|小时|时|h|分钟|分|min|m|秒钟|秒|s)")


def parse_duration(value: Any) -> Result:
    """A time span in seconds (Decimal).

    Numbers are seconds. Text may be ``8分48秒``, ``1小时2分``, ``32s``,
    ``00:08:48`` (h:m:s) or ``8:48`` (m:s); Excel time cells are read too.

    >>> parse_duration("00:08:48")
    (Decimal('528'), None)
    >>> parse_duration(32.5)
    (Decimal('32.5'), None)
    """
    if type(value) is str:
        if _PLAIN_NUMBER.match(value):
            return Decimal(value), None
        m = _MIN_SEC.match(value)
        if m:
            return Decimal(m.group(1)) * 60 + Decimal(m.group(2)), None
    try:
        return _out_of_range(_parse_duration(value), "不是有效时长", "not a valid duration", value)
    except Exception:
        return None, _err("不是时长", "not a duration", value)


def _parse_duration(value: Any) -> Result:
    if isinstance(value, _dt.timedelta):
        secs = Decimal(value.days * 86400 + value.seconds)
        return secs + Decimal(value.microseconds) / Decimal(1_000_000), None
    if isinstance(value, _dt.time):
        secs = value.hour * 3600 + value.minute * 60 + value.second
        return Decimal(secs) + Decimal(value.microsecond) / Decimal(1_000_000), None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return None, _err("不是时长", "not a duration", value)
    t = _text(value)
    if t is None or is_missing(value) or _not_final(t) or excel_error(value):
        d, p = _parse_number(value)
        if p is not None and p.is_error and not excel_error(value):
            return None, _err("不是时长", "not a duration", value)
        return d, p
    low = t.lower()
    if ":" in low:
        parts = low.split(":")
        if 2 <= len(parts) <= 3 and all(parts):
            try:
                nums = [Decimal(x) for x in parts]
            except (InvalidOperation, ValueError):
                return None, _err("不是时长", "not a duration", value)
            if all(n.is_finite() and n >= 0 for n in nums):
                if len(nums) == 2:
                    return nums[0] * 60 + nums[1], None
                return nums[0] * 3600 + nums[1] * 60 + nums[2], None
        return None, _err("不是时长", "not a duration", value)
    d = _number_from_text(low)
    if d is not None:
        return d, None
    pos, total = 0, Decimal(0)
    for m in _DURATION_RE.finditer(low):
        if m.start() != pos:
            return None, _err("不是时长", "not a duration", value)
        unit = dict(_DURATION_UNITS)[m.group(2)]
        total += Decimal(m.group(1)) * unit
        pos = m.end()
    if pos == 0 or pos != len(low):
        return None, _err("不是时长", "not a duration", value)
    return total, None


_DATE_RES = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T ]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日?$")


def parse_date(value: Any, year: int | None = None) -> Result:
    """A calendar day (``datetime.date``).

    Text ``2026-10-01``, ``2026/10/1``, ``2026.10.01``, ``2026年10月1日``,
    ``20261001`` (also with a time after it); a date or datetime; an Excel
    serial number (46296 is 2026-10-01); the number 20261001.

    >>> parse_date("20261001")
    (datetime.date(2026, 10, 1), None)
    >>> parse_date("2026年10月1日")
    (datetime.date(2026, 10, 1), None)

    ``10月1日`` has no year: it is read with ``year`` (the year the file name
    or title gives), and refused without one.

    >>> parse_date("10月1日", 2026)
    (datetime.date(2026, 10, 1), None)
    >>> parse_date("10月1日")[1].message
    '日期没有年份（文件名和标题里也没有），无法确定是哪一年'
    """
    if type(value) is str and _ISO_DAY.match(value):
        return _iso_day(value)
    t = _text(value)
    if t is not None:
        m = _MONTH_DAY.match(t)
        if m:
            if year is None:
                return None, _err("日期没有年份（文件名和标题里也没有），无法确定是哪一年",
                                  "the date has no year (nor do the file name and title)", value)
            try:
                return _dt.date(year, int(m.group(1)), int(m.group(2))), None
            except ValueError:
                return None, _err("不是有效日期", "not a valid date", value)
    try:
        return _parse_date(value)
    except Exception:
        return None, _err("不是日期", "not a date", value)


@functools.lru_cache(maxsize=4096)
def _iso_day(value: str) -> Result:
    """``YYYY-MM-DD`` (a month of daily rows repeats 31 of them); problems are shared, never changed."""
    try:
        return _parse_date(value)
    except Exception:
        return None, _err("不是日期", "not a date", value)


def _parse_date(value: Any) -> Result:
    if isinstance(value, _dt.datetime):
        return value.date(), None
    if isinstance(value, _dt.date):
        return value, None
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return None, _err("不是日期", "not a date", value)
    if isinstance(value, (int, float, Decimal)):
        try:
            f = float(value)
        except (OverflowError, ValueError):
            return None, _err("不是日期", "not a date", value)
        if math.isfinite(f) and f == int(f):
            n = int(f)
            if 19000101 <= n <= 21991231:
                return _parse_date(str(n))
        if math.isfinite(f) and _SERIAL_MIN <= f <= _SERIAL_MAX:
            return _EXCEL_EPOCH + _dt.timedelta(days=int(f)), None
        return None, _err("不是日期", "not a date", value)
    t = _text(value)
    if t is None:
        return None, _err("不是日期", "not a date", value)
    for rx in _DATE_RES:
        m = rx.match(t)
        if m:
            try:
                return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
            except ValueError:
                return None, _err("不是有效日期", "not a valid date", value)
    d = _number_from_text(t)
    if d is not None:
        return _parse_date(d)
    return None, _err("不是日期", "not a date", value)


def parse_text(value: Any) -> str:
    """A nickname or name as plain text: whitespace stripped, nothing evaluated.

    Whole numbers lose the ``.0`` a spreadsheet adds; the text is otherwise
    kept exactly (a leading ``=`` stays; making it safe is another module's
    job).

    >>> parse_text("  小美\\u3000")
    '小美'
    >>> parse_text(12345.0)
    '12345'
    """
    try:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).upper()
        if isinstance(value, float) and math.isfinite(value) and value == int(value):
            return str(int(value))
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        return str(value).strip().strip("\u200b\ufeff").strip()
    except Exception:
        return ""


#: Characters that cannot be seen: zero-width spaces and joiners, the BOM, soft hyphen, direction marks.
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u180e]")


def visible(text: str) -> str:
    """A nickname without the characters nobody can see (``小\\u200b美`` → ``小美``).

    >>> visible("小\u200b美")
    '小美'
    """
    return INVISIBLE.sub("", text)

"""Text helpers shared by the adoption readers: normalising, numbers, numbered lines.

>>> norm("高于３４％，每点加５分；")
'高于34%,每点加5分;'
>>> cn_digits("迟到早退每次一分，超过四次每次三分；两次以上")
'迟到早退每次1分，超过4次每次3分；2次以上'
>>> [t for _, t in numbered_lines("1、高于34%,每点加5分; 2、低于34%,每个点扣5分。")]
['高于34%,每点加5分', '低于34%,每个点扣5分']
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_CN = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(s: str) -> int | None:
    """A small Chinese numeral (一 … 九十九) as an int, else None."""
    if not s:
        return None
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        tens = _CN.get(a, 1) if a else 1
        ones = _CN.get(b, 0) if b else 0
        if (a and a not in _CN) or (b and b not in _CN):
            return None
        return tens * 10 + ones
    if len(s) == 1 and s in _CN:
        return _CN[s]
    return None


_CN_BEFORE = re.compile(r"([一二两三四五六七八九十]{1,3})(?=次|笔|点|秒|元|万|个|单|件|例|回|天|小时|分钟)")
_CN_POINTS = re.compile(r"(?<=[扣加减得奖罚除项次])([一二两三四五六七八九十]{1,3})(?=分)")


def cn_digits(text: str) -> str:
    """Chinese numerals before a unit (一次, 两次, 扣五分) as digits."""
    def sub(m: re.Match) -> str:
        n = cn_number(m.group(1))
        return m.group(1) if n is None else str(n)

    return _CN_POINTS.sub(sub, _CN_BEFORE.sub(sub, text))


def norm(text: object) -> str:
    """NFKC (full-width to half-width), no spaces, Chinese numerals before units as digits."""
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = s.replace("～", "~").replace("—", "-").replace("–", "-").replace("－", "-").replace("≥", ">=").replace("≤", "<=")
    s = re.sub(r"\s+", "", s)
    return cn_digits(s)


def norm_spaced(text: object) -> str:
    """Like :func:`norm`, but a run of spaces between words becomes a comma (a pause in the sentence)."""
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = re.sub(r"(?<=\S)[ \t\u3000]+(?=\S)", ",", s)
    return norm(s)


_NUMBERING = re.compile(r"(?:^|(?<=[\n;；。]))\s*(?:(\d{1,2})(?:[、.．)）](?!\d))|[(（](\d{1,2})[)）]|([①②③④⑤⑥⑦⑧⑨⑩]))")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def numbered_lines(text: object) -> list[tuple[int | None, str]]:
    """A cell's text as lines ``(number, text)``: split at line breaks and at numbering (1、 2. (3) ④).

    Numbering is only recognised at the start of a line or after ``;``/``。``,
    so ``1.2%`` is never split.
    """
    raw = "" if text is None else str(text)
    raw = re.sub(r"(?<=\S)[ \t\u3000]+(?=\d{1,2}[、.](?!\d))", "\n", raw)  # "…为止 2.月度旷工…"
    out: list[tuple[int | None, str]] = []
    for line in raw.splitlines():
        pieces = []
        last, num = 0, None
        for m in _NUMBERING.finditer(line):
            if m.start() > last or pieces or last:
                pieces.append((num, line[last:m.start()]))
            n = m.group(1) or m.group(2)
            num = int(n) if n else _CIRCLED.index(m.group(3)) + 1
            last = m.end()
        pieces.append((num, line[last:]))
        for n, t in pieces:
            t = t.strip().strip(";；。").strip()
            if t:
                out.append((n, t))
    return out


def to_dec(s: str | float | int) -> Decimal | None:
    try:
        d = Decimal(str(s))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def fmt(d: Decimal | int | float | str | None) -> str:
    """A number as a person writes it (no exponent, no trailing zeros)."""
    if d is None:
        return ""
    if isinstance(d, str):
        return d
    d = Decimal(str(d))
    s = format(d.normalize(), "f")
    return s


def pct(d: Decimal) -> str:
    """A fraction as a percent text: 0.345 → 34.5%."""
    return fmt(d * 100) + "%"

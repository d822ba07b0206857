"""The one validator of scheme parts, used by both readers (:mod:`.toml` and :mod:`.sheet`).

A reader turns its text into bands and numbers; the checks here say what is
wrong with them as :class:`Finding` values — a *kind* from a closed set, a
Chinese and an English message, and the severity the table's own policy gives
that kind. The reader then puts the finding where its user looks (a path in a
scheme file, a row and column on a sheet). Nothing here filters or rewrites a
message: what a table is (等级, 提成档, 系数档) is a parameter, :class:`BandTable`.

The same defaults everywhere (the rulebook's general convention: "inclusive
lower bound unless stated"): a band's lower bound belongs to it unless ``lower_inclusive =
false`` / 含下限 否, and its upper bound does not unless ``upper_inclusive =
true`` / 含上限 是 — in a TOML file and in cells alike, for commission tiers,
grades and coefficient bands. So ``{upper = 15000}, {lower = 15000}`` (or two
rows 0–15000, 15000–) meet at 15000 without overlap or gap.

What a table leaves uncovered, by table:

- grades and coefficient bands: a gap anywhere — between bands, above the top
  band, below the lowest (when it starts above 0) — is an error (a score with
  no grade or rate);
- commission tiers: a gap between tiers is an error; below the first tier
  there is no commission (allowed, said nowhere: duoyi pays nothing up to
  30,000); above the top tier there is no commission either, which is a cliff
  to 0 — allowed but reported as a warning, like every other break of a
  commission table (the rulebook's S2: every break is a warning).

>>> [f.kind.name for f in band_findings(TIERS, [(None, Decimal(100), True, False), (Decimal(100), Decimal(200), True, False)])]
['OPEN_ABOVE']
>>> band_findings(TIERS, [(None, Decimal(100), True, False), (Decimal(100), Decimal(200), True, False)])[0].message
'最高提成「第2档」有上限 200，更高的金额没有提成'
>>> [(f.kind.name, str(f.severity)) for f in band_findings(GRADES, [(Decimal(90), None, True, False), (None, Decimal(80), True, False)], ["优", "差"])]
[('GAP', 'error')]
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, NamedTuple, Sequence

from cskpi_xl.core import names as N
from cskpi_xl.core.problems import ERROR, WARNING

#: A band's bounds as a reader hands them over: (low, high, low_inclusive, high_inclusive).
Bounds = tuple[Decimal | None, Decimal | None, bool, bool]

#: The one meaning of a missing flag (含下限 / lower_inclusive, 含上限 / upper_inclusive) in every reader.
LOWER_INCLUSIVE = True
UPPER_INCLUSIVE = False


class Kind(enum.Enum):
    """What is wrong (closed set; readers and callers test the kind, never the text)."""

    OVERLAP = "overlap"            # two bands hold the same value
    GAP = "gap"                    # a value between two bands belongs to none
    OPEN_ABOVE = "open_above"      # the top band has an upper bound: higher values belong to none
    OPEN_BELOW = "open_below"      # the lowest band starts above 0: lower values belong to none
    BOUNDS_REVERSED = "bounds_reversed"  # a band's upper bound is below its lower bound
    DUPLICATE_LABEL = "duplicate_label"
    RATE_RANGE = "rate_range"      # a rate outside [0, 1)
    RATE_MISSING = "rate_missing"
    SHARE_ABOVE_ONE = "share_above_one"  # a share (询单转化率 …) compared with a number above 100%
    SHARE_UNIT = "share_unit"      # a share counted in steps of 100% or more
    UNIT_NOT_POSITIVE = "unit_not_positive"
    BASELINE_FORM = "baseline_form"      # a linear rule with both or neither of baseline and upper/lower
    BASELINES_REVERSED = "baselines_reversed"
    AFTER_NOT_WHOLE = "after_not_whole"
    AFTER_THEN = "after_then"            # after without then, or then without after
    FULL_NEGATIVE = "full_negative"
    FULL_MARKS_SUM = "full_marks_sum"    # items' full marks do not add up to the total


class Finding(NamedTuple):
    """One thing wrong, before a reader says where it is.

    Attributes:
      kind: the :class:`Kind`.
      message / message_en: what is wrong (Chinese / English).
      severity: ``error`` or ``warning`` (the table's policy for this kind).
      index: the band or row it concerns (0-based, in the order given), if one.
      value: the offending value, if any.
      field: the field it concerns (a TOML key such as ``baseline``), if one.
    """

    kind: Kind
    message: str
    message_en: str
    severity: str = ERROR
    index: int | None = None
    value: object = None
    field: str | None = None


@dataclass(frozen=True)
class BandTable:
    """What a band table is: the words its messages use and what an uncovered end means.

    ``below`` / ``above``: the severity of a value below the lowest / above the top band (None: allowed, not said).
    """

    noun: str          # 等级 / 提成 / 系数档
    noun_en: str
    span: str          # 分数段 / 金额区间: what one band covers
    value: str         # 分数 / 金额
    label: str         # how an unnamed band is called: 第{n}档
    below: str | None
    above: str | None


GRADES = BandTable("等级", "grade", "分数段", "分数", "第{n}档", ERROR, ERROR)
TIERS = BandTable("提成", "commission tier", "金额区间", "金额", "第{n}档", None, WARNING)
COEFFICIENTS = BandTable("系数档", "coefficient band", "分数段", "分数", "第{n}档", ERROR, ERROR)


def _fmt(d: Decimal) -> str:
    return str(d)


def band_findings(table: BandTable, bands: Sequence[Bounds], labels: Sequence[str] | None = None) -> list[Finding]:
    """Reversed bounds, overlaps and gaps between neighbouring bands, and the uncovered ends, by ``table``'s policy.

    Bands are checked in ascending order of their lower bound; ``labels`` name them (default 第1档, 第2档 … in the order given).
    """
    names = list(labels) if labels is not None else [table.label.format(n=i + 1) for i in range(len(bands))]
    out: list[Finding] = []
    for i, (lo, hi, _, _) in enumerate(bands):
        if lo is not None and hi is not None and lo > hi:
            out.append(Finding(Kind.BOUNDS_REVERSED, f"{table.noun}「{names[i]}」的上限（{_fmt(hi)}）小于下限（{_fmt(lo)}）",
                               f"{table.noun_en} '{names[i]}': upper bound {hi} is below lower bound {lo}", ERROR, i, str(hi)))

    def key(i: int):
        lo, _, lo_inc, _ = bands[i]
        return (Decimal("-Infinity") if lo is None else lo, 0 if lo_inc else 1)

    asc = sorted(range(len(bands)), key=key)
    for i, j in zip(asc, asc[1:]):
        a_hi = Decimal("Infinity") if bands[i][1] is None else bands[i][1]
        b_lo = Decimal("-Infinity") if bands[j][0] is None else bands[j][0]
        a_inc, b_inc = bands[i][3], bands[j][2]
        if a_hi > b_lo or (a_hi == b_lo and a_inc and b_inc):
            out.append(Finding(Kind.OVERLAP, f"{table.noun}「{names[i]}」与「{names[j]}」的{table.span}重叠",
                               f"{table.noun_en}s '{names[i]}' and '{names[j]}' overlap", ERROR, j))
        elif a_hi < b_lo or (a_hi == b_lo and not a_inc and not b_inc):
            out.append(Finding(Kind.GAP, f"{table.noun}「{names[i]}」与「{names[j]}」之间有空档：{a_hi} 到 {b_lo}",
                               f"gap between {table.noun_en}s '{names[i]}' and '{names[j]}'", ERROR, j))
    if asc and bands[asc[-1]][1] is not None and table.above is not None:
        top, hi = names[asc[-1]], bands[asc[-1]][1]
        out.append(Finding(Kind.OPEN_ABOVE, f"最高{table.noun}「{top}」有上限 {hi}，更高的{table.value}没有{table.noun}",
                           f"no {table.noun_en} above {hi}", table.above, asc[-1]))
    if asc and bands[asc[0]][0] is not None and bands[asc[0]][0] > 0 and table.below is not None:
        low, lo = names[asc[0]], bands[asc[0]][0]
        out.append(Finding(Kind.OPEN_BELOW, f"最低{table.noun}「{low}」从 {lo} 起，更低的{table.value}没有{table.noun}",
                           f"no {table.noun_en} below {lo}", table.below, asc[0]))
    return out


def label_findings(table: BandTable, labels: Iterable[str]) -> list[Finding]:
    """One error per label used more than once."""
    labels = list(labels)
    return [Finding(Kind.DUPLICATE_LABEL, f"{table.noun}名称重复：{x}", f"duplicate {table.noun_en}: {x}", ERROR, None, x)
            for x in sorted({x for x in labels if labels.count(x) > 1})]


def rate_finding(rate: Decimal | None, what: str = "提成比例", field: str = "rate") -> Finding | None:
    """A commission rate is a fraction below 1 (0.015 means 1.5%); ``1`` (meant 1%) would pay all the sales.

    >>> rate_finding(Decimal("1.5")).message
    '提成比例应在 0 到 1 之间（不含 1；0.015 表示 1.5%）：是不是想写 0.015（1.5%）？'
    >>> rate_finding(Decimal("0.999")) is None
    True
    """
    if rate is None or Decimal(0) <= rate < Decimal(1):
        return None
    hint = f"：是不是想写 {rate / 100}（{rate}%）？" if rate >= 1 else ""
    return Finding(Kind.RATE_RANGE, f"{what}应在 0 到 1 之间（不含 1；0.015 表示 1.5%）{hint}",
                   "a rate must be at least 0 and below 1 (0.015 means 1.5%)" + (f"; did you mean {rate / 100}?" if rate >= 1 else ""),
                   ERROR, None, str(rate), field)


def missing_rate_finding() -> Finding:
    return Finding(Kind.RATE_MISSING, "缺少提成比例（如 0.015 或 1.5%）", "missing rate", field="rate")


def share_findings(metric: str, values: Sequence[tuple[str, Decimal | str | None]], unit: Decimal | None = None) -> list[Finding]:
    """A share metric (询单转化率 …) compared with a number above 1, or counted in steps of 1 or more: a percent typed as a whole number.

    ``values`` are (what, value) pairs such as ``("baseline", 34)``.

    >>> share_findings("询单转化率", [("baseline", Decimal(34))])[0].message
    '询单转化率是比率（0.34 表示 34%），baseline = 34 大于 100%：是不是想写 0.34（或 "34%"）？'
    """
    if metric not in N.SHARES:
        return []
    out = []
    for what, v in values:
        if isinstance(v, Decimal) and v > 1:
            out.append(Finding(Kind.SHARE_ABOVE_ONE, f"{metric}是比率（0.34 表示 34%），{what} = {v} 大于 100%：是不是想写 {v / 100}（或 \"{v}%\"）？",
                               f"{metric} is a fraction (0.34 means 34%); {what} = {v} is above 100%: did you mean {v / 100}?",
                               ERROR, None, str(v), what))
    if isinstance(unit, Decimal) and unit >= 1:
        out.append(Finding(Kind.SHARE_UNIT, f"{metric}是比率（0.01 表示 1 个百分点），unit = {unit} 是 {unit * 100}%：是不是想写 {unit / 100}？",
                           f"{metric} is a fraction; unit = {unit} is {unit * 100}%: did you mean {unit / 100}?", ERROR, None, str(unit),
                           "unit"))
    return out


# ---- items and their rules ----------------------------------------------------------------------------------------------


class Fields(NamedTuple):
    """How a reader's user names the fields of an item and its rules (TOML keys, or the sheet's column headers)."""

    baseline: str
    upper: str
    lower: str
    unit: str
    after: str
    then: str
    full: str


TOML_FIELDS = Fields("baseline", "upper", "lower", "unit", "after", "then", "full")  # messages put a space after a key

SHEET_FIELDS = Fields("「基准」", "「上基准」", "「下基准」", "「单位」", "「超过次数后」", "「之后每次」", "「满分」")


def _w(name: str) -> str:
    """A field name as a message writes it: ``unit `` (a key, then a space) or 「单位」 (a header, no space)."""
    return f"{name} " if name[-1:].isascii() else name


def _v(name: str) -> str:
    """A field name after Chinese text: `` unit`` (a space, then a key) or 「单位」."""
    return f" {name}" if name[:1].isascii() else name


def full_finding(full: Decimal | None, names: Fields = TOML_FIELDS) -> Finding | None:
    """Full marks below 0 (0 itself is allowed: an item shown, not scored)."""
    if full is None or full >= 0:
        return None
    return Finding(Kind.FULL_NEGATIVE, "满分不能为负数", "full marks must be >= 0", ERROR, None, str(full), "full")


def baseline_findings(has_baseline: bool, has_upper: bool, has_lower: bool, names: Fields = TOML_FIELDS) -> list[Finding]:
    """A linear rule has a baseline, or an upper and a lower baseline — not both, not neither."""
    if has_baseline and (has_upper or has_lower):
        return [Finding(Kind.BASELINE_FORM, f"{_w(names.baseline)}与{_v(names.upper)}/{_w(names.lower)}只能二选一",
                        "use baseline or upper/lower, not both", ERROR, None, None, "baseline")]
    if not has_baseline and not (has_upper and has_lower):
        return [Finding(Kind.BASELINE_FORM, f"线性规则需要{_v(names.baseline)}，或{_v(_w(names.upper))}与{_v(names.lower)}",
                        "a linear rule needs baseline, or upper and lower", ERROR, None, None, "baseline")]
    return []


def linear_findings(upper: Decimal | str | None, lower: Decimal | str | None, unit: Decimal | None,
                    names: Fields = TOML_FIELDS) -> list[Finding]:
    """The numbers of a linear rule: the lower baseline not above the upper one, a unit above 0.

    >>> [f.message for f in linear_findings(Decimal("0.9"), Decimal("0.95"), Decimal(0))]
    ['lower（0.95）不能大于 upper（0.9）', 'unit 必须大于 0']
    >>> linear_findings(Decimal("0.95"), Decimal("0.95"), Decimal("0.01"))
    []
    """
    out = []
    if isinstance(upper, Decimal) and isinstance(lower, Decimal) and lower > upper:
        out.append(Finding(Kind.BASELINES_REVERSED, f"{names.lower}（{lower}）不能大于{_v(names.upper)}（{upper}）",
                           "lower must not exceed upper", ERROR, None, str(lower), "lower"))
    if unit is not None and unit <= 0:
        out.append(Finding(Kind.UNIT_NOT_POSITIVE, f"{_w(names.unit)}必须大于 0", "unit must be > 0", ERROR, None, str(unit), "unit"))
    return out


def after_finding(after: Any, names: Fields = TOML_FIELDS) -> Finding | None:
    """``after`` (超过次数后) is a whole number of times, 0 or more.

    >>> after_finding(Decimal("4")), after_finding(0), after_finding(Decimal("2.5")).kind.name
    (None, None, 'AFTER_NOT_WHOLE')
    """
    ok = ((isinstance(after, int) and not isinstance(after, bool) and after >= 0)
          or (isinstance(after, Decimal) and after.is_finite() and after >= 0 and after == after.to_integral_value()))
    if after is None or ok:
        return None
    return Finding(Kind.AFTER_NOT_WHOLE, f"{_w(names.after)}应为非负整数", "after must be a whole number >= 0", ERROR, None, after, "after")


def after_then_finding(after: Any, then: Any, names: Fields = TOML_FIELDS) -> Finding | None:
    """``after`` and ``then`` (超过次数后 / 之后每次) are given together or not at all."""
    if (after is None) == (then is None):
        return None
    return Finding(Kind.AFTER_THEN, f"{_w(names.after)}与{_v(_w(names.then))}要同时给出", "after and then go together", ERROR, None, None,
                   "then" if then is None else "after")


def full_marks_finding(total: Decimal, full_marks: Decimal) -> Finding | None:
    """Items' full marks must add up to the scheme's total (a ``sum`` scheme)."""
    if total == full_marks:
        return None
    return Finding(Kind.FULL_MARKS_SUM, f"各项满分合计为 {total}，不等于总分 {full_marks}",
                   f"item full marks add up to {total}, not {full_marks}", ERROR, None, str(total))

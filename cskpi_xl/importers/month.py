"""Rows of one agent (days, accounts) → the figures of the month.

Pure arithmetic, no files. Counts and money are summed (money stays
Decimal). Averages are weighted from totals and counts — never a mean of
daily averages: a row that gives only an average and a count contributes
average × count to the total (``derive_row``). A rate is recomputed from its
counts where the rows have them; a rate a single row gives without counts is
kept as given; rates from several rows without counts cannot be weighted and
become n/a with a warning.

>>> day1 = derive_row({"接待人数": 10, "平均响应时间": Decimal(20)})
>>> day2 = derive_row({"接待人数": 30, "平均响应时间": Decimal(40)})
>>> figures, notes = aggregate([day1, day2])
>>> figures["平均响应时间"], figures["响应总秒数"], figures["响应次数"]
(Decimal('35'), Decimal('1400'), 40)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from cskpi_xl.core import names
from cskpi_xl.core.metrics import RATIOS
from cskpi_xl.core.numbers import NA, NA_TEXT

#: Averages an export may give directly: metric → (total figure, count figure
#: or None when the denominator is the weight itself, weights to try in order).
AVERAGES: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "平均响应时间": ("响应总秒数", "响应次数", ("接待人数", "咨询人数")),
    "首次响应时间": ("首次响应总秒数", "首次响应次数", ("接待人数", "咨询人数")),
    "平均接待时长": ("接待总秒数", None, ("接待人数",)),
}

#: Figures summed over days and accounts.
SUMMED: tuple[str, ...] = tuple(n.name for n in names.EXPORT_FIGURES if n.kind in ("count", "money", "seconds"))


def _na(*values: Any) -> NA | None:
    return next((v for v in values if isinstance(v, NA)), None)


#: Key of a derived row's ``{average: the count it is taken over}`` (see :func:`derive_row`).
BASIS = "_basis"

#: The few distinct basis dicts, shared by every row that has the same one: a
#: month of a million account-days must not hold a million copies of
#: ``{"平均响应时间": "buyers", …}``. Shared, so never mutated.
_BASES: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _basis_kind(metric: str, count: str) -> str:
    """What an average is taken over: ``responses`` (响应次数) or ``buyers`` (接待人数, 咨询人数, 首次响应人数)."""
    return "responses" if metric == "平均响应时间" and count == "响应次数" else "buyers"


def derive_row(values: dict[str, Any]) -> dict[str, Any]:
    """A row with the totals its averages imply.

    ``回复人数 = 接待人数 − 未回复人数`` when not given; for each average with no
    total: total = average × the count it was taken over — its own count
    (响应次数) when the row gives one, else the weight (接待人数, else 咨询人数),
    which then also stands as its count. ``row[BASIS]`` records which.

    >>> derive_row({"咨询人数": 4, "平均响应时间": Decimal("30.5")})["响应总秒数"]
    Decimal('122.0')
    >>> r = derive_row({"平均响应时间": Decimal(32), "响应次数": 100, "接待人数": 2300})
    >>> r["响应总秒数"], r["响应次数"]
    (Decimal('3200'), 100)
    """
    out = dict(values)
    basis: dict[str, str] = {}
    if "回复人数" not in out and "接待人数" in out and "未回复人数" in out:
        a, b = out["接待人数"], out["未回复人数"]
        na = _na(a, b)
        if na is not None:
            out["回复人数"] = na
        elif a >= b:
            out["回复人数"] = a - b
    for metric, (total, count, weights) in AVERAGES.items():
        if total in out:
            den = count if count is not None else weights[0]
            if den in out:
                basis[metric] = _basis_kind(metric, den)
            continue
        if metric not in out:
            continue
        w = count if count is not None and count in out else next((w for w in weights if w in out), None)
        if w is None:
            continue
        avg, n = out[metric], out[w]
        na = _na(avg, n)
        out[total] = na if na is not None else avg * n
        if count is not None and count not in out:
            out[count] = n
        basis[metric] = _basis_kind(metric, w)
    if basis:
        out[BASIS] = _BASES.setdefault(tuple(basis.items()), basis)
    return out


def _mixed_bases(rows: list[dict[str, Any]], out: dict[str, Any], notes: list[tuple[str, str]]) -> set[str]:
    """Averages whose rows are taken over different counts (responses in one, buyers in another).

    Summing their totals and counts would mix the two, so they are combined
    consistently — every row's average weighted by its 接待人数 — when every
    row has both; otherwise the average is n/a. Either way their summed
    totals and counts are dropped and a note says so. Returns the averages
    handled here (computed pair by pair, not from totals).
    """
    done: set[str] = set()
    for metric, (total, count, _weights) in AVERAGES.items():
        kinds = {r[BASIS][metric] for r in rows if BASIS in r and metric in r[BASIS]}
        if len(kinds) < 2:
            continue
        done.add(metric)
        for name in (total, count):
            if name is not None:
                out.pop(name, None)
        wn, wd, ok = Decimal(0), Decimal(0), True
        for r in rows:
            if BASIS not in r or metric not in r[BASIS]:
                continue
            n = r.get("接待人数")
            avg = r.get(metric)
            if avg is None and count is not None and r.get(count):
                t, c = r.get(total), r.get(count)
                avg = None if _na(t, c) is not None else t / c
            if avg is None or n is None or _na(avg, n) is not None:
                ok = False
                break
            wn += avg * n
            wd += n
        if ok and wd:
            out[metric] = wn / wd
            notes.append((
                f"{metric}：有的来源按{count}计算平均，有的按接待人数计算，不能直接相加；已统一按接待人数加权",
                f"{metric}: some sources average over {count}, others over buyers served; combined consistently, "
                "weighted by buyers served"))
        else:
            out[metric] = NA(f"{metric}的来源按不同的次数计算平均，无法统一", f"{metric}: sources average over different counts")
            notes.append((
                f"{metric}：有的来源按{count}计算平均，有的按接待人数计算，又缺少统一加权所需的接待人数，{metric}记为 n/a",
                f"{metric}: some sources average over {count}, others over buyers served, and 接待人数 is missing "
                "to combine them; n/a"))
    return done


def aggregate(rows: Iterable[dict[str, Any]]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The month's figures from derived rows, and notes ``(zh, en)`` for warnings.

    >>> aggregate([{"询单转化率": Decimal("0.3")}])[0]
    {'询单转化率': Decimal('0.3')}
    >>> f, notes = aggregate([{"询单转化率": Decimal("0.3")}, {"询单转化率": Decimal("0.5")}])
    >>> f["询单转化率"].is_na, len(notes)
    (True, 1)
    """
    rows = list(rows)
    out: dict[str, Any] = {}
    notes: list[tuple[str, str]] = []
    for name in SUMMED:
        total: Any = None
        for r in rows:
            if name not in r:
                continue
            v = r[name]
            if isinstance(total, NA):
                continue
            if isinstance(v, NA):
                total = v
            else:
                total = v if total is None else total + v
        if total is not None:
            out[name] = total
    # manual inputs and scheme inputs carried in an export-like table: counts
    # and money add up over rows; anything else (a score, a label) is the last given
    handled = set(SUMMED) | {r_.name for r_ in RATIOS} | set(AVERAGES) | {names.PAIRED}
    for r in rows:
        for name, v in r.items():
            if name in handled or name.startswith("_"):
                continue
            kind = names.ALL[name].kind if name in names.ALL else None
            if kind in ("count", "money") and name in out and not isinstance(out[name], NA) and not isinstance(v, NA):
                out[name] = out[name] + v
            else:
                out[name] = v
    uneven = [r_ for r_ in RATIOS
              if any(r_.numerator in r for r in rows) and any(r_.denominator in r for r in rows)
              and any((r_.numerator in r) != (r_.denominator in r) for r in rows)]
    if uneven:
        listed = "、".join(f"{r_.name}（{r_.numerator}÷{r_.denominator}）" for r_ in uneven)
        notes.append((
            f"部分数据来源只有分子或只有分母：{listed} 只按同时给出分子和分母的来源计算",
            f"some sources give only the numerator or only the denominator: {listed} is computed only "
            "from the sources that give both"))
    paired: set[str] = _mixed_bases(rows, out, notes)
    for r_ in RATIOS:
        if r_.name in paired:
            continue
        if r_ in uneven:
            both = [r for r in rows if (r_.numerator in r or r_.name in r) and r_.denominator in r]
            out[r_.name] = _weighted(both, r_.name, r_.numerator, r_.denominator, notes) if both else NA(
                f"没有数据来源同时给出{r_.numerator}和{r_.denominator}，无法计算{r_.name}",
                f"no source gives both {r_.numerator} and {r_.denominator}; cannot compute {r_.name}")
            paired.add(r_.name)
            continue
        if not any(r_.name in r for r in rows):
            continue  # no row gave it directly: compute_metrics derives it from the counts
        out[r_.name] = _weighted(rows, r_.name, r_.numerator, r_.denominator, notes)
    if paired:
        out[names.PAIRED] = frozenset(paired)
    return out, notes


def aggregate_one(row: dict[str, Any]) -> dict[str, Any]:
    """``aggregate([row])[0]``, made from ``row`` itself (which it uses up).

    With one row nothing is summed or paired: the figures stay, the rates
    the row gives are recomputed from its counts as :func:`aggregate` does.
    The importer uses it for the days of the daily view, so that a month of
    a million account-days does not hold a second dict per day. A row that
    held :data:`BASIS` is returned as a compact copy: the extra key made its
    table grow to twice the size (ten figures fill the smaller one), and a
    dict does not shrink when a key is removed — about 190 bytes more for
    each of a million account-days.

    >>> aggregate_one({"询单人数": 10, "最终付款人数": 3, "询单转化率": Decimal("0.5")})["询单转化率"]
    Decimal('0.3')
    """
    row.pop(names.PAIRED, None)
    if row.pop(BASIS, None) is not None:
        row = dict(row)  # a fresh table sized for what is left
    for r_ in RATIOS:
        if r_.name in row:
            row[r_.name] = _weighted([row], r_.name, r_.numerator, r_.denominator, [])
    return row


def _weighted(rows: list[dict[str, Any]], name: str, num: str, den: str,
              notes: list[tuple[str, str]]) -> Any:
    wn, wd = Decimal(0), Decimal(0)
    weighted = False
    unweighted: list[Any] = []
    for r in rows:
        n, d, m = r.get(num), r.get(den), r.get(name)
        if n is not None and d is not None:
            na = _na(n, d)
            if na is not None:
                return na
            wn += n
            wd += d
            weighted = True
        elif m is not None and d is not None:
            na = _na(m, d)
            if na is not None:
                return na
            wn += m * d
            wd += d
            weighted = True
        elif m is not None:
            if isinstance(m, NA):
                return m
            unweighted.append(m)
    if unweighted and (weighted or len(unweighted) > 1):
        notes.append((
            f"有 {len(unweighted)} 行只给出{name}、没有{den}，无法按人数加权合并，{name}记为「{NA_TEXT}」",
            f"{len(unweighted)} rows give {name} without {den}; they cannot be weighted, so {name} is n/a"))
        return NA(f"缺少{den}，无法加权合并{name}", f"{den} missing; {name} cannot be weighted")
    if unweighted:
        return unweighted[0]
    if wd == 0:
        return NA(f"{den}为 0，无法计算{name}", f"{den} is 0; cannot compute {name}")
    return wn / wd

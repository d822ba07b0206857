"""Excel functions (UDFs) for customer-service appraisal, through xlwings.

In Excel: xlwings 选项卡 → UDF Modules = ``cskpi_xl.udfs`` (see docs/excel_zh.md).
Every function is in the category 客服绩效; its first docstring line and its
arguments' ``doc`` are the Chinese texts Excel's function wizard shows.

The functions are thin: decorators, coercion of the cells
(:mod:`cskpi_xl.excel.coerce`, which reads numbers with the core's one cell
parser), one call into :mod:`cskpi_xl.core`, return. ``AGENT_TOTAL`` and
``MONTH_PAY`` call :mod:`cskpi_xl.core.one_agent` (the engine's scoring for
one agent) and :mod:`cskpi_xl.core.payslip` (the engine's payslip sum), so a
formula and the batch agree.
One error boundary (:func:`~cskpi_xl.excel.boundary.udf`) turns what goes wrong
into an Excel error *marker*: bad text → ``"#VALUE!"``, unknown item or
scheme → ``"#N/A"``, zero denominator → ``"#DIV/0!"``. xlwings cannot return
real error values (https://github.com/xlwings/xlwings/issues/776), so the VBA in ``macros/cskpi_udfs.bas``
turns the markers into ``CVErr(...)``; :mod:`cskpi_xl.excel.calc` turns them into
``formulas`` errors. The Chinese reason is kept and ``=CSKPI_ERROR(C2)`` shows
it. Never a Python traceback in a cell.

A range in ``item``/``value``/``sales``/``score`` (a whole column) gives a
column of results: Excel 365 spills it; older Excel needs the result range
selected and the formula entered with Ctrl+Shift+Enter (array formula).

The hidden last argument ``where`` is filled by the VBA wrapper with the
calling cell's address (``Application.Caller.Address(External:=True)``), so
errors are remembered per cell; called from Python it is None.

>>> KPI_SCORE("咨询转化率", 0.36, "duoyi")
30.0
>>> COMMISSION_TIER([[14999], [15000], [22000]])
[[224.99], [150.0], [330.0]]
>>> CONVERSION_RATE(18, 0), CSKPI_ERROR("#DIV/0!")
('#DIV/0!', '询单人数为 0，无法计算询单转化率')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import xlwings as xw

from cskpi_xl.core import names as N
from cskpi_xl.core.schemefile import sheet as T
from cskpi_xl.core.engine import score_item
from cskpi_xl.core.metrics import RATIO_BY_NAME, ratio
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.one_agent import score_one
from cskpi_xl.core.payslip import payslip
from cskpi_xl.core.tiers import CoefficientTable, TierTable, public_commission
from cskpi_xl.excel import coerce as C
# ERRORS, MARKERS, CellError and ErrorKind are also what cskpi_xl.excel.calc and the tests use from here.
from cskpi_xl.excel.boundary import (  # noqa: F401
    ERRORS, MARKERS, CellError, ErrorKind, bad, each, grid, is_grid, scalar, udf, unknown,
)

CATEGORY = "客服绩效"

# ---- the functions ------------------------------------------------------------------------------------------------

_SCHEME_DOC = "方案：内置方案名（duoyi、standard…）或方案文件路径；默认 {}"


@xw.func(category=CATEGORY)
@xw.arg("item", ndim=2, err_to_str=True, doc="考核项目名称，如 咨询转化率（可用别名；可选一整列）")
@xw.arg("value", ndim=2, err_to_str=True, doc="该项目的指标值或次数，如 0.36 或 36%（可选一整列）")
@xw.arg("scheme", ndim=2, err_to_str=True, doc=_SCHEME_DOC.format("duoyi") + "；也可选项目规则表区域")
@xw.arg("baseline", err_to_str=True, doc="基准值：以团队数值为基准的项目（如平均客单价）填团队客单价")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def KPI_SCORE(item, value, scheme="duoyi", baseline=None, where=None):
    """按方案规则计算一个考核项目的得分。例：=KPI_SCORE("咨询转化率",0.36,"duoyi") 得 30"""
    find, params = C.item_finder(scheme, "duoyi")
    base = C.number(scalar(baseline, "基准"), "基准")

    def one(name: Any, v: Any) -> Decimal:
        it = find(C.text(name, "项目名称"))
        main = C.main_input(it)
        ctx: dict[str, Any] = {**params, main: C.number(v, main, N.kind_of(main))}
        for ref in C.named_baselines(it, params):
            if base is None:
                unknown(f"项目「{it.name}」以{ref}为基准，请在第 4 个参数填写{ref}")
            ctx[ref] = base
        res = score_item(it, ctx)
        if res.error:
            bad(f"{it.name}：{res.error}")
        return res.points

    return each(one, item, value)


@xw.func(category=CATEGORY)
@xw.arg("sales", ndim=2, err_to_str=True, doc="当月销售额（元），可选一整列")
@xw.arg("scheme_or_table", ndim=2, err_to_str=True,
        doc=_SCHEME_DOC.format("standard") + "；或选提成表区域（标题行：下限 上限 含下限 含上限 方式 比例 基数 起算额）")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def COMMISSION_TIER(sales, scheme_or_table="standard", where=None):
    """按提成表计算个人提成（元，四舍五入到分）。例：=COMMISSION_TIER(22000) 得 330"""
    table = C.tier_table(scheme_or_table, "standard")

    def one(v: Any) -> Decimal:
        return table.commission(C.money_or_zero(v, "销售额"))

    return each(one, sales)


@xw.func(category=CATEGORY)
@xw.arg("score", ndim=2, err_to_str=True, doc="考核总分，可选一整列")
@xw.arg("scheme_or_table", ndim=2, err_to_str=True,
        doc=_SCHEME_DOC.format("standard") + "；或选等级表区域（标题行：等级 下限 上限 含下限 含上限）")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def GRADE(score, scheme_or_table="standard", where=None):
    """按方案的等级分数段给出考核等级。例：=GRADE(94.6) 得 优秀"""
    grades = C.grades(scheme_or_table, "standard")

    def one(v: Any) -> str:
        band = grades.grade(C.required(v, "总分"))
        if band is None:
            unknown(f"分数 {v} 不在任何等级的分数段内")
        return band.label

    return each(one, score)


@xw.func(category=CATEGORY)
@xw.arg("score", ndim=2, err_to_str=True, doc="考核总分，可选一整列")
@xw.arg("attr", err_to_str=True, doc="等级带出的项目，如 岗位工资、岗位级别、培训需求、职位晋升")
@xw.arg("scheme_or_table", ndim=2, err_to_str=True, doc=_SCHEME_DOC.format("standard") + "；或选等级表区域")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def GRADE_ATTR(score, attr, scheme_or_table="standard", where=None):
    """给出分数所在等级带出的项目（岗位工资等）。例：=GRADE_ATTR(94.6,"岗位工资") 得 1700"""
    grades = C.grades(scheme_or_table, "standard")
    name = C.text(scalar(attr, "项目"), "等级项目名称")

    def one(v: Any) -> Any:
        band = grades.grade(C.required(v, "总分"))
        if band is None:
            unknown(f"分数 {v} 不在任何等级的分数段内")
        if name not in band.attrs:
            have = "、".join(band.attrs) or "（无）"
            unknown(f"等级「{band.label}」没有「{name}」；有：{have}")
        return band.attrs[name]

    return each(one, score)


def _ratio(metric: str, num: Any, den: Any) -> Any:
    """The core's ratio on every row; a zero denominator is ``#DIV/0!``, a missing figure ``#N/A``."""
    r = RATIO_BY_NAME[metric]

    def one(a: Any, b: Any) -> Decimal:
        x = C.number(a, r.numerator, N.kind_of(r.numerator))
        y = C.number(b, r.denominator, N.kind_of(r.denominator))
        if isinstance(y, Decimal) and y == 0:
            raise CellError(ErrorKind.DIV0, f"{r.denominator}为 0，无法计算{metric}")
        got = ratio({r.numerator: x, r.denominator: y}, r)
        if isinstance(got, NA):
            unknown(got.reason)
        return got

    return each(one, num, den)


_N = dict(ndim=2, err_to_str=True)
_PAY_PARTS = (N.POST_PAY, N.OWN_COMMISSION, N.PUBLIC_COMMISSION, N.SENIORITY_PAY, N.REWARDS, N.FINES)  # MONTH_PAY's arguments, in order


@xw.func(category=CATEGORY)
@xw.arg("paid", doc="询单->最终付款人数（可选一整列）", **_N)
@xw.arg("inquiries", doc="询单人数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def CONVERSION_RATE(paid, inquiries, where=None):
    """询单转化率 = 最终付款人数 ÷ 询单人数；询单人数为 0 时显示 #DIV/0!。"""
    return _ratio("询单转化率", paid, inquiries)


@xw.func(category=CATEGORY)
@xw.arg("paid", doc="最终付款人数（可选一整列）", **_N)
@xw.arg("orders", doc="下单人数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def ORDER_SUCCESS_RATE(paid, orders, where=None):
    """最终下单成功率 = 最终付款人数 ÷ 下单人数。"""
    return _ratio("最终下单成功率", paid, orders)


@xw.func(category=CATEGORY)
@xw.arg("sales", doc="销售额（元，可选一整列）", **_N)
@xw.arg("buyers", doc="付款客户人数（销售人数，可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def AVG_ORDER_VALUE(sales, buyers, where=None):
    """客单价 = 销售额 ÷ 付款客户人数。"""
    return _ratio("客单价", sales, buyers)


@xw.func(category=CATEGORY)
@xw.arg("replied", doc="回复客户数（可选一整列）", **_N)
@xw.arg("served", doc="接待客户数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def REPLY_RATE(replied, served, where=None):
    """旺旺回复率 = 回复客户数 ÷ 接待客户数。"""
    return _ratio("回复率", replied, served)


@xw.func(category=CATEGORY)
@xw.arg("sales", doc="实际销售额（元，可选一整列）", **_N)
@xw.arg("target", doc="计划销售额（元，可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def TARGET_COMPLETION(sales, target, where=None):
    """指标完成率 = 实际销售额 ÷ 计划销售额。"""
    return _ratio("指标完成率", sales, target)


@xw.func(category=CATEGORY)
@xw.arg("agent_messages", doc="客服消息数（可选一整列）", **_N)
@xw.arg("buyer_messages", doc="买家消息数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def ANSWER_RATIO(agent_messages, buyer_messages, where=None):
    """答问比 = 客服消息数 ÷ 买家消息数。"""
    return _ratio("答问比", agent_messages, buyer_messages)


@xw.func(category=CATEGORY)
@xw.arg("total_seconds", doc="响应总秒数（可选一整列）", **_N)
@xw.arg("responses", doc="响应次数（可选一整列）", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def AVG_RESPONSE(total_seconds, responses, where=None):
    """平均响应时间（秒）= 响应总秒数 ÷ 响应次数（不是每日平均值的平均）。"""
    return _ratio("平均响应时间", total_seconds, responses)


@xw.func(category=CATEGORY)
@xw.arg("public_sales", doc="公共销售总额（元，可选一整列）", **_N)
@xw.arg("agents", doc="客服人数", **_N)
@xw.arg("rate", err_to_str=True, doc="公共提成比例，默认 0.5%")
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def PUBLIC_COMMISSION(public_sales, agents, rate=0.005, where=None):
    """每人公共提成 = 公共销售总额 × 比例 ÷ 客服人数（元，四舍五入到分）。"""
    r = C.number(scalar(rate, "比例"), "公共提成比例")
    r = Decimal("0.005") if r is None else r
    if isinstance(r, NA):
        unknown(r.reason)

    def one(s: Any, n: Any) -> Decimal:
        total = C.required(s, "公共销售总额", "money")
        k = C.required(n, "客服人数")
        if k == 0:
            raise CellError(ErrorKind.DIV0, "客服人数为 0，无法平分公共提成")
        if k < 0 or k != k.to_integral_value():
            bad(f"客服人数应为正整数：{n!r}")
        return public_commission(total, r, int(k))

    return each(one, public_sales, agents)


@xw.func(category=CATEGORY)
@xw.arg("post_pay", doc="岗位工资（元，可选一整列）", **_N)
@xw.arg("commission", doc="个人绩效提成（元）", **_N)
@xw.arg("public_commission", doc="公共绩效提成（元）", **_N)
@xw.arg("seniority", doc="工龄工资（元）", **_N)
@xw.arg("bonus", doc="奖励（元），可不填", **_N)
@xw.arg("fines", doc="罚款（元，填正数，从工资中扣除），可不填", **_N)
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def MONTH_PAY(post_pay, commission, public_commission, seniority, bonus=0, fines=0, where=None):
    """当月工资 = 岗位工资 + 个人提成 + 公共提成 + 工龄工资 + 奖励 − 罚款（元，四舍五入到分）。"""

    def one(*cells: Any) -> Decimal:
        parts = {what: C.money_or_zero(v, what) for v, what in zip(cells, _PAY_PARTS)}
        parts[N.FINES] = -parts[N.FINES]  # typed as a positive amount, deducted
        return payslip(parts)[1]

    return each(one, post_pay, commission, public_commission, seniority, bonus, fines)


@xw.func(category=CATEGORY)
@xw.arg("headers", ndim=2, err_to_str=True, doc="标题行：指标与录入项的标准名称（如 询单人数、最终付款人数、销售额…）")
@xw.arg("values", ndim=2, err_to_str=True, doc="与标题对应的数值；选多行则每行一人，结果为一列")
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("duoyi"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def AGENT_TOTAL(headers, values, scheme="duoyi", where=None):
    """按方案由一行数据算出一名客服的考核总分（团队数值如 团队客单价 也可作为一列填入）。"""
    sch = C.scheme(scheme, "duoyi")
    names, rows, by_column = C.agent_rows(headers, values)

    def one(row: list) -> Decimal | None:
        if all(C.blank(x) for x in row):
            return None
        res = score_one(sch, C.figures_of(names, row))
        for it in res.items:
            if it.error:
                bad(f"{it.name}：{it.error}")
        if isinstance(res.total, NA):
            unknown(res.total.reason)
        return res.total

    results = []
    for row in rows:
        try:
            results.append(one(row))
        except CellError as e:
            results.append(e)
    return [results] if by_column else [[r] for r in results]


def _blank_cells(rows: list[list]) -> list[list]:
    return [["" if c is None else c for c in r] for r in rows]


@xw.func(category=CATEGORY)
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("duoyi"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def SCHEME_ITEMS(scheme="duoyi", where=None):
    """列出方案的考核项目与规则（标题行 + 每条规则一行，自动溢出成表）。"""
    return _blank_cells(T.items_to_rows(C.scheme(scheme, "duoyi")))


@xw.func(category=CATEGORY)
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("standard"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def COMMISSION_TABLE(scheme="standard", where=None):
    """列出方案的提成表（标题行 + 每档一行），可复制后修改，作为 COMMISSION_TIER 的第二个参数。"""
    s = C.scheme(scheme, "standard")
    if isinstance(s.commission, TierTable):
        return _blank_cells(T.tiers_to_rows(s.commission))
    if isinstance(s.commission, CoefficientTable):
        return _blank_cells(T.coefficient_to_rows(s.commission))
    unknown(f"方案「{s.id}」没有提成表")


@xw.func(category=CATEGORY)
@xw.arg("scheme", err_to_str=True, doc=_SCHEME_DOC.format("standard"))
@xw.arg("where", vba="Application.Caller.Address(External:=True)")
@udf
def GRADE_TABLE(scheme="standard", where=None):
    """列出方案的等级表（标题行 + 每个等级一行），可复制后修改，作为 GRADE 的第二个参数。"""
    return _blank_cells(T.grades_to_rows(C.grades(scheme, "standard")))


class CellRef:
    """xlwings converter for CSKPI_ERROR: the cell itself when a cell is given, else the value as typed."""

    @classmethod
    def reader(cls, options):
        from xlwings.conversion.framework import Pipeline

        def keep(c):
            c.value = c.range if c.range is not None else c.value

        return Pipeline().append_stage(keep)


def _address_of(cell: Any) -> str | None:
    get = getattr(cell, "get_address", None)
    if get is None:
        return None
    try:
        return get(external=True)
    except Exception:  # a closed book, a broken COM object: fall back to the value
        return None


@xw.func(category=CATEGORY)
@xw.arg("cell", CellRef, doc="出错的单元格（如 C2），或错误值文字 #N/A、#VALUE!、#DIV/0!；不填则为最近一次错误")
@udf
def CSKPI_ERROR(cell=None):
    """显示本工具函数出错的中文原因。例：=CSKPI_ERROR(C2)"""
    address = _address_of(cell)
    if address is not None:
        found = ERRORS.lookup(address)
        if found is not None:
            return found
        try:
            cell = cell.value
        except Exception:
            cell = None
    if is_grid(cell):
        g = grid(cell)
        cell = g[0][0] if g and g[0] else None
    err = C.error_in(cell)
    if err is not None:
        return ERRORS.last.get(err.kind) or f"没有找到 {err.kind.value} 的原因（请重新计算：Ctrl+Alt+F9）"
    if C.blank(cell):
        return ERRORS.last_any or ""
    return ""


#: Every UDF, by its Excel name (what :mod:`cskpi_xl.excel.calc` registers and the VBA wraps).
FUNCTIONS: dict[str, Callable] = {
    name: obj for name, obj in list(globals().items())
    if callable(obj) and name.isupper() and getattr(obj, "__module__", "") == __name__ and hasattr(obj, "__wrapped__")
}

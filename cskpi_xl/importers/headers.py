"""Which export header feeds which canonical figure, and which report a sheet is.

Headers are matched after normalising (NFKC, so full-width brackets become
half-width; spaces removed; ASCII lower-cased). Every canonical name comes from
:mod:`cskpi_xl.core.names`.

Decisions:

* ``聊天人数(原咨询人数)`` → 咨询人数; ``接待量`` (京东), ``人工已接待人数`` (抖音) and
  ``人工接待会话量`` (千牛) → 接待人数.
* ``询单->最终付款人数``, ``最终成团人数`` (拼多多), ``支付人数`` (抖音) and
  ``促成下单人数`` (京东) → 最终付款人数. 京东's own inquiry conversion is
  促成下单人数 ÷ 售前接待人数, so ``售前接待人数`` → 询单人数 and 促成下单人数 is the
  conversion numerator (最终付款人数), not 下单人数; 京东's report has no separate
  order count, so 最终下单成功率 is n/a for it.
* Where a report has no 销售人数 column, its paying-buyer count (最终付款人数)
  stands in for 销售人数 (千牛, 拼多多, 抖音, 京东), so 客单价 can be computed.
* ``净销售额`` (千牛), ``客服销售额(元)`` (拼多多, 抖音), ``促成下单商品金额`` (京东) →
  销售额. 净销售额 may be negative (refunds); other money may not.
* Averages: ``平均响应(秒)``, ``平均响应时长``, ``平均响应时长(新)``, ``平均人工响应时长``,
  ``平均响应时长(秒)`` → 平均响应时间; ``首次响应(秒)``, ``首次平均响应时间``,
  ``首次响应时长(秒)`` → 首次响应时间; ``平均接待时长`` → 平均接待时长. The month
  weights them by the report's 接待人数 (拼多多: 咨询人数).
* ``首次响应总耗时(s)`` + ``首次响应人数`` (千牛 API) → 首次响应总秒数 + 首次响应次数.
* ``客户满意率`` → 满意率; ``询单->最终付款转化率`` → 询单转化率.
* Read and ignored (no canonical figure): 长接待人数, 3分钟人工响应率, 30s应答率 and
  the other "answered within" rates.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Callable, NamedTuple

from cskpi_xl.core import names

AGENT = "agent"
DATE = "date"
COUNT = "count"          # whole number >= 0, summed
MONEY = "money"          # Decimal >= 0, summed
MONEY_SIGNED = "money±"  # Decimal, may be negative (net sales)
SECONDS = "seconds"      # a total of seconds, summed
AVG_SECONDS = "avg"      # an average time in seconds (a metric)
PERCENT = "percent"      # a rate 0..100% (a metric)
RATIO = "ratio"          # a ratio >= 0 without upper bound (答问比)
PRICE = "price"          # money per buyer (客单价, a metric)
IGNORE = "ignore"


class Field(NamedTuple):
    """What one export column means.

    Attributes:
      name: the canonical name it feeds (``""`` for the agent/date/ignored).
      kind: how its cells are parsed and checked (``COUNT``, ``PERCENT``...).
    """

    name: str
    kind: str


def norm(header: object) -> str:
    """A header as matched: NFKC, no spaces, lower case.

    >>> norm(" 客服销售额（元） ")
    '客服销售额(元)'
    """
    text = "" if header is None else str(header)
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).lower().replace("→", "->").replace("－", "-")


_AGENT_HEADERS = ("客服昵称", "旺旺昵称", "旺旺账号名称", "旺旺账号", "旺旺", "客服", "客服账号", "昵称",
                  "客服账号/昵称", "客服名称", "客服姓名", "客服子账号", "子账号", "账号", "客服id")
_DATE_HEADERS = ("日期", "统计日期", "数据日期", "时间", "统计时间", "业务日期", "日期时间")

_FIGURES: dict[str, Field] = {
    # counts
    "聊天人数(原咨询人数)": Field("咨询人数", COUNT),
    "聊天人数": Field("咨询人数", COUNT),
    "咨询人数": Field("咨询人数", COUNT),
    "接待人数": Field("接待人数", COUNT),
    "接待量": Field("接待人数", COUNT),
    "人工已接待人数": Field("接待人数", COUNT),
    "人工接待人数": Field("接待人数", COUNT),
    "人工接待会话量": Field("接待人数", COUNT),
    "询单人数": Field("询单人数", COUNT),
    "售前接待人数": Field("询单人数", COUNT),
    "下单人数": Field("下单人数", COUNT),
    "询单->下单人数": Field("下单人数", COUNT),
    "询单->最终付款人数": Field("最终付款人数", COUNT),
    "询单->付款人数": Field("最终付款人数", COUNT),
    "最终付款人数": Field("最终付款人数", COUNT),
    "最终成团人数": Field("最终付款人数", COUNT),
    "支付人数": Field("最终付款人数", COUNT),
    "促成下单人数": Field("最终付款人数", COUNT),
    "销售量": Field("销售量", COUNT),
    "销售件数": Field("销售量", COUNT),
    "销售人数": Field("销售人数", COUNT),
    "付款客户人数": Field("销售人数", COUNT),
    "总消息数": Field("总消息数", COUNT),
    "买家消息数": Field("买家消息数", COUNT),
    "客服消息数": Field("客服消息数", COUNT),
    "未回复人数": Field("未回复人数", COUNT),
    "回复人数": Field("回复人数", COUNT),
    "慢接待人数": Field("慢接待人数", COUNT),
    "好评量": Field("好评量", COUNT),
    "好评数": Field("好评量", COUNT),
    "评价量": Field("评价量", COUNT),
    "评价数": Field("评价量", COUNT),
    "满意评价数": Field("满意评价数", COUNT),
    "投诉数": Field("投诉数", COUNT),
    "首次响应人数": Field("首次响应次数", COUNT),
    "首次响应次数": Field("首次响应次数", COUNT),
    "响应次数": Field("响应次数", COUNT),
    "响应人数": Field("响应次数", COUNT),
    # money
    "销售额": Field("销售额", MONEY),
    "客服销售额(元)": Field("销售额", MONEY),
    "客服销售额": Field("销售额", MONEY),
    "促成下单商品金额": Field("销售额", MONEY),
    "销售金额": Field("销售额", MONEY),
    "净销售额": Field("销售额", MONEY_SIGNED),
    "退款金额": Field("退款金额", MONEY),
    # totals of seconds
    "首次响应总耗时(s)": Field("首次响应总秒数", SECONDS),
    "首次响应总耗时(秒)": Field("首次响应总秒数", SECONDS),
    "首次响应总耗时": Field("首次响应总秒数", SECONDS),
    "响应总耗时(s)": Field("响应总秒数", SECONDS),
    "响应总耗时(秒)": Field("响应总秒数", SECONDS),
    "响应总耗时": Field("响应总秒数", SECONDS),
    "接待总时长": Field("接待总秒数", SECONDS),
    "接待总时长(秒)": Field("接待总秒数", SECONDS),
    "接待总耗时": Field("接待总秒数", SECONDS),
    # averages
    "首次响应(秒)": Field("首次响应时间", AVG_SECONDS),
    "首次响应": Field("首次响应时间", AVG_SECONDS),
    "首次响应时间": Field("首次响应时间", AVG_SECONDS),
    "首次平均响应时间": Field("首次响应时间", AVG_SECONDS),
    "首次响应时长(秒)": Field("首次响应时间", AVG_SECONDS),
    "首次响应时长": Field("首次响应时间", AVG_SECONDS),
    "平均响应(秒)": Field("平均响应时间", AVG_SECONDS),
    "平均响应": Field("平均响应时间", AVG_SECONDS),
    "平均响应时间": Field("平均响应时间", AVG_SECONDS),
    "平均响应时长": Field("平均响应时间", AVG_SECONDS),
    "平均响应时长(新)": Field("平均响应时间", AVG_SECONDS),
    "平均响应时长(秒)": Field("平均响应时间", AVG_SECONDS),
    "平均人工响应时长": Field("平均响应时间", AVG_SECONDS),
    "平均接待时长": Field("平均接待时长", AVG_SECONDS),
    # rates and other metrics given directly
    "询单->最终付款转化率": Field("询单转化率", PERCENT),
    "询单转化率": Field("询单转化率", PERCENT),
    "咨询转化率": Field("询单转化率", PERCENT),
    "回复率": Field("回复率", PERCENT),
    "旺旺回复率": Field("回复率", PERCENT),
    "客户满意率": Field("满意率", PERCENT),
    "满意率": Field("满意率", PERCENT),
    "好评率": Field("好评率", PERCENT),
    "答问比": Field("答问比", RATIO),
    "客单价": Field("客单价", PRICE),
    # known, no canonical figure
    "长接待人数": Field("", IGNORE),
    "3分钟人工响应率": Field("", IGNORE),
    "3分钟人工回复率(8-23点)": Field("", IGNORE),
    "3分钟人工回复率(会话)": Field("", IGNORE),
    "3分钟人工回复率": Field("", IGNORE),
    "30秒应答率(8-23点)": Field("", IGNORE),
    "30s应答率": Field("", IGNORE),
    "30秒应答率": Field("", IGNORE),
    "序号": Field("", IGNORE),
    "店铺": Field("", IGNORE),
    "店铺名称": Field("", IGNORE),
}

HEADERS: dict[str, Field] = {norm(k): v for k, v in _FIGURES.items()}
# every canonical export figure and metric is also a header under its own name (响应总秒数,
# 首次响应总秒数, 接待总秒数 … are the names the README gives for a plain table)
_KIND_OF_NAME = {"count": COUNT, "money": MONEY, "seconds": SECONDS}
for _n in names.EXPORT_FIGURES:
    HEADERS.setdefault(norm(_n.name), Field(_n.name, _KIND_OF_NAME[_n.kind]))
for _n, _k in (("最终下单成功率", PERCENT), ("好评率", PERCENT)):
    HEADERS.setdefault(norm(_n), Field(_n, _k))
HEADERS.update({norm(h): Field("", AGENT) for h in _AGENT_HEADERS})
HEADERS.update({norm(h): Field("", DATE) for h in _DATE_HEADERS})

assert all(f.name in names.ALL for f in HEADERS.values() if f.name), "headers must feed canonical names"


class Unit(NamedTuple):
    """The unit a header gives in brackets: ``销售额(万元)``, ``回复率(%)``, ``平均响应时间[分钟]``.

    Attributes:
      text: the unit as written (normalised), e.g. ``万元``.
      scale: what a bare number in the column is multiplied by (``万元`` → 10000,
        ``分钟`` → 60, ``%`` → 1/100); a cell that writes its own unit
        (``4.52万``, ``98.5%``, ``8分48秒``) is read by its own unit instead.
      percent: the column is in percent points (``(%)``): a bare 98.5 is 0.985.
    """

    text: str
    scale: Decimal
    percent: bool = False


_MONEY_UNITS = {"元": 1, "rmb": 1, "¥": 1, "人民币": 1, "万元": 10000, "万": 10000, "千元": 1000}
_COUNT_UNITS = {"人": 1, "次": 1, "个": 1, "件": 1, "单": 1, "条": 1, "人次": 1, "位": 1, "笔": 1, "万": 10000}
_TIME_UNITS = {"秒": 1, "s": 1, "sec": 1, "秒钟": 1, "分钟": 60, "分": 60, "min": 60, "小时": 3600, "h": 3600}
_UNITS_BY_KIND: dict[str, dict[str, int]] = {
    COUNT: _COUNT_UNITS, MONEY: _MONEY_UNITS, MONEY_SIGNED: _MONEY_UNITS, PRICE: _MONEY_UNITS,
    SECONDS: _TIME_UNITS, AVG_SECONDS: _TIME_UNITS,
}
_PERCENT_UNITS = {"%": Decimal("0.01"), "百分比": Decimal("0.01"), "‰": Decimal("0.001")}
_BRACKETED = re.compile(r"^(.+?)[(\[【〔]([^()\[\]【】〔〕]{1,8})[)\]】〕]$")
_DECORATION = "*※★☆▲▼↑↓△▽:#"


def match_header(header: object) -> tuple[Field | None, Unit | None, str | None]:
    """What a header means: ``(field, unit, None)``, or ``(None, None, reason)`` when it is not understood.

    Exact names first; then a name with its unit in brackets (``(元)``,
    ``（%）``, ``[秒]``, ``【万元】``) whose unit fits the figure; decorations
    such as a leading ``*`` or a trailing ``:`` are ignored. A unit that does
    not fit (``销售额(%)``) is not guessed at: the reason says so.

    >>> match_header("销售额(万元)")[1].scale, match_header("回复率（%）")[1].percent
    (Decimal('10000'), True)
    >>> match_header("平均响应时间[分钟]")[0].name, match_header("平均响应时间[分钟]")[1].scale
    ('平均响应时间', Decimal('60'))
    >>> match_header("销售额(%)")[2]
    '单位「%」不适用于销售额'
    """
    n = norm(header)
    if not n:
        return None, None, None
    fld = HEADERS.get(n)
    if fld is not None:
        return fld, None, None
    n = n.strip(_DECORATION)
    fld = HEADERS.get(n)
    if fld is not None:
        return fld, None, None
    m = _BRACKETED.match(n)
    if m is None:
        return None, None, None
    base, unit = m.group(1).strip(_DECORATION), m.group(2)
    fld = HEADERS.get(base)
    if fld is None:
        return None, None, None
    if fld.kind in (AGENT, DATE, IGNORE):
        return fld, None, None
    if fld.kind == PERCENT and unit in _PERCENT_UNITS:
        return fld, Unit(unit, _PERCENT_UNITS[unit], True), None
    scale = _UNITS_BY_KIND.get(fld.kind, {}).get(unit)
    if scale is None:
        what = fld.name or base
        return None, None, f"单位「{unit}」不适用于{what}"
    return fld, Unit(unit, Decimal(scale)), None


class Report(NamedTuple):
    """A kind of export.

    Attributes:
      key: short id (``chitu``, ``qianniu``, ``qianniu_api``, ``jd``, ``pdd``, ``douyin``, ``generic``).
      platform: the shop platform whose accounts it reports (``taobao``, ``jd``...);
        a re-import replaces rows of the same platform, account and day.
      zh, en: names shown to users.
      signature: headers only this report has (normalised).
      paid_is_buyers: 最终付款人数 stands in for a missing 销售人数.
    """

    key: str
    platform: str
    zh: str
    en: str
    signature: frozenset[str]
    paid_is_buyers: bool = False


def _sig(*hs: str) -> frozenset[str]:
    return frozenset(norm(h) for h in hs)


REPORTS: tuple[Report, ...] = (
    Report("qianniu_api", "taobao", "千牛（接口）", "Qianniu (API)",
           _sig("首次响应总耗时(s)", "首次响应总耗时(秒)", "首次响应人数"), paid_is_buyers=True),
    Report("chitu", "taobao", "赤兔名品", "Chitu",
           _sig("聊天人数(原咨询人数)", "询单->最终付款人数", "询单->最终付款转化率", "慢接待人数",
                "长接待人数", "平均接待时长", "首次响应(秒)", "平均响应(秒)")),
    Report("qianniu", "taobao", "千牛/生意参谋", "Qianniu / Sycm",
           _sig("旺旺昵称", "旺旺账号名称", "净销售额", "人工接待会话量", "3分钟人工响应率"), paid_is_buyers=True),
    Report("jd", "jd", "京东", "JD",
           _sig("接待量", "售前接待人数", "促成下单人数", "促成下单商品金额", "首次平均响应时间",
                "平均响应时长(新)", "30s应答率"), paid_is_buyers=True),
    Report("pdd", "pdd", "拼多多", "Pinduoduo",
           _sig("最终成团人数", "3分钟人工回复率(8-23点)", "30秒应答率(8-23点)", "平均人工响应时长"),
           paid_is_buyers=True),
    Report("douyin", "douyin", "抖音飞鸽", "Douyin Feige",
           _sig("人工已接待人数", "支付人数", "首次响应时长(秒)", "平均响应时长(秒)", "3分钟人工回复率(会话)"),
           paid_is_buyers=True),
)
GENERIC = Report("generic", "generic", "通用表格", "generic table", frozenset())

#: Headers listed in the "unknown header set" problem, so HR knows what is expected.
EXPECTED_HINT = "客服昵称/旺旺昵称/客服账号、询单人数、接待人数、销售额、平均响应(秒) 等"


def detect(headers: list[str], also: Callable[[str], bool] | None = None) -> Report | None:
    """The report a header row belongs to, or None if it is not an export.

    A header row needs an agent column and at least one known figure (a late
    re-export may carry a single corrected figure), or a column ``also``
    accepts (a manual input or a scheme's input, in a canonical table).

    >>> detect(["客服账号", "咨询人数", "最终成团人数", "客服销售额（元）"]).key
    'pdd'
    >>> detect(["名字", "分数"]) is None
    True
    """
    normed = [norm(h) for h in headers]
    fields = [match_header(h)[0] for h in headers]
    if not any(f is not None and f.kind == AGENT for f in fields):
        return None
    if not any(f is not None and f.name for f in fields) and not (also and any(also(h) for h in headers)):
        return None
    present = set(normed) | {norm(h).strip(_DECORATION) for h in headers}
    best, score = GENERIC, 0
    for r in REPORTS:
        s = len(r.signature & present)
        if r.key == "qianniu_api" and s:
            return r  # totals + counts: the API form, whatever else the sheet has
        if s > score:
            best, score = r, s
    return best

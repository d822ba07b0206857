"""Canonical names of every figure the schemes use.

Every importer maps platform headers onto these names, every scheme refers to
them, and every workbook label shows them. Percent metrics are fractions
(0.36 means 36%); times are seconds; money is yuan.

Attributes of each entry: ``kind`` is one of ``count`` (summed over days),
``money`` (summed, Decimal), ``seconds`` (a time), ``ratio`` (a fraction),
``number`` or ``text``; ``en`` is the English label.
"""

from __future__ import annotations

from typing import NamedTuple


class Name(NamedTuple):
    name: str
    kind: str
    en: str
    help: str = ""


# The parts of the month's pay: keys of ``AgentResult.pay`` and ``{{工资.X}}`` placeholders, and the
# figures a person may type for the parts that are not computed (岗位工资, 工龄工资, 绩效工资, 奖励, 罚款).
POST_PAY = "岗位工资"
OWN_COMMISSION = "个人提成"
PUBLIC_COMMISSION = "公共提成"
SENIORITY_PAY = "工龄工资"
PERFORMANCE_PAY = "绩效工资"
REWARDS = "奖励"
FINES = "罚款"
#: The pay parts in the payslip's order.
PAY_PARTS = (POST_PAY, OWN_COMMISSION, PUBLIC_COMMISSION, SENIORITY_PAY, PERFORMANCE_PAY, REWARDS, FINES)
#: A grade attribute: the share of 绩效工资 paid (a fraction, or ``得分``: the total score / 100).
PERFORMANCE_PAY_RATIO = "绩效工资比例"


# Figures read from exports (summable counts and money, and the totals that
# weighted averages are built from).
EXPORT_FIGURES: tuple[Name, ...] = (
    Name("咨询人数", "count", "consulting buyers", "聊天人数（原咨询人数）"),
    Name("接待人数", "count", "buyers served"),
    Name("询单人数", "count", "inquiring buyers"),
    Name("下单人数", "count", "buyers who placed an order"),
    Name("最终付款人数", "count", "buyers who finally paid", "询单->最终付款人数"),
    Name("销售额", "money", "sales (yuan)"),
    Name("销售量", "count", "units sold"),
    Name("销售人数", "count", "paying buyers", "付款客户人数"),
    Name("退款金额", "money", "refunds (yuan)"),
    Name("总消息数", "count", "messages"),
    Name("买家消息数", "count", "buyer messages"),
    Name("客服消息数", "count", "agent messages"),
    Name("未回复人数", "count", "buyers not answered"),
    Name("回复人数", "count", "buyers answered"),
    Name("慢接待人数", "count", "slow receptions"),
    Name("首次响应总秒数", "seconds", "total first-response seconds"),
    Name("首次响应次数", "count", "first responses counted"),
    Name("响应总秒数", "seconds", "total response seconds"),
    Name("响应次数", "count", "responses counted"),
    Name("接待总秒数", "seconds", "total reception seconds"),
    Name("好评量", "count", "positive reviews"),
    Name("评价量", "count", "reviews"),
    Name("满意评价数", "count", "satisfied ratings"),
    Name("投诉数", "count", "platform complaints"),
)

# Metrics derived from the figures (S5 definitions and the export averages).
METRICS: tuple[Name, ...] = (
    Name("询单转化率", "ratio", "inquiry conversion rate", "最终付款人数 ÷ 询单人数"),
    Name("最终下单成功率", "ratio", "order success rate", "最终付款人数 ÷ 下单人数"),
    Name("客单价", "money", "average order value", "销售额 ÷ 销售人数"),
    Name("回复率", "ratio", "reply rate", "回复人数 ÷ 接待人数"),
    Name("指标完成率", "ratio", "target completion", "销售额 ÷ 计划销售额"),
    Name("答问比", "ratio", "answer/question ratio", "客服消息数 ÷ 买家消息数"),
    Name("首次响应时间", "seconds", "first response time (s)", "首次响应总秒数 ÷ 首次响应次数"),
    Name("平均响应时间", "seconds", "average response time (s)", "响应总秒数 ÷ 响应次数"),
    Name("平均接待时长", "seconds", "average reception time (s)", "接待总秒数 ÷ 接待人数"),
    Name("好评率", "ratio", "positive review rate", "好评量 ÷ 评价量"),
    Name("满意率", "ratio", "satisfaction rate", "满意评价数 ÷ 评价量"),
    Name("咨询占比", "ratio", "consult share", "接待人数 ÷ 团队接待人数"),
)

# Values that apply to the whole team in a month.
TEAM_VALUES: tuple[Name, ...] = (
    Name("团队人数", "count", "agents in the team"),
    Name("团队接待人数", "count", "team buyers served"),
    Name("团队销售额", "money", "team sales"),
    Name("团队销售人数", "count", "team paying buyers"),
    Name("团队客单价", "money", "team average order value", "团队销售额 ÷ 团队销售人数"),
    Name("人均咨询占比", "ratio", "per-capita consult share", "1 ÷ 团队人数"),
    Name("公共销售额", "money", "public sales total"),
)

# Figures HR types by hand (a manual-input sheet), per agent and month.
MANUAL_INPUTS: tuple[Name, ...] = (
    Name("计划销售额", "money", "planned sales"),
    Name("不耐心次数", "count", "impatience incidents"),
    Name("冲突次数", "count", "conflicts with buyers"),
    Name("售后差评数", "count", "after-sales bad reviews"),
    Name("表扬次数", "count", "buyer praises"),
    Name("被投诉次数", "count", "complaints against the agent"),
    Name("违规次数", "count", "off-task violations"),
    Name("迟到早退次数", "count", "late arrivals / early leaves"),
    Name("迟到次数", "count", "late arrivals"),
    Name("早退次数", "count", "early leaves"),
    Name("旷工次数", "count", "absences"),
    Name("迟到超30分钟次数", "count", "late more than 30 minutes"),
    Name("数据纠错次数", "count", "listing data errors found"),
    Name("建议采纳次数", "count", "adopted suggestions"),
    Name("发错货次数", "count", "wrong shipments"),
    Name("订单修正延误次数", "count", "delayed order corrections"),
    Name("团队协作事故次数", "count", "team-work incidents"),
    Name("制度违规次数", "count", "rule violations"),
    Name("好人好事次数", "count", "good deeds"),
    Name("出勤率", "ratio", "attendance rate"),
    Name("工龄年数", "number", "years of service"),
    Name("工龄月数", "number", "months of service"),
    Name(SENIORITY_PAY, "money", "seniority pay"),
    Name(POST_PAY, "money", "post pay"),
    Name(PERFORMANCE_PAY, "money", "performance pay base"),
    Name(REWARDS, "money", "other rewards"),
    Name(FINES, "money", "other fines"),
    Name("缺岗月数", "number", "months absent in the period"),
    Name("出勤天数", "number", "days attended"),
    Name("缺勤天数", "number", "days absent (any reason)"),
    Name("试用期", "number", "on probation (1 = yes)"),
    Name("惩戒处分次数", "count", "disciplinary records"),
    Name("记过未撤销", "count", "unrevoked demerits"),
    Name("随机抽检", "number", "random check score"),
    Name("低转化天数", "count", "days of low conversion (S10)"),
)

ALL: dict[str, Name] = {n.name: n for n in EXPORT_FIGURES + METRICS + TEAM_VALUES + MANUAL_INPUTS}

#: Metrics that are shares of a whole (0.34 means 34%, never above 1): a threshold above 1 is a unit mistake.
SHARES = frozenset(n.name for n in METRICS + TEAM_VALUES + MANUAL_INPUTS if n.kind == "ratio") - {"指标完成率", "答问比"}

# Names the rulebook uses for the same metric (S1 vs S5).
ALIASES: dict[str, str] = {
    "咨询转化率": "询单转化率",
    "定单销售比": "最终下单成功率",
    "订单销售比": "最终下单成功率",
    "旺旺回复率": "回复率",
    "平均客单价": "客单价",
    "首次响应": "首次响应时间",
    "平均响应": "平均响应时间",
}

#: Key of the set of ratio names an importer computed pair by pair (only from
#: sources that give both numerator and denominator); compute_metrics keeps
#: those values instead of recomputing them from totals that mix sources.
PAIRED = "_paired"

#: Key an importer sets (to the reason, in Chinese) on an agent who appears in the exports
#: with no figure at all (every row blank or "-"): the engine neither scores nor ranks them.
NO_DATA = "_无数据"

AGENT = "客服昵称"
MONTH = "月份"
DATE = "日期"


def canonical(name: str) -> str:
    """The canonical name for ``name`` (itself if it is not an alias).

    >>> canonical("咨询转化率")
    '询单转化率'
    """
    return ALIASES.get(name, name)


def kind_of(name: str) -> str | None:
    n = ALL.get(canonical(name))
    return n.kind if n else None


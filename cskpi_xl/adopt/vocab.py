"""Which words in a shop's sentence name which standard figure.

Metrics (S5 and the export averages) and hand-typed counts (the manual
inputs) are the names of :mod:`cskpi_xl.core.names`; the words a shop writes
for them are listed here, longest and most specific first. The alias table
of :mod:`cskpi_xl.core.names` (咨询转化率 → 询单转化率 …) and the importers' export
headers (:mod:`cskpi_xl.importers.headers`) are tried before them.

>>> metric_in("咨询转化率"), metric_in("买家问话后响应时间")
('询单转化率', '平均响应时间')
>>> count_in("与买家发生冲突的"), count_in("每违规一次", item="制度执行情况")
('冲突次数', '制度违规次数')
"""

from __future__ import annotations

import re

from cskpi_xl.core import names as N

#: (regex, metric) — the first that matches wins.
METRIC_WORDS: tuple[tuple[str, str], ...] = (
    (r"首次响应|首响", "首次响应时间"),
    (r"响应", "平均响应时间"),
    (r"客单价|单价", "客单价"),
    (r"人均百分比|人均占比|咨询占比|接待占比|咨询人次", "咨询占比"),
    (r"询单转化|咨询转化|转化率", "询单转化率"),
    (r"销售比|下单成功率|付款率|付款定单|付款订单", "最终下单成功率"),
    (r"回复率", "回复率"),
    (r"完成率", "指标完成率"),
    (r"好评率", "好评率"),
    (r"满意率", "满意率"),
    (r"答问比", "答问比"),
    (r"接待时长", "平均接待时长"),
)

#: (regex on the sentence, regex the item name must match or None, input) — first match wins.
COUNT_WORDS: tuple[tuple[str, str | None, str], ...] = (
    (r"不够耐心|不耐心|没有耐心|缺乏耐心", None, "不耐心次数"),
    (r"冲突|争吵|吵架", None, "冲突次数"),
    (r"差评", None, "售后差评数"),
    (r"表扬|夸奖|点赞", None, "表扬次数"),
    (r"投诉", None, "被投诉次数"),
    (r"违规|违反", r"制度", "制度违规次数"),
    (r"游戏|电影|小说|与工作无关|聊天|违规|违纪", None, "违规次数"),
    (r"迟到(?:、|或|和|与|/)?早退", None, "迟到早退次数"),
    (r"超过?30分钟|30分钟以上", None, "迟到超30分钟次数"),
    (r"迟到", None, "迟到次数"),
    (r"早退", None, "早退次数"),
    (r"旷工|缺勤", None, "旷工次数"),
    (r"发错货|错发|发错", None, "发错货次数"),
    (r"订单(?:修改|修正)|修改.*延误|延误", None, "订单修正延误次数"),
    (r"影响整个部门|影响部门|影响团队|团队协作", None, "团队协作事故次数"),
    (r"优良事迹|好人好事", None, "好人好事次数"),
    (r"建议.*采纳|采纳.*建议|合理化建议", None, "建议采纳次数"),
    (r"纠错|数据错误|找出.*错误", None, "数据纠错次数"),
)

#: Counts that earn points by nature (a sentence without 加/扣 adds for these, deducts for the rest).
BONUS_COUNTS = frozenset({"表扬次数", "好人好事次数", "建议采纳次数", "数据纠错次数"})

#: Team values a baseline may name, by the words of the sentence.
TEAM_WORDS: tuple[tuple[str, str], ...] = (
    (r"人均", "人均咨询占比"),
    (r"客单价|单价", "团队客单价"),
)


def _export_headers() -> list[tuple[str, str]]:
    """The importers' export headers that name a metric (``询单->最终付款转化率`` → 询单转化率), longest first."""
    from cskpi_xl.importers import headers

    metrics = {m.name for m in N.METRICS}
    pairs = [(k, f.name) for k, f in headers._FIGURES.items() if f.name in metrics]
    return sorted(pairs, key=lambda kv: -len(kv[0]))


def metric_in(text: str) -> str | None:
    """The standard metric a text names, if any: the names' alias table, the importers' export headers, the words above.

    >>> metric_in("询单->最终付款转化率高于30%"), metric_in("客户满意率")
    ('询单转化率', '满意率')
    """
    c = N.canonical(text.strip())
    if c in {m.name for m in N.METRICS}:
        return c
    for alias, name in N.ALIASES.items():
        if alias in text:
            return name
    from cskpi_xl.importers.headers import norm as header_norm

    h = header_norm(text)
    for key, name in _export_headers():
        if key in h:
            return name
    for pat, name in METRIC_WORDS:
        if re.search(pat, text):
            return name
    return None


def count_in(text: str, item: str = "") -> str | None:
    """The hand-typed count a text names, if any."""
    for n in N.MANUAL_INPUTS:
        if n.kind == "count" and n.name in text:
            return n.name
    for pat, item_pat, name in COUNT_WORDS:
        if re.search(pat, text) and (item_pat is None or re.search(item_pat, item)):
            return name
    return None


def team_value_in(text: str) -> str | None:
    for pat, name in TEAM_WORDS:
        if re.search(pat, text):
            return name
    return None


def metric_kind(metric: str) -> str:
    """``ratio``, ``seconds`` or ``money`` (others: ``number``)."""
    return N.kind_of(metric) or "number"

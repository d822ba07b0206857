"""Reading rule sentences: a property round trip (rule data → a sentence in one of several phrasings → the rule)
and the sentences that must not be read (never guess)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.adopt.sentences import read_item
from cskpi_xl.adopt.text import fmt, numbered_lines

points = st.one_of(st.integers(1, 30).map(D), st.sampled_from([D("0.5"), D("1.5"), D("2.5")]))
percent = st.integers(1, 99)


def rules_of(name, text, full=20):
    r = read_item(name, D(full), [text])
    assert r.unread == [], (text, r.unread)
    return r.rules


LINEAR_RATIO = [
    "高于{x}%，每点加{a}分；低于{x}%，每点扣{b}分",
    "1、高于{x}%,每个点加{a}分;\n2、低于{x}%,每个点扣{b}分。",
    "以{x}%为基准，每高出1个百分点加{a}分，每低1个百分点扣{b}分",
    "超过{x}%每个百分点加{a}分，反之每个百分点扣{b}分",
    "{x}%以上每1%加{a}分，{x}%以下每1%扣{b}分",
]


@settings(max_examples=150, deadline=None)
@given(x=percent, a=points, b=points, phrasing=st.sampled_from(LINEAR_RATIO),
       item=st.sampled_from(["咨询转化率", "询单转化率", "定单销售比", "回复率"]))
def test_linear_percent_points_round_trip(x, a, b, phrasing, item):
    text = phrasing.format(x=x, a=fmt(a), b=fmt(b))
    metric = {"咨询转化率": "询单转化率", "定单销售比": "最终下单成功率"}.get(item, item)
    assert rules_of(item, text) == [{"kind": "linear", "metric": metric, "baseline": D(x) / 100, "unit": D("0.01"),
                                     "above": a, "below": -b}]


@settings(max_examples=100, deadline=None)
@given(up=percent, gap=st.integers(1, 20), a=points, b=points)
def test_dead_zone_round_trip(up, gap, a, b):
    lo = max(up - gap, 0)
    text = f"高于{up}%，每点加{fmt(a)}分；低于{lo}%，每点扣{fmt(b)}分"
    assert rules_of("定单销售比", text) == [{"kind": "linear", "metric": "最终下单成功率", "upper": D(up) / 100,
                                           "lower": D(lo) / 100, "unit": D("0.01"), "above": a, "below": -b}]


SECONDS = [
    "超过{x}秒，每秒扣{m}分",
    "响应时间超过{x}秒，超过每秒扣{m}分.不设下限",
    "平均响应时间高于{x}秒的部分，每多{n}秒扣{m}分",
    "{x}秒以内不扣分；超过{x}秒的部分，每超{n}秒扣{m}分",
]


@settings(max_examples=150, deadline=None)
@given(x=st.integers(5, 120), n=st.sampled_from([1, 2, 5, 10]), m=points, phrasing=st.sampled_from(SECONDS))
def test_seconds_round_trip(x, n, m, phrasing):
    if "{n}" not in phrasing:
        n = 1
    r = read_item("平均响应时间", D(20), [phrasing.format(x=x, n=n, m=fmt(m))])
    assert r.unread == []
    want = {"kind": "linear", "metric": "平均响应时间", "baseline": D(x), "unit": D(n), "above": -m}
    if n != 1:
        want["step"] = True  # 每5秒: whole steps only (the convention adopt states in its decision)
    assert r.rules == [want]
    assert r.floor_none == ("不设下限" in phrasing)


MONEY = [
    "以团队平均客单价为基准，每高出{n}元加{m}分",
    "以平均单价为基准,超过{n}元加{m}分",
    "客单价以团队平均客单价为准，每超过{n}元加{m}分",
]


@settings(max_examples=80, deadline=None)
@given(n=st.sampled_from([5, 10, 20, 50, 100]), m=points, phrasing=st.sampled_from(MONEY))
def test_money_whole_steps_round_trip(n, m, phrasing):
    assert rules_of("平均客单价", phrasing.format(n=n, m=fmt(m)), 5) == [
        {"kind": "linear", "metric": "客单价", "baseline": "团队客单价", "unit": D(n), "above": m, "step": True}]


COUNTS = {"迟到早退": "迟到早退次数", "被投诉": "被投诉次数", "发错货": "发错货次数", "旷工": "旷工次数", "售后差评": "售后差评数"}
ESCALATION = [
    ("{noun}每次扣{p}分，超过{k}次每次扣{q}分", 0),
    ("{noun}每次{p}分,超过{k}次每次{q}分", 0),
    ("{noun}前{k}次每次扣{p}分，之后每次扣{q}分", 0),
    ("{noun}每次扣{p}分，第{k1}次起每次扣{q}分", 0),
    ("{noun}每次扣{p}分，{k1}次以上每次扣{q}分", 0),
    ("{noun}一次扣{p}分，超过{k}次后每次扣{q}分", 0),
    ("{noun}每次扣{p}分，{k}次以后每次扣{q}分", 0),
    ("每{noun}一次扣{p}分，超过{k}次的部分每次扣{q}分", 0),
]


@settings(max_examples=200, deadline=None)
@given(noun=st.sampled_from(sorted(COUNTS)), p=points, q=points, k=st.integers(1, 9), phrasing=st.sampled_from(ESCALATION))
def test_per_count_escalation_round_trip(noun, p, q, k, phrasing):
    text = phrasing[0].format(noun=noun, p=fmt(p), q=fmt(q), k=k, k1=k + 1)
    assert rules_of("日常记录", text) == [{"kind": "per_count", "inputs": [COUNTS[noun]], "points": -p, "after": k, "then": -q}]


BONUS = ["买家直接表扬客服一次加{p}分", "每收到一次买家表扬加{p}分", "表扬每次奖励{p}分"]


@settings(max_examples=60, deadline=None)
@given(p=points, phrasing=st.sampled_from(BONUS))
def test_per_count_bonus_round_trip(p, phrasing):
    r = read_item("其他加减分", D(5), [phrasing.format(p=fmt(p))])
    assert r.unread == [] and r.rules == [{"kind": "per_count", "inputs": ["表扬次数"], "points": p}]
    assert r.base == 0  # an item that only adds starts at 0


ZERO = [("{noun}{k}次以上者，该项得分为0", ">="), ("{noun}超过{k}次，该项为0分", ">"), ("月度{noun}{k}次及以上的，该项不得分", ">="),
        ("{noun}超过{k}次的，扣除该项全部分数", ">")]


@settings(max_examples=60, deadline=None)
@given(noun=st.sampled_from(["旷工", "迟到", "早退"]), k=st.integers(1, 9), phrasing=st.sampled_from(ZERO))
def test_zero_out_condition_round_trip(noun, k, phrasing):
    text = phrasing[0].format(noun=noun, k=k)
    (rule,) = rules_of("员工出勤率", text, 5)
    assert rule["kind"] == "condition" and rule["set_to"] == 0
    assert rule["when"] == [{"input": f"{noun}次数", "op": phrasing[1], "value": D(k)}]


# ---- things read as the rulebook says -----------------------------------------------------------------------------


def test_absence_merge_and_no_floor():
    r = read_item("日常记录", D(20), ["旷工一次扣10分，迟到30分钟以上按旷工计算；发现玩游戏一次扣20分，扣分不封顶"])
    assert r.unread == [] and r.floor_none
    assert r.rules == [{"kind": "per_count", "inputs": ["旷工次数", "迟到超30分钟次数"], "points": D(-10)},
                       {"kind": "per_count", "inputs": ["违规次数"], "points": D(-20)}]
    assert any("按旷工计" in zh for zh, _ in r.decisions)


def test_condition_with_or_and_points():
    r = read_item("员工出勤率", D(5), ["迟到次数超过3次或早退一次，扣1分，直至0分为止"])
    assert r.rules == [{"kind": "condition", "when": [{"input": "迟到次数", "op": ">", "value": D(3)},
                                                      {"input": "早退次数", "op": ">=", "value": D(1)}],
                        "points": D(-1), "text": "迟到次数超过3次或早退1次"}]
    assert not r.floor_none


def test_rubric_letters_and_points():
    r = read_item("质", D(100), ["a.总是能够根据规划要求完成任务，基本无需修改 100\nb.大方向正确，但需要进行细节调整 80\n"
                                 "c.设计内容偶有偏差，需要一定时间修正 60\nd.设计方向经常产生偏差，返工率高 0"])
    assert r.kind == "rubric"
    assert [(o.get("label"), o["points"]) for o in r.rules[0]["options"]] == [("a", 100), ("b", 80), ("c", 60), ("d", 0)]


def test_numbered_lines_do_not_split_decimals():
    assert numbered_lines("1、高于1.5%，每点加1.2分；2、低于1.5%，每点扣1分") == [(1, "高于1.5%，每点加1.2分"), (2, "低于1.5%，每点扣1分")]


# ---- never guess -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "月度销量排名前三的加5分",            # a rank: no such rule kind
    "好评率高于98%每点加1分，低于95%酌情扣分",  # the second half is not a number
    "迟到每次扣1分，超过3次每次扣2分，超过6次每次扣5分",  # a second escalation step
    "超过32秒扣2分",                     # one-off or per second? not said
    "每超过10分钟扣1分",                 # minutes of what?
])
def test_unreadable_sentences_are_returned_not_guessed(text):
    r = read_item("某项", D(10), [text])
    assert r.unread, r.rules


def test_description_only_is_supervisor_without_a_warning():
    r = read_item("工作积极性", D(10), ["对工作总是怀有做到最好的愿望"])
    assert r.kind == "supervisor" and r.rules == [] and r.unread == []

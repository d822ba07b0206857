"""One validator, two readers, the same defaults (cskpi_xl.core.schemefile.validate).

The proof the issue asks for: a band table (commission tiers, grades, KPI coefficients) written in a scheme file
and the same table typed in cells read to the same model and the same problems — whatever the bounds, the
inclusion flags (given or left out) and the rates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.core.grades import GradeBand, Grades
from cskpi_xl.core.schemefile import parse_scheme
from cskpi_xl.core.schemefile import sheet as S
from cskpi_xl.core.schemefile import validate as V
from cskpi_xl.core.tiers import Tier

SCHEME = {
    "id": "t", "name": "测试", "effective_from": dt.date(2026, 1, 1),
    "items": [{"name": "服务", "full": 100, "rules": [{"kind": "per_count", "inputs": ["冲突次数"], "points": -5}]}],
}
WORD = {True: "是", False: "否"}


def kinds(findings):
    return [(f.kind, f.severity) for f in findings]


# ---- band coverage, by table: at, below and above each boundary -------------------------------------------------------


class TestBands:
    # two bands meeting at 100: (upper flag of the first, lower flag of the second) → finding
    @pytest.mark.parametrize("a_hi_inc, b_lo_inc, expected", [
        (False, True, []),                          # [0,100) [100,∞): 100 in the second
        (True, False, []),                          # [0,100] (100,∞): 100 in the first
        (True, True, [(V.Kind.OVERLAP, "error")]),  # 100 in both
        (False, False, [(V.Kind.GAP, "error")]),    # 100 in neither
    ])
    @pytest.mark.parametrize("table", [V.GRADES, V.TIERS, V.COEFFICIENTS])
    def test_meeting_at_a_boundary(self, table, a_hi_inc, b_lo_inc, expected):
        bands = [(D(0), D(100), True, a_hi_inc), (D(100), None, b_lo_inc, False)]
        assert kinds(V.band_findings(table, bands)) == expected

    @pytest.mark.parametrize("table", [V.GRADES, V.TIERS, V.COEFFICIENTS])
    def test_apart_and_overlapping_by_a_cent(self, table):
        assert kinds(V.band_findings(table, [(None, D("99.99"), True, True), (D(100), None, True, False)])) == \
            [(V.Kind.GAP, "error")]
        assert kinds(V.band_findings(table, [(None, D("100.01"), True, False), (D(100), None, True, False)])) == \
            [(V.Kind.OVERLAP, "error")]

    @pytest.mark.parametrize("table, severity", [(V.GRADES, "error"), (V.COEFFICIENTS, "error"), (V.TIERS, "warning")])
    def test_a_bounded_top_band(self, table, severity):
        found = V.band_findings(table, [(None, D(100), True, False), (D(100), D(200), True, True)])
        assert kinds(found) == [(V.Kind.OPEN_ABOVE, severity)]
        assert V.band_findings(table, [(None, D(100), True, False), (D(100), None, True, False)]) == []

    @pytest.mark.parametrize("table, expected", [(V.GRADES, [(V.Kind.OPEN_BELOW, "error")]),
                                                 (V.COEFFICIENTS, [(V.Kind.OPEN_BELOW, "error")]),
                                                 (V.TIERS, [])])  # below the first tier: no commission, allowed
    def test_a_lowest_band_above_zero(self, table, expected):
        assert kinds(V.band_findings(table, [(D("0.01"), None, True, False)])) == expected
        assert V.band_findings(table, [(D(0), None, True, False)]) == []  # starting at 0 is full cover
        assert V.band_findings(table, [(None, None, True, False)]) == []

    def test_reversed_bounds(self):
        found = V.band_findings(V.TIERS, [(D(200), D(100), True, False)])
        assert found[0].kind is V.Kind.BOUNDS_REVERSED and found[0].index == 0
        assert found[0].message == "提成「第1档」的上限（100）小于下限（200）"
        assert V.Kind.BOUNDS_REVERSED not in [f.kind for f in V.band_findings(V.TIERS, [(D(100), D(100), True, True)])]

    def test_messages_name_the_table(self):
        bands = [(None, D(100), True, True), (D(100), None, True, False)]
        assert V.band_findings(V.GRADES, bands, ["好", "差"])[0].message == "等级「好」与「差」的分数段重叠"
        assert V.band_findings(V.TIERS, bands)[0].message == "提成「第1档」与「第2档」的金额区间重叠"
        assert V.band_findings(V.COEFFICIENTS, bands)[0].message == "系数档「第1档」与「第2档」的分数段重叠"
        gap = [(None, D(80), True, False), (D(90), None, True, False)]
        assert V.band_findings(V.GRADES, gap, ["差", "优"])[0].message == "等级「差」与「优」之间有空档：80 到 90"

    def test_bands_checked_in_ascending_order_whatever_the_order_given(self):
        g = [(D(90), None, True, False), (D(80), D(91), True, False), (None, D(70), True, False)]  # best first
        found = V.band_findings(V.GRADES, g, ["A", "B", "C"])
        assert sorted(f.kind.value for f in found) == ["gap", "overlap"]

    def test_duplicate_labels(self):
        assert [f.message for f in V.label_findings(V.GRADES, ["A", "B", "A"])] == ["等级名称重复：A"]


class TestValues:
    @pytest.mark.parametrize("rate, ok", [("0", True), ("0.999", True), ("1", False), ("-0.001", False), ("1.5", False)])
    def test_rate_at_below_above_one(self, rate, ok):
        assert (V.rate_finding(D(rate)) is None) == ok

    def test_share_at_below_above_one(self):
        assert V.share_findings("询单转化率", [("baseline", D(1))]) == []
        assert [f.kind for f in V.share_findings("询单转化率", [("baseline", D("1.01"))])] == [V.Kind.SHARE_ABOVE_ONE]
        assert V.share_findings("平均响应时间", [("baseline", D(32))]) == []  # not a share
        assert V.share_findings("询单转化率", [], D("0.99")) == []
        assert [f.field for f in V.share_findings("询单转化率", [], D(1))] == ["unit"]


# ---- the defaults: a flag left out means the same in both readers -----------------------------------------------------


class TestDefaults:
    def test_model_types_agree(self):
        assert (Tier(None, None).lower_inclusive, Tier(None, None).upper_inclusive) == (True, False)
        assert (GradeBand("A", None, None).low_inclusive, GradeBand("A", None, None).high_inclusive) == (True, False)
        assert (V.LOWER_INCLUSIVE, V.UPPER_INCLUSIVE) == (True, False)

    def test_tiers_without_flags_meet_at_the_boundary(self):
        toml = {**SCHEME, "commission": {"kind": "tiers", "tiers": [
            {"upper": 15000, "kind": "flat", "rate": 0.01}, {"lower": 15000, "kind": "flat", "rate": 0.02}]}}
        scheme, problems = parse_scheme(toml)
        table, sheet_problems = S.rows_to_tiers([["下限", "上限", "比例"], [None, 15000, 0.01], [15000, None, 0.02]])
        assert problems == [] and sheet_problems == []
        assert scheme.commission == table
        # 14,999.99 → 1% (149.9999 → 150.00); 15,000 → 2% of 15,000 = 300.00; 15,000.01 → 300.0002 → 300.00
        for t in (scheme.commission, table):
            assert [str(t.commission(x)) for x in ("14999.99", "15000", "15000.01")] == ["150.00", "300.00", "300.00"]

    def test_a_bounded_top_tier_is_a_warning_in_both(self):
        toml = {**SCHEME, "commission": {"kind": "tiers", "tiers": [{"upper": 100, "kind": "flat", "rate": 0.01}]}}
        scheme, problems = parse_scheme(toml)
        table, sheet_problems = S.rows_to_tiers([["上限", "比例"], [100, 0.01]])
        assert scheme is not None and table == scheme.commission
        assert [(p.message, p.severity) for p in problems] == [(p.message, p.severity) for p in sheet_problems] == \
            [("最高提成「第1档」有上限 100，更高的金额没有提成", "warning")]
        # at the bound: not in the tier (upper bound out); just below: 1%; above: none
        assert [str(table.commission(x)) for x in ("99.99", "100", "100.01")] == ["1.00", "0.00", "0.00"]


# ---- the proof: the same table from TOML and from cells ---------------------------------------------------------------

BOUND = st.one_of(st.none(), st.sampled_from([0, 100, 200, 300]))
FLAG = st.one_of(st.none(), st.booleans())  # None: left out / blank
RATE = st.sampled_from(["0", "0.01", "0.015", "0.5", "1", "1.5", "-0.01"])


@st.composite
def bands(draw, labels=False):
    out = []
    for _ in range(draw(st.integers(1, 4))):
        b = {"low": draw(BOUND), "high": draw(BOUND), "low_inc": draw(FLAG), "high_inc": draw(FLAG), "rate": draw(RATE),
             "kind": draw(st.sampled_from(["flat", "marginal", "fixed"]))}
        if labels:
            b["label"] = draw(st.sampled_from(["A", "B", "C", "D"]))
        out.append(b)
    return out


@st.composite
def covering_bands(draw, labels=False):
    """Bands that cover everything: each boundary held by one side, its flags given or left out (then the default)."""
    cuts = sorted(draw(st.sets(st.sampled_from([0, 100, 200, 300]), max_size=3)))
    edges = [None] + cuts + [None]
    out = [{"low": lo, "high": hi, "low_inc": None, "high_inc": None, "rate": draw(st.sampled_from(["0", "0.01", "0.015"])),
            "kind": draw(st.sampled_from(["flat", "marginal", "fixed"]))} for lo, hi in zip(edges, edges[1:])]
    for a, b in zip(out, out[1:]):
        if draw(st.booleans()):  # the boundary belongs to the band above it: the defaults, or said
            a["high_inc"], b["low_inc"] = draw(st.sampled_from([None, False])), draw(st.sampled_from([None, True]))
        else:                    # to the band below it: both flags must be said
            a["high_inc"], b["low_inc"] = True, False
    for i, b in enumerate(out):
        if labels:
            b["label"] = "ABCD"[i]
    return draw(st.permutations(out))


def _toml_band(b, keys):
    lo, hi, lo_inc, hi_inc = keys
    d = {}
    for key, v in ((lo, b["low"]), (hi, b["high"]), (lo_inc, b["low_inc"]), (hi_inc, b["high_inc"])):
        if v is not None:
            d[key] = v
    return d


def _cells(b):
    return [b["low"], b["high"], None if b["low_inc"] is None else WORD[b["low_inc"]],
            None if b["high_inc"] is None else WORD[b["high_inc"]]]


def same(toml_result, sheet_result):
    (model_a, problems_a), (model_b, problems_b) = toml_result, sheet_result
    assert model_a == model_b
    a = sorted((p.message, p.severity) for p in problems_a)
    b = sorted((p.message, p.severity) for p in problems_b)
    assert a == b


@settings(max_examples=300, deadline=None)
@given(st.one_of(bands(), covering_bands()))
def test_tiers_from_toml_and_from_cells_are_the_same(tiers):
    node = []
    rows = [list(S.TIER_HEADERS)]
    for b in tiers:
        d = {**_toml_band(b, ("lower", "upper", "lower_inclusive", "upper_inclusive")), "kind": b["kind"], "rate": b["rate"]}
        node.append(d)
        rows.append(_cells(b) + [S.KIND_WORDS[b["kind"]], b["rate"], None, None])
    scheme, problems = parse_scheme({**SCHEME, "commission": {"kind": "tiers", "tiers": node}})
    same((scheme.commission if scheme else None, problems), S.rows_to_tiers(rows))


@settings(max_examples=300, deadline=None)
@given(st.one_of(bands(), covering_bands()))
def test_coefficients_from_toml_and_from_cells_are_the_same(coefs):
    node = []
    rows = [["下限", "上限", "含下限", "含上限", "比例"]]
    for b in coefs:
        node.append({**_toml_band(b, ("low", "high", "low_inclusive", "high_inclusive")), "rate": b["rate"]})
        rows.append(_cells(b) + [b["rate"]])
    scheme, problems = parse_scheme({**SCHEME, "commission": {"kind": "coefficient", "bands": node}})
    same((scheme.commission if scheme else None, problems), S.rows_to_coefficient(rows))


@settings(max_examples=300, deadline=None)
@given(st.one_of(bands(labels=True), covering_bands(labels=True)))
def test_grades_from_toml_and_from_cells_are_the_same(grades):
    node = []
    rows = [list(S.GRADE_HEADERS)]
    for b in grades:
        node.append({"label": b["label"], **_toml_band(b, ("low", "high", "low_inclusive", "high_inclusive"))})
        rows.append([b["label"]] + _cells(b))
    scheme, problems = parse_scheme({**SCHEME, "grades": node})
    same((scheme.grades if scheme else None, problems), S.rows_to_grades(rows))


def test_the_proof_sees_a_difference():
    """The comparison is not vacuous: one reader given a flag the other is not gives a different model."""
    scheme, _ = parse_scheme({**SCHEME, "grades": [{"label": "A", "low": 60}, {"label": "B", "high": 60}]})
    other, _ = S.rows_to_grades([list(S.GRADE_HEADERS), ["A", 60, None, "否", None], ["B", None, 60, None, "是"]])
    assert isinstance(scheme.grades, Grades) and other is not None and scheme.grades != other


# ---- item rules: the same checks in both readers, at, below and above each boundary ------------------------------------

ITEM_COLUMNS = ["项目", "满分", "规则类型", "指标/录入项", "基准", "上基准", "下基准", "单位", "高于每单位", "低于每单位"]


def linear_both(metric, baseline=None, upper=None, lower=None, unit="0.01"):
    """One linear rule read from a scheme file and from cells: (rules or None, kinds of problems) for each."""
    rule = {"kind": "linear", "metric": metric, "unit": unit, "above": 1, "below": -1}
    for k, v in (("baseline", baseline), ("upper", upper), ("lower", lower)):
        if v is not None:
            rule[k] = v
    scheme, problems = parse_scheme({**SCHEME, "items": [{"name": "转化", "full": 100, "rules": [rule]}]})
    items, cell_problems = S.rows_to_items([ITEM_COLUMNS, ["转化", 100, "线性", metric, baseline, upper, lower, unit, 1, -1]])
    return ((scheme.items[0].rules if scheme else None, [p.severity for p in problems]),
            (items[0].rules if items else None, [p.severity for p in cell_problems]), problems, cell_problems)


@pytest.mark.parametrize("unit, ok", [("-0.01", False), ("0", False), ("0.0001", True), ("0.01", True)])
def test_unit_at_below_above_zero(unit, ok):
    toml, cells, problems, cell_problems = linear_both("平均响应时间", baseline="32", unit=unit)
    assert toml == cells and (toml[0] is not None) == ok
    if not ok:
        assert [p.path for p in problems] == ["items[0].rules[0].unit"] and problems[0].message == "unit 必须大于 0"
        assert [(p.row, p.column, p.message) for p in cell_problems] == [(2, "单位", "「单位」必须大于 0")]


@pytest.mark.parametrize("lower, ok", [("0.89", True), ("0.95", True), ("0.9501", False)])
def test_lower_baseline_at_below_above_the_upper(lower, ok):
    toml, cells, problems, cell_problems = linear_both("最终下单成功率", upper="0.95", lower=lower)
    assert toml == cells and (toml[0] is not None) == ok
    if not ok:
        assert problems[0].message == "lower（0.9501）不能大于 upper（0.95）"
        assert (cell_problems[0].column, cell_problems[0].message) == ("下基准", "「下基准」（0.9501）不能大于「上基准」（0.95）")


@pytest.mark.parametrize("baseline, ok", [("0.99", True), ("1", True), ("1.01", False), ("34", False)])
def test_share_baseline_at_below_above_one(baseline, ok):
    toml, cells, problems, cell_problems = linear_both("询单转化率", baseline=baseline)
    assert toml == cells and (toml[0] is not None) == ok
    if not ok:
        assert problems[0].message == cell_problems[0].message and "大于 100%" in problems[0].message
        assert (problems[0].path, cell_problems[0].column) == ("items[0].rules[0].baseline", "基准")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["询单转化率", "平均响应时间"]),
       st.one_of(st.tuples(st.sampled_from(["0.3", "0.9", "1", "1.5", "32"]), st.none(), st.none()),
                 st.tuples(st.none(), st.sampled_from(["0.95", "1.2"]), st.sampled_from(["0.9", "0.95", "0.96"]))),
       st.sampled_from(["-1", "0", "0.01", "1", "5"]))
def test_linear_rules_from_toml_and_from_cells_are_the_same(metric, baselines, unit):
    toml, cells, _, _ = linear_both(metric, *baselines, unit=unit)
    assert toml == cells


@pytest.mark.parametrize("after, ok", [("-1", False), ("0", True), ("4", True), ("2.5", False)])
def test_per_count_after_in_both_readers(after, ok):
    rule = {"kind": "per_count", "inputs": ["迟到早退次数"], "points": -1, "then": -3}
    toml_after = int(after) if after.lstrip("-").isdigit() else float(after)
    scheme, problems = parse_scheme({**SCHEME, "items": [{"name": "出勤", "full": 100, "rules": [{**rule, "after": toml_after}]}]})
    items, cell_problems = S.rows_to_items([["项目", "满分", "规则类型", "指标/录入项", "每次", "超过次数后", "之后每次"],
                                            ["出勤", 100, "按次", "迟到早退次数", -1, after, -3]])
    assert (scheme is not None) == (items is not None) == ok
    if ok:
        assert scheme.items[0].rules == items[0].rules
    else:
        assert problems[0].message == "after 应为非负整数" and cell_problems[0].message == "「超过次数后」应为非负整数"

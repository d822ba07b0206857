"""Commission tiers and grade bands: the rulebook's examples and properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.core.tiers import CoefficientTable, Tier, TierTable, public_commission

STANDARD = builtin("standard").commission
DUOYI = builtin("duoyi").commission


class TestStandardCommission:
    @pytest.mark.parametrize("sales, pay", [
        (0, "0.00"), (14000, "210.00"), (14999, "224.99"), (15000, "150.00"), (18000, "210.00"),
        (20000, "250.00"), (20001, "250.04"), (22000, "330.00"), (25000, "450.00"), (25001, "500.02"), (30000, "600.00"),
    ])
    def test_table_as_written(self, sales, pay):
        assert STANDARD.commission(sales) == D(pay)

    def test_breaks(self):
        (cliff, jump) = STANDARD.breaks()
        assert (cliff.kind, cliff.sales_before, cliff.pay_before, cliff.sales_after, cliff.pay_after) == \
            ("cliff", D(14999), D("224.99"), D(15000), D("150.00"))
        assert (jump.kind, jump.sales_before, jump.pay_before, jump.sales_after, jump.pay_after) == \
            ("jump", D(25000), D("450.00"), D(25001), D("500.02"))


class TestDuoyiCommission:
    @pytest.mark.parametrize("sales, pay", [
        (30000, "0.00"), (30000.5, "300.01"), (30001, "300.01"), (50000, "500.00"), (50001, "600.01"),
        (60000, "720.00"), (80000, "960.00"),
    ])
    def test_flat_on_the_whole_amount(self, sales, pay):
        assert DUOYI.commission(sales) == D(pay)


def test_public_commission():
    # 公共销售业绩总额 × 0.5% ÷ 客服人数
    assert public_commission(123457, D("0.005"), 7) == D("88.18")  # 617.285 / 7 = 88.1835…


def test_coefficient_table_boundaries():
    yali = builtin("yali").commission
    assert isinstance(yali, CoefficientTable)
    assert yali.rate_for(D("59.99")) == 0 and yali.rate_for(D(60)) == D("0.005") and yali.rate_for(D(100)) == D("0.012")
    assert yali.commission(D(85), 20000) == D("160.00")


marginal_tables = st.lists(st.tuples(st.integers(1, 50000), st.integers(0, 100)), min_size=1, max_size=6)


@given(marginal_tables, st.lists(st.integers(0, 400000), min_size=2, max_size=20))
@settings(max_examples=200, deadline=None)
def test_marginal_table_is_continuous_and_non_decreasing(steps, amounts):
    """A table built the openfisca way (each tier marginal above its threshold,
    base = the pay reached at the threshold) has no breaks and never pays less for more."""
    bounds = sorted({0} | {s for s, _ in steps})
    rates = [D(r) / 1000 for _, r in steps] + [D(1) / 100] * len(bounds)
    tiers, base = [], D(0)
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] if i + 1 < len(bounds) else None
        tiers.append(Tier(D(lo), None if hi is None else D(hi), lower_inclusive=i == 0 or False, upper_inclusive=True,
                          kind="marginal", rate=rates[i], base=base))
        if hi is not None:
            base += rates[i] * (hi - lo)
    t = TierTable(tuple(tiers))
    assert t.breaks() == []
    assert t.is_non_decreasing()
    pays = [t.commission(a) for a in sorted(amounts)]
    assert pays == sorted(pays)


@pytest.mark.parametrize("scheme_id", [s for s in BUILTIN_IDS if builtin(s).grades])
@given(score=st.decimals(min_value=-1000, max_value=1000, places=2))
@settings(max_examples=150, deadline=None)
def test_every_score_has_exactly_one_grade(scheme_id, score):
    assert len(builtin(scheme_id).grades.matching(score)) == 1


@pytest.mark.parametrize("score, grade", [
    ("94.6", "优秀"), ("95", "卓越"), ("94.99", "优秀"), ("85", "优秀"), ("84.99", "良好"), ("75", "良好"),
    ("65", "一般"), ("64.99", "不及格"), ("0", "不及格"), ("120", "卓越"),
])
def test_standard_grades(score, grade):
    assert builtin("standard").grades.grade(D(score)).label == grade


@pytest.mark.parametrize("score, grade", [("60", "C"), ("60.01", "B"), ("90", "B"), ("90.01", "A"), ("100", "A"), ("100.01", "A+")])
def test_kpi_ko_ksa_grades_upper_bound_inclusive(score, grade):
    assert builtin("kpi_ko_ksa").grades.grade(D(score)).label == grade


def test_grade_attributes():
    g = builtin("standard").grades.grade(D(88))
    assert g.attrs["岗位工资"] == D(1700) and g.attrs["岗位级别"] == "二级客服" and g.attrs["培训需求"] == "一般"

"""Closed sets are enums whose values are the texts written out: problem severities (JSON), registry sources
(the 来源 column of ``_cskpi``), the kinds of 规则-sheet cells (their look), and the words of a scheme file
(tier kinds, where 岗位工资 comes from) with the kinds of commission-table breaks."""

import json

import pytest

from cskpi_xl.core.problems import ERROR, PENDING, WARNING, Problem, Severity
from cskpi_xl.workbook.registry import INPUT_SOURCES, Source
from cskpi_xl.workbook.rulesheet import CellKind, RuleCell


class TestSeverity:
    def test_success(self):
        assert [s.value for s in Severity] == ["error", "warning", "pending"]
        assert (ERROR, WARNING, PENDING) == (Severity.ERROR, Severity.WARNING, Severity.PENDING)
        p = Problem("回复率不是数字", severity=WARNING)
        assert not p.is_error and p.label() == "警告" and Problem("x").is_error and Problem("x").severity is ERROR
        # JSON carries the plain text, as before the enum
        assert json.dumps(p.to_dict()["severity"]) == '"warning"'
        assert json.loads(json.dumps(p.to_dict()))["severity"] == "warning"
        assert f"{PENDING}" == "pending" and str(PENDING) == "pending"

    def test_fail(self):
        assert Severity("error") is ERROR
        with pytest.raises(ValueError):
            Severity("fatal")


class TestRegistrySource:
    def test_success(self):
        assert [s.value for s in Source] == ["生成", "手填", "清空", "公式", "客服"]
        assert INPUT_SOURCES == ("生成", "手填", "清空")
        assert "手填" in INPUT_SOURCES and type(str(Source.TYPED)) is str and str(Source.TYPED) == "手填"

    def test_fail(self):
        assert "公式" not in INPUT_SOURCES and "客服" not in INPUT_SOURCES and "" not in INPUT_SOURCES


class TestRuleCellKind:
    def test_success(self):
        assert [k.value for k in CellKind] == ["title", "caption", "header", "data", "note"]
        assert RuleCell(1, 1, "x").kind is CellKind.DATA
        assert {CellKind.HEADER: 1}["header"] == 1  # apply.RULE_STYLES is keyed by the text

    def test_fail(self):
        assert "footer" not in {k.value for k in CellKind}


class TestSchemeWords:
    """Words of a scheme file become members of their closed set; a word outside it is refused."""

    def test_success(self):
        from decimal import Decimal

        from cskpi_xl.core.schemefile import builtin
        from cskpi_xl.core.scheme import PayRules, PostPay
        from cskpi_xl.core.tiers import BreakKind, Tier, TierKind

        assert [k.value for k in TierKind] == ["flat", "marginal", "fixed"]
        assert Tier(None, None, kind="marginal").kind is TierKind.MARGINAL
        assert PayRules("grade").post_pay is PostPay.GRADE and PayRules().post_pay is PostPay.INPUT
        assert builtin("standard").pay.post_pay is PostPay.GRADE
        breaks = builtin("standard").commission.breaks()
        # standard: 14,999 → 224.99 but 15,000 → 150.00 (a cliff); 25,000 → 450.00, 25,001 → 500.02 (a jump)
        assert [(b.kind, b.boundary) for b in breaks] == [(BreakKind.CLIFF, Decimal(15000)), (BreakKind.JUMP, Decimal(25000))]

    def test_fail(self):
        from cskpi_xl.core.scheme import PayRules
        from cskpi_xl.core.tiers import Tier

        with pytest.raises(ValueError):
            Tier(None, None, kind="progressive")
        with pytest.raises(ValueError):
            PayRules("monthly")

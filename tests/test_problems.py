"""Closed sets are enums whose values are the texts written out: problem severities (JSON), registry sources
(the 来源 column of ``_cskpi``) and the kinds of 规则-sheet cells (their look)."""

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

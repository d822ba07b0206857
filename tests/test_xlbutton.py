"""The Excel buttons against a fake xlwings Book (no Excel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cskpi_xl import xlbutton as B
from tests.xlwings_book import FakeBook, FakeSheet

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "samples" / "exports" / "自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx"


def _book(settings, template=None):
    s = FakeSheet("设置")
    for i, (k, v) in enumerate(settings, start=1):
        s.values[(i, 1)], s.values[(i, 2)] = k, v
    t = FakeSheet("考核表", template or {"A1": "客服：{{客服昵称}}", "B2": "{{=总分}}", "C3": "{{咨询转化率.得分}}", "D4": "{{月份}}"})
    return FakeBook([t, s])


def test_parse_settings():
    s, p = B.parse_settings([["方案", "duoyi"], ["月份：", "2026-10"], ["导出文件", "a.xlsx"], [None, "b.csv"], [None, None],
                             ["客服昵称", 123.0], ["输出文件夹", "out"], ["颜色", "红"]])
    assert s == B.Settings("duoyi", "2026-10", "123", ("a.xlsx", "b.csv"), None, None, "out")
    assert [x.row for x in p] == [8] and "颜色" in p[0].message


def test_template_cells():
    book = _book([])
    cells = B.template_cells(book)
    assert {(c.sheet, c.address) for c in cells} == {("考核表", "A1"), ("考核表", "B2"), ("考核表", "C3"), ("考核表", "D4")}


def test_fill_this_sheet():
    if not EXPORT.is_file():
        pytest.skip("sample export missing")
    from cskpi_xl.importers import import_files

    data, _ = import_files([EXPORT], "2026-10")
    agent = next(iter(data.agents))
    book = _book([["方案", "duoyi"], ["月份", "2026-10"], ["客服昵称", agent], ["导出文件", str(EXPORT)]])
    problems = B.fill_book(book)
    t = book.sheets["考核表"]
    assert t.values[(1, 1)] == f"客服：{agent}"
    assert t.formulas.get((2, 2), "").startswith("=")  # the live total
    assert isinstance(t.values.get((3, 3)), (int, float))
    status = book.sheets["设置"].values[(1, 4)]
    assert status.startswith(f"已填充 {agent}"), (status, [p.format() for p in problems])


def test_fill_reports_missing_settings_and_agent():
    book = _book([["方案", "duoyi"]])
    problems = B.fill_book(book)
    assert {p.message for p in problems} == {"设置表缺少「客服昵称」", "设置表缺少「导出文件」"}
    assert book.sheets["设置"].values[(1, 4)] == "未填充"
    if EXPORT.is_file():
        book = _book([["方案", "duoyi"], ["客服昵称", "没有这个人"], ["导出文件", str(EXPORT)]])
        problems = B.fill_book(book)
        assert "没有客服「没有这个人」" in problems[-1].message


def test_no_settings_sheet():
    book = FakeBook([FakeSheet("考核表")])
    problems = B.fill_book(book)
    assert "没有「设置」工作表" in problems[0].message
    assert book.sheets["设置"].values[(1, 4)] == "未填充"


def test_batch_all(tmp_path):
    if not EXPORT.is_file():
        pytest.skip("sample export missing")
    book = _book([["方案", "duoyi"], ["月份", "2026-10"], ["导出文件", str(EXPORT)], ["输出文件夹", str(tmp_path / "out")]])
    B.batch_book(book)
    assert book.sheets["设置"].values[(1, 4)].startswith("已生成")
    assert list((tmp_path / "out").glob("*.xlsx"))


def test_errors_never_reach_excel(monkeypatch):
    book = _book([["方案", "duoyi"]])
    monkeypatch.setattr(B, "fill_book", lambda b: 1 / 0)
    problems = B._guarded(B.fill_book, book)
    assert "ZeroDivisionError" in problems[0].message
    assert book.sheets["设置"].values[(1, 4)] == "运行出错"


def test_batch_button_keeps_typed_entries(tmp_path):
    """The 批量生成全部 button regenerates through the same pipeline: what a supervisor typed stays, run after run."""
    from tests.regen_helpers import read_inputs, type_into

    if not EXPORT.is_file():
        pytest.skip("sample export missing")
    out = tmp_path / "out"
    book = _book([["方案", "employee_form"], ["月份", "2026-10"], ["导出文件", str(EXPORT)], ["输出文件夹", str(out)]])
    B.batch_book(book)
    f = sorted((out / "2026-10").glob("*.xlsx"))[0]
    typed = {"工作态度(主管)": 5, "主管评语": "按钮生成后填写"}
    type_into(f, typed)
    for _ in range(2):
        B.batch_book(book)
        assert book.sheets["设置"].values[(1, 4)].startswith("已生成")
        assert read_inputs(f, typed) == typed


def test_second_fill_click_never_overwrites_what_was_typed():
    """After 填充本表 the placeholders are gone: a second click changes nothing and says why."""
    if not EXPORT.is_file():
        pytest.skip("sample export missing")
    from cskpi_xl.importers import import_files

    data, _ = import_files([EXPORT], "2026-10")
    agent = next(iter(data.agents))
    book = _book([["方案", "duoyi"], ["月份", "2026-10"], ["客服昵称", agent], ["导出文件", str(EXPORT)]])
    B.fill_book(book)
    t = book.sheets["考核表"]
    t.values[(3, 3)] = 17  # a person types over the filled sheet
    before = (dict(t.values), dict(t.formulas))
    problems = B.fill_book(book)
    assert (t.values, t.formulas) == before
    assert book.sheets["设置"].values[(1, 4)] == "未填充"
    assert "没有占位符" in problems[-1].message

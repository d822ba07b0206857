"""Workbooks typed as HR would type them, computed through ``formulas``, equal the core cell by cell."""

from __future__ import annotations

import time
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from cskpi_xl import udfs
from cskpi_xl.excel import calc as xlcalc
from cskpi_xl.core.engine import score_item
from cskpi_xl.core.loader import builtin
from cskpi_xl.core.tables import rows_to_tiers

SALES = [14999, 15000, 22000, 25001, "abc"]
TABLE = [["下限", "上限", "含下限", "含上限", "方式", "比例", "基数", "起算额"],
         [None, 10000, "是", "否", "全额", "1%", None, None],
         [10000, None, "是", "是", "超额", "3%", 100, None]]


def _golden(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "得分"
    ws.append(["客服昵称", "询单人数", "最终付款人数", "咨询转化率", "得分", "销售额", "提成", "提成(自定义表)", "总分", "等级"])
    rows = [("小美", 50, 18), ("小王", 100, 30), ("小李", 0, 0), ("小张", "abc", 3), ("小赵", 40, "延迟统计")]
    for i, (name, inq, paid) in enumerate(rows, start=2):
        ws.cell(i, 1, name)
        ws.cell(i, 2, inq)
        ws.cell(i, 3, paid)
        ws.cell(i, 4, f"=CONVERSION_RATE(C{i},B{i})")
        ws.cell(i, 5, f'=KPI_SCORE("咨询转化率",D{i},"duoyi")')
        ws.cell(i, 6, SALES[i - 2])
        ws.cell(i, 8, f"=_xludf.COMMISSION_TIER(F{i},规则!$A$1:$H$3)")
        ws.cell(i, 9, 60 + 9 * i)
        ws.cell(i, 10, f"=GRADE(I{i})")
    ws["G2"] = ArrayFormula("G2:G6", "=COMMISSION_TIER(F2:F6)")
    ws["L1"] = "=CSKPI_ERROR(D4)"
    ws["L2"] = "=IFERROR(E5,0)"
    ws["L3"] = '=KPI_SCORE("没有这项",1)'
    ws["L4"] = "=SUM(G2:G5)"
    rules = wb.create_sheet("规则")
    for r in TABLE:
        rules.append(r)
    wb.save(path)
    return path


def _expected():
    duoyi = builtin("duoyi")
    std = builtin("standard").commission
    mine, _ = rows_to_tiers(TABLE)
    item = duoyi.item("咨询转化率")
    exp = {}
    rows = [(50, 18), (100, 30), (0, 0), ("abc", 3), (40, "延迟统计")]
    for i, (inq, paid) in enumerate(rows, start=2):
        if inq == 0:
            rate, pts = "#DIV/0!", "#DIV/0!"
        elif inq == "abc":
            rate, pts = "#VALUE!", "#VALUE!"
        elif paid == "延迟统计":
            rate, pts = "#N/A", "#N/A"
        else:
            rate = float(Decimal(paid) / Decimal(inq))
            pts = float(score_item(item, {"询单转化率": Decimal(paid) / Decimal(inq)}).points)
        exp[f"D{i}"], exp[f"E{i}"] = rate, pts
        s = SALES[i - 2]
        exp[f"G{i}"] = "#VALUE!" if s == "abc" else float(std.commission(s))
        exp[f"H{i}"] = "#VALUE!" if s == "abc" else float(mine.commission(s))
        exp[f"J{i}"] = builtin("standard").grades.grade(Decimal(60 + 9 * i)).label
    exp["L1"] = "询单人数为 0，无法计算询单转化率"
    exp["L2"] = 0
    exp["L3"] = "#N/A"
    exp["L4"] = sum(float(std.commission(s)) for s in SALES[:4])
    return exp


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    return _golden(tmp_path_factory.mktemp("golden") / "绩效表.xlsx")


def test_golden_workbook(golden):
    values = xlcalc.CompiledWorkbook(golden).calculate()
    got = {cell: values[("得分", cell)] for cell in _expected()}
    exp = _expected()
    for cell in exp:
        if isinstance(exp[cell], float):
            assert got[cell] == pytest.approx(exp[cell], abs=1e-9), cell
        else:
            assert got[cell] == exp[cell], cell
    assert exp["E2"] == 30 and exp["G3"] == 150 and exp["G2"] == 224.99


def test_reevaluate_with_other_inputs(golden):
    cw = xlcalc.compile_workbook(golden)
    assert xlcalc.compile_workbook(golden) is cw  # cached
    v = cw.calculate({"得分!C2": 20, "得分!F2": 22000})
    assert v[("得分", "D2")] == 0.4 and v[("得分", "E2")] == 50 and v[("得分", "G2")] == 330
    assert cw.calculate()[("得分", "E2")] == 30


def test_errors_are_formulas_errors():
    register = xlcalc.register()
    assert set(register) >= {"KPI_SCORE", "_XLUDF.KPI_SCORE", "COMMISSION_TIER", "CSKPI_ERROR"}
    f = register["CONVERSION_RATE"]
    import numpy as np

    r = f(np.asarray([[18]], object), np.asarray([[0]], object))
    assert str(r) == "#DIV/0!" and type(r).__name__ == "XlError"


def test_calc_command(golden, tmp_path, capsys):
    from cskpi_xl.cli import main

    out = tmp_path / "结果.xlsx"
    code = main(["calc", str(golden), "--out", str(out)])
    assert code == 1  # written; some cells are errors (as they should be)
    wb = openpyxl.load_workbook(out)
    ws = wb["得分"]
    assert ws["E2"].value == 30 and ws["G3"].value == 150 and ws["J2"].value == "良好"
    assert ws["E4"].value == "#DIV/0!" and ws["E4"].data_type == "e"
    assert ws["G6"].value == "#VALUE!" and ws["A2"].value == "小美"
    assert not any(isinstance(c.value, (str, ArrayFormula)) and str(c.value).startswith("=") for r in ws.iter_rows() for c in r)
    assert "已写入" in capsys.readouterr().out
    assert golden.read_bytes()[:2] == b"PK"


def test_calc_default_out_and_no_overwrite(golden, capsys):
    from cskpi_xl.cli import main

    assert main(["calc", str(golden), "--out", str(golden)]) == 2
    main(["calc", str(golden)])
    assert (golden.parent / "绩效表_计算结果.xlsx").is_file()
    assert main(["calc", str(golden.parent / "missing.xlsx")]) == 2


def test_timing_report(tmp_path, capsys):
    """Not an assertion on speed: prints the timings the report quotes."""
    n = 10000
    col = [[15000 + i] for i in range(n)]
    t = time.perf_counter()
    out = udfs.COMMISSION_TIER(col)
    t_comm = time.perf_counter() - t
    vals = [[0.30 + (i % 100) / 1000] for i in range(n)]
    t = time.perf_counter()
    out2 = udfs.KPI_SCORE("咨询转化率", vals)
    t_kpi = time.perf_counter() - t
    assert len(out) == len(out2) == n

    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(1, 1001):
        ws.cell(i, 1, 10000 + 17 * i)
        ws.cell(i, 2, f"=COMMISSION_TIER(A{i})")
        ws.cell(i, 3, f'=KPI_SCORE("咨询转化率",A{i}/100000,"duoyi")')
    p = tmp_path / "k.xlsx"
    wb.save(p)
    t = time.perf_counter()
    cw = xlcalc.CompiledWorkbook(p)
    t_compile = time.perf_counter() - t
    t = time.perf_counter()
    v = cw.calculate()
    t_eval = time.perf_counter() - t
    assert v[("Sheet", "B1")] == float(builtin("standard").commission.commission(10017))
    with capsys.disabled():
        print(f"\nCOMMISSION_TIER 10,000 rows: {t_comm:.3f}s; KPI_SCORE 10,000 rows: {t_kpi:.3f}s; "
              f"2,000-formula workbook compile {t_compile:.2f}s, evaluate {t_eval:.2f}s")

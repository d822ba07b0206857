"""Workbooks typed as HR would type them, computed through ``formulas``, equal the core cell by cell."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from cskpi_xl import udfs
from cskpi_xl.excel import calc as xlcalc
from cskpi_xl.core.engine import score_item
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.core.schemefile.sheet import rows_to_tiers

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


# ---- one compile per formula shape: the same values as compiling every cell alone ---------------

SHAPE_ROWS = range(2, 32)


def _shapes_workbook(path):
    """30 agents, formulas of many shapes: relative, absolute, mixed, cross-sheet, ranges, names, ROW()."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["K1"] = 0.05
    for i in SHAPE_ROWS:
        inq = 100 + 37 * i
        ws.cell(i, 1, f"客服{i}")
        ws.cell(i, 2, inq)
        ws.cell(i, 3, inq // 3 + i)
        ws.cell(i, 4, 9000 + 613 * i)
        ws.cell(i, 5, 0 if i % 7 == 0 else i)
        ws[f"F{i}"] = f"=CONVERSION_RATE(C{i},B{i})"
        ws[f"G{i}"] = f'=KPI_SCORE("咨询转化率",F{i},"duoyi")'
        ws[f"H{i}"] = f"=D{i}*$K$1"
        ws[f"I{i}"] = f"=SUM($D$2:D{i})"
        ws[f"J{i}"] = f"=D{i}+D$2+$D{i}"
        ws[f"L{i}"] = f"=COMMISSION_TIER(D{i},规则!$A$1:$H$3)"
        ws[f"M{i}"] = f"=参数!B{i}*2+'参数'!$C$1"
        ws[f"N{i}"] = f'=IF(B{i}>1000,"多","少")&ROW()'
        ws[f"O{i}"] = f'=IFERROR(G{i}/E{i},"无")'
        ws[f"P{i}"] = f"=RATE*D{i}"
        ws[f"Q{i}"] = f"=SUM(B:B)-B{i}"
        ws[f"R{i}"] = f'=GRADE(G{i}+40,"standard")'
        ws[f"S{i}"] = f'="A1"&B{i}'
        ws[f"T{i}"] = f'=COUNTIF(B$2:B$31,">"&B{i})'
        ws[f"U{i}"] = f"=SUM(B{i}:D{i})"
        ws[f"V{i}"] = f"=MAX(F$2:F{i})"
    ws["W1"] = "=SUM(F2:F31)"
    ws["W2"] = "=AVERAGE(G:G)"
    rules = wb.create_sheet("规则")
    for r in TABLE:
        rules.append(r)
    params = wb.create_sheet("参数")
    params["C1"] = 7
    params["A1"] = 0.1
    for i in SHAPE_ROWS:
        params.cell(i, 2, i * 11)
    wb.defined_names["RATE"] = DefinedName("RATE", attr_text="参数!$A$1")
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def shapes_book(tmp_path_factory):
    return _shapes_workbook(tmp_path_factory.mktemp("shapes") / "形状.xlsx")


def test_shared_shapes_equal_compiling_each_cell_alone(shapes_book):
    shared = xlcalc.CompiledWorkbook(shapes_book)
    alone = xlcalc.CompiledWorkbook(shapes_book, share_shapes=False)
    assert alone.shape_stats is None
    got, exp = shared.calculate(), alone.calculate()
    formula_cells = set(xlcalc.formula_cells(shapes_book))
    assert len(formula_cells) == 30 * 16 + 2 and formula_cells <= set(exp)
    assert set(got) == set(exp)
    for k in exp:
        assert got[k] == exp[k] or (got[k] != got[k] and exp[k] != exp[k]), k  # NaN == NaN
    # a few values by hand: rows 2 and 31
    assert got[("数据", "H2")] == pytest.approx((9000 + 613 * 2) * 0.05)
    assert got[("数据", "I3")] == (9000 + 613 * 2) + (9000 + 613 * 3)
    assert got[("数据", "J31")] == (9000 + 613 * 31) + (9000 + 613 * 2) + (9000 + 613 * 31)
    assert got[("数据", "J2")] == 3 * (9000 + 613 * 2)
    assert got[("数据", "M5")] == 5 * 11 * 2 + 7
    assert got[("数据", "N31")] == "少31" or got[("数据", "N31")] == "多31"
    assert got[("数据", "N31")].endswith("31") and got[("数据", "N2")].endswith("2")
    assert got[("数据", "P2")] == pytest.approx(0.1 * (9000 + 613 * 2))
    assert got[("数据", "S4")] == "A1" + str(100 + 37 * 4)
    assert got[("数据", "T31")] == 0 and got[("数据", "T2")] == 29  # B grows with the row
    assert got[("数据", "O7")] == "无"  # E7 = 0 → #DIV/0! → IFERROR
    # and again with other inputs (the shared functions are called with other cells' values)
    inputs = {"数据!B2": 5000, "数据!D10": 1, "参数!B7": -3, "参数!A1": 0.5, "数据!K1": 2}
    got, exp = shared.calculate(inputs), alone.calculate(inputs)
    for k in exp:
        assert got[k] == exp[k] or (got[k] != got[k] and exp[k] != exp[k]), k
    assert got[("数据", "M7")] == -3 * 2 + 7 and got[("数据", "H10")] == 2
    assert got[("数据", "T3")] == 1 + 28  # above B3: B2 = 5000 now, and B4..B31
    assert got[("数据", "P4")] == pytest.approx(0.5 * (9000 + 613 * 4))  # RATE → 参数!A1 = 0.5


def test_shape_counts(shapes_book):
    """Which cells share: worked out from the formulas above, column by column."""
    st = xlcalc.CompiledWorkbook(shapes_book).shape_stats
    # F G H L M O P Q R S T U: one shape each, compiled once, 29 cells share it (12 shapes, 12 compiled);
    # N (ROW() reads its own cell): one shape, compiled in all 30 rows;
    # I =SUM($D$2:D2) and V =MAX(F$2:F2): a one-cell range in row 2, a range below → 2 shapes, 2 compiled each;
    # J =D2+D$2+$D2: one shape, but in row 2 the three operands are one cell, below D$2 is another
    #   → row 2 and row 3 compiled, rows 4..31 share row 3's;
    # W1, W2: 2 shapes.
    assert st == {"formulas": 30 * 16 + 2, "shapes": 12 + 1 + 2 + 2 + 1 + 2,
                  "compiled": 12 + 30 + 2 + 2 + 2 + 2, "shared": 12 * 29 + 28 + 28 + 28}


def test_shared_cells_get_their_own_inputs(shapes_book):
    """A shared cell's inputs are the ranges compiling it alone gives, in the template's order."""
    import formulas

    shared = xlcalc.shape_sharing_model()().loads(str(shapes_book))
    alone = formulas.ExcelModel().loads(str(shapes_book))
    checked = 0
    for name, cell in alone.cells.items():
        if not getattr(cell, "func", None) or "!" not in str(name):
            continue
        mine = shared.cells[name]
        assert {k: tuple(r.ranges) if hasattr(r, "ranges") else r for k, r in mine.func.inputs.items()} == \
            {k: tuple(r.ranges) if hasattr(r, "ranges") else r for k, r in cell.func.inputs.items()}, name
        assert dict(mine.inputs) == dict(cell.inputs), name
        checked += 1
    assert checked == 30 * 16 + 2 + 1  # and the defined name RATE, a compiled reference too


@pytest.mark.parametrize(("a", "cell_a", "b", "cell_b", "same"), [
    ("=KPI_SCORE(B5,C5)", (5, 4), "=KPI_SCORE(B6,C6)", (6, 4), True),
    ("=KPI_SCORE(B5,C5)", (5, 4), "=KPI_SCORE(B6,C6)", (5, 4), False),
    ("=$A$1+A2", (2, 2), "=$A$1+A3", (3, 2), True),
    ("=$A$1+A2", (2, 2), "=$A$2+A3", (3, 2), False),  # the absolute part moved
    ("=A$1*$B2", (2, 3), "=B$1*$B7", (7, 4), True),    # mixed: column of A$1 and row of $B2 follow the cell
    ("=A$1*$B2", (2, 3), "=B$2*$B7", (7, 4), False),
    ("=SUM(规则!A1:B3)", (1, 5), "=SUM(规则!B1:C3)", (1, 6), True),
    ("=SUM(规则!A1:B3)", (1, 5), "=SUM(规则2!B1:C3)", (1, 6), False),
    ("=SUM($D$2:D3)", (3, 5), "=SUM($D$2:D2)", (2, 5), False),  # a range vs one cell
    ("=SUM(A:A)-A1", (1, 2), "=SUM(B:B)-B2", (2, 3), True),
    ("=SUM($A:$A)-A1", (1, 2), "=SUM($A:$A)-B2", (2, 3), True),
    ('="A1"&B1', (1, 3), '="A2"&B2', (2, 3), False),  # text is text, never shifted
    ("=RATE*B2", (2, 3), "=RATE*B3", (3, 3), True),
])
def test_formula_shape(a, cell_a, b, cell_b, same):
    ka, kb = xlcalc.formula_shape(a, *cell_a), xlcalc.formula_shape(b, *cell_b)
    assert ka is not None and kb is not None
    assert (ka[0] == kb[0]) is same


@pytest.mark.parametrize("formula", ["=Table1[销售额]", "=A1#", "=[1]Sheet1!A1", "=RC[-1]", "=R1C1"])
def test_formula_shape_compiles_alone(formula):
    """No shape: compiled alone. (ROW() has a shape; the compiled formula shows it reads its cell: test_shape_counts.)"""
    assert xlcalc.formula_shape(formula, 1, 1) is None


def test_formula_shape_follows_copying():
    """Hypothesis: a formula copied to another cell (openpyxl's Translator, what Excel's fill does) keeps its shape."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from openpyxl.formula.translate import Translator
    from openpyxl.utils import get_column_letter

    def ref(dc, dr, cabs, rabs):
        return f"{'$' if cabs else ''}{get_column_letter(dc)}{'$' if rabs else ''}{dr}"

    refs = st.builds(ref, st.integers(1, 60), st.integers(1, 500), st.booleans(), st.booleans())
    pieces = st.one_of(refs, refs.map(lambda r: f"规则!{r}"), st.tuples(refs, refs).map(lambda t: f"SUM({t[0]}:{t[1]})"),
                       st.sampled_from(['"x"', "2", "RATE", "TRUE"]))

    @settings(max_examples=150, deadline=None)
    @given(st.lists(pieces, min_size=1, max_size=5), st.integers(1, 50), st.integers(1, 500),
           st.integers(0, 40), st.integers(0, 400))
    def check(parts, col, row, dc, dr):
        f = "=KPI_SCORE(" + ",".join(parts) + ")"
        origin = f"{get_column_letter(col)}{row}"
        dest = f"{get_column_letter(col + dc)}{row + dr}"
        g = Translator(f, origin=origin).translate_formula(dest)
        ka, kb = xlcalc.formula_shape(f, row, col), xlcalc.formula_shape(g, row + dr, col + dc)
        assert ka is not None and kb is not None
        # equal, except where a range with one absolute end turned over or shrank to one cell (formulas names
        # those differently, so they are another shape on purpose)
        def unsigned(key):
            return tuple(k[:4] if k[0] == "ref" and len(k) == 6 else k for k in key)

        assert unsigned(ka[0]) == unsigned(kb[0]), (f, g)
        if ka[0] != kb[0]:
            assert "$" in f and ":" in f

    check()


def test_columns_and_a_thousand_rows_of_formulas(tmp_path):
    """A 10,000-row column through the UDFs and 2,000 UDF formulas through the calculator (speed: bench/run.py)."""
    n = 10000
    out = udfs.COMMISSION_TIER([[15000 + i] for i in range(n)])
    out2 = udfs.KPI_SCORE("咨询转化率", [[0.30 + (i % 100) / 1000] for i in range(n)])
    assert len(out) == len(out2) == n

    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(1, 1001):
        ws.cell(i, 1, 10000 + 17 * i)
        ws.cell(i, 2, f"=COMMISSION_TIER(A{i})")
        ws.cell(i, 3, f'=KPI_SCORE("咨询转化率",A{i}/100000,"duoyi")')
    p = tmp_path / "k.xlsx"
    wb.save(p)
    v = xlcalc.CompiledWorkbook(p).calculate()
    standard = builtin("standard").commission
    assert v[("Sheet", "B1")] == float(standard.commission(10017))
    assert v[("Sheet", "B1000")] == float(standard.commission(10000 + 17 * 1000))


def test_calc_file_never_overwrites_its_input(tmp_path):
    from cskpi_xl.errors import CskpiError

    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = 20000, "=COMMISSION_TIER(A1)"
    p = tmp_path / "in.xlsx"
    wb.save(p)
    before = p.read_bytes()
    with pytest.raises(CskpiError) as caught:
        xlcalc.calc_file(p, p)
    assert caught.value.file == str(p) and "不能覆盖输入文件" in caught.value.zh
    assert p.read_bytes() == before

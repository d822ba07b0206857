"""Hostile nicknames and months through the whole batch: every output stays inside the output folder,
every sheet name is one Excel accepts, and every nickname cell is a literal string (no ``<f>``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.workbook.batch import run_batch
from hostile import files
from hostile.xlsxcheck import cells, files_outside, sheet_name_problems, sheet_names

HEADER = ["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "平均响应(秒)"]
NICKS = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "../../x", "..\\..\\y", "a/b:c*?[]'",
         "'引号'", "长" * 40, "Amy", "amy", "\t=1+1", "＝1+1", "CON", "..", "History"]


def export(folder: Path, nicks=NICKS, name="客服_2026-10.csv") -> Path:
    rows = [HEADER] + [[n, 30 + i, 10, 3, 1000 + i, 20] for i, n in enumerate(nicks)]
    rows.append(["小美", 1, 1, 0, 1, 1])
    rows.append(["小美", 2, 2, 0, 2, 2])  # a duplicate: an error, the first row kept
    return files.csv(folder / name, rows)


def check_outputs(out: Path, nicks) -> int:
    """Assert the output folder is safe; the number of nickname cells checked."""
    assert files_outside(out) == []
    books = sorted(out.rglob("*.xlsx"))
    assert books
    checked = 0
    hostile = {n.strip() for n in nicks}
    as_formulas = {n.strip().lstrip("=＝") for n in nicks if n.strip()[:1] in "=＝+-@"}
    for book in books:
        assert book.resolve().is_relative_to(out.resolve())
        assert sheet_name_problems(sheet_names(book)) == [], book
        for part, ref, t, text, formula in cells(book):
            if formula is not None:
                assert "http://x" not in formula and "点我" not in formula, (book, part, ref, formula)
                assert formula.strip() not in as_formulas, (book, part, ref, formula)
            if text in hostile and t != "n":  # (a real number -2 is a score, not a nickname)
                assert formula is None and t in ("s", "inlineStr"), (book, part, ref, t, text, formula)
                checked += 1
    return checked


@pytest.mark.parametrize("layout", ["per-agent", "one-book"])
def test_hostile_nicknames_through_the_batch(tmp_path, layout):
    src = tmp_path / "in"
    src.mkdir()
    f = export(src)
    out = tmp_path / "out"
    report, problems = run_batch([f], "duoyi", "2026-10", out, layout=layout, progress=False, jobs=1)
    assert [(p.row, p.message) for p in problems if p.is_error] == [
        (len(NICKS) + 3, f"客服「小美」在第 {len(NICKS) + 2} 行和第 {len(NICKS) + 3} 行重复出现，只保留第 {len(NICKS) + 2} 行，请检查导出")]
    assert set(report["agents"]) == {n.strip() for n in NICKS} | {"小美"}
    # nothing was written next to the input or above the output folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert [p.name for p in src.iterdir()] == [f.name]
    checked = check_outputs(out, NICKS)
    # each nickname at least once in its own sheet and once in the 汇总
    assert checked >= 2 * len(NICKS)
    # a nickname that looks like a formula is text everywhere, and on the sheets people see it is shown as
    # typed: Excel gets the quote prefix, not an edit prompt (the hidden registry only needs it to be text)
    formula_like = {n.strip() for n in NICKS if n.strip()[:1] in "=+-@"}
    prefixed = set()
    for book in out.rglob("*.xlsx"):
        for ws in load_workbook(book).worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value in formula_like:
                        assert c.data_type == "s", (book.name, ws.title, c.coordinate)
                        if ws.sheet_state == "visible":
                            assert c.quotePrefix, (book.name, ws.title, c.coordinate)
                            prefixed.add(c.value)
    assert prefixed == formula_like
    if layout == "per-agent":
        assert len(list((out / "2026-10").glob("*.xlsx"))) == len(NICKS) + 1
        names = {p.name for p in (out / "2026-10").iterdir()}
        assert "Amy.xlsx" in names and "amy (2).xlsx" in names and "_CON.xlsx" in names


def test_many_nicknames_with_the_same_31_characters(tmp_path):
    nicks = ["客服" * 16 + str(i) for i in range(12)] + ["客服" * 16 + "X", "客服" * 16 + "x"]
    f = export(tmp_path, nicks, "n_2026-10.csv")
    out = tmp_path / "out"
    report, problems = run_batch([f], "duoyi", "2026-10", out, layout="one-book", progress=False, jobs=1)
    assert not [p for p in problems if p.is_error and "重复" not in p.message]
    assert check_outputs(out, nicks) >= len(nicks)
    names = sheet_names(out / "duoyi_2026-10.xlsx")
    assert len(names) >= len(nicks) + 1


def test_a_bad_month_never_leaves_the_output_folder(tmp_path):
    f = files.csv(tmp_path / "no_month.csv", [HEADER, ["小美", 30, 10, 3, 1000, 20]])
    out = tmp_path / "a" / "b" / "out"
    report, problems = run_batch([f], "duoyi", "../../evil", out, progress=False, jobs=1)
    assert "月份格式应为 YYYY-MM（例如 2026-10）" in [p.message for p in problems]
    assert not (tmp_path / "a" / "evil").exists() and not (tmp_path / "evil").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) in (["a", "no_month.csv"], ["no_month.csv"])
    assert files_outside(out) == []

"""Hostile nicknames: safe sheet and file names inside the out folder, literal text cells, never formulas."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.workbook.batch import run_batch

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "../../x", "a/b:c*?[]", "客" * 40, "Amy", "AMY"]


def export(tmp_path: Path) -> Path:
    p = tmp_path / "in" / "自定义报表_客服绩效_2026-10-01至2026-10-31.csv"
    p.parent.mkdir()
    with p.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "销售人数"])
        for i, n in enumerate(HOSTILE):
            w.writerow([n, 100 + i, 50, 15 + i, 20000 + 1000 * i, 15 + i])
    return p


@pytest.mark.parametrize("layout", ["per-agent", "one-book"])
def test_hostile_names(tmp_path, layout):
    out = tmp_path / "out"
    report, problems = run_batch([export(tmp_path)], "standard", "2026-10", out, layout=layout, progress=False, jobs=2)
    assert report["summary"], [p.format() for p in problems]
    names = set(report["agents"])
    assert {'=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "../../x"} <= names
    root = out.resolve()
    for p in report["outputs"] + [report["summary"]]:
        assert Path(p).resolve().is_relative_to(root)
    for f in root.rglob("*"):
        assert f.resolve().is_relative_to(root)
    if layout == "per-agent":
        assert len(report["outputs"]) == len(names)
        assert len({Path(p).name.casefold() for p in report["outputs"]}) == len(names)  # Amy / AMY do not collide
    seen = set()
    for p in report["outputs"]:
        wb = load_workbook(p)
        for ws in wb.worksheets:
            assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
            if ws.title in ("规则", "设置", "xlwings.conf", "_cskpi", "每日趋势"):
                continue
            b2 = ws["B2"]
            assert b2.data_type == "s"                      # literal text, not a formula
            seen.add(b2.value)
            if b2.value.startswith(("=", "+", "-", "@")):
                assert b2.quotePrefix
        # no formula in the file mentions a nickname's formula text
        with zipfile.ZipFile(p) as z:
            for n in z.namelist():
                if n.startswith("xl/worksheets/"):
                    assert b"<f>HYPERLINK" not in z.read(n)
    assert {'=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)"} <= seen
    summary = load_workbook(report["summary"])["汇总"]
    cells = [c for row in summary.iter_rows(min_col=2, max_col=2) for c in row if c.value in names]
    assert len(cells) == len(names) and all(c.data_type == "s" for c in cells)

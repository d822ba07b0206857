"""`cskpi pdf` sends an agent the appraisal sheet only; `--all-sheets` renders the 规则 sheet too."""

import subprocess

from openpyxl import Workbook, load_workbook

from cskpi_xl.cli import main
from cskpi_xl.workbook.printing import first_sheet_only


def pages(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def book(path):
    wb = Workbook()
    wb.active.title = "考核表"
    wb.active["A1"] = "客服绩效考核表"
    wb.active["B2"] = "=1+1"
    for name in ("规则", "设置"):
        wb.create_sheet(name)["A1"] = name
    wb.active = 2
    wb.save(path)


def test_first_sheet_only_hides_the_others(tmp_path):
    book(tmp_path / "a.xlsx")
    first_sheet_only(tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    wb = load_workbook(tmp_path / "b.xlsx")
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "hidden", "hidden"]
    assert wb["考核表"]["B2"].value == "=1+1"


def test_pdf_renders_the_first_sheet_by_default(tmp_path, capsys):
    book(tmp_path / "小美.xlsx")
    assert main(["pdf", str(tmp_path), "--out", str(tmp_path / "one")]) == 0
    assert main(["pdf", str(tmp_path), "--out", str(tmp_path / "all"), "--all-sheets"]) == 0
    assert pages(tmp_path / "one" / "小美.pdf") == 1
    assert pages(tmp_path / "all" / "小美.pdf") == 3
    assert load_workbook(tmp_path / "小美.xlsx").worksheets[1].sheet_state == "visible"  # the source is untouched

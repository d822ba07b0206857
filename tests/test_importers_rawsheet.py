"""A table as read (``importers/rawsheet``): the readers, the formula filler and the sheet openers share it
without importing one another for it — ``formulas_fill`` does not import ``read``, which calls it."""

import ast
from pathlib import Path

import cskpi_xl.importers
from cskpi_xl.importers.rawsheet import NoValue, Sheet

IMPORTERS = Path(cskpi_xl.importers.__file__).parent


def imported_modules(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


class TestRawSheet:
    def test_success(self):
        sh = Sheet("a.xlsx", "Sheet1", [["客服昵称"], ["小美"]])
        assert (sh.hidden, sh.decimal) == (False, ".") and sh.rows[1][0] == "小美"
        nv = NoValue("=SUM(A1:A3)", "按公式算出的是 #REF!")
        assert nv == "=SUM(A1:A3)" and nv.reason == "按公式算出的是 #REF!" and isinstance(nv, str)

    def test_no_cycle_between_read_and_formulas_fill(self):
        assert "cskpi_xl.importers.read" not in imported_modules(IMPORTERS / "formulas_fill.py")
        assert imported_modules(IMPORTERS / "rawsheet.py") <= {"__future__", "typing"}

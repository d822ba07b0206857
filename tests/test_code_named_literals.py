"""Names that code compares or writes in several places are written once, in the lowest module that needs
them, and imported everywhere else: 岗位工资 and 绩效工资比例 in ``core/names``, the sheets the program adds
(设置, xlwings.conf) and the UDF module in ``workbook/sheetnames``, the registry sheet in ``workbook/registry``.

Found by reading every module's syntax tree for a string constant equal to the literal (texts that merely
contain it, such as messages and docstrings, are not counted)."""

import ast
from collections import Counter
from pathlib import Path

import cskpi_xl
from cskpi_xl.core import names as N
from cskpi_xl.workbook import sheetnames
from cskpi_xl.workbook.registry import REGISTRY

PACKAGE = Path(cskpi_xl.__file__).parent
HOME = {
    N.POST_PAY: "core/names.py",
    N.PERFORMANCE_PAY_RATIO: "core/names.py",
    sheetnames.SETTINGS: "workbook/sheetnames.py",
    sheetnames.XLWINGS_CONF: "workbook/sheetnames.py",
    sheetnames.UDF_MODULE: "workbook/sheetnames.py",
    REGISTRY: "workbook/registry.py",
}
#: Sites where a literal may still stand (none: every home's name is imported).
NOT_YET: Counter = Counter()


def constants() -> Counter:
    found: Counter = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in HOME:
                found[(node.value, rel)] += 1
    return found


class TestNamedLiterals:
    def test_written_once_at_home(self):
        found = constants()
        for literal, home in HOME.items():
            assert found[(literal, home)] == 1, (literal, home)
        assert (N.POST_PAY, N.PERFORMANCE_PAY_RATIO) == ("岗位工资", "绩效工资比例")
        assert N.PAY_PARTS == ("岗位工资", "个人提成", "公共提成", "工龄工资", "绩效工资", "奖励", "罚款")
        assert (sheetnames.SETTINGS, sheetnames.XLWINGS_CONF, REGISTRY) == ("设置", "xlwings.conf", "_cskpi")

    def test_not_written_elsewhere(self):
        found = constants()
        elsewhere = {k: n for k, n in found.items() if HOME[k[0]] != k[1]}
        assert elsewhere == dict(NOT_YET), "a named literal is written again outside its home: import the name"

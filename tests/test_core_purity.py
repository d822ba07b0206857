"""The core imports no Excel library (DEVELOPERS.md: keep the layers apart)."""

import subprocess
import sys

CORE_MODULES = [
    "cskpi_xl.core.names", "cskpi_xl.core.numbers", "cskpi_xl.core.problems", "cskpi_xl.core.metrics",
    "cskpi_xl.core.rules", "cskpi_xl.core.tiers", "cskpi_xl.core.grades", "cskpi_xl.core.history",
    "cskpi_xl.core.scheme", "cskpi_xl.core.loader", "cskpi_xl.core.engine", "cskpi_xl.core.daily",
    "cskpi_xl.core.describe",
]


def test_core_leaves_excel_libraries_out():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE_MODULES)
        + "from cskpi_xl.core.loader import BUILTIN_IDS, builtin\n"
        + "[builtin(s) for s in BUILTIN_IDS]\n"
        + "bad = [m for m in ('xlwings', 'openpyxl', 'formulas', 'python_calamine', 'xlrd', 'numpy') if m in sys.modules]\n"
        + "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

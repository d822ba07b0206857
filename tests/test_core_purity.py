"""The core imports no Excel library (keep the layers apart): every module of ``cskpi_xl.core``,
found on disk so that a new module is checked without anyone listing it."""

import pkgutil
import subprocess
import sys

import cskpi_xl.core

CORE_MODULES = sorted(m.name for m in pkgutil.walk_packages(cskpi_xl.core.__path__, "cskpi_xl.core."))


def test_the_module_list_is_found_on_disk():
    assert {"cskpi_xl.core.engine", "cskpi_xl.core.schemefile.sheet", "cskpi_xl.core.schemefile.toml",
            "cskpi_xl.core.schemefile.validate", "cskpi_xl.core.tiers"} <= set(CORE_MODULES)


def test_core_leaves_excel_libraries_out():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE_MODULES)
        + "from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin\n"
        + "[builtin(s) for s in BUILTIN_IDS]\n"
        + "bad = [m for m in ('xlwings', 'openpyxl', 'formulas', 'python_calamine', 'xlrd', 'numpy') if m in sys.modules]\n"
        + "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

"""``cskpi calc WORKBOOK [--out OUT]``: compute a workbook that calls the cskpi functions, without Excel.

Formulas such as ``=KPI_SCORE("咨询转化率",B2,"duoyi")`` or
``=COMMISSION_TIER(B2, 规则!A1:H5)`` are computed with ``formulas``
(:mod:`cskpi_xl.excel.calc`) and a copy is written with values in place of the
formulas (default ``<name>_计算结果.xlsx`` beside the input; the input is
never overwritten). Exit status: 0 written, 1 written but some cells are
errors, 2 the workbook could not be read or written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cskpi_xl.i18n import tr
from cskpi_xl.files.oserrors import os_error_problem
from cskpi_xl.importers.filecheck import check_file


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "calc",
        help=tr("不用 Excel 计算调用本工具函数的工作簿，另存一份结果", "compute a workbook that calls the cskpi functions, without Excel"),
        description=tr("计算工作簿中的公式（含 KPI_SCORE、COMMISSION_TIER 等），把结果另存一份（默认 <名称>_计算结果.xlsx）",
                       "compute WORKBOOK's formulas and save the values to OUT (default <name>_计算结果.xlsx)"),
    )
    p.add_argument("workbook", metavar="WORKBOOK", help=tr("要计算的 .xlsx 文件", "the .xlsx to compute"))
    p.add_argument("--out", metavar="OUT", help=tr("结果文件（默认 <名称>_计算结果.xlsx）", "output file (default <name>_计算结果.xlsx)"))
    p.set_defaults(func=run)


def run(args) -> int:
    from cskpi_xl.excel import calc as xlcalc

    src = Path(args.workbook)
    if not src.is_file():
        print(tr(f"错误：文件不存在：{src}", f"error: no such file: {src}"), file=sys.stderr)
        return 2
    problems = check_file(src).problems
    if problems:
        for p in problems:
            print(p.format(), file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else xlcalc.default_out(src)
    if out.resolve() == src.resolve():
        print(tr("错误：不能覆盖输入文件，请用 --out 指定另一个文件", "error: will not overwrite the input; choose another --out"), file=sys.stderr)
        return 2
    try:
        dst, values = xlcalc.calc_file(src, out)
    except OSError as exc:  # disk full, no permission, no such folder: name the file, keep the traceback out
        print(os_error_problem(exc).format(), file=sys.stderr)
        return 2
    except Exception as exc:  # a workbook formulas cannot read: say so, no traceback
        print(tr(f"错误：无法计算 {src}：其中有公式或内容无法解读（请在 Excel 中打开检查，另存为 .xlsx 后再试）",
                 f"error: cannot compute {src}: {type(exc).__name__}: {exc}"),
              file=sys.stderr)
        return 2
    from cskpi_xl import udfs

    cells = set(xlcalc.formula_cells(src))
    errors = sorted(k for k in cells if isinstance(values.get(k), str) and values[k] in udfs.MARKERS)
    print(tr(f"已写入 {dst}（{len(cells)} 个公式单元格）", f"wrote {dst} ({len(cells)} formula cells)"))
    for sheet, cell in errors:
        print(tr(f"工作表 {sheet} {cell}：{values[(sheet, cell)]}", f"sheet {sheet} {cell}: {values[(sheet, cell)]}"), file=sys.stderr)
    return 1 if errors else 0

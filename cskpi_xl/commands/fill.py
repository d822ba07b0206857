"""``cskpi fill TEMPLATE EXPORTS... --agent NAME --month YYYY-MM [--scheme ID] [--out FILE]``.

Fills a template (built-in or HR's own, with placeholders) for one agent:
live formulas with their values, never overwriting the template or an export.
"""

from __future__ import annotations

import sys

from cskpi_xl.commands.inputs import add_shop_figures, expand_exports, scheme_arg
from cskpi_xl.i18n import tr


def register(subparsers) -> None:
    p = subparsers.add_parser("fill", help=tr("为一位客服填写考核表模板", "fill a template for one agent"))
    p.add_argument("template", metavar="TEMPLATE", help=tr("模板（含占位符的 .xlsx）", "template workbook"))
    p.add_argument("exports", nargs="+", metavar="EXPORTS",
                   help=tr("导出文件；也可以是文件夹（其中全部导出）或带引号的通配符，如 \"导出\\*.xlsx\"",
                           "export files; or a folder (every export in it) or a quoted wildcard"))
    p.add_argument("--agent", required=True, help=tr("客服昵称", "agent name"))
    p.add_argument("--month", help=tr("考核月份 YYYY-MM", "month YYYY-MM"))
    p.add_argument("--scheme", help=tr("方案编号或方案文件（默认读模板的「设置」表）", "scheme (default: the template's 设置 sheet)"))
    p.add_argument("--out", help=tr("输出文件（默认：当前文件夹下的 <模板>_<客服>_<月份>.xlsx）",
                                    "output file (default: <template>_<agent>_<month>.xlsx in the current folder)"))
    p.add_argument("--manual", help=tr("手工录入表", "manual inputs"))
    p.add_argument("--aliases", help=tr("别名表", "alias map"))
    add_shop_figures(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from cskpi_xl.files.oserrors import os_error_problem
    from cskpi_xl.workbook.fill import fill_template

    try:
        exports = expand_exports(args.exports, skip=(args.template, args.manual, args.aliases))
        out, problems = fill_template(args.template, exports, args.agent, args.month,
                                      scheme_id=scheme_arg(args.scheme), out=args.out, manual=args.manual,
                                      aliases=args.aliases, public_sales=getattr(args, "public_sales", None),
                                      team=getattr(args, "team", None))
    except OSError as exc:  # a file that vanished or cannot be opened, a workbook part openpyxl cannot find
        print(os_error_problem(exc, "读取", "reading").format(), file=sys.stderr)
        return 1
    for p in problems:
        print(p.format(), file=sys.stderr)
    if out is None:
        return 1
    if args.out:
        print(tr(f"已生成 {out}", f"wrote {out}"))
    else:
        print(tr(f"已生成 {out.resolve()}（在当前文件夹；要放到别处请用 --out 指定文件）",
                 f"wrote {out.resolve()} (in the current folder; choose another place with --out)"))
    return 0

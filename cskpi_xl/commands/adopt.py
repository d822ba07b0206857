"""``cskpi adopt 考核表.xlsx --out 文件夹 [--id ID]``: the shop's own appraisal sheet → a scheme and a template.

Prints, item by item, what was understood (in the rule vocabulary of the
README) and what was not; warnings name the cell.
"""

from __future__ import annotations

import sys

from cskpi_xl.i18n import tr


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "adopt",
        help=tr("把店铺自己的考核表变成方案文件和模板", "turn the shop's own appraisal sheet into a scheme and a template"),
        description=tr("读入店铺手工做的考核表（.xlsx/.xls），写出方案文件（可用 cskpi check 检查）和模板（原表加上占位符）",
                       "read a hand-built appraisal workbook (.xlsx/.xls); write a scheme file and a template"),
    )
    p.add_argument("workbook", metavar="WORKBOOK", help=tr("考核表（.xlsx / .xls）", "the appraisal workbook"))
    p.add_argument("--out", required=True, help=tr("输出文件夹", "output folder"))
    p.add_argument("--id", help=tr("方案编号（默认：文件名）", "scheme id (default: the file name)"))
    p.set_defaults(func=run)


def run(args) -> int:
    from cskpi_xl.adopt.reader import adopt
    from cskpi_xl.adopt.text import fmt
    from cskpi_xl.i18n import language

    res = adopt(args.workbook, args.out, scheme_id=args.id)
    en = language() == "en"
    for it in res.items:
        head = tr(f"【{it.name}】满分 {fmt(it.full)}（{it.cell}）", f"[{it.name}] full marks {fmt(it.full)} ({it.cell})")
        print(head)
        for zh, e in it.lines:
            print(f"  ✓ {e if en else zh}")
        for cell, clause in it.unread:
            print(tr(f"  ✗ 读不懂（{cell}）：{clause} → 该项改为主管评分", f"  ✗ not understood ({cell}): {clause} → scored by the supervisor"))
    for zh, e in res.other:
        print(f"· {e if en else zh}")
    for p in res.problems:
        print(p.format(), file=sys.stderr)
    if res.scheme is None or res.scheme_path is None:
        print(tr("没有写出可用的方案。", "no usable scheme was written."), file=sys.stderr)
        return 1
    warned = sum(1 for it in res.items if it.unread)
    print(tr(f"方案：{res.scheme_path}（{len(res.items)} 项，{warned} 项没读懂、改为主管评分；取舍写在文件的 notes 里）",
             f"scheme: {res.scheme_path} ({len(res.items)} items, {warned} not understood and left to the supervisor; "
             f"decisions are in its notes)"))
    if res.template_path is not None:
        print(tr(f"模板：{res.template_path}", f"template: {res.template_path}"))
        print(tr(f"填表：cskpi fill {res.template_path} 导出文件... --scheme {res.scheme_path} --agent 客服 --month 2026-10",
                 f"fill: cskpi fill {res.template_path} EXPORTS... --scheme {res.scheme_path} --agent NAME --month 2026-10"))
    return 0

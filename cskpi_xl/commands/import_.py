"""``cskpi import FILES... [--month YYYY-MM] [--aliases FILE] [--manual FILE] [--json]``

Reads platform exports into one month per person and prints a table (agent
and key figures) and the problems found; ``--json`` prints the month, the
agents with their figures plus derived metrics, and the problems. Exit code
1 when there is an error and no agent could be imported, else 0.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cskpi_xl.core.metrics import compute_metrics
from cskpi_xl.core.numbers import NA, NA_TEXT, as_float
from cskpi_xl.commands.inputs import expand_exports, likely_subaccounts, suggestion_lines
from cskpi_xl.i18n import tr
from cskpi_xl.importers import import_files

#: Columns of the table, in order.
TABLE = ("接待人数", "询单人数", "最终付款人数", "询单转化率", "销售额", "客单价", "平均响应时间", "首次响应时间")
_RATES = {"询单转化率"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import",
        help=tr("导入平台导出的客服数据（赤兔、千牛、京东、拼多多、抖音）", "import platform exports (Chitu, Qianniu, JD, PDD, Douyin)"),
        description=tr("读取平台导出文件，按人合并为一个月的数据，并列出发现的问题。",
                       "Read platform exports, merge them into one month per person and list the problems found."),
    )
    p.add_argument("files", nargs="+", metavar="FILE",
                   help=tr("导出文件（.xlsx/.xls/.csv）；也可以是文件夹或带引号的通配符",
                           "export files (.xlsx/.xls/.csv); or a folder or a quoted wildcard"))
    p.add_argument("--month", metavar="YYYY-MM", help=tr("只导入这个月份", "import only this month"))
    p.add_argument("--aliases", metavar="FILE", help=tr("别名表：子账号 → 客服", "alias map: account → person"))
    p.add_argument("--manual", metavar="FILE", help=tr("手工录入表（态度、考勤、表扬、投诉等）", "manual inputs (attitude, attendance, praise, complaints...)"))
    p.add_argument("--json", action="store_true", help=tr("输出 JSON", "print JSON"))
    p.set_defaults(func=run)


def _json_value(v: Any) -> Any:
    v = as_float(v)
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


def _cell(name: str, v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, NA):
        return NA_TEXT
    try:
        if name in _RATES:
            return f"{float(v) * 100:.2f}%"
        f = float(v)
        return f"{f:,.0f}" if f == int(f) else f"{f:,.2f}"
    except (TypeError, ValueError):
        return str(v)


def _width(s: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def run(args: argparse.Namespace) -> int:
    data, problems = import_files(expand_exports(args.files, skip=(args.manual, args.aliases)), month=args.month, aliases=args.aliases, manual=args.manual)
    metrics = {name: compute_metrics(a.figures) for name, a in data.agents.items()}
    if args.json:
        out = {
            "month": data.month,
            "agents": [
                {"agent": a.agent,
                 "metrics": {k: _json_value(v) for k, v in metrics[a.agent].items()},
                 "sources": [{"file": f, "sheet": s, "platform": pl, "account": acc} for f, s, pl, acc in a.sources]}
                for a in data.agents.values()
            ],
            "problems": [
                {"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column, "message": p.text(),
                 "value": _json_value(p.value), "severity": p.severity}
                for p in problems
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(tr(f"月份：{data.month or '未知'}　客服：{len(data.agents)} 人",
                 f"month: {data.month or 'unknown'}   agents: {len(data.agents)}"))
        if data.agents:
            header = [tr("客服", "agent")] + list(TABLE) + [tr("来源数", "sources")]
            rows = [[a.agent] + [_cell(n, metrics[a.agent].get(n)) for n in TABLE] + [str(len(a.sources))]
                    for a in data.agents.values()]
            widths = [max(_width(r[i]) for r in [header] + rows) for i in range(len(header))]
            for r in [header] + rows:
                print("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())
        if problems:
            print()
            print(tr(f"发现 {len(problems)} 个问题：", f"{len(problems)} problems:"))
            for p in problems:
                print(p.format())
        if not args.aliases:
            lines = suggestion_lines(list(data.agents), likely_subaccounts(list(data.agents)))
            if lines:
                print()
                print("\n".join(lines))
                print(tr("  把这几行存成别名表（子账号,客服 两列的 .csv），用 --aliases 导入即可合并",
                         "  save these lines as an alias map (a .csv with columns 子账号,客服) and pass it with --aliases"))
    if any(p.is_error for p in problems) and not data.agents:
        return 1
    return 0
